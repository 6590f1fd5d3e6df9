"""The rules of care planning for a looked-after child (process specification 2.13 and
2.14): the care plan and the plan for permanence, the IRO, health assessments, personal
education plans, looked-after reviews and the reg 28 visit schedule, with their due dates
counted by hand (weekends and England and Wales bank holidays skipped where the rule counts
working days), bad input refused with nothing saved, and each step in the chronology and
the audit trail."""

import datetime

import pytest

from audit.models import AuditEvent
from childrenincare import services, visits
from childrenincare.models import (
    CarePlan,
    Carer,
    CareVisit,
    HealthAssessment,
    LookedAfterReview,
    PersonalEducationPlan,
)
from childrenincare.planning import services as care_planning
from childrenincare.testing import foster_carer, foster_placement, looked_after
from chronology.models import ChronologyEntry
from kernel import selectors as deadline_reads
from kernel.models import Deadline
from kernel.rules import RuleBroken
from partners.models import User
from people.access import Level, level
from people.services import record_person

D = datetime.date
TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


def due(period, slug):
    found = deadline_reads.open_deadline(period, slug)
    return found.due_date if found else None


def met(period, slug):
    return Deadline.objects.filter(rule_slug=slug, subject_id=period.pk, status=Deadline.Status.MET).get()


def baby(born):
    return record_person(None, kind="child", given_names="Robin", family_name="Testbaby", date_of_birth=born, sex="F")


@pytest.fixture
def period(worker, child):
    """Looked after from Monday 2 March 2026 (no bank holidays in the weeks after)."""
    return looked_after(worker, child, D(2026, 3, 2))


@pytest.fixture
def christmas(worker, child):
    """Looked after from Monday 22 December 2025, over Christmas and New Year."""
    return looked_after(worker, child, D(2025, 12, 22))


def review(user, period, held_on, chair, participation="PN1", **kwargs):
    return care_planning.record_review(
        user, period, held_on=held_on, participation=participation, chair=chair, **kwargs
    )


def plan(user, period, agreed_on, permanence=CarePlan.Permanence.NOT_YET, detail="", **kwargs):
    return care_planning.record_care_plan(
        user, period, agreed_on=agreed_on, permanence_plan=permanence, permanence_detail=detail, **kwargs
    )


# --- The due dates issued when the child becomes looked after -----------------------------


class TestDueDatesOverChristmas:
    def test_the_first_review_is_due_20_working_days_later_skipping_the_bank_holidays(self, christmas):
        # Day 0 is Monday 22 December 2025 (the day_zero convention). Counting working days:
        # Tue 23 Dec = 1, Wed 24 = 2, (Thu 25 Christmas Day, Fri 26 Boxing Day, Sat 27, Sun 28
        # skipped), Mon 29 = 3, Tue 30 = 4, Wed 31 = 5, (Thu 1 Jan New Year's Day skipped),
        # Fri 2 Jan = 6, Mon 5 = 7, Tue 6 = 8, Wed 7 = 9, Thu 8 = 10, Fri 9 = 11, Mon 12 = 12,
        # Tue 13 = 13, Wed 14 = 14, Thu 15 = 15, Fri 16 = 16, Mon 19 = 17, Tue 20 = 18,
        # Wed 21 = 19, Thu 22 January 2026 = 20.
        assert due(christmas, "first-looked-after-review") == D(2026, 1, 22)
        explanation = deadline_reads.open_deadline(christmas, "first-looked-after-review").explanation
        assert "Christmas" in explanation or "25 December" in explanation

    def test_the_care_plan_pep_and_iro_over_christmas(self, christmas):
        # Care plan and PEP, 10 working days: the count above reaches 10 on Thu 8 January 2026.
        assert due(christmas, "care-plan") == D(2026, 1, 8)
        assert due(christmas, "personal-education-plan") == D(2026, 1, 8)
        # IRO, 5 working days: Wed 31 December 2025 (day 5 above).
        assert due(christmas, "iro-appointment") == D(2025, 12, 31)
        # Initial health assessment, 20 working days, as the first review.
        assert due(christmas, "initial-health-assessment") == D(2026, 1, 22)

    def test_the_care_plan_over_easter(self, worker, sibling):
        # Day 0 Monday 30 March 2026: Tue 31 = 1, Wed 1 Apr = 2, Thu 2 = 3, (Good Friday 3 Apr,
        # Sat 4, Sun 5, Easter Monday 6 Apr skipped), Tue 7 = 4, Wed 8 = 5, Thu 9 = 6,
        # Fri 10 = 7, Mon 13 = 8, Tue 14 = 9, Wed 15 April 2026 = 10.
        period = looked_after(worker, sibling, D(2026, 3, 30))
        assert due(period, "care-plan") == D(2026, 4, 15)


# --- The care plan ------------------------------------------------------------------------


class TestCarePlan:
    def test_the_first_version_meets_the_care_plan_due_date(self, worker, period):
        found = plan(worker, period, D(2026, 3, 10), health="Registered with a GP")
        assert met(period, "care-plan").done_on == D(2026, 3, 10)
        assert found.late_reason == ""
        assert not met(period, "care-plan").late
        assert ChronologyEntry.objects.filter(person=period.person, kind="care-plan").exists()
        assert AuditEvent.objects.filter(
            action="create", object_type="childrenincare.careplan", person_id=period.person_id
        ).exists()

    def test_each_change_is_a_new_version(self, worker, period):
        first = plan(worker, period, D(2026, 3, 10))
        second = plan(worker, period, D(2026, 4, 1), CarePlan.Permanence.RETURN_HOME, "Home by the summer")
        assert period.care_plans.count() == 2
        assert first.pk != second.pk
        assert care_planning.current_care_plan(period) == second
        assert ChronologyEntry.objects.filter(kind="care-plan", detail__contains="changed from").exists()

    def test_a_version_before_the_current_one_is_refused(self, worker, period):
        plan(worker, period, D(2026, 3, 10))
        errors = errors_of(lambda: plan(worker, period, D(2026, 3, 9)))
        assert "cannot be agreed before it" in errors["agreed_on"][0]
        assert period.care_plans.count() == 1

    def test_late_needs_the_reason_and_keeps_it(self, worker, period):
        # Due by Monday 16 March 2026 (10 working days from 2 March, no bank holidays).
        assert due(period, "care-plan") == D(2026, 3, 16)
        errors = errors_of(lambda: plan(worker, period, D(2026, 3, 17)))
        assert "was due by 16 March 2026: give the reason it is late" in errors["late_reason"][0]
        assert not CarePlan.objects.exists()
        found = plan(worker, period, D(2026, 3, 17), late_reason="The parents' meeting was moved")
        assert found.late_reason == "The parents' meeting was moved"
        assert met(period, "care-plan").late

    def test_bad_dates_and_no_permanence_choice(self, worker, period):
        future = errors_of(lambda: plan(worker, period, TODAY() + DAY))
        assert "cannot be in the future" in future["agreed_on"][0]
        before = errors_of(lambda: plan(worker, period, period.episode.referral_date - DAY))
        assert "cannot be before the referral" in before["agreed_on"][0]
        missing = errors_of(lambda: plan(worker, period, None, permanence=""))
        assert "agreed_on" in missing
        assert "permanence_plan" in missing
        decided = errors_of(lambda: plan(worker, period, D(2026, 3, 10), CarePlan.Permanence.ADOPTION, ""))
        assert "how and when" in decided["permanence_detail"][0]
        assert not CarePlan.objects.exists()

    def test_a_permanence_plan_meets_its_due_date(self, worker, iro, period):
        plan(worker, period, D(2026, 3, 10))
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        review(worker, period, D(2026, 3, 27), iro)
        # The permanence plan falls due by the second review: 3 months after the first.
        assert due(period, "permanence-plan") == D(2026, 6, 27)
        plan(worker, period, D(2026, 5, 1), CarePlan.Permanence.LONG_TERM_FOSTERING, "Matched with the carers")
        assert met(period, "permanence-plan").done_on == D(2026, 5, 1)

    def test_a_permanence_plan_already_agreed_is_not_asked_for_again(self, worker, iro, period):
        plan(worker, period, D(2026, 3, 10), CarePlan.Permanence.RETURN_HOME, "Home to mother")
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        review(worker, period, D(2026, 3, 27), iro)
        assert due(period, "permanence-plan") is None
        assert not Deadline.objects.filter(rule_slug="permanence-plan").exists()


# --- The IRO ------------------------------------------------------------------------------


class TestIro:
    def test_appointing_meets_the_due_date_and_gives_the_record(self, worker, iro, period):
        assert level(iro, period.person) < Level.FULL
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 4))
        period.refresh_from_db()
        assert (period.iro, period.iro_appointed_on) == (iro, D(2026, 3, 4))
        assert met(period, "iro-appointment").done_on == D(2026, 3, 4)
        assert level(iro, period.person) == Level.FULL
        assert AuditEvent.objects.filter(
            action="update", summary="Appointed the independent reviewing officer"
        ).exists()

    def test_only_an_iro_can_be_appointed(self, worker, manager, period):
        errors = errors_of(lambda: care_planning.appoint_iro(worker, period, iro=manager, on=D(2026, 3, 4)))
        assert "is not an independent reviewing officer" in errors["iro"][0]
        assert "s25A" in errors["iro"][0]
        assert (
            "Select the independent reviewing officer"
            in errors_of(lambda: care_planning.appoint_iro(worker, period, iro=None, on=D(2026, 3, 4)))["iro"][0]
        )
        period.refresh_from_db()
        assert period.iro is None
        assert due(period, "iro-appointment") is not None

    def test_a_change_of_iro_is_recorded_and_the_first_loses_the_record(self, worker, iro, user, la, period):
        other = user(User.Role.IRO, agency=la, team=None)
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 4))
        care_planning.appoint_iro(worker, period, iro=other, on=TODAY())
        period.refresh_from_db()
        assert period.iro == other
        assert level(iro, period.person) < Level.FULL
        assert level(other, period.person) == Level.FULL
        assert AuditEvent.objects.filter(summary="Changed the independent reviewing officer").exists()
        assert ChronologyEntry.objects.filter(title__startswith="Independent reviewing officer changed").exists()
        again = errors_of(lambda: care_planning.appoint_iro(worker, period, iro=other, on=TODAY()))
        assert "already" in again["iro"][0]

    def test_a_late_appointment_needs_the_reason(self, worker, iro, period):
        # 5 working days from Monday 2 March 2026: Monday 9 March.
        assert due(period, "iro-appointment") == D(2026, 3, 9)
        errors = errors_of(lambda: care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 10)))
        assert "give the reason it is late" in errors["late_reason"][0]
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 10), late_reason="No IRO was free")
        assert met(period, "iro-appointment").late_reason == "No IRO was free"

    def test_bad_dates(self, worker, iro, period):
        assert (
            "cannot be in the future"
            in errors_of(lambda: care_planning.appoint_iro(worker, period, iro=iro, on=TODAY() + DAY))["on"][0]
        )
        assert (
            "cannot be before the start of the period of care"
            in errors_of(lambda: care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 1)))["on"][0]
        )


# --- Health assessments and personal education plans --------------------------------------


class TestHealth:
    def test_initial_then_annual_reviews_from_5(self, worker, period):
        # The child was born on 1 April 2016: 9 on the day.
        care_planning.record_health_assessment(
            worker, period, kind="initial", held_on=D(2026, 3, 20), carried_out_by="Dr Test"
        )
        assert met(period, "initial-health-assessment").done_on == D(2026, 3, 20)
        assert due(period, "health-assessment-review") == D(2027, 3, 20)
        assert due(period, "health-assessment-review-under-5") is None
        assert ChronologyEntry.objects.filter(kind="health-education", title="Initial health assessment").exists()

    def test_every_6_months_under_5_then_yearly(self, worker):
        child = baby(D(2021, 6, 1))
        period = looked_after(worker, child, D(2026, 3, 2))
        assert due(period, "personal-education-plan") is not None  # 4 years old: an early years PEP
        care_planning.record_health_assessment(worker, period, kind="initial", held_on=D(2026, 3, 20))
        assert due(period, "health-assessment-review-under-5") == D(2026, 9, 20)  # 4 on the day
        care_planning.record_health_assessment(worker, period, kind="review", held_on=D(2026, 5, 31))
        assert met(period, "health-assessment-review-under-5").done_on == D(2026, 5, 31)
        assert due(period, "health-assessment-review-under-5") == D(2026, 11, 30)  # still 4 on 31 May
        care_planning.record_health_assessment(worker, period, kind="review", held_on=D(2026, 6, 1), late_reason="")
        # Five on 1 June 2026: the next review is 12 months later.
        assert due(period, "health-assessment-review") == D(2027, 6, 1)
        assert due(period, "health-assessment-review-under-5") is None

    def test_one_initial_and_reviews_after_it(self, worker, period):
        assert (
            "initial health assessment first"
            in errors_of(
                lambda: care_planning.record_health_assessment(worker, period, kind="review", held_on=D(2026, 3, 20))
            )["kind"][0]
        )
        care_planning.record_health_assessment(worker, period, kind="initial", held_on=D(2026, 3, 20))
        assert (
            "record a review"
            in errors_of(
                lambda: care_planning.record_health_assessment(worker, period, kind="initial", held_on=D(2026, 3, 21))
            )["kind"][0]
        )
        assert (
            "cannot be before it"
            in errors_of(
                lambda: care_planning.record_health_assessment(worker, period, kind="review", held_on=D(2026, 3, 19))
            )["held_on"][0]
        )
        assert (
            "Select whether"
            in errors_of(
                lambda: care_planning.record_health_assessment(worker, period, kind="", held_on=D(2026, 3, 21))
            )["kind"][0]
        )
        assert HealthAssessment.objects.count() == 1

    def test_late_and_bad_dates(self, worker, period):
        # 20 working days from Monday 2 March 2026: Monday 30 March (Easter is later).
        assert due(period, "initial-health-assessment") == D(2026, 3, 30)
        late = errors_of(
            lambda: care_planning.record_health_assessment(worker, period, kind="initial", held_on=D(2026, 3, 31))
        )
        assert "give the reason it is late" in late["late_reason"][0]
        found = care_planning.record_health_assessment(
            worker, period, kind="initial", held_on=D(2026, 3, 31), late_reason="The clinic cancelled"
        )
        assert found.late_reason == "The clinic cancelled"
        assert (
            "cannot be in the future"
            in errors_of(
                lambda: care_planning.record_health_assessment(worker, period, kind="review", held_on=TODAY() + DAY)
            )["held_on"][0]
        )
        assert (
            "cannot be before the start of the period of care"
            in errors_of(
                lambda: care_planning.record_health_assessment(worker, period, kind="review", held_on=D(2026, 3, 1))
            )["held_on"][0]
        )


class TestEducation:
    def test_the_pep_then_a_review_each_term(self, worker, period):
        care_planning.record_personal_education_plan(worker, period, held_on=D(2026, 3, 12), school="Test Primary")
        assert met(period, "personal-education-plan").done_on == D(2026, 3, 12)
        assert due(period, "personal-education-plan-review") == D(2026, 7, 12)
        care_planning.record_personal_education_plan(worker, period, held_on=D(2026, 7, 1))
        assert met(period, "personal-education-plan-review").done_on == D(2026, 7, 1)
        assert due(period, "personal-education-plan-review") == D(2026, 11, 1)
        assert PersonalEducationPlan.objects.count() == 2

    def test_late_and_bad_dates(self, worker, period):
        assert due(period, "personal-education-plan") == D(2026, 3, 16)
        assert (
            "give the reason it is late"
            in errors_of(lambda: care_planning.record_personal_education_plan(worker, period, held_on=D(2026, 3, 17)))[
                "late_reason"
            ][0]
        )
        assert (
            "cannot be in the future"
            in errors_of(lambda: care_planning.record_personal_education_plan(worker, period, held_on=TODAY() + DAY))[
                "held_on"
            ][0]
        )
        assert (
            "cannot be before the start"
            in errors_of(lambda: care_planning.record_personal_education_plan(worker, period, held_on=D(2026, 2, 27)))[
                "held_on"
            ][0]
        )
        assert not PersonalEducationPlan.objects.exists()


# --- Looked-after reviews -----------------------------------------------------------------


class TestReviews:
    def test_numbered_with_the_next_due_3_then_6_months_on(self, worker, iro, christmas):
        care_planning.appoint_iro(worker, christmas, iro=iro, on=D(2025, 12, 23))
        first = review(worker, christmas, D(2026, 1, 22), iro)  # due by 22 January, on time
        assert first.number == 1
        assert met(christmas, "first-looked-after-review").late is False
        assert due(christmas, "second-looked-after-review") == D(2026, 4, 22)  # 3 months
        second = review(worker, christmas, D(2026, 4, 20), iro)
        assert second.number == 2
        assert met(christmas, "second-looked-after-review").done_on == D(2026, 4, 20)
        assert due(christmas, "looked-after-review") == D(2026, 10, 20)  # 6 months from the second
        third = review(worker, christmas, D(2026, 10, 19), iro, considered_return_home=True, decisions="Plan a return")
        assert third.number == 3
        assert third.considered_return_home
        assert due(christmas, "looked-after-review") == D(2027, 4, 19)  # 6 months from the third
        assert ChronologyEntry.objects.filter(kind="looked-after-review", title="Looked-after review 3").exists()
        assert AuditEvent.objects.filter(summary="Recorded looked-after review 3").exists()

    def test_over_the_summer_bank_holiday_and_months_clamped_to_a_shorter_month(self, worker, iro):
        child = record_person(
            None, kind="child", given_names="Kim", family_name="Testchild", date_of_birth=D(2012, 1, 1), sex="F"
        )
        period = looked_after(worker, child, D(2025, 8, 1))
        # Day 0 Friday 1 August 2025: 4 to 8 August = 1 to 5, 11 to 15 = 6 to 10, 18 to 22 =
        # 11 to 15, (Monday 25 August, the summer bank holiday, skipped), 26 to 29 = 16 to 19,
        # Monday 1 September 2025 = 20.
        assert due(period, "first-looked-after-review") == D(2025, 9, 1)
        review(worker, period, D(2025, 8, 29), iro)
        assert due(period, "second-looked-after-review") == D(2025, 11, 29)
        review(worker, period, D(2025, 10, 31), iro)
        # 6 months from 31 October 2025 would be 31 April: clamped to 30 April 2026.
        assert due(period, "looked-after-review") == D(2026, 4, 30)

    def test_the_chair_is_the_childs_iro(self, worker, iro, manager, period):
        # No IRO appointed yet: another chair is accepted.
        review(worker, period, D(2026, 3, 20), manager)
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 21), late_reason="Late")
        errors = errors_of(lambda: review(worker, period, D(2026, 5, 1), manager))
        assert f"chaired by the child's independent reviewing officer, {iro}" in errors["chair"][0]
        assert "Select who chaired" in errors_of(lambda: review(worker, period, D(2026, 5, 1), None))["chair"][0]
        assert LookedAfterReview.objects.count() == 1

    def test_participation_pn0_only_under_4(self, worker, iro, period):
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        errors = errors_of(lambda: review(worker, period, D(2026, 3, 20), iro, participation="PN0"))
        message = errors["participation"][0]
        assert "PN0 is only for a child under 4" in message
        assert "SSDA903" in message
        assert (
            "Select how the child took part"
            in errors_of(lambda: review(worker, period, D(2026, 3, 20), iro, participation="PN9"))["participation"][0]
        )
        assert not LookedAfterReview.objects.exists()

    def test_a_child_under_4_gets_pn0(self, worker, iro):
        period = looked_after(worker, baby(D(2022, 3, 21)), D(2026, 3, 2))
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        errors = errors_of(lambda: review(worker, period, D(2026, 3, 20), iro, participation="PN1"))
        assert "a child under 4 has the code PN0" in errors["participation"][0]
        assert "SSDA903" in errors["participation"][0]
        assert review(worker, period, D(2026, 3, 20), iro, participation="PN0").participation == "PN0"
        # Four on 21 March 2026: the second review may not use PN0.
        assert (
            "PN0 is only for a child under 4"
            in errors_of(lambda: review(worker, period, D(2026, 3, 21), iro, participation="PN0"))["participation"][0]
        )

    def test_a_late_review_needs_the_reason(self, worker, iro, period):
        # 20 working days from Monday 2 March 2026: Monday 30 March.
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        errors = errors_of(lambda: review(worker, period, D(2026, 3, 31), iro))
        assert (
            "First looked-after child review was due by 30 March 2026: give the reason it is late"
            in errors["late_reason"][0]
        )
        assert not LookedAfterReview.objects.exists()
        found = review(worker, period, D(2026, 3, 31), iro, late_reason="The IRO was ill")
        assert found.late_reason == "The IRO was ill"
        assert met(period, "first-looked-after-review").late

    def test_bad_dates(self, worker, iro, period):
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        assert "cannot be in the future" in errors_of(lambda: review(worker, period, TODAY() + DAY, iro))["held_on"][0]
        assert (
            "cannot be before the start of the period of care"
            in errors_of(lambda: review(worker, period, D(2026, 3, 1), iro))["held_on"][0]
        )
        review(worker, period, D(2026, 3, 20), iro)
        assert (
            "the next review comes after it"
            in errors_of(lambda: review(worker, period, D(2026, 3, 20), iro))["held_on"][0]
        )

    def test_after_the_period_ended_only_a_review_held_before_the_end(self, worker, iro, manager, child):
        period = looked_after(worker, child, D(2026, 3, 2), legal_status="C2")
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        services.cease_care(worker, period, on=D(2026, 3, 25), reason="E13")
        period.refresh_from_db()
        after = errors_of(lambda: review(worker, period, D(2026, 3, 26), iro))
        assert "cannot be after the period of care ended (25 March 2026)" in after["held_on"][0]
        found = review(worker, period, D(2026, 3, 24), iro)
        assert found.number == 1
        assert not Deadline.objects.filter(
            rule_slug__in=care_planning.REVIEW_RULES, subject_id=period.pk, status=Deadline.Status.OPEN
        ).exists()
        assert not Deadline.objects.filter(rule_slug="permanence-plan").exists()


# --- A period that ended ------------------------------------------------------------------


class TestEndedPeriod:
    def test_no_changes_after_the_period_ended(self, worker, iro, child):
        period = looked_after(worker, child, D(2026, 3, 2), legal_status="C2")
        services.cease_care(worker, period, on=D(2026, 3, 25), reason="E13")
        period.refresh_from_db()
        message = "This period of care ended on 25 March 2026"
        calls = [
            lambda: plan(worker, period, D(2026, 3, 10)),
            lambda: care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 4)),
            lambda: care_planning.record_health_assessment(worker, period, kind="initial", held_on=D(2026, 3, 20)),
            lambda: care_planning.record_personal_education_plan(worker, period, held_on=D(2026, 3, 12)),
        ]
        for call in calls:
            assert message in errors_of(call)["__all__"][0]
        assert not (CarePlan.objects.exists())
        assert not (HealthAssessment.objects.exists())
        assert not (PersonalEducationPlan.objects.exists())
        period.refresh_from_db()
        assert period.iro is None


# --- The reg 28 visit schedule, through record_visit --------------------------------------


def visit(user, period, on, **kwargs):
    return visits.record_visit(user, period, visited_on=on, seen=True, seen_alone=True, **kwargs)


class TestVisitSchedule:
    def test_within_a_week_of_placement_then_every_6_weeks(self, worker, period):
        assert due(period, visits.NEW_PLACEMENT) == D(2026, 3, 9)  # 1 week from Monday 2 March
        found = visit(worker, period, D(2026, 3, 6), bedroom_seen=True)
        assert found.seen_alone
        assert found.bedroom_seen
        assert met(period, visits.NEW_PLACEMENT).done_on == D(2026, 3, 6)
        assert due(period, visits.USUAL) == D(2026, 4, 17)  # 6 weeks from 6 March
        assert ChronologyEntry.objects.filter(kind="looked-after-visit").exists()

    def test_a_late_visit_needs_the_reason(self, worker, period):
        errors = errors_of(lambda: visit(worker, period, D(2026, 3, 10)))
        assert "give the reason it is late" in errors["late_reason"][0]
        assert not CareVisit.objects.exists()
        assert visit(worker, period, D(2026, 3, 10), late_reason="Snow").late_reason == "Snow"

    def test_every_3_months_after_the_first_year_when_intended_until_18(self, worker, child):
        period = looked_after(worker, child, D(2025, 3, 3), placement=foster_placement(intended_until_18=True))
        visit(worker, period, D(2025, 3, 5))
        assert due(period, visits.USUAL) == D(2025, 4, 16)  # in the first year, 6 weeks
        visit(worker, period, D(2026, 2, 20), late_reason="A test gap")
        assert due(period, visits.USUAL) == D(2026, 4, 3)  # still in the placement's first year
        visit(worker, period, D(2026, 3, 5))  # a year after 3 March 2025
        assert due(period, visits.LONG_TERM) == D(2026, 6, 5)  # then 3 months

    def test_not_intended_until_18_stays_6_weekly_after_a_year(self, worker, child):
        period = looked_after(worker, child, D(2025, 3, 3))
        visit(worker, period, D(2025, 3, 5))
        visit(worker, period, D(2026, 3, 5), late_reason="A test gap")
        assert due(period, visits.USUAL) == D(2026, 4, 16)

    def test_weekly_until_the_first_review_with_a_temporarily_approved_connected_person(self, worker, iro, child):
        carer = foster_carer(
            name="Testaunt household",
            kind=Carer.Kind.CONNECTED_PERSON,
            relationship_to_child="maternal aunt",
            approval=Carer.Approval.TEMPORARY,
            temporarily_approved_on=D(2026, 3, 2),
        )
        period = looked_after(worker, child, D(2026, 3, 2), placement=foster_placement(carer, place="U3"))
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        visit(worker, period, D(2026, 3, 5))
        assert due(period, visits.WEEKLY) == D(2026, 3, 12)
        visit(worker, period, D(2026, 3, 12))
        assert due(period, visits.WEEKLY) == D(2026, 3, 19)
        visit(worker, period, D(2026, 3, 19))
        review(worker, period, D(2026, 3, 20), iro)
        visit(worker, period, D(2026, 3, 26))
        assert due(period, visits.FOUR_WEEKLY) == D(2026, 4, 23)  # after the first review, 4 weeks
        assert due(period, visits.WEEKLY) is None

    def test_not_after_the_period_ended(self, worker, child):
        period = looked_after(worker, child, D(2026, 3, 2), legal_status="C2")
        services.cease_care(worker, period, on=D(2026, 3, 25), reason="E13")
        period.refresh_from_db()
        assert "__all__" in errors_of(lambda: visit(worker, period, D(2026, 3, 20)))


# --- The care page's summary --------------------------------------------------------------


class TestSummary:
    def test_what_the_care_page_shows(self, worker, iro, period):
        empty = care_planning.summary(period)
        assert empty["care_plan"] is None
        assert empty["iro"] is None
        assert empty["last_review"] is None
        assert empty["care_plan_due"]["deadline"].rule_slug == "care-plan"
        assert empty["next_review"]["deadline"].due_date == D(2026, 3, 30)
        assert empty["next_visit"]["deadline"].rule_slug == visits.NEW_PLACEMENT
        assert empty["health_due"]["deadline"].rule_slug == "initial-health-assessment"
        assert empty["education_due"]["deadline"].rule_slug == "personal-education-plan"
        plan(worker, period, D(2026, 3, 10), CarePlan.Permanence.ADOPTION, "Adoption by the end of the year")
        care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 3, 3))
        review(worker, period, D(2026, 3, 20), iro)
        visit(worker, period, D(2026, 3, 6))
        period.refresh_from_db()
        found = care_planning.summary(period)
        assert found["permanence"] == "Adoption"
        assert found["permanence_agreed"]
        assert found["iro"] == iro
        assert found["last_review"].number == 1
        assert found["last_review_participation"] == "Attended and spoke for themselves"
        assert found["next_review"]["deadline"].rule_slug == "second-looked-after-review"
        assert found["last_visit"].visited_on == D(2026, 3, 6)
        assert found["next_visit"]["deadline"].rule_slug == visits.USUAL
        assert found["care_plan_due"] is None
        assert found["permanence_due"] is None


def test_a_temporary_placement_or_re_coding_does_not_start_the_first_year_again(worker, child):
    """Reg 28(2)(b): visits at most 6 weeks apart in the placement's first year, then 3 months
    when it is intended to last until 18. A week in a temporary placement (T0 to T4) between
    two spells with the same carers, and re-coding the same carers' placement, are not a new
    placement's first year."""
    carer = foster_carer()
    period = looked_after(worker, child, D(2025, 3, 3), placement=foster_placement(carer, intended_until_18=True))
    services.change_placement(
        worker, period, services.PlacementDetails(place="T1", postcode="TE3 3CC"), on=D(2025, 8, 4)
    )
    services.change_placement(worker, period, foster_placement(carer, intended_until_18=True), on=D(2025, 8, 11))
    services.change_placement(
        worker,
        period,
        foster_placement(carer, place="U4", intended_until_18=True),
        on=D(2025, 9, 1),
        change_reason="PLACE",
    )
    placement = period.placements.order_by("start_date").last()
    assert visits.stay_began(period, placement) == D(2025, 3, 3)
    assert (
        visits.next_visit_rule(period, placement, services.current_legal_status(period), D(2026, 3, 5))
        == visits.LONG_TERM
    )
    # Another carer's placement starts its own first year.
    other = foster_carer(name="Other carers", urn="SC900007")
    services.change_placement(
        worker, period, foster_placement(other, intended_until_18=True), on=D(2026, 3, 9), change_reason="CARPL"
    )
    placement = period.placements.order_by("start_date").last()
    assert visits.stay_began(period, placement) == D(2026, 3, 9)
    assert (
        visits.next_visit_rule(period, placement, services.current_legal_status(period), D(2026, 3, 12)) == visits.USUAL
    )
