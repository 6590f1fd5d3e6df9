"""Pre-proceedings under the Public Law Outline through the services: the order of the dates,
one open pre-proceedings per episode, the offer of family group decision-making (CWSA 2026 s1)
or the reasons it is not offered, the due dates, the decision and care proceedings."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from childprotection.models import PreProceedings, PreProceedingsMeeting
from childprotection.pre_proceedings import selectors, services
from chronology.models import ChronologyEntry
from frontdoor.models import Referral
from kernel import timescales
from kernel.models import Deadline
from kernel.rules import RuleBroken
from testing import builders

TODAY = datetime.date.today


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def episode(worker, manager, team, child):
    return builders.allocated_episode(worker, manager, child, days_ago(200))


@pytest.fixture
def started(worker, manager, episode):
    return services.start_pre_proceedings(
        worker,
        episode,
        start_date=days_ago(120),
        decided_by=manager,
        reasons="Neglect continues despite the child protection plan.",
    )


def open_due(found, slug):
    return Deadline.objects.get(rule_slug=slug, subject_id=found.pk, status="open")


def errors_of(call):
    with pytest.raises(RuleBroken) as caught:
        call()
    return caught.value.errors


def send_letter(worker, found, day, **kwargs):
    kwargs.setdefault("fgdm_offered", True)
    kwargs.setdefault("fgdm_offered_to", "Mother and father")
    kwargs.setdefault("late_reason", "Synthetic: a test")
    return services.send_letter_before_proceedings(worker, found, sent_on=day, **kwargs)


class TestStarting:
    def test_the_decision_starts_the_clocks_and_the_chronology(self, worker, started, child):
        letter, decision = open_due(started, "letter-before-proceedings"), open_due(started, "pre-proceedings-decision")
        assert letter.due_date == timescales.due("letter-before-proceedings", started.start_date).due_date
        assert letter.due_date > started.start_date
        assert "working day" in letter.explanation
        assert decision.due_date == started.start_date + datetime.timedelta(weeks=16)
        assert decision.team == worker.team
        assert decision.worker == worker
        assert ChronologyEntry.objects.filter(person=child, kind="pre-proceedings").count() == 1
        assert AuditEvent.objects.filter(action="create", summary="Started pre-proceedings").exists()

    def test_one_open_pre_proceedings_per_episode(self, worker, manager, episode, started):
        errors = errors_of(
            lambda: services.start_pre_proceedings(
                worker, episode, start_date=days_ago(10), decided_by=manager, reasons="Again"
            )
        )
        assert "already in pre-proceedings" in errors["__all__"][0]
        assert PreProceedings.objects.count() == 1

    def test_the_database_also_allows_only_one_open(self, worker, manager, episode, started):
        with pytest.raises(IntegrityError), transaction.atomic():
            PreProceedings.objects.create(
                person=episode.person,
                episode=episode,
                start_date=days_ago(5),
                decided_by=manager,
                reasons="x",
                recorded_by=worker,
            )

    def test_not_before_the_referral_nor_in_the_future_and_with_reasons(self, worker, manager, episode):
        errors = errors_of(
            lambda: services.start_pre_proceedings(
                worker, episode, start_date=days_ago(300), decided_by=None, reasons=" "
            )
        )
        assert "cannot be before the referral" in errors["start_date"][0]
        assert errors["decided_by"]
        assert errors["reasons"]
        errors = errors_of(
            lambda: services.start_pre_proceedings(
                worker, episode, start_date=TODAY() + datetime.timedelta(days=1), decided_by=manager, reasons="x"
            )
        )
        assert "cannot be in the future" in errors["start_date"][0]

    def test_not_on_a_closed_episode(self, worker, manager, episode):
        Referral.objects.filter(pk=episode.pk).update(closure_date=days_ago(1), closure_reason="RC7")
        errors = errors_of(
            lambda: services.start_pre_proceedings(
                worker, episode, start_date=days_ago(10), decided_by=manager, reasons="x"
            )
        )
        assert "was closed on" in errors["__all__"][0]


class TestLetterAndFamilyGroupDecisionMaking:
    def test_the_letter_is_on_or_after_the_decision(self, worker, started):
        errors = errors_of(lambda: send_letter(worker, started, days_ago(121)))
        assert "cannot be before the decision to start pre-proceedings" in errors["sent_on"][0]

    def test_not_offering_needs_the_best_interests_reasons(self, worker, started):
        errors = errors_of(lambda: send_letter(worker, started, days_ago(118), fgdm_offered=False))
        assert "not in the child's best interests" in errors["fgdm_reasons_not_offered"][0]
        assert "Wellbeing and Schools Act 2026" in errors["fgdm_reasons_not_offered"][0]
        errors = errors_of(lambda: send_letter(worker, started, days_ago(118), fgdm_offered=None))
        assert errors["fgdm_offered"]
        errors = errors_of(lambda: send_letter(worker, started, days_ago(118), fgdm_offered_to=""))
        assert errors["fgdm_offered_to"]
        started.refresh_from_db()
        assert started.letter_sent_on is None
        assert started.fgdm_offered is None
        send_letter(
            worker,
            started,
            days_ago(118),
            fgdm_offered=False,
            fgdm_reasons_not_offered="A family meeting would put the mother at risk from the father.",
        )
        started.refresh_from_db()
        assert started.fgdm_offered is False
        assert "risk" in started.fgdm_reasons_not_offered

    def test_the_letter_meets_its_due_date_and_a_late_one_needs_a_reason(self, worker, started):
        errors = errors_of(lambda: send_letter(worker, started, days_ago(100), late_reason=""))
        assert "give the reason it is late" in errors["late_reason"][0]
        send_letter(worker, started, days_ago(100), late_reason="The parents' address was not known")
        met = Deadline.objects.get(rule_slug="letter-before-proceedings", subject_id=started.pk)
        assert met.status == "met"
        assert met.late
        assert met.late_reason == "The parents' address was not known"
        assert open_due(started, "initial-pre-proceedings-meeting").start_date == days_ago(100)

    def test_the_family_meeting_needs_the_offer_and_comes_after_the_letter(self, worker, started):
        errors = errors_of(lambda: services.record_family_meeting(worker, started, response="accepted"))
        assert "offering family group decision-making first" in errors["__all__"][0]
        send_letter(worker, started, days_ago(118))
        errors = errors_of(
            lambda: services.record_family_meeting(worker, started, response="accepted", meeting_on=days_ago(119))
        )
        assert "cannot be before the letter before proceedings" in errors["meeting_on"][0]
        errors = errors_of(
            lambda: services.record_family_meeting(worker, started, response="declined", meeting_on=days_ago(100))
        )
        assert "accepted" in errors["meeting_on"][0]
        errors = errors_of(
            lambda: services.record_family_meeting(
                worker, started, response="accepted", meeting_on=days_ago(100), plan_response="not_agreed"
            )
        )
        assert errors["plan_response_reasons"]
        services.record_family_meeting(
            worker,
            started,
            response="accepted",
            meeting_on=days_ago(100),
            coordinator="An independent coordinator",
            family_plan="Grandmother to help",
            plan_response="agreed",
        )
        started.refresh_from_db()
        assert selectors.fgdm_meeting_date(started) == days_ago(100)

    def test_the_same_meeting_recorded_for_a_return_home_is_linked_not_retyped(self, worker, started, child, sibling):
        from childrenincare.models import FamilyGroupDecisionMaking, ReunificationDecision
        from childrenincare.testing import looked_after

        def family_meeting(person, day):
            period = looked_after(worker, person, days_ago(150))
            decision = ReunificationDecision.objects.create(
                period=period,
                person=person,
                route="A",
                proposed_date=TODAY(),
                proposed_home="Home",
                reasons="x",
                created_by=worker,
            )
            return FamilyGroupDecisionMaking.objects.create(
                decision=decision, response="accepted", meeting_on=day, offered_on=days_ago(117), recorded_by=worker
            )

        send_letter(worker, started, days_ago(118))
        shared = family_meeting(child, days_ago(90))
        services.record_family_meeting(worker, started, response="accepted", same_meeting_as=shared)
        started.refresh_from_db()
        assert started.fgdm_meeting_on is None
        assert selectors.fgdm_meeting_date(started) == days_ago(90)
        other = family_meeting(sibling, days_ago(90))
        errors = errors_of(
            lambda: services.record_family_meeting(worker, started, response="accepted", same_meeting_as=other)
        )
        assert "another child" in errors["same_meeting_as"][0]


class TestMeetingsAndDecisions:
    def test_meetings_in_order(self, worker, started):
        Kind = PreProceedingsMeeting.Kind
        errors = errors_of(
            lambda: services.hold_pre_proceedings_meeting(
                worker, started, kind=Kind.INITIAL, held_on=days_ago(110), notes="x"
            )
        )
        assert "record the letter first" in errors["__all__"][0]
        errors = errors_of(
            lambda: services.hold_pre_proceedings_meeting(
                worker, started, kind=Kind.REVIEW, held_on=days_ago(110), notes="x"
            )
        )
        assert "initial pre-proceedings meeting before a review" in errors["__all__"][0]
        send_letter(worker, started, days_ago(118))
        services.hold_pre_proceedings_meeting(
            worker,
            started,
            kind=Kind.INITIAL,
            held_on=days_ago(110),
            notes="Agreed a plan with the parents and their lawyers",
        )
        assert Deadline.objects.get(rule_slug="initial-pre-proceedings-meeting", subject_id=started.pk).status == "met"
        review = open_due(started, "pre-proceedings-review")
        assert review.due_date == days_ago(110) + datetime.timedelta(weeks=6)
        errors = errors_of(
            lambda: services.hold_pre_proceedings_meeting(
                worker, started, kind=Kind.INITIAL, held_on=days_ago(100), notes="x"
            )
        )
        assert "record a review meeting" in errors["__all__"][0]
        errors = errors_of(
            lambda: services.hold_pre_proceedings_meeting(
                worker, started, kind=Kind.REVIEW, held_on=days_ago(111), notes="x"
            )
        )
        assert "cannot be before the last meeting" in errors["held_on"][0]
        services.hold_pre_proceedings_meeting(worker, started, kind=Kind.REVIEW, held_on=days_ago(70), notes="Review")
        assert started.meetings.filter(kind=Kind.REVIEW).count() == 1
        assert open_due(started, "pre-proceedings-review").start_date == days_ago(70)

    def test_a_decision_past_16_weeks_needs_the_reason(self, worker, manager, started):
        day = started.start_date + datetime.timedelta(weeks=16, days=1)
        errors = errors_of(
            lambda: services.decide_pre_proceedings(
                worker, started, decision="step_down", decided_on=day, decided_by=manager, reasons="Improved"
            )
        )
        assert "give the reason it is late" in errors["late_reason"][0]
        services.decide_pre_proceedings(
            worker,
            started,
            decision="step_down",
            decided_on=day,
            decided_by=manager,
            reasons="Improved",
            late_reason="Waited for the parenting assessment",
        )
        started.refresh_from_db()
        assert started.concluded_on == day
        assert not started.is_open
        assert started.decision == "step_down"
        assert not Deadline.objects.filter(
            subject_id=started.pk, rule_slug__startswith="pre-proceedings", status="open"
        ).exists()
        assert selectors.outcome_code("step_down") == "B"

    def test_continuing_sets_a_new_decision_date(self, worker, manager, started):
        services.decide_pre_proceedings(
            worker,
            started,
            decision="extend",
            decided_on=days_ago(60),
            decided_by=manager,
            reasons="The baby is due; assess the father",
        )
        started.refresh_from_db()
        assert started.is_open
        assert started.decision == "extend"
        assert open_due(started, "pre-proceedings-extended-decision").due_date == days_ago(60) + datetime.timedelta(
            weeks=8
        )
        errors = errors_of(
            lambda: services.decide_pre_proceedings(
                worker, started, decision="issue", decided_on=days_ago(61), decided_by=manager, reasons="x"
            )
        )
        assert "cannot be before the last decision" in errors["decided_on"][0]

    def test_issuing_then_the_application_needs_family_group_decision_making(self, worker, manager, episode, started):
        send_letter(worker, started, days_ago(118))
        services.record_family_meeting(worker, started, response="accepted")
        services.decide_pre_proceedings(
            worker,
            started,
            decision="issue",
            decided_on=days_ago(40),
            decided_by=manager,
            reasons="No change for the child",
        )
        started.refresh_from_db()
        assert started.concluded_on == days_ago(40)
        assert started.decision == "issue"
        assert open_due(started, "care-proceedings-application").start_date == days_ago(40)
        errors = errors_of(
            lambda: services.record_court_application(
                worker, started, applied_on=days_ago(38), order_sought="care", late_reason="x"
            )
        )
        assert "meeting must be held before applying" in errors["__all__"][0]
        services.record_family_meeting(worker, started, response="accepted", meeting_on=days_ago(45))
        errors = errors_of(
            lambda: services.record_court_application(worker, started, applied_on=days_ago(41), order_sought="care")
        )
        assert "cannot be before the decision to issue" in errors["applied_on"][0]
        errors = errors_of(lambda: services.send_letter_of_issue(worker, started, sent_on=days_ago(37)))
        assert "application to court first" in errors["__all__"][0]
        services.record_court_application(
            worker, started, applied_on=days_ago(38), order_sought="care", late_reason="Counsel's advice awaited"
        )
        errors = errors_of(lambda: services.send_letter_of_issue(worker, started, sent_on=days_ago(39)))
        assert "cannot be before the application to court" in errors["sent_on"][0]
        services.send_letter_of_issue(worker, started, sent_on=days_ago(38))
        started.refresh_from_db()
        assert started.court_application_date == days_ago(38)
        assert started.letter_of_issue_sent_on == days_ago(38)
        # Pre-proceedings ended: the episode may start another later.
        again = services.start_pre_proceedings(worker, episode, start_date=days_ago(5), decided_by=manager, reasons="x")
        assert again.is_open

    def test_not_offered_with_reasons_allows_the_application(self, worker, manager, started):
        send_letter(
            worker,
            started,
            days_ago(118),
            fgdm_offered=False,
            fgdm_reasons_not_offered="Domestic abuse: a family meeting is not in the child's best interests",
        )
        services.decide_pre_proceedings(
            worker, started, decision="issue", decided_on=days_ago(40), decided_by=manager, reasons="x"
        )
        assert selectors.fgdm_gap(PreProceedings.objects.get()) == ""
        services.record_court_application(worker, started, applied_on=days_ago(40), order_sought="supervision")

    def test_no_letter_means_no_application(self, worker, manager, started):
        services.decide_pre_proceedings(
            worker, started, decision="issue", decided_on=days_ago(40), decided_by=manager, reasons="x"
        )
        errors = errors_of(
            lambda: services.record_court_application(worker, started, applied_on=days_ago(40), order_sought="care")
        )
        assert "must be offered to the parents before applying" in errors["__all__"][0]

    def test_an_ended_pre_proceedings_takes_no_more_steps(self, worker, manager, started):
        services.decide_pre_proceedings(
            worker, started, decision="step_down", decided_on=days_ago(50), decided_by=manager, reasons="Improved"
        )
        errors = errors_of(lambda: send_letter(worker, started, days_ago(45)))
        assert "ended on" in errors["__all__"][0]
        assert selectors.next_steps(PreProceedings.objects.get()) == []
