"""Reads for the education team's home: the notices waiting to be matched, the requests for
consent to home educate waiting for a decision (with the day the decision is due, from the
timescale rule `home-education-consent-decision`, and whether it is late), and the children
recently added to the children not in school register. A restricted child not naming the
viewer is neither listed nor counted (people.access.shown_filter, in the query)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from kernel import timescales
from partners.models import User
from people.access import keep_visible, shown_filter
from people.search import SearchHit, search_people

from ..models import ConsentRequest, DeregistrationNotice, RegisterEntry

CONSENT_DECISION = "home-education-consent-decision"
LIST_SIZE = 50


def recent_days() -> int:
    """How far back "recently added to the register" looks, in days [U: 28 unless set]."""
    return int(getattr(settings, "EDUCATION_RECENTLY_ADDED_DAYS", 28))


def waiting_notices() -> QuerySet[DeregistrationNotice]:
    """The notices no child was found for, the oldest first (no child is named by the service:
    the names are the school's)."""
    return (
        DeregistrationNotice.objects.filter(status=DeregistrationNotice.Status.UNMATCHED)
        .select_related("school")
        .order_by("received_at", "pk")
    )


def open_requests(user: User) -> QuerySet[ConsentRequest]:
    """The requests waiting for a decision whose child the user may be shown, the oldest first."""
    return (
        ConsentRequest.objects.filter(status=ConsentRequest.Status.OPEN)
        .filter(shown_filter(user, "person"))
        .select_related("person", "registration__school")
        .order_by("received_on", "pk")
    )


def recently_added(user: User, on: datetime.date) -> QuerySet[RegisterEntry]:
    """Entries added to the register in the last `recent_days()`, latest first."""
    since = on - datetime.timedelta(days=recent_days())
    return (
        RegisterEntry.objects.filter(added_on__gte=since, added_on__lte=on)
        .filter(shown_filter(user, "person"))
        .select_related("person")
        .order_by("-added_on", "-pk")
    )


@dataclass(frozen=True)
class Waiting:
    request: ConsentRequest
    due: timescales.Due | None
    late: bool


def with_due_dates(requests: list[ConsentRequest], on: datetime.date) -> list[Waiting]:
    """Each request with the day its decision is due (the rule in force on the day it was
    received) and whether that day has passed; None when no rule is in force then."""
    rows = []
    for request in requests:
        try:
            due = timescales.due(CONSENT_DECISION, request.received_on)
        except timescales.NoRule:
            due = None
        rows.append(Waiting(request, due, due is not None and due.due_date < on))
    return rows


def candidates(user: User, notice: DeregistrationNotice, query: str) -> list[SearchHit]:
    """The children a notice may be about: the people search (by what was typed, or else the
    notice's names and date of birth), with the notice's UPN first; only those the user may see
    in the index (restricted people only by their named users)."""
    hits: list[SearchHit] = []
    if not query and notice.upn:
        hits.extend(search_people(notice.upn, user=user, limit=5))
    terms = query or f"{notice.given_names} {notice.family_name} {notice.date_of_birth:%d/%m/%Y}"
    seen = {hit.person.pk for hit in hits}
    hits.extend(hit for hit in search_people(terms, user=user) if hit.person.pk not in seen)
    return [hit for hit in keep_visible(user, hits) if hit.person.kind == "child"]
