"""Every page needs a signed-in user unless its view is marked public."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

PUBLIC_PREFIXES = ("/static/", "/sign-in", "/health")


def public(view):
    """Mark a view as open to signed-out visitors (sign-in page, health check, public documents)."""
    view.public = True
    return view


class SignInRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "public", False) or getattr(getattr(view_func, "view_class", None), "public", False):
            return None
        if request.path.startswith(PUBLIC_PREFIXES) or request.user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            # The API answers with a problem-details body; token authentication is added per view.
            if getattr(getattr(view_func, "cls", None), "authentication_classes", None):
                return None
            return JsonResponse(
                {"type": "about:blank", "title": "Not signed in", "status": 401,
                 "detail": "Sign in or send an API token."},
                status=401, content_type="application/problem+json",
            )
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
