"""The lawful bases of a disclosure, as data (sharing/data/lawful-bases.json, versioned by
date), and when the duty of s16LA Children Act 2004 is in force.

s16LA (inserted by the Children's Wellbeing and Schools Act 2026; process specification 6.4):
a person within subsection (4) holding information about a child that it considers relevant to
safeguarding or promoting the child's welfare must ensure it is disclosed to another such person
if, and so far as, it considers the disclosure may facilitate that person's relevant functions;
not where it considers disclosure would be more detrimental to the child than not disclosing.

The duty is off until the setting S16LA_COMMENCEMENT (an ISO date; none: not in force). A
disclosure made before that day is still logged, under the basis the list names as in force
before it (``before_s16la``: Working Together 2023 with the Data Protection Act 2018), and the
s16LA basis cannot be chosen for it. s16LC (the consistent identifier) has its own setting,
S16LC_COMMENCEMENT.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

BASES_FILE = Path(__file__).resolve().parent / "data" / "lawful-bases.json"
S16LA = "s16LA-CA2004"


@dataclass(frozen=True)
class Version:
    valid_from: datetime.date
    before_s16la: str
    bases: tuple[tuple[str, str], ...]


@cache
def _versions(path: Path = BASES_FILE) -> tuple[Version, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    found = [
        Version(
            datetime.date.fromisoformat(v["valid_from"]),
            v["before_s16la"],
            tuple((b["code"], b["label"]) for b in v["bases"]),
        )
        for v in raw["versions"]
    ]
    return tuple(sorted(found, key=lambda v: v.valid_from))


def _commencement(setting: str) -> datetime.date | None:
    value = getattr(settings, setting, None)
    if not value:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def s16la_commencement() -> datetime.date | None:
    return _commencement("S16LA_COMMENCEMENT")


def s16lc_commencement() -> datetime.date | None:
    return _commencement("S16LC_COMMENCEMENT")


def s16la_in_force(day: datetime.date) -> bool:
    """Whether the duty to share (s16LA) applies to a disclosure made on `day`."""
    start = s16la_commencement()
    return start is not None and day >= start


def s16lc_in_force(day: datetime.date) -> bool:
    start = s16lc_commencement()
    return start is not None and day >= start


def _version_on(day: datetime.date) -> Version:
    versions = _versions()
    found = versions[0]
    for version in versions:
        if version.valid_from <= day:
            found = version
    return found


def bases_on(day: datetime.date) -> tuple[tuple[str, str], ...]:
    """(code, label) of the lawful bases that may be given for a disclosure made on `day`:
    s16LA only once it is in force."""
    return tuple((code, words) for code, words in _version_on(day).bases if code != S16LA or s16la_in_force(day))


def default_basis(day: datetime.date) -> str:
    """The basis a disclosure made on `day` rests on when no other is given: s16LA once in
    force, the basis in force before it until then."""
    return S16LA if s16la_in_force(day) else _version_on(day).before_s16la


def label(code: str) -> str:
    for version in reversed(_versions()):
        for found, words in version.bases:
            if found == code:
                return words
    return code
