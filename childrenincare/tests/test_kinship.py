"""Kinship care rules (childrenincare.kinship): carers and providers, the temporary approval
of a connected person (16 weeks, once extended by 8 from the end of the first), full
approval, the end of an approval, the family network and the care page's summary."""

import datetime

import pytest

from audit.models import AuditEvent
from childrenincare import services
from childrenincare.kinship import services as kinship
from childrenincare.models import Carer, FamilyNetworkMember
from childrenincare.testing import foster_carer, foster_placement, looked_after
from chronology.models import ChronologyEntry
from kernel.models import Deadline
from kernel.rules import RuleBroken
from people.services import record_person, record_relationship

DAY = datetime.timedelta(days=1)
TODAY = datetime.date.today
ROLE = FamilyNetworkMember.Role


def broken(call, field, words):
    with pytest.raises(RuleBroken) as caught:
        call()
    messages = " ".join(caught.value.errors.get(field, []))
    assert words in messages, caught.value.errors
    return caught.value.errors


def consulted(on):
    """What reg 25(4) asks before an extension: the panel's views sought and the IRO informed
    on or before `on`, and why the placement is still the most appropriate."""
    return {
        "panel_consulted_on": on,
        "panel_views": "The panel supports an extension while the assessment ends.",
        "reasons": "The child is settled with their aunt; no other placement would be better.",
        "iro_informed_on": on,
    }


def connected(name="Jo Testaunt", **fields):
    return foster_carer(name=name, kind=Carer.Kind.CONNECTED_PERSON, relationship_to_child="Maternal aunt", **fields)


@pytest.fixture
def aunt(db):
    return record_person(
        None, kind="adult", given_names="Jo", family_name="Testaunt", date_of_birth=datetime.date(1980, 2, 3)
    )


@pytest.fixture
def kin(db):
    return connected()


@pytest.fixture
def placed(worker, child, kin):
    """The child looked after from 60 days ago, placed with a connected person (U3)."""
    return looked_after(worker, child, TODAY() - 60 * DAY, placement=foster_placement(kin, place="U3"))


# --- Adding carers ------------------------------------------------------------------------


class TestAddCarer:
    def test_a_connected_person_linked_to_their_record(self, worker, child, aunt):
        record_relationship(worker, child, aunt, relationship="other_relative", description="Maternal aunt")
        carer = kinship.add_carer(
            worker,
            kind=Carer.Kind.CONNECTED_PERSON,
            name="",
            provider="PR1",
            urn="sc123456",
            postcode="te1 1aa",
            person=aunt,
            relationship_to_child="Maternal aunt",
            child=child,
        )
        assert carer.name == "Jo Testaunt"
        assert carer.person == aunt
        assert carer.urn == "SC123456"
        assert carer.postcode == "TE1 1AA"
        assert carer.approval == Carer.Approval.NOT_NEEDED
        assert kinship.approval_label(carer) == "Not approved yet"
        assert AuditEvent.objects.filter(action="create", object_id=str(carer.pk), person_id=child.pk).exists()
        assert ChronologyEntry.objects.filter(person=child, kind="kinship").exists()

    def test_a_connected_person_needs_their_relationship_to_the_child(self, worker):
        broken(
            lambda: kinship.add_carer(worker, kind=Carer.Kind.CONNECTED_PERSON, name="Jo Testaunt", provider="PR1"),
            "relationship_to_child",
            "how the connected person is related",
        )

    def test_a_record_the_childs_record_holds_must_be_linked(self, worker, child, aunt):
        record_relationship(worker, child, aunt, relationship="other_relative")
        broken(
            lambda: kinship.add_carer(
                worker,
                kind=Carer.Kind.CONNECTED_PERSON,
                name="jo testaunt",
                provider="PR1",
                relationship_to_child="Aunt",
                child=child,
            ),
            "person",
            "has a record linked to the child's",
        )
        assert not Carer.objects.exists()

    @pytest.mark.parametrize("urn", ["SC12", "SC1234567", "SC-1234"])
    def test_an_ofsted_urn_is_6_to_8_letters_and_numbers(self, worker, urn):
        broken(
            lambda: kinship.add_carer(worker, kind=Carer.Kind.CHILDRENS_HOME, name="Testhome", provider="PR4", urn=urn),
            "urn",
            "6 to 8 letters and numbers",
        )

    def test_the_provider_is_a_code_of_the_list(self, worker):
        broken(
            lambda: kinship.add_carer(worker, kind=Carer.Kind.LA_FOSTER_CARER, name="Testfoster", provider="PR9"),
            "provider",
            "Select the provider",
        )
        broken(
            lambda: kinship.add_carer(worker, kind=Carer.Kind.LA_FOSTER_CARER, name="Testfoster", provider=""),
            "provider",
            "Select the provider",
        )

    def test_a_parents_provider_is_pr0_and_only_a_parents(self, worker):
        parent = kinship.add_carer(worker, kind=Carer.Kind.PARENT, name="Pat Testparent")
        assert parent.provider == "PR0"
        broken(
            lambda: kinship.add_carer(worker, kind=Carer.Kind.PARENT, name="Pat Testparent", provider="PR1"),
            "provider",
            "(PR0)",
        )
        broken(
            lambda: kinship.add_carer(worker, kind=Carer.Kind.LA_FOSTER_CARER, name="Testfoster", provider="PR0"),
            "provider",
            "only for a parent",
        )

    def test_a_home_is_not_linked_to_a_persons_record(self, worker, aunt):
        broken(
            lambda: kinship.add_carer(
                worker, kind=Carer.Kind.CHILDRENS_HOME, name="Testhome", provider="PR4", person=aunt
            ),
            "person",
            "only for a connected person",
        )

    def test_a_person_is_one_carer(self, worker, aunt):
        kinship.add_carer(
            worker, kind=Carer.Kind.CONNECTED_PERSON, name="", provider="PR1", person=aunt, relationship_to_child="Aunt"
        )
        broken(
            lambda: kinship.add_carer(
                worker,
                kind=Carer.Kind.CONNECTED_PERSON,
                name="",
                provider="PR1",
                person=aunt,
                relationship_to_child="Aunt",
            ),
            "person",
            "already recorded as a carer",
        )

    def test_a_child_is_not_a_carer(self, worker, sibling):
        broken(
            lambda: kinship.add_carer(
                worker,
                kind=Carer.Kind.CONNECTED_PERSON,
                name="",
                provider="PR1",
                person=sibling,
                relationship_to_child="Sister",
            ),
            "person",
            "under 18",
        )

    def test_kind_name_and_postcode(self, worker):
        errors = broken(
            lambda: kinship.add_carer(worker, kind="nanny", name="  ", provider="PR1", postcode="NOT A CODE"),
            "kind",
            "Select the kind",
        )
        assert "name" in errors
        assert "postcode" in errors


# --- Temporary approval (reg 24) and its extension (reg 25) -------------------------------


class TestTemporaryApproval:
    def test_sixteen_weeks_then_eight_more_from_the_end_of_the_first(self, worker, child, kin, nominated_officer):
        period = looked_after(worker, child, datetime.date(2026, 3, 2), placement=foster_placement(kin, place="U3"))
        kinship.approve_temporarily(worker, kin, on=datetime.date(2026, 3, 2), child=child)
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.TEMPORARY
        assert kin.temporarily_approved_on == datetime.date(2026, 3, 2)
        first = Deadline.objects.get(rule_slug=kinship.FIRST_RULE)
        # Monday 2 March 2026 + 16 weeks (112 days: 29 to 31 March, 30 in April, 31 in May, 22 in June)
        # = Monday 22 June 2026.
        assert first.due_date == datetime.date(2026, 6, 22)
        assert first.person == child
        assert first.subject_id == kin.pk
        assert first.episode == period.episode
        assert first.status == Deadline.Status.OPEN

        kinship.extend_temporary_approval(
            nominated_officer, kin, on=datetime.date(2026, 6, 15), child=child, **consulted(datetime.date(2026, 6, 15))
        )
        first.refresh_from_db()
        assert first.status == Deadline.Status.WITHDRAWN
        extension = Deadline.objects.get(rule_slug=kinship.EXTENSION_RULE)
        # From the end of the first approval, Monday 22 June 2026, + 8 weeks (56 days: 8 to 30 June,
        # 31 in July, 17 in August) = Monday 17 August 2026; not 8 weeks from the extension (10 August).
        assert extension.start_date == datetime.date(2026, 6, 22)
        assert extension.due_date == datetime.date(2026, 8, 17)
        assert extension.person == child
        assert extension.episode == period.episode
        kin.refresh_from_db()
        assert kin.temporary_approval_extended_on == datetime.date(2026, 6, 15)
        titles = list(ChronologyEntry.objects.filter(person=child, kind="kinship").values_list("title", flat=True))
        assert any("temporarily approved" in t for t in titles)
        assert any("extended" in t for t in titles)
        assert AuditEvent.objects.filter(action="update", object_id=str(kin.pk), person_id=child.pk).count() == 2

    def test_without_a_period_of_care_the_due_date_has_no_episode(self, worker, child, kin):
        kinship.approve_temporarily(worker, kin, on=TODAY(), child=child)
        due = Deadline.objects.get(rule_slug=kinship.FIRST_RULE)
        assert due.episode is None
        assert due.person == child

    def test_only_a_connected_person(self, worker, child):
        fosterer = foster_carer()
        broken(
            lambda: kinship.approve_temporarily(worker, fosterer, on=TODAY(), child=child),
            "__all__",
            "Only a connected person",
        )
        assert not Deadline.objects.filter(rule_slug=kinship.FIRST_RULE).exists()

    def test_not_in_the_future_and_for_a_child(self, worker, child, kin, aunt):
        broken(
            lambda: kinship.approve_temporarily(worker, kin, on=TODAY() + DAY, child=child),
            "on",
            "cannot be in the future",
        )
        broken(lambda: kinship.approve_temporarily(worker, kin, on=TODAY(), child=None), "child", "Select the child")
        broken(lambda: kinship.approve_temporarily(worker, kin, on=TODAY(), child=aunt), "child", "Select a child")
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.NOT_NEEDED

    def test_once(self, worker, child, kin):
        kinship.approve_temporarily(worker, kin, on=TODAY(), child=child)
        broken(
            lambda: kinship.approve_temporarily(worker, kin, on=TODAY(), child=child),
            "__all__",
            "already temporarily approved",
        )

    def test_extend_only_a_temporary_approval(self, worker, child, kin, nominated_officer):
        broken(
            lambda: kinship.extend_temporary_approval(
                nominated_officer, kin, on=TODAY(), child=child, **consulted(TODAY())
            ),
            "__all__",
            "is not temporarily approved",
        )

    def test_extend_only_once(self, worker, child, kin, nominated_officer):
        kinship.approve_temporarily(worker, kin, on=TODAY() - 10 * DAY, child=child)
        kinship.extend_temporary_approval(nominated_officer, kin, on=TODAY(), child=child, **consulted(TODAY()))
        broken(
            lambda: kinship.extend_temporary_approval(
                nominated_officer, kin, on=TODAY(), child=child, **consulted(TODAY())
            ),
            "__all__",
            "extended only once",
        )
        assert Deadline.objects.filter(rule_slug=kinship.EXTENSION_RULE).count() == 1

    def test_extend_before_it_ends_and_not_before_it_began(self, worker, child, kin, nominated_officer):
        kinship.approve_temporarily(worker, kin, on=datetime.date(2026, 3, 2), child=child)
        broken(
            lambda: kinship.extend_temporary_approval(
                nominated_officer,
                kin,
                on=datetime.date(2026, 6, 23),
                child=child,
                **consulted(datetime.date(2026, 6, 23)),
            ),
            "on",
            "ended on 22 June 2026",
        )
        broken(
            lambda: kinship.extend_temporary_approval(
                nominated_officer,
                kin,
                on=datetime.date(2026, 3, 1),
                child=child,
                **consulted(datetime.date(2026, 3, 1)),
            ),
            "on",
            "cannot be before the temporary approval",
        )
        assert Deadline.objects.get(rule_slug=kinship.FIRST_RULE).status == Deadline.Status.OPEN

    # Regulation 25(4) and (5): "Before deciding whether to extend the temporary approval ... the
    # responsible authority must first (a) consider whether placement with the connected person is
    # still the most appropriate placement available, (b) seek the views of the fostering panel
    # ..., and (c) inform the IRO"; "A decision to extend temporary approval must be approved by a
    # nominated officer."

    def test_an_extension_is_approved_by_a_nominated_officer(self, worker, child, kin, nominated_officer):
        kinship.approve_temporarily(worker, kin, on=datetime.date(2026, 9, 7), child=child)
        # A social worker, or anyone else, may not: refused, and nothing changes.
        broken(
            lambda: kinship.extend_temporary_approval(
                worker, kin, on=datetime.date(2026, 12, 1), child=child, **consulted(datetime.date(2026, 11, 30))
            ),
            "__all__",
            "Only a nominated officer may approve the extension of a temporary approval (Care Planning "
            "Regulations 2010 reg 25(5))",
        )
        kin.refresh_from_db()
        assert kin.temporary_approval_extended_on is None
        assert Deadline.objects.get(rule_slug=kinship.FIRST_RULE).status == Deadline.Status.OPEN
        assert not Deadline.objects.filter(rule_slug=kinship.EXTENSION_RULE).exists()
        # The nominated officer extends it: 7 September 2026 + 16 weeks = 28 December 2026; then
        # 8 weeks from that day (not from the decision) = 22 February 2027.
        kinship.extend_temporary_approval(
            nominated_officer, kin, on=datetime.date(2026, 12, 1), child=child, **consulted(datetime.date(2026, 11, 30))
        )
        kin.refresh_from_db()
        assert kin.temporary_approval_extended_by == nominated_officer
        assert kin.extension_panel_consulted_on == datetime.date(2026, 11, 30)
        assert kin.extension_iro_informed_on == datetime.date(2026, 11, 30)
        assert "panel supports" in kin.extension_panel_views
        assert "settled" in kin.extension_reasons
        extension = Deadline.objects.get(rule_slug=kinship.EXTENSION_RULE)
        assert extension.start_date == datetime.date(2026, 12, 28)
        assert extension.due_date == datetime.date(2027, 2, 22)

    def test_a_designation_that_ended_does_not_count(self, worker, child, kin, user):
        from childrenincare.testing import designate
        from partners.models import User

        former = user(User.Role.HEAD_OF_SERVICE, agency=worker.agency, team=None)
        found = designate(former)
        found.valid_to = datetime.date(2026, 11, 1)
        found.save()
        kinship.approve_temporarily(worker, kin, on=datetime.date(2026, 9, 7), child=child)
        broken(
            lambda: kinship.extend_temporary_approval(
                former, kin, on=datetime.date(2026, 12, 1), child=child, **consulted(datetime.date(2026, 11, 30))
            ),
            "__all__",
            "Only a nominated officer",
        )

    def test_the_panel_is_consulted_and_the_iro_informed_first(self, worker, child, kin, nominated_officer):
        kinship.approve_temporarily(worker, kin, on=datetime.date(2026, 9, 7), child=child)
        on = datetime.date(2026, 12, 1)
        cases = [
            (
                {"panel_consulted_on": None},
                "panel_consulted_on",
                "Enter the date the fostering panel's views were sought",
            ),
            (
                {"panel_consulted_on": datetime.date(2026, 12, 2)},
                "panel_consulted_on",
                "before the extension is decided",
            ),
            ({"panel_views": "  "}, "panel_views", "Record the fostering panel's views"),
            ({"reasons": ""}, "reasons", "still the most appropriate placement available (reg 25(4)(a))"),
            ({"iro_informed_on": None}, "iro_informed_on", "Enter the date the IRO was informed"),
            ({"iro_informed_on": datetime.date(2026, 12, 2)}, "iro_informed_on", "The IRO is informed before"),
        ]
        for change, field, words in cases:
            arguments = {**consulted(datetime.date(2026, 11, 30)), **change}
            broken(
                lambda: kinship.extend_temporary_approval(nominated_officer, kin, on=on, child=child, **arguments),
                field,
                words,
            )
        kin.refresh_from_db()
        assert kin.temporary_approval_extended_on is None
        assert kin.extension_panel_views == ""
        assert Deadline.objects.get(rule_slug=kinship.FIRST_RULE).status == Deadline.Status.OPEN

    def test_extend_for_the_same_child(self, worker, child, sibling, kin, nominated_officer):
        kinship.approve_temporarily(worker, kin, on=TODAY(), child=child)
        broken(
            lambda: kinship.extend_temporary_approval(
                nominated_officer, kin, on=TODAY(), child=sibling, **consulted(TODAY())
            ),
            "child",
            "another child",
        )

    def test_a_temporarily_approved_carer_is_visited_weekly(self, worker, child, kin, placed):
        from childrenincare import visits

        kinship.approve_temporarily(worker, kin, on=TODAY() - 50 * DAY, child=child)
        placement, status = services.current_placement(placed), services.current_legal_status(placed)
        assert visits.next_visit_rule(placed, placement, status, TODAY()) == visits.WEEKLY


# --- Approval and its end -----------------------------------------------------------------


class TestApproval:
    def test_approval_meets_the_temporary_approval_due_date(self, worker, child, kin, placed):
        kinship.approve_temporarily(worker, kin, on=TODAY() - 50 * DAY, child=child)
        kinship.approve_carer(worker, kin, on=TODAY() - DAY)
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.APPROVED
        assert kin.approved_on == TODAY() - DAY
        due = Deadline.objects.get(rule_slug=kinship.FIRST_RULE)
        assert due.status == Deadline.Status.MET
        assert due.done_on == TODAY() - DAY
        assert not due.late
        assert ChronologyEntry.objects.filter(person=child, title__contains="approved as a foster carer").exists()

    def test_after_the_temporary_approval_ended_it_needs_the_reason(self, worker, child, kin):
        kinship.approve_temporarily(worker, kin, on=TODAY() - 120 * DAY, child=child)
        broken(lambda: kinship.approve_carer(worker, kin, on=TODAY()), "late_reason", "give the reason it is late")
        kinship.approve_carer(worker, kin, on=TODAY(), late_reason="Panel postponed")
        due = Deadline.objects.get(rule_slug=kinship.FIRST_RULE)
        assert due.late
        assert due.late_reason == "Panel postponed"

    def test_approval_of_a_foster_carer_without_temporary_approval(self, worker):
        fosterer = foster_carer()
        kinship.approve_carer(worker, fosterer, on=TODAY())
        assert Carer.objects.get(pk=fosterer.pk).approval == Carer.Approval.APPROVED

    def test_not_in_the_future_nor_before_the_temporary_approval(self, worker, child, kin):
        broken(lambda: kinship.approve_carer(worker, kin, on=TODAY() + DAY), "on", "cannot be in the future")
        kinship.approve_temporarily(worker, kin, on=TODAY() - 5 * DAY, child=child)
        broken(lambda: kinship.approve_carer(worker, kin, on=TODAY() - 6 * DAY), "on", "before the temporary approval")

    def test_not_a_home_nor_twice_nor_an_ended_carer(self, worker, kin):
        home = foster_carer(name="Testhome", kind=Carer.Kind.CHILDRENS_HOME, provider="PR4")
        broken(lambda: kinship.approve_carer(worker, home, on=TODAY()), "__all__", "Only a foster carer")
        kinship.approve_carer(worker, kin, on=TODAY() - DAY)
        broken(lambda: kinship.approve_carer(worker, kin, on=TODAY()), "__all__", "already approved")
        kinship.end_approval(worker, kin, on=TODAY(), reason="Resigned")
        broken(lambda: kinship.approve_carer(worker, kin, on=TODAY()), "__all__", "approval ended on")

    def test_end_an_approval(self, worker, child, kin, placed):
        kinship.approve_temporarily(worker, kin, on=TODAY() - 10 * DAY, child=child)
        kinship.end_approval(worker, kin, on=TODAY(), reason="  The assessment did not recommend approval ")
        kin.refresh_from_db()
        assert kin.approval == Carer.Approval.ENDED
        assert kin.approval_ended_on == TODAY()
        assert Deadline.objects.get(rule_slug=kinship.FIRST_RULE).status == Deadline.Status.WITHDRAWN
        entry = ChronologyEntry.objects.get(person=child, title__startswith="Approval of")
        assert entry.detail == "The assessment did not recommend approval"
        broken(lambda: kinship.end_approval(worker, kin, on=TODAY(), reason="Again"), "__all__", "already ended")

    def test_no_approval_to_end_before_approval(self, worker, kin):
        broken(
            lambda: kinship.end_approval(worker, kin, on=TODAY(), reason="Resigned"), "__all__", "no approval to end"
        )

    def test_the_end_needs_a_reason_and_a_date_after_the_approval(self, worker, kin):
        kinship.approve_carer(worker, kin, on=TODAY() - 5 * DAY)
        broken(lambda: kinship.end_approval(worker, kin, on=TODAY(), reason=" "), "reason", "Give the reason")
        broken(
            lambda: kinship.end_approval(worker, kin, on=TODAY() - 6 * DAY, reason="Resigned"),
            "on",
            "cannot be before the approval",
        )
        broken(lambda: kinship.end_approval(worker, kin, on=TODAY() + DAY, reason="Resigned"), "on", "future")


# --- The family network -------------------------------------------------------------------


class TestFamilyNetwork:
    def test_a_record_or_a_name(self, worker, child, aunt):
        member = kinship.add_family_network_member(
            worker, child, person=aunt, relationship="Maternal aunt", role=ROLE.POSSIBLE_CARER
        )
        other = kinship.add_family_network_member(
            worker,
            child,
            name=" Chris Testfriend ",
            relationship="Family friend",
            role=ROLE.SUPPORT,
            notes="Can do school runs",
        )
        assert member.person == aunt
        assert member.added_by == worker
        assert member.added_on == TODAY()
        assert other.name == "Chris Testfriend"
        assert kinship.member_name(other) == "Chris Testfriend"
        assert ChronologyEntry.objects.filter(person=child, kind="kinship").count() == 2
        assert AuditEvent.objects.filter(action="create", object_id=str(member.pk), person_id=child.pk).exists()

    def test_not_both_not_neither(self, worker, child, aunt):
        broken(
            lambda: kinship.add_family_network_member(
                worker, child, person=aunt, name="Jo", relationship="Aunt", role=ROLE.SUPPORT
            ),
            "name",
            "not both",
        )
        broken(
            lambda: kinship.add_family_network_member(worker, child, relationship="Aunt", role=ROLE.SUPPORT),
            "person",
            "Select their record, or enter the name",
        )
        assert not FamilyNetworkMember.objects.exists()

    def test_no_duplicates(self, worker, child, aunt):
        kinship.add_family_network_member(worker, child, person=aunt, relationship="Aunt", role=ROLE.SUPPORT)
        kinship.add_family_network_member(
            worker, child, name="Chris Testfriend", relationship="Friend", role=ROLE.SUPPORT
        )
        broken(
            lambda: kinship.add_family_network_member(
                worker, child, person=aunt, relationship="Aunt", role=ROLE.CONTACT
            ),
            "person",
            "already in the child's",
        )
        broken(
            lambda: kinship.add_family_network_member(
                worker, child, name="chris testfriend", relationship="Friend", role=ROLE.CONTACT
            ),
            "name",
            "already in the child's",
        )

    def test_relationship_role_and_the_child_themselves(self, worker, child):
        errors = broken(
            lambda: kinship.add_family_network_member(worker, child, person=child, relationship=" ", role="cousin"),
            "person",
            "their own family network",
        )
        assert "relationship" in errors
        assert "role" in errors

    def test_ruled_out_needs_the_reason(self, worker, child):
        broken(
            lambda: kinship.add_family_network_member(
                worker, child, name="Lee Testuncle", relationship="Uncle", role=ROLE.RULED_OUT
            ),
            "notes",
            "why they were ruled out",
        )

    def test_change_the_role(self, worker, child):
        member = kinship.add_family_network_member(
            worker, child, name="Lee Testuncle", relationship="Uncle", role=ROLE.POSSIBLE_CARER
        )
        broken(
            lambda: kinship.change_network_role(worker, member, role=ROLE.RULED_OUT, notes=""),
            "notes",
            "why they were ruled out",
        )
        broken(
            lambda: kinship.change_network_role(worker, member, role=ROLE.POSSIBLE_CARER, notes=""),
            "role",
            "Nothing has changed",
        )
        kinship.change_network_role(worker, member, role=ROLE.RULED_OUT, notes="Viability assessment negative")
        member.refresh_from_db()
        assert member.role == ROLE.RULED_OUT
        assert member.notes == "Viability assessment negative"
        event = AuditEvent.objects.filter(action="update", object_id=str(member.pk)).get()
        assert event.person_id == child.pk


# --- The care page's summary --------------------------------------------------------------


class TestSummary:
    def test_network_carers_now_and_kinship_outcomes(self, worker, child, kin, aunt):
        earlier = looked_after(worker, child, TODAY() - 400 * DAY, legal_status="C2")
        services.cease_care(worker, earlier, on=TODAY() - 300 * DAY, reason="E45")
        looked_after(worker, child, TODAY() - 60 * DAY, placement=foster_placement(kin, place="U3"))
        kinship.approve_temporarily(worker, kin, on=TODAY() - 50 * DAY, child=child)
        kinship.add_family_network_member(worker, child, person=aunt, relationship="Aunt", role=ROLE.CARER)
        kinship.add_family_network_member(worker, child, name="Lee Testuncle", relationship="Uncle", role=ROLE.SUPPORT)
        found = kinship.summary(child)
        assert [group["label"] for group in found["network"]] == [
            "Caring for the child",
            "Support for the child or carers",
        ]
        assert found["network"][0]["members"][0]["name"] == "Jo Testaunt"
        [row] = found["carers"]
        assert row["carer"] == kin
        assert row["approval"] == "Temporarily approved (regulation 24)"
        # 50 days ago + 16 weeks (112 days) = 62 days from today.
        assert row["ends"].due_date == TODAY() + 62 * DAY
        assert row["may_extend"]
        [outcome] = found["outcomes"]
        assert outcome["code"] == "E45"
        assert outcome["order"] == "Special guardianship order"

    def test_a_foster_placement_is_not_kinship_care(self, worker, child):
        looked_after(worker, child, TODAY() - 10 * DAY)
        found = kinship.summary(child)
        assert found["carers"] == []
        assert found["network"] == []
        assert found["outcomes"] == []

    def test_the_summary_renders(self, rf, worker, child, kin):
        from django.template.loader import render_to_string

        period = looked_after(worker, child, TODAY() - 10 * DAY, placement=foster_placement(kin, place="U3"))
        kinship.add_family_network_member(worker, child, name="Lee Testuncle", relationship="Uncle", role=ROLE.SUPPORT)
        request = rf.get("/")
        request.user = worker
        html = render_to_string(
            "childrenincare/kinship/_summary.html",
            {"kinship": kinship.summary(child), "period": period, "person": child, "may_change": True},
            request=request,
        )
        assert "Jo Testaunt" in html
        assert "Lee Testuncle" in html
        assert "Not approved yet" in html
        assert f"/children-in-care/carers/{kin.pk}/temporary-approval/?child={child.pk}" in html
        assert f"/children-in-care/people/{child.pk}/family-network/" in html
        html = render_to_string(
            "childrenincare/kinship/_summary.html",
            {"kinship": kinship.summary(child), "period": period, "person": child, "may_change": False},
            request=request,
        )
        assert "temporary-approval" not in html
        assert "Lee Testuncle" in html
