"""Fixtures for the sign-in tests. Two-factor codes are off for the rest of the suite (root
conftest.py); these tests turn them on with ``otp_on``."""

import pytest


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED = True
    return settings


@pytest.fixture
def sign_in():
    """``sign_in(client, account, password=None, next=None, address="10.0.0.1")``: post the
    sign-in form; returns the response (not followed)."""

    def post(client, account, password=None, next=None, address="10.0.0.1"):
        url = "/sign-in/" + (f"?next={next}" if next else "")
        username = account if isinstance(account, str) else account.username
        if password is None:
            password = account.password_for_tests
        return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)

    return post
