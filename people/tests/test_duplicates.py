"""Likely duplicates of a person about to be recorded. All people here are synthetic."""

import datetime

import pytest

from people import services
from people.duplicates import likely_duplicates

from . import live_at, make_child, nhs_number, upn

pytestmark = pytest.mark.django_db

DOB = datetime.date(2015, 4, 3)


def test_same_nhs_number_alone_is_a_strong_match():
    child = make_child("John", "Smith", DOB)
    services.add_identifier(None, child, id_type="NHS", value=nhs_number(1))
    spaced = f"{nhs_number(1)[:3]} {nhs_number(1)[3:6]} {nhs_number(1)[6:]}"

    [candidate] = likely_duplicates(given_names="Tom", family_name="Brown", identifiers=[("NHS", spaced)])
    assert candidate.person == child
    assert candidate.score >= 0.9
    assert candidate.reasons == ["Same NHS number", "Different name (John Smith)"]


def test_upn_matches_former_upn():
    child = make_child("John", "Smith", DOB)
    services.add_identifier(None, child, id_type="FUPN", value=upn(1))
    [candidate] = likely_duplicates(given_names="John", family_name="Smith", identifiers=[("UPN", upn(1))])
    assert candidate.person == child
    assert candidate.reasons[:2] == ["Same former UPN", "Same name"]


def test_invalid_identifier_is_ignored():
    make_child("John", "Smith", DOB)
    assert likely_duplicates(given_names="Tom", family_name="Brown", identifiers=[("NHS", "123")]) == []


def test_similar_name_and_same_date_of_birth():
    john = make_child("John", "Smith", DOB)
    [candidate] = likely_duplicates(given_names="Jon", family_name="Smyth", date_of_birth=DOB)
    assert candidate.person == john
    assert candidate.reasons == ["Similar name (Jon Smyth / John Smith)", "Same date of birth"]
    assert 0.5 < candidate.score < 0.9


def test_short_form_of_a_name():
    jonathon = make_child("Jonathon", "Smith", DOB)
    [candidate] = likely_duplicates(given_names="Jon", family_name="Smith", date_of_birth=DOB)
    assert candidate.person == jonathon
    assert candidate.reasons[0] == "Similar name (Jon Smith / Jonathon Smith)"


def test_names_in_the_wrong_boxes():
    john = make_child("John", "Smith", DOB)
    [candidate] = likely_duplicates(given_names="Smith", family_name="John", date_of_birth=DOB)
    assert candidate.person == john


def test_day_and_month_swapped():
    john = make_child("John", "Smith", DOB)
    [candidate] = likely_duplicates(given_names="John", family_name="Smith", date_of_birth=datetime.date(2015, 3, 4))
    assert candidate.person == john
    assert "Date of birth with day and month swapped (4 March 2015 / 3 April 2015)" in candidate.reasons


def test_similar_name_and_same_postcode():
    john = make_child("John", "Smith")
    live_at(john, "SW1A 1AA")
    [candidate] = likely_duplicates(given_names="Jhon", family_name="Smith", postcode="sw1a1aa")
    assert candidate.person == john
    assert candidate.reasons == ["Similar name (Jhon Smith / John Smith)", "Same postcode"]


def test_previous_name_counts():
    child = make_child("Lily", "Fenwick", DOB)
    services.add_name(None, child, name_type="previous", given_names="Lily", family_name="Hartley")
    [candidate] = likely_duplicates(given_names="Lily", family_name="Hartley", date_of_birth=DOB)
    assert candidate.reasons[0] == "Same previous name (Lily Hartley)"


def test_common_surname_only_is_not_a_duplicate():
    other = make_child("Mary", "Smith", DOB)
    live_at(other, "SW1A 1AA")
    assert likely_duplicates(given_names="John", family_name="Smith", date_of_birth=DOB, postcode="SW1A 1AA") == []


def test_similar_name_alone_is_not_a_duplicate():
    make_child("John", "Smith", DOB)
    assert likely_duplicates(given_names="John", family_name="Smith") == []
    assert likely_duplicates(given_names="John", family_name="Smith", date_of_birth=datetime.date(2016, 1, 1)) == []


def test_sibling_at_same_address_with_other_date_of_birth_is_not_a_duplicate():
    sibling = make_child("Jon", "Smith", datetime.date(2012, 1, 1))
    live_at(sibling, "SW1A 1AA")
    assert likely_duplicates(given_names="John", family_name="Smith", date_of_birth=DOB, postcode="SW1A 1AA") == []


def test_identifier_match_ranks_first_and_restricted_people_are_left_out():
    by_name = make_child("John", "Smith", DOB)
    by_number = make_child("Jack", "Jones", datetime.date(2014, 1, 1))
    services.add_identifier(None, by_number, id_type="NHS", value=nhs_number(1))
    hidden = make_child("John", "Smith", DOB)
    hidden.restricted = True
    hidden.save()

    candidates = likely_duplicates(
        given_names="John", family_name="Smith", date_of_birth=DOB, identifiers=[("NHS", nhs_number(1))]
    )
    assert [c.person for c in candidates] == [by_number, by_name]
    assert candidates[1].reasons == ["Same name", "Same date of birth"]
    assert "Different date of birth (1 January 2014)" in candidates[0].reasons
