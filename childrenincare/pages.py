"""What every children-in-care page shares: looking up a period of care (a child the user
may not see answers the same audited 404 as a record that does not exist), who may change
records, the audited form page (status 400 with the GOV.UK error summary when the form has
errors) and the return to the child's care page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from audit import services as audit
from audit.models import AuditEvent
from kernel import codelists
from kernel.access import RULES
from kernel.forms import add_rule_errors
from kernel.rules import RuleBroken
from partners.models import User
from people.access import person_for, record_or_not_visible

from . import services
from .models import PeriodOfCare

MANAGERS = {User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE}


def may_change(user):
    return RULES["case_change"].allows(user)


def period_for(request, period_id):
    period = record_or_not_visible(PeriodOfCare, period_id, "person", "episode", "iro")
    period.person = person_for(request.user, period.person_id)
    return period


def period_url(period):
    return reverse("childrenincare:period", args=[period.pk])


def code_label(slug, code):
    return f"{code}: {codelists.label(slug, code)}" if code else ""


def ended(period):
    """Why nothing can change on an ended period of care (with its full stop), or ""."""
    return f"{services.period_ended(period)}." if period.end_date else ""


def period_rows(period):
    """The summary rows about a period of care shown above its form pages."""
    status, placement = services.current_legal_status(period), services.current_placement(period)
    rows = [
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
        carer = f" with {placement.carer}" if placement.carer_id else ""
        rows.append(("Placement", code_label("placement-type", placement.place) + carer))
    rows.append(("Category of need", code_label("primary-need", period.category_of_need)))
    return rows


def saved(form, call):
    """Run the service with the form's data; its rule messages go on the form."""
    try:
        return call(form.cleaned_data)
    except RuleBroken as error:
        add_rule_errors(form, error)
        return None


def viewed(request, obj, person, summary):
    audit.record(request.user, AuditEvent.Action.VIEW, obj=obj, person=person, summary=summary)


def done(request, period, message):
    messages.success(request, message)
    return redirect("childrenincare:period", period_id=period.pk)


def form_page(
    request,
    period,
    title,
    form,
    *,
    not_possible="",
    rows=(),
    intro="",
    warning="",
    template="childrenincare/form_page.html",
    about=None,
    back=None,
    **extra,
):
    """A form page about the child's period of care (audited as a view of `about`, by
    default the period); with `not_possible` (on a GET) it says why the step cannot be taken."""
    person = period.person
    viewed(request, about or period, person, f"Viewed the page: {title[0].lower()}{title[1:]}")
    show_form = form is not None and not (not_possible and request.method != "POST")
    return render(
        request,
        template,
        {
            "title": title,
            "person": person,
            "period": period,
            "form": form if show_form else None,
            "not_possible": not_possible,
            "rows": rows,
            "intro": intro,
            "warning": warning,
            "back": back or period_url(period),
            **extra,
        },
        status=400 if show_form and form.errors else 200,
    )
