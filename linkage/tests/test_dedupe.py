"""The periodic de-duplication of the person index (issue 20, item 5): likely duplicates within
the index, found with the approved model, kept for a manager to review, never merged; twins are
not proposed; restricted records and tombstones are not in the index. Everyone is synthetic."""

import datetime

import pytest
from django.core.management import call_command

from linkage import dedupe, scoring, services
from people import services as people_services
from people.merging import services as merging
from people.merging.models import DuplicateCheck, DuplicatePair, PersonMerge
from people.models import Person
from testing import builders

pytestmark = pytest.mark.django_db
HOME = {"line_1": "7 Synthetic Close", "line_2": "", "town": "Testshire", "postcode": "LS28 7FL"}
ELSEWHERE = {"line_1": "9 Made Up Road", "line_2": "", "town": "Testshire", "postcode": "LS6 2AB"}


@pytest.fixture
def approved(manager, trained):
    model = services.store_model(None, trained, thresholds=scoring.Thresholds.default(), accuracy={})
    return services.approve_model(manager, model)


def _child(worker, given, family, born, *, nhs="", home=None, sex="M"):
    person = builders.child(given_names=given, family_name=family, date_of_birth=born, sex=sex)
    if nhs:
        people_services.add_identifier(worker, person, id_type="NHS", value=nhs)
    if home:
        people_services.record_address(worker, person, address_fields=home, moved_in=datetime.date(2020, 1, 1))
    return person


@pytest.fixture
def index(worker):
    """A child recorded twice (a typo in the first name, the same NHS number and date of birth),
    twins at one home with different first names and NHS numbers, a restricted child recorded twice,
    and a few others."""
    born = datetime.date(2016, 4, 1)
    world = {
        "original": _child(worker, "Jonathan", "Pemberton", born, nhs="9434765919", home=HOME),
        "typo": _child(worker, "Jonathon", "Pemberton", born, nhs="9434765919", home=ELSEWHERE),
        "twin_a": _child(
            worker, "Eliza", "Quarrington", datetime.date(2018, 6, 9), nhs="9434765870", home=HOME, sex="F"
        ),
        "twin_b": _child(worker, "Elijah", "Quarrington", datetime.date(2018, 6, 9), nhs="9434765862", home=HOME),
        "hidden": _child(worker, "Rowan", "Fairweather", datetime.date(2014, 2, 2), nhs="9434765889"),
        "hidden_again": _child(worker, "Rowan", "Fairweather", datetime.date(2014, 2, 2), nhs="9434765889"),
    }
    Person.objects.filter(pk__in=[world["hidden"].pk, world["hidden_again"].pk]).update(restricted=True)
    for n, (given, family) in enumerate([("Amara", "Okonkwo"), ("Theo", "Brightwell"), ("Isla", "Montague")]):
        world[f"other_{n}"] = _child(worker, given, family, datetime.date(2015 + n, 3, 10 + n))
    return world


def _pairs():
    return {frozenset((pair.first_id, pair.second_id)): pair for pair in DuplicatePair.objects.all()}


def test_the_check_finds_a_planted_duplicate_and_not_the_twins_or_the_restricted(approved, index):
    check = merging.request_duplicate_check(None, queue=False)
    assert dedupe.find_duplicates(check.pk) == "finished"
    check.refresh_from_db()
    assert check.status == DuplicateCheck.Status.FINISHED
    assert check.model_version == approved.version
    found = _pairs()
    planted = found[frozenset((index["original"].pk, index["typo"].pk))]
    assert planted.status == DuplicatePair.Status.OPEN
    assert planted.match_weight >= approved.thresholds["lower"]
    assert set(planted.weights) == {*scoring.COMPARISONS, "prior"}
    assert planted.weights["nhs_number"] > 0
    assert frozenset((index["twin_a"].pk, index["twin_b"].pk)) not in found
    hidden = {index["hidden"].pk, index["hidden_again"].pk}
    assert not any(pair & hidden for pair in found)
    assert check.counts["people"] == 7  # the restricted two are not in the index
    assert check.counts["twins"] >= 1  # found by the model, left out by the guard
    assert not PersonMerge.objects.exists()  # never merged automatically


def test_twins_recorded_as_siblings_are_left_out_as_relatives(approved, index, worker):
    """A pair recorded as related is never proposed (and a merge of them would be refused)."""
    people_services.record_relationship(worker, index["original"], index["typo"], relationship="sibling")
    check = merging.request_duplicate_check(None, queue=False)
    dedupe.find_duplicates(check.pk)
    check.refresh_from_db()
    assert frozenset((index["original"].pk, index["typo"].pk)) not in _pairs()
    assert check.counts["related"] >= 1


def test_an_adopted_child_is_never_proposed(approved, index):
    """Item 6: the records from before and after an adoption order are kept apart."""
    from people.models import ParentalResponsibility

    adopter = builders.adult("Ada", "Adopter", datetime.date(1980, 1, 1), "F")
    ParentalResponsibility.objects.create(
        child=index["typo"],
        holder=adopter,
        basis=ParentalResponsibility.Basis.ADOPTION,
        start_date=datetime.date(2020, 1, 1),
    )
    check = merging.request_duplicate_check(None, queue=False)
    dedupe.find_duplicates(check.pk)
    check.refresh_from_db()
    assert frozenset((index["original"].pk, index["typo"].pk)) not in _pairs()
    assert check.counts["adopted"] == 1


def test_a_pair_found_again_after_it_was_decided_is_left_as_decided(approved, index, manager):
    first = merging.request_duplicate_check(None, queue=False)
    dedupe.find_duplicates(first.pk)
    pair = _pairs()[frozenset((index["original"].pk, index["typo"].pk))]
    merging.dismiss_pair(manager, pair, reason="Different children: the school says so")
    second = merging.request_duplicate_check(None, queue=False)
    dedupe.find_duplicates(second.pk)
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_DUPLICATES


def test_a_tombstone_is_not_in_the_index_and_its_pairs_close(approved, index, user):
    from partners.models import User

    head = user(User.Role.HEAD_OF_SERVICE)  # sees every child in full
    check = merging.request_duplicate_check(None, queue=False)
    dedupe.find_duplicates(check.pk)
    merging.merge_people(head, index["original"], index["typo"], reason="Same NHS number")
    again = merging.request_duplicate_check(None, queue=False)
    dedupe.find_duplicates(again.pk)
    again.refresh_from_db()
    assert again.counts["people"] == 6
    assert _pairs()[frozenset((index["original"].pk, index["typo"].pk))].status == DuplicatePair.Status.MERGED


def test_without_an_approved_model_the_check_fails_and_says_why(index):
    check = merging.request_duplicate_check(None, queue=False)
    assert dedupe.find_duplicates(check.pk) == "failed"
    check.refresh_from_db()
    assert check.status == DuplicateCheck.Status.FAILED
    assert "No linkage model is approved" in check.error
    assert dedupe.find_duplicates(check.pk) == "skipped"  # claimed once only


def test_the_guards_of_a_pair_in_plain_words():
    row = {
        "household_l": "address:1",
        "household_r": "address:1",
        "dob_l": "2018-06-09",
        "dob_r": "2018-06-09",
        "gamma_first_name": scoring.FIRST_NAME_LOOSE,
        "gamma_nhs_number": scoring.IDENTIFIER_DIFFERENT,
        "gamma_upn": -1,
        "gamma_dob": 5,
        "placeholder": False,
    }
    assert dedupe.is_twins(row)
    assert dedupe.guards(row) == ["first_name", "nhs_number", "household"]
    # "Oliver" and "Olivia" are nicknames of each other in the list: twins by their NHS numbers.
    assert dedupe.is_twins(row | {"gamma_first_name": scoring.FIRST_NAME_NICKNAME})
    # The same child twice at one home: the same first name, or an identifier agreeing, or a
    # nickname with no identifier to tell them apart.
    assert not dedupe.is_twins(row | {"gamma_first_name": scoring.FIRST_NAME_EXACT})
    assert not dedupe.is_twins(row | {"gamma_nhs_number": scoring.IDENTIFIER_SAME})
    assert not dedupe.is_twins(row | {"gamma_first_name": scoring.FIRST_NAME_NICKNAME, "gamma_nhs_number": -1})
    assert not dedupe.is_twins(row | {"household_r": "address:2"})


def test_the_command_queues_a_check_or_runs_it_now(approved, index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("find_duplicate_people")
    queued = DuplicateCheck.objects.get()
    assert queued.status == DuplicateCheck.Status.WAITING
    assert queued.task_id  # on the database task queue
    call_command("find_duplicate_people")  # one at a time
    assert DuplicateCheck.objects.count() == 1
    call_command("find_duplicate_people", "--now")
    latest = DuplicateCheck.objects.order_by("-id").first()
    assert latest.status == DuplicateCheck.Status.FINISHED
    assert latest.counts["pairs"] >= 1
