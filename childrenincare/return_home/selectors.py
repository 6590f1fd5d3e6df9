"""Reads for the return-home pages: who might care for the child at home, and the decision
open for a period of care."""

from __future__ import annotations

from childrenincare.models import (
    FamilyGroupDecisionMaking,
    GateRecord,
    HouseholdMember,
    MonitoringFlag,
    PeriodOfCare,
    ReturnHomeMonitoring,
    ReunificationDecision,
    RiskSignalWeighing,
    SupportPlanItem,
)
from partners.models import Team, User
from people.access import Level, levels
from people.models import Person, Relationship
from people.services import households_and_siblings, relationships

from .services import ACTIVE, monitoring_for

CARER_KINDS = {
    Relationship.Type.PARENT,
    Relationship.Type.PR_HOLDER,
    Relationship.Type.STEP_PARENT,
    Relationship.Type.GRANDPARENT,
    Relationship.Type.OTHER_RELATIVE,
    Relationship.Type.CARER,
    Relationship.Type.HOUSEHOLD_MEMBER,
}


def possible_carers(user: User, person: Person) -> list[Person]:
    """Parents, people with parental responsibility, relatives and adults of the household
    (those `user` may see), by name."""
    found = {
        other.pk: other
        for other, _, rel in relationships(person, user=user)
        if rel.relationship in CARER_KINDS and other.kind != Person.Kind.CHILD
    }
    for pk, other in households_and_siblings([person.pk], user=user).items():
        if pk != person.pk and other.kind != Person.Kind.CHILD:
            found.setdefault(pk, other)
    return sorted(found.values(), key=lambda p: (p.family_name, p.given_names))


def active_decision(period: PeriodOfCare) -> ReunificationDecision | None:
    """The return-home decision open for the period of care (draft or approved), if any."""
    return period.return_decisions.filter(status__in=ACTIVE).first()


def not_in_household(user: User, decision: ReunificationDecision) -> list[Person]:
    """The child's possible carers not yet listed as adults of the household at the return."""
    listed = set(decision.household.values_list("person_id", flat=True))
    return [p for p in possible_carers(user, decision.person) if p.pk not in listed]


# --- The decision's page ------------------------------------------------------------------


def household(decision: ReunificationDecision) -> list[HouseholdMember]:
    return list(decision.household.select_related("person"))


def support(decision: ReunificationDecision) -> list[SupportPlanItem]:
    return list(decision.support.all())


def family_group_decision_making(decision: ReunificationDecision) -> FamilyGroupDecisionMaking | None:
    return FamilyGroupDecisionMaking.objects.filter(decision=decision).first()


def weighings(decision: ReunificationDecision) -> list[RiskSignalWeighing]:
    return list(decision.weighings.all())


def carers(decision: ReunificationDecision) -> list[Person]:
    return list(decision.carers.all())


def gate_record(decision: ReunificationDecision, gate: str) -> GateRecord | None:
    return decision.gate_records.filter(gate=gate).first()


def flags(monitoring: ReturnHomeMonitoring) -> list[MonitoringFlag]:
    return list(monitoring.flags.all())


# --- Monitoring after the return ----------------------------------------------------------


def monitored(user: User, team: Team | None, *, everyone: bool = False) -> list[ReturnHomeMonitoring]:
    """Returns home watched in `team` (every team with `everyone`), latest first, of children
    whose full record the user may see. No team and not everyone: none."""
    if team is None and not everyone:
        return []
    rows = list(monitoring_for(team).order_by("-returned_on", "-id"))
    seen = levels(user, [m.person for m in rows])
    return [m for m in rows if seen.get(m.person_id) == Level.FULL]
