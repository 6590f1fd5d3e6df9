"""The children missing education pages: the education team's list of cases, opening a case
for a child, the case with its enquiries, recording an enquiry and closing the case.

The list needs education_team and names only the children the user may be shown (a restricted
child is neither listed nor counted). Opening a case needs education_change and the child's
index entry at least (person_for at INDEX): the education team sees any child's index entry,
and opening the case gives their team an involvement, hence the full record. The case pages
need the child's full record (education_work to read, education_change to change)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kernel.access import RULES, rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.rules import long_date
from people.access import Level, person_for, record_or_not_visible

from ..models import MissingEducationCase
from . import selectors, services
from .forms import CloseCaseForm, EnquiryForm, OpenCaseForm


def _case_url(case: MissingEducationCase) -> str:
    return reverse("education:missing_case", args=[case.pk])


def _case(request: HttpRequest, case_id: int) -> MissingEducationCase:
    found = record_or_not_visible(MissingEducationCase, case_id, "school", "registration__school", "register_entry")
    found.person = person_for(request.user, found.person_id)
    return found


@rule("education_team")
def cases(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", MissingEducationCase.Status.OPEN)
    if status not in MissingEducationCase.Status.values:
        status = MissingEducationCase.Status.OPEN
    today = timezone.localdate()
    rows = list(selectors.cases(request.user, status))
    for row in rows:
        row.days_open = ((row.closed_on or today) - row.opened_on).days  # type: ignore[attr-defined]
    viewed(request, None, None, f"Viewed the children missing education list ({status} cases)")
    return render(
        request,
        "education/missing/cases.html",
        {"cases": rows, "status": status, "open": status == MissingEducationCase.Status.OPEN},
    )


@rule("education_change")
def open_case(request: HttpRequest, person_id: int) -> HttpResponse:
    child = person_for(request.user, person_id, at_least=Level.INDEX)
    back = (
        reverse("education:person", args=[child.pk])
        if child.access_level >= Level.FULL
        else reverse("education:missing")
    )
    form = OpenCaseForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda data: services.open_missing_education_case(request.user, child, **data),  # type: ignore[arg-type]
        success=lambda found: Success("Missing education case opened", _case_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record a child as missing education",
                person=child,
                back=back,
                intro="A child of compulsory school age who is not on a school's roll, not on the children not in "
                "school register, and whose education is not known. The education team is involved from the day "
                "the case opens.",
            ),
            form,
        ),
    )


@rule("education_work")
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    found = _case(request, case_id)
    viewed(request, found, found.person, "Viewed a child missing education case")
    return render(
        request,
        "education/missing/case.html",
        {
            "person": found.person,
            "case": found,
            "enquiries": selectors.case_with_enquiries(found),
            "may_change": found.is_open and RULES["education_change"].allows(request.user),
            "days_open": ((found.closed_on or timezone.localdate()) - found.opened_on).days,
        },
    )


def _step(
    request: HttpRequest,
    case_id: int,
    form_class: type[forms.Form],
    title: str,
    act: Callable[[MissingEducationCase, dict[str, Any]], object],
    message: str,
) -> HttpResponse:
    found = _case(request, case_id)
    form = form_class(request.POST or None)
    not_possible = "" if found.is_open else f"This case closed on {long_date(found.closed_on)}."
    return case_step(
        request,
        form,
        act=lambda data: act(found, data),
        success=lambda _: Success(message, _case_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title=title,
                person=found.person,
                about=found,
                back=_case_url(found),
                not_possible=not_possible,
                rows=[("Missing education since", long_date(found.opened_on))]
                + ([("School left", found.school.name)] if found.school else []),
            ),
            form,
        ),
        allowed=not not_possible,
    )


@rule("education_change")
def enquiry(request: HttpRequest, case_id: int) -> HttpResponse:
    return _step(
        request,
        case_id,
        EnquiryForm,
        "Record an enquiry",
        lambda found, data: services.record_missing_education_enquiry(request.user, found, **data),  # type: ignore[arg-type]
        "Enquiry saved",
    )


@rule("education_change")
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    return _step(
        request,
        case_id,
        CloseCaseForm,
        "Close the missing education case",
        lambda found, data: services.close_missing_education_case(request.user, found, **data),  # type: ignore[arg-type]
        "Missing education case closed",
    )
