"""The merging pages: the likely duplicates, comparing two records, merging or proposing, the
sign-off, a merge's page with "Undo this merge", and a tombstone's record leading to the survivor.
Each page is audited, and a child the user may not see in full answers "not found".
Everyone here is synthetic."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from partners.models import User
from people import services as people_services
from people.merging import services
from people.merging.models import DuplicateCheck, DuplicatePair, PersonMerge
from people.merging.selectors import pair_of
from people.models import Involvement, Person
from testing import builders
from testing.pages import audited, refused, saved, text, viewed

pytestmark = pytest.mark.django_db
NHS = "9434765919"


@pytest.fixture
def head(user, team):
    return user(User.Role.HEAD_OF_SERVICE, team=team)


@pytest.fixture
def second_head(user, team):
    return user(User.Role.HEAD_OF_SERVICE, team=team)


@pytest.fixture
def duplicate(db, team, child):
    other = builders.child()
    for person in (child, other):
        Involvement.objects.create(
            person=person, agency=team.agency, team=team, kind="Synthetic work", start_date=datetime.date(2024, 1, 1)
        )
    return other


@pytest.fixture
def pair(child, duplicate):
    check = services.request_duplicate_check(None, queue=False)
    services.keep_duplicate_pairs(
        check,
        [
            services.FoundPair(
                child.pk, duplicate.pk, 21.0, 0.99999, {"first_name": 7.1, "dob": 9.0, "nhs_number": 0.0, "prior": -5.0}
            )
        ],
        model_version=3,
        counts={"people": 2, "pairs": 1},
    )
    return pair_of(child, duplicate)


def _login(client, someone):
    client.force_login(someone)
    return client


# --- The tombstone ------------------------------------------------------------------------------


def test_a_merged_record_leads_to_the_survivor_with_a_notice_and_is_audited(client, worker, head, child, duplicate):
    people_services.add_identifier(worker, duplicate, id_type="NHS", value=NHS)
    services.merge_people(head, child, duplicate, reason="The same NHS number")
    _login(client, worker)
    response = client.get(reverse("people:detail", args=[duplicate.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/people/{child.pk}/?merged_from={duplicate.pk}"
    assert audited(
        user=worker,
        object_type="people.person",
        object_id=str(duplicate.pk),
        summary="Asked for a record merged into another: sent to that record",
    )
    page = text(client.get(response["Location"]))
    assert "was merged into this record" in page
    assert "Records merged into this one" in page
    assert NHS in page  # the tombstone's identifiers, shown on the survivor
    # Any page of the tombstone's goes there too, and nothing posted to one is saved.
    assert client.get(reverse("sharing:history", args=[duplicate.pk]))["Location"].startswith(f"/people/{child.pk}/")
    posted = client.post(reverse("people:alert-add", args=[duplicate.pk]), {"kind": "other", "detail": "Lost"})
    assert posted["Location"] == f"/people/{child.pk}/?merged_from={duplicate.pk}&unsaved=1"
    assert "What you entered was not saved" in text(client.get(posted["Location"]))
    assert not Person.objects.get(pk=duplicate.pk).alerts.exists()


def test_a_merged_record_is_not_found_by_someone_who_may_not_see_the_survivor(client, head, child, duplicate):
    services.merge_people(head, child, duplicate, reason="Same")
    outsider = User.objects.create_user(
        username="police", role=User.Role.PARTNER_PRACTITIONER, agency=builders.police()
    )
    _login(client, outsider)
    assert client.get(reverse("people:detail", args=[duplicate.pk])).status_code == 404


def test_the_api_answers_not_found_for_a_merged_record_and_finds_the_survivor_by_its_identifier(
    client, worker, head, child, duplicate
):
    services.merge_people(head, child, duplicate, reason="Same")
    _login(client, worker)
    assert client.get(f"/api/v1/people/{duplicate.pk}/").status_code == 404
    assert audited(
        user=worker,
        object_type="people.person",
        object_id=str(duplicate.pk),
        summary="Asked for a record merged into another: answered not found",
    )
    ci = duplicate.identifiers.get(id_type="CI").value
    found = client.get(f"/api/v1/children/{ci}/")
    assert found.status_code == 200
    assert found.json()["consistent_identifier"] == child.identifiers.get(id_type="CI").value


# --- The list, comparing and merging ----------------------------------------------------------


def test_the_likely_duplicates_are_listed_for_a_manager_and_audited(client, head, pair, child):
    page = text(_login(client, head).get(reverse("people:duplicates")))
    assert "Likely duplicates to review" in page
    assert reverse("people:merge-compare", args=[pair.first_id, pair.second_id]) in page
    assert "Very likely" in page
    assert viewed(head, "Viewed the likely duplicate records")


def test_a_practitioner_sees_only_the_pairs_they_see_in_full(client, user, la, pair):
    stranger = user(User.Role.SOCIAL_WORKER, team=builders.team(la, name="A team not involved"))
    page = text(_login(client, stranger).get(reverse("people:duplicates")))
    assert "No likely duplicates are waiting for review" in page


def test_comparing_shows_both_records_and_what_would_move_in_words(
    client, worker, head, manager, child, duplicate, pair
):
    builders.allocated_episode(worker, manager, duplicate, datetime.date.today() - datetime.timedelta(days=3))
    response = _login(client, head).get(reverse("people:merge-compare", args=[child.pk, duplicate.pk]))
    page = text(response)
    assert response.status_code == 200
    assert "The record to keep" in page
    assert "1 child-in-need episode (referral)" in page
    assert "Why the check found them" in page
    assert "Date of birth" in page
    assert 'class="app-key-facts__child"' in page  # a compact banner for each
    for person in (child, duplicate):
        assert audited(user=head, person_id=person.pk, summary="Compared two records to merge")


def test_merging_needs_a_reason_then_merges_and_shows_what_moved(client, head, child, duplicate, pair):
    _login(client, head)
    url = reverse("people:merge-compare", args=[child.pk, duplicate.pk])
    refused(client.post(url, {"reason": ""}), "Enter why these two records are the same person")
    response = client.post(url, {"reason": "The same NHS number and date of birth"})
    merge = PersonMerge.objects.get()
    saved(response, reverse("people:merge", args=[merge.pk]))
    assert merge.done
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.MERGED
    page = text(client.get(reverse("people:merge", args=[merge.pk])))
    assert "What moved" in page
    assert "Undo this merge" in page


def test_a_merge_that_would_clash_says_why_and_is_refused(client, worker, head, child, duplicate):
    people_services.record_relationship(worker, child, duplicate, relationship="sibling")
    _login(client, head)
    url = reverse("people:merge-compare", args=[child.pk, duplicate.pk])
    assert "These records cannot be merged now" in text(client.get(url))
    refused(client.post(url, {"reason": "Same"}), "are linked to each other by a relationship")


def test_a_record_the_user_may_not_see_in_full_is_not_found(client, user, la, child, duplicate):
    stranger = user(User.Role.SOCIAL_WORKER, team=builders.team(la, name="A team not involved"))
    _login(client, stranger)
    assert client.get(reverse("people:merge-compare", args=[child.pk, duplicate.pk])).status_code == 404
    assert audited(user=stranger, action="denied")


# --- Sign-off and undoing -----------------------------------------------------------------------


def test_a_practitioners_proposal_is_signed_off_by_a_manager_on_the_merge_page(
    client, worker, head, second_head, child, duplicate
):
    _login(client, worker)
    response = client.post(reverse("people:merge-compare", args=[child.pk, duplicate.pk]), {"reason": "Same child"})
    merge = PersonMerge.objects.get()
    saved(response, reverse("people:merge", args=[merge.pk]))
    assert merge.waiting
    page = text(client.get(reverse("people:merge", args=[merge.pk])))
    assert "Withdraw this proposal?" in page
    _login(client, head)
    url = reverse("people:merge", args=[merge.pk])
    assert "Do you sign off this merge?" in text(client.get(url))
    refused(client.post(url, {"decision": "", "note": ""}), "Select whether you sign off the merge")
    saved(client.post(url, {"decision": "sign_off", "note": "Checked"}), url)
    merge.refresh_from_db()
    assert merge.done
    assert merge.decided_by == head


def test_a_manager_undoes_a_merge_and_a_practitioner_may_not(client, worker, head, child, duplicate):
    merge = services.merge_people(head, child, duplicate, reason="Same")
    url = reverse("people:unmerge", args=[merge.pk])
    _login(client, worker)
    assert "Only a manager may undo a merge" in text(client.get(url))
    assert "Only a manager may undo a merge" in text(client.post(url, {"reason": "Wrong"}))
    _login(client, head)
    refused(client.post(url, {"reason": ""}), "Enter why the merge is being undone")
    saved(client.post(url, {"reason": "Twins"}), reverse("people:merge", args=[merge.pk]))
    merge.refresh_from_db()
    assert merge.status == PersonMerge.Status.UNMERGED
    assert client.get(reverse("people:detail", args=[duplicate.pk])).status_code == 200


def test_a_manager_records_two_likely_duplicates_as_different_people(client, head, pair):
    url = reverse("people:not-the-same", args=[pair.pk])
    _login(client, head)
    refused(client.post(url, {"reason": ""}), "Enter how you know they are not the same person")
    saved(client.post(url, {"reason": "Twins"}), reverse("people:duplicates"))
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_DUPLICATES


def test_a_manager_asks_for_a_check_now_and_a_practitioner_cannot(client, worker, head):
    _login(client, worker).post(reverse("people:duplicates-check"))
    assert not DuplicateCheck.objects.exists()
    _login(client, head).post(reverse("people:duplicates-check"))
    _login(client, head).post(reverse("people:duplicates-check"))
    assert DuplicateCheck.objects.count() == 1
    assert AuditEvent.objects.filter(summary="Asked for a check of the person index for duplicates").count() == 1
