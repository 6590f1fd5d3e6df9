"""Ofsted Annex A List 9, care leavers: every young person entitled to leaving care support on
the inspection date D (relevant, former relevant, qualifying and eligible: returns.md section
8), their category worked out from the care history by leavingcare.eligibility, with the
personal adviser, the latest pathway plan review, whether the authority is in touch, the
latest contact, and the accommodation and activity from the latest birthday contact.

Who is listed [U]: eligible and relevant children, former relevant young people to 21 and,
from 21 to 25, those with a personal adviser allocated on D (receiving support, s23CZB), and
qualifying care leavers. The drop-down strings are the template's (liia-tools
`annex_a_pipeline/spec/Annex_A_schema.yml`, List 9), including its spelling.
"""

import datetime

from childrenincare.models import PeriodOfCare
from leavingcare.eligibility import (
    ELIGIBLE,
    FORMER_RELEVANT,
    QUALIFYING,
    RELEVANT,
    age_on,
    categorise,
    histories,
    record_facts,
    threshold,
)
from leavingcare.models import BirthdayContact, CareLeaver, KeepingInTouchContact, PathwayPlanReview, PersonalAdviser
from people.models import Person

from .selectors import NO, TEAM, WORKER, YES, Children, _allocations, _in

CATEGORY = {
    RELEVANT: "a) Relevant child",
    FORMER_RELEVANT: "b) Former relevant child",
    QUALIFYING: "c) Qualifying care leaver",
    ELIGIBLE: "d) Eligible child",
}
IN_TOUCH = {"YES": "a) Yes", "NO": "b) No", "DIED": "c) Died", "REFU": "d) Refu", "NREQ": "e) NREQ", "RHOM": "f) Rhom"}
ACCOMMODATION = {
    "B": "B: Parents/relatives",
    "C": "C: Community home/residential care",
    "D": "D: Semi-independent, transitional accommodation and self-contained accommodation",
    "E": "E: Supported lodgings",
    "G": "G: Abroad",
    "H": "H: Deported",
    "K": "K: Ordinary lodgings, without formal support",
    "R": "R: Residence not known",
    "S": "S: No fixed adobe/homeless",
    "T": "T: Foyers and similar supported accommodation",
    "U": "U: Independent living",
    "V": "V: Emergency accommodation",
    "W": "W: Bed and breakfast",
    "X": "X: In custody",
    "Y": "Y: Other accommodation",
    "Z": "Z: With former foster carers",
}
SUITABLE, UNSUITABLE = "a) Suitable", "b) Unsuitable"
ACTIVITY = {
    "F1": "F1: Full time in higher education",
    "P1": "P1: Part time in higher education",
    "F2": "F2: Full time in education other than higher",
    "P2": "P2: Part time in education other than higher",
    "F4": "F4: Young person engaged full time in an apprenticeship",
    "P4": "P4: Young person engaged part time in an apprenticeship",
    "F5": "F5: Young person engaged full time in training or employment (not apprenticeship)",
    "P5": "P5: Young person engaged part time in training or employment (not apprenticeship)",
    "G4": "G4: Not in education, employment or training - illness or disability",
    "G5": "G5: Not in education, employment or training - other",
    "G6": "G6: Not in education, employment or training - pregnancy or parenting",
}
ADVISER = "Allocated Personal Advisor"


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def entitled(day):
    """[(person, Eligibility, CareLeaver or None)] of the young people entitled on `day`."""
    oldest = _years_before(day, threshold("personal_adviser_until")) + datetime.timedelta(days=1)
    youngest = _years_before(day, threshold("eligible_from_age"))
    people = list(
        Person.objects.filter(date_of_birth__range=(oldest, youngest), periods_of_care__start_date__lte=day)
        .distinct()
        .order_by("id")
    )
    ids = [p.pk for p in people]
    found = histories(ids)
    records = {r.person_id: r for r in _in(CareLeaver.objects.all(), "person_id", ids)}
    advised = {
        pk
        for pk in _in(
            PersonalAdviser.objects.filter(start_date__lte=day)
            .exclude(end_date__lt=day)
            .values_list("care_leaver__person_id", flat=True),
            "care_leaver__person_id",
            ids,
        )
    }
    chosen = []
    for person in people:
        record = records.get(person.pk)
        status = categorise(
            person.date_of_birth, found[person.pk], day, **record_facts(record), date_of_death=person.date_of_death
        )
        if status.category is None:
            continue
        if (
            status.category == FORMER_RELEVANT
            and age_on(person.date_of_birth, day) >= threshold("former_relevant_until")
            and person.pk not in advised
        ):
            continue
        chosen.append((person, status, record))
    return chosen


def list_9(window):
    """The rows (dicts keyed by annex_a.HEADERS) for the inspection date window.day."""
    day = window.day
    chosen = entitled(day)
    children = Children([person for person, _, _ in chosen], day)
    ids = list(children.people)
    uasc = set(
        _in(
            PeriodOfCare.objects.filter(unaccompanied_asylum_seeker=True, start_date__lte=day).values_list(
                "person_id", flat=True
            ),
            "person_id",
            ids,
        )
    )
    latest_episode = {}
    for person_id, episode_id in _in(
        PeriodOfCare.objects.filter(start_date__lte=day)
        .order_by("start_date", "id")
        .values_list("person_id", "episode_id"),
        "person_id",
        ids,
    ):
        latest_episode[person_id] = episode_id
    allocations = _allocations(latest_episode.values(), day)
    open_episodes = set(
        _in(
            PeriodOfCare.objects.filter(start_date__lte=day, episode__closure_date__isnull=True).values_list(
                "episode_id", flat=True
            ),
            "person_id",
            ids,
        )
    )
    advisers = {}
    for adviser in _in(
        PersonalAdviser.objects.filter(start_date__lte=day)
        .exclude(end_date__lt=day)
        .select_related("adviser", "adviser__team", "care_leaver"),
        "care_leaver__person_id",
        ids,
    ):
        advisers[adviser.care_leaver.person_id] = adviser
    plans = {}
    for person_id, held_on in _in(
        PathwayPlanReview.objects.filter(held_on__lte=day)
        .order_by("held_on")
        .values_list("care_leaver__person_id", "held_on"),
        "care_leaver__person_id",
        ids,
    ):
        plans[person_id] = held_on
    contacts = {}
    for person_id, contact_on, in_touch in _in(
        KeepingInTouchContact.objects.filter(contact_on__lte=day)
        .order_by("contact_on", "id")
        .values_list("care_leaver__person_id", "contact_on", "in_touch"),
        "care_leaver__person_id",
        ids,
    ):
        contacts[person_id] = (contact_on, in_touch)
    birthdays = {}
    for contact in _in(
        BirthdayContact.objects.select_related("care_leaver").order_by("birthday_age"), "care_leaver__person_id", ids
    ):
        person = children.people[contact.care_leaver.person_id]
        if age_on(person.date_of_birth, day) >= contact.birthday_age:
            birthdays[person.pk] = contact
    rows = []
    for person, status, _ in chosen:
        row = children.common(person.pk)
        adviser = advisers.get(person.pk)
        episode_id = latest_episode.get(person.pk)
        # The social worker of an open episode; else the personal adviser; else the last allocation.
        team, worker = allocations.get(episode_id, ("", "")) if episode_id in open_episodes else ("", "")
        if not worker and adviser is not None:
            team, worker = (adviser.adviser.team.name if adviser.adviser.team else ""), adviser.adviser.get_full_name()
        if not worker:
            team, worker = allocations.get(episode_id, ("", ""))
        birthday_contact = birthdays.get(person.pk)
        contact = contacts.get(person.pk)
        latest_contact = max(
            [
                d
                for d in (contact[0] if contact else None, birthday_contact.contact_on if birthday_contact else None)
                if d
            ],
            default=None,
        )
        in_touch = ""
        if birthday_contact is not None and (
            contact is None or (birthday_contact.contact_on or datetime.date.min) >= contact[0]
        ):
            in_touch = IN_TOUCH.get(birthday_contact.in_touch, "")
        elif contact is not None:
            in_touch = IN_TOUCH["YES"] if contact[1] else IN_TOUCH["NO"]
        accommodation = (birthday_contact.accommodation if birthday_contact else "") or ""
        row.update(
            {
                "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)": YES
                if person.pk in uasc
                else NO,
                "Does the Child have a Disability": children.disability(person.pk),
                TEAM: team,
                WORKER: worker,
                ADVISER: adviser.adviser.get_full_name() if adviser else "",
                "Eligibility Category": CATEGORY[status.category],
                "Latest Pathway Plan Review Date": plans.get(person.pk),
                "LA in Touch": in_touch,
                "Latest Date of Contact": latest_contact,
                "Type of Accommodation": ACCOMMODATION.get(accommodation[:1], ""),
                "Suitability of Accommodation": (
                    {"1": SUITABLE, "2": UNSUITABLE}.get(accommodation[1:2], "")
                    if accommodation[:1] in ACCOMMODATION
                    else ""
                ),
                "Activity Status": ACTIVITY.get(birthday_contact.activity, "") if birthday_contact else "",
            }
        )
        rows.append(row)
    return rows
