import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


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
        self.helper.layout = Layout(Field.text("username", field_width=20), Field.text("password", field_width=20),
                                    Submit("submit", "Sign in"))


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code from an authenticator app (spaces are ignored)."""

    code = forms.CharField(
        label="Code from your authenticator app", max_length=20,
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
