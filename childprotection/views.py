"""The child-protection pages: strategy discussions, section 47 enquiries, conferences, the
child protection plan with its core group, and the multi-agency child protection teams.

Views are thin: the rules are in childprotection.services, whose RuleBroken messages go on
the form's fields (answered with status 400). Every page about a child needs the child's
full record (people.access.person_for); a record about several children needs every one of
them, otherwise it answers the same audited 404 as a record that does not exist."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from casework.services import closed_message
from familyhelp.models import Visit
from frontdoor.models import Referral
from kernel import codelists
from kernel import selectors as deadline_reads
from kernel.access import RULES, forbidden, rule
from kernel.casestep import viewed
from kernel.forms import add_rule_errors
from kernel.models import Deadline
from kernel.rules import RuleBroken
from kernel.templatetags import due_dates as due_tags
from people.access import Level, RecordNotVisible, levels, person_for, record_or_not_visible
from people.services import households_and_siblings

from . import services
from .forms import (
    AssignEnquiryForm,
    ConferenceForm,
    CoreGroupMeetingForm,
    CoreGroupMemberForm,
    EndPlanForm,
    EnquiryOutcomeForm,
    StrategyDiscussionForm,
)
from .models import (
    AgencyKind,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    MACPTMember,
    MultiAgencyChildProtectionTeam,
    Section47Enquiry,
    StrategyDiscussion,
)

# --- Looking records up -------------------------------------------------------------------


def _episode(request, episode_id):
    episode = record_or_not_visible(Referral, episode_id, "person")
    episode.person = person_for(request.user, episode.person_id)
    return episode


def _all_visible(request, people, about):
    """Every child of a record about several children must be visible in full."""
    people = list(people)
    found = levels(request.user, people)
    for person in people:
        if found[person.pk] < Level.FULL:
            raise RecordNotVisible(person.pk, about, Level.FULL)


def _plan(request, plan_id):
    plan = record_or_not_visible(ChildProtectionPlan, plan_id, "person", "episode", "lead_practitioner")
    plan.person = person_for(request.user, plan.person_id)
    return plan


def _url(name, *args, query=""):
    return reverse(name, args=args) + query


def _may_change(user):
    return RULES["case_change"].allows(user)


def _candidates(request, episode):
    """The episode's child first, then the other children of the household (and recorded
    siblings) with an open episode whose records the user may see in full."""
    today = timezone.localdate()
    others = [
        p
        for pk, p in households_and_siblings([episode.person_id], today, user=request.user).items()
        if pk != episode.person_id and p.kind == "child"
    ]
    if not others:
        return [episode]
    visible = levels(request.user, others)
    ids = [p.pk for p in others if visible[p.pk] >= Level.FULL]
    latest = {}
    for other in (
        Referral.objects.filter(person_id__in=ids, closure_date__isnull=True)
        .select_related("person")
        .order_by("person_id", "-referral_date", "-id")
    ):
        latest.setdefault(other.person_id, other)
    return [episode] + sorted(latest.values(), key=lambda e: (e.person.family_name, e.person.given_names, e.pk))


def _closed_page(request, episode, title):
    return render(
        request,
        "childprotection/not_possible.html",
        {
            "title": title,
            "person": episode.person,
            "back": reverse("familyhelp:case", args=[episode.person_id]),
            "message": closed_message(episode) + ".",
        },
    )


# --- Strategy discussions -----------------------------------------------------------------


@rule("case_change")
def strategy_new(request, episode_id):
    episode = _episode(request, episode_id)
    if episode.closure_date is not None:
        return _closed_page(request, episode, "Record a strategy discussion")
    candidates = _candidates(request, episode)
    due = next((d for d in (deadline_reads.open_deadline(e, services.STRATEGY_RULE) for e in candidates) if d), None)
    form = StrategyDiscussionForm(request.POST if request.method == "POST" else None, candidates=candidates, due=due)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = services.hold_strategy_discussion(request.user, **form.service_arguments())
        except RuleBroken as error:
            add_rule_errors(form, error, form.ERROR_FIELDS)
        else:
            started = discussion.enquiries.count()
            messages.success(
                request,
                "Strategy discussion recorded"
                + (f": {started} section 47 enquir{'ies' if started != 1 else 'y'} started" if started else ""),
            )
            return redirect("childprotection:strategy", discussion_id=discussion.pk)
    viewed(request, episode, episode.person, "Viewed the strategy discussion form")
    return render(
        request,
        "childprotection/form_page.html",
        {
            "form": form,
            "person": episode.person,
            "title": "Record a strategy discussion",
            "caption": episode.person.full_name,
            "back": reverse("familyhelp:case", args=[episode.person_id]),
            "intro": "A strategy discussion is held whenever there is reasonable cause to suspect a child is suffering, "  # noqa: E501
            "or likely to suffer, significant harm (Working Together 2023). It can be about several children "
            "of a household.",
        },
        status=400 if form.errors else 200,
    )


@rule("case_work")
def strategy(request, discussion_id):
    discussion = record_or_not_visible(StrategyDiscussion, discussion_id, "chair", "recorded_by")
    children = list(discussion.children.select_related("person", "episode"))
    _all_visible(request, [c.person for c in children], f"strategy discussion {discussion.pk}")
    attendees = list(discussion.attendees.select_related("agency"))
    by_agency = []
    for kind, label in AgencyKind.choices:
        rows = [a for a in attendees if a.agency_kind == kind]
        if rows:
            by_agency.append({"label": label, "attendees": rows})
    enquiries = list(discussion.enquiries.select_related("person").order_by("id"))
    viewed(request, discussion, children[0].person if children else None, "Viewed a strategy discussion")
    return render(
        request,
        "childprotection/strategy.html",
        {
            "discussion": discussion,
            "children": children,
            "key_facts_people": [c.person for c in children],
            "by_agency": by_agency,
            "enquiries": enquiries,
            "missing": [
                AgencyKind(k).label for k in services.STRATEGY_MINIMUM if k not in {a.agency_kind for a in attendees}
            ],
        },
    )


# --- Section 47 enquiries -----------------------------------------------------------------


@rule("case_work")
def enquiry(request, enquiry_id):
    found = record_or_not_visible(
        Section47Enquiry, enquiry_id, "person", "episode", "lead_practitioner", "macpt", "strategy_discussion"
    )
    found.person = person_for(request.user, found.person_id)
    may_change = _may_change(request.user)
    assign_form = outcome_form = None
    if request.method == "POST":
        if not may_change:
            return forbidden(request)
        action = request.POST.get("action")
        try:
            if action == "assign":
                assign_form = AssignEnquiryForm(request.POST)
                if assign_form.is_valid():
                    services.assign_enquiry(request.user, found, **assign_form.cleaned_data)
                    messages.success(request, "Lead practitioner and team saved")
                    return redirect("childprotection:enquiry", enquiry_id=found.pk)
            elif action == "outcome":
                outcome_form = EnquiryOutcomeForm(request.POST)
                if outcome_form.is_valid():
                    data = outcome_form.cleaned_data
                    done = services.record_enquiry_outcome(
                        request.user,
                        found,
                        outcome=data.get("outcome", ""),
                        outcome_date=data.get("outcome_date"),
                        findings=data.get("findings", ""),
                    )
                    messages.success(request, f"Outcome recorded: {done.get_outcome_display()}")
                    return redirect("childprotection:enquiry", enquiry_id=found.pk)
            else:
                return redirect("childprotection:enquiry", enquiry_id=found.pk)
        except RuleBroken as error:
            add_rule_errors(assign_form or outcome_form, error)
    if may_change and found.episode.closure_date is None:
        if assign_form is None:
            assign_form = AssignEnquiryForm(
                initial={"lead_practitioner": found.lead_practitioner_id, "macpt": found.macpt_id}
            )
        if outcome_form is None and not found.outcome:
            outcome_form = EnquiryOutcomeForm()
    failed = next((f for f in (assign_form, outcome_form) if f is not None and f.errors), None)
    conference_url = None
    if found.outcome == Section47Enquiry.Outcome.INITIAL_CONFERENCE and not found.conferences.exists() and may_change:
        kind = "pre_birth" if found.person.is_unborn else "initial"
        conference_url = reverse("childprotection:conference-new", args=[found.episode_id]) + f"?kind={kind}"
    viewed(request, found, found.person, "Viewed a section 47 enquiry")
    return render(
        request,
        "childprotection/enquiry.html",
        {
            "enquiry": found,
            "person": found.person,
            "target": deadline_reads.open_deadline(found, services.ICPC_RULE),
            "macpt_gaps": [AgencyKind(k).label for k in services.macpt_gaps(found.macpt)] if found.macpt else [],
            "conferences": list(found.conferences.select_related("conference")),
            "assign_form": assign_form,
            "outcome_form": outcome_form,
            "form": failed,
            "conference_url": conference_url,
            "case_url": _url("familyhelp:case", found.person_id),
        },
        status=400 if failed else 200,
    )


# --- Conferences --------------------------------------------------------------------------


@rule("case_change")
def conference_new(request, episode_id):
    episode = _episode(request, episode_id)
    kind = request.GET.get("kind") or ("review" if services.open_plan(episode) else "initial")
    if kind not in Conference.Kind.values:
        kind = "review" if services.open_plan(episode) else "initial"
    label = Conference.Kind(kind).label
    title = f"Record {'an' if label[0] in 'AEIOU' else 'a'} {label[0].lower()}{label[1:]}"
    if episode.closure_date is not None:
        return _closed_page(request, episode, title)
    candidates = _candidates(request, episode)
    form = ConferenceForm(request.POST if request.method == "POST" else None, kind=kind, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.hold_conference(request.user, **form.service_arguments())
        except RuleBroken as error:
            add_rule_errors(form, error, form.ERROR_FIELDS)
        else:
            messages.success(request, f"{conference.get_kind_display()} recorded")
            return redirect("childprotection:conference", conference_id=conference.pk)
    warning = ""
    if kind in {"initial", "pre_birth"} and services.enquiry_awaiting_conference(episode) is None:
        warning = (
            f"{episode.person.full_name} has no section 47 enquiry whose outcome is a conference: an initial "
            "child protection conference follows a section 47 enquiry (Working Together 2023)."
        )
    elif kind == "review" and services.open_plan(episode) is None:
        warning = (
            f"{episode.person.full_name} is not on a child protection plan: a review conference is for a child on one."
        )
    elif kind in {"initial", "pre_birth", "transfer_in"} and services.open_plan(episode) is not None:
        warning = f"{episode.person.full_name} is already on a child protection plan: hold a review conference."
    base = reverse("childprotection:conference-new", args=[episode.pk])
    viewed(request, episode, episode.person, "Viewed the conference form")
    return render(
        request,
        "childprotection/form_page.html",
        {
            "form": form,
            "person": episode.person,
            "title": title,
            "caption": episode.person.full_name,
            "back": reverse("familyhelp:case", args=[episode.person_id]),
            "warning": warning,
            "kinds": [
                {"label": label, "url": f"{base}?kind={value}", "current": value == kind}
                for value, label in Conference.Kind.choices
            ],
        },
        status=400 if form.errors else 200,
    )


@rule("case_work")
def conference(request, conference_id):
    found = record_or_not_visible(Conference, conference_id, "chair", "recorded_by")
    children = list(found.children.select_related("person", "plan", "enquiry"))
    _all_visible(request, [c.person for c in children], f"conference {found.pk}")
    for child in children:
        child.category_label = codelists.label("category-of-abuse", child.category)
    viewed(request, found, children[0].person if children else None, "Viewed a conference")
    return render(
        request,
        "childprotection/conference.html",
        {
            "conference": found,
            "children": children,
            "key_facts_people": [c.person for c in children],
            "participants": list(found.participants.all()),
        },
    )


# --- Plans --------------------------------------------------------------------------------


@rule("case_work")
def plan(request, plan_id):
    found = _plan(request, plan_id)
    today = timezone.localdate()
    plan_type = ContentType.objects.get_for_model(ChildProtectionPlan)
    due = [
        {"deadline": deadline, "tag": due_tags.tag(deadline, today)}
        for deadline in Deadline.objects.filter(
            subject_type=plan_type, subject_id=found.pk, status=Deadline.Status.OPEN
        ).order_by("due_date", "id")
    ]
    members = list(found.core_group.select_related("user", "agency"))
    meetings = list(found.core_group_meetings.prefetch_related("attended").select_related("recorded_by"))
    conferences = list(
        ConferenceChild.objects.filter(plan=found)
        .select_related("conference")
        .order_by("conference__held_on", "conference_id")
    )
    visits = list(
        Visit.objects.filter(
            episode=found.episode, kind=Visit.Kind.CHILD_PROTECTION, visit_date__gte=found.start_date
        ).select_related("visited_by")
    )
    may_change = _may_change(request.user) and found.is_open
    actions = []
    if may_change:
        actions = [
            ("Add a core group member", reverse("childprotection:core-group-add", args=[found.pk])),
            ("Record a core group meeting", reverse("childprotection:core-group-meeting", args=[found.pk])),
            (
                "Record a review conference",
                reverse("childprotection:conference-new", args=[found.episode_id]) + "?kind=review",
            ),
        ]
        visit_url = _url("familyhelp:visit", found.episode_id, query="?kind=child_protection")
        if visit_url:
            actions.append(("Record a child protection visit", visit_url))
        actions.append(("End the plan for another reason", reverse("childprotection:plan-end", args=[found.pk])))
    viewed(request, found, found.person, "Viewed a child protection plan")
    return render(
        request,
        "childprotection/plan.html",
        {
            "plan": found,
            "person": found.person,
            "initial_category": codelists.label("category-of-abuse", found.initial_category),
            "latest_category": codelists.label("category-of-abuse", found.latest_category),
            "members": [m for m in members if m.end_date is None],
            "past_members": [m for m in members if m.end_date is not None],
            "meetings": meetings,
            "conferences": conferences,
            "visits": visits,
            "due": due,
            "actions": actions,
            "case_url": _url("familyhelp:case", found.person_id),
        },
    )


def _plan_form_page(request, found, form, title, template="childprotection/form_page.html", **extra):
    viewed(request, found, found.person, f"Viewed the page: {title.lower()}")
    return render(
        request,
        template,
        {
            "form": form,
            "person": found.person,
            "title": title,
            "caption": found.person.full_name,
            "back": reverse("childprotection:plan", args=[found.pk]),
            **extra,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _ended(request, found, title):
    return render(
        request,
        "childprotection/not_possible.html",
        {
            "title": title,
            "person": found.person,
            "back": reverse("childprotection:plan", args=[found.pk]),
            "message": f"This child protection plan ended on {found.end_date:%-d %B %Y}"
            f"{' (' + found.get_end_reason_display().lower() + ')' if found.end_reason else ''}.",
        },
    )


@rule("case_change")
def core_group_add(request, plan_id):
    found = _plan(request, plan_id)
    title = "Add a core group member"
    if request.method != "POST" and not found.is_open:
        return _ended(request, found, title)
    form = CoreGroupMemberForm(
        request.POST if request.method == "POST" else None, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_core_group_member(request.user, found, **form.service_arguments())
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, f"{member.name} added to the core group")
            return redirect("childprotection:plan", plan_id=found.pk)
    return _plan_form_page(request, found, form, title)


@rule("case_change")
def core_group_meeting(request, plan_id):
    found = _plan(request, plan_id)
    title = "Record a core group meeting"
    if request.method != "POST" and not found.is_open:
        return _ended(request, found, title)
    members = list(found.core_group.filter(end_date__isnull=True))
    due = deadline_reads.open_deadline(found, services.FIRST_CORE_GROUP_RULE) or deadline_reads.open_deadline(
        found, services.CORE_GROUP_RULE
    )
    form = CoreGroupMeetingForm(request.POST if request.method == "POST" else None, members=members, due=due)
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_core_group_meeting(request.user, found, **form.service_arguments())
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, "Core group meeting recorded")
            return redirect("childprotection:plan", plan_id=found.pk)
    return _plan_form_page(request, found, form, title, no_members=not members)


@rule("case_change")
def plan_end(request, plan_id):
    found = _plan(request, plan_id)
    title = "End the child protection plan"
    if request.method != "POST" and not found.is_open:
        return _ended(request, found, title)
    form = EndPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_plan(request.user, found, **form.service_arguments())
        except RuleBroken as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, "The child protection plan has ended")
            return redirect("childprotection:plan", plan_id=found.pk)
    return _plan_form_page(
        request,
        found,
        form,
        title,
        intro="A child protection plan ends when a review conference decides it is no longer needed. Outside a "
        "conference it ends only when the child moves permanently to another local authority, reaches 18, "
        "dies or leaves the UK permanently.",
        review_url=reverse("childprotection:conference-new", args=[found.episode_id]) + "?kind=review",
    )


# --- Multi-agency child protection teams --------------------------------------------------


@rule("case_work")
def macpts(request):
    today = timezone.localdate()
    current = (
        MACPTMember.objects.filter(start_date__lte=today).exclude(end_date__lt=today).select_related("user__agency")
    )
    teams = list(
        MultiAgencyChildProtectionTeam.objects.prefetch_related(
            Prefetch("members", queryset=current, to_attr="current_members")
        ).order_by("-active", "name")
    )
    rows = []
    for team in teams:
        groups = []
        for kind, label in AgencyKind.choices:
            people = [m.user for m in team.current_members if m.agency_kind == kind]
            if people:
                groups.append({"label": label, "people": people})
        gaps = [AgencyKind(k).label.lower() for k in services.macpt_gaps(team, today)]
        rows.append({"team": team, "groups": groups, "gaps": gaps})
    audit.record(request.user, AuditEvent.Action.VIEW, summary="Viewed the multi-agency child protection teams")
    return render(request, "childprotection/macpts.html", {"rows": rows})
