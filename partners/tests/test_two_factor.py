"""Two-factor sign-in for every user: set up an authenticator app through a set-up link (the
password alone never leads there: test_account_admin.py), give a code at every sign-in, and
reach nothing else before that."""

import base64
import re
from base64 import b32encode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from partners.testing import follow_set_up_link, totp_code_for, verified_login

pytestmark = pytest.mark.usefixtures("otp_on")

SET_UP = "/sign-in/two-factor/set-up/"
CODE = "/sign-in/two-factor/"


def summaries(user=None):
    events = AuditEvent.objects.filter(action="sign_in").order_by("id")
    return [e.summary for e in events]


def wrong_code(right):
    return f"{(int(right) + 1) % 1_000_000:06d}"


def test_first_sign_in_asks_to_set_up_an_authenticator_app_and_shows_qr_code_and_key(client, user, sign_in):
    worker = user()
    follow_set_up_link(client, worker)
    response = sign_in(client, worker)
    assert response.status_code == 302
    assert response["Location"] == SET_UP
    assert "Password accepted; asked for the two-factor code" in summaries()

    page = client.get(SET_UP)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Set up two-factor authentication</h1>' in html
    assert "Code from your authenticator app" in html
    # The QR code is an image from a data: URI (the Content-Security-Policy allows those).
    image = re.search(
        r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="QR code to scan with your authenticator app"', html
    )
    assert image, html
    svg = base64.b64decode(image.group(1)).decode()
    assert svg.lstrip().startswith("<svg")
    assert "<script" not in svg
    # The key, for typing in by hand, is the device's secret in base 32.
    device = TOTPDevice.objects.get(user=worker)
    assert not device.confirmed
    assert b32encode(device.bin_key).decode() in html.replace(" ", "")
    assert device.config_url.startswith("otpauth://totp/")
    # Looking again shows the same key (the app may already have it).
    client.get(SET_UP)
    assert TOTPDevice.objects.filter(user=worker).count() == 1


def test_setting_up_with_the_right_code_signs_in_and_confirms_the_device(client, user, sign_in):
    worker = user()
    follow_set_up_link(client, worker)
    sign_in(client, worker, next="/account/")
    client.get(SET_UP)

    wrong = client.post(SET_UP, {"code": wrong_code(totp_code_for(worker))})
    assert wrong.status_code == 200
    assert "The code is not correct" in wrong.content.decode()
    assert client.get("/").status_code == 302

    right = client.post(SET_UP, {"code": totp_code_for(worker)})
    assert right.status_code == 302
    assert right["Location"] == "/account/"
    assert TOTPDevice.objects.get(user=worker).confirmed
    assert client.get("/account/").status_code == 200
    assert {
        "Set up two-factor authentication",
        "Two-factor set-up: code not accepted",
        "Signed in with a two-factor code (first time)",
    } <= set(summaries())


def test_pages_are_out_of_reach_until_the_code_is_given(client, user, sign_in):
    worker = user()
    verified_login(client, worker)  # has an app set up
    client.logout()
    assert sign_in(client, worker)["Location"] == CODE

    for path in ["/", "/search/?q=Smith", "/people/new/", "/account/", "/admin/", "/people/1/", "/no-such-page/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == CODE, path  # noqa: PT018
    api = client.get("/api/v1/people/?q=Smith")
    assert api.status_code == 401
    assert api["Content-Type"] == "application/problem+json"
    assert client.get("/health/").status_code == 200
    assert client.get(CODE).status_code == 200
    # A user with an app set up cannot set up another one (that would get round the code).
    assert client.get(SET_UP)["Location"] == CODE
    assert client.post(SET_UP, {"code": "123456"})["Location"] == CODE
    assert TOTPDevice.objects.filter(user=worker).count() == 1
    # Signing out is allowed.
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_the_right_code_signs_in_and_goes_where_the_user_was_going(client, user, sign_in):
    worker = user()
    TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)
    response = sign_in(client, worker, next="/account/")
    assert response["Location"] == CODE
    page = client.get(CODE).content.decode()
    assert '<h1 class="govuk-heading-l">Enter the code from your authenticator app</h1>' in page
    assert "Code from your authenticator app" in page

    done = client.post(CODE, {"code": totp_code_for(worker)})
    assert done.status_code == 302
    assert done["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert client.get(CODE)["Location"] == "/"  # nothing more to do
    assert summaries()[-1] == "Signed in with a two-factor code"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the code from your authenticator app"),
        ("12ab56", "Enter the code as 6 digits, like 123456"),
        ("1234567", "Enter the code as 6 digits, like 123456"),
        (None, "The code is not correct. Enter the code your authenticator app shows now"),
    ],
)
def test_wrong_codes_say_what_is_wrong(client, user, sign_in, code, message):
    worker = user()
    TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)
    sign_in(client, worker)
    if code is None:
        code = wrong_code(totp_code_for(worker))
    response = client.post(CODE, {"code": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    assert client.get("/")["Location"] == CODE


def test_a_wrong_code_is_audited_and_a_code_with_spaces_is_accepted(client, user, sign_in):
    worker = user()
    TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)
    sign_in(client, worker)
    client.post(CODE, {"code": wrong_code(totp_code_for(worker))})
    failure = AuditEvent.objects.filter(summary="Failed sign-in: wrong two-factor code").get()
    assert failure.user == worker
    code = totp_code_for(worker)
    assert client.post(CODE, {"code": f"{code[:3]} {code[3:]}"})["Location"] == "/"


def test_a_code_is_accepted_only_once(client, user, sign_in):
    worker = user()
    device = TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)
    sign_in(client, worker)
    code = totp_code_for(worker)
    assert client.post(CODE, {"code": code})["Location"] == "/"
    device.refresh_from_db()

    other = client.__class__()
    sign_in(other, worker)
    response = other.post(CODE, {"code": code})
    html = response.content.decode()
    # Said as it is, not "not correct": the code was right, but it has been used.
    assert response.status_code == 200
    assert "That code has been used. Wait for a new code" in html
    assert "The code is not correct" not in html
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    assert summaries()[-1] == "Failed sign-in: two-factor code already used"
    # It counts towards the lock-out like a wrong code; the next code signs in.
    assert client.get("/account/").status_code == 200
    assert other.post(CODE, {"code": totp_code_for(worker)})["Location"] == "/"


def test_verified_login_helper_passes_the_two_factor_step(client, user):
    worker = user()
    device = verified_login(client, worker)
    assert device.confirmed
    assert device.user == worker
    assert client.get("/account/").status_code == 200


def test_force_login_alone_is_not_enough(client, user):
    client.force_login(user())
    assert client.get("/")["Location"] == SET_UP


def test_with_codes_off_a_signed_in_session_counts_as_verified(client, user, settings, sign_in):
    settings.OTP_REQUIRED = False
    worker = user()
    assert sign_in(client, worker)["Location"] == "/"
    assert client.get("/account/").status_code == 200
    assert summaries()[-1] == "Signed in"


def test_signed_out_visitors_are_sent_to_sign_in_from_the_two_factor_pages(client):
    for path in (CODE, SET_UP, "/account/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), path  # noqa: PT018


def test_the_sign_in_state_for_templates(rf, user):
    from partners.auth import sign_in_state

    worker = user()
    request = rf.get("/")
    request.user = worker
    worker.is_verified = lambda: False
    assert sign_in_state(request) == {"fully_signed_in": False}
    worker.is_verified = lambda: True
    assert sign_in_state(request) == {"fully_signed_in": True}
