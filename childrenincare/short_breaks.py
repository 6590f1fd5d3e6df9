"""Short breaks: a child accommodated under section 20 in a pre-planned series of short
breaks, SSDA903 legal status V3 (each break recorded as its own period of care) or V4 (the
agreement recorded, not each break).

The Care Planning, Placement and Case Review (England) Regulations 2010 reg 48 applies them
with modifications where the child is not in care, the breaks are with the same carer or in
the same accommodation, and the arrangement is that (as made) no single break is intended to
last more than 17 days, the child returns to a parent (or other person with parental
responsibility) at the end of each, and the breaks do not exceed 75 days in total in any 12
months (48(2)). Then (48(3)):

- the short break care plan replaces regs 5 and 9 (the care plan is still due);
- regs 7 (health assessments) and 13 (notifications) do not apply: no initial health
  assessment is issued, nor a personal education plan (part of the reg 5 care plan);
- reg 28(2) does not apply: the child is visited on days they are placed, at intervals agreed
  with the IRO and the parents and recorded in the care plan, and in any event the first
  visit within 3 months of the first break and then at most 6 months apart [U: the visit
  figures are data, short-break-first-visit and short-break-visit];
- reg 33 does not apply: the first review within 3 months of the start of the first break,
  then at most 6 months apart [C2] (short-break-first-review, short-break-review).

The due dates of a series belong to the child (the deadline's subject is the person), not to
one period: a V3 series is many short periods, and its review clock runs across them. They
are met by the review or visit recorded on a break, and withdrawn when the child starts to
be looked after other than on short breaks, when a V4 agreement ends, or when the short
breaks are recorded as ended (`end_series`).

The SSDA903 rules are kept as the records are made (each a rule error that changes nothing):
366, a V3 break is one episode (RNE S): no change of legal status or placement during it, and
no change into V3; 367 and reg 48(2)(c)(iii), a V3 break does not start once 75 days of V3
breaks have been used in the 12 months before it; 384, no short breaks in a long-term foster
placement (U1, U4). returns.validation.short_breaks checks the return the same way.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from casework.services import due_to_meet, issue_due
from chronology.services import record_event
from kernel import deadlines, timescales
from kernel import selectors as deadline_reads
from kernel.rules import Errors, as_date, check_date

if TYPE_CHECKING:
    from kernel.access import SignedInUser
    from kernel.models import Deadline
    from people.models import Person

    from .models import PeriodOfCare

SHORT_BREAKS = ("V3", "V4")
BREAK_BY_BREAK = "V3"
LONG_TERM_FOSTERING = ("U1", "U4")
DAYS_A_YEAR = 75  # reg 48(2)(c)(iii); SSDA903 rule 367
FIRST_REVIEW_RULE = "short-break-first-review"
REVIEW_RULE = "short-break-review"
REVIEW_RULES = (FIRST_REVIEW_RULE, REVIEW_RULE)
FIRST_VISIT_RULE = "short-break-first-visit"
VISIT_RULE = "short-break-visit"
VISIT_RULES = (FIRST_VISIT_RULE, VISIT_RULE)
RULES = REVIEW_RULES + VISIT_RULES
REG_48 = "Care Planning Regulations 2010 reg 48"


def is_short_break(code: str) -> bool:
    return code in SHORT_BREAKS


def on_short_breaks(period: PeriodOfCare, day: datetime.date | None = None) -> bool:
    """Whether the period's legal status (on `day`, or now) is V3 or V4."""
    statuses = period.legal_statuses.order_by("-start_date", "-id")
    if day is not None:
        statuses = statuses.filter(start_date__lte=day)
    found = statuses.first()
    return found is not None and found.code in SHORT_BREAKS


def days_used(person: Person, day: datetime.date) -> int:
    """Days of V3 short breaks in the 12 months before `day`, counted as the SSDA903 counts an
    episode (from its start to its end, rule 367)."""
    from .models import PeriodOfCare

    since = timescales.add_months(day, -12)
    used = 0
    for period in PeriodOfCare.objects.filter(
        person=person, start_date__lt=day, legal_statuses__code=BREAK_BY_BREAK
    ).distinct():
        ended = min(period.end_date or day, day)
        used += max(0, (ended - max(period.start_date, since)).days)
    return used


# --- Checks ---------------------------------------------------------------------------------


def check_place(errors: Errors, legal_status: str, place: str, field: str) -> None:
    """SSDA903 rule 384: a child on short breaks is not in a long-term foster placement."""
    if legal_status in SHORT_BREAKS and place in LONG_TERM_FOSTERING:
        errors.add(
            field,
            "A child on short breaks (V3 or V4) cannot be in a long-term foster placement (U1 or U4, "
            "SSDA903 rule 384): record the short-break placement as U3 or U6",
        )


def check_start(errors: Errors, person: Person, legal_status: str, day: datetime.date | None) -> None:
    """A V3 break does not start once the 75 days of 12 months are used (reg 48(2)(c)(iii),
    SSDA903 rule 367)."""
    if legal_status != BREAK_BY_BREAK or day is None:
        return
    used = days_used(person, day)
    if used >= DAYS_A_YEAR:
        errors.add(
            "legal_status",
            f"The child has had {used} days of short breaks in the 12 months before "
            f"{day:%-d %B %Y}: short breaks are at most {DAYS_A_YEAR} days in 12 months "
            f"({REG_48}(2)(c); SSDA903 rule 367). A stay beyond that is a single period of "
            "accommodation (V2)",
        )


def check_legal_status_change(errors: Errors, current_code: str, code: str, place: str) -> None:
    """SSDA903 rule 366: a V3 break is one episode, starting the period (RNE S)."""
    if current_code == BREAK_BY_BREAK:
        errors.add(
            "code",
            "A short break recorded break by break (V3) is one episode: the legal status cannot change "
            "during it (SSDA903 rule 366). End the break, then record the child's next period of care",
        )
    elif code == BREAK_BY_BREAK:
        errors.add(
            "code",
            "Each short break recorded break by break (V3) is its own period of care, starting with "
            "it (SSDA903 rule 366): end this period, then record the break as a new one",
        )
    else:
        check_place(errors, code, place, "code")


def check_placement_change(errors: Errors, current_code: str) -> None:
    if current_code == BREAK_BY_BREAK:
        errors.add(
            "__all__",
            "A child cannot change placement during a short break recorded break by break (V3, "
            "SSDA903 rule 366): end the break, then record the next one with its placement",
        )


# --- The schedule ----------------------------------------------------------------------------


def _open(person, slugs):
    return any(deadline_reads.open_deadline(person, slug) is not None for slug in slugs)


def _issue(slug, start, period):
    return issue_due(slug, start, person=period.person, subject=period.person, episode=period.episode)


def start(period: PeriodOfCare, day: datetime.date) -> None:
    """A period on short breaks began (a V3 break, a V4 agreement, or a change into V4): the
    series' first review and first visit fall due from the first break, unless the series'
    clocks are already running."""
    if not _open(period.person, REVIEW_RULES):
        _issue(FIRST_REVIEW_RULE, day, period)
    if not _open(period.person, VISIT_RULES):
        _issue(FIRST_VISIT_RULE, day, period)


def stop(person: Person, reason: str) -> None:
    """The series ended, or the child is looked after other than on short breaks."""
    for slug in RULES:
        deadlines.withdraw(person, slug, reason=reason)


def series_open(person: Person) -> bool:
    return _open(person, RULES)


@transaction.atomic
def end_series(user: SignedInUser, person: Person, *, on: datetime.date | None, reason: str) -> None:
    """The short breaks stopped (the family no longer needs them, or the child is now looked
    after some other way): the series' review and visit due dates are withdrawn, with the
    reason. Not while a break or a V4 agreement is open: end that first."""
    from .models import PeriodOfCare

    errors = Errors()
    open_period = PeriodOfCare.objects.filter(person=person, end_date__isnull=True).first()
    if open_period is not None and on_short_breaks(open_period):
        errors.add(
            "__all__", "The child is on a short break (or a short-break agreement) now: record that it ended first"
        )
    elif not series_open(person):
        errors.add("__all__", "No short-break review or visit is due for this child")
    check_date(errors, "on", on, label="date the short breaks ended")
    if not (reason or "").strip():
        errors.add("reason", "Say why the short breaks ended")
    errors.raise_if_any()
    stop(person, f"The short breaks ended on {as_date(cast(datetime.date, on)):%-d %B %Y}: {reason.strip()}")
    record_event(person, "care-plan", timezone.now(), "Short breaks ended", detail=reason.strip(), recorded_by=user)
    audit.record_change(
        user,
        person,
        {"short_breaks": ("continuing", f"ended {as_date(cast(datetime.date, on)):%-d %B %Y}")},
        person=person,
        summary="Recorded that the short breaks ended",
    )


def review_due(errors: Errors, period: PeriodOfCare, day: datetime.date | None, late_reason: str) -> Deadline | None:
    """The series' review due date a review on `day` meets."""
    return due_to_meet(errors, period.person, REVIEW_RULES, day, late_reason)


def after_review(period: PeriodOfCare, day: datetime.date) -> None:
    for slug in REVIEW_RULES:
        deadlines.withdraw(period.person, slug, reason="A later short-break review was recorded")
    _issue(REVIEW_RULE, day, period)


def visit_due(errors: Errors, period: PeriodOfCare, day: datetime.date | None, late_reason: str) -> Deadline | None:
    return due_to_meet(errors, period.person, VISIT_RULES, day, late_reason)


def after_visit(period: PeriodOfCare, day: datetime.date) -> None:
    for slug in VISIT_RULES:
        deadlines.withdraw(period.person, slug, reason="A later short-break visit was recorded")
    _issue(VISIT_RULE, day, period)


def open_due(person: Person) -> dict[str, Deadline | None]:
    """{"review": deadline or None, "visit": deadline or None} for the care page."""
    found = {}
    for key, slugs in (("review", REVIEW_RULES), ("visit", VISIT_RULES)):
        found[key] = next((d for d in (deadline_reads.open_deadline(person, s) for s in slugs) if d is not None), None)
    return found
