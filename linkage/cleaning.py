"""Cleaning a record for linkage, with the person index's own checks.

Both sides of a run are cleaned the same way, into the columns the model compares
(`COLUMNS`): the person index (one row per person) and the partners' records (one row per
agency's record). What is cleaned, and why:

- Names are split into tokens with `people.search.name_tokens` (lower case, accents and
  punctuation gone, split on spaces and hyphens). `first_name` is the first given-name token;
  `family_name` the whole family name joined without spaces ("obriensmith"); `family_names`
  every family-name token the person is known by (each part of a hyphenated name, and for
  the index the surnames of the person's name history); `first_name_group` the first name with
  its nicknames and the names it is a nickname of (linkage/data/nicknames.*).
- A placeholder name ("Baby Smith", "Unborn", "Baby of Smith", "Twin 1", "Unknown") is kept
  for scoring but marks the record `placeholder`: it never links automatically.
- Dates of birth must be real dates (ISO, YYYY-MM-DD); `dob_swapped` is the date with day and
  month swapped when that is another real date.
- Postcodes are checked with `people.postcodes`; a postcode of the wrong shape is dropped.
  `postcode_sector` ("SW1A 1") and `postcode_district` ("SW1A") are derived.
- NHS numbers and UPNs are checked with `people.identifiers` (Modulus 11, the DfE check
  letter). A valid one goes in `nhs_number` / `upn`, which blocking may use as a key. What was
  supplied (digits or characters only) stays in `nhs_supplied` / `upn_supplied`: a mistyped
  number that fails its check is evidence (one digit away from the index's number), never a
  key.

A record with no name at all cannot be linked and is refused (`RecordProblem`).
"""

from __future__ import annotations

import csv
import datetime
import functools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jellyfish
from django.core.exceptions import ValidationError

from people.identifiers import validate_nhs_number, validate_upn
from people.postcodes import looks_like_postcode, normalise_postcode
from people.search import name_tokens

DATA = Path(__file__).resolve().parent / "data"

# The columns of a cleaned record, in order: the model's input on both sides.
COLUMNS = (
    "unique_id",
    "given_names",
    "first_name",
    "first_name_group",
    "first_name_sound",
    "family_name",
    "family_names",
    "family_name_sound",
    "dob",
    "dob_swapped",
    "birth_year",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "nhs_number",
    "nhs_supplied",
    "upn",
    "upn_supplied",
    "placeholder",
    "household",
    "household_dob_peers",
)

# Given names that stand in for a name not yet known.
_PLACEHOLDER = re.compile(
    r"^(baby|unborn|infant|unknown|unnamed|newborn|twin|triplet|child|babyboy|babygirl|boy|girl|male|female|"
    r"notknown|nk|bb|b/o|baby of)\b"
)
SEXES = {"m": "M", "male": "M", "1": "M", "f": "F", "female": "F", "2": "F"}


class RecordProblem(ValueError):
    """A record that cannot be cleaned for linkage; the message says why, in plain English."""


@dataclass(frozen=True)
class Supplied:
    """A record as supplied: one person in the index, or one agency's record."""

    unique_id: str
    given_names: str = ""
    family_name: str = ""
    date_of_birth: str | datetime.date | None = None
    sex: str = ""
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    # Other family names the person is known by (name history): index side only.
    other_family_names: tuple[str, ...] = ()
    # Other given names (aliases, previous names): index side only.
    other_given_names: tuple[str, ...] = ()
    # People living together (index side): used by the household guard.
    household: str = ""
    # An unborn child, or any record that must never link automatically.
    placeholder: bool = False


# --- Nicknames ------------------------------------------------------------------------------


@functools.cache
def nickname_groups() -> dict[str, frozenset[str]]:
    """For each known name, the names it may be written as: its nicknames and the names it is a
    nickname of (so "bill" and "will" share "william")."""
    related: dict[str, set[str]] = defaultdict(set)
    pairs: list[tuple[str, str]] = []
    with (DATA / "nicknames.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pairs.append((row["name1"], row["name2"]))
    meta = json.loads((DATA / "nicknames.json").read_text(encoding="utf-8"))
    pairs.extend((name, nickname) for name, nickname in meta["supplement"])
    for name, nickname in pairs:
        name_token, nickname_token = "".join(name_tokens(name)), "".join(name_tokens(nickname))
        if name_token and nickname_token and name_token != nickname_token:
            related[name_token].add(nickname_token)
            related[nickname_token].add(name_token)
    return {name: frozenset(others | {name}) for name, others in related.items()}


@functools.lru_cache(maxsize=200_000)
def name_group(token: str) -> tuple[str, ...]:
    if not token:
        return ()
    return tuple(sorted(nickname_groups().get(token, frozenset({token}))))


@functools.lru_cache(maxsize=200_000)
def sound(token: str) -> str | None:
    """How a name token sounds (Metaphone), for blocking: "jon" and "john" both give "JN"."""
    return (jellyfish.metaphone(token) or token) if token else None


# --- Fields ---------------------------------------------------------------------------------


# Names and postcodes repeat across a feed: each distinct one is cleaned once per process.
@functools.lru_cache(maxsize=200_000)
def is_placeholder(given_names: str) -> bool:
    text = " ".join(str(given_names or "").casefold().split())
    return not text or bool(_PLACEHOLDER.match(text)) or bool(re.fullmatch(r"[\W\d_]*", text))


def parse_date(value: str | datetime.date | None) -> datetime.date | None:
    """An ISO date, or None when empty. A date that is not real is a RecordProblem."""
    if value is None or isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise RecordProblem(f"The date of birth '{text[:20]}' is not a real date in the form YYYY-MM-DD") from None


def swapped(day: datetime.date | None) -> datetime.date | None:
    if day is None or day.day == day.month or day.day > 12:
        return None
    return datetime.date(day.year, day.day, day.month)


@functools.lru_cache(maxsize=200_000)
def clean_postcode(value: str) -> tuple[str | None, str | None, str | None]:
    if not value or not looks_like_postcode(value):
        return None, None, None
    postcode = normalise_postcode(value)
    outward, inward = postcode.split(" ")
    return postcode, f"{outward} {inward[0]}", outward


def clean_nhs_number(value: str) -> tuple[str | None, str | None]:
    """(the number if valid, the digits as supplied)."""
    digits = re.sub(r"\D", "", str(value or ""))
    if not digits:
        return None, None
    try:
        return validate_nhs_number(digits), digits
    except ValidationError:
        return None, digits


def clean_upn(value: str) -> tuple[str | None, str | None]:
    supplied = re.sub(r"[^0-9A-Za-z]", "", str(value or "")).upper()
    if not supplied:
        return None, None
    try:
        return validate_upn(supplied), supplied
    except ValidationError:
        return None, supplied


def clean_sex(value: str) -> str | None:
    return SEXES.get(str(value or "").strip().casefold())


def clean(record: Supplied) -> dict[str, Any]:
    """The model's columns for one record (see the module docstring)."""
    given, family = name_tokens(record.given_names), name_tokens(record.family_name)
    if not given and not family:
        raise RecordProblem(f"Record {record.unique_id} has no name: enter a given name or a family name")
    first = given[0] if given else ""
    day = parse_date(record.date_of_birth)
    swap = swapped(day)
    postcode, sector, district = clean_postcode(record.postcode)
    nhs_number, nhs_supplied = clean_nhs_number(record.nhs_number)
    upn, upn_supplied = clean_upn(record.upn)
    family_names = set(family) | ({"".join(family)} if family else set())
    for other in record.other_family_names:
        tokens = name_tokens(other)
        family_names |= set(tokens) | ({"".join(tokens)} if tokens else set())
    groups = set(name_group(first))
    for other in record.other_given_names:
        tokens = name_tokens(other)
        if tokens:
            groups |= set(name_group(tokens[0]))
    return {
        "unique_id": str(record.unique_id),
        "given_names": " ".join(given) or None,
        "first_name": first or None,
        "first_name_group": sorted(groups),
        "first_name_sound": sound(first),
        "family_name": "".join(family) or None,
        "family_names": sorted(family_names),
        "family_name_sound": sound(family[-1] if family else ""),
        "dob": day.isoformat() if day else None,
        "dob_swapped": swap.isoformat() if swap else None,
        "birth_year": day.year if day else None,
        "sex": clean_sex(record.sex),
        "postcode": postcode,
        "postcode_sector": sector,
        "postcode_district": district,
        "nhs_number": nhs_number,
        "nhs_supplied": nhs_supplied,
        "upn": upn,
        "upn_supplied": upn_supplied,
        "placeholder": record.placeholder or is_placeholder(record.given_names),
        "household": record.household or None,
        "household_dob_peers": 0,
    }


def household_peer_counts(households: Sequence[str | None], dobs: Sequence[str | None]) -> list[int | None]:
    """For each row (its household and date of birth), how many other rows share both; None
    for a row without a household or a date of birth."""
    counts: Counter[tuple[str, str]] = Counter((h, d) for h, d in zip(households, dobs, strict=True) if h and d)
    return [counts[(h, d)] - 1 if h and d else None for h, d in zip(households, dobs, strict=True)]


def mark_household_peers(rows: list[dict[str, Any]]) -> None:
    """Count, for each index row, the other rows in its household born on the same day (twins,
    triplets): the household guard asks more of a link to one of them."""
    peers = household_peer_counts([row["household"] for row in rows], [row["dob"] for row in rows])
    for row, count in zip(rows, peers, strict=True):
        if count is not None:
            row["household_dob_peers"] = count


def clean_all(records: Iterable[Supplied]) -> tuple[list[dict[str, Any]], list[str]]:
    """(cleaned rows, problems): every record's problem is listed, so a file is refused whole."""
    rows, problems = [], []
    for record in records:
        try:
            rows.append(clean(record))
        except RecordProblem as problem:
            problems.append(str(problem))
    return rows, problems


def supplied_from_row(row: Mapping[str, Any], id_column: str) -> Supplied:
    """A Supplied record from a file's row (the link_files columns)."""

    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value)

    day = row.get("date_of_birth")
    return Supplied(
        unique_id=text(id_column),
        given_names=text("given_names"),
        family_name=text("family_name"),
        date_of_birth=day if isinstance(day, datetime.date) else text("date_of_birth"),
        sex=text("sex"),
        postcode=text("postcode"),
        nhs_number=text("nhs_number"),
        upn=text("upn"),
    )
