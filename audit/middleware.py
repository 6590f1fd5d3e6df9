"""Audits refused requests for records: forged ids, other agencies' records, restricted ones.

A refusal rolls back the request's transaction, so the entry is written here, after it:
from process_exception for pages, and from process_response for API views (DRF turns the
refusal into a response; kernel.problems leaves the details on the request)."""

from . import services


def _record(request, person_id, detail):
    services.record(request.user, "denied", person=person_id,
                    summary="Refused: a record that does not exist or is not theirs to see",
                    detail={**detail, "path": request.path[:200]})


class DeniedAccessAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        denied = getattr(request, "denied_record", None)
        if denied is not None:
            _record(request, *denied)
        return response

    def process_exception(self, request, exception):
        detail = getattr(exception, "audit_detail", None)
        if detail is not None:
            _record(request, getattr(exception, "audit_person_id", None), detail)
        return None
