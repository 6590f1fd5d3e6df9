"""The pre-proceedings pages (Public Law Outline): the episode's pre-proceedings, starting
them, each step, and the record with its timeline and what is due.

Thin views: the rules are in childprotection.pre_proceedings.services, the reads in its
selectors; each step is a kernel.casestep page (the service's RuleBroken messages go on the
form: status 400, the GOV.UK error summary, nothing saved). Every page needs the child's full
record (people.access.person_for): `case_work` reads, `case_change` records. Every view is
audited."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.shortcuts import render
from django.urls import reverse

from casework.services import closed_message
from frontdoor.models import Referral
from kernel import selectors as due_dates
from kernel.access import RULES, rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.models import Deadline
from kernel.templatetags.due_dates import tag
from people.access import person_for, record_or_not_visible

from ..models import PreProceedings
from . import selectors, services
from .forms import (
    CourtApplicationForm,
    DecisionForm,
    FamilyMeetingForm,
    LetterForm,
    LetterOfIssueForm,
    MeetingForm,
    StartForm,
)

FORM_PAGE = "childprotection/form_page.html"

INTRO = (
    "Pre-proceedings under the Public Law Outline start when a legal planning meeting decides the threshold for "
    "care proceedings may be met. The letter before proceedings invites the parents, with their lawyers, to a "
    "meeting, and must offer a family group decision-making meeting unless that is not in the child's best "
    "interests (Children's Wellbeing and Schools Act 2026)."
)


def _episode(request, episode_id):
    episode = record_or_not_visible(Referral, episode_id, "person")
    episode.person = person_for(request.user, episode.person_id)
    return episode


def _found(request, pre_proceedings_id):
    found = record_or_not_visible(
        PreProceedings, pre_proceedings_id, "person", "episode", "decided_by", "fgdm_same_meeting_as"
    )
    found.person = person_for(request.user, found.person_id)
    return found


def _may_change(user):
    return RULES["case_change"].allows(user)


@rule("case_work")
def episode_pre_proceedings(request, episode_id):
    episode = _episode(request, episode_id)
    records = selectors.of_episode(episode)
    start_url = None
    if _may_change(request.user) and episode.closure_date is None and not any(r.is_open for r in records):
        start_url = reverse("childprotection:pre-proceedings-start", args=[episode.pk])
    viewed(request, episode, episode.person, "Viewed the episode's pre-proceedings")
    return render(
        request,
        "childprotection/pre_proceedings_list.html",
        {
            "person": episode.person,
            "episode": episode,
            "records": records,
            "start_url": start_url,
            "intro": INTRO,
            "case_url": reverse("familyhelp:case", args=[episode.person_id]),
        },
    )


@rule("case_change")
def start(request, episode_id):
    episode = _episode(request, episode_id)
    back = reverse("childprotection:pre-proceedings-episode", args=[episode.pk])
    title = "Start pre-proceedings"
    if episode.closure_date is not None:
        return render(
            request,
            "childprotection/not_possible.html",
            {"title": title, "person": episode.person, "back": back, "message": closed_message(episode) + "."},
        )
    form = StartForm(request.POST if request.method == "POST" else None, initial={"forum": "Legal planning meeting"})

    def page():
        viewed(request, episode, episode.person, "Viewed the form to start pre-proceedings")
        context = {
            "form": form,
            "person": episode.person,
            "title": title,
            "caption": episode.person.full_name,
            "back": back,
            "intro": INTRO,
        }
        return render(request, FORM_PAGE, context, status=400 if form.errors else 200)

    return case_step(
        request,
        form,
        act=lambda data: services.start_pre_proceedings(request.user, episode, **form.service_arguments()),
        success=lambda found: Success(
            "Pre-proceedings started", reverse("childprotection:pre-proceedings", args=[found.pk])
        ),
        page=page,
    )


@rule("case_work")
def detail(request, pre_proceedings_id):
    found = _found(request, pre_proceedings_id)
    due = [{"deadline": d, "tag": tag(d)} for d in due_dates.for_subject(found)]
    done = list(due_dates.for_subject(found, Deadline.Status.MET))
    steps = []
    if _may_change(request.user):
        steps = [
            (label, reverse(f"childprotection:pre-proceedings-{slug}", args=[found.pk]))
            for slug, label in selectors.next_steps(found)
        ]
    gap = (
        selectors.fgdm_gap(found)
        if found.decision == PreProceedings.Decision.ISSUE and found.court_application_date is None
        else ""
    )
    viewed(request, found, found.person, "Viewed pre-proceedings")
    return render(
        request,
        "childprotection/pre_proceedings.html",
        {
            "found": found,
            "person": found.person,
            "census": selectors.census_items(found),
            "timeline": selectors.timeline(found),
            "due": due,
            "done": done,
            "steps": steps,
            "fgdm_gap": gap,
            "back": reverse("childprotection:pre-proceedings-episode", args=[found.episode_id]),
        },
    )


# --- The steps ------------------------------------------------------------------------------

# slug: (title, form, service, the deadline rule or rules it meets, message when done)
STEPS: dict[str, tuple[str, type[forms.Form], Callable[..., Any], str | tuple[str, ...] | None, str]] = {
    "letter": (
        "Record the letter before proceedings",
        LetterForm,
        services.send_letter_before_proceedings,
        services.LETTER_RULE,
        "Letter before proceedings recorded",
    ),
    "family-meeting": (
        "Record family group decision-making",
        FamilyMeetingForm,
        services.record_family_meeting,
        None,
        "Family group decision-making recorded",
    ),
    "initial-meeting": (
        "Record the initial pre-proceedings meeting",
        MeetingForm,
        services.hold_pre_proceedings_meeting,
        services.INITIAL_MEETING_RULE,
        "Initial meeting recorded",
    ),
    "review-meeting": (
        "Record a pre-proceedings review meeting",
        MeetingForm,
        services.hold_pre_proceedings_meeting,
        services.REVIEW_RULE,
        "Review meeting recorded",
    ),
    "decision": (
        "Record the pre-proceedings decision",
        DecisionForm,
        services.decide_pre_proceedings,
        services.DECISION_RULES,
        "Decision recorded",
    ),
    "court-application": (
        "Record the application to court",
        CourtApplicationForm,
        services.record_court_application,
        services.APPLICATION_RULE,
        "Application to court recorded",
    ),
    "letter-of-issue": (
        "Record the letter that care proceedings are issued",
        LetterOfIssueForm,
        services.send_letter_of_issue,
        None,
        "Letter recorded",
    ),
}


def _due(found, rules):
    if rules is None:
        return None
    for slug in [rules] if isinstance(rules, str) else rules:
        open_one = due_dates.open_deadline(found, slug)
        if open_one is not None:
            return open_one
    return None


def step_view(slug):
    title, form_class, service, rules, done_message = STEPS[slug]

    @rule("case_change")
    def view(request, pre_proceedings_id):
        found = _found(request, pre_proceedings_id)
        back = reverse("childprotection:pre-proceedings", args=[found.pk])
        extra = {"person": found.person} if form_class is FamilyMeetingForm else {"due": _due(found, rules)}
        form = form_class(request.POST if request.method == "POST" else None, **extra)
        kind = {"kind": slug.split("-")[0]} if slug in ("initial-meeting", "review-meeting") else {}
        warning = selectors.fgdm_gap(found) if slug == "court-application" else ""
        return case_step(
            request,
            form,
            act=lambda data: service(request.user, found, **form.service_arguments(), **kind),
            success=lambda _: Success(done_message, back),
            page=lambda: step_page(
                request,
                StepPage(
                    title=title,
                    back=back,
                    person=found.person,
                    about=found,
                    caption=found.person.full_name,
                    warning=warning,
                    template=FORM_PAGE,
                ),
                form,
            ),
        )

    view.__name__ = f"pre_proceedings_{slug.replace('-', '_')}"
    return view
