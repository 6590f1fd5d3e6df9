"""Likely duplicates of a person about to be recorded.

Two ways in:

- The same identifier (NHS number, UPN or former UPN, consistent identifier, local
  authority child ID) is a strong match on its own: identifiers belong to one person.
- Otherwise the name must be similar *and* something else must agree: the date of birth
  (the same, or with day and month swapped: 03/04 for 04/03) or a postcode the person has
  lived at. "Similar name" uses the search keys (see people.search): some token of the given
  names and some token of the family name must each match one of the person's name tokens
  (exactly, by sound, or as its start), and the whole name must then be close (Jaro-Winkler,
  order-insensitive, at least NAME_THRESHOLD). So another child with only the same surname,
  even with the same date of birth or at the same address, is not returned.

When both dates of birth are known and disagree, a shared postcode is not enough: that is
usually a brother, sister or parent with a similar name living at the same address.

Scores: the agreeing evidence is weighed (name 0.5, date of birth 0.3, postcode 0.2) to give
0 to 1. Without an identifier the score is 0.9 times that; with one it is 0.9 plus 0.1 times
that, so an identifier match always ranks first.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from .identifiers import validate_identifier
from .models import Identifier, Person, PersonAddress, PersonName
from .postcodes import looks_like_postcode, normalise_postcode
from .search import (
    CANDIDATES,
    IDENTIFIER_LABELS,
    NAME_LABELS,
    Match,
    best_name,
    detail_lookups,
    has_identifier,
    has_lived_at,
    has_name_token,
    name_tokens,
)

NAME_THRESHOLD = 0.8
NAME_WEIGHT, DATE_OF_BIRTH_WEIGHT, POSTCODE_WEIGHT = 0.5, 0.3, 0.2
# A date of birth with day and month swapped counts this much of a matching one.
SWAPPED_DATE_OF_BIRTH = 0.7
# Unique pupil numbers move from UPN to former UPN; either matches either.
_SAME_KIND: dict[str, tuple[str, ...]] = {
    Identifier.Type.UPN: (Identifier.Type.UPN, Identifier.Type.FORMER_UPN),
    Identifier.Type.FORMER_UPN: (Identifier.Type.UPN, Identifier.Type.FORMER_UPN),
}


@dataclass
class DuplicateCandidate:
    """A person who may be the one being recorded. `person` has names, identifiers and
    current addresses prefetched; `reasons` are plain-English sentences, strongest first."""

    person: Person
    score: float
    reasons: list[str]


def _names(person: Person) -> list[tuple[str, str, str]]:
    """(name type, given names, family name) for each of the person's names (prefetched)."""
    return [(PersonName.Type.CURRENT, person.given_names, person.family_name)] + [
        (name.name_type, name.given_names, name.family_name) for name in person.names.all()
    ]


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _swapped(day: datetime.date | None) -> datetime.date | None:
    """The date with day and month swapped, if that is a different, real date."""
    if day is None or day.day == day.month or day.day > 12:
        return None
    return datetime.date(day.year, day.day, day.month)


def _identifier_pairs(identifiers: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Checked (type, value) pairs to look for; values that are not valid are skipped."""
    pairs = set()
    for id_type, value in identifiers:
        try:
            value = validate_identifier(id_type, value)
        except ValidationError:
            continue
        for same_kind in _SAME_KIND.get(id_type, (id_type,)):
            pairs.add((same_kind, value))
    return pairs


def _similar_name_ids(
    given: list[str], family: list[str], date_of_birth: datetime.date | None, postcode: str
) -> set[int]:
    """Ids of people with a similar name and the same (or swapped) date of birth or postcode."""
    people = Person.objects.filter(restricted=False, merged_into__isnull=True)
    for tokens in (given, family):
        if tokens:
            people = people.filter(has_name_token(*tokens, match=Match.WIDE))
    found: set[int] = set()
    if date_of_birth is not None:
        dates = [day for day in (date_of_birth, _swapped(date_of_birth)) if day]
        found |= set(people.filter(date_of_birth__in=dates).values_list("pk", flat=True)[:CANDIDATES])
    if postcode:
        at_postcode = people.filter(has_lived_at(postcode))
        if date_of_birth is not None:
            at_postcode = at_postcode.filter(date_of_birth__isnull=True)
        found |= set(at_postcode.values_list("pk", flat=True)[:CANDIDATES])
    return found


def _name_evidence(tokens: list[str], entered_name: str, person: Person) -> tuple[float, str | None]:
    """(similarity, reason) for how close the entered name is to the person's closest name."""
    if not tokens:
        return 0.0, None
    similarity, name_type, existing_name = best_name(tokens, _names(person))
    label = NAME_LABELS[name_type]
    if similarity >= 1.0:
        return similarity, "Same name" if label == "name" else f"Same {label} ({existing_name})"
    if similarity >= NAME_THRESHOLD:
        return similarity, f"Similar {label} ({entered_name} / {existing_name})"
    return similarity, f"Different name ({existing_name})"


def _date_of_birth_evidence(date_of_birth: datetime.date | None, person: Person) -> tuple[float, str | None]:
    """(0 to 1, reason) for how the dates of birth compare, when both are known."""
    if date_of_birth is None or person.date_of_birth is None:
        return 0.0, None
    if person.date_of_birth == date_of_birth:
        return 1.0, "Same date of birth"
    if person.date_of_birth == _swapped(date_of_birth):
        dates = f"{_long_date(date_of_birth)} / {_long_date(person.date_of_birth)}"
        return SWAPPED_DATE_OF_BIRTH, f"Date of birth with day and month swapped ({dates})"
    return 0.0, f"Different date of birth ({_long_date(person.date_of_birth)})"


def likely_duplicates(
    *,
    given_names: str,
    family_name: str,
    date_of_birth: datetime.date | None = None,
    postcode: str = "",
    identifiers: Iterable[tuple[str, str]] = (),
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """People already recorded who may be this person, most likely first (see module docstring).

    Restricted records are left out until the access rules decide how a possible duplicate
    of one is shown. A record merged into another (people.merging) is never a candidate: the
    survivor is, with the merged record's identifiers counting as its own."""
    given, family = name_tokens(given_names), name_tokens(family_name)
    tokens = given + family
    postcode = normalise_postcode(postcode) if looks_like_postcode(postcode) else ""
    pairs = _identifier_pairs(identifiers)

    ids: set[int] = set()
    # {live person id: the type of an identifier of theirs (or of a record merged into theirs)}
    held_by: dict[int, str] = {}
    if pairs:
        same_identifier = Person.objects.filter(has_identifier(pairs), restricted=False, merged_into__isnull=True)
        ids |= set(same_identifier.values_list("pk", flat=True)[:CANDIDATES])
        match = Q()
        for id_type, value in pairs:
            match |= Q(id_type=id_type, value=value)
        for owner, survivor, id_type in Identifier.objects.filter(match).values_list(
            "person_id", "person__merged_into_id", "id_type"
        ):
            held_by.setdefault(survivor or owner, id_type)
    if tokens and (date_of_birth is not None or postcode):
        ids |= _similar_name_ids(given, family, date_of_birth, postcode)
    if not ids:
        return []

    lived_at: set[int] = set()
    if postcode:
        links = PersonAddress.objects.filter(person_id__in=ids, address__postcode=postcode)
        lived_at = set(links.values_list("person_id", flat=True))
    entered_name = " ".join(f"{given_names} {family_name}".split())
    found = []
    for person in Person.objects.filter(pk__in=ids).prefetch_related("names", *detail_lookups()):
        identifier = held_by.get(person.pk)
        similarity, name_reason = _name_evidence(tokens, entered_name, person)
        if similarity < NAME_THRESHOLD and not identifier:
            continue
        date_of_birth_match, date_of_birth_reason = _date_of_birth_evidence(date_of_birth, person)
        postcode_reason = None
        if person.pk in lived_at:
            current = any(link.address.postcode == postcode for link in person.addresses.all())
            postcode_reason = "Same postcode" if current else "Has lived at the same postcode"

        evidence = (
            NAME_WEIGHT * similarity
            + DATE_OF_BIRTH_WEIGHT * date_of_birth_match
            + POSTCODE_WEIGHT * bool(postcode_reason)
        )
        score = 0.9 + 0.1 * evidence if identifier else 0.9 * evidence
        reasons = [
            f"Same {IDENTIFIER_LABELS[identifier]}" if identifier else None,
            name_reason,
            date_of_birth_reason,
            postcode_reason,
        ]
        found.append(DuplicateCandidate(person=person, score=round(score, 4), reasons=[r for r in reasons if r]))

    found.sort(key=lambda c: (-c.score, c.person.family_name.lower(), c.person.given_names.lower(), c.person.pk))
    return found[:limit]
