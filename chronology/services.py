"""Recording and reading the chronology."""

import datetime
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from partners.models import Agency

from . import kinds
from .models import ChronologyEntry

if TYPE_CHECKING:
    from partners.models import Agency, User

# A people.Person, typed loosely: the person index records into the chronology, so the
# chronology does not import it.
Person = Any


def record_event(
    person: Person,
    kind: str,
    occurred_at: datetime.datetime,
    title: str,
    detail: str = "",
    agency: "Agency | None" = None,
    source: Model | None = None,
    recorded_by: "User | None" = None,
    manual: bool = False,
) -> ChronologyEntry:
    """Add an event to a person's chronology. `kind` must be registered in chronology.kinds."""
    event = entry(
        person,
        kind,
        occurred_at,
        title,
        detail=detail,
        agency=agency,
        source=source,
        recorded_by=recorded_by,
        manual=manual,
    )
    event.save(force_insert=True)
    return event


def record_events(events: Iterable[ChronologyEntry], batch_size: int | None = None) -> list[ChronologyEntry]:
    """Add several events made with `entry` in one INSERT (per batch_size events)."""
    return ChronologyEntry.objects.bulk_create(events, batch_size=batch_size)


def entry(
    person: Person,
    kind: str,
    occurred_at: datetime.datetime,
    title: str,
    detail: str = "",
    agency: "Agency | None" = None,
    source: Model | tuple[type[Model], Any] | None = None,
    recorded_by: "User | None" = None,
    manual: bool = False,
) -> ChronologyEntry:
    """A chronology event, ready to write (record_event writes one; record_events several).
    Batches may name the person by primary key and the source as a pair (model, primary key)."""
    registered = kinds.get(kind)
    source_type: ContentType | None
    if source is None:
        source_type, source_id = None, ""
    elif isinstance(source, tuple):
        source_type, source_id = ContentType.objects.get_for_model(source[0]), str(source[1])
    else:
        source_type, source_id = ContentType.objects.get_for_model(source), str(source.pk)
    return ChronologyEntry(
        **({"person": person} if isinstance(person, Model) else {"person_id": person}),
        kind=registered.slug,
        category=registered.category,
        occurred_at=occurred_at,
        title=title[:200],
        detail=detail,
        agency=agency,
        source_type=source_type,
        source_id=source_id,
        recorded_by=recorded_by,
        manual=manual,
    )


def timeline(
    person: Person,
    kinds_filter: Collection[str] | None = None,
    agencies_filter: Collection[int] | None = None,
    key_only: bool = False,
) -> QuerySet[ChronologyEntry]:
    """The person's chronology, newest first, optionally limited to some kinds and agencies,
    or to the key events (chronology.kinds.KEY_EVENTS). Agency id 0 stands for entries with no
    agency recorded."""
    entries = ChronologyEntry.objects.filter(person=person).select_related("agency", "recorded_by")
    if kinds_filter:
        entries = entries.filter(kind__in=kinds_filter)
    if key_only:
        entries = entries.filter(kind__in=sorted(kinds.KEY_EVENTS))
    if agencies_filter:
        ids = [a for a in agencies_filter if a]
        condition = Q(agency_id__in=ids)
        if 0 in agencies_filter:
            condition |= Q(agency__isnull=True)
        entries = entries.filter(condition)
    return entries.order_by("-occurred_at", "-id")


def agencies_in(person: Person) -> "QuerySet[Agency]":
    """The agencies that appear in a person's chronology, for the filter."""
    ids = ChronologyEntry.objects.filter(person=person, agency__isnull=False).values("agency_id").distinct()
    return Agency.objects.filter(id__in=ids).order_by("name")
