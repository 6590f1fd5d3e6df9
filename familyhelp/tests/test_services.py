"""The rules of Family Help: the order of things, bad dates, and what each step records."""

import datetime

import pytest

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from familyhelp import services
from familyhelp.models import Allocation, Assessment, ChildInNeedPlan, Visit
from familyhelp.testing import open_episode
from kernel.models import Deadline
from kernel.rules import RuleBroken
from partners.models import Team, User
from people.access import Level, level
from people.models import Involvement

D = datetime.date
TODAY = datetime.date.today


@pytest.fixture
def episode(worker, child):
    return open_episode(worker, child, TODAY() - datetime.timedelta(days=30))


def authorised(worker, manager, episode, outcome=Assessment.Outcome.CHILD_IN_NEED_PLAN, factors=("16A",)):
    start = episode.referral_date + datetime.timedelta(days=1)
    assessment = services.start_assessment(worker, episode, start_date=start)
    services.complete_assessment(
        worker,
        assessment,
        factors=list(factors),
        outcome=outcome,
        summary="Analysis",
        completed_date=start + datetime.timedelta(days=3),
    )
    return services.authorise_assessment(manager, assessment, authorised_date=start + datetime.timedelta(days=4))


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


class TestAllocation:
    def test_the_due_dates_follow_the_case(self, manager, worker, team, episode):
        services.allocate(manager, episode, team=team, worker=worker, on=episode.referral_date)
        due = Deadline.objects.get(episode=episode, rule_slug="assessment-completion")
        assert (due.team, due.worker) == (team, worker)
        assert Involvement.objects.filter(
            person=episode.person, team=team, worker=worker, end_date__isnull=True
        ).exists()

    def test_a_new_allocation_ends_the_last(self, manager, worker, team, user, episode):
        other = user(User.Role.SOCIAL_WORKER, team=team)
        first = services.allocate(manager, episode, team=team, worker=worker, on=episode.referral_date)
        services.allocate(manager, episode, team=team, worker=other, on=TODAY(), change_reason="MANAGE")
        first.refresh_from_db()
        assert first.end_date == TODAY()
        assert Deadline.objects.get(episode=episode, rule_slug="assessment-completion").worker == other

    def test_the_worker_must_be_in_the_team(self, manager, la, user, team, episode):
        other_team = Team.objects.create(agency=la, name="Assessment team 2")
        stranger = user(User.Role.SOCIAL_WORKER, team=other_team)
        assert "worker" in errors_of(lambda: services.allocate(manager, episode, team=team, worker=stranger))
        assert not Allocation.objects.exists()

    def test_a_batch_of_allocations_is_the_rows_allocate_writes(self, manager, worker, team, child, sibling):
        """new_allocation and record_allocations, the batch variant the demo authority uses, give
        the allocation, its involvement and the chronology title allocate gives."""
        day = TODAY() - datetime.timedelta(days=20)
        one, two = open_episode(worker, child, day), open_episode(worker, sibling, day)
        single = services.allocate(manager, one, team=team, worker=worker, on=day)
        [batched] = services.record_allocations(
            [services.new_allocation(sibling.pk, two.pk, team=team, worker=worker, on=day, by=manager)], batch_size=10
        )

        def rows(allocation):
            allocation = Allocation.objects.select_related("involvement").get(pk=allocation.pk)
            involvement = allocation.involvement
            return (
                (allocation.team_id, allocation.worker_id, allocation.start_date, allocation.end_date),
                (allocation.allocated_by_id, allocation.change_reason),
                (involvement.agency_id, involvement.team_id, involvement.worker_id, involvement.kind),
                (involvement.start_date, involvement.end_date),
            )

        assert rows(batched) == rows(single)
        assert (batched.episode_id, batched.involvement.person_id) == (two.pk, sibling.pk)
        title = ChronologyEntry.objects.get(kind="allocation", person=child).title
        assert services.allocation_title(team, worker) == title == f"Allocated to {team} ({worker})"
        assert services.allocation_title(team, None) == f"Allocated to {team}"


class TestAssessment:
    def test_dates_before_the_referral_or_in_the_future_are_refused(self, worker, episode):
        before = errors_of(
            lambda: services.start_assessment(
                worker, episode, start_date=episode.referral_date - datetime.timedelta(days=1)
            )
        )
        assert "cannot be before the referral" in before["start_date"][0]
        future = errors_of(
            lambda: services.start_assessment(worker, episode, start_date=TODAY() + datetime.timedelta(days=1))
        )
        assert "cannot be in the future" in future["start_date"][0]
        assert not Assessment.objects.exists()

    def test_one_assessment_at_a_time(self, worker, episode):
        services.start_assessment(worker, episode, start_date=TODAY())
        assert (
            "already in progress"
            in errors_of(lambda: services.start_assessment(worker, episode, start_date=TODAY()))["__all__"][0]
        )

    def test_factors_are_census_codes_and_no_factors_stands_alone(self, worker, episode):
        assessment = services.start_assessment(worker, episode, start_date=TODAY())

        def complete(factors):
            return errors_of(
                lambda: services.complete_assessment(
                    worker, assessment, factors=factors, outcome="nfa", summary="x", completed_date=TODAY()
                )
            )

        assert "cannot be selected with other factors" in complete(["21", "16A"])["factors"][0]
        assert "Select the factors" in complete([])["factors"][0]
        assert "18A" in complete(["18A"])["factors"][0]  # superseded by 18B and 18C
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.IN_PROGRESS
        assert not assessment.factors.exists()

    def test_only_a_manager_authorises(self, worker, manager, episode):
        assessment = services.start_assessment(worker, episode, start_date=TODAY())
        services.complete_assessment(
            worker, assessment, factors=["21"], outcome="nfa", summary="x", completed_date=TODAY()
        )
        assert "team manager" in errors_of(lambda: services.authorise_assessment(worker, assessment))["__all__"][0]
        services.authorise_assessment(manager, assessment)
        due = Deadline.objects.get(episode=episode, rule_slug="assessment-completion")
        assert due.status == Deadline.Status.MET
        assert not due.late

    def test_authorised_late_needs_the_reason_and_keeps_it(self, worker, manager, child):
        episode = open_episode(worker, child, D(2025, 12, 1))
        assessment = services.start_assessment(worker, episode, start_date=D(2025, 12, 2))
        services.complete_assessment(
            worker, assessment, factors=["1B"], outcome="nfa", summary="x", completed_date=D(2026, 2, 5)
        )
        # Due by Thursday 5 February 2026 (45 working days over Christmas and New Year).
        late = errors_of(lambda: services.authorise_assessment(manager, assessment, authorised_date=D(2026, 2, 6)))
        assert "was due by 5 February 2026: give the reason it is late" in late["late_reason"][0]
        services.authorise_assessment(
            manager, assessment, authorised_date=D(2026, 2, 6), late_reason="The family were away for two weeks"
        )
        due = Deadline.objects.get(episode=episode, rule_slug="assessment-completion")
        assert due.late
        assert due.late_reason == "The family were away for two weeks"
        assert "Christmas Day" in due.explanation
        assert "Boxing Day" in due.explanation

    def test_each_step_is_in_the_chronology_and_the_audit(self, worker, manager, episode):
        assessment = authorised(worker, manager, episode)
        titles = list(
            ChronologyEntry.objects.filter(person=episode.person, kind="assessment").values_list("title", flat=True)
        )
        assert len(titles) == 3
        assert any("authorised" in t for t in titles)
        actions = AuditEvent.objects.filter(object_type="familyhelp.assessment", object_id=str(assessment.pk))
        assert actions.count() == 3


class TestChildInNeedPlan:
    def test_a_plan_follows_an_authorised_assessment(self, worker, episode):
        problem = errors_of(
            lambda: services.start_cin_plan(worker, episode, start_date=TODAY(), services="s", outcomes=[("o", "")])
        )
        assert "follows an authorised child and family assessment" in problem["__all__"][0]
        assert not ChildInNeedPlan.objects.exists()

    def test_plan_reviews_and_visits_fall_due_and_are_met(self, worker, manager, episode):
        assessment = authorised(worker, manager, episode)
        plan = services.start_cin_plan(
            worker,
            episode,
            start_date=assessment.authorised_date,
            services="Parenting support",
            outcomes=[("School every day", "Attendance over 95%"), ("", "")],
        )
        assert plan.outcomes.count() == 1
        assert set(Deadline.objects.filter(subject_id=plan.pk, status="open").values_list("rule_slug", flat=True)) == {
            "child-in-need-review",
            "child-in-need-visit",
        }
        services.record_visit(
            worker,
            episode,
            kind=Visit.Kind.CHILD_IN_NEED,
            visit_date=TODAY(),
            seen=True,
            seen_alone=True,
            bedroom_seen=True,
        )
        visits = Deadline.objects.filter(subject_id=plan.pk, rule_slug="child-in-need-visit")
        assert visits.filter(status="met").count() == 1
        assert visits.get(status="open").due_date == TODAY() + datetime.timedelta(weeks=6)
        services.review_cin_plan(
            worker, plan, review_date=TODAY(), progress="Going well", decision="end", achieved=[plan.outcomes.get().pk]
        )
        plan.refresh_from_db()
        assert plan.end_date == TODAY()
        assert plan.outcomes.get().achieved
        assert not Deadline.objects.filter(subject_id=plan.pk, status="open").exists()

    def test_a_visit_needs_its_plan_and_seen_alone_needs_seen(self, worker, episode):
        assert (
            "open child protection plan"
            in errors_of(
                lambda: services.record_visit(
                    worker, episode, kind=Visit.Kind.CHILD_PROTECTION, visit_date=TODAY(), seen=True
                )
            )["kind"][0]
        )
        assert "seen_alone" in errors_of(
            lambda: services.record_visit(
                worker, episode, kind=Visit.Kind.ASSESSMENT, visit_date=TODAY(), seen=False, seen_alone=True
            )
        )
        assert not Visit.objects.exists()


class TestClosure:
    def test_plans_end_before_the_episode_closes(self, worker, manager, episode):
        authorised(worker, manager, episode)
        services.start_cin_plan(worker, episode, start_date=TODAY(), services="s", outcomes=[("o", "")])
        assert (
            "End the child in need plan"
            in errors_of(lambda: services.close_episode(worker, episode, closure_date=TODAY(), reason="RC7"))[
                "__all__"
            ][0]
        )

    def test_closed_after_assessment_needs_an_assessment(self, worker, episode):
        assert (
            "8825Q"
            in errors_of(lambda: services.close_episode(worker, episode, closure_date=TODAY(), reason="RC8"))["reason"][
                0
            ]
        )

    def test_closed_after_assessment_is_not_for_an_episode_that_had_a_plan(self, worker, manager, episode):
        authorised(worker, manager, episode)
        plan = services.start_cin_plan(worker, episode, start_date=TODAY(), services="s", outcomes=[("o", "")])
        ChildInNeedPlan.objects.filter(pk=plan.pk).update(end_date=TODAY())
        assert (
            "2990"
            in errors_of(lambda: services.close_episode(worker, episode, closure_date=TODAY(), reason="RC9"))["reason"][
                0
            ]
        )
        services.close_episode(worker, episode, closure_date=TODAY(), reason="RC7")

    def test_closing_ends_the_involvement_and_withdraws_the_due_dates(self, worker, manager, team, episode):
        services.allocate(manager, episode, team=team, worker=worker, on=episode.referral_date)
        authorised(worker, manager, episode, outcome="nfa", factors=["21"])
        services.close_episode(worker, episode, closure_date=TODAY(), reason="RC8")
        episode.refresh_from_db()
        assert (episode.closure_date, episode.closure_reason) == (TODAY(), "RC8")
        assert not Deadline.objects.filter(episode=episode, status="open").exists()
        assert (
            Involvement.objects.get(person=episode.person, team=team, kind=services.ALLOCATION_KIND).end_date == TODAY()
        )
        assert (
            "closed" in errors_of(lambda: services.start_assessment(worker, episode, start_date=TODAY()))["__all__"][0]
        )

    def test_a_worker_of_another_team_does_not_see_the_child(self, la, user, worker, manager, team, episode):
        services.allocate(manager, episode, team=team, worker=worker, on=episode.referral_date)
        assert level(worker, episode.person) == Level.FULL
        other = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team"))
        assert level(other, episode.person) == Level.INDEX
