"""Form pieces shared by every module."""

import datetime
from collections.abc import Mapping
from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from .rules import RuleBroken


class DateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages that name the date."""

    def __init__(
        self, label: str, required: bool = False, help_text: str = "For example, 27 3 2015", **kwargs: Any
    ) -> None:
        super().__init__(label=label, required=required, help_text=help_text, **kwargs)
        self.require_all_fields = False
        name = label.replace(" (optional)", "")
        self.error_messages["required"] = f"Enter the {name[0].lower()}{name[1:]}"
        self.error_messages["incomplete"] = f"{name} must include a day, month and year"
        self.name_in_messages = name

    def compress(self, data_list: list[Any]) -> date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError(f"{self.name_in_messages} must include a 4-digit year, like 2015", code="year")
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(f"{self.name_in_messages} must be a real date", code="invalid_date") from None


def clean_time(value: str | None) -> datetime.time | None:
    """A time of day typed in the 24-hour clock ("14:30" or "14.30"), None when blank, or a
    ValidationError in the GOV.UK style."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value.replace(".", ":"), "%H:%M").time()
    except ValueError:
        raise ValidationError("Enter the time in the 24-hour clock, like 14:30") from None


def add_rule_errors(form: forms.BaseForm, error: RuleBroken, fields: Mapping[str, str] | None = None) -> None:
    """Put a kernel.rules.RuleBroken's messages on the form's fields. `fields` maps a service's
    error key to the form field that shows it (a list's first row, say); keys the form has no
    field for, and `__all__`, go to the top of the error summary."""
    fields = fields or {}
    for name, messages in error.errors.items():
        name = fields.get(name, name)
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)


class OpenChoiceField(forms.ChoiceField):
    """A choice the service checks: any value passes the form, so the service's message shows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return True


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    """Several choices the service checks (see OpenChoiceField)."""

    def valid_value(self, value: Any) -> bool:
        return True
