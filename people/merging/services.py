"""Merging and unmerging people, and keeping what the duplicate checks find. One transaction each.

The rules (issue 20, item 5):

- A merge keeps the survivor's record and consistent identifier. The other record becomes a
  tombstone (``Person.merged_into``) that keeps its own identifiers and names: identifiers are
  never changed or reused. Every other row pointing at it moves to the survivor
  (``people.merging.rows``), and each is recorded, so that an unmerge puts back exactly those.
- Refused: a record with itself; a tombstone on either side; two restricted records; a
  restricted record as the one merged away (keep the restricted one, so that nothing
  restricted is opened to others); an adopted child (a parental responsibility by adoption
  order: the records from before and after the order are kept apart, issue 20, item 6); people
  of different kinds (a child and an adult); and
  anything ``rows.plan`` finds would clash (both care leavers, both with an open period of
  care, linked to each other as relatives...).
- Who decides: a merge is a manager's decision (team managers, front-door managers and heads
  of service of the local authority). Any local-authority case worker may propose one; it then
  waits for a manager's sign-off. A merge of two people who both have statutory involvement
  (``kinds.STATUTORY``), or into a restricted record, waits for the sign-off of a manager other
  than the one who proposed it, even when a manager proposed it. Otherwise a manager's
  proposal is carried out at once.
- Each step is audited; the merge and the unmerge are in both people's chronologies.
- Two merges of overlapping people cannot both succeed: both people are locked (SELECT ... FOR
  UPDATE, in the order of their ids) and checked again under the lock, and a database
  constraint allows one live merge per merged person.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from chronology.services import record_event
from kernel.rules import Errors, RuleBroken, long_date
from partners.access import MANAGERS, is_local_authority_staff

from .. import search
from ..access import Level, levels
from ..models import Identifier, ParentalResponsibility, Person
from . import kinds, rows
from .models import DuplicateCheck, DuplicatePair, MovedRow, PersonMerge
from .signals import duplicate_check_requested

if TYPE_CHECKING:
    from kernel.access import AnyUser
    from partners.models import User


def may_decide(user: AnyUser) -> bool:
    """Whether the user may carry out, sign off and undo merges: a manager of the local authority."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return getattr(user, "role", None) in MANAGERS and is_local_authority_staff(user)


def has_statutory_involvement(person: Person) -> bool:
    """Whether any statutory record (kinds.STATUTORY) names the person."""
    return any(ref.rows(person.pk).exists() for ref in rows.references() if ref.label in kinds.STATUTORY)


@dataclass
class Assessment:
    """What merging ``merged`` into ``survivor`` would do, and whether it may: the plan of the
    rows, the refusals (``errors``), and why a second person must sign it off ("" if not)."""

    plan: rows.Plan
    errors: Errors = field(default_factory=Errors)
    sign_off_because: list[str] = field(default_factory=list)

    @property
    def needs_second_manager(self) -> bool:
        return bool(self.sign_off_because)


def _kind(person: Person) -> str:
    return "an unborn child" if person.is_unborn else f"a {person.get_kind_display().lower()}"


def assess(survivor: Person, merged: Person) -> Assessment:
    """The checks every merge makes (nothing written): on the page before proposing, when
    proposing, and again under the lock when it is carried out."""
    errors = Errors()
    if survivor.pk == merged.pk:
        errors.add("__all__", "A record cannot be merged with itself")
        return Assessment(rows.Plan(survivor, merged), errors)
    for person in (survivor, merged):
        if person.is_tombstone:
            errors.add("__all__", f"The record of {person.full_name} was merged into another record already")
    if survivor.restricted and merged.restricted:
        errors.add(
            "__all__",
            "Both records are restricted. Restricted records are not merged with each other: "
            "ask the people named on the restrictions to correct them.",
        )
    elif merged.restricted:
        errors.add(
            "__all__",
            f"The record of {merged.full_name} is restricted. Keep the restricted record and merge the other "
            "into it, so that nothing restricted is opened to others.",
        )
    adopted = set(
        ParentalResponsibility.objects.filter(
            child_id__in=[survivor.pk, merged.pk], basis=ParentalResponsibility.Basis.ADOPTION
        ).values_list("child_id", flat=True)
    )
    for person in (survivor, merged):
        if person.pk in adopted:
            errors.add(
                "__all__",
                f"{person.full_name} was adopted. The records of an adopted child from before and after the "
                "adoption order are kept apart and never merged: ask the adoption team.",
            )
    if survivor.kind != merged.kind:
        errors.add(
            "__all__",
            f"{merged.full_name} is recorded as {_kind(merged)} and {survivor.full_name} as {_kind(survivor)}: "
            "only two records of the same kind of person can be merged.",
        )
    if errors:
        return Assessment(rows.Plan(survivor, merged), errors)
    planned = rows.plan(survivor, merged)
    for problem in planned.problems:
        errors.add("__all__", problem)
    because = []
    if has_statutory_involvement(survivor) and has_statutory_involvement(merged):
        because.append("both have statutory involvement")
    if survivor.restricted:
        because.append("the record to keep is restricted")
    return Assessment(planned, errors, because)


def _lock(*people: Person) -> list[Person]:
    """The people again, locked for the rest of the transaction, in the order of their ids (so
    that two merges of overlapping people wait for each other rather than deadlock)."""
    ids = sorted({p.pk for p in people})
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [locked[p.pk] for p in people]


def _check_may_see(errors: Errors, user: AnyUser, *people: Person) -> None:
    found = levels(user, list(people))
    if any(found[p.pk] < Level.FULL for p in people):
        errors.add("__all__", "You may only merge records you may see in full")


def _waiting_for(merged: Person) -> PersonMerge | None:
    return PersonMerge.objects.filter(merged=merged, status=PersonMerge.Status.PROPOSED).first()


@transaction.atomic
def propose_merge(
    user: User,
    survivor: Person,
    merged: Person,
    *,
    reason: str,
    pair: DuplicatePair | None = None,
) -> PersonMerge:
    """Propose merging ``merged`` into ``survivor``. A manager's proposal that needs no second
    manager is carried out at once; any other waits for a manager's sign-off."""
    survivor, merged = _lock(survivor, merged)
    assessed = assess(survivor, merged)
    errors = assessed.errors
    reason = reason.strip()
    if not reason:
        errors.add("reason", "Enter why these two records are the same person")
    if survivor.pk != merged.pk:
        _check_may_see(errors, user, survivor, merged)
        waiting = _waiting_for(merged)
        if waiting is not None:
            errors.add(
                "__all__",
                f"A merge of the record of {merged.full_name} is waiting for sign-off already: sign it off or "
                "decline it first",
            )
    errors.raise_if_any()
    because = list(assessed.sign_off_because)
    if not may_decide(user):
        because.append("it was proposed by someone who is not a manager")
    now = timezone.now()
    merge = PersonMerge.objects.create(
        survivor=survivor,
        merged=merged,
        reason=reason,
        pair=pair,
        sign_off_because="; ".join(because),
        proposed_by=user,
        proposed_at=now,
    )
    audit.record(
        user,
        "create",
        obj=merge,
        person=survivor,
        summary="Proposed merging two records of one person",
        detail={"survivor": survivor.pk, "merged": merged.pk, "sign_off_because": merge.sign_off_because},
        reason=reason,
    )
    if not because:
        _carry_out(user, merge, assessed.plan, now=now)
    return merge


@transaction.atomic
def merge_people(
    user: User, survivor: Person, merged: Person, *, reason: str, pair: DuplicatePair | None = None
) -> PersonMerge:
    """Merge ``merged`` into ``survivor`` now (a manager, when no second manager need sign it
    off); refused, with nothing written, when it must wait for a sign-off."""
    merge = propose_merge(user, survivor, merged, reason=reason, pair=pair)
    if merge.waiting:
        raise RuleBroken(f"This merge must be signed off by another manager: {merge.sign_off_because}")
    return merge


def _locked_merge(merge: PersonMerge) -> PersonMerge:
    return PersonMerge.objects.select_for_update().get(pk=merge.pk)


@transaction.atomic
def sign_off_merge(user: User, merge: PersonMerge, *, note: str = "") -> PersonMerge:
    """A manager other than the proposer signs off a proposed merge, which is then carried out
    (every check is made again: the records may have changed since it was proposed)."""
    merge = _locked_merge(merge)
    errors = Errors()
    if merge.status != PersonMerge.Status.PROPOSED:
        errors.add("__all__", f"This merge is not waiting for sign-off: it is {merge.get_status_display().lower()}")
    if not may_decide(user):
        errors.add("__all__", "Only a manager may sign off a merge")
    if merge.proposed_by_id == user.pk:
        errors.add("__all__", "A merge is signed off by someone other than the person who proposed it")
    errors.raise_if_any()
    survivor, merged = _lock(merge.survivor, merge.merged)
    assessed = assess(survivor, merged)
    _check_may_see(assessed.errors, user, survivor, merged)
    assessed.errors.raise_if_any()
    merge.decided_by, merge.decided_at, merge.decision_note = user, timezone.now(), note.strip()
    audit.record(
        user,
        "update",
        obj=merge,
        person=survivor,
        summary="Signed off merging two records of one person",
        detail={"survivor": survivor.pk, "merged": merged.pk, "proposed_by": merge.proposed_by_id},
        reason=merge.decision_note,
    )
    _carry_out(user, merge, assessed.plan, now=merge.decided_at)
    return merge


@transaction.atomic
def decline_merge(user: User, merge: PersonMerge, *, note: str) -> PersonMerge:
    """A manager declines a proposed merge (or its proposer withdraws it), saying why."""
    merge = _locked_merge(merge)
    errors = Errors()
    if merge.status != PersonMerge.Status.PROPOSED:
        errors.add("__all__", f"This merge is not waiting for sign-off: it is {merge.get_status_display().lower()}")
    if not may_decide(user) and merge.proposed_by_id != user.pk:
        errors.add("__all__", "Only a manager, or the person who proposed it, may decline a merge")
    if not note.strip():
        errors.add("note", "Enter why the merge is not signed off")
    errors.raise_if_any()
    merge.status = PersonMerge.Status.DECLINED
    merge.decided_by, merge.decided_at, merge.decision_note = user, timezone.now(), note.strip()
    merge.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        user,
        "update",
        obj=merge,
        person=merge.survivor_id,
        summary="Declined merging two records",
        detail={"survivor": merge.survivor_id, "merged": merge.merged_id},
        reason=merge.decision_note,
    )
    return merge


def _rows_digest(merge: PersonMerge) -> str:
    """A digest of exactly which rows moved, kept in the (tamper-evident) audit entry."""
    lines = sorted(
        f"{model}:{object_id}:{field_name}:{old}:{new}:{int(moved)}"
        for model, object_id, field_name, old, new, moved in merge.rows.values_list(
            "model", "object_id", "field", "old_value", "new_value", "moved"
        )
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def summary_of(counts: dict[str, int]) -> list[str]:
    """{"familyhelp.assessment": 2, ...} in words, the largest first: ["2 assessments", ...]."""
    return [kinds.words(label, count) for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _identifier_words(person: Person) -> str:
    ci = person.identifiers.filter(id_type=Identifier.Type.CONSISTENT).values_list("value", flat=True).first()
    return f" (consistent identifier {ci})" if ci else ""


def _carry_out(user: User, merge: PersonMerge, planned: rows.Plan, *, now: datetime.datetime) -> None:
    survivor, merged = planned.survivor, planned.merged
    rows.carry_out(merge, planned)
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor, updated_at=now)
    merged.merged_into = survivor
    merge.status, merge.merged_at = PersonMerge.Status.MERGED, now
    merge.moved, merge.kept = planned.moved_counts, planned.kept_counts
    merge.save()
    search.index_person(survivor)
    _close_pairs(user, merge, now)
    moved_words = summary_of(merge.moved)
    who = f"Proposed by {merge.proposed_by}" + (f", signed off by {merge.decided_by}" if merge.decided_by_id else "")
    detail = f"{who}. Moved: {', '.join(moved_words) if moved_words else 'nothing'}. Reason: {merge.reason}"
    record_event(
        survivor,
        "record-merged",
        now,
        f"Record of {merged.full_name}{_identifier_words(merged)} merged into this record",
        detail=detail,
        source=merge,
        recorded_by=user,
    )
    record_event(
        merged,
        "record-merged",
        now,
        f"Merged into the record of {survivor.full_name}{_identifier_words(survivor)}",
        detail=detail,
        source=merge,
        recorded_by=user,
    )
    audit.record_change(
        user, merged, {"merged_into": (None, survivor.pk)}, person=merged, summary="Merged into another record"
    )
    audit.record(
        user,
        "update",
        obj=merge,
        person=survivor,
        summary="Merged two records of one person",
        detail={
            "survivor": survivor.pk,
            "merged": merged.pk,
            "moved": merge.moved,
            "kept": merge.kept,
            "rows": merge.rows.count(),
            "rows_sha256": _rows_digest(merge),
            "proposed_by": merge.proposed_by_id,
            "signed_off_by": merge.decided_by_id,
        },
        reason=merge.reason,
    )


def _close_pairs(user: User, merge: PersonMerge, now: datetime.datetime) -> None:
    """The likely-duplicate pair of the two is merged; other pairs naming the tombstone are no
    longer found (the next check finds them again against the survivor, if they still are)."""
    first, second = sorted((merge.survivor_id, merge.merged_id))
    DuplicatePair.objects.filter(first_id=first, second_id=second).exclude(status=DuplicatePair.Status.MERGED).update(
        status=DuplicatePair.Status.MERGED, decided_by=user, decided_at=now, reason=merge.reason
    )
    DuplicatePair.objects.filter(
        Q(first_id=merge.merged_id) | Q(second_id=merge.merged_id), status=DuplicatePair.Status.OPEN
    ).update(status=DuplicatePair.Status.GONE, decided_at=now, reason="One of the two was merged into another record")


@transaction.atomic
def unmerge_people(user: User, merge: PersonMerge, *, reason: str) -> PersonMerge:
    """Undo a merge: every row it moved and that still points at the survivor goes back to the
    merged person, who is a live record again with their own identifiers and names. Rows made
    since the merge stay with the survivor. A row the merge moved that was deleted or pointed
    elsewhere since is listed on the merge (``not_restored``). Refused while the survivor is
    itself merged into a later record: undo that merge first."""
    merge = _locked_merge(merge)
    errors = Errors()
    if merge.status != PersonMerge.Status.MERGED:
        errors.add(
            "__all__",
            f"Only a merge that was carried out can be undone: this one is {merge.get_status_display().lower()}",
        )
    if not may_decide(user):
        errors.add("__all__", "Only a manager may undo a merge")
    if not reason.strip():
        errors.add("reason", "Enter why the merge is being undone")
    errors.raise_if_any()
    survivor, merged = _lock(merge.survivor, merge.merged)
    if survivor.is_tombstone:
        later = PersonMerge.objects.filter(merged=survivor, status=PersonMerge.Status.MERGED).first()
        errors.add(
            "__all__",
            f"The record of {survivor.full_name} was merged into another record afterwards"
            + (f" (merge {later.pk})" if later else "")
            + ": undo that merge first",
        )
    if merged.merged_into_id != survivor.pk:
        errors.add("__all__", f"The record of {merged.full_name} is not merged into {survivor.full_name}'s")
    _check_may_see(errors, user, survivor)
    errors.raise_if_any()
    now = timezone.now()
    outcome = rows.restore(merge, merge.rows.all())
    MovedRow.objects.filter(pk__in=outcome.restored).update(restored_at=now)
    Person.objects.filter(pk=merged.pk).update(merged_into=None, updated_at=now)
    merged.merged_into = None
    merge.status = PersonMerge.Status.UNMERGED
    merge.unmerged_by, merge.unmerged_at, merge.unmerge_reason = user, now, reason.strip()
    merge.not_restored = outcome.not_restored
    merge.save()
    search.index_person(survivor)
    search.index_person(merged)
    if merge.pair_id:
        DuplicatePair.objects.filter(pk=merge.pair_id, status=DuplicatePair.Status.MERGED).update(
            status=DuplicatePair.Status.OPEN, decided_by=None, decided_at=None, reason=""
        )
    detail = f"Undone by {user}. Reason: {merge.unmerge_reason}"
    if outcome.not_restored:
        detail += f". {len(outcome.not_restored)} records moved by the merge were changed or deleted since and stay"
    for person in (survivor, merged):
        record_event(
            person,
            "record-unmerged",
            now,
            f"Merge of the records of {merged.full_name} and {survivor.full_name} undone",
            detail=detail,
            source=merge,
            recorded_by=user,
        )
    audit.record_change(
        user, merged, {"merged_into": (survivor.pk, None)}, person=merged, summary="Merge undone: a record again"
    )
    audit.record(
        user,
        "update",
        obj=merge,
        person=survivor,
        summary="Undid a merge of two records",
        detail={
            "survivor": survivor.pk,
            "merged": merged.pk,
            "restored": len(outcome.restored),
            "not_restored": outcome.not_restored,
        },
        reason=merge.unmerge_reason,
    )
    return merge


# --- The duplicate checks (linkage.dedupe runs them) -----------------------------------------


@dataclass(frozen=True)
class FoundPair:
    """Two people a check found likely to be one: ids in either order, the match weight and
    probability, each comparison's weight, and the guards that fired."""

    one: int
    other: int
    match_weight: float
    match_probability: float
    weights: dict[str, float]
    guards: Sequence[str] = ()


@transaction.atomic
def request_duplicate_check(user: AnyUser | None, *, queue: bool = True) -> DuplicateCheck:
    """A check of the whole person index for likely duplicates, waiting for the worker (put on
    the task queue by linkage.dedupe once committed, unless the caller runs it itself)."""
    requested_by = cast("User | None", user if getattr(user, "is_authenticated", False) else None)
    check = DuplicateCheck.objects.create(requested_by=requested_by)
    audit.record(user, "create", obj=check, summary="Asked for a check of the person index for duplicates")
    if queue:
        transaction.on_commit(lambda: duplicate_check_requested.send(sender=DuplicateCheck, check_id=check.pk))
    return check


def check_waiting() -> DuplicateCheck | None:
    """A check asked for and not finished yet (one at a time is enough)."""
    return DuplicateCheck.objects.filter(
        status__in=[DuplicateCheck.Status.WAITING, DuplicateCheck.Status.RUNNING]
    ).first()


def claim_duplicate_check(check_id: int) -> DuplicateCheck | None:
    """The check, now running, unless another worker has it (or it has run)."""
    with transaction.atomic():
        claimed = DuplicateCheck.objects.filter(pk=check_id, status=DuplicateCheck.Status.WAITING).update(
            status=DuplicateCheck.Status.RUNNING, started_at=timezone.now()
        )
    return DuplicateCheck.objects.get(pk=check_id) if claimed else None


def fail_duplicate_check(check_id: int, error: str) -> None:
    DuplicateCheck.objects.filter(pk=check_id).update(
        status=DuplicateCheck.Status.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


@transaction.atomic
def keep_duplicate_pairs(
    check: DuplicateCheck, found: Iterable[FoundPair], *, model_version: int | None, counts: dict[str, int]
) -> DuplicateCheck:
    """Keep what a check found, for managers to review. A pair already decided (merged, or
    not the same person) is left as it was; an open pair gets the new weights; an open pair
    not found again is closed as no longer found. Nothing is merged."""
    now = timezone.now()
    found = list(found)
    existing = {
        (pair.first_id, pair.second_id): pair
        for pair in DuplicatePair.objects.select_for_update().filter(
            status__in=[DuplicatePair.Status.OPEN, DuplicatePair.Status.GONE]
        )
    }
    decided = set(
        DuplicatePair.objects.filter(
            status__in=[DuplicatePair.Status.MERGED, DuplicatePair.Status.NOT_DUPLICATES]
        ).values_list("first_id", "second_id")
    )
    new, changed, seen = [], [], set()
    for row in found:
        key = (min(row.one, row.other), max(row.one, row.other))
        if key in seen or key[0] == key[1]:
            continue
        seen.add(key)
        values: dict[str, Any] = {
            "found_by": check,
            "found_at": now,
            "match_weight": row.match_weight,
            "match_probability": row.match_probability,
            "weights": row.weights,
            "guards": list(row.guards),
        }
        if key in decided:
            continue
        if key in existing:
            pair = existing[key]
            for name, value in values.items():
                setattr(pair, name, value)
            pair.status, pair.reason, pair.decided_at = DuplicatePair.Status.OPEN, "", None
            changed.append(pair)
        else:
            new.append(DuplicatePair(first_id=key[0], second_id=key[1], **values))
    DuplicatePair.objects.bulk_create(new, batch_size=2000)
    fields = ["found_by", "found_at", "match_weight", "match_probability", "weights", "guards", "status", "reason"]
    DuplicatePair.objects.bulk_update(changed, [*fields, "decided_at"], batch_size=2000)
    gone = [pair.pk for key, pair in existing.items() if key not in seen and pair.status == DuplicatePair.Status.OPEN]
    DuplicatePair.objects.filter(pk__in=gone).update(
        status=DuplicatePair.Status.GONE, decided_at=now, reason="Not found by the latest check"
    )
    check.status, check.finished_at, check.model_version = DuplicateCheck.Status.FINISHED, now, model_version
    check.counts = {**counts, "new": len(new), "found_again": len(changed), "no_longer_found": len(gone)}
    check.save(update_fields=["status", "finished_at", "model_version", "counts"])
    audit.record(
        None,
        "create",
        obj=check,
        summary="Checked the person index for duplicates",
        detail={"counts": check.counts, "model_version": model_version},
    )
    return check


@transaction.atomic
def dismiss_pair(user: User, pair: DuplicatePair, *, reason: str) -> DuplicatePair:
    """A reviewer says the two are not the same person: the checks do not propose them again."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    errors = Errors()
    if pair.status != DuplicatePair.Status.OPEN:
        errors.add("__all__", f"These two are not waiting for review: {pair.get_status_display().lower()}")
    if not may_decide(user):
        errors.add("__all__", "Only a manager may record that two likely duplicates are different people")
    if not reason.strip():
        errors.add("reason", "Enter how you know they are not the same person")
    errors.raise_if_any()
    pair.status, pair.decided_by, pair.decided_at, pair.reason = (
        DuplicatePair.Status.NOT_DUPLICATES,
        user,
        timezone.now(),
        reason.strip(),
    )
    pair.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    for person_id in (pair.first_id, pair.second_id):
        audit.record(
            user,
            "update",
            obj=pair,
            person=person_id,
            summary="Recorded two likely duplicates as different people",
            reason=pair.reason,
        )
    return pair


def merged_on(merge: PersonMerge) -> str:
    return long_date(merge.merged_at) if merge.merged_at else ""
