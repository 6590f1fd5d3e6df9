"""The case-work steps every stage shares (see the package's docstring). Each is called inside
the caller's transaction; none writes to the chronology or the audit trail itself."""

from kernel import deadlines
from kernel import selectors as deadline_reads
from kernel.rules import RuleBroken


def lock_episode(episode):
    """The episode, locked for the rest of the transaction, so two changes to one child's
    case are made one after the other."""
    locked = type(episode)._default_manager.select_for_update().select_related("person").get(pk=episode.pk)
    return locked


def closed_message(episode):
    """What a step on a closed episode is told (the pages add a full stop)."""
    return (
        f"This child in need episode was closed on {episode.closure_date:%-d %B %Y}: "
        "a new referral through the front door opens a new one"
    )


def check_open(episode, errors=None):
    if episode.closure_date is not None:
        message = closed_message(episode)
        if errors is None:
            raise RuleBroken(message)
        errors.add("__all__", message)


def current_allocation(episode):
    return (
        episode.allocations.filter(end_date__isnull=True)
        .select_related("team", "worker")
        .order_by("-start_date", "-id")
        .first()
    )


def responsible(episode):
    """(team, worker) holding the episode now: the allocation, or no one yet."""
    allocation = current_allocation(episode)
    return (allocation.team, allocation.worker) if allocation else (None, None)


def issue_due(slug, start, *, person, subject, episode):
    """Issue a due date for the episode's child, held by whoever holds the episode now."""
    team, worker = responsible(episode)
    return deadlines.issue(slug, start, person=person, subject=subject, episode=episode, team=team, worker=worker)


def due_to_meet(errors, subject, slugs, on, late_reason, field="late_reason"):
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
