"""Person search: names with misspellings and in any order, previous names, dates of birth,
identifiers and postcodes. All people here are synthetic."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import services
from people.models import NameKey, Person, PersonName
from people.search import keys_for_name, name_tokens, parse_query, search_people

from . import live_at, make_child, nhs_number, upn

pytestmark = pytest.mark.django_db

DOB = datetime.date(2015, 3, 3)


def found(query, **kwargs):
    return [hit.person for hit in search_people(query, **kwargs)]


# --- Keys -------------------------------------------------------------------------------------


def test_name_tokens_drop_accents_punctuation_and_split_hyphens():
    assert name_tokens("Zoë  O'Brien-Smith") == ("zoe", "obrien", "smith")
    assert name_tokens("  ") == ()


def test_keys_for_name_are_exact_metaphone_and_soundex_per_token():
    assert keys_for_name("John", "Smith") == {"e:john", "m:JN", "s:J500", "e:smith", "m:SM0", "s:S530"}
    assert keys_for_name("Jon", "Smyth") & keys_for_name("John", "Smith") == {"m:JN", "s:J500", "m:SM0", "s:S530"}


def test_keys_fit_the_column():
    keys = keys_for_name("Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "Aaa")
    assert keys
    assert all(len(key) <= 40 for key in keys)
    assert "m:" not in keys  # Metaphone gives nothing for "aaa": no key that would match everyone


def test_index_person_keeps_keys_in_step_with_names():
    child = make_child("Ada", "Fenwick")
    alias = services.add_name(None, child, name_type=PersonName.Type.ALIAS, given_names="Ada", family_name="Hartley")
    keys = set(NameKey.objects.filter(person=child).values_list("key", flat=True))
    assert keys == keys_for_name("Ada", "Fenwick") | keys_for_name("Ada", "Hartley")

    alias.delete()
    services.search.index_person(child)
    assert set(NameKey.objects.filter(person=child).values_list("key", flat=True)) == keys_for_name("Ada", "Fenwick")


# --- Names ------------------------------------------------------------------------------------


def test_misspelt_name_is_found():
    john = make_child("John", "Smith", DOB)
    assert found("Jon Smyth") == [john]
    assert found("Jhon Smtih") == [john]


def test_words_in_any_order_and_case():
    john = make_child("John", "Smith", DOB)
    assert found("smith john") == [john]
    assert found("SMITH, John") == [john]


def test_start_of_a_name_when_nothing_closer():
    jonathon = make_child("Jonathon", "Smith", DOB)
    assert found("Jon Smyth") == [jonathon]
    assert found("Jon Smyth 3/3/2015") == [jonathon]
    john = make_child("John", "Smith", DOB)
    assert found("Jon Smith")[0] == john


def test_initial():
    john = make_child("John", "Smith", DOB)
    make_child("Mary", "Smith", DOB)
    assert found("J Smith") == [john]
    assert found("smith j") == [john]


def test_every_name_token_must_match():
    make_child("John", "Smith", DOB)
    assert found("Mary Smith") == []
    assert found("Zebedee") == []


def test_previous_name_and_alias_are_found():
    child = make_child("Lily", "Fenwick", DOB)
    services.add_name(None, child, name_type=PersonName.Type.PREVIOUS, given_names="Lily", family_name="Hartley")
    services.add_name(None, child, name_type=PersonName.Type.ALIAS, given_names="Lil", family_name="Fenwick")

    [hit] = search_people("Lily Hartley")
    assert hit.person == child
    assert hit.matched_on == "previous name"
    [hit] = search_people("Lil Fenwick")
    assert hit.person == child
    assert hit.matched_on == "alias"
    [hit] = search_people("Lily Fenwick")
    assert hit.matched_on == "name"
    assert hit.score == 1.0


def test_hyphenated_family_name_found_by_either_part():
    child = make_child("Ella", "Harper-Jones", DOB)
    assert found("Ella Jones") == [child]
    assert found("harper jones") == [child]


def test_exact_match_ranks_above_sound_alike():
    john = make_child("John", "Smith", DOB)
    jon = make_child("Jon", "Smyth", DOB)
    hits = search_people("Jon Smyth")
    assert [hit.person for hit in hits] == [jon, john]
    assert hits[0].score == 1.0 > hits[1].score > 0.8


def test_full_name_ranks_above_name_with_extra_middle_name():
    middle = make_child("John Paul", "Smith", DOB)
    plain = make_child("John", "Smith", DOB)
    assert found("John Smith") == [plain, middle]


def test_limit():
    for day in range(1, 6):
        make_child("Sam", "Taylor", datetime.date(2016, 1, day))
    assert len(found("Sam Taylor")) == 5
    assert len(found("Sam Taylor", limit=3)) == 3


def test_empty_query_finds_nobody():
    make_child("John", "Smith", DOB)
    assert search_people("") == []
    assert search_people("   ") == []
    assert search_people(None) == []


# --- Dates of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "03/03/2015",
        "3/3/2015",
        "03-03-2015",
        "03.03.2015",
        "2015-03-03",
        "3 March 2015",
        "3 Mar 2015",
        "3rd March 2015",
    ],
)
def test_date_of_birth_formats(typed):
    assert parse_query(typed).dates == [DOB]
    older = make_child("John", "Smith", datetime.date(2012, 7, 1))
    john = make_child("John", "Smith", DOB)
    assert found(f"John Smith {typed}") == [john]
    assert found(f"{typed} smith") == [john]
    assert found(typed) == [john]
    assert found("John Smith 01/07/2012") == [older]


def test_date_of_birth_match_is_reported():
    make_child("John", "Smith", DOB)
    [hit] = search_people("Smith 3/3/2015")
    assert hit.matched_on == "name and date of birth"


def test_unborn_child_found_by_expected_date_of_birth():
    due = datetime.date(2026, 9, 1)
    unborn = make_child("Baby", "Smith", expected_date_of_birth=due)
    [hit] = search_people("Smith 1/9/2026")
    assert hit.person == unborn
    assert hit.matched_on == "name and expected date of birth"


def test_impossible_date_finds_nobody():
    make_child("John", "Smith", DOB)
    assert search_people("John Smith 31/02/2015") == []


def test_month_name_alone_is_a_name():
    april = make_child("April", "Moss", DOB)
    assert found("April Moss") == [april]
    assert found("3 moss april") == []  # "3" is a local authority child ID nobody has


# --- Identifiers ------------------------------------------------------------------------------


def test_nhs_number_with_and_without_spaces():
    child = make_child("John", "Smith", DOB)
    make_child("John", "Smith", DOB)
    number = nhs_number(1)
    services.add_identifier(None, child, id_type="NHS", value=number)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"

    for typed in (number, spaced, f"{number[:3]}-{number[3:6]}-{number[6:]}", f"Smith {spaced}"):
        hits = search_people(typed)
        assert [hit.person for hit in hits] == [child], typed
    assert search_people(number)[0].matched_on == "NHS number"
    assert search_people(f"{spaced} smith")[0].matched_on == "name and NHS number"


def test_nhs_number_and_wrong_name_finds_nobody():
    child = make_child("John", "Smith", DOB)
    services.add_identifier(None, child, id_type="NHS", value=nhs_number(1))
    assert search_people(f"Mary Jones {nhs_number(1)}") == []


def test_upn():
    child = make_child("John", "Smith", DOB)
    services.add_identifier(None, child, id_type="UPN", value=upn(1))
    [hit] = search_people(upn(1).lower())
    assert hit.person == child
    assert hit.matched_on == "UPN"


def test_consistent_identifier():
    child = make_child("John", "Smith", DOB)
    make_child("John", "Smith", DOB)
    ci = services.consistent_identifier(child)
    [hit] = search_people(ci)
    assert hit.person == child
    assert hit.matched_on == "consistent identifier"


def test_la_child_id_needs_a_digit():
    child = make_child("John", "Smith", DOB)
    services.add_identifier(None, child, id_type="LACID", value="AB123")
    [hit] = search_people("ab123")
    assert hit.person == child
    assert hit.matched_on == "local authority child ID"
    assert parse_query("John").identifiers == []
    assert parse_query("John").names == ["john"]


def test_unknown_identifier_finds_nobody():
    make_child("John", "Smith", DOB)
    assert search_people("John Smith XYZ999") == []


# --- Postcodes --------------------------------------------------------------------------------


def test_postcode_with_and_without_space():
    child = make_child("John", "Smith", DOB)
    other = make_child("John", "Smith", DOB)
    live_at(child, "SW1A 1AA")
    live_at(other, "M1 1AE")
    for typed in ("SW1A 1AA", "sw1a1aa", "sw1a 1aa", "Smith SW1A 1AA", "sw1a1aa john"):
        assert found(typed) == [child], typed
    assert search_people("john smith sw1a 1aa")[0].matched_on == "name and postcode"


def test_previous_address_postcode_is_found():
    child = make_child("John", "Smith", DOB)
    live_at(child, "SW1A 1AA", moved_in=datetime.date(2016, 1, 1))
    live_at(child, "M1 1AE", line_1="2 New Road", moved_in=datetime.date(2020, 1, 1))
    assert found("Smith SW1A 1AA") == [child]
    [hit] = search_people("Smith M1 1AE")
    # Results carry only the current address.
    assert [link.address.postcode for link in hit.person.addresses.all()] == ["M1 1AE"]


# --- Access and efficiency --------------------------------------------------------------------


def test_restricted_people_are_not_found():
    child = make_child("John", "Smith", DOB)
    child.restricted = True
    child.save()
    assert search_people("John Smith") == []
    assert search_people(services.consistent_identifier(child)) == []


def test_results_need_no_further_queries(django_assert_num_queries):
    def sam_taylor(day):
        child = make_child("Sam", "Taylor", datetime.date(2016, 1, day))
        live_at(child, "SW1A 1AA", line_1=f"{day} Test Street")

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            search_people("Sam Taylor")
        return len(context.captured_queries)

    sam_taylor(1)
    one_result = count_queries()
    for day in range(2, 8):
        sam_taylor(day)
    with django_assert_num_queries(one_result):
        hits = search_people("Sam Taylor")
        assert len(hits) == 7
        for hit in hits:
            assert services.consistent_identifier(hit.person)
            assert services.current_address(hit.person).address.postcode == "SW1A 1AA"


@pytest.mark.django_db
def test_the_persons_own_copy_of_their_search_keys_follows_their_names():
    """Person.name_keys (searched through a GIN index on PostgreSQL) holds the keys of every
    name, like NameKey, and changes with them."""
    person = services.record_person(
        None, kind="child", given_names="Ayla", family_name="Rowntree", date_of_birth=datetime.date(2016, 4, 4)
    )
    services.add_name(None, person, name_type="alias", given_names="Kit", family_name="Rowntree")
    stored = Person.objects.get(pk=person.pk).name_keys.split()
    assert stored == sorted(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert {"e:ayla", "e:kit", "e:rowntree"} <= set(stored)
