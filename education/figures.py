"""Education figures for analysts, the statistics page (returns.statistics) and the safeguarding
partners' yearly report: counts, never names.

Over a period (a collection year, 1 April to 31 March, named by the year it ends: 2026 is 1 April
2025 to 31 March 2026; or any chosen first and last day, both counted) and on a day (the
period's last day, or today for the year in progress):

- the children not in school register (s436B, s38 of the 2026 Act) on the day, by reason and by
  national curriculum year group; the children added during the period, by who told the
  authority, and those removed, by why. A child removed on a day is not on the register that
  day (as a period of care ending on 31 March is not counted on 31 March), and a child added
  on a day is;
- requests for consent to home educate (s434A, s37 of the 2026 Act) received during the
  period, by source and whether the child was a relevant child when the request came; the
  decisions made during the period (given or refused) and the median days from the request to
  the decision; the requests still waiting for a decision at the end of the period;
- children missing education (s436A): the cases open on the day, opened during the period by
  source, closed by why (read from education.models.MissingEducationCase when that model is
  there; None until it is, so the page can say it is not recorded yet rather than show zeros).

Before a duty is in force (education.commencement) its figures are None, not zeros: nothing was
measured. A period that starts before the commencement and ends after it is counted from the
commencement (there can be no record before it); `register_from` / `consent_from` say so.

The year group: a child's national curriculum year in the school year (1 September to 31
August) that the day falls in is their age on 31 August at the start of that school year, less
four (Reception is 0, year 11 the year they turn 16): a child born on 31 August is the youngest of
their year and one born on 1 September the oldest of the next year down, as in
rules.compulsory_school_age_ends. It is worked out in the database (year_group_case), so the
queries do not grow with the children.

Every figure is a COUNT with GROUP BY: a fixed number of queries per period, whatever the number
of children. Like the statutory returns and the other statistics, every child is counted
(restricted records included: counts, not names; small numbers are suppressed when the figures
leave the authority, returns.suppression). `visible_to` counts only the children that user may
be told about (people.access.shown_filter), for a page or report that is shown to someone who
is not an analyst.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models import CharField as CharFieldType
from django.utils import timezone

from people.access import shown_filter

from . import models as education_models
from .commencement import commencement
from .models import ConsentRequest, RegisterEntry
from .selectors import on_register

# --- Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days counted."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after it starts")

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def collection_year(year: int) -> Period:
    """The collection year ending 31 March `year`."""
    return Period(datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31))


# --- National curriculum year groups ----------------------------------------------------------

YOUNGER, OLDER, UNKNOWN = "younger", "older", "unknown"
RECEPTION = "R"
YEAR_GROUPS: tuple[tuple[str, str], ...] = (
    (YOUNGER, "Younger than reception"),
    (RECEPTION, "Reception"),
    *((str(n), f"Year {n}") for n in range(1, 12)),
    (OLDER, "Older than year 11"),
    (UNKNOWN, "Date of birth not known"),
)
PRIMARY = (RECEPTION, *(str(n) for n in range(1, 7)))
SECONDARY = tuple(str(n) for n in range(7, 12))


def school_year_start(on: datetime.date) -> int:
    """The calendar year the school year of `on` starts in (1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def _cohort(date_of_birth: datetime.date) -> int:
    """Children born from 1 September of one year to 31 August of the next share a year group:
    named here by the later year."""
    return date_of_birth.year if date_of_birth.month < 9 else date_of_birth.year + 1


def year_group(date_of_birth: datetime.date | None, on: datetime.date) -> str:
    """The child's national curriculum year group on `on`: "R", "1" to "11", or younger, older
    or unknown (no date of birth)."""
    if date_of_birth is None:
        return UNKNOWN
    number = school_year_start(on) - 4 - _cohort(date_of_birth)
    if number < 0:
        return YOUNGER
    if number > 11:
        return OLDER
    return RECEPTION if number == 0 else str(number)


def year_group_case(on: datetime.date, date_of_birth: str = "person__date_of_birth") -> Case:
    """year_group as a database expression over the field `date_of_birth`."""
    start = school_year_start(on)
    whens = [When(**{f"{date_of_birth}__gte": datetime.date(start - 4, 9, 1)}, then=Value(YOUNGER))]
    for number in range(12):
        key = RECEPTION if number == 0 else str(number)
        whens.append(
            When(
                **{
                    f"{date_of_birth}__gte": datetime.date(start - number - 5, 9, 1),
                    f"{date_of_birth}__lte": datetime.date(start - number - 4, 8, 31),
                },
                then=Value(key),
            )
        )
    whens.append(When(**{f"{date_of_birth}__lte": datetime.date(start - 16, 8, 31)}, then=Value(OLDER)))
    return Case(*whens, default=Value(UNKNOWN), output_field=CharFieldType())


# --- The figures --------------------------------------------------------------------------------


def _visible(found: QuerySet[Any], visible_to: Any) -> QuerySet[Any]:
    return found if visible_to is None else found.filter(shown_filter(visible_to, "person"))


def _zeros(keys: Any) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


@dataclass
class RegisterOnDay:
    on: datetime.date
    total: int
    by_reason: dict[str, int]  # RegisterEntry.Reason -> children
    by_year_group: dict[str, int]  # YEAR_GROUPS' keys -> children

    @property
    def primary(self) -> int:
        return sum(self.by_year_group[key] for key in PRIMARY)

    @property
    def secondary(self) -> int:
        return sum(self.by_year_group[key] for key in SECONDARY)


def register_on(on: datetime.date, visible_to: Any = None) -> RegisterOnDay:
    """The children on the register on `on`, by reason and year group (one query)."""
    by_reason = _zeros(RegisterEntry.Reason.values)
    by_group = _zeros(key for key, _label in YEAR_GROUPS)
    rows = (
        _visible(on_register(on), visible_to)
        .annotate(group=year_group_case(on))
        .values_list("reason", "group")
        .annotate(n=Count("id"))
        .order_by()
    )
    for reason, group, n in rows:
        by_reason[reason] = by_reason.get(reason, 0) + n
        by_group[group] += n
    return RegisterOnDay(on, sum(by_reason.values()), by_reason, by_group)


@dataclass
class RegisterFlows:
    period: Period
    added: int
    added_by_source: dict[str, int]  # RegisterEntry.Source -> entries
    added_by_reason: dict[str, int]
    removed: int
    removed_by_reason: dict[str, int]  # RegisterEntry.RemovalReason -> entries


def register_flows(period: Period, visible_to: Any = None) -> RegisterFlows:
    """Additions to and removals from the register during the period (two queries). A child
    added twice in the period (removed and back) is counted each time."""
    by_source = _zeros(RegisterEntry.Source.values)
    added_by_reason = _zeros(RegisterEntry.Reason.values)
    entries = _visible(RegisterEntry.objects.all(), visible_to)
    added = (
        entries.filter(added_on__gte=period.start, added_on__lte=period.end)
        .values_list("source", "reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    for source, reason, n in added:
        by_source[source] = by_source.get(source, 0) + n
        added_by_reason[reason] = added_by_reason.get(reason, 0) + n
    removed_by_reason = _zeros(RegisterEntry.RemovalReason.values)
    removed = (
        entries.filter(removed_on__gte=period.start, removed_on__lte=period.end)
        .values_list("removal_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    for reason, n in removed:
        removed_by_reason[reason or RegisterEntry.RemovalReason.OTHER] += n
    return RegisterFlows(
        period,
        sum(by_source.values()),
        by_source,
        added_by_reason,
        sum(removed_by_reason.values()),
        removed_by_reason,
    )


def median(counted: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}: the middle one, or the mean of
    the two middle ones."""
    total = sum(counted.values())
    if not total:
        return None
    ordered = sorted(counted.items())

    def nth(index: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)  # pragma: no cover - index < total

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


@dataclass
class ConsentFigures:
    period: Period
    received: int
    by_source: dict[str, int]  # ConsentRequest.Source -> requests received in the period
    relevant: int  # of those received, a relevant child when the request came
    not_relevant: int  # consent not needed
    given: int  # decisions made during the period
    refused: int
    median_days: float | None  # from the request to the decision, of the decisions made in the period
    open_at_end: int  # relevant children's requests received by the end and not decided by then

    @property
    def decided(self) -> int:
        return self.given + self.refused


def consent_figures(period: Period, visible_to: Any = None) -> ConsentFigures:
    """Requests received, decisions made and requests waiting (three queries)."""
    requests = _visible(ConsentRequest.objects.all(), visible_to)
    by_source = _zeros(ConsentRequest.Source.values)
    relevant = not_relevant = 0
    received = (
        requests.filter(received_on__gte=period.start, received_on__lte=period.end)
        .values_list("source", "relevant_child")
        .annotate(n=Count("id"))
        .order_by()
    )
    for source, is_relevant, n in received:
        by_source[source] = by_source.get(source, 0) + n
        if is_relevant:
            relevant += n
        else:
            not_relevant += n
    Status = ConsentRequest.Status
    days = ExpressionWrapper(F("decided_on") - F("received_on"), output_field=DurationField())
    decisions = (
        requests.filter(status__in=(Status.GIVEN, Status.REFUSED), decided_on__gte=period.start)
        .filter(decided_on__lte=period.end)
        .annotate(days=days)
        .values_list("status", "days")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_status = {Status.GIVEN: 0, Status.REFUSED: 0}
    waits: dict[int, int] = {}
    for status, waited, n in decisions:
        by_status[status] += n
        waited_days = waited.days if isinstance(waited, datetime.timedelta) else int(waited)
        waits[waited_days] = waits.get(waited_days, 0) + n
    open_at_end = (
        requests.filter(relevant_child=True, received_on__lte=period.end)
        .exclude(status=Status.NOT_NEEDED)
        .filter(Q(decided_on__isnull=True) | Q(decided_on__gt=period.end))
        .count()
    )
    return ConsentFigures(
        period,
        sum(by_source.values()),
        by_source,
        relevant,
        not_relevant,
        by_status[Status.GIVEN],
        by_status[Status.REFUSED],
        median(waits),
        open_at_end,
    )


# --- Children missing education -------------------------------------------------------------------


def missing_education_model() -> Any:
    """education.models.MissingEducationCase, or None while the service does not record
    children missing education."""
    return getattr(education_models, "MissingEducationCase", None)


@dataclass
class MissingEducationFigures:
    period: Period
    on: datetime.date
    open_on_day: int
    open_by_year_group: dict[str, int]
    opened: int
    opened_by_source: dict[str, int]
    closed: int
    closed_by_reason: dict[str, int]


def missing_education_figures(
    period: Period, on: datetime.date, visible_to: Any = None
) -> MissingEducationFigures | None:
    """Children missing education on `on` (opened by then, not closed by then: a case closed
    on the day is not open that day), by year group; cases opened and closed during the period
    (three queries). None while the service does not record them."""
    model = missing_education_model()
    if model is None:
        return None
    cases = _visible(model.objects.all(), visible_to)
    by_group = _zeros(key for key, _label in YEAR_GROUPS)
    rows = (
        cases.filter(opened_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .annotate(group=year_group_case(on))
        .values_list("group")
        .annotate(n=Count("id"))
        .order_by()
    )
    for group, n in rows:
        by_group[group] += n
    by_source = _zeros(model.Source.values)
    for source, n in (
        cases.filter(opened_on__gte=period.start, opened_on__lte=period.end)
        .values_list("source")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_source[source] = by_source.get(source, 0) + n
    by_reason = _zeros(model.ClosureReason.values)
    for reason, n in (
        cases.filter(closed_on__gte=period.start, closed_on__lte=period.end)
        .values_list("closure_reason")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = reason or model.ClosureReason.OTHER
        by_reason[key] = by_reason.get(key, 0) + n
    return MissingEducationFigures(
        period,
        on,
        sum(by_group.values()),
        by_group,
        sum(by_source.values()),
        by_source,
        sum(by_reason.values()),
        by_reason,
    )


# --- All of it, for a period ------------------------------------------------------------------------


@dataclass
class EducationFigures:
    period: Period
    on: datetime.date  # the day the "on the day" figures are for: the period's end, or today
    so_far: bool  # the period has not ended yet
    year: int | None = None  # the collection year, when the period is one
    register_from: datetime.date | None = None  # the register's commencement, when in force by `on`
    consent_from: datetime.date | None = None
    register: RegisterOnDay | None = None  # None: the register was not in force on the day
    flows: RegisterFlows | None = None  # None: not in force at any time in the period
    consent: ConsentFigures | None = None
    missing: MissingEducationFigures | None = None  # None: not recorded in the service

    @property
    def register_partly(self) -> bool:
        """The register came into force during the period: counted from then."""
        return self.register_from is not None and self.register_from > self.period.start

    @property
    def consent_partly(self) -> bool:
        return self.consent_from is not None and self.consent_from > self.period.start


def _in_force_by(setting: str, day: datetime.date) -> datetime.date | None:
    start = commencement(setting)
    return start if start is not None and start <= day else None


def for_period(
    period: Period, today: datetime.date | None = None, visible_to: Any = None, year: int | None = None
) -> EducationFigures:
    """Every education figure for a period, on its last day (or `today`, if it has not ended):
    at most eleven queries, whatever the number of children."""
    today = today or timezone.localdate()
    on = min(period.end, today)
    found = EducationFigures(period=period, on=on, so_far=today < period.end, year=year)
    if on < period.start:  # a period that has not started: nothing to count
        return found
    found.register_from = _in_force_by("CNIS_COMMENCEMENT", on)
    if found.register_from is not None:
        found.register = register_on(on, visible_to)
        found.flows = register_flows(Period(max(period.start, found.register_from), on), visible_to)
    found.consent_from = _in_force_by("S434A_COMMENCEMENT", on)
    if found.consent_from is not None:
        found.consent = consent_figures(Period(max(period.start, found.consent_from), on), visible_to)
    found.missing = missing_education_figures(Period(period.start, on), on, visible_to)
    return found


def for_year(year: int, today: datetime.date | None = None, visible_to: Any = None) -> EducationFigures:
    """for_period over the collection year ending 31 March `year` (so far, for the year in
    progress)."""
    return for_period(collection_year(year), today=today, visible_to=visible_to, year=year)
