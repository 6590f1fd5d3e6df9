"""The pre-proceedings pages (Public Law Outline): the episode's pre-proceedings, starting
them, each step, and the record with its timeline and what is due.

Thin views: the rules are in childprotection.pre_proceedings; its RuleBroken messages go on
the form (status 400, the GOV.UK error summary, nothing saved). Every page needs the child's
full record (people.access.person_for): `case_work` reads, `case_change` records. Every view
is audited."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from casework.services import closed_message
from frontdoor.models import Referral
from kernel import deadlines
from kernel.access import RULES, rule
from kernel.forms import add_rule_errors
from kernel.models import Deadline
from kernel.rules import RuleBroken
from people.access import person_for, record_or_not_visible

from . import pre_proceedings as services
from .forms_pre_proceedings import (
    CourtApplicationForm,
    DecisionForm,
    FamilyMeetingForm,
    LetterForm,
    LetterOfIssueForm,
    MeetingForm,
    StartForm,
)
from .models import PreProceedings, PreProceedingsMeeting

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


def _view(request, obj, person, summary):
    audit.record(request.user, AuditEvent.Action.VIEW, obj=obj, person=person, summary=summary)


def _census(found):
    """The CIN census items (2026/27 module PreProceedingsandFGDM) as the record holds them."""
    Kind = PreProceedingsMeeting.Kind
    meetings = list(found.meetings.all())
    initial = next((m for m in meetings if m.kind == Kind.INITIAL), None)
    return [
        ("Decision to start (PPStartDate)", found.start_date),
        ("Letter before proceedings (LBPSentDate)", found.letter_sent_on),
        (
            "Family group decision-making offered in the letter (FGDMMeetingOffer)",
            "Not yet recorded" if found.fgdm_offered is None else ("Yes" if found.fgdm_offered else "No"),
        ),
        ("Family group decision-making meeting held (FGDMMeetingFac)", services.fgdm_meeting_date(found)),
        ("Initial pre-proceedings meeting (InitialPPMeetingDate)", initial.held_on if initial else None),
        ("Review meetings (ReviewMeetingsCount)", str(sum(1 for m in meetings if m.kind == Kind.REVIEW))),
        ("Decision to step down, continue or issue (StepDecisionDate)", found.decision_date),
        (
            "Outcome (PPOutcome)",
            f"{found.get_decision_display()} ({services.outcome_code(found.decision)} [U])" if found.decision else None,
        ),
        ("Application to court (CourtAppDate)", found.court_application_date),
        ("Letter that care proceedings are issued (LetterInitCPDate)", found.letter_of_issue_sent_on),
    ]


def _timeline(found):
    events = [(found.start_date, f"{found.forum}: decision to start pre-proceedings", found.reasons)]
    if found.letter_sent_on:
        events.append(
            (
                found.letter_sent_on,
                "Letter before proceedings sent",
                f"Family group decision-making offered to {found.fgdm_offered_to}"
                if found.fgdm_offered
                else f"Family group decision-making not offered: {found.fgdm_reasons_not_offered}",
            )
        )
    held = services.fgdm_meeting_date(found)
    if held:
        events.append((held, "Family group decision-making meeting", found.fgdm_family_plan))
    for meeting in found.meetings.all():
        events.append((meeting.held_on, meeting.get_kind_display(), meeting.notes))
    for decision in found.decisions.select_related("decided_by"):
        events.append(
            (
                decision.decided_on,
                f"Decision: {decision.get_decision_display().lower()}",
                f"{decision.reasons} ({decision.decided_by})",
            )
        )
    if found.court_application_date:
        events.append(
            (found.court_application_date, f"Application to court for a {found.get_order_sought_display().lower()}", "")
        )
    if found.letter_of_issue_sent_on:
        events.append((found.letter_of_issue_sent_on, "Letter to the parents: care proceedings issued", ""))
    return sorted(events, key=lambda e: e[0])


@rule("case_work")
def episode_pre_proceedings(request, episode_id):
    episode = _episode(request, episode_id)
    records = list(PreProceedings.objects.filter(episode=episode).order_by("-start_date", "-id"))
    start_url = None
    if _may_change(request.user) and episode.closure_date is None and not any(r.is_open for r in records):
        start_url = reverse("childprotection:pre-proceedings-start", args=[episode.pk])
    _view(request, episode, episode.person, "Viewed the episode's pre-proceedings")
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
    if request.method == "POST" and form.is_valid():
        try:
            found = services.start_pre_proceedings(request.user, episode, **form.service_arguments())
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, "Pre-proceedings started")
            return redirect("childprotection:pre-proceedings", pre_proceedings_id=found.pk)
    _view(request, episode, episode.person, "Viewed the form to start pre-proceedings")
    return render(
        request,
        "childprotection/form_page.html",
        {
            "form": form,
            "person": episode.person,
            "title": title,
            "caption": episode.person.full_name,
            "back": back,
            "intro": INTRO,
        },
        status=400 if form.errors else 200,
    )


@rule("case_work")
def detail(request, pre_proceedings_id):
    found = _found(request, pre_proceedings_id)
    today = timezone.localdate()
    subject_type = ContentType.objects.get_for_model(PreProceedings)
    due = [
        {"deadline": d, "tag": deadlines.tag(d, today)}
        for d in Deadline.objects.filter(
            subject_type=subject_type, subject_id=found.pk, status=Deadline.Status.OPEN
        ).order_by("due_date", "id")
    ]
    done = list(
        Deadline.objects.filter(subject_type=subject_type, subject_id=found.pk, status=Deadline.Status.MET).order_by(
            "due_date", "id"
        )
    )
    steps = []
    if _may_change(request.user):
        steps = [
            (label, reverse(f"childprotection:pre-proceedings-{slug}", args=[found.pk]))
            for slug, label in services.next_steps(found)
        ]
    gap = (
        services.fgdm_gap(found)
        if found.decision == PreProceedings.Decision.ISSUE and found.court_application_date is None
        else ""
    )
    _view(request, found, found.person, "Viewed pre-proceedings")
    return render(
        request,
        "childprotection/pre_proceedings.html",
        {
            "found": found,
            "person": found.person,
            "census": _census(found),
            "timeline": _timeline(found),
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
        open_one = deadlines.open_deadline(found, slug)
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
        if request.method == "POST" and form.is_valid():
            arguments = form.service_arguments()
            if slug in ("initial-meeting", "review-meeting"):
                arguments["kind"] = slug.split("-")[0]
            try:
                service(request.user, found, **arguments)
            except RuleBroken as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, done_message)
                return redirect("childprotection:pre-proceedings", pre_proceedings_id=found.pk)
        warning = ""
        if slug == "court-application":
            warning = services.fgdm_gap(found)
        _view(request, found, found.person, f"Viewed the page: {title.lower()}")
        return render(
            request,
            "childprotection/form_page.html",
            {
                "form": form,
                "person": found.person,
                "title": title,
                "caption": found.person.full_name,
                "back": back,
                "warning": warning,
            },
            status=400 if form.errors else 200,
        )

    view.__name__ = f"pre_proceedings_{slug.replace('-', '_')}"
    return view
