"""Reads about merges and likely duplicates, for the pages, and ``live_ids`` for everyone who
finds people by an identifier (a tombstone keeps its identifiers: a look-up that lands on it
must go on to the record it was merged into)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from ..access import Level, levels, shown_filter
from ..models import Identifier, Person, PersonName
from . import kinds, rows
from .models import DuplicateCheck, DuplicatePair, MovedRow, PersonMerge

if TYPE_CHECKING:
    from kernel.access import AnyUser


def live_ids(ids: Iterable[int]) -> dict[int, int]:
    """{id: the id of the live record}: each id itself, or for a tombstone the record it was
    merged into (always a live one: see Person.merged_into). One query, none for no ids."""
    ids = list(ids)
    if not ids:
        return {}
    merged = dict(Person.objects.filter(pk__in=ids, merged_into__isnull=False).values_list("pk", "merged_into_id"))
    return {pk: merged.get(pk, pk) for pk in ids}


def live_people(ids: Iterable[int]) -> list[int]:
    """The ids of the live records of these people, in order, each once."""
    return list(dict.fromkeys(live_ids(ids).values()))


def merged_records(person: Person) -> list[Person]:
    """The tombstones merged into this person, with their identifiers and names, oldest first."""
    return list(
        Person.objects.filter(merged_into=person)
        .prefetch_related(
            Prefetch("identifiers", queryset=Identifier.objects.order_by("id_type", "-valid_from")),
            Prefetch("names", queryset=PersonName.objects.order_by("name_type", "pk")),
        )
        .order_by("pk")
    )


def merge_of(tombstone: Person) -> PersonMerge | None:
    """The merge that made this person a tombstone."""
    return (
        PersonMerge.objects.filter(merged=tombstone, status=PersonMerge.Status.MERGED)
        .select_related("survivor", "proposed_by", "decided_by")
        .first()
    )


def _both_shown(user: AnyUser) -> Q:
    return shown_filter(user, "first") & shown_filter(user, "second")


def open_pairs(user: AnyUser, limit: int = 200) -> list[DuplicatePair]:
    """Likely duplicates waiting for review, the most likely first: both people live and both
    may be named to the user. A manager sees every pair (names and dates of birth, as the
    index shows them to case staff); others only the pairs whose records they see both in full."""
    from .services import may_decide

    found = list(
        DuplicatePair.objects.filter(
            _both_shown(user),
            status=DuplicatePair.Status.OPEN,
            first__merged_into__isnull=True,
            second__merged_into__isnull=True,
        )
        .select_related("first", "second")
        .order_by("-match_weight", "id")[: limit * 4 if not may_decide(user) else limit]
    )
    if may_decide(user):
        return found
    seen = levels(user, [p for pair in found for p in (pair.first, pair.second)])
    return [pair for pair in found if seen[pair.first_id] == seen[pair.second_id] == Level.FULL][:limit]


def merges_waiting(user: AnyUser) -> list[PersonMerge]:
    """Proposed merges waiting for sign-off, about people the user may be named."""
    return list(
        PersonMerge.objects.filter(
            shown_filter(user, "survivor"), shown_filter(user, "merged"), status=PersonMerge.Status.PROPOSED
        )
        .select_related("survivor", "merged", "proposed_by")
        .order_by("proposed_at", "id")[:200]
    )


def recent_merges(user: AnyUser, limit: int = 50) -> list[PersonMerge]:
    """Merges carried out, declined or undone, latest first, about people the user may be named."""
    return list(
        PersonMerge.objects.filter(shown_filter(user, "survivor"), shown_filter(user, "merged"))
        .exclude(status=PersonMerge.Status.PROPOSED)
        .select_related("survivor", "merged", "proposed_by", "decided_by", "unmerged_by")
        .order_by("-proposed_at", "-id")[:limit]
    )


def latest_check() -> DuplicateCheck | None:
    return DuplicateCheck.objects.order_by("-id").first()


def pair_of(first: Person, second: Person) -> DuplicatePair | None:
    low, high = sorted((first.pk, second.pk))
    return DuplicatePair.objects.filter(first_id=low, second_id=high).first()


@dataclass(frozen=True)
class KindCount:
    label: str
    words: str
    count: int


def moved_rows(merge: PersonMerge) -> list[tuple[str, list[MovedRow]]]:
    """The rows a merge moved (or left with the tombstone), by kind in words."""
    grouped: dict[str, list[MovedRow]] = {}
    for row in merge.rows.order_by("model", "field", "id"):
        grouped.setdefault(row.model, []).append(row)
    return [(kinds.words(label, len(found)), found) for label, found in grouped.items()]


def counts_of(counts: dict[str, int]) -> list[KindCount]:
    """A merge's counts by kind, in words, the largest first."""
    return [
        KindCount(label, kinds.words(label, count), count)
        for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def holdings(person: Person) -> list[KindCount]:
    """What records name the person, by kind, in words: one count per kind of record."""
    totals: dict[str, int] = {}
    for ref in rows.references():
        if ref.label == "people.person":
            continue
        count = ref.rows(person.pk).count()
        if count:
            totals[ref.label] = totals.get(ref.label, 0) + count
    return counts_of(totals)


def holdings_in(plan: rows.Plan) -> list[KindCount]:
    """What records name the person to merge, by kind, from the plan of the merge (no query):
    those that would move and those that would stay. Empty when the merge is refused before it
    is planned (the page then counts them itself)."""
    if not plan.planned:
        return holdings(plan.merged)
    totals = dict(plan.moved_counts)
    for label, count in plan.kept_counts.items():
        totals[label] = totals.get(label, 0) + count
    totals.pop("people.person", None)
    return counts_of(totals)


def proposals_for(person: Person) -> QuerySet[PersonMerge]:
    """Merges waiting for sign-off that name the person on either side."""
    return PersonMerge.objects.filter(
        Q(survivor=person) | Q(merged=person), status=PersonMerge.Status.PROPOSED
    ).select_related("survivor", "merged")


@dataclass(frozen=True)
class MergedNotice:
    """What the record says to someone sent there from a record merged into it."""

    tombstone: Person
    merge: PersonMerge | None
    unsaved: bool


def merged_notice(person: Person, merged_from: str, unsaved: bool) -> MergedNotice | None:
    """The notice "This record was merged into ..." when the user asked for a record merged
    into this one (the merging middleware sends them here with ``?merged_from=``)."""
    if not merged_from.isdigit():
        return None
    tombstone = Person.objects.filter(pk=int(merged_from), merged_into=person).first()
    if tombstone is None:
        return None
    return MergedNotice(tombstone, merge_of(tombstone), unsaved)


# The linkage model's comparisons (linkage.scoring.COMPARISONS) and guards, in words.
COMPARISON_WORDS = {
    "first_name": "First name",
    "family_name": "Family name",
    "dob": "Date of birth",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number (UPN)",
    "sex": "Sex",
    "prior": "How likely any two records are one person (the starting point)",
}
GUARD_WORDS = {
    "placeholder": 'One of them is unborn or has a name that stands in for one ("Baby", "Unknown")',
    "first_name": "Their first names are different, or only loosely alike",
    "nhs_number": "They have different NHS numbers",
    "upn": "They have different unique pupil numbers",
    "dob": "Their dates of birth are plainly different",
    "household": "Another child at the same address has the same date of birth (twins?)",
}


@dataclass(frozen=True)
class Evidence:
    words: str
    weight: float

    @property
    def agrees(self) -> bool:
        return self.weight > 0


def evidence(pair: DuplicatePair) -> list[Evidence]:
    """Each comparison's match weight (positive: agrees), the strongest first."""
    found = [
        Evidence(COMPARISON_WORDS.get(name, name), round(float(weight), 1)) for name, weight in pair.weights.items()
    ]
    return sorted(found, key=lambda item: -abs(item.weight))


def warnings(pair: DuplicatePair) -> list[str]:
    return [GUARD_WORDS.get(guard, guard) for guard in pair.guards]


def s16lc_only_on(merged: Person, survivor: Person) -> str:
    """The s16LC identifier's name (S16LC_IDENTIFIER_TYPE) when the record to merge holds one and
    the record to keep does not: the survivor's is the one shared, so keep the other, or add it."""
    kind = str(getattr(settings, "S16LC_IDENTIFIER_TYPE", "") or Identifier.Type.NHS)
    held = set(
        Identifier.objects.filter(person__in=[merged, survivor], id_type=kind).values_list("person_id", flat=True)
    )
    if merged.pk in held and survivor.pk not in held:
        return str(dict(Identifier.Type.choices).get(kind, kind))
    return ""
