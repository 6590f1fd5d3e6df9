"""The front door's rules: deadlines, matching, checks, decisions, referrals, feedback and the
pattern alerts, each against hand-worked cases."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from frontdoor import selectors, services
from frontdoor.models import (
    AgencyCheck,
    Contact,
    ContactDecision,
    ContactPerson,
    PatternAlert,
    Referral,
    ThresholdDocument,
)
from frontdoor.tests.conftest import at
from partners.models import Agency, User
from people.models import Involvement, Person
from people.services import add_identifier, record_address, record_person, record_relationship
from testing import builders

Outcome = ContactDecision.Outcome


def level(document, number):
    return document.levels.get(number=number)


def test_a_contact_on_christmas_eve_2025_is_due_after_boxing_day_and_the_weekend(receive, child):
    # Wednesday 24 December 2025: Thursday is Christmas Day, Friday Boxing Day, then a weekend,
    # so one working day later is Monday 29 December.
    contact = receive(child, received_at=at(2025, 12, 24, 16, 30))
    assert contact.decision_due_date == datetime.date(2025, 12, 29)
    assert "Christmas Day (25 December)" in contact.decision_due_explanation
    assert "Boxing Day (26 December)" in contact.decision_due_explanation
    assert "Monday 29 December 2025" in contact.decision_due_explanation


def test_the_decision_rule_steps_over_the_2026_boxing_day_substitute(db):
    from kernel import timescales

    # Thursday 24 December 2026: Friday is Christmas Day, Monday 28th the Boxing Day substitute.
    due = timescales.due("contact-decision", datetime.date(2026, 12, 24))
    assert due.due_date == datetime.date(2026, 12, 29)
    assert "Christmas Day (25 December), Boxing Day (substitute day) (28 December)" in due.explanation


def test_a_contact_on_a_saturday_is_due_on_monday(receive, child):
    contact = receive(child, received_at=at(2026, 11, 28, 11))
    assert contact.decision_due_date == datetime.date(2026, 11, 30)


def test_the_stored_deadline_does_not_move_when_bank_holidays_change(receive, child):
    from kernel import working_days
    from kernel.models import BankHoliday

    contact = receive(child, received_at=at(2026, 11, 26, 9))  # Thursday; due Friday 27th
    BankHoliday.objects.create(date=datetime.date(2026, 11, 27), name="A new one-off holiday")
    working_days.clear_cache()
    contact.refresh_from_db()
    assert contact.decision_due_date == datetime.date(2026, 11, 27)
    BankHoliday.objects.filter(date=datetime.date(2026, 11, 27)).delete()
    working_days.clear_cache()


def test_a_contact_feeds_the_chronology_of_every_child_and_is_audited(receive, child, mash_team):
    sister = record_person(
        None, kind="child", given_names="Sam", family_name="Testchild", date_of_birth=datetime.date(2018, 1, 1)
    )
    contact = receive(child, sister)
    for person in (child, sister):
        assert ChronologyEntry.objects.filter(person=person, kind="contact-received").count() == 1
        # The front door holds the child while the contact awaits a decision: MASH sees the record.
        assert Involvement.objects.filter(person=person, team=mash_team, end_date__isnull=True).exists()
    assert AuditEvent.objects.filter(
        object_type="frontdoor.contact", object_id=str(contact.pk), action="create"
    ).exists()


def test_people_are_matched_by_nhs_number_then_name_and_date_of_birth_or_recorded(receive, child, mash_worker):
    add_identifier(None, child, id_type="NHS", value="9990000018")
    by_nhs = services.PersonDetails(given_names="Alexander", family_name="Other", identifiers={"NHS": "999 000 0018"})
    by_name = services.PersonDetails(
        given_names="alex", family_name="TESTCHILD", date_of_birth=datetime.date(2016, 4, 1)
    )
    new = services.PersonDetails(
        role=ContactPerson.Role.ADULT_IN_HOUSEHOLD,
        kind=Person.Kind.ADULT,
        given_names="Robin",
        family_name="Newperson",
        date_of_birth=datetime.date(1990, 2, 2),
    )
    contact = receive(people=[by_nhs, new])
    links = {link.matched_by: link for link in contact.people.all()}
    assert links[ContactPerson.Match.NHS_NUMBER].person == child
    assert links[ContactPerson.Match.NEW].person.family_name == "Newperson"
    other = receive(people=[by_name])
    assert other.people.get().person == child
    assert other.people.get().matched_by == ContactPerson.Match.NAME_AND_DATE_OF_BIRTH


def test_missing_and_contradictory_details_are_refused_with_field_errors_and_nothing_is_kept(receive, child):
    with pytest.raises(services.FrontDoorError) as refused:
        receive(
            child,
            source="ZZ",
            concerns=" ",
            consent="maybe",
            immediate_risk=True,
            immediate_risk_detail="",
            received_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert set(refused.value.errors) >= {"source", "concerns", "consent", "immediate_risk_detail", "received_at"}
    with pytest.raises(services.FrontDoorError) as refused:
        receive(people=[services.PersonDetails(given_names="", family_name="")])
    assert "people" in refused.value.errors
    assert not Contact.objects.exists()


def test_a_family_member_must_be_named(receive, child):
    with pytest.raises(services.FrontDoorError) as refused:
        receive(child, source="1A", referrer_name="")
    assert refused.value.errors["referrer_name"] == ["Enter the name of the family member who made the contact"]


def test_checks_are_due_by_the_local_rule_and_answered_only_by_the_agency_asked(receive, child, mash_worker, user):
    police = builders.police()
    health = Agency.objects.create(name="Testshire ICB", kind=Agency.Kind.ICB)
    contact = receive(child)
    asked = at(2026, 11, 30, 9, 15)
    check = services.request_check(
        mash_worker,
        contact,
        AgencyCheck.Kind.POLICE,
        agency=police,
        question="Any domestic abuse call-outs?",
        requested_at=asked,
    )
    assert check.due_at == asked + datetime.timedelta(hours=4)
    assert "4 hours from check requested on 30 November 2026 at 09:15" in check.due_explanation
    with pytest.raises(services.FrontDoorError):
        services.request_check(mash_worker, contact, AgencyCheck.Kind.POLICE, agency=health)
    nurse = user(User.Role.PARTNER_PRACTITIONER, agency=health, team=None)
    with pytest.raises(PermissionError):
        services.answer_check(nurse, check, status=AgencyCheck.Status.ANSWERED, information="Nothing")
    officer = user(User.Role.PARTNER_PRACTITIONER, agency=police, team=None)
    assert list(selectors.checks_for_agency(officer)) == [check]
    with pytest.raises(services.FrontDoorError) as refused:
        services.answer_check(officer, check, status=AgencyCheck.Status.ANSWERED, information=" ")
    assert "information" in refused.value.errors
    services.answer_check(officer, check, status=AgencyCheck.Status.ANSWERED, information="Two call-outs in October.")
    check.refresh_from_db()
    assert check.status == AgencyCheck.Status.ANSWERED
    assert check.answered_by == officer
    assert ChronologyEntry.objects.filter(person=child, kind="agency-check").count() == 2


def test_a_referral_opens_a_child_in_need_episode_for_each_child(receive, child, mash_worker, threshold):
    sister = record_person(
        None, kind="child", given_names="Sam", family_name="Testchild", date_of_birth=datetime.date(2018, 1, 1)
    )
    contact = receive(child, sister)
    indicator = threshold.domains.first().indicators.filter(level__number=4).first()
    decision = services.decide_contact(
        mash_worker,
        contact,
        level=level(threshold, 4),
        outcome=Outcome.REFERRAL,
        rationale="Repeated domestic abuse with the children present.",
        indicators=[indicator],
        primary_need="N1",
    )
    assert decision.on_time
    assert decision.threshold_document == threshold
    contact.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED
    referrals = Referral.objects.filter(contact=contact)
    assert {r.person for r in referrals} == {child, sister}
    assert {(r.source, r.primary_need, r.referral_date) for r in referrals} == {
        ("6", "N1", timezone.localdate(contact.received_at))
    }
    assert ChronologyEntry.objects.filter(person=sister, kind="referral").exists()
    with pytest.raises(services.FrontDoorError):
        services.decide_contact(
            mash_worker, contact, level=level(threshold, 1), outcome=Outcome.NO_FURTHER_ACTION, rationale="x"
        )


def test_a_decision_follows_the_threshold_document(receive, child, mash_worker, threshold):
    contact = receive(child)
    cases = [
        (dict(level=level(threshold, 1), outcome=Outcome.STRATEGY_DISCUSSION, rationale="x"), "outcome"),
        (dict(level=level(threshold, 4), outcome=Outcome.REFERRAL, rationale="x", primary_need=""), "primary_need"),
        (dict(level=level(threshold, 4), outcome=Outcome.REFERRAL, rationale="x", primary_need="N9"), "primary_need"),
        (dict(level=level(threshold, 1), outcome=Outcome.NO_FURTHER_ACTION, rationale=" "), "rationale"),
        (
            dict(level=level(threshold, 1), outcome=Outcome.NO_FURTHER_ACTION, rationale="x", malicious=True),
            "malicious_reason",
        ),
    ]
    for fields, field in cases:
        with pytest.raises(services.FrontDoorError) as refused:
            services.decide_contact(mash_worker, contact, **fields)
        assert field in refused.value.errors, (fields, refused.value.errors)
    assert not ContactDecision.objects.exists()


def test_a_late_decision_needs_its_reason(receive, child, mash_worker, threshold):
    contact = receive(child, received_at=timezone.now() - datetime.timedelta(days=7))
    with pytest.raises(services.FrontDoorError) as refused:
        services.decide_contact(
            mash_worker, contact, level=level(threshold, 2), outcome=Outcome.EARLY_HELP, rationale="Needs support"
        )
    assert "late_reason" in refused.value.errors
    decision = services.decide_contact(
        mash_worker,
        contact,
        level=level(threshold, 2),
        outcome=Outcome.EARLY_HELP,
        rationale="Needs support",
        late_reason="Waiting for the police check",
    )
    assert not decision.on_time
    assert "Waiting for the police check" in decision.rationale


def test_a_decision_needs_a_published_threshold_document(receive, child, mash_worker):
    with pytest.raises(services.FrontDoorError):
        services.decide_contact(
            mash_worker, receive(child), level=None, outcome=Outcome.NO_FURTHER_ACTION, rationale="x"
        )


def test_publishing_a_new_version_supersedes_the_old_one(mash_worker, threshold):
    draft = services.draft_threshold_document(mash_worker, copy_from=threshold)
    assert draft.version == threshold.version + 1
    assert draft.levels.count() == 4
    assert sum(d.indicators.count() for d in draft.domains.all()) == 12
    services.publish_threshold_document(mash_worker, draft, effective_from=datetime.date(2027, 1, 1))
    threshold.refresh_from_db()
    assert threshold.status == ThresholdDocument.Status.SUPERSEDED
    assert threshold.effective_to == datetime.date(2026, 12, 31)
    assert selectors.published_threshold_document() == draft


def test_feedback_to_the_referrer_is_recorded(receive, child, mash_worker):
    contact = receive(child)
    with pytest.raises(services.FrontDoorError):
        services.give_feedback(mash_worker, contact, method="phone", message="")
    services.give_feedback(mash_worker, contact, method="phone", message="We are referring for an assessment.")
    assert contact.feedback.get().message == "We are referring for an assessment."


def test_rag_state(receive, child):
    contact = receive(child, received_at=at(2026, 11, 30, 9))  # due end of Tuesday 1 December
    assert selectors.rag(contact, now=at(2026, 11, 30, 10)) == "green"
    assert selectors.rag(contact, now=at(2026, 12, 1, 18)) == "amber"
    assert selectors.rag(contact, now=at(2026, 12, 2, 0, 1)) == "red"


# --- Pattern alerts -----------------------------------------------------------------------


def kinds(contact):
    return {alert.kind for alert in PatternAlert.objects.filter(contact=contact)}


def test_re_referral_within_12_months(receive, child, mash_worker, threshold):
    first = receive(child, received_at=timezone.now() - datetime.timedelta(days=100))
    services.decide_contact(
        mash_worker,
        first,
        level=level(threshold, 4),
        outcome=Outcome.REFERRAL,
        rationale="x",
        primary_need="N1",
        late_reason="test",
    )
    second = receive(child)
    alert = PatternAlert.objects.get(contact=second, kind=PatternAlert.Kind.RE_REFERRAL)
    # Counted in local dates: 100 days of elapsed time late in a winter evening began on a summer (BST) date 99 days back.  # noqa: E501
    days = (timezone.localdate(second.received_at) - timezone.localdate(first.received_at)).days
    assert f"{days} days before this contact" in alert.explanation
    assert "within 12 months" in alert.explanation


def test_repeated_contacts_and_several_referrers_including_a_family_member(receive, child, school):
    receive(child, received_at=timezone.now() - datetime.timedelta(days=30))
    receive(
        child,
        received_at=timezone.now() - datetime.timedelta(days=10),
        source="2A",
        referrer_agency=school,
        referrer_name="Dana Lead",
    )
    third = receive(child, source="1A", referrer_name="Pat Testchild", referrer_relationship="Grandmother")
    assert {PatternAlert.Kind.REPEATED_CONTACTS, PatternAlert.Kind.SEVERAL_REFERRERS} <= kinds(third)
    several = PatternAlert.objects.get(contact=third, kind=PatternAlert.Kind.SEVERAL_REFERRERS)
    assert several.explanation.startswith("3 different referrers")
    assert "Testshire Primary School" in several.explanation
    assert "Pat Testchild" in several.explanation
    assert "malicious only with a recorded reason" in several.explanation
    assert "3 contacts" in PatternAlert.objects.get(contact=third, kind=PatternAlert.Kind.REPEATED_CONTACTS).explanation


def test_one_earlier_contact_is_not_a_pattern(receive, child):
    receive(child, received_at=timezone.now() - datetime.timedelta(days=30))
    second = receive(child)
    assert PatternAlert.Kind.REPEATED_CONTACTS not in kinds(second)
    assert PatternAlert.Kind.SEVERAL_REFERRERS not in kinds(second)  # the same referrer twice


def test_concerns_about_siblings_and_household_adults(receive, child, mash_worker):
    brother = record_person(
        None, kind="child", given_names="Jo", family_name="Testchild", date_of_birth=datetime.date(2012, 6, 6)
    )
    mother = record_person(
        None, kind="adult", given_names="Kim", family_name="Testchild", date_of_birth=datetime.date(1988, 3, 3)
    )
    partner = record_person(
        None, kind="adult", given_names="Lee", family_name="Newpartner", date_of_birth=datetime.date(1985, 3, 3)
    )
    home = {"line_1": "1 Test Street", "town": "Testtown", "postcode": "NM1 1AA"}
    for person in (child, brother, mother, partner):
        record_address(None, person, address_fields=home, moved_in=datetime.date(2024, 1, 1))
    record_relationship(None, child, brother, relationship="sibling")
    # Earlier: a contact about the brother naming the mother's partner as a risk.
    receive(
        people=[
            services.PersonDetails(person=brother),
            services.PersonDetails(role=ContactPerson.Role.PERSON_OF_CONCERN, person=partner),
        ],
        received_at=timezone.now() - datetime.timedelta(days=20),
    )
    contact = receive(child)
    assert {PatternAlert.Kind.SIBLINGS, PatternAlert.Kind.HOUSEHOLD_ADULTS} <= kinds(contact)
    adult_alert = PatternAlert.objects.get(contact=contact, kind=PatternAlert.Kind.HOUSEHOLD_ADULTS)
    assert adult_alert.person == partner
    assert "Lee Newpartner" in adult_alert.explanation
    # The brother, mother and partner are shown, and the brother can be brought into the contact.
    shown = {person for person, _ in selectors.household_not_in_contact(contact)}
    assert shown == {brother, mother, partner}
    services.bring_into_contact(mash_worker, contact, brother, ContactPerson.Role.CHILD_IN_HOUSEHOLD, "Brother")
    assert {link.person for link in selectors.contact_children(contact)} == {child, brother}
    with pytest.raises(services.FrontDoorError):
        services.bring_into_contact(mash_worker, contact, mother, ContactPerson.Role.CHILD_IN_HOUSEHOLD)
