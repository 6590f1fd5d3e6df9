"""Tests of the people app, and helpers to make synthetic people for them."""

import datetime

from people import services
from people.identifiers import nhs_check_digit, upn_check_letter


def make_child(given_names, family_name, date_of_birth=None, **fields):
    """Record a synthetic child (with their consistent identifier and search keys)."""
    return services.record_person(
        None, kind="child", given_names=given_names, family_name=family_name, date_of_birth=date_of_birth, **fields
    )


def nhs_number(serial):
    """A valid synthetic NHS number near 999 000 000x (the 999 range is never issued)."""
    while True:
        first_nine = f"999{serial:06d}"
        check = nhs_check_digit(first_nine)
        if check != 10:
            return f"{first_nine}{check}"
        serial += 1


def upn(serial):
    """A valid synthetic unique pupil number: LA 999, year 15, the serial, final digit 0."""
    rest = f"99915{serial:06d}0"
    return upn_check_letter(rest) + rest


def live_at(person, postcode, line_1="1 Test Street", moved_in=None):
    return services.record_address(
        None,
        person,
        address_fields={"line_1": line_1, "town": "Testtown", "postcode": postcode},
        moved_in=moved_in or datetime.date(2020, 1, 1),
    )
