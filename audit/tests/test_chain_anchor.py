"""The keyed chain's anchor outside the database, and chains sealed before the chain was keyed
(issue 17, finding 4). The test database runs without the append-only triggers (root
conftest.py), where an attacker with write access to the database stands after dropping
them; they work in raw SQL. Each test anchors to its own file (audit/tests/conftest.py)."""

import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from audit.anchor import AnchorWriteError, FileAnchorStore
from audit.integrity import GENESIS, anchor_signature, chain_hash, check_anchor, record_legacy_end, seal_pending, verify
from audit.models import AuditChainHead, AuditEvent, AuditSeal
from audit.services import record


def later():
    return timezone.now() + datetime.timedelta(minutes=1)


def entries(count, start=0):
    return [record(None, "view", person=n, summary=f"Viewed {n}") for n in range(start, start + count)]


def anchored(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def seal_and_commit(capture, **options):
    """Seal as the sealer does outside a test: the anchor is written once the transaction commits."""
    with capture(execute=True):
        return seal_pending(now=later(), **options)


def remove(cursor, event_ids):
    for event_id in event_ids:
        cursor.execute("DELETE FROM audit_auditseal WHERE event_id = %s", [event_id])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def move_head_to(cursor, event_id):
    cursor.execute("SELECT id, chain_hash FROM audit_auditseal WHERE event_id = %s", [event_id])
    seal_id, chain = cursor.fetchone()
    cursor.execute("UPDATE audit_auditchainhead SET last_seal_id = %s, last_chain_hash = %s", [seal_id, chain])


# --- The anchor ------------------------------------------------------------------------------


def test_the_sealer_anchors_only_heads_the_database_committed(db, anchor_path, django_capture_on_commit_callbacks):
    entries(3)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            assert seal_pending(now=later()) == 3
            raise RuntimeError("the sealing transaction is rolled back")
    assert not anchor_path.exists()
    assert not AuditSeal.objects.exists()

    assert seal_and_commit(django_capture_on_commit_callbacks) == 3
    head = AuditChainHead.objects.get(pk=1)
    [line] = anchored(anchor_path)
    assert (line["seal"], line["event"], line["head"]) == (
        head.last_seal_id,
        head.last_seal.event_id,
        head.last_chain_hash,
    )
    assert line["sig"] == anchor_signature(line)

    # A transaction that has not committed yet (this test's own) anchors nothing.
    entries(2, start=3)
    assert seal_pending(now=later()) == 2
    assert len(anchored(anchor_path)) == 1


def test_each_committed_batch_is_anchored_and_an_intact_trail_reaches_them_all(
    db, anchor_path, django_capture_on_commit_callbacks, capsys
):
    entries(5)
    assert seal_and_commit(django_capture_on_commit_callbacks, batch=2) == 5
    assert [line["event"] for line in anchored(anchor_path)] == list(
        AuditSeal.objects.order_by("id").values_list("event_id", flat=True)
    )[1::2] + [AuditSeal.objects.last().event_id]
    assert check_anchor(FileAnchorStore(anchor_path)) == (3, None)
    call_command("verify_audit", "--no-seal")
    assert "3 anchored end(s) of the chain reached" in capsys.readouterr().out


def test_seal_audit_anchors_the_end_of_a_chain_once(db, anchor_path, django_capture_on_commit_callbacks):
    entries(2)
    seal_pending(now=later())  # committed, say, by a run whose anchor write failed
    assert not anchor_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seal_audit")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seal_audit")
    [line] = anchored(anchor_path)
    assert line["head"] == AuditChainHead.objects.get(pk=1).last_chain_hash


def test_removing_the_last_entries_is_caught_by_the_anchor(db, anchor_path, django_capture_on_commit_callbacks):
    events = entries(4)
    seal_and_commit(django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        # The attacker removes the last two entries and their seals, and moves the end of the chain back.
        move_head_to(cursor, events[1].pk)
        remove(cursor, [events[3].pk, events[2].pk])
    events_checked, links, problem = verify()
    assert (events_checked, links, problem) == (2, 2, None)  # what the database alone can show

    heads, problem = check_anchor(FileAnchorStore(anchor_path))
    assert problem.event_id == events[3].pk
    assert "removed from the end" in problem.message
    assert f"ends at entry {events[1].pk}," in problem.message
    assert f"reached entry {events[3].pk} " in problem.message
    with pytest.raises(CommandError, match=f"removed from the end .* reached entry {events[3].pk} "):
        call_command("verify_audit", "--no-seal", anchor=str(anchor_path))
    with pytest.raises(CommandError, match="removed from the end"):
        call_command("verify_audit", "--no-seal")  # the configured anchor, by default


def test_removing_every_entry_is_caught_by_the_anchor(db, anchor_path, django_capture_on_commit_callbacks):
    events = entries(2)
    seal_and_commit(django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")
        remove(cursor, [event.pk for event in reversed(events)])
    assert verify() == (0, 0, None)
    with pytest.raises(CommandError, match=f"the chain in the database is empty, but it reached entry {events[1].pk} "):
        call_command("verify_audit", "--no-seal")


def test_rebuilding_the_chain_with_the_key_is_caught_by_the_anchor(db, anchor_path, django_capture_on_commit_callbacks):
    events = entries(4)
    seal_and_commit(django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        # An attacker who has the audit key too removes the second entry and makes the links again.
        remove(cursor, [events[1].pk])
        previous = AuditSeal.objects.get(event=events[0]).chain_hash
        for seal in AuditSeal.objects.filter(event_id__gt=events[1].pk).order_by("id"):
            previous = chain_hash(previous, seal.event_id, seal.row_hash)
            cursor.execute("UPDATE audit_auditseal SET chain_hash = %s WHERE id = %s", [previous, seal.pk])
        cursor.execute("UPDATE audit_auditchainhead SET last_chain_hash = %s", [previous])
    assert verify()[2] is None
    _, problem = check_anchor(FileAnchorStore(anchor_path))
    assert problem.event_id == events[3].pk
    assert "the chain was rebuilt" in problem.message
    with pytest.raises(CommandError, match=f"no longer passes through entry {events[3].pk} "):
        call_command("verify_audit", "--no-seal")


def test_a_forged_or_changed_anchor_line_is_caught(db, anchor_path, django_capture_on_commit_callbacks):
    events = entries(2)
    seal_and_commit(django_capture_on_commit_callbacks)
    [good] = anchored(anchor_path)
    # Without the key, a forger can only sign with something else.
    forged = dict(good, seal=good["seal"] + 10, event=events[1].pk + 10, anchored_at="2030-01-01T00:00:00+00:00")
    forged["sig"] = hashlib.sha256(json.dumps(forged, sort_keys=True).encode()).hexdigest()
    with anchor_path.open("a") as file:
        file.write(json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="line 2 of the anchor .* not signed with the audit key"):
        call_command("verify_audit", "--no-seal")

    anchor_path.write_text(json.dumps(dict(good, head="0" * 64)) + "\n")  # a good line, changed
    _, problem = check_anchor(FileAnchorStore(anchor_path))
    assert "line 1 of the anchor" in problem.message
    assert "forged or changed" in problem.message

    anchor_path.write_text(json.dumps(good) + "\n" + '{"seal": 3, "ev')  # a torn line
    _, problem = check_anchor(FileAnchorStore(anchor_path))
    assert "line 2 of the anchor" in problem.message


def test_verify_audit_needs_an_anchor_it_is_pointed_at(db, tmp_path):
    with pytest.raises(CommandError, match="There is no anchor at"):
        call_command("verify_audit", "--no-seal", anchor=str(tmp_path / "missing.jsonl"))


def test_the_file_store_appends_and_never_rewrites(tmp_path):
    store = FileAnchorStore(tmp_path / "deeper" / "anchor.jsonl")
    assert not store.exists()
    assert store.last() is None
    assert list(store.records()) == []
    store.append({"n": 1})
    store.path.write_bytes(store.path.read_bytes() + b'{"n": 2')  # torn by a crash
    store.append({"n": 3})
    assert [record for _, record in store.records()] == [{"n": 1}, None, {"n": 3}]
    assert store.last() == {"n": 3}


# --- Chains sealed before the chain was keyed --------------------------------------------------


def seal_the_old_way(events, previous=GENESIS):
    """Seals as the code before migration 0006 made them: plain SHA-256 links."""
    for event in events:
        previous = hashlib.sha256(f"{previous}|{event.pk}|{event.row_hash}".encode()).hexdigest()
        seal = AuditSeal.objects.create(
            event=event, row_hash=event.row_hash, chain_hash=previous, scheme=AuditSeal.Scheme.SHA256
        )
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_seal": seal, "last_chain_hash": previous, "last_event_at": events[-1].at}
    )


@pytest.fixture
def upgraded_trail(db, django_capture_on_commit_callbacks):
    """Three entries sealed before the upgrade, migration 0006's record of where that chain ends,
    and two entries sealed since, with the keyed rule."""
    old = entries(3)
    seal_the_old_way(old)
    record_legacy_end()
    new = entries(2, start=3)
    assert seal_and_commit(django_capture_on_commit_callbacks) == 2
    return old, new


def test_seals_made_before_the_chain_was_keyed_still_verify(upgraded_trail, capsys):
    old, new = upgraded_trail
    assert [seal.scheme for seal in AuditSeal.objects.order_by("id")] == [1, 1, 1, 2, 2]
    assert verify() == (5, 5, None)
    call_command("verify_audit", "--no-seal")
    assert "1 anchored end(s)" in capsys.readouterr().out


def test_the_part_sealed_before_the_upgrade_cannot_be_rebuilt_without_the_key(upgraded_trail):
    old, new = upgraded_trail
    with connection.cursor() as cursor:
        remove(cursor, [old[1].pk])
        previous = AuditSeal.objects.get(event=old[0]).chain_hash
        previous = hashlib.sha256(f"{previous}|{old[2].pk}|{old[2].row_hash}".encode()).hexdigest()
        cursor.execute("UPDATE audit_auditseal SET chain_hash = %s WHERE event_id = %s", [previous, old[2].pk])
    _, _, problem = verify()
    assert problem.event_id == old[2].pk
    assert "sealed before the upgrade has been changed" in problem.message


def test_removing_the_record_of_the_upgrade_is_caught(upgraded_trail):
    old, new = upgraded_trail
    AuditChainHead.objects.update(legacy_seal_id=None, legacy_event_id=None, legacy_chain_hash="", legacy_mac="")
    _, _, problem = verify()
    assert problem.event_id == old[0].pk
    assert "old unkeyed rule, which this trail never used" in problem.message


def test_moving_the_record_of_the_upgrade_is_caught(upgraded_trail):
    old, new = upgraded_trail
    seal = AuditSeal.objects.get(event=new[0])
    AuditChainHead.objects.update(
        legacy_seal_id=seal.pk, legacy_event_id=seal.event_id, legacy_chain_hash=seal.chain_hash
    )
    _, _, problem = verify()
    assert "not signed with the audit key" in problem.message


def test_keyed_links_turned_into_unkeyed_ones_are_caught(db):
    events = entries(4)
    seal_pending(now=later())
    with connection.cursor() as cursor:
        # The attacker removes an entry, then remakes the later links by the old rule, saying so.
        remove(cursor, [events[1].pk])
        previous = AuditSeal.objects.get(event=events[0]).chain_hash
        for seal in AuditSeal.objects.filter(event_id__gt=events[1].pk).order_by("id"):
            previous = hashlib.sha256(f"{previous}|{seal.event_id}|{seal.row_hash}".encode()).hexdigest()
            cursor.execute("UPDATE audit_auditseal SET chain_hash = %s, scheme = 1 WHERE id = %s", [previous, seal.pk])
        cursor.execute("UPDATE audit_auditchainhead SET last_chain_hash = %s", [previous])
    _, _, problem = verify()
    assert problem.event_id == events[2].pk
    assert "old unkeyed rule, which this trail never used" in problem.message
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_failed_anchor_write_is_reported_and_caught_up_on_the_next_run(settings, tmp_path):
    entries(2)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.AUDIT_ANCHOR = str(blocked / "audit-anchor.jsonl")
    with pytest.raises(AnchorWriteError, match="could not write the end of the audit chain"):
        seal_pending(now=later())
    assert AuditSeal.objects.count() == 2  # the seals are committed all the same
    with pytest.raises(CommandError, match="could not write the end of the audit chain"):
        call_command("seal_audit")

    settings.AUDIT_ANCHOR = str(tmp_path / "audit-anchor.jsonl")
    call_command("seal_audit")
    [line] = anchored(tmp_path / "audit-anchor.jsonl")
    assert line["head"] == AuditChainHead.objects.get(pk=1).last_chain_hash
    call_command("verify_audit")
