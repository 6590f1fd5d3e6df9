"""A seeded synthetic person index and partner feed, with the truth, to measure linkage.

`make(children, feed, seed)` gives (index rows, feed rows, truth rows), all made up:

- The index: households of one to four children sharing a family name and a postcode, some
  with twins (same date of birth, different first names, sometimes alike: "Jayden"/"Jaden").
  Most children have an NHS number; school-age children often a UPN. Some have changed
  family name (the index holds the current one; the feed may carry the old one).
- The feed: records of index children (several agencies may send the same child) and of
  children not in the index (a brother or sister of an index child at the same address, a
  twin whose co-twin is in the index, children new to the area). Each record may carry the
  errors partner data has: a typo in a name, a nickname, first and family names swapped, a
  changed or hyphenated family name, day and month swapped, a one-digit date error, a date
  a few days out, a move of address, a missing field, an NHS number mistyped (it then fails
  Modulus 11) or a brother's or sister's valid NHS number given in error.
- The truth: record_id, person_id (empty when the child is not in the index) and what was
  done to the record (for reading the errors by kind).

Names come from the demo's name pools (demo/data/names.json, read as data) and postcodes
from the demo's postcode extract (demo/data/postcodes.json); no real person is described.
"""

from __future__ import annotations

import datetime
import json
import random
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jellyfish

from people.identifiers import nhs_check_digit, upn_check_letter

from .cleaning import nickname_groups

DEMO_DATA = Path(__file__).resolve().parents[1] / "demo" / "data"
TODAY = datetime.date(2026, 12, 1)
AGENCIES = ("health", "police", "school", "housing", "children's services")
# How often each error is made in a feed record of an index child.
ERRORS = {
    "first_name_typo": 0.05,
    "nickname": 0.06,
    "names_swapped": 0.015,
    "old_family_name": 0.5,  # of children whose family name changed
    "hyphenated": 0.02,
    "family_name_typo": 0.04,
    "dob_swapped": 0.02,
    "dob_digit": 0.02,
    "dob_days": 0.01,
    "dob_missing": 0.02,
    "moved": 0.12,
    "postcode_missing": 0.08,
    "nhs_given": 0.6,
    "nhs_mistyped": 0.03,
    "nhs_sibling": 0.01,
    "upn_given": 0.35,
    "upn_mistyped": 0.02,
    "sex_missing": 0.05,
}


@dataclass
class Child:
    person_id: str
    given_names: str
    family_name: str
    dob: datetime.date
    sex: str
    postcode: str
    nhs_number: str
    upn: str
    previous_family_name: str = ""
    siblings: list[Child] = field(default_factory=list, repr=False)


def _pools() -> tuple[list[str], list[str], list[str]]:
    names = json.loads((DEMO_DATA / "names.json").read_text(encoding="utf-8"))
    boys: list[str] = []
    girls: list[str] = []
    surnames: list[str] = []
    for pool in names["pools"].values():
        for key, target in (("child_m", boys), ("child_f", girls), ("surnames", surnames)):
            for name in str(pool.get(key, "")).split():
                if name not in target:
                    target.append(name)
    return boys, girls, surnames


def _postcodes() -> list[str]:
    data = json.loads((DEMO_DATA / "postcodes.json").read_text(encoding="utf-8"))
    return sorted({p for found in data["postcodes"].values() for p in found})


def _zipf(rng: random.Random, items: list[str]) -> str:
    # Earlier names are more common: rank r is picked with weight 1 / (r + 8).
    index = int(len(items) * (rng.random() ** 2.2))
    return items[min(index, len(items) - 1)]


def valid_nhs_number(rng: random.Random, used: set[str]) -> str:
    while True:
        first_nine = f"{rng.randrange(400_000_000, 999_999_999):09d}"
        check = nhs_check_digit(first_nine)
        number = f"{first_nine}{check}"
        if check != 10 and number not in used:
            used.add(number)
            return number


def valid_upn(rng: random.Random, dob: datetime.date, used: set[str]) -> str:
    while True:
        la_code, year = rng.choice((373, 370, 371, 372, 380)), (dob.year + 5) % 100
        rest = f"{la_code}{year:02d}{rng.randrange(10**6):06d}{rng.randrange(10)}"
        upn = upn_check_letter(rest) + rest
        if upn not in used:
            used.add(upn)
            return upn


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text + rng.choice("aeiou")
    i = rng.randrange(1, len(text))
    kind = rng.random()
    if kind < 0.3:  # drop a letter
        return text[:i] + text[i + 1 :]
    if kind < 0.6 and i < len(text) - 1:  # swap two letters
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind < 0.8:  # double a letter
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def _mistype_nhs(rng: random.Random, number: str) -> str:
    # One digit changed: Modulus 11 always catches it.
    i = rng.randrange(10)
    digit = str((int(number[i]) + rng.randrange(1, 10)) % 10)
    return number[:i] + digit + number[i + 1 :]


def _nickname(rng: random.Random, name: str) -> str | None:
    group = sorted(nickname_groups().get(name.lower(), frozenset()) - {name.lower()})
    short = [n for n in group if len(n) < len(name)]
    return rng.choice(short or group).title() if group else None


def _dob_digit(rng: random.Random, day: datetime.date) -> datetime.date:
    text = day.isoformat()
    for _ in range(20):
        i = rng.choice((2, 3, 6, 8, 9))
        candidate = text[:i] + str(rng.randrange(10)) + text[i + 1 :]
        try:
            new = datetime.date.fromisoformat(candidate)
        except ValueError:
            continue
        if new != day and new <= TODAY:
            return new
    return day


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.boys, self.girls, self.surnames = _pools()
        self.postcodes = _postcodes()
        self.nhs_used: set[str] = set()
        self.upn_used: set[str] = set()
        self.serial = 0

    def _first_name(self, sex: str, avoid: set[str]) -> str:
        pool = self.boys if sex == "M" else self.girls
        for _ in range(50):
            name = _zipf(self.rng, pool)
            if name not in avoid:
                return name
        return name

    def _alike(self, child: Child, sex: str) -> str | None:
        """A name from the pool close to the child's first name (Jaro-Winkler 0.85 or more)."""
        first = child.given_names.split()[0]
        pool = self.boys if sex == "M" else self.girls
        close = [n for n in pool if n != first and jellyfish.jaro_winkler_similarity(n.lower(), first.lower()) >= 0.85]
        return self.rng.choice(close) if close else None

    def _dob(self) -> datetime.date:
        return TODAY - datetime.timedelta(days=self.rng.randrange(30, 18 * 365))

    def _child(self, family: str, postcode: str, dob: datetime.date | None, avoid: set[str]) -> Child:
        rng = self.rng
        self.serial += 1
        sex = rng.choice("MF")
        first = self._first_name(sex, avoid)
        avoid.add(first)
        given = first if rng.random() < 0.6 else f"{first} {self._first_name(sex, avoid | {first})}"
        day = dob or self._dob()
        age = (TODAY - day).days // 365
        return Child(
            person_id=f"P{self.serial:07d}",
            given_names=given,
            family_name=family,
            dob=day,
            sex=sex,
            postcode=postcode,
            nhs_number=valid_nhs_number(rng, self.nhs_used) if rng.random() < 0.93 else "",
            upn=valid_upn(rng, day, self.upn_used) if age >= 4 and rng.random() < 0.8 else "",
        )

    def household(self) -> list[Child]:
        rng = self.rng
        family = _zipf(rng, self.surnames)
        if rng.random() < 0.08:
            family = f"{family}-{_zipf(rng, self.surnames)}"
        postcode = rng.choice(self.postcodes)
        size = rng.choices((1, 2, 3, 4), weights=(40, 35, 17, 8))[0]
        avoid: set[str] = set()
        children = []
        for _ in range(size):
            children.append(self._child(family, postcode, None, avoid))
            if rng.random() < 0.015:  # twins (about 3 % of children are twins)
                twin = self._child(family, postcode, children[-1].dob, avoid)
                if rng.random() < 0.3 and (alike := self._alike(children[-1], twin.sex)):
                    twin.given_names = alike  # alike names: "Jayden" and "Jaden", "Isla" and "Ella"
                children.append(twin)
        if rng.random() < 0.08:  # the family name changed; the index holds the new one
            new = _zipf(rng, self.surnames)
            for child in children:
                child.previous_family_name, child.family_name = child.family_name, new
        for child in children:
            child.siblings = [other for other in children if other is not child]
        return children

    def feed_record(self, child: Child, record_id: str) -> tuple[dict[str, Any], list[str]]:
        """A partner's record of the child, with the errors made in it (their names)."""
        done: list[str] = []
        given, family = self._names(child, done)
        dob = self._date_of_birth(child, done)
        postcode = self._postcode(child, done)
        nhs, upn = self._identifiers(child, done)
        sex = "" if self.rng.random() < ERRORS["sex_missing"] else child.sex
        return {
            "record_id": record_id,
            "agency": self.rng.choice(AGENCIES),
            "given_names": given,
            "family_name": family,
            "date_of_birth": dob.isoformat() if dob else "",
            "sex": sex,
            "postcode": postcode,
            "nhs_number": nhs,
            "upn": upn,
        }, done

    def _names(self, child: Child, done: list[str]) -> tuple[str, str]:
        rng, e = self.rng, ERRORS
        first, *rest = child.given_names.split()
        family = child.family_name
        if child.previous_family_name and rng.random() < e["old_family_name"]:
            family = child.previous_family_name
            done.append("old_family_name")
        if rng.random() < e["nickname"] and (nick := _nickname(rng, first)):
            first = nick
            done.append("nickname")
        elif rng.random() < e["first_name_typo"]:
            first = _typo(rng, first)
            done.append("first_name_typo")
        if rng.random() < e["hyphenated"] and "-" not in family:
            other = _zipf(rng, self.surnames)
            family = f"{family}-{other}" if rng.random() < 0.5 else f"{other}-{family}"
            done.append("hyphenated")
        elif rng.random() < e["family_name_typo"]:
            family = _typo(rng, family)
            done.append("family_name_typo")
        given = " ".join([first, *rest]) if rng.random() < 0.7 else first
        if rng.random() < e["names_swapped"]:
            given, family = family, given
            done.append("names_swapped")
        return given, family

    def _date_of_birth(self, child: Child, done: list[str]) -> datetime.date | None:
        rng, e, day = self.rng, ERRORS, child.dob
        roll = rng.random()
        if roll < e["dob_swapped"] and day.day <= 12 and day.day != day.month:
            done.append("dob_swapped")
            return datetime.date(day.year, day.day, day.month)
        if roll < e["dob_swapped"] + e["dob_digit"]:
            done.append("dob_digit")
            return _dob_digit(rng, day)
        if roll < e["dob_swapped"] + e["dob_digit"] + e["dob_days"]:
            done.append("dob_days")
            return day + datetime.timedelta(days=rng.choice((-20, -7, -3, -1, 1, 2, 5, 14, 28)))
        if roll < e["dob_swapped"] + e["dob_digit"] + e["dob_days"] + e["dob_missing"]:
            done.append("dob_missing")
            return None
        return day

    def _postcode(self, child: Child, done: list[str]) -> str:
        roll = self.rng.random()
        if roll < ERRORS["moved"]:
            done.append("moved")
            return self.rng.choice(self.postcodes)
        if roll < ERRORS["moved"] + ERRORS["postcode_missing"]:
            done.append("postcode_missing")
            return ""
        return child.postcode

    def _identifiers(self, child: Child, done: list[str]) -> tuple[str, str]:
        rng, e = self.rng, ERRORS
        nhs = ""
        if child.nhs_number and rng.random() < e["nhs_given"]:
            nhs = child.nhs_number
            roll = rng.random()
            if roll < e["nhs_mistyped"]:
                nhs = _mistype_nhs(rng, nhs)
                done.append("nhs_mistyped")
            elif roll < e["nhs_mistyped"] + e["nhs_sibling"] and child.siblings:
                sibling = rng.choice(child.siblings)
                if sibling.nhs_number:
                    nhs = sibling.nhs_number
                    done.append("nhs_sibling")
        upn = child.upn if child.upn and rng.random() < e["upn_given"] else ""
        if upn and rng.random() < e["upn_mistyped"]:
            i = rng.randrange(1, 12)
            upn = upn[:i] + str((int(upn[i]) + rng.randrange(1, 10)) % 10) + upn[i + 1 :]
            done.append("upn_mistyped")
        return nhs, upn


def index_row(child: Child) -> dict[str, Any]:
    return {
        "person_id": child.person_id,
        "given_names": child.given_names,
        "family_name": child.family_name,
        "date_of_birth": child.dob.isoformat(),
        "sex": child.sex,
        "postcode": child.postcode,
        "nhs_number": child.nhs_number,
        "upn": child.upn,
        "previous_family_names": child.previous_family_name,
    }


def make(
    children: int, feed: int, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(index rows, feed rows, truth rows): see the module docstring. About 80 % of feed records
    are of index children; the rest are of children not in the index, many of them a brother,
    sister or twin of an index child."""
    gen = Generator(seed)
    rng = gen.rng
    indexed: list[Child] = []
    outside: list[Child] = []
    while len(indexed) < children:
        household = gen.household()
        if rng.random() < 0.06 and len(household) > 1:
            # One child of the household is not in the index (a new baby, a child who moved in).
            outside.append(household.pop(rng.randrange(len(household))))
        indexed.extend(household)
    indexed = indexed[:children]
    while len(outside) < feed // 10:
        outside.extend(gen.household())
    feed_rows: list[dict[str, Any]] = []
    truth: list[dict[str, Any]] = []
    for n in range(feed):
        record_id = f"R{n + 1:08d}"
        in_index = rng.random() < 0.8
        child = rng.choice(indexed) if in_index else rng.choice(outside)
        row, done = gen.feed_record(child, record_id)
        feed_rows.append(row)
        truth.append(
            {"record_id": record_id, "person_id": child.person_id if in_index else "", "errors": " ".join(done)}
        )
    return [index_row(c) for c in indexed], feed_rows, truth
