"""Account administration: making accounts, resetting a password or an authenticator app,
and the one-time set-up links through which an authenticator app is set up.

Who may do it (the `user_administration` rule, partners.access): system administrators and
user administrators. `may_manage` sets the limits on whose account: nobody resets their own
account here (they use "Your account"); only a superuser changes a superuser's account; a
user administrator cannot change an administrator's or another user administrator's account,
nor make one, so the role cannot raise itself.

- Resetting a password gives the account a random temporary password, shown once to the
  administrator, and marks it `must_change_password`: after signing in (password and code)
  the user reaches only "Change your password" (accounts.middleware) until they
  have chosen a new one. Their sessions end (session_generation).
- Resetting an authenticator app removes the user's apps (TOTP devices), ends their sessions
  and issues a set-up link.
- A set-up link (SetUpLink) is the only way to reach the authenticator set-up page: a new
  account gets one, and so does an account whose app was reset. It holds a random token of
  which only the SHA-256 digest is stored; it expires after settings.SET_UP_LINK_HOURS, works
  once (it is spent when an app is set up with it) and a newer link replaces it. Following it
  and then signing in with the password leads to the set-up page; a password alone does not
  (settings.SET_UP_AT_FIRST_SIGN_IN, development only, allows it for the demo).

Audit entries name the account (as the object) and its username, nothing else about the person.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import time
from typing import TYPE_CHECKING, Any, cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit

from ..models import SetUpLink, User

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kernel.access import AnyUser

    from ..models import Agency, Team

Role = User.Role

# The session key holding the id of the set-up link followed in this browser.
SET_UP_LINK_KEY = "set_up_link"
# Letters and digits that cannot be mistaken for one another when read out or typed.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# Roles only a system administrator may give or whose accounts only they may change.
ADMINISTRATIVE_ROLES = frozenset({Role.ADMINISTRATOR, Role.USER_ADMINISTRATOR})


def is_system_administrator(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.role == Role.ADMINISTRATOR)


def is_user_administrator(user: AnyUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (is_system_administrator(user) or user.role == Role.USER_ADMINISTRATOR)
    )


# --- Limits -------------------------------------------------------------------------------------


def why_not_manage(actor: AnyUser, account: User) -> str:
    """Why `actor` may not reset `account`'s password or authenticator app, or "" if they may."""
    if not is_user_administrator(actor):
        return "Only administrators and user administrators can change accounts"
    if account.pk == actor.pk:
        return "You cannot reset your own account here. Change your password from your account page"
    if account.is_superuser and not actor.is_superuser:
        return "Only a superuser can change a superuser's account"
    if not is_system_administrator(actor) and (account.is_staff or account.role in ADMINISTRATIVE_ROLES):
        return "Only a system administrator can change an administrator's or a user administrator's account"
    if hasattr(account, "api_token"):
        return "This account is a partner system's API token: it does not sign in"
    return ""


def may_manage(actor: AnyUser, account: User) -> bool:
    return not why_not_manage(actor, account)


def roles_for(actor: AnyUser) -> list[tuple[str, str]]:
    """The roles `actor` may give a new account. Nobody makes a system administrator here
    (that needs the admin's staff status: the Django admin, by a superuser); only a system
    administrator makes a user administrator."""
    return [
        (value, label)
        for value, label in Role.choices
        if value != Role.ADMINISTRATOR and (value != Role.USER_ADMINISTRATOR or is_system_administrator(actor))
    ]


# --- Set-up links -------------------------------------------------------------------------------


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_hours() -> int:
    return getattr(settings, "SET_UP_LINK_HOURS", 72)


@transaction.atomic
def issue_set_up_link(account: User, reason: str, issued_by: AnyUser | None = None) -> tuple[SetUpLink, str]:
    """A new set-up link for `account`; earlier unused links stop working. Returns
    (SetUpLink, token): the token goes in the link's address and cannot be recovered."""
    now = timezone.now()
    SetUpLink.objects.filter(user=account, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    link = SetUpLink.objects.create(
        user=account,
        digest=link_digest(token),
        reason=reason,
        created_by=cast("User | None", issued_by),  # signed in: the Django admin or an administrator
        created_at=now,
        expires_at=now + datetime.timedelta(hours=link_hours()),
    )
    audit.record(
        issued_by,
        "create",
        obj=account,
        summary=f"Issued a set-up link for {account.get_username()}, expires in {link_hours()} hours",
    )
    return link, token


def set_up_path(token: str) -> str:
    return reverse("set-up-link", kwargs={"token": token})


def link_from_token(token: str | None) -> SetUpLink | None:
    """The SetUpLink for a token from a link's address (usable or not), or None."""
    if not token or len(token) > 100:
        return None
    return SetUpLink.objects.select_related("user").filter(digest=link_digest(token)).first()


def remember_link(request: HttpRequest, link: SetUpLink) -> None:
    request.session[SET_UP_LINK_KEY] = link.pk


def link_in_session(request: HttpRequest, user: User) -> SetUpLink | None:
    """The usable set-up link for `user` followed in this browser, or None."""
    link_id = request.session.get(SET_UP_LINK_KEY)
    if not link_id:
        return None
    link = SetUpLink.objects.select_related("user").filter(pk=link_id, user=user).first()
    return link if link is not None and link.is_usable else None


def may_set_up(request: HttpRequest, user: User) -> bool:
    """May this (half) signed-in user reach the authenticator set-up page? Only with a usable
    set-up link followed in this browser, or where the development-only setting allows setting
    up at the first sign-in."""
    if getattr(settings, "SET_UP_AT_FIRST_SIGN_IN", False) and not getattr(settings, "PRODUCTION", False):
        return True
    return link_in_session(request, user) is not None


def spend_link(request: HttpRequest, user: User) -> bool:
    """Mark the session's set-up link used (inside the set-up's transaction). Returns False when
    no usable link remains (another browser used it meanwhile), unless the development-only
    setting allows setting up without one."""
    link_id = request.session.get(SET_UP_LINK_KEY)
    link = SetUpLink.objects.select_for_update().filter(pk=link_id, user=user).first() if link_id else None
    request.session.pop(SET_UP_LINK_KEY, None)
    if link is not None and link.used_at is None and link.revoked_at is None and link.expires_at > timezone.now():
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        SetUpLink.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=link.used_at
        )
        return True
    return bool(getattr(settings, "SET_UP_AT_FIRST_SIGN_IN", False) and not getattr(settings, "PRODUCTION", False))


# --- Resets and new accounts ----------------------------------------------------------------


def temporary_password() -> str:
    """16 random letters and digits in groups of four, like ``k7mq-2xvd-ph9t-we3n`` (about 79 bits)."""
    chars = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _end_sessions(account):
    User.objects.filter(pk=account.pk).update(session_generation=F("session_generation") + 1)
    account.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def reset_password(actor: User, account: User, reason: str = "") -> str:
    """Give `account` a temporary password to change at the next sign-in. Returns the password
    (show it once). Ends the account's sessions and clears a lock-out."""
    why_not = why_not_manage(actor, account)
    if why_not:
        raise PermissionError(why_not)
    password = temporary_password()
    account.set_password(password)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    _end_sessions(account)
    AxesProxyHandler.reset_attempts(username=account.get_username())
    audit.record(actor, "update", obj=account, summary=f"Reset the password of {account.get_username()}", reason=reason)
    return password


@transaction.atomic
def reset_authenticator(actor: User, account: User, reason: str = "") -> tuple[SetUpLink, str]:
    """Remove `account`'s authenticator apps, end its sessions and issue a set-up link.
    Returns (SetUpLink, token)."""
    why_not = why_not_manage(actor, account)
    if why_not:
        raise PermissionError(why_not)
    removed, _ = TOTPDevice.objects.filter(user=account).delete()
    _end_sessions(account)
    audit.record(
        actor,
        "update",
        obj=account,
        summary=f"Reset the authenticator app of {account.get_username()}",
        detail={"apps_removed": removed},
        reason=reason,
    )
    return issue_set_up_link(account, SetUpLink.Reason.AUTHENTICATOR_RESET, issued_by=actor)


@transaction.atomic
def create_account(
    actor: User | None,
    *,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    agency: Agency | None = None,
    team: Team | None = None,
    job_title: str = "",
) -> tuple[User, str, SetUpLink, str]:
    """A new account with a temporary password (changed at the first sign-in) and a set-up
    link. Returns (User, temporary password, SetUpLink, token)."""
    if actor is not None and role not in dict(roles_for(actor)):
        raise PermissionError("You cannot give that role")
    password = temporary_password()
    account = User.objects.create_user(
        username=username,
        password=password,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        agency=agency,
        team=team,
        job_title=job_title,
        must_change_password=True,
    )
    audit.record(
        actor,
        "create",
        obj=account,
        summary=f"Created the account {username}",
        detail={"role": role, "agency": getattr(agency, "pk", None), "team": getattr(team, "pk", None)},
    )
    link, token = issue_set_up_link(account, SetUpLink.Reason.NEW_ACCOUNT, issued_by=actor)
    return account, password, link, token


# --- Two-factor codes ---------------------------------------------------------------------------


def code_was_used(device: TOTPDevice, code: Any) -> bool:
    """Is `code` one the device accepted already (a code works once), rather than a wrong one?"""
    try:
        token = int(code)
    except (TypeError, ValueError):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(token, device.tolerance) and totp.t() <= device.last_t
