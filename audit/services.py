"""Writing audit events. Call `record` from every view that shows or changes a person's
record; `changes_since` tells a user whose save was refused what changed meanwhile."""

import datetime
import decimal
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from .integrity import row_hash
from .models import AuditEvent

if TYPE_CHECKING:
    from kernel.access import AnyUser, SignedInUser

# The person a record is about: a people.Person or its id, typed loosely (the person index
# writes to the audit trail, so the audit trail does not import it).
PersonOrId = Any

# Called with the user and the written "view" events that name a person, after they are
# written: a later layer that must know who read a child's record registers one (the
# information-sharing log counts a partner agency's read as a disclosure), so this layer
# imports none of them.
ViewListener = Callable[["AnyUser | None", list[AuditEvent]], None]
VIEW_LISTENERS: list[ViewListener] = []


def register_view_listener(listener: ViewListener) -> None:
    if listener not in VIEW_LISTENERS:
        VIEW_LISTENERS.append(listener)


def _viewed(user: "AnyUser | None", events: Iterable[AuditEvent]) -> None:
    if not VIEW_LISTENERS or user is None or not getattr(user, "is_authenticated", False):
        return
    views = [e for e in events if e.action == AuditEvent.Action.VIEW and e.person_id is not None]
    if views:
        for listener in VIEW_LISTENERS:
            listener(user, views)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def record(
    user: "AnyUser | None",
    action: str,
    obj: Model | None = None,
    person: PersonOrId | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    event = entry(user, action, obj=obj, person=person, summary=summary, detail=detail, reason=reason)
    event.save(force_insert=True)
    _viewed(user, [event])
    return event


def record_many(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Write audit entries made with `entry` (or `creation_entry`) in one INSERT."""
    written = AuditEvent.objects.bulk_create(events)
    by_user: dict[int, list[AuditEvent]] = {}
    for event in written:
        if event.action == AuditEvent.Action.VIEW and event.user_id is not None:
            by_user.setdefault(event.user_id, []).append(event)
    for views in by_user.values():
        _viewed(views[0].user, views)
    return written


def entry(
    user: "AnyUser | None",
    action: str,
    obj: Model | None = None,
    person: PersonOrId | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """An audit entry, hashed and ready to write (record writes one; record_many several)."""
    member = cast(
        "SignedInUser | None", user if user is not None and getattr(user, "is_authenticated", False) else None
    )
    event = AuditEvent(
        at=timezone.now(),
        user=member,
        username=member.get_username() if member else "",
        role=getattr(member, "role", "") if member else "",
        agency=str(member.agency) if member and getattr(member, "agency_id", None) else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=getattr(person, "pk", person),
        summary=summary[:300],
        detail=detail or {},
        reason=reason,
    )
    event.row_hash = row_hash(event)
    return event


def defer(request: Any, *args: Any, **kwargs: Any) -> None:
    """Record an audit event (the arguments of `record`) once the response is made, outside
    the request's transaction, so that it is kept even though the request is rolled back (a
    refused request is). audit.middleware.DeferredAuditMiddleware writes them."""
    # A Django HttpRequest or a DRF Request, which wraps one (the list is kept on Django's).
    request = getattr(request, "_request", request)
    if not hasattr(request, "deferred_audit"):
        request.deferred_audit = []
    request.deferred_audit.append((args, kwargs))


def record_deferred(request: HttpRequest) -> None:
    for args, kwargs in getattr(request, "deferred_audit", ()):
        record(*args, **kwargs)
    request.deferred_audit = []  # type: ignore[attr-defined]  # the list defer() adds to the request


def record_creation(
    user: "AnyUser | None", obj: Model, person: PersonOrId | None = None, summary: str = ""
) -> AuditEvent:
    """Audit a new record with the values it was made with (its change history starts here)."""
    event = creation_entry(user, obj, person=person, summary=summary)
    event.save(force_insert=True)
    return event


def creation_entry(
    user: "AnyUser | None", obj: Model, person: PersonOrId | None = None, summary: str = ""
) -> AuditEvent:
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        values[field.attname] = _plain(getattr(obj, field.attname))
    return entry(user, AuditEvent.Action.CREATE, obj=obj, person=person, summary=summary, detail={"values": values})


def record_change(
    user: "AnyUser | None",
    obj: Model,
    changes: Mapping[str, tuple[Any, Any]],
    person: PersonOrId | None = None,
    version: int | None = None,
    action: str = AuditEvent.Action.UPDATE,
    summary: str = "",
) -> AuditEvent:
    """Audit a change with its old and new values: {field: (old, new)}."""
    detail: dict[str, Any] = {"changes": {name: [_plain(old), _plain(new)] for name, (old, new) in changes.items()}}
    if version is not None:
        detail["version"] = version
    return record(user, action, obj=obj, person=person, summary=summary, detail=detail)


def changes_since(obj: Model, version: int) -> list[AuditEvent]:
    """Audited changes to `obj` that took it past `version`, oldest first."""
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=AuditEvent.Action.UPDATE
    ).order_by("at", "id")
    return [event for event in events if event.detail.get("version", 0) > version]
