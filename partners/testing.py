"""Helpers for tests that sign in with two-factor authentication on (settings.OTP_REQUIRED).

    from partners.testing import verified_login, totp_code_for

    def test_something(client, user, settings):
        settings.OTP_REQUIRED = True
        verified_login(client, user())          # signed in and past the two-factor step
        ...

    page.get_by_label("Code from your authenticator app").fill(totp_code_for(account))

    follow_set_up_link(client, user())      # then sign in with the password to set up an app

No fixtures: import and call them from any test.
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.accounts.services import issue_set_up_link, set_up_path
from partners.models import SetUpLink


def totp_device_for(user, confirmed=True):
    """The user's authenticator-app device; made (confirmed) if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()
    if device is None and confirmed:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app (test)", confirmed=True)
    return device


def verified_login(client, user):
    """``client.force_login(user)`` and mark the session as having given a two-factor code,
    as django_otp.login does (the device's persistent id under ``otp_device_id``)."""
    device = totp_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code_for(user, at=None):
    """A code the user's device accepts now: the current one, or the next one if the current
    one has been used already (a code is accepted once). Looks at the newest device, confirmed
    or not (so it works on the set-up page too). ``at``: a Unix time instead of now."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    if device is None:
        raise LookupError(f"{user} has no authenticator app set up")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    ahead = device.last_t + 1 - totp.t()  # steps to go forward to a code not used yet
    if ahead > device.tolerance:
        if at is not None:
            raise ValueError("no code for that time: a later one has been used already")
        # Rare: the next code was used already. Wait until the one after is in the tolerance.
        time.sleep((ahead - device.tolerance) * device.step - (totp.time - device.t0) % device.step + 0.1)
        totp.time = time.time()
        ahead = device.last_t + 1 - totp.t()
    if ahead > 0:
        totp.drift += ahead
    return f"{totp.token():0{device.digits}d}"


def set_up_link_for(user):
    """A usable set-up link's path for the user (partners.accounts), as an administrator would
    give them: ``/set-up/<token>/``."""
    _, token = issue_set_up_link(user, SetUpLink.Reason.NEW_ACCOUNT)
    return set_up_path(token)


def follow_set_up_link(client, user):
    """Issue a set-up link for the user and follow it in this client, so that signing in with
    the password leads to the authenticator set-up page. Returns the link's path."""
    path = set_up_link_for(user)
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return path
