"""Audit entries that must outlive a rolled-back request: refused requests for records
(forged ids, other agencies' records, restricted ones) and refused API tokens.

A refusal rolls back the request's transaction, so its entry is left on the request
(audit.services.defer) and written here, after the response is made. An exception that
carries a `defer_audit(request)` method (people.access.RecordNotVisible) leaves its own entry:
from process_exception for pages, and from kernel.problems for API views, where DRF turns the
exception into a response."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from . import services


class DeferredAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        services.record_deferred(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        defer_audit = getattr(exception, "defer_audit", None)
        if defer_audit is not None:
            defer_audit(request)
        return None
