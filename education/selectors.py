"""Reads of the education records: the school list, a pupil's school history, whether a child
is a relevant child (s434A) on a day, and the consent requests. Writes are in
education.services.

`relevant_children` works out relevant-child status for many children in a fixed number of
queries (one each for the children, their school registrations, section 47 enquiries, child
protection plans and periods of care), whatever their number: the nightly check and the key
facts use it; `relevant_child` is the same for one child.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet

from casework.services import responsible
from childprotection.models import ChildProtectionPlan, Section47Enquiry
from childrenincare.models import PeriodOfCare
from frontdoor.models import Referral
from kernel.together import Read, fetch_each
from partners.models import Agency, User
from people.models import Person

from .models import ConsentRequest, RegisterEntry, School, SchoolRegistration
from .rules import Facts, Relevance, Rules, decide, rules_on, years_before

PersonIds = Iterable[int] | QuerySet[Person, int]


def school_by_urn(urn: str) -> School | None:
    """The school on the authority's list with this URN, or None."""
    return School.objects.filter(urn=(urn or "").strip()).first()


def school_agency(school: School) -> Agency | None:
    """The partner agency that is this school (by its URN), if there is one."""
    return Agency.objects.filter(urn=school.urn).first()


def registrations_for(person: Person) -> QuerySet[SchoolRegistration]:
    """The child's school history, latest first."""
    return SchoolRegistration.objects.filter(person=person).select_related("school", "recorded_by")


def registration_on(person: Person, urn: str, on: datetime.date) -> SchoolRegistration | None:
    """The child's registration at the school with this URN on the day, or None."""
    return (
        SchoolRegistration.objects.filter(person=person, school__urn=urn, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("school")
        .first()
    )


def relevant_child(person: Person, on: datetime.date, rules: Rules | None = None) -> Relevance:
    """Whether the child is a relevant child (s434A) on `on`, which conditions, and why."""
    return relevant_children([person.pk], on, rules)[person.pk]


def _ids(person_ids: PersonIds) -> list[int] | QuerySet[Person, int]:
    return person_ids if isinstance(person_ids, QuerySet) else list(person_ids)


def relevant_children(
    person_ids: PersonIds, on: datetime.date, rules: Rules | None = None, only: Collection[int] | None = None
) -> dict[int, Relevance]:
    """Relevant-child status on `on` for each child (by id), in five queries. `person_ids` may
    be a list or a query of ids (then each read is a subquery, not a list of ids); `only`
    keeps the answer to these ids (a range of ids read, some of it wanted)."""
    rules = rules or rules_on(on)
    return relevant_children_from(fetch_each(relevant_children_reads(person_ids, on, rules)), on, rules, only)


def relevant_children_reads(person_ids: PersonIds, on: datetime.date, rules: Rules) -> dict[str, Read]:
    """What relevant_children reads, as reads (kernel.together) that the key facts can send
    with their own in one query: the children, their school registrations, section 47
    enquiries, child protection plans and periods of care left."""
    ids = _ids(person_ids)
    since = years_before(on, rules.plan_within_years) if rules.plan_within_years is not None else on
    reads = {
        "births": Read(Person.objects.filter(pk__in=ids), ("pk", "date_of_birth")),
        "registrations": Read(
            SchoolRegistration.objects.filter(person_id__in=ids, start_date__lte=on).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=on)
            ),
            (
                "person_id",
                "school__name",
                "school__special",
                "school__maintained_by_authority",
                "under_authority_arrangements",
            ),
        ),
        "enquiries": Read(
            Section47Enquiry.objects.filter(person_id__in=ids, start_date__lte=on).filter(
                Q(outcome_date__isnull=True) | Q(outcome_date__gte=on)
            ),
            ("person_id", "start_date"),
        ),
        "plans": Read(
            ChildProtectionPlan.objects.filter(person_id__in=ids, start_date__lte=on).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=since)
            ),
            ("person_id", "start_date", "end_date"),
        ),
    }
    if rules.left_care_within_years is not None:
        reads["left_care"] = Read(
            PeriodOfCare.objects.filter(
                person_id__in=ids,
                end_reason__in=rules.left_care_reasons,
                end_date__gte=years_before(on, rules.left_care_within_years),
                end_date__lte=on,
            ),
            ("person_id", "end_date", "end_reason"),
        )
    return reads


def relevant_children_from(
    rows: Mapping[str, list[tuple[Any, ...]]], on: datetime.date, rules: Rules, only: Collection[int] | None = None
) -> dict[int, Relevance]:
    """Relevant-child status from the rows of relevant_children_reads."""
    registrations: dict[int, list[tuple[str, bool, bool, bool]]] = defaultdict(list)
    for person_id, name, special, maintained, arranged in rows["registrations"]:
        registrations[person_id].append((name, special, maintained, arranged))
    enquiries: dict[int, list[datetime.date]] = defaultdict(list)
    for person_id, start in rows["enquiries"]:
        enquiries[person_id].append(start)
    plans: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for person_id, start, end in rows["plans"]:
        plans[person_id].append((start, end))
    left_care: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for person_id, end, reason in rows.get("left_care", []):
        if end is not None:
            left_care[person_id].append((end, reason))
    return {
        person_id: decide(
            Facts(
                date_of_birth=born,
                registrations=tuple(registrations[person_id]),
                enquiries=tuple(enquiries[person_id]),
                plans=tuple(plans[person_id]),
                left_care=tuple(left_care[person_id]),
            ),
            on,
            rules,
        )
        for person_id, born in rows["births"]
        if only is None or person_id in only
    }


def allocated_worker(person: Person) -> User | None:
    """The social worker the child's open child in need episode is allocated to, or None."""
    episode = (
        Referral.objects.filter(person=person, closure_date__isnull=True).order_by("-referral_date", "-id").first()
    )
    return responsible(episode)[1] if episode is not None else None


def consent_requests_for(person: Person) -> QuerySet[ConsentRequest]:
    """The child's requests for consent to home educate, latest first."""
    return ConsentRequest.objects.filter(person=person).select_related("registration__school", "decision_maker")


def pending_requests(person_ids: Iterable[int]) -> QuerySet[ConsentRequest]:
    """The requests waiting for a decision, for these children."""
    return ConsentRequest.objects.filter(person_id__in=list(person_ids), status=ConsentRequest.Status.OPEN)


def decision_makers(user: User) -> QuerySet[User]:
    """Who may be named as the decision maker: the managers and heads of service of the user's
    own agency (the authority) [U: the authority's scheme of delegation may name others]."""
    if user.agency_id is None:
        return User.objects.none()
    return User.objects.filter(
        agency_id=user.agency_id,
        is_active=True,
        role__in=[User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE],
    ).order_by("first_name", "last_name")


def register_entries_for(person: Person) -> QuerySet[RegisterEntry]:
    """The child's entries on the children not in school register, latest first."""
    return RegisterEntry.objects.filter(person=person).select_related("recorded_by", "removed_by")


def on_register(on: datetime.date) -> QuerySet[RegisterEntry]:
    """The register as it stood on a day: the entries added by then and not removed before it."""
    return RegisterEntry.objects.filter(added_on__lte=on).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))


def register_figures(on: datetime.date) -> dict[str, int]:
    """How many children were on the register on a day, by reason (counts only: no names)."""
    counts = dict.fromkeys(RegisterEntry.Reason.values, 0)
    for reason, count in on_register(on).values_list("reason").annotate(count=Count("id")).order_by():
        counts[reason] = count
    return counts
