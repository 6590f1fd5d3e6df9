"""Reads about a person for the person's pages (people.views)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.db import connection
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from chronology.models import ChronologyEntry
from chronology.selectors import chronology_page, counted, counted_page, page_number
from chronology.services import timeline
from kernel import codelists
from kernel.compiled import Shaped
from kernel.together import Read
from partners.models import Agency, Team, User

from .access import shown, shown_filter
from .keyfacts import INVOLVEMENT_KINDS, KeyFacts, Link, facts_links_and
from .merging import selectors as merging
from .merging.models import PersonMerge
from .models import (
    Address,
    Identifier,
    Involvement,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonAlert,
    PersonDisability,
    PersonName,
    Relationship,
)

if TYPE_CHECKING:
    from kernel.access import AnyUser


@dataclass(frozen=True)
class InvolvementLine:
    """One current involvement with a person, as the record lists it: what (``label``), the
    team or agency (``who``), the allocated worker, since when; for a key fact its words
    (``detail``, ``code``), who holds it for the child (``holders``) and its page (``url``)."""

    label: str
    who: str = ""
    worker: str = ""
    since: datetime.date | None = None
    detail: str = ""
    code: str = ""
    holders: tuple[tuple[str, str], ...] = ()
    url: str = ""


def open_involvements(person: Person, on: datetime.date | None = None) -> list[Involvement]:
    """The person's involvements open on the day (an involvement is open through its end date),
    one per kind, team (or agency) and worker: the earliest, so "since" is when that team or
    worker started. Teams and workers are loaded with them."""
    day = on or datetime.date.today()
    found = (
        person.involvements.select_related("agency", "team", "worker")
        .filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("start_date", "pk")
    )
    return one_a_line(found)


def one_a_line(found: Iterable[Involvement]) -> list[Involvement]:
    """Open involvements (in the order of their start and id) one per kind, team (or agency)
    and worker: the earliest of each; newest first."""
    lines: dict[tuple[str, int | None, int | None, int | None], Involvement] = {}
    for involvement in found:
        key = (
            involvement.kind.strip().lower(),
            involvement.team_id,
            None if involvement.team_id else involvement.agency_id,
            involvement.worker_id,
        )
        lines.setdefault(key, involvement)
    return sorted(lines.values(), key=lambda i: (i.start_date, i.pk), reverse=True)


def current_involvement(
    person: Person,
    facts: KeyFacts | None = None,
    on: datetime.date | None = None,
    involvements: list[Involvement] | None = None,
) -> list[InvolvementLine]:
    """Everything current about the person, each thing once.

    First the key facts that are an involvement (on a child protection plan, looked after, a
    child in need, a care leaver: from ``people.keyfacts``, the one source of truth, so the record
    says the child is looked after exactly when the banner does), each with who holds it (the
    IRO of the open period of care, the personal adviser). Then the teams' and agencies'
    involvements (``open_involvements``), leaving out the kinds whose holder a fact has named
    already, so that the IRO is listed once, from the period of care. A team's involvement of
    the fact's own kind ("looked after" by the children in care team) gives the fact's line its
    team and worker rather than a line of its own. ``involvements``: the open involvements, when
    the caller has read them (``one_a_line``)."""
    lines: list[InvolvementLine] = []
    by_label: dict[str, int] = {}
    covered: set[str] = set()
    for fact in facts or ():
        if fact.kind not in INVOLVEMENT_KINDS:
            continue
        covered.update(kind.strip().lower() for kind in fact.covers)
        by_label[fact.label.lower()] = len(lines)
        lines.append(
            InvolvementLine(
                label=fact.label,
                since=fact.since,
                detail=fact.detail,
                code=fact.code,
                holders=tuple(holder for holder in fact.holders if holder[1] not in fact.detail),
                url=fact.url,
            )
        )
    for involvement in open_involvements(person, on) if involvements is None else involvements:
        kind = involvement.kind.strip().lower()
        if kind in covered:
            continue
        who = str(involvement.team or involvement.agency)
        worker = str(involvement.worker) if involvement.worker else ""
        if kind in by_label and not lines[by_label[kind]].who:
            lines[by_label[kind]] = replace(lines[by_label[kind]], who=who, worker=worker)
            continue
        lines.append(
            InvolvementLine(
                label=involvement.kind[:1].upper() + involvement.kind[1:],
                who=who,
                worker=worker,
                since=involvement.start_date,
            )
        )
    return lines


# --- The child's record -----------------------------------------------------------------------
#
# The record (people.views.person_detail) reads the person's details with their key facts and
# the links from the record, in one query: each section's rows come back through the key facts'
# UNION ALL (kernel.together.fetch_compiled), compiled once a day and reused for every person.
# The rows become model instances (not saved, not saveable: the template reads them as it read
# the ORM's), and the relatives the viewer may not be named are left out by people.access
# (`only_shown`), as before.

# Bump when the record's summary shows something more of what it reads (its cache key).
SUMMARY_VERSION = 1

_RELATIVE = ("kind", "given_names", "family_name", "date_of_birth", "restricted")


def _relative(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}__{name}" for name in _RELATIVE)


def _current_on(day: datetime.date) -> Q:
    return (Q(moved_in__isnull=True) | Q(moved_in__lte=day)) & (Q(moved_out__isnull=True) | Q(moved_out__gte=day))


def _detail_reads(ids: list[int], day: datetime.date) -> dict[str, Read]:
    """The reads of one person's details (``ids`` is [their id]) for the record on a day."""
    pk = ids[0]
    homes = PersonAddress.objects.filter(_current_on(day), person_id=pk, kind=PersonAddress.Kind.HOME)
    return {
        "identifiers": Read(
            Identifier.objects.filter(person_id=pk), ("pk", "id_type", "value", "valid_from", "valid_to")
        ),
        "names": Read(
            PersonName.objects.filter(person_id=pk),
            ("pk", "name_type", "given_names", "family_name", "valid_from", "valid_to"),
        ),
        "disabilities": Read(PersonDisability.objects.filter(person_id=pk), ("pk", "code")),
        "addresses": Read(
            PersonAddress.objects.filter(person_id=pk),
            ("pk", "kind", "moved_in", "moved_out", "confidential", "address_id")
            + tuple(f"address__{name}" for name in _ADDRESS),
        ),
        "alerts": Read(PersonAlert.objects.filter(person_id=pk), ("pk", "kind", "detail", "start_date", "end_date")),
        "responsibility": Read(
            ParentalResponsibility.objects.filter(child_id=pk),
            ("pk", "basis", "start_date", "end_date", "holder_id", *_relative("holder")),
        ),
        # Everyone at any of the person's current homes: the record shows those at the one it
        # takes as the home (services.current_address).
        "household": Read(
            PersonAddress.objects.filter(
                _current_on(day), address_id__in=homes.values("address_id"), kind=PersonAddress.Kind.HOME
            ).exclude(person_id=pk),
            ("pk", "kind", "moved_in", "moved_out", "confidential", "address_id", "person_id", *_relative("person")),
        ),
        "outward": Read(
            Relationship.objects.filter(person_id=pk),
            ("pk", "relationship", "description", "valid_from", "valid_to", "related_person_id")
            + _relative("related_person"),
        ),
        "inward": Read(
            Relationship.objects.filter(related_person_id=pk),
            ("pk", "relationship", "description", "valid_from", "valid_to", "person_id", *_relative("person")),
        ),
        "involvements": Read(
            Involvement.objects.filter(person_id=pk, start_date__lte=day).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=day)
            ),
            ("pk", "kind", "start_date", "end_date", "agency_id", "agency__name", "team_id", "team__name")
            + ("worker_id", "worker__first_name", "worker__last_name", "worker__username"),
        ),
        "agencies": Read(
            Agency.objects.filter(
                pk__in=ChronologyEntry.objects.filter(person_id=pk, agency__isnull=False).values("agency_id")
            ),
            ("pk", "name"),
        ),
        "merged": Read(Person.objects.filter(merged_into_id=pk), ("pk",)),
        "merges": Read(
            PersonMerge.objects.filter(Q(survivor_id=pk) | Q(merged_id=pk), status=PersonMerge.Status.PROPOSED),
            ("pk",),
        ),
    }


_ADDRESS = ("line_1", "line_2", "town", "county", "postcode", "uprn")


@dataclass
class RecordPage:
    """What the child's record shows of the person (all but the chronology's page), as read for
    one viewer, and ``fingerprint``: a digest of exactly that, for the cache of its summary."""

    person: Person
    identifiers: list[Identifier]
    home: PersonAddress | None
    previous_addresses: list[PersonAddress]
    household: list[PersonAddress]
    relationships: list[tuple[Person, str, Relationship]]
    parental_responsibility: list[ParentalResponsibility]
    facts: KeyFacts
    links: list[Link]
    involvement: list[InvolvementLine]
    alerts: list[PersonAlert]
    other_names: list[PersonName]
    disabilities: list[str]
    labels: dict[str, str]
    chronology_agencies: list[Agency]
    merged_records: list[Person]
    merges_waiting: list[PersonMerge]
    fingerprint: str


def _person(pk: int, values: Sequence[Any]) -> Person:
    return Person(pk=pk, **dict(zip(_RELATIVE, values, strict=True)))


def _newest_first(rows: list[tuple[Any, ...]], at: int) -> list[tuple[Any, ...]]:
    """Rows in the order of a date (column `at`) newest first, as the database orders them (where
    the date is not known: first on PostgreSQL, last on SQLite), then by id."""
    nulls_first = connection.features.nulls_order_largest
    rows = sorted(rows, key=lambda row: row[0])
    known = sorted((row for row in rows if row[at] is not None), key=lambda row: row[at], reverse=True)
    unknown = [row for row in rows if row[at] is None]
    return unknown + known if nulls_first else known + unknown


def _address_link(row: Sequence[Any], person_id: int) -> PersonAddress:
    pk, kind, moved_in, moved_out, confidential, address_id, *address = row
    link = PersonAddress(
        pk=pk,
        person_id=person_id,
        kind=kind,
        moved_in=moved_in,
        moved_out=moved_out,
        confidential=confidential,
        address_id=address_id,
    )
    if address:
        link.address = Address(pk=address_id, **dict(zip(_ADDRESS, address, strict=True)))
    return link


def record_page(user: AnyUser, person: Person, day: datetime.date, *, may_merge: bool) -> RecordPage:
    """The child's record as this user may see it (``person_for`` has given them the full
    record): the person's details, household, relationships, parental responsibility, current
    involvement, key facts and links, and the agencies of their chronology, in one query (one
    more when a relative is restricted: people.access decides whether the user may be shown
    them; more for the rare merged records and merges waiting). ``may_merge``: whether the
    user's rules open merging (the summary links to it), part of the fingerprint."""
    details_key = ("record", day)
    facts, links, found = facts_links_and(
        user, person, [(details_key, [person.pk], lambda ids: _detail_reads(ids, day))], day
    )
    rows = found[details_key]
    identifiers = [
        Identifier(pk=pk, person_id=person.pk, id_type=id_type, value=value, valid_from=start, valid_to=end)
        for pk, id_type, value, start, end in rows["identifiers"]
    ]
    names = [
        PersonName(
            pk=pk,
            person_id=person.pk,
            name_type=name_type,
            given_names=given,
            family_name=family,
            valid_from=start,
            valid_to=end,
        )
        for pk, name_type, given, family, start, end in sorted(_newest_first(rows["names"], 4), key=lambda row: row[1])
    ]
    addresses = [_address_link(row, person.pk) for row in _newest_first(rows["addresses"], 2)]
    home = next(
        (link for link in addresses if link.kind == PersonAddress.Kind.HOME and link.current_on(day)),
        None,
    )
    household_rows = [
        row for row in _newest_first(rows["household"], 2) if home is not None and row[5] == home.address_id
    ]
    household: list[tuple[PersonAddress, tuple[Any, ...]]] = []
    for row in household_rows:
        link = _address_link(row[:6], row[6])
        link.person = _person(row[6], row[7:])
        household.append((link, row))
    relationships: list[tuple[tuple[Person, str, Relationship], tuple[Any, ...]]] = []
    for direction in ("outward", "inward"):
        for row in sorted(rows[direction]):
            pk, kind, description, start, end, other_id, *other = row
            rel = Relationship(pk=pk, relationship=kind, description=description, valid_from=start, valid_to=end)
            if direction == "outward":
                rel.person_id, rel.related_person_id = person.pk, other_id
                label = rel.get_relationship_display()
            else:
                rel.person_id, rel.related_person_id = other_id, person.pk
                label = Relationship.INVERSE.get(kind, kind)
            relationships.append(((_person(other_id, other), label, rel), row))
    responsibility: list[tuple[ParentalResponsibility, tuple[Any, ...]]] = []
    for row in _newest_first(rows["responsibility"], 2):
        pk, basis, start, end, holder_id, *holder = row
        held = ParentalResponsibility(
            pk=pk, child_id=person.pk, holder_id=holder_id, basis=basis, start_date=start, end_date=end
        )
        if held.is_current:
            held.holder = _person(holder_id, holder)
            responsibility.append((held, row))
    # Who the viewer may be shown: people.access, the one rule, asked once for every relative
    # (a query only when one of them is restricted).
    visible = shown(
        user,
        [link.person for link, _ in household]
        + [rel[0] for rel, _ in relationships]
        + [held.holder for held, _ in responsibility],
    )
    shown_household = [pair for pair in household if visible[pair[0].person_id]]
    shown_relationships = [pair for pair in relationships if visible[pair[0][0].pk]]
    shown_responsibility = [pair for pair in responsibility if visible[pair[0].holder_id]]
    involvements = one_a_line(
        _involvement(person.pk, row) for row in sorted(rows["involvements"], key=lambda row: (row[2], row[0]))
    )
    alerts = [
        PersonAlert(pk=pk, person_id=person.pk, kind=kind, detail=detail, start_date=start, end_date=end)
        for pk, kind, detail, start, end in sorted(rows["alerts"])
        if end is None or end >= day
    ]
    agencies = sorted((Agency(pk=pk, name=name) for pk, name in rows["agencies"]), key=lambda a: (a.name, a.pk))
    merged = merging.merged_records(person) if rows["merged"] else []
    merges = list(merging.proposals_for(person)) if rows["merges"] else []
    # The code lists' words for the person's codes (an administrator may change a word).
    labels = {
        "ethnicity": codelists.label("ethnicity", person.ethnicity),
        "sex": codelists.label("sex", person.sex),
        "language": codelists.label("language", person.first_language),
        "religion": codelists.label("religion", person.religion),
    }
    disabilities = [codelists.label("disability", code) for _, code in sorted(rows["disabilities"])]
    shown_rows = {
        name: rows[name]
        for name in ("identifiers", "names", "disabilities", "addresses", "alerts", "involvements", "agencies")
    }
    fingerprint = hashlib.sha256(
        repr(
            (
                SUMMARY_VERSION,
                day,
                may_merge,
                labels,
                disabilities,
                [getattr(person, field.attname) for field in Person._meta.concrete_fields],
                sorted(shown_rows.items()),
                [row for _, row in shown_household],
                [row for _, row in shown_relationships],
                [row for _, row in shown_responsibility],
                facts.facts,
                links,
                [_merged_fingerprint(record) for record in merged],
            )
        ).encode()
    ).hexdigest()
    return RecordPage(
        person=person,
        identifiers=identifiers,
        home=home,
        previous_addresses=[link for link in addresses if link is not home],
        household=[link for link, _ in shown_household],
        relationships=[rel for rel, _ in shown_relationships],
        parental_responsibility=[held for held, _ in shown_responsibility],
        facts=facts,
        links=links,
        involvement=current_involvement(person, facts, day, involvements=involvements),
        alerts=alerts,
        other_names=[name for name in names if name.name_type != PersonName.Type.CURRENT],
        disabilities=disabilities,
        labels=labels,
        chronology_agencies=agencies,
        merged_records=merged,
        merges_waiting=merges,
        fingerprint=fingerprint,
    )


def _involvement(person_id: int, row: Sequence[Any]) -> Involvement:
    pk, kind, start, end, agency_id, agency, team_id, team, worker_id, first_name, last_name, username = row
    involvement = Involvement(
        pk=pk, person_id=person_id, kind=kind, start_date=start, end_date=end, agency_id=agency_id
    )
    involvement.agency = Agency(pk=agency_id, name=agency)
    involvement.team = Team(pk=team_id, name=team) if team_id is not None else None
    involvement.worker = (
        User(pk=worker_id, first_name=first_name, last_name=last_name, username=username)
        if worker_id is not None
        else None
    )
    return involvement


def _merged_fingerprint(record: Person) -> tuple[Any, ...]:
    return (
        record.pk,
        record.full_name,
        record.date_of_birth,
        [(name.name_type, str(name)) for name in record.names.all()],
        [(ident.id_type, ident.value) for ident in record.identifiers.all()],
    )


# --- The record's chronology --------------------------------------------------------------------


def without_hidden_relatives(
    user: AnyUser, person: Person, entries: QuerySet[ChronologyEntry]
) -> QuerySet[ChronologyEntry]:
    """The chronology without the entries that name a relative the user may not be shown
    ("... recorded as sibling" about a restricted record they are not named on), in the same
    query as the entries."""
    hidden = (
        Relationship.objects.filter(person=person)
        .exclude(shown_filter(user, "related_person"))
        .annotate(as_text=Cast("pk", CharField()))
        .values("as_text")
    )
    return entries.exclude(source_type=ContentType.objects.get_for_model(Relationship), source_id__in=hidden)


def _unfiltered_page(shape: tuple[int, int], person_id: int, user_id: int) -> QuerySet[ChronologyEntry]:
    wanted, size = shape
    person = Person(pk=person_id)
    reader = User(pk=user_id, is_active=True)
    return counted(without_hidden_relatives(reader, person, timeline(person)), wanted, size)


# The unfiltered chronology's first pages (most views of a record), made once per database
# connection, page and size (kernel.compiled.Shaped); a filtered or later page through the ORM.
_UNFILTERED_PAGE: Shaped[ChronologyEntry] = Shaped(_unfiltered_page)
SHAPED_PAGES = 10


def record_chronology(
    user: AnyUser,
    person: Person,
    number: Any,
    size: int,
    kinds: Collection[str] = (),
    agencies: Collection[int] = (),
    key_only: bool = False,
) -> Page:
    """The page of the person's chronology (newest first, as `timeline` filters it, without the
    entries naming a relative the user may not be shown) that ``Paginator.get_page(number)``
    gives, with the count of all of them: one query."""
    wanted = page_number(number)
    signed_in = getattr(user, "is_authenticated", False) and user.is_active
    if signed_in and not (kinds or agencies or key_only) and 1 <= wanted <= SHAPED_PAGES:
        rows = _UNFILTERED_PAGE.run((wanted, size), person.pk, user.pk)
        if rows or wanted == 1:
            return counted_page(rows, wanted, size)
    entries = without_hidden_relatives(user, person, timeline(person, kinds, agencies, key_only=key_only))
    return chronology_page(entries, number, size)
