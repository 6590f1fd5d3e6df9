"""Business rules of the education records, each a statutory step in one transaction:

- load_school_list: the authority's school list (URN, name, phase, special school, maintained
  by the authority), from its file; a URN not on it is refused everywhere else.
- record_school_registration: a pupil on a school's roll from one day (to another).
- receive_consent_request: a parent asks for the authority's consent to withdraw their child
  from school for home education, or a school says it is about to remove a child from its roll
  for it (s434A). The service works out whether the child is a relevant child on the day the
  request came (education.selectors.relevant_children; the rules in education/data/s434a.json),
  keeps which conditions and why, and tells the allocated social worker and the school at once.
  A child who is not a relevant child needs no consent: the request is kept, closed as such.
- gather_consent_information: the school's, the social worker's, the child's view, a visit.
- record_best_interests_analysis: whether education at home is in the child's best interests.
- record_consent_decision: consent given or refused, by whom, with reasons; a refusal gives
  the day the parent may ask again (the rules' timescale). The parent (the letter), the social
  worker and the school are told.
- add_to_register, remove_from_register: the children not in school register (s436B to
  s436G), kept by date: a child of compulsory school age not on a school's roll comes onto it
  with the information the Act names, and comes off it on a day, for a reason.

Every step checks everything before it writes (kernel.rules.RuleBroken with messages by
field), adds to the child's chronology and is audited. The consent steps refuse before the
commencement of s434A (education.commencement).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from chronology.services import entry as chronology_entry
from chronology.services import record_event, record_events
from kernel.rules import Errors, RuleBroken, check_date, long_date
from people.merging.selectors import live_people
from people.models import Person

from . import commencement, selectors
from .missing import services as missing
from .models import (
    ConsentInformation,
    ConsentNotification,
    ConsentRequest,
    DeregistrationNotice,
    MissingEducationCase,
    RegisterEntry,
    School,
    SchoolRegistration,
)
from .rules import may_ask_again_on, of_compulsory_school_age, rules_on

if TYPE_CHECKING:
    from partners.models import Agency, User

CONSENT_KIND = "home-education-consent"
REGISTER_KIND = "not-in-school-register"


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _lock(person: Person) -> Person:
    return Person.objects.select_for_update().get(pk=person.pk)


def _school(errors: Errors, field: str, urn: str) -> School | None:
    urn = (urn or "").strip()
    if not urn:
        errors.add(field, "Enter the school's URN")
        return None
    school = selectors.school_by_urn(urn)
    if school is None:
        errors.add(field, f"URN {urn} is not on the authority's school list: check the number")
    return school


# --- The school list and the pupil's school history ---------------------------------------


@transaction.atomic
def load_school_list(rows: Iterable[Mapping[str, Any]]) -> int:
    """Add or update the schools of the authority's list (by URN); returns how many rows. A
    row with an unknown phase or a URN that is not 6 or 7 digits is refused, nothing saved."""
    errors = Errors()
    cleaned = []
    for number, row in enumerate(rows, start=1):
        urn = str(row.get("urn", "")).strip()
        if not (urn.isdigit() and len(urn) in (6, 7)):
            errors.add("__all__", f"Row {number}: the URN must be 6 or 7 digits")
            continue
        phase = row.get("phase", School.Phase.NOT_APPLICABLE)
        if phase not in School.Phase.values:
            errors.add("__all__", f"Row {number}: unknown phase {phase!r}")
            continue
        name = str(row.get("name", "")).strip()
        if not name:
            errors.add("__all__", f"Row {number}: enter the school's name")
            continue
        cleaned.append((urn, name, phase, bool(row.get("special")), bool(row.get("maintained_by_authority"))))
    errors.raise_if_any()
    for urn, name, phase, special, maintained in cleaned:
        School.objects.update_or_create(
            urn=urn,
            defaults={"name": name, "phase": phase, "special": special, "maintained_by_authority": maintained},
        )
    return len(cleaned)


@transaction.atomic
def record_school_registration(
    user: User,
    person: Person,
    *,
    urn: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None = None,
    under_authority_arrangements: bool = False,
    source: str = SchoolRegistration.Source.CASE_WORKER,
) -> SchoolRegistration:
    """The child on a school's roll from `start_date` (to `end_date`, if they have left)."""
    person = _lock(person)
    errors = Errors()
    school = _school(errors, "urn", urn)

    def overlaps(school: School, start: datetime.date, end: datetime.date | None) -> bool:
        overlap = SchoolRegistration.objects.filter(person=person, school=school).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )
        return (overlap.filter(start_date__lte=end) if end is not None else overlap).exists()

    _check_registration(
        errors,
        school=school,
        start_date=start_date,
        end_date=end_date,
        source=source,
        kind=person.kind,
        overlaps=overlaps,
    )
    errors.raise_if_any()
    assert school is not None
    assert start_date is not None
    registration = SchoolRegistration.objects.create(
        person=person,
        school=school,
        start_date=start_date,
        end_date=end_date,
        under_authority_arrangements=under_authority_arrangements,
        source=source,
        recorded_by=user,
    )
    record_event(
        person,
        "school-registration",
        _moment(start_date),
        f"Registered at {school.name}",
        detail=f"Left on {long_date(end_date)}" if end_date else "",
        source=registration,
        recorded_by=user,
    )
    audit.record_creation(user, registration, person=person, summary="Recorded a school registration")
    missing.close_when_found(user, person, registration=registration)
    return registration


# --- Consent to withdraw for home education (s434A) ---------------------------------------


def _refuse_unless_in_force(day: datetime.date | None) -> None:
    if not commencement.in_force(day):
        raise RuleBroken(commencement.not_in_force_message(day if commencement.commencement() else None))


def _notify(
    request: ConsentRequest, about: str, on: datetime.date, user: User, *, parent: bool = False
) -> list[ConsentNotification]:
    """Tell the allocated social worker and the school (and the parent, of a decision): a
    notification row each, and one chronology entry naming them."""
    sent = []
    worker = selectors.allocated_worker(request.person)
    if worker is not None:
        sent.append(
            ConsentNotification(
                request=request,
                to=ConsentNotification.To.SOCIAL_WORKER,
                about=about,
                user=worker,
                name=worker.get_full_name() or worker.username,
                sent_on=on,
            )
        )
    school = request.registration.school
    sent.append(
        ConsentNotification(
            request=request, to=ConsentNotification.To.SCHOOL, about=about, name=school.name, sent_on=on
        )
    )
    if parent:
        sent.append(
            ConsentNotification(
                request=request, to=ConsentNotification.To.PARENT, about=about, name=request.requested_by, sent_on=on
            )
        )
    ConsentNotification.objects.bulk_create(sent)
    told = "; ".join(f"{n.get_to_display().lower()} ({n.name})" for n in sent)
    what = "the request" if about == ConsentNotification.About.REQUEST else "the decision"
    record_event(
        request.person,
        CONSENT_KIND,
        _moment(on),
        f"Told about {what} on consent to home educate",
        detail=f"Told: {told}" + ("" if worker else ". No social worker is allocated to the child"),
        source=request,
        recorded_by=user,
    )
    return sent


@transaction.atomic
def receive_consent_request(
    user: User,
    person: Person,
    *,
    source: str,
    received_on: datetime.date | None,
    requested_by: str,
    urn: str,
    details: str = "",
) -> ConsentRequest:
    """A request for consent (or a school's notice) received: the child's relevant-child status
    on that day is worked out and kept, and the social worker and the school are told."""
    _refuse_unless_in_force(received_on)
    person = _lock(person)
    errors = Errors()
    if source not in ConsentRequest.Source.values:
        errors.add("source", "Select who asked: a parent, or the school")
    check_date(errors, "received_on", received_on, label="date the request was received")
    if not (requested_by or "").strip():
        errors.add("requested_by", "Enter who asked for consent, or who at the school gave notice")
    school = _school(errors, "urn", urn)
    registration = None
    if received_on is not None and "received_on" not in errors:
        if not of_compulsory_school_age(person.date_of_birth, received_on):
            errors.add(
                "__all__",
                f"{person.full_name} is not of compulsory school age on {long_date(received_on)}: "
                "consent to home educate is not needed",
            )
        if school is not None:
            registration = selectors.registration_on(person, school.urn, received_on)
            if registration is None:
                errors.add(
                    "urn",
                    f"{person.full_name} is not on the roll of {school.name} on {long_date(received_on)}: "
                    "record the school registration first",
                )
    errors.raise_if_any()
    assert received_on is not None
    assert registration is not None
    rules = rules_on(received_on)
    relevance = selectors.relevant_child(person, received_on, rules)
    request = ConsentRequest.objects.create(
        person=person,
        registration=registration,
        source=source,
        received_on=received_on,
        requested_by=requested_by.strip(),
        details=(details or "").strip(),
        relevant_child=relevance.relevant,
        conditions=list(relevance.conditions),
        reasons=list(relevance.reasons or relevance.notes),
        rules_version=rules.version,
        status=ConsentRequest.Status.OPEN if relevance.relevant else ConsentRequest.Status.NOT_NEEDED,
        recorded_by=user,
    )
    record_event(
        person,
        CONSENT_KIND,
        _moment(received_on),
        "Request for consent to home educate received"
        if source == ConsentRequest.Source.PARENT
        else f"{registration.school.name} gave notice it is about to remove the child for home education",
        detail=relevance.summary + (": " + "; ".join(relevance.reasons) if relevance.reasons else ""),
        source=request,
        recorded_by=user,
    )
    audit.record_creation(user, request, person=person, summary="Received a request for consent to home educate")
    if relevance.relevant:
        _notify(request, ConsentNotification.About.REQUEST, received_on, user)
    return request


def _open(request: ConsentRequest) -> ConsentRequest:
    locked = ConsentRequest.objects.select_for_update(of=("self",)).select_related("person", "registration__school")
    found = locked.get(pk=request.pk)
    if found.status != ConsentRequest.Status.OPEN:
        raise RuleBroken(f"This request is closed ({found.get_status_display().lower()}): nothing more can be added")
    return found


@transaction.atomic
def gather_consent_information(
    user: User,
    request: ConsentRequest,
    *,
    kind: str,
    gathered_on: datetime.date | None,
    given_by: str,
    summary: str,
) -> ConsentInformation:
    """Information for the decision: a view, or a visit."""
    _refuse_unless_in_force(timezone.localdate())
    request = _open(request)
    errors = Errors()
    if kind not in ConsentInformation.Kind.values:
        errors.add("kind", "Select what the information is")
    check_date(
        errors,
        "gathered_on",
        gathered_on,
        label="date it was given",
        not_before=request.received_on,
        not_before_label="the day the request was received",
    )
    if not (given_by or "").strip():
        errors.add("given_by", "Enter who gave it, or who visited")
    if not (summary or "").strip():
        errors.add("summary", "Enter what they said, or what the visit found")
    errors.raise_if_any()
    assert gathered_on is not None
    information = ConsentInformation.objects.create(
        request=request,
        kind=kind,
        gathered_on=gathered_on,
        given_by=given_by.strip(),
        summary=summary.strip(),
        recorded_by=user,
    )
    record_event(
        request.person,
        CONSENT_KIND,
        _moment(gathered_on),
        f"{information.get_kind_display()} on home education",
        detail=information.summary,
        source=request,
        recorded_by=user,
    )
    audit.record_creation(
        user, information, person=request.person, summary="Recorded information for a consent decision"
    )
    return information


@transaction.atomic
def record_best_interests_analysis(
    user: User, request: ConsentRequest, *, analysis: str, completed_on: datetime.date | None
) -> ConsentRequest:
    """Whether education otherwise than at school is in the child's best interests, and why."""
    _refuse_unless_in_force(timezone.localdate())
    request = _open(request)
    errors = Errors()
    if not (analysis or "").strip():
        errors.add("analysis", "Enter the best-interests analysis")
    check_date(
        errors,
        "completed_on",
        completed_on,
        label="date of the analysis",
        not_before=request.received_on,
        not_before_label="the day the request was received",
    )
    errors.raise_if_any()
    before = (request.best_interests, request.best_interests_on)
    request.best_interests = analysis.strip()
    request.best_interests_on = completed_on
    request.best_interests_by = user
    request.save(update_fields=["best_interests", "best_interests_on", "best_interests_by"])
    audit.record_change(
        user,
        request,
        {"best_interests": (before[0], request.best_interests), "best_interests_on": (before[1], completed_on)},
        person=request.person,
        summary="Recorded the best-interests analysis on home education",
    )
    return request


@transaction.atomic
def record_consent_decision(
    user: User,
    request: ConsentRequest,
    *,
    decision: str,
    decided_on: datetime.date | None,
    decision_maker: User | None,
    reasons: str,
) -> ConsentRequest:
    """Consent given or refused. Needs the best-interests analysis first; a refusal gives the
    day the parent may ask again. The parent, the social worker and the school are told."""
    _refuse_unless_in_force(decided_on or timezone.localdate())
    request = _open(request)
    errors = Errors()
    if not request.best_interests:
        errors.add("__all__", "Record the best-interests analysis before the decision")
    if decision not in (ConsentRequest.Status.GIVEN, ConsentRequest.Status.REFUSED):
        errors.add("decision", "Select whether consent is given or refused")
    check_date(
        errors,
        "decided_on",
        decided_on,
        label="date of the decision",
        not_before=request.best_interests_on or request.received_on,
        not_before_label="the best-interests analysis" if request.best_interests_on else "the request",
    )
    if decision_maker is None:
        errors.add("decision_maker", "Select who made the decision")
    if not (reasons or "").strip():
        errors.add("reasons", "Enter the reasons for the decision")
    errors.raise_if_any()
    assert decided_on is not None
    request.status = decision
    request.decided_on = decided_on
    request.decision_maker = decision_maker
    request.decision_reasons = reasons.strip()
    request.may_ask_again_on = (
        may_ask_again_on(decided_on, rules_on(decided_on)) if decision == ConsentRequest.Status.REFUSED else None
    )
    request.save(update_fields=["status", "decided_on", "decision_maker", "decision_reasons", "may_ask_again_on"])
    words = "given" if decision == ConsentRequest.Status.GIVEN else "refused"
    detail = request.decision_reasons
    if request.may_ask_again_on:
        detail += f". The parent may ask again from {long_date(request.may_ask_again_on)}"
    record_event(
        request.person,
        CONSENT_KIND,
        _moment(decided_on),
        f"Consent to home educate {words}",
        detail=detail,
        source=request,
        recorded_by=user,
    )
    audit.record_change(
        user,
        request,
        {"status": (ConsentRequest.Status.OPEN, decision), "decided_on": (None, decided_on)},
        person=request.person,
        summary=f"Recorded the decision on consent to home educate: {words}",
    )
    _notify(request, ConsentNotification.About.DECISION, decided_on, user, parent=True)
    return request


# --- The children not in school register (s436B to s436G) ----------------------------------


def _refuse_unless_register_in_force(day: datetime.date | None) -> None:
    if not commencement.register_in_force(day):
        start = commencement.commencement("CNIS_COMMENCEMENT")
        raise RuleBroken(commencement.register_not_in_force_message(day if start else None))


@transaction.atomic
def add_to_register(
    user: User,
    person: Person,
    *,
    added_on: datetime.date | None,
    reason: str,
    source: str,
    parents: str,
    address: str,
    provider: str = "",
    hours_per_week: Decimal | None = None,
    notes: str = "",
) -> RegisterEntry:
    """A child of compulsory school age who is not a registered pupil at a school comes onto
    the register, with the information the Act names: the child, the parents, the address, who
    provides the education and for how long, and when and why they came onto it."""
    _refuse_unless_register_in_force(added_on)
    person = _lock(person)
    errors = Errors()
    check_date(errors, "added_on", added_on, label="date the child came onto the register")
    if reason not in RegisterEntry.Reason.values:
        errors.add("reason", "Select why the child is not in school")
    if source not in RegisterEntry.Source.values:
        errors.add("source", "Select how the authority heard")
    if not (parents or "").strip():
        errors.add("parents", "Enter the parents' names")
    if not (address or "").strip():
        errors.add("address", "Enter where the child lives")
    if (
        reason != RegisterEntry.Reason.NOT_KNOWN
        and reason in RegisterEntry.Reason.values
        and not (provider or "").strip()
    ):
        errors.add("provider", "Enter who provides the child's education")
    if hours_per_week is not None and not (0 < hours_per_week <= 168):
        errors.add("hours_per_week", "The hours each week must be more than 0 and at most 168")
    if added_on is not None and "added_on" not in errors:
        if not of_compulsory_school_age(person.date_of_birth, added_on):
            errors.add("__all__", f"{person.full_name} is not of compulsory school age on {long_date(added_on)}")
        on_roll = (
            SchoolRegistration.objects.filter(person=person, start_date__lte=added_on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=added_on))
            .select_related("school")
            .first()
        )
        if on_roll is not None:
            errors.add(
                "added_on",
                f"{person.full_name} is on the roll of {on_roll.school.name} on {long_date(added_on)}: "
                "record the day they left the school first",
            )
    if RegisterEntry.objects.filter(person=person, removed_on__isnull=True).exists():
        errors.add("__all__", f"{person.full_name} is already on the register")
    errors.raise_if_any()
    assert added_on is not None
    entry = RegisterEntry.objects.create(
        person=person,
        added_on=added_on,
        reason=reason,
        source=source,
        parents=parents.strip(),
        address=address.strip(),
        provider=(provider or "").strip(),
        hours_per_week=hours_per_week,
        notes=(notes or "").strip(),
        recorded_by=user,
    )
    record_event(
        person,
        REGISTER_KIND,
        _moment(added_on),
        "Added to the children not in school register",
        detail=f"{entry.get_reason_display()}; {entry.get_source_display().lower()}",
        source=entry,
        recorded_by=user,
    )
    audit.record_creation(user, entry, person=person, summary="Added a child to the children not in school register")
    missing.close_when_found(user, person, entry=entry)
    return entry


@transaction.atomic
def remove_from_register(
    user: User, entry: RegisterEntry, *, removed_on: datetime.date | None, reason: str, detail: str = ""
) -> RegisterEntry:
    """The child comes off the register, on a day and for a reason (a school's roll, a move out
    of the area, past compulsory school age)."""
    entry = RegisterEntry.objects.select_for_update(of=("self",)).select_related("person").get(pk=entry.pk)
    _refuse_unless_register_in_force(removed_on or timezone.localdate())
    errors = Errors()
    if entry.removed_on is not None:
        raise RuleBroken(f"The child was removed from the register on {long_date(entry.removed_on)}")
    check_date(
        errors,
        "removed_on",
        removed_on,
        label="date the child came off the register",
        not_before=entry.added_on,
        not_before_label="the day they came onto it",
    )
    if reason not in RegisterEntry.RemovalReason.values:
        errors.add("reason", "Select why the child comes off the register")
    elif reason == RegisterEntry.RemovalReason.OTHER and not (detail or "").strip():
        errors.add("detail", "Enter the reason")
    errors.raise_if_any()
    entry.removed_on = removed_on
    entry.removal_reason = reason
    entry.removal_detail = (detail or "").strip()
    entry.removed_by = user
    entry.save(update_fields=["removed_on", "removal_reason", "removal_detail", "removed_by"])
    assert removed_on is not None
    record_event(
        entry.person,
        REGISTER_KIND,
        _moment(removed_on),
        "Removed from the children not in school register",
        detail=entry.get_removal_reason_display() + (f": {entry.removal_detail}" if entry.removal_detail else ""),
        source=entry,
        recorded_by=user,
    )
    audit.record_change(
        user,
        entry,
        {"removed_on": (None, removed_on), "removal_reason": ("", reason)},
        person=entry.person,
        summary="Removed a child from the children not in school register",
    )
    return entry


# --- Deregistration notices from schools (the API) ------------------------------------------


def _match(school: School, given_names: str, family_name: str, date_of_birth: datetime.date, upn: str) -> Person | None:
    """The child a notice is about: by the UPN, or else the one pupil of the school with this
    name and date of birth; None when there is no single match."""
    if upn:
        holders = Person.objects.filter(identifiers__id_type="UPN", identifiers__value=upn).values_list("pk", flat=True)
        # A record merged into another keeps its UPN: the survivor is the child.
        found = list(Person.objects.filter(pk__in=live_people(holders[:10]))[:2])
        if len(found) == 1:
            return found[0]
    pupils = list(
        Person.objects.filter(
            merged_into__isnull=True,
            school_registrations__school=school,
            given_names__iexact=given_names.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        ).distinct()[:2]
    )
    return pupils[0] if len(pupils) == 1 else None


@transaction.atomic
def receive_deregistration_notice(
    user: User,
    *,
    agency: Agency,
    key: str,
    digest: str,
    urn: str,
    given_names: str,
    family_name: str,
    date_of_birth: datetime.date,
    removal_date: datetime.date,
    reason: str,
    upn: str = "",
    details: str = "",
    channel: str = "api",
) -> DeregistrationNotice:
    """A school's notice that a child leaves (or is about to leave) its roll. Kept even when no
    child is found (for the education team to match). A child found, leaving for home
    education, while s434A is in force, goes to the consent workflow (receive_consent_request:
    the social worker and the school are told); why it did not is kept as the notice's note.
    The agency must be the school of the URN (a school on the authority's list), and the child
    cannot leave the roll before they were born."""
    errors = Errors()
    school = _school(errors, "urn", urn)
    if school is not None and (agency.urn or "").strip() != school.urn:
        errors.add(
            "urn",
            f"{agency.name} is not {school.name} (URN {school.urn}): a school gives notice only about its own roll",
        )
    if reason not in DeregistrationNotice.Reason.values:
        errors.add("reason", "Give the reason: " + ", ".join(DeregistrationNotice.Reason.values))
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        errors.add("date_of_birth", "The date of birth cannot be in the future")
    elif date_of_birth is not None and removal_date is not None and removal_date < date_of_birth:
        errors.add("removal_date", "The date the child leaves the roll must be after their date of birth")
    if channel not in ("api", "web"):
        errors.add("__all__", "Unknown channel")
    errors.raise_if_any()
    assert school is not None
    person = _match(school, given_names, family_name, date_of_birth, (upn or "").strip())
    notice = DeregistrationNotice(
        agency=agency,
        idempotency_key=key,
        body_digest=digest,
        school=school,
        given_names=given_names.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        upn=(upn or "").strip(),
        removal_date=removal_date,
        reason=reason,
        details=(details or "").strip(),
        person=person,
        status=DeregistrationNotice.Status.MATCHED if person else DeregistrationNotice.Status.UNMATCHED,
        sent_by=user,
        channel=channel,
    )
    if person is not None:
        _follow_up(user, notice, person, timezone.localdate(), agency.name)
    notice.save(force_insert=True)
    if person is not None and reason == DeregistrationNotice.Reason.NO_KNOWN_DESTINATION:
        _open_missing_education(user, notice, person)
    how = "API" if channel == "api" else "web form"
    audit.record_creation(user, notice, person=person, summary=f"Received a school's deregistration notice ({how})")
    return notice


def _follow_up(user: User, notice: DeregistrationNotice, person: Person, received_on: datetime.date, by: str) -> None:
    """A notice about a known child: one leaving for home education, while s434A is in force,
    goes to the consent workflow (the allocated social worker and the school are told); why it
    did not is kept as the notice's note. Sets the notice's fields; the caller saves it."""
    notice.person = person
    notice.status = DeregistrationNotice.Status.MATCHED
    if notice.reason != DeregistrationNotice.Reason.HOME_EDUCATION:
        return
    try:
        request = receive_consent_request(
            user,
            person,
            source=ConsentRequest.Source.SCHOOL_NOTICE,
            received_on=received_on,
            requested_by=by,
            urn=notice.school.urn,
            details=notice.details,
        )
    except RuleBroken as refused:
        notice.note = str(refused)
    else:
        notice.consent_request = request
        if request.relevant_child:
            notice.status = DeregistrationNotice.Status.CONSENT_REQUESTED


# --- Matching a school's notice to a child (the education team) ----------------------------

NOTICE_INVOLVEMENT = "Education: deregistration notice"


def _involve_education_team(user: User, person: Person, on: datetime.date) -> None:
    """The education team's involvement with the child (their full education record, through
    people.access), unless the team (or the officer, without a team) has one open already."""
    from people.models import Involvement

    if user.agency_id is None:
        return
    holder = Q(team_id=user.team_id) if user.team_id else Q(worker=user)
    already = Involvement.objects.filter(holder, person=person, kind=NOTICE_INVOLVEMENT).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if not already.exists():
        Involvement.objects.create(
            person=person,
            agency_id=user.agency_id,
            team_id=user.team_id,
            worker=user,
            kind=NOTICE_INVOLVEMENT,
            start_date=on,
        )


@transaction.atomic
def match_deregistration_notice(
    user: User, notice: DeregistrationNotice, *, person: Person | None = None, new_child: bool = False
) -> DeregistrationNotice:
    """The education team matches a notice that found no child: to a child on the person index
    (`person`), or, when the service has no record of the child, to a new child recorded from
    the notice (`new_child`; the UPN kept as an identifier). Then the same follow-up as a notice
    matched when it came (the consent workflow for a child leaving for home education, which
    tells the allocated social worker), an entry in the child's chronology, and the education
    team's involvement with the child. A notice already matched is refused."""
    from people.services import add_identifier, record_person

    notice = DeregistrationNotice.objects.select_for_update(of=("self",)).select_related("school").get(pk=notice.pk)
    if notice.status != DeregistrationNotice.Status.UNMATCHED:
        raise RuleBroken(f"This notice was matched already ({notice.get_status_display().lower()})")
    errors = Errors()
    if person is None and not new_child:
        errors.add("person", "Choose the child the notice is about, or record them as a new child")
    elif person is not None and new_child:
        errors.add("person", "Choose a child or record a new child, not both")
    elif person is not None and person.kind != "child":
        errors.add("person", f"{person.full_name} is not recorded as a child")
    errors.raise_if_any()
    received_on = timezone.localdate(notice.received_at)
    if person is None:
        person = record_person(
            user,
            kind="child",
            given_names=notice.given_names,
            family_name=notice.family_name,
            date_of_birth=notice.date_of_birth,
        )
        if notice.upn:
            try:
                add_identifier(user, person, id_type="UPN", value=notice.upn)
            except RuleBroken as refused:
                notice.note = f"The UPN was not kept: {refused}"
    else:
        person = _lock(person)
    _follow_up(user, notice, person, received_on, notice.agency.name)
    notice.matched_at = timezone.now()
    notice.matched_by = user
    notice.save(update_fields=["person", "status", "consent_request", "note", "matched_at", "matched_by"])
    if notice.reason == DeregistrationNotice.Reason.NO_KNOWN_DESTINATION:
        _open_missing_education(user, notice, person)
    how = "a new child" if new_child else "a child on the index"
    record_event(
        person,
        "school-registration",
        _moment(received_on),
        f"{notice.school.name} gave notice the child leaves its roll on {long_date(notice.removal_date)}",
        detail=f"{notice.get_reason_display()}. Matched by the education team to {how}",
        source=notice,
        recorded_by=user,
    )
    _involve_education_team(user, person, timezone.localdate())
    audit.record_change(
        user,
        notice,
        {"status": (DeregistrationNotice.Status.UNMATCHED, notice.status), "person": (None, person.pk)},
        person=person,
        summary=f"Matched a school's deregistration notice to {how}",
    )
    return notice


# --- Many school registrations at once (a school's roll; the demo authority) ----------------


def _check_registration(
    errors: Errors,
    *,
    school: School | None,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    source: str,
    kind: str | None,
    overlaps: Callable[[School, datetime.date, datetime.date | None], bool],
) -> None:
    """The rules of a school registration (record_school_registration and
    record_school_registrations both apply them): the dates, the source, a child, and no second
    registration at the same school for the same days (`overlaps` answers that)."""
    check_date(errors, "start_date", start_date, label="date the child joined the school's roll")
    if end_date is not None and start_date is not None and end_date < start_date:
        errors.add("end_date", "The date the child left the school must be on or after the date they joined")
    elif end_date is not None:
        check_date(errors, "end_date", end_date, label="date the child left the school")
    if source not in SchoolRegistration.Source.values:
        errors.add("source", "Select how the school registration is known")
    if kind != Person.Kind.CHILD:
        errors.add("__all__", "Only a child is registered at a school")
    if school is not None and start_date is not None and not errors and overlaps(school, start_date, end_date):
        errors.add("start_date", f"The child is already on the roll of {school.name} for some of these dates")


@dataclass(frozen=True)
class RegistrationRow:
    """One registration for record_school_registrations: the arguments of
    record_school_registration, the child by id."""

    person_id: int
    urn: str
    start_date: datetime.date | None
    end_date: datetime.date | None = None
    under_authority_arrangements: bool = False
    source: str = SchoolRegistration.Source.CASE_WORKER


@transaction.atomic
def record_school_registrations(
    user: User | None, rows: Iterable[RegistrationRow], *, batch_size: int = 2000
) -> list[SchoolRegistration]:
    """Many children on schools' rolls at once (a school's whole roll, the demo authority): the
    rules of record_school_registration for every row, against the records and the rows before
    it; one refused row refuses them all (messages "Row n: ..."), nothing saved. The children
    are locked, and each registration gets its chronology entry and audit entry, as one at a
    time, in a fixed number of queries per `batch_size` rows."""
    rows = list(rows)
    schools = {school.urn: school for school in School.objects.filter(urn__in={(r.urn or "").strip() for r in rows})}
    kinds: dict[int, str] = {}
    taken: dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    ids = sorted({row.person_id for row in rows})
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        kinds.update(Person.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "kind"))
        for person_id, school_id, began, ended in SchoolRegistration.objects.filter(person_id__in=chunk).values_list(
            "person_id", "school_id", "start_date", "end_date"
        ):
            taken[(person_id, school_id)].append((began, ended))
    errors = Errors()
    made: list[SchoolRegistration] = []
    for number, row in enumerate(rows, start=1):
        found = Errors()
        urn = (row.urn or "").strip()
        school = schools.get(urn)
        if not urn:
            found.add("urn", "Enter the school's URN")
        elif school is None:
            found.add("urn", f"URN {urn} is not on the authority's school list: check the number")

        def overlaps(
            school: School, start: datetime.date, end: datetime.date | None, person_id: int = row.person_id
        ) -> bool:
            return any(
                (ended is None or ended >= start) and (end is None or began <= end)
                for began, ended in taken[(person_id, school.pk)]
            )

        _check_registration(
            found,
            school=school,
            start_date=row.start_date,
            end_date=row.end_date,
            source=row.source,
            kind=kinds.get(row.person_id),
            overlaps=overlaps,
        )
        for messages in found.values():
            for message in messages:
                errors.add("__all__", f"Row {number}: {message}")
        if found:
            continue
        assert school is not None
        assert row.start_date is not None
        taken[(row.person_id, school.pk)].append((row.start_date, row.end_date))
        registration = SchoolRegistration(
            person_id=row.person_id,
            school=school,
            start_date=row.start_date,
            end_date=row.end_date,
            under_authority_arrangements=row.under_authority_arrangements,
            source=row.source,
            recorded_by=user,
        )
        made.append(registration)
    errors.raise_if_any()
    SchoolRegistration.objects.bulk_create(made, batch_size=batch_size)
    for start in range(0, len(made), batch_size):
        part = made[start : start + batch_size]
        record_events(
            [
                chronology_entry(
                    registration.person_id,
                    "school-registration",
                    _moment(registration.start_date),
                    f"Registered at {registration.school.name}",
                    detail=f"Left on {long_date(registration.end_date)}" if registration.end_date else "",
                    source=registration,
                    recorded_by=user,
                )
                for registration in part
            ]
        )
        audit.record_many(
            audit.creation_entry(
                user, registration, person=registration.person_id, summary="Recorded a school registration"
            )
            for registration in part
        )
    missing.close_all_when_found(user, made)
    return made


def _open_missing_education(user: User, notice: DeregistrationNotice, person: Person) -> None:
    """A matched child who left with no known destination is a child missing education from
    the day they left the roll; why a case did not open is kept as the notice's note."""
    try:
        with transaction.atomic():
            missing.open_missing_education_case(
                user,
                person,
                opened_on=notice.removal_date,
                source=MissingEducationCase.Source.SCHOOL_NOTICE,
                urn=notice.school.urn,
                details=notice.details,
                notice=notice,
            )
    except RuleBroken as refused:
        notice.note = str(refused)
        notice.save(update_fields=["note"])
    else:
        notice.status = DeregistrationNotice.Status.MISSING_EDUCATION
        notice.save(update_fields=["status"])
