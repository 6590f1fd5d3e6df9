"""The nightly relevant-child check (issue 22): every child on a school's roll, and every child
the last check found relevant, worked out again for the day, in chunks of ids (each chunk the
five queries of education.selectors.relevant_children, one to read the stored statuses and at
most three to write); the children whose status changed are flagged (RelevantChildStatus.since
is the day of the change) and get a chronology entry. Nothing about a child goes to the log:
the result is counts and ids."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
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
    # the rows it names); the people in the range who are not in the chunk are left out.
    low, high = ids[0], ids[-1]
    wanted = set(ids)
    in_range = Person.objects.filter(pk__gte=low, pk__lte=high).values_list("pk", flat=True)
    found = relevant_children(in_range, on, only=wanted)
    stored = {
        status.person_id: status
        for status in RelevantChildStatus.objects.filter(person_id__gte=low, person_id__lte=high)
        if status.person_id in wanted
    }
    new, changed, unchanged, events = [], [], [], []
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(0, 0)))
    for person_id, relevance in found.items():
        conditions = ",".join(relevance.conditions) if relevance.relevant else ""
        status = stored.get(person_id)
        result.checked += 1
        if status is None:
            new.append(
                RelevantChildStatus(
                    person_id=person_id, relevant=relevance.relevant, conditions=conditions, since=on, checked_on=on
                )
            )
            if relevance.relevant:
                result.became_relevant.append(person_id)
        elif status.relevant != relevance.relevant or status.conditions != conditions:
            if status.relevant != relevance.relevant:
                (result.became_relevant if relevance.relevant else result.stopped_being_relevant).append(person_id)
            else:
                result.conditions_changed.append(person_id)
            status.relevant, status.conditions, status.since, status.checked_on = (
                relevance.relevant,
                conditions,
                on,
                on,
            )
            changed.append(status)
        else:
            status.checked_on = on
            unchanged.append(person_id)
            continue
        if relevance.relevant or status is not None:
            title = (
                "Found to be a relevant child for home education (condition " + " and ".join(relevance.conditions) + ")"
                if relevance.relevant
                else "No longer a relevant child for home education"
            )
            events.append(entry(person_id, "relevant-child", moment, title, detail="; ".join(relevance.reasons)))
    RelevantChildStatus.objects.bulk_create(new)
    RelevantChildStatus.objects.bulk_update(changed, ["relevant", "conditions", "since", "checked_on"])
    RelevantChildStatus.objects.filter(person_id__in=unchanged).update(checked_on=on)
    record_events(events)
