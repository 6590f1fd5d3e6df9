"""Checking and issuing identifiers.

Each check returns the value in its normal form or raises ValidationError with a message that
says what is wrong, in the GOV.UK style ("Enter...", "The ... is not valid because ...").

- NHS number: 10 digits with a Modulus 11 check digit.
- Unique pupil number (UPN) and former UPN: 13 characters, a check letter first (DfE's
  algorithm: weights 2 to 13 on characters 2 to 13, remainder of 23), then a 3-digit local
  authority code, 2 digits for the year, 6 serial digits and a final digit or, for a
  temporary UPN, a letter.
- Local authority child ID: up to 20 letters and digits (CIN census LAchildID).
- Consistent child identifier: issued by this system, "CI" then 9 serial digits then a Luhn
  check digit. Exactly one per child, never reused, never changed by a merge.
"""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError

# Letters used for UPN check letters and temporary-UPN final letters: A to Z without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _compact(value: object) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).upper()


def nhs_check_digit(first_nine: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=False))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    return check  # 10 means no valid NHS number starts with these digits


def validate_nhs_number(value: object) -> str:
    number = _compact(value)
    if not number:
        raise ValidationError("Enter an NHS number", code="required")
    if not number.isdigit():
        raise ValidationError("An NHS number must only include numbers 0 to 9", code="format")
    if len(number) != 10:
        raise ValidationError(f"An NHS number must be 10 digits; you entered {len(number)}", code="length")
    check = nhs_check_digit(number[:9])
    if check == 10 or check != int(number[9]):
        raise ValidationError(
            "This is not a valid NHS number: the last digit (the check digit) does not match the others. "
            "Check it has been copied correctly",
            code="check_digit",
        )
    return number


def format_nhs_number(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 else number


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for characters 2 to 13 of a UPN."""
    total = 0
    for weight, char in zip(range(2, 14), last_twelve, strict=False):
        if char.isdigit():
            total += int(char) * weight
        else:
            total += UPN_LETTERS.index(char) * weight
    return UPN_LETTERS[total % 23]


def validate_upn(value: object, label: str = "unique pupil number") -> str:
    upn = _compact(value)
    if not upn:
        raise ValidationError(f"Enter a {label}", code="required")
    if len(upn) != 13:
        raise ValidationError(f"A {label} must be 13 characters; you entered {len(upn)}", code="length")
    if not upn[0].isalpha() or upn[0] not in UPN_LETTERS:
        raise ValidationError(f"A {label} must start with a letter other than I, O or S", code="format")
    if not upn[1:12].isdigit():
        raise ValidationError(f"Characters 2 to 12 of a {label} must be numbers", code="format")
    if not (upn[12].isdigit() or upn[12] in UPN_LETTERS):
        raise ValidationError(
            f"The last character of a {label} must be a number, or a letter other than I, O or S", code="format"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(
            f"This is not a valid {label}: the first letter (the check letter) does not match the rest. "
            "Check it has been copied correctly",
            code="check_letter",
        )
    return upn


def validate_former_upn(value: object) -> str:
    return validate_upn(value, label="former unique pupil number")


def validate_la_child_id(value: object) -> str:
    ident = str(value or "").strip().upper()
    if not ident:
        raise ValidationError("Enter a local authority child ID", code="required")
    if len(ident) > 20:
        raise ValidationError("A local authority child ID must be 20 characters or fewer", code="length")
    if not ident.isalnum() or not ident.isascii():
        raise ValidationError(
            "A local authority child ID must only include letters A to Z and numbers 0 to 9", code="format"
        )
    return ident


def luhn_check_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def consistent_identifier_from_serial(serial: int) -> str:
    if not 0 < serial < 10**9:
        raise ValueError("consistent identifier serial out of range")
    digits = f"{serial:09d}"
    return f"CI{digits}{luhn_check_digit(digits)}"


def validate_consistent_identifier(value: object) -> str:
    ident = _compact(value)
    if not ident:
        raise ValidationError("Enter a consistent child identifier", code="required")
    if not re.fullmatch(r"CI\d{10}", ident):
        raise ValidationError(
            "A consistent child identifier is CI followed by 10 numbers, like CI0000000018", code="format"
        )
    if luhn_check_digit(ident[2:11]) != int(ident[11]):
        raise ValidationError(
            "This is not a valid consistent child identifier: the last digit does not match the others. "
            "Check it has been copied correctly",
            code="check_digit",
        )
    return ident


VALIDATORS: dict[str, Callable[[object], str]] = {
    "CI": validate_consistent_identifier,
    "NHS": validate_nhs_number,
    "UPN": validate_upn,
    "FUPN": validate_former_upn,
    "LACID": validate_la_child_id,
}


def validate_identifier(id_type: str, value: object) -> str:
    try:
        validator = VALIDATORS[id_type]
    except KeyError:
        raise ValidationError("Choose a type of identifier", code="type") from None
    return validator(value)


def guess_identifier(text: str) -> list[tuple[str, str]]:
    """Which identifier types a search term could be, with the normalised value."""
    found = []
    for id_type, validator in VALIDATORS.items():
        try:
            found.append((id_type, validator(text)))
        except ValidationError:
            continue
    return found
