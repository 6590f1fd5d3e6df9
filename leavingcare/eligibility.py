"""Who is a care leaver, by statute, worked out from the care history (never typed).

`eligibility_category(person, on)` names the young person's category on a day, with why:

- eligible (Children Act 1989 Sch 2 para 19B; CPR10 reg 40): aged 16 or 17, looked after, and
  looked after for 13 weeks in total (periods added up) since the 14th birthday, some of it
  after the 16th birthday. A child looked after only in pre-planned short breaks (SSDA903
  legal statuses V3 and V4, CPR10 reg 48) is not: those days are not counted.
- relevant (s23A; Care Leavers (England) Regulations 2010 reg 3): aged 16 or 17, no longer
  looked after, and eligible when they last ceased to be; except a young person who has lived
  with a parent (or person with parental responsibility) for 6 months or more in a row.
- former relevant (s23C; s23CZB): 18 or over, and eligible or relevant the day before the 18th
  birthday; the duties run to 21 (longer in education or training) and a personal adviser is
  offered to 25.
- qualifying (s24): 16 to 20, looked after at some time after the 16th birthday (or under a
  special guardianship order after care) but none of the above.

The thresholds (13 weeks, 14, 16, 18, 21, 25, 6 months) are data: leavingcare/data/eligibility.json,
each with its source. The care history comes in bulk (`histories`) so that the returns can
categorise a whole authority in a few queries; `categorise` is the rule itself, on plain values.
"""

import datetime
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from childrenincare.models import LegalStatus, PeriodOfCare

DATA = Path(__file__).resolve().parent / "data" / "eligibility.json"

ELIGIBLE, RELEVANT, FORMER_RELEVANT, QUALIFYING = "eligible", "relevant", "former_relevant", "qualifying"
LABELS = {ELIGIBLE: "Eligible child", RELEVANT: "Relevant child", FORMER_RELEVANT: "Former relevant young person",
          QUALIFYING: "Qualifying care leaver"}
# A personal adviser must be appointed for these (Sch 2 para 19C, s23B(2), s23C(3)(a)).
NEEDS_PERSONAL_ADVISER = {ELIGIBLE, RELEVANT, FORMER_RELEVANT}


@lru_cache(maxsize=1)
def rules():
    return json.loads(DATA.read_text(encoding="utf-8"))


def threshold(name):
    return rules()["thresholds"][name]["value"]


def oc3_rule(name):
    return rules()["oc3"][name]["value"]


def listed(name):
    return set(rules()[name]["value"])


def birthday(dob, years):
    """The `years`th birthday (29 February counts as 28 February in other years)."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return dob.replace(year=dob.year + years, day=28)


def age_on(dob, day):
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def add_months(day, months):
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

    @property
    def label(self):
        return LABELS.get(self.category, "Not a care leaver")

    @property
    def needs_personal_adviser(self):
        return self.category in NEEDS_PERSONAL_ADVISER

    @property
    def weeks_since_14(self):
        return self.days_since_14 // 7


def histories(person_ids):
    """{person id: [Period, oldest first]} from the periods of care and legal statuses, in two
    queries per 900 people."""
    ids = list(person_ids)
    found = {pk: [] for pk in ids}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        periods = {}
        for row in (PeriodOfCare.objects.filter(person_id__in=chunk).order_by("start_date", "id")
                    .values("id", "person_id", "start_date", "end_date", "end_reason")):
            period = Period(row["start_date"], row["end_date"], row["end_reason"] or "", pk=row["id"])
            periods[row["id"]] = period
            found[row["person_id"]].append(period)
        statuses = {}
        for row in (LegalStatus.objects.filter(period__person_id__in=chunk).order_by("start_date", "id")
                    .values("period_id", "code", "start_date")):
            statuses.setdefault(row["period_id"], []).append((row["start_date"], row["code"]))
        for pk, period in periods.items():
            rows = statuses.get(pk) or [(period.start, "")]
            for index, (day, code) in enumerate(rows):
                following = rows[index + 1][0] if index + 1 < len(rows) else period.end
                period.segments.append((max(day, period.start), following, code))
    return found


def care_days(periods, dob, until):
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


def meets_care_threshold(since_14, since_16):
    """13 weeks (91 days) in total since the 14th birthday, some of it after the 16th."""
    return since_14 >= threshold("looked_after_weeks") * 7 and since_16 >= 1


def _weeks(days):
    weeks, rest = divmod(days, 7)
    text = f"{weeks} week{'s' if weeks != 1 else ''}"
    return text + (f" and {rest} day{'s' if rest != 1 else ''}" if rest else "")


def categorise(dob, periods, on, *, home_with_parent_since=None, date_of_death=None):
    """The young person's category on `on` from their care history (plain values: see Period)."""
    if dob is None:
        return Eligibility(None, ["The date of birth is not recorded, so eligibility cannot be worked out."])
    if date_of_death is not None and date_of_death <= on:
        return Eligibility(None, ["The young person has died."])
    age = age_on(dob, on)
    periods = sorted((p for p in periods if p.start <= on), key=lambda p: p.start)
    if not periods:
        return Eligibility(None, ["Not looked after at any time."])
    current = next((p for p in periods if p.end is None or p.end > on), None)
    eligible_from, adult = threshold("eligible_from_age"), threshold("adult_age")
    weeks_needed, from_age, after_age = threshold("looked_after_weeks"), threshold("from_age"), threshold("some_after_age")
    needed = (f"looked after for {weeks_needed} weeks in total since the {from_age}th birthday, some of it after the "
              f"{after_age}th")
    if current is not None:
        since_14, since_16 = care_days(periods, dob, on + datetime.timedelta(days=1))
        facts = dict(days_since_14=since_14, days_since_16=since_16, looked_after=True)
        if eligible_from <= age < adult and meets_care_threshold(since_14, since_16):
            return Eligibility(ELIGIBLE, [
                f"Aged {age} and looked after.",
                f"Looked after for {_weeks(since_14)} since the {from_age}th birthday (at least {weeks_needed} weeks "
                f"are needed), some of it after the {after_age}th: an eligible child (Children Act 1989 Sch 2 "
                "para 19B; Care Planning Regulations 2010 reg 40)."], **facts)
        if age < eligible_from:
            why = f"Aged {age} and looked after: a child becomes eligible for leaving care support at {eligible_from}."
        else:
            why = (f"Looked after, but for {_weeks(since_14)} since the {from_age}th birthday (short breaks not "
                   f"counted): an eligible child must have been {needed}.")
        return Eligibility(None, [why], **facts)

    last = periods[-1]
    since_14, since_16 = care_days(periods, dob, last.end)
    facts = dict(days_since_14=since_14, days_since_16=since_16, last_ceased=last.end, last_end_reason=last.end_reason)
    ceased = f"Ceased to be looked after on {last.end:%-d %B %Y} (reason {last.end_reason or 'not recorded'})."
    if last.end_reason in listed("not_a_care_leaver_end_reasons"):
        why = {"E11": "adopted", "E12": "adopted", "E2": "died while looked after",
               "E3": "care was taken over by another local authority, which is responsible now"}[last.end_reason]
        return Eligibility(None, [ceased, f"Not a care leaver of this authority: {why}."], **facts)
    after_16 = last.end > birthday(dob, after_age)
    if age >= threshold("personal_adviser_until"):
        return Eligibility(None, [ceased, f"Aged {age}: leaving care support ends at "
                                          f"{threshold('personal_adviser_until')}."], **facts)
    if age >= adult:
        day_before = birthday(dob, adult) - datetime.timedelta(days=1)
        at_18 = categorise(dob, periods, day_before, home_with_parent_since=home_with_parent_since)
        if at_18.category in (ELIGIBLE, RELEVANT):
            until = threshold("former_relevant_until")
            note = (f"The duties continue to {until} (longer in education or training), and a personal adviser is "
                    f"offered until {threshold('personal_adviser_until')} (Children Act 1989 s23C, s23CZB).")
            return Eligibility(FORMER_RELEVANT, [
                ceased, f"Was {'an' if at_18.category == ELIGIBLE else 'a'} {LABELS[at_18.category].lower()} the day before the {adult}th birthday: a former "
                        f"relevant young person.", note], **facts)
        if after_16 and age < threshold("qualifying_until"):
            return Eligibility(QUALIFYING, [ceased, "Looked after at some time after the "
                                            f"{after_age}th birthday: a qualifying care leaver (Children Act 1989 s24)."],
                               **facts)
        if last.end_reason in listed("qualifying_end_reasons") and age < threshold("qualifying_until"):
            return Eligibility(QUALIFYING, [ceased, "Looked after immediately before a special guardianship or child "
                                                    "arrangements order: a qualifying care leaver (s24(1A))."], **facts)
        return Eligibility(None, [ceased, f"Not looked after after the {after_age}th birthday: not a care leaver."],
                           **facts)
    if age < eligible_from:
        return Eligibility(None, [ceased, f"Aged {age}: leaving care support starts at {eligible_from}."], **facts)
    # Aged 16 or 17 and no longer looked after.
    if last.end_reason in listed("qualifying_end_reasons"):
        return Eligibility(QUALIFYING, [ceased, "Left care through a special guardianship or child arrangements "
                                                "order: a qualifying care leaver (Children Act 1989 s24(1A))."], **facts)
    if meets_care_threshold(since_14, since_16):
        months = threshold("home_with_parent_months")
        if home_with_parent_since is not None and add_months(home_with_parent_since, months) <= on:
            return Eligibility(QUALIFYING, [
                ceased, f"Has lived with a parent since {home_with_parent_since:%-d %B %Y}, {months} months or more: "
                        "not a relevant child (Care Leavers (England) Regulations 2010 reg 3), but a qualifying care "
                        "leaver (s24). Relevant again if that arrangement breaks down."], **facts)
        return Eligibility(RELEVANT, [
            ceased, f"Looked after for {_weeks(since_14)} since the {from_age}th birthday, some of it after the "
                    f"{after_age}th: eligible when care ended, so a relevant child (Children Act 1989 s23A)."], **facts)
    if after_16:
        return Eligibility(QUALIFYING, [
            ceased, f"Looked after for {_weeks(since_14)} since the {from_age}th birthday: not {needed}, so not a "
                    "relevant child, but a qualifying care leaver (Children Act 1989 s24)."], **facts)
    return Eligibility(None, [ceased, f"Care ended before the {after_age}th birthday: not a care leaver."], **facts)


def eligibility_category(person, on, care_leaver=None):
    """The statutory category of the young person on `on`, with the reasons (an Eligibility)."""
    if care_leaver is None:
        care_leaver = getattr(person, "care_leaver", None) if _has_record(person) else None
    return categorise(person.date_of_birth, histories([person.pk])[person.pk], on,
                      home_with_parent_since=getattr(care_leaver, "home_with_parent_since", None),
                      date_of_death=person.date_of_death)


def _has_record(person):
    from .models import CareLeaver

    try:
        return person.care_leaver is not None
    except CareLeaver.DoesNotExist:
        return False
