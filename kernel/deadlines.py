"""Due dates issued for a child's case, met or withdrawn, and the dashboards that read them.

`issue(rule slug, start, person=..., subject=...)` counts the due date with the rule in force
(kernel.timescales.due) and stores it with its explanation. `meet(subject, rule slug, on)`
marks it done; done after its due date it needs the reason (a `LateWithoutReason` error says
so). `withdraw` closes a due date that no longer applies. Nothing here recomputes a stored
date: a change of rule applies to due dates issued after it.

The dashboards (`summary`, `listing`) read this one table, filtered by worker, team or the
whole service, so they stay fast however large the authority.
"""

import datetime
from collections.abc import Iterable
from typing import Any, Literal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

from . import timescales
from .models import Deadline

# The records above the kernel that a due date points to: a people.Person, a
# frontdoor.Referral (the child-in-need episode), a partners.Team and a partners.User. Named
# here, typed loosely: the kernel imports no app above it.
Person = Any
Episode = Any
Team = Any
Worker = Any
# A step is done on a date, or at a moment for the rules counted in clock hours.
When = datetime.date | datetime.datetime
# The dashboards' three columns.
Column = Literal["overdue", "due_soon", "done_late"]


def late_message(deadline: Deadline) -> str:
    """What a step done late without its reason is told."""
    return f"{deadline.rule_name} was due by {deadline.due_date:%-d %B %Y}: give the reason it is late"


class LateWithoutReason(ValueError):
    """Done after the due date, and no reason was given."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        super().__init__(late_message(deadline))


def _type(model_or_obj: Model | type[Model]) -> ContentType:
    return ContentType.objects.get_for_model(model_or_obj)


def issue(
    slug: str,
    start: When,
    *,
    person: Person,
    subject: Model,
    episode: Episode | None = None,
    team: Team | None = None,
    worker: Worker | None = None,
) -> Deadline:
    """Store the due date the rule `slug` gives for a trigger at `start` (a date, or an aware
    datetime for rules in hours). One open due date per rule and subject: issuing again
    returns the open one unchanged."""
    subject_type = _type(subject)
    existing = Deadline.objects.filter(
        subject_type=subject_type, subject_id=subject.pk, rule_slug=slug, status=Deadline.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    counted = timescales.due(slug, start)
    start_date = timezone.localdate(start) if isinstance(start, datetime.datetime) else start
    rule = timescales.rule_for(slug, start_date)
    return Deadline.objects.create(
        rule_slug=slug,
        rule_name=counted.rule_name,
        person=person,
        episode=episode,
        subject_type=subject_type,
        subject_id=subject.pk,
        start_event=rule.trigger,
        start_date=start_date,
        due_date=counted.due_date,
        due_at=counted.due_at,
        explanation=counted.explanation[:600],
        team=team,
        worker=worker,
    )


def open_deadline(subject: Model, slug: str) -> Deadline | None:
    return Deadline.objects.filter(
        subject_type=_type(subject), subject_id=subject.pk, rule_slug=slug, status=Deadline.Status.OPEN
    ).first()


def is_late(deadline: Deadline, on: When) -> bool:
    """Done on `on` (a date or datetime): late when after the due date (or moment, in hours)."""
    if isinstance(on, datetime.datetime):
        return on > deadline.due_at
    return on > deadline.due_date


def reason_to_keep(deadline: Deadline | None, on: When, late_reason: str | None) -> str:
    """The late reason a step's own record keeps: the reason given when done late, else ""."""
    return (late_reason or "").strip() if deadline is not None and is_late(deadline, on) else ""


def check_reason(deadline: Deadline | None, on: When, late_reason: str | None) -> None:
    """Raise LateWithoutReason if the thing is done late with no reason; call before saving."""
    if deadline is not None and is_late(deadline, on) and not (late_reason or "").strip():
        raise LateWithoutReason(deadline)


def meet(subject: Model, slug: str, on: When, late_reason: str | None = "") -> Deadline | None:
    """Mark the open due date done on `on`. Returns it (None if there was none)."""
    deadline = open_deadline(subject, slug)
    return complete(deadline, on, late_reason) if deadline is not None else None


def complete(deadline: Deadline, on: When, late_reason: str | None = "") -> Deadline:
    """Mark this open due date (found already, say while checking a step) done on `on`."""
    check_reason(deadline, on, late_reason)
    deadline.status = Deadline.Status.MET
    deadline.done_on = timezone.localdate(on) if isinstance(on, datetime.datetime) else on
    deadline.late = is_late(deadline, on)
    deadline.late_reason = (late_reason or "").strip() if deadline.late else ""
    deadline.save(update_fields=["status", "done_on", "late", "late_reason"])
    return deadline


def withdraw(subject: Model, slug: str | None = None, reason: str = "") -> int:
    """Close the open due dates of a subject (one rule, or all) that no longer apply."""
    found = Deadline.objects.filter(subject_type=_type(subject), subject_id=subject.pk, status=Deadline.Status.OPEN)
    if slug is not None:
        found = found.filter(rule_slug=slug)
    return found.update(status=Deadline.Status.WITHDRAWN, withdrawn_reason=reason[:300])


def withdraw_for_episode(episode: Episode, reason: str) -> int:
    return Deadline.objects.filter(episode=episode, status=Deadline.Status.OPEN).update(
        status=Deadline.Status.WITHDRAWN, withdrawn_reason=reason[:300]
    )


def reassign(person: Person, team: Team | None, worker: Worker | None, episode: Episode | None = None) -> int:
    """The case has a new team or worker: its open due dates follow it."""
    found = Deadline.objects.filter(person=person, status=Deadline.Status.OPEN)
    if episode is not None:
        found = found.filter(episode=episode)
    return found.update(team=team, worker=worker)


def open_for(person: Person) -> QuerySet[Deadline]:
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


# --- How a due date shows ----------------------------------------------------------------

TAGS = {
    "overdue": ("Overdue", "govuk-tag--red"),
    "due_soon": ("Due soon", "govuk-tag--orange"),
    "on_track": ("On track", "govuk-tag--green"),
}


def state(deadline: Deadline, today: datetime.date | None = None) -> Literal["overdue", "due_soon", "on_track"]:
    """overdue, due_soon (within DEADLINE_DUE_SOON_DAYS) or on_track, for an open due date."""
    today, soon, _ = windows(today)
    if deadline.due_date < today:
        return "overdue"
    if deadline.due_date <= soon:
        return "due_soon"
    return "on_track"


def tag(deadline: Deadline, today: datetime.date | None = None) -> dict[str, str]:
    """The GOV.UK tag for an open due date: {"text", "class"}."""
    text, css = TAGS[state(deadline, today)]
    return {"text": text, "class": css}
