"""Strong sign-in: two-factor codes for everyone, lock-out after repeated failures, signing
out of every other session, and the audit entries for all of it.

The sign-in journey (partners.views):

1. /sign-in/ checks the username and password. django-axes counts the failures; the fifth
   in a row for a username locks that account for 30 minutes (settings.AXES_*).
2. With the password accepted the user is signed in but not yet *verified*:
   TwoFactorRequiredMiddleware lets them reach only the two-factor pages and sign-out.
   A user without an authenticator app goes to the set-up page only after following a
   one-time set-up link in this browser (partners.accounts); otherwise the password sign-in
   is refused with "Your account is not set up yet". The others go to /sign-in/two-factor/. A wrong code counts as a failed sign-in; the fifth signs
   the user out and locks the account, the same way as wrong passwords.
3. The right code marks the session verified (django_otp.login) and clears the failures.

settings.OTP_REQUIRED = False treats every signed-in session as verified. Only the test
suite does that (see the root conftest.py), so that tests can use client.force_login.

Every session remembers the user's `session_generation` at sign-in; "Sign out of all other
sessions" raises the user's number, and SessionGenerationMiddleware signs out any session
still holding an older one.
"""  # noqa: E501

import datetime
import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import AuthenticationFailed

from audit import services as audit
from kernel.access import is_api, problem_response

from .models import SESSION_GENERATION_KEY, User
from .tokens import verified_api_token

# Where to go once the two-factor code is accepted (set at the password step).
NEXT_KEY = "sign_in_next"


def otp_required():
    return getattr(settings, "OTP_REQUIRED", True)


def is_verified(user):
    """Has this signed-in user given a two-factor code in this session (or are codes off)?"""
    if not otp_required():
        return True
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def two_factor_url(user):
    """The set-up page for a user without an authenticator app, the code page for the others."""
    return reverse("two-factor") if confirmed_device(user) else reverse("two-factor-set-up")


def api_token_decides(request):
    """True only for an API request that carries a valid API token (checked here, not taken
    on trust): the token's service user, not the session, is who is asking. A bearer header
    on a page, or one whose token is not valid, never stands in for the second factor."""
    if not is_api(request):
        return False
    try:
        return verified_api_token(request) is not None
    except AuthenticationFailed:
        return False


# --- Finishing the sign-in ------------------------------------------------------------------


def finish_sign_in(request, user, device=None, summary="Signed in"):
    """The user has proved who they are: mark the session verified, clear their failed
    attempts, audit it and send them where they were going."""
    if device is not None:
        request.session.cycle_key()  # a new session id for the fully signed-in session
        otp_login(request, device)
    AxesProxyHandler.reset_attempts(username=user.get_username())
    audit.record(user, "sign_in", summary=summary)
    return redirect(request.session.pop(NEXT_KEY, None) or settings.LOGIN_REDIRECT_URL)


def record_code_failure(request, user, summary):
    """Count a wrong two-factor code as a failed sign-in. Returns the "account locked"
    response when this was one failure too many (the user is then signed out), else None."""
    AxesProxyHandler.user_login_failed(
        sender=record_code_failure, credentials={"username": user.get_username()}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        audit.record(
            None,
            "sign_in",
            obj=user,
            summary=f"Account locked for {lock_minutes()} minutes: too many failed sign-in attempts "
            "(wrong two-factor codes)",
        )
        return locked_out(request)
    audit.record(user, "sign_in", summary=summary)
    return None


def is_locked(request, user):
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def lock_minutes(request=None):
    cool_off = get_cool_off(request) or datetime.timedelta(minutes=30)
    return int(cool_off.total_seconds() // 60)


def locked_out(request, original_response=None, credentials=None):
    """The "account locked" page, for settings.AXES_LOCKOUT_CALLABLE and the two-factor pages.
    Signs out a half-signed-in user (password given, code not)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    if is_api(request):
        return problem_response(
            status, "Account locked", f"Too many failed sign-in attempts. Try again in {lock_minutes(request)} minutes."
        )
    return render(request, "registration/locked_out.html", {"minutes": lock_minutes(request)}, status=status)


def sign_in_state(request):
    """Template context processor: ``fully_signed_in`` is true once the two-factor code has
    been given (or codes are off), so base.html can hide the navigation until then."""
    user = getattr(request, "user", None)
    return {"fully_signed_in": bool(user is not None and user.is_authenticated and is_verified(user))}


# --- Sign out of all other sessions -----------------------------------------------------------


def sign_out_other_sessions(request):
    """End every other session of this user; this one carries on."""
    user = request.user
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    request.session[SESSION_GENERATION_KEY] = user.session_generation
    audit.record(user, "sign_out", summary="Signed out of all other sessions")


# --- Middleware -------------------------------------------------------------------------------


class TwoFactorRequiredMiddleware:
    """A signed-in user who has not given their two-factor code reaches only the two-factor
    pages, sign-out, static files and the health check. The one exception is an API request
    carrying a valid API token (api_token_decides): the token, not the half-signed-in
    session, is who asks there. No other header, cookie or parameter is an exemption."""

    ALWAYS_OPEN = ("/static/", "/health/")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self):
        if self._open_paths is None:
            self._open_paths = {reverse("two-factor"), reverse("two-factor-set-up"), reverse("sign-out")}
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_verified(user)
            and not request.path.startswith(self.ALWAYS_OPEN)
            and request.path not in self.open_paths()
            and not api_token_decides(request)
        ):
            if is_api(request):
                return problem_response(
                    401,
                    "Not signed in",
                    "Finish signing in with the code from your authenticator app, or send an API token.",
                )
            return redirect(two_factor_url(user))
        return self.get_response(request)


class SessionGenerationMiddleware:
    """Sign out a session started before the user chose "Sign out of all other sessions",
    whatever else the request carries. An API request with a valid API token then goes on as
    the token's service user (the token, not the ended session, is who asks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_GENERATION_KEY, 0) != user.session_generation
        ):
            signed_out = user._wrapped if hasattr(user, "_wrapped") else user
            logout(request)
            audit.record(signed_out, "sign_out", summary="Session ended: signed out of all other sessions")
            if api_token_decides(request):
                return self.get_response(request)
            if is_api(request):
                return problem_response(401, "Not signed in", "You were signed out. Sign in again.")
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class SlidingSessionMiddleware:
    """Keep a signed-in session alive while it is used, writing it at most once a minute.

    Sessions end after SESSION_COOKIE_AGE idle seconds (30 minutes). Saving the session on
    every request would push its expiry on each time, but costs every page an UPDATE and a
    second commit. Instead the session is saved when it was last refreshed at least
    SESSION_REFRESH_SECONDS ago (or when something else changed it), so an idle session ends
    between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last
    request. Listed after SessionMiddleware, so this runs before it saves."""

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if session.modified or now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features the service never uses (camera, microphone, location...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
