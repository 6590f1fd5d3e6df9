"""The period a statistics section counts over (the exploitation section): two GOV.UK date
inputs read from the query string, the 12 months to today when none is given."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Layout, Submit
from django import forms

from kernel.forms import DateField

#: The longest period the section counts over: its month-by-month tables stay readable.
LONGEST_YEARS = 5


class PeriodForm(forms.Form):
    from_date = DateField("From", required=True)
    to_date = DateField("To", required=True)
    view = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["from_date"].name_in_messages = "The start date"  # type: ignore[attr-defined]
        self.fields["to_date"].name_in_messages = "The end date"  # type: ignore[attr-defined]
        self.fields["from_date"].error_messages.update(
            required="Enter the start date", incomplete="The start date must include a day, month and year"
        )
        self.fields["to_date"].error_messages.update(
            required="Enter the end date", incomplete="The end date must include a day, month and year"
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Div(
                Div(Field("from_date"), css_class="govuk-grid-column-one-half"),
                Div(Field("to_date"), css_class="govuk-grid-column-one-half"),
                css_class="govuk-grid-row",
            ),
            Field("view"),
            Submit("show", "Show the figures", css_class="govuk-button--secondary"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if end and end > self.today:
            self.add_error("to_date", "The end date must be today or in the past")
        elif start and end and end < start:
            self.add_error("to_date", "The end date must be the same as or after the start date")
        elif start and end and (end - start).days > LONGEST_YEARS * 366:
            self.add_error("from_date", f"The period must be {LONGEST_YEARS} years or shorter")
        return cleaned


def is_chosen(query: Any) -> bool:
    """Whether the query string chooses a period (any part of either date)."""
    return any(key.startswith(("from_date", "to_date")) for key in query)
