"""Matching a school's notice: which child it is about, or none on record (a new child). The
choice is checked by education.services.match_deregistration_notice."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import OpenChoiceField

NEW_CHILD = "new"


class MatchForm(forms.Form):
    person = OpenChoiceField(label="Which child is the notice about?", widget=forms.RadioSelect)
    q = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*choices, (NEW_CHILD, "No record: record the child as a new child")]
        helper = FormHelper()
        helper.attrs = {"novalidate": ""}
        helper.layout = Layout(
            Field.radios("person", legend_size=Size.MEDIUM), Field("q"), Submit("submit", "Match the notice")
        )
        self.helper = helper
