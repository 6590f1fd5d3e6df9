"""The audit report for managers: access by user, by child, and break-glass events, at /audit/
(namespace "audit"). It lives here, above the audit trail it reads, because it finds a child by
identifier and withholds restricted people (people.access): audit itself stays below people
(docs/decisions/0002-layers.md)."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule

from .access import shown
from .identifiers import validate_consistent_identifier
from .models import Identifier

if TYPE_CHECKING:
    from kernel.access import AnyUser, SignedInRequest

PAGE_SIZE = 50


def _parse_date(text: str) -> datetime.date | Literal["invalid"] | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return "invalid"


def withhold_restricted(user: "AnyUser", events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Mark the entries that would name a person the user may not be shown (a restricted
    record they are not named on: people.access.shown): `event.withheld` for an entry about
    them (shown as "a restricted record", with no link) and `event.terms_withheld` for a
    search whose results included them (the terms typed may be their name). The entries stay:
    managers still see that the record was looked at, and by whom."""
    events = list(events)
    results = {
        event.pk: [pk for pk in (event.detail or {}).get("results", []) if isinstance(pk, int)]
        if isinstance(event.detail, dict)
        else []
        for event in events
    }
    people = {event.person_id for event in events if event.person_id} | {pk for ids in results.values() for pk in ids}
    visible = shown(user, people)
    for event in events:
        event.withheld = bool(event.person_id and not visible[event.person_id])
        event.terms_withheld = any(not visible[pk] for pk in results[event.pk])
    return events


@rule("access_oversight")
def report(request: "SignedInRequest") -> HttpResponse:
    username = request.GET.get("user", "").strip()[:150]
    child = request.GET.get("child", "").strip()[:20]
    only_break_glass = request.GET.get("break_glass") == "1"
    start, end = _parse_date(request.GET.get("from", "")), _parse_date(request.GET.get("to", ""))
    errors = {}
    events = AuditEvent.objects.exclude(action__in=["sign_in", "sign_out"])
    if username:
        events = events.filter(username=username)
    if child:
        try:
            value = validate_consistent_identifier(child)
        except ValidationError:
            errors["child"] = "Enter the child's consistent identifier, like CI0000000018"
        else:
            person_id = Identifier.objects.filter(id_type="CI", value=value).values_list("person_id", flat=True).first()
            events = events.filter(person_id=person_id) if person_id else events.none()
    if start == "invalid":
        errors["from"] = "Enter the start date as YYYY-MM-DD"
    elif start:
        events = events.filter(at__date__gte=start)
    if end == "invalid":
        errors["to"] = "Enter the end date as YYYY-MM-DD"
    elif end:
        events = events.filter(at__date__lte=end)
    if only_break_glass:
        events = events.filter(action="break_glass")
    if errors:
        events = events.none()
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    withhold_restricted(request.user, page.object_list)
    audit.record(
        request.user,
        "search",
        summary="Looked at the audit report",
        detail={
            "user": username,
            "child": child,
            "break_glass": only_break_glass,
            "from": request.GET.get("from", ""),
            "to": request.GET.get("to", ""),
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/report.html",
        {
            "page": page,
            "errors": errors,
            "username": username,
            "child": child,
            "only_break_glass": only_break_glass,
            "start": request.GET.get("from", ""),
            "end": request.GET.get("to", ""),
            "query": query.urlencode(),
        },
    )


app_name = "audit"

urlpatterns = [
    path("", report, name="report"),
]
