from django.conf import settings

from .access import RULES, allowed


class _Rules:
    """`may.case_change` in a template: does the access rule of that name let this user in?"""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, name):
        if name not in RULES:
            raise KeyError(name)
        return allowed(name, self.user)


def service(request):
    return {"service_name": settings.SERVICE_NAME, "may": _Rules(request.user)}
