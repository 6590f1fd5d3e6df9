"""Pages for finding and recording people, and the child's record. Views are thin: the rules
live in people.services, people.search and people.duplicates."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseForbidden, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from audit import services as audit
from audit.models import AuditEvent
from chronology import kinds as chronology_kinds
from chronology.forms import ChronologyEntryForm
from chronology.selectors import by_year_and_month
from chronology.services import agencies_in, record_event, timeline
from kernel.access import allowed, rule
from kernel.concurrency import EditConflict
from partners.access import MANAGERS

from . import services
from .access import Level, keep_visible, open_break_glass, person_for
from .duplicates import likely_duplicates
from .forms import (
    AddressForm,
    AlertForm,
    BreakGlassForm,
    EditPersonForm,
    IdentifierForm,
    NameForm,
    NewPersonForm,
    RelationshipForm,
)
from .identifiers import format_nhs_number
from .merging import selectors as merging
from .models import Identifier, Person
from .search import search_people
from .selectors import open_involvements, record_chronology, record_page, without_hidden_relatives

if TYPE_CHECKING:
    from kernel.access import SignedInRequest

CHRONOLOGY_PAGE_SIZE = 50


@rule("case_work")
def search(request):
    query = request.GET.get("q", "").strip()
    error = ""
    hits = []
    if "q" in request.GET and not query:
        error = "Enter a name, date of birth, NHS number, UPN, consistent identifier or postcode"
    elif len(query) > 200:
        error = "Search terms must be 200 characters or fewer"
    elif query:
        hits = keep_visible(request.user, search_people(query, user=request.user))
        audit.record(
            request.user,
            "search",
            summary="Searched for a person",
            detail={"terms": query, "results": [hit.person.pk for hit in hits]},
        )
    rows = [_search_row(hit) for hit in hits]
    return render(request, "people/search.html", {"query": query, "rows": rows, "error": error})


def _search_row(hit):
    person = hit.person
    home = services.current_address(person)
    postcode = ""
    if home is not None and not home.confidential:
        postcode = home.address.postcode.split(" ")[0]  # the district only: enough to tell people apart
    return {
        "person": person,
        "matched_on": hit.matched_on,
        "postcode_district": postcode,
        "consistent_identifier": services.consistent_identifier(person),
    }


@rule("case_work")
def person_detail(request, person_id):
    person = person_for(request.user, person_id, at_least=Level.INDEX)
    if person.access_level == Level.INDEX:
        return _index_view(request, person)
    today = datetime.date.today()
    may_merge = allowed("person_merging", request.user)
    # The person's details, key facts (the banner's too) and links: one query (people.selectors).
    record = record_page(request.user, person, today, may_merge=may_merge)
    chronology = ChronologyFilters.from_query(request.GET)
    page = record_chronology(  # one query
        request.user,
        person,
        request.GET.get("page"),
        CHRONOLOGY_PAGE_SIZE,
        chronology.kinds,
        chronology.agencies,
        chronology.key_only,
    )
    audit.record(
        request.user,
        "view",
        obj=person,
        person=person,
        summary="Viewed the record",
        detail={"page": page.number, **chronology.audit_detail()},
    )
    summary = {
        "person": person,
        "identifiers": _identifier_rows(person, record.identifiers),
        "home": record.home,
        "previous_addresses": record.previous_addresses,
        "household": record.household,
        "relationships": record.relationships,
        "parental_responsibility": record.parental_responsibility,
        "record_links": record.links,
        "involvement": record.involvement,
        "alerts": record.alerts,
        "other_names": record.other_names,
        **record.labels,  # ethnicity, sex, language, religion
        "disabilities": record.disabilities,
        # Merging (people.merging): the records merged into this one, with their identifiers and
        # names (shown as "also known as").
        "merged_records": record.merged_records,
    }
    context = {
        **summary,
        "summary": _summary(record, {**summary, "may": {"person_merging": may_merge}}),
        "person_key_facts": record.facts,  # the banner's facts (base.html), read once for the page
        "page": page,
        "chronology_years": by_year_and_month(page.object_list),
        "chronology_kinds": chronology_kinds.all_kinds(),
        "chronology_agencies": record.chronology_agencies,
        "chronology": chronology,
        # A merge waiting for sign-off, and the notice for someone sent here from a merged record.
        "merges_waiting": record.merges_waiting,
        "merged_notice": merging.merged_notice(
            person, request.GET.get("merged_from", ""), request.GET.get("unsaved") == "1"
        ),
    }
    if request.user.role in MANAGERS:
        context["viewers"] = recent_viewers(person, merged=record.merged_records)
    return render(request, "people/person_detail.html", context)


# How long a rendered summary of a record is kept. Its key is a digest of everything it shows
# (people.selectors.record_page), so a change to the record is a new key: the time only bounds
# how long an entry no one asks for again takes room.
SUMMARY_SECONDS = 60 * 60


def _summary(record, context):
    """The record's summary (personal details, identifiers, involvement, alerts, addresses,
    household and relationships) as HTML, rendered once for each fingerprint of what it shows
    to the viewer (record.fingerprint): two viewers share an entry only when they would be shown
    the same. Nothing of the request is in it (no CSRF token, no name of the viewer)."""
    key = f"people:record-summary:{record.fingerprint}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("people/_record_summary.html", context)
        cache.set(key, html, SUMMARY_SECONDS)
    return mark_safe(html)  # noqa: S308 - the template's own output, escaped as it was rendered


def recent_viewers(person, limit=20, merged=()):
    """Who has looked at the record (or one of the records `merged` into it), newest first, for
    managers."""
    ids = [person.pk, *(record.pk for record in merged)]
    return AuditEvent.objects.filter(person_id__in=ids, action__in=["view", "break_glass"]).order_by("-at")[:limit]


def _index_view(request, person):
    """What case staff see of a child their team is not involved with: enough to know who
    is working with the child, and the break-glass path to open the record."""
    involvements = open_involvements(person)
    audit.record(request.user, "view", obj=person, person=person, summary="Viewed the index entry")
    return render(request, "people/person_index.html", {"person": person, "involvements": involvements})


@rule("case_work")
def break_glass(request, person_id):
    """Open the full record of a child the user's team is not involved with, giving a reason."""
    person = person_for(request.user, person_id, at_least=Level.INDEX)
    if person.access_level == Level.FULL:
        # Nothing to break: they already see the whole record (their team is involved, or
        # they broke the glass a moment ago in another tab).
        return redirect("people:detail", person_id=person.pk)
    if request.method == "POST":
        form = BreakGlassForm(request.POST)
        if form.is_valid():
            open_break_glass(request.user, person, form.cleaned_data["reason"])
            return redirect("people:detail", person_id=person.pk)
    else:
        form = BreakGlassForm()
    return render(request, "people/break_glass.html", {"form": form, "person": person})


@dataclass(frozen=True)
class ChronologyFilters:
    """What the reader limited the chronology to: kinds, agencies (0: no agency recorded) and
    key events only, read from the query string the record and its printable view share."""

    kinds: list[str]
    agencies: list[int]
    key_only: bool

    @classmethod
    def from_query(cls, query: QueryDict) -> "ChronologyFilters":
        return cls(
            kinds=[k for k in query.getlist("kind") if k][:100],
            agencies=[int(a) for a in query.getlist("agency") if a.isdigit()][:100],
            key_only=query.get("key") == "1",
        )

    @property
    def any(self) -> bool:
        return bool(self.kinds or self.agencies or self.key_only)

    @property
    def query(self) -> str:
        """The filters as a query string, for the pages and the printable view."""
        pairs = [("kind", k) for k in self.kinds] + [("agency", str(a)) for a in self.agencies]
        return urlencode(pairs + ([("key", "1")] if self.key_only else []))

    def audit_detail(self) -> dict[str, object]:
        return {"kinds": self.kinds, "agencies": self.agencies, "key_only": self.key_only}


def _chronology(request, person):
    """The person's chronology entries as the reader filtered them (without the entries that
    name a relative they may not be shown), and the filters."""
    filters = ChronologyFilters.from_query(request.GET)
    entries = timeline(person, filters.kinds, filters.agencies, key_only=filters.key_only)
    return without_hidden_relatives(request.user, person, entries), filters


@rule("case_work")
def chronology_print(request: "SignedInRequest", person_id: int) -> HttpResponse:
    """The whole chronology (as filtered) on one page to print: no pagination and no navigation.
    The same access check as the record (a user who may see only the index entry is refused
    with the record's audited 404), and audited as a view of the record."""
    person = person_for(request.user, person_id)
    entries, filters = _chronology(request, person)
    entries = list(entries)
    audit.record(
        request.user,
        "view",
        obj=person,
        person=person,
        summary="Viewed the chronology to print",
        detail={"print": True, **filters.audit_detail()},
    )
    kind_labels = [chronology_kinds.label(k) for k in filters.kinds]
    agency_names = [a.name for a in agencies_in(person) if a.pk in filters.agencies]
    if 0 in filters.agencies:
        agency_names.append("no agency recorded")
    return render(
        request,
        "people/chronology_print.html",
        {
            "person": person,
            "consistent_identifier": services.consistent_identifier(person),
            "years": by_year_and_month(entries),
            "count": len(entries),
            "chronology": filters,
            "kind_labels": kind_labels,
            "agency_names": agency_names,
            "printed_at": timezone.localtime(),
        },
    )


def _identifier_rows(person, identifiers=None):
    rows = []
    for ident in sorted(
        person.identifiers.all() if identifiers is None else identifiers,
        key=lambda i: (i.id_type != "CI", i.id_type, i.valid_from or datetime.date.min),
    ):
        value = format_nhs_number(ident.value) if ident.id_type == Identifier.Type.NHS else ident.value
        rows.append(
            {"label": ident.get_id_type_display(), "value": value, "current": ident.is_current, "identifier": ident}
        )
    return rows


@rule("case_change")
def person_new(request):
    duplicates = []
    if request.method == "POST":
        form = NewPersonForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            identifiers = [("NHS", data["nhs_number"])] if data["nhs_number"] else []
            duplicates = keep_visible(
                request.user,
                likely_duplicates(
                    given_names=data["given_names"],
                    family_name=data["family_name"],
                    date_of_birth=data["date_of_birth"],
                    postcode=data["postcode"],
                    identifiers=identifiers,
                ),
            )
            if duplicates and not data["confirm_new"]:
                form.ask_to_confirm()
                audit.record(
                    request.user,
                    "search",
                    summary="Checked for duplicates before recording a person",
                    detail={"candidates": [c.person.pk for c in duplicates]},
                )
            else:
                person = services.record_person(
                    request.user,
                    kind=data["kind"],
                    given_names=data["given_names"],
                    family_name=data["family_name"],
                    date_of_birth=data["date_of_birth"],
                    date_of_birth_estimated=data["date_of_birth_estimated"],
                    expected_date_of_birth=data["expected_date_of_birth"],
                    sex=data["sex"],
                    gender=data["gender"],
                    ethnicity=data["ethnicity"],
                    first_language=data["first_language"],
                    religion=data["religion"],
                    disabilities=data["disabilities"],
                    agency=request.user.agency,
                    involve_recorder=True,
                )
                if data["nhs_number"]:
                    services.add_identifier(request.user, person, id_type="NHS", value=data["nhs_number"])
                messages.success(request, f"{person.full_name} has been recorded")
                return redirect("people:detail", person_id=person.pk)
    else:
        form = NewPersonForm(initial={"kind": Person.Kind.CHILD})
    return render(request, "people/person_new.html", {"form": form, "duplicates": duplicates})


@rule("case_change")
def person_edit(request, person_id):
    person = person_for(request.user, person_id)
    conflict = None
    if request.method == "POST":
        form = EditPersonForm(request.POST, person=person)
        if form.is_valid():
            try:
                services.update_person_details(request.user, person, form.cleaned_data["version"], form.cleaned_data)
            except EditConflict as error:
                conflict = _conflict_context(form, form.cleaned_data["version"], error.current)
                audit.record(
                    request.user,
                    "conflict",
                    obj=person,
                    person=person,
                    summary="Save refused: the record was changed by someone else",
                )
                # Keep what the user typed, but let the next save go against the current version.
                data = request.POST.copy()
                data["version"] = str(error.current.version)
                form = EditPersonForm(data, person=error.current)
                form.is_valid()
            else:
                messages.success(request, "Personal details saved")
                return redirect("people:detail", person_id=person.pk)
    else:
        initial = {name: getattr(person, name) for name in services.PERSON_DETAIL_FIELDS}
        initial["version"] = person.version
        initial["disabilities"] = [d.code for d in person.disabilities.all()]
        form = EditPersonForm(initial=initial, person=person)
    return render(request, "people/person_edit.html", {"form": form, "person": person, "conflict": conflict})


def _conflict_context(form, version, current):
    """What changed since the version the user started from, in the words of the form's labels."""
    changes = []
    for event in audit.changes_since(current, version):
        for field, (old, new) in event.detail.get("changes", {}).items():
            label = form.fields[field].label if field in form.fields else field.replace("_", " ").capitalize()
            changes.append({"field": label, "old": old, "new": new, "by": event.username, "at": event.at})
    return {"changes": changes}


def _simple_form_view(request, person_id, form_class, title, save, success):
    """A page with one form that adds something to a person's record."""
    person = person_for(request.user, person_id)
    if request.method == "POST":
        form = form_class(request.POST, person=person)
        if form.is_valid():
            save(person, form.cleaned_data)
            messages.success(request, success)
            return redirect("people:detail", person_id=person.pk)
    else:
        form = form_class(person=person)
    return render(request, "people/form_page.html", {"form": form, "person": person, "title": title})


@rule("case_change")
def identifier_add(request, person_id):
    def save(person, data):
        services.add_identifier(
            request.user, person, id_type=data["id_type"], value=data["value"], valid_from=data["valid_from"]
        )

    return _simple_form_view(request, person_id, IdentifierForm, "Add an identifier", save, "Identifier added")


@rule("case_change")
def name_add(request, person_id):
    def save(person, data):
        services.add_name(
            request.user,
            person,
            name_type=data["name_type"],
            given_names=data["given_names"],
            family_name=data["family_name"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        )

    return _simple_form_view(request, person_id, NameForm, "Add a name", save, "Name added")


@rule("case_change")
def address_add(request, person_id):
    def save(person, data):
        fields = {key: data[key] for key in ("line_1", "line_2", "town", "county", "postcode")}
        services.record_address(
            request.user,
            person,
            address_fields=fields,
            kind=data["kind"],
            moved_in=data["moved_in"],
            confidential=data["confidential"],
        )

    return _simple_form_view(request, person_id, AddressForm, "Record an address", save, "Address recorded")


@rule("case_change")
def alert_add(request, person_id):
    def save(person, data):
        services.add_alert(request.user, person, kind=data["kind"], detail=data["detail"], end_date=data["end_date"])

    return _simple_form_view(request, person_id, AlertForm, "Add an alert", save, "Alert added")


@rule("case_change")
def relationship_find(request, person_id):
    """First step of adding a relationship: find the other person."""
    person = person_for(request.user, person_id)
    query = request.GET.get("q", "").strip()
    hits = []
    if query:
        hits = [
            hit
            for hit in keep_visible(request.user, search_people(query, user=request.user))
            if hit.person.pk != person.pk
        ]
        audit.record(
            request.user,
            "search",
            summary="Searched for a person to relate",
            detail={"terms": query, "results": [hit.person.pk for hit in hits]},
        )
    return render(request, "people/relationship_find.html", {"person": person, "query": query, "hits": hits})


@rule("case_change")
def relationship_add(request, person_id, related_id):
    person = person_for(request.user, person_id)
    related = person_for(request.user, related_id)
    if related.pk == person.pk:
        return HttpResponseForbidden("A person cannot be related to themselves")
    if request.method == "POST":
        form = RelationshipForm(request.POST, person=person, related_person=related)
        if form.is_valid():
            services.record_relationship(
                request.user,
                person,
                related,
                relationship=form.cleaned_data["relationship"],
                description=form.cleaned_data["description"],
                valid_from=form.cleaned_data["valid_from"],
            )
            messages.success(request, "Relationship recorded")
            return redirect("people:detail", person_id=person.pk)
    else:
        form = RelationshipForm(person=person, related_person=related)
    return render(
        request,
        "people/form_page.html",
        {
            "form": form,
            "person": person,
            "title": f"How is {related.full_name} related to {person.full_name}?",
            "back": reverse("people:relationship-find", args=[person.pk]),
        },
    )


# --- The chronology -----------------------------------------------------------------------


@rule("case_change")
def add_chronology_entry(request: "SignedInRequest", person_id: int) -> HttpResponse:
    """Add a significant event from outside the system to a person's chronology."""
    person = person_for(request.user, person_id)
    if request.method == "POST":
        form = ChronologyEntryForm(request.POST, person=person)
        if form.is_valid():
            data = form.cleaned_data
            entry = record_event(
                person,
                data["kind"],
                data["occurred_at"],
                data["title"],
                detail=data["detail"],
                agency=data["agency"],
                recorded_by=request.user,
                manual=True,
            )
            audit.record_creation(request.user, entry, person=person, summary="Added a chronology entry")
            messages.success(request, "Added to the chronology")
            return redirect("people:detail", person_id=person.pk)
    else:
        form = ChronologyEntryForm(person=person)
    return render(request, "people/form_page.html", {"form": form, "person": person, "title": "Add a chronology entry"})
