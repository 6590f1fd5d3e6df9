"""What every children-in-care page shares: looking up a period of care (a child the user
may not see answers the same audited 404 as a record that does not exist), who may change
records, the rows about a period shown above its forms, the case-step page about a period
(kernel.casestep shows it: status 400 with the GOV.UK error summary when the form has errors)
and the return to the child's care page."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kernel import codelists
from kernel.access import RULES
from kernel.casestep import StepPage, Success
from partners.models import User
from people.access import person_for, record_or_not_visible

from . import selectors, services
from .models import PeriodOfCare

FORM_PAGE = "childrenincare/form_page.html"
MANAGERS = {User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE}


def may_change(user: User) -> bool:
    return RULES["case_change"].allows(user)


def period_for(request: HttpRequest, period_id: int) -> PeriodOfCare:
    period = record_or_not_visible(PeriodOfCare, period_id, "person", "episode", "iro")
    period.person = person_for(request.user, period.person_id)
    return period


def period_url(period: PeriodOfCare) -> str:
    return reverse("childrenincare:period", args=[period.pk])


def code_label(slug: str, code: str) -> SafeString:
    """A code as a practitioner reads it: its words, the code after them in grey."""
    return codelists.in_words(slug, code)


def ended(period: PeriodOfCare) -> str:
    """Why nothing can change on an ended period of care (with its full stop), or ""."""
    return f"{services.period_ended(period)}." if period.end_date else ""


def period_rows(period: PeriodOfCare) -> list[tuple[str, str | SafeString]]:
    """The summary rows about a period of care shown above its form pages."""
    status, placement = selectors.current_legal_status(period), selectors.current_placement(period)
    rows: list[tuple[str, str | SafeString]] = [
        (
            "Looked after",
            f"From {period.start_date:%-d %B %Y}" + (f" to {period.end_date:%-d %B %Y}" if period.end_date else ""),
        )
    ]
    if period.end_date:
        rows.append(("Reason care ended", code_label("episode-end-reason", period.end_reason)))
    if status:
        rows.append(("Legal status", code_label("legal-status", status.code)))
    if placement:
        place = code_label("placement-type", placement.place)
        rows.append(("Placement", format_html("{} with {}", place, placement.carer) if placement.carer_id else place))
    rows.append(("Category of need", code_label("primary-need", period.category_of_need)))
    return rows


def to_period(period: PeriodOfCare, message: str) -> Success:
    """After a step: the message, and back to the child's care page."""
    return Success(message, period_url(period))


def care_page(
    period: PeriodOfCare,
    title: str,
    *,
    not_possible: str = "",
    rows: Iterable[tuple[str, Any]] = (),
    intro: str = "",
    warning: str = "",
    about: Model | None = None,
    back: str | None = None,
    **extra: Any,
) -> StepPage:
    """A case-step page about the child's period of care (kernel.casestep.step_page shows it,
    audited as a view of `about`, by default the period); with `not_possible` (on a GET) it says
    why the step cannot be taken. `extra` goes into the template's context."""
    return StepPage(
        title=title,
        back=back or period_url(period),
        person=period.person,
        about=about or period,
        not_possible=not_possible,
        rows=rows,
        intro=intro,
        warning=warning,
        template=FORM_PAGE,
        extra={"period": period, **extra},
    )
