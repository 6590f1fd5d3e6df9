"""The case-work steps every stage shares (see the package's docstring). Each is called inside
the caller's transaction; none writes to the chronology or the audit trail itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kernel import deadlines
from kernel import selectors as deadline_reads
from kernel.rules import RuleBroken

if TYPE_CHECKING:
    from django.db.models import Model

    from kernel.deadlines import When
    from kernel.models import Deadline
    from kernel.rules import Errors
    from partners.models import Team, User
    from people.models import Person

# The child-in-need episode is a frontdoor.Referral, an app above this one: typed loosely here,
# as in kernel.deadlines.
Episode = Any


def lock_episode(episode: Episode) -> Episode:
    """The episode, locked for the rest of the transaction, so two changes to one child's
    case are made one after the other."""
    locked = type(episode)._default_manager.select_for_update().select_related("person").get(pk=episode.pk)
    return locked


def closed_message(episode: Episode) -> str:
    """What a step on a closed episode is told (the pages add a full stop)."""
    return (
        f"This child in need episode was closed on {episode.closure_date:%-d %B %Y}: "
        "a new referral through the front door opens a new one"
    )


def check_open(episode: Episode, errors: Errors | None = None) -> None:
    if episode.closure_date is not None:
        message = closed_message(episode)
        if errors is None:
            raise RuleBroken(message)
        errors.add("__all__", message)


def current_allocation(episode: Episode) -> Any:
    return (
        episode.allocations.filter(end_date__isnull=True)
        .select_related("team", "worker")
        .order_by("-start_date", "-id")
        .first()
    )


def responsible(episode: Episode) -> tuple[Team | None, User | None]:
    """(team, worker) holding the episode now: the allocation, or no one yet."""
    allocation = current_allocation(episode)
    return (allocation.team, allocation.worker) if allocation else (None, None)


def issue_due(slug: str, start: When, *, person: Person, subject: Model, episode: Episode) -> Deadline:
    """Issue a due date for the episode's child, held by whoever holds the episode now."""
    team, worker = responsible(episode)
    return deadlines.issue(slug, start, person=person, subject=subject, episode=episode, team=team, worker=worker)


def due_to_meet(
    errors: Errors,
    subject: Model,
    slugs: str | Iterable[str],
    on: When | None,
    late_reason: str | None,
    field: str = "late_reason",
) -> Deadline | None:
    """The open due date a step done on `on` meets (the first open one of `slugs`, a rule slug
    or several), with an error when it is late and no reason is given. Call while checking;
    complete it (kernel.deadlines.complete) once the checks pass."""
    for slug in [slugs] if isinstance(slugs, str) else slugs:
        found = deadline_reads.open_deadline(subject, slug)
        if found is not None:
            if on is not None and deadlines.is_late(found, on) and not (late_reason or "").strip():
                errors.add(field, deadlines.late_message(found))
            return found
    return None
