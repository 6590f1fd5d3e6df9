"""Business rules for people: recording a person, their names, identifiers, addresses,
relationships and households. Views call these; they never write the models directly."""

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from audit import services as audit
from chronology.services import entry as chronology_entry
from chronology.services import record_event, record_events
from kernel.compiled import Shaped, among, insert_together, next_ids
from kernel.concurrency import field_changes, save_with_version_check

from . import search
from .access import only_shown, shown
from .identifiers import consistent_identifier_from_serial, validate_identifier
from .models import (
    Address,
    ConsistentIdentifierSerial,
    Identifier,
    Involvement,
    NameKey,
    Person,
    PersonAddress,
    PersonAlert,
    PersonDisability,
    PersonName,
    Relationship,
)
from .postcodes import validate_postcode

if TYPE_CHECKING:
    from audit.models import AuditEvent
    from chronology.models import ChronologyEntry
    from kernel.access import AnyUser
    from partners.models import Agency, User

# The involvement of a practitioner (and their team) who recorded a person by hand.
RECORDED_INVOLVEMENT = "Recorded the person"


def _signed_in(user: "AnyUser | None") -> "User | None":
    """The user, if signed in (a person recorded with no one signed in has no recorder)."""
    return cast("User | None", user if getattr(user, "is_authenticated", False) else None)


def issue_consistent_identifier(person: Person, on: datetime.date | None = None) -> Identifier:
    """Issue the child's consistent identifier. A child has exactly one, for ever."""
    existing = person.identifiers.filter(id_type=Identifier.Type.CONSISTENT).first()
    if existing is not None:
        return existing
    serial = ConsistentIdentifierSerial.objects.create()
    return Identifier.objects.create(
        person=person,
        id_type=Identifier.Type.CONSISTENT,
        value=consistent_identifier_from_serial(serial.pk),
        valid_from=on or datetime.date.today(),
    )


def consistent_identifier(person: Person) -> str:
    """The child's consistent identifier, from their (prefetched) identifiers; "" for others."""
    return next((i.value for i in person.identifiers.all() if i.id_type == Identifier.Type.CONSISTENT), "")


@transaction.atomic
def record_person(
    user: "AnyUser | None",
    *,
    kind: str,
    given_names: str,
    family_name: str,
    date_of_birth: datetime.date | None = None,
    date_of_birth_estimated: bool = False,
    expected_date_of_birth: datetime.date | None = None,
    sex: str = "",
    gender: str = "",
    ethnicity: str = "",
    first_language: str = "",
    religion: str = "",
    disabilities: Iterable[str] = (),
    agency: "Agency | None" = None,
    involve_recorder: bool = False,
) -> Person:
    """Record a new person. A child is issued their consistent identifier at once.

    `involve_recorder`: a practitioner recording someone by hand (the "record a person" page)
    is working with them, so the recorder and their team get an involvement with the person
    (RECORDED_INVOLVEMENT) and see, and can edit, the record they made; without it they would
    see only its index entry (people.access). Contacts and partner systems record people
    through the front door, whose own involvements decide who sees them."""
    recorder = _signed_in(user)
    person = Person.objects.create(
        kind=kind,
        given_names=given_names.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        date_of_birth_estimated=date_of_birth_estimated,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex,
        gender=gender,
        ethnicity=ethnicity,
        first_language=first_language,
        religion=religion,
        created_by=recorder,
    )
    PersonName.objects.create(
        person=person,
        name_type=PersonName.Type.CURRENT,
        given_names=person.given_names,
        family_name=person.family_name,
        valid_from=date_of_birth,
    )
    PersonDisability.objects.bulk_create(PersonDisability(person=person, code=code) for code in disabilities)
    if kind == Person.Kind.CHILD:
        issue_consistent_identifier(person)
    search.index_person(person)
    record_event(
        person,
        "person-recorded",
        timezone.now(),
        f"{person.get_kind_display()} recorded",
        agency=agency,
        source=person,
        recorded_by=recorder,
    )
    audit.record_creation(user, person, person=person, summary="Recorded a person")
    if involve_recorder and recorder is not None and recorder.agency_id:
        involvement = Involvement.objects.create(
            person=person,
            agency_id=recorder.agency_id,
            team_id=recorder.team_id,
            worker=recorder,
            kind=RECORDED_INVOLVEMENT,
            start_date=timezone.localdate(),
        )
        audit.record_creation(user, involvement, person=person, summary="Involved as the person's recorder")
    return person


@dataclass
class NewPerson:
    """A person to record with `record_people`: the details a contact or a partner system gives."""

    kind: str
    given_names: str
    family_name: str
    date_of_birth: datetime.date | None = None
    expected_date_of_birth: datetime.date | None = None
    sex: str = "U"
    identifiers: dict[str, str] = field(default_factory=dict)  # {"NHS"|"UPN": value}, checked here


@transaction.atomic(savepoint=False)
def record_people(
    user: "AnyUser | None",
    new_people: Iterable[NewPerson],
    agency: "Agency | None" = None,
    *,
    events: "list[ChronologyEntry] | None" = None,
    audit_entries: "list[AuditEvent] | None" = None,
) -> list[Person]:
    """Record several new people at once, as `record_person` and `add_identifier` would one by
    one (names, search keys, consistent identifiers for children, other identifiers, chronology,
    audit), in a fixed number of INSERTs whatever their number. Returns the people in order.
    Given `events` and `audit_entries` lists, their chronology and audit entries are added to
    them, for the caller to write with its own in the same transaction (record_events,
    audit.record_many), rather than written here."""
    new_people = list(new_people)
    if not new_people:
        return []
    recorder = _signed_in(user)
    checked = [
        [(id_type, validate_identifier(id_type, value)) for id_type, value in row.identifiers.items() if value]
        for row in new_people
    ]
    if any(id_type == Identifier.Type.CONSISTENT for pairs in checked for id_type, _ in pairs):
        raise ValueError("The consistent identifier is issued by the system")
    keys = [search.keys_for_name(row.given_names.strip(), row.family_name.strip()) for row in new_people]
    together = connection.vendor == "postgresql"
    if together:
        # Every id taken first, then every row in one statement (kernel.compiled), not five INSERTs.
        count_children = sum(1 for row in new_people if row.kind == Person.Kind.CHILD)
        person_ids, serial_ids, identifier_ids = next_ids(
            (Person, len(new_people)),
            (ConsistentIdentifierSerial, count_children),
            (Identifier, count_children + sum(len(pairs) for pairs in checked)),
        )
    people = [
        Person(
            pk=person_ids[number] if together else None,
            kind=row.kind,
            given_names=row.given_names.strip(),
            family_name=row.family_name.strip(),
            date_of_birth=row.date_of_birth,
            expected_date_of_birth=row.expected_date_of_birth,
            sex=row.sex or "U",
            name_keys=" ".join(sorted(person_keys)),
            created_by=recorder,
        )
        for number, (row, person_keys) in enumerate(zip(new_people, keys, strict=True))
    ]
    if not together:
        people = Person.objects.bulk_create(people)
    names = [
        PersonName(
            person=person,
            name_type=PersonName.Type.CURRENT,
            given_names=person.given_names,
            family_name=person.family_name,
            valid_from=person.date_of_birth,
        )
        for person in people
    ]
    name_keys = [
        NameKey(person=person, key=key)
        for person, person_keys in zip(people, keys, strict=True)
        for key in sorted(person_keys)
    ]
    children = [person for person in people if person.kind == Person.Kind.CHILD]
    if together:
        serials = [ConsistentIdentifierSerial(pk=pk) for pk in serial_ids]
    else:
        PersonName.objects.bulk_create(names)
        NameKey.objects.bulk_create(name_keys)
        serials = ConsistentIdentifierSerial.objects.bulk_create(ConsistentIdentifierSerial() for _ in children)
    today = datetime.date.today()
    identifiers = [
        Identifier(
            person=child,
            id_type=Identifier.Type.CONSISTENT,
            value=consistent_identifier_from_serial(serial.pk),
            valid_from=today,
        )
        for child, serial in zip(children, serials, strict=True)
    ]
    given = [
        Identifier(person=person, id_type=id_type, value=value, recorded_by=recorder)
        for person, pairs in zip(people, checked, strict=True)
        for id_type, value in pairs
    ]
    if together:
        for identifier, pk in zip(identifiers + given, identifier_ids, strict=True):
            identifier.pk = pk
        insert_together([people, names, name_keys, serials, identifiers + given])
    else:
        Identifier.objects.bulk_create(identifiers + given)
    now = timezone.now()
    chronology = [
        chronology_entry(
            person,
            "person-recorded",
            now,
            f"{person.get_kind_display()} recorded",
            agency=agency,
            source=person,
            recorded_by=recorder,
        )
        for person in people
    ]
    chronology += [
        chronology_entry(
            ident.person,
            "identifier-added",
            now,
            f"{ident.get_id_type_display()} added",
            source=ident,
            recorded_by=recorder,
        )
        for ident in given
    ]
    audits = [audit.creation_entry(user, person, person=person, summary="Recorded a person") for person in people] + [
        audit.creation_entry(user, ident, person=ident.person, summary=f"Added {ident.get_id_type_display()}")
        for ident in given
    ]
    if events is None:
        record_events(chronology)
    else:
        events.extend(chronology)
    if audit_entries is None:
        audit.record_many(audits)
    else:
        audit_entries.extend(audits)
    return people


PERSON_DETAIL_FIELDS = [
    "given_names",
    "family_name",
    "date_of_birth",
    "date_of_birth_estimated",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "gender",
    "ethnicity",
    "first_language",
    "religion",
    "interpreter_needed",
]


@transaction.atomic
def update_person_details(
    user: "User", person: Person, expected_version: int, cleaned: Mapping[str, Any]
) -> tuple[Person, dict[str, tuple[Any, Any]]]:
    """Change a person's details with a version check. Raises EditConflict if someone saved first."""
    changes = field_changes(person, cleaned, PERSON_DETAIL_FIELDS)
    old_disabilities = sorted(person.disabilities.values_list("code", flat=True))
    new_disabilities = sorted(cleaned.get("disabilities", old_disabilities))
    if not changes and old_disabilities == new_disabilities:
        return person, {}
    values = {name: new for name, (old, new) in changes.items()}
    values["updated_at"] = timezone.now()
    version = save_with_version_check(person, expected_version, values)
    if old_disabilities != new_disabilities:
        person.disabilities.all().delete()
        PersonDisability.objects.bulk_create(PersonDisability(person=person, code=code) for code in new_disabilities)
        changes["disabilities"] = (", ".join(old_disabilities), ", ".join(new_disabilities))
    if "given_names" in changes or "family_name" in changes:
        old_given, old_family = (
            changes.get("given_names", (person.given_names,))[0],
            changes.get("family_name", (person.family_name,))[0],
        )
        today = datetime.date.today()
        person.names.filter(name_type=PersonName.Type.CURRENT).update(
            name_type=PersonName.Type.PREVIOUS, valid_to=today
        )
        PersonName.objects.create(
            person=person,
            name_type=PersonName.Type.CURRENT,
            given_names=person.given_names,
            family_name=person.family_name,
            valid_from=today,
        )
        search.index_person(person)
        record_event(
            person,
            "name-changed",
            timezone.now(),
            f"Name changed from {old_given} {old_family} to {person.full_name}",
            source=person,
            recorded_by=user,
        )
    if "date_of_death" in changes and person.date_of_death:
        record_event(
            person,
            "death",
            timezone.make_aware(datetime.datetime.combine(person.date_of_death, datetime.time(12))),
            "Died",
            source=person,
            recorded_by=user,
        )
    audit.record_change(user, person, changes, person=person, version=version, summary="Changed personal details")
    return person, changes


@transaction.atomic
def add_name(
    user: "User",
    person: Person,
    *,
    name_type: str,
    given_names: str,
    family_name: str,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> PersonName:
    name = PersonName.objects.create(
        person=person,
        name_type=name_type,
        given_names=given_names.strip(),
        family_name=family_name.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    search.index_person(person)
    audit.record_creation(user, name, person=person, summary=f"Added a name ({name.get_name_type_display().lower()})")
    return name


@transaction.atomic
def add_identifier(
    user: "User",
    person: Person,
    *,
    id_type: str,
    value: str,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> Identifier:
    """Add an identifier after checking it. The consistent identifier is issued, never typed in."""
    if id_type == Identifier.Type.CONSISTENT:
        raise ValueError("The consistent identifier is issued by the system")
    value = validate_identifier(id_type, value)
    ident = Identifier.objects.create(
        person=person, id_type=id_type, value=value, valid_from=valid_from, valid_to=valid_to, recorded_by=user
    )
    record_event(
        person,
        "identifier-added",
        timezone.now(),
        f"{ident.get_id_type_display()} added",
        source=ident,
        recorded_by=user,
    )
    audit.record_creation(user, ident, person=person, summary=f"Added {ident.get_id_type_display()}")
    return ident


@transaction.atomic
def record_address(
    user: "User",
    person: Person,
    *,
    address_fields: Mapping[str, str],
    kind: str = PersonAddress.Kind.HOME,
    moved_in: datetime.date | None = None,
    confidential: bool = False,
) -> PersonAddress:
    """Record that a person lives at an address from a date; their previous home address ends the day before."""
    address, _ = Address.objects.get_or_create(
        line_1=address_fields["line_1"].strip(),
        postcode=validate_postcode(address_fields["postcode"]),
        defaults={k: (v or "").strip() for k, v in address_fields.items() if k not in {"line_1", "postcode"}},
    )
    moved_in = moved_in or datetime.date.today()
    if kind == PersonAddress.Kind.HOME:
        person.addresses.filter(kind=PersonAddress.Kind.HOME, moved_out__isnull=True).update(
            moved_out=moved_in - datetime.timedelta(days=1)
        )
    link = PersonAddress.objects.create(
        person=person, address=address, kind=kind, moved_in=moved_in, confidential=confidential
    )
    record_event(
        person,
        "moved-address",
        timezone.make_aware(datetime.datetime.combine(moved_in, datetime.time(9))),
        "Moved address" if not confidential else "Moved address (address confidential)",
        source=link,
        recorded_by=user,
    )
    audit.record_creation(user, link, person=person, summary="Recorded an address")
    return link


@transaction.atomic
def record_relationship(
    user: "User",
    person: Person,
    related_person: Person,
    *,
    relationship: str,
    description: str = "",
    valid_from: datetime.date | None = None,
) -> Relationship:
    rel = Relationship.objects.create(
        person=person,
        related_person=related_person,
        relationship=relationship,
        description=description,
        valid_from=valid_from,
    )
    record_event(
        person,
        "relationship-recorded",
        timezone.now(),
        f"{related_person.full_name} recorded as {rel.get_relationship_display().lower()}",
        source=rel,
        recorded_by=user,
    )
    audit.record_creation(user, rel, person=person, summary="Recorded a relationship")
    return rel


@transaction.atomic
def add_alert(
    user: "User", person: Person, *, kind: str, detail: str, end_date: datetime.date | None = None
) -> PersonAlert:
    alert = PersonAlert.objects.create(person=person, kind=kind, detail=detail, end_date=end_date, recorded_by=user)
    audit.record_creation(user, alert, person=person, summary="Added an alert")
    return alert


def current_address(person: Person, on: datetime.date | None = None) -> PersonAddress | None:
    on = on or datetime.date.today()
    for link in person.addresses.all():
        if link.kind == PersonAddress.Kind.HOME and link.current_on(on):
            return link
    return None


def household(person: Person, on: datetime.date | None = None, *, user: "AnyUser | None") -> list[PersonAddress]:
    """The other people living at the person's home address on a date (a household is people
    at an address over time), as PersonAddress links. `user`: who they are shown to, so that
    people the user may not be shown (people.access.shown: a restricted record they are not
    named on) are left out; None for everyone, for rules that never show them."""
    on = on or datetime.date.today()
    home = current_address(person, on)
    if home is None:
        return []
    candidates = (
        PersonAddress.objects.filter(address=home.address, kind=PersonAddress.Kind.HOME)
        .exclude(person=person)
        .select_related("person")
    )
    links = [link for link in candidates if link.current_on(on)]
    return links if user is None else only_shown(user, links)


def households_and_siblings(
    person_ids: Collection[int], on: datetime.date | None = None, *, user: "AnyUser | None"
) -> dict[int, Person]:
    """{id: person} of everyone living at the home of any of these people on a date, and their
    recorded siblings and half-siblings, in two queries whatever their number (the
    people themselves included when they live together). `user`: who they are shown to, so
    that people the user may not be shown are left out (people.access.shown); None for
    everyone, for rules that never show them."""
    on = on or datetime.date.today()
    person_ids = list(person_ids)
    if not person_ids:
        return {}
    found = {link.person_id: link.person for link in _HOUSEHOLDS.run(None, person_ids, on)}
    for rel in _SIBLINGS.run(None, person_ids):
        found.setdefault(rel.person_id, rel.person)
        found.setdefault(rel.related_person_id, rel.related_person)
    if user is not None:
        visible = shown(user, found.values())
        found = {pk: person for pk, person in found.items() if visible[pk]}
    return found


def _households(_shape: None, person_ids: list[int], on: datetime.date) -> QuerySet[PersonAddress]:
    """Everyone's home addresses on a date at the homes of these people on that date."""
    current = (Q(moved_in__isnull=True) | Q(moved_in__lte=on)) & (Q(moved_out__isnull=True) | Q(moved_out__gte=on))
    homes = PersonAddress.objects.filter(current, person_id__in=among(person_ids), kind=PersonAddress.Kind.HOME)
    return PersonAddress.objects.filter(
        current, address_id__in=Subquery(homes.values("address_id")), kind=PersonAddress.Kind.HOME
    ).select_related("person")


def _siblings(_shape: None, person_ids: list[int]) -> QuerySet[Relationship]:
    return Relationship.objects.filter(
        Q(person_id__in=among(person_ids)) | Q(related_person_id__in=among(person_ids)),
        relationship__in=[Relationship.Type.SIBLING, Relationship.Type.HALF_SIBLING],
    ).select_related("person", "related_person")


# Each one query whose SQL is made once per connection (the front door asks for every contact).
_HOUSEHOLDS: Shaped[PersonAddress] = Shaped(_households)
_SIBLINGS: Shaped[Relationship] = Shaped(_siblings)


def relationships(person: Person, *, user: "AnyUser | None") -> list[tuple[Person, str, Relationship]]:
    """Both directions of every relationship, as (other person, label, relationship) rows.
    `user`: who they are shown to, so that people the user may not be shown are left out
    (people.access.shown); None for everyone, for rules that never show them."""
    outward: list[tuple[Person, str, Relationship]] = []
    inward: list[tuple[Person, str, Relationship]] = []
    found = (
        Relationship.objects.filter(Q(person=person) | Q(related_person=person))
        .select_related("person", "related_person")
        .order_by("pk")
    )
    for rel in found:  # one query for both directions
        if rel.person_id == person.pk:
            outward.append((rel.related_person, rel.get_relationship_display(), rel))
        else:
            inward.append((rel.person, Relationship.INVERSE.get(rel.relationship, rel.relationship), rel))
    rows = outward + inward
    return rows if user is None else only_shown(user, rows, person=lambda row: row[0])
