"""What the audit trail hears from the rest of the service without their importing it."""

from typing import Any

from django.db.models import Model
from django.dispatch import receiver
from django.http import HttpRequest

from kernel.access import route_refused
from kernel.casestep import page_viewed

from . import services
from .models import AuditEvent


@receiver(route_refused)
def record_route_refusal(sender: type, request: HttpRequest, rule: str | None, **kwargs: Any) -> None:
    """A signed-in user refused by a route's access rule (403). Deferred, so the entry is kept
    although the refused request's transaction is rolled back. The path is kept, not the query
    string (search terms there may name a person)."""
    services.defer(
        request,
        request.user,
        "denied",
        summary="Refused: the page is not open to their role",
        detail={"path": request.path[:200], "method": request.method, "rule": rule or "none"},
    )


@receiver(page_viewed)
def record_page_view(
    sender: Any, request: HttpRequest, obj: Model | None, person: Any, summary: str, **kwargs: Any
) -> None:
    """A user viewed a page about a record (a case-step page, say): recorded in the same
    transaction as the request, like every other view."""
    services.record(request.user, AuditEvent.Action.VIEW, obj=obj, person=person, summary=summary)
