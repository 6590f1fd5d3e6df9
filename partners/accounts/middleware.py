"""Holding a user whose password was reset to "Change your password" (partners.accounts)."""

from django.shortcuts import redirect
from django.urls import reverse

from kernel.access import is_api, problem_response


class PasswordChangeRequiredMiddleware:
    """A signed-in user whose password was reset by an administrator reaches only "Change your
    password" (and signing out) until they have chosen a new one. Runs after the two-factor
    step: a user who has not given their code is held there first."""

    ALWAYS_OPEN = ("/static/", "/health/")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self):
        if self._open_paths is None:
            self._open_paths = {
                reverse("change-password"),
                reverse("sign-out"),
                reverse("two-factor"),
                reverse("two-factor-set-up"),
            }
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALWAYS_OPEN)
            and request.path not in self.open_paths()
        ):
            if is_api(request):
                return problem_response(
                    403, "Change your password", "Your password was reset. Sign in to the service and change it first."
                )
            return redirect("change-password")
        return self.get_response(request)
