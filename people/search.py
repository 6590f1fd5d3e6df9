"""Finding people: one search box for names, dates of birth, identifiers and postcodes.

How names are found
-------------------
Every name a person has had (current, at birth, previous, aliases) is split into tokens
(on spaces and hyphens; lower case; accents and punctuation removed) and each token gives
three search keys, stored as NameKey rows:

- ``e:<token>``     the token itself ("e:smith"),
- ``m:<metaphone>`` how it sounds, by Metaphone ("m:SM0"),
- ``s:<soundex>``   how it sounds, by Soundex ("s:S530").

A person is a candidate when *every* name token of the query matches one of their name
tokens, in any order and in any of their names. A query token matches, from strictest to
widest (class Match):

- exactly (``e:``),
- by sound: a Metaphone or Soundex key in common, so "Jon", "Jhon" and "John" all find
  John (m:JN or s:J500) and "Smyth" or "Smtih" find Smith (s:S530);
- or as the start of a name token: "Jon" finds Jonathon, and an initial ("J Smith") finds
  every name starting with it.

Where the candidates come from depends on the database.

On SQLite (and for initials alone on PostgreSQL), each token is one
``person_id IN (SELECT person_id FROM namekey WHERE key IN (...))`` condition, ANDed,
answered from the (key, person) index:

- with a date of birth, identifier or postcode in the query, those pick out a few people
  from Person, and each name token (matched widely) is one more condition on them;
- with names alone, nothing is read from Person: the rows of the first token's keys, with
  one IN condition per other token. Exact spellings are tried first; only if they do not
  fill the page are the sound-alikes added, and only if there are still too few, the names
  starting with what was typed.

At most CANDIDATES people are fetched; restricted people are dropped then. Python ranks them
by how close the query is to each of their names: Jaro-Winkler similarity over the best
order-insensitive pairing of query tokens with name tokens, so an exact name scores 1,
"Jon Smyth" against "John Smith" about 0.91 and against "Jonathon Smith" about 0.87.

On PostgreSQL the same steps (exact, sound, start) are each a part of one statement that finds
*and ranks* the people, returning only the page (`limit` people); a step's part runs only when
the steps before did not fill the page:

- each person's keys are also kept as one text, Person.name_keys, with a GIN index on its
  array form (without GIN's pending list, which every search would otherwise read in full:
  migration 0005); a token is one ``&&`` (overlap) condition, the conditions ANDed in the
  index; an initial is checked on the rows found;
- at most RANKED_CANDIDATES of those people are ranked, in the same query, by how closely
  each query token matched one of their name tokens (exact 2, by sound 1, as its start 0,
  summed: "Jon Smyth" puts Jon Smyth, then John Smith, then Jonathon Smith), then by
  pg_trgm's similarity of the query to their current name (closer spellings first; a person
  found by a previous name or alias after one with that name now), then by name;
- restricted people are left out in that query (people.access.shown_filter), so a page is
  never short because of them; with a date of birth, identifier or postcode, those and the
  name conditions pick the people and the same ordering ranks them.

Python then works out, for the page only, each person's score (the Jaro-Winkler similarity
above, which is what a hit's `score` and "matched on" say) and orders the page by it, equal
scores keeping the database's order. So on PostgreSQL which people make the page is decided
by the database's ranking, and within the page the order is by score as on SQLite. The two
rankings agree on the first result for exact, reversed and misspelt names in 39 of 40
sampled searches each (docs/benchmarks.md, "Search, kind by kind"); where they differ it is among people
equally close by Jaro-Winkler (say two Daisy Davieses with different middle names) or
between a sound-alike and a name starting with what was typed ("Sa Sid": Said, which sounds
like Sid, before Siddiqui).

The number of queries does not depend on how many people match (people/tests/
test_search_query_counts.py). On PostgreSQL a search is one query, whatever its kind: the
people found, best first, read with what a hit shows (their names, identifiers and current
addresses, as JSON) and what people.access needs to decide what the user may see of them
(access.with_levels), so that neither the page nor the access check needs another. On SQLite:
at most three steps (plus one index probe per token for the names starting with it), the
candidates' names, and the page read as on PostgreSQL.

Known limits: when a step matches more than RANKED_CANDIDATES people (PostgreSQL) or
CANDIDATES (SQLite), as a common surname typed alone or a misspelt common name does at
500,000 children, an arbitrary subset of them is ranked and the closest spelling can be
missed; a date of birth, a postcode or another name narrows them down.

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
import json
import re
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from django.db import connection, models, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    FloatField,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONArray, Lower

from kernel.compiled import Shaped, prepared_cursor, prepared_raw

from .identifiers import guess_identifier
from .models import Address, Identifier, NameKey, Person, PersonAddress, PersonName, RestrictedAccess
from .postcodes import looks_like_postcode, normalise_postcode

# How many people are fetched from the database for ranking in Python, whatever the limit
# (SQLite), and how many matching people at most PostgreSQL ranks in one step.
CANDIDATES = 200
RANKED_CANDIDATES = 200
# A query token of two letters or more also finds up to this many other name tokens starting
# with it ("Jon": Jonah, Jonathon...), when nothing closer fills the page.
PREFIX_TOKENS = 30
# Longer queries are cut short: nobody types 200 characters into a search box.
MAX_QUERY_LENGTH = 200
KEY_LENGTH = NameKey._meta.get_field("key").max_length
# A match on a previous name or alias counts this much of the same match on the current name.
NOT_CURRENT_NAME = 0.97
# How much each part of a query counts towards a result's score.
WEIGHTS = {"name": 1.0, "identifier": 2.0, "date of birth": 1.0, "postcode": 0.5}

NAME_LABELS: dict[str, str] = {
    PersonName.Type.CURRENT: "name",
    PersonName.Type.BIRTH: "name at birth",
    PersonName.Type.PREVIOUS: "previous name",
    PersonName.Type.ALIAS: "alias",
}
IDENTIFIER_LABELS: dict[str, str] = {
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


def exact_key(token):
    """The exact key of a token, cut to fit the column."""
    return f"e:{token}"[:KEY_LENGTH]


@functools.lru_cache(maxsize=65536)
def token_keys(token):
    """The exact, Metaphone and Soundex keys of one (already normalised) token."""
    keys = {exact_key(token), f"s:{jellyfish.soundex(token)}"}
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
    """Rebuild the person's NameKey rows from all their names (current, previous, aliases), and
    the names of the records merged into theirs (people.merging: a tombstone keeps its names,
    and is found through the survivor)."""
    wanted = keys_for_name(person.given_names, person.family_name)
    # The records merged into theirs are few (an indexed look-up), and their names are read by
    # id, so that no query joins the whole of PersonName to Person.
    merged = list(Person.objects.filter(merged_into=person).values_list("pk", flat=True))
    names = PersonName.objects.filter(person_id__in=[person.pk, *merged])
    for given_names, family_name in names.values_list("given_names", "family_name"):
        wanted |= keys_for_name(given_names, family_name)
    with transaction.atomic():
        existing = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
        NameKey.objects.filter(person=person, key__in=existing - wanted).delete()
        NameKey.objects.bulk_create(NameKey(person=person, key=key) for key in sorted(wanted - existing))
        Person.objects.filter(pk=person.pk).update(name_keys=" ".join(sorted(wanted)))


# --- Matching and comparing names ---------------------------------------------------------------


class Match:
    """How closely a query token must match a name token, from strictest to widest."""

    EXACT = "exact"  # the same token
    SOUND = "sound"  # sounds the same: a Metaphone or Soundex key in common
    WIDE = "wide"  # sounds the same, or starts with the query token ("Jon" for "Jonathon")


def _key_range(token):
    """(low, high): the exact keys of tokens starting with `token` are those from low up to,
    not including, high ("e:jon" up to "e:joo"). Tokens are only letters a to z."""
    low = exact_key(token)
    stem = low.rstrip("z")
    return low, stem[:-1] + chr(ord(stem[-1]) + 1)


def _starts_with(token):
    """A condition on NameKey: an exact key for a token starting with `token`, as a range of
    the (key, person) index."""
    low, high = _key_range(token)
    return Q(key__gte=low, key__lt=high)


def _sound_keys(token):
    """The keys a token is looked up by to find the tokens sounding like it. Whoever has the
    exact token has its Metaphone and Soundex keys too, so the exact key is needed only when
    Metaphone gives nothing ("aaa"): reading the same people twice would be waste."""
    keys = token_keys(token)
    sounds = [key for key in keys if not key.startswith("e:")]
    return sorted(sounds if any(key.startswith("m:") for key in sounds) else keys)


def token_match(token, match=Match.SOUND):
    """A condition on NameKey: a key matching the query token. A single letter is an initial,
    matched by the tokens it starts with."""
    if match == Match.EXACT:
        return Q(key=exact_key(token))
    if len(token) == 1:
        return _starts_with(token)
    sounds = Q(key__in=_sound_keys(token))
    return sounds | _starts_with(token) if match == Match.WIDE else sounds


# On PostgreSQL each person's keys are also kept as one text (Person.name_keys) with a GIN index
# on its array form: one `&&` (overlap) condition per token is answered by ANDing the index's
# bitmaps, several times faster than joining NameKey rows for common names.
_KEYS_OVERLAP = "string_to_array(people_person.name_keys, ' ') && %s::text[]"
# A name token starting with a prefix, checked on the person's row (beside a selective condition).
_KEY_STARTS = "people_person.name_keys ~ %s"


def _starts_pattern(token):
    return f"(^| ){exact_key(token)}"  # tokens are only the letters a to z: nothing to escape


def has_name_token(*tokens, match=Match.SOUND):
    """A condition on Person: one of the person's name tokens matches one of `tokens`. Used
    beside a selective condition (a date of birth, an identifier, a postcode)."""
    if connection.vendor == "postgresql":
        return _has_name_token_postgresql(tokens, match)
    condition = Q()
    for token in tokens:
        condition |= token_match(token, match)
    return Q(pk__in=NameKey.objects.filter(condition).values("person_id"))


def _has_name_token_postgresql(tokens, match):
    """The same, read from the person's own row (Person.name_keys): an overlap with the keys,
    or a key starting with the token."""
    keys, prefixes = [], []
    for token in tokens:
        if match == Match.EXACT:
            keys.append(exact_key(token))
            continue
        if len(token) > 1:
            keys.extend(_sound_keys(token))
        if match == Match.WIDE or len(token) == 1:
            prefixes.append(token)
    parts, params = [], []
    if keys:
        parts.append(_KEYS_OVERLAP)
        params.append(keys)
    for prefix in prefixes:
        parts.append(_KEY_STARTS)
        params.append(_starts_pattern(prefix))
    return Q(RawSQL("(" + " OR ".join(parts) + ")", params, output_field=BooleanField()))


@functools.lru_cache(maxsize=65536)
def name_similarity(tokens, other_tokens):
    """How alike two names (tuples of tokens) are, 0 to 1, whatever the order of their tokens.

    Each token of `tokens` is paired with a different token of `other_tokens` (or, when
    there are more of them, the closest one) and the Jaro-Winkler similarities averaged;
    tokens of `other_tokens` left unpaired (a middle name not typed) cost a little."""
    if not tokens or not other_tokens:
        return 0.0
    if len(tokens) <= len(other_tokens) <= 6:
        best = max(
            sum(jellyfish.jaro_winkler_similarity(a, b) for a, b in zip(tokens, pairing, strict=False))
            for pairing in itertools.permutations(other_tokens, len(tokens))
        )
    else:
        best = sum(max(jellyfish.jaro_winkler_similarity(a, b) for b in other_tokens) for a in tokens)
    coverage = len(tokens) / max(len(tokens), len(other_tokens))
    return best / len(tokens) * (0.9 + 0.1 * coverage)


def best_name(tokens, names):
    """(similarity, name type, display name) of the name closest to `tokens` (a tuple), out of
    (name type, given names, family name) triples. On a tie the current name wins."""
    best = (-1.0, None, "")
    for name_type, given_names, family_name in names:
        full = f"{given_names} {family_name}".strip()
        similarity = name_similarity(tokens, name_tokens(full))
        if (similarity, name_type == PersonName.Type.CURRENT) > (best[0], best[1] == PersonName.Type.CURRENT):
            best = (similarity, name_type, full)
    return best


def detail_lookups():
    """What search results and duplicate checks show, to prefetch: identifiers and current
    addresses. On people fetched with these, `person.addresses.all()` holds the current
    address links only (with their addresses), which is what services.current_address reads."""
    today = datetime.date.today()
    current = (
        PersonAddress.objects.filter(Q(moved_in__isnull=True) | Q(moved_in__lte=today))
        .filter(Q(moved_out__isnull=True) | Q(moved_out__gte=today))
        .select_related("address")
    )
    return ["identifiers", Prefetch("addresses", queryset=current)]


class _JSONList(Aggregate):
    """The rows' values as one JSON array (JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


# What a hit shows, read with the person as JSON arrays of these fields (by attname, in the
# model's order): every name (for the score), the identifiers, and the current address links with
# their addresses. An identifier's recorded_at is left out (a date and time in JSON would need
# each database's form read back): it is read from the database if ever asked for.
_NAME_FIELDS = ("name_type", "given_names", "family_name")
_IDENTIFIER_FIELDS = tuple(f.attname for f in Identifier._meta.concrete_fields if f.attname != "recorded_at")
_LINK_FIELDS = tuple(f.attname for f in PersonAddress._meta.concrete_fields)
_ADDRESS_FIELDS = tuple(f.attname for f in Address._meta.concrete_fields)


def _json_rows(rows, fields):
    """A subquery on the person of the outer query: `rows` (filtered by OuterRef("pk")) as one
    JSON array of arrays of `fields`, or NULL when there are none."""
    rows = rows.order_by().values("person").annotate(found=_JSONList(JSONArray(*fields))).values("found")
    return Subquery(rows, output_field=JSONField())


def _with_details(people, user):
    """`people` (a Person queryset), each read with what a hit shows (see _set_details) and what
    people.access needs to decide what the user may see of them (access.with_levels), in the
    same query: the page of results is one query, whatever is on it."""
    from .access import with_levels

    return with_levels(_details(people, datetime.date.today()), user)


def _details(people, today):
    """`people`, each read with what a hit shows: every name, the identifiers and the current
    address links (on `today`) with their addresses, as JSON."""
    person = OuterRef("pk")
    current = PersonAddress.objects.filter(person=person).filter(
        (Q(moved_in__isnull=True) | Q(moved_in__lte=today)) & (Q(moved_out__isnull=True) | Q(moved_out__gte=today))
    )
    return people.defer("name_keys").annotate(
        found_names=_json_rows(PersonName.objects.filter(person=person), _NAME_FIELDS),
        found_identifiers=_json_rows(Identifier.objects.filter(person=person), _IDENTIFIER_FIELDS),
        found_addresses=_json_rows(current, _LINK_FIELDS + tuple(f"address__{name}" for name in _ADDRESS_FIELDS)),
    )


def _read_page(ids, user):
    """The people with these ids, in this order, read `_with_details`: one query."""
    if not ids:
        return []
    found = {person.pk: person for person in _with_details(Person.objects.filter(pk__in=ids), user)}
    return [found[pk] for pk in ids if pk in found]


def _page_of_people(shape, today, *user_values):
    """The people of the CTE `page`(id, position), in its order, read `_details` and (for a
    signed-in user) `with_levels`: built from its values alone, for `_PAGE` (kernel.compiled.Shaped)."""
    from .access import with_levels_shaped

    people = _details(Person.objects.filter(pk__in=RawSQL("SELECT id FROM page", [])), today)
    if shape is not None:
        people = with_levels_shaped(people, shape, *user_values)
    position = RawSQL("(SELECT position FROM page WHERE page.id = people_person.id)", [], IntegerField())
    return people.annotate(position=position).order_by("position")


# The page's query: made once per database connection and shape of user, not for each search.
_PAGE = Shaped(_page_of_people)


def _read_ranked_page(ranked_sql, ranked_params, user):
    """The people of the CTE `page`(id, position) that `ranked_sql` (a WITH clause) ends in, in
    its order, read `_with_details` in the same statement: one query for the whole search."""
    from .access import access_shape, access_values

    today = datetime.date.today()
    if getattr(user, "is_authenticated", False) and user.is_active:
        sql, params = _PAGE.sql(access_shape(user), today, *access_values(user))
    else:
        sql, params = _PAGE.sql(None, today)
    return list(prepared_raw(Person, f"{ranked_sql} {sql}", [*ranked_params, *params]))


def _json(value):
    """A JSON value read by _with_details: decoded already (through the ORM) or not (raw)."""
    return json.loads(value) if isinstance(value, str) else value or []


def _from_json(field):
    """How a value of this field, read as JSON, becomes what the database would have given."""
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else datetime.date.fromisoformat(value)
    if isinstance(field, models.BooleanField):
        return lambda value: None if value is None else bool(value)  # true, or 1 on SQLite
    return None  # numbers and text are themselves


@functools.cache
def _converters(model, attnames):
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return tuple(_from_json(fields[name]) for name in attnames)


def _instance(model, attnames, values):
    """A model instance from values read as JSON (dates as text), as if read from the database."""
    converted = [
        value if to is None else to(value) for to, value in zip(_converters(model, attnames), values, strict=True)
    ]
    return model.from_db(connection.alias, attnames, converted)


def _prefetched(person, relation, objects):
    """Hold `objects` as the person's `relation` (person.identifiers.all()...), as
    prefetch_related would."""
    rows = getattr(person, relation).get_queryset()
    rows._result_cache = objects
    rows._prefetch_done = True
    if not hasattr(person, "_prefetched_objects_cache"):
        person._prefetched_objects_cache = {}
    person._prefetched_objects_cache[relation] = rows


def _set_details(person):
    """Turn what _with_details read into the person's identifiers and current address links, as
    detail_lookups() would have prefetched them (in the models' orders)."""
    identifiers = [_instance(Identifier, _IDENTIFIER_FIELDS, row) for row in _json(person.found_identifiers)]
    identifiers.sort(key=lambda i: (i.id_type, -(i.valid_from or datetime.date.min).toordinal()))
    links = []
    for row in _json(person.found_addresses):
        link = _instance(PersonAddress, _LINK_FIELDS, row[: len(_LINK_FIELDS)])
        address = _instance(Address, _ADDRESS_FIELDS, row[len(_LINK_FIELDS) :])
        link._state.fields_cache["address"] = address
        link._state.fields_cache["person"] = person
        links.append(link)
    links.sort(key=lambda link: -(link.moved_in or datetime.date.min).toordinal())
    for identifier in identifiers:
        identifier._state.fields_cache["person"] = person
    _prefetched(person, "identifiers", identifiers)
    _prefetched(person, "addresses", links)


def _names_of(person):
    """[(name type, given names, family name)]: the current name, then every PersonName row."""
    return [(PersonName.Type.CURRENT, person.given_names, person.family_name)] + [
        tuple(row) for row in _json(person.found_names)
    ]


# --- Reading the query ------------------------------------------------------------------------

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS = {name: number for number, month in enumerate(_MONTH_NAMES, 1) for name in (month, month[:3])} | {"sept": 9}
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")
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
        if i + used <= len(tokens) and looks_like_postcode("".join(tokens[i : i + used])):
            return normalise_postcode("".join(tokens[i : i + used])), used
    return None, 0


def _read_identifier(tokens, i):
    """(candidate (type, value) pairs, tokens used) for an identifier at tokens[i], or ([], 0).

    Groups of digits are joined first ("943 476 5919"), longest first; a token on its own
    may also be a local authority child ID, if it has a digit in it."""
    for used in range(min(_MAX_GROUPS, len(tokens) - i), 1, -1):
        group = tokens[i : i + used]
        if all(_HAS_DIGIT.search(token) for token in group):
            found = [(t, v) for t, v in guess_identifier("".join(group)) if t != Identifier.Type.LA_CHILD_ID]
            if found:
                return found, used
    if _HAS_DIGIT.search(tokens[i]):
        return guess_identifier(tokens[i]), 1
    return [], 0


@dataclass
class ParsedQuery:
    names: list = field(default_factory=list)  # name tokens, normalised
    dates: list = field(default_factory=list)  # dates of birth
    identifiers: list = field(default_factory=list)  # per identifier typed, its candidate (type, value) pairs
    postcodes: list = field(default_factory=list)  # normalised postcodes

    def __bool__(self):
        return bool(self.names or self.dates or self.identifiers or self.postcodes)


def parse_query(query):
    """Read a search query into its parts. Raises _Unmatchable if part of it can match nobody."""
    tokens = [token.strip("\"'()[];:.") for token in re.split(r"[\s,]+", str(query or "")[:MAX_QUERY_LENGTH])]
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
    """One person found. `person` has identifiers and current addresses prefetched
    (see detail_lookups); `score` is 0 to 1; `matched_on` says in plain English what matched."""

    person: Person
    score: float
    matched_on: str


def has_identifier(pairs):
    """A condition on live people (callers leave tombstones out): the person has (or had) one
    of these (type, value) identifiers, or a record merged into theirs has (people.merging:
    identifiers stay with the tombstone). One IN condition, so that PostgreSQL looks the few
    holders up by the (value, id_type) index: "IN (...) OR IN (...)" had it read every person
    (550 ms at 500,000 children)."""
    match = Q()
    for id_type, value in pairs:
        match |= Q(id_type=id_type, value=value)
    # A tombstone's identifier leads to the record it was merged into.
    holders = Identifier.objects.filter(match).values(holder=Coalesce("person__merged_into_id", "person_id"))
    return Q(pk__in=holders)


def has_lived_at(postcode):
    """A condition on Person: the person has an address, current or past, with this postcode."""
    return Q(pk__in=PersonAddress.objects.filter(address__postcode=postcode).values("person_id"))


def _date_of_birth_is(day):
    # An unborn child is a child with no date of birth yet; the (kind, date_of_birth) index
    # finds them, so this stays an index lookup rather than a scan of every person.
    return Q(date_of_birth=day) | Q(kind=Person.Kind.CHILD, date_of_birth__isnull=True, expected_date_of_birth=day)


def _longer_tokens(token):
    """Exact keys of up to PREFIX_TOKENS other name tokens starting with `token`, from the
    (key, person) index in alphabetical order: "jon" gives e:jonah, e:jonathon...

    A skip scan: each step asks the index for the first key after the last one found, so the
    cost is one index probe per distinct key, however many people share each name. (SELECT
    DISTINCT read every row in the range: 60 to 90 ms for "johnson" at 500,000 children.)"""
    scan, params = _longer_sql("found", token)
    with prepared_cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE {scan} SELECT key FROM found ORDER BY key", params)
        return [row[0] for row in cursor.fetchall()]


class Prefix(str):
    """A query token looked up as the start of name tokens (an initial: "J" for John)."""


def _with_every_token(specs):
    """Ids of people with, for each query token, a name key of its spec: a list of keys, or a
    Prefix, from the NameKey index alone (no Person rows): the rows meeting the first spec,
    with one `person_id IN (SELECT person_id FROM namekey WHERE ...)` per other one. At most
    CANDIDATES of them, in no particular order. (SQLite; and PostgreSQL for initials alone.)"""
    first, *rest = [_starts_with(spec) if isinstance(spec, Prefix) else Q(key__in=spec) for spec in specs]
    rows = NameKey.objects.filter(first)
    for condition in rest:
        rows = rows.filter(person_id__in=NameKey.objects.filter(condition).values("person_id"))
    # One person can meet the first condition by more than one key (up to three): fetch
    # enough rows for CANDIDATES people.
    ids = rows.values_list("person_id", flat=True)[: 3 * CANDIDATES]
    return list(dict.fromkeys(ids))[:CANDIDATES]


def _token_spec(token, match):
    """What a query token is looked up by: a list of keys or, for an initial, a Prefix."""
    if match == Match.EXACT:
        return [exact_key(token)]
    if len(token) == 1:
        return Prefix(token)
    return _sound_keys(token)


def _wider_specs(tokens):
    """The specs of the widest step: each token's sound keys and the exact keys of up to
    PREFIX_TOKENS name tokens starting with it; None if no name token starts with any of them.
    As lists of keys: "these keys or that range" would have PostgreSQL read the NameKey table
    rather than just its index."""
    longer = {token: _longer_tokens(token) for token in tokens if len(token) > 1}
    if not any(longer.values()):
        return None
    return [
        sorted(_sound_keys(token) + longer[token]) if longer.get(token) else _token_spec(token, Match.SOUND)
        for token in tokens
    ]


def _name_tokens_in_order(parsed):
    # Shorter tokens tend to match more people (an initial most of all). Put first, they are
    # read in index order until enough people are found, while the rarer ones are looked up.
    return sorted(dict.fromkeys(parsed.names), key=len)


def _filters(parsed):
    """Conditions on Person for the date of birth, identifiers and postcodes of the query."""
    filters = [_date_of_birth_is(day) for day in parsed.dates]
    filters += [has_identifier(pairs) for pairs in parsed.identifiers]
    filters += [has_lived_at(postcode) for postcode in parsed.postcodes]
    return filters


def _candidates(parsed, limit):
    """Ids of at most CANDIDATES people matching every part of the query (SQLite)."""
    tokens = _name_tokens_in_order(parsed)
    filters = _filters(parsed)
    if filters:
        # A date of birth, identifier or postcode picks out few people, whose names are then
        # checked through the NameKey index, one condition per token.
        filters += [has_name_token(token, match=Match.WIDE) for token in tokens]
        people = Person.objects.filter(*filters).order_by("family_name", "given_names", "pk")
        return list(people.values_list("pk", flat=True)[:CANDIDATES])
    # Names alone can match thousands of people. Exact spellings first; if they do not fill
    # the page, the sound-alikes; and if there are still too few, the names starting with
    # what was typed, when there are any.
    ids = _with_every_token([_token_spec(token, Match.EXACT) for token in tokens])
    if len(ids) < limit:
        ids = list(dict.fromkeys(ids + _with_every_token([_token_spec(token, Match.SOUND) for token in tokens])))
    if len(ids) < limit and (wider := _wider_specs(tokens)):
        ids = list(dict.fromkeys(ids + _with_every_token(wider)))
    return ids[:CANDIDATES]


# --- Ranking in PostgreSQL ----------------------------------------------------------------------
#
# The candidates of each step come from the GIN index on Person.name_keys (one `&&` condition
# per token, the index's bitmaps ANDed), at most RANKED_CANDIDATES of them, and are ranked in
# the same query: by how closely each query token matched (exact 2, by sound 1, as the start
# of a name 0, summed), then by pg_trgm's similarity of the query to the current name, then by
# name. Only the page (`limit` people) comes back. A MATERIALIZED CTE keeps the planner on the
# index (with a LIMIT it would rather read the table until enough rows turned up), and the
# ranking reads the rows it found rather than looking each one up again.

_RANKED = (
    "WITH matched AS MATERIALIZED ("
    "SELECT id, given_names, family_name, name_keys, restricted, merged_into_id FROM people_person WHERE {overlaps}"
    "), candidate AS (SELECT * FROM matched{starts} LIMIT {cap}) "
    "SELECT id FROM candidate WHERE {findable} ORDER BY {order} LIMIT %s"
)


def _array(table):
    return f"string_to_array({table}.name_keys, ' ')"


def _likeness(table):
    """pg_trgm's similarity of the query to the current name (it folds case and splits words
    itself)."""
    return f"similarity({table}.given_names || ' ' || {table}.family_name, %s)"


def _closeness(tokens, table="people_person"):
    """(sql, params): how closely the person's name tokens match the query's, summed over the
    query's tokens: 2 for the exact token, 1 for a sound-alike, 0 for a name starting with it.
    An initial scores 2 for the one-letter name, 1 for a name starting with it (all do)."""
    parts, params = [], []
    keys = _array(table)
    for token in tokens:  # never empty
        if len(token) == 1:
            parts.append(f"(CASE WHEN {keys} && %s::text[] THEN 2 ELSE 1 END)")
            params.append([exact_key(token)])
        else:
            parts.append(f"(CASE WHEN {keys} && %s::text[] THEN 2 WHEN {keys} && %s::text[] THEN 1 ELSE 0 END)")
            params += [[exact_key(token)], _sound_keys(token)]
    return " + ".join(parts), params


def _findable_sql(user):
    """(sql, params) on a candidate row: people.access.shown_filter's rule (a restricted record
    only for its named users), and no tombstone (a record merged into another), so that a page
    is not cut short by people it leaves out. The rule itself is applied again, through
    shown_filter, when the page is read (_ranked)."""
    live = "candidate.merged_into_id IS NULL"
    if getattr(user, "is_authenticated", False) and user.is_active:
        table = RestrictedAccess._meta.db_table
        restriction = (
            f"(NOT candidate.restricted OR candidate.id IN (SELECT person_id FROM {table} WHERE user_id = %s))"
        )
        return f"{live} AND {restriction}", [user.pk]
    return f"{live} AND NOT candidate.restricted", []


def _ranked_page_sql(specs, tokens, limit, user, *, exact):
    """The ids of the first `limit` people with, for each query token, a name key of its spec,
    best first, in one query that reads each candidate's row once; None when every spec is an
    initial (no keys to look up). (Initials alone: see _page_postgresql.)"""
    step = _step_sql("step", specs, tokens, limit, user, exact=exact)
    if step is None:
        return None
    sql, params = step
    with prepared_cursor() as cursor:
        cursor.execute(f"WITH {sql} SELECT id FROM step ORDER BY n", params)
        return [row[0] for row in cursor.fetchall()]


class _Wider(list):
    """A wide step's keys for one token: its sound keys, and the exact keys of the name tokens
    starting with it, found in the same statement (the CTE `longer`, as _longer_tokens)."""

    def __init__(self, keys, longer):
        super().__init__(keys)
        self.longer = longer


def _step_sql(name, specs, tokens, limit, user, *, exact):
    """(sql, params) of CTEs ending in `name`(id, n): the first `limit` people with, for each query
    token, a name key of its spec, numbered best first; None when every spec is an initial."""
    keys = [spec for spec in specs if not isinstance(spec, Prefix)]
    prefixes = [spec for spec in specs if isinstance(spec, Prefix)]
    if not keys:
        return None
    overlaps, params = [], []
    for spec in keys:
        if isinstance(spec, _Wider):
            overlaps.append(f"{_array('people_person')} && (%s::text[] || ARRAY(SELECT key FROM {spec.longer}))")
        else:
            overlaps.append(f"{_array('people_person')} && %s::text[]")
        params.append(list(spec))
    starts = " WHERE " + " AND ".join(["matched.name_keys ~ %s"] * len(prefixes)) if prefixes else ""
    params += [_starts_pattern(prefix) for prefix in prefixes]
    findable, findable_params = _findable_sql(user)
    by_name = "lower(candidate.family_name), lower(candidate.given_names), candidate.id"
    if exact:
        # Everyone here has every token of the query: the closest have the fewest letters
        # besides (what trigram similarity would say too, at a fraction of the cost).
        order, order_params = f"length(candidate.given_names) + length(candidate.family_name), {by_name}", []
    else:
        closeness, closeness_params = _closeness(tokens, "candidate")
        order = f"{closeness} DESC, {_likeness('candidate')} DESC, {by_name}"
        order_params = closeness_params + [" ".join(tokens)]
    sql = (
        f"{name}_matched AS MATERIALIZED (SELECT id, given_names, family_name, name_keys, restricted, merged_into_id"
        f" FROM people_person WHERE {' AND '.join(overlaps)}),"
        f" {name}_candidate AS (SELECT * FROM {name}_matched AS matched{starts} LIMIT {RANKED_CANDIDATES}),"
        f" {name} AS MATERIALIZED (SELECT id, row_number() OVER (ORDER BY {order}) AS n"
        f" FROM {name}_candidate AS candidate WHERE {findable} ORDER BY n LIMIT %s)"
    )
    return sql, params + order_params + findable_params + [limit]


def _longer_sql(name, token):
    """(sql, params): a recursive CTE `name`(key) of up to PREFIX_TOKENS exact keys of other name
    tokens starting with `token` (the skip scan of _longer_tokens)."""
    low, high = _key_range(token)
    table = connection.ops.quote_name(NameKey._meta.db_table)
    sql = (
        f"{name}_scan(key, n) AS ("
        f" SELECT (SELECT key FROM {table} WHERE key > %s AND key < %s ORDER BY key LIMIT 1), 1"
        f" UNION ALL"
        f" SELECT (SELECT key FROM {table} WHERE key > {name}_scan.key AND key < %s ORDER BY key LIMIT 1), n + 1"
        f" FROM {name}_scan WHERE {name}_scan.key IS NOT NULL AND n < {PREFIX_TOKENS}),"
        f" {name} AS MATERIALIZED (SELECT key FROM {name}_scan WHERE key IS NOT NULL)"
    )
    return sql, [low, high, high]


def _name_page_sql(tokens, limit, user):
    """(sql, params): CTEs ending in `page`(id, position), the first `limit` people for the name
    tokens, best first, in one statement: the exact step; the sound-alikes only if the exact
    step found fewer than `limit`; the names starting with what was typed (the skip scans
    included) only if both together found fewer. A step not needed is never run (its CTE is read
    behind a one-time filter), so this is the three queries (and the index probes) that
    _page_postgresql made one by one, as one. None for initials alone."""
    if all(len(token) == 1 for token in tokens):
        return None
    parts, params = [], []

    def add(part):
        parts.append(part[0])
        params.extend(part[1])

    wide = []
    for number, token in enumerate(tokens):
        if len(token) > 1:
            add(_longer_sql(f"longer{number}", token))
            wide.append(_Wider(_sound_keys(token), f"longer{number}"))
        else:
            wide.append(_token_spec(token, Match.SOUND))
    # Not None: the tokens are not all initials, so each step has keys.
    add(_step_sql("exact", [_token_spec(token, Match.EXACT) for token in tokens], tokens, limit, user, exact=True))
    add(_step_sql("sound", [_token_spec(token, Match.SOUND) for token in tokens], tokens, limit, user, exact=False))
    add(_step_sql("wide", wide, tokens, limit, user, exact=False))
    few = "(SELECT count(*) FROM exact) < %s"
    parts.append(
        "ranked AS (SELECT id, n FROM exact"
        f" UNION ALL SELECT id, {limit} + n FROM sound WHERE {few}"
        f" UNION ALL SELECT id, {2 * limit} + n FROM wide WHERE {few}"
        " AND (SELECT count(*) FROM (SELECT id FROM exact UNION SELECT id FROM sound) AS found) < %s),"
        " page AS (SELECT id, min(n) AS position FROM ranked GROUP BY id ORDER BY position LIMIT %s)"
    )
    params += [limit, limit, limit, limit]
    return "WITH RECURSIVE " + ", ".join(parts), params


def _best_first(people, tokens):
    """`people` (a Person queryset) best first: by how closely their names match the query's
    name tokens (as _ranked_page_sql), then by name."""
    by_name = [Lower("family_name"), Lower("given_names"), "pk"]
    if tokens:
        closeness, params = _closeness(tokens)
        people = people.annotate(
            closeness=RawSQL(closeness, params, output_field=IntegerField()),
            likeness=RawSQL(_likeness("people_person"), [" ".join(tokens)], output_field=FloatField()),
        )
        by_name = ["-closeness", "-likeness", *by_name]
    return people.order_by(*by_name)


def _page_in_postgresql(people, tokens, limit):
    """The ids of the first `limit` of `people` (a Person queryset), best first."""
    return list(_best_first(people, tokens).values_list("pk", flat=True)[:limit])


def _page_postgresql(parsed, limit, user):
    """The first `limit` people matching every part of the query, best first, ranked in the
    database and read with what a hit shows (_read_page): with a date of birth, identifier or
    postcode, one query in all; with names alone, one query per step (each ranking at most
    RANKED_CANDIDATES people), and one to read the page."""
    tokens = _name_tokens_in_order(parsed)
    findable = Person.objects.filter(_findable_by(user))
    filters = _filters(parsed)
    if filters:
        filters += [has_name_token(token, match=Match.WIDE) for token in tokens]
        ids = _best_first(findable.filter(*filters), tokens).values_list("pk", flat=True)[:limit]
        sql, params = ids.query.sql_with_params()
        page = f"WITH page AS (SELECT id, position FROM unnest(ARRAY({sql})) WITH ORDINALITY AS found(id, position))"
        return _read_ranked_page(page, params, user)
    ranked = _name_page_sql(tokens, limit, user)
    if ranked is not None:
        return _read_ranked_page(*ranked, user)
    # Initials alone: step by step, through the NameKey index.
    ids = []
    steps = (
        lambda: [_token_spec(token, Match.EXACT) for token in tokens],
        lambda: [_token_spec(token, Match.SOUND) for token in tokens],
        lambda: _wider_specs(tokens),
    )
    for number, step in enumerate(steps):
        specs = step()
        if specs is None:
            break
        page = _ranked_page_sql(specs, tokens, limit, user, exact=number == 0)
        if page is None:  # initials alone: through the NameKey index
            page = _page_in_postgresql(findable.filter(pk__in=_with_every_token(specs)), tokens, limit)
        # Whoever an earlier (stricter) step found ranks first in this one too, unless the
        # cap cut them out: keep them first either way.
        ids = list(dict.fromkeys(ids + page))
        if len(ids) >= limit:
            break
    return _read_page(ids[:limit], user)


def _findable_by(user):
    """A restricted record can be found only by its named users (people.access.shown_filter,
    the one restriction rule; people.access decides the rest); without a user, by nobody. A
    tombstone is never found: the survivor is, by the tombstone's names and identifiers."""
    from .access import shown_filter

    return shown_filter(user) & Q(merged_into__isnull=True)


def _ranked(ids, parsed, user=None):
    """[(score, name type matched, person id)] for the candidates, best first; restricted
    people are dropped here unless the user is named on them. One query reads every
    candidate's names. Equal scores are in name order. (SQLite.)"""
    names, order = {}, {}
    rows = Person.objects.filter(_findable_by(user), pk__in=ids).values_list(
        "pk", "family_name", "given_names", "names__name_type", "names__given_names", "names__family_name"
    )
    for pk, family_name, given_names, *name in rows:
        if pk not in names:
            names[pk] = [(PersonName.Type.CURRENT, given_names, family_name)]
            order[pk] = (family_name.lower(), given_names.lower(), pk)
        if name[0] is not None:
            names[pk].append(tuple(name))
    return _scored(names, order, parsed)


def _scored(names, order, parsed):
    """[(score, name type matched, person id)], best first, for {person id: [(name type, given
    names, family name)]}; equal scores in `order` ({person id: sort key})."""
    tokens = tuple(parsed.names)
    name_weight = WEIGHTS["name"] if tokens else 0.0
    matched_weight = (
        WEIGHTS["identifier"] * len(parsed.identifiers)
        + WEIGHTS["date of birth"] * len(parsed.dates)
        + WEIGHTS["postcode"] * len(parsed.postcodes)
    )
    ranked = []
    for pk, person_names in names.items():
        similarity, name_type = 0.0, None
        if tokens:
            similarity, name_type, _ = best_name(tokens, person_names)
            if name_type != PersonName.Type.CURRENT:
                similarity *= NOT_CURRENT_NAME  # the same match on the current name ranks first
        score = (similarity * name_weight + matched_weight) / (name_weight + matched_weight)
        ranked.append((round(score, 4), name_type, pk))
    ranked.sort(key=lambda item: (-item[0], order[item[2]]))
    return ranked


def _matched_identifier(person, parsed):
    """What the identifier typed turned out to be, for this person ("NHS number"), or for a
    record merged into theirs ("NHS number of a merged record")."""
    wanted = {pair for pairs in parsed.identifiers for pair in pairs}
    own = next((IDENTIFIER_LABELS[i.id_type] for i in person.identifiers.all() if (i.id_type, i.value) in wanted), None)
    if own is not None:
        return own
    merged = Identifier.objects.filter(person__merged_into=person).values_list("id_type", "value")
    return next(f"{IDENTIFIER_LABELS[t]} of a merged record" for t, v in merged if (t, v) in wanted)


def _plain_list(items):
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def search_people(query, *, user=None, limit=20):
    """People matching the query, best first (see the module docstring).

    The score is an average, weighted by WEIGHTS, of the name similarity and a full match for
    each identifier, date of birth and postcode in the query (those always match, being
    conditions), so it says how much of what was typed matched and how closely.

    `user` is the person searching: a restricted record is returned only to its named users.
    Callers then keep what people.access lets the user see."""
    try:
        parsed = parse_query(query)
    except _Unmatchable:
        return []
    if not parsed:
        return []
    if connection.vendor == "postgresql":
        page = _page_postgresql(parsed, limit, user)
        # The database chose and ordered the page; the score orders it within, equal scores
        # keeping the database's order.
        names = {person.pk: _names_of(person) for person in page}
        ranked = _scored(names, {person.pk: n for n, person in enumerate(page)}, parsed)
        people = {person.pk: person for person in page}
    else:
        ranked = _ranked(_candidates(parsed, limit), parsed, user)[:limit]
        people = {person.pk: person for person in _read_page([pk for _, _, pk in ranked], user)}
    hits = []
    for score, name_type, pk in ranked:
        person = people.get(pk)
        if person is None:  # gone between two queries (SQLite)
            continue
        _set_details(person)
        matched = [NAME_LABELS[name_type]] if name_type else []
        if parsed.identifiers:
            matched.append(_matched_identifier(person, parsed))
        if parsed.dates:
            matched.append("date of birth" if person.date_of_birth in parsed.dates else "expected date of birth")
        if parsed.postcodes:
            matched.append("postcode")
        hits.append(SearchHit(person=person, score=score, matched_on=_plain_list(matched)))
    return hits
