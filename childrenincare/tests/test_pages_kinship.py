"""The kinship care pages: each renders, a good POST takes the step through
childrenincare.kinship, a bad one answers 400 with the service's message in the GOV.UK error
summary, keeps what was typed and saves nothing; a child the user may not see is the audited
404; a partner practitioner may read but not post; `next` goes only to this service."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from childrenincare.kinship import services as kinship
from childrenincare.models import Carer, FamilyNetworkMember
from childrenincare.testing import designate, foster_carer, foster_placement, looked_after
from kernel.models import Deadline
from partners.models import Team, User
from people.models import Involvement, RestrictedAccess
from people.services import record_person, record_relationship
from testing.pages import date_data, refused

TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)
ROLE = FamilyNetworkMember.Role


@pytest.fixture
def known(worker, child):
    """The worker's team works with the child (so sees the full record)."""
    return Involvement.objects.create(
        person=child, agency=worker.agency, team=worker.team, kind="Test", start_date=TODAY() - 60 * DAY
    )


@pytest.fixture
def kin(db):
    return foster_carer(name="Jo Testaunt", kind=Carer.Kind.CONNECTED_PERSON, relationship_to_child="Maternal aunt")


@pytest.fixture
def placed(worker, child, kin):
    return looked_after(worker, child, TODAY() - 30 * DAY, placement=foster_placement(kin, place="U3"))


@pytest.fixture
def outsider(user, la):
    return user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=la, name="Other team"))


@pytest.fixture
def partner(police_officer, child):
    Involvement.objects.create(person=child, agency=police_officer.agency, kind="Police", start_date=TODAY() - 60 * DAY)
    return police_officer


def carer_data(**fields):
    data = {
        "kind": Carer.Kind.CONNECTED_PERSON,
        "name": "Jo Testaunt",
        "relationship_to_child": "Maternal aunt",
        "provider": "PR1",
        "urn": "SC123456",
        "postcode": "TE1 1AA",
    }
    data.update(fields)
    return data


# --- The list of carers -------------------------------------------------------------------


class TestCarers:
    def test_lists_and_filters_by_kind(self, signed_in, kin, placed):
        foster_carer(name="Testhome", kind=Carer.Kind.CHILDRENS_HOME, provider="PR4")
        response = signed_in.get(reverse("childrenincare:carers"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Jo Testaunt" in body
        assert "Testhome" in body
        assert "Not approved yet" in body
        body = signed_in.get(reverse("childrenincare:carers") + "?kind=home").content.decode()
        assert "Testhome" in body
        assert "Jo Testaunt" not in body
        assert AuditEvent.objects.filter(action="view", summary="Viewed the list of carers").count() == 2

    def test_a_restricted_child_is_not_counted(self, client, outsider, kin, placed, child):
        child.restricted = True
        child.save()
        client.force_login(outsider)
        body = client.get(reverse("childrenincare:carers")).content.decode()
        assert 'govuk-table__cell--numeric">0<' in body
        RestrictedAccess.objects.create(person=child, user=outsider)
        body = client.get(reverse("childrenincare:carers")).content.decode()
        assert 'govuk-table__cell--numeric">1<' in body

    def test_paginated_by_50(self, signed_in):
        for n in range(51):
            foster_carer(name=f"Testfoster {n:02d}")
        body = signed_in.get(reverse("childrenincare:carers")).content.decode()
        assert "Testfoster 49" in body
        assert "Testfoster 50" not in body
        assert "Page 1 of 2" in body
        assert "Testfoster 50" in signed_in.get(reverse("childrenincare:carers") + "?page=2").content.decode()


# --- Adding a carer -----------------------------------------------------------------------


class TestCarerNew:
    def test_adds_a_carer_and_goes_to_its_page(self, signed_in):
        assert signed_in.get(reverse("childrenincare:carer-new")).status_code == 200
        response = signed_in.post(reverse("childrenincare:carer-new"), carer_data())
        carer = Carer.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("childrenincare:carer", args=[carer.pk])
        assert carer.relationship_to_child == "Maternal aunt"
        assert carer.created_by is not None

    def test_bad_input_is_400_and_keeps_what_was_typed(self, signed_in):
        response = signed_in.post(
            reverse("childrenincare:carer-new"), carer_data(relationship_to_child="", urn="SC1", name="Jo Typedname")
        )
        body = refused(response, "An Ofsted unique reference number is 6 to 8 letters")
        assert "how the connected person is related" in body
        assert 'value="Jo Typedname"' in body
        assert not Carer.objects.exists()

    def test_goes_back_to_a_safe_next(self, signed_in, placed):
        back = reverse("childrenincare:placement", args=[placed.pk])
        response = signed_in.post(reverse("childrenincare:carer-new") + f"?next={back}", carer_data())
        carer = Carer.objects.get(urn="SC123456", name="Jo Testaunt", created_by__isnull=False)
        assert response.status_code == 302
        assert response["Location"] == f"{back}?carer={carer.pk}"

    @pytest.mark.parametrize("outside", ["https://evil.example/steal", "//evil.example/", "http:///evil.example"])
    def test_refuses_an_outside_next(self, signed_in, outside):
        response = signed_in.post(reverse("childrenincare:carer-new") + "?next=" + outside, carer_data())
        carer = Carer.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("childrenincare:carer", args=[carer.pk])
        assert "evil" not in signed_in.get(reverse("childrenincare:carer-new") + "?next=" + outside).content.decode()

    def test_from_the_child_links_a_relatives_record(self, signed_in, worker, child, known):
        aunt = record_person(
            None, kind="adult", given_names="Jo", family_name="Testaunt", date_of_birth=datetime.date(1980, 2, 3)
        )
        record_relationship(worker, child, aunt, relationship="other_relative")
        url = reverse("childrenincare:carer-new") + f"?child={child.pk}"
        body = signed_in.get(url).content.decode()
        assert "Jo Testaunt (born 3 February 1980)" in body
        refused(signed_in.post(url, carer_data(person="")), "has a record linked to the child")
        refused(signed_in.post(url, carer_data(person="999999")), "Select their record from the list")
        assert not Carer.objects.exists()
        signed_in.post(url, carer_data(person=str(aunt.pk), name=""))
        assert Carer.objects.get().person == aunt

    def test_a_child_the_user_may_not_see_is_the_audited_404(self, client, outsider, child):
        client.force_login(outsider)
        assert client.get(reverse("childrenincare:carer-new") + f"?child={child.pk}").status_code == 404
        assert client.get(reverse("childrenincare:carer-new") + "?child=abc").status_code == 404
        assert AuditEvent.objects.filter(action="denied", user=outsider).count() == 2

    def test_a_partner_may_not_post(self, client, partner):
        client.force_login(partner)
        assert client.post(reverse("childrenincare:carer-new"), carer_data()).status_code == 403
        assert not Carer.objects.exists()


# --- The carer's page and its approvals ---------------------------------------------------


class TestCarerPage:
    def test_shows_the_children_the_user_may_see_and_audits_each(self, signed_in, worker, child, kin, placed):
        response = signed_in.get(reverse("childrenincare:carer", args=[kin.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Jo Testaunt" in body
        assert child.full_name in body
        assert reverse("childrenincare:carer-temporary-approval", args=[kin.pk]) in body
        assert AuditEvent.objects.filter(action="view", object_id=str(kin.pk), person_id=child.pk).exists()

    def test_hides_a_child_the_user_may_not_see(self, client, outsider, child, kin, placed):
        client.force_login(outsider)
        response = client.get(reverse("childrenincare:carer", args=[kin.pk]))
        assert response.status_code == 200
        assert child.full_name not in response.content.decode()
        assert not AuditEvent.objects.filter(action="view", user=outsider, person_id=child.pk).exists()

    def test_a_missing_carer_is_a_404(self, signed_in):
        assert signed_in.get(reverse("childrenincare:carer", args=[999999])).status_code == 404

    def test_a_partner_reads_but_sees_no_actions(self, client, partner, kin):
        client.force_login(partner)
        body = client.get(reverse("childrenincare:carer", args=[kin.pk])).content.decode()
        assert "Jo Testaunt" in body
        assert "temporary-approval" not in body
        url = reverse("childrenincare:carer-temporary-approval", args=[kin.pk])
        assert client.post(url, date_data("on", TODAY())).status_code == 403

    def test_temporary_approval_then_extension_then_approval(self, signed_in, worker, child, kin, placed):
        url = reverse("childrenincare:carer-temporary-approval", args=[kin.pk])
        body = signed_in.get(url).content.decode()
        assert child.full_name in body
        assert "16 weeks" in body
        response = signed_in.post(url, {"child": str(child.pk), **date_data("on", TODAY() - 20 * DAY)})
        assert response.status_code == 302
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.TEMPORARY
        assert "temporary approval comes first" in signed_in.get(url).content.decode()

        url = reverse("childrenincare:carer-extension", args=[kin.pk])
        consulted = {
            "reasons": "Still the best placement",
            "panel_views": "The panel agrees",
            **date_data("panel_consulted_on", TODAY()),
            **date_data("iro_informed_on", TODAY()),
        }
        refused(signed_in.post(url, {**consulted, **date_data("on", TODAY() + DAY)}), "cannot be in the future")
        # Regulation 25(5): a nominated officer approves the extension.
        refused(signed_in.post(url, {**consulted, **date_data("on", TODAY())}), "Only a nominated officer")
        designate(worker)
        assert signed_in.post(url, {**consulted, **date_data("on", TODAY())}).status_code == 302
        assert Deadline.objects.get(rule_slug=kinship.EXTENSION_RULE, status="open").person == child
        assert "extended only once" in signed_in.get(url).content.decode()

        url = reverse("childrenincare:carer-approval", args=[kin.pk])
        assert signed_in.get(url).status_code == 200
        assert signed_in.post(url, date_data("on", TODAY())).status_code == 302
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.APPROVED

    def test_temporary_approval_refused_for_a_foster_carer(self, signed_in, worker, child):
        fosterer = foster_carer()
        looked_after(worker, child, TODAY() - 5 * DAY, placement=foster_placement(fosterer))
        url = reverse("childrenincare:carer-temporary-approval", args=[fosterer.pk])
        assert "Only a connected person" in signed_in.get(url).content.decode()
        refused(signed_in.post(url, {"child": str(child.pk), **date_data("on", TODAY())}), "Only a connected person")
        assert not Deadline.objects.filter(rule_slug=kinship.FIRST_RULE).exists()

    def test_temporary_approval_for_a_child_the_user_may_not_see_is_the_audited_404(
        self, client, outsider, child, kin, placed
    ):
        client.force_login(outsider)
        url = reverse("childrenincare:carer-temporary-approval", args=[kin.pk])
        assert client.get(url + f"?child={child.pk}").status_code == 404
        assert client.post(url, {"child": str(child.pk), **date_data("on", TODAY())}).status_code == 404
        assert AuditEvent.objects.filter(action="denied", user=outsider, person_id=child.pk).count() == 2
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.NOT_NEEDED

    def test_a_bad_date_is_400_and_nothing_saved(self, signed_in, child, kin, placed):
        url = reverse("childrenincare:carer-temporary-approval", args=[kin.pk])
        refused(
            signed_in.post(url, {"child": str(child.pk), **date_data("on", TODAY() + DAY)}),
            "date of the temporary approval cannot be in the future",
        )
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.NOT_NEEDED
        assert not Deadline.objects.filter(rule_slug=kinship.FIRST_RULE).exists()

    def test_end_the_approval(self, signed_in, worker, child, kin, placed):
        url = reverse("childrenincare:carer-end-approval", args=[kin.pk])
        assert "no approval to end" in signed_in.get(url).content.decode()
        kinship.approve_carer(worker, kin, on=TODAY() - DAY)
        refused(signed_in.post(url, date_data("on", TODAY())), "Give the reason the approval ended")
        assert signed_in.post(url, {**date_data("on", TODAY()), "reason": "Resigned"}).status_code == 302
        body = signed_in.get(reverse("childrenincare:carer", args=[kin.pk])).content.decode()
        assert "Approval ended" in body
        assert "children are still placed here" in body
        assert "Why the approval ended" in body
        assert "Resigned" in body

    def test_a_late_approval_asks_for_the_reason(self, signed_in, worker, child, kin):
        kinship.approve_temporarily(worker, kin, on=TODAY() - 120 * DAY, child=child)
        url = reverse("childrenincare:carer-approval", args=[kin.pk])
        assert "If the temporary approval had already ended" in signed_in.get(url).content.decode()
        refused(signed_in.post(url, date_data("on", TODAY())), "give the reason it is late")
        assert Carer.objects.get(pk=kin.pk).approval == Carer.Approval.TEMPORARY
        assert signed_in.post(url, {**date_data("on", TODAY()), "late_reason": "Panel postponed"}).status_code == 302


# --- The family network -------------------------------------------------------------------


class TestFamilyNetwork:
    def test_lists_and_adds(self, signed_in, worker, child, known):
        aunt = record_person(None, kind="adult", given_names="Jo", family_name="Testaunt")
        record_relationship(worker, child, aunt, relationship="other_relative")
        url = reverse("childrenincare:family-network", args=[child.pk])
        response = signed_in.get(url)
        assert response.status_code == 200
        assert "Jo Testaunt" in response.content.decode()
        response = signed_in.post(
            url, {"person": str(aunt.pk), "relationship": "Maternal aunt", "role": ROLE.POSSIBLE_CARER}
        )
        assert response.status_code == 302
        assert FamilyNetworkMember.objects.get().person == aunt
        body = signed_in.get(url).content.decode()
        assert "Possible carer" in body
        assert "Maternal aunt" in body
        assert (
            AuditEvent.objects.filter(
                action="view", person_id=child.pk, summary="Viewed the child's family network"
            ).count()
            == 2
        )

    def test_bad_input_is_400_and_nothing_saved(self, signed_in, child, known):
        url = reverse("childrenincare:family-network", args=[child.pk])
        body = refused(
            signed_in.post(url, {"relationship": "Neighbour typed", "role": ROLE.SUPPORT}),
            "Select their record, or enter the name",
        )
        assert 'value="Neighbour typed"' in body
        refused(
            signed_in.post(url, {"name": "Lee Testuncle", "relationship": "Uncle", "role": ROLE.RULED_OUT}),
            "why they were ruled out",
        )
        assert not FamilyNetworkMember.objects.exists()

    def test_change_a_role(self, signed_in, worker, child, known):
        member = kinship.add_family_network_member(
            worker, child, name="Lee Testuncle", relationship="Uncle", role=ROLE.POSSIBLE_CARER
        )
        url = reverse("childrenincare:family-network-member", args=[member.pk])
        assert signed_in.get(url).status_code == 200
        refused(signed_in.post(url, {"role": ROLE.POSSIBLE_CARER, "notes": ""}), "Nothing has changed")
        response = signed_in.post(url, {"role": ROLE.SUPPORT, "notes": "Weekend respite"})
        assert response.status_code == 302
        assert response["Location"] == reverse("childrenincare:family-network", args=[child.pk])
        member.refresh_from_db()
        assert member.role == ROLE.SUPPORT
        assert member.notes == "Weekend respite"

    def test_a_child_the_user_may_not_see_is_the_audited_404(self, client, worker, outsider, child):
        member = kinship.add_family_network_member(
            worker, child, name="Lee Testuncle", relationship="Uncle", role=ROLE.SUPPORT
        )
        client.force_login(outsider)
        assert client.get(reverse("childrenincare:family-network", args=[child.pk])).status_code == 404
        assert client.get(reverse("childrenincare:family-network-member", args=[member.pk])).status_code == 404
        assert (
            client.post(
                reverse("childrenincare:family-network-member", args=[member.pk]), {"role": ROLE.CONTACT}
            ).status_code
            == 404
        )
        assert client.get(reverse("childrenincare:family-network-member", args=[999999])).status_code == 404
        assert AuditEvent.objects.filter(action="denied", user=outsider).count() == 4
        assert FamilyNetworkMember.objects.get().role == ROLE.SUPPORT

    def test_a_partner_reads_but_may_not_post(self, client, worker, partner, child):
        member = kinship.add_family_network_member(
            worker, child, name="Lee Testuncle", relationship="Uncle", role=ROLE.SUPPORT
        )
        client.force_login(partner)
        url = reverse("childrenincare:family-network", args=[child.pk])
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Lee Testuncle" in body
        assert "Add someone" not in body
        assert (
            client.post(url, {"name": "Chris Testfriend", "relationship": "Friend", "role": ROLE.SUPPORT}).status_code
            == 403
        )
        assert (
            client.post(
                reverse("childrenincare:family-network-member", args=[member.pk]), {"role": ROLE.CONTACT}
            ).status_code
            == 403
        )
        assert FamilyNetworkMember.objects.count() == 1


class TestOnTheCareRecord:
    def test_the_care_record_shows_the_kinship_summary(self, signed_in, worker, child, kin, placed):
        kinship.approve_temporarily(worker, kin, on=TODAY() - 3 * DAY, child=child)
        response = signed_in.get(reverse("childrenincare:period", args=[placed.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Kinship care and family network" in body
        assert "Jo Testaunt" in body
        assert "Temporary approval ends" in body
        assert reverse("childrenincare:carer-extension", args=[kin.pk]) in body
        assert reverse("childrenincare:family-network", args=[child.pk]) in body
