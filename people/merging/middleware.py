"""A request for a tombstone's page goes to the survivor's record.

``people.access.person_for`` raises ``RecordMerged`` for a record merged into another (when the
user may see the survivor; otherwise the usual "not found"). Here, for a page (not the API,
which answers its usual 404), the request is audited and answered with a redirect (302) to the
survivor's record, which says "This record was merged into ..." (``?merged_from=``). Nothing
was saved: a form posted to a tombstone's page is not carried over, and the notice says so.

It must come after ``audit.middleware.DeferredAuditMiddleware`` in ``MIDDLEWARE``, so that its
``process_exception`` is asked first (Django asks them bottom up), and the deferred audit entry
is then written by that middleware once the response is made.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse

from ..access import RecordMerged


class MergedRecordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if not isinstance(exception, RecordMerged) or request.path.startswith("/api/"):
            return None
        exception.defer_audit(request)
        query = {"merged_from": exception.tombstone_id}
        if request.method not in ("GET", "HEAD"):
            query["unsaved"] = 1
        return HttpResponseRedirect(f"{reverse('people:detail', args=[exception.survivor_id])}?{urlencode(query)}")
