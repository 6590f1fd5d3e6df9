"""The whole child-protection journey through the services, with its due dates."""

import datetime

import pytest

from childprotection import services
from childprotection.models import ChildProtectionPlan, ConferenceChild, Section47Enquiry, StrategyDiscussionChild
from familyhelp import services as family_help
from familyhelp.models import Assessment
from familyhelp.testing import open_episode
from kernel import selectors as deadline_reads
from kernel.models import Deadline
from kernel.rules import RuleBroken
from testing.builders import MINIMUM_ATTENDEES

D = datetime.date


def at(day, hour=10):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_referral_to_plan_ended(worker, manager, chair, team, child):
    episode = open_episode(worker, child, D(2025, 12, 1))
    due = Deadline.objects.get(rule_slug="assessment-completion")
    assert due.due_date == D(2026, 2, 5)  # 45 working days over Christmas, Boxing Day and New Year
    family_help.allocate(manager, episode, team=team, worker=worker, on=D(2025, 12, 2))
    due.refresh_from_db()
    assert due.worker == worker
    assert due.team == team
    assessment = family_help.start_assessment(worker, episode, start_date=D(2025, 12, 2))
    family_help.complete_assessment(
        worker,
        assessment,
        factors=["3B", "16A"],
        outcome=Assessment.Outcome.STRATEGY_DISCUSSION,
        summary="Analysis.",
        completed_date=D(2025, 12, 10),
    )
    family_help.authorise_assessment(manager, assessment, authorised_date=D(2025, 12, 11))
    due.refresh_from_db()
    assert due.status == "met"
    assert not due.late
    discussion = services.hold_strategy_discussion(
        worker,
        held_at=at(D(2025, 12, 12)),
        children=[(episode, StrategyDiscussionChild.Decision.SECTION_47, "")],
        attendees=MINIMUM_ATTENDEES,
        information_shared="Shared.",
        police_decision="investigation",
        chair=manager,
    )
    enquiry = Section47Enquiry.objects.get()
    # 15 working days from Friday 12 December 2025, over Christmas and Boxing Day.
    assert enquiry.initial_conference_target == D(2026, 1, 7)
    services.record_enquiry_outcome(worker, enquiry, outcome="icpc", outcome_date=D(2025, 12, 19), findings="Found.")
    services.hold_conference(
        worker,
        kind="initial",
        held_on=D(2026, 1, 5),
        chair=chair,
        children=[{"episode": episode, "decision": "plan", "category": "NEG", "reasons": "Risk of significant harm."}],
    )
    plan = ChildProtectionPlan.objects.get()
    assert plan.initial_category == "NEG"
    assert plan.previous_plans == 0
    assert Deadline.objects.get(rule_slug="first-core-group").due_date == D(2026, 1, 19)
    assert Deadline.objects.get(rule_slug="first-review-conference").due_date == D(2026, 4, 5)
    services.hold_core_group_meeting(worker, plan, held_on=D(2026, 1, 15), progress="Progress.")
    services.hold_conference(
        worker,
        kind="review",
        held_on=D(2026, 3, 30),
        chair=chair,
        children=[{"episode": episode, "decision": "continue", "category": "EMO", "reasons": "Continuing."}],
    )
    plan.refresh_from_db()
    assert plan.latest_category == "EMO"
    assert Deadline.objects.get(rule_slug="review-conference", status="open").due_date == D(2026, 9, 30)
    with pytest.raises(RuleBroken, match="review conference"):
        services.end_plan(worker, plan, end_date=D(2026, 5, 1), reason="no_longer_needed")
    services.hold_conference(
        worker,
        kind="review",
        held_on=D(2026, 6, 1),
        chair=chair,
        children=[{"episode": episode, "decision": "end", "reasons": "Safe now."}],
    )
    plan.refresh_from_db()
    assert plan.end_date == D(2026, 6, 1)
    assert plan.end_reason == "no_longer_needed"
    assert not deadline_reads.open_for(child).filter(rule_slug__contains="review").exists()
    assert ConferenceChild.objects.count() == 3
    assert discussion.attendees.count() == 3


def test_no_conference_without_section_47(worker, chair, child):
    episode = open_episode(worker, child, D(2025, 12, 1))
    with pytest.raises(RuleBroken, match="without a section 47 enquiry"):
        services.hold_conference(
            worker,
            kind="initial",
            held_on=D(2025, 12, 20),
            chair=chair,
            children=[{"episode": episode, "decision": "plan", "category": "NEG", "reasons": "x"}],
        )
