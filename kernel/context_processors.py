from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest

from .access import RULES, allowed

if TYPE_CHECKING:
    from .access import AnyUser


class _Rules:
    """`may.case_change` in a template: does the access rule of that name let this user in?"""

    def __init__(self, user: "AnyUser") -> None:
        self.user = user

    def __getitem__(self, name: str) -> bool:
        if name not in RULES:
            raise KeyError(name)
        return allowed(name, self.user)


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": settings.SERVICE_NAME, "may": _Rules(request.user)}
