"""Statutory rules for children in care (issue 25, findings 8 and 9), each written from the
law with its dates; every refusal a rule error that changes nothing.

- Children Act 1989 s31ZA (Children's Wellbeing and Schools Act 2026 s1): "Before a local
  authority in England makes an application for an order under this Part in relation to a
  child, the authority must offer a family group decision-making meeting to the child's
  parents or any other person with parental responsibility" (1); "If the offer is accepted by
  at least one person ..., the local authority must arrange for the meeting to be held before
  the authority makes the application" (2); neither applies "where the local authority
  considers that it would not be in the best interests of the child" (3). In force here from
  the setting S31ZA_COMMENCEMENT.
- Care Planning Regulations 2010 reg 19: an immediate placement with a parent where the
  nominated officer considers it necessary, provided the assessment and review are completed
  within 10 working days of the placement and the decision made and approved within 10
  working days after the assessment.
"""

import datetime

import pytest
from django.test import override_settings

from childprotection.pre_proceedings import services as pre_proceedings
from childrenincare import services
from childrenincare.models import Approval, CareEpisode, LegalStatus, PeriodOfCare, Placement
from childrenincare.testing import foster_carer, foster_placement, looked_after
from childrenincare.with_parent import services as with_parent
from familyhelp.testing import open_episode
from kernel.models import Deadline
from kernel.rules import RuleBroken

D = datetime.date
IN_FORCE = override_settings(S31ZA_COMMENCEMENT="2026-06-01")


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


def statuses(period):
    return list(LegalStatus.objects.filter(period=period).order_by("start_date").values_list("code", "start_date"))


# --- s31ZA: family group decision-making before a care order -------------------------------


class TestFamilyGroupDecisionMakingBeforeACareOrder:
    def test_not_in_force_before_its_commencement_date(self, worker, child):
        with IN_FORCE:
            # 29 May 2026 is before 1 June 2026: the duty had not begun.
            period = looked_after(worker, child, D(2026, 5, 11))
            services.change_legal_status(worker, period, code="C1", on=D(2026, 5, 29))
        assert statuses(period)[-1] == ("C1", D(2026, 5, 29))

    def test_off_without_a_commencement_date(self, worker, child):
        period = looked_after(worker, child, D(2026, 7, 1))
        services.change_legal_status(worker, period, code="C1", on=D(2026, 8, 3))
        assert statuses(period)[-1] == ("C1", D(2026, 8, 3))

    @IN_FORCE
    def test_an_interim_care_order_without_an_offer_is_refused_and_nothing_changes(self, worker, child):
        period = looked_after(worker, child, D(2026, 7, 1))
        before = list(CareEpisode.objects.filter(period=period).values_list("start_date", "legal_status"))
        errors = errors_of(lambda: services.change_legal_status(worker, period, code="C1", on=D(2026, 8, 3)))
        message = errors["fgdm_reasons_not_offered"][0]
        assert "s31ZA" in message
        assert "family group decision-making" in message
        assert "3 August 2026" in message
        assert statuses(period) == [("V2", D(2026, 7, 1))]
        assert list(CareEpisode.objects.filter(period=period).values_list("start_date", "legal_status")) == before

    @IN_FORCE
    def test_a_full_care_order_at_the_start_of_care_is_refused_too(self, worker, child):
        episode = open_episode(worker, child, D(2026, 9, 1))
        errors = errors_of(
            lambda: services.become_looked_after(
                worker,
                episode,
                on=D(2026, 9, 7),
                legal_status="C2",
                placement=foster_placement(),
                category_of_need="N1",
                previous_permanence="Z1",
            )
        )
        assert "s31ZA" in errors["fgdm_reasons_not_offered"][0]
        assert not PeriodOfCare.objects.exists()

    @IN_FORCE
    def test_emergency_routes_are_included(self, worker, child):
        # Police protection (L1) from 1 September 2026, then an interim care order on 3 September.
        period = looked_after(worker, child, D(2026, 9, 1), legal_status="L1")
        errors = errors_of(lambda: services.change_legal_status(worker, period, code="C1", on=D(2026, 9, 3)))
        assert "emergency routes included" in errors["fgdm_reasons_not_offered"][0]
        # The authority's reasons that a meeting was not in the child's best interests (s31ZA(3)).
        status = services.change_legal_status(
            worker,
            period,
            code="C1",
            on=D(2026, 9, 3),
            fgdm_reasons_not_offered="The father's violence to the mother: a family meeting would put them at risk.",
        )
        assert status.fgdm_reasons_not_offered.startswith("The father's violence")
        assert statuses(period) == [("L1", D(2026, 9, 1)), ("C1", D(2026, 9, 3))]

    @IN_FORCE
    def test_the_offer_in_the_letter_before_proceedings(self, worker, child, manager):
        period = looked_after(worker, child, D(2026, 7, 1))
        found = pre_proceedings.start_pre_proceedings(
            worker, period.episode, start_date=D(2026, 7, 6), decided_by=manager, reasons="Neglect continues."
        )
        # The letter offering family group decision-making, sent 10 July 2026, after the day of the order: no.
        pre_proceedings.send_letter_before_proceedings(
            worker, found, sent_on=D(2026, 7, 10), fgdm_offered=True, fgdm_offered_to="The mother and the father"
        )
        errors_of(lambda: services.change_legal_status(worker, period, code="C1", on=D(2026, 7, 9)))
        # Accepted, the meeting is held before the application (s31ZA(2)).
        pre_proceedings.record_family_meeting(worker, found, response="accepted")
        errors = errors_of(lambda: services.change_legal_status(worker, period, code="C1", on=D(2026, 8, 3)))
        assert "the meeting must be held before the application" in errors["fgdm_reasons_not_offered"][0]
        pre_proceedings.record_family_meeting(worker, found, response="accepted", meeting_on=D(2026, 7, 24))
        status = services.change_legal_status(worker, period, code="C1", on=D(2026, 8, 3))
        assert status.fgdm_offer == (
            "Offered in the letter before proceedings sent on 10 July 2026; held on 24 July 2026"
        )
        assert status.fgdm_reasons_not_offered == ""
        # The full care order in the same proceedings is not a new application.
        services.change_legal_status(worker, period, code="C2", on=D(2026, 11, 2))
        assert [code for code, _ in statuses(period)] == ["V2", "C1", "C2"]

    @IN_FORCE
    def test_an_offer_declined_is_enough(self, worker, child, manager):
        period = looked_after(worker, child, D(2026, 7, 1))
        found = pre_proceedings.start_pre_proceedings(
            worker, period.episode, start_date=D(2026, 7, 6), decided_by=manager, reasons="Neglect continues."
        )
        pre_proceedings.send_letter_before_proceedings(
            worker, found, sent_on=D(2026, 7, 10), fgdm_offered=True, fgdm_offered_to="The mother"
        )
        pre_proceedings.record_family_meeting(worker, found, response="declined")
        status = services.change_legal_status(worker, period, code="C1", on=D(2026, 8, 3))
        assert status.fgdm_offer == "Offered in the letter before proceedings sent on 10 July 2026"

    @IN_FORCE
    def test_an_offer_recorded_for_a_return_home(self, worker, child):
        from childrenincare.return_home import services as reunification
        from people.models import Relationship
        from people.services import record_person

        mother = record_person(
            None, kind="adult", given_names="Morgan", family_name="Testparent", date_of_birth=D(1990, 2, 2), sex="F"
        )
        Relationship.objects.create(person=child, related_person=mother, relationship=Relationship.Type.PARENT)
        period = looked_after(worker, child, D(2026, 7, 1))
        decision = reunification.start_decision(
            worker,
            period,
            route="A",
            proposed_date=D(2026, 9, 1),
            proposed_home="With mother",
            reasons="Mother asks",
            carers=[mother],
        )
        # Not offered for the return home: that says nothing about proceedings.
        reunification.record_family_group_decision_making(
            worker, decision, response="not_offered", reasons_not_offered="The mother refused to take part."
        )
        errors_of(lambda: services.change_legal_status(worker, period, code="C1", on=D(2026, 8, 3)))
        reunification.record_family_group_decision_making(
            worker, decision, response="declined", offered_on=D(2026, 7, 20), offered_to="The mother"
        )
        status = services.change_legal_status(worker, period, code="C1", on=D(2026, 8, 3))
        assert status.fgdm_offer == "Offered on 20 July 2026 (family group decision-making record)"

    def test_reasons_are_kept_only_where_the_duty_applies(self, worker, child):
        period = looked_after(worker, child, D(2026, 7, 1))
        status = services.change_legal_status(
            worker,
            period,
            code="C1",
            on=D(2026, 8, 3),
            fgdm_reasons_not_offered="Typed although the duty was not in force",
        )
        assert status.fgdm_reasons_not_offered == ""


# --- Regulation 19: an immediate placement with a parent -----------------------------------


def home():
    return services.PlacementDetails(place="P1", provider="PR0", postcode="TE3 3CC", immediate_with_parent=True)


def approve_on(officer, period, day):
    """The nominated officer's approval, decided on `day` (decide_approval dates it today)."""
    approval = services.request_approval(
        officer,
        period,
        kind=Approval.Kind.IMMEDIATE_WITH_PARENT,
        reasons="The mother was interviewed on 26 February; the household is known.",
    )
    services.decide_approval(officer, approval, approve=True)
    Approval.objects.filter(pk=approval.pk).update(decided_on=day, requested_on=day)
    return approval


def due(period, slug):
    return Deadline.objects.get(subject_id=period.pk, rule_slug=slug, status="open").due_date


class TestImmediatePlacementWithAParent:
    def test_the_approval_comes_before_the_placement(self, worker, child, nominated_officer):
        period = looked_after(worker, child, D(2026, 2, 2), legal_status="C1")
        errors = errors_of(
            lambda: services.change_placement(worker, period, home(), on=D(2026, 3, 2), change_reason="CARPL")
        )
        assert "nominated officer's approval before the child is placed" in errors["immediate_with_parent"][0]
        # An approval decided the day after the placement is not before it.
        approve_on(nominated_officer, period, D(2026, 3, 3))
        errors_of(lambda: services.change_placement(worker, period, home(), on=D(2026, 3, 2), change_reason="CARPL"))
        assert list(Placement.objects.filter(period=period).values_list("place", flat=True)) == ["U6"]
        assert not Deadline.objects.filter(rule_slug__startswith="placement-with-parent").exists()

    def test_the_assessment_in_10_working_days_and_the_decision_in_10_more(self, worker, child, nominated_officer):
        period = looked_after(worker, child, D(2026, 2, 2), legal_status="C1")
        approval = approve_on(nominated_officer, period, D(2026, 2, 27))
        placement = services.change_placement(worker, period, home(), on=D(2026, 3, 2), change_reason="CARPL")
        approval.refresh_from_db()
        assert approval.placement == placement
        assert approval.status == Approval.Status.APPROVED
        assert not Approval.objects.filter(status=Approval.Status.PENDING).exists()
        # Placed Monday 2 March 2026: 10 working days (3, 4, 5, 6, 9, 10, 11, 12, 13, 16 March).
        assert due(period, with_parent.ASSESSMENT_RULE) == D(2026, 3, 16)
        with_parent.record_parent_assessment(
            worker,
            period,
            completed_on=D(2026, 3, 13),
            findings="The mother and her partner were assessed; no concerns.",
        )
        # Completed Friday 13 March: 10 working days after (16 to 20, 23 to 27 March).
        assert due(period, with_parent.DECISION_RULE) == D(2026, 3, 27)
        # The decision is a nominated officer's (reg 19(c), reg 18).
        errors = errors_of(
            lambda: with_parent.decide_placement_with_parent(
                worker, period, decided_on=D(2026, 3, 26), confirm=True, reasons="Safe at home with support."
            )
        )
        assert "Only a nominated officer" in errors["__all__"][0]
        decided = with_parent.decide_placement_with_parent(
            nominated_officer, period, decided_on=D(2026, 3, 26), confirm=True, reasons="Safe at home with support."
        )
        assert decided.with_parent_confirmed is True
        assert decided.with_parent_decided_by == nominated_officer
        met = Deadline.objects.get(subject_id=period.pk, rule_slug=with_parent.DECISION_RULE)
        assert met.status == "met"
        assert met.late is False

    def test_an_assessment_done_late_needs_its_reason(self, worker, child, nominated_officer):
        period = looked_after(worker, child, D(2026, 2, 2), legal_status="C1")
        approve_on(nominated_officer, period, D(2026, 3, 2))
        services.change_placement(worker, period, home(), on=D(2026, 3, 2), change_reason="CARPL")
        errors = errors_of(
            lambda: with_parent.record_parent_assessment(
                worker, period, completed_on=D(2026, 3, 17), findings="Assessed."
            )
        )
        assert "16 March 2026" in errors["late_reason"][0]
        assert Placement.objects.get(period=period, place="P1").parent_assessed_on is None
        placement = with_parent.record_parent_assessment(
            worker, period, completed_on=D(2026, 3, 17), findings="Assessed.", late_reason="The partner was away."
        )
        assert placement.parent_assessment_late_reason == "The partner was away."
        # 17 March + 10 working days = 31 March 2026.
        assert due(period, with_parent.DECISION_RULE) == D(2026, 3, 31)

    def test_no_decision_before_the_assessment(self, worker, child, nominated_officer):
        period = looked_after(worker, child, D(2026, 2, 2), legal_status="C1")
        approve_on(nominated_officer, period, D(2026, 3, 2))
        services.change_placement(worker, period, home(), on=D(2026, 3, 2), change_reason="CARPL")
        errors = errors_of(
            lambda: with_parent.decide_placement_with_parent(
                nominated_officer, period, decided_on=D(2026, 3, 10), confirm=False, reasons="Not safe."
            )
        )
        assert "Record the assessment first" in errors["__all__"][0]

    def test_an_approval_serves_one_placement(self, worker, child, nominated_officer):
        period = looked_after(worker, child, D(2026, 2, 2), legal_status="C1")
        approve_on(nominated_officer, period, D(2026, 3, 2))
        services.change_placement(worker, period, home(), on=D(2026, 3, 2), change_reason="CARPL")
        services.change_placement(
            worker,
            period,
            foster_placement(foster_carer(name="Back", urn="SC900007")),
            on=D(2026, 3, 9),
            change_reason="CARPL",
        )
        # Leaving the placement withdraws its due dates.
        assert not Deadline.objects.filter(rule_slug__startswith="placement-with-parent", status="open").exists()
        errors = errors_of(
            lambda: services.change_placement(worker, period, home(), on=D(2026, 3, 16), change_reason="CARPL")
        )
        assert "immediate_with_parent" in errors

    def test_a_child_living_with_the_parent_when_care_began(self, worker, child):
        # Regulation 15(2): no removal is needed; the approval is asked for that day and the
        # assessment falls due 10 working days from Monday 7 September 2026: 21 September.
        episode = open_episode(worker, child, D(2026, 9, 7))
        period = services.become_looked_after(
            worker,
            episode,
            on=D(2026, 9, 7),
            legal_status="C1",
            placement=home(),
            category_of_need="N1",
            previous_permanence="Z1",
        )
        assert Approval.objects.get(period=period).status == Approval.Status.PENDING
        assert due(period, with_parent.ASSESSMENT_RULE) == D(2026, 9, 21)

    def test_only_for_a_child_in_care(self, worker, child):
        period = looked_after(worker, child, D(2026, 2, 2))
        errors = errors_of(
            lambda: services.request_approval(
                worker, period, kind=Approval.Kind.IMMEDIATE_WITH_PARENT, reasons="Wants to go home"
            )
        )
        assert "interim or full care order" in errors["kind"][0]
        assert not Approval.objects.exists()
