"""RFC 9457 problem details for every API error.

DRF's errors come through `problem_details_handler`; errors Django answers itself under /api/
(a path no route matches, a failure outside a view) come through `not_found` and
`server_error`, the project's handler404 and handler500, so that a partner system never gets
an HTML page. `Problem` describes the body in the OpenAPI schema, and `problem_responses`
documents an operation's errors with it, as `application/problem+json`.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

from kernel.access import is_api

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Your request has errors",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Something went wrong",
}

# What each error means, for the schema (an operation may say more in its own words).
MEANINGS = {
    400: "The request has errors: `errors` lists them by field (a header, a query parameter or a field of the body)",
    401: "No API token, or one that is not valid (unknown, altered, revoked or expired); see `WWW-Authenticate`",
    403: "The token does not have the scope this operation needs, or its user may not use it",
    404: "Not found, or not one the caller may see (the answer does not say which)",
    405: "The path does not take this method",
    409: "Conflict with the record's current state",
    413: "The request body is larger than the service accepts",
    415: "The body is not JSON (send Content-Type: application/json)",
    422: "The request cannot be processed as it is (see `detail` and `errors`)",
    429: "Too many requests: wait and try again",
}


class Problem(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URI for the kind of problem; about:blank when the status says it all")
    title = serializers.CharField(help_text="A short summary of the kind of problem")
    status = serializers.IntegerField(help_text="The HTTP status code")
    detail = serializers.CharField(help_text="What went wrong with this request, in plain words")
    # A declared field, which DRF's metaclass moves off the class: Serializer.errors is untouched.
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False,
        child=serializers.JSONField(),
        help_text="Errors by field: a list of messages, or for a list or object in the body, "
        "its errors by position or field",
    )


def problem_responses(*statuses: int, **meanings: str) -> dict[tuple[int, str], OpenApiResponse]:
    """The schema's responses for these error statuses: problem details, as application/problem+json.
    `meanings` overrides a status's description, keyed like `d404="..."`."""
    described = {int(key[1:]): value for key, value in meanings.items()}
    return {
        (status, PROBLEM_JSON): OpenApiResponse(Problem, description=described.get(status, MEANINGS[status]))
        for status in statuses
    }


def problem(
    status: int, detail: str, errors: Any = None, title: str | None = None, type_: str = "about:blank"
) -> Response:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status, content_type=PROBLEM_JSON)


def problem_details_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    defer_audit = getattr(exc, "defer_audit", None)
    if defer_audit is not None and context.get("request") is not None:
        defer_audit(context["request"])  # written by audit.middleware once the transaction has ended
    status = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        out = problem(status, "Check the fields listed in errors and send the request again.", errors=errors)
    elif isinstance(exc, Http404):
        out = problem(404, "There is no such record, or you may not see it.")
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        out = problem(status, str(detail))
    for header, value in response.items():
        if header.lower() not in {"content-type"}:
            out[header] = value
    return out


def _plain_problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": TITLES[status], "status": status, "detail": detail},
        status=status,
        content_type=PROBLEM_JSON,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: problem details for any path under /api/ (no route matches it, or a view
    outside DRF raised Http404); the service's own 404 page everywhere else."""
    if is_api(request):
        return _plain_problem(
            404, "There is no such path in this API, or no such record. The API is described at /api/schema/."
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: problem details under /api/ (nothing about the failure itself), the 500 page elsewhere."""
    if is_api(request):
        return _plain_problem(500, "The service could not answer this request. Try again later.")
    return defaults.server_error(request)
