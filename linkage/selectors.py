"""Reads for linkage: the person index as the model sees it, and what must stay out of it.

What never goes into a run's index (issue 20, item 6):

- restricted records (a child related to staff, a sealed adoption record...): not a row at all;
- an adopted child's names and identifiers from before the adoption order: the child's birth
  names, and any name or identifier not recorded as starting on or after the order, are never
  match keys. The adoption stage registers who was adopted, and when, in `ADOPTIONS` (a
  registry, so that linkage never imports a later stage); a parental responsibility of basis
  "adoption order" counts too;
- unborn children and placeholder names stay in (a record about an unborn child should find
  it) but are marked `placeholder`, so they are never linked automatically.

The household of an index row is the person's current home address: children in one
household born on the same day are twins to the household guard.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Q

from people.models import Identifier, ParentalResponsibility, Person, PersonAddress, PersonName

from .cleaning import RecordProblem, Supplied, clean, mark_household_peers
from .models import LinkDecision, PartnerRecord

# Functions giving {person id: date of the adoption order}; the adoption stage registers one.
ADOPTIONS: list[Callable[[], dict[int, datetime.date]]] = []
MATCH_IDENTIFIERS = (Identifier.Type.NHS, Identifier.Type.UPN, Identifier.Type.FORMER_UPN)


def register_adoptions(source: Callable[[], dict[int, datetime.date]]) -> None:
    if source not in ADOPTIONS:
        ADOPTIONS.append(source)


def adopted() -> dict[int, datetime.date]:
    """Adopted children and the day of their adoption order (the earliest known)."""
    found: dict[int, datetime.date] = {}
    pr = ParentalResponsibility.objects.filter(basis=ParentalResponsibility.Basis.ADOPTION)
    sources = [dict(pr.values_list("child_id", "start_date"))] + [source() for source in ADOPTIONS]
    for source in sources:
        for person_id, day in source.items():
            day = day or datetime.date.min
            found[person_id] = min(day, found.get(person_id, day))
    return found


def _since(valid_from: datetime.date | None, order: datetime.date | None) -> bool:
    """Whether a name or identifier may be used: always, unless the child was adopted, when it
    must be recorded as starting on or after the adoption order."""
    return order is None or (valid_from is not None and valid_from >= order)


def index_rows(today: datetime.date | None = None) -> list[dict[str, Any]]:
    """The cleaned person index: every child who is not restricted (see the module docstring).

    A record merged into another (people.merging) is not a row: its names count as the
    survivor's other names, and its identifiers as the survivor's where the survivor has none of
    that type, under the survivor's adoption rule."""
    today = today or datetime.date.today()
    orders = adopted()
    children = Person.objects.filter(kind=Person.Kind.CHILD, restricted=False, merged_into__isnull=True)
    people = list(
        children.values_list("pk", "given_names", "family_name", "date_of_birth", "expected_date_of_birth", "sex")
    )
    ids = children.values("pk")
    # {tombstone id: the survivor's id}, for the tombstones of the indexed children.
    owner = merged_into(ids)
    own_or_merged = Q(person_id__in=ids) | Q(person_id__in=list(owner))
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for person_id, name_type, given, family, valid_from in PersonName.objects.filter(own_or_merged).values_list(
        "person_id", "name_type", "given_names", "family_name", "valid_from"
    ):
        person_id = owner.get(person_id, person_id)
        order = orders.get(person_id)
        if order is not None and (name_type == PersonName.Type.BIRTH or not _since(valid_from, order)):
            continue
        names[person_id].append((given, family))
    identifiers = _match_identifiers(ids, orders, today, owner)
    homes = _homes(ids, today)
    rows = []
    for pk, given, family, born, expected, sex in people:
        home = homes.get(pk)
        held = identifiers.get(pk, {})
        record = Supplied(
            unique_id=str(pk),
            given_names=given,
            family_name=family,
            date_of_birth=born,
            sex=sex,
            postcode=home[1] if home else "",
            nhs_number=held.get(Identifier.Type.NHS, ""),
            upn=held.get(Identifier.Type.UPN) or held.get(Identifier.Type.FORMER_UPN, ""),
            other_family_names=tuple(f for _, f in names.get(pk, [])),
            other_given_names=tuple(g for g, _ in names.get(pk, [])),
            household=f"address:{home[0]}" if home else "",
            placeholder=born is None and expected is not None,
        )
        try:
            rows.append(clean(record))
        except RecordProblem:
            continue  # a person with no name at all cannot be matched
    mark_household_peers(rows)
    return rows


def _match_identifiers(
    ids: Any, orders: dict[int, datetime.date], today: datetime.date, owner: dict[int, int] | None = None
) -> dict[int, dict[str, str]]:
    """{person id: {identifier type: value}}: the newest current NHS number and UPN of each, only
    those an adopted child's record may use (recorded as starting on or after the order). With
    `owner` ({tombstone id: survivor id}, people.merging), the identifiers of the records merged
    into a person count as theirs where they have none of that type."""
    owner = owner or {}
    identifiers: dict[int, dict[str, str]] = defaultdict(dict)
    current = Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    found = (
        Identifier.objects.filter(current, Q(person_id__in=ids) | Q(person_id__in=list(owner)))
        .filter(id_type__in=MATCH_IDENTIFIERS)
        .order_by("person_id", "id_type", "-valid_from")
        .values_list("person_id", "id_type", "value", "valid_from")
    )
    # The person's own identifiers first, then those of the records merged into theirs.
    for person_id, id_type, value, valid_from in sorted(found, key=lambda row: row[0] in owner):
        person_id = owner.get(person_id, person_id)
        if not _since(valid_from, orders.get(person_id)):
            continue
        identifiers[person_id].setdefault(id_type, value)  # the newest of each type
    return identifiers


def merged_into(ids: Any) -> dict[int, int]:
    """{tombstone id: survivor id} of the records merged into these people (people.merging)."""
    return dict(Person.objects.filter(merged_into__in=ids).values_list("pk", "merged_into_id"))


def _homes(ids: Any, today: datetime.date) -> dict[int, tuple[int, str]]:
    """{person id: (address id, postcode)} of each person's current home."""
    homes: dict[int, tuple[int, str]] = {}
    at_home = PersonAddress.objects.filter(
        Q(moved_out__isnull=True) | Q(moved_out__gte=today), person_id__in=ids, kind=PersonAddress.Kind.HOME
    ).filter(Q(moved_in__isnull=True) | Q(moved_in__lte=today))
    for person_id, address_id, postcode in at_home.order_by("person_id", "-moved_in").values_list(
        "person_id", "address_id", "address__postcode"
    ):
        homes.setdefault(person_id, (address_id, postcode))
    return homes


def compared_details(person_ids: Sequence[int], today: datetime.date | None = None) -> dict[int, dict[str, str]]:
    """{person id: {"postcode", "nhs_number", "upn"}}: what the index compares of each person
    besides their names, date of birth and sex, by the index's own rules (an adopted child's
    identifiers from before the order are never shown or compared), for the review page."""
    today = today or datetime.date.today()
    ids = list(person_ids)
    orders = {pk: day for pk, day in adopted().items() if pk in set(ids)}
    identifiers = _match_identifiers(ids, orders, today, merged_into(ids))
    homes = _homes(ids, today)
    found = {}
    for pk in ids:
        held = identifiers.get(pk, {})
        found[pk] = {
            "postcode": homes[pk][1] if pk in homes else "",
            "nhs_number": held.get(Identifier.Type.NHS, ""),
            "upn": held.get(Identifier.Type.UPN) or held.get(Identifier.Type.FORMER_UPN, ""),
        }
    return found


def partner_rows(records: Iterable[PartnerRecord]) -> list[dict[str, Any]]:
    """Cleaned partner records (their unique_id is the PartnerRecord's primary key)."""
    rows = []
    for record in records:
        rows.append(
            clean(
                Supplied(
                    unique_id=str(record.pk),
                    given_names=record.given_names,
                    family_name=record.family_name,
                    date_of_birth=record.date_of_birth,
                    sex=record.sex,
                    postcode=record.postcode,
                    nhs_number=record.nhs_number,
                    upn=record.upn,
                )
            )
        )
    return rows


def current_decision(record: PartnerRecord) -> LinkDecision | None:
    return record.decisions.order_by("-decided_at", "-id").first()
