"""The school staff's deregistration notice: the same fields as the API (education.api.NoticeIn)
but the URN, which is the school's own. The form only gathers what was typed; the rules are in
education.services.receive_deregistration_notice. `token` is made when the page is shown and
is the notice's idempotency key: a second submission of the same page answers the first notice
and keeps no second one."""

from __future__ import annotations

import uuid
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import DateField, OpenChoiceField

from ..models import DeregistrationNotice

TOKEN_PREFIX = "web:"


class NoticeForm(forms.Form):
    given_names = forms.CharField(
        label="Given names", max_length=200, error_messages={"required": "Enter the pupil's given names"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=200, error_messages={"required": "Enter the pupil's family name"}
    )
    date_of_birth = DateField("Date of birth", required=True, help_text="For example, 27 3 2016")
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        max_length=13,
        required=False,
        help_text="13 characters, as in your school's records",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    removal_date = DateField(
        "Date the pupil leaves (or left) your roll", required=True, help_text="For example, 17 7 2026"
    )
    reason = OpenChoiceField(
        label="Why is the pupil leaving your roll?",
        choices=DeregistrationNotice.Reason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="Anything else the local authority should know (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=20000,
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex
        helper = FormHelper()
        helper.attrs = {"novalidate": ""}
        helper.layout = Layout(
            Field.text("given_names"),
            Field.text("family_name"),
            Field("date_of_birth"),
            Field.text("upn", field_width=20),
            Field("removal_date"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("details", rows=4),
            Field("token"),
            Submit("submit", "Send the notice"),
        )
        self.helper = helper

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data.get("reason") or ""
        if not reason:
            raise forms.ValidationError("Select why the pupil is leaving your roll")
        return reason

    def key(self) -> str:
        """The notice's idempotency key: the page's token."""
        return TOKEN_PREFIX + str(self.cleaned_data["token"])

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ("given_names", "family_name", "date_of_birth")}
        data.update({name: self.cleaned_data[name] for name in ("upn", "removal_date", "reason", "details")})
        return data
