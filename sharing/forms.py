"""What a practitioner types to record a disclosure or a decision not to share. The rules (an
agency or recipient, what, the reasons, the decision maker, the lawful basis on the day) are
sharing.services', whose messages the page shows beside the fields."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from kernel.forms import DateField, OpenChoiceField
from partners.models import Agency, User

from . import bases


def _agencies(field: forms.Field, user: User) -> None:
    choice = cast(forms.ModelChoiceField, field)
    agencies = Agency.objects.order_by("name")
    choice.queryset = agencies.exclude(pk=user.agency_id) if user.agency_id is not None else agencies


class DisclosureForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label="Agency it was shared with",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Select the agency",
    )
    recipient = forms.CharField(
        label="Or, if the agency is not on the list, who received it (optional)", max_length=200, required=False
    )
    what = forms.CharField(
        label="What was shared",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
        help_text="The information, or a summary of it",
    )
    shared_on = DateField("Date it was shared (optional)", help_text="Leave blank for today. For example, 27 3 2026")
    lawful_basis = OpenChoiceField(label="Lawful basis for sharing", required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _agencies(self.fields["to_agency"], user)
        today = timezone.localdate()
        cast(forms.ChoiceField, self.fields["lawful_basis"]).choices = list(bases.bases_on(today))
        self.fields["lawful_basis"].initial = bases.default_basis(today)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("to_agency"),
            Field.text("recipient"),
            Field.textarea("what"),
            Field("shared_on"),
            Field.radios("lawful_basis", legend_size=Size.SMALL),
            Submit("submit", "Record the disclosure"),
        )

    def shared_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("shared_on")
        if day is None or day == timezone.localdate():
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _name(someone: User) -> str:
    return someone.get_full_name() or someone.get_username()


class WithholdingForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label="Agency it was not shared with",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Select the agency",
    )
    recipient = forms.CharField(
        label="Or, if the agency is not on the list, who would have received it (optional)",
        max_length=200,
        required=False,
    )
    information = forms.CharField(
        label="What was not shared",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )
    reasons = forms.CharField(
        label="Why sharing it would be more detrimental to the child than not sharing it",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
    )
    decision_maker = forms.ModelChoiceField(
        label="Who made the decision",
        queryset=User.objects.none(),
        required=False,
        empty_label="Select who made the decision",
    )
    decided_on = DateField("Date of the decision (optional)", help_text="Leave blank for today. For example, 27 3 2026")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _agencies(self.fields["to_agency"], user)
        makers = cast(forms.ModelChoiceField, self.fields["decision_maker"])
        makers.queryset = User.objects.filter(
            agency_id=user.agency_id or 0, is_active=True, team__isnull=False
        ).order_by("last_name", "first_name", "username")
        makers.label_from_instance = _name  # type: ignore[method-assign,assignment]
        self.initial.setdefault("decision_maker", user.pk)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("to_agency"),
            Field.text("recipient"),
            Field.textarea("information"),
            Field.textarea("reasons"),
            Field.select("decision_maker"),
            Field("decided_on"),
            Submit("submit", "Record the decision not to share"),
        )
