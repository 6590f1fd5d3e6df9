"""The authority's own statistics from its records, for each collection year (1 April to 31 March,
named by the year it ends: 2026 is 1 April 2025 to 31 March 2026), as the DfE releases define
them, so that they sit beside England, the region and the statistical neighbours
(returns.published).

Every figure is counted by the database (COUNT with GROUP BY, EXISTS subqueries), never by a
loop over children in Python, so the cost grows with the years shown, not with the number of
children (the statistics page runs a few dozen queries whatever the authority's size).

Children looked after (SSDA903 definitions, as in the CLA release):

- looked_after_at_31_march(year): children whose period of care began on or before 31 March and
  had not ended by then (a period ending on 31 March is not counted: the child ceased that day).
- started_in_year / ceased_in_year: children with a period of care starting / ending in the year,
  each child counted once ("only the first occasion on which a child started, and the last on
  which a child ceased, to be looked after in the year" as the CLA release counts them).
- ceased_by_reason(year): the children who ceased, by the reason their last period in the year
  ended (REC), grouped as the CLA release groups them (published.CEASED_REASONS), with returned
  home as part of the care plan (E4A), not part of it (E4B) and both together, as counts and as
  a percentage of the children who ceased.
- re_entries_within_12_months_of_return_home(year): children who returned home (a period of
  care ended E4A or E4B) in the year, and how many of them started to be looked after again
  within 12 months of that return (a period of care starting after the return and on or before
  the same date a year later). For a year whose 12 months after have not all passed yet, the
  figure is marked incomplete. [No DfE release publishes this; it is the authority's measure.]
- Children looked after only under an agreed series of short breaks (legal status V3 or V4 in
  every legal status of the period) are left out, as in every CLA table.
- rate_per_10000(count, year): against the child population (child_population(year)).

Timeliness (the year an event happened in):

- referral_decisions(year): contact decisions made in the year, and those made by their stored
  one-working-day deadline (frontdoor.ContactDecision.on_time).
- assessments_within_45_days(year): child and family assessments authorised in the year, and
  those authorised within 45 working days of their start (familyhelp.Assessment start_date to
  authorised_date), counted on the kernel's working-day calendar (bank holidays as data,
  WORKING_DAY_CONVENTION), as the CIN census measures assessment duration.
- conferences_within_15_days(year): initial (and pre-birth) child protection conferences held in
  the year after a section 47 enquiry, and those held by the enquiry's initial_conference_target
  (15 working days from the strategy discussion, issued when the enquiry started).
- return_interviews_within_72_hours(year): children's returns from a missing episode in the year,
  and those whose return interview was held by its due time (the stored 72-hour due date, or 72
  hours from the return when none was stored).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, DateField, Exists, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from childprotection.models import Conference, ConferenceChild
from childrenincare.models import LegalStatus, PeriodOfCare
from exploitation.models import MissingEpisode
from exploitation.services import RETURN_INTERVIEW_RULE
from familyhelp.models import Assessment
from frontdoor.models import Contact, ContactDecision, Referral
from kernel import working_days
from kernel.models import Deadline
from people.models import Person

from .. import published
from ..collection import collection_period, year_in_progress

SHORT_BREAKS = ("V3", "V4")
RETURNED_HOME = ("E4A", "E4B")
YEARS_SHOWN = 5
ASSESSMENT_WORKING_DAYS = 45
RETURN_INTERVIEW_HOURS = 72


def years(today: datetime.date | None = None, count: int = YEARS_SHOWN) -> list[int]:
    """The last `count` collection years, oldest first, ending with the year in progress (which
    is counted so far): 2023 to 2027 on 2 December 2026."""
    today = today or timezone.localdate()
    last = year_in_progress(today)
    return list(range(last - count + 1, last + 1))


def in_progress(year: int, today: datetime.date | None = None) -> bool:
    return year >= year_in_progress(today or timezone.localdate())


Span = int | tuple[datetime.date, datetime.date]


def span(year: Span) -> tuple[datetime.date, datetime.date]:
    """The first and last day counted: a collection year (named by the year it ends), or any
    period given as (first day, last day) (the partnership's yearly report counts its own)."""
    return collection_period(year) if isinstance(year, int) else year


def _start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _moments(year: Span):
    """[start, end) of the collection year (or period) as aware datetimes (local time, Europe/London)."""
    start, end = span(year)
    return _start_of_day(start), _start_of_day(end + datetime.timedelta(days=1))


# --- Children looked after ----------------------------------------------------------------------


def _periods():
    not_short_breaks = LegalStatus.objects.filter(period=OuterRef("pk")).exclude(code__in=SHORT_BREAKS)
    return PeriodOfCare.objects.filter(Exists(not_short_breaks))


def looked_after_at_31_march(year: int, today: datetime.date | None = None) -> int:
    """On 31 March of the year; for the year in progress, on `today` (so far)."""
    day = datetime.date(year, 3, 31)
    if today is not None and today < day:
        day = today
    return looked_after_on(day)


def looked_after_on(day: datetime.date) -> int:
    """Children looked after on the day (a period ending that day is not counted: the child
    ceased that day)."""
    return (
        _periods()
        .filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gt=day))
        .aggregate(n=Count("person", distinct=True))["n"]
    )


def started_in_year(year: Span) -> int:
    start, end = span(year)
    return (
        _periods().filter(start_date__gte=start, start_date__lte=end).aggregate(n=Count("person", distinct=True))["n"]
    )


def ceased_in_year(year: Span) -> int:
    start, end = span(year)
    return _periods().filter(end_date__gte=start, end_date__lte=end).aggregate(n=Count("person", distinct=True))["n"]


def _last_ceased_in_year(year: Span):
    """Each child's last period of care that ended in the year (one row per child)."""
    start, end = span(year)
    ended = _periods().filter(end_date__gte=start, end_date__lte=end)
    later = PeriodOfCare.objects.filter(person=OuterRef("person"), end_date__gte=start, end_date__lte=end).filter(
        Q(end_date__gt=OuterRef("end_date")) | Q(end_date=OuterRef("end_date"), pk__gt=OuterRef("pk"))
    )
    return ended.exclude(Exists(later))


def reason_group(code: str) -> str:
    for key, _label, codes in published.CEASED_REASONS:
        if code in codes:
            return key
    return "other"


@dataclass
class CeasedByReason:
    year: Span
    total: int
    counts: dict  # group key (published.CEASED_REASONS) -> children
    codes: dict = field(default_factory=dict)  # REC code -> children

    @property
    def returned_home(self):
        return self.counts.get("e4a", 0) + self.counts.get("e4b", 0)

    def percent(self, key):
        n = self.returned_home if key == "returned_home" else self.counts.get(key, 0)
        return round(n / self.total * 100, 1) if self.total else None


def ceased_by_reason(year: Span) -> CeasedByReason:
    by_code = dict(
        _last_ceased_in_year(year).values("end_reason").annotate(n=Count("id")).values_list("end_reason", "n")
    )
    counts = {key: 0 for key, _label, _codes in published.CEASED_REASONS}
    for code, n in by_code.items():
        counts[reason_group(code)] += n
    return CeasedByReason(year, sum(by_code.values()), counts, by_code)


class AddTwelveMonths(Func):
    """date + 12 calendar months, in the database (29 February goes to 28 February)."""

    output_field = DateField()

    @staticmethod
    def in_python(day: datetime.date) -> datetime.date:
        """The same, in Python."""
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year + 1, day=28)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + INTERVAL '12 months')::date", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"CASE WHEN strftime('%%m-%%d', {sql}) = '02-29' THEN date({sql}, '+12 months', '-1 day') "
            f"ELSE date({sql}, '+12 months') END"
        ), params * 3


@dataclass
class ReEntries:
    year: Span
    returned_home: int
    re_entered: int
    by_reason: dict  # "E4A"/"E4B" -> (returned, re-entered)
    complete: bool  # whether 12 months have passed since the end of the year

    @property
    def percent(self):
        return round(self.re_entered / self.returned_home * 100, 1) if self.returned_home else None


def re_entries_within_12_months_of_return_home(year: Span, today: datetime.date | None = None) -> ReEntries:
    today = today or timezone.localdate()
    start, end = span(year)
    returns = (
        _periods()
        .filter(end_date__gte=start, end_date__lte=end, end_reason__in=RETURNED_HOME)
        .annotate(window_end=AddTwelveMonths("end_date"))
    )
    again = PeriodOfCare.objects.filter(
        person=OuterRef("person"), start_date__gt=OuterRef("end_date"), start_date__lte=OuterRef("window_end")
    )
    rows = (
        returns.annotate(back=Exists(again))
        .values("end_reason")
        .annotate(
            returned=Count("person", distinct=True), re_entered=Count("person", distinct=True, filter=Q(back=True))
        )
    )
    by_reason = {row["end_reason"]: (row["returned"], row["re_entered"]) for row in rows}
    totals = returns.annotate(back=Exists(again)).aggregate(
        returned=Count("person", distinct=True), re_entered=Count("person", distinct=True, filter=Q(back=True))
    )
    complete = today > AddTwelveMonths.in_python(end)
    return ReEntries(year, totals["returned"], totals["re_entered"], by_reason, complete)


# --- The child population, for rates --------------------------------------------------------------


@dataclass
class Population:
    value: int | None
    source: str


def child_populations(years: Iterable[int], la_code: str = "") -> dict[int, Population | None]:
    """child_population for several years, with the records counted in one pass (one query)."""
    found = {year: child_population(year, la_code, records=False) for year in years}
    missing = [year for year, population in found.items() if population is None]
    if missing:
        counted = children_in_records_by_year(missing)
        for year in missing:
            found[year] = Population(counted[year], RECORDS_SOURCE)
    return found


RECORDS_SOURCE = "children aged 0 to 17 on 31 March held in the records"


def child_population(year: int, la_code: str = "", records: bool = True) -> Population | None:
    """The children aged 0-17 a rate is per: the setting CHILD_POPULATION (SAFEGUARDING_CHILD_POPULATION) when set;
    else ONS's mid-year estimate for the authority's own LA code (mid-(Y-1) for year Y, as DfE
    uses; the latest published when the year is newer); else (a fictional authority, like the
    demo's) the children aged 0-17 on 31 March held in the records, which is how the demo
    generator sizes its authority (demo/care.py: rates per 10,000 of the children it makes)."""
    configured = getattr(settings, "CHILD_POPULATION", None)
    if configured:
        return Population(int(configured), "the child population set for the service by its administrators")
    area = published.la(la_code) if la_code else None
    if area is not None:
        known = [y for y in published.years_published("population") if y <= year] or published.years_published(
            "population"
        )
        for candidate in sorted(known, key=lambda y: (y > year, -y if y <= year else y)):
            found = published.figure("population", area, candidate)
            if found.value:
                return Population(
                    int(found.value), f"ONS mid-{candidate - 1} estimate of children aged 0 to 17 in {area.name}"
                )
    return Population(children_in_records(year), RECORDS_SOURCE) if records else None


def _aged_0_to_17(year):
    day = datetime.date(year, 3, 31)
    return Q(date_of_birth__lte=day, date_of_birth__gt=datetime.date(year - 18, 3, 31)) & (
        Q(date_of_death__isnull=True) | Q(date_of_death__gt=day)
    )


def children_in_records_by_year(years: Iterable[int]) -> dict[int, int]:
    """Children aged 0-17 on 31 March of each year, counted in one scan of the children."""
    years = list(years)
    if not years:
        return {}
    oldest = datetime.date(min(years) - 18, 3, 31)
    counted = Person.objects.filter(
        kind=Person.Kind.CHILD, date_of_birth__gt=oldest, merged_into__isnull=True
    ).aggregate(**{f"y{year}": Count("id", filter=_aged_0_to_17(year)) for year in years})
    return {year: counted[f"y{year}"] for year in years}


def children_in_records(year: int) -> int:
    return children_in_records_by_year([year])[year]


def rate_per_10000(count: int | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return round(count / population * 10_000, 1)


# --- Timeliness ---------------------------------------------------------------------------------


@dataclass
class Timeliness:
    year: Span
    total: int
    on_time: int

    @property
    def percent(self):
        return round(self.on_time / self.total * 100, 1) if self.total else None


def referral_decisions(year: Span) -> Timeliness:
    start, end = _moments(year)
    found = ContactDecision.objects.filter(decided_at__gte=start, decided_at__lt=end).aggregate(
        total=Count("id"), on_time=Count("id", filter=Q(on_time=True))
    )
    return Timeliness(year, found["total"], found["on_time"])


@lru_cache(maxsize=4096)
def _due_45(start, convention):
    return working_days.add_working_days(start, ASSESSMENT_WORKING_DAYS, convention).due


def assessments_within_45_days(year: Span, chunk: int = 300) -> Timeliness:
    """The due date of each distinct start date is counted once on the working-day calendar (at
    most a few hundred a year, whatever the number of children), then the database counts the
    assessments authorised by it: CASE start_date WHEN ... THEN due END, in chunks of dates."""
    start, end = span(year)
    authorised = Assessment.objects.filter(authorised_date__gte=start, authorised_date__lte=end)
    total = authorised.count()
    starts = sorted(authorised.order_by().values_list("start_date", flat=True).distinct())
    convention = working_days.convention()
    on_time = 0
    for i in range(0, len(starts), chunk):
        dates = starts[i : i + chunk]
        due = Case(*[When(start_date=d, then=Value(_due_45(d, convention))) for d in dates], output_field=DateField())
        on_time += authorised.filter(start_date__in=dates).alias(due=due).filter(authorised_date__lte=F("due")).count()
    return Timeliness(year, total, on_time)


def conferences_within_15_days(year: Span) -> Timeliness:
    start, end = span(year)
    found = ConferenceChild.objects.filter(
        conference__kind__in=(Conference.Kind.INITIAL, Conference.Kind.PRE_BIRTH),
        enquiry__isnull=False,
        conference__held_on__gte=start,
        conference__held_on__lte=end,
    ).aggregate(
        total=Count("id"),
        on_time=Count("id", filter=Q(conference__held_on__lte=F("enquiry__initial_conference_target"))),
    )
    return Timeliness(year, found["total"], found["on_time"])


def return_interviews_within_72_hours(year: Span) -> Timeliness:
    start, end = _moments(year)
    episode_type = ContentType.objects.get_for_model(MissingEpisode)
    stored_due = (
        Deadline.objects.filter(subject_type=episode_type, subject_id=OuterRef("pk"), rule_slug=RETURN_INTERVIEW_RULE)
        .order_by("-issued_at")
        .values("due_at")[:1]
    )
    due = Coalesce(Subquery(stored_due), F("ended_at") + datetime.timedelta(hours=RETURN_INTERVIEW_HOURS))
    found = MissingEpisode.objects.filter(ended_at__gte=start, ended_at__lt=end).aggregate(
        total=Count("id"),
        on_time=Count("id", filter=Q(return_interview__held_at__isnull=False, return_interview__held_at__lte=due)),
    )
    return Timeliness(year, found["total"], found["on_time"])


# --- All of it, for the page and the download ------------------------------------------------------


def records_begin() -> datetime.date | None:
    """The first day the records hold: the earliest referral, contact or period of care. A year
    that ended before it has no figures (not zeros)."""
    from django.db.models import Min

    found = [
        Referral.objects.aggregate(d=Min("referral_date"))["d"],
        PeriodOfCare.objects.aggregate(d=Min("start_date"))["d"],
    ]
    first_contact = Contact.objects.aggregate(d=Min("received_at"))["d"]
    if first_contact is not None:
        found.append(timezone.localdate(first_contact))
    found = [d for d in found if d is not None]
    return min(found) if found else None


@dataclass
class YearFigures:
    year: int
    so_far: bool
    before_records: bool
    looked_after: int
    population: Population
    started: int
    ceased: int
    ceased_by_reason: CeasedByReason
    re_entries: ReEntries
    referral_decisions: Timeliness
    assessments: Timeliness
    conferences: Timeliness
    return_interviews: Timeliness

    @property
    def looked_after_rate(self):
        return rate_per_10000(self.looked_after, self.population.value)

    @property
    def started_rate(self):
        return rate_per_10000(self.started, self.population.value)

    @property
    def ceased_rate(self):
        return rate_per_10000(self.ceased, self.population.value)


def for_year(
    year: int,
    la_code: str = "",
    today: datetime.date | None = None,
    begin: datetime.date | None = None,
    population: Population | None = None,
) -> YearFigures:
    """Every figure for one year. `begin` is when the records begin (records_begin());
    `population` the year's child_population, when already counted (child_populations)."""
    return YearFigures(
        year=year,
        so_far=in_progress(year, today),
        before_records=begin is not None and datetime.date(year, 3, 31) < begin,
        looked_after=looked_after_at_31_march(year, today=today or timezone.localdate()),
        # With the records counted (records=True), there is always a population.
        population=population or cast(Population, child_population(year, la_code)),
        started=started_in_year(year),
        ceased=ceased_in_year(year),
        ceased_by_reason=ceased_by_reason(year),
        re_entries=re_entries_within_12_months_of_return_home(year, today=today),
        referral_decisions=referral_decisions(year),
        assessments=assessments_within_45_days(year),
        conferences=conferences_within_15_days(year),
        return_interviews=return_interviews_within_72_hours(year),
    )
