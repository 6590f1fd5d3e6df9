"""Reads of children missing education, and a child's education status on a day in bulk.

`education_status` answers for many children in three queries (their open cases, their
registrations current on the day, their entries on the register on the day), whatever their
number; `missing_since` is the one query the key facts need.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max, Q, QuerySet

from kernel.rules import long_date
from partners.models import Agency, Team, User
from people.access import shown_filter

from ..models import MissingEducationCase, MissingEducationEnquiry, RegisterEntry, SchoolRegistration

if TYPE_CHECKING:
    from kernel.access import AnyUser

INVOLVEMENT_KIND = "Children missing education"
EDUCATION_FUNCTION = "education"


@dataclass(frozen=True)
class EducationStatus:
    """A child's education on a day: on a school's roll, not in school (on the register),
    missing education (an open case), or not known."""

    code: str
    label: str
    detail: str = ""
    since: datetime.date | None = None


ON_ROLL, NOT_IN_SCHOOL, MISSING, NOT_KNOWN = "on_roll", "not_in_school", "missing_education", "not_known"


def education_team(user: User) -> Team | None:
    """The team that works a case a user opens: an education welfare officer's own team; else
    a team whose function is education in the user's agency; else (a school's API user) one in
    the local authority. None when the authority has no education team."""
    if getattr(user, "role", None) == User.Role.EDUCATION_WELFARE_OFFICER and user.team_id:
        return user.team
    teams = Team.objects.filter(function__iexact=EDUCATION_FUNCTION).select_related("agency").order_by("pk")
    if user.agency_id:
        own = teams.filter(agency_id=user.agency_id).first()
        if own is not None:
            return own
    return teams.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY).first()


def open_case(person_id: int) -> MissingEducationCase | None:
    return MissingEducationCase.objects.filter(person_id=person_id, status=MissingEducationCase.Status.OPEN).first()


def cases_for(person_id: int) -> QuerySet[MissingEducationCase]:
    """The child's cases, latest first."""
    return MissingEducationCase.objects.filter(person_id=person_id).select_related("school")


def case_with_enquiries(case: MissingEducationCase) -> list[MissingEducationEnquiry]:
    return list(case.enquiries.select_related("recorded_by"))


def cases(user: AnyUser, status: str = MissingEducationCase.Status.OPEN) -> QuerySet[MissingEducationCase]:
    """The open (or closed) cases, with the last enquiry's day, of the children this user may
    be shown (people.access.shown_filter: a restricted child is neither listed nor counted),
    the longest open first (the latest closed first)."""
    found = (
        MissingEducationCase.objects.filter(status=status)
        .filter(shown_filter(user, "person"))
        .select_related("person", "school")
        .annotate(last_enquiry=Max("enquiries__made_on"))
    )
    if status == MissingEducationCase.Status.OPEN:
        return found.order_by("opened_on", "pk")
    return found.order_by("-closed_on", "-pk")


def missing_on(person_ids: Iterable[int], on: datetime.date) -> QuerySet[MissingEducationCase]:
    return MissingEducationCase.objects.filter(person_id__in=list(person_ids), opened_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )


def missing_since(person_ids: Iterable[int], on: datetime.date) -> dict[int, tuple[int, datetime.date, str]]:
    """{person id: (case id, opened on, the school left or "")} of the children missing
    education on the day: one query."""
    return {
        person_id: (pk, opened_on, school or "")
        for pk, person_id, opened_on, school in missing_on(person_ids, on).values_list(
            "pk", "person_id", "opened_on", "school__name"
        )
    }


def education_status(person_ids: Iterable[int], on: datetime.date) -> dict[int, EducationStatus]:
    """{person id: EducationStatus} on the day, in three queries. An open case comes first (a
    child who left a school on the day the case opened is missing from that day), then a
    school's roll, then the register."""
    ids = list(person_ids)
    result = dict.fromkeys(ids, EducationStatus(NOT_KNOWN, "Not known"))
    if not ids:
        return result
    for person_id, start, name in (
        SchoolRegistration.objects.filter(person_id__in=ids, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("start_date", "pk")
        .values_list("person_id", "start_date", "school__name")
    ):
        result[person_id] = EducationStatus(ON_ROLL, "On roll", name, start)
    for person_id, added_on, reason in (
        RegisterEntry.objects.filter(person_id__in=ids, added_on__lte=on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))
        .values_list("person_id", "added_on", "reason")
    ):
        if result[person_id].code == NOT_KNOWN:
            result[person_id] = EducationStatus(
                NOT_IN_SCHOOL, "Not in school", str(RegisterEntry.Reason(reason).label), added_on
            )
    for person_id, (_, opened_on, school) in missing_since(ids, on).items():
        detail = f"left {school} with no known destination" if school else f"since {long_date(opened_on)}"
        result[person_id] = EducationStatus(MISSING, "Missing education", detail, opened_on)
    return result
