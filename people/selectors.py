"""Reads about a person for the person's pages (people.views)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.db.models import Q

from .keyfacts import INVOLVEMENT_KINDS, KeyFacts
from .models import Involvement, Person


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
    person: Person, facts: KeyFacts | None = None, on: datetime.date | None = None
) -> list[InvolvementLine]:
    """Everything current about the person, each thing once.

    First the key facts that are an involvement (on a child protection plan, looked after, a
    child in need, a care leaver: from ``people.keyfacts``, the one source of truth, so the record
    says the child is looked after exactly when the banner does), each with who holds it (the
    IRO of the open period of care, the personal adviser). Then the teams' and agencies'
    involvements (``open_involvements``), leaving out the kinds whose holder a fact has named
    already, so that the IRO is listed once, from the period of care. A team's involvement of
    the fact's own kind ("looked after" by the children in care team) gives the fact's line its
    team and worker rather than a line of its own."""
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
    for involvement in open_involvements(person, on):
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
