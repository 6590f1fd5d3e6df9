"""The child's adoption journey through the services: each step in order, refused out of
order with the rule's message and nothing written; the care record kept in step (E1, the A
code, E11/E12); the due dates; and the AD1 fields derived from the household."""

import datetime

import pytest

from adoption import selectors, services
from adoption.models import AdoptionDecision
from adoption.testing import approved_household, household
from childrenincare import services as care
from childrenincare.models import CareEpisode, LegalStatus, PeriodOfCare
from childrenincare.testing import looked_after
from kernel.models import Deadline
from kernel.rules import RuleBroken

TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


def ago(days):
    return TODAY() - days * DAY


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


def flat(errors):
    return " ".join(m for messages in errors.values() for m in messages)


@pytest.fixture
def period(worker, child):
    period = looked_after(worker, child, ago(300))
    care.change_legal_status(worker, period, code="C1", on=ago(280))
    return period


@pytest.fixture
def decision(worker, period):
    return services.record_decision(
        worker, period, decided_on=ago(250), decision_maker="A. Decider", panel_recommended_on=ago(255)
    )


def test_the_journey_to_an_adoption_order_keeps_the_care_record_in_step(worker, child, period, decision):
    due = Deadline.objects.get(subject_id=decision.pk, rule_slug="adoption-entry-to-placement")
    assert due.start_date == period.start_date
    assert due.status == "open"
    services.record_placement_order(worker, decision, on=ago(200))
    assert LegalStatus.objects.filter(period=period, code="E1", start_date=ago(200)).exists()
    match_due = Deadline.objects.get(subject_id=decision.pk, rule_slug="adoption-order-to-match")
    household = approved_household(worker, approved_on=ago(150))
    services.record_match(worker, decision, household=household, matched_on=ago(100), recommended_on=ago(105))
    match_due.refresh_from_db()
    assert match_due.status == "met"
    assert not match_due.late
    services.record_placement(worker, decision, on=ago(90))
    decision.refresh_from_db()
    assert decision.placement.place == "A6"
    assert decision.placement.carer_id == household.carer_id
    assert selectors.foster_care(decision) == "0"
    services.record_adoption_order(worker, decision, on=ago(10), reason="E12")
    period.refresh_from_db()
    assert period.end_date == ago(10)
    assert period.end_reason == "E12"
    last = CareEpisode.objects.filter(period=period).order_by("start_date").last()
    assert (last.place, last.legal_status, last.end_reason) == ("A6", "E1", "E12")
    assert not Deadline.objects.filter(subject_id=decision.pk, status="open", rule_slug__startswith="adoption").exists()
    decision.refresh_from_db()
    assert selectors.next_step(decision) is None


def test_steps_out_of_order_are_refused_and_nothing_is_written(worker, period, decision):
    assert "before the decision to place" in flat(
        errors_of(lambda: services.record_placement_order(worker, decision, on=ago(260)))
    )
    assert "Match the child with adopters first" in flat(
        errors_of(lambda: services.record_placement(worker, decision, on=ago(5)))
    )
    assert "not been placed for adoption" in flat(
        errors_of(lambda: services.record_adoption_order(worker, decision, on=ago(5), reason="E11"))
    )
    assert "already has a decision" in flat(
        errors_of(lambda: services.record_decision(worker, period, decided_on=ago(20), decision_maker="B"))
    )
    assert "before the child became looked after" in flat(
        errors_of(lambda: services.record_decision(worker, period, decided_on=ago(400), decision_maker="B"))
    )
    waiting = household(worker)
    assert "were not approved as adopters" in flat(
        errors_of(lambda: services.record_match(worker, decision, household=waiting, matched_on=ago(5)))
    )
    assert not LegalStatus.objects.filter(code="E1").exists()
    decision.refresh_from_db()
    assert decision.matched_on is None
    assert decision.authority == ""


def test_no_longer_placed_needs_the_placement_order_revoked_and_a_fitting_reason(worker, period, decision):
    services.record_placement_order(worker, decision, on=ago(200))
    errors = errors_of(lambda: services.record_no_longer_placed(worker, decision, on=ago(50), reason="RD2"))
    assert "A placement order was made" in flat(errors)
    assert "still in force" in flat(errors)
    care.change_legal_status(worker, period, code="C2", on=ago(60))
    assert "Select why" in flat(
        errors_of(lambda: services.record_no_longer_placed(worker, decision, on=ago(50), reason="RD9"))
    )
    services.record_no_longer_placed(worker, decision, on=ago(50), reason="RD1", detail="Needs changed")
    decision.refresh_from_db()
    assert (decision.ceased_on, decision.ceased_reason) == (ago(50), "RD1")
    assert not Deadline.objects.filter(subject_id=decision.pk, status="open", rule_slug__startswith="adoption").exists()
    assert "comes after it" in flat(
        errors_of(lambda: services.record_decision(worker, period, decided_on=ago(55), decision_maker="B"))
    )
    second = services.record_decision(worker, period, decided_on=ago(40), decision_maker="B")
    assert selectors.open_decision(period.person) == second


def test_fostering_for_adoption_then_consent_places_a3_with_the_same_carers(worker, period, decision):
    carers = approved_household(worker, approved_on=ago(240), ffa=True)
    services.record_early_placement(worker, decision, household=carers, on=ago(230))
    assert care.current_placement(period).place == "U5"
    services.record_consent(worker, decision, on=ago(220))
    services.record_match(worker, decision, household=carers, matched_on=ago(150))
    services.record_placement(worker, decision, on=ago(140))
    decision.refresh_from_db()
    assert decision.placement.place == "A3"
    assert selectors.foster_care(decision) == "1"
    episode = CareEpisode.objects.get(placement=decision.placement)
    assert episode.new_episode_reason == "T"  # same carers (903 rule 217)


def test_fostering_for_adoption_needs_carers_approved_for_it(worker, decision):
    carers = approved_household(worker, approved_on=ago(240))
    assert "fostering for adoption by that date" in flat(
        errors_of(lambda: services.record_early_placement(worker, decision, household=carers, on=ago(230)))
    )


def test_placement_order_and_current_foster_carers_give_a5(worker, period, decision):
    carers = approved_household(worker, approved_on=ago(260), ffa=True)
    services.record_early_placement(worker, decision, household=carers, on=ago(245))
    services.record_placement_order(worker, decision, on=ago(200))
    services.record_match(worker, decision, household=carers, matched_on=ago(150))
    services.record_placement(worker, decision, on=ago(140))
    assert care.current_placement(period).place == "A5"


@pytest.mark.parametrize(
    ("sexes", "relationship", "count", "sex", "legal"),
    [
        (("F",), "single", 1, "F1", "L0"),
        (("M",), "single", 1, "M1", "L0"),
        (("F", "M"), "married", 2, "MF", "L11"),
        (("F", "F"), "married", 2, "FF", "L12"),
        (("M", "M"), "civil_partners", 2, "MM", "L2"),
        (("F", "M"), "unmarried", 2, "MF", "L3"),
        (("F", "F"), "unmarried", 2, "FF", "L4"),
    ],
)
def test_the_ad1_adopter_fields_come_from_the_household(worker, sexes, relationship, count, sex, legal):
    found = household(worker, sexes=sexes, relationship=relationship)
    assert selectors.adopter_count(found) == count
    assert selectors.adopter_sex(found) == sex
    assert selectors.adopter_legal_status(found) == legal


def test_a_household_goes_through_the_stages_in_order(worker):
    found = household(worker, enquiry_on=ago(200))
    assert found.reference.startswith("AF")
    assert "Stage 1 has not ended" in flat(errors_of(lambda: services.record_application(worker, found, on=ago(150))))
    found = services.start_stage_1(worker, found, on=ago(190))
    assert found.stage_1_due_on is not None
    assert "give the reason it is late" in flat(errors_of(lambda: services.end_stage_1(worker, found, on=ago(100))))
    found = services.end_stage_1(worker, found, on=ago(100), late_reason="Medical checks were slow")
    assert "Medical checks" in found.late_reasons
    found = services.record_left(worker, found, on=ago(90), reason="on_hold")
    assert "left the process" in flat(errors_of(lambda: services.record_application(worker, found, on=ago(80))))


def test_a_couple_needs_two_adopters(worker):
    errors = errors_of(
        lambda: services.add_household(
            worker,
            name="X",
            relationship="married",
            enquiry_on=ago(5),
            adopters=[{"given_names": "A", "family_name": "B", "sex": "F"}],
        )
    )
    assert "Enter both adopters" in flat(errors)
    assert not AdoptionDecision.objects.exists()
    assert not PeriodOfCare.objects.filter(end_date__isnull=False).exists()
