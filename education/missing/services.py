"""The steps of a child missing education case, each in one transaction, checking everything
before it writes (kernel.rules.RuleBroken with messages by field), locking the child, adding to
the child's chronology and audited:

- open_missing_education_case: the child is of compulsory school age on the day, not on a
  school's roll that day or found on one since (the school they left excepted: its registration
  ends that day), not on the children not in school register that day or since, and has no
  open case. The education team gets an
  involvement with the child (selectors.education_team), which ends when the case closes.
- record_missing_education_enquiry: an enquiry made to find the child, and what it found.
- close_missing_education_case: found on a school's roll (a registration current on the day),
  on the register (an entry on it on the day), moved out of the area (the new authority told),
  moved abroad, past compulsory school age, died, or another reason.
- close_when_found: called by education.services.record_school_registration and
  add_to_register, in their transaction: a child with an open case put on a roll or the
  register has the case closed for that reason.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import services as audit
from chronology.services import record_event
from kernel.rules import Errors, RuleBroken, check_date, long_date
from people.models import Involvement, Person

from ..models import (
    DeregistrationNotice,
    MissingEducationCase,
    MissingEducationEnquiry,
    RegisterEntry,
    School,
    SchoolRegistration,
)
from ..rules import of_compulsory_school_age
from . import selectors

if TYPE_CHECKING:
    from partners.models import User

KIND = "missing-education"
Case = MissingEducationCase
Reason = MissingEducationCase.ClosureReason


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _lock(person: Person) -> Person:
    return Person.objects.select_for_update().get(pk=person.pk)


def _current(queryset: QuerySet[SchoolRegistration], on: datetime.date) -> QuerySet[SchoolRegistration]:
    return queryset.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


@transaction.atomic
def open_missing_education_case(
    user: User,
    person: Person,
    *,
    opened_on: datetime.date | None,
    source: str,
    urn: str = "",
    last_known_address: str = "",
    details: str = "",
    notice: DeregistrationNotice | None = None,
) -> MissingEducationCase:
    """The child is missing education from `opened_on`. `urn`: the school they left (its
    registration, if still open, ends on that day)."""
    person = _lock(person)
    errors = Errors()
    check_date(errors, "opened_on", opened_on, label="date the child was known to be missing education")
    if source not in Case.Source.values:
        errors.add("source", "Select how the authority heard the child is missing education")
    school = None
    if (urn or "").strip():
        school = School.objects.filter(urn=urn.strip()).first()
        if school is None:
            errors.add("urn", f"URN {urn.strip()} is not on the authority's school list: check the number")
    elif source == Case.Source.SCHOOL_NOTICE:
        errors.add("urn", "Enter the URN of the school the child left")
    if person.kind != Person.Kind.CHILD:
        errors.add("__all__", "Only a child can be missing education")
    if Case.objects.filter(person=person, status=Case.Status.OPEN).exists():
        errors.add("__all__", f"{person.full_name} already has an open missing education case")
    leaving: SchoolRegistration | None = None
    if opened_on is not None and "opened_on" not in errors:
        if not of_compulsory_school_age(person.date_of_birth, opened_on):
            errors.add(
                "opened_on",
                f"{person.full_name} is not of compulsory school age on {long_date(opened_on)}: "
                "only a child of compulsory school age can be missing education",
            )
        last_closed = Case.objects.filter(person=person, closed_on__isnull=False).order_by("-closed_on").first()
        if last_closed is not None and last_closed.closed_on and opened_on < last_closed.closed_on:
            errors.add(
                "opened_on",
                f"The date cannot be before the day the last case closed ({long_date(last_closed.closed_on)})",
            )
        # On a roll after the day began (a registration ending that day is a school they left),
        # or found on one since: not missing education from that day.
        rolls = (
            SchoolRegistration.objects.filter(person=person)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=opened_on))
            .select_related("school")
            .order_by("start_date", "pk")
        )
        for registration in rolls:
            if school is not None and registration.school_id == school.pk and registration.start_date <= opened_on:
                leaving = registration
                continue
            when = (
                f"on {long_date(opened_on)}"
                if registration.start_date <= opened_on
                else f"from {long_date(registration.start_date)}"
            )
            errors.add(
                "opened_on",
                f"{person.full_name} is on the roll of {registration.school.name} {when}: "
                "a child on a school's roll is not missing education",
            )
            break
        entry = (
            RegisterEntry.objects.filter(person=person)
            .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=opened_on))
            .order_by("added_on")
            .first()
        )
        if entry is not None:
            when = f"on {long_date(opened_on)}" if entry.added_on <= opened_on else f"from {long_date(entry.added_on)}"
            errors.add(
                "opened_on",
                f"{person.full_name} is on the children not in school register {when}: "
                "their education is known to the authority",
            )
    errors.raise_if_any()
    assert opened_on is not None
    if leaving is not None and (leaving.end_date is None or leaving.end_date > opened_on):
        before = leaving.end_date
        leaving.end_date = opened_on
        leaving.save(update_fields=["end_date"])
        audit.record_change(
            user,
            leaving,
            {"end_date": (before, opened_on)},
            person=person,
            summary="Ended a school registration: the child left with no known destination",
        )
    case = Case.objects.create(
        person=person,
        opened_on=opened_on,
        source=source,
        school=school,
        notice=notice,
        last_known_address=(last_known_address or "").strip(),
        details=(details or "").strip(),
        recorded_by=user,
    )
    team = selectors.education_team(user)
    if team is not None:
        Involvement.objects.create(
            person=person, agency_id=team.agency_id, team=team, kind=selectors.INVOLVEMENT_KIND, start_date=opened_on
        )
    left = f"Left {school.name} with no known destination. " if school else ""
    record_event(
        person,
        KIND,
        _moment(opened_on),
        "Missing education: case opened",
        detail=f"{left}{case.get_source_display()}"
        + (f". The case is with {team.name}" if team else ". No education team is set up to take the case"),
        source=case,
        recorded_by=user,
    )
    audit.record_creation(user, case, person=person, summary="Opened a child missing education case")
    return case


def _lock_case(case: MissingEducationCase) -> MissingEducationCase:
    locked = MissingEducationCase.objects.select_for_update(of=("self",)).select_related("person", "school")
    found = locked.get(pk=case.pk)
    _lock(found.person)
    return found


@transaction.atomic
def record_missing_education_enquiry(
    user: User,
    case: MissingEducationCase,
    *,
    made_on: datetime.date | None,
    kind: str,
    made_with: str,
    outcome: str,
) -> MissingEducationEnquiry:
    """An enquiry made to find the child: when, what kind, with whom, what it found."""
    case = _lock_case(case)
    if not case.is_open:
        raise RuleBroken(f"This case closed on {long_date(case.closed_on)}: no enquiry can be added")
    errors = Errors()
    check_date(
        errors,
        "made_on",
        made_on,
        label="date of the enquiry",
        not_before=case.opened_on,
        not_before_label="the day the case opened",
    )
    if kind not in MissingEducationEnquiry.Kind.values:
        errors.add("kind", "Select what enquiry was made")
    if not (made_with or "").strip():
        errors.add("made_with", "Enter who the enquiry was made with")
    if not (outcome or "").strip():
        errors.add("outcome", "Enter what the enquiry found")
    errors.raise_if_any()
    assert made_on is not None
    enquiry = MissingEducationEnquiry.objects.create(
        case=case,
        made_on=made_on,
        kind=kind,
        made_with=made_with.strip(),
        outcome=outcome.strip(),
        recorded_by=user,
    )
    record_event(
        case.person,
        KIND,
        _moment(made_on),
        f"Missing education enquiry: {enquiry.get_kind_display().lower()}",
        detail=f"With {enquiry.made_with}: {enquiry.outcome}",
        source=case,
        recorded_by=user,
    )
    audit.record_creation(user, enquiry, person=case.person, summary="Recorded a missing education enquiry")
    return enquiry


def _close(
    user: User | None,
    case: MissingEducationCase,
    closed_on: datetime.date,
    reason: str,
    detail: str = "",
    registration: SchoolRegistration | None = None,
    entry: RegisterEntry | None = None,
) -> MissingEducationCase:
    case.status = Case.Status.CLOSED
    case.closed_on = closed_on
    case.closure_reason = reason
    case.closure_detail = detail
    case.registration = registration
    case.register_entry = entry
    case.closed_by = user
    case.save(
        update_fields=[
            "status",
            "closed_on",
            "closure_reason",
            "closure_detail",
            "registration",
            "register_entry",
            "closed_by",
        ]
    )
    Involvement.objects.filter(person_id=case.person_id, kind=selectors.INVOLVEMENT_KIND, end_date__isnull=True).update(
        end_date=closed_on
    )
    why = case.get_closure_reason_display()
    if registration is not None:
        why += f": {registration.school.name} from {long_date(registration.start_date)}"
    elif entry is not None:
        why += f" from {long_date(entry.added_on)}"
    elif detail:
        why += f": {detail}"
    record_event(
        case.person,
        KIND,
        _moment(closed_on),
        "Missing education: case closed",
        detail=why,
        source=case,
        recorded_by=user,
    )
    audit.record_change(
        user,
        case,
        {
            "status": (Case.Status.OPEN, Case.Status.CLOSED),
            "closed_on": (None, closed_on),
            "closure_reason": ("", reason),
        },
        person=case.person,
        summary="Closed a child missing education case",
    )
    return case


def found_on_roll(case: MissingEducationCase, registration: SchoolRegistration) -> bool:
    """Whether a registration puts the child on a roll during the case: it has not ended by the
    day the case opened (a registration ending that day is the school they left)."""
    return registration.person_id == case.person_id and (
        registration.end_date is None or registration.end_date > case.opened_on
    )


@transaction.atomic
def close_missing_education_case(
    user: User,
    case: MissingEducationCase,
    *,
    closed_on: datetime.date | None,
    reason: str,
    urn: str = "",
    detail: str = "",
) -> MissingEducationCase:
    """The case closes on a day, for a reason. Found on a roll needs the child's registration at
    that school (`urn`) current on the day; on the register needs their entry on it that day;
    moved out of the area names the new authority told (`detail`); past compulsory school age
    needs the child to be past it."""
    case = _lock_case(case)
    if not case.is_open:
        raise RuleBroken(f"This case closed on {long_date(case.closed_on)}")
    errors = Errors()
    check_date(
        errors,
        "closed_on",
        closed_on,
        label="date the case closed",
        not_before=case.opened_on,
        not_before_label="the day the case opened",
    )
    detail = (detail or "").strip()
    if reason not in Reason.values:
        errors.add("reason", "Select why the case closes")
    elif reason == Reason.LEFT_AREA and not detail:
        errors.add("detail", "Enter the new local authority, and when it was told")
    elif reason == Reason.OTHER and not detail:
        errors.add("detail", "Enter the reason")
    registration = entry = None
    person = case.person
    if closed_on is not None and "closed_on" not in errors:
        if reason == Reason.ON_ROLL:
            if not (urn or "").strip():
                errors.add("urn", "Enter the URN of the school the child is on the roll of")
            else:
                registration = (
                    _current(SchoolRegistration.objects.filter(person=person, school__urn=urn.strip()), closed_on)
                    .select_related("school")
                    .first()
                )
                if registration is None or not found_on_roll(case, registration):
                    registration = None
                    errors.add(
                        "urn",
                        f"{person.full_name} is not on the roll of the school with URN {urn.strip()} on "
                        f"{long_date(closed_on)}: record the school registration (the case then closes itself)",
                    )
        elif reason == Reason.ON_REGISTER:
            entry = (
                RegisterEntry.objects.filter(person=person, added_on__lte=closed_on)
                .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=closed_on))
                .first()
            )
            if entry is None:
                errors.add(
                    "reason",
                    f"{person.full_name} is not on the children not in school register on {long_date(closed_on)}: "
                    "add them to it (the case then closes itself)",
                )
        elif reason == Reason.PAST_AGE and of_compulsory_school_age(person.date_of_birth, closed_on):
            errors.add("reason", f"{person.full_name} is still of compulsory school age on {long_date(closed_on)}")
    errors.raise_if_any()
    assert closed_on is not None
    return _close(user, case, closed_on, reason, detail, registration=registration, entry=entry)


def close_when_found(
    user: User,
    person: Person,
    *,
    registration: SchoolRegistration | None = None,
    entry: RegisterEntry | None = None,
) -> MissingEducationCase | None:
    """Close the child's open case, if any, now that they are on a school's roll
    (`registration`) or on the register (`entry`). Called inside the caller's transaction, the
    child already locked. The case closes on the day the child joined the roll or the register
    (or the day it opened, if that was later)."""
    case = (
        MissingEducationCase.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(person=person, status=Case.Status.OPEN)
        .first()
    )
    if case is None:
        return None
    if registration is not None:
        if not found_on_roll(case, registration):
            return None
        return _close(
            user, case, max(case.opened_on, registration.start_date), Reason.ON_ROLL, registration=registration
        )
    if entry is not None and entry.removed_on is None:
        return _close(user, case, max(case.opened_on, entry.added_on), Reason.ON_REGISTER, entry=entry)
    return None


def close_all_when_found(user: User | None, registrations: list[SchoolRegistration]) -> list[MissingEducationCase]:
    """close_when_found for many registrations at once (education.services.
    record_school_registrations, the children already locked): one query finds the open cases
    of their children; each child found on a roll has the case closed by the earliest such
    registration."""
    by_person: dict[int, list[SchoolRegistration]] = {}
    for registration in registrations:
        by_person.setdefault(registration.person_id, []).append(registration)
    if not by_person:
        return []
    closed = []
    for case in (
        MissingEducationCase.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(person_id__in=list(by_person), status=Case.Status.OPEN)
    ):
        found = sorted(
            (r for r in by_person[case.person_id] if found_on_roll(case, r)), key=lambda r: (r.start_date, r.pk)
        )
        if found:
            closed.append(
                _close(user, case, max(case.opened_on, found[0].start_date), Reason.ON_ROLL, registration=found[0])
            )
    return closed
