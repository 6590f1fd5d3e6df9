"""The care planning pages: each renders (and is audited as a view of the child's record), a
good POST takes the step through the service and goes back to the care page, a bad one
answers 400 with the service's message in the GOV.UK error summary, keeps what was typed and
saves nothing, and need-to-know holds (another team's worker gets the audited 404 of a record
that does not exist; a partner practitioner may read the history but not change anything)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from audit.models import AuditEvent
from childrenincare.models import CarePlan, CareVisit, HealthAssessment, LookedAfterReview, PersonalEducationPlan
from childrenincare.planning import services as care_planning
from childrenincare.testing import looked_after
from partners.models import Team, User
from people.models import Involvement
from testing.pages import date_data, refused, saved

D = datetime.date
TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)
PAGES = ["care-plan", "iro", "health-assessment", "education-plan", "review", "visit", "planning"]


def url(name, period):
    return reverse(f"childrenincare:{name}", args=[period.pk])


@pytest.fixture
def period(worker, child):
    return looked_after(worker, child, TODAY() - 10 * DAY)


class TestEveryPage:
    @pytest.mark.parametrize("name", PAGES)
    def test_renders_and_is_audited(self, signed_in, worker, period, name):
        response = signed_in.get(url(name, period))
        assert response.status_code == 200
        assert period.person.full_name in response.content.decode()
        assert AuditEvent.objects.filter(
            action="view", user=worker, person_id=period.person_id, summary__startswith="Viewed"
        ).exists()

    def test_another_teams_worker_gets_the_audited_404(self, client, la, user, period):
        other = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team"))
        client.force_login(other)
        for name in PAGES:
            assert client.get(url(name, period)).status_code == 404
        assert client.post(url("review", period), date_data("held_on", TODAY())).status_code == 404
        assert AuditEvent.objects.filter(action="denied", user=other).count() >= len(PAGES)
        assert not LookedAfterReview.objects.exists()

    def test_a_period_that_does_not_exist_is_a_404(self, signed_in):
        for name in PAGES:
            assert signed_in.get(reverse(f"childrenincare:{name}", args=[999999])).status_code == 404

    def test_a_partner_reads_the_history_but_cannot_post(self, client, police_officer, period):
        Involvement.objects.create(
            person=period.person, agency=police_officer.agency, kind="Police", start_date=period.start_date
        )
        client.force_login(police_officer)
        history = client.get(url("planning", period))
        assert history.status_code == 200
        assert url("review", period) not in history.content.decode()
        posts = {
            "care-plan": {**date_data("agreed_on", TODAY()), "permanence_plan": "not_yet"},
            "iro": {**date_data("on", TODAY())},
            "health-assessment": {**date_data("held_on", TODAY()), "kind": "initial"},
            "education-plan": {**date_data("held_on", TODAY())},
            "review": {**date_data("held_on", TODAY()), "participation": "PN1"},
            "visit": {**date_data("visited_on", TODAY()), "seen": "yes"},
        }
        for name, data in posts.items():
            assert client.post(url(name, period), data).status_code == 403, name
        assert not (CarePlan.objects.exists())
        assert not (HealthAssessment.objects.exists())
        assert not (CareVisit.objects.exists())
        assert not (PersonalEducationPlan.objects.exists())
        assert not (LookedAfterReview.objects.exists())


class TestCarePlanPage:
    def test_agrees_a_care_plan(self, signed_in, period):
        response = signed_in.post(
            url("care-plan", period),
            {
                **date_data("agreed_on", TODAY()),
                "permanence_plan": "adoption",
                "permanence_detail": "Matched by the summer",
                "health": "Dental check booked",
            },
        )
        saved(response, url("period", period))
        plan = CarePlan.objects.get()
        assert (plan.permanence_plan, plan.health) == ("adoption", "Dental check booked")
        # A new version starts from the current one.
        body = signed_in.get(url("care-plan", period)).content.decode()
        assert "Agree a new version of the care plan" in body
        assert "Dental check booked" in body

    def test_bad_input_is_400_with_the_summary_and_nothing_lost(self, signed_in, period):
        response = signed_in.post(
            url("care-plan", period),
            {
                **date_data("agreed_on", TODAY() + DAY),
                "permanence_plan": "adoption",
                "wishes_and_feelings": "Wants to stay with her brother",
            },
        )
        body = refused(response, "cannot be in the future")
        assert "Say how and when the plan for permanence will be achieved" in body
        assert "Wants to stay with her brother" in body
        assert not CarePlan.objects.exists()


class TestIroPage:
    def test_appoints_an_iro(self, signed_in, iro, period):
        saved(
            signed_in.post(url("iro", period), {"iro": str(iro.pk), **date_data("on", period.start_date + DAY)}),
            url("period", period),
        )
        period.refresh_from_db()
        assert period.iro == iro

    def test_names_are_escaped_once(self, signed_in, user, la, period):
        user(User.Role.IRO, agency=la, team=None, first_name="Test<b>", last_name="O'Testiro")
        body = signed_in.get(url("iro", period)).content.decode()
        assert "Test&lt;b&gt; O&#x27;Testiro" in body
        assert "Test<b>" not in body
        assert "&amp;" not in body

    def test_someone_who_is_not_an_iro_is_refused(self, signed_in, manager, period):
        response = signed_in.post(url("iro", period), {"iro": str(manager.pk), **date_data("on", TODAY())})
        refused(response, "is not an independent reviewing officer")
        period.refresh_from_db()
        assert period.iro is None


class TestHealthAndEducationPages:
    def test_records_a_health_assessment(self, signed_in, period):
        saved(
            signed_in.post(
                url("health-assessment", period),
                {"kind": "initial", **date_data("held_on", TODAY()), "carried_out_by": "Dr Test", "dental_check": "on"},
            ),
            url("period", period),
        )
        found = HealthAssessment.objects.get()
        assert found.dental_check
        assert found.carried_out_by == "Dr Test"

    def test_a_health_assessment_before_the_period_is_refused(self, signed_in, period):
        response = signed_in.post(
            url("health-assessment", period),
            {"kind": "initial", **date_data("held_on", period.start_date - DAY), "carried_out_by": "Dr Test"},
        )
        body = refused(response, "cannot be before the start of the period of care")
        assert "Dr Test" in body
        assert not HealthAssessment.objects.exists()

    def test_records_a_pep_and_refuses_a_bad_date(self, signed_in, period):
        refused(
            signed_in.post(url("education-plan", period), {"school": "Test Academy"}),
            "Enter the date of the personal education plan meeting",
        )
        saved(
            signed_in.post(url("education-plan", period), {**date_data("held_on", TODAY()), "school": "Test Academy"}),
            url("period", period),
        )
        assert PersonalEducationPlan.objects.get().school == "Test Academy"


class TestReviewPage:
    def test_records_review_1_chaired_by_the_iro(self, signed_in, worker, iro, period):
        care_planning.appoint_iro(worker, period, iro=iro, on=period.start_date)
        body = signed_in.get(url("review", period)).content.decode()
        assert "Record looked-after review 1" in body
        assert "PN0" in body
        saved(
            signed_in.post(
                url("review", period),
                {
                    **date_data("held_on", TODAY()),
                    "chair": str(iro.pk),
                    "participation": "PN2",
                    "decisions": "Stay with the carers",
                },
            ),
            url("period", period),
        )
        found = LookedAfterReview.objects.get()
        assert (found.number, found.participation, found.chair) == (1, "PN2", iro)

    def test_the_wrong_chair_and_code_are_400_and_nothing_saved(self, signed_in, worker, iro, manager, period):
        care_planning.appoint_iro(worker, period, iro=iro, on=period.start_date)
        response = signed_in.post(
            url("review", period),
            {
                **date_data("held_on", TODAY()),
                "chair": str(manager.pk),
                "participation": "PN0",
                "decisions": "Typed decisions kept",
            },
        )
        body = refused(response, "chaired by the child&#x27;s independent reviewing officer")
        assert "PN0 is only for a child under 4" in body
        assert "Typed decisions kept" in body
        assert not LookedAfterReview.objects.exists()

    def test_a_late_review_asks_for_the_reason(self, signed_in, worker, iro, child):
        period = looked_after(worker, child, TODAY() - 60 * DAY)
        care_planning.appoint_iro(worker, period, iro=iro, on=period.start_date, late_reason="Test")
        assert "give the reason it is late" in signed_in.get(url("review", period)).content.decode()
        refused(
            signed_in.post(
                url("review", period), {**date_data("held_on", TODAY()), "chair": str(iro.pk), "participation": "PN1"}
            ),
            "give the reason it is late",
        )
        saved(
            signed_in.post(
                url("review", period),
                {
                    **date_data("held_on", TODAY()),
                    "chair": str(iro.pk),
                    "participation": "PN1",
                    "late_reason": "The family were away",
                },
            ),
            url("period", period),
        )
        assert LookedAfterReview.objects.get().late_reason == "The family were away"
        assert "The family were away" in signed_in.get(url("planning", period)).content.decode()


class TestVisitPage:
    def test_records_a_visit(self, signed_in, period):
        saved(
            signed_in.post(
                url("visit", period),
                {
                    **date_data("visited_on", TODAY() - 5 * DAY),
                    "seen": "yes",
                    "seen_alone": "on",
                    "bedroom_seen": "on",
                    "notes": "Settled",
                },
            ),
            url("period", period),
        )
        found = CareVisit.objects.get()
        assert found.seen
        assert found.seen_alone
        assert found.bedroom_seen

    def test_bad_input_is_400(self, signed_in, period):
        refused(
            signed_in.post(url("visit", period), {**date_data("visited_on", TODAY()), "notes": "Typed notes"}),
            "Say whether the child was seen",
        )
        body = refused(
            signed_in.post(
                url("visit", period),
                {**date_data("visited_on", TODAY() + DAY), "seen": "no", "seen_alone": "on", "notes": "Typed notes"},
            ),
            "cannot be in the future",
        )
        assert "Typed notes" in body
        assert not CareVisit.objects.exists()


class TestHistoryAndSummary:
    def test_the_history_shows_everything_with_labels(self, signed_in, worker, iro, period):
        care_planning.record_care_plan(worker, period, agreed_on=period.start_date, permanence_plan="not_yet")
        care_planning.record_care_plan(
            worker, period, agreed_on=TODAY(), permanence_plan="return_home", permanence_detail="Home to father"
        )
        care_planning.appoint_iro(worker, period, iro=iro, on=period.start_date)
        care_planning.record_review(worker, period, held_on=TODAY(), participation="PN5", chair=iro)
        from childrenincare import visits

        visits.record_visit(worker, period, visited_on=period.start_date + DAY, seen=True, bedroom_seen=True)
        body = signed_in.get(url("planning", period)).content.decode()
        assert "Did not attend and briefed an advocate to speak for them" in body
        assert "Return home to parents" in body
        assert "Not yet decided" in body
        assert AuditEvent.objects.filter(summary="Viewed the care planning history").exists()

    def test_the_summary_include_links_to_the_pages_for_those_who_may_change(self, worker, iro, period):
        planning = care_planning.summary(period)
        html = render_to_string(
            "childrenincare/planning/_summary.html", {"period": period, "planning": planning, "may_change": True}
        )
        for name in PAGES:
            assert url(name, period) in html
        assert "Not agreed yet" in html
        assert "Why this date" in html
        read_only = render_to_string(
            "childrenincare/planning/_summary.html", {"period": period, "planning": planning, "may_change": False}
        )
        assert url("review", period) not in read_only
        assert url("planning", period) in read_only
