"""The Family Help pages: each renders, a good POST takes the step through the service, a bad
one answers 400 with the service's message in the GOV.UK error summary and saves nothing,
and need-to-know holds (another team's worker gets the 404 of a record that does not exist;
a partner practitioner may read but not change)."""

import datetime
import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from casework.services import current_allocation
from familyhelp import services
from familyhelp.models import Allocation, Assessment, ChildInNeedPlan, ChildInNeedReview, Visit
from familyhelp.testing import open_episode
from frontdoor.models import Referral
from kernel.models import Deadline
from partners.models import Team, User
from people.models import Involvement
from testing import builders
from testing.pages import date_data, refused

TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


@pytest.fixture
def episode(worker, manager, team, child):
    return builders.allocated_episode(worker, manager, child, TODAY() - 30 * DAY)


def authorised(worker, manager, episode, outcome=Assessment.Outcome.CHILD_IN_NEED_PLAN):
    start = episode.referral_date + DAY
    assessment = services.start_assessment(worker, episode, start_date=start)
    services.complete_assessment(
        worker, assessment, factors=["16A"], outcome=outcome, summary="Analysis", completed_date=start + 3 * DAY
    )
    return services.authorise_assessment(manager, assessment, authorised_date=start + 4 * DAY)


def with_plan(worker, manager, episode):
    found = authorised(worker, manager, episode)
    return services.start_cin_plan(
        worker,
        episode,
        start_date=found.authorised_date,
        services="Parenting support",
        outcomes=[("School every day", "Attendance over 95%")],
    )


# --- The case page ------------------------------------------------------------------------


class TestCasePage:
    def test_shows_the_episode_its_due_dates_and_the_next_steps(self, signed_in, worker, episode):
        response = signed_in.get(reverse("familyhelp:case", args=[episode.person_id]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Social care case" in body
        assert episode.person.full_name in body
        assert "Assessment team 1" in body
        assert str(worker) in body
        assert "Why this date" in body
        assert "On track" in body
        assert reverse("familyhelp:assessment-start", args=[episode.pk]) in body
        assert reverse("familyhelp:close", args=[episode.pk]) in body
        assert AuditEvent.objects.filter(
            action="view", summary="Viewed the social care case", person_id=episode.person_id
        ).exists()

    def test_the_steps_follow_the_case(self, client, worker, manager, episode):
        assessment = services.start_assessment(worker, episode, start_date=TODAY())
        services.complete_assessment(
            worker, assessment, factors=["16A"], outcome="cin_plan", summary="x", completed_date=TODAY()
        )
        url = reverse("familyhelp:case", args=[episode.person_id])
        authorise = reverse("familyhelp:assessment-authorise", args=[assessment.pk])
        client.force_login(worker)
        body = client.get(url).content.decode()
        assert authorise not in body  # only managers authorise
        assert reverse("familyhelp:assessment-start", args=[episode.pk]) not in body
        assert "Neglect" in body
        assert "Waiting for a manager" in body
        client.force_login(manager)
        assert authorise in client.get(url).content.decode()

    def test_an_overdue_date_is_red_and_a_late_one_shows_its_reason(self, signed_in, worker, manager, child):
        episode = open_episode(worker, child, TODAY() - 120 * DAY)
        services.allocate(manager, episode, team=worker.team, worker=worker, on=episode.referral_date)
        body = signed_in.get(reverse("familyhelp:case", args=[child.pk])).content.decode()
        assert "govuk-tag--red" in body
        assert "Overdue" in body
        assessment = services.start_assessment(worker, episode, start_date=episode.referral_date)
        services.complete_assessment(
            worker, assessment, factors=["21"], outcome="nfa", summary="x", completed_date=TODAY()
        )
        services.authorise_assessment(manager, assessment, authorised_date=TODAY(), late_reason="Family were abroad")
        body = signed_in.get(reverse("familyhelp:case", args=[child.pk])).content.decode()
        assert "Done late" in body
        assert "Family were abroad" in body

    def test_a_closed_episode_offers_no_steps(self, signed_in, worker, manager, episode):
        authorised(worker, manager, episode, outcome="nfa")
        services.close_episode(worker, episode, closure_date=TODAY(), reason="RC8")
        body = signed_in.get(reverse("familyhelp:case", args=[episode.person_id])).content.decode()
        assert "Closed on" in body
        assert "Case closed after assessment, no further action" in body
        assert reverse("familyhelp:close", args=[episode.pk]) not in body

    def test_another_teams_worker_gets_a_404(self, client, la, user, episode):
        other = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team"))
        client.force_login(other)
        assert client.get(reverse("familyhelp:case", args=[episode.person_id])).status_code == 404
        assert client.get(reverse("familyhelp:allocate", args=[episode.pk])).status_code == 404
        assert AuditEvent.objects.filter(action="denied", user=other).exists()

    def test_a_missing_child_or_record_is_a_404(self, signed_in):
        assert signed_in.get(reverse("familyhelp:case", args=[999999])).status_code == 404
        assert signed_in.get(reverse("familyhelp:assessment", args=[999999])).status_code == 404
        assert signed_in.get(reverse("familyhelp:cin-plan", args=[999999])).status_code == 404
        assert signed_in.get(reverse("familyhelp:visit", args=[999999])).status_code == 404

    def test_a_partner_reads_but_sees_no_steps_and_cannot_post(self, client, police_officer, episode):
        Involvement.objects.create(
            person=episode.person, agency=police_officer.agency, kind="Police", start_date=episode.referral_date
        )
        client.force_login(police_officer)
        response = client.get(reverse("familyhelp:case", args=[episode.person_id]))
        assert response.status_code == 200
        assert reverse("familyhelp:close", args=[episode.pk]) not in response.content.decode()
        assert (
            client.post(
                reverse("familyhelp:assessment-start", args=[episode.pk]), date_data("start_date", TODAY())
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("familyhelp:close", args=[episode.pk]), {**date_data("closure_date", TODAY()), "reason": "RC7"}
            ).status_code
            == 403
        )
        assert not Assessment.objects.exists()

    def test_the_record_links_to_the_case(self, signed_in, episode):
        body = signed_in.get(reverse("people:detail", args=[episode.person_id])).content.decode()
        assert reverse("familyhelp:case", args=[episode.person_id]) in body


# --- Allocation ---------------------------------------------------------------------------


class TestAllocate:
    def test_allocates(self, client, manager, user, team, episode):
        other = user(User.Role.SOCIAL_WORKER, team=team)
        client.force_login(manager)
        url = reverse("familyhelp:allocate", args=[episode.pk])
        assert client.get(url).status_code == 200
        before = current_allocation(episode)
        response = client.post(url, {"team": team.pk, "worker": other.pk, **date_data("on", TODAY())})
        # A change of social worker needs its reason (SSDA903 SW_REASON); nothing is saved without it.
        assert response.status_code == 400
        assert "Select why the social worker is changing" in response.content.decode()
        assert current_allocation(episode) == before
        response = client.post(
            url, {"team": team.pk, "worker": other.pk, "change_reason": "LEFTRL", **date_data("on", TODAY())}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("familyhelp:case", args=[episode.person_id])
        assert current_allocation(episode).worker == other
        assert current_allocation(episode).change_reason == "LEFTRL"
        assert "Allocated to" in client.get(response["Location"]).content.decode()

    def test_the_worker_must_be_in_the_team(self, client, manager, la, user, team, episode):
        other_team = Team.objects.create(agency=la, name="Assessment team 2")
        stranger = user(User.Role.SOCIAL_WORKER, team=other_team)
        client.force_login(manager)
        response = client.post(
            reverse("familyhelp:allocate", args=[episode.pk]), {"team": team.pk, "worker": stranger.pk}
        )
        refused(response, "is not in Assessment team 1")
        assert Allocation.objects.count() == 1

    def test_a_team_and_a_date_are_needed(self, client, manager, team, episode):
        client.force_login(manager)
        url = reverse("familyhelp:allocate", args=[episode.pk])
        refused(client.post(url, {"team": ""}), "Select the team")
        refused(
            client.post(url, {"team": team.pk, **date_data("on", TODAY() + DAY)}),
            "The allocation date cannot be in the future",
        )
        refused(
            client.post(url, {"team": team.pk, **date_data("on", episode.referral_date - DAY)}),
            "cannot be before the referral",
        )
        assert Allocation.objects.count() == 1


# --- The assessment -----------------------------------------------------------------------


class TestAssessment:
    def test_start(self, signed_in, episode):
        url = reverse("familyhelp:assessment-start", args=[episode.pk])
        assert signed_in.get(url).status_code == 200
        response = signed_in.post(url, date_data("start_date", TODAY()))
        assert response.status_code == 302
        assert Assessment.objects.get().start_date == TODAY()
        # A second one cannot start while this one is open: the page says so.
        again = signed_in.get(url)
        assert again.status_code == 200
        assert "already in progress" in again.content.decode()
        refused(signed_in.post(url, date_data("start_date", TODAY())), "already in progress")
        assert Assessment.objects.count() == 1

    def test_bad_start_dates(self, signed_in, episode):
        url = reverse("familyhelp:assessment-start", args=[episode.pk])
        refused(signed_in.post(url, {}), "Enter the start date")
        refused(
            signed_in.post(url, date_data("start_date", episode.referral_date - DAY)),
            "The start date cannot be before the referral",
        )
        refused(signed_in.post(url, date_data("start_date", TODAY() + DAY)), "The start date cannot be in the future")
        refused(
            signed_in.post(url, {"start_date_0": "31", "start_date_1": "2", "start_date_2": "2026"}),
            "must be a real date",
        )
        assert not Assessment.objects.exists()

    def test_complete(self, signed_in, worker, episode):
        assessment = services.start_assessment(worker, episode, start_date=TODAY() - 5 * DAY)
        url = reverse("familyhelp:assessment", args=[assessment.pk])
        page = signed_in.get(url)
        body = page.content.decode()
        assert page.status_code == 200
        assert 'data-behaviour="exclusive"' in body
        assert "govuk-checkboxes__divider" in body
        assert "Abuse and neglect" in body
        assert "No factors identified" in body
        response = signed_in.post(
            url,
            {
                "factors": ["16A", "3B"],
                "outcome": "cin_plan",
                "summary": "The analysis",
                "next_steps": "A plan",
                **date_data("completed_date", TODAY()),
            },
        )
        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.SUBMITTED
        assert set(assessment.factors.values_list("code", flat=True)) == {"16A", "3B"}
        after = signed_in.get(url)
        assert after.status_code == 200
        assert "Submit for authorisation" not in after.content.decode()

    def test_complete_refused(self, signed_in, worker, episode):
        assessment = services.start_assessment(worker, episode, start_date=TODAY() - 5 * DAY)
        url = reverse("familyhelp:assessment", args=[assessment.pk])
        refused(signed_in.post(url, {"outcome": "nfa", "summary": "x"}), "Select the factors identified")
        refused(
            signed_in.post(url, {"factors": ["21", "16A"], "outcome": "nfa", "summary": "x"}),
            "cannot be selected with other factors",
        )
        refused(signed_in.post(url, {"factors": ["16A"], "summary": "x"}), "Select the outcome of the assessment")
        refused(
            signed_in.post(
                url,
                {
                    "factors": ["16A"],
                    "outcome": "nfa",
                    "summary": "x",
                    **date_data("completed_date", TODAY() - 10 * DAY),
                },
            ),
            "cannot be before the start of the assessment",
        )
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.IN_PROGRESS
        assert not assessment.factors.exists()

    def test_a_partner_reads_the_assessment_but_cannot_complete_it(self, client, worker, police_officer, episode):
        Involvement.objects.create(
            person=episode.person, agency=police_officer.agency, kind="Police", start_date=episode.referral_date
        )
        assessment = services.start_assessment(worker, episode, start_date=TODAY())
        client.force_login(police_officer)
        url = reverse("familyhelp:assessment", args=[assessment.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "Submit for authorisation" not in page.content.decode()
        assert client.post(url, {"factors": ["21"], "outcome": "nfa", "summary": "x"}).status_code == 403
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.IN_PROGRESS

    def test_authorise(self, client, worker, manager, episode):
        assessment = services.start_assessment(worker, episode, start_date=TODAY() - 5 * DAY)
        services.complete_assessment(
            worker, assessment, factors=["16A"], outcome="cin_plan", summary="The analysis", completed_date=TODAY()
        )
        url = reverse("familyhelp:assessment-authorise", args=[assessment.pk])
        client.force_login(worker)
        page = client.get(url)
        assert page.status_code == 200
        assert "Only a team manager or head of service" in page.content.decode()
        refused(client.post(url, date_data("authorised_date", TODAY())), "Only a team manager or head of service")
        client.force_login(manager)
        page = client.get(url)
        assert page.status_code == 200
        assert "The analysis" in page.content.decode()
        refused(client.post(url, date_data("authorised_date", TODAY() + DAY)), "cannot be in the future")
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.SUBMITTED
        assert client.post(url, date_data("authorised_date", TODAY())).status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.AUTHORISED
        assert assessment.authorised_by == manager
        page = client.get(url)
        assert page.status_code == 200
        assert "was authorised on" in page.content.decode()

    def test_authorising_late_needs_the_reason(self, client, worker, manager, child):
        episode = open_episode(worker, child, TODAY() - 120 * DAY)
        services.allocate(manager, episode, team=worker.team, worker=worker, on=episode.referral_date)
        assessment = services.start_assessment(worker, episode, start_date=episode.referral_date)
        services.complete_assessment(
            worker, assessment, factors=["21"], outcome="nfa", summary="x", completed_date=TODAY()
        )
        client.force_login(manager)
        url = reverse("familyhelp:assessment-authorise", args=[assessment.pk])
        assert "Why was the assessment late?" in client.get(url).content.decode()
        refused(client.post(url, date_data("authorised_date", TODAY())), "give the reason it is late")
        assert (
            client.post(
                url, {**date_data("authorised_date", TODAY()), "late_reason": "The family were away"}
            ).status_code
            == 302
        )
        due = Deadline.objects.get(episode=episode, rule_slug="assessment-completion")
        assert due.late
        assert due.late_reason == "The family were away"


# --- Child in need plans ------------------------------------------------------------------


class TestChildInNeedPlan:
    def outcome_data(self):
        return {
            "services": "Parenting support",
            "outcome_1": "School every day",
            "measure_1": "Over 95%",
            "outcome_2": "",
            "measure_2": "",
            "outcome_3": "Health checks",
        }

    def test_start(self, signed_in, worker, manager, episode):
        authorised(worker, manager, episode)
        url = reverse("familyhelp:cin-plan-start", args=[episode.pk])
        assert signed_in.get(url).status_code == 200
        response = signed_in.post(url, {**date_data("start_date", TODAY()), **self.outcome_data()})
        assert response.status_code == 302
        plan = ChildInNeedPlan.objects.get()
        assert list(plan.outcomes.values_list("description", flat=True)) == ["School every day", "Health checks"]

    def test_not_before_the_assessment_is_authorised(self, signed_in, worker, episode):
        services.start_assessment(worker, episode, start_date=TODAY())
        url = reverse("familyhelp:cin-plan-start", args=[episode.pk])
        page = signed_in.get(url)
        assert page.status_code == 200
        assert "authorise the assessment first" in page.content.decode()
        refused(
            signed_in.post(url, {**date_data("start_date", TODAY()), **self.outcome_data()}),
            "follows an authorised child and family assessment",
        )
        assert not ChildInNeedPlan.objects.exists()

    def test_needs_services_and_an_outcome(self, signed_in, worker, manager, episode):
        authorised(worker, manager, episode)
        url = reverse("familyhelp:cin-plan-start", args=[episode.pk])
        response = signed_in.post(url, date_data("start_date", TODAY()))
        refused(response, "Enter the services the plan provides")
        refused(response, "Enter at least one outcome the plan is to achieve")
        refused(
            signed_in.post(url, {**date_data("start_date", episode.referral_date), **self.outcome_data()}),
            "cannot be before the assessment&#x27;s authorisation",
        )
        assert not ChildInNeedPlan.objects.exists()

    def test_the_plan_page_open_and_ended(self, signed_in, worker, manager, episode):
        plan = with_plan(worker, manager, episode)
        url = reverse("familyhelp:cin-plan", args=[plan.pk])
        body = signed_in.get(url).content.decode()
        assert "School every day" in body
        assert "Why this date" in body
        assert reverse("familyhelp:cin-review", args=[plan.pk]) in body
        services.end_cin_plan(worker, plan, end_date=TODAY(), reason="Outcomes achieved")
        page = signed_in.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "Ended" in body
        assert "Outcomes achieved" in body
        assert reverse("familyhelp:cin-review", args=[plan.pk]) not in body

    def test_review(self, signed_in, worker, manager, episode):
        plan = with_plan(worker, manager, episode)
        url = reverse("familyhelp:cin-review", args=[plan.pk])
        assert signed_in.get(url).status_code == 200
        outcome = plan.outcomes.get()
        response = signed_in.post(
            url,
            {
                **date_data("review_date", TODAY()),
                "progress": "Going well",
                "decision": "continue",
                "achieved": [str(outcome.pk)],
            },
        )
        assert response.status_code == 302
        outcome.refresh_from_db()
        assert outcome.achieved
        assert ChildInNeedReview.objects.get().decision == "continue"
        plan.refresh_from_db()
        assert plan.end_date is None

    def test_review_refused(self, signed_in, worker, manager, episode):
        plan = with_plan(worker, manager, episode)
        url = reverse("familyhelp:cin-review", args=[plan.pk])
        response = signed_in.post(url, date_data("review_date", TODAY()))
        refused(response, "Enter the progress made")
        refused(response, "Select whether the plan continues or ends")
        refused(
            signed_in.post(
                url, {**date_data("review_date", plan.start_date - DAY), "progress": "x", "decision": "continue"}
            ),
            "cannot be before the start of the plan",
        )
        assert not ChildInNeedReview.objects.exists()

    def test_end(self, signed_in, worker, manager, episode):
        plan = with_plan(worker, manager, episode)
        url = reverse("familyhelp:cin-plan-end", args=[plan.pk])
        assert signed_in.get(url).status_code == 200
        refused(signed_in.post(url, date_data("end_date", TODAY())), "Enter why the plan is ending")
        refused(
            signed_in.post(url, {**date_data("end_date", TODAY() + DAY), "reason": "Done"}), "cannot be in the future"
        )
        plan.refresh_from_db()
        assert plan.end_date is None
        assert signed_in.post(url, {**date_data("end_date", TODAY()), "reason": "Done"}).status_code == 302
        plan.refresh_from_db()
        assert plan.end_date == TODAY()
        assert plan.end_reason == "Done"
        for name in ("familyhelp:cin-plan-end", "familyhelp:cin-review"):
            page = signed_in.get(reverse(name, args=[plan.pk]))
            assert page.status_code == 200
            assert "This child in need plan ended on" in page.content.decode()
        refused(signed_in.post(url, {**date_data("end_date", TODAY()), "reason": "Again"}), "already ended")


# --- Visits -------------------------------------------------------------------------------


class TestVisit:
    def test_record_a_visit(self, signed_in, worker, manager, episode):
        with_plan(worker, manager, episode)
        url = reverse("familyhelp:visit", args=[episode.pk])
        page = signed_in.get(url + "?kind=child_in_need")
        assert page.status_code == 200
        assert re.search(r'value="child_in_need"\s*checked', page.content.decode())
        response = signed_in.post(
            url,
            {
                "kind": "child_in_need",
                **date_data("visit_date", TODAY()),
                "seen": "yes",
                "seen_alone": "on",
                "bedroom_seen": "on",
                "notes": "All well",
            },
        )
        assert response.status_code == 302
        visit = Visit.objects.get()
        assert visit.seen
        assert visit.seen_alone
        assert visit.bedroom_seen
        assert visit.notes == "All well"

    def test_visit_refused(self, signed_in, episode):
        url = reverse("familyhelp:visit", args=[episode.pk])
        refused(
            signed_in.post(url, {"kind": "child_in_need", **date_data("visit_date", TODAY()), "seen": "yes"}),
            "A child in need visit needs an open child in need plan",
        )
        response = signed_in.post(url, {"kind": "assessment", **date_data("visit_date", TODAY())})
        refused(response, "Say whether the child was seen")
        refused(
            signed_in.post(
                url, {"kind": "assessment", **date_data("visit_date", TODAY()), "seen": "no", "seen_alone": "on"}
            ),
            "cannot have been seen alone",
        )
        refused(
            signed_in.post(
                url, {"kind": "assessment", **date_data("visit_date", episode.referral_date - DAY), "seen": "yes"}
            ),
            "cannot be before the referral",
        )
        refused(signed_in.post(url, {"seen": "yes", **date_data("visit_date", TODAY())}), "Select the kind of visit")
        assert not Visit.objects.exists()


# --- Closure ------------------------------------------------------------------------------


class TestClose:
    def test_close(self, signed_in, worker, manager, episode):
        authorised(worker, manager, episode, outcome="nfa")
        url = reverse("familyhelp:close", args=[episode.pk])
        assert signed_in.get(url).status_code == 200
        response = signed_in.post(url, {**date_data("closure_date", TODAY()), "reason": "RC8"})
        assert response.status_code == 302
        episode.refresh_from_db()
        assert episode.closure_date == TODAY()
        assert episode.closure_reason == "RC8"
        # Every form page of the closed episode says so, rather than failing.
        for name in (
            "familyhelp:close",
            "familyhelp:allocate",
            "familyhelp:assessment-start",
            "familyhelp:cin-plan-start",
            "familyhelp:visit",
        ):
            page = signed_in.get(reverse(name, args=[episode.pk]))
            assert page.status_code == 200, name
            assert "was closed on" in page.content.decode(), name

    def test_close_refused(self, signed_in, worker, manager, episode):
        url = reverse("familyhelp:close", args=[episode.pk])
        refused(signed_in.post(url, {**date_data("closure_date", TODAY()), "reason": "RC8"}), "8825Q")
        refused(signed_in.post(url, date_data("closure_date", TODAY())), "Select the reason for closure")
        refused(signed_in.post(url, {"reason": "RC7"}), "Enter the closure date")
        with_plan(worker, manager, episode)
        refused(
            signed_in.post(url, {**date_data("closure_date", TODAY()), "reason": "RC7"}),
            "End the child in need plan before closing the episode",
        )
        episode.refresh_from_db()
        assert episode.closure_date is None
        assert Referral.objects.get(pk=episode.pk).closure_reason == ""


# --- Child protection on the case page ----------------------------------------------------


def test_the_case_shows_child_protection_with_links(signed_in, worker, manager, chair, episode):
    from django.utils import timezone

    from childprotection import services as child_protection
    from childprotection.models import ChildProtectionPlan, Section47Enquiry
    from testing.builders import MINIMUM_ATTENDEES

    discussion = child_protection.hold_strategy_discussion(
        worker,
        held_at=timezone.now() - 20 * DAY,
        children=[(episode, "s47", "")],
        attendees=MINIMUM_ATTENDEES,
        information_shared="Shared",
        police_decision="none",
        chair=manager,
        late_reason="Test",
    )
    enquiry = Section47Enquiry.objects.get(episode=episode)
    child_protection.record_enquiry_outcome(
        worker, enquiry, outcome="icpc", outcome_date=TODAY() - 15 * DAY, findings="Found"
    )
    conference = child_protection.hold_conference(
        worker,
        kind="initial",
        held_on=TODAY() - 10 * DAY,
        chair=chair,
        children=[
            {"episode": episode, "decision": "plan", "category": "NEG", "reasons": "Risk", "late_reason": "Test"}
        ],
    )
    plan = ChildProtectionPlan.objects.get(episode=episode)
    response = signed_in.get(reverse("familyhelp:case", args=[episode.person_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Strategy discussions" in body
    assert "Section 47 enquiries" in body
    assert "Child protection plans" in body
    for name, pk in (
        ("childprotection:strategy", discussion.pk),
        ("childprotection:enquiry", enquiry.pk),
        ("childprotection:conference", conference.pk),
        ("childprotection:plan", plan.pk),
    ):
        assert reverse(name, args=[pk]) in body
    assert reverse("childprotection:strategy-new", args=[episode.pk]) in body
    # On a child protection plan, a child in need plan cannot start.
    assert reverse("familyhelp:cin-plan-start", args=[episode.pk]) not in body
    assert signed_in.get(reverse("familyhelp:cin-plan-start", args=[episode.pk])).status_code == 200


def test_every_form_page_audits_its_view_of_the_child(client, worker, manager, episode):
    plan = with_plan(worker, manager, episode)
    client.force_login(manager)
    pages = [
        f"/cases/episodes/{episode.pk}/allocate/",
        f"/cases/episodes/{episode.pk}/assessment/",
        f"/cases/episodes/{episode.pk}/cin-plan/",
        f"/cases/cin-plans/{plan.pk}/review/",
        f"/cases/cin-plans/{plan.pk}/end/",
        f"/cases/episodes/{episode.pk}/visits/new/",
        f"/cases/episodes/{episode.pk}/close/",
    ]
    for url in pages:
        before = AuditEvent.objects.filter(action="view", user=manager, person_id=episode.person_id).count()
        assert client.get(url).status_code == 200, url
        after = AuditEvent.objects.filter(action="view", user=manager, person_id=episode.person_id).count()
        assert after == before + 1, url
