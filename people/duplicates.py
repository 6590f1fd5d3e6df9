"""Likely duplicates of a person about to be recorded.

Two ways in:

- The same identifier (NHS number, UPN or former UPN, consistent identifier, local
  authority child ID) is a strong match on its own: identifiers belong to one person.
- Otherwise the name must be similar *and* something else must agree: the date of birth
  (the same, or with day and month swapped: 03/04 for 04/03) or a postcode the person has
  lived at. "Similar name" uses the search keys (see people.search): some token of the given
  names and some token of the family name must match one of the person's keys, and the whole
  name must then be close (Jaro-Winkler, order-insensitive, at least NAME_THRESHOLD). So
  another child with only the same surname, or the same date of birth and surname, is not
  returned.

When both dates of birth are known and disagree, a shared postcode is not enough: that is
usually a brother, sister or parent with a similar name living at the same address.

Scores: the agreeing evidence is weighed (name 0.5, date of birth 0.3, postcode 0.2) to give
0 to 1. Without an identifier the score is 0.9 times that; with one it is 0.9 plus 0.1 times
that, so an identifier match always ranks first.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .identifiers import validate_identifier
from .models import Identifier, Person, PersonAddress
from .postcodes import looks_like_postcode, normalise_postcode
from .search import (
    CANDIDATES,
    IDENTIFIER_LABELS,
    NAME_LABELS,
    best_name,
    has_identifier,
    has_lived_at,
    has_name_key,
    name_tokens,
    token_keys,
    with_details,
)

NAME_THRESHOLD = 0.8
NAME_WEIGHT, DATE_OF_BIRTH_WEIGHT, POSTCODE_WEIGHT = 0.5, 0.3, 0.2
# A date of birth with day and month swapped counts this much of a matching one.
SWAPPED_DATE_OF_BIRTH = 0.7
# Unique pupil numbers move from UPN to former UPN; either matches either.
_SAME_KIND = {
    Identifier.Type.UPN: (Identifier.Type.UPN, Identifier.Type.FORMER_UPN),
    Identifier.Type.FORMER_UPN: (Identifier.Type.UPN, Identifier.Type.FORMER_UPN),
}


@dataclass
class DuplicateCandidate:
    """A person who may be the one being recorded. `person` has names, identifiers and
    current addresses prefetched; `reasons` are plain-English sentences, strongest first."""

    person: Person
    score: float
    reasons: list


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def _swapped(day):
    """The date with day and month swapped, if that is a different, real date."""
    if day is None or day.day == day.month or day.day > 12:
        return None
    return datetime.date(day.year, day.day, day.month)


def _identifier_pairs(identifiers):
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


def _similar_name_ids(given, family, date_of_birth, postcode):
    """Ids of people with a similar name and the same (or swapped) date of birth or postcode."""
    people = Person.objects.filter(restricted=False)
    for tokens in (given, family):
        if tokens:
            people = people.filter(has_name_key(frozenset().union(*map(token_keys, tokens))))
    found = set()
    if date_of_birth is not None:
        dates = [day for day in (date_of_birth, _swapped(date_of_birth)) if day]
        found |= set(people.filter(date_of_birth__in=dates).values_list("pk", flat=True)[:CANDIDATES])
    if postcode:
        at_postcode = people.filter(has_lived_at(postcode))
        if date_of_birth is not None:
            at_postcode = at_postcode.filter(date_of_birth__isnull=True)
        found |= set(at_postcode.values_list("pk", flat=True)[:CANDIDATES])
    return found


def likely_duplicates(*, given_names, family_name, date_of_birth=None, postcode="", identifiers=(), limit=10):
    """People already recorded who may be this person, most likely first (see module docstring).

    Restricted records are left out until the access rules decide how a possible duplicate
    of one is shown."""
    given, family = name_tokens(given_names), name_tokens(family_name)
    tokens = given + family
    postcode = normalise_postcode(postcode) if looks_like_postcode(postcode) else ""
    pairs = _identifier_pairs(identifiers)

    by_identifier = set()
    if pairs:
        by_identifier = set(
            Person.objects.filter(has_identifier(pairs), restricted=False).values_list("pk", flat=True)[:CANDIDATES]
        )
    by_name = set()
    if tokens and (date_of_birth is not None or postcode):
        by_name = _similar_name_ids(given, family, date_of_birth, postcode)
    ids = by_identifier | by_name
    if not ids:
        return []

    lived_at = set()
    if postcode:
        lived_at = set(PersonAddress.objects.filter(person_id__in=ids, address__postcode=postcode).values_list("person_id", flat=True))
    entered_name = " ".join(f"{given_names} {family_name}".split())
    found = []
    for person in with_details(Person.objects.filter(pk__in=ids)):
        reasons, evidence = [], 0.0
        identifier = next(((i.id_type, i.value) for i in person.identifiers.all() if (i.id_type, i.value) in pairs), None)
        if identifier:
            reasons.append(f"Same {IDENTIFIER_LABELS[identifier[0]]}")

        similarity, name_type, existing_name = best_name(tokens, person) if tokens else (0.0, None, "")
        if similarity < NAME_THRESHOLD and not identifier:
            continue
        label = NAME_LABELS.get(name_type, "name")
        if similarity >= 1.0:
            reasons.append("Same name" if label == "name" else f"Same {label} ({existing_name})")
        elif similarity >= NAME_THRESHOLD:
            reasons.append(f"Similar {label} ({entered_name} / {existing_name})")
        elif existing_name:
            reasons.append(f"Different name ({existing_name})")
        evidence += NAME_WEIGHT * similarity

        if date_of_birth is not None and person.date_of_birth is not None:
            if person.date_of_birth == date_of_birth:
                reasons.append("Same date of birth")
                evidence += DATE_OF_BIRTH_WEIGHT
            elif person.date_of_birth == _swapped(date_of_birth):
                reasons.append(
                    "Date of birth with day and month swapped "
                    f"({_long_date(date_of_birth)} / {_long_date(person.date_of_birth)})"
                )
                evidence += DATE_OF_BIRTH_WEIGHT * SWAPPED_DATE_OF_BIRTH
            else:
                reasons.append(f"Different date of birth ({_long_date(person.date_of_birth)})")

        if person.pk in lived_at:
            current = any(link.address.postcode == postcode for link in person.addresses.all())
            reasons.append("Same postcode" if current else "Has lived at the same postcode")
            evidence += POSTCODE_WEIGHT

        score = 0.9 + 0.1 * evidence if identifier else 0.9 * evidence
        found.append(DuplicateCandidate(person=person, score=round(score, 4), reasons=reasons))

    found.sort(key=lambda c: (-c.score, c.person.family_name.lower(), c.person.given_names.lower(), c.person.pk))
    return found[:limit]
