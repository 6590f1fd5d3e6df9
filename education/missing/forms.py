"""Forms of the missing education pages: they gather what was typed; the rules are in
education.missing.services, whose messages go on the fields."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from kernel.forms import DateField, OpenChoiceField

from ..forms import _helper, _text
from ..models import MissingEducationCase, MissingEducationEnquiry


def _urn(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        required=False,
        help_text="The school's unique reference number, 6 or 7 digits, as on Get Information about Schools",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )


class OpenCaseForm(forms.Form):
    opened_on = DateField("Date the child was known to be missing education")
    source = OpenChoiceField(label="How did the authority hear?", choices=(), widget=forms.RadioSelect)
    urn = _urn("URN of the school the child left (optional)")
    last_known_address = _text("Last known address (optional)")
    details = _text("What is known (optional)", help_text="Who told the authority, and what they said")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = MissingEducationCase.Source.choices  # type: ignore[attr-defined]
        self.helper = _helper(
            Field("opened_on"),
            Field.radios("source", legend_size=Size.MEDIUM),
            Field.text("urn", field_width=10),
            Field.textarea("last_known_address", rows=3),
            Field.textarea("details", rows=4),
            button="Open the case",
        )


class EnquiryForm(forms.Form):
    made_on = DateField("Date of the enquiry")
    kind = OpenChoiceField(label="What enquiry was made?", choices=(), widget=forms.RadioSelect)
    made_with = forms.CharField(label="Who was it made with?", max_length=200, required=False)
    outcome = _text("What did it find?")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MissingEducationEnquiry.Kind.choices  # type: ignore[attr-defined]
        self.helper = _helper(
            Field("made_on"),
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.text("made_with"),
            Field.textarea("outcome", rows=5),
            button="Save the enquiry",
        )


class CloseCaseForm(forms.Form):
    closed_on = DateField("Date the case closes")
    reason = OpenChoiceField(label="Why does the case close?", choices=(), widget=forms.RadioSelect)
    urn = _urn("URN of the school whose roll the child is on")
    detail = _text(
        "More about the reason",
        help_text="The new local authority and when it was told, the country, or the other reason",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = MissingEducationCase.ClosureReason.choices  # type: ignore[attr-defined]
        self.helper = _helper(
            Field("closed_on"),
            Field.radios("reason", legend_size=Size.MEDIUM),
            Field.text("urn", field_width=10),
            Field.textarea("detail", rows=3),
            button="Close the case",
        )
