"""Merging and unmerging people (issue 20, item 5): "a merge keeps the survivor's consistent
identifier, leaves the other as a tombstone that redirects, and records exactly which rows moved,
so that an unmerge restores them; identifiers are never changed or reused; every step audited
and in the chronology." Bad input: "A merge of two people who are both on restricted records, or
of a person with themselves, is refused."

Each refusal checks its message and that nothing changed. Everyone here is synthetic."""

import datetime

import pytest
from django.db import connection

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from kernel.rules import RuleBroken
from leavingcare.testing import historic_referral
from partners.models import User
from people import search as people_search
from people import services as people_services
from people.duplicates import likely_duplicates
from people.merging import kinds, rows, selectors, services
from people.merging.models import DuplicatePair, MovedRow, PersonMerge
from people.models import Identifier, Person, PersonDisability, RestrictedAccess
from people.tests.merging_helpers import identifier_owners, snapshot, with_history
from testing import builders

pytestmark = pytest.mark.django_db
NHS = "9434765919"


@pytest.fixture
def manager(user, team):
    """A head of service: a manager who sees every child's record in full."""
    return user(User.Role.HEAD_OF_SERVICE, team=team)


@pytest.fixture
def head(user, team):
    """A second manager, to sign off."""
    return user(User.Role.HEAD_OF_SERVICE, team=team)


def _involve(team, *people):
    from people.models import Involvement

    for person in people:
        Involvement.objects.create(
            person=person, agency=team.agency, team=team, kind="Synthetic work", start_date=datetime.date(2024, 1, 1)
        )


@pytest.fixture
def duplicate(db):
    """Alex Testchild recorded a second time (the `child` fixture is the first)."""
    return builders.child()


def _merge(manager, survivor, merged, reason="The same NHS number and date of birth"):
    return services.merge_people(manager, survivor, merged, reason=reason)


def _refused(call, message):
    before = (
        PersonMerge.objects.count(),
        MovedRow.objects.count(),
        Person.objects.filter(merged_into__isnull=False).count(),
    )
    with pytest.raises(RuleBroken) as broken:
        call()
    assert message in str(broken.value), str(broken.value)
    after = (
        PersonMerge.objects.count(),
        MovedRow.objects.count(),
        Person.objects.filter(merged_into__isnull=False).count(),
    )
    assert after == before
    return broken.value


# --- Refusals ---------------------------------------------------------------------------------


def test_a_record_is_never_merged_with_itself(manager, child):
    _refused(lambda: _merge(manager, child, child), "A record cannot be merged with itself")


def test_two_restricted_records_are_never_merged(manager, child, duplicate):
    Person.objects.filter(pk__in=[child.pk, duplicate.pk]).update(restricted=True)
    for person in (child, duplicate):
        RestrictedAccess.objects.create(person=person, user=manager)
    child.refresh_from_db()
    duplicate.refresh_from_db()
    _refused(lambda: _merge(manager, child, duplicate), "Both records are restricted")


def test_a_restricted_record_is_kept_never_merged_away(manager, head, child, duplicate):
    """One restricted record and one not: the restricted one must be the one kept (nothing
    restricted is opened to others), by a user named on it, and a second manager signs it off."""
    Person.objects.filter(pk=duplicate.pk).update(restricted=True)
    for someone in (manager, head):
        RestrictedAccess.objects.create(person=duplicate, user=someone)
    duplicate.refresh_from_db()
    _refused(lambda: _merge(manager, child, duplicate), "is restricted. Keep the restricted record")
    merge = services.propose_merge(manager, duplicate, child, reason="Same child")
    assert merge.waiting
    assert "the record to keep is restricted" in merge.sign_off_because
    services.sign_off_merge(head, merge)
    child.refresh_from_db()
    assert child.merged_into_id == duplicate.pk


def test_a_user_who_may_not_see_a_restricted_record_cannot_merge_it(manager, child, duplicate):
    """Not named on the restriction: even a head of service may not see it."""
    Person.objects.filter(pk=duplicate.pk).update(restricted=True)
    duplicate.refresh_from_db()
    _refused(
        lambda: services.propose_merge(manager, duplicate, child, reason="Same"),
        "only merge records you may see in full",
    )


def test_a_tombstone_is_never_merged_again(manager, child, duplicate):
    third = builders.child(given_names="Alexander")
    _merge(manager, child, duplicate)
    duplicate.refresh_from_db()
    _refused(lambda: _merge(manager, third, duplicate), "was merged into another record already")
    _refused(lambda: _merge(manager, duplicate, third), "was merged into another record already")


def test_a_child_and_an_adult_are_not_merged(manager, child):
    adult = builders.adult("Alex", "Testchild", datetime.date(1990, 1, 1), "M")
    _refused(lambda: _merge(manager, child, adult), "only two records of the same kind")


def test_an_adopted_childs_records_are_never_merged(manager, child, duplicate):
    """Item 6: the records from before and after an adoption order are kept apart."""
    from people.models import ParentalResponsibility

    adopter = builders.adult("Ada", "Adopter", datetime.date(1980, 1, 1), "F")
    ParentalResponsibility.objects.create(
        child=child, holder=adopter, basis=ParentalResponsibility.Basis.ADOPTION, start_date=datetime.date(2020, 1, 1)
    )
    _refused(lambda: _merge(manager, child, duplicate), "was adopted")
    _refused(lambda: _merge(manager, duplicate, child), "was adopted")


def test_people_recorded_as_related_are_not_merged(manager, worker, child, duplicate):
    """Twins recorded as siblings are two children: the merge would relate the survivor to themselves."""
    people_services.record_relationship(worker, child, duplicate, relationship="sibling")
    _refused(lambda: _merge(manager, child, duplicate), "are linked to each other by a relationship")


def test_both_with_an_open_episode_are_not_merged(worker, manager, child, duplicate):
    builders.allocated_episode(worker, manager, child, datetime.date.today() - datetime.timedelta(days=5))
    builders.allocated_episode(worker, manager, duplicate, datetime.date.today() - datetime.timedelta(days=5))
    _refused(lambda: _merge(manager, child, duplicate), "both have an open child-in-need episode")


def test_a_clash_on_a_record_held_once_is_refused(worker, manager, child, duplicate):
    from django.utils import timezone

    from exploitation import services as missing

    for person in (child, duplicate):
        missing.report_missing(
            worker, person, kind="M", missing_from="home", started_at=timezone.now() - datetime.timedelta(hours=3)
        )
    _refused(lambda: _merge(manager, child, duplicate), "both have an open missing episode")


def test_a_reason_is_needed(manager, child, duplicate):
    broken = _refused(lambda: services.merge_people(manager, child, duplicate, reason="  "), "Enter why")
    assert "reason" in broken.errors


# --- Moving and putting back --------------------------------------------------------------------


def test_a_merge_moves_the_rows_of_several_apps_and_an_unmerge_puts_back_exactly_those(
    worker, manager, child, duplicate, police_officer
):
    with_history(worker, manager, duplicate, police=police_officer.agency)
    people_services.add_identifier(worker, duplicate, id_type="NHS", value=NHS)
    mother = builders.adult("Morgan", "Testchild", datetime.date(1990, 2, 2), "F")
    people_services.record_relationship(worker, duplicate, mother, relationship="parent")
    before = snapshot([child, duplicate, mother])
    owners = identifier_owners()
    moving = rows.plan(child, duplicate)
    labels = set(moving.moved_counts)
    for label in (
        "frontdoor.referral",
        "familyhelp.assessment",
        "familyhelp.childinneedplan",
        "exploitation.missingepisode",
        "sharing.disclosure",
        "kernel.deadline",
        "chronology.chronologyentry",
        "people.personaddress",
        "people.relationship",
        "people.involvement",
    ):
        assert label in labels, label

    merge = _merge(manager, child, duplicate)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == child.pk
    after = snapshot([child, duplicate, mother])
    # Every moved row now points at the survivor; what stays with the tombstone is its identity.
    still_on_tombstone = {key for key, value in after.items() if value == duplicate.pk}
    assert {label for label, _, _ in still_on_tombstone} <= {
        "people.identifier",
        "people.personname",
        "people.namekey",
        "people.personmerge",
        "chronology.chronologyentry",  # the tombstone's "merged into" entry, made after the move
    }
    recorded = {(r.model, r.object_id, r.field) for r in merge.rows.filter(moved=True)}
    moved_keys = {key for key, value in before.items() if value == duplicate.pk and after.get(key) == child.pk}
    assert recorded == moved_keys
    assert identifier_owners() == owners

    services.unmerge_people(manager, merge, reason="They are twins after all")
    restored = snapshot([child, duplicate, mother])
    assert {key: restored.get(key) for key in before} == before
    new_rows = set(restored) - set(before)
    assert {label for label, _, _ in new_rows} <= {"chronology.chronologyentry", "people.personmerge"}
    assert identifier_owners() == owners
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    merge.refresh_from_db()
    assert merge.status == PersonMerge.Status.UNMERGED
    assert merge.not_restored == []


def test_identifiers_never_change_owner_and_the_survivor_keeps_its_consistent_identifier(
    worker, manager, child, duplicate
):
    people_services.add_identifier(worker, duplicate, id_type="NHS", value=NHS)
    ci = people_services.consistent_identifier(child)
    theirs = people_services.consistent_identifier(duplicate)
    owners = identifier_owners()
    _merge(manager, child, duplicate)
    assert identifier_owners() == owners
    assert people_services.consistent_identifier(Person.objects.get(pk=child.pk)) == ci
    assert Identifier.objects.get(id_type="CI", value=theirs).person_id == duplicate.pk
    assert Identifier.objects.get(id_type="NHS", value=NHS).person_id == duplicate.pk


def test_a_duplicate_fact_stays_with_the_tombstone_and_is_recorded(manager, child, duplicate):
    PersonDisability.objects.create(person=child, code="HAND")
    same = PersonDisability.objects.create(person=duplicate, code="HAND")
    other = PersonDisability.objects.create(person=duplicate, code="VIS")
    merge = _merge(manager, child, duplicate)
    same.refresh_from_db()
    other.refresh_from_db()
    assert same.person_id == duplicate.pk
    assert other.person_id == child.pk
    assert merge.kept == {"people.persondisability": 1}
    assert merge.rows.get(model="people.persondisability", object_id=str(same.pk)).moved is False
    services.unmerge_people(manager, merge, reason="Wrong")
    other.refresh_from_db()
    assert other.person_id == duplicate.pk


def test_a_row_deleted_since_the_merge_is_listed_when_it_is_undone(manager, child, duplicate):
    fact = PersonDisability.objects.create(person=duplicate, code="VIS")
    merge = _merge(manager, child, duplicate)
    PersonDisability.objects.filter(pk=fact.pk).delete()
    merge = services.unmerge_people(manager, merge, reason="Wrong")
    assert merge.not_restored == [
        {"model": "people.persondisability", "id": str(fact.pk), "field": "person_id", "why": "deleted since the merge"}
    ]


def test_a_chain_of_merges_keeps_every_tombstone_pointing_at_a_live_record(manager, child, duplicate):
    third = builders.child(given_names="Alexander")
    first = _merge(manager, duplicate, third)  # third into duplicate
    second = _merge(manager, child, duplicate)  # then duplicate into child
    third.refresh_from_db()
    assert third.merged_into_id == child.pk  # moved on with the rest
    _refused(lambda: services.unmerge_people(manager, first, reason="Wrong"), "undo that merge first")
    services.unmerge_people(manager, second, reason="Wrong")
    third.refresh_from_db()
    assert third.merged_into_id == duplicate.pk
    services.unmerge_people(manager, first, reason="Wrong too")
    third.refresh_from_db()
    assert third.merged_into_id is None


# --- Sign-off -----------------------------------------------------------------------------------


def test_a_merge_of_two_people_with_statutory_involvement_needs_a_second_manager(
    worker, manager, head, child, duplicate
):
    historic_referral(worker, child, datetime.date(2020, 1, 6), datetime.date(2020, 3, 1))
    historic_referral(worker, duplicate, datetime.date(2021, 1, 6), datetime.date(2021, 3, 1))
    _refused(lambda: _merge(manager, child, duplicate), "must be signed off by another manager")
    merge = services.propose_merge(manager, child, duplicate, reason="Same NHS number")
    assert merge.waiting
    assert merge.sign_off_because == "both have statutory involvement"
    _refused(lambda: services.sign_off_merge(manager, merge), "someone other than the person who proposed it")
    _refused(lambda: services.sign_off_merge(worker, merge), "Only a manager may sign off a merge")
    services.sign_off_merge(head, merge, note="Checked with the health visitor")
    merge.refresh_from_db()
    assert merge.done
    assert merge.decided_by == head
    _refused(lambda: services.sign_off_merge(head, merge), "not waiting for sign-off")


def test_a_practitioners_proposal_waits_for_a_manager(worker, team, manager, child, duplicate):
    _involve(team, child, duplicate)
    merge = services.propose_merge(worker, child, duplicate, reason="Same child")
    assert merge.waiting
    assert merge.sign_off_because == "it was proposed by someone who is not a manager"
    _refused(lambda: services.propose_merge(worker, child, duplicate, reason="Again"), "waiting for sign-off already")
    services.sign_off_merge(manager, merge)
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == child.pk


def test_a_declined_merge_changes_nothing_and_says_why(worker, team, manager, child, duplicate):
    _involve(team, child, duplicate)
    merge = services.propose_merge(worker, child, duplicate, reason="Same child")
    _refused(lambda: services.decline_merge(manager, merge, note=""), "Enter why the merge is not signed off")
    services.decline_merge(manager, merge, note="Different NHS numbers: twins")
    merge.refresh_from_db()
    assert merge.status == PersonMerge.Status.DECLINED
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None
    assert not MovedRow.objects.exists()


def test_only_a_manager_undoes_a_merge(worker, manager, child, duplicate):
    merge = _merge(manager, child, duplicate)
    _refused(lambda: services.unmerge_people(worker, merge, reason="Wrong"), "Only a manager may undo a merge")


# --- Audit and chronology -----------------------------------------------------------------------


def test_every_step_is_audited_and_in_both_chronologies(worker, team, manager, child, duplicate):
    _involve(team, child, duplicate)
    merge = services.propose_merge(worker, child, duplicate, reason="Same NHS number")
    services.sign_off_merge(manager, merge, note="Agreed")
    events = AuditEvent.objects.filter(object_type="people.personmerge", object_id=str(merge.pk)).order_by("id")
    summaries = [e.summary for e in events]
    assert summaries == [
        "Proposed merging two records of one person",
        "Signed off merging two records of one person",
        "Merged two records of one person",
    ]
    done = events.last()
    assert done.detail["rows"] == merge.rows.count()
    assert len(done.detail["rows_sha256"]) == 64
    assert AuditEvent.objects.filter(
        object_type="people.person", object_id=str(duplicate.pk), summary="Merged into another record"
    ).exists()
    for person in (child, duplicate):
        assert ChronologyEntry.objects.filter(person=person, kind="record-merged").count() == 1
    services.unmerge_people(manager, merge, reason="Twins")
    for person in (child, duplicate):
        assert ChronologyEntry.objects.filter(person=person, kind="record-unmerged").count() == 1
    assert AuditEvent.objects.filter(object_id=str(merge.pk), summary="Undid a merge of two records").exists()


# --- Finding the survivor -----------------------------------------------------------------------


def test_the_survivor_is_found_by_the_tombstones_identifiers_and_names_and_the_tombstone_is_not(worker, manager, child):
    other = builders.child(given_names="Alix", family_name="Testchilde")
    people_services.add_identifier(worker, other, id_type="NHS", value=NHS)
    _merge(manager, child, other)
    by_number = people_search.search_people(NHS, user=manager)
    assert [hit.person.pk for hit in by_number] == [child.pk]
    assert by_number[0].matched_on == "NHS number of a merged record"
    by_name = people_search.search_people("Alix Testchilde", user=manager)
    assert child.pk in [hit.person.pk for hit in by_name]
    assert other.pk not in [hit.person.pk for hit in by_name]
    found = likely_duplicates(given_names="Someone", family_name="Else", identifiers=[("NHS", NHS)])
    assert [c.person.pk for c in found] == [child.pk]
    assert selectors.live_ids([other.pk, child.pk]) == {other.pk: child.pk, child.pk: child.pk}


def test_the_linkage_index_leaves_the_tombstone_out_and_gives_the_survivor_its_names(worker, manager, child):
    from linkage.selectors import index_rows

    other = builders.child(given_names="Alix", family_name="Otherley")
    people_services.add_identifier(worker, other, id_type="NHS", value=NHS)
    _merge(manager, child, other)
    rows_by_id = {row["unique_id"]: row for row in index_rows()}
    assert str(other.pk) not in rows_by_id
    mine = rows_by_id[str(child.pk)]
    assert mine["nhs_number"] == NHS
    assert "otherley" in mine["family_names"]


def test_cp_is_finds_the_survivor_by_the_tombstones_nhs_number(worker, manager, child, duplicate):
    from sharing.cpis import _people

    people_services.add_identifier(worker, duplicate, id_type="NHS", value=NHS)
    _merge(manager, child, duplicate)
    assert [p.pk for p in _people(NHS, datetime.date.today())] == [child.pk]


def test_the_front_door_matches_the_survivor_by_the_tombstones_identifier(worker, manager, child, duplicate):
    from frontdoor import services as front_door

    people_services.add_identifier(worker, duplicate, id_type="NHS", value=NHS)
    _merge(manager, child, duplicate)
    found = front_door.match_or_record_people(
        worker,
        [front_door.PersonDetails(given_names="Alex", family_name="Testchild", identifiers={"NHS": NHS})],
    )
    assert found[0][0].pk == child.pk


def test_likely_duplicate_pairs_close_when_merged_and_open_again_when_undone(manager, child, duplicate):
    check = services.request_duplicate_check(None, queue=False)
    third = builders.child(given_names="Alec")
    services.keep_duplicate_pairs(
        check,
        [
            services.FoundPair(duplicate.pk, child.pk, 20.0, 0.99999, {"first_name": 5.0}),
            services.FoundPair(third.pk, duplicate.pk, 10.0, 0.999, {"first_name": 2.0}),
        ],
        model_version=1,
        counts={"people": 3},
    )
    pair = selectors.pair_of(child, duplicate)
    merge = services.merge_people(manager, child, duplicate, reason="Same", pair=pair)
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED
    assert selectors.pair_of(third, duplicate).status == DuplicatePair.Status.GONE
    services.unmerge_people(manager, merge, reason="Wrong")
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN


def test_a_check_keeps_decided_pairs_as_they_were(manager, child, duplicate):
    check = services.request_duplicate_check(None, queue=False)
    found = [services.FoundPair(child.pk, duplicate.pk, 20.0, 0.99999, {"first_name": 5.0})]
    services.keep_duplicate_pairs(check, found, model_version=1, counts={})
    pair = selectors.pair_of(child, duplicate)
    services.dismiss_pair(manager, pair, reason="Twins: different NHS numbers")
    again = services.request_duplicate_check(None, queue=False)
    services.keep_duplicate_pairs(again, found, model_version=1, counts={})
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_DUPLICATES
    assert again.counts["new"] == 0


def test_every_label_in_the_kinds_tables_names_a_model_and_field():
    for label in [*kinds.WORDS, *kinds.STATUTORY, *kinds.MAY_STAY, *kinds.NEVER_MOVED]:
        assert kinds.model_of(label) is not None, label
    for label, (field, _) in kinds.ONE_OPEN.items():
        assert kinds.model_of(label)._meta.get_field(field), label
    references = {ref.label for ref in rows.references()}
    assert "people.identifier" not in references
    assert "childrenincare.reunificationdecision_carers" in references  # a through table
    assert "people.person" in references  # tombstones merged into the merged record move on
    # Every kind that may move has words of its own, not Django's "person addresss".
    assert not references - set(kinds.WORDS), references - set(kinds.WORDS)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_merges_of_overlapping_people_cannot_both_succeed(user):
    """Two managers merge A into B and B into A at the same moment: both lock both records (in
    the order of their ids) and check again under the lock, so one waits and is then refused."""
    import threading

    la = builders.local_authority(name="Concurrency Council")
    team = builders.team(la, "Concurrency team")
    first_manager = user(User.Role.HEAD_OF_SERVICE, team=team)
    second_manager = user(User.Role.HEAD_OF_SERVICE, team=team)
    a, b = builders.child(), builders.child()
    outcomes = []
    barrier = threading.Barrier(2)

    def attempt(manager, survivor, merged):
        try:
            barrier.wait(timeout=10)
            services.merge_people(manager, survivor, merged, reason="Same child")
            outcomes.append("merged")
        except RuleBroken as broken:
            outcomes.append(str(broken))
        finally:
            connection.close()  # the thread's own connection

    threads = [
        threading.Thread(target=attempt, args=(first_manager, a, b)),
        threading.Thread(target=attempt, args=(second_manager, b, a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("merged") == 1, outcomes
    assert any("was merged into another record already" in outcome for outcome in outcomes), outcomes
    assert Person.objects.filter(pk__in=[a.pk, b.pk], merged_into__isnull=False).count() == 1
    assert PersonMerge.objects.filter(status="merged").count() == 1
