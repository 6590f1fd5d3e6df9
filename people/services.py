"""Business rules for people: recording a person, their names, identifiers, addresses,
relationships and households. Views call these; they never write the models directly."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from chronology.services import record_event

from . import search
from .identifiers import consistent_identifier_from_serial, validate_identifier
from .postcodes import validate_postcode
from .models import (
    Address,
    ConsistentIdentifierSerial,
    Identifier,
    Person,
    PersonAddress,
    PersonDisability,
    PersonAlert,
    PersonName,
    Relationship,
)


def issue_consistent_identifier(person, on=None):
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


def consistent_identifier(person):
    """The child's consistent identifier, from their (prefetched) identifiers; "" for others."""
    return next((i.value for i in person.identifiers.all() if i.id_type == Identifier.Type.CONSISTENT), "")


@transaction.atomic
def record_person(user, *, kind, given_names, family_name, date_of_birth=None, date_of_birth_estimated=False,
                  expected_date_of_birth=None, sex="", gender="", ethnicity="", first_language="", religion="",
                  disabilities=(), agency=None):
    """Record a new person. A child is issued their consistent identifier at once."""
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
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    PersonName.objects.create(
        person=person, name_type=PersonName.Type.CURRENT, given_names=person.given_names,
        family_name=person.family_name, valid_from=date_of_birth,
    )
    PersonDisability.objects.bulk_create(PersonDisability(person=person, code=code) for code in disabilities)
    if kind == Person.Kind.CHILD:
        issue_consistent_identifier(person)
    search.index_person(person)
    record_event(
        person, "person-recorded", timezone.now(), f"{person.get_kind_display()} recorded",
        agency=agency, source=person, recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record_creation(user, person, person=person, summary="Recorded a person")
    return person


PERSON_DETAIL_FIELDS = [
    "given_names", "family_name", "date_of_birth", "date_of_birth_estimated", "expected_date_of_birth",
    "date_of_death", "sex", "gender", "ethnicity", "first_language", "religion", "interpreter_needed",
]


@transaction.atomic
def update_person_details(user, person, expected_version, cleaned):
    """Change a person's details with a version check. Raises EditConflict if someone saved first."""
    from kernel.concurrency import field_changes, save_with_version_check

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
        old_given, old_family = (changes.get("given_names", (person.given_names,))[0],
                                 changes.get("family_name", (person.family_name,))[0])
        today = datetime.date.today()
        person.names.filter(name_type=PersonName.Type.CURRENT).update(name_type=PersonName.Type.PREVIOUS, valid_to=today)
        PersonName.objects.create(person=person, name_type=PersonName.Type.CURRENT, given_names=person.given_names,
                                  family_name=person.family_name, valid_from=today)
        search.index_person(person)
        record_event(person, "name-changed", timezone.now(),
                     f"Name changed from {old_given} {old_family} to {person.full_name}", source=person, recorded_by=user)
    if "date_of_death" in changes and person.date_of_death:
        record_event(person, "death", timezone.make_aware(datetime.datetime.combine(person.date_of_death, datetime.time(12))),
                     "Died", source=person, recorded_by=user)
    audit.record_change(user, person, changes, person=person, version=version, summary="Changed personal details")
    return person, changes


@transaction.atomic
def add_name(user, person, *, name_type, given_names, family_name, valid_from=None, valid_to=None):
    name = PersonName.objects.create(person=person, name_type=name_type, given_names=given_names.strip(),
                                     family_name=family_name.strip(), valid_from=valid_from, valid_to=valid_to)
    search.index_person(person)
    audit.record_creation(user, name, person=person, summary=f"Added a name ({name.get_name_type_display().lower()})")
    return name


@transaction.atomic
def add_identifier(user, person, *, id_type, value, valid_from=None, valid_to=None):
    """Add an identifier after checking it. The consistent identifier is issued, never typed in."""
    if id_type == Identifier.Type.CONSISTENT:
        raise ValueError("The consistent identifier is issued by the system")
    value = validate_identifier(id_type, value)
    ident = Identifier.objects.create(person=person, id_type=id_type, value=value, valid_from=valid_from,
                                      valid_to=valid_to, recorded_by=user)
    record_event(person, "identifier-added", timezone.now(), f"{ident.get_id_type_display()} added",
                 source=ident, recorded_by=user)
    audit.record_creation(user, ident, person=person, summary=f"Added {ident.get_id_type_display()}")
    return ident


@transaction.atomic
def record_address(user, person, *, address_fields, kind=PersonAddress.Kind.HOME, moved_in=None, confidential=False):
    """Record that a person lives at an address from a date; their previous home address ends the day before."""
    address, _ = Address.objects.get_or_create(
        line_1=address_fields["line_1"].strip(), postcode=validate_postcode(address_fields["postcode"]),
        defaults={k: (v or "").strip() for k, v in address_fields.items() if k not in {"line_1", "postcode"}},
    )
    moved_in = moved_in or datetime.date.today()
    if kind == PersonAddress.Kind.HOME:
        person.addresses.filter(kind=PersonAddress.Kind.HOME, moved_out__isnull=True).update(
            moved_out=moved_in - datetime.timedelta(days=1)
        )
    link = PersonAddress.objects.create(person=person, address=address, kind=kind, moved_in=moved_in, confidential=confidential)
    record_event(person, "moved-address",
                 timezone.make_aware(datetime.datetime.combine(moved_in, datetime.time(9))),
                 "Moved address" if not confidential else "Moved address (address confidential)",
                 source=link, recorded_by=user)
    audit.record_creation(user, link, person=person, summary="Recorded an address")
    return link


@transaction.atomic
def record_relationship(user, person, related_person, *, relationship, description="", valid_from=None):
    rel = Relationship.objects.create(person=person, related_person=related_person, relationship=relationship,
                                      description=description, valid_from=valid_from)
    record_event(person, "relationship-recorded", timezone.now(),
                 f"{related_person.full_name} recorded as {rel.get_relationship_display().lower()}",
                 source=rel, recorded_by=user)
    audit.record_creation(user, rel, person=person, summary="Recorded a relationship")
    return rel


@transaction.atomic
def add_alert(user, person, *, kind, detail, end_date=None):
    alert = PersonAlert.objects.create(person=person, kind=kind, detail=detail, end_date=end_date, recorded_by=user)
    audit.record_creation(user, alert, person=person, summary="Added an alert")
    return alert


def current_address(person, on=None):
    on = on or datetime.date.today()
    for link in person.addresses.all():
        if link.kind == PersonAddress.Kind.HOME and link.current_on(on):
            return link
    return None


def household(person, on=None):
    """The other people living at the person's home address on a date (a household is people
    at an address over time)."""
    on = on or datetime.date.today()
    home = current_address(person, on)
    if home is None:
        return []
    links = (
        PersonAddress.objects.filter(address=home.address, kind=PersonAddress.Kind.HOME)
        .exclude(person=person)
        .select_related("person")
    )
    return [link for link in links if link.current_on(on)]


def relationships(person):
    """Both directions of every relationship, as (other person, label, relationship) rows."""
    rows = []
    for rel in person.relationships.select_related("related_person").all():
        rows.append((rel.related_person, rel.get_relationship_display(), rel))
    for rel in person.relationships_to.select_related("person").all():
        rows.append((rel.person, Relationship.INVERSE.get(rel.relationship, rel.relationship), rel))
    return rows
