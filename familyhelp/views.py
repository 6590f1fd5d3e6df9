"""The Family Help pages: the child's social care case, allocation, the child and family
assessment and its authorisation, child in need plans with their reviews, visits, and the
closure of the episode.

Views are thin: the rules are in familyhelp.services, whose RuleBroken messages go on the
form's fields (answered with status 400). Every page about a child needs the child's full
record (people.access.person_for): a record the user may not see answers the same audited
404 as one that does not exist. A form page for a step that cannot be taken now says why,
instead of showing the form; a POST always goes to the service, which has the last word."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from casework.services import closed_message, current_allocation
from exploitation.views import case_summary as missing_summary
from frontdoor.models import Referral
from kernel import codelists
from kernel import selectors as deadline_reads
from kernel.access import RULES, forbidden, rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.models import Deadline
from kernel.templatetags import due_dates as due_tags
from people.access import person_for, record_or_not_visible

from . import selectors, services
from .forms import (
    AllocateForm,
    AuthoriseAssessmentForm,
    CloseEpisodeForm,
    CompleteAssessmentForm,
    EndCinPlanForm,
    ReviewCinPlanForm,
    StartAssessmentForm,
    StartCinPlanForm,
    VisitForm,
)
from .models import Assessment, ChildInNeedPlan, Visit

FORM_PAGE = "familyhelp/form_page.html"
LATEST_VISITS = 10
WAITING_PAGE_SIZE = 50


# --- Looking records up -------------------------------------------------------------------


def _episode(request, episode_id):
    episode = record_or_not_visible(Referral, episode_id)
    episode.person = person_for(request.user, episode.person_id)
    return episode


def _assessment(request, assessment_id):
    found = record_or_not_visible(Assessment, assessment_id, "episode", "worker", "authorised_by")
    found.person = found.episode.person = person_for(request.user, found.person_id)
    return found


def _cin_plan(request, cin_plan_id):
    found = record_or_not_visible(ChildInNeedPlan, cin_plan_id, "episode", "created_by")
    found.person = found.episode.person = person_for(request.user, found.person_id)
    return found


def _url(name, *args, query=""):
    return reverse(name, args=args) + query


def _may_change(user):
    return RULES["case_change"].allows(user)


def _due_rows(found, today):
    return [{"deadline": deadline, "tag": due_tags.tag(deadline, today)} for deadline in found]


def _case_url(person):
    return reverse("familyhelp:case", args=[person.pk])


def _closed_message(episode):
    return closed_message(episode) + "."


def _step_page(request, person, form, *, title, about=None, **options):
    """A case-step page about the child, back to the case (kernel.casestep.step_page)."""
    page = StepPage(title=title, person=person, about=about, back=_case_url(person), template=FORM_PAGE, **options)
    return step_page(request, page, form)


# --- The case page ------------------------------------------------------------------------


def _factor_labels(assessment):
    return [codelists.label("assessment-factor", factor.code) for factor in assessment.factors.all()]


def _episode_section(request, episode, may_change):
    is_open = episode.closure_date is None
    allocation = current_allocation(episode) if is_open else None
    assessments = selectors.assessments_of(episode)
    for found in assessments:
        found.factor_labels = _factor_labels(found)
    cin_plans = selectors.cin_plans_of(episode)
    visits = selectors.latest_visits(episode, LATEST_VISITS)
    discussions = [
        {
            "record": link.discussion,
            "decision": link.get_decision_display(),
            "url": _url("childprotection:strategy", link.discussion_id),
        }
        for link in selectors.strategy_discussions_of(episode)
    ]
    enquiries = [
        {"record": enquiry, "url": _url("childprotection:enquiry", enquiry.pk)}
        for enquiry in selectors.enquiries_of(episode)
    ]
    conferences = [
        {
            "record": link.conference,
            "decision": link.get_decision_display(),
            "url": _url("childprotection:conference", link.conference_id),
        }
        for link in selectors.conferences_of(episode)
    ]
    cp_plans = [
        {
            "record": plan,
            "category": codelists.label("category-of-abuse", plan.latest_category),
            "url": _url("childprotection:plan", plan.pk),
        }
        for plan in selectors.cp_plans_of(episode)
    ]
    actions = _actions(request, episode, assessments, cin_plans, cp_plans) if may_change and is_open else []
    return {
        "episode": episode,
        "is_open": is_open,
        "source": codelists.label("referral-source", episode.source),
        "primary_need": codelists.label("primary-need", episode.primary_need),
        "closure_reason": codelists.label("cin-closure-reason", episode.closure_reason),
        "allocation": allocation,
        "assessments": assessments,
        "cin_plans": cin_plans,
        "visits": visits,
        "discussions": discussions,
        "enquiries": enquiries,
        "conferences": conferences,
        "cp_plans": cp_plans,
        "actions": actions,
    }


def _actions(request, episode, assessments, cin_plans, cp_plans):
    """The next steps this user may take on an open episode, as links."""
    actions = []

    def add(text, url, primary=False):
        if url:
            actions.append({"text": text, "url": url, "primary": primary})

    allocation = current_allocation(episode)
    add(
        "Change the allocation" if allocation else "Allocate",
        reverse("familyhelp:allocate", args=[episode.pk]),
        primary=allocation is None,
    )
    unfinished = [a for a in assessments if a.status != Assessment.Status.AUTHORISED]
    if not unfinished:
        add("Start an assessment", reverse("familyhelp:assessment-start", args=[episode.pk]))
    for found in unfinished:
        if found.status == Assessment.Status.IN_PROGRESS:
            add("Complete the assessment", reverse("familyhelp:assessment", args=[found.pk]), primary=True)
        elif request.user.role in services.AUTHORISERS:
            add("Authorise the assessment", reverse("familyhelp:assessment-authorise", args=[found.pk]), primary=True)
    open_cin = next((plan for plan in cin_plans if plan.end_date is None), None)
    open_cp = any(row["record"].end_date is None for row in cp_plans)
    if open_cin is not None:
        add("Review the child in need plan", reverse("familyhelp:cin-review", args=[open_cin.pk]))
        add("End the child in need plan", reverse("familyhelp:cin-plan-end", args=[open_cin.pk]))
    elif not open_cp and selectors.plan_basis(episode) is not None:
        add("Start a child in need plan", reverse("familyhelp:cin-plan-start", args=[episode.pk]))
    add("Record a visit", reverse("familyhelp:visit", args=[episode.pk]))
    add("Start a strategy discussion", _url("childprotection:strategy-new", episode.pk))
    in_care = selectors.open_period_of_care(episode)
    if in_care is not None:
        add("Care record", reverse("childrenincare:period", args=[in_care.pk]), primary=True)
    else:
        add("Record that the child is looked after", reverse("childrenincare:start", args=[episode.pk]))
    add("Close the episode", reverse("familyhelp:close", args=[episode.pk]))
    return sorted(actions, key=lambda action: not action["primary"])  # the main next step first


@rule("case_change")
def waiting_for_allocation(request):
    """The referrals the user's team holds that no team or worker has been allocated yet,
    oldest first, with each one's assessment due date, for the manager who allocates them."""
    waiting = selectors.waiting_for_allocation(request.user)
    page = Paginator(waiting, WAITING_PAGE_SIZE).get_page(request.GET.get("page"))
    episodes = list(page.object_list)
    due = selectors.open_assessment_dues(episodes, services.ASSESSMENT_RULE)
    today = timezone.localdate()
    rows = [
        {
            "episode": episode,
            "due": due.get(episode.pk),
            "tag": due_tags.tag(due[episode.pk], today) if episode.pk in due else None,
            "need": codelists.label("primary-need", episode.primary_need),
        }
        for episode in episodes
    ]
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Viewed the referrals waiting for allocation",
        detail={"page": page.number, "people": [episode.person_id for episode in episodes]},
    )
    return render(
        request, "familyhelp/waiting.html", {"rows": rows, "page": page, "may_allocate": _may_change(request.user)}
    )


@rule("case_work")
def case(request, person_id):
    person = person_for(request.user, person_id)
    today = timezone.localdate()
    may_change = _may_change(request.user)
    episodes = selectors.episodes_of(person)
    for episode in episodes:
        episode.person = person
    sections = [_episode_section(request, episode, may_change) for episode in episodes]
    due = _due_rows(deadline_reads.open_for(person).select_related("team", "worker"), today)
    done_late = selectors.met_late(person)
    viewed(request, person, person, "Viewed the social care case")
    return render(
        request,
        "familyhelp/case.html",
        {
            "person": person,
            "sections": sections,
            "due": due,
            "done_late": done_late,
            "may_change": may_change,
            "today": today,
            "missing": missing_summary(person),
            "periods_of_care": selectors.periods_of_care(person),
        },
    )


# --- Allocation ---------------------------------------------------------------------------


@rule("case_change")
def allocate(request, episode_id):
    episode = _episode(request, episode_id)
    current = current_allocation(episode)
    if request.method == "POST":
        form = AllocateForm(request.POST)
    else:
        form = AllocateForm(initial={"team": current.team_id, "worker": current.worker_id} if current else None)

    def allocated(allocation):
        who = f" ({allocation.worker})" if allocation.worker else ""
        return Success(f"Allocated to {allocation.team}{who}", _case_url(episode.person))

    def page():
        rows = [("Referral date", f"{episode.referral_date:%-d %B %Y}")]
        if current is not None:
            rows.append(("Allocated now to", f"{current.team}" + (f" ({current.worker})" if current.worker else "")))
        not_possible = _closed_message(episode) if episode.closure_date else ""
        return _step_page(
            request, episode.person, form, title="Allocate the case", not_possible=not_possible, rows=rows
        )

    return case_step(
        request,
        form,
        act=lambda data: services.allocate(
            request.user,
            episode,
            team=data["team"],
            worker=data["worker"],
            on=data["on"],
            change_reason=data["change_reason"],
        ),
        success=allocated,
        page=page,
    )


# --- The child and family assessment ------------------------------------------------------


@rule("case_change")
def assessment_start(request, episode_id):
    episode = _episode(request, episode_id)
    not_possible = ""
    if episode.closure_date:
        not_possible = _closed_message(episode)
    elif episode.assessments.exclude(status=Assessment.Status.AUTHORISED).exists():
        not_possible = "An assessment is already in progress for this episode: complete and authorise it first."
    form = StartAssessmentForm(request.POST) if request.method == "POST" else StartAssessmentForm()
    return case_step(
        request,
        form,
        act=lambda data: services.start_assessment(request.user, episode, start_date=data["start_date"]),
        success=lambda _: Success("Assessment started", _case_url(episode.person)),
        page=lambda: _step_page(
            request,
            episode.person,
            form,
            title="Start a child and family assessment",
            not_possible=not_possible,
            rows=[("Referral date", f"{episode.referral_date:%-d %B %Y}")],
            intro="The assessment is due 45 working days from the referral.",
        ),
    )


def _assessment_rows(found):
    rows = [("Status", found.get_status_display()), ("Started", f"{found.start_date:%-d %B %Y}")]
    if found.worker:
        rows.append(("Social worker", str(found.worker)))
    labels = _factor_labels(found)
    if labels:
        rows.append(("Factors identified", "\n".join(labels)))
    if found.outcome:
        rows.append(("Outcome", found.get_outcome_display()))
    if found.summary:
        rows.append(("Analysis", found.summary))
    if found.next_steps:
        rows.append(("Next steps", found.next_steps))
    if found.completed_date:
        rows.append(("Completed", f"{found.completed_date:%-d %B %Y}"))
    if found.internal_review_date:
        rows.append(("Internal review", f"{found.internal_review_date:%-d %B %Y}"))
    if found.authorised_date:
        rows.append(
            (
                "Authorised",
                f"{found.authorised_date:%-d %B %Y}" + (f" by {found.authorised_by}" if found.authorised_by else ""),
            )
        )
    if found.late_reason:
        rows.append(("Why it was late", found.late_reason))
    return rows


@rule("case_work")
def assessment(request, assessment_id):
    """The assessment; while it is in progress, the worker's completion form (changing it
    needs the case_change rule, reading it only case_work)."""
    found = _assessment(request, assessment_id)
    may_change = _may_change(request.user)
    if request.method == "POST" and not may_change:
        return forbidden(request)
    form = None
    if request.method == "POST":
        form = CompleteAssessmentForm(request.POST)
    elif may_change and found.status == Assessment.Status.IN_PROGRESS:
        form = CompleteAssessmentForm()

    def page():
        due = deadline_reads.open_deadline(found.episode, services.ASSESSMENT_RULE)
        authorise_url = None
        if may_change and found.status == Assessment.Status.SUBMITTED and request.user.role in services.AUTHORISERS:
            authorise_url = reverse("familyhelp:assessment-authorise", args=[found.pk])
        viewed(request, found, found.person, "Viewed a child and family assessment")
        return render(
            request,
            "familyhelp/assessment.html",
            {
                "assessment": found,
                "person": found.person,
                "rows": _assessment_rows(found),
                "form": form,
                "factors": form.factor_rows() if form is not None else None,
                "due": due,
                "due_tag": due_tags.tag(due, timezone.localdate()) if due else None,
                "authorise_url": authorise_url,
                "back": _case_url(found.person),
            },
            status=400 if form is not None and form.errors else 200,
        )

    if form is None:
        return page()
    return case_step(
        request,
        form,
        act=lambda data: services.complete_assessment(
            request.user,
            found,
            factors=data["factors"],
            outcome=data["outcome"],
            summary=data["summary"],
            next_steps=data["next_steps"],
            completed_date=data["completed_date"],
            internal_review_date=data["internal_review_date"],
        ),
        success=lambda _: Success(
            "Assessment completed and sent for a manager's authorisation", _case_url(found.person)
        ),
        page=page,
    )


@rule("case_change")
def assessment_authorise(request, assessment_id):
    found = _assessment(request, assessment_id)
    not_possible = ""
    if found.status == Assessment.Status.IN_PROGRESS:
        not_possible = "This assessment is still in progress: the social worker completes it before it is authorised."
    elif found.status == Assessment.Status.AUTHORISED:
        not_possible = f"This assessment was authorised on {found.authorised_date:%-d %B %Y}."
    elif request.user.role not in services.AUTHORISERS:
        not_possible = "Only a team manager or head of service can authorise an assessment."
    due = deadline_reads.open_deadline(found.episode, services.ASSESSMENT_RULE)
    late = due is not None and due.due_date < timezone.localdate()
    form = AuthoriseAssessmentForm(request.POST if request.method == "POST" else None, late=late)

    def page():
        rows = _assessment_rows(found)
        if due is not None:
            rows.append(("Due by", f"{due.due_date:%-d %B %Y}"))
        warning = ""
        if late and not not_possible:
            warning = f"The assessment was due by {due.due_date:%-d %B %Y}: give the reason it is late."
        return _step_page(
            request,
            found.person,
            form,
            title="Authorise the assessment",
            not_possible=not_possible,
            rows=rows,
            about=found,
            warning=warning,
        )

    return case_step(
        request,
        form,
        act=lambda data: services.authorise_assessment(
            request.user, found, authorised_date=data["authorised_date"], late_reason=data.get("late_reason", "")
        ),
        success=lambda _: Success("Assessment authorised", _case_url(found.person)),
        page=page,
    )


# --- Child in need plans ------------------------------------------------------------------


def _cin_plan_not_possible(episode):
    if episode.closure_date:
        return _closed_message(episode)
    if selectors.is_open_plan(ChildInNeedPlan, episode):
        return "This child already has an open child in need plan."
    if selectors.on_child_protection_plan(episode):
        return "This child is on a child protection plan: a child in need plan follows its end."
    if selectors.plan_basis(episode) is None:
        return (
            "A child in need plan follows an authorised child and family assessment, or a child protection "
            "conference: authorise the assessment first."
        )
    return ""


@rule("case_change")
def cin_plan_start(request, episode_id):
    episode = _episode(request, episode_id)
    form = StartCinPlanForm(request.POST) if request.method == "POST" else StartCinPlanForm()
    return case_step(
        request,
        form,
        act=lambda data: services.start_cin_plan(
            request.user, episode, start_date=data["start_date"], services=data["services"], outcomes=form.outcomes()
        ),
        fields={"outcomes": "outcome_1"},
        success=lambda _: Success("Child in need plan started", _case_url(episode.person)),
        page=lambda: _step_page(
            request,
            episode.person,
            form,
            title="Start a child in need plan",
            not_possible=_cin_plan_not_possible(episode),
        ),
    )


@rule("case_work")
def cin_plan(request, cin_plan_id):
    """The plan, its outcomes, reviews, visits and due dates; ended plans too."""
    plan = _cin_plan(request, cin_plan_id)
    today = timezone.localdate()
    outcomes = list(plan.outcomes.order_by("id"))
    reviews = list(plan.reviews.select_related("recorded_by"))
    plan_deadlines = selectors.plan_deadlines(plan)
    is_open = plan.end_date is None and plan.episode.closure_date is None
    may_change = _may_change(request.user) and is_open
    viewed(request, plan, plan.person, "Viewed a child in need plan")
    return render(
        request,
        "familyhelp/cin_plan.html",
        {
            "plan": plan,
            "person": plan.person,
            "outcomes": outcomes,
            "reviews": reviews,
            "visits": selectors.plan_visits(plan, LATEST_VISITS),
            "open_due": _due_rows([d for d in plan_deadlines if d.status == Deadline.Status.OPEN], today),
            "other_due": [d for d in plan_deadlines if d.status != Deadline.Status.OPEN],
            "may_change": may_change,
            "back": _case_url(plan.person),
            "review_url": reverse("familyhelp:cin-review", args=[plan.pk]) if may_change else None,
            "end_url": reverse("familyhelp:cin-plan-end", args=[plan.pk]) if may_change else None,
            "visit_url": reverse("familyhelp:visit", args=[plan.episode_id]) + "?kind=child_in_need"
            if may_change
            else None,
        },
    )


def _plan_ended_message(plan):
    return f"This child in need plan ended on {plan.end_date:%-d %B %Y}." if plan.end_date else ""


@rule("case_change")
def cin_review(request, cin_plan_id):
    plan = _cin_plan(request, cin_plan_id)
    form = ReviewCinPlanForm(request.POST, plan=plan) if request.method == "POST" else ReviewCinPlanForm(plan=plan)

    def reviewed(review):
        ended = review.decision == "end"
        return Success("Review recorded: the plan has ended" if ended else "Review recorded", _case_url(plan.person))

    def page():
        due = deadline_reads.open_deadline(plan, services.CIN_REVIEW_RULE)
        rows = [("Plan started", f"{plan.start_date:%-d %B %Y}")]
        if due is not None:
            rows.append(("Review due by", f"{due.due_date:%-d %B %Y}"))
        return _step_page(
            request,
            plan.person,
            form,
            title="Review the child in need plan",
            not_possible=_plan_ended_message(plan),
            rows=rows,
        )

    return case_step(
        request,
        form,
        act=lambda data: services.review_cin_plan(
            request.user,
            plan,
            review_date=data["review_date"],
            progress=data["progress"],
            decision=data["decision"],
            achieved=[int(pk) for pk in data.get("achieved", [])],
            late_reason=data["late_reason"],
        ),
        success=reviewed,
        page=page,
    )


@rule("case_change")
def cin_plan_end(request, cin_plan_id):
    plan = _cin_plan(request, cin_plan_id)
    form = EndCinPlanForm(request.POST) if request.method == "POST" else EndCinPlanForm()
    return case_step(
        request,
        form,
        act=lambda data: services.end_cin_plan(request.user, plan, end_date=data["end_date"], reason=data["reason"]),
        success=lambda _: Success("Child in need plan ended", _case_url(plan.person)),
        page=lambda: _step_page(
            request,
            plan.person,
            form,
            title="End the child in need plan",
            not_possible=_plan_ended_message(plan),
            rows=[("Plan started", f"{plan.start_date:%-d %B %Y}")],
        ),
    )


# --- Visits -------------------------------------------------------------------------------


@rule("case_change")
def visit(request, episode_id):
    episode = _episode(request, episode_id)
    if request.method == "POST":
        form = VisitForm(request.POST)
    else:
        kind = request.GET.get("kind", "")
        form = VisitForm(initial={"kind": kind} if kind in Visit.Kind.values else None)

    def page():
        due = [
            d
            for d in deadline_reads.open_for(episode.person).filter(episode=episode)
            if d.rule_slug in {services.CIN_VISIT_RULE, services.CP_VISIT_RULE}
        ]
        return _step_page(
            request,
            episode.person,
            form,
            title="Record a visit",
            not_possible=_closed_message(episode) if episode.closure_date else "",
            rows=[(d.rule_name, f"Due by {d.due_date:%-d %B %Y}") for d in due],
        )

    return case_step(
        request,
        form,
        act=lambda data: services.record_visit(
            request.user,
            episode,
            kind=data["kind"],
            visit_date=data["visit_date"],
            seen=form.seen_value(),
            seen_alone=data["seen_alone"],
            bedroom_seen=data["bedroom_seen"],
            notes=data["notes"],
            late_reason=data["late_reason"],
        ),
        success=lambda found: Success(f"{found.get_kind_display()} recorded", _case_url(episode.person)),
        page=page,
    )


# --- Closure ------------------------------------------------------------------------------


@rule("case_change")
def close(request, episode_id):
    episode = _episode(request, episode_id)
    form = CloseEpisodeForm(request.POST) if request.method == "POST" else CloseEpisodeForm()
    return case_step(
        request,
        form,
        act=lambda data: services.close_episode(
            request.user, episode, closure_date=data["closure_date"], reason=data["reason"]
        ),
        success=lambda _: Success("Child in need episode closed", _case_url(episode.person)),
        page=lambda: _step_page(
            request,
            episode.person,
            form,
            title="Close the child in need episode",
            not_possible=_closed_message(episode) if episode.closure_date else "",
            rows=[("Referral date", f"{episode.referral_date:%-d %B %Y}")],
            intro="Plans end, and assessments and section 47 enquiries finish, before an episode closes.",
        ),
    )
