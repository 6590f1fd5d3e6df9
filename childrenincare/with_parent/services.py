"""An immediate placement with a parent before the assessment is complete (Care Planning,
Placement and Case Review (England) Regulations 2010 reg 19; process specification 2.16 B4).

Where the nominated officer considers it necessary and consistent with the child's welfare,
a child in care may be placed with a parent (P) before the assessment under reg 17 is
complete, provided the authority:

(a) interviews P for as much of the Schedule 3 information about P and the other adults of
    the household as can readily be found out;
(b) completes the assessment and review of the child's case under reg 17 within 10 working
    days of the child being placed with P; and
(c) makes and approves the decision under reg 18 within 10 working days after the assessment
    is completed, and then either confirms the placement (reviewing the placement plan) or
    ends it.

(Wording checked against the Welsh mirror, reg 20 of the Care Planning, Placement and Case
Review (Wales) Regulations 2015; the English text is believed the same [U].)

Here:

- the nominated officer's approval comes first: `services.request_approval` asks for one
  (kind IMMEDIATE_WITH_PARENT, with the reasons and the interview), `decide_approval` decides,
  and `services.change_placement` refuses an immediate placement without an approved one
  decided on or before the day (`approved_in_advance`). A child already living with the
  parent when care began needs no move (reg 15(2)): the approval is asked for that day.
- `issue_assessment_due` issues placement-with-parent-assessment (10 working days from the
  placement); `record_parent_assessment` meets it and issues placement-with-parent-decision
  (10 working days from the assessment); `decide_placement_with_parent`, by a nominated
  officer, meets that: confirmed, or not (the placement must then end: record the next one).
  Both timescales are data (kernel/data/timescales.json).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from casework.services import due_to_meet, issue_due
from childrenincare.models import Approval, Designation, Placement
from chronology.services import record_event
from kernel import deadlines
from kernel.rules import Errors, as_date, check_date, long_date

if TYPE_CHECKING:
    from childrenincare.models import PeriodOfCare
    from childrenincare.services import PlacementDetails
    from kernel.access import SignedInUser
    from kernel.models import Deadline

ASSESSMENT_RULE = "placement-with-parent-assessment"
DECISION_RULE = "placement-with-parent-decision"
RULES = (ASSESSMENT_RULE, DECISION_RULE)
REG_19 = "Care Planning Regulations 2010 reg 19"


def approved_in_advance(period: PeriodOfCare, day: datetime.date) -> Approval | None:
    """The nominated officer's approval of an immediate placement with a parent, decided on
    or before `day` and not yet used for a placement, or None."""
    return (
        period.approvals.filter(
            kind=Approval.Kind.IMMEDIATE_WITH_PARENT,
            status=Approval.Status.APPROVED,
            placement__isnull=True,
            decided_on__lte=day,
        )
        .order_by("-decided_on", "-id")
        .first()
    )


def check_approved_in_advance(
    errors: Errors, period: PeriodOfCare, details: PlacementDetails, day: datetime.date | None
) -> Approval | None:
    """Reg 19: an immediate placement with a parent is made only where the nominated officer
    considers it necessary, so their approval comes before the placement."""
    if not details.immediate_with_parent or day is None:
        return None
    found = approved_in_advance(period, day)
    if found is None:
        errors.add(
            "immediate_with_parent",
            "An immediate placement with a parent needs a nominated officer's approval "
            f"before the child is placed ({REG_19}): ask for it from the care record "
            "first",
        )
    return found


def issue_assessment_due(period: PeriodOfCare, placement: Placement) -> Deadline:
    """Reg 19(b): the assessment and review within 10 working days of the placement."""
    return issue_due(
        ASSESSMENT_RULE, placement.start_date, person=period.person, subject=period, episode=period.episode
    )


def withdraw(period: PeriodOfCare, reason: str) -> None:
    for slug in RULES:
        deadlines.withdraw(period, slug, reason=reason)


def _current_immediate(errors, period):
    from childrenincare.selectors import current_placement

    if period.end_date is not None:
        from childrenincare.services import period_ended

        errors.add("__all__", period_ended(period))
        return None
    placement = current_placement(period)
    if placement is None or not placement.immediate_with_parent:
        errors.add("__all__", "The child is not in an immediate placement with a parent (regulation 19)")
        return None
    return placement


def _lock(period):
    from childrenincare.services import lock_period

    return lock_period(period)


@transaction.atomic
def record_parent_assessment(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    completed_on: datetime.date | None,
    findings: str,
    late_reason: str = "",
) -> Placement:
    """Reg 19(b): the assessment of the parent under reg 17 and the review of the child's case,
    completed on `completed_on`. Meets placement-with-parent-assessment (late needs the reason)
    and issues placement-with-parent-decision."""
    period = _lock(period)
    errors = Errors()
    placement = _current_immediate(errors, period)
    if placement is not None:
        if placement.parent_assessed_on is not None:
            errors.add(
                "__all__", f"The assessment was recorded as completed on {long_date(placement.parent_assessed_on)}"
            )
        check_date(
            errors,
            "completed_on",
            completed_on,
            label="date the assessment was completed",
            not_before=placement.start_date,
            not_before_label="the placement",
        )
    if not (findings or "").strip():
        errors.add("findings", "Say what the assessment of the parent and the household, and the review, found")
    day = as_date(completed_on) if completed_on and "completed_on" not in errors else None
    due = due_to_meet(errors, period, ASSESSMENT_RULE, day, late_reason) if day else None
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given
    if due is not None:
        deadlines.complete(due, day, late_reason)
    kept = deadlines.reason_to_keep(due, day, late_reason)
    Placement.objects.filter(pk=placement.pk).update(
        parent_assessed_on=day, parent_assessment=findings.strip(), parent_assessment_late_reason=kept
    )
    decision_due = issue_due(DECISION_RULE, day, person=period.person, subject=period, episode=period.episode)
    record_event(
        period.person,
        "placement",
        timezone.now(),
        "Assessment of the placement with a parent completed (regulation 19)",
        detail=f"The decision is due by {long_date(decision_due.due_date)}",
        source=placement,
        recorded_by=user,
    )
    audit.record_change(
        user,
        placement,
        {"parent_assessed_on": (None, day)},
        person=period.person,
        summary="Recorded the assessment of an immediate placement with a parent",
    )
    placement.refresh_from_db()
    return placement


@transaction.atomic
def decide_placement_with_parent(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    decided_on: datetime.date | None,
    confirm: bool | None,
    reasons: str,
    late_reason: str = "",
) -> Placement:
    """Reg 19(c): the decision under reg 18, made and approved by a nominated officer (`user`),
    within 10 working days after the assessment: confirm the placement (the placement plan is
    reviewed) or not (the placement ends: record the child's next placement)."""
    from childrenincare.selectors import is_designated

    period = _lock(period)
    errors = Errors()
    placement = _current_immediate(errors, period)
    if placement is not None:
        if placement.parent_assessed_on is None:
            errors.add("__all__", "Record the assessment first: the decision follows it (regulation 19(c))")
        elif placement.with_parent_decided_on is not None:
            errors.add("__all__", f"The placement was decided on {long_date(placement.with_parent_decided_on)}")
        else:
            check_date(
                errors,
                "decided_on",
                decided_on,
                label="date of the decision",
                not_before=placement.parent_assessed_on,
                not_before_label="the assessment",
            )
    if confirm not in (True, False):
        errors.add("confirm", "Say whether the placement is confirmed")
    if not (reasons or "").strip():
        errors.add("reasons", "Give the reasons for the decision")
    day = as_date(decided_on) if decided_on and "decided_on" not in errors else None
    if day and not is_designated(user, Designation.Kind.NOMINATED_OFFICER, day):
        errors.add("__all__", f"Only a nominated officer may make and approve this decision ({REG_19}(c), reg 18)")
    due = due_to_meet(errors, period, DECISION_RULE, day, late_reason) if day and placement is not None else None
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given
    if due is not None:
        deadlines.complete(due, day, late_reason)
    kept = deadlines.reason_to_keep(due, day, late_reason)
    Placement.objects.filter(pk=placement.pk).update(
        with_parent_confirmed=confirm,
        with_parent_decided_on=day,
        with_parent_decided_by=user,
        with_parent_decision_reasons=reasons.strip(),
        with_parent_decision_late_reason=kept,
    )
    title = (
        "Placement with a parent confirmed: review the placement plan (regulation 19(c)(i))"
        if confirm
        else "Placement with a parent not confirmed: the placement must end (regulation 19(c)(ii))"
    )
    record_event(
        period.person, "placement", timezone.now(), title, detail=reasons.strip(), source=placement, recorded_by=user
    )
    audit.record_change(
        user,
        placement,
        {"with_parent_confirmed": (None, confirm)},
        person=period.person,
        summary="Decided an immediate placement with a parent",
    )
    placement.refresh_from_db()
    return placement
