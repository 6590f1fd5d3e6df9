"""Tamper evidence for the audit trail.

Three layers, all checked by `python manage.py verify_audit` (docs/audit-integrity.md):

1. Row hash. When an event is written, `row_hash` is an HMAC-SHA256 of its content keyed by
   settings.AUDIT_HASH_KEY, a secret that is not in the database. Someone who edits a row in
   the database (after getting past the append-only triggers) cannot make a matching hash.
2. Keyed hash chain. The sealer links events, oldest first, into a chain: each AuditSeal
   holds HMAC-SHA256(chain key, previous chain hash | event id | row hash), the chain key
   being derived from AUDIT_HASH_KEY. Removing, replacing or reordering a sealed event
   breaks every link after it, and without the key nobody can make the links again. Links
   made before the chain was keyed used plain SHA-256 (AuditSeal.Scheme.SHA256); they are
   accepted only up to the end that migration 0006 recorded under the key.
   Sealing runs outside the request (the `seal_audit` command, run every minute by the
   scheduler or `--loop`), so writing an event never waits for other writers; an event is
   sealed once it is GRACE old, which leaves time for slower transactions to commit their
   (earlier-numbered) events.
3. Anchor. After each sealing transaction commits, the new end of the chain is appended,
   signed, to a store outside the database (audit.anchor). The database's chain must still
   reach every anchored end, so removing the last entries, or rebuilding the chain even
   with the key, is caught.
"""

import datetime
import functools
import hashlib
import hmac
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeGuard

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import anchor as anchors
from .models import AuditChainHead, AuditEvent, AuditSeal

GRACE = timedelta(seconds=5)
# Late events are looked for this far back from the last sealed event (no request runs longer).
LOOK_BACK = timedelta(hours=1)
GENESIS = "0" * 64
KEYED = AuditSeal.Scheme.HMAC
UNKEYED = AuditSeal.Scheme.SHA256
ANCHOR_VERSION = 1
# The configured anchor store (seal_pending and anchor_head take a store, or None for none).
CONFIGURED: Any = object()
HASHED_FIELDS = [
    "at",
    "user_id",
    "username",
    "role",
    "agency",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "summary",
    "detail",
    "reason",
]


def _key() -> bytes:
    return settings.AUDIT_HASH_KEY.encode()


def _derived_key(purpose: bytes) -> bytes:
    """A key for one purpose, derived from the audit key. Row hashes are HMACs of JSON objects
    (they start with "{"), so no row hash, which anyone reading the database sees, can equal
    a derived key."""
    return _derive(_key(), purpose)


@functools.lru_cache(maxsize=16)
def _derive(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, b"safeguarding audit key for " + purpose, hashlib.sha256).digest()


def canonical(event: AuditEvent) -> bytes:
    """The event's content as stable bytes: the same content always gives the same bytes."""
    values = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "at":
            value = value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_hash(event: AuditEvent) -> str:
    return hmac.new(_key(), canonical(event), hashlib.sha256).hexdigest()


def chain_hash(previous: str, event_id: int, row: str, scheme: int = KEYED) -> str:
    message = f"{previous}|{event_id}|{row}".encode()
    if scheme == UNKEYED:
        return hashlib.sha256(message).hexdigest()
    if scheme == KEYED:
        return hmac.new(_derived_key(b"the chain, version 2"), message, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown chain scheme {scheme!r}")


def legacy_mac(seal_id: int, event_id: int, chain: str) -> str:
    """The keyed record of where the unkeyed chain ended (AuditChainHead.legacy_*)."""
    message = f"{seal_id}|{event_id}|{chain}".encode()
    return hmac.new(_derived_key(b"the end of the unkeyed chain"), message, hashlib.sha256).hexdigest()


def record_legacy_end(seal_model: Any = AuditSeal, head_model: Any = AuditChainHead, using: str = "default") -> Any:
    """Record, under the audit key, where the unkeyed chain ends: its last seal. Run once, by
    migration 0006, when the chain becomes keyed; verify() then accepts unkeyed links up to
    that seal and no further. Does nothing on a trail with no seals. (The models are the
    migration's historical ones, hence typed loosely; returns the last seal, or None.)"""
    last = seal_model.objects.using(using).order_by("-id").first()
    if last is None:
        return None
    head, _ = head_model.objects.using(using).get_or_create(pk=1)
    head.legacy_seal_id = last.pk
    head.legacy_event_id = last.event_id
    head.legacy_chain_hash = last.chain_hash
    head.legacy_mac = legacy_mac(last.pk, last.event_id, last.chain_hash)
    head.save(using=using)
    return last


def anchor_signature(record: anchors.Record) -> str:
    """The HMAC of an anchor record's fields other than `sig`, under its own derived key."""
    fields = {name: value for name, value in record.items() if name != "sig"}
    return hmac.new(_derived_key(b"the anchor, version 1"), anchors.encode(fields), hashlib.sha256).hexdigest()


def anchor_record(seal: AuditSeal) -> anchors.Record:
    record = {
        "v": ANCHOR_VERSION,
        "seal": seal.pk,
        "event": seal.event_id,
        "head": seal.chain_hash,
        "sealed_at": _iso(seal.sealed_at),
        "anchored_at": _iso(timezone.now()),
    }
    record["sig"] = anchor_signature(record)
    return record


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _store(store: anchors.AnchorStore | None) -> anchors.AnchorStore | None:
    return anchors.configured_store() if store is CONFIGURED else store


def _append(store: anchors.AnchorStore, seal: AuditSeal) -> None:
    try:
        store.append(anchor_record(seal))
    except Exception as error:  # the seals are committed; the next run anchors a later head
        raise anchors.AnchorWriteError(
            f"could not write the end of the audit chain (entry {seal.event_id}) to the anchor {store}: {error}"
        ) from error


def anchor_head(store: anchors.AnchorStore | None = CONFIGURED) -> None:
    """Write the chain's current end to the anchor unless it is the last record there already:
    catches up after a failed write, and anchors a chain that has not grown since the upgrade.
    Runs once the current transaction (if any) has committed."""
    store = _store(store)
    if store is None:
        return

    def write() -> None:
        head = AuditChainHead.objects.filter(pk=1).select_related("last_seal").first()
        if head is None or head.last_seal is None:
            return
        try:
            last = store.last()
        except Exception as error:
            raise anchors.AnchorWriteError(f"could not read the anchor {store}: {error}") from error
        if last and last.get("seal") == head.last_seal_id and last.get("head") == head.last_seal.chain_hash:
            return
        _append(store, head.last_seal)

    transaction.on_commit(write)


def seal_pending(
    now: datetime.datetime | None = None,
    grace: timedelta = GRACE,
    batch: int = 10_000,
    store: anchors.AnchorStore | None = CONFIGURED,
) -> int:
    """Add events older than `grace` that are not yet in the chain. Returns how many were sealed.

    Each batch is one transaction; once it has committed (never before: a rolled-back head
    must not be anchored), the new end of the chain is appended to the anchor `store`. A
    failed anchor write raises AnchorWriteError after the seals are committed."""
    now = now or timezone.now()
    store = _store(store)
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
                seals.append(
                    AuditSeal(
                        event_id=event.pk, row_hash=event.row_hash, chain_hash=previous, sealed_at=now, scheme=KEYED
                    )
                )
            AuditSeal.objects.bulk_create(seals)
            head.last_seal = AuditSeal.objects.get(event_id=events[-1].pk)
            head.last_chain_hash = previous
            head.last_event_at = max(head.last_event_at or events[-1].at, max(e.at for e in events))
            head.save()
            if store is not None:
                transaction.on_commit(functools.partial(_append, store, head.last_seal))
            sealed += len(events)


@dataclass
class Problem:
    event_id: int
    message: str


def verify(batch: int = 5000) -> tuple[int, int, "Problem | None"]:  # noqa: C901
    """Check every event's row hash and the whole chain. Returns (events checked, seals checked,
    the first Problem or None). Problems are in the order an investigator needs them: the
    first entry whose content was changed, else the first broken link of the chain.
    The anchor is checked separately, after this finds no problem (check_anchor)."""
    checked = 0
    last_id = 0
    while True:
        events = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not events:
            break
        for event in events:
            checked += 1
            if not hmac.compare_digest(event.row_hash, row_hash(event)):
                return (
                    checked,
                    0,
                    Problem(
                        event.pk,
                        f"entry {event.pk} ({_describe(event)}) has been changed: "
                        "its content no longer matches its hash",
                    ),
                )
        last_id = events[-1].pk

    head = AuditChainHead.objects.filter(pk=1).first()
    legacy, problem = _legacy_end(head)
    if problem is not None:
        return checked, 0, problem
    legacy_reached = legacy is None
    previous = GENESIS
    links = 0
    last_seq = 0
    while True:
        # Not joined to the events: a seal whose entry was deleted must still be seen (and named).
        seals = list(AuditSeal.objects.filter(id__gt=last_seq).order_by("id")[:batch])
        if not seals:
            break
        sealed = AuditEvent.objects.in_bulk([seal.event_id for seal in seals])
        for seal in seals:
            links += 1
            if legacy is not None and not legacy_reached and seal.pk > legacy.seal_id:
                return checked, links, _legacy_removed(legacy)
            if seal.scheme == UNKEYED and (legacy is None or seal.pk > legacy.seal_id):
                return (
                    checked,
                    links,
                    Problem(
                        seal.event_id,
                        f"the chain is broken at entry {seal.event_id}: its link claims the old unkeyed "
                        "rule, which "
                        + ("this trail never used" if legacy is None else f"ended at entry {legacy.event_id}"),
                    ),
                )
            if seal.scheme not in (UNKEYED, KEYED) or (seal.scheme == KEYED and not legacy_reached):
                return (
                    checked,
                    links,
                    Problem(
                        seal.event_id,
                        f"the chain is broken at entry {seal.event_id}: its link was made by the wrong rule",
                    ),
                )
            expected = chain_hash(previous, seal.event_id, seal.row_hash, seal.scheme)
            if not hmac.compare_digest(seal.chain_hash, expected):
                return (
                    checked,
                    links,
                    Problem(
                        seal.event_id,
                        f"the chain is broken at entry {seal.event_id}: a link was changed, removed or inserted",
                    ),
                )
            if legacy is not None and not legacy_reached and seal.pk == legacy.seal_id:
                if seal.event_id != legacy.event_id or seal.chain_hash != legacy.chain_hash:
                    return checked, links, _legacy_removed(legacy)
                legacy_reached = True
            sealed_event = sealed.get(seal.event_id)
            if sealed_event is None:
                when = timezone.localtime(seal.sealed_at).strftime("%d %b %Y %H:%M:%S")
                return (
                    checked,
                    links,
                    Problem(
                        seal.event_id,
                        f"entry {seal.event_id} (sealed at {when}) has been "
                        "removed: its link in the chain is still there",
                    ),
                )
            if sealed_event.row_hash != seal.row_hash:
                return (
                    checked,
                    links,
                    Problem(
                        seal.event_id,
                        f"entry {seal.event_id} ({_describe(sealed_event)}) was replaced after it was sealed",
                    ),
                )
            previous = seal.chain_hash
        last_seq = seals[-1].pk
    if legacy is not None and not legacy_reached:
        return checked, links, _legacy_removed(legacy)
    if head is not None and head.last_chain_hash != previous:
        return (
            checked,
            links,
            Problem(
                head.last_seal.event_id if head.last_seal is not None else 0,
                "the end of the chain does not match the last seal: seals were removed",
            ),
        )
    return checked, links, None


@dataclass
class LegacyEnd:
    seal_id: int
    event_id: int
    chain_hash: str


def _legacy_end(head: AuditChainHead | None) -> tuple["LegacyEnd | None", Problem | None]:
    """Where the unkeyed chain ended, if it did, as recorded under the key by migration 0006."""
    if head is None or not (head.legacy_seal_id or head.legacy_event_id or head.legacy_chain_hash or head.legacy_mac):
        return None, None
    if (
        head.legacy_seal_id is None
        or head.legacy_event_id is None
        or not hmac.compare_digest(
            head.legacy_mac, legacy_mac(head.legacy_seal_id, head.legacy_event_id, head.legacy_chain_hash)
        )
    ):
        return None, Problem(
            head.legacy_event_id or 0,
            "the record of where the old unkeyed chain ends has been changed: it is not signed with the audit key",
        )
    return LegacyEnd(head.legacy_seal_id, head.legacy_event_id, head.legacy_chain_hash), None


def _legacy_removed(legacy: LegacyEnd) -> Problem:
    return Problem(
        legacy.event_id,
        f"the chain sealed before the upgrade has been changed: it should end at entry "
        f"{legacy.event_id}, and entries up to there were removed or replaced",
    )


def check_anchor(store: anchors.AnchorStore, batch: int = 5000) -> tuple[int, Problem | None]:
    """Check the database's chain against every head in the anchor `store`. Returns (heads
    checked, the first Problem or None).

    Run after verify() found no problem: every seal in the database is then a checked link of
    the chain, so an anchored head is reached when a seal with its id has its chain hash."""
    last = AuditSeal.objects.order_by("-id").only("id", "event_id").first()
    checked = 0
    waiting: list[tuple[str, anchors.Record]] = []
    for position, record in store.records():
        if not _signed(record):
            event = record["event"] if isinstance(record, dict) and isinstance(record.get("event"), int) else 0
            return checked, Problem(
                event, f"{position} of the anchor {store} is not signed with the audit key: it was forged or changed"
            )
        waiting.append((position, record))
        if len(waiting) >= batch:
            checked += len(waiting)
            problem = _reached(waiting, last, store)
            if problem is not None:
                return checked, problem
            waiting = []
    checked += len(waiting)
    return checked, _reached(waiting, last, store)


def _signed(record: anchors.Record | None) -> TypeGuard[anchors.Record]:
    if not isinstance(record, dict) or not isinstance(record.get("sig"), str):
        return False
    if not hmac.compare_digest(record["sig"], anchor_signature(record)):
        return False
    return (
        record.get("v") == ANCHOR_VERSION
        and isinstance(record.get("seal"), int)
        and isinstance(record.get("event"), int)
        and isinstance(record.get("head"), str)
    )


def _reached(
    records: Collection[tuple[str, anchors.Record]], last: AuditSeal | None, store: anchors.AnchorStore
) -> Problem | None:
    seals = AuditSeal.objects.in_bulk([record["seal"] for _, record in records])
    for position, record in records:
        seal = seals.get(record["seal"])
        entry = record["event"]
        when = _when(record.get("sealed_at"))
        if seal is None and (last is None or record["seal"] > last.pk):
            end = f"ends at entry {last.event_id}" if last is not None else "is empty"
            return Problem(
                entry,
                f"entries were removed from the end of the trail: the chain in the database {end}, "
                f"but it reached entry {entry} when sealed at {when} ({position} of the anchor {store})",
            )
        if seal is None or seal.event_id != entry or not hmac.compare_digest(seal.chain_hash, record["head"]):
            return Problem(
                entry,
                f"the chain was rebuilt: it no longer passes through entry {entry} as it did when "
                f"sealed at {when} ({position} of the anchor {store}); entries up to there were "
                "removed or replaced",
            )
    return None


def _when(iso: Any) -> str:
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(iso)).strftime("%d %b %Y %H:%M:%S")
    except (TypeError, ValueError):
        return "an unknown time"


def _describe(event: AuditEvent) -> str:
    when = timezone.localtime(event.at).strftime("%d %b %Y %H:%M:%S")
    return f"{event.get_action_display().lower()} by {event.username or 'nobody signed in'} at {when}"
