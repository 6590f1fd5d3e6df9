"""Forms for recording people. Each checks its input and says exactly what is wrong,
in the GOV.UK style; the error summary is shown by the page template."""

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from kernel import codelists
from kernel.forms import DateField

from .identifiers import validate_identifier
from .models import Identifier, Person, PersonAddress, PersonAlert, PersonName, Relationship
from .postcodes import validate_postcode


def _helper(*fields, button="Save"):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


class DateChecks:
    """Dates must be real and, unless stated, not in the future."""

    @staticmethod
    def not_in_future(value, message):
        if value and value > datetime.date.today():
            raise ValidationError(message)
        return value


class PersonDetailsForm(forms.Form):
    given_names = forms.CharField(
        label="Given names", max_length=200, error_messages={"required": "Enter the person's given names"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=200, error_messages={"required": "Enter the person's family name"}
    )
    date_of_birth = DateField("Date of birth")
    date_of_birth_estimated = forms.BooleanField(label="The date of birth is an estimate", required=False)
    expected_date_of_birth = DateField(
        "Expected date of birth", help_text="For an unborn child only. For example, 27 3 2027"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's sex, or 'Not known or not recorded'"},
    )
    gender = forms.CharField(
        label="Gender (optional)",
        max_length=100,
        required=False,
        help_text="How the person describes their gender, in their words",
    )
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=(), required=False)
    first_language = forms.ChoiceField(label="First language", choices=(), required=False)
    religion = forms.ChoiceField(label="Religion", choices=(), required=False)
    disabilities = forms.MultipleChoiceField(
        label="Disability",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )

    def __init__(self, *args, kind=Person.Kind.CHILD, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["sex"].choices = codelists.choices("sex")
        self.fields["ethnicity"].choices = codelists.choices("ethnicity", blank="Not recorded")
        self.fields["first_language"].choices = codelists.choices("language", blank="Not recorded")
        self.fields["religion"].choices = codelists.choices("religion", blank="Not recorded")
        self.fields["disabilities"].choices = codelists.choices("disability")

    def clean_date_of_birth(self):
        return DateChecks.not_in_future(
            self.cleaned_data.get("date_of_birth"), "Date of birth must be today or in the past"
        )

    def clean(self):
        cleaned = super().clean()
        dob, edd = cleaned.get("date_of_birth"), cleaned.get("expected_date_of_birth")
        if self.kind == Person.Kind.CHILD:
            if dob and edd:
                self.add_error(
                    "expected_date_of_birth",
                    "Enter either a date of birth or, for an unborn child, an expected date of birth, not both",
                )
            elif (
                not dob
                and not edd
                and "date_of_birth" not in self.errors
                and "expected_date_of_birth" not in self.errors
            ):
                self.add_error(
                    "date_of_birth",
                    "Enter the child's date of birth, or an expected date of birth if the child is not yet born",
                )
            if dob and dob < datetime.date.today() - datetime.timedelta(days=366 * 26):
                self.add_error("date_of_birth", "A child's date of birth must be within the last 25 years")
        elif edd:
            self.add_error("expected_date_of_birth", "Only an unborn child has an expected date of birth")
        if edd and edd < datetime.date.today() - datetime.timedelta(days=30):
            self.add_error(
                "expected_date_of_birth",
                "An expected date of birth more than a month ago cannot be right: record the date of birth instead",
            )
        if "NONE" in cleaned.get("disabilities", []) and len(cleaned["disabilities"]) > 1:
            self.add_error("disabilities", "Select 'No disability' or the disabilities the person has, not both")
        if cleaned.get("date_of_birth_estimated") and not dob:
            self.add_error("date_of_birth", "Enter the estimated date of birth")
        return cleaned


class NewPersonForm(PersonDetailsForm):
    kind = forms.ChoiceField(
        label="Who are you recording?",
        choices=Person.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you are recording a child, an adult or a professional"},
    )
    postcode = forms.CharField(
        label="Postcode (optional)", max_length=20, required=False, help_text="Helps to find people already recorded"
    )
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=14, required=False)
    confirm_new = forms.BooleanField(label="None of these is the person I am recording", required=False)

    field_order = [
        "kind",
        "given_names",
        "family_name",
        "date_of_birth",
        "date_of_birth_estimated",
        "expected_date_of_birth",
        "sex",
        "gender",
        "ethnicity",
        "first_language",
        "religion",
        "nhs_number",
        "postcode",
    ]

    def __init__(self, *args, **kwargs):
        data = args[0] if args else kwargs.get("data")
        kind = (data or {}).get("kind") or Person.Kind.CHILD
        super().__init__(*args, kind=kind, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.MEDIUM, inline=True),
            Field.text("given_names"),
            Field.text("family_name"),
            Field("date_of_birth"),
            Field.checkbox("date_of_birth_estimated"),
            Field("expected_date_of_birth"),
            Field.radios("sex", legend_size=Size.SMALL, inline=True),
            Field.text("gender"),
            Field.select("ethnicity"),
            Field.select("first_language"),
            Field.select("religion"),
            Field.checkboxes("disabilities", legend_size=Size.SMALL, small=True),
            Field.text("nhs_number", field_width=10),
            Field.text("postcode", field_width=10),
            button="Continue",
        )

    def ask_to_confirm(self):
        """Likely duplicates were found: ask the user to confirm none of them is this person."""
        self.helper.layout.insert(len(self.helper.layout) - 1, Field.checkbox("confirm_new"))

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return validate_postcode(value) if value.strip() else ""

    def clean_nhs_number(self):
        value = self.cleaned_data.get("nhs_number", "")
        return validate_identifier("NHS", value) if value.strip() else ""


class EditPersonForm(PersonDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    date_of_death = DateField("Date of death (if the person has died)")
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, kind=person.kind, **kwargs)
        self.person = person
        self.helper = _helper(
            Field.text("given_names"),
            Field.text("family_name"),
            Field("date_of_birth"),
            Field.checkbox("date_of_birth_estimated"),
            Field("expected_date_of_birth"),
            Field("date_of_death"),
            Field.radios("sex", legend_size=Size.SMALL, inline=True),
            Field.text("gender"),
            Field.select("ethnicity"),
            Field.select("first_language"),
            Field.checkbox("interpreter_needed"),
            Field.select("religion"),
            Field.checkboxes("disabilities", legend_size=Size.SMALL, small=True),
            Field("version"),
            button="Save changes",
        )

    def clean_date_of_death(self):
        value = DateChecks.not_in_future(
            self.cleaned_data.get("date_of_death"), "Date of death must be today or in the past"
        )
        dob = self.person.date_of_birth
        if value and dob and value < dob:
            raise ValidationError("Date of death must be on or after the date of birth")
        return value


class IdentifierForm(forms.Form):
    id_type = forms.ChoiceField(
        label="Type of identifier",
        widget=forms.RadioSelect,
        choices=[(t.value, t.label) for t in Identifier.Type if t != Identifier.Type.CONSISTENT],
        error_messages={"required": "Select the type of identifier"},
    )
    value = forms.CharField(label="Number", max_length=30, error_messages={"required": "Enter the number"})
    valid_from = DateField("Valid from (optional)")

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.helper = _helper(
            Field.radios("id_type", legend_size=Size.MEDIUM),
            Field.text("value", field_width=20),
            Field("valid_from"),
            button="Add identifier",
        )

    def clean(self):
        cleaned = super().clean()
        id_type, value = cleaned.get("id_type"), cleaned.get("value")
        if id_type and value:
            try:
                cleaned["value"] = validate_identifier(id_type, value)
            except ValidationError as error:
                self.add_error("value", error)
                return cleaned
            if self.person.identifiers.filter(id_type=id_type, value=cleaned["value"]).exists():
                self.add_error("value", "This person already has this identifier")
            elif id_type in {"NHS", "UPN"}:
                other = (
                    Identifier.objects.filter(id_type=id_type, value=cleaned["value"])
                    .exclude(person=self.person)
                    .exclude(person__merged_into=self.person)  # a record merged into this one
                    .first()
                )
                if other is not None:
                    self.add_error(
                        "value",
                        "Another person's record already has this number. Check it, or check whether the two records are the same person",  # noqa: E501
                    )
        return cleaned


class NameForm(forms.Form):
    name_type = forms.ChoiceField(
        label="Type of name",
        widget=forms.RadioSelect,
        choices=[(t.value, t.label) for t in PersonName.Type if t != PersonName.Type.CURRENT],
        error_messages={"required": "Select the type of name"},
    )
    given_names = forms.CharField(
        label="Given names", max_length=200, error_messages={"required": "Enter the given names"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=200, error_messages={"required": "Enter the family name"}
    )
    valid_from = DateField("Used from (optional)")
    valid_to = DateField("Used until (optional)")

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.helper = _helper(
            Field.radios("name_type", legend_size=Size.MEDIUM),
            Field.text("given_names"),
            Field.text("family_name"),
            Field("valid_from"),
            Field("valid_to"),
            button="Add name",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "The date the name was used until must be on or after the date it was used from")
        return cleaned


class AddressForm(forms.Form):
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={"required": "Enter address line 1, typically the building and street"},
    )
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, error_messages={"required": "Enter the town or city"})
    county = forms.CharField(label="County (optional)", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=20, error_messages={"required": "Enter the postcode"})
    kind = forms.ChoiceField(
        label="Type of address",
        choices=PersonAddress.Kind.choices,
        widget=forms.RadioSelect,
        initial=PersonAddress.Kind.HOME,
        error_messages={"required": "Select the type of address"},
    )
    moved_in = DateField("Date moved in", required=True)
    confidential = forms.BooleanField(label="Do not disclose this address", required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["moved_in"].error_messages["required"] = "Enter the date the person moved in"
        self.helper = _helper(
            Fieldset(
                Field.text("line_1"),
                Field.text("line_2"),
                Field.text("town", field_width=20),
                Field.text("county", field_width=20),
                Field.text("postcode", field_width=10),
                legend="Address",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field("moved_in"),
            Field.checkbox("confidential"),
            button="Save address",
        )

    def clean_postcode(self):
        return validate_postcode(self.cleaned_data.get("postcode"))

    def clean_moved_in(self):
        value = self.cleaned_data.get("moved_in")
        if value and value > datetime.date.today() + datetime.timedelta(days=31):
            raise ValidationError("The date moved in must be no more than a month from today")
        return value


class RelationshipForm(forms.Form):
    relationship = forms.ChoiceField(
        label="Relationship",
        choices=Relationship.Type.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the relationship"},
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=200,
        required=False,
        help_text="For example: birth mother, maternal aunt, family GP",
    )
    valid_from = DateField("Since (optional)")

    def __init__(self, *args, person, related_person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship"].label = f"{related_person.full_name} is {person.full_name}'s"
        self.helper = _helper(
            Field.radios("relationship", legend_size=Size.MEDIUM),
            Field.text("description"),
            Field("valid_from"),
            button="Save relationship",
        )


class AlertForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of alert",
        choices=PersonAlert.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of alert"},
    )
    detail = forms.CharField(
        label="What people need to know",
        max_length=500,
        help_text="Shown at the top of the record to everyone who can see it",
        error_messages={"required": "Enter what people need to know"},
    )
    end_date = DateField("Remove the alert on (optional)")

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.MEDIUM), Field.text("detail"), Field("end_date"), button="Add alert"
        )

    def clean_end_date(self):
        value = self.cleaned_data.get("end_date")
        if value and value < datetime.date.today():
            raise ValidationError("The date to remove the alert must be today or in the future")
        return value


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Your reason is recorded and shown to managers, with the time and your name",
        error_messages={"required": "Enter why you need to see this record"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), button="Open the record")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise ValidationError("Enter a reason of at least 10 characters, saying what you need the record for")
        return reason
