"""The voice of children and families: the feedback received, its themes and what changed because
of them, and surveys (rule `partnership` to read, `partnership_change` to record). Feedback names
no child, so no page here is about a child; every view is audited."""

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.urls import reverse

from kernel.access import rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed

from ..pages import found_or_404, may_change
from . import forms, selectors, services
from .models import FeedbackTheme

if TYPE_CHECKING:
    from kernel.access import SignedInRequest

CAPTION = "Voice of children and families"
#: The most feedback the home page lists at once (the counts cover all of it).
LISTED = 200


def _home_url() -> str:
    return reverse("partnership:voice:home")


def _theme(theme_id: int) -> FeedbackTheme:
    return found_or_404(selectors.theme(theme_id), "feedback theme", theme_id)


def _theme_url(theme: FeedbackTheme) -> str:
    return reverse("partnership:voice:theme", args=[theme.pk])


@rule("partnership")
def home(request: "SignedInRequest"):
    form = forms.FilterForm(request.GET if request.GET else None)
    kind = date_from = date_to = None
    if form.is_bound and form.is_valid():
        kind, date_from, date_to = (form.cleaned_data.get(k) for k in ("kind", "date_from", "date_to"))
    found = selectors.feedback(kind=kind, date_from=date_from, date_to=date_to)
    count = found.count()
    viewed(request, None, None, "Viewed the feedback from children and families")
    return render(
        request,
        "partnership/voice/home.html",
        {
            "form": form,
            "feedback": list(found[:LISTED]),
            "count": count,
            "listed": LISTED,
            "themes": list(selectors.themes_with_counts(date_from, date_to)),
            "surveys": list(selectors.surveys()),
            "filtered": bool(kind or date_from or date_to),
            "may_change": may_change(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@rule("partnership_change")
def feedback_new(request: "SignedInRequest"):
    form = forms.FeedbackForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.record_feedback(request.user, **data),
        success=lambda _: Success("Feedback recorded", _home_url()),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record feedback",
                back=_home_url(),
                caption=CAPTION,
                intro="Feedback is kept anonymously: it is not linked to a child's record. Leave out anything that "
                "identifies the child or family.",
            ),
            form,
        ),
    )


@rule("partnership")
def theme(request: "SignedInRequest", voice_theme_id: int):
    found = _theme(voice_theme_id)
    viewed(request, found, None, f"Viewed the feedback theme {found.name}")
    return render(
        request,
        "partnership/voice/theme.html",
        {
            "theme": found,
            "feedback": list(selectors.feedback(theme=found)[:LISTED]),
            "count": selectors.feedback(theme=found).count(),
            "listed": LISTED,
            "changes": selectors.changes_of(found),
            "may_change": may_change(request),
        },
    )


@rule("partnership_change")
def theme_new(request: "SignedInRequest"):
    form = forms.ThemeForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda _: services.save_theme(request.user, **form.service_data()),
        success=lambda done: Success(f"Theme {done.name} added", _theme_url(done)),
        page=lambda: step_page(request, StepPage(title="Add a theme", back=_home_url(), caption=CAPTION), form),
    )


@rule("partnership_change")
def theme_edit(request: "SignedInRequest", voice_theme_id: int):
    found = _theme(voice_theme_id)
    initial = {"name": found.name, "description": found.description, "active": "yes" if found.active else "no"}
    form = forms.ThemeForm(request.POST if request.method == "POST" else None, initial=initial)
    return case_step(
        request,
        form,
        act=lambda _: services.save_theme(request.user, theme=found, **form.service_data()),
        success=lambda done: Success(f"Theme {done.name} saved", _theme_url(done)),
        page=lambda: step_page(
            request,
            StepPage(title="Change the theme", back=_theme_url(found), about=found, caption=found.name),
            form,
        ),
    )


@rule("partnership_change")
def change_new(request: "SignedInRequest", voice_theme_id: int):
    found = _theme(voice_theme_id)
    form = forms.WhatChangedForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.record_what_changed(request.user, found, **data),
        success=lambda _: Success("What changed recorded", _theme_url(found)),
        page=lambda: step_page(
            request,
            StepPage(title="Record what changed", back=_theme_url(found), about=found, caption=found.name),
            form,
        ),
    )


@rule("partnership_change")
def survey_new(request: "SignedInRequest"):
    form = forms.SurveyForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.record_survey(request.user, **data),
        success=lambda done: Success(f"Survey {done.title} recorded", _home_url()),
        page=lambda: step_page(request, StepPage(title="Record a survey", back=_home_url(), caption=CAPTION), form),
    )
