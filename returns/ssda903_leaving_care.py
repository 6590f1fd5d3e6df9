"""SSDA903 OC3: care leavers in touch around their 17th to 21st birthday, built from the care
history (the cohort) and leavingcare.BirthdayContact (the answers).

The cohort, as the DfE guide and the Data to Insight validator read it (rules 391, 1001, 1000,
1011, 1007, 1016): a young person whose 17th, 18th, 19th, 20th or 21st birthday falls in the
collection year, who was looked after for at least 13 weeks (91 days) in total after their
14th birthday, some of it after their 16th (short breaks, V3 and V4, not counted), and who was
no longer looked after on that birthday (care ended before it). Not in it: a young person
looked after now, one adopted (E11, E12), one who died in care (E2) and one whose care was
taken over by another authority (E3). The thresholds are leavingcare/data/eligibility.json.

IN_TOUCH, ACTIV and ACCOM come from the birthday contact; a young person in the cohort with
none recorded is still returned, with the three blank, and the checks list them
(returns.validation_leaving_care) with the fix: never dropped.
"""

import datetime

from leavingcare.eligibility import age_on, birthday, care_days, histories, listed, meets_care_threshold, oc3_rule
from leavingcare.models import BirthdayContact
from people.models import Person

from .collection import collection_period


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def cohort(year):
    """[(person, birthday age, birthday)] of the OC3 cohort of the collection year ending 31
    March `year`, ordered by person id."""
    start, end = collection_period(year)
    ages = oc3_rule("birthday_ages")
    oldest = _years_before(start, max(ages) + 1) + datetime.timedelta(days=1)
    youngest = _years_before(end, min(ages))
    people = list(
        Person.objects.filter(date_of_birth__range=(oldest, youngest), periods_of_care__isnull=False)
        .distinct()
        .order_by("id")
    )
    found = histories([p.pk for p in people])
    excluded = listed("not_a_care_leaver_end_reasons")
    chosen = []
    for person in people:
        dob = person.date_of_birth
        age = age_on(dob, end)
        day = birthday(dob, age)
        if day < start or age not in ages:
            continue
        periods = found[person.pk]
        if not periods or any(p.end is None or p.end >= day for p in periods if p.start <= end):
            continue  # looked after now, or on the birthday: not a care leaver for this birthday
        before = [p for p in periods if p.start < day]
        if not before or before[-1].end_reason in excluded:
            continue
        if not meets_care_threshold(*care_days(before, dob, day)):
            continue
        chosen.append((person, age, day))
    return chosen


def oc3(year):
    """[(person, {"IN_TOUCH", "ACTIV", "ACCOM"})] for the OC3 cohort of the collection year
    ending 31 March `year`, in a stable order."""
    chosen = cohort(year)
    contacts = {}
    ids = [person.pk for person, _, _ in chosen]
    for index in range(0, len(ids), 900):
        for contact in BirthdayContact.objects.filter(care_leaver__person_id__in=ids[index : index + 900]).values(
            "care_leaver__person_id", "birthday_age", "in_touch", "activity", "accommodation"
        ):
            contacts[(contact["care_leaver__person_id"], contact["birthday_age"])] = contact
    rows = []
    for person, age, _ in chosen:
        contact = contacts.get((person.pk, age))
        if contact is None:
            rows.append((person, {"IN_TOUCH": "", "ACTIV": "", "ACCOM": ""}))
        else:
            rows.append(
                (
                    person,
                    {"IN_TOUCH": contact["in_touch"], "ACTIV": contact["activity"], "ACCOM": contact["accommodation"]},
                )
            )
    return rows
