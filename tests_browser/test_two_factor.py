"""A practitioner signs in for the first time through the set-up link from their administrator:
sets up an authenticator app from the key on the page, then signs in again with a code. The strict Content-Security-Policy lets the page
show its QR code and blocks nothing the pages need."""  # noqa: E501

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from partners.testing import set_up_link_for, totp_code_for
from testing.browser import assert_basic_accessibility, assert_styles_loaded, screenshot, sign_in

pytestmark = pytest.mark.browser


def code_from_key(key):
    """What an authenticator app shows for the key typed in by hand."""
    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_set_up_two_factor_then_sign_in_with_a_code(page, user, settings):
    settings.OTP_REQUIRED = True  # the live server runs in this process: it sees this
    account = user(first_name="Sam", last_name="Patel")
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )

    sign_in(page, account, start=set_up_link_for(account), check_page=False)
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/set-up/$"))
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    qr = page.get_by_alt_text("QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image did not load"
    assert_styles_loaded(page)
    assert_basic_accessibility(page)

    # Nothing else is reachable before the code.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/set-up/$"))

    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator("#two-factor-key").inner_text()
    assert re.fullmatch(r"[A-Z2-7 ]{32,}", key.strip()), key
    screenshot(page, "two-factor-set-up")

    page.get_by_label("Code from your authenticator app").fill("000000" if code_from_key(key) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    assert page.title().startswith("Error: ")
    assert_basic_accessibility(page)

    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Find a person")).to_be_visible()  # signed in: the navigation shows

    # Sign out; the next sign-in asks for a code, not a new set-up.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, account, check_page=False)
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/$"))
    expect(page.locator("h1")).to_have_text("Enter the code from your authenticator app")
    assert_styles_loaded(page)
    assert_basic_accessibility(page)
    page.get_by_label("Code from your authenticator app").fill(totp_code_for(account))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Find a person")).to_be_visible()  # signed in: the navigation shows

    page.goto("/account/")
    expect(page.locator("h1")).to_have_text("Your account")
    expect(page.get_by_text("Sam Patel", exact=True)).to_be_visible()
    assert_basic_accessibility(page)
    screenshot(page, "your-account")
    assert not blocked, f"the Content-Security-Policy blocked something: {blocked}"


def test_five_wrong_codes_show_the_locked_page(page, user, settings):
    settings.OTP_REQUIRED = True
    account = user()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=account, name="Phone", confirmed=True)
    sign_in(page, account, check_page=False)
    wrong = f"{(int(totp_code_for(account)) + 7) % 1_000_000:06d}"
    for _ in range(5):
        page.get_by_label("Code from your authenticator app").fill(wrong)
        page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Your account is locked")
    expect(page.get_by_text("Try again in 30 minutes or ask your system administrator")).to_be_visible()
    assert_styles_loaded(page)
    assert_basic_accessibility(page)
    screenshot(page, "account-locked")
