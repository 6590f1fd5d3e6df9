"""Forms for the adoption pages. They only gather what was typed (GOV.UK date inputs, radios):
the rules are in adoption.services, whose RuleBroken messages `add_rule_errors` puts on the
fields. Labels built from names are escaped (crispy-forms-gds renders labels as HTML)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from kernel import codelists
from kernel.forms import DateField, OpenChoiceField

from .models import Adopter, AdopterHousehold, AdoptionDecision


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


def _late():
    return forms.CharField(
        label="If this is after its timescale, why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    decided_on = DateField("Date of the agency decision maker's decision")
    panel_recommended_on = DateField("Date of the adoption panel's recommendation (optional)")
    decision_maker = forms.CharField(label="Agency decision maker", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("decided_on"), Field("panel_recommended_on"), Field.text("decision_maker"))


class DateStepForm(forms.Form):
    """A step with one date (placement order, consent, placement)."""

    on = DateField("Date")

    def __init__(self, *args, label="Date", late=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"] = DateField(label)
        fields = [Field("on")]
        if late:
            self.fields["late_reason"] = _late()
            fields.append(Field.textarea("late_reason"))
        self.helper = _helper(*fields)


def household_choices(households, show_names):
    return [("", "Select the adopters")] + [
        (str(h.pk), f"{h.reference}: {h.name}" if show_names else h.reference) for h in households
    ]


class EarlyPlacementForm(forms.Form):
    kind = OpenChoiceField(
        label="Kind of placement", choices=AdoptionDecision.EarlyPlacement.choices, widget=forms.RadioSelect
    )
    household = OpenChoiceField(label="Carers (approved prospective adopters)", choices=())
    relative = forms.BooleanField(label="The carers are the child's relatives or friends (U2)", required=False)
    on = DateField("Date of the placement")

    def __init__(self, *args, households=(), show_names=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = household_choices(households, show_names)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL), Field("household"), Field.checkbox("relative"), Field("on")
        )


class MatchForm(forms.Form):
    household = OpenChoiceField(label="Prospective adopters", choices=())
    recommended_on = DateField("Date of the adoption panel's recommendation (optional)")
    matched_on = DateField("Date of the agency decision maker's match decision")
    late_reason = _late()

    def __init__(self, *args, households=(), show_names=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = household_choices(households, show_names)
        self.helper = _helper(
            Field("household"), Field("recommended_on"), Field("matched_on"), Field.textarea("late_reason")
        )


class OrderForm(forms.Form):
    on = DateField("Date of the adoption order")
    reason = OpenChoiceField(
        label="The adoption order",
        widget=forms.RadioSelect,
        choices=(
            ("E11", "E11: the application was unopposed"),
            ("E12", "E12: the court dispensed with the parents' consent"),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("on"), Field.radios("reason", legend_size=Size.SMALL))


class NoLongerForm(forms.Form):
    on = DateField("Date of the decision")
    reason = OpenChoiceField(
        label="Why the child should no longer be placed for adoption", widget=forms.RadioSelect, choices=()
    )
    detail = forms.CharField(
        label="What changed (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = codelists.choices("adoption-placed-ceased-reason")
        self.helper = _helper(Field("on"), Field.radios("reason", legend_size=Size.SMALL), Field.textarea("detail"))


ADOPTER_FIELDS = ("given_names", "family_name", "sex", "ethnicity", "disability")


class HouseholdForm(forms.Form):
    name = forms.CharField(
        label="How the household is known", required=False, max_length=200, help_text="For example: the Smith household"
    )
    relationship = OpenChoiceField(
        label="The adopters are", choices=AdopterHousehold.Relationship.choices, widget=forms.RadioSelect
    )
    enquiry_on = DateField("Date the enquiry was received")
    postcode = forms.CharField(label="Postcode", required=False, max_length=8)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [
            Field.text("name"),
            Field.radios("relationship", legend_size=Size.SMALL),
            Field("enquiry_on"),
            Field.text("postcode", field_width=10),
        ]
        for prefix, title in (("first_", "First adopter"), ("second_", "Second adopter (for a couple)")):
            self.fields[prefix + "given_names"] = forms.CharField(
                label=f"{title}: given names", required=False, max_length=200
            )
            self.fields[prefix + "family_name"] = forms.CharField(
                label=f"{title}: family name", required=False, max_length=200
            )
            self.fields[prefix + "sex"] = OpenChoiceField(
                label=f"{title}: sex", widget=forms.RadioSelect, choices=(("F", "Female"), ("M", "Male"))
            )
            self.fields[prefix + "ethnicity"] = OpenChoiceField(
                label=f"{title}: ethnicity", choices=codelists.choices("ethnicity", blank="Select the ethnicity")
            )
            self.fields[prefix + "disability"] = OpenChoiceField(
                label=f"{title}: disability", choices=Adopter.Disability.choices, widget=forms.RadioSelect
            )
            layout += [
                Field.text(prefix + "given_names"),
                Field.text(prefix + "family_name"),
                Field.radios(prefix + "sex", legend_size=Size.SMALL, inline=True),
                Field(prefix + "ethnicity"),
                Field.radios(prefix + "disability", legend_size=Size.SMALL, inline=True),
            ]
        self.helper = _helper(*layout, button="Save the enquiry")

    def adopters(self):
        data = self.cleaned_data
        return [{name: data.get(prefix + name) or "" for name in ADOPTER_FIELDS} for prefix in ("first_", "second_")]


class LeftForm(forms.Form):
    on = DateField("Date they left the process")
    reason = OpenChoiceField(label="Why", choices=AdopterHousehold.LeftReason.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("on"), Field.radios("reason", legend_size=Size.SMALL))


def safe(text):
    return escape(text)
