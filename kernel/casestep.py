"""One shape for a case-step page.

A case step is a statutory step taken on a child's case (start an assessment, record a visit,
end care). Its page always does the same things, in this order:

1. on a POST whose form is valid, call ONE service with the form's cleaned data;
2. if the service refuses (`kernel.rules.RuleBroken`), put its messages on the form, so the
   GOV.UK error summary shows them beside the fields they are about;
3. if it succeeds, show a success message and go back to the case (post/redirect/get);
4. otherwise show the page: the form (with status 400 when it has errors), or why the step
   cannot be taken now, and record in the audit trail that the user viewed the page.

`case_step` does 1-3 and calls back for 4; `step_page` is 4. A view reads like this::

    @rule("case_change")
    def assessment_start(request, episode_id):
        episode = ...  # a selector: the record, or 404 if this user may not see it
        form = StartAssessmentForm(request.POST or None)
        return case_step(
            request,
            form,
            act=lambda data: services.start_assessment(request.user, episode, start_date=data["start_date"]),
            success=lambda _: Success("Assessment started", case_url(episode.person)),
            page=lambda: step_page(request, StepPage(title="Start a child and family assessment",
                                                     person=episode.person, back=case_url(episode.person)), form),
        )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render

from kernel.forms import add_rule_errors
from kernel.rules import RuleBroken

T = TypeVar("T")

CASE_FORM_PAGE = "case_form_page.html"

#: Sent when a user views a page about a record (kernel is below the audit trail, so it does not
#: import it: audit.receivers records the view). Arguments: request, obj, person, summary.
page_viewed = Signal()


@dataclass(frozen=True)
class Success:
    """What a user sees after a step is taken: a message, and the page they go back to."""

    message: str
    to: str


@dataclass(frozen=True)
class StepPage:
    """What a case-step page shows besides its form.

    `person` is the child the page is about (its name is the caption, and the audit entry names
    them); `about` is the record viewed (by default the child). `not_possible` says why the step
    cannot be taken now: on a GET the form is not shown. `rows` are (label, value) pairs of
    context shown as a GOV.UK summary list above the form. `audit_summary` replaces the audit
    entry's summary made from the title, where the title names someone the summary must not.
    """

    title: str
    back: str
    person: Model | None = None
    about: Model | None = None
    not_possible: str = ""
    rows: Iterable[tuple[str, Any]] = ()
    intro: str = ""
    warning: str = ""
    caption: str = ""
    template: str = CASE_FORM_PAGE
    extra: Mapping[str, Any] = field(default_factory=dict)
    audit_summary: str = ""


def take_step(
    form: forms.BaseForm, act: Callable[[dict[str, Any]], T], *, fields: Mapping[str, str] | None = None
) -> tuple[bool, T | None]:
    """Call the service with a valid form's cleaned data: (True, its result), or (False, None)
    with the service's RuleBroken messages on the form (`fields` maps a service's error key to
    the form field that shows it)."""
    try:
        return True, act(form.cleaned_data)
    except RuleBroken as error:
        add_rule_errors(form, error, fields)
        return False, None


def succeeded(request: HttpRequest, success: Success) -> HttpResponseRedirect:
    """The success message, then back to where the user works (post/redirect/get)."""
    messages.success(request, success.message)
    return redirect(success.to)


def case_step(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    act: Callable[[dict[str, Any]], T],
    success: Callable[[T], Success],
    page: Callable[[], HttpResponse],
    fields: Mapping[str, str] | None = None,
    allowed: bool = True,
) -> HttpResponse:
    """The whole of a case step (see the module's docstring). With `allowed` false the service
    is not called, even on a POST (the page says why the step cannot be taken)."""
    if allowed and request.method == "POST" and form.is_valid():
        done, result = take_step(form, act, fields=fields)
        if done:
            return succeeded(request, success(result))  # type: ignore[arg-type]
    return page()


def viewed(request: HttpRequest, obj: Model | None, person: Model | None, summary: str) -> None:
    """Record in the audit trail that the user viewed a page about `obj` (and the child)."""
    page_viewed.send(sender=step_page, request=request, obj=obj, person=person, summary=summary)


def page_viewed_summary(title: str) -> str:
    """The audit summary of viewing a step's page: 'Viewed the page: start an assessment'."""
    return f"Viewed the page: {title[0].lower()}{title[1:]}" if title else "Viewed the page"


def step_page(
    request: HttpRequest, page: StepPage, form: forms.BaseForm | None, *, status: int | None = None
) -> HttpResponse:
    """Render a case-step page and audit the view. The form shows unless the step is not
    possible (on a GET); the status is 400 when the shown form has errors."""
    viewed(request, page.about or page.person, page.person, page.audit_summary or page_viewed_summary(page.title))
    show_form = form is not None and not (page.not_possible and request.method != "POST")
    context = {
        "title": page.title,
        "person": page.person,
        "form": form if show_form else None,
        "not_possible": page.not_possible,
        "rows": list(page.rows),
        "intro": page.intro,
        "warning": page.warning,
        "caption": page.caption,
        "back": page.back,
        **page.extra,
    }
    if status is None:
        status = 400 if show_form and form is not None and form.errors else 200
    return render(request, page.template, context, status=status)
