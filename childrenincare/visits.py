"""Statutory visits to a looked-after child: the schedule of the Care Planning Regulations
2010 reg 28 (process specification 2.13), as a choice between timescale rules that are data
(kernel/data/timescales.json):

- any placement: within 1 week of its start (looked-after-visit-new-placement); then at most
  6 weeks apart in its first year (looked-after-visit); after that at most 3 months apart
  when the placement is intended to last until 18 (looked-after-visit-long-term), otherwise
  6 weeks;
- placed with a parent before the assessment is complete (reg 19): weekly until the first
  review (looked-after-visit-weekly), then 6 weeks;
- with a temporarily approved connected person (reg 24), or on an interim care order and
  living with a parent: weekly until the first review, then at most 4 weeks apart
  (looked-after-visit-4-weekly);
- on a full care order and living with a parent: within 1 week of the care order, then 6
  weeks.

One visit due date is open at a time; a new placement or legal status replaces it. A child on
short breaks (V3, V4) is visited on the short-break schedule instead (reg 48(3)(c),
childrenincare.short_breaks).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from casework.services import due_to_meet, issue_due
from chronology.services import record_event
from kernel import deadlines
from kernel import selectors as deadline_reads
from kernel.rules import Errors, as_date, check_date
from people.ages import one_year_after

from .models import Carer, CareVisit

if TYPE_CHECKING:
    from kernel.access import SignedInUser
    from kernel.models import Deadline

    from .models import LegalStatus, PeriodOfCare, Placement

NEW_PLACEMENT = "looked-after-visit-new-placement"
USUAL = "looked-after-visit"
LONG_TERM = "looked-after-visit-long-term"
WEEKLY = "looked-after-visit-weekly"
FOUR_WEEKLY = "looked-after-visit-4-weekly"
VISIT_RULES = (NEW_PLACEMENT, USUAL, LONG_TERM, WEEKLY, FOUR_WEEKLY)


SCHEDULE_CHANGED = "The visit schedule changed"  # why the visit due before the change is withdrawn


def _first_review_held(period, on):
    return period.reviews.filter(held_on__lte=on).exists()


def next_visit_rule(period: PeriodOfCare, placement: Placement, legal_status: LegalStatus, after: datetime.date) -> str:
    """The rule for the next visit after a visit on `after` (reg 28(2) to (4))."""
    from .services import WITH_PARENT

    code = legal_status.code
    temporary_carer = (
        placement.carer_id is not None and cast(Carer, placement.carer).approval == Carer.Approval.TEMPORARY
    )
    interim_with_parent = code == "C1" and placement.place == WITH_PARENT
    if temporary_carer or interim_with_parent:
        return WEEKLY if not _first_review_held(period, after) else FOUR_WEEKLY
    if placement.immediate_with_parent:
        return WEEKLY if not _first_review_held(period, after) else USUAL
    if placement.place == WITH_PARENT and code == "C2":
        return USUAL
    if after >= one_year_after(stay_began(period, placement)) and placement.intended_until_18:
        return LONG_TERM
    return USUAL


def stay_began(period: PeriodOfCare, placement: Placement) -> datetime.date:
    """When the child's stay with this placement's carers began, for the first year of reg
    28(2)(b): a temporary placement (T0 to T4) between two spells with the same carers (a
    holiday, a hospital stay) does not start the year again, nor does re-coding the placement
    with the same carers (U6 to U4, say). Without a recorded carer each placement stands alone."""
    from .services import TEMPORARY

    if placement.carer_id is None or placement.place in TEMPORARY:
        return placement.start_date
    earlier = [p for p in period.placements.order_by("-start_date", "-id") if p.start_date < placement.start_date]
    began = placement.start_date
    for previous in earlier:
        if previous.place in TEMPORARY:
            continue
        if previous.carer_id != placement.carer_id:
            break
        began = previous.start_date
    return began


def _replace(period, slug, start):
    deadlines_open = [d for d in (deadline_reads.open_deadline(period, s) for s in VISIT_RULES) if d is not None]
    for found in deadlines_open:
        deadlines.withdraw(period, found.rule_slug, reason=SCHEDULE_CHANGED)
    return issue_due(slug, start, person=period.person, subject=period, episode=period.episode)


def schedule_after_placement(period: PeriodOfCare, placement: Placement, legal_status: LegalStatus) -> Deadline | None:
    """A new placement: visit within a week of its start (reg 28(2)(a)). Not on short breaks,
    where reg 28(2) does not apply (reg 48(3)(c)): the series has its own visit due date
    (childrenincare.short_breaks)."""
    from . import short_breaks

    if short_breaks.is_short_break(legal_status.code):
        for slug in VISIT_RULES:
            deadlines.withdraw(period, slug, reason="Short breaks: visited on the short-break schedule (regulation 48)")
        return None
    return _replace(period, NEW_PLACEMENT, placement.start_date)


def schedule_after_legal_status(
    period: PeriodOfCare, placement: Placement | None, legal_status: LegalStatus
) -> Deadline | None:
    """A full care order for a child living with a parent: visit within a week of the order."""
    if legal_status.code == "C2" and placement is not None and placement.place == "P1":
        return _replace(period, NEW_PLACEMENT, legal_status.start_date)
    return None


@transaction.atomic
def record_visit(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    visited_on: datetime.date | None,
    seen: bool | None,
    seen_alone: bool = False,
    bedroom_seen: bool = False,
    notes: str = "",
    late_reason: str = "",
) -> CareVisit:
    """A statutory visit. It meets the open visit due date (late needs the reason) and the
    next one is issued by the reg 28 schedule."""
    from .selectors import current_legal_status, current_placement
    from .services import lock_period

    period = lock_period(period)
    errors = Errors()
    if period.end_date is not None:
        errors.add(
            "__all__", "This period of care has ended: visits after a return home are recorded on the return-home page"
        )
    check_date(
        errors,
        "visited_on",
        visited_on,
        label="visit date",
        not_before=period.start_date,
        not_before_label="the start of the period of care",
    )
    day = as_date(visited_on) if visited_on else None
    if seen is None:
        errors.add("seen", "Say whether the child was seen")
    elif seen_alone and not seen:
        errors.add("seen_alone", "A child seen alone was seen: tick 'the child was seen' too")
    from . import short_breaks

    on_short_breaks = day is not None and short_breaks.on_short_breaks(period, day)
    if on_short_breaks:
        found = short_breaks.visit_due(errors, period, day, late_reason)
    else:
        found = due_to_meet(errors, period, VISIT_RULES, day, late_reason) if day else None
    errors.raise_if_any()
    day, seen = cast(datetime.date, day), cast(bool, seen)  # checked: the date and whether seen are given
    visit = CareVisit.objects.create(
        period=period,
        visited_on=day,
        seen=seen,
        seen_alone=seen_alone,
        bedroom_seen=bedroom_seen,
        notes=notes,
        visited_by=user,
        late_reason=deadlines.reason_to_keep(found, day, late_reason) if found else "",
    )
    if found is not None:
        deadlines.complete(found, day, late_reason)
    placement, status = current_placement(period), current_legal_status(period)
    if on_short_breaks:
        short_breaks.after_visit(period, day)
    else:
        slug = next_visit_rule(period, cast("Placement", placement), cast("LegalStatus", status), day)
        issue_due(slug, day, person=period.person, subject=period, episode=period.episode)
    record_event(
        period.person,
        "looked-after-visit",
        timezone.now(),
        "Statutory visit" + ("" if seen else " (child not seen)"),
        source=visit,
        recorded_by=user,
    )
    audit.record_creation(user, visit, person=period.person, summary="Recorded a statutory visit")
    return visit
