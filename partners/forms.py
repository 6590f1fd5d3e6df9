import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from .models import Agency, Team, User


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive",
        "inactive": "This account has been switched off. Ask your system administrator",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=20), Field.text("password", field_width=20), Submit("submit", "Sign in")
        )


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code from an authenticator app (spaces are ignored)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now",
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args, button="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("code", field_width=5, autocomplete="one-time-code", inputmode="numeric", spellcheck="false"),
            Submit("submit", button),
        )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("Enter the code as 6 digits, like 123456")
        return code

    def wrong_code(self):
        self.add_error("code", "The code is not correct. Enter the code your authenticator app shows now")


# --- Account administration (partners.accounts.views) ---------------------------------------


class ChangePasswordForm(PasswordChangeForm):
    """Change your password: the current one, then the new one twice (Django's password rules)."""

    error_messages = {
        "password_incorrect": "Your current password is not correct. Enter it again",
        "password_mismatch": "The new passwords do not match. Enter the same password twice",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "old_password": ("Current password", "Enter your current password"),
            "new_password1": ("New password", "Enter a new password"),
            "new_password2": ("Confirm new password", "Enter the new password again"),
        }
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
            self.fields[name].widget.attrs.pop("autofocus", None)
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 12 characters. Not a common password, not only numbers, and not like your name or username"
        )
        self.fields["new_password2"].help_text = ""
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("old_password", field_width=20),
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Submit("submit", "Change password"),
        )


class AccountSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or username", required=False, max_length=100)


class ResetForm(forms.Form):
    """The confirmation step of a reset: why it is being done (kept in the audit entry)."""

    REASONS = {
        "password": [
            ("forgotten", "They have forgotten their password"),
            ("known", "Someone else may know their password"),
            ("locked", "Their account is locked and they cannot wait"),
            ("other", "Another reason"),
        ],
        "authenticator": [
            ("lost", "They have lost their phone or changed it"),
            ("compromised", "Someone else may have their authenticator app"),
            ("new", "They need a new set-up link (the last one expired or was lost)"),
            ("other", "Another reason"),
        ],
    }

    reason = forms.ChoiceField(label="Why are you resetting it?", widget=forms.RadioSelect, choices=())

    def __init__(self, *args, kind, button, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = self.REASONS[kind]
        self.fields["reason"].error_messages["required"] = "Select why you are resetting it"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("reason", legend_size=Size.MEDIUM), Submit("submit", button, css_class="govuk-button--warning")
        )

    def reason_label(self):
        return dict(self.fields["reason"].choices).get(self.cleaned_data["reason"], "")


class CreateAccountForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter the person's first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter the person's last name"}
    )
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="For example, sam.patel",
        error_messages={"required": "Enter a username"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    role = forms.ChoiceField(label="Role", choices=(), error_messages={"required": "Select a role"})
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        error_messages={"required": "Select the person's agency", "invalid_choice": "Select the person's agency"},
    )
    team = forms.ModelChoiceField(
        label="Team (optional)",
        queryset=Team.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Select a role")] + list(roles)
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["agency"].empty_label = "Select an agency"
        self.fields["team"].queryset = Team.objects.select_related("agency").order_by("agency__name", "name")
        self.fields["team"].empty_label = "No team"
        self.fields["team"].label_from_instance = lambda team: f"{team.name} ({team.agency.name})"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("username", field_width=20, spellcheck="false", autocomplete="off"),
            Field.text("email", field_width=30, spellcheck="false"),
            Field.select("role"),
            Field.select("agency"),
            Field.select("team"),
            Field.text("job_title", field_width=30),
            Submit("submit", "Create account"),
        )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[\w.@+-]+", username):
            raise ValidationError("A username can only have letters, numbers and . @ + - _")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("There is already an account with that username. Choose another")
        return username

    def clean(self):
        cleaned = super().clean()
        agency, team = cleaned.get("agency"), cleaned.get("team")
        if agency is not None and team is not None and team.agency_id != agency.pk:
            self.add_error("team", "Select a team in the person's agency, or no team")
        return cleaned
