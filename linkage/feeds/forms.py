"""Uploading a partner's feed of records: the agency it is from, and the file. The checks are
the service's (linkage.feeds.services.receive_file)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import OpenChoiceField


class UploadForm(forms.Form):
    agency = OpenChoiceField(label="Which agency are the records from?")
    upload = forms.FileField(label="Upload the file", required=False)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], hint: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ChoiceField)
        agency.choices = [("", "Select the agency"), *agencies]
        self.fields["upload"].help_text = hint
        self.fields["upload"].widget.attrs["class"] = "govuk-file-upload"
        self.fields["upload"].widget.attrs["accept"] = ".csv,.parquet"
        helper = FormHelper()
        helper.attrs = {"novalidate": ""}  # crispy adds the enctype for a file field
        helper.layout = Layout(
            Field.select("agency", label_size=Size.SMALL),
            Field("upload"),
            Submit("submit", "Upload the records"),
        )
        self.helper = helper

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field == "upload":
            widget = self.fields["upload"].widget
            if "govuk-file-upload--error" not in widget.attrs["class"]:
                widget.attrs["class"] += " govuk-file-upload--error"
