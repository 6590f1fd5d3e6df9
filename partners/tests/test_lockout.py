"""Five failed sign-in attempts for a username, from any address, lock the account for 30
minutes: wrong passwords and wrong two-factor codes alike."""

import datetime

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from partners.testing import totp_code_for, totp_device_for

pytestmark = pytest.mark.usefixtures("otp_on")

CODE = "/sign-in/two-factor/"
WRONG_PASSWORD_ERROR = "Enter a correct username and password. Both are case-sensitive"


def assert_locked_page(response):
    html = response.content.decode()
    assert response.status_code == 429
    assert '<h1 class="govuk-heading-l">Your account is locked</h1>' in html
    assert "Try again in 30 minutes or ask your system administrator" in html
    assert 'class="govuk-template__body"' in html  # the service's page, not a bare message


def fail_password(client, sign_in, account, times, **kwargs):
    return [sign_in(client, account, password="not-the-password-at-all", **kwargs) for _ in range(times)]


def test_four_failures_show_the_ordinary_error_and_the_fifth_locks_the_account(client, user, sign_in):
    worker = user()
    for response in fail_password(client, sign_in, worker, 4):
        assert response.status_code == 200
        assert WRONG_PASSWORD_ERROR in response.content.decode()
    assert_locked_page(fail_password(client, sign_in, worker, 1)[0])
    # Locked: even the right password does not get in.
    assert_locked_page(sign_in(client, worker))
    assert client.get("/")["Location"].startswith("/sign-in/")

    summaries = list(AuditEvent.objects.filter(action="sign_in").order_by("id").values_list("summary", flat=True))
    assert summaries == ["Failed sign-in: wrong password"] * 4 + [
        "Account locked for 30 minutes: too many failed sign-in attempts",
        "Sign-in refused: the account is locked",
    ]
    assert all(e.object_id == str(worker.pk) and e.user is None for e in AuditEvent.objects.filter(action="sign_in"))


def test_failures_from_different_addresses_count_together_and_other_accounts_are_not_locked(client, user, sign_in):
    worker, colleague = user(), user()
    for n in range(5):
        last = sign_in(client, worker, password="wrong-password-guess", address=f"192.0.2.{n + 1}")
    assert_locked_page(last)
    assert_locked_page(sign_in(client, worker, address="198.51.100.7"))
    totp_device_for(colleague)
    assert sign_in(client, colleague)["Location"] == "/sign-in/two-factor/"


def test_the_account_unlocks_after_30_minutes(client, user, sign_in):
    worker = user()
    totp_device_for(worker)
    fail_password(client, sign_in, worker, 5)
    assert_locked_page(sign_in(client, worker))
    # 29 minutes later: still locked.
    AccessAttempt.objects.filter(username=worker.username).update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=29)
    )
    assert_locked_page(sign_in(client, worker))
    # 31 minutes later: the failures have expired.
    AccessAttempt.objects.filter(username=worker.username).update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert sign_in(client, worker)["Location"] == "/sign-in/two-factor/"


def test_an_administrator_can_unlock_the_account_at_once(client, user, sign_in):
    worker = user()
    fail_password(client, sign_in, worker, 5)
    AxesProxyHandler.reset_attempts(username=worker.username)
    assert sign_in(client, worker).status_code == 302


def test_an_unknown_username_is_audited_without_an_account(db, client, sign_in):
    response = sign_in(client, "nobody-here", password="whatever-it-is")
    assert response.status_code == 200
    assert WRONG_PASSWORD_ERROR in response.content.decode()
    event = AuditEvent.objects.get(action="sign_in")
    assert event.summary == "Failed sign-in: unknown username"
    assert event.object_id == ""
    assert event.user is None
    assert "nobody-here" not in str(event.detail)


def test_five_wrong_codes_sign_the_user_out_and_lock_the_account(client, user, sign_in):
    worker = user()
    TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)
    sign_in(client, worker)
    wrong = f"{(int(totp_code_for(worker)) + 5) % 1_000_000:06d}"
    for _ in range(4):
        response = client.post(CODE, {"code": wrong})
        assert response.status_code == 200
        assert "The code is not correct" in response.content.decode()
    assert_locked_page(client.post(CODE, {"code": wrong}))
    # Signed out, and the password alone does not get back in.
    assert client.get(CODE)["Location"].startswith("/sign-in/")
    assert_locked_page(sign_in(client, worker))
    assert (
        AuditEvent.objects.filter(
            summary="Account locked for 30 minutes: too many failed sign-in attempts (wrong two-factor codes)"
        ).count()
        == 1
    )


def test_a_code_is_refused_while_the_account_is_locked_from_elsewhere(client, user, sign_in):
    worker = user()
    TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)
    sign_in(client, worker)
    attacker = client.__class__()
    fail_password(attacker, sign_in, worker, 5, address="203.0.113.9")
    assert_locked_page(client.post(CODE, {"code": totp_code_for(worker)}))
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_wrong_passwords_and_wrong_codes_count_together_until_a_complete_sign_in(client, user, sign_in):
    worker = user()
    TOTPDevice.objects.create(user=worker, name="Phone", confirmed=True)
    fail_password(client, sign_in, worker, 2)
    sign_in(client, worker)
    wrong = f"{(int(totp_code_for(worker)) + 5) % 1_000_000:06d}"
    client.post(CODE, {"code": wrong})
    client.post(CODE, {"code": wrong})
    # Four failures so far; the right code completes the sign-in and clears them.
    assert client.post(CODE, {"code": totp_code_for(worker)})["Location"] == "/"
    assert not AccessAttempt.objects.filter(username=worker.username).exists()
    client.post("/sign-out/")
    for response in fail_password(client, sign_in, worker, 4):
        assert response.status_code == 200
