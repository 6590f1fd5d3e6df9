import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people import identifiers as ids
from people.models import ConsistentIdentifierSerial, Identifier
from people.services import add_identifier, issue_consistent_identifier, record_person


def nhs(first_nine):
    check = ids.nhs_check_digit(first_nine)
    assert check != 10
    return f"{first_nine}{check}"


def upn(last_twelve):
    return ids.upn_check_letter(last_twelve) + last_twelve


class TestNhsNumber:
    def test_valid_numbers_pass_in_normal_form(self):
        assert ids.validate_nhs_number("943 476 5919") == "9434765919"
        assert ids.validate_nhs_number("943-476-5919") == "9434765919"
        assert ids.validate_nhs_number(nhs("401023213")) == nhs("401023213")

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("", "required"),
            ("94347659", "length"),
            ("94347659190", "length"),
            ("94347659A9", "format"),
            ("9434765918", "check_digit"),
        ],
    )
    def test_invalid_numbers_say_what_is_wrong(self, value, code):
        with pytest.raises(ValidationError) as caught:
            ids.validate_nhs_number(value)
        assert caught.value.code == code

    def test_number_whose_check_digit_would_be_10_is_never_valid(self):
        # Find nine digits whose Modulus 11 remainder gives 10; no tenth digit can make them valid.
        first_nine = next(f"{n:09d}" for n in range(100000000, 100001000) if ids.nhs_check_digit(f"{n:09d}") == 10)
        for last in "0123456789":
            with pytest.raises(ValidationError):
                ids.validate_nhs_number(first_nine + last)

    def test_message_names_the_check_digit(self):
        with pytest.raises(ValidationError) as caught:
            ids.validate_nhs_number("9434765918")
        assert "check digit" in caught.value.messages[0]


class TestUpn:
    def test_valid_upn_and_temporary_upn(self):
        permanent = upn("201250012345")
        temporary = upn("20125001234A")
        assert ids.validate_upn(permanent.lower()) == permanent
        assert ids.validate_upn(temporary) == temporary

    def test_check_letter_is_never_i_o_or_s(self):
        letters = {ids.upn_check_letter(f"2012500{n:05d}") for n in range(2000)}
        assert letters <= set(ids.UPN_LETTERS)
        assert not letters & {"I", "O", "S"}
        assert len(letters) == 23

    @pytest.mark.parametrize(
        ("make", "code"),
        [
            (lambda: "", "required"),
            (lambda: upn("201250012345")[:-1], "length"),
            (lambda: "I201250012345", "format"),
            (lambda: "1201250012345", "format"),
            (lambda: upn("201250012345")[0] + "2012500X2345", "format"),
            (lambda: "A20125001234I", "format"),
        ],
    )
    def test_invalid_upns_say_what_is_wrong(self, make, code):
        with pytest.raises(ValidationError) as caught:
            ids.validate_upn(make())
        assert caught.value.code == code

    def test_wrong_check_letter(self):
        good = upn("201250012345")
        wrong = next(letter for letter in ids.UPN_LETTERS if letter != good[0]) + good[1:]
        with pytest.raises(ValidationError) as caught:
            ids.validate_upn(wrong)
        assert caught.value.code == "check_letter"
        assert "check letter" in caught.value.messages[0]

    def test_former_upn_message_names_it(self):
        with pytest.raises(ValidationError) as caught:
            ids.validate_former_upn("X")
        assert "former unique pupil number" in caught.value.messages[0]


class TestLaChildIdAndConsistentIdentifier:
    def test_la_child_id(self):
        assert ids.validate_la_child_id("ab123") == "AB123"
        for bad in ["", "A" * 21, "AB-12", "ÄB12"]:
            with pytest.raises(ValidationError):
                ids.validate_la_child_id(bad)

    def test_consistent_identifier_format_and_check(self):
        value = ids.consistent_identifier_from_serial(12345)
        assert value == "CI000012345" + str(ids.luhn_check_digit("000012345"))
        assert ids.validate_consistent_identifier(value.lower()) == value
        broken = value[:-1] + str((int(value[-1]) + 1) % 10)
        with pytest.raises(ValidationError) as caught:
            ids.validate_consistent_identifier(broken)
        assert caught.value.code == "check_digit"
        with pytest.raises(ValidationError):
            ids.validate_consistent_identifier("CI123")

    def test_guess_identifier(self):
        guesses = dict(ids.guess_identifier("943 476 5919"))
        assert guesses["NHS"] == "9434765919"


@pytest.mark.django_db
class TestIssuingAndRecording:
    def test_every_child_gets_exactly_one_consistent_identifier(self):
        child = record_person(
            None, kind="child", given_names="Ada", family_name="Fenwick", date_of_birth=datetime.date(2016, 1, 5)
        )
        adult = record_person(
            None, kind="adult", given_names="Rhys", family_name="Fenwick", date_of_birth=datetime.date(1980, 1, 5)
        )
        assert child.identifiers.filter(id_type="CI").count() == 1
        assert adult.identifiers.filter(id_type="CI").count() == 0
        first = child.identifiers.get(id_type="CI").value
        # Issuing again returns the same identifier; it never changes.
        assert issue_consistent_identifier(child).value == first
        ids.validate_consistent_identifier(first)

    def test_consistent_identifiers_are_never_reused(self):
        a = record_person(
            None, kind="child", given_names="Ada", family_name="Fenwick", date_of_birth=datetime.date(2016, 1, 5)
        )
        b = record_person(
            None, kind="child", given_names="Bo", family_name="Fenwick", date_of_birth=datetime.date(2017, 1, 5)
        )
        values = {a.identifiers.get(id_type="CI").value, b.identifiers.get(id_type="CI").value}
        assert len(values) == 2
        # The database refuses a second CI for a person, and the same CI for another person.
        with pytest.raises(IntegrityError), transaction.atomic():
            Identifier.objects.create(person=a, id_type="CI", value=ids.consistent_identifier_from_serial(999999))
        with pytest.raises(IntegrityError), transaction.atomic():
            a.identifiers.get(id_type="CI").delete()
            Identifier.objects.create(person=a, id_type="CI", value=b.identifiers.get(id_type="CI").value)
        # A deleted serial row is not handed out again.
        last = ConsistentIdentifierSerial.objects.order_by("-pk").first()
        c = record_person(
            None, kind="child", given_names="Cy", family_name="Fenwick", date_of_birth=datetime.date(2018, 1, 5)
        )
        assert int(c.identifiers.get(id_type="CI").value[2:11]) > last.pk

    def test_add_identifier_refuses_invalid_numbers_and_stores_nothing(self):
        child = record_person(
            None, kind="child", given_names="Ada", family_name="Fenwick", date_of_birth=datetime.date(2016, 1, 5)
        )
        with pytest.raises(ValidationError):
            add_identifier(None, child, id_type="NHS", value="9434765918")
        assert not child.identifiers.filter(id_type="NHS").exists()
        add_identifier(None, child, id_type="NHS", value="943 476 5919")
        assert child.identifiers.get(id_type="NHS").value == "9434765919"
        with pytest.raises(ValueError):
            add_identifier(None, child, id_type="CI", value="CI0000000018")
