"""Cleaning with the person index's own checks: a mistyped identifier is evidence, never a key."""

import datetime

import pytest

from linkage.cleaning import RecordProblem, Supplied, clean, is_placeholder, mark_household_peers, name_group

VALID_NHS = "9434765919"  # Modulus 11 check digit 9


def test_a_valid_nhs_number_is_a_key_and_a_mistyped_one_only_evidence():
    good = clean(Supplied("1", "Sam", "Smith", nhs_number="943 476 5919"))
    assert good["nhs_number"] == VALID_NHS
    assert good["nhs_supplied"] == VALID_NHS
    # One digit changed: Modulus 11 fails, so it cannot be used to find candidates.
    mistyped = clean(Supplied("2", "Sam", "Smith", nhs_number="9434765918"))
    assert mistyped["nhs_number"] is None
    assert mistyped["nhs_supplied"] == "9434765918"


def test_upns_are_checked_by_their_check_letter():
    from people.identifiers import upn_check_letter

    upn = upn_check_letter("373260000017") + "373260000017"
    assert clean(Supplied("1", "Sam", "Smith", upn=upn.lower()))["upn"] == upn
    wrong = "B" if upn[0] != "B" else "C"
    cleaned = clean(Supplied("2", "Sam", "Smith", upn=wrong + upn[1:]))
    assert cleaned["upn"] is None
    assert cleaned["upn_supplied"] == wrong + upn[1:]


def test_postcodes_give_sector_and_district_and_bad_ones_are_dropped():
    row = clean(Supplied("1", "Sam", "Smith", postcode="ls28 7fl"))
    assert (row["postcode"], row["postcode_sector"], row["postcode_district"]) == ("LS28 7FL", "LS28 7", "LS28")
    assert clean(Supplied("2", "Sam", "Smith", postcode="not a postcode"))["postcode"] is None


def test_the_date_with_day_and_month_swapped_is_kept_when_it_is_another_real_date():
    assert clean(Supplied("1", "Sam", "Smith", date_of_birth="2015-03-04"))["dob_swapped"] == "2015-04-03"
    assert clean(Supplied("2", "Sam", "Smith", date_of_birth="2015-03-13"))["dob_swapped"] is None
    assert clean(Supplied("3", "Sam", "Smith", date_of_birth="2015-03-03"))["dob_swapped"] is None


def test_a_date_that_is_not_real_is_a_problem():
    with pytest.raises(RecordProblem, match="not a real date"):
        clean(Supplied("1", "Sam", "Smith", date_of_birth="2015-02-30"))


def test_a_record_with_no_name_is_refused():
    with pytest.raises(RecordProblem, match="no name"):
        clean(Supplied("1", " ", "-", date_of_birth="2015-03-04"))


def test_names_are_tokens_and_hyphenated_and_former_family_names_are_all_kept():
    row = clean(Supplied("1", "Zoë Ann", "O'Brien-Smith", other_family_names=("Jones",)))
    assert row["first_name"] == "zoe"
    assert row["family_name"] == "obriensmith"
    assert set(row["family_names"]) == {"obrien", "smith", "obriensmith", "jones"}


def test_nicknames_share_a_group_from_the_maintained_list_and_the_supplement():
    assert "william" in set(name_group("bill")) & set(name_group("will"))
    assert "mohammed" in name_group("mo")  # the partnership's supplement
    assert name_group("zzyzx") == ("zzyzx",)


@pytest.mark.parametrize("given", ["Baby", "baby boy", "Unborn", "Baby of Smith", "Twin 1", "Unknown", "", "?"])
def test_placeholder_names_are_marked(given):
    assert is_placeholder(given)


@pytest.mark.parametrize("given", ["Babatunde", "Tw", "Unity", "Boyd", "Childs"])
def test_real_names_are_not_placeholders(given):
    assert not is_placeholder(given)


def test_children_of_one_household_born_the_same_day_are_peers():
    born = datetime.date(2019, 5, 1)
    rows = [
        clean(Supplied("1", "Ann", "Lee", date_of_birth=born, household="h1")),
        clean(Supplied("2", "Ben", "Lee", date_of_birth=born, household="h1")),
        clean(Supplied("3", "Cat", "Lee", date_of_birth=datetime.date(2017, 1, 1), household="h1")),
        clean(Supplied("4", "Dan", "Lee", date_of_birth=born, household="h2")),
    ]
    mark_household_peers(rows)
    assert [row["household_dob_peers"] for row in rows] == [1, 1, 0, 0]
