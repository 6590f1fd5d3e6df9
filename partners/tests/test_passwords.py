"""Passwords: at least 12 characters, not a common one, not all digits, not like the username."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from partners.models import User


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def test_a_long_uncommon_password_is_accepted():
    assert messages_for("violet-harbour-tangent-47") == ""


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("739164028517", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    assert message in messages_for(password)


def test_a_password_like_the_username_is_refused():
    person = User(
        username="samantha.patel", first_name="Samantha", last_name="Patel", email="samantha.patel@example.org"
    )
    assert "too similar" in messages_for("samantha.patel1", person)


def test_the_settings_keep_minimum_length_12_and_the_common_password_list(settings):
    names = {v["NAME"].rsplit(".", 1)[1]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names["MinimumLengthValidator"]["min_length"] >= 12
    assert "CommonPasswordValidator" in names
    assert "UserAttributeSimilarityValidator" in names
