"""What the training pages ask. The forms gather input; the rules are in
partnership.training.services, whose messages the pages show in the GOV.UK error summary. The
session form's `token` is made when the page is shown: the same page sent twice keeps one
session."""

import uuid
from decimal import Decimal
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms

from kernel.forms import DateField, OpenChoiceField

from . import selectors
from .models import TrainingSession

#: The attendance rows a page offers (more can be added afterwards, on the attendance page).
ATTENDANCE_ROWS = 8


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _number(label, **kwargs):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{label.replace(' (optional)', '')}: enter a whole number",
            "min_value": f"{label.replace(' (optional)', '')}: enter a whole number of 0 or more",
        },
        **kwargs,
    )


def _confidence(label):
    name = label.replace(" (optional)", "")
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=3,
        decimal_places=2,
        help_text="On a scale of 1 (not confident) to 5 (very confident), like 3.4",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{name} must be a number between 1 and 5, like 3.4",
            "max_digits": f"{name} must be a number between 1 and 5, like 3.4",
            "max_decimal_places": f"{name} can have at most 2 decimal places",
            "max_whole_digits": f"{name} must be a number between 1 and 5, like 3.4",
        },
    )


class AttendanceRowsMixin(forms.Form):
    def add_attendance_rows(self, legend: str) -> list[Any]:
        rows = []
        for number in range(1, ATTENDANCE_ROWS + 1):
            self.fields[f"agency_{number}"] = forms.ModelChoiceField(
                label=f"Row {number}: agency",
                queryset=selectors.agencies(),
                required=False,
                empty_label="Select an agency",
            )
            self.fields[f"attended_{number}"] = _number(f"Row {number}: number attended")
            rows += [Field.select(f"agency_{number}"), Field.text(f"attended_{number}", field_width=4)]
        return [
            Fieldset(
                HTML.p("How many came from each agency; leave rows you do not need blank."),
                *rows,
                legend=legend,
                legend_size=Size.MEDIUM,
            )
        ]

    def attendance(self) -> list[tuple[Any, int | None]]:
        data = self.cleaned_data
        return [(data.get(f"agency_{n}"), data.get(f"attended_{n}")) for n in range(1, ATTENDANCE_ROWS + 1)]

    @staticmethod
    def error_fields() -> dict[str, str]:
        """The service's row errors (attendance_n) shown at the row's number field."""
        return {f"attendance_{n}": f"attended_{n}" for n in range(1, ATTENDANCE_ROWS + 1)}


class CourseForm(forms.Form):
    title = forms.CharField(label="Title of the course", required=False, max_length=200)
    topic = forms.ModelChoiceField(
        label="Topic", queryset=selectors.topics(), required=False, empty_label="Select the topic"
    )
    description = forms.CharField(
        label="What the course covers (optional)", widget=forms.Textarea, required=False, max_length=20000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"), Field.select("topic"), Field.textarea("description", rows=3), button="Add the course"
        )


class SessionForm(AttendanceRowsMixin):
    held_on = DateField("Date of the session")
    mode = OpenChoiceField(
        label="How was it delivered?", choices=TrainingSession.Mode.choices, widget=forms.RadioSelect
    )
    places = _number("Number of places")
    confidence_before = _confidence("Average confidence before (optional)")
    confidence_after = _confidence("Average confidence after (optional)")
    token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex
        self.helper = _helper(
            Field("held_on"),
            Field.radios("mode", legend_size=Size.SMALL),
            Field.text("places", field_width=4),
            *self.add_attendance_rows("Attendance by agency"),
            Fieldset(
                Field.text("confidence_before", field_width=4),
                Field.text("confidence_after", field_width=4),
                legend="Evaluation (optional)",
                legend_size=Size.MEDIUM,
            ),
            Field("token"),
            button="Record the session",
        )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        before: Decimal | None = data.get("confidence_before")
        after: Decimal | None = data.get("confidence_after")
        return {
            "held_on": data.get("held_on"),
            "mode": data.get("mode") or "",
            "places": data.get("places"),
            "attendance": self.attendance(),
            "confidence_before": before,
            "confidence_after": after,
            "token": data.get("token") or "",
        }


class AttendanceForm(AttendanceRowsMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(*self.add_attendance_rows("Attendance to add"), button="Add the attendance")


class PeriodForm(forms.Form):
    """The training home's period (a GET form)."""

    date_from = DateField("Held from (optional)")
    date_to = DateField("Held to (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_method = "get"
        helper.layout = Layout(
            Field("date_from"),
            Field("date_to"),
            Submit("filter", "Show the period", css_class="govuk-button--secondary"),
        )
        self.helper = helper

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end of the period cannot be before its start")
        return data
