"""Deny by default: every page and API route names the access rule that opens it.

A view is marked with `@rule("case_work")` (function views) or `access_rule = "case_work"`
(class views). A route without a rule is closed to everybody, so a new page cannot leak
by being forgotten. Rules are registered by name with `register_rule` (the partners app
registers the role-based ones) and checked by AccessRuleMiddleware before the view runs.
Object-level checks (may this user see this child?) are made by the views themselves,
through people.access.

API routes are checked again after DRF has authenticated the request (a partner system's
token is only known then), by the `AccessRulePermission` permission class.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    # Types only. Who is asking (request.user) is AnyUser: the user model (partners.User, by
    # AUTH_USER_MODEL) or AnonymousUser; SignedInUser is the user model. The aliases are
    # django-stubs' own, so the kernel names no app above it. (DRF's views are imported for
    # their types only: rest_framework.views reads the DRF settings, which name this module.)
    from django.contrib.auth.models import _AnyUser as AnyUser
    from django.contrib.auth.models import _User as SignedInUser
    from rest_framework.request import Request
    from rest_framework.views import APIView

    class SignedInRequest(HttpRequest):
        """The request of a view whose rule needs a signed-in user (every rule but "public")."""

        user: SignedInUser


# A view: a function, or a class view's as_view(), with the attributes the rules put on it.
ViewT = TypeVar("ViewT", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    allows: Callable[["AnyUser"], bool]


RULES: dict[str, Rule] = {}

# Sent when a signed-in user is refused by a route's rule (403), with `request` and `rule`
# (the rule's name). The audit app listens, so that refusals are in the audit trail without
# the kernel knowing about it.
route_refused = Signal()

# Paths served by other machinery, with the rule that applies to them.
PATH_RULES = [
    ("/static/", "public"),
    ("/admin/", "administration"),
]


def register_rule(name: str, description: str, allows: Callable[["AnyUser"], bool]) -> Rule:
    RULES[name] = Rule(name, description, allows)
    return RULES[name]


register_rule("public", "Anyone, signed in or not", lambda user: True)
register_rule("signed_in", "Anyone signed in", lambda user: user.is_authenticated)


def rule(name: str) -> Callable[[ViewT], ViewT]:
    """Open a view to the users the named rule allows."""

    def mark(view: ViewT) -> ViewT:
        view.access_rule = name  # type: ignore[attr-defined]  # read back by rule_of
        return view

    return mark


def public(view: ViewT) -> ViewT:
    """Open a view to everyone, signed in or not (sign-in page, health check, public documents)."""
    return rule("public")(view)


def rule_of(view_func: Callable[..., Any], path: str = "") -> str | None:
    for prefix, path_rule in PATH_RULES:
        if path.startswith(prefix):
            return path_rule
    for candidate in (view_func, getattr(view_func, "view_class", None), getattr(view_func, "cls", None)):
        name: str | None = getattr(candidate, "access_rule", None)
        if name:
            return name
        if getattr(candidate, "public", False) is True:
            return "public"
    return None


def allowed(name: str | None, user: "AnyUser") -> bool:
    return name in RULES and RULES[name].allows(user)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def problem_response(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


def forbidden(request: HttpRequest, rule_name: str | None = None) -> HttpResponse:
    """The 403 for a route the user's rule does not open (or a route with no rule)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        route_refused.send(sender=AccessRuleMiddleware, request=request, rule=rule_name)
    if is_api(request):
        return problem_response(403, "Not allowed", "You do not have access to this.")
    return render(request, "403.html", status=403)


class AccessRuleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        name = rule_of(view_func, request.path)
        if name is None or name not in RULES:
            # A route nobody has opened: closed, whoever asks.
            return forbidden(request)
        if name == "public":
            return None
        if is_api(request):
            return None  # checked by AccessRulePermission once DRF knows who is asking
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not allowed(name, request.user):
            return forbidden(request, name)
        return None


class AccessRulePermission(BasePermission):
    """DRF's side of the rule check, after token or session authentication."""

    message = "You do not have access to this."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        name: str | None = getattr(view, "access_rule", None)
        permitted = bool(name) and allowed(name, request.user)
        if not permitted and request.user is not None and request.user.is_authenticated:
            route_refused.send(sender=AccessRulePermission, request=request, rule=name)
        return permitted
