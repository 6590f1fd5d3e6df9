"""The return home (reunification) as a decision with gates, kept apart for its three routes
(process specification 2.16):

- A: a child accommodated under section 20 goes home and ceases to be looked after (CPR10
  reg 39); the period of care ends E4A.
- B: a child on a care order is placed with parents and stays looked after (regs 15 to 20);
  a placement P1 with the provider PR0.
- C: the child leaves care through an order (a child arrangements order E41, special
  guardianship E45 to E48, discharge of the care order with a return home E4A, adoption
  E11/E12).

The gates of each route are data (childrenincare/data/return_home_gates.json). A decision
cannot be approved while a gate is open, and the page says which. The risk signals the
system holds across agencies are shown at decision time and each must be weighed. After the
return, 12 months of outcome monitoring flag a re-referral, a section 47 enquiry, a child
protection plan or a return to care to the team manager at once (childrenincare.signals).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from casework.services import current_allocation, due_to_meet, issue_due
from childprotection.models import ChildProtectionPlan, Section47Enquiry
from childrenincare import selectors, services
from childrenincare.models import (
    Approval,
    Carer,
    Designation,
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
from childrenincare.return_home import sources
from chronology.services import record_event
from exploitation.models import MissingEpisode
from familyhelp.models import AssessmentFactor
from frontdoor.models import AgencyCheck, Contact
from kernel import codelists, deadlines, timescales
from kernel.rules import Errors, as_date, check_date
from people.access import shown
from people.ages import age_on
from people.services import households_and_siblings

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from kernel.access import AnyUser, SignedInUser
    from kernel.models import Deadline
    from partners.models import Team
    from people.models import Person

GATES_FILE = Path(__file__).resolve().parent.parent / "data" / "return_home_gates.json"
ORDER_REASONS = {"E41", "E45", "E46", "E47", "E48", "E4A", "E11", "E12"}
MONITORING_RULE = "return-home-monitoring"
VISIT_RULE = "return-home-visit"
ACTIVE = (ReunificationDecision.Status.DRAFT, ReunificationDecision.Status.APPROVED)
Route = ReunificationDecision.Route


@dataclasses.dataclass(frozen=True)
class Gate:
    key: str
    kind: str
    label: str
    source: str
    routes: tuple
    short_stay: bool = True  # applies when a child goes home after a short stay under section 20
    may_not_apply: str = ""  # a derived gate the law lets be marked as not applying, and when


@dataclasses.dataclass(frozen=True)
class GateSet:
    gates: tuple
    short_stay_working_days: int = 20
    short_stay_source: str = ""


@dataclasses.dataclass
class GateState:
    gate: Gate
    met: bool
    detail: str = ""
    record: GateRecord | None = None


@dataclasses.dataclass
class Signal:
    key: str
    kind: str
    summary: str
    occurred_on: datetime.date | None = None
    weighing: RiskSignalWeighing | None = None


@lru_cache(maxsize=1)
def _versions():
    data = json.loads(GATES_FILE.read_text(encoding="utf-8"))
    return tuple(
        (
            datetime.date.fromisoformat(v["valid_from"]),
            GateSet(
                tuple(
                    Gate(
                        g["key"],
                        g["kind"],
                        g["label"],
                        g["source"],
                        tuple(g["routes"]),
                        g.get("short_stay", True),
                        g.get("may_not_apply", ""),
                    )
                    for g in v["gates"]
                ),
                v.get("short_stay_working_days", 20),
                v.get("short_stay_source", ""),
            ),
        )
        for v in data["versions"]
    )


def gate_set(on: datetime.date) -> GateSet:
    """The gates in force for a decision started on `on` (the newest version)."""
    in_force = [found for valid_from, found in _versions() if valid_from <= on]
    return in_force[-1] if in_force else _versions()[0][1]


def gates_for(route: str, on: datetime.date) -> list[Gate]:
    """The gates of a route for a decision started on `on` (the newest version in force)."""
    return [gate for gate in gate_set(on).gates if route in gate.routes]


def short_stay(decision: ReunificationDecision) -> str:
    """A return home under section 20 (route A) after fewer working days looked after than reg 39
    needs (20): only the gates marked for a short stay apply. Returns the reason, or ""."""
    found = gate_set(_started(decision))
    if decision.route != Route.SECTION_20:
        return ""
    days = services.looked_after_working_days(decision.period, decision.proposed_date)
    if days >= found.short_stay_working_days:
        return ""
    return (
        f"Not needed for a short stay: the child will have been accommodated under section 20 for {days} working "
        f"day{'s' if days != 1 else ''} ({found.short_stay_source})"
    )


def _started(decision):
    return timezone.localdate(decision.created_at) if decision.created_at else timezone.localdate()


# --- Deriving the gates -------------------------------------------------------------------


def _household(decision, signals):
    members = list(decision.household.select_related("person"))
    if not members:
        return False, "Add the adults who live in the home"
    waiting = [m.person.full_name for m in members if not m.assessed_on or not m.outcome]
    if waiting:
        return False, "Not yet assessed: " + ", ".join(waiting)
    prevents = [m.person.full_name for m in members if m.outcome == HouseholdMember.Outcome.PREVENTS]
    if prevents:
        return False, "The assessment found concerns that prevent a return: " + ", ".join(prevents)
    return True, f"{len(members)} adult{'s' if len(members) != 1 else ''} assessed"


def _fgdm(decision, signals):
    record = FamilyGroupDecisionMaking.objects.filter(decision=decision).first()
    if record is None:
        return False, "Not yet offered"
    Response = FamilyGroupDecisionMaking.Response
    if record.response == Response.NOT_OFFERED:
        return True, "Not offered: " + record.reasons_not_offered[:120]
    if record.response in (Response.DECLINED, Response.NO_RESPONSE):
        return True, f"Offered on {record.offered_on:%-d %B %Y}: {record.get_response_display().lower()}"
    if not record.meeting_on or not record.la_response:
        return False, "Accepted: record the meeting, the family plan and the local authority's response"
    return True, f"Meeting on {record.meeting_on:%-d %B %Y}: {record.get_la_response_display().lower()}"


def _support(decision, signals):
    count = decision.support.count()
    if not count:
        return False, "Add what support the child and family will have, who provides it and until when"
    return True, f"{count} service{'s' if count != 1 else ''} planned"


def _review(decision, signals):
    # A review that considered the return within 3 months before the decision or the return.
    since = min(_started(decision), decision.proposed_date) - datetime.timedelta(days=92)
    review = (
        decision.period.reviews.filter(considered_return_home=True, held_on__gte=since).order_by("-held_on").first()
    )
    if review is None:
        return False, "No looked-after review has considered the return yet"
    return True, f"Review on {review.held_on:%-d %B %Y}"


def _weighed(decision, signals):
    waiting = [s for s in signals if s.weighing is None]
    if waiting:
        return False, f"{len(waiting)} of {len(signals)} not yet weighed"
    return True, f"{len(signals)} weighed" if signals else "No risk signals found"


DERIVED = {
    "household-assessed": _household,
    "family-group-decision-making": _fgdm,
    "support-plan": _support,
    "review-held": _review,
    "risk-signals-weighed": _weighed,
}


def gate_states(decision: ReunificationDecision, signals: list[Signal] | None = None) -> list[GateState]:
    """Each gate of the decision's route: met or open, with what shows it (`signals`: the
    decision's risk signals, when the caller has them already)."""
    records = {r.gate: r for r in decision.gate_records.select_related("recorded_by")}
    short = short_stay(decision)
    signals = risk_signals(decision) if signals is None else signals
    states = []
    for gate in gates_for(decision.route, _started(decision)):
        record = records.get(gate.key)
        if short and not gate.short_stay:
            states.append(GateState(gate, True, short))
        elif (
            gate.kind == "derived"
            and gate.may_not_apply
            and record is not None
            and record.state == GateRecord.State.NOT_APPLICABLE
        ):
            states.append(GateState(gate, True, f"Does not apply (recorded on {record.done_on:%-d %B %Y})", record))
        elif gate.kind == "derived":
            met, detail = DERIVED[gate.key](decision, signals)
            states.append(GateState(gate, met, detail))
        else:
            record = records.get(gate.key)
            if record is None:
                states.append(GateState(gate, False, "Not done"))
            else:
                states.append(
                    GateState(gate, True, record.get_state_display() + f" on {record.done_on:%-d %B %Y}", record)
                )
    return states


def open_gates(decision: ReunificationDecision) -> list[GateState]:
    return [state for state in gate_states(decision) if not state.met]


# --- Risk signals -------------------------------------------------------------------------


def _adults(decision):
    ids = set(decision.carers.values_list("pk", flat=True))
    ids |= set(decision.household.values_list("person_id", flat=True))
    return ids


WITHHELD_SIBLING = "A sibling or household child whose record is restricted (name withheld)"


def risk_signals(decision: ReunificationDecision, user: AnyUser | None = None) -> list[Signal]:
    """What the system knows across agencies that bears on the return: earlier returns home
    that broke down, re-entries to care, child protection history of the child and siblings,
    police and domestic-abuse information on the adults, missing episodes and open concerns.
    `user`: who reads them. A sibling's signal still counts (the gates weigh every one), but a
    sibling the reader may not be shown (a restricted record: people.access.shown) is not
    named; None for the rules, which show no one."""
    child = decision.person
    found = []
    periods = list(PeriodOfCare.objects.filter(person=child).order_by("start_date"))
    for earlier, later in zip(periods, periods[1:], strict=False):
        if earlier.end_reason in services.RETURNED_HOME or earlier.end_reason in ORDER_REASONS:
            gap = (later.start_date - cast(datetime.date, earlier.end_date)).days
            found.append(
                Signal(
                    f"return:{earlier.pk}",
                    "Earlier return home broke down",
                    f"Returned home on {earlier.end_date:%-d %B %Y} "
                    f"({codelists.label('episode-end-reason', earlier.end_reason)}) and came back into care "
                    f"on {later.start_date:%-d %B %Y}, {gap} days later",
                    later.start_date,
                )
            )
    if len(periods) > 1:
        found.append(
            Signal(
                f"periods:{len(periods)}",
                "Re-entry to care",
                f"This is period of care number {len(periods)} for this child",
                periods[-1].start_date,
            )
        )
    for flag in MonitoringFlag.objects.filter(monitoring__person=child).select_related("monitoring"):
        found.append(
            Signal(
                f"flag:{flag.pk}",
                "Concern after an earlier return home",
                f"{flag.get_kind_display()} on {flag.occurred_on:%-d %B %Y}, after the return home on "
                f"{flag.monitoring.returned_on:%-d %B %Y}",
                flag.occurred_on,
            )
        )
    family = households_and_siblings([child.pk], user=None)
    family_ids = set(family) | {child.pk}
    named = shown(user, family.values()) if user is not None else {pk: True for pk in family}

    def name_of(person):
        return person.full_name if named.get(person.pk, True) else WITHHELD_SIBLING

    for plan in ChildProtectionPlan.objects.filter(person_id__in=family_ids).select_related("person"):
        who = (
            "This child"
            if plan.person_id == child.pk
            else name_of(plan.person) + ("" if not named.get(plan.person_id, True) else " (sibling or household child)")
        )
        ended = f" to {plan.end_date:%-d %B %Y}" if getattr(plan, "end_date", None) else ", still open"
        found.append(
            Signal(
                f"cp-plan:{plan.pk}",
                "Child protection history",
                f"{who}: child protection plan from {plan.start_date:%-d %B %Y}{ended} "
                f"({codelists.label('category-of-abuse', plan.latest_category)})",
                plan.start_date,
            )
        )
    adults = _adults(decision)
    abuse = AssessmentFactor.objects.filter(
        assessment__person_id__in=family_ids, code__in=("3A", "3B", "3C")
    ).select_related("assessment")
    for factor in abuse:
        found.append(
            Signal(
                f"factor:{factor.pk}",
                "Domestic abuse",
                f"{codelists.label('assessment-factor', factor.code)}: assessment of "
                f"{factor.assessment.start_date:%-d %B %Y}",
                factor.assessment.start_date,
            )
        )
    if adults:
        checks = (
            AgencyCheck.objects.filter(
                kind=AgencyCheck.Kind.POLICE, status=AgencyCheck.Status.ANSWERED, contact__people__person_id__in=adults
            )
            .select_related("contact")
            .distinct()
        )
        for check in checks:
            found.append(
                Signal(
                    f"police:{check.pk}",
                    "Police information on an adult in the household",
                    f"Police check answered {check.answered_at:%-d %B %Y}: {check.information[:200]}",
                    timezone.localdate(check.answered_at) if check.answered_at else None,
                )
            )
        concern = Contact.objects.filter(people__person_id__in=adults, people__role="person_of_concern").distinct()
        for contact in concern:
            found.append(
                Signal(
                    f"concern-adult:{contact.pk}",
                    "An adult named as posing a risk",
                    f"Named as a person said to pose a risk in a contact on {contact.received_at:%-d %B %Y}",
                    timezone.localdate(contact.received_at),
                )
            )
    year_ago = timezone.now() - datetime.timedelta(days=365)
    missing = list(MissingEpisode.objects.filter(person=child, started_at__gte=year_ago).order_by("-started_at"))
    if missing:
        found.append(
            Signal(
                f"missing:{missing[0].pk}",
                "Missing episodes",
                f"{len(missing)} missing or away episode{'s' if len(missing) != 1 else ''} in the last 12 "
                f"months, the latest on {missing[0].started_at:%-d %B %Y}",
                timezone.localdate(missing[0].started_at),
            )
        )
    for enquiry in Section47Enquiry.objects.filter(person_id__in=family_ids, outcome="").select_related("person"):
        found.append(
            Signal(
                f"s47:{enquiry.pk}",
                "Open concern",
                f"Open section 47 enquiry about {name_of(enquiry.person)} from {enquiry.start_date:%-d %B %Y}",
                enquiry.start_date,
            )
        )
    open_contacts = (
        Contact.objects.filter(people__person_id__in=family_ids).exclude(status=Contact.Status.DECIDED).distinct()
    )
    for contact in open_contacts:
        found.append(
            Signal(
                f"contact:{contact.pk}",
                "Open concern",
                f"A contact received on {contact.received_at:%-d %B %Y} is waiting for a decision",
                timezone.localdate(contact.received_at),
            )
        )
    found.extend(signal for source in sources.signal_sources() for signal in source(child, family, name_of))
    weighed = {w.signal: w for w in decision.weighings.select_related("recorded_by")} if decision.pk else {}
    for signal in found:
        signal.weighing = weighed.get(signal.key)
    return found


# --- The decision -------------------------------------------------------------------------


def lock(decision: ReunificationDecision) -> ReunificationDecision:
    return (
        ReunificationDecision.objects.select_for_update().select_related("period__person", "person").get(pk=decision.pk)
    )


def _check_draft(errors, decision):
    if decision.status != ReunificationDecision.Status.DRAFT:
        errors.add("__all__", f"This decision is {decision.get_status_display().lower()}: it can no longer change")


@transaction.atomic
def start_decision(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    route: str,
    proposed_date: datetime.date,
    proposed_home: str,
    reasons: str,
    carers: Iterable[Person] = (),
    order_end_reason: str = "",
) -> ReunificationDecision:
    period = services.lock_period(period)
    errors = Errors()
    if period.end_date is not None:
        errors.add("__all__", "The child is no longer looked after")
    if ReunificationDecision.objects.filter(period=period, status__in=ACTIVE).exists():
        errors.add("__all__", "A return-home decision is already open for this period of care")
    status = selectors.current_legal_status(period)
    code = status.code if status else ""
    if route not in Route.values:
        errors.add("route", "Select how the child would return home")
    elif route == Route.SECTION_20 and code not in services.SECTION_20:
        errors.add(
            "route",
            f"Route A is for a child accommodated under section 20; this child's legal status is "
            f"{codelists.label('legal-status', code)}",
        )
    elif route == Route.PLACED_WITH_PARENTS and code not in services.CARE_ORDERS:
        errors.add("route", "Route B is for a child on an interim or full care order")
    if route == Route.ORDER and order_end_reason not in ORDER_REASONS:
        errors.add("order_end_reason", "Select the order the child would leave care through")
    elif route != Route.ORDER and order_end_reason:
        errors.add("order_end_reason", "Name an order only when the child leaves care through an order")
    if not proposed_date:
        errors.add("proposed_date", "Enter the proposed date of the return")
    elif as_date(proposed_date) < period.start_date:
        errors.add("proposed_date", "The proposed date cannot be before the child became looked after")
    if not (proposed_home or "").strip():
        errors.add("proposed_home", "Say where the child would live, and with whom")
    if not (reasons or "").strip():
        errors.add("reasons", "Say why a return home is proposed now")
    if route in (Route.SECTION_20, Route.PLACED_WITH_PARENTS) and not carers:
        errors.add("carers", "Choose the parents or others the child would return to")
    errors.raise_if_any()
    decision = ReunificationDecision.objects.create(
        period=period,
        person=period.person,
        route=route,
        order_end_reason=order_end_reason,
        proposed_date=as_date(proposed_date),
        proposed_home=proposed_home.strip(),
        reasons=reasons.strip(),
        created_by=user,
    )
    decision.carers.set(carers)
    for carer in carers:
        HouseholdMember.objects.get_or_create(
            decision=decision, person=carer, defaults={"relationship": "Parent or carer the child would live with"}
        )
    record_event(
        period.person,
        "return-home",
        timezone.now(),
        f"Return home proposed ({decision.get_route_display()})",
        source=decision,
        recorded_by=user,
    )
    audit.record_creation(user, decision, person=period.person, summary="Started a return-home decision")
    return decision


@transaction.atomic
def record_gate(
    user: SignedInUser,
    decision: ReunificationDecision,
    *,
    gate: str,
    state: str,
    done_on: datetime.date | None,
    evidence: str,
) -> GateRecord:
    decision = lock(decision)
    errors = Errors()
    _check_draft(errors, decision)
    gates = {g.key: g for g in gates_for(decision.route, _started(decision))}
    found = gates.get(gate)
    if found is None:
        errors.add("gate", "That is not a gate of this route")
    elif found.kind == "derived" and not found.may_not_apply:
        errors.add("gate", "This gate follows from the records it names: add those instead")
    elif found.kind == "derived" and state == GateRecord.State.MET:
        errors.add("state", "This gate is done by the records it names: add those, or say why it does not apply")
    if state not in GateRecord.State.values:
        errors.add("state", "Select whether it is done or does not apply")
    check_date(errors, "done_on", done_on, label="date it was done")
    if not (evidence or "").strip():
        errors.add(
            "evidence",
            "Say what was done and what it found" if state == GateRecord.State.MET else "Say why it does not apply",
        )
    errors.raise_if_any()
    record, created = GateRecord.objects.update_or_create(
        decision=decision,
        gate=gate,
        defaults={
            "state": state,
            "done_on": as_date(cast(datetime.date, done_on)),
            "evidence": evidence.strip(),
            "recorded_by": user,
        },
    )
    audit.record(
        user,
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        record,
        person=decision.person,
        summary=f"Recorded the gate '{cast(Gate, found).label}'",
    )
    return record


@transaction.atomic
def add_household_member(
    user: SignedInUser, decision: ReunificationDecision, *, person: Person | None, relationship: str
) -> HouseholdMember:
    decision = lock(decision)
    errors = Errors()
    _check_draft(errors, decision)
    if person is None:
        errors.add("person", "Choose the person")
    elif person.pk == decision.person_id:
        errors.add("person", "Add the adults the child would live with, not the child")
    elif decision.household.filter(person=person).exists():
        errors.add("person", f"{person.full_name} is already listed")
    elif (
        person.date_of_birth
        and age_on(person, decision.proposed_date) is not None
        and age_on(person, decision.proposed_date) < 18
    ):
        errors.add("person", "Regulation 17 asks for the assessment of household members aged 18 or over")
    if not (relationship or "").strip():
        errors.add("relationship", "Say how they are related to the child")
    errors.raise_if_any()
    member = HouseholdMember.objects.create(
        decision=decision, person=cast("Person", person), relationship=relationship.strip()
    )
    audit.record_creation(user, member, person=decision.person, summary="Added an adult of the household")
    return member


@transaction.atomic
def record_household_assessment(
    user: SignedInUser, member: HouseholdMember, *, assessed_on: datetime.date | None, outcome: str, summary: str
) -> HouseholdMember:
    member = HouseholdMember.objects.select_for_update().select_related("decision", "person").get(pk=member.pk)
    decision = lock(member.decision)
    errors = Errors()
    _check_draft(errors, decision)
    check_date(errors, "assessed_on", assessed_on, label="date of the assessment")
    if outcome not in HouseholdMember.Outcome.values:
        errors.add("outcome", "Select what the assessment found")
    if not (summary or "").strip():
        errors.add("summary", "Summarise what the assessment found, including agency checks")
    errors.raise_if_any()
    member.assessed_on, member.outcome, member.summary = (
        as_date(cast(datetime.date, assessed_on)),
        outcome,
        summary.strip(),
    )
    member.save()
    audit.record_change(
        user,
        member,
        {"outcome": ("", outcome)},
        person=decision.person,
        summary="Recorded the assessment of an adult of the household",
    )
    return member


@transaction.atomic
def add_support(
    user: SignedInUser, decision: ReunificationDecision, *, what: str, who: str, until: datetime.date | None
) -> SupportPlanItem:
    decision = lock(decision)
    errors = Errors()
    if decision.status not in (*ACTIVE, ReunificationDecision.Status.TOOK_EFFECT):
        errors.add("__all__", f"This decision is {decision.get_status_display().lower()}")
    if not (what or "").strip():
        errors.add("what", "Say what the support is")
    if not (who or "").strip():
        errors.add("who", "Say who provides it")
    if not until:
        errors.add("until", "Enter until when it is provided")
    elif as_date(until) < decision.proposed_date:
        errors.add("until", "The support must last beyond the proposed date of the return")
    errors.raise_if_any()
    item = SupportPlanItem.objects.create(
        decision=decision, what=what.strip(), who=who.strip(), until=as_date(cast(datetime.date, until))
    )
    audit.record_creation(user, item, person=decision.person, summary="Added support after the return home")
    return item


@transaction.atomic
def update_support(user: SignedInUser, item: SupportPlanItem, *, status: str, note: str = "") -> SupportPlanItem:
    item = SupportPlanItem.objects.select_for_update().select_related("decision__person").get(pk=item.pk)
    errors = Errors()
    if status not in SupportPlanItem.Status.values:
        errors.add("status", "Select how the support stands")
    if status == SupportPlanItem.Status.NOT_PROVIDED and not (note or "").strip():
        errors.add("status_note", "Say why it is not provided and what is done instead")
    errors.raise_if_any()
    before = item.status
    item.status, item.status_note = status, (note or "").strip()
    item.save()
    audit.record_change(
        user,
        item,
        {"status": (before, status)},
        person=item.decision.person,
        summary="Updated support after the return home",
    )
    return item


@transaction.atomic
def record_family_group_decision_making(
    user: SignedInUser,
    decision: ReunificationDecision,
    *,
    response: str,
    offered_on: datetime.date | None = None,
    offered_to: str = "",
    reasons_not_offered: str = "",
    coordinator: str = "",
    meeting_on: datetime.date | None = None,
    family_plan: str = "",
    la_response: str = "",
    la_response_reasons: str = "",
) -> FamilyGroupDecisionMaking:
    decision = lock(decision)
    errors = Errors()
    _check_draft(errors, decision)
    Response = FamilyGroupDecisionMaking.Response
    if response not in Response.values:
        errors.add("response", "Select whether it was offered and how the family responded")
    elif response == Response.NOT_OFFERED:
        if not (reasons_not_offered or "").strip():
            errors.add("reasons_not_offered", "Give the reasons it is not in the child's best interests to offer it")
    else:
        check_date(errors, "offered_on", offered_on, label="date it was offered")
        if not (offered_to or "").strip():
            errors.add("offered_to", "Say to whom it was offered")
        if meeting_on:
            check_date(
                errors,
                "meeting_on",
                meeting_on,
                label="meeting date",
                not_before=offered_on,
                not_before_label="the offer",
            )
        if la_response and la_response not in FamilyGroupDecisionMaking.LaResponse.values:
            errors.add("la_response", "Select the local authority's response to the family plan")
        if la_response == FamilyGroupDecisionMaking.LaResponse.NOT_AGREED and not (la_response_reasons or "").strip():
            errors.add("la_response_reasons", "Give the reasons the family plan is not agreed")
        if la_response and not meeting_on:
            errors.add("meeting_on", "Enter the date of the meeting the family plan came from")
    errors.raise_if_any()
    record, _ = FamilyGroupDecisionMaking.objects.update_or_create(
        decision=decision,
        defaults={
            "response": response,
            "offered_on": as_date(offered_on) if offered_on else None,
            "offered_to": offered_to.strip(),
            "reasons_not_offered": reasons_not_offered.strip(),
            "coordinator": coordinator.strip(),
            "meeting_on": as_date(meeting_on) if meeting_on else None,
            "family_plan": family_plan.strip(),
            "la_response": la_response,
            "la_response_reasons": la_response_reasons.strip(),
            "recorded_by": user,
        },
    )
    audit.record(
        user, AuditEvent.Action.UPDATE, record, person=decision.person, summary="Recorded family group decision-making"
    )
    return record


@transaction.atomic
def weigh_signal(
    user: SignedInUser, decision: ReunificationDecision, *, signal: str, how_weighed: str
) -> RiskSignalWeighing:
    decision = lock(decision)
    errors = Errors()
    _check_draft(errors, decision)
    found = {s.key: s for s in risk_signals(decision)}.get(signal)
    if found is None:
        errors.add("signal", "That risk signal is no longer shown: reload the page")
    if not (how_weighed or "").strip():
        errors.add("how_weighed", "Say how this was weighed in the decision")
    errors.raise_if_any()
    weighing, _ = RiskSignalWeighing.objects.update_or_create(
        decision=decision,
        signal=signal,
        defaults={
            "kind": cast(Signal, found).kind,
            "summary": cast(Signal, found).summary[:400],
            "how_weighed": how_weighed.strip(),
            "recorded_by": user,
        },
    )
    audit.record(
        user,
        AuditEvent.Action.UPDATE,
        weighing,
        person=decision.person,
        summary="Recorded how a risk signal was weighed",
    )
    return weighing


def approval_kind(decision: ReunificationDecision, on: datetime.date) -> str:
    if decision.route == Route.PLACED_WITH_PARENTS:
        return Approval.Kind.PLACEMENT_WITH_PARENT
    age = age_on(decision.person, on)
    status = selectors.current_legal_status(decision.period)
    if (
        decision.route == Route.SECTION_20
        and services.is_16_or_17(age)
        and status
        and status.code in services.SECTION_20
    ):
        return Approval.Kind.CEASE_16_17
    return Approval.Kind.CEASE


@transaction.atomic
def decide(
    user: SignedInUser, decision: ReunificationDecision, *, approve: bool, reasons: str
) -> ReunificationDecision:
    """The nominated officer (the director for a 16 or 17 year old under section 20) approves
    the return home, or not. Approval needs every gate met; the message lists those open."""
    decision = lock(decision)
    today = timezone.localdate()
    errors = Errors()
    _check_draft(errors, decision)
    kind = approval_kind(decision, today)
    needed = selectors.approver_kind(kind)
    if not selectors.is_designated(user, needed, today):
        errors.add(
            "__all__",
            f"Only {Designation.Kind(needed).label.lower()} may decide this return home "
            "(Care Planning Regulations 2010 reg 18 and 39)",
        )
    if user.pk == decision.created_by_id:
        errors.add("__all__", "The person who proposed the return home cannot also approve it")
    if not (reasons or "").strip():
        errors.add("reasons", "Give the reasons for the decision")
    if approve and decision.status == ReunificationDecision.Status.DRAFT:
        waiting = open_gates(decision)
        if waiting:
            errors.add(
                "__all__",
                "This return home cannot be approved while these are open: "
                + "; ".join(state.gate.label.lower() for state in waiting),
            )
    errors.raise_if_any()
    decision.status = ReunificationDecision.Status.APPROVED if approve else ReunificationDecision.Status.REFUSED
    decision.decided_by, decision.decided_on, decision.decision_reasons = user, today, reasons.strip()
    decision.save()
    Approval.objects.create(
        period=decision.period,
        kind=kind,
        decision=decision,
        requested_by=decision.created_by,
        requested_on=_started(decision),
        decided_by=user,
        decided_on=today,
        status=Approval.Status.APPROVED if approve else Approval.Status.REFUSED,
        reasons=reasons.strip(),
    )
    record_event(
        decision.person,
        "return-home",
        timezone.now(),
        f"Return home {'approved' if approve else 'not approved'} by {user.get_full_name() or user.username}",
        source=decision,
        recorded_by=user,
    )
    audit.record_change(
        user,
        decision,
        {"status": (ReunificationDecision.Status.DRAFT, decision.status)},
        person=decision.person,
        summary="Decided a return home",
    )
    return decision


@transaction.atomic
def withdraw_decision(user: SignedInUser, decision: ReunificationDecision, *, reasons: str) -> ReunificationDecision:
    decision = lock(decision)
    errors = Errors()
    if decision.status not in ACTIVE:
        errors.add("__all__", f"This decision is {decision.get_status_display().lower()}")
    if not (reasons or "").strip():
        errors.add("reasons", "Say why the return home is no longer planned")
    errors.raise_if_any()
    before = decision.status
    decision.status, decision.decision_reasons = ReunificationDecision.Status.WITHDRAWN, reasons.strip()
    decision.save()
    audit.record_change(
        user,
        decision,
        {"status": (before, decision.status)},
        person=decision.person,
        summary="Withdrew a return-home decision",
    )
    return decision


@transaction.atomic
def return_home(
    user: SignedInUser, decision: ReunificationDecision, *, on: datetime.date, postcode: str = ""
) -> ReturnHomeMonitoring:
    """The approved return takes effect on `on`: route A and C end the period of care (E4A or
    the order's reason), route B places the child with the parents (P1, PR0). Monitoring for
    12 months starts."""
    decision = lock(decision)
    errors = Errors()
    if decision.status != ReunificationDecision.Status.APPROVED:
        errors.add(
            "__all__",
            "Only an approved return home can take effect"
            + ("" if decision.status != ReunificationDecision.Status.DRAFT else ": it is waiting for approval"),
        )
    if decision.route == Route.PLACED_WITH_PARENTS and not (postcode or "").strip():
        errors.add("postcode", "Enter the postcode of the parents' home")
    errors.raise_if_any()
    period = decision.period
    if decision.route == Route.PLACED_WITH_PARENTS:
        parent = decision.carers.first()
        carer = Carer.objects.create(
            kind=Carer.Kind.PARENT,
            name=cast("Person", parent).full_name,
            person=parent,
            provider="PR0",
            postcode=postcode.strip().upper(),
            created_by=user,
        )
        services.change_placement(
            user,
            period,
            services.PlacementDetails(place="P1", provider="PR0", carer=carer, postcode=postcode),
            on=on,
            change_reason="CARPL",
            return_decision=decision,
        )
    else:
        reason = "E4A" if decision.route == Route.SECTION_20 else decision.order_end_reason
        services.cease_care(user, period, on=on, reason=reason, return_decision=decision)
    day = as_date(on)
    decision.status, decision.took_effect_on = ReunificationDecision.Status.TOOK_EFFECT, day
    decision.save(update_fields=["status", "took_effect_on"])
    monitoring = start_monitoring(period, returned_on=day, decision=decision)
    record_event(decision.person, "return-home", timezone.now(), "Returned home", source=decision, recorded_by=user)
    audit.record_change(
        user,
        decision,
        {"status": (ReunificationDecision.Status.APPROVED, decision.status)},
        person=decision.person,
        summary="Recorded the return home",
    )
    return monitoring


# --- After the return ---------------------------------------------------------------------


def start_monitoring(
    period: PeriodOfCare, *, returned_on: datetime.date, decision: ReunificationDecision | None
) -> ReturnHomeMonitoring:
    """12 months of outcome monitoring (the rule return-home-monitoring) for the team that
    holds the child's case."""
    allocation = current_allocation(period.episode)
    until = timescales.due(MONITORING_RULE, returned_on).due_date
    monitoring = ReturnHomeMonitoring.objects.create(
        person=period.person,
        period=period,
        decision=decision,
        team=allocation.team if allocation else None,
        returned_on=returned_on,
        until=until,
        planned=decision is not None,
    )
    # A child still looked after (route B) is visited under reg 28; the others by the local rule.
    if decision is None or decision.route != Route.PLACED_WITH_PARENTS:
        issue_due(VISIT_RULE, returned_on, person=period.person, subject=monitoring, episode=period.episode)
    return monitoring


def return_visit_due(
    errors: Errors, person: Person, visit_date: datetime.date | None, late_reason: str
) -> tuple[ReturnHomeMonitoring, Deadline] | None:
    """The open visit due date after a return home that a visit on `visit_date` meets (a late
    one without its reason is an error). For familyhelp.services.record_visit."""
    if visit_date is None:
        return None
    for monitoring in active_monitoring(person, visit_date):
        found = due_to_meet(errors, monitoring, VISIT_RULE, visit_date, late_reason)
        if found is not None:
            return monitoring, found
    return None


def return_visited(
    due: tuple[ReturnHomeMonitoring, Deadline] | None, visit_date: datetime.date, late_reason: str
) -> None:
    """Meet the visit due date after a return home, and issue the next while monitoring lasts."""
    if due is None:
        return
    monitoring, found = due
    deadlines.complete(found, visit_date, late_reason)
    if visit_date < monitoring.until:
        issue_due(
            VISIT_RULE, visit_date, person=monitoring.person, subject=monitoring, episode=monitoring.period.episode
        )


def active_monitoring(person: Person, on: datetime.date) -> QuerySet[ReturnHomeMonitoring]:
    return ReturnHomeMonitoring.objects.filter(person=person, returned_on__lte=on, until__gte=on)


def flag(person: Person, kind: str, occurred_on: datetime.date, subject: Model) -> list[MonitoringFlag]:
    """Something that happened to a child within 12 months of a return home: flagged to the
    team manager at once (the team's dashboard and the returns-home report), and on the
    child's chronology. Called from childrenincare.signals when the record is created."""
    flags = []
    subject_type = ContentType.objects.get_for_model(subject)
    for monitoring in active_monitoring(person, occurred_on):
        if (
            kind == MonitoringFlag.Kind.RE_ENTRY
            and isinstance(subject, PeriodOfCare)
            and subject.pk == monitoring.period_id
        ):
            continue
        found, created = MonitoringFlag.objects.get_or_create(
            monitoring=monitoring,
            subject_type=subject_type,
            subject_id=subject.pk,
            defaults={"kind": kind, "occurred_on": occurred_on},
        )
        if created:
            record_event(
                person,
                "return-home-flag",
                timezone.now(),
                f"{found.get_kind_display()} within 12 months of returning home",
                source=found,
            )
            flags.append(found)
    return flags


@transaction.atomic
def acknowledge_flag(user: SignedInUser, flag_: MonitoringFlag, *, action: str) -> MonitoringFlag:
    flag_ = MonitoringFlag.objects.select_for_update().select_related("monitoring__person").get(pk=flag_.pk)
    errors = Errors()
    if flag_.seen_at is not None:
        errors.add("__all__", "This was already seen")
    if not (action or "").strip():
        errors.add("action", "Say what you have decided to do")
    errors.raise_if_any()
    flag_.seen_by, flag_.seen_at, flag_.action = user, timezone.now(), action.strip()
    flag_.save()
    audit.record_change(
        user,
        flag_,
        {"seen_at": (None, flag_.seen_at)},
        person=flag_.monitoring.person,
        summary="Saw a concern after a return home",
    )
    return flag_


def monitoring_for(team: Team | None = None, on: datetime.date | None = None) -> QuerySet[ReturnHomeMonitoring]:
    """Monitored returns home (all, or a team's), newest first, with their flags."""
    on = on or timezone.localdate()
    found = ReturnHomeMonitoring.objects.select_related("person", "decision", "team").prefetch_related("flags")
    if team is not None:
        found = found.filter(team=team)
    return found.filter(until__gte=on - datetime.timedelta(days=365 * 5))


def unseen_flags(team: Team | None = None) -> QuerySet[MonitoringFlag]:
    found = MonitoringFlag.objects.filter(seen_at__isnull=True).select_related("monitoring__person")
    if team is not None:
        found = found.filter(monitoring__team=team)
    return found


def outcome_report(monitored: Iterable[ReturnHomeMonitoring]) -> dict[str, Any]:
    """Counts for the returns-home report: returns, those flagged, by what, and the share."""
    monitored = list(monitored)
    flagged = [m for m in monitored if m.flags.all()]
    by_kind = {kind.label: 0 for kind in MonitoringFlag.Kind}
    for m in flagged:
        for kind in {f.get_kind_display() for f in m.flags.all()}:
            by_kind[kind] += 1
    share = round(100 * len(flagged) / len(monitored)) if monitored else None
    return {
        "returns": len(monitored),
        "flagged": len(flagged),
        "share": share,
        "by_kind": by_kind,
        "planned": sum(1 for m in monitored if m.planned),
        "unplanned": sum(1 for m in monitored if not m.planned),
    }
