"""Due dates issued for a child's case, met or withdrawn, and the dashboards that read them.

`issue(rule slug, start, person=..., subject=...)` counts the due date with the rule in force
(kernel.timescales.due) and stores it with its explanation. `meet(subject, rule slug, on)`
marks it done; done after its due date it needs the reason (a `LateWithoutReason` error says
so). `withdraw` closes a due date that no longer applies. Nothing here recomputes a stored
date: a change of rule applies to due dates issued after it.

This module writes. The reads (the open due date of a step, the dashboards' `summary` and
`listing`) are in kernel.selectors; how a due date shows (its GOV.UK tag) is in the template
tags kernel.templatetags.due_dates. Their old names here are kept for the callers not yet moved.
"""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from . import timescales
from .models import Deadline, TimescaleRule
from .selectors import Column, open_deadline

# The records above the kernel that a due date points to: a people.Person, a
# frontdoor.Referral (the child-in-need episode), a partners.Team and a partners.User. Named
# here, typed loosely: the kernel imports no app above it.
Person = Any
Episode = Any
Team = Any
Worker = Any
# A step is done on a date, or at a moment for the rules counted in clock hours.
When = datetime.date | datetime.datetime


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


def counted(slug: str, start: When) -> tuple[timescales.Due, TimescaleRule]:
    """What a due date issued now for a trigger at `start` holds: the count (timescales.due)
    and the rule in force on the start date (its trigger names the start event)."""
    start_date = timezone.localdate(start) if isinstance(start, datetime.datetime) else start
    return timescales.due(slug, start), timescales.rule_for(slug, start_date)


def _link(field: str, value: Any) -> dict[str, Any]:
    """A foreign key given as a saved object or as its primary key (batches name ids)."""
    return {field: value} if value is None or isinstance(value, Model) else {f"{field}_id": value}


def new(
    slug: str,
    start: When,
    *,
    person: Person,
    subject_type: ContentType | None,
    subject_id: int | None,
    episode: Episode | None = None,
    team: Team | None = None,
    worker: Worker | None = None,
    count: tuple[timescales.Due, TimescaleRule] | None = None,
) -> Deadline:
    """The open due date `issue` stores, not yet written (`count` is `counted(slug, start)`; a batch
    gives the subject when it writes)."""
    due, rule = count or counted(slug, start)
    return Deadline(
        rule_slug=slug,
        rule_name=due.rule_name,
        **_link("person", person),
        **_link("episode", episode),
        **({"subject_type": subject_type, "subject_id": subject_id} if subject_type is not None else {}),
        start_event=rule.trigger,
        start_date=timezone.localdate(start) if isinstance(start, datetime.datetime) else start,
        due_date=due.due_date,
        due_at=due.due_at,
        explanation=due.explanation[:600],
        **_link("team", team),
        **_link("worker", worker),
    )


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
    deadline = new(
        slug,
        start,
        person=person,
        subject_type=subject_type,
        subject_id=subject.pk,
        episode=episode,
        team=team,
        worker=worker,
    )
    deadline.save(force_insert=True)
    return deadline


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
    mark_met(deadline, on, late_reason)
    deadline.save(update_fields=["status", "done_on", "late", "late_reason"])
    return deadline


def mark_met(deadline: Deadline, on: When, late_reason: str | None = "") -> Deadline:
    """What meeting a due date on `on` changes on it (`complete` checks the reason and saves)."""
    deadline.status = Deadline.Status.MET
    deadline.done_on = timezone.localdate(on) if isinstance(on, datetime.datetime) else on
    deadline.late = is_late(deadline, on)
    deadline.late_reason = (late_reason or "").strip() if deadline.late else ""
    return deadline


def mark_withdrawn(deadline: Deadline, reason: str = "") -> Deadline:
    """What withdrawing a due date changes on it (`withdraw` does it in the database)."""
    deadline.status = Deadline.Status.WITHDRAWN
    deadline.withdrawn_reason = reason[:300]
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


# A subject a batch issues for: an object (saved by the time the batch is written) or a pair
# (model, primary key).
Subject = Model | tuple[type[Model], Any]


class Batch:
    """Due dates issued for many subjects at once (the demo authority), by the rules `issue`,
    `complete` and `withdraw` keep, written in one INSERT per batch_size rows by `write`.

    `issue` returns the unsaved due date; `mark_met` and `mark_withdrawn` change it as `complete`
    and `withdraw` would. The subject may be an object saved only by the time of `write` (its
    primary key is read then) or a pair (model, primary key). As `issue` does, issuing again for
    a subject and rule whose due date in the batch is still open returns that one. The subjects
    are new: open due dates already in the database are not looked for."""

    def __init__(self) -> None:
        self.rows: list[Deadline] = []
        self._subjects: list[Subject] = []
        self._counted: dict[tuple[str, When], tuple[timescales.Due, TimescaleRule]] = {}
        self._open: dict[tuple[Any, ...], Deadline] = {}

    def counted(self, slug: str, start: When) -> tuple[timescales.Due, TimescaleRule]:
        """`counted(slug, start)`, counted once per rule and start in the batch."""
        key = (slug, start)
        found = self._counted.get(key)
        if found is None:
            found = self._counted[key] = counted(slug, start)
        return found

    def issue(
        self,
        slug: str,
        start: When,
        *,
        person: Person,
        subject: Subject,
        episode: Episode | None = None,
        team: Team | None = None,
        worker: Worker | None = None,
    ) -> Deadline:
        key: tuple[Any, ...]
        if isinstance(subject, tuple):
            key = (slug, subject)
        else:
            key = (slug, type(subject), subject.pk) if subject.pk is not None else (slug, id(subject))
        existing = self._open.get(key)
        if existing is not None and existing.status == Deadline.Status.OPEN:
            return existing
        deadline = new(
            slug,
            start,
            person=person,
            subject_type=None,
            subject_id=None,
            episode=episode,
            team=team,
            worker=worker,
            count=self.counted(slug, start),
        )
        self._open[key] = deadline
        self.rows.append(deadline)
        self._subjects.append(subject)
        return deadline

    def write(self, batch_size: int | None = None) -> list[Deadline]:
        """Write the due dates (their subjects saved by now). Returns them."""
        types: dict[type[Model], ContentType] = {}
        for deadline, subject in zip(self.rows, self._subjects, strict=True):
            model, pk = subject if isinstance(subject, tuple) else (type(subject), subject.pk)
            found = types.get(model)
            if found is None:
                found = types[model] = _type(model)
            deadline.subject_type, deadline.subject_id = found, pk
        return Deadline.objects.bulk_create(self.rows, batch_size=batch_size)


def reassign(person: Person, team: Team | None, worker: Worker | None, episode: Episode | None = None) -> int:
    """The case has a new team or worker: its open due dates follow it."""
    found = Deadline.objects.filter(person=person, status=Deadline.Status.OPEN)
    if episode is not None:
        found = found.filter(episode=episode)
    return found.update(team=team, worker=worker)


__all__ = [
    "Column",
    "LateWithoutReason",
    "check_reason",
    "complete",
    "counted",
    "is_late",
    "issue",
    "late_message",
    "mark_met",
    "mark_withdrawn",
    "meet",
    "new",
    "open_deadline",
    "reason_to_keep",
    "reassign",
    "withdraw",
    "withdraw_for_episode",
]
