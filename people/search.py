"""Finding people: one search box for names, dates of birth, identifiers and postcodes.

How names are found
-------------------
Every name a person has had (current, at birth, previous, aliases) is split into tokens
(on spaces and hyphens; lower case; accents and punctuation removed) and each token gives
three search keys, stored as NameKey rows:

- ``e:<token>``     the token itself ("e:smith"),
- ``m:<metaphone>`` how it sounds, by Metaphone ("m:SM0"),
- ``s:<soundex>``   how it sounds, by Soundex ("s:S530").

A query token matches a person when any of its three keys is one of the person's keys, so
"Jon", "Jhon" and "John" all find John (m:JN or s:J500), in any order. A person is a
candidate when *every* name token of the query matches: one
``id IN (SELECT person_id FROM namekey WHERE key IN (...))`` condition per token, ANDed,
which the (key, person) index answers without reading the Person table. Dates of birth,
identifiers and postcodes in the same query are further conditions on the same query.

At most CANDIDATES people are fetched, those sharing the most keys with the query first
(an exact token shares all three of its keys, a misspelling one or two), so exact matches
are never crowded out by phonetic ones. Python then ranks them by how close the query is
to each of their names: Jaro-Winkler similarity over the best order-insensitive pairing of
query tokens with name tokens, so an exact name scores 1 and "Jon Smyth" against
"John Smith" about 0.9.

How the query is read
---------------------
Tokens are read left to right:

- dates: 3/3/2015, 03/03/2015, 03-03-2015, 03.03.2015, 2015-03-03, "3 March 2015",
  "3 Mar 2015" (matching the date of birth, or the expected date of birth of an unborn child);
- postcodes, with or without the space ("SW1A 1AA", "sw1a1aa"), matching any address
  the person has had;
- identifiers, checked with people.identifiers: NHS numbers (also typed in groups,
  "943 476 5919"), UPNs, consistent identifiers, and local authority child IDs (only
  tokens with a digit in them, since any short word is a valid LA child ID);
- everything else is a name token.

A token with digits that is none of these (say 31/02/2015) can match nobody, so the search
returns nothing rather than ignoring part of what was typed.
"""

import datetime
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from django.db import transaction
from django.db.models import Count, Prefetch, Q

from .identifiers import guess_identifier
from .models import Identifier, NameKey, Person, PersonAddress, PersonName
from .postcodes import looks_like_postcode, normalise_postcode

# How many people are fetched from the database for ranking, whatever the limit.
CANDIDATES = 200
# Longer queries are cut short: nobody types 200 characters into a search box.
MAX_QUERY_LENGTH = 200
KEY_LENGTH = NameKey._meta.get_field("key").max_length

NAME_LABELS = {
    PersonName.Type.CURRENT: "name",
    PersonName.Type.BIRTH: "name at birth",
    PersonName.Type.PREVIOUS: "previous name",
    PersonName.Type.ALIAS: "alias",
}
IDENTIFIER_LABELS = {
    Identifier.Type.CONSISTENT: "consistent identifier",
    Identifier.Type.NHS: "NHS number",
    Identifier.Type.UPN: "UPN",
    Identifier.Type.FORMER_UPN: "former UPN",
    Identifier.Type.LA_CHILD_ID: "local authority child ID",
}

# Letters that Unicode decomposition leaves alone.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_NAME_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
_NOT_LETTER = re.compile(r"[^a-z]")


# --- Name tokens and keys ---------------------------------------------------------------------

@functools.lru_cache(maxsize=65536)
def name_tokens(text):
    """The tokens of a name: "Zoë O'Brien-Smith" gives ("zoe", "obrien", "smith")."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold().translate(_LETTERS)
    text = "".join(char for char in text if not unicodedata.combining(char))
    tokens = (_NOT_LETTER.sub("", part) for part in _NAME_SEPARATORS.split(text))
    return tuple(token for token in tokens if token)


@functools.lru_cache(maxsize=65536)
def token_keys(token):
    """The exact, Metaphone and Soundex keys of one (already normalised) token."""
    keys = {f"e:{token}"[:KEY_LENGTH], f"s:{jellyfish.soundex(token)}"}
    metaphone = jellyfish.metaphone(token)
    if metaphone:  # Metaphone drops some tokens entirely ("aaa"); an empty key would match them all.
        keys.add(f"m:{metaphone}"[:KEY_LENGTH])
    return frozenset(keys)


def keys_for_name(given_names, family_name):
    """The set of search keys (exact and phonetic, per name token) for one name."""
    keys = set()
    for token in name_tokens(given_names) + name_tokens(family_name):
        keys |= token_keys(token)
    return keys


def index_person(person):
    """Rebuild the person's NameKey rows from all their names (current, previous, aliases)."""
    wanted = keys_for_name(person.given_names, person.family_name)
    for given_names, family_name in PersonName.objects.filter(person=person).values_list("given_names", "family_name"):
        wanted |= keys_for_name(given_names, family_name)
    with transaction.atomic():
        existing = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
        NameKey.objects.filter(person=person, key__in=existing - wanted).delete()
        NameKey.objects.bulk_create(NameKey(person=person, key=key) for key in sorted(wanted - existing))


def has_name_key(keys):
    """A condition on Person: the person has at least one of these keys (uses the NameKey index)."""
    return Q(pk__in=NameKey.objects.filter(key__in=sorted(keys)).values("person_id"))


def name_similarity(tokens, other_tokens):
    """How alike two names are, 0 to 1, whatever the order of their tokens.

    Each token of `tokens` is paired with a different token of `other_tokens` (or, when
    there are more of them, the closest one) and the Jaro-Winkler similarities averaged;
    tokens of `other_tokens` left unpaired (a middle name not typed) cost a little."""
    if not tokens or not other_tokens:
        return 0.0
    if len(tokens) <= len(other_tokens) <= 6:
        best = max(
            sum(jellyfish.jaro_winkler_similarity(a, b) for a, b in zip(tokens, pairing))
            for pairing in itertools.permutations(other_tokens, len(tokens))
        )
    else:
        best = sum(max(jellyfish.jaro_winkler_similarity(a, b) for b in other_tokens) for a in tokens)
    coverage = len(tokens) / max(len(tokens), len(other_tokens))
    return best / len(tokens) * (0.9 + 0.1 * coverage)


def person_names(person):
    """(name type, tokens, display name) for each of a person's names; names must be prefetched."""
    names = [(PersonName.Type.CURRENT, name_tokens(person.full_name), person.full_name)]
    for name in person.names.all():
        full = f"{name.given_names} {name.family_name}".strip()
        names.append((name.name_type, name_tokens(full), full))
    return names


def best_name(tokens, person):
    """(similarity, name type, display name) of the person's name closest to `tokens`."""
    return max(
        ((name_similarity(tokens, name_toks), name_type, full) for name_type, name_toks, full in person_names(person)),
        # On a tie the current name wins.
        key=lambda item: (item[0], item[1] == PersonName.Type.CURRENT),
    )


def with_details(people):
    """Prefetch what search results and duplicate checks show: names, identifiers and the
    current addresses. On the returned people, `person.addresses.all()` holds the current
    address links only (with their addresses), which is what services.current_address reads."""
    today = datetime.date.today()
    current = (
        PersonAddress.objects.filter(Q(moved_in__isnull=True) | Q(moved_in__lte=today))
        .filter(Q(moved_out__isnull=True) | Q(moved_out__gte=today))
        .select_related("address")
    )
    return people.prefetch_related("names", "identifiers", Prefetch("addresses", queryset=current))


# --- Reading the query ------------------------------------------------------------------------

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {datetime.date(2000, number, 1).strftime("%B").lower(), datetime.date(2000, number, 1).strftime("%b").lower()}
}
MONTHS["sept"] = 9
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"\d{4}")
_HAS_DIGIT = re.compile(r"\d")
# An identifier typed in groups ("943 476 5919") is at most this many tokens.
_MAX_GROUPS = 4


class _Unmatchable(Exception):
    """The query contains something that cannot match anybody."""


def _date(year, month, day):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise _Unmatchable from None


def _read_date(tokens, i):
    """(date, tokens used) for a date starting at tokens[i], or (None, 0)."""
    if i + 2 < len(tokens):
        day, month, year = _DAY.fullmatch(tokens[i]), MONTHS.get(tokens[i + 1].lower()), _YEAR.fullmatch(tokens[i + 2])
        if day and month and year:
            return _date(year.group(), month, day.group(1)), 3
    if match := _NUMERIC_DATE.fullmatch(tokens[i]):
        day, month, year = match.groups()
        return _date(year, month, day), 1
    if match := _ISO_DATE.fullmatch(tokens[i]):
        return _date(*match.groups()), 1
    return None, 0


def _read_postcode(tokens, i):
    """(postcode, tokens used) for a full postcode at tokens[i], one token or two, or (None, 0)."""
    for used in (1, 2):
        text = "".join(tokens[i:i + used])
        if i + used <= len(tokens) and looks_like_postcode(text):
            return normalise_postcode(text), used
    return None, 0


def _read_identifier(tokens, i):
    """(candidate (type, value) pairs, tokens used) for an identifier at tokens[i], or ([], 0).

    Groups of digits are joined first ("943 476 5919"), longest first; a token on its own
    may also be a local authority child ID, if it has a digit in it."""
    for used in range(min(_MAX_GROUPS, len(tokens) - i), 1, -1):
        group = tokens[i:i + used]
        if all(_HAS_DIGIT.search(token) for token in group):
            found = [(t, v) for t, v in guess_identifier("".join(group)) if t != Identifier.Type.LA_CHILD_ID]
            if found:
                return found, used
    if _HAS_DIGIT.search(tokens[i]):
        return guess_identifier(tokens[i]), 1
    return [], 0


@dataclass
class ParsedQuery:
    names: list = field(default_factory=list)        # name tokens, normalised
    dates: list = field(default_factory=list)        # dates of birth
    identifiers: list = field(default_factory=list)  # per identifier typed, its candidate (type, value) pairs
    postcodes: list = field(default_factory=list)    # normalised postcodes

    def __bool__(self):
        return bool(self.names or self.dates or self.identifiers or self.postcodes)


def parse_query(query):
    """Read a search query into its parts. Raises _Unmatchable if part of it can match nobody."""
    tokens = [token.strip("\"'()[];:") for token in re.split(r"[\s,]+", str(query or "")[:MAX_QUERY_LENGTH])]
    tokens = [token for token in tokens if token]
    parsed = ParsedQuery()
    i = 0
    while i < len(tokens):
        day, used = _read_date(tokens, i)
        if used:
            parsed.dates.append(day)
            i += used
            continue
        postcode, used = _read_postcode(tokens, i)
        if used:
            parsed.postcodes.append(postcode)
            i += used
            continue
        found, used = _read_identifier(tokens, i)
        if used:
            if not found:
                raise _Unmatchable
            parsed.identifiers.append(found)
            i += used
            continue
        parsed.names.extend(name_tokens(tokens[i]))
        i += 1
    return parsed


# --- Searching --------------------------------------------------------------------------------

@dataclass
class SearchHit:
    """One person found. `person` has names, identifiers and current addresses prefetched
    (see with_details); `score` is 0 to 1; `matched_on` says in plain English what matched."""

    person: Person
    score: float
    matched_on: str


def _date_of_birth_is(day):
    # An unborn child is a child with no date of birth yet; the (kind, date_of_birth) index
    # finds them, so this stays an index lookup rather than a scan of every person.
    return Q(date_of_birth=day) | Q(kind=Person.Kind.CHILD, date_of_birth__isnull=True, expected_date_of_birth=day)


def has_identifier(pairs):
    """A condition on Person: the person has (or had) one of these (type, value) identifiers."""
    match = Q()
    for id_type, value in pairs:
        match |= Q(id_type=id_type, value=value)
    return Q(pk__in=Identifier.objects.filter(match).values("person_id"))


def has_lived_at(postcode):
    """A condition on Person: the person has an address, current or past, with this postcode."""
    return Q(pk__in=PersonAddress.objects.filter(address__postcode=postcode).values("person_id"))


def _candidates(parsed):
    """The ids of at most CANDIDATES people matching every part of the query."""
    # Restricted records are left out of search altogether until the access rules decide who
    # may see them (they will use the searching user).
    people = Person.objects.filter(restricted=False)
    for day in parsed.dates:
        people = people.filter(_date_of_birth_is(day))
    for pairs in parsed.identifiers:
        people = people.filter(has_identifier(pairs))
    for postcode in parsed.postcodes:
        people = people.filter(has_lived_at(postcode))
    if not parsed.names:
        return list(people.order_by("family_name", "given_names", "pk").values_list("pk", flat=True)[:CANDIDATES])
    all_keys = set()
    for keys in {token_keys(token) for token in parsed.names}:
        people = people.filter(has_name_key(keys))
        all_keys |= keys
    # Those sharing the most keys with the query first: exact spellings before sound-alikes.
    closest = (
        NameKey.objects.filter(key__in=sorted(all_keys), person__in=people)
        .values("person_id")
        .annotate(shared=Count("pk"))
        .order_by("-shared", "person_id")
    )
    return [row["person_id"] for row in closest[:CANDIDATES]]


def _matched_identifier(person, parsed):
    for pairs in parsed.identifiers:
        for ident in person.identifiers.all():
            if (ident.id_type, ident.value) in pairs:
                return IDENTIFIER_LABELS[ident.id_type]
    return None


def _plain_list(items):
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _hit(person, parsed):
    """Score a candidate: the name similarity, with each date of birth, identifier and postcode
    in the query counting as a full match (weights below), averaged to 0..1."""
    weighted, matched = [], []
    if parsed.names:
        similarity, name_type, _ = best_name(parsed.names, person)
        weighted.append((similarity, 1.0))
        matched.append(NAME_LABELS.get(name_type, "name"))
    if parsed.identifiers:
        weighted.append((1.0, 2.0))
        matched.append(_matched_identifier(person, parsed))
    if parsed.dates:
        weighted.append((1.0, 1.0))
        matched.append("date of birth" if person.date_of_birth in parsed.dates else "expected date of birth")
    if parsed.postcodes:
        weighted.append((1.0, 0.5))
        matched.append("postcode")
    score = sum(value * weight for value, weight in weighted) / sum(weight for _, weight in weighted)
    return SearchHit(person=person, score=round(score, 4), matched_on=_plain_list(matched))


def search_people(query, *, user=None, limit=20):
    """People matching the query, best first (see the module docstring).

    `user` is the person searching; the access rules will use it to decide which restricted
    records they may find. Until then restricted records are never returned."""
    try:
        parsed = parse_query(query)
    except _Unmatchable:
        return []
    if not parsed:
        return []
    ids = _candidates(parsed)
    if not ids:
        return []
    people = with_details(Person.objects.filter(pk__in=ids))
    hits = [_hit(person, parsed) for person in people]
    hits.sort(key=lambda hit: (-hit.score, hit.person.family_name.lower(), hit.person.given_names.lower(), hit.person.pk))
    return hits[:limit]
