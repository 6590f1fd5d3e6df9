"""Tamper evidence for the audit trail.

Two layers, both checked by `python manage.py verify_audit`:

1. Row hash. When an event is written, `row_hash` is an HMAC-SHA256 of its content keyed by
   settings.AUDIT_HASH_KEY, a secret that is not in the database. Someone who edits a row in
   the database (after getting past the append-only triggers) cannot make a matching hash.
2. Hash chain. The sealer links events, oldest first, into a chain: each AuditSeal holds
   sha256(previous chain hash | event id | row hash). Removing, replacing or reordering a
   sealed event breaks every link after it. Sealing runs outside the request (the
   `seal_audit` command, run every minute by the scheduler or `--loop`), so writing an
   event never waits for other writers; an event is sealed once it is GRACE old, which
   leaves time for slower transactions to commit their (earlier-numbered) events.
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, AuditSeal

GRACE = timedelta(seconds=5)
# Late events are looked for this far back from the last sealed event (no request runs longer).
LOOK_BACK = timedelta(hours=1)
GENESIS = "0" * 64
HASHED_FIELDS = ["at", "user_id", "username", "role", "agency", "action", "object_type", "object_id",
                 "person_id", "summary", "detail", "reason"]


def _key():
    return settings.AUDIT_HASH_KEY.encode()


def canonical(event):
    """The event's content as stable bytes: the same content always gives the same bytes."""
    values = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "at":
            value = value.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_hash(event):
    return hmac.new(_key(), canonical(event), hashlib.sha256).hexdigest()


def chain_hash(previous, event_id, row):
    return hashlib.sha256(f"{previous}|{event_id}|{row}".encode()).hexdigest()


def seal_pending(now=None, grace=GRACE, batch=10_000):
    """Add events older than `grace` that are not yet in the chain. Returns how many were sealed."""
    now = now or timezone.now()
    sealed = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            pending = AuditEvent.objects.filter(seal__isnull=True, at__lte=now - grace)
            if head.last_event_at is not None:
                pending = pending.filter(at__gte=head.last_event_at - LOOK_BACK)
            events = list(pending.order_by("id").only("id", "row_hash", "at")[:batch])
            if not events:
                return sealed
            previous = head.last_chain_hash
            seals = []
            for event in events:
                previous = chain_hash(previous, event.pk, event.row_hash)
                seals.append(AuditSeal(event_id=event.pk, row_hash=event.row_hash, chain_hash=previous, sealed_at=now))
            AuditSeal.objects.bulk_create(seals)
            head.last_seal = AuditSeal.objects.get(event_id=events[-1].pk)
            head.last_chain_hash = previous
            head.last_event_at = max(head.last_event_at or events[-1].at, max(e.at for e in events))
            head.save()
            sealed += len(events)


@dataclass
class Problem:
    event_id: int
    message: str


def verify(batch=5000):
    """Check every event's row hash and the whole chain. Returns (events checked, seals checked,
    the first Problem or None). Problems are in the order an investigator needs them: the
    first entry whose content was changed, else the first broken link of the chain."""
    checked = 0
    last_id = 0
    while True:
        events = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not events:
            break
        for event in events:
            checked += 1
            if not hmac.compare_digest(event.row_hash, row_hash(event)):
                return checked, 0, Problem(event.pk, f"entry {event.pk} ({_describe(event)}) has been changed: "
                                                     "its content no longer matches its hash")
        last_id = events[-1].pk

    previous = GENESIS
    links = 0
    last_seq = 0
    while True:
        seals = list(AuditSeal.objects.filter(id__gt=last_seq).select_related("event").order_by("id")[:batch])
        if not seals:
            break
        for seal in seals:
            links += 1
            expected = chain_hash(previous, seal.event_id, seal.row_hash)
            if seal.chain_hash != expected:
                return checked, links, Problem(seal.event_id, f"the chain is broken at entry {seal.event_id}: "
                                                              "a link was changed, removed or inserted")
            if seal.event.row_hash != seal.row_hash:
                return checked, links, Problem(seal.event_id, f"entry {seal.event_id} ({_describe(seal.event)}) was "
                                                              "replaced after it was sealed")
            previous = seal.chain_hash
        last_seq = seals[-1].pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_chain_hash != previous:
        return checked, links, Problem(head.last_seal_id and head.last_seal.event_id or 0,
                                       "the end of the chain does not match the last seal: seals were removed")
    return checked, links, None


def _describe(event):
    when = timezone.localtime(event.at).strftime("%d %b %Y %H:%M:%S")
    return f"{event.get_action_display().lower()} by {event.username or 'nobody signed in'} at {when}"
