"""Who is a care leaver, by statute, worked out from the care history (never typed).

`eligibility_category(person, on)` names the young person's category on a day, with why (and
`basis`, the provision that gives it):

- eligible (Children Act 1989 Sch 2 para 19B; CPR10 reg 40): aged 16 or 17, looked after, and
  looked after for 13 weeks in total (periods added up) since the 14th birthday, some of it
  after the 16th birthday. A child looked after only in pre-planned short breaks (SSDA903
  legal statuses V3 and V4, CPR10 reg 48) is not: those days are not counted.
- relevant (s23A(2); Care Leavers (England) Regulations 2010 reg 3): aged 16 or 17, no longer
  looked after, and eligible when they last ceased to be; or (reg 3(2)) detained or in hospital
  on the 16th birthday, having been looked after for those 13 weeks immediately before. Except
  (reg 3, the 6 months rule) a young person who has lived with a parent or a person with
  parental responsibility (a special guardian, the person a child arrangements order names) for
  6 months or more in a row, and is still there: a child who leaves care at 16 or 17 through a
  special guardianship or child arrangements order, or home, stays relevant until then, and is
  relevant again if the arrangement breaks down.
- former relevant (s23C; s23CZB): 18 or over, and eligible or relevant the day before the 18th
  birthday; the duties run to 21 (longer in education or training) and a personal adviser is
  offered to 25.
- qualifying (s24), 16 to 20 and none of the above: (1A) looked after immediately before a
  special guardianship order (REC E43 to E48) that is in force (or was at 18); (1B) looked after
  at some time after the 16th birthday, while a child, and no longer. A child arrangements
  order (E41) is not (1A): it makes a qualifying care leaver only through (1B).

No one is looked after from the 18th birthday: a period recorded past it is read as ending on it.

What the care history cannot tell comes from the care leaver record (`Circumstances`): since
when the young person lives with a parent or person with parental responsibility (for the end
reasons that say so, from the day care ended unless recorded otherwise) and when that broke
down, when the special guardianship order stopped being in force, and since when they were
detained or in hospital on their 16th birthday.

The thresholds (13 weeks, 14, 16, 18, 21, 25, 6 months) and the lists of end reasons are data:
leavingcare/data/eligibility.json, each with its source ([U] uncertain, [LOCAL] a reading an
authority may change). The care history comes in bulk (`histories`) so that the returns can
categorise a whole authority in a few queries; `categorise` is the rule itself, on plain values.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from childrenincare.models import LegalStatus, PeriodOfCare

if TYPE_CHECKING:
    from people.models import Person

    from .models import CareLeaver

DATA = Path(__file__).resolve().parent / "data" / "eligibility.json"

ELIGIBLE, RELEVANT, FORMER_RELEVANT, QUALIFYING = "eligible", "relevant", "former_relevant", "qualifying"
LABELS = {
    ELIGIBLE: "Eligible child",
    RELEVANT: "Relevant child",
    FORMER_RELEVANT: "Former relevant young person",
    QUALIFYING: "Qualifying care leaver",
}
# A personal adviser must be appointed for these (Sch 2 para 19C, s23B(2), s23C(3)(a)).
NEEDS_PERSONAL_ADVISER = {ELIGIBLE, RELEVANT, FORMER_RELEVANT}


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def threshold(name: str) -> Any:
    return rules()["thresholds"][name]["value"]


def oc3_rule(name: str) -> Any:
    return rules()["oc3"][name]["value"]


def listed(name: str) -> set[str]:
    return set(rules()[name]["value"])


def rule_value(name: str) -> Any:
    return rules()[name]["value"]


def birthday(dob: datetime.date, years: int) -> datetime.date:
    """The `years`th birthday (29 February counts as 28 February in other years)."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return dob.replace(year=dob.year + years, day=28)


def age_on(dob: datetime.date, day: datetime.date) -> int:
    """Whole years on `day`, counted with `birthday` (so someone born on 29 February is a year
    older on 28 February in other years, and never a day younger than their birthday says)."""
    years = day.year - dob.year
    return years if birthday(dob, years) <= day else years - 1


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class Period:
    """One period of care as the rules read it: its days looked after (segments of legal
    status, short breaks marked) and how it ended. `end` is the day care ceased (not looked
    after from that day), or None while open."""

    start: datetime.date
    end: datetime.date | None
    end_reason: str = ""
    segments: list = field(default_factory=list)  # (start, end or None, legal status)
    pk: int | None = None


@dataclass
class Eligibility:
    category: str | None
    reasons: list
    days_since_14: int = 0
    days_since_16: int = 0
    looked_after: bool = False
    last_ceased: datetime.date | None = None
    last_end_reason: str = ""
    basis: str = ""  # the provision that gives the category: "para 19B", "s23A(2)", "reg 3(2)", "s24(1A)"...

    @property
    def label(self):
        return LABELS.get(self.category, "Not a care leaver")

    @property
    def needs_personal_adviser(self):
        return self.category in NEEDS_PERSONAL_ADVISER

    @property
    def weeks_since_14(self):
        return self.days_since_14 // 7


def histories(person_ids: Iterable[int]) -> dict[int, list[Period]]:
    """{person id: [Period, oldest first]} from the periods of care and legal statuses, in two
    queries per 900 people."""
    ids = list(person_ids)
    found: dict[int, list[Period]] = {pk: [] for pk in ids}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        periods = {}
        for row in (
            PeriodOfCare.objects.filter(person_id__in=chunk)
            .order_by("start_date", "id")
            .values("id", "person_id", "start_date", "end_date", "end_reason")
        ):
            period = Period(row["start_date"], row["end_date"], row["end_reason"] or "", pk=row["id"])
            periods[row["id"]] = period
            found[row["person_id"]].append(period)
        statuses: dict[int, list[tuple[datetime.date, str]]] = {}
        for status_row in (
            LegalStatus.objects.filter(period__person_id__in=chunk)
            .order_by("start_date", "id")
            .values("period_id", "code", "start_date")
        ):
            statuses.setdefault(status_row["period_id"], []).append((status_row["start_date"], status_row["code"]))
        for pk, period in periods.items():
            rows = statuses.get(pk) or [(period.start, "")]
            for index, (day, code) in enumerate(rows):
                following = rows[index + 1][0] if index + 1 < len(rows) else period.end
                period.segments.append((max(day, period.start), following, code))
    return found


def care_days(periods: Iterable[Period], dob: datetime.date, until: datetime.date) -> tuple[int, int]:
    """(days looked after since the 14th birthday, days since the 16th), up to `until`
    (exclusive), short breaks left out: a day is counted from the day care began to the day
    before it ended, as the SSDA903 counts DEC minus DECOM."""
    short_breaks = listed("short_break_legal_statuses")
    from_14, from_16 = birthday(dob, threshold("from_age")), birthday(dob, threshold("some_after_age"))
    since_14 = since_16 = 0
    for period in periods:
        for start, end, code in period.segments:
            if code in short_breaks:
                continue
            end = until if end is None else min(end, until)
            since_14 += max(0, (end - max(start, from_14)).days)
            since_16 += max(0, (end - max(start, from_16)).days)
    return since_14, since_16


def meets_care_threshold(since_14: int, since_16: int) -> bool:
    """13 weeks (91 days) in total since the 14th birthday, some of it after the 16th."""
    return since_14 >= threshold("looked_after_weeks") * 7 and since_16 >= 1


def _weeks(days):
    weeks, rest = divmod(days, 7)
    text = f"{weeks} week{'s' if weeks != 1 else ''}"
    return text + (f" and {rest} day{'s' if rest != 1 else ''}" if rest else "")


def _day(day):
    return f"{day:%-d %B %Y}"


def _until_18(period, eighteen):
    """The period as the law reads it: no one is looked after (a child) from the 18th birthday,
    so a period still open then, or recorded past it, ends on it (with no end reason: the one
    recorded is for a later day)."""
    if period.end is not None and period.end <= eighteen:
        return period
    segments = [
        (s, e if e is not None and e <= eighteen else eighteen, c) for s, e, c in period.segments if s < eighteen
    ]
    return Period(period.start, eighteen, "", segments, pk=period.pk)  # ceased by age, whatever was recorded later


def looked_after_on(periods: Iterable[Period], day: datetime.date) -> bool:
    return any(p.start <= day and (p.end is None or p.end > day) for p in periods)


def looked_after_between(periods: Iterable[Period], first: datetime.date, before: datetime.date) -> bool:
    """Looked after on at least one day from `first` to the day before `before`."""
    return any(p.start < before and (p.end is None or p.end > first) for p in periods)


@dataclass(frozen=True)
class Circumstances:
    """What the care history cannot tell, from the care leaver record (leavingcare.models.CareLeaver):
    whom the young person lives with, whether the special guardianship order is still in force,
    and whether they were detained or in hospital on their 16th birthday."""

    home_with_parent_since: datetime.date | None = None
    home_with_parent_until: datetime.date | None = None
    special_guardianship_ended_on: datetime.date | None = None
    detained_at_16_since: datetime.date | None = None

    @classmethod
    def of(cls, care_leaver):
        if care_leaver is None:
            return cls()
        detained = (
            getattr(care_leaver, "detained_at_16_since", None) if getattr(care_leaver, "at_sixteen", "") else None
        )
        return cls(
            care_leaver.home_with_parent_since,
            getattr(care_leaver, "home_with_parent_until", None),
            getattr(care_leaver, "special_guardianship_ended_on", None),
            detained,
        )


def record_facts(care_leaver: CareLeaver | None) -> dict[str, datetime.date | None]:
    """categorise's keyword arguments from a care leaver record (or None)."""
    found = Circumstances.of(care_leaver)
    return {
        "home_with_parent_since": found.home_with_parent_since,
        "home_with_parent_until": found.home_with_parent_until,
        "special_guardianship_ended_on": found.special_guardianship_ended_on,
        "detained_at_16_since": found.detained_at_16_since,
    }


def categorise(
    dob: datetime.date | None,
    periods: list[Period],
    on: datetime.date,
    *,
    home_with_parent_since: datetime.date | None = None,
    home_with_parent_until: datetime.date | None = None,
    special_guardianship_ended_on: datetime.date | None = None,
    detained_at_16_since: datetime.date | None = None,
    date_of_death: datetime.date | None = None,
) -> Eligibility:
    """The young person's category on `on` from their care history (plain values: see Period) and
    what the care leaver record adds (see Circumstances)."""
    if dob is None:
        return Eligibility(None, ["The date of birth is not recorded, so eligibility cannot be worked out."])
    if date_of_death is not None and date_of_death <= on:
        return Eligibility(None, ["The young person has died."])
    facts = Circumstances(
        home_with_parent_since, home_with_parent_until, special_guardianship_ended_on, detained_at_16_since
    )
    return _Rules(dob, periods, facts).on(on)


class _Rules:
    """The statute, read for one young person's history (see the module's docstring)."""

    def __init__(self, dob, periods, facts):
        self.dob, self.facts = dob, facts
        self.eligible_from, self.adult = threshold("eligible_from_age"), threshold("adult_age")
        self.weeks, self.from_age, self.after_age = (
            threshold("looked_after_weeks"),
            threshold("from_age"),
            threshold("some_after_age"),
        )
        self.sixteen, self.eighteen = birthday(dob, self.after_age), birthday(dob, self.adult)
        self.all_periods = sorted(
            (_until_18(p, self.eighteen) for p in periods if p.start < self.eighteen), key=lambda p: p.start
        )
        self.needed = (
            f"looked after for {self.weeks} weeks in total since the {self.from_age}th birthday, some of "
            f"it after the {self.after_age}th"
        )

    def on(self, on):
        age = age_on(self.dob, on)
        periods = [p for p in self.all_periods if p.start <= on]
        if not periods:
            return Eligibility(None, ["Not looked after at any time."])
        if looked_after_on(periods, on):
            return self.looked_after(periods, on, age)
        last = periods[-1]
        since_14, since_16 = care_days(periods, self.dob, last.end)
        facts = dict(
            days_since_14=since_14, days_since_16=since_16, last_ceased=last.end, last_end_reason=last.end_reason
        )
        if last.end == self.eighteen and not last.end_reason:
            ceased = f"Ceased to be looked after on {_day(last.end)}, the {self.adult}th birthday."
        else:
            ceased = f"Ceased to be looked after on {_day(last.end)} (reason {last.end_reason or 'not recorded'})."
        if last.end_reason in listed("not_a_care_leaver_end_reasons"):
            why = {
                "E11": "adopted",
                "E12": "adopted",
                "E2": "died while looked after",
                "E3": "care was taken over by another local authority, which is responsible now",
            }[last.end_reason]
            return Eligibility(None, [ceased, f"Not a care leaver of this authority: {why}."], **facts)
        if age >= threshold("personal_adviser_until"):
            return Eligibility(
                None,
                [ceased, f"Aged {age}: leaving care support ends at {threshold('personal_adviser_until')}."],
                **facts,
            )
        if age < self.eligible_from:
            return Eligibility(
                None, [ceased, f"Aged {age}: leaving care support starts at {self.eligible_from}."], **facts
            )
        if age < self.adult:
            relevant, reasons, basis = self.relevant(periods, last, on)
            if relevant:
                return Eligibility(RELEVANT, [ceased, *reasons], basis=basis, **facts)
            return self.qualifying(periods, last, on, age, [ceased, *reasons], facts, was_relevant=basis != "")
        day_before = self.eighteen - datetime.timedelta(days=1)
        at_18 = self.on(day_before)
        if at_18.category in (ELIGIBLE, RELEVANT):
            until = threshold("former_relevant_until")
            note = (
                f"The duties continue to {until} (longer in education or training), and a personal adviser is "
                f"offered until {threshold('personal_adviser_until')} (Children Act 1989 s23C, s23CZB)."
            )
            article = "an" if at_18.category == ELIGIBLE else "a"
            return Eligibility(
                FORMER_RELEVANT,
                [
                    ceased,
                    f"Was {article} {LABELS[at_18.category].lower()} the day before the {self.adult}th birthday: a "
                    "former relevant young person.",
                    note,
                ],
                basis="s23C(1)(b)" if at_18.category == ELIGIBLE else "s23C(1)(a)",
                **facts,
            )
        if age >= threshold("qualifying_until"):
            return Eligibility(
                None,
                [
                    ceased,
                    f"Aged {age}: not a former relevant young person, and a qualifying care "
                    f"leaver is under {threshold('qualifying_until')}.",
                ],
                **facts,
            )
        was_relevant = self.relevant(periods, last, day_before)[2] != ""
        return self.qualifying(periods, last, on, age, [ceased], facts, was_relevant=was_relevant)

    def looked_after(self, periods, on, age):
        since_14, since_16 = care_days(periods, self.dob, on + datetime.timedelta(days=1))
        facts = dict(days_since_14=since_14, days_since_16=since_16, looked_after=True)
        if age < self.eligible_from:
            return Eligibility(
                None,
                [
                    f"Aged {age} and looked after: a child becomes eligible for leaving care "
                    f"support at {self.eligible_from}."
                ],
                **facts,
            )
        if meets_care_threshold(since_14, since_16):
            return Eligibility(
                ELIGIBLE,
                [
                    f"Aged {age} and looked after.",
                    f"Looked after for {_weeks(since_14)} since the {self.from_age}th birthday (at least {self.weeks} weeks "  # noqa: E501
                    f"are needed, short breaks not counted), some of it after the {self.after_age}th: an eligible child "  # noqa: E501
                    "(Children Act 1989 Sch 2 para 19B; Care Planning Regulations 2010 reg 40).",
                ],
                basis="para 19B",
                **facts,
            )
        return Eligibility(
            None,
            [
                f"Looked after, but for {_weeks(since_14)} since the {self.from_age}th birthday "
                f"(short breaks not counted): an eligible child must have been {self.needed}."
            ],
            **facts,
        )

    def relevant(self, periods, last, on):
        """(relevant on `on`, reasons, basis): basis names the route that made the young person a
        relevant child before the 6 months rule ("" when neither)."""
        since_14, since_16 = care_days(periods, self.dob, last.end)
        if meets_care_threshold(since_14, since_16):
            basis, law = "s23A(2)", "Children Act 1989 s23A"
            reasons = [
                f"Looked after for {_weeks(since_14)} since the {self.from_age}th birthday, some of it after the "
                f"{self.after_age}th: an eligible child when care ended."
            ]
        else:
            detained = self.detained_at_16(periods)
            if detained is None:
                return False, [], ""
            basis, law, reasons = "reg 3(2)", "Care Leavers (England) Regulations 2010 reg 3(2)", [detained]
        home = self.home_six_months(last, on)
        if home is not None:
            return False, [*reasons, home], basis
        return True, [*reasons, f"No longer looked after and aged 16 or 17: a relevant child ({law})."], basis

    def detained_at_16(self, periods):
        """Care Leavers (England) Regulations 2010 reg 3(2): detained or in hospital on the 16th
        birthday, and looked after for the 13 weeks since 14 immediately before."""
        since = self.facts.detained_at_16_since
        if since is None or since > self.sixteen:
            return None
        gap = datetime.timedelta(days=threshold("detained_looked_after_gap_days"))
        before = [p for p in periods if p.start < since]
        if not before or (before[-1].end is not None and before[-1].end < since - gap):
            return None
        since_14, _ = care_days(before, self.dob, since)
        if since_14 < self.weeks * 7:
            return None
        return (
            f"Detained or in hospital since {_day(since)}, so on the {self.after_age}th birthday, and looked after "
            f"for {_weeks(since_14)} since the {self.from_age}th birthday immediately before (short breaks not "
            "counted)."
        )

    def home_since(self, last):
        if self.facts.home_with_parent_since is not None:
            return self.facts.home_with_parent_since, "recorded"
        if last.end_reason in listed("lives_with_person_with_parental_responsibility_end_reasons"):
            return last.end, last.end_reason
        return None, ""

    def home_six_months(self, last, on):
        """Why the 6 months rule (Care Leavers (England) Regulations 2010 reg 3) takes relevant
        child status away on `on`, or None."""
        since, how = self.home_since(last)
        until = self.facts.home_with_parent_until
        months = threshold("home_with_parent_months")
        if since is None or since > on or add_months(since, months) > on:
            return None
        if until is not None and since <= until <= on:
            return None  # the arrangement broke down: relevant again
        with_whom = {
            "E41": "the person named in the child arrangements order",
            "E4A": "a parent or person with parental responsibility",
            "E4B": "a parent or person with parental responsibility",
        }.get(
            how,
            "the special guardian"
            if how in listed("special_guardianship_end_reasons")
            else "a parent or person with parental responsibility",
        )
        return (
            f"Has lived with {with_whom} since {_day(since)}, {months} months or more in a row: not a relevant "
            "child (Care Leavers (England) Regulations 2010 reg 3); relevant again if that arrangement breaks down."
        )

    def qualifying(self, periods, last, on, age, reasons, facts, *, was_relevant):
        if age >= threshold("qualifying_until"):
            return Eligibility(None, reasons, **facts)
        order = next((p for p in reversed(periods) if p.end_reason in listed("special_guardianship_end_reasons")), None)
        if order is not None:
            ended = self.facts.special_guardianship_ended_on
            in_force = ended is None or (ended >= self.eighteen if age >= self.adult else ended > on)
            if in_force:
                when = "when they reached 18" if age >= self.adult else "now"
                return Eligibility(
                    QUALIFYING,
                    [
                        *reasons,
                        (
                            f"Looked after immediately before a special guardianship order made on {_day(order.end)}, in force "  # noqa: E501
                            f"{when}: a qualifying care leaver (Children Act 1989 s24(1A))."
                        ),
                    ],
                    basis="s24(1A)",
                    **facts,
                )
            reasons = [
                *reasons,
                f"The special guardianship order made on {_day(order.end)} stopped being in force on "
                f"{_day(ended)}: not a qualifying care leaver through it (s24(1A)).",
            ]
        after_16 = looked_after_between(periods, self.sixteen, self.eighteen)
        if after_16 and not (was_relevant and rule_value("s24_1b_excludes_former_relevant_children")):
            return Eligibility(
                QUALIFYING,
                [
                    *reasons,
                    (
                        f"Looked after at some time after the {self.after_age}th birthday, and no longer: a qualifying care "  # noqa: E501
                        "leaver (Children Act 1989 s24(1B))."
                    ),
                ],
                basis="s24(1B)",
                **facts,
            )
        if after_16:
            return Eligibility(
                None,
                [
                    *reasons,
                    "Was a relevant child since looked after: not a qualifying care leaver "
                    "(Children Act 1989 s24(2)(a)).",
                ],
                **facts,
            )
        why = f"Not looked after at any time after the {self.after_age}th birthday"
        if last.end_reason == "E41":
            why += (
                " (a child arrangements order, unlike a special guardianship order, does not make a qualifying "
                "care leaver by itself)"
            )
        return Eligibility(None, [*reasons, why + ": not a care leaver."], **facts)


def eligibility_category(
    person: Person,
    on: datetime.date,
    care_leaver: CareLeaver | None = None,
    circumstances: dict[str, Any] | None = None,
) -> Eligibility:
    """The statutory category of the young person on `on`, with the reasons (an Eligibility).
    `circumstances`: record_facts-style keyword arguments to use instead of the record's."""
    if circumstances is None:
        if care_leaver is None:
            care_leaver = getattr(person, "care_leaver", None) if _has_record(person) else None
        circumstances = record_facts(care_leaver)
    return categorise(
        person.date_of_birth, histories([person.pk])[person.pk], on, **circumstances, date_of_death=person.date_of_death
    )


def _has_record(person):
    from .models import CareLeaver

    try:
        return person.care_leaver is not None
    except CareLeaver.DoesNotExist:
        return False
