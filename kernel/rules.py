"""The error every case-work service raises when a rule is broken: out-of-order steps, dates
before the referral or in the future, missing decisions. `errors` maps form fields to
messages (`__all__` for the whole step), so a form shows them in the GOV.UK error summary and
the API as problem details. The service raises before it writes, inside its transaction, so
nothing is half-saved."""

import datetime

from django.utils import timezone

# The messages of a broken rule, by form field ("__all__" for the whole step).
ErrorMessages = dict[str, list[str]]


class RuleBroken(ValueError):
    def __init__(self, errors: ErrorMessages | str) -> None:
        self.errors: ErrorMessages = errors if isinstance(errors, dict) else {"__all__": [errors]}
        super().__init__("; ".join(m for messages in self.errors.values() for m in messages))


class Errors(dict[str, list[str]]):
    """Collects messages by field; `raise_if_any()` at the end of the checks."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise RuleBroken(dict(self))


def as_date(value: datetime.date) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def long_date(day: datetime.date | None) -> str:
    """A date as GOV.UK writes it: 2 December 2026 (blank for none)."""
    return f"{as_date(day):%-d %B %Y}" if day else ""


def check_date(
    errors: Errors,
    field: str,
    value: datetime.date | None,
    *,
    label: str,
    not_before: datetime.date | None = None,
    not_before_label: str = "",
    required: bool = True,
) -> None:
    """A date that is given, not in the future and not before an earlier event."""
    if value is None:
        if required:
            errors.add(field, f"Enter the {label}")
        return
    day = as_date(value)
    if day > timezone.localdate():
        errors.add(field, f"The {label} cannot be in the future")
    elif not_before is not None and day < as_date(not_before):
        errors.add(field, f"The {label} cannot be before {not_before_label} ({as_date(not_before):%-d %B %Y})")
