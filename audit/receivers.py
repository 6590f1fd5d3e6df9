"""What the audit trail hears from the rest of the service without their importing it."""

from django.dispatch import receiver

from kernel.access import route_refused

from . import services


@receiver(route_refused)
def record_route_refusal(sender, request, rule, **kwargs):
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
