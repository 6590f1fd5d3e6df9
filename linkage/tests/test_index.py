"""What goes into a run's index (issue 20, item 6): never link what must stay apart."""

import datetime

import pytest

from linkage import selectors
from people.models import ParentalResponsibility
from people.services import add_identifier, add_name, record_address
from testing import builders

pytestmark = pytest.mark.django_db
NHS_OLD, NHS_NEW = "9434765919", "4010232137"
HOME = {"line_1": "1 Test Street", "town": "Testtown", "postcode": "LS28 7FL"}


def _row(person):
    return next((row for row in selectors.index_rows() if row["unique_id"] == str(person.pk)), None)


def test_a_restricted_child_is_not_in_the_index(child):
    child.restricted = True
    child.save()
    assert _row(child) is None


def test_a_child_is_in_the_index_with_names_identifiers_and_home(worker, child):
    add_identifier(worker, child, id_type="NHS", value=NHS_OLD)
    add_name(worker, child, name_type="previous", given_names="Alexander", family_name="Oldname")
    record_address(worker, child, address_fields=HOME, moved_in=datetime.date(2020, 1, 1))
    row = _row(child)
    assert row["nhs_number"] == NHS_OLD
    assert "oldname" in row["family_names"]
    assert row["postcode"] == "LS28 7FL"
    assert row["household"].startswith("address:")
    assert not row["placeholder"]


def test_an_adopted_childs_birth_names_and_former_identifiers_are_never_match_keys(worker, child, la):
    order = datetime.date(2022, 6, 1)
    add_name(worker, child, name_type="birth", given_names="Birthname", family_name="Birthfamily")
    add_identifier(worker, child, id_type="NHS", value=NHS_OLD)
    add_identifier(worker, child, id_type="NHS", value=NHS_NEW, valid_from=order)
    adopter = builders.adult("Ada", "Adopter", datetime.date(1985, 1, 1), "F")
    ParentalResponsibility.objects.create(child=child, holder=adopter, basis="adoption", start_date=order)
    row = _row(child)
    assert "birthfamily" not in row["family_names"]
    assert "birthname" not in row["first_name_group"]
    assert row["nhs_number"] == NHS_NEW
    assert row["nhs_supplied"] == NHS_NEW


def test_the_adoption_stage_can_register_adopted_children(worker, child):
    add_identifier(worker, child, id_type="NHS", value=NHS_OLD)
    source = lambda: {child.pk: datetime.date(2023, 1, 1)}  # noqa: E731
    selectors.register_adoptions(source)
    try:
        assert _row(child)["nhs_number"] is None
    finally:
        selectors.ADOPTIONS.remove(source)


def test_an_unborn_child_is_in_the_index_but_only_as_a_placeholder(db):
    unborn = builders.child("Baby", "Testchild", date_of_birth=None, expected_date_of_birth=datetime.date(2027, 3, 1))
    assert _row(unborn)["placeholder"]


def test_twins_at_one_home_are_household_peers(worker):
    born = datetime.date(2019, 5, 1)
    twins = [builders.child(name, "Twinning", date_of_birth=born) for name in ("Ann", "Bea")]
    for twin in twins:
        record_address(worker, twin, address_fields=HOME, moved_in=datetime.date(2019, 5, 2))
    assert [_row(twin)["household_dob_peers"] for twin in twins] == [1, 1]


def test_the_adoption_stage_registers_its_adopted_children():
    from adoption.apps import adopted_children

    assert adopted_children in selectors.ADOPTIONS
