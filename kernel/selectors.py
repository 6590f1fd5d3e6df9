"""Reads of the due dates: the open due date of a step, a child's open due dates, and the
dashboards, which read this one table filtered by worker, team or the whole service, so that
they stay fast however large the authority. kernel.deadlines writes them."""

import datetime
from collections.abc import Iterable
from typing import Any, Literal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

from .models import Deadline

# The records above the kernel that a due date belongs to (a people.Person, a partners.Team and
# partners.User), typed loosely: the kernel imports no app above it.
Person = Any
Team = Any
Worker = Any
# The dashboards' three columns.
Column = Literal["overdue", "due_soon", "done_late"]


def _type(model_or_obj: Model | type[Model]) -> ContentType:
    return ContentType.objects.get_for_model(model_or_obj)


def open_deadline(subject: Model, slug: str) -> Deadline | None:
    """The open due date of the rule `slug` for `subject`, or None."""
    return Deadline.objects.filter(
        subject_type=_type(subject), subject_id=subject.pk, rule_slug=slug, status=Deadline.Status.OPEN
    ).first()


def open_for(person: Person) -> QuerySet[Deadline]:
    """A child's open due dates, soonest first."""
    return Deadline.objects.filter(person=person, status=Deadline.Status.OPEN).order_by("due_date", "id")


# --- Dashboards ---------------------------------------------------------------------------


def due_soon_days() -> int:
    return settings.DEADLINE_DUE_SOON_DAYS


def done_late_days() -> int:
    return settings.DEADLINE_DONE_LATE_DAYS


def scope(worker: Worker | None = None, team: Team | None = None) -> QuerySet[Deadline]:
    """Due dates for a worker, a team or (neither) the whole service."""
    found = Deadline.objects.all()
    if worker is not None:
        found = found.filter(worker=worker)
    if team is not None:
        found = found.filter(team=team)
    return found


def windows(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today, today + datetime.timedelta(days=due_soon_days()), today - datetime.timedelta(days=done_late_days())


def summary(
    found: QuerySet[Deadline], today: datetime.date | None = None, by: str | Iterable[str] | None = None
) -> dict[str, Any] | list[dict[str, Any]]:
    """Counts of overdue, due soon and done late, overall or grouped by a field ("rule_slug",
    "team") or by several (a tuple: ("worker", "worker__first_name", "worker__last_name")),
    so that names come in the same query."""
    today, soon, since = windows(today)
    open_ = Q(status=Deadline.Status.OPEN)
    counts = dict(
        overdue=Count("pk", filter=open_ & Q(due_date__lt=today)),
        due_soon=Count("pk", filter=open_ & Q(due_date__gte=today, due_date__lte=soon)),
        done_late=Count("pk", filter=Q(status=Deadline.Status.MET, late=True, done_on__gte=since)),
    )
    relevant = found.filter(
        (open_ & Q(due_date__lte=soon)) | Q(status=Deadline.Status.MET, late=True, done_on__gte=since)
    ).order_by()
    if by is None:
        return relevant.aggregate(**counts)
    fields = (by,) if isinstance(by, str) else tuple(by)
    return list(relevant.values(*fields).annotate(**counts).order_by(*fields))


def listing(found: QuerySet[Deadline], which: Column, today: datetime.date | None = None) -> QuerySet[Deadline]:
    """The due dates in one column of the dashboard: overdue (oldest first), due_soon
    (soonest first) or done_late (latest first)."""
    today, soon, since = windows(today)
    if which == "overdue":
        found = found.filter(status=Deadline.Status.OPEN, due_date__lt=today).order_by("due_date", "id")
    elif which == "due_soon":
        found = found.filter(status=Deadline.Status.OPEN, due_date__gte=today, due_date__lte=soon).order_by(
            "due_date", "id"
        )
    elif which == "done_late":
        found = found.filter(status=Deadline.Status.MET, late=True, done_on__gte=since).order_by("-done_on", "-id")
    else:
        raise ValueError(which)
    return found.select_related("person", "team", "worker")


def summary_in_two(
    found: QuerySet[Deadline], today: datetime.date | None = None, by: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """The same counts as summary(found, today, by) for a tuple `by`, in two queries, one for
    the open due dates and one for those done late, summed here. Without the OR of summary,
    each can be read from an index alone on PostgreSQL (the covering indexes deadline_open_cover
    and deadline_late_cover, for the service-wide counts by team and rule)."""
    today, soon, since = windows(today)
    by = tuple(by)
    open_ = (
        found.filter(status=Deadline.Status.OPEN, due_date__lte=soon)
        .order_by()
        .values(*by)
        .annotate(
            overdue=Count("pk", filter=Q(due_date__lt=today)), due_soon=Count("pk", filter=Q(due_date__gte=today))
        )
    )
    late = (
        found.filter(status=Deadline.Status.MET, late=True, done_on__gte=since)
        .order_by()
        .values(*by)
        .annotate(done_late=Count("pk"))
    )
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for entry in open_:
        merged[tuple(entry[name] for name in by)] = {**entry, "done_late": 0}
    for entry in late:
        key = tuple(entry[name] for name in by)
        if key in merged:
            merged[key]["done_late"] = entry["done_late"]
        else:
            merged[key] = {**entry, "overdue": 0, "due_soon": 0}
    return [merged[key] for key in sorted(merged, key=lambda key: tuple((value is None, value) for value in key))]


def state(deadline: Deadline, today: datetime.date | None = None) -> Literal["overdue", "due_soon", "on_track"]:
    """overdue, due_soon (within DEADLINE_DUE_SOON_DAYS) or on_track, for an open due date."""
    today, soon, _ = windows(today)
    if deadline.due_date < today:
        return "overdue"
    if deadline.due_date <= soon:
        return "due_soon"
    return "on_track"


def for_subject(subject: Model, status: str = Deadline.Status.OPEN) -> QuerySet[Deadline]:
    """The due dates of one record (open by default) in the order they fall due."""
    return Deadline.objects.filter(subject_type=_type(subject), subject_id=subject.pk, status=status).order_by(
        "due_date", "id"
    )
