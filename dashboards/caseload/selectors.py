"""The reads behind the caseloads, in a fixed number of queries whatever their size.

A caseload is built from one query for the children (with their next due date and the day
they were last seen as subqueries), one access check (people.access.levels: a restricted
child not naming the viewer is never listed or counted) and the key facts
(people.keyfacts.facts_for: one query a stage)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from childrenincare.models import CareVisit, PeriodOfCare
from familyhelp.models import Allocation, Visit
from kernel import selectors as deadline_reads
from kernel.models import Deadline
from partners.models import Team, User
from people.access import Level, levels
from people.keyfacts import Fact, KeyFacts, facts_for
from people.models import Person

# The looked-after reviews an IRO chairs (kernel/data/timescales.json).
REVIEW_RULES = ("first-looked-after-review", "second-looked-after-review", "looked-after-review")

# What the filter offers, and the key fact each needs.
STATUS_FILTERS: dict[str, str] = {
    "missing": "Missing now",
    "cp_plan": "On a child protection plan",
    "looked_after": "Looked after",
    "child_in_need": "Child in need",
    "care_leaver": "Care leaver",
    "overdue": "Something overdue",
}
SORTS: dict[str, str] = {
    "due": "Next due date",
    "name": "Name",
    "last_seen": "Last seen, longest ago first",
}
Sort = Literal["due", "name", "last_seen"]
Found = tuple[Person, "User | None", "datetime.date | None", str, "datetime.date | None"]


@dataclass
class Row:
    """One child on a caseload."""

    person: Person
    facts: KeyFacts
    worker: User | None = None
    next_due_rule: str = ""
    next_due_date: datetime.date | None = None
    next_due_state: str = ""
    last_seen: datetime.date | None = None
    alerts: list[Fact] = field(default_factory=list)

    @property
    def status(self) -> list[Fact]:
        """The tags for the status column: everything but alerts (which have their own)."""
        return [fact for fact in self.facts if fact.kind != "alert"]

    @property
    def overdue(self) -> bool:
        return self.next_due_state == "overdue"


def _next_due(person_ref: str, rules: Sequence[str] = ()) -> tuple[Subquery, Subquery]:
    found = Deadline.objects.filter(person=OuterRef(person_ref), status=Deadline.Status.OPEN)
    if rules:
        found = found.filter(rule_slug__in=rules)
    found = found.order_by("due_date", "id")
    return Subquery(found.values("due_date")[:1]), Subquery(found.values("rule_name")[:1])


def _last_seen(person_ref: str) -> Greatest:
    cin = (
        Visit.objects.filter(person=OuterRef(person_ref), seen=True)
        .order_by()
        .values("person")
        .annotate(last=Max("visit_date"))
        .values("last")
    )
    care = (
        CareVisit.objects.filter(period__person=OuterRef(person_ref), seen=True)
        .order_by()
        .values("period__person")
        .annotate(last=Max("visited_on"))
        .values("last")
    )
    # PostgreSQL's GREATEST ignores a NULL, SQLite's gives NULL: each side falls back to the other.
    cin_day, care_day = Subquery(cin[:1]), Subquery(care[:1])
    return Greatest(Coalesce(cin_day, care_day), Coalesce(care_day, cin_day))


def _annotated(record: Any, person: Person, worker: User | None) -> Found:
    """(person, worker, next due date, its rule, last seen) from a record annotated by the query."""
    values = vars(record)
    return person, worker, values["next_due_date"], values["next_due_rule"], values["last_seen"]


def _rows(
    user: User,
    found: Iterable[Found],
    day: datetime.date,
) -> list[Row]:
    """Rows for the (person, worker, next due date, its rule, last seen) found, one per child,
    keeping only the children this user may see in full."""
    seen: dict[int, Row] = {}
    for person, worker, due_date, due_rule, last_seen in found:
        if person.pk in seen:
            continue
        seen[person.pk] = Row(
            person=person,
            facts=KeyFacts(person.pk),
            worker=worker,
            next_due_rule=due_rule or "",
            next_due_date=due_date,
            last_seen=last_seen,
        )
    people = [row.person for row in seen.values()]
    allowed = levels(user, people)
    rows = [row for row in seen.values() if allowed[row.person.pk] >= Level.FULL]
    facts = facts_for(user, [row.person for row in rows], day, checked=True)
    today, soon, _ = deadline_reads.windows(day)
    for row in rows:
        row.facts = facts[row.person.pk]
        row.alerts = row.facts.of("alert")
        if row.next_due_date is not None:
            row.next_due_state = (
                "overdue" if row.next_due_date < today else "due_soon" if row.next_due_date <= soon else "on_track"
            )
    return rows


# What a caseload row shows and the access check reads, and no more (a person's search keys and
# the allocation's history are not needed for a list of 400).
PERSON_FIELDS: tuple[str, ...] = ("id", "kind", "given_names", "family_name", "date_of_birth")
PERSON_FIELDS += ("expected_date_of_birth", "date_of_death", "restricted")
ALLOCATION_FIELDS = (
    "id",
    "team_id",
    "worker_id",
    "start_date",
    "episode__id",
    "episode__person_id",
    *(f"episode__person__{name}" for name in PERSON_FIELDS),
    "worker__id",
    "worker__first_name",
    "worker__last_name",
    "worker__username",
)


def _allocated(day: datetime.date) -> QuerySet[Allocation]:
    due_date, due_rule = _next_due("episode__person_id")
    return (
        Allocation.objects.filter(end_date__isnull=True, start_date__lte=day)
        .filter(Q(episode__closure_date__isnull=True) | Q(episode__closure_date__gt=day))
        .select_related("episode__person", "worker")
        .only(*ALLOCATION_FIELDS)
        .annotate(next_due_date=due_date, next_due_rule=due_rule, last_seen=_last_seen("episode__person_id"))
        .order_by("episode__person_id", "-start_date", "-id")
    )


def _allocated_rows(user: User, day: datetime.date, **held_by: Any) -> list[Row]:
    found = _allocated(day).filter(**held_by)
    return _rows(user, (_annotated(a, a.episode.person, a.worker) for a in found), day)


def worker_caseload(user: User, worker: User, day: datetime.date) -> list[Row]:
    """The children whose open child-in-need episode (with any plan or care within it) is
    allocated to `worker`."""
    return _allocated_rows(user, day, worker=worker)


def team_caseload(user: User, team: Team, day: datetime.date) -> list[Row]:
    """The team's allocated children, with their worker."""
    return _allocated_rows(user, day, team=team)


def iro_caseload(user: User, iro: User, day: datetime.date) -> list[Row]:
    """The looked-after children whose period of care names `iro` as their independent
    reviewing officer, with the next looked-after review due."""
    due_date, due_rule = _next_due("person_id", REVIEW_RULES)
    found = (
        PeriodOfCare.objects.filter(iro=iro, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .select_related("person")
        .annotate(next_due_date=due_date, next_due_rule=due_rule, last_seen=_last_seen("person_id"))
        .order_by("person_id", "-start_date")
    )
    return _rows(user, (_annotated(p, p.person, None) for p in found), day)


def filtered(rows: list[Row], *, status: str = "", name: str = "", worker: int | None = None) -> list[Row]:
    """The rows with a status (a key of STATUS_FILTERS), a name containing `name`, or held by
    the worker with this id."""
    if status == "overdue":
        rows = [row for row in rows if row.overdue]
    elif status in STATUS_FILTERS:
        rows = [row for row in rows if row.facts.has(status)]
    if name:
        wanted = name.casefold()
        rows = [row for row in rows if wanted in row.person.full_name.casefold()]
    if worker is not None:
        rows = [row for row in rows if row.worker is not None and row.worker.pk == worker]
    return rows


def sorted_rows(rows: list[Row], sort: str) -> list[Row]:
    """Missing children always first (a child missing now comes before everything), then by
    the chosen order: next due (soonest first, none last), name, or last seen (longest ago
    first, never seen first)."""

    def name_key(row: Row) -> tuple[str, str]:
        return (row.person.family_name.casefold(), row.person.given_names.casefold())

    if sort == "name":
        ordered = sorted(rows, key=name_key)
    elif sort == "last_seen":
        ordered = sorted(rows, key=lambda row: (row.last_seen is not None, row.last_seen or datetime.date.min))
    else:
        ordered = sorted(
            rows, key=lambda row: (row.next_due_date is None, row.next_due_date or datetime.date.max, name_key(row))
        )
    return sorted(ordered, key=lambda row: not row.facts.has("missing"))


def counts(rows: list[Row]) -> dict[str, int]:
    """How many children have each status (the filter's counts)."""
    result = {key: 0 for key in STATUS_FILTERS}
    for row in rows:
        for key in STATUS_FILTERS:
            if (key == "overdue" and row.overdue) or (key != "overdue" and row.facts.has(key)):
                result[key] += 1
    return result
