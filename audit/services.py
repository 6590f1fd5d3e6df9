"""Writing audit events. Call `record` from every view that shows or changes a person's
record; `changes_since` tells a user whose save was refused what changed meanwhile."""

import datetime
import decimal

from django.utils import timezone

from .integrity import row_hash
from .models import AuditEvent


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def record(user, action, obj=None, person=None, summary="", detail=None, reason=""):
    event = entry(user, action, obj=obj, person=person, summary=summary, detail=detail, reason=reason)
    event.save(force_insert=True)
    return event


def record_many(events):
    """Write audit entries made with `entry` (or `creation_entry`) in one INSERT."""
    return AuditEvent.objects.bulk_create(events)


def entry(user, action, obj=None, person=None, summary="", detail=None, reason=""):
    """An audit entry, hashed and ready to write (record writes one; record_many several)."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    event = AuditEvent(
        at=timezone.now(),
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        role=getattr(user, "role", "") if signed_in else "",
        agency=str(user.agency) if signed_in and getattr(user, "agency_id", None) else "",
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


def defer(request, *args, **kwargs):
    """Record an audit event (the arguments of `record`) once the response is made, outside
    the request's transaction, so that it is kept even though the request is rolled back (a
    refused request is). audit.middleware.DeferredAuditMiddleware writes them."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    if not hasattr(request, "deferred_audit"):
        request.deferred_audit = []
    request.deferred_audit.append((args, kwargs))


def record_deferred(request):
    for args, kwargs in getattr(request, "deferred_audit", ()):
        record(*args, **kwargs)
    request.deferred_audit = []


def record_creation(user, obj, person=None, summary=""):
    """Audit a new record with the values it was made with (its change history starts here)."""
    event = creation_entry(user, obj, person=person, summary=summary)
    event.save(force_insert=True)
    return event


def creation_entry(user, obj, person=None, summary=""):
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        values[field.attname] = _plain(getattr(obj, field.attname))
    return entry(user, AuditEvent.Action.CREATE, obj=obj, person=person, summary=summary, detail={"values": values})


def record_change(user, obj, changes, person=None, version=None, action=AuditEvent.Action.UPDATE, summary=""):
    """Audit a change with its old and new values: {field: (old, new)}."""
    detail = {"changes": {name: [_plain(old), _plain(new)] for name, (old, new) in changes.items()}}
    if version is not None:
        detail["version"] = version
    return record(user, action, obj=obj, person=person, summary=summary, detail=detail)


def changes_since(obj, version):
    """Audited changes to `obj` that took it past `version`, oldest first."""
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=AuditEvent.Action.UPDATE
    ).order_by("at", "id")
    return [event for event in events if event.detail.get("version", 0) > version]
