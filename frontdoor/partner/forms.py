"""Forms for everyone who tells the front door about a child: the contact's question pages (for
partner practitioners through the web, and for local-authority staff recording a call, an email
or a visit; frontdoor.partner.journey), and a partner agency's answer to a check. The rules
themselves are in frontdoor.services; these forms check the input field by field, in the GOV.UK
style, and the journey maps the answers to what the services take."""

import datetime
import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Layout,
    Size,
    Submit,
)
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor import attachments, services
from frontdoor.models import AgencyCheck, Contact, ContactPerson
from kernel import codelists
from kernel.forms import DateField, clean_time
from partners.access import is_local_authority_staff
from partners.models import Agency, User
from people.identifiers import validate_identifier
from people.postcodes import validate_postcode

Role = ContactPerson.Role

# A partner practitioner's referral source comes from their agency's kind (CIN census codes).
SOURCE_FOR_AGENCY_KIND = {
    Agency.Kind.SCHOOL: "2A",
    Agency.Kind.EARLY_YEARS: "2B",
    Agency.Kind.POLICE: "6",
    Agency.Kind.ICB: "3F",
    Agency.Kind.HEALTH_PROVIDER: "3F",
    Agency.Kind.VOLUNTARY: "8",
    Agency.Kind.PROBATION: "7",
    Agency.Kind.OTHER: "8",
    Agency.Kind.LOCAL_AUTHORITY: "5B",
}
HEALTH_KINDS = {Agency.Kind.ICB, Agency.Kind.HEALTH_PROVIDER}
HEALTH_SOURCES = ("3A", "3B", "3C", "3D", "3E", "3F")
# How local-authority staff may have received a contact (the web form and the API are the partners' own).
RECORDED_CHANNELS = (Contact.Channel.PHONE, Contact.Channel.EMAIL, Contact.Channel.IN_PERSON)


def records_contacts_for_others(user):
    """Local-authority staff record contacts made by phone, email or in person; partner
    practitioners (and anyone outside the local authority) make their own, through the web."""
    return user.role != User.Role.PARTNER_PRACTITIONER and is_local_authority_staff(user)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type="file" multiple>`; each is checked by its content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class CheckAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label="What does your agency know?",
        widget=forms.RadioSelect,
        choices=[
            (AgencyCheck.Status.ANSWERED.value, "We hold information about the child or family"),
            (AgencyCheck.Status.NOTHING_KNOWN.value, "Nothing known"),
        ],
        error_messages={"required": "Select what your agency knows"},
    )
    information = forms.CharField(
        label="What information does your agency hold?",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Include dates, what happened and who in your agency knows the family",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            ConditionalRadios(
                "status",
                RevealQuestion("We hold information about the child or family", Field.textarea("information", rows=8)),
                RevealQuestion("Nothing known"),
            ),
            Submit("submit", "Send the answer"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == AgencyCheck.Status.ANSWERED and not (cleaned.get("information") or "").strip():
            self.add_error("information", "Enter the information the agency holds")
        return cleaned


# --- The contact's question pages (frontdoor.partner.journey) ------------------------------


class RevealQuestion(ConditionalQuestion):
    """A choice of GOV.UK conditional-reveal radios in GOV.UK Frontend's own markup: only a choice
    that reveals something carries data-aria-controls, naming the part it reveals."""

    template = "frontdoor/contact_journey/_reveal_question.html"


def _helper(*fields, button="Continue"):
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


def _not_after_today(value, message):
    if value and value > timezone.localdate():
        raise ValidationError(message)
    return value


class ChildPageForm(forms.Form):
    """About the child: their name, and their date of birth or, for an unborn baby, when it is due."""

    given_names = forms.CharField(
        label="Given names", max_length=200, error_messages={"required": "Enter the child's given names"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=200, error_messages={"required": "Enter the child's family name"}
    )
    born = forms.ChoiceField(
        label="Has the child been born?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No, the baby is not born yet")],
        error_messages={"required": "Select yes if the child has been born"},
    )
    date_of_birth = DateField("Date of birth (optional)", help_text="If you know it. For example, 27 3 2015")
    expected_date = DateField("When is the baby due?", help_text="For example, 14 8 2027")
    nhs_number = forms.CharField(
        label="NHS number (optional)", max_length=14, required=False, help_text="10 digits, for example 999 000 0018"
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        max_length=13,
        required=False,
        help_text="13 characters, starting with a letter",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("given_names"),
            Field.text("family_name"),
            ConditionalRadios(
                "born",
                RevealQuestion("Yes", Field("date_of_birth")),
                RevealQuestion("No, the baby is not born yet", Field("expected_date")),
            ),
            Field.text("nhs_number", field_width=10),
            Field.text("upn", field_width=10),
        )

    def clean_date_of_birth(self):
        return _not_after_today(
            self.cleaned_data.get("date_of_birth"), "The date of birth must be today or in the past"
        )

    def clean_nhs_number(self):
        value = self.cleaned_data.get("nhs_number", "").strip()
        return validate_identifier("NHS", value) if value else ""

    def clean_upn(self):
        value = self.cleaned_data.get("upn", "").strip()
        return validate_identifier("UPN", value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("born") == "no":
            due = cleaned.get("expected_date")
            today = timezone.localdate()
            if due is None and "expected_date" not in self.errors:
                self.add_error("expected_date", "Enter when the baby is due")
            elif due is not None and not (
                today - datetime.timedelta(days=31) <= due <= today + datetime.timedelta(days=300)
            ):
                self.add_error("expected_date", "The date the baby is due must be within the next 10 months")
            cleaned["date_of_birth"] = None
        else:
            cleaned["expected_date"] = None
            self.errors.pop("expected_date", None)
        return cleaned


class PostcodeForm(forms.Form):
    """The first half of the address question: the postcode, looked up in the authority's data."""

    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        help_text="For example, LS1 1UR",
        error_messages={"required": "Enter the child's postcode"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"
        self.helper = _helper(Field.text("postcode", field_width=10))

    def clean_postcode(self):
        try:
            return validate_postcode(self.cleaned_data.get("postcode"))
        except ValidationError as error:
            if error.code == "required":
                raise ValidationError("Enter the child's postcode") from None
            raise


class AddressForm(forms.Form):
    """The child's address, its postcode found (or not) in the authority's data."""

    line_1 = forms.CharField(
        label="Address line 1", max_length=200, error_messages={"required": "Enter the first line of the address"}
    )
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, error_messages={"required": "Enter the town or city"})
    postcode = forms.CharField(label="Postcode", max_length=10, error_messages={"required": "Enter the postcode"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, autocomplete in (
            ("line_1", "address-line1"),
            ("line_2", "address-line2"),
            ("town", "address-level2"),
            ("postcode", "postal-code"),
        ):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete
        self.helper = _helper(
            Field.text("line_1"),
            Field.text("line_2"),
            Field.text("town", field_width=20),
            Field.text("postcode", field_width=10),
        )

    def clean_postcode(self):
        return validate_postcode(self.cleaned_data.get("postcode"))


class ConcernsForm(forms.Form):
    concerns = forms.CharField(
        label="What has happened?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="Say what has happened or what you have seen or been told, when, and who told you",
        error_messages={"required": "Describe what has happened"},
    )
    child_said = forms.CharField(
        label="What has the child said? (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        required=False,
        help_text="In the child's own words, if you can",
    )
    immediate_risk = forms.ChoiceField(
        label="Is the child at immediate risk of harm?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Select yes if the child is at immediate risk of harm"},
    )
    immediate_risk_detail = forms.CharField(
        label="Describe the immediate risk", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("concerns", rows=8),
            Field.textarea("child_said", rows=5),
            ConditionalRadios(
                "immediate_risk",
                RevealQuestion("Yes", Field.textarea("immediate_risk_detail", rows=4)),
                RevealQuestion("No"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("immediate_risk") == "yes" and not (cleaned.get("immediate_risk_detail") or "").strip():
            self.add_error("immediate_risk_detail", "Describe the immediate risk to the child")
        if cleaned.get("immediate_risk") == "no":
            cleaned["immediate_risk_detail"] = ""
        return cleaned


FAMILY_TOLD = [
    ("yes", "Yes"),
    ("no", "No"),
    ("unsafe", "No: telling them could put the child at risk"),
]


class ConsentForm(forms.Form):
    family_told = forms.ChoiceField(
        label="Does the family know you are telling the front door?",
        widget=forms.RadioSelect,
        choices=FAMILY_TOLD,
        error_messages={"required": "Select whether the family knows you are telling the front door"},
    )
    consent = forms.ChoiceField(
        label="Does the family agree to early help?",
        widget=forms.RadioSelect,
        choices=Contact.Consent.choices,
        help_text="Early help needs the family's consent. A child protection concern does not.",
        error_messages={"required": "Select whether the family agrees to early help"},
    )
    consent_detail = forms.CharField(
        label="About consent (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text="For example: who was asked, and when",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("family_told", legend_size=Size.SMALL),
            Field.radios("consent", legend_size=Size.SMALL),
            Field.textarea("consent_detail", rows=3),
        )


class ReferrerForm(forms.Form):
    """About the person making the contact: the partner themselves, or, for local-authority
    staff recording a call, an email or a visit, who it came from and when."""

    channel = forms.ChoiceField(
        label="How was the contact made?",
        widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in RECORDED_CHANNELS],
        error_messages={"required": "Select how the contact was made"},
    )
    source = forms.ChoiceField(
        label="Who is the contact from?", choices=(), error_messages={"required": "Select who the contact is from"}
    )
    health_source = forms.ChoiceField(
        label="Which health service are you in?",
        widget=forms.RadioSelect,
        choices=(),
        error_messages={"required": "Select which health service you are in"},
    )
    referrer_name = forms.CharField(label="Name of the person making the contact", max_length=200, required=False)
    referrer_role = forms.CharField(
        label="Their role or job title (optional)",
        max_length=200,
        required=False,
        help_text="For example: designated safeguarding lead",
    )
    referrer_agency = forms.ModelChoiceField(
        label="Their agency (optional)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="None, or not an agency",
    )
    referrer_relationship = forms.CharField(
        label="Their relationship to the child (optional)",
        max_length=200,
        required=False,
        help_text="Needed for a family member, relative or carer. For example: grandmother",
    )
    referrer_phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    referrer_email = forms.EmailField(
        label="Email address (optional)",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    received_on = DateField("Date received", required=True)
    received_time = forms.CharField(
        label="Time received",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time the contact was received"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.for_others = records_contacts_for_others(user)
        self.health = (not self.for_others) and getattr(user.agency, "kind", None) in HEALTH_KINDS
        if self.for_others:
            del self.fields["health_source"]
            self.fields["source"].choices = codelists.choices("referral-source", blank="Select who the contact is from")
            self.fields["referrer_agency"].queryset = Agency.objects.order_by("name")
            fields = [
                Field.radios("channel", legend_size=Size.SMALL, inline=True),
                Field.select("source"),
                Field.text("referrer_name"),
                Field.text("referrer_role"),
                Field.select("referrer_agency"),
                Field.text("referrer_relationship"),
                Field.text("referrer_phone", field_width=20),
                Field.text("referrer_email"),
                Field("received_on"),
                Field.text("received_time", field_width=5),
            ]
        else:
            for name in (
                "channel",
                "source",
                "referrer_agency",
                "referrer_relationship",
                "received_on",
                "received_time",
            ):
                del self.fields[name]
            if self.health:
                options = dict(codelists.choices("referral-source"))
                self.fields["health_source"].choices = [(code, options.get(code, code)) for code in HEALTH_SOURCES]
            else:
                del self.fields["health_source"]
            self.fields["referrer_name"].label = "Your name"
            self.fields["referrer_name"].required = True
            self.fields["referrer_name"].error_messages = {"required": "Enter your name"}
            self.fields["referrer_role"].label = "Your job title (optional)"
            self.fields["referrer_phone"].label = "Phone number for the front door to call you back (optional)"
            self.fields["referrer_email"].label = "Your email address (optional)"
            fields = [Field.text("referrer_name"), Field.text("referrer_role")]
            if self.health:
                fields.append(Field.radios("health_source", legend_size=Size.SMALL))
            fields += [Field.text("referrer_phone", field_width=20), Field.text("referrer_email")]
        self.helper = _helper(*fields)

    def clean_received_time(self):
        return clean_time(self.cleaned_data.get("received_time"))

    def clean(self):
        cleaned = super().clean()
        if self.for_others:
            if cleaned.get("source") in services.FAMILY_MEMBER_SOURCES:
                if not (cleaned.get("referrer_name") or "").strip():
                    self.add_error("referrer_name", "Enter the name of the family member who made the contact")
                if not (cleaned.get("referrer_relationship") or "").strip():
                    self.add_error("referrer_relationship", "Enter the family member's relationship to the child")
            day, time = cleaned.get("received_on"), cleaned.get("received_time")
            if day is None and "received_on" not in self.errors:
                self.add_error("received_on", "Enter the date received")
            if time is None and "received_time" not in self.errors:
                self.add_error("received_time", "Enter the time the contact was received")
            if day and time:
                moment = timezone.make_aware(datetime.datetime.combine(day, time))
                if moment > timezone.now() + datetime.timedelta(minutes=5):
                    self.add_error("received_on", "The time the contact was received must be in the past")
                cleaned["received_at"] = moment
        return cleaned


class FilesForm(forms.Form):
    upload = MultipleFileField(label="Upload a file", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = attachments._readable_size(attachments.max_bytes())
        self.fields[
            "upload"
        ].help_text = (
            f"You can choose more than one file. Each must be a {attachments.ALLOWED_LIST}, smaller than {size}."
        )
        self.fields["upload"].widget.attrs["class"] = "govuk-file-upload"
        self.helper = _helper(Field("upload"))

    def add_error(self, field, error):
        super().add_error(field, error)
        widget = self.fields["upload"].widget
        if "govuk-file-upload--error" not in widget.attrs["class"]:
            widget.attrs["class"] += " govuk-file-upload--error"

    def clean_upload(self):
        """(name, bytes) for each file chosen; each is checked when it is kept (journey.keep_file)."""
        return [
            (upload.name, upload.read(attachments.max_bytes() + 1)) for upload in self.cleaned_data.get("upload") or []
        ]


# --- Other children and adults in the household (MOJ "add another") -------------------------

HOUSEHOLD_FIELDS = ("given_names", "family_name", "dob_day", "dob_month", "dob_year", "relationship", "role")
ADULT_ROLES = [
    (Role.ADULT_IN_HOUSEHOLD.value, "An adult in the household"),
    (Role.PERSON_OF_CONCERN.value, "A person said to pose a risk to the child"),
]


def household_rows(data, group: str) -> list[dict]:
    """The rows of an add-another list as posted (`<group>[<n>][<field>]`), in their order."""
    found: dict[int, dict] = {}
    pattern = re.compile(rf"^{re.escape(group)}\[(\d+)\]\[(\w+)\]$")
    for key in data:
        match = pattern.match(key)
        if match and match.group(2) in HOUSEHOLD_FIELDS and int(match.group(1)) < 100:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = (data.get(key) or "").strip()[:200]
    return [{name: row.get(name, "") for name in HOUSEHOLD_FIELDS} for _, row in sorted(found.items())]


def is_blank(row: dict) -> bool:
    return not any(row.get(name) for name in HOUSEHOLD_FIELDS if name != "role")


def check_household(rows: list[dict], label: str) -> dict[tuple[int, str], str]:
    """Errors by (row index, field) for the rows given; blank rows are not checked. `label`:
    "child" or "adult", to name the row in messages ("child 2")."""
    errors: dict[tuple[int, str], str] = {}
    for index, row in enumerate(rows):
        if is_blank(row):
            continue
        name = f"{label} {index + 1}"
        if not row["given_names"]:
            errors[(index, "given_names")] = f"Enter the given names of {name}"
        if not row["family_name"]:
            errors[(index, "family_name")] = f"Enter the family name of {name}"
        parts = (row["dob_day"], row["dob_month"], row["dob_year"])
        if any(parts):
            if not all(parts):
                errors[(index, "dob")] = f"The date of birth of {name} must include a day, month and year"
            elif len(row["dob_year"]) != 4 or not all(part.isdigit() for part in parts):
                errors[(index, "dob")] = f"The date of birth of {name} must be a real date, like 27 3 2015"
            else:
                try:
                    born = datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
                except ValueError:
                    errors[(index, "dob")] = f"The date of birth of {name} must be a real date, like 27 3 2015"
                else:
                    if born > timezone.localdate():
                        errors[(index, "dob")] = f"The date of birth of {name} must be today or in the past"
        if label == "adult" and row["role"] not in {value for value, _ in ADULT_ROLES}:
            errors[(index, "role")] = f"Select why you are telling us about {name}"
    return errors


def date_of_row(row: dict) -> str:
    """The row's date of birth as an ISO date, or "" (a row already checked)."""
    if not (row.get("dob_day") and row.get("dob_month") and row.get("dob_year")):
        return ""
    return datetime.date(int(row["dob_year"]), int(row["dob_month"]), int(row["dob_day"])).isoformat()
