"""RFC 9457 problem details for every API error."""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

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
}


def problem(status, detail, errors=None, title=None, type_="about:blank"):
    body = {"type": type_, "title": title or TITLES.get(status, "Error"), "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(body, status=status, content_type="application/problem+json")


def problem_details_handler(exc, context):
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
