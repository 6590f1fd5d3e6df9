"""What the voice pages ask. The forms gather input; the rules are in partnership.voice.services,
whose messages the pages show in the GOV.UK error summary. The feedback form's `token` is made
when the page is shown: the same page sent twice keeps one record."""

import uuid
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import DateField, OpenChoiceField

from . import selectors
from .models import Feedback


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea, required=False, max_length=20000, **kwargs)


def _line(label, **kwargs):
    return forms.CharField(label=label, required=False, max_length=200, **kwargs)


def _number(label, **kwargs):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": f"{label.replace(' (optional)', '')} must be a whole number"},
        **kwargs,
    )


def _agency_field(label, empty_label):
    return forms.ModelChoiceField(label=label, queryset=selectors.agencies(), required=False, empty_label=empty_label)


class FeedbackForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="What kind of feedback is it?",
        queryset=selectors.kinds(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    source = OpenChoiceField(label="Who is it from?", choices=Feedback.Source.choices, widget=forms.RadioSelect)
    age_band = OpenChoiceField(
        label="Their age (optional)",
        choices=[("", "Not known or not given"), *Feedback.AgeBand.choices],
    )
    received_on = DateField("Date it was received")
    agency = _agency_field("Which agency is it about?", "The partnership as a whole")
    survey = forms.ModelChoiceField(
        label="Survey it answers (optional)",
        queryset=selectors.surveys().order_by("-period_from", "-id"),
        required=False,
        empty_label="Not a survey response",
    )
    words = _text(
        "What they said",
        help_text="Their words, or a faithful summary. Leave out names, addresses and identifiers such as an "
        "NHS number: feedback is kept anonymously",
    )
    consent = OpenChoiceField(
        label="May their words be used in the partnership's yearly report?",
        choices=Feedback.Consent.choices,
        widget=forms.RadioSelect,
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes (optional)",
        queryset=selectors.themes(active_only=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.radios("source", legend_size=Size.SMALL),
            Field.select("age_band"),
            Field("received_on"),
            Field.select("agency"),
            Field.select("survey"),
            Field.textarea("words", rows=6),
            Field.radios("consent", legend_size=Size.SMALL),
            Field.checkboxes("themes", legend_size=Size.SMALL, small=True),
            Field("token"),
            button="Record the feedback",
        )


class ThemeForm(forms.Form):
    name = _line("Name of the theme", help_text="For example, being listened to")
    description = _text("What the theme covers (optional)")
    active = OpenChoiceField(
        label="Offer this theme when feedback is recorded?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("active", "yes")
        self.helper = _helper(
            Field.text("name"),
            Field.textarea("description", rows=3),
            Field.radios("active", legend_size=Size.SMALL, inline=True),
            button="Save the theme",
        )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "description": data["description"], "active": data.get("active") != "no"}


class WhatChangedForm(forms.Form):
    what = _text("What changed", help_text="What the partnership or the agency changed because of this theme")
    agency = _agency_field("Who changed it?", "The partnership")
    changed_on = DateField("Date it changed")
    evidence = _text("Evidence (optional)", help_text="How you know it changed: a new leaflet, a revised procedure")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("what", rows=4),
            Field.select("agency"),
            Field("changed_on"),
            Field.textarea("evidence", rows=3),
            button="Record what changed",
        )


class SurveyForm(forms.Form):
    title = _line("Title of the survey")
    period_from = DateField("Date the survey opened")
    period_to = DateField("Date the survey closed")
    number_sent = _number("Number asked to answer", help_text="How many children, families or professionals")
    description = _text("Who was asked, and how (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"),
            Field("period_from"),
            Field("period_to"),
            Field.text("number_sent", field_width=5),
            Field.textarea("description", rows=3),
            button="Record the survey",
        )


class FilterForm(forms.Form):
    """The voice home's filter (a GET form): the kind of feedback and the period it was received in."""

    kind = forms.ModelChoiceField(
        label="Kind of feedback", queryset=selectors.kinds(active_only=False), required=False, empty_label="All kinds"
    )
    date_from = DateField("Received from (optional)")
    date_to = DateField("Received to (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_method = "get"
        helper.layout = Layout(
            Field.select("kind"),
            Field("date_from"),
            Field("date_to"),
            Submit("filter", "Show feedback", css_class="govuk-button--secondary"),
        )
        self.helper = helper

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end of the period cannot be before its start")
        return data
