"""The demo authority's case work (demo/casework.py): the records obey the rules the services
enforce, and the published national rates come out roughly right.

One 3,000-child authority is made for the whole module (committed, and removed at the end)."""

import datetime as dt
from collections import Counter

import pytest

from childprotection.models import (
    ChildProtectionPlan,
    ConferenceChild,
    CoreGroupMeeting,
    MultiAgencyChildProtectionTeam,
    Section47Enquiry,
    StrategyDiscussion,
)
from chronology.models import ChronologyEntry
from demo import casework
from demo.leaving_care import MIGRATED
from familyhelp.models import Allocation, Assessment, AssessmentFactor, ChildInNeedPlan, ChildInNeedReview, Visit
from frontdoor.models import Referral
from kernel.models import Deadline
from testing.demo import (
    demo_authority,
    name_keys,  # noqa: F401 - an autouse fixture
)

TODAY = dt.date(2025, 11, 14)  # a Friday
CHILDREN = 3000


authority = demo_authority(children=CHILDREN, seed=5, today=TODAY, restart_ids=False)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def test_initial_conferences_follow_a_section_47_that_called_for_one():
    links = ConferenceChild.objects.filter(conference__kind="initial").select_related("enquiry", "conference")
    assert links.exists()
    for link in links:
        assert link.enquiry is not None
        assert link.enquiry.outcome == "icpc"
        assert link.enquiry.episode_id == link.episode_id
        assert link.conference.held_on >= link.enquiry.start_date


def test_plans_start_from_a_conference_decision():
    for plan in ChildProtectionPlan.objects.all():
        link = ConferenceChild.objects.get(plan=plan, decision="plan")
        assert link.conference.held_on == plan.start_date
        assert link.episode_id == plan.episode_id
        if plan.end_date:
            assert plan.ended_by.kind == "review"
            assert plan.ended_by.held_on == plan.end_date
    people = Counter(ChildProtectionPlan.objects.filter(end_date__isnull=True).values_list("person_id", flat=True))
    assert not people or max(people.values()) == 1
    # A child in need plan is not open beside an open child protection plan.
    assert not ChildInNeedPlan.objects.filter(
        end_date__isnull=True, episode__cp_plans__isnull=False, episode__cp_plans__end_date__isnull=True
    ).exists()
    # A child has one open episode at a time.
    open_episodes = Counter(Referral.objects.filter(closure_date__isnull=True).values_list("person_id", flat=True))
    assert max(open_episodes.values()) == 1


def test_nothing_in_the_future_nor_before_the_referral():
    dates = [
        (Allocation, "start_date"),
        (Assessment, "start_date"),
        (Assessment, "completed_date"),
        (Assessment, "authorised_date"),
        (Section47Enquiry, "start_date"),
        (Section47Enquiry, "outcome_date"),
        (ConferenceChild, "conference__held_on"),
        (ChildProtectionPlan, "start_date"),
        (ChildProtectionPlan, "end_date"),
        (ChildInNeedPlan, "start_date"),
        (ChildInNeedPlan, "end_date"),
        (Visit, "visit_date"),
        (CoreGroupMeeting, "held_on", "plan__episode__referral_date"),
        (ChildInNeedReview, "review_date", "plan__episode__referral_date"),
    ]
    for model, field, *referral in dates:
        referral = referral[0] if referral else "episode__referral_date"
        for day, referred in model.objects.exclude(**{f"{field}__isnull": True}).values_list(field, referral):
            assert referred <= day <= TODAY, (model.__name__, field, day, referred)
    for held_at, referred in StrategyDiscussion.objects.values_list("held_at", "children__episode__referral_date"):
        assert referred <= held_at.date() <= TODAY
    for day, referred in Referral.objects.filter(closure_date__isnull=False).values_list(
        "closure_date", "referral_date"
    ):
        assert referred <= day <= TODAY
    assert not Deadline.objects.filter(done_on__gt=TODAY).exists()
    assert not ChronologyEntry.objects.filter(occurred_at__date__gt=TODAY + dt.timedelta(days=1)).exists()


def test_due_dates_are_met_with_reasons_and_closed_episodes_have_nothing_open():
    late = Deadline.objects.filter(status="met", late=True)
    assert late.exists()
    assert not late.filter(late_reason="").exists()
    assert not Deadline.objects.filter(status="met", late=False).exclude(late_reason="").exists()
    for row in Deadline.objects.filter(status="met"):
        assert (row.done_on > row.due_date) == row.late
    closed = Referral.objects.filter(closure_date__isnull=False)
    assert closed.exists()
    assert not Deadline.objects.filter(episode__in=closed, status="open").exists()
    assert not ChildInNeedPlan.objects.filter(episode__in=closed, end_date__isnull=True).exists()
    assert not ChildProtectionPlan.objects.filter(episode__in=closed, end_date__isnull=True).exists()
    assert not Section47Enquiry.objects.filter(episode__in=closed, outcome="").exists()
    assert not Assessment.objects.filter(episode__in=closed).exclude(status="authorised").exists()
    # One open due date per rule and subject.
    keys = Counter(Deadline.objects.filter(status="open").values_list("subject_type", "subject_id", "rule_slug"))
    assert max(keys.values()) == 1


def test_closed_after_assessment_only_with_an_authorised_assessment():
    reasons = Counter(Referral.objects.exclude(closure_reason="").values_list("closure_reason", flat=True))
    assert reasons["RC8"] > 0
    for episode in Referral.objects.filter(closure_reason__in=["RC8", "RC9"]):
        assert episode.assessments.filter(status="authorised").exists()
    assert set(reasons) <= {f"RC{n}" for n in range(1, 10)}


def test_factors_from_the_code_list_and_no_factors_alone():
    codes = set(casework.FACTORS) | {"21"}
    by_assessment = {}
    for assessment_id, code in AssessmentFactor.objects.values_list("assessment_id", "code"):
        assert code in codes
        by_assessment.setdefault(assessment_id, set()).add(code)
    assert any(found == {"21"} for found in by_assessment.values())
    assert not any("21" in found and len(found) > 1 for found in by_assessment.values())


def test_deadlines_point_at_the_records_the_services_use():
    from django.contrib.contenttypes.models import ContentType

    expected = {
        "assessment-completion": Referral,
        "strategy-discussion": Referral,
        "initial-child-protection-conference": Section47Enquiry,
        "first-core-group": ChildProtectionPlan,
        "core-group": ChildProtectionPlan,
        "first-review-conference": ChildProtectionPlan,
        "review-conference": ChildProtectionPlan,
        "child-protection-visit": ChildProtectionPlan,
        "child-in-need-review": ChildInNeedPlan,
        "child-in-need-visit": ChildInNeedPlan,
    }
    for slug, model in expected.items():
        found = Deadline.objects.filter(rule_slug=slug)
        assert not found.exclude(subject_type=ContentType.objects.get_for_model(model)).exists(), slug
    # The allocated team holds the case's due dates.
    for row in Deadline.objects.filter(status="open", episode__allocations__isnull=False).distinct()[:200]:
        current = Allocation.objects.filter(episode=row.episode).order_by("-start_date", "-id").first()
        assert (row.team_id, row.worker_id) == (current.team_id, current.worker_id)


def test_national_rates_roughly():
    # The year's referrals: not the migrated ones of the earlier years' care (demo.care, leaving
    # care, adoption), which have no case work.
    referrals = Referral.objects.exclude(contact__decision_due_explanation=MIGRATED).count()
    assert referrals > 100
    s47 = Section47Enquiry.objects.count()
    assert 0.5 * casework.S47_PER_REFERRAL < s47 / referrals < 1.5 * casework.S47_PER_REFERRAL
    decided = Section47Enquiry.objects.exclude(outcome="")
    icpc = decided.filter(outcome="icpc").count()
    assert 0.4 * casework.ICPC_PER_S47 < icpc / decided.count() < 1.6 * casework.ICPC_PER_S47
    plans = ChildProtectionPlan.objects.count()
    initial = ConferenceChild.objects.filter(conference__kind="initial").count()
    assert 0.6 < plans / initial <= 1.0
    assessed = Assessment.objects.filter(status="authorised")
    on_time = Deadline.objects.filter(rule_slug="assessment-completion", status="met")
    assert 0.65 < on_time.filter(late=False).count() / on_time.count() < 0.95
    assert assessed.count() > 0.5 * referrals
    categories = Counter(ChildProtectionPlan.objects.values_list("initial_category", flat=True))
    assert categories.most_common(1)[0][0] in {"NEG", "EMO"}


def test_demonstration_points():
    assert Assessment.objects.filter(status="submitted").exists()
    assert Deadline.objects.filter(rule_slug="strategy-discussion", status="open", due_date__gte=TODAY).exists()
    assert Deadline.objects.filter(
        rule_slug="initial-child-protection-conference",
        status="open",
        due_date__gt=TODAY,
        due_date__lte=TODAY + dt.timedelta(days=7),
    ).exists()
    assert Deadline.objects.filter(
        rule_slug="core-group",
        status="open",
        due_date__lt=TODAY,
        subject_id__in=ChildProtectionPlan.objects.filter(end_date__isnull=True).values("pk"),
    ).exists()
    team = MultiAgencyChildProtectionTeam.objects.get()
    assert {m.agency_kind for m in team.members.all()} >= {"education", "local_authority", "health", "police"}
    assert not Section47Enquiry.objects.filter(lead_practitioner__isnull=True).exists()
    assert not Section47Enquiry.objects.filter(macpt__isnull=True).exists()
