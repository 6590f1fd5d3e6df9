"""Care planning for a looked-after child (process specification 2.13 and 2.14), named as the
field names it. Each service is one transaction that locks the period of care, checks every
rule before it writes (kernel.rules.RuleBroken, messages by field), meets the due date the
step answers (done late, it needs the reason, kept on the record), issues the next one from
the timescale rules (kernel/data/timescales.json), adds to the chronology and is audited.

- record_care_plan: a new version of the care plan (CPR10 reg 4 and 5) with the plan for
  permanence; the first meets `care-plan`, and a permanence plan other than "not yet decided"
  meets `permanence-plan`.
- appoint_iro: the independent reviewing officer (Children Act 1989 s25A); meets
  `iro-appointment`; a later change of IRO is recorded the same way. The IRO is given the
  child's record through an involvement, ended when another IRO is appointed.
- record_health_assessment: the initial assessment, then reviews every 6 months under 5 and
  every 12 months from 5 (CPR10 reg 7 and 8).
- record_personal_education_plan: the PEP, then a review each term.
- record_review: the looked-after reviews (CPR10 reg 33), numbered 1, 2, 3..., the first
  within 20 working days, the second within 3 months of it, then at most 6 months apart,
  chaired by the IRO, with the child's participation (SSDA903 REVIEW_CODE). On short breaks
  (V3, V4) the series' reviews instead: within 3 months of the first break, then at most 6
  months apart (reg 48(3), childrenincare.short_breaks).
- summary: what the period's care page shows about all of this.

Every service refuses changes to a period of care that has ended, except record_review: a
review held while the child was looked after may be recorded afterwards (the SSDA903 return
needs every review), though it issues no further due dates.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from casework.services import due_to_meet, issue_due
from childrenincare import short_breaks, visits
from childrenincare.models import CarePlan, HealthAssessment, LookedAfterReview, PeriodOfCare, PersonalEducationPlan
from childrenincare.services import lock_period, period_ended
from chronology.services import record_event
from kernel import codelists, deadlines
from kernel.models import Deadline
from kernel.rules import Errors, as_date, check_date, long_date
from kernel.templatetags import due_dates as due_tags
from partners.models import User
from people.ages import age_on
from people.models import Involvement

if TYPE_CHECKING:
    from kernel.access import SignedInUser
    from people.models import Person

CARE_PLAN_RULE = "care-plan"
PERMANENCE_RULE = "permanence-plan"
IRO_RULE = "iro-appointment"
INITIAL_HEALTH_RULE = "initial-health-assessment"
HEALTH_REVIEW_UNDER_5_RULE = "health-assessment-review-under-5"
HEALTH_REVIEW_RULE = "health-assessment-review"
HEALTH_REVIEW_RULES = (HEALTH_REVIEW_UNDER_5_RULE, HEALTH_REVIEW_RULE)
PEP_RULE = "personal-education-plan"
PEP_REVIEW_RULE = "personal-education-plan-review"
PEP_RULES = (PEP_RULE, PEP_REVIEW_RULE)
FIRST_REVIEW_RULE = "first-looked-after-review"
SECOND_REVIEW_RULE = "second-looked-after-review"
LATER_REVIEW_RULE = "looked-after-review"
REVIEW_RULES = (FIRST_REVIEW_RULE, SECOND_REVIEW_RULE, LATER_REVIEW_RULE)
HEALTH_REVIEWS_EVERY_6_MONTHS_UNTIL = 5  # CPR10 reg 8: every 6 months before the fifth birthday
PN0 = "PN0"
PN0_UNDER = 4  # SSDA903: PN0 is the code for a child under 4 at the time of the review, and only for one
IRO_INVOLVEMENT = "Independent reviewing officer (looked after)"
PERIOD_START = "the start of the period of care"


def _issue(slug, start, period):
    return issue_due(slug, start, person=period.person, subject=period, episode=period.episode)


def ended_message(period: PeriodOfCare) -> str:
    return f"{period_ended(period)}: nothing more can be recorded on it"


def check_open(errors: Errors, period: PeriodOfCare) -> None:
    if period.end_date is not None:
        errors.add("__all__", ended_message(period))


def _text(value):
    return (value or "").strip()


def current_care_plan(period: PeriodOfCare) -> CarePlan | None:
    return period.care_plans.order_by("-agreed_on", "-id").first()


def permanence_agreed(period: PeriodOfCare) -> bool:
    """Whether an agreed version of the care plan has a plan for permanence (other than
    "not yet decided")."""
    return period.care_plans.exclude(permanence_plan=CarePlan.Permanence.NOT_YET).exists()


# --- The care plan ------------------------------------------------------------------------


@transaction.atomic
def record_care_plan(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    agreed_on: datetime.date | None,
    permanence_plan: str,
    permanence_detail: str = "",
    placement_plan_agreed_on: datetime.date | None = None,
    health: str = "",
    education: str = "",
    family_and_contact: str = "",
    wishes_and_feelings: str = "",
    support_after_care: str = "",
    late_reason: str = "",
) -> CarePlan:
    """A new version of the care plan, agreed on `agreed_on`. It may be agreed before the
    first placement (reg 4), so from the referral that opened the child-in-need episode; a
    new version comes on or after the current one."""
    period = lock_period(period)
    errors = Errors()
    check_open(errors, period)
    check_date(
        errors,
        "agreed_on",
        agreed_on,
        label="date the care plan was agreed",
        not_before=period.episode.referral_date,
        not_before_label="the referral",
    )
    day = as_date(agreed_on) if agreed_on else None
    current = current_care_plan(period)
    if day and "agreed_on" not in errors and current is not None and day < current.agreed_on:
        errors.add(
            "agreed_on",
            f"The current care plan was agreed on {long_date(current.agreed_on)}: a new version "
            "cannot be agreed before it",
        )
    if permanence_plan not in CarePlan.Permanence.values:
        errors.add("permanence_plan", "Select the plan for permanence, or 'not yet decided'")
    elif permanence_plan != CarePlan.Permanence.NOT_YET and not _text(permanence_detail):
        errors.add("permanence_detail", "Say how and when the plan for permanence will be achieved")
    check_date(
        errors,
        "placement_plan_agreed_on",
        placement_plan_agreed_on,
        label="date the placement plan was agreed",
        not_before=period.episode.referral_date,
        not_before_label="the referral",
        required=False,
    )
    due = due_to_meet(errors, period, CARE_PLAN_RULE, day, late_reason) if day else None
    permanence_due = None
    if day and permanence_plan in CarePlan.Permanence.values and permanence_plan != CarePlan.Permanence.NOT_YET:
        permanence_due = due_to_meet(errors, period, PERMANENCE_RULE, day, late_reason)
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given

    kept = deadlines.reason_to_keep(due, day, late_reason) or deadlines.reason_to_keep(permanence_due, day, late_reason)
    plan = CarePlan.objects.create(
        period=period,
        agreed_on=day,
        permanence_plan=permanence_plan,
        permanence_detail=_text(permanence_detail),
        placement_plan_agreed_on=placement_plan_agreed_on,
        health=_text(health),
        education=_text(education),
        family_and_contact=_text(family_and_contact),
        wishes_and_feelings=_text(wishes_and_feelings),
        support_after_care=_text(support_after_care),
        recorded_by=user,
        late_reason=kept,
    )
    for found in (due, permanence_due):
        if found is not None:
            deadlines.complete(found, day, late_reason)
    version = period.care_plans.count()
    label = plan.get_permanence_plan_display()
    changed = current is not None and current.permanence_plan != permanence_plan
    record_event(
        period.person,
        "care-plan",
        timezone.now(),
        f"Care plan agreed (version {version}): plan for permanence {label[0].lower()}{label[1:]}",
        detail=(
            f"The plan for permanence changed from: {cast(CarePlan, current).get_permanence_plan_display()}"
            if changed
            else plan.permanence_detail
        ),
        source=plan,
        recorded_by=user,
    )
    audit.record_creation(user, plan, person=period.person, summary=f"Agreed version {version} of the care plan")
    return plan


# --- The independent reviewing officer ----------------------------------------------------


@transaction.atomic
def appoint_iro(
    user: SignedInUser, period: PeriodOfCare, *, iro: User | None, on: datetime.date | None, late_reason: str = ""
) -> PeriodOfCare:
    """The independent reviewing officer for the period (Children Act 1989 s25A), from `on`.
    The first appointment meets the iro-appointment due date; a change of IRO is recorded."""
    period = lock_period(period)
    errors = Errors()
    check_open(errors, period)
    if iro is None:
        errors.add("iro", "Select the independent reviewing officer")
    elif getattr(iro, "role", None) != User.Role.IRO or not iro.is_active:
        errors.add(
            "iro",
            f"{iro} is not an independent reviewing officer: the local authority appoints an IRO "
            "for every looked-after child (Children Act 1989 s25A)",
        )
    elif iro.pk == period.iro_id:
        errors.add("iro", f"{iro} is already the child's independent reviewing officer")
    not_before, not_before_label = period.start_date, PERIOD_START
    if period.iro_appointed_on and period.iro_appointed_on > not_before:
        not_before, not_before_label = period.iro_appointed_on, "the appointment of the current IRO"
    check_date(
        errors, "on", on, label="date of the appointment", not_before=not_before, not_before_label=not_before_label
    )
    day = as_date(on) if on else None
    due = due_to_meet(errors, period, IRO_RULE, day, late_reason) if day else None
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given
    iro = cast(User, iro)  # checked: the IRO is chosen

    previous, previous_on = period.iro, period.iro_appointed_on
    PeriodOfCare.objects.filter(pk=period.pk).update(iro=iro, iro_appointed_on=day)
    period.iro, period.iro_appointed_on = iro, day
    if due is not None:
        deadlines.complete(due, day, late_reason)
    # The IRO reads the child's record on a need-to-know basis while they are the IRO: the
    # last one's involvement ends the day before the new one's starts (an involvement is
    # open through its end date).
    Involvement.objects.filter(
        person=period.person, worker_id=getattr(previous, "pk", None), kind=IRO_INVOLVEMENT, end_date__isnull=True
    ).update(end_date=day - datetime.timedelta(days=1))
    if iro.agency_id:
        Involvement.objects.create(
            person=period.person,
            agency_id=iro.agency_id,
            team_id=iro.team_id,
            worker=iro,
            kind=IRO_INVOLVEMENT,
            start_date=day,
        )
    kept = deadlines.reason_to_keep(due, day, late_reason)
    record_event(
        period.person,
        "care-plan",
        timezone.now(),
        (
            f"Independent reviewing officer changed to {iro}"
            if previous
            else f"Independent reviewing officer appointed: {iro}"
        ),
        detail=(f"Appointed late: {kept}" if kept else ""),
        source=period,
        recorded_by=user,
    )
    audit.record_change(
        user,
        period,
        {"iro": (getattr(previous, "pk", None), iro.pk), "iro_appointed_on": (previous_on, day)},
        person=period.person,
        summary="Changed the independent reviewing officer"
        if previous
        else "Appointed the independent reviewing officer",
    )
    return period


# --- Health assessments -------------------------------------------------------------------


def health_review_rule(period: PeriodOfCare, on: datetime.date) -> str:
    """The rule for the next review health assessment after one on `on`: every 6 months for a
    child under 5 on the day, every 12 months from 5. A child whose date of birth is not
    known gets the shorter interval, so that no review is missed."""
    age = age_on(period.person, on)
    under_5 = age is None or age < HEALTH_REVIEWS_EVERY_6_MONTHS_UNTIL
    return HEALTH_REVIEW_UNDER_5_RULE if under_5 else HEALTH_REVIEW_RULE


@transaction.atomic
def record_health_assessment(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    kind: str,
    held_on: datetime.date | None,
    carried_out_by: str = "",
    dental_check: bool = False,
    immunisations_up_to_date: bool = False,
    late_reason: str = "",
) -> HealthAssessment:
    """An initial or review health assessment. The initial one meets initial-health-assessment;
    a review meets the open review due date. Either issues the next review."""
    period = lock_period(period)
    errors = Errors()
    check_open(errors, period)
    check_date(
        errors,
        "held_on",
        held_on,
        label="date of the health assessment",
        not_before=period.start_date,
        not_before_label=PERIOD_START,
    )
    day = as_date(held_on) if held_on else None
    initial = period.health_assessments.filter(kind=HealthAssessment.Kind.INITIAL).order_by("held_on", "id").first()
    last = period.health_assessments.order_by("-held_on", "-id").first()
    slugs: tuple[str, ...] = ()
    if kind == HealthAssessment.Kind.INITIAL:
        slugs = (INITIAL_HEALTH_RULE,)
        if initial is not None:
            errors.add(
                "kind",
                f"The initial health assessment was on {long_date(initial.held_on)}: record a review health assessment",
            )
    elif kind == HealthAssessment.Kind.REVIEW:
        slugs = HEALTH_REVIEW_RULES
        if initial is None:
            errors.add("kind", "Record the initial health assessment first: reviews follow it")
    else:
        errors.add("kind", "Select whether this is the initial health assessment or a review")
    if day and "held_on" not in errors and last is not None and day < last.held_on:
        errors.add(
            "held_on", f"The last health assessment was on {long_date(last.held_on)}: a later one cannot be before it"
        )
    due = due_to_meet(errors, period, slugs, day, late_reason) if day and slugs else None
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given

    assessment = HealthAssessment.objects.create(
        period=period,
        kind=kind,
        held_on=day,
        carried_out_by=_text(carried_out_by),
        dental_check=bool(dental_check),
        immunisations_up_to_date=bool(immunisations_up_to_date),
        recorded_by=user,
        late_reason=deadlines.reason_to_keep(due, day, late_reason),
    )
    if due is not None:
        deadlines.complete(due, day, late_reason)
    for slug in HEALTH_REVIEW_RULES:  # one review due at a time
        deadlines.withdraw(period, slug, reason="A later health assessment was recorded")
    _issue(health_review_rule(period, day), day, period)
    record_event(
        period.person,
        "health-education",
        timezone.now(),
        assessment.get_kind_display(),
        detail=f"Carried out by {assessment.carried_out_by}" if assessment.carried_out_by else "",
        source=assessment,
        recorded_by=user,
    )
    audit.record_creation(
        user, assessment, person=period.person, summary=f"Recorded a {assessment.get_kind_display().lower()}"
    )
    return assessment


# --- Personal education plans -------------------------------------------------------------


@transaction.atomic
def record_personal_education_plan(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    held_on: datetime.date | None,
    school: str = "",
    designated_teacher: str = "",
    targets: str = "",
    late_reason: str = "",
) -> PersonalEducationPlan:
    """A personal education plan (or its review, each term): meets the open PEP due date and
    issues the next review."""
    period = lock_period(period)
    errors = Errors()
    check_open(errors, period)
    check_date(
        errors,
        "held_on",
        held_on,
        label="date of the personal education plan meeting",
        not_before=period.start_date,
        not_before_label=PERIOD_START,
    )
    day = as_date(held_on) if held_on else None
    last = period.education_plans.order_by("-held_on", "-id").first()
    if day and "held_on" not in errors and last is not None and day < last.held_on:
        errors.add(
            "held_on",
            f"The last personal education plan was on {long_date(last.held_on)}: a later one cannot be before it",
        )
    due = due_to_meet(errors, period, PEP_RULES, day, late_reason) if day else None
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given

    plan = PersonalEducationPlan.objects.create(
        period=period,
        held_on=day,
        school=_text(school),
        designated_teacher=_text(designated_teacher),
        targets=_text(targets),
        recorded_by=user,
        late_reason=deadlines.reason_to_keep(due, day, late_reason),
    )
    if due is not None:
        deadlines.complete(due, day, late_reason)
    deadlines.withdraw(period, PEP_REVIEW_RULE, reason="A later personal education plan was recorded")
    _issue(PEP_REVIEW_RULE, day, period)
    first = last is None
    record_event(
        period.person,
        "health-education",
        timezone.now(),
        "Personal education plan" if first else "Personal education plan reviewed",
        detail=plan.school,
        source=plan,
        recorded_by=user,
    )
    audit.record_creation(
        user,
        plan,
        person=period.person,
        summary="Recorded the personal education plan" if first else "Recorded a review of the personal education plan",
    )
    return plan


# --- Looked-after reviews -----------------------------------------------------------------


def review_rule(number: int) -> str:
    """The rule a review with this number meets."""
    return {1: FIRST_REVIEW_RULE, 2: SECOND_REVIEW_RULE}.get(number, LATER_REVIEW_RULE)


def check_participation(errors: Errors, person: Person, participation: str, day: datetime.date | None) -> None:
    """The child's participation code (SSDA903 REVIEW_CODE): PN0 for a child under 4 on the
    day of the review, and only for one."""
    if not codelists.is_valid("review-participation", participation, on=day):
        errors.add("participation", "Select how the child took part in the review")
        return
    if day is None:
        return
    age = age_on(person, day)
    if age is None:
        if participation == PN0:
            errors.add(
                "participation",
                "PN0 is only for a child under 4 on the day of the review (SSDA903), and "
                "the child's date of birth is not recorded: record it, or choose another code",
            )
    elif age < PN0_UNDER and participation != PN0:
        errors.add(
            "participation",
            f"The child was {age} on the day of the review: a child under 4 has the code "
            "PN0, 'child under 4 at the time of the review' (SSDA903)",
        )
    elif age >= PN0_UNDER and participation == PN0:
        errors.add(
            "participation",
            f"The child was {age} on the day of the review: PN0 is only for a child under 4 "
            "at the time of the review (SSDA903). Choose how they took part",
        )


@transaction.atomic
def record_review(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    held_on: datetime.date | None,
    participation: str,
    chair: User | None,
    considered_return_home: bool = False,
    decisions: str = "",
    late_reason: str = "",
) -> LookedAfterReview:
    """A looked-after review (CPR10 reg 33), chaired by the child's IRO. The reviews are
    numbered 1, 2, 3...; each meets its due date and issues the next: the second 3 months
    after the first, the later ones 6 months after the one before. After the first review the
    plan for permanence falls due by the second, unless one is already agreed."""
    period = lock_period(period)
    errors = Errors()
    check_date(
        errors,
        "held_on",
        held_on,
        label="date of the review",
        not_before=period.start_date,
        not_before_label=PERIOD_START,
    )
    day = as_date(held_on) if held_on else None
    if day and "held_on" not in errors and period.end_date is not None and day > period.end_date:
        errors.add(
            "held_on", f"The review date cannot be after the period of care ended ({long_date(period.end_date)})"
        )
    last = period.reviews.order_by("-number").first()
    if day and "held_on" not in errors and last is not None and day <= last.held_on:
        errors.add(
            "held_on", f"Review {last.number} was held on {long_date(last.held_on)}: the next review comes after it"
        )
    check_participation(errors, period.person, participation, day)
    if chair is None:
        errors.add("chair", "Select who chaired the review")
    elif period.iro_id and chair.pk != period.iro_id:
        errors.add(
            "chair",
            f"The review is chaired by the child's independent reviewing officer, {period.iro} "
            "(Children Act 1989 s25B): select them, or appoint a new IRO first",
        )
    number = (last.number if last else 0) + 1
    slug = review_rule(number)
    on_short_breaks = day is not None and short_breaks.on_short_breaks(period, day)
    if on_short_breaks:  # reg 48(3): the series' review clock, not reg 33's
        due = short_breaks.review_due(errors, period, day, late_reason)
    else:
        due = due_to_meet(errors, period, slug, day, late_reason) if day else None
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given

    review = LookedAfterReview.objects.create(
        period=period,
        number=number,
        held_on=day,
        participation=participation,
        chair=chair,
        considered_return_home=bool(considered_return_home),
        decisions=_text(decisions),
        recorded_by=user,
        late_reason=deadlines.reason_to_keep(due, day, late_reason),
    )
    if due is not None:
        deadlines.complete(due, day, late_reason)
    if on_short_breaks:
        short_breaks.after_review(period, day)
    elif period.end_date is None:
        _issue(SECOND_REVIEW_RULE if number == 1 else LATER_REVIEW_RULE, day, period)
        if number == 1 and not permanence_agreed(period):
            _issue(PERMANENCE_RULE, day, period)
    record_event(
        period.person,
        "looked-after-review",
        timezone.now(),
        f"Looked-after review {number}",
        detail=f"Chaired by {chair}. {codelists.label('review-participation', participation)}.",
        source=review,
        recorded_by=user,
    )
    audit.record_creation(user, review, person=period.person, summary=f"Recorded looked-after review {number}")
    return review


# --- The care page ------------------------------------------------------------------------


def _due(found, slugs, today):
    for slug in slugs:
        if slug in found:
            return {"deadline": found[slug], "tag": due_tags.tag(found[slug], today)}
    return None


def _tagged(deadline, today):
    return {"deadline": deadline, "tag": due_tags.tag(deadline, today)} if deadline is not None else None


def summary(period: PeriodOfCare) -> dict[str, Any]:
    """What the period's care page shows about care planning (template
    childrenincare/planning/_summary.html): the current care plan and plan for permanence, the
    IRO, the last review and the next, the last visit and the next, and the health
    assessments and personal education plans, each with its open due date ({"deadline",
    "tag"}, or None)."""
    today = timezone.localdate()
    found = {
        d.rule_slug: d
        for d in Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(PeriodOfCare),
            subject_id=period.pk,
            status=Deadline.Status.OPEN,
        ).order_by("due_date", "id")
    }
    care_plan = current_care_plan(period)
    last_review = period.reviews.select_related("chair").order_by("-number").first()
    last_health = period.health_assessments.order_by("-held_on", "-id").first()
    last_pep = period.education_plans.order_by("-held_on", "-id").first()
    series = short_breaks.open_due(period.person) if period.end_date is None else {"review": None, "visit": None}
    return {
        "is_open": period.end_date is None,
        "care_plan": care_plan,
        "care_plan_versions": period.care_plans.count(),
        "care_plan_due": _due(found, (CARE_PLAN_RULE,), today),
        "permanence": care_plan.get_permanence_plan_display() if care_plan else "",
        "permanence_agreed": bool(care_plan and care_plan.permanence_plan != CarePlan.Permanence.NOT_YET),
        "permanence_due": _due(found, (PERMANENCE_RULE,), today),
        "iro": period.iro,
        "iro_appointed_on": period.iro_appointed_on,
        "iro_due": _due(found, (IRO_RULE,), today),
        "last_review": last_review,
        "last_review_participation": (
            codelists.label("review-participation", last_review.participation) if last_review else ""
        ),
        "next_review": _due(found, REVIEW_RULES, today) or _tagged(series["review"], today),
        # The last break ended and the series' due dates run on: it may be recorded as ended.
        "short_breaks_open": (
            period.end_date is not None
            and short_breaks.on_short_breaks(period)
            and short_breaks.series_open(period.person)
            and not PeriodOfCare.objects.filter(person_id=period.person_id, end_date__isnull=True).exists()
        ),
        "last_visit": period.visits.order_by("-visited_on", "-id").first(),
        "next_visit": _due(found, visits.VISIT_RULES, today) or _tagged(series["visit"], today),
        "last_health_assessment": last_health,
        "health_due": _due(found, (INITIAL_HEALTH_RULE, *HEALTH_REVIEW_RULES), today),
        "last_education_plan": last_pep,
        "education_due": _due(found, PEP_RULES, today),
    }
