"""What every page of the partnership shares (its sub-areas' views use it too): a 404 that
reveals nothing and is audited, the record asked for or that 404, whether the user is the
business unit (who records), and a case step's page."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import Http404, HttpResponse

from audit import services as audit
from kernel.casestep import StepPage, step_page
from partners.models import User

if TYPE_CHECKING:
    from kernel.access import SignedInRequest

T = TypeVar("T")


class NotFound(Http404):
    """A 404 that reveals nothing (a request not asked of the user's agency looks like one that
    does not exist), audited after the request's transaction is rolled back (audit.middleware)."""

    def __init__(self, kind: str, asked_for: object) -> None:
        super().__init__("No such record")
        self.kind = kind
        self.asked_for = str(asked_for)[:40]

    def defer_audit(self, request):
        audit.defer(
            request,
            request.user,
            "denied",
            summary=f"Refused: a {self.kind} that does not exist or is not theirs to see",
            detail={"asked_for": self.asked_for, "path": request.path[:200]},
        )


def found_or_404(found: T | None, kind: str, asked_for: object) -> T:
    """The record a selector found, or NotFound (audited) when it found none."""
    if found is None:
        raise NotFound(kind, asked_for)
    return found


def may_change(request: "SignedInRequest") -> bool:
    """Whether the user records the partnership's work (the business unit)."""
    return request.user.role == User.Role.PARTNERSHIP_OFFICER


def page(
    request: "SignedInRequest",
    form: Any,
    *,
    title: str,
    back: str,
    about: Any = None,
    rows: Sequence[tuple[str, str]] = (),
    caption: str = "Safeguarding partnership",
) -> Callable[[], HttpResponse]:
    """A case step's page (kernel.casestep), for `case_step(page=...)`."""
    return lambda: step_page(
        request, StepPage(title=title, back=back, about=about, rows=list(rows), caption=caption), form
    )
