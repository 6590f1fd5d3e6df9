"""API tokens for partner systems.

A token looks like ``sgk_`` followed by 43 random URL-safe characters. Only its SHA-256
digest is stored, with its first 8 characters (the prefix) to recognise it by. A partner
system sends it as ``Authorization: Bearer <token>``; the request then runs as the token's
service user, a partner practitioner in the token's agency, so the ordinary access rules
decide which children the system may see. The token's scopes decide which operations it may
call: an API view declares its operation with ``HasScope.for_operation("people:read")``.

Issue tokens with ``manage.py issue_api_token`` (prints the token once) and revoke them with
``manage.py revoke_api_token PREFIX`` or from the admin.
"""

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from audit import services as audit
from kernel.compiled import Compiled

from .models import Agency, ApiToken, User

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from kernel.access import AnyUser

TOKEN_START = "sgk_"
TOKEN_PATTERN = re.compile(r"sgk_[A-Za-z0-9_-]{43}")
PREFIX_LENGTH = 8
# An operation: a thing and what is done to it, like "people:read" or "contacts:create".
SCOPE_PATTERN = re.compile(r"[a-z][a-z0-9_]*:[a-z][a-z0-9_]*")
WWW_AUTHENTICATE = 'Bearer realm="api"'
# How often a token's "last used" time is brought up to date.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    unique = list(dict.fromkeys(scopes))
    bad = [scope for scope in unique if not SCOPE_PATTERN.fullmatch(scope)]
    if bad:
        raise ValueError(f"Scopes are operations like people:read; not: {', '.join(bad)}")
    if not unique:
        raise ValueError("Give the token at least one scope, like people:read")
    return unique


@transaction.atomic
def issue_token(
    agency: Agency,
    name: str,
    scopes: Iterable[str],
    created_by: User | None = None,
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for a partner system. Returns (ApiToken, token): show the token once,
    it cannot be recovered from what is stored."""
    scopes = validate_scopes(scopes)
    while True:
        token = TOKEN_START + secrets.token_urlsafe(32)
        prefix = token[:PREFIX_LENGTH]
        if (
            not ApiToken.objects.filter(prefix=prefix).exists()
            and not User.objects.filter(username=f"api-{prefix}").exists()
        ):
            break
    service_user = User.objects.create_user(
        username=f"api-{prefix}",
        password=None,
        role=User.Role.PARTNER_PRACTITIONER,
        agency=agency,
        team=None,
        first_name="API",
        last_name=name[:150],
        job_title="Partner system (API token)",
    )
    api_token = ApiToken.objects.create(
        agency=agency,
        name=name,
        scopes=scopes,
        prefix=prefix,
        digest=token_digest(token),
        service_user=service_user,
        created_by=created_by,
        expires_at=expires_at,
    )
    audit.record(
        created_by,
        "create",
        obj=api_token,
        summary=f"Issued API token {prefix} to {agency}",
        detail={"name": name, "scopes": scopes, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return api_token, token


@transaction.atomic
def revoke_token(api_token: ApiToken, revoked_by: "AnyUser | None" = None) -> ApiToken:
    """Stop a token working at once. Its service user is switched off too."""
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
        User.objects.filter(pk=api_token.service_user_id).update(is_active=False)
        audit.record(revoked_by, "update", obj=api_token, summary=f"Revoked API token {api_token.prefix}")
    return api_token


# The token sent, with its service user and agency: one query, its SQL made once per connection
# (every API request makes it).
_TOKEN_BY_DIGEST = Compiled(
    lambda digest: ApiToken.objects.select_related("service_user", "agency").filter(digest=digest)[:1]
)

# Where a request's token check is kept, so that it is made (and a refusal audited) once per
# request, whether the sign-in middleware or DRF asks first.
_CHECKED = "_api_token_checked"


def verified_api_token(request: "HttpRequest | Request") -> tuple[User, ApiToken] | None:
    """The (service user, ApiToken) of a valid API token sent with this request, or None when
    the request sends no ``Authorization: Bearer`` header. Raises AuthenticationFailed (and
    audits the refusal) for a header whose token is not valid. Checked once per request.

    Only this function may let a request stand in for a signed-in, verified session: a header
    is never trusted for being present, only for holding a token that this checks."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    checked: tuple[User, ApiToken] | Literal[False] | exceptions.AuthenticationFailed | None
    checked = getattr(request, _CHECKED, None)
    if checked is None:
        try:
            checked = ApiTokenAuthentication()._check(request)
        except exceptions.AuthenticationFailed as refused:
            checked = refused
        setattr(request, _CHECKED, checked)
    if isinstance(checked, exceptions.AuthenticationFailed):
        raise checked
    return checked or None


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``. Without that header the next authentication class
    (the session) decides; with it, a token that is unknown, altered, revoked or expired is
    refused with 401 and the refusal is audited (by its prefix only, never the token)."""

    def authenticate(self, request: "Request") -> tuple[User, ApiToken] | None:
        return verified_api_token(request)

    def _check(self, request: HttpRequest) -> tuple[User, ApiToken] | Literal[False]:
        """The check itself; returns False (not None, so it is remembered) without a header."""
        # Django's request (a DRF Request wraps it): the header is read from its META.
        parts = get_authorization_header(request).split()  # type: ignore[arg-type]
        if not parts or parts[0].lower() != b"bearer":
            return False
        if len(parts) != 2:
            self.refuse(request, "", "malformed Authorization header")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            self.refuse(request, "", "not a token of this service")
        if not TOKEN_PATTERN.fullmatch(token):
            self.refuse(request, "", "not a token of this service")
        prefix = token[:PREFIX_LENGTH]
        api_token = _TOKEN_BY_DIGEST.first(token_digest(token))
        if api_token is None:
            known = ApiToken.objects.filter(prefix=prefix).exists()
            self.refuse(request, prefix, "altered or mistyped token" if known else "unknown token")
        if api_token.revoked_at is not None:
            self.refuse(request, prefix, "revoked", api_token, "This API token has been revoked.")
        if api_token.expires_at is not None and api_token.expires_at <= timezone.now():
            self.refuse(request, prefix, "expired", api_token, "This API token has expired.")
        if not api_token.service_user.is_active:
            self.refuse(request, prefix, "service user switched off", api_token)
        # At most once a minute: a busy partner system's every request would otherwise queue on
        # this one row's lock for as long as each request's transaction lasts.
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=api_token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
            ).update(last_used_at=now)
        return api_token.service_user, api_token

    def authenticate_header(self, request: "Request") -> str:
        return WWW_AUTHENTICATE

    @staticmethod
    def refuse(
        request: HttpRequest,
        prefix: str,
        reason: str,
        api_token: ApiToken | None = None,
        message: str = "The API token is not valid.",
    ) -> NoReturn:
        detail = {"reason": reason, "path": request.path[:200]}
        if prefix:
            detail["prefix"] = prefix
        audit.defer(request, None, "sign_in", obj=api_token, summary="Refused API token", detail=detail)
        raise exceptions.AuthenticationFailed(message)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI schema (/api/schema/)."""

    target_class = "partners.tokens.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token issued to a partner system: Authorization: Bearer sgk_...",
        }


class HasScope(BasePermission):
    """``permission_classes = [..., HasScope.for_operation("people:read")]``: a request made
    with an API token needs that scope; a signed-in person (a session) passes."""

    operation: str | None = None

    @classmethod
    def for_operation(cls, operation: str) -> type["HasScope"]:
        validate_scopes([operation])
        return type(
            f"HasScope_{operation.replace(':', '_')}",
            (cls,),
            {
                "operation": operation,
                "message": f"This API token does not allow {operation}.",
            },
        )

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if isinstance(request.auth, ApiToken):
            return self.operation is not None and self.operation in (request.auth.scopes or [])
        return True


def declared_operations(view: "APIView") -> set[str]:
    """The operations an API view declares with HasScope."""
    return {
        permission.operation
        for permission in view.get_permissions()
        if isinstance(permission, HasScope) and permission.operation is not None
    }


class TokensNeedDeclaredScope(BasePermission):
    """Deny by default for tokens: a request made with an API token may use only views that
    declare their operation with HasScope. (For DEFAULT_PERMISSION_CLASSES.)"""

    message = "API tokens cannot use this."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        return not isinstance(request.auth, ApiToken) or bool(declared_operations(view))


def expiry_in_days(days: int | None) -> datetime.datetime | None:
    return timezone.now() + datetime.timedelta(days=days) if days else None
