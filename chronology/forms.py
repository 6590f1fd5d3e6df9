import datetime
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from kernel.forms import DateField, clean_time
from partners.models import Agency

from . import kinds


class ChronologyEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of event was it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of event"},
    )
    occurred_on = DateField("Date of the event", required=True)
    occurred_time = forms.CharField(
        label="Time (optional)", required=False, max_length=5, help_text="Use the 24-hour clock, for example 14:30"
    )
    agency = forms.ModelChoiceField(
        label="Agency involved (optional)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="None or not known",
    )
    title = forms.CharField(
        label="Summary",
        max_length=200,
        help_text="One line, for example: Admitted to hospital with a head injury",
        error_messages={"required": "Enter a one-line summary of the event"},
    )
    detail = forms.CharField(
        label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:  # person: a people.Person
        super().__init__(*args, **kwargs)
        self.person = person
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k.slug, k.label) for k in kinds.manual_kinds()]
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = Agency.objects.order_by("name")
        self.fields["occurred_on"].error_messages["required"] = "Enter the date of the event"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("occurred_on"),
            Field.text("occurred_time", field_width=5),
            Field.select("agency"),
            Field.text("title"),
            Field.textarea("detail"),
            Submit("submit", "Add to chronology"),
        )

    def clean_occurred_time(self) -> datetime.time | None:
        return clean_time(self.cleaned_data.get("occurred_time"))

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        day = cleaned.get("occurred_on")
        if day:
            moment = timezone.make_aware(
                datetime.datetime.combine(day, cleaned.get("occurred_time") or datetime.time(12))
            )
            if moment > timezone.now():
                self.add_error("occurred_on", "The date of the event must be today or in the past")
            birth = self.person.date_of_birth
            if birth and day < birth - datetime.timedelta(days=300):
                self.add_error("occurred_on", "The date of the event must be after the person's conception")
            cleaned["occurred_at"] = moment
        return cleaned
