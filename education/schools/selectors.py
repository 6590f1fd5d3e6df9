"""Reads for a school's own pages.

`pupils_known` lists the pupils on the school's roll today whom the user may see in full under
today's need-to-know (people.access.levels: for a partner practitioner, the children their
agency, team or they themselves are involved with; a restricted child only when the user is
named on the restriction, people.access.shown_filter). It costs the same few queries for 3
pupils or 300: one for the candidates (on the roll, involved, may be named), one for levels,
and the key facts' own (people.keyfacts.facts_for, once for the page).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from partners.models import Agency, User
from people.access import Level, levels, shown_filter
from people.keyfacts import KeyFacts, facts_for
from people.models import Involvement, Person

from ..models import DeregistrationNotice, School, SchoolRegistration

SCHOOL_KINDS = (Agency.Kind.SCHOOL, Agency.Kind.EARLY_YEARS)


def school_of(user: User) -> School | None:
    """The school (on the authority's list) that is the user's agency, or None: a user whose
    agency is not a school, or a school whose URN is not on the list."""
    agency = user.agency if user.agency_id else None
    urn = (getattr(agency, "urn", "") or "").strip()
    if agency is None or not urn:
        return None
    return School.objects.filter(urn=urn).first()


@dataclass(frozen=True)
class Pupil:
    person: Person
    on_roll_since: datetime.date
    facts: KeyFacts


def _current(on: datetime.date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def pupils_known(user: User, school: School, on: datetime.date) -> list[Pupil]:
    """The school's pupils today that the user may see in full, by name, with their key facts."""
    on_roll = SchoolRegistration.objects.filter(_current(on), school=school, person=OuterRef("pk"))
    # The open involvements that can give a partner the full record (people.access decides).
    involvement = Q(agency_id=user.agency_id) | Q(worker_id=user.pk)
    if user.team_id:
        involvement |= Q(team_id=user.team_id)
    involved = Involvement.objects.filter(involvement, person=OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    candidates = list(
        Person.objects.filter(shown_filter(user), kind="child")
        .filter(Exists(on_roll), Exists(involved))
        .annotate(
            since=SchoolRegistration.objects.filter(_current(on), school=school, person=OuterRef("pk"))
            .order_by("start_date")
            .values("start_date")[:1]
        )
        .order_by("family_name", "given_names", "pk")
    )
    found = levels(user, candidates)
    people = [person for person in candidates if found[person.pk] >= Level.FULL]
    for person in people:
        person.access_level = found[person.pk]
    facts = facts_for(user, people, on, checked=True)
    return [Pupil(person, person.since, facts[person.pk]) for person in people]


def notices_sent(agency_id: int) -> QuerySet[DeregistrationNotice]:
    """The notices the school sent (by its API tokens or its staff's form), latest first."""
    return DeregistrationNotice.objects.filter(agency_id=agency_id).select_related("school", "consent_request")
