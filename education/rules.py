"""The law's dates and the s434A rules, as data and pure functions (no database here).

Compulsory school age (Education Act 1996 s8):

- s8(2): a child begins to be of compulsory school age on the prescribed day after their fifth
  birthday, or on the birthday if it is a prescribed day. The Education (Start of Compulsory
  School Age) Order 1998 prescribes 31 August, 31 December and 31 March.
- s8(3): they stop being of compulsory school age at the end of the school leaving date of the
  school year in which they turn 16 (a birthday after the leaving date but before 1 September
  counts in that year). The Education (School Leaving Date) Order 1997 makes it the last Friday
  in June.

A person attains an age at the start of the anniversary of their birth (Family Law Reform Act
1969 s9); someone born on 29 February is taken to have their birthday on 1 March in a year
that has no 29 February [U: no case in point; for these two ages it never changes the answer,
since 28 February and 1 March fall before the same prescribed day and in the same school year].

The s434A rules (who is a relevant child, the look-back periods, how long a refused parent
waits) are in education/data/s434a.json, versioned by the day each version applies from.
"""

from __future__ import annotations

import calendar
import datetime
import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kernel.rules import long_date

RULES_FILE = Path(__file__).resolve().parent / "data" / "s434a.json"
# The prescribed days (month, day) of the Education (Start of Compulsory School Age) Order 1998.
PRESCRIBED_DAYS = ((3, 31), (8, 31), (12, 31))
FRIDAY = 4


def birthday(date_of_birth: datetime.date, age: int) -> datetime.date:
    """The day a person attains `age` (29 February: 1 March in a year without one)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return datetime.date(date_of_birth.year + age, 3, 1)


def compulsory_school_age_starts(date_of_birth: datetime.date) -> datetime.date:
    """The first day of compulsory school age: the fifth birthday if it is a prescribed day,
    otherwise the next prescribed day (s8(2))."""
    fifth = birthday(date_of_birth, 5)
    for month, day in PRESCRIBED_DAYS:
        prescribed = datetime.date(fifth.year, month, day)
        if prescribed >= fifth:
            return prescribed
    month, day = PRESCRIBED_DAYS[0]
    return datetime.date(fifth.year + 1, month, day)


def school_leaving_date(year: int) -> datetime.date:
    """The last Friday in June of `year` (the Education (School Leaving Date) Order 1997)."""
    last = datetime.date(year, 6, 30)
    return last - datetime.timedelta(days=(last.weekday() - FRIDAY) % 7)


def compulsory_school_age_ends(date_of_birth: datetime.date) -> datetime.date:
    """The last day of compulsory school age: the school leaving date of the school year (1
    September to 31 August) in which the child turns 16 (s8(3))."""
    sixteenth = birthday(date_of_birth, 16)
    year = sixteenth.year if sixteenth.month < 9 else sixteenth.year + 1
    return school_leaving_date(year)


def of_compulsory_school_age(date_of_birth: datetime.date | None, on: datetime.date) -> bool:
    """Whether a child born on `date_of_birth` is of compulsory school age on `on` (False with no
    date of birth: an unborn child, or one whose date of birth is not known)."""
    if date_of_birth is None:
        return False
    return compulsory_school_age_starts(date_of_birth) <= on <= compulsory_school_age_ends(date_of_birth)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years before (29 February: 28 February in a year without one)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return datetime.date(day.year - years, 2, 28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or the month's last day, when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- The s434A rules as data ----------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """One version of the s434A rules (education/data/s434a.json)."""

    version: str
    condition_a: bool
    maintained_special_counts: bool
    section_47: bool
    plan_now: bool
    plan_within_years: int | None
    left_care_within_years: int | None
    left_care_reasons: frozenset[str]
    ask_again_after_months: int

    @classmethod
    def from_data(cls, version: dict[str, Any]) -> Rules:
        a, b = version["condition_a"], version["condition_b"]
        plan, care = b.get("plan_within_years", {}), b.get("left_care_within_years", {})
        return cls(
            version=version["from"],
            condition_a=bool(a.get("enabled", True)),
            maintained_special_counts=bool(a.get("maintained_special_school_counts_as_arranged", False)),
            section_47=bool(b.get("section_47_in_progress", True)),
            plan_now=bool(b.get("plan_now", True)),
            plan_within_years=int(plan["years"]) if plan.get("enabled") else None,
            left_care_within_years=int(care["years"]) if care.get("enabled") else None,
            left_care_reasons=frozenset(care.get("end_reasons", ())),
            ask_again_after_months=int(version["ask_again_after_months"]["months"]),
        )


@cache
def _versions(path: str) -> tuple[Rules, ...]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    versions = sorted(data["versions"], key=lambda version: version["from"])
    return tuple(Rules.from_data(version) for version in versions)


def rules_on(day: datetime.date, path: Path | str = RULES_FILE) -> Rules:
    """The version of the rules that applies on `day` (the first version before any)."""
    versions = _versions(str(path))
    found = versions[0]
    for version in versions:
        if datetime.date.fromisoformat(version.version) <= day:
            found = version
    return found


def may_ask_again_on(decided_on: datetime.date, rules: Rules) -> datetime.date:
    """The day a parent refused consent may ask again."""
    return add_months(decided_on, rules.ask_again_after_months)


@dataclass(frozen=True)
class Relevance:
    """Whether a child is a relevant child (s434A) on a day, which conditions they meet, and
    why, in plain English."""

    relevant: bool
    conditions: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    of_compulsory_school_age: bool = False
    registered: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> str:
        if self.relevant:
            return "A relevant child (condition " + " and ".join(self.conditions) + ")"
        return "Not a relevant child"


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one child on one day (read by education.selectors)."""

    date_of_birth: datetime.date | None
    # (school name, special school, maintained by the authority, under authority arrangements)
    registrations: tuple[tuple[str, bool, bool, bool], ...] = ()
    # start dates of section 47 enquiries in progress
    enquiries: tuple[datetime.date, ...] = ()
    # (start, end or None) of child protection plans that ended on or after the look-back day
    plans: tuple[tuple[datetime.date, datetime.date | None], ...] = ()
    # (day care ended, SSDA903 reason) of periods of care that ended through adoption or an SGO
    left_care: tuple[tuple[datetime.date, str], ...] = ()


CARE_ENDINGS = {
    "E11": "adoption",
    "E12": "adoption",
    "E45": "a special guardianship order",
    "E46": "a special guardianship order",
    "E47": "a special guardianship order",
    "E48": "a special guardianship order",
}


def _condition_a(facts: Facts, rules: Rules) -> str:
    if not rules.condition_a:
        return ""
    for name, special, maintained, arranged in facts.registrations:
        if special and (arranged or (maintained and rules.maintained_special_counts)):
            how = "under arrangements made by the local authority" if arranged else "which the authority maintains"
            return f"Registered at a special school, {name}, {how} (condition A)"
    return ""


def _plan_reason(facts: Facts, on: datetime.date, rules: Rules) -> str:
    if not facts.plans:
        return ""
    since = years_before(on, rules.plan_within_years) if rules.plan_within_years is not None else on
    for start, end in sorted(facts.plans, key=lambda plan: plan[0], reverse=True):
        if start > on:
            continue
        if end is None or end >= on:
            if rules.plan_now:
                return f"On a child protection plan since {long_date(start)} (condition B)"
        elif rules.plan_within_years is not None and end >= since:
            return (
                f"A child protection plan ended on {long_date(end)}, within the last "
                f"{rules.plan_within_years} years (condition B)"
            )
    return ""


def _care_reason(facts: Facts, on: datetime.date, rules: Rules) -> str:
    if rules.left_care_within_years is None or not facts.left_care:
        return ""
    care_since = years_before(on, rules.left_care_within_years)
    for ended, reason in sorted(facts.left_care, reverse=True):
        if reason in rules.left_care_reasons and care_since <= ended <= on:
            how = CARE_ENDINGS.get(reason, "adoption or special guardianship")
            return (
                f"Left care through {how} on {long_date(ended)}, within the last "
                f"{rules.left_care_within_years} years (condition B)"
            )
    return ""


def _condition_b(facts: Facts, on: datetime.date, rules: Rules) -> list[str]:
    found = []
    if rules.section_47 and facts.enquiries:
        found.append(f"Section 47 enquiries in progress since {long_date(min(facts.enquiries))} (condition B)")
    found.extend(reason for reason in (_plan_reason(facts, on, rules), _care_reason(facts, on, rules)) if reason)
    return found


@lru_cache(maxsize=64)
def _notes(on: datetime.date, age: bool, registered: bool) -> tuple[str, ...]:
    notes: list[str] = []
    if not age:
        notes.append(f"Not of compulsory school age on {long_date(on)}")
    if not registered:
        notes.append(f"Not registered at a school on {long_date(on)}")
    return tuple(notes)


def decide(facts: Facts, on: datetime.date, rules: Rules) -> Relevance:
    """Apply the rules to one child's facts on `on`. (Most children have no fact that could
    meet a condition: no special school, enquiry, plan or care; they are answered at once, as
    the full rules would, which the nightly check over every pupil needs.)"""
    age = of_compulsory_school_age(facts.date_of_birth, on)
    registered = bool(facts.registrations)
    notes = _notes(on, age, registered)
    if not (facts.enquiries or facts.plans or facts.left_care or any(r[1] for r in facts.registrations)):
        return Relevance(relevant=False, of_compulsory_school_age=age, registered=registered, notes=notes)
    conditions: list[str] = []
    reasons: list[str] = []
    a_reason = _condition_a(facts, rules)
    if a_reason:
        conditions.append("A")
        reasons.append(a_reason)
    b_reasons = _condition_b(facts, on, rules)
    if b_reasons:
        conditions.append("B")
        reasons.extend(b_reasons)
    relevant = age and registered and bool(conditions)
    return Relevance(
        relevant=relevant,
        conditions=tuple(conditions),
        reasons=tuple(reasons),
        of_compulsory_school_age=age,
        registered=registered,
        notes=notes,
    )
