"""Checks of SSDA903 OC3 before submission (see returns.validation), the DfE rules as the
Data to Insight validator (csc-validator-be-903 0.1.17) reads them, each with how to fix it
in this service:

- 131, 132, 133: IN_TOUCH, ACTIV and ACCOM must be valid codes (blank is not: a young person in
  the cohort with no birthday contact recorded fails here, with the fix to record it).
- 153: the three are all given or all blank.
- 344: DIED or RHOM, then ACTIV and ACCOM are 0; 345: YES, then neither is 0.
- 3001: at the 17th birthday the accommodation cannot be with former foster carers (Z1, Z2).
- 347: under 18 at the start of the year, not in a foyer (T1, T2). The validator compares ACCOM
  with "T", which no code is, so it never fires there; the DfE rule is checked here.
- 391: the young person must be 17 or over at the end of the year.
- 1016: 17 or 18 at the end of the year and ceased to be looked after on or after that birthday.
- INT34: once only in OC3; INT06 and INT15: in the Header, with the same date of birth.
- 1014: no UASC row for a care leaver with no episode in the year.
- 628: no MOTHER in the Header for a care leaver with no episode in the year.
"""

import datetime

from kernel import codelists
from leavingcare.eligibility import age_on, birthday, oc3_rule

from .collection import collection_period

RECORD = (
    "Record the birthday contact on the young person's care leaver record (Birthday contacts, the {age} "
    "birthday): whether the authority was in touch from 3 months before to 1 month after it, the main activity "
    "and the accommodation"
)


def _date(text):
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date() if text else None
    except ValueError:
        return None


def _ordinal(age):
    return f"{age}st" if age % 10 == 1 and age != 11 else f"{age}th"


def check(tables, year):  # noqa: C901
    """A list of returns.validation.Failure for the OC3 table."""
    from .validation import Failure  # noqa: PLC0415  (returns.validation imports this module)

    start, end = collection_period(year)
    failures = []
    header = {row["CHILD"]: row for row in tables.get("Header", [])}
    with_episodes = {row["CHILD"] for row in tables.get("Episodes", [])}
    episodes_end = {}
    for row in tables.get("Episodes", []):
        day = _date(row.get("DEC", ""))
        if day:
            episodes_end.setdefault(row["CHILD"], []).append(day)
    uasc = {row["CHILD"] for row in tables.get("UASC", [])}
    seen = {}

    def fail(row, field, rule, message, fix):
        failures.append(Failure(row.get("CHILD", ""), "OC3", field, rule, message, fix))

    for row in tables.get("OC3", []):
        child = row["CHILD"]
        seen[child] = seen.get(child, 0) + 1
        dob = _date(row.get("DOB", ""))
        age = age_on(dob, end) if dob else None
        ordinal = _ordinal(age) if age else "latest"
        in_touch, activity, accom = row.get("IN_TOUCH", ""), row.get("ACTIV", ""), row.get("ACCOM", "")
        if not (in_touch or activity or accom):
            fail(
                row,
                "IN_TOUCH",
                "131",
                f"No birthday contact is recorded for the {ordinal} birthday of a care leaver in the OC3 cohort",
                RECORD.format(age=ordinal),
            )
        else:
            if not codelists.is_valid("care-leaver-in-touch", in_touch, on=end):
                fail(
                    row,
                    "IN_TOUCH",
                    "131",
                    "Whether the authority was in touch is not a valid code",
                    RECORD.format(age=ordinal),
                )
            if not codelists.is_valid("care-leaver-activity", activity, on=end):
                fail(row, "ACTIV", "132", "The main activity is not a valid code", RECORD.format(age=ordinal))
            if not codelists.is_valid("care-leaver-accommodation", accom, on=end):
                fail(row, "ACCOM", "133", "The accommodation is not a valid code", RECORD.format(age=ordinal))
            if not (in_touch and activity and accom):
                fail(
                    row,
                    "IN_TOUCH",
                    "153",
                    "In touch, activity and accommodation must all be given, or all blank",
                    RECORD.format(age=ordinal),
                )
        if in_touch in {"DIED", "RHOM"} and (activity != "0" or accom != "0"):
            fail(
                row,
                "ACTIV",
                "344",
                "The young person died or went home, but an activity or accommodation is given",
                "Record the birthday contact again: for a young person who died or went home to their parents the "
                "activity and accommodation are not asked",
            )
        if in_touch == "YES" and (activity == "0" or accom == "0"):
            fail(
                row,
                "ACTIV",
                "345",
                "The authority is in touch, but the activity or accommodation is 0",
                "Record the young person's main activity and accommodation on the birthday contact",
            )
        if dob and accom[:1] == "Z" and start <= birthday(dob, oc3_rule("no_staying_put_at_age")) <= end:
            fail(
                row,
                "ACCOM",
                "3001",
                "At the 17th birthday the accommodation cannot be with former foster carers",
                "Check the birthday contact: a young person still living with their foster carers at 17 is looked "
                "after, not a care leaver",
            )
        if dob and accom[:1] == "T" and age_on(dob, start) < oc3_rule("no_foyer_under_age"):
            fail(
                row,
                "ACCOM",
                "347",
                "A care leaver under 18 at the start of the year cannot be accommodated in a foyer",
                "Check the type of accommodation on the birthday contact",
            )
        if dob and age is not None and age < min(oc3_rule("birthday_ages")):
            fail(
                row,
                "DOB",
                "391",
                "The young person was not 17 to 21 in the year",
                "Check the young person's date of birth on their record",
            )
        if dob and age in (17, 18) and any(day >= birthday(dob, age) for day in episodes_end.get(child, ())):
            fail(
                row,
                "IN_TOUCH",
                "1016",
                f"Ceased to be looked after on or after the {ordinal} birthday: no care leaver "
                "information is needed this year",
                "Check the date care ended on the care record",
            )
        if child not in header:
            fail(row, "CHILD", "INT06", "The care leaver is not in the Header", "Build the return again")
        elif dob and _date(header[child].get("DOB", "")) not in (None, dob):
            fail(row, "DOB", "INT15", "The date of birth differs from the Header's", "Build the return again")
        if child in uasc and child not in with_episodes:
            fail(
                row,
                "IN_TOUCH",
                "1014",
                "UASC information is not required for a care leaver with no episode this year",
                "The UASC table should leave out care leavers not looked after in the year: build the return again",
            )
        if (
            child in header
            and child not in with_episodes
            and header[child].get("MOTHER")
            and (in_touch or activity or accom)
        ):
            failures.append(
                Failure(
                    child,
                    "Header",
                    "MOTHER",
                    "628",
                    "Whether a care leaver is a mother is not asked for a young person not looked after in the year",
                    "Leave MOTHER blank in the Header for care leavers with no episode in the year",
                )
            )
    for child, count in seen.items():
        if count > 1:
            failures.append(
                Failure(
                    child,
                    "OC3",
                    "CHILD",
                    "INT34",
                    "The young person is in OC3 more than once",
                    "Build the return again",
                )
            )
    return failures
