"""The order Working Together 2023 sets for child protection, enforced with clear messages,
and the due dates each step issues, against hand-worked dates over bank holidays."""

import datetime

import pytest
from django.utils import timezone

from childprotection import services
from childprotection.models import (
    ChildProtectionPlan,
    Conference,
    MACPTMember,
    MultiAgencyChildProtectionTeam,
    Section47Enquiry,
    StrategyDiscussion,
)
from familyhelp.testing import open_episode
from kernel import deadlines
from kernel.models import Deadline
from kernel.rules import RuleBroken
from partners.models import Agency, User
from people.access import Level, level
from people.services import record_person
from testing.builders import MINIMUM_ATTENDEES

D = datetime.date
TODAY = datetime.date.today


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def of(subject):
    from django.contrib.contenttypes.models import ContentType

    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


def discuss(worker, episodes, day, decision="s47", attendees=MINIMUM_ATTENDEES, **extra):
    return services.hold_strategy_discussion(
        worker,
        held_at=at(day),
        children=[(e, decision, "") for e in episodes],
        attendees=attendees,
        information_shared="Shared",
        police_decision="investigation",
        chair=worker,
        **extra,
    )


def to_plan(worker, chair, episode, day, category="NEG", **child):
    enquiry = Section47Enquiry.objects.get(episode=episode, outcome="")
    services.record_enquiry_outcome(worker, enquiry, outcome="icpc", outcome_date=day, findings="Found")
    services.hold_conference(
        worker,
        kind="initial",
        held_on=day,
        chair=chair,
        children=[
            {"episode": episode, "decision": "plan", "category": category, "reasons": "Significant harm", **child}
        ],
    )
    return ChildProtectionPlan.objects.get(episode=episode, end_date__isnull=True)


class TestStrategyDiscussion:
    def test_local_authority_police_and_health_at_least(self, worker, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=3))
        problem = errors_of(lambda: discuss(worker, [episode], TODAY(), attendees=MINIMUM_ATTENDEES[:1]))
        assert "add someone from police, health" in problem["attendees"][0]
        assert not StrategyDiscussion.objects.exists()
        assert not Section47Enquiry.objects.exists()

    def test_not_before_the_referral_nor_in_the_future(self, worker, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=3))
        assert (
            "before Alex Testchild's referral"
            in errors_of(lambda: discuss(worker, [episode], TODAY() - datetime.timedelta(days=4)))["held_at"][0]
        )
        assert (
            "cannot be in the future"
            in errors_of(lambda: discuss(worker, [episode], TODAY() + datetime.timedelta(days=1)))["held_at"][0]
        )

    def test_several_children_of_a_household_each_get_an_enquiry(self, worker, child, sibling):
        episodes = open_episode(worker, child, D(2026, 3, 30), household=[sibling])
        discuss(worker, episodes, D(2026, 4, 2))
        enquiries = Section47Enquiry.objects.order_by("id")
        assert [e.person for e in enquiries] == [child, sibling]
        # 15 working days from Thursday 2 April 2026, over Good Friday and Easter Monday.
        assert {e.initial_conference_target for e in enquiries} == {D(2026, 4, 27)}
        due = Deadline.objects.filter(rule_slug="initial-child-protection-conference")
        assert due.count() == 2
        assert all("Good Friday" in d.explanation and "Easter Monday" in d.explanation for d in due)

    def test_harm_outside_the_home_with_its_kinds_from_the_census_factors(self, worker, child):
        """Working Together 2023 ch. 3: a strategy discussion may be about harm outside the home;
        its kinds are the CIN census factors 10A, 11A, 12A, 13A, 24A (kernel code list)."""
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=3))
        assert [code for code, _ in services.harm_outside_home_choices()] == ["10A", "11A", "12A", "13A", "24A"]
        problem = errors_of(lambda: discuss(worker, [episode], TODAY(), harm_outside_home=True))
        assert problem["harm_outside_home_types"] == ["Select the kind of harm outside the home"]
        problem = errors_of(
            lambda: discuss(worker, [episode], TODAY(), harm_outside_home=True, harm_outside_home_types=["16A"])
        )
        assert problem["harm_outside_home_types"] == ["Select kinds of harm outside the home from the list"]
        problem = errors_of(lambda: discuss(worker, [episode], TODAY(), harm_outside_home_types=["24A"]))
        assert "Say the concern is harm outside the home" in problem["harm_outside_home_types"][0]
        assert not StrategyDiscussion.objects.exists()
        assert not Section47Enquiry.objects.exists()
        discussion = discuss(
            worker, [episode], TODAY(), harm_outside_home=True, harm_outside_home_types=["24A", "10A", "24A"]
        )
        assert discussion.harm_outside_home_types == ["10A", "24A"]
        assert discussion.harm_outside_home_words == "Yes: Going or being missing, Child criminal exploitation"
        assert discussion.agencies_present == [
            "Local authority children's social care",
            "Police",
            "Health",
        ]
        assert Section47Enquiry.objects.get().strategy_discussion == discussion

    def test_a_second_discussion_keeps_the_first_ones_clock(self, worker, child):
        episode = open_episode(worker, child, D(2026, 3, 30))
        discuss(worker, [episode], D(2026, 4, 2))
        discuss(worker, [episode], D(2026, 4, 9))
        assert Section47Enquiry.objects.get().initial_conference_target == D(2026, 4, 27)

    def test_the_front_doors_request_is_met_late_with_a_reason(self, worker, child):
        episode = open_episode(worker, child, D(2026, 3, 2), strategy_discussion_needed=True)
        assert (
            "give the reason it is late"
            in errors_of(lambda: discuss(worker, [episode], D(2026, 3, 5)))["late_reason"][0]
        )
        discuss(worker, [episode], D(2026, 3, 5), late_reason="Police could not attend until Thursday")
        due = Deadline.objects.get(rule_slug="strategy-discussion")
        assert due.late
        assert due.late_reason == "Police could not attend until Thursday"


class TestSection47:
    def test_an_outcome_other_than_a_conference_withdraws_its_due_date(self, worker, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=5))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=4))
        enquiry = Section47Enquiry.objects.get()
        services.record_enquiry_outcome(worker, enquiry, outcome="s17", outcome_date=TODAY(), findings="Needs support")
        enquiry.refresh_from_db()
        assert enquiry.initial_conference_not_required
        assert Deadline.objects.get(rule_slug="initial-child-protection-conference").status == "withdrawn"

    def test_the_multi_agency_team_needs_its_core_members(self, worker, user, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=5))
        discuss(worker, [episode], TODAY())
        team = MultiAgencyChildProtectionTeam.objects.create(name="North MACPT")
        MACPTMember.objects.create(team=team, user=worker, agency_kind="local_authority", start_date=D(2026, 1, 1))
        problem = errors_of(
            lambda: services.assign_enquiry(
                worker, Section47Enquiry.objects.get(), lead_practitioner=worker, macpt=team
            )
        )
        assert "education, health, police" in problem["macpt"][0]
        for kind in ("education", "health", "police"):
            MACPTMember.objects.create(
                team=team, user=user(User.Role.PARTNER_PRACTITIONER), agency_kind=kind, start_date=D(2026, 1, 1)
            )
        enquiry = services.assign_enquiry(worker, Section47Enquiry.objects.get(), lead_practitioner=worker, macpt=team)
        assert enquiry.macpt == team


class TestConferences:
    def test_no_plan_without_a_conference_decision_and_no_conference_without_an_enquiry(self, worker, chair, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=5))
        problem = errors_of(
            lambda: services.hold_conference(
                worker,
                kind="initial",
                held_on=TODAY(),
                chair=chair,
                children=[{"episode": episode, "decision": "plan", "category": "NEG", "reasons": "x"}],
            )
        )
        assert "No initial child protection conference without a section 47 enquiry" in problem["children"][0]
        assert not Conference.objects.exists()
        assert not ChildProtectionPlan.objects.exists()

    def test_the_chair_is_independent_and_the_category_is_given(self, worker, chair, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=5))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=4))
        services.record_enquiry_outcome(
            worker, Section47Enquiry.objects.get(), outcome="icpc", outcome_date=TODAY(), findings="Found"
        )
        problem = errors_of(
            lambda: services.hold_conference(
                worker,
                kind="initial",
                held_on=TODAY(),
                chair=worker,
                children=[{"episode": episode, "decision": "plan", "category": "", "reasons": "x"}],
            )
        )
        assert "chair" in problem
        assert "category of abuse" in problem["children"][0]

    def test_a_pre_birth_conference_is_for_an_unborn_child(self, worker, chair, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=5))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=4))
        services.record_enquiry_outcome(
            worker, Section47Enquiry.objects.get(), outcome="icpc", outcome_date=TODAY(), findings="Found"
        )
        assert (
            "unborn"
            in errors_of(
                lambda: services.hold_conference(
                    worker,
                    kind="pre_birth",
                    held_on=TODAY(),
                    chair=chair,
                    children=[{"episode": episode, "decision": "plan", "category": "NEG", "reasons": "x"}],
                )
            )["kind"][0]
        )
        unborn = record_person(
            None,
            kind="child",
            given_names="Baby",
            family_name="Testchild",
            expected_date_of_birth=TODAY() + datetime.timedelta(days=60),
            sex="U",
        )
        pre = open_episode(worker, unborn, TODAY() - datetime.timedelta(days=5))
        discuss(worker, [pre], TODAY() - datetime.timedelta(days=4))
        services.record_enquiry_outcome(
            worker, Section47Enquiry.objects.get(person=unborn), outcome="icpc", outcome_date=TODAY(), findings="Found"
        )
        services.hold_conference(
            worker,
            kind="pre_birth",
            held_on=TODAY(),
            chair=chair,
            children=[{"episode": pre, "decision": "plan", "category": "NEG", "reasons": "x"}],
        )
        assert ChildProtectionPlan.objects.get(person=unborn).initial_category == "NEG"

    def test_a_late_initial_conference_needs_the_reason(self, worker, chair, child):
        episode = open_episode(worker, child, D(2026, 3, 30))
        discuss(worker, [episode], D(2026, 4, 2))
        services.record_enquiry_outcome(
            worker, Section47Enquiry.objects.get(), outcome="icpc", outcome_date=D(2026, 4, 20), findings="Found"
        )
        assert (
            "due by 27 April 2026"
            in errors_of(lambda: to_plan_held(worker, chair, episode, D(2026, 4, 28)))["children"][0]
        )
        to_plan_held(worker, chair, episode, D(2026, 4, 28), late_reason="The chair was ill")
        due = Deadline.objects.get(rule_slug="initial-child-protection-conference")
        assert due.late
        assert due.late_reason == "The chair was ill"

    def test_core_group_and_review_dates_over_christmas_2026(self, worker, chair, child):
        """A plan from an initial conference on Friday 18 December 2026: the first core group
        within 10 working days skips Christmas Day, the Boxing Day substitute (Monday 28
        December) and New Year's Day 2027; the first review is within 3 months."""
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=20))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=19))
        plan = to_plan(worker, chair, episode, TODAY() - datetime.timedelta(days=10))
        christmas = D(2026, 12, 18)
        first = deadlines.issue("first-core-group", christmas, person=child, subject=episode)
        assert first.due_date == D(2027, 1, 6)
        assert "Boxing Day (substitute day)" in first.explanation
        assert "New Year" in first.explanation
        assert deadlines.issue("first-review-conference", christmas, person=child, subject=episode).due_date == D(
            2027, 3, 18
        )
        # The plan's own dates, issued when the conference was held.
        assert set(Deadline.objects.filter(**of(plan), status="open").values_list("rule_slug", flat=True)) == {
            "first-core-group",
            "first-review-conference",
            "child-protection-visit",
        }

    def test_review_conferences_continue_then_end_the_plan(self, worker, chair, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=20))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=19))
        plan = to_plan(worker, chair, episode, TODAY() - datetime.timedelta(days=10))
        assert (
            "review conference"
            in errors_of(lambda: services.end_plan(worker, plan, end_date=TODAY(), reason="no_longer_needed"))[
                "reason"
            ][0]
        )
        services.hold_conference(
            worker,
            kind="review",
            held_on=TODAY() - datetime.timedelta(days=2),
            chair=chair,
            children=[{"episode": episode, "decision": "continue", "category": "MUL", "reasons": "Continuing"}],
        )
        plan.refresh_from_db()
        assert (plan.initial_category, plan.latest_category) == ("NEG", "MUL")
        review = Deadline.objects.get(**of(plan), rule_slug="review-conference", status="open")
        assert review.start_date == TODAY() - datetime.timedelta(days=2)
        services.hold_conference(
            worker,
            kind="review",
            held_on=TODAY(),
            chair=chair,
            children=[{"episode": episode, "decision": "end", "reasons": "No longer at risk"}],
        )
        plan.refresh_from_db()
        assert plan.end_reason == "no_longer_needed"
        assert plan.ended_by.kind == "review"
        assert (
            "not"
            in errors_of(
                lambda: services.hold_conference(
                    worker,
                    kind="review",
                    held_on=TODAY(),
                    chair=chair,
                    children=[{"episode": episode, "decision": "continue", "category": "NEG", "reasons": "x"}],
                )
            )["children"][0]
        )

    def test_transfer_in_within_15_working_days_of_the_notice(self, worker, chair, child):
        episode = open_episode(worker, child, D(2026, 3, 30))
        services.hold_conference(
            worker,
            kind="transfer_in",
            held_on=D(2026, 4, 24),
            chair=chair,
            transfer_notified_on=D(2026, 4, 1),
            transferring_authority="Otherborough Council",
            children=[{"episode": episode, "decision": "plan", "category": "EMO", "reasons": "Moved"}],
        )
        due = Deadline.objects.get(rule_slug="transfer-in-conference")
        assert due.due_date == D(2026, 4, 24)
        assert due.status == "met"
        assert not due.late
        assert ChildProtectionPlan.objects.get().previous_plans == 0


class TestPlans:
    def test_a_listed_reason_ends_a_plan(self, worker, chair, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=20))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=19))
        plan = to_plan(worker, chair, episode, TODAY() - datetime.timedelta(days=10))
        assert (
            "turns 18 on 1 April 2034"
            in errors_of(lambda: services.end_plan(worker, plan, end_date=TODAY(), reason="age_18"))["reason"][0]
        )
        services.end_plan(
            worker,
            plan,
            end_date=TODAY(),
            reason="transferred",
            transferred_to="Otherborough Council",
            receiving_conference_on=TODAY(),
        )
        plan.refresh_from_db()
        assert plan.end_reason == "transferred"
        assert plan.ended_by is None
        assert (plan.transferred_to, plan.receiving_conference_on) == ("Otherborough Council", TODAY())
        assert not Deadline.objects.filter(**of(plan), status="open").exists()

    def test_a_plan_for_a_child_who_moved_ends_only_after_the_receiving_authority_s_conference(
        self, worker, chair, child
    ):
        """Working Together 2023: the receiving authority holds a conference within 15 working days
        of being told of the move; "only after this event may the original local authority
        discontinue its child protection plan"."""
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=40))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=39))
        plan = to_plan(worker, chair, episode, TODAY() - datetime.timedelta(days=30))
        moved = TODAY() - datetime.timedelta(days=10)
        errors = errors_of(lambda: services.end_plan(worker, plan, end_date=moved, reason="transferred"))
        assert errors["transferred_to"] == ["Enter the local authority the child moved to"]
        assert errors["receiving_conference_on"] == ["Enter the date of the receiving authority's conference"]
        conference = TODAY() - datetime.timedelta(days=2)
        errors = errors_of(
            lambda: services.end_plan(
                worker,
                plan,
                end_date=moved,
                reason="transferred",
                transferred_to="Otherborough Council",
                receiving_conference_on=conference,
            )
        )
        assert "The plan stays in place until the receiving authority has held its conference" in errors["end_date"][0]
        plan.refresh_from_db()
        assert plan.is_open
        assert plan.transferred_to == ""
        services.end_plan(
            worker,
            plan,
            end_date=conference,
            reason="transferred",
            transferred_to="Otherborough Council",
            receiving_conference_on=conference,
        )
        plan.refresh_from_db()
        assert (plan.end_date, plan.receiving_conference_on) == (conference, conference)

    def test_a_later_plan_counts_the_earlier_ones(self, worker, chair, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=40))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=39))
        plan = to_plan(worker, chair, episode, TODAY() - datetime.timedelta(days=30))
        services.end_plan(worker, plan, end_date=TODAY() - datetime.timedelta(days=20), reason="left_uk")
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=10))
        assert to_plan(worker, chair, episode, TODAY()).previous_plans == 1

    def test_a_partner_in_the_core_group_sees_the_record_while_a_member(self, worker, chair, user, child):
        school = Agency.objects.create(name="Testshire Academy", kind=Agency.Kind.SCHOOL, urn="123456")
        teacher = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None)
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=20))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=19))
        plan = to_plan(worker, chair, episode, TODAY() - datetime.timedelta(days=10))
        assert level(teacher, child) == Level.NONE
        member = services.add_core_group_member(
            worker,
            plan,
            member=teacher,
            role="Designated safeguarding lead",
            agency_kind="education",
            start_date=plan.start_date,
        )
        assert level(teacher, child) == Level.FULL
        meeting = services.hold_core_group_meeting(
            worker, plan, held_on=TODAY(), progress="Better attendance", attended=[member]
        )
        assert list(meeting.attended.all()) == [member]
        services.end_plan(
            worker,
            plan,
            end_date=TODAY(),
            reason="transferred",
            transferred_to="Otherborough Council",
            receiving_conference_on=TODAY() - datetime.timedelta(days=1),
        )
        # The membership, and with it the record, ends with the plan (at the end of that day).
        member.refresh_from_db()
        assert member.end_date == TODAY()
        assert member.involvement.end_date == TODAY()

    def test_the_first_core_group_then_the_local_frequency(self, worker, chair, child):
        episode = open_episode(worker, child, TODAY() - datetime.timedelta(days=20))
        discuss(worker, [episode], TODAY() - datetime.timedelta(days=19))
        plan = to_plan(worker, chair, episode, TODAY() - datetime.timedelta(days=10))
        services.hold_core_group_meeting(worker, plan, held_on=TODAY(), progress="p")
        assert Deadline.objects.get(**of(plan), rule_slug="first-core-group").status == "met"
        assert Deadline.objects.get(
            **of(plan), rule_slug="core-group", status="open"
        ).due_date == TODAY() + datetime.timedelta(weeks=6)
        assert (
            "before the conference"
            in errors_of(
                lambda: services.hold_core_group_meeting(
                    worker, plan, held_on=plan.start_date - datetime.timedelta(days=1), progress="p"
                )
            )["held_on"][0]
        )


def to_plan_held(worker, chair, episode, day, **child):
    return services.hold_conference(
        worker,
        kind="initial",
        held_on=day,
        chair=chair,
        children=[{"episode": episode, "decision": "plan", "category": "NEG", "reasons": "Significant harm", **child}],
    )
