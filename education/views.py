"""The education pages: a child's schools and relevant-child status, recording a school
registration, and consent to withdraw the child for home education (s434A) from the request to
the decision.

Views are thin: the rules are in education.services (case steps through kernel.casestep, whose
RuleBroken messages go in the GOV.UK error summary). Every page about a child needs the child's
full record (people.access.person_for): a child the user may not see answers the same audited
404 as one that does not exist. Reading needs education_work (case staff, the education team
and partner practitioners); changing needs education_change (local-authority case staff and the
education team). Before s434A is in force the consent pages say so and show no form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kernel.access import RULES, rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.rules import long_date
from people.access import person_for, record_or_not_visible
from people.models import Person

from . import commencement, selectors, services
from .forms import (
    BestInterestsForm,
    ConsentRequestForm,
    DecisionForm,
    InformationForm,
    RegisterEntryForm,
    RegistrationForm,
    RemovalForm,
)
from .missing import selectors as missing_selectors
from .models import ConsentRequest, RegisterEntry


def _may_change(request: HttpRequest) -> bool:
    return RULES["education_change"].allows(request.user)


def _person_url(person: Person) -> str:
    return reverse("education:person", args=[person.pk])


def _consent_url(consent: ConsentRequest) -> str:
    return reverse("education:consent", args=[consent.pk])


def _consent(request: HttpRequest, consent_id: int) -> ConsentRequest:
    found = record_or_not_visible(ConsentRequest, consent_id, "registration__school", "decision_maker")
    found.person = person_for(request.user, found.person_id)
    return found


def _not_in_force() -> str:
    today = timezone.localdate()
    return "" if commencement.in_force(today) else commencement.not_in_force_message(today) + "."


# --- The child's education page -----------------------------------------------------------


@rule("education_work")
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    child = person_for(request.user, person_id)
    today = timezone.localdate()
    relevance = selectors.relevant_child(child, today)
    may_change = _may_change(request)
    viewed(request, child, child, "Viewed the child's education")
    return render(
        request,
        "education/person.html",
        {
            "person": child,
            "registrations": list(selectors.registrations_for(child)),
            "relevance": relevance,
            "in_force": commencement.in_force(today),
            "not_in_force": _not_in_force(),
            "requests": list(selectors.consent_requests_for(child)),
            "register": list(selectors.register_entries_for(child)),
            "register_in_force": commencement.register_in_force(today),
            "missing_cases": list(missing_selectors.cases_for(child.pk)),
            "may_change": may_change,
            "today": today,
        },
    )


@rule("education_change")
def registration(request: HttpRequest, person_id: int) -> HttpResponse:
    child = person_for(request.user, person_id)
    form = RegistrationForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda _: services.record_school_registration(request.user, child, **form.data_for_service()),  # type: ignore[arg-type]
        success=lambda found: Success(f"School registration at {found.school.name} saved", _person_url(child)),
        page=lambda: step_page(
            request,
            StepPage(title="Record a school registration", person=child, back=_person_url(child)),
            form,
        ),
    )


# --- Consent to withdraw for home education -----------------------------------------------


@rule("education_change")
def consent_request(request: HttpRequest, person_id: int) -> HttpResponse:
    child = person_for(request.user, person_id)
    form = ConsentRequestForm(request.POST or None)
    not_possible = _not_in_force()
    return case_step(
        request,
        form,
        act=lambda data: services.receive_consent_request(request.user, child, **data),  # type: ignore[arg-type]
        success=lambda found: Success(
            "Request recorded: " + ("consent is needed" if found.relevant_child else "consent is not needed"),
            _consent_url(found),
        ),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record a request for consent to home educate",
                person=child,
                back=_person_url(child),
                not_possible=not_possible,
                intro="A parent's request, or a school's notice that it is about to remove the child from its "
                "roll to be educated at home. Whether the child is a relevant child is worked out for the day "
                "it was received; the social worker and the school are told.",
            ),
            form,
        ),
        allowed=not not_possible,
    )


@rule("education_work")
def consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    found = _consent(request, consent_id)
    may_change = _may_change(request) and found.status == ConsentRequest.Status.OPEN and not _not_in_force()
    viewed(request, found, found.person, "Viewed a request for consent to home educate")
    return render(
        request,
        "education/consent.html",
        {
            "person": found.person,
            "consent": found,
            "information": list(found.information.select_related("recorded_by")),
            "notifications": list(found.notifications.all()),
            "may_change": may_change,
            "person_url": _person_url(found.person),
        },
    )


def _consent_step(
    request: HttpRequest, consent_id: int, form_class: type, title: str, act: Any, success: str, **form_kwargs: Any
) -> HttpResponse:
    found = _consent(request, consent_id)
    form = form_class(request.POST or None, **form_kwargs)
    not_possible = _not_in_force()
    if not not_possible and found.status != ConsentRequest.Status.OPEN:
        not_possible = f"This request is closed ({found.get_status_display().lower()})."
    rows = [
        ("Received", long_date(found.received_on)),
        ("From", f"{found.requested_by} ({found.get_source_display().lower()})"),
        ("School", found.registration.school.name),
    ]
    return case_step(
        request,
        form,
        act=lambda data: act(found, data),
        success=lambda _: Success(success, _consent_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title=title,
                person=found.person,
                about=found,
                back=_consent_url(found),
                not_possible=not_possible,
                rows=rows,
            ),
            form,
        ),
        allowed=not not_possible,
    )


@rule("education_change")
def information(request: HttpRequest, consent_id: int) -> HttpResponse:
    return _consent_step(
        request,
        consent_id,
        InformationForm,
        "Add information for the decision",
        lambda found, data: services.gather_consent_information(request.user, found, **data),  # type: ignore[arg-type]
        "Information saved",
    )


@rule("education_change")
def best_interests(request: HttpRequest, consent_id: int) -> HttpResponse:
    return _consent_step(
        request,
        consent_id,
        BestInterestsForm,
        "Record the best-interests analysis",
        lambda found, data: services.record_best_interests_analysis(request.user, found, **data),  # type: ignore[arg-type]
        "Best-interests analysis saved",
    )


@rule("education_change")
def decision(request: HttpRequest, consent_id: int) -> HttpResponse:
    return _consent_step(
        request,
        consent_id,
        DecisionForm,
        "Record the decision on consent to home educate",
        lambda found, data: services.record_consent_decision(request.user, found, **data),  # type: ignore[arg-type]
        "Decision recorded: the parent, the social worker and the school are told",
        decision_makers=selectors.decision_makers(request.user),  # type: ignore[arg-type]
    )


# --- The children not in school register --------------------------------------------------


def _register_not_in_force() -> str:
    today = timezone.localdate()
    return "" if commencement.register_in_force(today) else commencement.register_not_in_force_message(today) + "."


@rule("education_change")
def register_add(request: HttpRequest, person_id: int) -> HttpResponse:
    child = person_for(request.user, person_id)
    form = RegisterEntryForm(request.POST or None)
    not_possible = _register_not_in_force()
    return case_step(
        request,
        form,
        act=lambda data: services.add_to_register(request.user, child, **data),  # type: ignore[arg-type]
        success=lambda _: Success("Added to the children not in school register", _person_url(child)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Add to the children not in school register",
                person=child,
                back=_person_url(child),
                not_possible=not_possible,
            ),
            form,
        ),
        allowed=not not_possible,
    )


@rule("education_change")
def register_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = record_or_not_visible(RegisterEntry, entry_id)
    entry.person = person_for(request.user, entry.person_id)
    form = RemovalForm(request.POST or None)
    not_possible = _register_not_in_force()
    if not not_possible and entry.removed_on is not None:
        not_possible = f"The child came off the register on {long_date(entry.removed_on)}."
    return case_step(
        request,
        form,
        act=lambda data: services.remove_from_register(request.user, entry, **data),  # type: ignore[arg-type]
        success=lambda _: Success("Removed from the children not in school register", _person_url(entry.person)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Remove from the children not in school register",
                person=entry.person,
                about=entry,
                back=_person_url(entry.person),
                not_possible=not_possible,
                rows=[("On the register since", long_date(entry.added_on)), ("Why", entry.get_reason_display())],
            ),
            form,
        ),
        allowed=not not_possible,
    )
