"""Business rules of the front door, named as the field names them. Views and the API call
these; they never write the models directly. Each function is one transaction, adds to the
chronology of every child it touches and is audited.

- receive_contact: a contact from anyone (phone, email, partner web form, partner system),
  with its one-working-day decision deadline issued and stored.
- bring_into_contact / household_not_in_contact: siblings and household members.
- request_check / answer_check: multi-agency checks, within configurable times.
- assign_contact: who works on a contact (to me, or to a colleague), with a version check.
- decide_contact: the threshold decision; a referral opens a child-in-need episode. Deciding
  before every check is answered needs a reason, which is kept.
- give_feedback: what the referrer was told.
- refresh_pattern_alerts: re-referral, repeated contacts, several referrers, siblings, adults.
- draft_threshold_document / publish_threshold_document: the local threshold document.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from audit import services as audit
from chronology.services import entry as chronology_entry
from chronology.services import record_event, record_events
from kernel import codelists, timescales
from kernel.compiled import insert_together, next_id, next_ids, prepare_for_insert
from kernel.concurrency import EditConflict, save_with_version_check
from kernel.rules import RuleBroken
from partners.access import FRONT_DOOR_ROLES, is_local_authority_staff
from partners.models import Agency, ApiToken, Team, User
from people import services as people_services
from people.identifiers import validate_identifier
from people.models import Address, Identifier, Involvement, Person, PersonAddress
from sharing import services as sharing
from sharing.models import Disclosure

from . import attachments, patterns
from .models import (
    REFERRAL_INVOLVEMENT_KIND,
    AgencyCheck,
    Contact,
    ContactAttachment,
    ContactDecision,
    ContactPerson,
    ContactSubmission,
    PatternAlert,
    Referral,
    ReferrerFeedback,
    ThresholdDocument,
    ThresholdIndicator,
    ThresholdLevel,
)
from .selectors import (
    CHECK_AGENCY_KINDS,
    contact_children,
    contacts_naming,
    identifiers_held,
    people_named,
    published_threshold_document,
    referrals_within,
    subject_of,
)
from .signals import referral_opened

if TYPE_CHECKING:
    from pathlib import Path

    from audit.models import AuditEvent
    from chronology.models import ChronologyEntry
    from kernel.access import AnyUser

Outcome = ContactDecision.Outcome
# Outcomes that need a primary need code: the child becomes a child in need (CIN census).
REFERRAL_OUTCOMES = {Outcome.REFERRAL, Outcome.STRATEGY_DISCUSSION}
FAMILY_MEMBER_SOURCES = {"1A"}
INVOLVEMENT_KIND = "Front door contact"


class FrontDoorError(RuleBroken):
    """A rule of the front door was broken. `errors` maps fields to messages for forms and the
    API (kernel.rules.RuleBroken)."""


# --- The people a contact is about -------------------------------------------------------


@dataclass
class PersonDetails:
    """Someone named in a contact: an existing record (`person`), or details to match or record."""

    role: str = ContactPerson.Role.SUBJECT
    person: Person | None = None
    given_names: str = ""
    family_name: str = ""
    date_of_birth: datetime.date | None = None
    expected_date_of_birth: datetime.date | None = None
    sex: str = "U"
    kind: str = Person.Kind.CHILD
    relationship: str = ""
    identifiers: dict = field(default_factory=dict)  # {"CI"|"NHS"|"UPN": value}
    # The address the contact gives for them: {"line_1", "line_2", "town", "postcode"}, or None.
    address: dict | None = None


IDENTIFIER_MATCHES = [
    (Identifier.Type.CONSISTENT, ContactPerson.Match.CONSISTENT_IDENTIFIER),
    (Identifier.Type.NHS, ContactPerson.Match.NHS_NUMBER),
    (Identifier.Type.UPN, ContactPerson.Match.UPN),
]


def match_or_record_person(
    user: AnyUser | None, details: PersonDetails, agency: Agency | None = None
) -> tuple[Person, str]:
    """The person the details are about, and how they were found: see `match_or_record_people`."""
    return match_or_record_people(user, [details], agency=agency)[0]


def _name_key(kind, given_names, family_name, date_of_birth):
    return (kind, given_names.strip().lower(), family_name.strip().lower(), date_of_birth)


# --- What the chronology says (the services write it; batches such as the demo use the same) --


def contact_received_title(referrer: Agency | str, immediate_risk: bool) -> str:
    """`referrer`: the referring agency, or the referral source's label."""
    return f"Contact received from {referrer}" + (" (immediate risk)" if immediate_risk else "")


def contact_received_detail(role_label: str, children: int) -> str:
    return f"{role_label}. {children} child(ren) in the contact."


def check_requested_title(kind_label: str, agency: Agency | None) -> str:
    return f"{kind_label} check requested" + (f" from {agency}" if agency else "")


CHECK_ANSWERS = {
    AgencyCheck.Status.ANSWERED: "answered",
    AgencyCheck.Status.NOTHING_KNOWN: "answered: nothing known",
    AgencyCheck.Status.WITHDRAWN: "withdrawn",
}


def check_answered_title(kind_label: str, status: str) -> str:
    return f"{kind_label} check {CHECK_ANSWERS[status]}"  # type: ignore[index]  # a status is its choice's value


def decision_title(outcome_label: str, level: ThresholdLevel) -> str:
    return f"Front-door decision: {outcome_label} (level {level.number}, {level.name})"


def referral_title(primary_need: str) -> str:
    return f"Referred to children's social care ({codelists.label('primary-need', primary_need)})"


def feedback_title(method_label: str) -> str:
    return f"Referrer told the outcome ({method_label.lower()})"


def match_or_record_people(  # noqa: C901
    user: AnyUser | None,
    people: list[PersonDetails],
    agency: Agency | None = None,
    *,
    events: list[ChronologyEntry] | None = None,
    audit_entries: list[AuditEvent] | None = None,
) -> list[tuple[Person, str]]:
    """For each PersonDetails, the person it is about and how they were found: an existing
    record chosen by the user; else the one person holding the consistent identifier, NHS
    number or UPN given (in that order); else exactly one person of the same kind, name and date
    of birth; otherwise a new record (people.services.record_people), made once even when the
    same new person is named twice. A fixed number of queries, whatever the number of people.
    `events` and `audit_entries`: lists to add the new people's chronology and audit entries to,
    for the caller to write with its own (see people.services.record_people)."""
    results: list[Any] = [None] * len(people)
    # Reused below for identifier pairs, rows read back and name keys.
    id_type: Any
    key: Any
    # Each person's identifiers in their normal form, in the order they are tried.
    given: Any = [[] for _ in people]
    wanted: dict[Any, set[int]] = {}
    for index, details in enumerate(people):
        if details.person is not None:
            results[index] = (details.person, ContactPerson.Match.CHOSEN)
            continue
        for id_type, match in IDENTIFIER_MATCHES:
            if details.identifiers.get(id_type):
                key = (id_type, validate_identifier(id_type, details.identifiers[id_type]))
                given[index].append((key, match))
                wanted[key] = set()
    # The people read with their identifiers and names, so that those found need no further query.
    read: dict[int, Person] = {}
    if wanted:
        for identifier in identifiers_held(list(wanted)):
            # A record merged into another keeps its identifiers: the survivor is the one found.
            holder = identifier.person.merged_into or identifier.person
            wanted[(identifier.id_type, identifier.value)].add(holder.pk)
            read[holder.pk] = holder
    found_ids = {}
    for index, pairs in enumerate(given):
        for key, match in pairs:
            if len(wanted[key]) == 1:
                found_ids[index] = (next(iter(wanted[key])), match)
                break
    by_name = [
        index
        for index, details in enumerate(people)
        if results[index] is None and index not in found_ids and details.date_of_birth
    ]
    if by_name:
        named = {
            (details.kind, details.given_names.strip(), details.family_name.strip(), details.date_of_birth)
            for details in (people[index] for index in by_name)
            if details.date_of_birth is not None  # always, in by_name: for the type checker
        }
        same: dict[Any, set[int]] = {}
        for person in people_named(sorted(named)):
            same.setdefault(
                _name_key(person.kind, person.given_names, person.family_name, person.date_of_birth), set()
            ).add(person.pk)
            read[person.pk] = person
        for index in by_name:
            details = people[index]
            candidates = same.get(
                _name_key(details.kind, details.given_names, details.family_name, details.date_of_birth), set()
            )
            if len(candidates) == 1:
                found_ids[index] = (next(iter(candidates)), ContactPerson.Match.NAME_AND_DATE_OF_BIRTH)
    for index, (pk, match) in found_ids.items():
        results[index] = (read[pk], match)
    # The rest are new; the same new person named twice (same kind, name and date of birth) once.
    new_rows: list[people_services.NewPerson]
    new_index: dict[Any, int]
    new_rows, new_index = [], {}
    for index, details in enumerate(people):
        if results[index] is not None:
            continue
        key = (
            _name_key(details.kind, details.given_names, details.family_name, details.date_of_birth)
            if details.date_of_birth
            else ("row", index)
        )
        if key not in new_index:
            new_index[key] = len(new_rows)
            new_rows.append(
                people_services.NewPerson(
                    kind=details.kind,
                    given_names=details.given_names,
                    family_name=details.family_name,
                    date_of_birth=details.date_of_birth,
                    expected_date_of_birth=details.expected_date_of_birth,
                    sex=details.sex or "U",
                    identifiers={
                        t: details.identifiers[t]
                        for t in (Identifier.Type.NHS, Identifier.Type.UPN)
                        if details.identifiers.get(t)
                    },
                )
            )
        results[index] = new_index[key]
    recorded = people_services.record_people(user, new_rows, agency=agency, events=events, audit_entries=audit_entries)
    return [(recorded[result], ContactPerson.Match.NEW) if isinstance(result, int) else result for result in results]


def front_door_team() -> Team | None:
    """The local authority's front-door (MASH) team, which holds contacts while they await a
    decision. Read at most once a minute per process (every contact needs it)."""
    return _front_door_team(int(time.monotonic() // 60))


@lru_cache(maxsize=1)
def _front_door_team(minute):
    return (
        Team.objects.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY, function__iexact="MASH")
        .select_related("agency")
        .order_by("id")
        .first()
    )


def clear_cache() -> None:
    _front_door_team.cache_clear()


def _open_front_door_involvements(children, on):
    """The front-door team's involvement with each of these children while a contact awaits its
    decision, for those who have none open already: one INSERT ... SELECT, whatever their number.
    Whether one is open is asked by person (the index on person and end date: a child has few
    involvements, the team thousands open)."""
    statement = _front_door_involvements_sql(children, on)
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


def _front_door_involvements_sql(children, on):
    """The statement of _open_front_door_involvements, (sql, params), or None for no child or no team."""
    team = front_door_team() if children else None
    if team is None:
        return None
    involvement = Involvement._meta.db_table
    ids = sorted({child.pk for child in children})
    return (
        f"INSERT INTO {involvement} (person_id, agency_id, team_id, worker_id, kind, start_date, end_date) "  # noqa: S608
        f"SELECT p.id, %s, %s, NULL, %s, %s, NULL FROM {Person._meta.db_table} p "
        f"WHERE p.id IN ({', '.join(['%s'] * len(ids))}) AND NOT EXISTS ("
        f"SELECT 1 FROM {involvement} i WHERE i.person_id = p.id AND i.end_date IS NULL "
        "AND i.team_id = %s AND i.kind = %s) ORDER BY p.id",
        [
            team.agency_id,
            team.pk,
            INVOLVEMENT_KIND,
            connection.ops.adapt_datefield_value(on),
            *ids,
            team.pk,
            INVOLVEMENT_KIND,
        ],
    )


def _add_person(user, contact, details, agency):
    person, matched_by = match_or_record_person(user, details, agency=agency)
    link, created = ContactPerson.objects.get_or_create(
        contact=contact,
        person=person,
        defaults={
            "role": details.role,
            "relationship": details.relationship[:200],
            "matched_by": matched_by,
            "added_by": user if getattr(user, "is_authenticated", False) else None,
        },
    )
    if created and person.kind == Person.Kind.CHILD:
        _open_front_door_involvements([person], timezone.localdate(contact.received_at))
    return link, created


# --- Receiving a contact -----------------------------------------------------------------


def check_contact(  # noqa: C901
    *,
    received_at: datetime.datetime | None,
    source: str,
    concerns: str,
    consent: str,
    people: list[PersonDetails],
    immediate_risk: bool = False,
    immediate_risk_detail: str = "",
    referrer_name: str = "",
    channel: str = "",
) -> dict[str, list[str]]:
    """Field errors for a contact that cannot be accepted as it is, or {}."""
    errors = {}
    now = timezone.now()
    if received_at is None:
        errors["received_at"] = ["Enter when the contact was received"]
    elif received_at > now + datetime.timedelta(minutes=5):
        errors["received_at"] = ["The time the contact was received must be in the past"]
    if not codelists.is_valid("referral-source", source, on=timezone.localdate(received_at) if received_at else None):
        errors["source"] = [f"{source!r} is not a referral source code" if source else "Select who the contact is from"]
    if not (concerns or "").strip():
        errors["concerns"] = ["Describe the concerns about the child"]
    if consent not in Contact.Consent.values:
        errors["consent"] = ["Select whether the family agrees to early help"]
    if immediate_risk and not (immediate_risk_detail or "").strip():
        errors["immediate_risk_detail"] = ["Describe the immediate risk to the child"]
    if not any(p.role == ContactPerson.Role.SUBJECT for p in people):
        errors["people"] = ["Name at least one child the contact is about"]
    for index, details in enumerate(people):
        if details.person is None and not (details.given_names.strip() and details.family_name.strip()):
            errors.setdefault("people", []).append(f"Person {index + 1}: enter their given names and family name")
        if details.role == ContactPerson.Role.SUBJECT and details.person is None and details.kind != Person.Kind.CHILD:
            errors.setdefault("people", []).append(f"Person {index + 1}: the contact must be about a child")
        if details.date_of_birth and details.date_of_birth > timezone.localdate():
            errors.setdefault("people", []).append(f"Person {index + 1}: the date of birth must be in the past")
        for id_type, value in details.identifiers.items():
            if value:
                try:
                    validate_identifier(id_type, value)
                except Exception as error:  # ValidationError with the identifier's own message
                    messages = getattr(error, "messages", [str(error)])
                    errors.setdefault("people", []).append(f"Person {index + 1}: {' '.join(messages)}")
    if source in FAMILY_MEMBER_SOURCES and not referrer_name.strip() and channel != Contact.Channel.API:
        errors["referrer_name"] = ["Enter the name of the family member who made the contact"]
    return errors


def _checked_contact(*, files: Iterable[tuple[str, bytes]], **contact: Any) -> list[attachments.CheckedFile]:
    """The front door's checks of a contact and its files (check_contact, attachments.check):
    the checked files, or FrontDoorError with every field's errors."""
    errors = check_contact(**contact)
    checked = []
    for name, data in files:
        try:
            checked.append(attachments.check(name, data))
        except attachments.AttachmentRefused as refused:
            errors.setdefault("attachments", []).append(str(refused))
    if errors:
        raise FrontDoorError(errors)
    return checked


@transaction.atomic
def receive_contact(
    user: AnyUser | None,
    *,
    channel: str,
    source: str,
    concerns: str,
    consent: str,
    people: list[PersonDetails],
    received_at: datetime.datetime | None = None,
    referrer_name: str = "",
    referrer_role: str = "",
    referrer_agency: Agency | None = None,
    referrer_relationship: str = "",
    referrer_phone: str = "",
    referrer_email: str = "",
    immediate_risk: bool = False,
    immediate_risk_detail: str = "",
    consent_detail: str = "",
    files: Iterable[tuple[str, bytes]] = (),
    submission: tuple[ApiToken, str, str] | None = None,
) -> Contact:
    """Record a contact about one or more children, with its decision deadline (one working day,
    kernel.timescales rule "contact-decision") issued now and stored. `files`: (name, bytes)
    pairs. `submission`: (api_token, idempotency key, body digest) for the API. Raises
    FrontDoorError with field errors, or attachments.AttachmentRefused; nothing is kept then."""
    received_at = received_at or timezone.now()
    checked = _checked_contact(
        received_at=received_at,
        source=source,
        concerns=concerns,
        consent=consent,
        people=people,
        immediate_risk=immediate_risk,
        immediate_risk_detail=immediate_risk_detail,
        referrer_name=referrer_name,
        channel=channel,
        files=files,
    )
    deadline = timescales.due("contact-decision", timezone.localdate(received_at))
    recorder = cast("User | None", user if getattr(user, "is_authenticated", False) else None)
    contact = Contact(
        received_at=received_at,
        channel=channel,
        source=source,
        concerns=concerns.strip(),
        consent=consent,
        consent_detail=consent_detail,
        referrer_name=referrer_name.strip(),
        referrer_role=referrer_role.strip(),
        referrer_agency=referrer_agency,
        referrer_relationship=referrer_relationship.strip(),
        referrer_phone=referrer_phone.strip(),
        referrer_email=referrer_email.strip(),
        immediate_risk=immediate_risk,
        immediate_risk_detail=immediate_risk_detail.strip() if immediate_risk else "",
        decision_due_date=deadline.due_date,
        decision_due_at=deadline.due_at,
        decision_due_explanation=f"Decision due by the end of {deadline.due_date:%A %-d %B %Y}: {deadline.explanation}"[
            :500
        ],
        recorded_by=recorder,
    )
    # On PostgreSQL the contact, its submission, the people's links, the involvements, the
    # chronology, the alerts and the audit entries are written together at the end, in one
    # statement (their ids taken first; the foreign keys are checked at the commit); elsewhere
    # each in one INSERT, as it is made.
    together = connection.vendor == "postgresql"
    if together:
        contact_ids, submission_ids = next_ids((Contact, 1), (ContactSubmission, 0 if submission is None else 1))
        contact.pk = contact_ids[0]
        prepare_for_insert(contact)
    else:
        contact.save(force_insert=True)
    made = None
    if submission is not None:
        api_token, key, digest = submission
        made = ContactSubmission(
            pk=submission_ids[0] if together else None,
            api_token=api_token,
            agency_id=api_token.agency_id,
            idempotency_key=key,
            body_digest=digest,
            contact=contact,
        )
        if together:
            prepare_for_insert(made)
        else:
            made.save(force_insert=True)
    agency = referrer_agency
    # The chronology and audit entries of the people recorded now and of the contact, each
    # written in one INSERT at the end.
    events: list[ChronologyEntry] = []
    audit_entries: list[AuditEvent] = []
    matched = match_or_record_people(user, people, agency=agency, events=events, audit_entries=audit_entries)
    # The people, matched or recorded, linked in one INSERT (a new contact has no links yet, so
    # a person named twice is kept once, in the first role given, without asking the database).
    links, seen, recorded_now = [], set(), set()
    for details, (person, matched_by) in zip(people, matched, strict=False):
        if person.pk in seen:
            continue
        seen.add(person.pk)
        if matched_by == ContactPerson.Match.NEW:
            recorded_now.add(person.pk)
        links.append(
            ContactPerson(
                contact=contact,
                person=person,
                role=details.role,
                relationship=details.relationship[:200],
                matched_by=matched_by,
                added_by=recorder,
                address=_given_address(person, details, recorded_now=matched_by == ContactPerson.Match.NEW),
            )
        )
    children = [link.person for link in links if link.person.kind == Person.Kind.CHILD]
    if not together:
        ContactPerson.objects.bulk_create(links)
        _open_front_door_involvements(children, timezone.localdate(received_at))
    # In the order written (the links' ids follow it).
    order = {id(link): index for index, link in enumerate(links)}
    subjects = [link for link in links if link.is_child]
    for checked_file in checked:
        _attach(user, contact, checked_file)
    source_label = codelists.label("referral-source", source)
    title = contact_received_title(referrer_agency or source_label, immediate_risk)
    events += [
        chronology_entry(
            link.person,
            "contact-received",
            received_at,
            title,
            detail=contact_received_detail(link.get_role_display(), len(subjects)),
            agency=agency,
            source=contact,
            recorded_by=recorder,
        )
        for link in sorted(links, key=lambda link: (link.role, order[id(link)]))
    ]
    if not together:
        record_events(events)
    # A new contact has no alerts to replace; people recorded just now have no history to find.
    alerts = pattern_alerts_for(contact, children=subjects, recorded_now=recorded_now)
    audit_entries.append(
        audit.creation_entry(
            user,
            contact,
            person=subjects[0].person if subjects else None,
            summary=f"Received contact {contact.reference}",
        )
    )
    if together:
        # Creation entries only (no view to tell audit's listeners about), as record_many writes them.
        involvements = _front_door_involvements_sql(children, timezone.localdate(received_at))
        insert_together(
            [contact, *([made] if made else []), links, events, alerts, audit_entries],
            raw=[involvements] if involvements else [],
        )
    else:
        if alerts:
            PatternAlert.objects.bulk_create(alerts)
        audit.record_many(audit_entries)
    return contact


def receive_contact_submission(
    user: User,
    *,
    api_token: ApiToken,
    key: str,
    digest: str,
    payload: Any,
    contact: Mapping[str, Any],
) -> ContactSubmission:
    """Keep a contact a partner system sent with `Prefer: respond-async`, to be made by the
    background worker (frontdoor.tasks). The front door's own checks first, the same as
    receive_contact's (cheap, no records read), so that a bad contact is refused now
    (FrontDoorError) rather than failing later; then the body and the job, in one short
    transaction, so that neither is kept without the other. `contact` is receive_contact's
    arguments from the body; `payload` the body itself, kept once here (not in the audit).
    IntegrityError when the agency's key was used at the same moment by another request."""
    from .tasks import process_contact_submission  # inside: the task makes contacts with this module

    received_at = timezone.now()
    _checked_contact(
        received_at=contact["received_at"] or received_at,
        source=contact["source"],
        concerns=contact["concerns"],
        consent=contact["consent"],
        people=contact["people"],
        immediate_risk=contact["immediate_risk"],
        immediate_risk_detail=contact["immediate_risk_detail"],
        referrer_name=contact["referrer_name"],
        channel=Contact.Channel.API,
        files=contact["files"],
    )
    submission = ContactSubmission(
        api_token=api_token,
        agency_id=api_token.agency_id,
        idempotency_key=key,
        body_digest=digest,
        received_at=received_at,
        status=ContactSubmission.Status.RECEIVED,
        payload=payload,
    )
    job = _queued_job(process_contact_submission) if connection.vendor == "postgresql" else None
    if job is None:
        with transaction.atomic():
            submission.save(force_insert=True)
            process_contact_submission.enqueue(submission.pk)
            # Not record_creation: the body (files included) is kept once, here, not copied into the audit.
            audit.record(user, "create", obj=submission, **_received_entry(submission))
        return submission
    # PostgreSQL: the submission, its job and its audit entry in one statement (atomic by itself,
    # so no transaction of its own: two round trips, the id and the statement, instead of five).
    backend, make = job
    submission.pk = next_id(ContactSubmission)
    result = make(submission.pk)
    event = audit.entry(user, "create", obj=submission, **_received_entry(submission))
    if connection.in_atomic_block:  # a caller's transaction (a test's): a refusal must not spoil it
        with transaction.atomic():
            insert_together([submission, result, event])
    else:
        insert_together([submission, result, event])
    _job_enqueued(backend, result)
    return submission


def _job_enqueued(backend: Any, result: Any) -> None:
    """What DatabaseBackend.enqueue does once its row is written: the task_enqueued signal."""
    from django_tasks_db.compat import task_enqueued

    task_enqueued.send(type(backend), task_result=result.task_result)


def _received_entry(submission: ContactSubmission) -> dict[str, Any]:
    return {
        "detail": {"status": submission.status},
        "summary": f"Received contact submission {submission.reference} (API, to be processed)",
    }


def _queued_job(task: Any) -> tuple[Any, Callable[[int], Any]] | None:
    """(the backend, a function making the job's row for an id, not written) when the task's
    backend is the database queue (django_tasks_db), so that the row can be written with others
    in one statement; None for any other backend (it queues the job itself). The row is the
    one DatabaseBackend.enqueue writes (its id, the arguments, the task's path, priority and
    queue, and run_after as its pre_save receiver sets it)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    if type(backend) is not DatabaseBackend:
        return None
    backend.validate_task(task)

    def make(submission_id: int) -> DBTaskResult:
        return DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": (submission_id,), "kwargs": {}}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after if task.run_after is not None else get_date_max(),
            backend_name=backend.alias,
        )

    return backend, make


def _given_address(person: Person, details: PersonDetails, *, recorded_now: bool) -> Address | None:
    """The address the contact gives for someone, kept with their place in the contact; it is
    also the home address of a person recorded just now, from a date not known (an existing
    record is not changed). The same address as one already held is that one (as
    people.services.record_address finds it), so that a household shows."""
    given = details.address or {}
    if not ((given.get("line_1") or "").strip() and (given.get("postcode") or "").strip()):
        return None
    line_1, postcode = given["line_1"].strip()[:200], given["postcode"].strip()[:8]
    address = Address.objects.filter(line_1=line_1, postcode=postcode).order_by("pk").first()
    if address is None:
        address = Address.objects.create(
            line_1=line_1,
            line_2=(given.get("line_2") or "").strip()[:200],
            town=(given.get("town") or "").strip()[:100],
            postcode=postcode,
        )
    if recorded_now:
        PersonAddress.objects.create(person=person, address=address, kind=PersonAddress.Kind.HOME)
    return address


def _attach(user, contact, checked_file):
    attachment = ContactAttachment(
        contact=contact,
        original_name=checked_file.name,
        content_type=checked_file.content_type,
        size=checked_file.size,
        sha256=checked_file.sha256,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    attachments.store(attachment.stored_name, checked_file.data)
    attachment.save(force_insert=True)
    audit.record_creation(user, attachment, summary=f"Attached a file to contact {contact.reference}")
    return attachment


@transaction.atomic
def attach_file(user: AnyUser | None, contact: Contact, name: str, data: bytes) -> ContactAttachment:
    checked_file = attachments.check(name, data)
    return _attach(user, contact, checked_file)


# --- Siblings and household ---------------------------------------------------------------


@transaction.atomic
def bring_into_contact(
    user: User, contact: Contact, person: Person, role: str, relationship: str = ""
) -> ContactPerson:
    """Bring a sibling or household member into the contact (a child becomes one of its children)."""
    if contact.status == Contact.Status.DECIDED:
        raise FrontDoorError("The contact has been decided: record a new contact for this person")
    if role in {ContactPerson.Role.SUBJECT, ContactPerson.Role.CHILD_IN_HOUSEHOLD} and person.kind != Person.Kind.CHILD:
        raise FrontDoorError({"role": ["Only a child can be a child in the contact"]})
    link, created = _add_person(user, contact, PersonDetails(role=role, person=person, relationship=relationship), None)
    if created:
        record_event(
            person,
            "contact-received",
            contact.received_at,
            f"Brought into contact {contact.reference}",
            detail=link.get_role_display(),
            agency=contact.referrer_agency,
            source=contact,
            recorded_by=user,
        )
        audit.record_creation(user, link, person=person, summary=f"Brought into contact {contact.reference}")
        refresh_pattern_alerts(contact)
    return link


# --- Multi-agency checks ------------------------------------------------------------------


@transaction.atomic
def request_check(
    user: User,
    contact: Contact,
    kind: str,
    agency: Agency | None = None,
    question: str = "",
    requested_at: datetime.datetime | None = None,
) -> AgencyCheck:
    """Ask an agency what it knows, due within the local time for that agency (rule
    agency-check-<kind>)."""
    if contact.status == Contact.Status.DECIDED:
        raise FrontDoorError("The contact has been decided: checks can no longer be asked for")
    if kind not in AgencyCheck.Kind.values:
        raise FrontDoorError({"kind": ["Select which agency to ask"]})
    # A kind is its choice's str value, so it finds the TextChoices key.
    if agency is not None and agency.kind not in CHECK_AGENCY_KINDS[kind]:  # type: ignore[index]
        raise FrontDoorError({"agency": [f"{agency} is not a {AgencyCheck.Kind(kind).label.lower()} agency"]})
    requested_at = requested_at or timezone.now()
    if contact.checks.filter(kind=kind, agency=agency, status=AgencyCheck.Status.REQUESTED).exists():
        raise FrontDoorError({"kind": ["That agency has already been asked and has not answered yet"]})
    deadline = timescales.due(f"agency-check-{kind}", requested_at)
    check = AgencyCheck.objects.create(
        contact=contact,
        kind=kind,
        agency=agency,
        question=question.strip(),
        requested_at=requested_at,
        requested_by=user,
        due_at=deadline.due_at,
        due_explanation=f"Due {timezone.localtime(deadline.due_at):%-d %B %Y at %H:%M}: {deadline.explanation}"[:500],
    )
    for link in contact_children(contact):
        record_event(
            link.person,
            "agency-check",
            requested_at,
            check_requested_title(check.get_kind_display(), agency),
            source=check,
            recorded_by=user,
            agency=agency,
        )
    audit.record_creation(
        user, check, person=subject_of(contact), summary=f"Requested a {check.get_kind_display().lower()} check"
    )
    return check


def check_may_be_answered_by(user: User, check: AgencyCheck) -> bool:
    """A check is answered by the agency asked (or, with no agency named, any agency of that
    kind), or by front-door staff recording an answer given by phone."""
    if user.role in FRONT_DOOR_ROLES and is_local_authority_staff(user):
        return True
    if user.agency_id is None:
        return False
    if check.agency_id is not None:
        return check.agency_id == user.agency_id
    # The user has an agency (agency_id is set); a kind is its choice's str value.
    return user.agency.kind in CHECK_AGENCY_KINDS[check.kind]  # type: ignore[union-attr,operator,index]


@transaction.atomic
def answer_check(
    user: User,
    check: AgencyCheck,
    *,
    status: str,
    information: str = "",
    answered_at: datetime.datetime | None = None,
) -> AgencyCheck:
    if check.status != AgencyCheck.Status.REQUESTED:
        raise FrontDoorError("This check has already been answered")
    if not check_may_be_answered_by(user, check):
        raise PermissionError("This check was not asked of your agency")
    if status not in {AgencyCheck.Status.ANSWERED, AgencyCheck.Status.NOTHING_KNOWN, AgencyCheck.Status.WITHDRAWN}:
        raise FrontDoorError({"status": ["Select what the agency knows"]})
    if status == AgencyCheck.Status.ANSWERED and not information.strip():
        raise FrontDoorError({"information": ["Enter the information the agency holds"]})
    answered_at = answered_at or timezone.now()
    if answered_at < check.requested_at:
        raise FrontDoorError({"answered_at": ["The answer cannot be before the check was asked for"]})
    old = check.status
    check.status, check.information, check.answered_at, check.answered_by = (
        status,
        information.strip(),
        answered_at,
        user,
    )
    check.save(update_fields=["status", "information", "answered_at", "answered_by"])
    if status != AgencyCheck.Status.WITHDRAWN:
        _log_check_answer(user, check)
    for link in contact_children(check.contact):
        record_event(
            link.person,
            "agency-check",
            answered_at,
            check_answered_title(check.get_kind_display(), status),
            agency=user.agency if user.agency_id else None,
            source=check,
            recorded_by=user,
        )
    audit.record_change(
        user,
        check,
        {"status": (old, status), "information": ("", check.information)},
        person=subject_of(check.contact),
        summary=check_answered_title(check.get_kind_display(), status),
    )
    return check


def _log_check_answer(user: User, check: AgencyCheck) -> None:
    """The agency's answer is a disclosure to the local authority (sharing's log, s16LA)."""
    partner = not is_local_authority_staff(user)
    asker = check.requested_by.agency if check.requested_by and check.requested_by.agency_id else None
    for link in contact_children(check.contact):
        sharing.record_disclosure(
            user,
            link.person,
            what=check.information or check.get_status_display(),
            to_agency=asker,
            recipient="" if asker else "The local authority's front door",
            shared_at=check.answered_at,
            kind=Disclosure.Kind.CHECK_ANSWER,
            from_agency=check.agency or (user.agency if partner else None),
            source=check,
        )


# --- Who works on a contact ---------------------------------------------------------------


class TakingOver(FrontDoorError):
    """The contact is someone else's: assigning it elsewhere needs `confirm_taking_over`."""

    def __init__(self, owner: User) -> None:
        super().__init__({"__all__": [f"{owner} is working on this contact"]})
        self.owner = owner


def may_work_on_contacts(user: User, colleague_of: User | None = None) -> bool:
    """A front-door user of a local authority (of the same authority as `colleague_of`), active."""
    if not user.is_active or user.role not in FRONT_DOOR_ROLES or not is_local_authority_staff(user):
        return False
    return colleague_of is None or user.agency_id == colleague_of.agency_id


@transaction.atomic
def assign_contact(
    user: User,
    contact: Contact,
    to_user: User,
    *,
    expected_version: int,
    confirm_taking_over: bool = False,
) -> Contact:
    """Give the contact to someone to work on: the user themselves or a front-door colleague of
    the same authority. No lost update: the contact must still be at `expected_version` (the
    version the user's page showed), so that a contact decided or reassigned meanwhile raises
    `kernel.concurrency.EditConflict` with the contact as it is now, and nothing is written. A
    contact someone else is working on is taken over only with `confirm_taking_over`
    (`TakingOver` otherwise, naming who has it)."""
    current = Contact.objects.select_for_update(of=("self",)).select_related("allocated_to").get(pk=contact.pk)
    if current.version != expected_version or current.status != Contact.Status.OPEN:
        raise EditConflict(current)
    if not may_work_on_contacts(to_user, colleague_of=user):
        raise FrontDoorError({"to_user": ["Select someone who works in your front door"]})
    owner = current.allocated_to
    if owner is not None and owner.pk == to_user.pk:
        raise FrontDoorError({"to_user": [f"The contact is already assigned to {to_user}"]})
    if owner is not None and owner.pk != user.pk and not confirm_taking_over:
        raise TakingOver(owner)
    save_with_version_check(current, expected_version, {"allocated_to": to_user})
    contact.allocated_to, contact.version = to_user, current.version
    title = contact_assigned_title(to_user, user)
    for link in contact_children(current):
        record_event(link.person, "contact-assigned", timezone.now(), title, source=current, recorded_by=user)
    audit.record_change(
        user,
        current,
        {"allocated_to": (str(owner) if owner else "", str(to_user))},
        person=subject_of(current),
        version=current.version,
        summary=f"Assigned contact {current.reference} to {to_user}" + (f" (was {owner})" if owner else ""),
    )
    return current


def contact_assigned_title(to_user: User, by_user: User) -> str:
    if to_user.pk == by_user.pk:
        return f"Front-door contact taken on by {to_user}"
    return f"Front-door contact assigned to {to_user} by {by_user}"


# --- The decision -------------------------------------------------------------------------


@transaction.atomic
def decide_contact(
    user: User,
    contact: Contact,
    *,
    level: ThresholdLevel | None,
    outcome: str,
    rationale: str,
    indicators: Iterable[ThresholdIndicator] = (),
    primary_need: str = "",
    malicious: bool = False,
    malicious_reason: str = "",
    decided_at: datetime.datetime | None = None,
    late_reason: str = "",
    unanswered_checks_reason: str = "",
) -> ContactDecision:
    """The decision on next steps, against the published threshold document. A referral or a
    strategy discussion opens a child-in-need episode (Referral) for each child in the contact.
    A decision made while checks are unanswered needs `unanswered_checks_reason` (the checks and
    the reason are kept on the decision); the unanswered checks are then withdrawn."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.status == Contact.Status.DECIDED:
        raise FrontDoorError("This contact has already been decided")
    document = published_threshold_document()
    if document is None:
        raise FrontDoorError("No threshold document has been published: a decision must be made against one")
    decided_at = decided_at or timezone.now()
    unanswered = list(contact.checks.filter(status=AgencyCheck.Status.REQUESTED))
    indicators = list(indicators)
    errors = decision_errors(
        contact,
        document,
        level=level,
        outcome=outcome,
        rationale=rationale,
        indicators=indicators,
        primary_need=primary_need,
        malicious=malicious,
        malicious_reason=malicious_reason,
        decided_at=decided_at,
        late_reason=late_reason,
        unanswered=unanswered,
        unanswered_checks_reason=unanswered_checks_reason,
    )
    if errors:
        raise FrontDoorError(errors)
    if outcome not in REFERRAL_OUTCOMES:
        primary_need = ""
    on_time = decided_at <= contact.decision_due_at
    return _record_decision(
        user,
        contact,
        document,
        level=cast(ThresholdLevel, level),  # no error: the level is one of the published document's
        outcome=outcome,
        rationale=rationale,
        indicators=indicators,
        primary_need=primary_need,
        malicious=malicious,
        malicious_reason=malicious_reason,
        decided_at=decided_at,
        on_time=on_time,
        late_reason=late_reason,
        unanswered=unanswered,
        unanswered_checks_reason=unanswered_checks_reason,
    )


def check_decision(
    user: User,
    contact: Contact,
    *,
    level: ThresholdLevel | None,
    outcome: str,
    rationale: str,
    indicators: Iterable[ThresholdIndicator] = (),
    primary_need: str = "",
    malicious: bool = False,
    malicious_reason: str = "",
    late_reason: str = "",
    unanswered_checks_reason: str = "",
) -> None:
    """decide_contact's rules for a decision made now, without writing anything (the decision
    page checks the answers before showing them to check): FrontDoorError if one is broken."""
    if contact.status == Contact.Status.DECIDED:
        raise FrontDoorError("This contact has already been decided")
    document = published_threshold_document()
    if document is None:
        raise FrontDoorError("No threshold document has been published: a decision must be made against one")
    errors = decision_errors(
        contact,
        document,
        level=level,
        outcome=outcome,
        rationale=rationale,
        indicators=list(indicators),
        primary_need=primary_need,
        malicious=malicious,
        malicious_reason=malicious_reason,
        decided_at=timezone.now(),
        late_reason=late_reason,
        unanswered=list(contact.checks.filter(status=AgencyCheck.Status.REQUESTED)),
        unanswered_checks_reason=unanswered_checks_reason,
    )
    if errors:
        raise FrontDoorError(errors)


def unanswered_checks_message(unanswered: Iterable[AgencyCheck]) -> str:
    names = [check.get_kind_display().lower() for check in unanswered]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    what = "check is" if len(names) == 1 else "checks are"
    return f"The {listed} {what} not answered yet: give the reason for deciding without the answer"


def decision_errors(  # noqa: C901
    contact: Contact,
    document: ThresholdDocument,
    *,
    level: ThresholdLevel | None,
    outcome: str,
    rationale: str,
    indicators: Iterable[ThresholdIndicator] = (),
    primary_need: str = "",
    malicious: bool = False,
    malicious_reason: str = "",
    decided_at: datetime.datetime,
    late_reason: str = "",
    unanswered: Collection[AgencyCheck] = (),
    unanswered_checks_reason: str = "",
) -> dict[str, list[str]]:
    """What is wrong with a decision, by field ({} when nothing is): decide_contact refuses it,
    and the decision page asks for these before showing the answers to check."""
    errors: dict[str, list[str]] = {}
    if level is None or level.document_id != document.pk:
        errors["level"] = ["Select the level of need from the published threshold document"]
    if outcome not in Outcome.values:
        errors["outcome"] = ["Select the outcome of the decision"]
    elif level is not None and level.document_id == document.pk and level.outcomes and outcome not in level.outcomes:
        allowed = ", ".join(Outcome(o).label.lower() for o in level.outcomes)
        errors["outcome"] = [f"At level {level.number} ({level.name}) the outcome must be one of: {allowed}"]
    if any(ind.domain.document_id != document.pk for ind in indicators):
        errors["indicators"] = ["Select indicators from the published threshold document"]
    if not (rationale or "").strip():
        errors["rationale"] = ["Explain the reasons for the decision"]
    if outcome in REFERRAL_OUTCOMES:
        if not codelists.is_valid("primary-need", primary_need) or primary_need in {"N0", "N9"}:
            errors["primary_need"] = ["Select the child's primary need (N1 to N8) for the referral"]
    if malicious and not (malicious_reason or "").strip():
        errors["malicious_reason"] = ["Give the reason for judging the contact malicious"]
    if decided_at < contact.received_at:
        errors["decided_at"] = ["The decision cannot be before the contact was received"]
    if decided_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["decided_at"] = ["The decision time cannot be in the future"]
    if decided_at > contact.decision_due_at and not (late_reason or "").strip():
        errors["late_reason"] = ["The decision is past its deadline: give the reason it is late"]
    if unanswered and not (unanswered_checks_reason or "").strip():
        errors["unanswered_checks_reason"] = [unanswered_checks_message(unanswered)]
    return errors


def _record_decision(
    user: User,
    contact: Contact,
    document: ThresholdDocument,
    *,
    level: ThresholdLevel,
    outcome: str,
    rationale: str,
    indicators: list[ThresholdIndicator],
    primary_need: str,
    malicious: bool,
    malicious_reason: str,
    decided_at: datetime.datetime,
    on_time: bool,
    late_reason: str,
    unanswered: list[AgencyCheck],
    unanswered_checks_reason: str,
) -> ContactDecision:
    full_rationale = rationale.strip() + (
        f"\n\nReason for the late decision: {late_reason.strip()}" if not on_time else ""
    )
    decision = ContactDecision.objects.create(
        contact=contact,
        threshold_document=document,
        level=level,
        outcome=outcome,
        rationale=full_rationale,
        primary_need=primary_need,
        malicious=malicious,
        malicious_reason=malicious_reason.strip() if malicious else "",
        unanswered_checks_reason=unanswered_checks_reason.strip() if unanswered else "",
        decided_by=user,
        decided_at=decided_at,
        on_time=on_time,
    )
    decision.indicators.set(indicators)
    decision.unanswered_checks.set(unanswered)
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.DECIDED, version=contact.version + 1)
    contact.status = Contact.Status.DECIDED
    AgencyCheck.objects.filter(contact=contact, status=AgencyCheck.Status.REQUESTED).update(
        status=AgencyCheck.Status.WITHDRAWN, answered_at=decided_at
    )
    children = contact_children(contact)
    decided_on = timezone.localdate(decided_at)
    team = front_door_team()
    for link in children:
        record_event(
            link.person,
            "contact-decision",
            decided_at,
            decision_title(decision.get_outcome_display(), level),
            detail=decision.rationale,
            source=decision,
            recorded_by=user,
        )
        if team is not None:
            Involvement.objects.filter(
                person=link.person, team=team, kind=INVOLVEMENT_KIND, end_date__isnull=True
            ).exclude(person__contacts__contact__status=Contact.Status.OPEN).update(end_date=decided_on)
        if outcome in REFERRAL_OUTCOMES:
            referral = Referral.objects.create(
                person=link.person,
                contact=contact,
                referral_date=timezone.localdate(contact.received_at),
                source=contact.source,
                primary_need=primary_need,
            )
            Involvement.objects.create(
                person=link.person,
                agency=user.agency,  # type: ignore[misc]  # staff who decide belong to an agency
                team=user.team,
                kind=REFERRAL_INVOLVEMENT_KIND,
                start_date=decided_on,
            )
            referral_opened.send(
                sender=Referral,
                user=user,
                referral=referral,
                decided_on=decided_on,
                strategy_discussion_needed=outcome == Outcome.STRATEGY_DISCUSSION,
            )
            record_event(
                link.person,
                "referral",
                decided_at,
                referral_title(primary_need),
                source=referral,
                recorded_by=user,
            )
            audit.record_creation(
                user, referral, person=link.person, summary="Opened a child-in-need episode (referral)"
            )
    audit.record_creation(
        user,
        decision,
        person=children[0].person if children else None,
        summary=f"Decided contact {contact.reference}: {decision.get_outcome_display()}",
    )
    return decision


# --- Feedback to the referrer -------------------------------------------------------------


@transaction.atomic
def give_feedback(
    user: User, contact: Contact, *, method: str, message: str, given_at: datetime.datetime | None = None
) -> ReferrerFeedback:
    if method not in ReferrerFeedback.Method.values:
        raise FrontDoorError({"method": ["Select how the referrer was told"]})
    if not (message or "").strip():
        raise FrontDoorError({"message": ["Enter what the referrer was told"]})
    given_at = given_at or timezone.now()
    feedback = ReferrerFeedback.objects.create(
        contact=contact, method=method, message=message.strip(), given_at=given_at, given_by=user
    )
    for link in contact_children(contact):
        record_event(
            link.person,
            "referrer-feedback",
            given_at,
            feedback_title(feedback.get_method_display()),
            source=feedback,
            recorded_by=user,
        )
    audit.record_creation(
        user, feedback, person=subject_of(contact), summary=f"Gave feedback on contact {contact.reference}"
    )
    return feedback


# --- Pattern alerts -----------------------------------------------------------------------


def _window():
    return datetime.timedelta(days=settings.FRONT_DOOR_PATTERN_WINDOW_DAYS)


def _referrer_key(contact):
    if contact.referrer_agency_id:
        return f"agency:{contact.referrer_agency_id}"
    return f"{contact.source}:{contact.referrer_name.strip().lower()}"


def _describe_referrer(contact):
    if contact.referrer_agency_id:
        return str(contact.referrer_agency)
    label = codelists.label("referral-source", contact.source)
    return f"{contact.referrer_name} ({label.lower()})" if contact.referrer_name else label


def _days(delta):
    return f"{delta.days} day{'s' if delta.days != 1 else ''}"


def pattern_alerts_for(  # noqa: C901
    contact: Contact, children: list[ContactPerson] | None = None, recorded_now: Collection[int] = ()
) -> list[PatternAlert]:
    """The alerts this contact fires, as unsaved PatternAlert rows, each with why.

    `children`: the contact's child links, when the caller has them; `recorded_now`: ids of
    people recorded by this very contact, who have no referrals, contacts, household or
    relationships yet, so nothing is looked up for them."""
    alerts: list[PatternAlert] = []
    received = contact.received_at
    since = received - _window()
    window = settings.FRONT_DOOR_PATTERN_WINDOW_DAYS
    children = contact_children(contact) if children is None else children
    child_ids = [link.person_id for link in children]
    known_ids = [pk for pk in child_ids if pk not in recorded_now]
    # Re-referral within 12 months (CIN census re-referral measure).
    year_before = timezone.localdate(received) - datetime.timedelta(days=365)
    referrals = referrals_within(known_ids, year_before, timezone.localdate(received), contact.pk) if known_ids else []
    for referral in referrals:
        if any(a.kind == PatternAlert.Kind.RE_REFERRAL and a.person_id == referral.person_id for a in alerts):
            continue
        alerts.append(
            PatternAlert(
                contact=contact,
                kind=PatternAlert.Kind.RE_REFERRAL,
                person=referral.person,
                related_contacts=[referral.contact_id],
                explanation=(
                    f"{referral.person.full_name} was referred to children's social care on {referral.referral_date:%-d %B %Y}, "  # noqa: E501
                    f"{_days(timezone.localdate(received) - referral.referral_date)} before this contact: "
                    "a referral now would be a re-referral within 12 months."
                ),
            )
        )
    # The children's households and siblings, and then the earlier contacts about the children and
    # about them within the window, read together (two queries for both).
    today = timezone.localdate(received)
    household_ids = people_services.households_and_siblings(known_ids, today, user=None)  # each alert names one person
    for pk in child_ids:
        household_ids.pop(pk, None)
    by_child: dict[int, list[Contact]] = {}
    about_household = []
    for person_id, other in contacts_naming(known_ids + list(household_ids), since, received, contact.pk):
        if person_id in household_ids:
            about_household.append((person_id, other))
        else:
            by_child.setdefault(person_id, []).append(other)
    for link in children:
        others = by_child.get(link.person_id, [])
        if len(others) + 1 >= settings.FRONT_DOOR_REPEATED_CONTACTS:
            alerts.append(
                PatternAlert(
                    contact=contact,
                    kind=PatternAlert.Kind.REPEATED_CONTACTS,
                    person=link.person,
                    related_contacts=sorted(c.pk for c in others),
                    explanation=(
                        f"{link.person.full_name} has been the subject of {len(others) + 1} contacts in the last {window} days, "  # noqa: E501
                        f"this one included (the first on {min(c.received_at for c in others):%-d %B %Y})."
                    ),
                )
            )
        referrers = {_referrer_key(c): c for c in others + [contact]}
        if len(referrers) >= 2:
            family = [c for c in referrers.values() if c.source in FAMILY_MEMBER_SOURCES]
            names = "; ".join(_describe_referrer(c) for c in referrers.values())
            extra = (
                (
                    " A family member is among them: their concerns count like any other's, and a contact may be judged "  # noqa: E501
                    "malicious only with a recorded reason."
                )
                if family
                else ""
            )
            alerts.append(
                PatternAlert(
                    contact=contact,
                    kind=PatternAlert.Kind.SEVERAL_REFERRERS,
                    person=link.person,
                    related_contacts=sorted(c.pk for c in others),
                    explanation=(
                        f"{len(referrers)} different referrers have raised concerns about {link.person.full_name} "
                        f"in the last {window} days: {names}.{extra}"
                    )[:600],
                )
            )
    # Concerns clustered on siblings and on the adults of the household.
    if household_ids:
        clustered: Any = {}
        for person_id, other in about_household:
            row = clustered.setdefault(person_id, {"person_id": person_id, "count": 0, "last": other.received_at})
            row["count"] += 1
            row["last"] = max(row["last"], other.received_at)
        clustered = list(clustered.values())
        siblings = [
            (household_ids[row["person_id"]], row)
            for row in clustered
            if household_ids[row["person_id"]].kind == Person.Kind.CHILD
        ]
        adults = [
            (household_ids[row["person_id"]], row)
            for row in clustered
            if household_ids[row["person_id"]].kind != Person.Kind.CHILD
        ]
        # One alert per sibling, naming them, so that a sibling the reader may not see (a
        # restricted record) is left out with their alert.
        for sibling, row in siblings:
            alerts.append(
                PatternAlert(
                    contact=contact,
                    kind=PatternAlert.Kind.SIBLINGS,
                    person=sibling,
                    explanation=(
                        f"{sibling.full_name}, a sibling or another child of the household, has been the subject of "
                        f"{row['count']} contact{'s' if row['count'] != 1 else ''} in the last {window} days "
                        f"(most recently {timezone.localtime(row['last']):%-d %B %Y}). "
                        "Consider bringing them into this contact."
                    )[:600],
                )
            )
        for adult, row in adults:
            alerts.append(
                PatternAlert(
                    contact=contact,
                    kind=PatternAlert.Kind.HOUSEHOLD_ADULTS,
                    person=adult,
                    explanation=(
                        f"{adult.full_name}, an adult in the household, is named in {row['count']} other "
                        f"contact{'s' if row['count'] != 1 else ''} in the last {window} days "
                        f"(most recently {timezone.localtime(row['last']):%-d %B %Y})."
                    )[:600],
                )
            )
    # What higher layers know about the children (frontdoor.patterns: education...).
    if known_ids:
        people = {link.person_id: link.person for link in children}
        for source in patterns.pattern_sources():
            for kind, person_id, explanation in source(contact, known_ids, today):
                alerts.append(
                    PatternAlert(contact=contact, kind=kind, person=people[person_id], explanation=explanation[:600])
                )
    return alerts


def refresh_pattern_alerts(contact: Contact) -> list[PatternAlert]:
    contact.alerts.all().delete()
    alerts = pattern_alerts_for(contact)
    PatternAlert.objects.bulk_create(alerts)
    return alerts


# --- The threshold document ---------------------------------------------------------------


@transaction.atomic
def draft_threshold_document(
    user: User, copy_from: ThresholdDocument | None = None, title: str | None = None
) -> ThresholdDocument:
    """A new draft version, copied from a published one (levels, domains, indicators) or empty."""
    number = (ThresholdDocument.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    source = copy_from
    draft = ThresholdDocument.objects.create(
        title=title or (source.title if source else "Threshold document"),
        version=number,
        summary=source.summary if source else "",
        created_by=user,
    )
    if source is not None:
        levels = {}
        for level in source.levels.all():
            levels[level.pk] = ThresholdLevel.objects.create(
                document=draft,
                number=level.number,
                name=level.name,
                description=level.description,
                response=level.response,
                outcomes=level.outcomes,
            )
        for domain in source.domains.all():
            new_domain = type(domain).objects.create(document=draft, name=domain.name, order=domain.order)
            ThresholdIndicator.objects.bulk_create(
                ThresholdIndicator(
                    domain=new_domain, level=levels[ind.level_id], text=ind.text, examples=ind.examples, order=ind.order
                )
                for ind in domain.indicators.all()
            )
    audit.record_creation(user, draft, summary=f"Drafted threshold document version {number}")
    return draft


@transaction.atomic
def publish_threshold_document(
    user: User, document: ThresholdDocument, effective_from: datetime.date | None = None
) -> ThresholdDocument:
    """Publish a draft: it replaces the published version from `effective_from` (today by default)."""
    if document.status != ThresholdDocument.Status.DRAFT:
        raise FrontDoorError("Only a draft can be published")
    levels = list(document.levels.all())
    if len(levels) < 2:
        raise FrontDoorError("A threshold document needs at least two levels of need")
    if not document.domains.exists() or not ThresholdIndicator.objects.filter(domain__document=document).exists():
        raise FrontDoorError("A threshold document needs domains with indicators")
    bad = [level for level in levels if any(o not in Outcome.values for o in level.outcomes)]
    if bad:
        raise FrontDoorError(f"Level {bad[0].number} allows an outcome that does not exist")
    effective_from = effective_from or timezone.localdate()
    previous = ThresholdDocument.objects.select_for_update().filter(status=ThresholdDocument.Status.PUBLISHED).first()
    if previous is not None:
        previous.status = ThresholdDocument.Status.SUPERSEDED
        previous.effective_to = effective_from - datetime.timedelta(days=1)
        previous.save(update_fields=["status", "effective_to"])
        audit.record_change(
            user, previous, {"status": ("published", "superseded")}, summary="Superseded threshold document"
        )
    document.status, document.effective_from = ThresholdDocument.Status.PUBLISHED, effective_from
    document.published_by, document.published_at = user, timezone.now()
    document.save(update_fields=["status", "effective_from", "published_by", "published_at"])
    audit.record_change(
        user,
        document,
        {"status": ("draft", "published")},
        summary=f"Published threshold document version {document.version}",
    )
    return document


EXAMPLE_THRESHOLD_DOCUMENT = settings.BASE_DIR / "frontdoor" / "data" / "example_threshold_document.json"


@transaction.atomic
def load_threshold_document(
    user: User,
    path: Path | str = EXAMPLE_THRESHOLD_DOCUMENT,
    publish: bool = True,
    effective_from: datetime.date | None = None,
) -> ThresholdDocument:
    """Load a threshold document from a JSON file (levels, domains, indicators as
    [level number, text, examples]) as a new draft, and publish it unless told not to."""
    import json
    from pathlib import Path

    from .models import ThresholdDomain

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    draft = draft_threshold_document(user, title=data["title"])
    draft.summary = data.get("summary", "")
    draft.save(update_fields=["summary"])
    levels = {
        row["number"]: ThresholdLevel.objects.create(
            document=draft,
            number=row["number"],
            name=row["name"],
            description=row["description"],
            response=row["response"],
            outcomes=row["outcomes"],
        )
        for row in data["levels"]
    }
    for order, row in enumerate(data["domains"]):
        domain = ThresholdDomain.objects.create(document=draft, name=row["name"], order=order)
        ThresholdIndicator.objects.bulk_create(
            ThresholdIndicator(domain=domain, level=levels[number], text=text, examples=examples, order=index)
            for index, (number, text, examples) in enumerate(row["indicators"])
        )
    if publish:
        publish_threshold_document(user, draft, effective_from=effective_from)
    return draft
