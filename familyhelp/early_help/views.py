"""The early help pages: a child's early help, starting it (from a contact the front door
decided "early help", from a Family Help episode closed RC9, or directly), the episode with its
children, lead practitioner, assessment, family plan, reviews and closure, and a lead
practitioner's own list.

Access. Every page has the rule `early_help`: local-authority case staff, Family Help leads
and partner practitioners, so that a partner acting as lead practitioner (a school's
designated safeguarding lead, a health visitor) can do the work (FFP: proportionate access for
partners acting as lead practitioner), which `case_change` does not allow partners. Within it,
need-to-know: every child of the episode must be visible in full to the user (people.access:
the lead's involvement gives them and their agency the record), and a partner sees only the
early help they lead or led, or that their agency leads or assessed (early_help.may_see);
anyone else gets the audited 404 of a record that does not exist. Changes are for the
authority's case staff and Family Help leads, and for a partner only while they lead it
(early_help.may_change; 403 otherwise). Front-door contacts and Family Help episodes are the
authority's records: starting from them is not for partners (404). Every page view and change
is audited."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from familyhelp.models import EarlyHelpAssessment, EarlyHelpEpisode, FamilyPlan
from frontdoor.models import Contact, ContactDecision, Referral
from frontdoor.views import contact_for
from kernel.access import forbidden, rule
from kernel.casestep import StepPage, Success, case_step, step_page
from kernel.templatetags import due_dates as due_tags
from people.access import Level, RecordNotVisible, levels, person_for, record_or_not_visible

from . import selectors
from . import services as early_help
from .forms import (
    CloseEarlyHelpForm,
    CompleteAssessmentForm,
    FamilyPlanForm,
    LeadPractitionerForm,
    ReviewFamilyPlanForm,
    StartAssessmentForm,
    StartEarlyHelpForm,
)

FORM_PAGE = "familyhelp/early_help/form_page.html"


# --- Looking records up -------------------------------------------------------------------


def _not_visible(person_id, asked_for):
    return RecordNotVisible(person_id, str(asked_for)[:40], Level.FULL)


def _episode(request, early_help_id):
    """The episode, with `people` (its children), if the user may see all of it; else the 404."""
    episode = record_or_not_visible(EarlyHelpEpisode, early_help_id)
    rows = selectors.children_of(episode)
    episode.people = [person_for(request.user, row.person_id) for row in rows]
    if not early_help.may_see(request.user, episode):
        raise _not_visible(rows[0].person_id if rows else None, f"early help {episode.pk}")
    return episode


def _assessment(request, eh_assessment_id):
    found = record_or_not_visible(EarlyHelpAssessment, eh_assessment_id, "organisation", "assessor")
    found.episode = _episode(request, found.episode_id)
    return found


def _plan(request, eh_plan_id):
    found = record_or_not_visible(FamilyPlan, eh_plan_id)
    found.episode = _episode(request, found.episode_id)
    return found


def _partners_not_here(request, person_id, asked_for):
    """Front-door and Family Help records are the authority's: not a partner's way in."""
    if early_help.is_partner(request.user):
        raise _not_visible(person_id, asked_for)


def _episode_url(episode):
    return reverse("earlyhelp:episode", args=[episode.pk])


def _view(request, obj, person, summary, detail=None):
    audit.record(request.user, AuditEvent.Action.VIEW, obj=obj, person=person, summary=summary, detail=detail)


def _step_page(request, person, form, *, title, back, about=None, **options):
    """A case-step page of early help (kernel.casestep.step_page)."""
    return step_page(
        request, StepPage(title=title, person=person, back=back, about=about, template=FORM_PAGE, **options), form
    )


def _change_refused(request, episode):
    return not early_help.may_change(request.user, episode)


def _names(people):
    return ", ".join(p.full_name for p in people)


def _closed(episode):
    return early_help.closed_message(episode) + "." if episode.closure_date else ""


# --- The child's early help ---------------------------------------------------------------


def _summary(episode):
    lead = selectors.current_lead(episode)
    assessment = selectors.latest_assessment(episode)
    return {
        "episode": episode,
        "lead": lead,
        "assessment": assessment,
        "children": [row.person for row in episode.children.select_related("person")],
    }


@rule("early_help")
def child(request, person_id):
    """The child's early help: each episode (open first), its lead, assessment and status."""
    person = person_for(request.user, person_id)
    episodes = early_help.visible_to(request.user, selectors.episodes_of(person))
    _view(request, person, person, "Viewed the child's early help", detail={"episodes": [e.pk for e in episodes]})
    return render(
        request,
        "familyhelp/early_help/child.html",
        {
            "person": person,
            "rows": [_summary(e) for e in episodes],
            "may_start": early_help.may_change(request.user) or early_help.is_partner(request.user),
            "has_open": any(e.closure_date is None for e in episodes),
        },
    )


def _start_page(request, person, title, form, start, *, back, not_possible="", rows=(), intro=""):
    return case_step(
        request,
        form,
        allowed=not not_possible,
        act=lambda data: start(
            lead_practitioner=data["lead_practitioner"],
            start_date=data["start_date"],
            consent_given_on=data["consent_given_on"],
            consent_given_by=data["consent_given_by"],
        ),
        success=lambda episode: Success("Early help started", _episode_url(episode)),
        page=lambda: _step_page(
            request, person, form, title=title, back=back, not_possible=not_possible, rows=rows, intro=intro
        ),
    )


def _initial(request):
    return {"lead_practitioner": request.user.pk} if early_help.is_partner(request.user) else None


@rule("early_help")
def start(request, person_id):
    """Early help started directly with the family (a partner starts it as its lead)."""
    person = person_for(request.user, person_id)
    if not (early_help.may_change(request.user) or early_help.is_partner(request.user)):
        return forbidden(request)
    existing = selectors.open_episode_of(person)
    not_possible = f"{person.full_name} already has open early help." if existing else ""
    form = StartEarlyHelpForm(request.POST if request.method == "POST" else None, initial=_initial(request))
    return _start_page(
        request,
        person,
        "Start early help",
        form,
        lambda **data: early_help.start_early_help(request.user, [person], **data),
        back=reverse("earlyhelp:child", args=[person.pk]),
        not_possible=not_possible,
        intro="The early help assessment falls due from the start date (local timescale).",
    )


@rule("early_help")
def start_from_contact(request, eh_contact_id):
    """Early help for the children of a contact the front door decided "early help"."""
    _partners_not_here(request, None, f"contact {eh_contact_id}")
    if not early_help.may_change(request.user):
        return forbidden(request)
    contact = contact_for(request.user, eh_contact_id)
    people = [link.person for link in contact.visible_people if link.is_child]
    for person in people:
        person_for(request.user, person.pk)
    decision = selectors.decision_of(contact)
    not_possible = ""
    if decision is None or decision.outcome != ContactDecision.Outcome.EARLY_HELP:
        not_possible = (
            "Early help starts from a contact the front door decided “early help or Family Help”: this contact was not."
        )
    elif selectors.started_from_contact(contact):
        not_possible = "Early help has already been started from this contact."
    rows = [
        ("Contact", f"{contact.reference}, received {timezone.localtime(contact.received_at):%-d %B %Y}"),
        ("Children", _names(people)),
        ("Consent at the front door", contact.get_consent_display()),
    ]
    form = StartEarlyHelpForm(
        request.POST if request.method == "POST" else None,
        initial={"consent_given_by": contact.consent_detail[:200]}
        if contact.consent == Contact.Consent.GIVEN
        else None,
    )
    subject = people[0] if people else None
    return _start_page(
        request,
        subject,
        "Start early help from the contact",
        form,
        lambda **data: early_help.start_from_contact(request.user, contact, **data),
        back=reverse("frontdoor:contact", args=[contact.pk]),
        not_possible=not_possible,
        rows=rows,
    )


@rule("early_help")
def step_down(request, eh_referral_id):
    """Early help for a child whose Family Help episode closed "referred to early help" (RC9)."""
    _partners_not_here(request, None, f"referral {eh_referral_id}")
    if not early_help.may_change(request.user):
        return forbidden(request)
    referral = record_or_not_visible(Referral, eh_referral_id)
    person = person_for(request.user, referral.person_id)
    referral.person = person
    not_possible = ""
    if referral.closure_reason != early_help.STEP_DOWN_REASON:
        not_possible = (
            "Stepping down to early help follows a Family Help episode closed “referred to early help” "
            "(RC9): this one was not."
        )
    elif selectors.stepped_down_from(referral):
        not_possible = "Early help has already been started from this Family Help episode."
    rows = [
        (
            "Family Help episode",
            f"From {referral.referral_date:%-d %B %Y}"
            + (f", closed {referral.closure_date:%-d %B %Y}" if referral.closure_date else ", open"),
        )
    ]
    form = StartEarlyHelpForm(request.POST if request.method == "POST" else None)
    return _start_page(
        request,
        person,
        "Step down to early help",
        form,
        lambda **data: early_help.step_down(request.user, referral, **data),
        back=reverse("familyhelp:case", args=[person.pk]),
        not_possible=not_possible,
        rows=rows,
    )


# --- The episode --------------------------------------------------------------------------


def _actions(request, episode, assessment_open, latest_done, plan):
    if episode.closure_date is not None or not early_help.may_change(request.user, episode):
        return []
    actions = []
    if assessment_open is not None:
        actions.append(("Complete the assessment", reverse("earlyhelp:assessment", args=[assessment_open.pk]), True))
    else:
        actions.append(
            (
                "Start an early help assessment",
                reverse("earlyhelp:assessment-start", args=[episode.pk]),
                latest_done is None,
            )
        )
    if plan is not None:
        actions.append(("Review the family plan", reverse("earlyhelp:plan-review", args=[plan.pk]), True))
    elif latest_done is not None:
        actions.append(("Start a family plan", reverse("earlyhelp:plan-start", args=[episode.pk]), True))
    actions.append(("Change the lead practitioner", reverse("earlyhelp:lead", args=[episode.pk]), False))
    actions.append(("End early help", reverse("earlyhelp:close", args=[episode.pk]), False))
    return [{"text": t, "url": u, "primary": p} for t, u, p in sorted(actions, key=lambda a: not a[2])]


@rule("early_help")
def episode(request, early_help_id):
    found = _episode(request, early_help_id)
    today = timezone.localdate()
    leads = selectors.leads_of(found)
    assessments = selectors.assessments_of(found)
    plans = selectors.plans_of(found)
    plan = next((p for p in plans if p.end_date is None), None)
    in_progress = next((a for a in assessments if a.completed_date is None), None)
    latest_done = next((a for a in assessments if a.completed_date is not None), None)
    due = [{"deadline": d, "tag": due_tags.tag(d, today)} for d in selectors.child_due_dates(found)]
    referrals = [
        {"referral": r, "url": reverse("familyhelp:case", args=[r.person_id])}
        for r in selectors.linked_referrals(found)
        if r.person_id in {p.pk for p in found.people}
    ]
    person = found.people[0] if found.people else None
    _view(request, found, person, "Viewed early help", detail={"children": [p.pk for p in found.people]})
    return render(
        request,
        "familyhelp/early_help/episode.html",
        {
            "episode": found,
            "person": person,
            "people": found.people,
            "leads": leads,
            "lead": leads[0] if leads and leads[0].end_date is None else None,
            "assessments": assessments,
            "plans": plans,
            "due": due,
            "referrals": referrals,
            "actions": _actions(request, found, in_progress, latest_done, plan),
            "contact_url": reverse("frontdoor:contact", args=[found.contact_id])
            if found.contact_id and not early_help.is_partner(request.user)
            else None,
            "step_up_url": reverse("frontdoor:contact", args=[found.step_up_contact_id])
            if found.step_up_contact_id and not early_help.is_partner(request.user)
            else None,
        },
    )


@rule("early_help")
def lead(request, early_help_id):
    found = _episode(request, early_help_id)
    if _change_refused(request, found):
        return forbidden(request)
    form = LeadPractitionerForm(request.POST if request.method == "POST" else None)

    def page():
        current = selectors.current_lead(found)
        rows = [
            ("Children", _names(found.people)),
            ("Lead practitioner now", f"{current.user} ({current.agency})" if current else "None"),
        ]
        return _step_page(
            request,
            found.people[0],
            form,
            title="Change the lead practitioner",
            back=_episode_url(found),
            about=found,
            not_possible=_closed(found),
            rows=rows,
        )

    return case_step(
        request,
        form,
        act=lambda data: early_help.appoint_lead_practitioner(
            request.user, found, lead_practitioner=data["lead_practitioner"], on=data["on"]
        ),
        success=lambda made: Success(f"{made.user} is now the lead practitioner", _episode_url(found)),
        page=page,
    )


# --- The assessment -------------------------------------------------------------------------


@rule("early_help")
def assessment_start(request, early_help_id):
    found = _episode(request, early_help_id)
    if _change_refused(request, found):
        return forbidden(request)
    not_possible = _closed(found) or (
        "An early help assessment is already in progress: complete it first."
        if selectors.assessment_in_progress(found)
        else ""
    )
    form = StartAssessmentForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: early_help.start_assessment(
            request.user, found, start_date=data["start_date"], organisation=data["organisation"]
        ),
        success=lambda _: Success("Early help assessment started", _episode_url(found)),
        page=lambda: _step_page(
            request,
            found.people[0],
            form,
            title="Start the early help assessment",
            back=_episode_url(found),
            about=found,
            not_possible=not_possible,
            rows=[("Children", _names(found.people)), ("Early help started", f"{found.start_date:%-d %B %Y}")],
        ),
    )


def _assessment_rows(found):
    rows = [
        ("Organisation completing the assessment", str(found.organisation)),
        ("Started", f"{found.start_date:%-d %B %Y}"),
        ("Completed", f"{found.completed_date:%-d %B %Y}" if found.completed_date else "In progress"),
    ]
    if found.assessor:
        rows.append(("Assessed by", str(found.assessor)))
    for label, value in (
        ("Needs found", found.needs),
        ("The family's views", found.family_views),
        ("The children's views", found.child_views),
        ("Why it was late", found.late_reason),
    ):
        if value:
            rows.append((label, value))
    if found.consent_to_share is not None:
        rows.append(("The family agreed to it being shared", "Yes" if found.consent_to_share else "No"))
    return rows


@rule("early_help")
def assessment(request, eh_assessment_id):
    """The assessment; while it is in progress, the form that completes it (for those who may change it)."""
    found = _assessment(request, eh_assessment_id)
    episode_ = found.episode
    may = early_help.may_change(request.user, episode_)
    if request.method == "POST" and not may:
        return forbidden(request)
    form = None
    open_to_change = found.completed_date is None and episode_.closure_date is None and may
    if open_to_change:
        form = CompleteAssessmentForm(request.POST if request.method == "POST" else None)
    elif request.method == "POST":
        form = CompleteAssessmentForm(request.POST)
        form.is_valid()
        form.add_error(
            None,
            f"This assessment was completed on {found.completed_date:%-d %B %Y}."
            if found.completed_date
            else _closed(episode_),
        )

    def page():
        due = [d for d in selectors.child_due_dates(episode_) if d.rule_slug == early_help.ASSESSMENT_RULE]
        rows = _assessment_rows(found)
        if due and found.completed_date is None:
            rows.append(("Due by", f"{due[0].due_date:%-d %B %Y}"))
        return _step_page(
            request,
            episode_.people[0],
            form,
            title="Early help assessment",
            back=_episode_url(episode_),
            about=found,
            rows=rows,
            intro="Complete the assessment with the family." if form is not None else "",
        )

    if form is None:
        return page()
    return case_step(
        request,
        form,
        allowed=open_to_change,
        act=lambda data: early_help.complete_assessment(
            request.user,
            found,
            completed_date=data["completed_date"],
            needs=data["needs"],
            family_views=data["family_views"],
            child_views=data["child_views"],
            consent_to_share=form.consent_value(),
            late_reason=data["late_reason"],
        ),
        success=lambda _: Success("Early help assessment completed", _episode_url(episode_)),
        page=page,
    )


# --- The family plan ------------------------------------------------------------------------


@rule("early_help")
def plan_start(request, early_help_id):
    found = _episode(request, early_help_id)
    if _change_refused(request, found):
        return forbidden(request)
    not_possible = _closed(found)
    if not not_possible and selectors.open_plan(found) is not None:
        not_possible = "This family already has an open family plan: review it."
    elif not not_possible and selectors.completed_assessment(found) is None:
        not_possible = "A family plan follows the early help assessment: complete the assessment first."
    form = FamilyPlanForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: early_help.start_family_plan(
            request.user, found, start_date=data["start_date"], outcomes=form.outcomes()
        ),
        fields={"outcomes": "outcome_1"},
        success=lambda _: Success("Family plan started", _episode_url(found)),
        page=lambda: _step_page(
            request,
            found.people[0],
            form,
            title="Start a family plan",
            back=_episode_url(found),
            about=found,
            not_possible=not_possible,
            rows=[("Children", _names(found.people))],
            intro="Reviews fall due on the local schedule from the start of the plan.",
        ),
    )


@rule("early_help")
def plan_review(request, eh_plan_id):
    plan = _plan(request, eh_plan_id)
    found = plan.episode
    if _change_refused(request, found):
        return forbidden(request)
    not_possible = _closed(found) or (f"This family plan ended on {plan.end_date:%-d %B %Y}." if plan.end_date else "")
    form = ReviewFamilyPlanForm(request.POST if request.method == "POST" else None, plan=plan)

    def reviewed(review):
        ended = review.decision == "end"
        return Success("Review recorded: the plan has ended" if ended else "Review recorded", _episode_url(found))

    def page():
        due = [d for d in selectors.child_due_dates(found) if d.rule_slug == early_help.REVIEW_RULE]
        rows = [("Plan started", f"{plan.start_date:%-d %B %Y}")]
        if due:
            rows.append(("Review due by", f"{due[0].due_date:%-d %B %Y}"))
        return _step_page(
            request,
            found.people[0],
            form,
            title="Review the family plan",
            back=_episode_url(found),
            about=plan,
            not_possible=not_possible,
            rows=rows,
        )

    return case_step(
        request,
        form,
        act=lambda data: early_help.review_family_plan(
            request.user,
            plan,
            review_date=data["review_date"],
            progress=data["progress"],
            family_views=data["family_views"],
            decision=data["decision"],
            achieved=[int(pk) for pk in data.get("achieved", [])],
            late_reason=data["late_reason"],
        ),
        success=reviewed,
        page=page,
    )


# --- Closure --------------------------------------------------------------------------------


@rule("early_help")
def close(request, early_help_id):
    found = _episode(request, early_help_id)
    if _change_refused(request, found):
        return forbidden(request)
    form = CloseEarlyHelpForm(request.POST if request.method == "POST" else None)

    def ended(closed):
        message = "Early help ended"
        if closed.step_up_contact_id:
            message += f": contact {closed.step_up_contact.reference} sent to the front door"
        return Success(message, _episode_url(found))

    return case_step(
        request,
        form,
        act=lambda data: early_help.close_early_help(
            request.user,
            found,
            closure_date=data["closure_date"],
            reason=data["reason"],
            notes=data["notes"],
            concerns=data["concerns"],
        ),
        success=ended,
        page=lambda: _step_page(
            request,
            found.people[0],
            form,
            title="End early help",
            back=_episode_url(found),
            about=found,
            not_possible=_closed(found),
            rows=[("Children", _names(found.people)), ("Early help started", f"{found.start_date:%-d %B %Y}")],
            intro="Stepping up sends a contact about the children to the front door. Early help is "
            "voluntary: if the family withdraws consent, it ends.",
        ),
    )


# --- The lead practitioner's own list -----------------------------------------------------


@rule("early_help")
def mine(request):
    """The open early help this user leads, with the children and what is due next."""
    today = timezone.localdate()
    episodes = list(selectors.led_by(request.user).prefetch_related("children__person"))
    # A restricted child the lead is not named on stays out of the list (people.access).
    found_levels = levels(request.user, [row.person for e in episodes for row in e.children.all()])
    episodes = [e for e in episodes if all(found_levels[row.person_id] == Level.FULL for row in e.children.all())]
    rows = []
    for found in episodes:
        due = list(selectors.child_due_dates(found))
        rows.append(
            {
                "episode": found,
                "children": [row.person for row in found.children.all()],
                "next": due[0] if due else None,
                "tag": due_tags.tag(due[0], today) if due else None,
            }
        )
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Viewed the early help they lead",
        detail={"episodes": [e.pk for e in episodes], "people": [p.pk for row in rows for p in row["children"]]},
    )
    return render(request, "familyhelp/early_help/mine.html", {"rows": rows})
