"""The return home as a decision with gates: each route's gates, approval refused while any is
open (and the message says which), the risk signals found across agencies and weighed, the
return taking effect by route, and the 12 months of monitoring that flag a re-referral, a
section 47 enquiry, a child protection plan or a return to care to the team manager."""

import datetime

import pytest
from django.utils import timezone

from childrenincare import services
from childrenincare.models import (
    Approval,
    LookedAfterReview,
    MonitoringFlag,
    ReturnHomeMonitoring,
    ReunificationDecision,
)
from childrenincare.return_home import services as reunification
from childrenincare.testing import looked_after
from familyhelp.testing import open_episode
from kernel.rules import RuleBroken
from people.models import Relationship
from people.services import record_person

D = datetime.date
Route = ReunificationDecision.Route


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


@pytest.fixture
def mother(db, child):
    parent = record_person(
        None, kind="adult", given_names="Morgan", family_name="Testparent", date_of_birth=D(1990, 2, 2), sex="F"
    )
    Relationship.objects.create(person=child, related_person=parent, relationship=Relationship.Type.PARENT)
    return parent


def propose(worker, period, mother, route=Route.SECTION_20, **extra):
    return reunification.start_decision(
        worker,
        period,
        route=route,
        proposed_date=D(2026, 6, 1),
        proposed_home="With mother at home",
        reasons="Mother has completed the programme",
        carers=[mother],
        **extra,
    )


def meet_every_gate(worker, decision, iro=None):
    for state in reunification.gate_states(decision):
        if state.gate.kind == "recorded":
            reunification.record_gate(
                worker,
                decision,
                gate=state.gate.key,
                state="met",
                done_on=D(2026, 5, 1),
                evidence="Done and found satisfactory",
            )
    for member in decision.household.all():
        reunification.record_household_assessment(
            worker,
            member,
            assessed_on=D(2026, 5, 1),
            outcome="no_concerns",
            summary="Police and health checks: nothing known",
        )
    reunification.record_family_group_decision_making(
        worker, decision, response="declined", offered_on=D(2026, 4, 1), offered_to="Mother"
    )
    reunification.add_support(
        worker, decision, what="Family support worker weekly", who="Early help team", until=D(2026, 12, 1)
    )
    LookedAfterReview.objects.create(
        period=decision.period,
        number=1,
        held_on=D(2026, 5, 2),
        participation="PN1",
        considered_return_home=True,
        recorded_by=worker,
    )
    for signal in reunification.risk_signals(decision):
        reunification.weigh_signal(worker, decision, signal=signal.key, how_weighed="Considered with the IRO")


def test_each_route_has_its_own_gates():
    keys = {route: [g.key for g in reunification.gates_for(route, D(2026, 1, 1))] for route in Route.values}
    assert "contact-order" in keys["B"]
    assert "placement-plan" in keys["B"]
    assert "contact-order" not in keys["A"]
    assert "order-made" in keys["C"]
    for route in Route.values:
        assert {
            "household-assessed",
            "iro-consulted",
            "family-group-decision-making",
            "support-plan",
            "review-held",
            "risk-signals-weighed",
        } <= set(keys[route])


def test_route_must_match_the_legal_status(worker, child, mother):
    period = looked_after(worker, child, D(2026, 1, 5), legal_status="V2")
    errors = errors_of(lambda: propose(worker, period, mother, route=Route.PLACED_WITH_PARENTS))
    assert "care order" in errors["route"][0]
    errors = errors_of(lambda: propose(worker, period, mother, route=Route.ORDER))
    assert "Select the order" in errors["order_end_reason"][0]
    errors = errors_of(
        lambda: reunification.start_decision(
            worker, period, route="A", proposed_date=None, proposed_home="", reasons="", carers=[]
        )
    )
    assert set(errors) >= {"proposed_date", "proposed_home", "reasons", "carers"}
    assert not ReunificationDecision.objects.exists()


def test_approval_is_refused_while_a_gate_is_open_and_says_which(worker, child, mother, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    errors = errors_of(lambda: reunification.decide(nominated_officer, decision, approve=True, reasons="Ready"))
    message = errors["__all__"][0]
    assert message.startswith("This return home cannot be approved while these are open:")
    assert "assess every adult in the household" in message
    assert "consult the independent reviewing officer" in message
    meet_every_gate(worker, decision)
    GateRecord = decision.gate_records.model
    GateRecord.objects.filter(decision=decision, gate="iro-consulted").delete()
    errors = errors_of(lambda: reunification.decide(nominated_officer, decision, approve=True, reasons="Ready"))
    assert errors["__all__"][0].endswith("open: consult the independent reviewing officer")
    decision.refresh_from_db()
    assert decision.status == ReunificationDecision.Status.DRAFT
    reunification.record_gate(
        worker, decision, gate="iro-consulted", state="met", done_on=D(2026, 5, 1), evidence="The IRO agrees"
    )
    reunification.decide(nominated_officer, decision, approve=True, reasons="Every gate met")
    decision.refresh_from_db()
    assert decision.status == ReunificationDecision.Status.APPROVED
    assert Approval.objects.get(decision=decision).kind == Approval.Kind.CEASE


def test_only_a_nominated_officer_who_did_not_propose_it_may_decide(worker, manager, child, mother, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    errors = errors_of(lambda: reunification.decide(manager, decision, approve=False, reasons="No"))
    assert "Only nominated officer" in errors["__all__"][0]
    proposed_by_officer = ReunificationDecision.objects.filter(pk=decision.pk)
    proposed_by_officer.update(created_by=nominated_officer)
    decision.refresh_from_db()
    errors = errors_of(lambda: reunification.decide(nominated_officer, decision, approve=False, reasons="No"))
    assert "cannot also approve it" in errors["__all__"][0]


def test_a_household_adult_whose_assessment_prevents_a_return_keeps_the_gate_open(worker, child, mother):
    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    partner = record_person(
        None, kind="adult", given_names="Robin", family_name="Testpartner", date_of_birth=D(1985, 1, 1)
    )
    member = reunification.add_household_member(worker, decision, person=partner, relationship="Mother's partner")
    errors = errors_of(lambda: reunification.add_household_member(worker, decision, person=child, relationship="Self"))
    assert "not the child" in errors["person"][0]
    reunification.record_household_assessment(
        worker, member, assessed_on=D(2026, 5, 1), outcome="prevents", summary="Police information: violence"
    )
    state = {s.gate.key: s for s in reunification.gate_states(decision)}["household-assessed"]
    assert not state.met
    assert "Not yet assessed: Morgan Testparent" in state.detail
    mother_member = decision.household.get(person=mother)
    reunification.record_household_assessment(
        worker, mother_member, assessed_on=D(2026, 5, 1), outcome="no_concerns", summary="Nothing known"
    )
    state = {s.gate.key: s for s in reunification.gate_states(decision)}["household-assessed"]
    assert not state.met
    assert "prevent a return: Robin Testpartner" in state.detail


def test_risk_signals_gather_what_the_system_knows(worker, chair, child, sibling, mother):
    from childprotection.models import ChildProtectionPlan

    Relationship.objects.create(person=child, related_person=sibling, relationship=Relationship.Type.SIBLING)
    sibling_episode = open_episode(worker, sibling, D(2025, 6, 2))
    ChildProtectionPlan.objects.create(
        person=sibling, episode=sibling_episode, start_date=D(2025, 7, 1), initial_category="NEG", latest_category="NEG"
    )
    earlier = looked_after(worker, child, D(2025, 1, 6))
    services.cease_care(worker, earlier, on=D(2025, 1, 10), reason="E4B")
    period = looked_after(worker, child, D(2026, 1, 5), episode=open_episode(worker, child, D(2026, 1, 5)))
    decision = propose(worker, period, mother)
    kinds = {s.kind for s in reunification.risk_signals(decision)}
    assert {
        "Earlier return home broke down",
        "Re-entry to care",
        "Child protection history",
        "Concern after an earlier return home",
    } <= kinds
    state = {s.gate.key: s for s in reunification.gate_states(decision)}["risk-signals-weighed"]
    assert not state.met
    errors = errors_of(lambda: reunification.weigh_signal(worker, decision, signal="cp-plan:0", how_weighed="x"))
    assert "no longer shown" in errors["signal"][0]


def test_route_a_return_ends_care_e4a_and_a_re_referral_is_flagged(worker, child, mother, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    meet_every_gate(worker, decision)
    errors = errors_of(lambda: reunification.return_home(worker, decision, on=D(2026, 6, 1)))
    assert "waiting for approval" in errors["__all__"][0]
    reunification.decide(nominated_officer, decision, approve=True, reasons="Safe to return")
    monitoring = reunification.return_home(worker, decision, on=D(2026, 6, 1))
    period.refresh_from_db()
    assert (period.end_date, period.end_reason) == (D(2026, 6, 1), "E4A")
    assert monitoring.until == D(2027, 6, 1)
    assert monitoring.planned
    # Referred again within 12 months: flagged at once.
    services_closing = __import__("frontdoor.models", fromlist=["Referral"]).Referral
    services_closing.objects.filter(pk=period.episode_id).update(closure_date=D(2026, 6, 2), closure_reason="RC7")
    open_episode(worker, child, D(2026, 9, 1))
    flag = MonitoringFlag.objects.get(monitoring=monitoring)
    assert flag.kind == MonitoringFlag.Kind.RE_REFERRAL
    assert flag.occurred_on == D(2026, 9, 1)
    assert list(reunification.unseen_flags(monitoring.team)) == [flag]
    reunification.acknowledge_flag(worker, flag, action="Strategy discussion booked")
    assert not reunification.unseen_flags(monitoring.team).exists()


def test_route_b_places_the_child_with_parents_and_leaving_them_is_flagged(worker, child, mother, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5), legal_status="C2")
    decision = propose(worker, period, mother, route=Route.PLACED_WITH_PARENTS)
    meet_every_gate(worker, decision)
    reunification.decide(nominated_officer, decision, approve=True, reasons="Placement with mother approved")
    errors = errors_of(lambda: reunification.return_home(worker, decision, on=D(2026, 6, 1)))
    assert "postcode" in errors
    reunification.return_home(worker, decision, on=D(2026, 6, 1), postcode="TE4 4DD")
    placement = services.current_placement(period)
    assert (placement.place, placement.provider) == ("P1", "PR0")
    assert period.care_episodes.order_by("-start_date").first().new_episode_reason == "P"
    period.refresh_from_db()
    assert period.end_date is None, "route B: the child stays looked after"
    from childrenincare.testing import foster_placement

    services.change_placement(worker, period, foster_placement(), on=D(2026, 8, 3), change_reason="ALLEG")
    flag = MonitoringFlag.objects.get(monitoring__decision=decision)
    assert flag.kind == MonitoringFlag.Kind.RE_ENTRY


def test_route_c_ends_care_with_the_order(worker, child, mother, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5), legal_status="C2")
    decision = propose(worker, period, mother, route=Route.ORDER, order_end_reason="E45")
    meet_every_gate(worker, decision)
    reunification.decide(nominated_officer, decision, approve=True, reasons="Special guardianship to grandmother")
    reunification.return_home(worker, decision, on=D(2026, 6, 1))
    period.refresh_from_db()
    assert period.end_reason == "E45"


def test_an_unplanned_return_e4b_is_monitored_too(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    services.cease_care(worker, period, on=D(2026, 1, 12), reason="E4B")
    monitoring = ReturnHomeMonitoring.objects.get(period=period)
    assert not monitoring.planned
    looked_after(worker, child, D(2026, 3, 2), episode=period.episode)
    assert MonitoringFlag.objects.get(monitoring=monitoring).kind == MonitoringFlag.Kind.RE_ENTRY


def test_flags_stop_after_12_months(worker, child):
    period = looked_after(worker, child, D(2025, 1, 6))
    services.cease_care(worker, period, on=D(2025, 1, 10), reason="E4B")
    assert ReturnHomeMonitoring.objects.get(period=period).until == D(2026, 1, 10)
    looked_after(worker, child, D(2026, 1, 12), episode=period.episode)
    assert not MonitoringFlag.objects.exists()


def test_a_decided_decision_no_longer_changes(worker, child, mother, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    reunification.decide(nominated_officer, decision, approve=False, reasons="Not yet safe")
    errors = errors_of(
        lambda: reunification.record_gate(
            worker, decision, gate="iro-consulted", state="met", done_on=timezone.localdate(), evidence="x"
        )
    )
    assert "not approved" in errors["__all__"][0]


def test_visits_after_a_return_home_fall_due_every_four_weeks(worker, child, mother, nominated_officer):
    from familyhelp import services as family_help
    from kernel.models import Deadline

    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    meet_every_gate(worker, decision)
    reunification.decide(nominated_officer, decision, approve=True, reasons="Safe to return")
    monitoring = reunification.return_home(worker, decision, on=D(2026, 6, 1))
    due = Deadline.objects.get(rule_slug="return-home-visit", status="open")
    assert (due.subject_id, due.due_date) == (monitoring.pk, D(2026, 6, 29))  # 4 weeks, the local rule
    errors = errors_of(
        lambda: family_help.record_visit(worker, period.episode, kind="assessment", visit_date=D(2026, 7, 1), seen=True)
    )
    assert "give the reason it is late" in errors["late_reason"][0]
    family_help.record_visit(
        worker, period.episode, kind="assessment", visit_date=D(2026, 7, 1), seen=True, late_reason="Family on holiday"
    )
    due.refresh_from_db()
    assert due.status == "met"
    assert due.late
    assert Deadline.objects.get(rule_slug="return-home-visit", status="open").due_date == D(2026, 7, 29)


def test_police_information_on_an_adult_is_a_signal_and_can_be_weighed(worker, police_officer, child, mother):
    from frontdoor import services as front_door
    from frontdoor.models import AgencyCheck, Contact, ContactPerson

    contact = front_door.receive_contact(
        worker,
        channel=Contact.Channel.PHONE,
        source="5A",
        concerns="Synthetic concern about the household.",
        consent=Contact.Consent.NOT_NEEDED,
        referrer_name="A test referrer",
        people=[
            front_door.PersonDetails(role=ContactPerson.Role.SUBJECT, person=child),
            front_door.PersonDetails(role=ContactPerson.Role.ADULT_IN_HOUSEHOLD, person=mother),
        ],
    )
    check = front_door.request_check(worker, contact, AgencyCheck.Kind.POLICE, agency=police_officer.agency)
    front_door.answer_check(
        police_officer,
        check,
        status=AgencyCheck.Status.ANSWERED,
        information="Synthetic: a domestic incident was attended last year.",
    )
    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    police = [s for s in reunification.risk_signals(decision) if s.key == f"police:{check.pk}"]
    assert police
    assert police[0].kind == "Police information on an adult in the household"
    assert "domestic incident" in police[0].summary
    weighing = reunification.weigh_signal(
        worker, decision, signal=police[0].key, how_weighed="The incident was before the programme; no repeat since."
    )
    weighing.refresh_from_db()
    assert weighing.kind == "Police information on an adult in the household"


def test_a_planned_return_after_a_short_stay_under_section_20_can_be_e4a(worker, child, mother, nominated_officer):
    """Issue 25, finding 7. Reg 39 of the Care Planning Regulations 2010 (the assessments and the
    approval before ceasing to accommodate under section 20) applies from 20 working days: a
    child home after 4 working days needs only the gates kept for a short stay, and the
    return is recorded as planned (E4A) rather than E4B or E8."""
    period = looked_after(worker, child, D(2026, 5, 26))  # Tuesday after the spring bank holiday
    decision = propose(worker, period, mother)  # home on Monday 1 June 2026
    states = {state.gate.key: state for state in reunification.gate_states(decision)}
    assert {key for key, state in states.items() if not state.met} == {
        "wishes-and-feelings",
        "welfare-considered",
        "support-plan",
    }
    assert states["risk-signals-weighed"].detail == "No risk signals found"  # applies, and none were found
    assert states["review-held"].detail.startswith(
        "Not needed for a short stay: the child will have been accommodated under section 20 for 4 working days"
    )
    for gate in ("wishes-and-feelings", "welfare-considered"):
        reunification.record_gate(
            worker,
            decision,
            gate=gate,
            state="met",
            done_on=D(2026, 5, 29),
            evidence="Talked with the child and their mother",
        )
    reunification.add_support(
        worker, decision, what="Family support worker", who="Early help team", until=D(2026, 9, 1)
    )
    for signal in reunification.risk_signals(decision):
        reunification.weigh_signal(worker, decision, signal=signal.key, how_weighed="Considered")
    reunification.decide(
        nominated_officer, decision, approve=True, reasons="A planned short stay while mother was in hospital"
    )
    reunification.return_home(worker, decision, on=D(2026, 6, 1))
    period.refresh_from_db()
    assert period.end_reason == "E4A"


def test_the_review_gate_may_be_marked_as_not_applying_with_the_reason(worker, child, mother, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5))
    decision = propose(worker, period, mother)
    errors = errors_of(
        lambda: reunification.record_gate(
            worker, decision, gate="review-held", state="met", done_on=D(2026, 5, 1), evidence="It was"
        )
    )
    assert "say why it does not apply" in errors["state"][0]
    errors = errors_of(
        lambda: reunification.record_gate(
            worker, decision, gate="household-assessed", state="not_applicable", done_on=D(2026, 5, 1), evidence="No"
        )
    )
    assert "follows from the records" in errors["gate"][0]
    errors = errors_of(
        lambda: reunification.record_gate(
            worker, decision, gate="review-held", state="not_applicable", done_on=D(2026, 5, 1), evidence=""
        )
    )
    assert errors["evidence"] == ["Say why it does not apply"]
    reunification.record_gate(
        worker,
        decision,
        gate="review-held",
        state="not_applicable",
        done_on=D(2026, 5, 1),
        evidence="The return was brought forward by the court; no review could be held in time",
    )
    review = {s.gate.key: s for s in reunification.gate_states(decision)}["review-held"]
    assert review.met
    assert review.detail == "Does not apply (recorded on 1 May 2026)"


def test_the_family_group_decision_making_gate_cites_working_together_not_s31za():
    gate = {g.key: g for g in reunification.gates_for(Route.SECTION_20, D(2026, 12, 1))}["family-group-decision-making"]
    assert gate.source.startswith("Working Together to Safeguard Children 2023")
