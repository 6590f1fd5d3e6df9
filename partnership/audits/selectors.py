"""The reads behind the audits' pages, the auditors' grant of the sampled children's records
(`granted_cases`, registered with people.access at start-up) and the figures for the
partnership's yearly report (`audit_figures`). A sampled child is named only to a user who may
be shown them (people.access.shown), and the agencies' answers on a case are shown only to a
user who may open the child's full record (people.access.levels)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chronology.models import ChronologyEntry
from partners.access import PARTNERSHIP_READERS, is_local_authority_staff
from partners.models import Agency, User
from people.access import Level, levels, shown
from people.models import Involvement

from . import rules
from .models import AgencyReturn, AuditAction, MultiAgencyAudit, SampledCase

LIVE = (MultiAgencyAudit.Status.SAMPLED, MultiAgencyAudit.Status.IN_PROGRESS)


def granted_cases(user: User, today: datetime.date | None = None) -> QuerySet[SampledCase]:
    """The sampled cases whose child's full record the user holds today: they are named an
    auditor on an audit that is live (sampled or in progress, not complete) and today is in its
    access window (or `today` is)."""
    today = today or timezone.localdate()
    return SampledCase.objects.filter(
        audit__auditors=user,
        audit__status__in=LIVE,
        audit__access_from__lte=today,
        audit__access_to__gte=today,
    )


def oversees(user: User) -> bool:
    """The business unit, the scrutineer and the local authority's head of service see every
    audit (its figures, never a child unless named an auditor)."""
    return user.role in PARTNERSHIP_READERS or (
        user.role == User.Role.HEAD_OF_SERVICE and is_local_authority_staff(user)
    )


def audits_for(user: User) -> QuerySet[MultiAgencyAudit]:
    found = MultiAgencyAudit.objects.annotate(case_count=Count("cases", distinct=True))
    return found if oversees(user) else found.filter(auditors=user)


def audit(user: User, audit_id: int) -> MultiAgencyAudit | None:
    return audits_for(user).filter(pk=audit_id).first()


def is_auditor(user: User, found: MultiAgencyAudit) -> bool:
    return found.auditors.filter(pk=user.pk).exists()


def access_open(found: MultiAgencyAudit, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return found.status in LIVE and found.access_from <= today <= found.access_to


@dataclass(frozen=True)
class CaseRow:
    """A sampled case as the user may see it: the child named (or withheld), the answers shown
    only to a user who may open the child's record."""

    case: SampledCase
    name: str
    withheld: bool
    may_open: bool
    grade: str
    returns: int


def cases_of(user: User, found: MultiAgencyAudit) -> list[CaseRow]:
    cases = list(found.cases.select_related("person").annotate(return_count=Count("returns")).order_by("number"))
    people = [case.person for case in cases]
    visible = shown(user, people)
    opened = levels(user, people)
    return [
        CaseRow(
            case=case,
            name=case.person.full_name if visible[case.person_id] else "",
            withheld=not visible[case.person_id],
            may_open=visible[case.person_id] and opened[case.person_id] == Level.FULL,
            grade=rules.grade_label(case.grade),
            returns=case.return_count,
        )
        for case in cases
    ]


def case(found: MultiAgencyAudit, case_id: int) -> SampledCase | None:
    return found.cases.select_related("person", "audit").filter(pk=case_id).first()


def returns_of(case: SampledCase) -> list[AgencyReturn]:
    return list(
        case.returns.select_related("agency", "answered_by")
        .prefetch_related("answers__question")
        .order_by("agency__name")
    )


def grade_distribution(cases: QuerySet[SampledCase] | list[SampledCase]) -> list[tuple[str, int]]:
    """(grade label, count) over the scale, best first, then "Not graded yet": counts only."""
    counted = Counter(case.grade for case in cases)
    rows = [(label, counted.get(slug, 0)) for slug, label in rules.grades()]
    return rows + [("Not graded yet", counted.get("", 0))]


def actions_of(found: MultiAgencyAudit, today: datetime.date | None = None) -> list[tuple[AuditAction, bool]]:
    """The actions, each with whether it is overdue."""
    today = today or timezone.localdate()
    return [
        (action, action.status != AuditAction.Status.COMPLETE and action.due_on < today)
        for action in found.actions.select_related("owner")
    ]


def known_to(agency_id: int, person_ids: list[int]) -> set[int]:
    """The children an agency knows: it is or was involved with them, or has recorded something
    in their chronology."""
    involved = (
        Involvement.objects.filter(agency_id=agency_id, person_id__in=person_ids).values_list("person_id").order_by()
    )
    recorded = (
        ChronologyEntry.objects.filter(agency_id=agency_id, person_id__in=person_ids)
        .values_list("person_id")
        .order_by()
    )
    return {person_id for (person_id,) in involved.union(recorded)}


@dataclass(frozen=True)
class InboxRow:
    audit: MultiAgencyAudit
    case: SampledCase
    name: str
    withheld: bool


def inbox(user: User) -> list[InboxRow]:
    """The cases waiting for the user's agency: on each live audit it takes part in, the sampled
    children it knows that it has not answered on yet."""
    if user.agency_id is None:
        return []
    cases = list(
        SampledCase.objects.filter(audit__status__in=LIVE, audit__agencies=user.agency_id)
        .exclude(returns__agency_id=user.agency_id)
        .select_related("audit", "person")
        .order_by("audit__access_to", "audit_id", "number")
    )
    known = known_to(user.agency_id, [c.person_id for c in cases])
    cases = [c for c in cases if c.person_id in known]
    visible = shown(user, [c.person for c in cases])
    return [
        InboxRow(
            audit=c.audit,
            case=c,
            name=c.person.full_name if visible[c.person_id] else "",
            withheld=not visible[c.person_id],
        )
        for c in cases
    ]


def inbox_case(user: User, case_id: int) -> SampledCase | None:
    """A case in the user's agency's inbox (known to it, on a live audit it takes part in), or
    one it has answered."""
    if user.agency_id is None:
        return None
    found = (
        SampledCase.objects.filter(pk=case_id, audit__agencies=user.agency_id).select_related("audit", "person").first()
    )
    if found is None or found.person_id not in known_to(user.agency_id, [found.person_id]):
        return None
    return found


def answered(user: User, case: SampledCase) -> AgencyReturn | None:
    if user.agency_id is None:
        return None
    return AgencyReturn.objects.filter(case=case, agency_id=user.agency_id).first()


def auditor_choices() -> QuerySet[User]:
    from .services import AUDITOR_ROLES

    return (
        User.objects.filter(is_active=True, role__in=AUDITOR_ROLES)
        .select_related("agency")
        .order_by("last_name", "first_name", "username")
    )


def agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


@dataclass(frozen=True)
class AuditFigures:
    """The audits completed in a period, for the partnership's yearly report: counts only."""

    date_from: datetime.date
    date_to: datetime.date
    audits_completed: int
    cases_audited: int
    grades: list[tuple[str, int]] = field(default_factory=list)
    actions_open: int = 0
    actions_overdue: int = 0
    actions_complete: int = 0


def audit_figures(date_from: datetime.date, date_to: datetime.date) -> AuditFigures:
    """The audits completed from `date_from` to `date_to` (inclusive): how many, the cases they
    audited, the cases' overall grades, and their actions open, overdue (open and due before
    the end of the period, or before today if sooner) and complete."""
    completed = MultiAgencyAudit.objects.filter(
        status=MultiAgencyAudit.Status.COMPLETE, completed_on__gte=date_from, completed_on__lte=date_to
    )
    cases = list(SampledCase.objects.filter(audit__in=completed).only("grade"))
    overdue_before = min(date_to, timezone.localdate())
    actions = AuditAction.objects.filter(audit__in=completed).aggregate(
        complete=Count("pk", filter=Q(status=AuditAction.Status.COMPLETE)),
        open=Count("pk", filter=~Q(status=AuditAction.Status.COMPLETE)),
        overdue=Count("pk", filter=~Q(status=AuditAction.Status.COMPLETE) & Q(due_on__lt=overdue_before)),
    )
    return AuditFigures(
        date_from=date_from,
        date_to=date_to,
        audits_completed=completed.count(),
        cases_audited=len(cases),
        grades=grade_distribution(cases)[:-1],
        actions_open=actions["open"],
        actions_overdue=actions["overdue"],
        actions_complete=actions["complete"],
    )
