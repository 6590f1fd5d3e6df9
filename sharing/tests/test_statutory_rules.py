"""The information-sharing log against the words of the Act.

Children Act 2004 s16LA (inserted by the Children's Wellbeing and Schools Act 2026): a person
within subsection (4) holding information about a child "must ensure that the information is
disclosed to another such person if, and so far as, it considers that the disclosure may
facilitate the exercise by that person of any of its relevant functions"; the duty does not
apply "if the holder considers that disclosure would be more detrimental to the child than not
disclosing". s16LC: a designated person processing information about a child "must include the
identifier" (the consistent identifier) where known.

The service logs every disclosure (what, to whom, when, by whom, the lawful basis, the
identifier), records a decision not to share with its reasons and its decision maker, and
reports that decision to managers. The duty is in force from S16LA_COMMENCEMENT; before it a
disclosure is logged under the basis in force then.
"""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from kernel.rules import RuleBroken
from partners.models import Agency, User
from sharing import bases, selectors, services
from sharing.models import Disclosure, Withholding
from testing import builders

from .conftest import VALID_NHS, give_nhs_number, on_a_plan

TODAY = datetime.date.today


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def police(db):
    return builders.police()


class TestDisclosure:
    def test_what_to_whom_when_by_whom_and_the_basis_are_kept_with_chronology_and_audit(self, worker, child, police):
        give_nhs_number(child)
        found = services.record_disclosure(worker, child, what="Address and school", to_agency=police)
        assert (found.to_agency, found.shared_by, found.from_agency) == (police, worker, worker.agency)
        assert found.what == "Address and school"
        assert found.identifier_type == "NHS"
        assert found.identifier == VALID_NHS
        entry = ChronologyEntry.objects.get(person=child, kind="information-shared")
        assert entry.title == "Information shared with Testshire Police"
        assert AuditEvent.objects.filter(action="create", object_type="sharing.disclosure", person_id=child.pk).exists()

    def test_an_agency_or_recipient_and_what_are_required_and_nothing_is_half_saved(self, worker, child):
        errors = errors_of(lambda: services.record_disclosure(worker, child, what="  "))
        assert errors["to_agency"] == ["Select or enter the agency the information was shared with"]
        assert errors["what"] == ["Enter what was shared"]
        assert not Disclosure.objects.exists()
        assert not ChronologyEntry.objects.filter(kind="information-shared").exists()

    def test_not_in_the_future(self, worker, child, police):
        later = timezone.now() + datetime.timedelta(days=2)
        errors = errors_of(
            lambda: services.record_disclosure(worker, child, what="x", to_agency=police, shared_at=later)
        )
        assert errors["shared_at"] == ["The date it was shared cannot be in the future"]

    @override_settings(S16LA_COMMENCEMENT=None)
    def test_before_commencement_the_earlier_basis_and_s16la_cannot_be_given(self, worker, child, police):
        found = services.record_disclosure(worker, child, what="x", to_agency=police)
        assert found.lawful_basis == "WT2023-DPA2018"
        assert "Working Together" in bases.label(found.lawful_basis)
        errors = errors_of(
            lambda: services.record_disclosure(worker, child, what="x", to_agency=police, lawful_basis=bases.S16LA)
        )
        assert "was not in force on" in errors["lawful_basis"][0]
        assert bases.S16LA not in dict(bases.bases_on(TODAY()))

    def test_on_both_sides_of_the_commencement_date(self, worker, child, police, settings):
        start = TODAY() - datetime.timedelta(days=10)
        settings.S16LA_COMMENCEMENT = start.isoformat()
        before = services.record_disclosure(
            worker, child, what="x", to_agency=police, shared_at=noon(start - datetime.timedelta(days=1))
        )
        on_the_day = services.record_disclosure(worker, child, what="x", to_agency=police, shared_at=noon(start))
        assert before.lawful_basis == "WT2023-DPA2018"
        assert on_the_day.lawful_basis == bases.S16LA
        errors = errors_of(
            lambda: services.record_disclosure(
                worker,
                child,
                what="x",
                to_agency=police,
                shared_at=noon(start - datetime.timedelta(days=1)),
                lawful_basis=bases.S16LA,
            )
        )
        assert "lawful_basis" in errors

    def test_a_basis_not_on_the_list_is_refused(self, worker, child, police):
        errors = errors_of(
            lambda: services.record_disclosure(worker, child, what="x", to_agency=police, lawful_basis="made-up")
        )
        assert errors["lawful_basis"] == ["Select the lawful basis for sharing it"]

    @override_settings(S16LC_IDENTIFIER_TYPE="UPN")
    def test_the_consistent_identifier_is_the_type_the_setting_names(self, worker, child, police):
        give_nhs_number(child)
        assert selectors.consistent_identifier(child) == ("", "")
        assert services.record_disclosure(worker, child, what="x", to_agency=police).identifier == ""

    def test_an_identifier_no_longer_current_is_not_included(self, child):
        identifier = give_nhs_number(child)
        identifier.valid_to = TODAY() - datetime.timedelta(days=1)
        identifier.save()
        assert selectors.consistent_identifier(child) == ("", "")


class TestNotShared:
    """s16LA: not required where disclosure would be more detrimental to the child."""

    def test_reasons_decision_maker_and_agency_are_required(self, worker, child):
        errors = errors_of(
            lambda: services.record_withholding(worker, child, information="", reasons=" ", decision_maker=None)
        )
        assert errors["reasons"] == ["Enter why sharing would be more detrimental to the child than not sharing"]
        assert errors["decision_maker"] == ["Select who made the decision"]
        assert errors["to_agency"] == ["Select or enter the agency the information was not shared with"]
        assert errors["information"] == ["Enter what was not shared"]
        assert not Withholding.objects.exists()

    def test_kept_with_chronology_audit_and_reported_to_the_team_manager(self, worker, manager, child, police, user):
        found = services.record_withholding(
            worker,
            child,
            information="Where the child is staying",
            reasons="The adult at the police address is the alleged abuser's partner",
            decision_maker=manager,
            to_agency=police,
        )
        assert (found.decided_by, found.team, found.recorded_by) == (manager, manager.team, worker)
        assert ChronologyEntry.objects.filter(person=child, kind="information-withheld").exists()
        assert AuditEvent.objects.filter(object_type="sharing.withholding", action="create").exists()
        assert list(selectors.withholdings_for_manager(manager)) == [found]
        other_team = builders.team(manager.agency, "Another team")
        other_manager = user(User.Role.TEAM_MANAGER, team=other_team)
        assert list(selectors.withholdings_for_manager(other_manager)) == []
        head = user(User.Role.HEAD_OF_SERVICE, team=other_team)
        assert list(selectors.withholdings_for_manager(head)) == [found]

    def test_a_restricted_child_is_not_named_to_a_manager_not_on_the_restriction(self, worker, manager, child, police):
        services.record_withholding(
            worker, child, information="x", reasons="Detrimental", decision_maker=manager, to_agency=police
        )
        child.restricted = True
        child.save()
        assert list(selectors.withholdings_for_manager(manager)) == []

    def test_not_in_the_future(self, worker, manager, child, police):
        errors = errors_of(
            lambda: services.record_withholding(
                worker,
                child,
                information="x",
                reasons="y",
                decision_maker=manager,
                to_agency=police,
                decided_on=TODAY() + datetime.timedelta(days=1),
            )
        )
        assert errors["decided_on"] == ["The date of the decision cannot be in the future"]


class TestDisclosurePoints:
    """The stages log their own disclosures: a partner's answer to a check, a strategy discussion,
    information shared at MACE."""

    def test_a_partner_answering_a_check_discloses_to_the_local_authority(self, user, worker, police_officer, child):
        from frontdoor import services as front_door
        from frontdoor.models import AgencyCheck, Contact

        mash = user(User.Role.MASH_PRACTITIONER)
        contact = front_door.receive_contact(
            mash,
            channel=Contact.Channel.PHONE,
            source="6",
            concerns="Concerns",
            consent=Contact.Consent.NOT_NEEDED,
            referrer_name="A referrer",
            people=[front_door.PersonDetails(person=child)],
        )
        check = front_door.request_check(mash, contact, AgencyCheck.Kind.POLICE, agency=police_officer.agency)
        front_door.answer_check(police_officer, check, status="answered", information="Two call-outs")
        found = Disclosure.objects.get(person=child)
        assert (found.kind, found.from_agency, found.to_agency) == (
            Disclosure.Kind.CHECK_ANSWER,
            police_officer.agency,
            mash.agency,
        )
        assert found.what == "Two call-outs"
        assert (found.source_type, found.source_id) == ("frontdoor.agencycheck", str(check.pk))

    def test_a_strategy_discussion_discloses_to_each_other_agency_present(self, worker, manager, chair, child):
        on_a_plan(worker, manager, chair, child)
        found = Disclosure.objects.filter(person=child, kind=Disclosure.Kind.STRATEGY_DISCUSSION)
        assert sorted(d.recipient_name for d in found) == ["Health", "Police"]
        assert {d.from_agency for d in found} == {worker.agency}

    def test_information_shared_at_mace_is_logged_with_its_basis(self, user, worker, child, police):
        from exploitation.mace import services as mace

        team = builders.team(worker.agency, "Exploitation team", function="exploitation")
        member = user(User.Role.SOCIAL_WORKER, team=team)
        panel = mace.create_panel(member, name="North MACE")
        meeting = mace.hold_meeting(member, panel, held_on=TODAY(), chair=member)
        item = mace.add_agenda_item(member, meeting, child=child)
        mace.record_information(member, item, agency=police, lawful_basis="s11-CA2004", summary="Seen with adults")
        found = Disclosure.objects.get(person=child)
        assert (found.kind, found.from_agency, found.recipient, found.lawful_basis) == (
            Disclosure.Kind.MACE,
            police,
            "MACE panel: North MACE",
            "s11-CA2004",
        )

    @override_settings(S16LA_COMMENCEMENT=None)
    def test_mace_s16la_before_commencement_is_logged_under_the_earlier_basis(self, user, worker, child, police):
        from exploitation.mace import services as mace

        team = builders.team(worker.agency, "Exploitation team", function="exploitation")
        member = user(User.Role.SOCIAL_WORKER, team=team)
        panel = mace.create_panel(member, name="North MACE")
        meeting = mace.hold_meeting(member, panel, held_on=TODAY(), chair=member)
        item = mace.add_agenda_item(member, meeting, child=child)
        mace.record_information(member, item, agency=police, lawful_basis="s16LA-CA2004", summary="Seen")
        assert Disclosure.objects.get(person=child).lawful_basis == "WT2023-DPA2018"


def test_the_code_list_names_a_basis_before_s16la_that_is_on_it():
    for version in bases._versions():
        assert version.before_s16la in dict(version.bases)
        assert bases.S16LA in dict(version.bases)


def test_agency_kinds_for_cpis_are_health():
    from sharing.access import HEALTH_AGENCIES

    assert HEALTH_AGENCIES == {Agency.Kind.ICB, Agency.Kind.HEALTH_PROVIDER}
