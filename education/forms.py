"""Forms for the education pages. They only gather what was typed: the rules (a URN on the
school list, compulsory school age, dates in order, the best-interests analysis before the
decision) are in education.services, whose RuleBroken messages go on the fields. Choice fields
the services check accept any value (kernel.forms.OpenChoiceField), so the service's message
is the one shown."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from kernel.forms import DateField, OpenChoiceField
from partners.models import User

from .models import ConsentInformation, ConsentRequest, RegisterEntry, SchoolRegistration

YES_NO = [("yes", "Yes"), ("no", "No")]


def _helper(*fields: Any, button: str) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _text(label: str, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea, required=required, max_length=20000, **kwargs)


def _urn() -> forms.CharField:
    return forms.CharField(
        label="School's URN",
        max_length=20,
        required=False,
        help_text="The school's unique reference number, 6 or 7 digits, as on Get Information about Schools",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.username


class RegistrationForm(forms.Form):
    urn = _urn()
    start_date = DateField("Date the child joined the school's roll")
    end_date = DateField(
        "Date the child left the school (optional)", help_text="Only if they have left. For example, 27 3 2026"
    )
    under_authority_arrangements = OpenChoiceField(
        label="Is the child at the school under arrangements made by the local authority?",
        help_text="For example, a place named in an education, health and care plan",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    source = OpenChoiceField(
        label="How is the registration known?", choices=SchoolRegistration.Source.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("urn", field_width=10),
            Field("start_date"),
            Field("end_date"),
            Field.radios("under_authority_arrangements", legend_size=Size.SMALL, inline=True),
            Field.radios("source", legend_size=Size.SMALL, small=True),
            button="Save the school registration",
        )

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["under_authority_arrangements"] = data.get("under_authority_arrangements") == "yes"
        return data


class ConsentRequestForm(forms.Form):
    source = OpenChoiceField(label="Who asked?", choices=ConsentRequest.Source.choices, widget=forms.RadioSelect)
    received_on = DateField("Date the request was received")
    requested_by = forms.CharField(
        label="Name of the parent, or of the member of school staff", max_length=200, required=False
    )
    urn = _urn()
    details = _text("What they said (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("source", legend_size=Size.MEDIUM),
            Field("received_on"),
            Field.text("requested_by"),
            Field.text("urn", field_width=10),
            Field.textarea("details", rows=4),
            button="Record the request",
        )


class InformationForm(forms.Form):
    kind = OpenChoiceField(
        label="What is the information?", choices=ConsentInformation.Kind.choices, widget=forms.RadioSelect
    )
    gathered_on = DateField("Date it was given")
    given_by = forms.CharField(label="Who gave it, or who visited", max_length=200, required=False)
    summary = _text("What they said, or what the visit found")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("gathered_on"),
            Field.text("given_by"),
            Field.textarea("summary", rows=6),
            button="Save the information",
        )


class BestInterestsForm(forms.Form):
    analysis = _text(
        "Best-interests analysis",
        help_text="Whether education at home is in the child's best interests, weighing what was gathered",
    )
    completed_on = DateField("Date of the analysis")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("analysis", rows=10), Field("completed_on"), button="Save the best-interests analysis"
        )


class DecisionForm(forms.Form):
    decision = OpenChoiceField(
        label="Does the local authority consent to the child being educated at home?",
        choices=[(ConsentRequest.Status.GIVEN, "Yes, consent given"), (ConsentRequest.Status.REFUSED, "No, refused")],
        widget=forms.RadioSelect,
    )
    decided_on = DateField("Date of the decision")
    decision_maker = forms.ModelChoiceField(
        label="Who made the decision", queryset=User.objects.none(), required=False, empty_label="Select"
    )
    reasons = _text("Reasons for the decision", help_text="These go in the letter to the parent and the school")

    def __init__(self, *args: Any, decision_makers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision_maker"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = decision_makers if decision_makers is not None else User.objects.none()
        field.label_from_instance = _name  # type: ignore[method-assign,assignment]
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field("decided_on"),
            Field.select("decision_maker"),
            Field.textarea("reasons", rows=6),
            button="Record the decision",
        )


class RegisterEntryForm(forms.Form):
    added_on = DateField("Date the child came onto the register")
    reason = OpenChoiceField(label="Why is the child not in school?", choices=(), widget=forms.RadioSelect)
    source = OpenChoiceField(label="How did the authority hear?", choices=(), widget=forms.RadioSelect)
    parents = _text("Parents", help_text="Their names, and how to reach them")
    address = _text("Where the child lives")
    provider = forms.CharField(
        label="Who provides the child's education", max_length=20000, required=False, widget=forms.Textarea
    )
    hours_per_week = forms.DecimalField(
        label="Hours of education each week (optional)", required=False, max_digits=4, decimal_places=1
    )
    notes = _text("Notes (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = RegisterEntry.Reason.choices  # type: ignore[attr-defined]
        self.fields["source"].choices = RegisterEntry.Source.choices  # type: ignore[attr-defined]
        self.helper = _helper(
            Field("added_on"),
            Field.radios("reason", legend_size=Size.MEDIUM),
            Field.radios("source", legend_size=Size.SMALL, small=True),
            Field.textarea("parents", rows=3),
            Field.textarea("address", rows=3),
            Field.textarea("provider", rows=3),
            Field.text("hours_per_week", field_width=4),
            Field.textarea("notes", rows=3),
            button="Add to the register",
        )


class RemovalForm(forms.Form):
    removed_on = DateField("Date the child came off the register")
    reason = OpenChoiceField(label="Why does the child come off the register?", choices=(), widget=forms.RadioSelect)
    detail = _text("More about the reason", help_text="Needed for another reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = RegisterEntry.RemovalReason.choices  # type: ignore[attr-defined]
        self.helper = _helper(
            Field("removed_on"),
            Field.radios("reason", legend_size=Size.MEDIUM),
            Field.textarea("detail", rows=3),
            button="Remove from the register",
        )
