"""The generic row move: every row of any app that points at the merged person is moved to the
survivor, and recorded so that an unmerge puts back exactly those rows.

The person index is below every app that records something about a person, so it cannot import
them. It walks Django's model registry instead: each foreign key (and one-to-one field) to
``Person`` on any model, including the through tables of many-to-many fields, is a
``Reference``. Each is found at run time, so a model added later moves with the rest without a
change here.

What does not move (``kinds.NEVER_MOVED``): identifiers and names (they stay with the record
they were given to: identifiers are never changed or reused), the search keys made from the
names (made again), breaks of the glass, and the merge records themselves. References that are
not foreign keys are left as they are, on purpose: the audit trail's ``person_id`` (append-only
and tamper-evident: never rewritten) and generic references (a chronology entry's source) name
the record as it was, and a tombstone's page leads to the survivor.

Before anything is written, ``plan`` finds what would clash:

- a one-to-one field, or a unique constraint on the person alone, that the survivor holds
  already (both are care leavers): refused;
- a unique constraint across the person and other columns (one row per person per contact,
  per conference...) that the survivor holds already with the same other values: the merged
  person's row stays with the tombstone when the kind may stay (``kinds.MAY_STAY``: a fact held
  twice, a list naming both), otherwise refused;
- a partial unique constraint (one open missing episode per child) both hold: refused;
- a row that links the two people to each other (a relationship, parental responsibility, an
  exploitation link between them): refused, since it would link the survivor to themselves and
  says the two are different people;
- a record a person may hold only one of at a time that both hold open (``kinds.ONE_OPEN``: a
  child-in-need episode, a child protection plan, a period of care): refused.

The move is then one UPDATE per reference, in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django.db.models import ForeignObjectRel, Model, Q

from ..models import Person
from . import kinds
from .models import MovedRow, PersonMerge


@dataclass(frozen=True)
class Reference:
    """A foreign key (or one-to-one field) to Person on some model."""

    model: type[Model]
    field: models.ForeignKey[Any, Any]

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    @property
    def attname(self) -> str:
        return str(self.field.attname)

    @property
    def unique(self) -> bool:
        return bool(self.field.unique)

    def rows(self, person_id: int) -> models.QuerySet[Any]:
        # The base manager: every row, whatever a default manager would filter out.
        return self.model._base_manager.filter(**{self.attname: person_id})


def references() -> list[Reference]:
    """Every foreign key to Person in the model registry, but those that never move."""
    found = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue  # a many-to-many is moved through its through table's foreign key
        model = relation.related_model
        if not isinstance(model, type) or not issubclass(model, Model):
            continue
        if model._meta.label_lower in kinds.NEVER_MOVED or model._meta.proxy or not model._meta.managed:
            continue
        found.append(Reference(model, cast("models.ForeignKey[Any, Any]", relation.field)))
    return sorted(found, key=lambda ref: (ref.label, ref.attname))


def _unique_sets(ref: Reference) -> list[tuple[str, tuple[str, ...], Q | None]]:
    """(name, the other fields, condition) of each unique constraint that includes the field."""
    found: list[tuple[str, tuple[str, ...], Q | None]] = []
    meta = ref.model._meta
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and ref.field.name in (constraint.fields or ()):
            others = tuple(name for name in constraint.fields if name != ref.field.name)
            found.append((constraint.name, others, constraint.condition))
    for together in meta.unique_together:
        if ref.field.name in together:
            others = tuple(name for name in together if name != ref.field.name)
            found.append(("unique together", others, None))
    return found


@dataclass
class Plan:
    """What a merge would do: the rows to move and to leave with the tombstone, by reference,
    and the problems that refuse it (in words)."""

    survivor: Person
    merged: Person
    moves: dict[Reference, list[Any]] = field(default_factory=dict)
    stays: dict[Reference, list[Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Whether the rows were planned (False when the merge was refused before: a record with
    # itself, a tombstone, restricted records, different kinds).
    planned: bool = False

    def counts(self, rows: dict[Reference, list[Any]]) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for ref, pks in rows.items():
            totals[ref.label] += len(pks)
        return dict(sorted(totals.items()))

    @property
    def moved_counts(self) -> dict[str, int]:
        return self.counts(self.moves)

    @property
    def kept_counts(self) -> dict[str, int]:
        return self.counts(self.stays)


def _problem(plan: Plan, message: str) -> None:
    if message not in plan.problems:
        plan.problems.append(message)


def _both(plan: Plan) -> str:
    return f"{plan.merged.full_name} and {plan.survivor.full_name}"


def _check_unique(plan: Plan, ref: Reference, pks: list[Any]) -> set[Any]:
    """The rows (of `pks`) that stay with the tombstone; problems for the clashes that refuse."""
    stay: set[Any] = set()
    survivor = plan.survivor.pk
    one = kinds.words(ref.label, 1, ref.model).removeprefix("1 ")
    if ref.unique and ref.rows(survivor).exists():
        if ref.label in kinds.MAY_STAY:
            return set(pks)
        _problem(plan, f"{_both(plan)} both have a {one}, and a person has only one. Correct one of them first.")
        return stay
    for name, others, condition in _unique_sets(ref):
        held = ref.rows(survivor)
        theirs = ref.model._base_manager.filter(pk__in=pks)
        if condition is not None:
            held, theirs = held.filter(condition), theirs.filter(condition)
        if not others:
            if held.exists() and theirs.exists():
                what = kinds.CONSTRAINT_WORDS.get(name, f"a {one} that a person may hold only one of")
                _problem(plan, f"{_both(plan)} both have {what}. End or correct one of them first.")
            continue
        keys = set(held.values_list(*others))
        clashing = [row[0] for row in theirs.values_list("pk", *others) if tuple(row[1:]) in keys]
        if not clashing:
            continue
        if condition is None and ref.label in kinds.MAY_STAY:
            stay.update(clashing)
        else:
            what = kinds.CONSTRAINT_WORDS.get(name, f"a {one} that names them both")
            _problem(plan, f"{_both(plan)} both have {what}. Correct it first: a person cannot hold it twice.")
    return stay


def _check_links(plan: Plan, refs: Sequence[Reference]) -> None:
    """Refuse when a row links the two people to each other (through two references to Person
    on one model)."""
    by_model: dict[type[Model], list[Reference]] = defaultdict(list)
    for ref in refs:
        by_model[ref.model].append(ref)
    survivor, merged = plan.survivor.pk, plan.merged.pk
    for model, model_refs in by_model.items():
        if len(model_refs) < 2:
            continue
        linked = Q()
        for one in model_refs:
            for other in model_refs:
                if one is not other:
                    linked |= Q(**{one.attname: merged, other.attname: survivor})
        if model._base_manager.filter(linked).exists():
            one_word = kinds.words(model._meta.label_lower, 1, model).removeprefix("1 ")
            _problem(
                plan,
                f"{_both(plan)} are linked to each other by a {one_word}: two people recorded as related "
                "are not one person. If the link is wrong, end or correct it first.",
            )


def _check_one_open(plan: Plan) -> None:
    for label, (open_field, what) in kinds.ONE_OPEN.items():
        model = kinds.model_of(label)
        if model is None:
            continue
        person_fields = [ref.attname for ref in references() if ref.model is model]
        for attname in person_fields:
            rows = model._base_manager.filter(**{f"{open_field}__isnull": True})
            if (
                rows.filter(**{attname: plan.survivor.pk}).exists()
                and rows.filter(**{attname: plan.merged.pk}).exists()
            ):
                _problem(plan, f"{_both(plan)} both have {what}. End one of them first: a child has one at a time.")


def plan(survivor: Person, merged: Person) -> Plan:
    """What merging `merged` into `survivor` would move, keep and clash on (nothing written)."""
    found = Plan(survivor, merged, planned=True)
    refs = references()
    _check_links(found, refs)
    _check_one_open(found)
    for ref in refs:
        pks = list(ref.rows(merged.pk).values_list("pk", flat=True))
        if not pks:
            continue
        stay = _check_unique(found, ref, pks)
        moving = [pk for pk in pks if pk not in stay]
        if moving:
            found.moves[ref] = moving
        if stay:
            found.stays[ref] = sorted(stay, key=str)
    return found


def carry_out(merge: PersonMerge, planned: Plan) -> None:
    """Move the planned rows and record each (the caller holds the transaction and the locks)."""
    survivor, merged = planned.survivor.pk, planned.merged.pk
    records = []
    for ref, pks in planned.moves.items():
        records += [
            MovedRow(
                merge=merge, model=ref.label, object_id=str(pk), field=ref.attname, old_value=merged, new_value=survivor
            )
            for pk in pks
        ]
    for ref, pks in planned.stays.items():
        records += [
            MovedRow(
                merge=merge,
                model=ref.label,
                object_id=str(pk),
                field=ref.attname,
                old_value=merged,
                new_value=merged,
                moved=False,
            )
            for pk in pks
        ]
    MovedRow.objects.bulk_create(records, batch_size=2000)
    for ref, pks in planned.moves.items():
        for start in range(0, len(pks), 2000):
            ref.model._base_manager.filter(pk__in=pks[start : start + 2000], **{ref.attname: merged}).update(
                **{ref.attname: survivor}
            )


@dataclass
class Restored:
    restored: list[int] = field(default_factory=list)  # the MovedRow ids put back
    not_restored: list[dict[str, str]] = field(default_factory=list)


def restore(merge: PersonMerge, moved: Iterable[MovedRow]) -> Restored:
    """Put back the rows a merge moved: each row still pointing where the merge put it goes back
    to the merged person. A row deleted since, or pointed elsewhere since, is listed instead."""
    outcome = Restored()
    groups: dict[tuple[str, str, int, int], list[MovedRow]] = defaultdict(list)
    for row in moved:
        if row.moved and row.restored_at is None:
            groups[(row.model, row.field, row.old_value, row.new_value)].append(row)
    for (label, attname, old_value, new_value), rows in sorted(groups.items()):
        model = kinds.model_of(label)
        if model is None:
            outcome.not_restored += [
                {"model": label, "id": r.object_id, "field": attname, "why": "the kind of record no longer exists"}
                for r in rows
            ]
            continue
        pk_field = model._meta.pk
        assert pk_field is not None
        by_pk = {pk_field.to_python(r.object_id): r for r in rows}
        still = set(model._base_manager.filter(pk__in=list(by_pk), **{attname: new_value}).values_list("pk", flat=True))
        there = set(model._base_manager.filter(pk__in=list(by_pk)).values_list("pk", flat=True))
        if still:
            model._base_manager.filter(pk__in=list(still), **{attname: new_value}).update(**{attname: old_value})
            outcome.restored += [row.pk for pk, row in by_pk.items() if pk in still]
        for pk, row in by_pk.items():
            if pk not in still:
                why = "changed since the merge" if pk in there else "deleted since the merge"
                outcome.not_restored.append({"model": label, "id": row.object_id, "field": attname, "why": why})
    return outcome
