"""The nightly relevant-child check (issue 22): every child on a school's roll, and every child
the last check found relevant, worked out again for the day, in chunks of ids (each chunk the
five queries of education.selectors.relevant_children, one to read the stored statuses, one to
insert the new ones, one for the checked day of the unchanged, at most four for the changed and
one for the chronology); the children whose status changed are flagged (RelevantChildStatus.since
is the day of the change) and get a chronology entry. Nothing about a child goes to the log:
the result is counts and ids."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from chronology.services import entry, record_events
from people.models import Person

from .models import RelevantChildStatus, SchoolRegistration
from .selectors import relevant_children

CHUNK = 5000


@dataclass
class CheckResult:
    checked: int = 0
    became_relevant: list[int] = field(default_factory=list)
    stopped_being_relevant: list[int] = field(default_factory=list)
    conditions_changed: list[int] = field(default_factory=list)


def _to_check(on: datetime.date) -> list[int]:
    on_roll = (
        SchoolRegistration.objects.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("person_id", flat=True)
    )
    were_relevant = RelevantChildStatus.objects.filter(relevant=True).values_list("person_id", flat=True)
    return sorted(set(on_roll) | set(were_relevant))


def check_relevant_children(on: datetime.date | None = None, chunk: int = CHUNK) -> CheckResult:
    """Work out every pupil's status on `on` (today by default) and flag the changes."""
    on = on or timezone.localdate()
    result = CheckResult()
    ids = _to_check(on)
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            _check_chunk(ids[start : start + chunk], on, result)
    return result


def _check_chunk(ids: list[int], on: datetime.date, result: CheckResult) -> None:
    # The chunk is read by its range of ids (a list of thousands of ids costs more to send than
    # the rows it names); the people in the range who are not in the chunk are left out. The
    # stored statuses are read as values and the new ones written as rows, not model objects:
    # at half a million pupils building the objects cost more than the rules.
    low, high = ids[0], ids[-1]
    wanted = set(ids)
    in_range = Person.objects.filter(pk__gte=low, pk__lte=high).values_list("pk", flat=True)
    found = relevant_children(in_range, on, only=wanted)
    stored = {
        person_id: (relevant, conditions)
        for person_id, relevant, conditions in RelevantChildStatus.objects.filter(
            person_id__gte=low, person_id__lte=high
        ).values_list("person_id", "relevant", "conditions")
        if person_id in wanted
    }
    new: list[tuple[int, bool, str]] = []
    changed: dict[tuple[bool, str], list[int]] = defaultdict(list)
    unchanged, events = [], []
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(0, 0)))
    for person_id, relevance in found.items():
        conditions = ",".join(relevance.conditions) if relevance.relevant else ""
        before = stored.get(person_id)
        result.checked += 1
        if before is None:
            new.append((person_id, relevance.relevant, conditions))
            if relevance.relevant:
                result.became_relevant.append(person_id)
        elif before != (relevance.relevant, conditions):
            if before[0] != relevance.relevant:
                (result.became_relevant if relevance.relevant else result.stopped_being_relevant).append(person_id)
            else:
                result.conditions_changed.append(person_id)
            changed[(relevance.relevant, conditions)].append(person_id)
        else:
            unchanged.append(person_id)
            continue
        if relevance.relevant or before is not None:
            title = (
                "Found to be a relevant child for home education (condition " + " and ".join(relevance.conditions) + ")"
                if relevance.relevant
                else "No longer a relevant child for home education"
            )
            events.append(entry(person_id, "relevant-child", moment, title, detail="; ".join(relevance.reasons)))
    _insert(new, on)
    # One update for each status the changed children now have (at most four: not relevant, A,
    # B, A and B), one for the checked day of the rest.
    for (relevant, conditions), person_ids in changed.items():
        RelevantChildStatus.objects.filter(person_id__in=person_ids).update(
            relevant=relevant, conditions=conditions, since=on, checked_on=on
        )
    _checked(unchanged, on)
    record_events(events)


def _checked(person_ids: list[int], on: datetime.date) -> None:
    """The checked day of the unchanged statuses: on PostgreSQL with the ids as one array (a
    list of thousands of parameters costs more to plan than the update)."""
    if not person_ids:
        return
    if connection.vendor != "postgresql":
        RelevantChildStatus.objects.filter(person_id__in=person_ids).update(checked_on=on)
        return
    table = RelevantChildStatus._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET checked_on = %s WHERE person_id = ANY(%s::bigint[])",  # noqa: S608 - the model's table
            [on, person_ids],
        )


def _insert(rows: list[tuple[int, bool, str]], on: datetime.date) -> None:
    """New statuses (person, relevant, conditions), found on `on`: one INSERT from arrays on
    PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        RelevantChildStatus.objects.bulk_create(
            RelevantChildStatus(person_id=p, relevant=r, conditions=c, since=on, checked_on=on) for p, r, c in rows
        )
        return
    table = RelevantChildStatus._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (person_id, relevant, conditions, since, checked_on) "  # noqa: S608 - the model's table
            "SELECT person_id, relevant, conditions, %s, %s "
            "FROM unnest(%s::bigint[], %s::boolean[], %s::text[]) AS new(person_id, relevant, conditions)",
            [on, on, [p for p, _, _ in rows], [r for _, r, _ in rows], [c for _, _, c in rows]],
        )
