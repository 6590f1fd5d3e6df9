"""The audit trail is append-only in the database, and tampering is detected and named."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit import guard
from audit.integrity import seal_pending, verify
from audit.models import AuditEvent, AuditSeal
from audit.services import record


@pytest.fixture
def guarded(db):
    """The append-only triggers, as installed by the migrations (the test run removes them so
    that browser tests can empty the database; they are put back inside this test only)."""
    guard.install(connection)
    yield
    guard.remove(connection)


def later():
    return timezone.now() + datetime.timedelta(minutes=1)


def test_the_database_refuses_to_change_or_remove_audit_rows(guarded):
    event = record(None, "view", summary="Viewed the record")
    seal_pending(now=later())
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(summary="Nothing happened"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditSeal.objects.all().update(chain_hash="0" * 64),
        lambda: AuditSeal.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.get(pk=event.pk).summary == "Viewed the record"


def test_intact_trail_verifies(db):
    for n in range(5):
        record(None, "view", person=n, summary=f"Viewed {n}", detail={"terms": ["a", n]})
    assert seal_pending(now=later()) == 5
    assert seal_pending(now=later()) == 0  # nothing is sealed twice
    events, links, problem = verify()
    assert (events, links, problem) == (5, 5, None)
    call_command("verify_audit")


def test_recent_events_wait_for_the_grace_period_before_sealing(db):
    record(None, "view", summary="Just now")
    assert seal_pending() == 0
    assert seal_pending(now=later()) == 1


def test_an_edited_row_is_detected_and_named(db):
    events = [record(None, "view", person=n, summary=f"Viewed {n}") for n in range(4)]
    seal_pending(now=later())
    # Someone with direct access to the database edits the third entry.
    AuditEvent.objects.filter(pk=events[2].pk).update(summary="Nothing to see")
    _, _, problem = verify()
    assert problem.event_id == events[2].pk
    assert f"entry {events[2].pk}" in problem.message
    assert "changed" in problem.message
    with pytest.raises(CommandError, match=f"entry {events[2].pk}"):
        call_command("verify_audit")


def test_a_removed_sealed_entry_breaks_the_chain(db):
    events = [record(None, "view", person=n, summary=f"Viewed {n}") for n in range(4)]
    seal_pending(now=later())
    AuditSeal.objects.filter(event=events[1]).delete()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    _, _, problem = verify()
    assert problem is not None
    assert problem.event_id == events[2].pk
    assert "chain is broken" in problem.message


def test_a_replaced_entry_with_a_recomputed_row_hash_is_still_caught_by_the_key(db, settings):
    event = record(None, "view", summary="Viewed")
    seal_pending(now=later())
    # Without the key, a forger can only use a plain hash, which does not match.
    import hashlib

    AuditEvent.objects.filter(pk=event.pk).update(summary="Forged", row_hash=hashlib.sha256(b"Forged").hexdigest())
    _, _, problem = verify()
    assert problem.event_id == event.pk


# --- An attacker with write access to the database (issue 17, findings 4 and 7) -------------
# The test database runs without the append-only triggers (see the root conftest.py), which is
# where such an attacker stands after dropping them; they work in raw SQL, as one would.


def _rebuild_chain_with_plain_sha256(cursor, after_event_id):
    """What the attacker can compute without the audit key: the old, unkeyed chain rule, from
    the link before the gap they made onwards (the links before it are left as they were)."""
    import hashlib

    cursor.execute("SELECT id, chain_hash FROM audit_auditseal WHERE event_id = %s", [after_event_id])
    start, previous = cursor.fetchone()
    cursor.execute("SELECT id, event_id, row_hash FROM audit_auditseal WHERE id > %s ORDER BY id", [start])
    for seal_id, event_id, row in cursor.fetchall():
        previous = hashlib.sha256(f"{previous}|{event_id}|{row}".encode()).hexdigest()
        cursor.execute("UPDATE audit_auditseal SET chain_hash = %s WHERE id = %s", [previous, seal_id])
    cursor.execute("UPDATE audit_auditchainhead SET last_chain_hash = %s", [previous])


def test_removing_sealed_entries_and_rebuilding_the_chain_without_the_key_is_detected(db):
    events = [record(None, "view", person=n, summary=f"Viewed {n}") for n in range(4)]
    seal_pending(now=later())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        _rebuild_chain_with_plain_sha256(cursor, after_event_id=events[0].pk)
    _, _, problem = verify()
    assert problem is not None
    assert problem.event_id == events[2].pk
    assert f"chain is broken at entry {events[2].pk}" in problem.message
    with pytest.raises(CommandError, match=f"entry {events[2].pk}"):
        call_command("verify_audit", "--no-seal")


def test_a_removed_entry_whose_seal_was_kept_is_named(db):
    events = [record(None, "view", person=n, summary=f"Viewed {n}") for n in range(4)]
    seal_pending(now=later())
    with connection.cursor() as cursor:
        # The seal's foreign key is checked at commit, which this test never reaches.
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    try:
        _, _, problem = verify()
        assert problem is not None
        assert problem.event_id == events[1].pk
        assert f"entry {events[1].pk} " in problem.message
        assert "removed" in problem.message
        with pytest.raises(CommandError, match=f"entry {events[1].pk} "):
            call_command("verify_audit", "--no-seal")
    finally:
        with connection.cursor() as cursor:
            # Leave no seal without its entry for the test database's constraint check at the end.
            cursor.execute("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
