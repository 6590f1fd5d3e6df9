"""What every children-in-care page shares: looking up a period of care (a child the user
may not see answers the same audited 404 as a record that does not exist), who may change
records, the audited form page (status 400 with the GOV.UK error summary when the form has
errors) and the return to the child's care page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import RULES
from people.access import person_for, record_or_not_visible

from .models import PeriodOfCare


def may_change(user):
    return RULES["case_change"].allows(user)


def period_for(request, period_id):
    period = record_or_not_visible(PeriodOfCare, period_id, "person", "episode", "iro")
    period.person = person_for(request.user, period.person_id)
    return period


def period_url(period):
    return reverse("childrenincare:period", args=[period.pk])


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
