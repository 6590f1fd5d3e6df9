"""The failures of a return's checks as the pages and the CSV show them: grouped by rule (the
rule's code and description, a count, the children under it), each naming who can fix it (the
team and worker holding the child's episode), and a link to the child's record only for a
viewer who may open it (people.access.levels); otherwise the child's identifier as text. A
restricted child the viewer may not be told about (people.access.shown) is withheld: neither
the identifier nor a link, but still counted and still with who can fix it.

Used for the service's own checks (SSDA903, CIN census, through returns.jobs) and the sector's
validators' findings (returns.sector.rows). A fixed number of queries whatever the number of
failures: the people, their allocations and the viewer's involvements, each in chunks.
"""

import csv
import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models import F

from familyhelp.models import Allocation
from people.access import Level, levels, shown
from people.models import Person

from .validation import Failure

CHUNK = 500


def listed_per_rule() -> int:
    """How many children a rule lists on the page; the rest are in the CSV."""
    return int(getattr(settings, "RETURNS_CHECKS_LISTED_PER_RULE", 20))


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def who_can_fix(person_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{person id: (team name, worker's name)}: who holds the child's episode now, as
    casework.services.responsible says for one episode (the open allocation, latest first);
    for a child with no open allocation, whoever held their latest one. A child never allocated
    is left out; a team with no worker named has "" as the worker."""
    ids = sorted({pk for pk in person_ids if pk})
    found: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        allocations = (
            Allocation.objects.filter(episode__person_id__in=chunk)
            .select_related("team", "worker")
            .order_by(
                "episode__person_id",
                F("end_date").desc(nulls_first=True),
                "-start_date",
                "-id",
            )
            .annotate(person_id=F("episode__person_id"))
        )
        for allocation in allocations:
            if allocation.person_id not in found:
                worker = allocation.worker
                name = (worker.get_full_name() or worker.get_username()) if worker else ""
                found[allocation.person_id] = (allocation.team.name, name)
    return found


@dataclasses.dataclass
class Row:
    failure: Failure
    person_id: int | None = None
    link: bool = False  # the viewer may open the child's record
    withheld: bool = False  # a restricted child the viewer may not be told about
    team: str = ""
    worker: str = ""

    @property
    def identifier(self) -> str:
        """The child as the return names them (LA child ID, else record id), or "" when withheld."""
        return "" if self.withheld else self.failure.child


def rows(user: Any, failures: Iterable[Failure], children: dict[str, int]) -> list[Row]:
    """Each failure with the child's record id (`children`: {child ID in the return: person
    id}), whether the viewer may open it, whether it is withheld, and who can fix it."""
    found = [Row(f, children.get(f.child)) for f in failures]
    ids = sorted({r.person_id for r in found if r.person_id})
    people: list[Person] = []
    for chunk in _chunks(ids):
        people.extend(Person.objects.filter(pk__in=chunk).only("pk", "restricted"))
    may_open = levels(user, people)
    may_name = shown(user, people)
    fixers = who_can_fix(ids)
    for row in found:
        if row.person_id is None:
            continue
        if row.person_id not in may_name:  # no such record any more
            row.person_id = None
            continue
        row.withheld = not may_name[row.person_id]
        row.link = not row.withheld and may_open.get(row.person_id, Level.NONE) >= Level.FULL
        row.team, row.worker = fixers.get(row.person_id, ("", ""))
    return found


@dataclasses.dataclass
class Group:
    rule: str
    description: str
    fix: str
    count: int
    rows: list[Row]  # the first listed_per_rule()
    more: int  # how many more are in the CSV
    varied: bool  # the problem differs from one failure to another: shown on each row

    @property
    def anchor(self) -> str:
        return "rule-" + "".join(c if c.isalnum() else "-" for c in self.rule or "none")


def by_rule(found: Sequence[Row], listed: int | None = None) -> list[Group]:
    """The rows grouped by rule, in rule order, each group with its count and its first rows."""
    listed = listed_per_rule() if listed is None else listed
    grouped: dict[str, list[Row]] = {}
    for row in found:
        grouped.setdefault(row.failure.rule, []).append(row)
    groups = []
    for rule, members in sorted(grouped.items(), key=lambda item: _rule_order(item[0])):
        messages = {r.failure.message for r in members}
        fixes = {r.failure.fix for r in members}
        groups.append(
            Group(
                rule=rule,
                description=members[0].failure.message if len(messages) == 1 else _common(messages),
                fix=members[0].failure.fix if len(fixes) == 1 else "",
                count=len(members),
                rows=members[:listed],
                more=max(0, len(members) - listed),
                varied=len(messages) > 1 or len(fixes) > 1,
            )
        )
    return groups


def _rule_order(rule: str) -> tuple[int, str]:
    digits = "".join(c for c in rule if c.isdigit())
    return (int(digits) if digits else 10**9, rule)


def _common(messages: set[str]) -> str:
    """A description for a rule whose failures say different things: the most usual start."""
    ordered = sorted(messages)
    prefix = ordered[0]
    for message in ordered[1:]:
        while not message.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix.rstrip(" :,(")
    return prefix if len(prefix) >= 12 else "Several problems (each is shown below)"


CSV_HEADER = ["Rule", "Child", "Table", "Field", "Problem", "How to fix it", "Team", "Social worker"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(found: Iterable[Row]) -> Iterator[str]:
    """The full list as CSV lines, one at a time (for a StreamingHttpResponse): a withheld child
    is "Restricted record" with no identifier."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for row in found:
        f = row.failure
        child = "Restricted record" if row.withheld else (f.child or "The return")
        yield writer.writerow([f.rule, child, f.table, f.field, f.message, f.fix, row.team, row.worker])
