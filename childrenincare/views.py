"""The children-in-care pages: becoming looked after, the child's care record (legal
statuses, placements, the SSDA903 episodes derived from them, approvals, due dates), changes
of legal status and placement, the end of care, approvals by a nominated officer or the
director, and the approvals waiting. The return home has its own package
(childrenincare.return_home), as have care planning and kinship care.

Views are thin: the rules are in childrenincare.services, whose
RuleBroken messages go on the form's fields (status 400). Every page about a child needs
the child's full record (people.access.person_for); one the user may not see answers the
same audited 404 as one that does not exist."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from frontdoor.models import Referral
from kernel import codelists, deadlines
from kernel.access import forbidden, rule
from people.access import Level, levels, person_for, record_or_not_visible

from . import outcomes, services, with_parent
from .forms import (
    ApprovalDecisionForm,
    ApprovalRequestForm,
    CeaseForm,
    LegalStatusForm,
    ParentAssessmentForm,
    PlacementForm,
    StartForm,
    WithParentDecisionForm,
)
from .kinship import services as kinship
from .models import Approval, PeriodOfCare, ReunificationDecision
from .pages import code_label, done, ended, form_page, may_change, period_for, period_rows, period_url, saved, viewed
from .planning import services as care_planning
from .return_home import services as return_home


def _carers_url(request, child):
    """Where to add a carer who is not listed yet (the child's relatives offered as records to
    link), coming back to this page with the new carer chosen."""
    try:
        return reverse("childrenincare:carer-new") + "?" + urlencode({"next": request.path, "child": child.pk})
    except NoReverseMatch:
        return ""


# --- Becoming looked after and the care record --------------------------------------------


@rule("case_change")
def start(request, episode_id):
    episode = record_or_not_visible(Referral, episode_id)
    episode.person = person_for(request.user, episode.person_id)
    existing = services.open_period(episode.person)
    title = "Record that the child is looked after"
    not_possible = ""
    if existing is not None:
        not_possible = f"This child has been looked after since {existing.start_date:%-d %B %Y}."
    elif episode.closure_date:
        not_possible = "This child in need episode is closed: a new referral opens a new one."
    form = StartForm(request.POST or None, initial={"carer": request.GET.get("carer")})
    if request.method == "POST" and form.is_valid():
        period = saved(
            form,
            lambda d: services.become_looked_after(
                request.user,
                episode,
                on=d["on"],
                legal_status=d["legal_status"] or "",
                placement=form.details(),
                category_of_need=d["category_of_need"] or "",
                home_postcode=d["home_postcode"],
                unaccompanied_asylum_seeker=d["unaccompanied_asylum_seeker"],
                previous_permanence=d["previous_permanence"] or "",
                previous_permanence_la=d["previous_permanence_la"],
                previous_permanence_date=d["previous_permanence_date"],
                fgdm_reasons_not_offered=d["fgdm_reasons_not_offered"],
            ),
        )
        if period is not None:
            return done(request, period, "Recorded that the child is looked after")
    pseudo = PeriodOfCare(person=episode.person, pk=existing.pk if existing else None)
    back = period_url(existing) if existing else reverse("familyhelp:case", args=[episode.person_id])
    return form_page(
        request,
        pseudo,
        title,
        form,
        not_possible=not_possible,
        about=episode,
        back=back,
        carers_url=_carers_url(request, episode.person),
    )


@rule("case_work")
def period(request, period_id):
    period = period_for(request, period_id)
    today = timezone.localdate()
    change = may_change(request.user) and period.end_date is None
    episodes = list(period.care_episodes.order_by("start_date", "id"))
    history = list(period.placements.select_related("carer").order_by("start_date", "id"))
    statuses = list(period.legal_statuses.order_by("start_date", "id"))
    approvals = list(period.approvals.select_related("decided_by", "placement").order_by("-requested_on", "-id"))
    decisions = list(period.return_decisions.order_by("-created_at"))
    due = [{"deadline": d, "tag": deadlines.tag(d, today)} for d in deadlines.open_for(period.person)]
    others = list(PeriodOfCare.objects.filter(person=period.person).exclude(pk=period.pk).order_by("-start_date"))
    monitoring = list(return_home.ReturnHomeMonitoring.objects.filter(period=period).prefetch_related("flags"))
    viewed(request, period, period.person, "Viewed the care record")
    return render(
        request,
        "childrenincare/period.html",
        {
            "period": period,
            "person": period.person,
            "rows": period_rows(period),
            "episodes": [
                {
                    "episode": e,
                    "rne": codelists.label("new-episode-reason", e.new_episode_reason),
                    "rec": codelists.label("episode-end-reason", e.end_reason) if e.end_reason else "",
                    "change": codelists.label("placement-change-reason", e.placement_change_reason),
                }
                for e in episodes
            ],
            "placements": history,
            "statuses": statuses,
            "approvals": approvals,
            "decisions": decisions,
            "due": due,
            "others": others,
            "monitoring": monitoring,
            "may_change": change,
            "may_read_changes": may_change(request.user),
            "active_decision": next((d for d in decisions if d.status in return_home.ACTIVE), None),
            "planning": care_planning.summary(period),
            "kinship": kinship.summary(period.person),
            "today": today,
            "outcome_years": _outcome_years(period),
        },
    )


def _outcome_years(period):
    """(year, label, recorded) for each collection year the period needs its OC2 outcomes."""
    recorded = set(period.year_outcomes.values_list("year", flat=True))
    return [(year, f"{year - 1} to {year}", year in recorded) for year in outcomes.years_due(period)]


@rule("case_change")
def legal_status(request, period_id):
    period = period_for(request, period_id)
    form = LegalStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        status = saved(
            form,
            lambda d: services.change_legal_status(
                request.user,
                period,
                code=d["code"] or "",
                on=d["on"],
                fgdm_reasons_not_offered=d["fgdm_reasons_not_offered"],
            ),
        )
        if status is not None:
            return done(request, period, "Changed the legal status")
    return form_page(
        request, period, "Change the legal status", form, rows=period_rows(period), not_possible=ended(period)
    )


@rule("case_change")
def placement(request, period_id):
    period = period_for(request, period_id)
    form = PlacementForm(request.POST or None, initial={"carer": request.GET.get("carer")})
    if request.method == "POST" and form.is_valid():
        found = saved(
            form,
            lambda d: services.change_placement(
                request.user, period, form.details(), on=d["on"], change_reason=d["change_reason"] or ""
            ),
        )
        if found is not None:
            return done(request, period, "Recorded the new placement")
    return form_page(
        request,
        period,
        "Record a new placement",
        form,
        rows=period_rows(period),
        not_possible=ended(period),
        carers_url=_carers_url(request, period.person),
    )


@rule("case_change")
def cease(request, period_id):
    period = period_for(request, period_id)
    form = CeaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = saved(form, lambda d: services.cease_care(request.user, period, on=d["on"], reason=d["reason"] or ""))
        if found is not None:
            return done(request, period, "Recorded that the child stopped being looked after")
    return form_page(
        request,
        period,
        "Record that the child stopped being looked after",
        form,
        rows=period_rows(period),
        not_possible=ended(period),
        intro="A planned return home is recorded through a return-home decision, which a nominated "
        "officer approves. Use this page for other reasons, or when the child went home outside "
        "the care plan (E4B).",
    )


# --- An immediate placement with a parent (regulation 19) ---------------------------------


def _immediate_not_possible(period):
    placement = services.current_placement(period)
    if period.end_date:
        return ended(period)
    if placement is None or not placement.immediate_with_parent:
        return "The child is not in an immediate placement with a parent (regulation 19)."
    return ""


@rule("case_change")
def with_parent_assessment(request, period_id):
    period = period_for(request, period_id)
    form = ParentAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = saved(
            form,
            lambda d: with_parent.record_parent_assessment(
                request.user,
                period,
                completed_on=d["completed_on"],
                findings=d["findings"],
                late_reason=d["late_reason"],
            ),
        )
        if found is not None:
            return done(request, period, "Recorded the assessment")
    return form_page(
        request,
        period,
        "Record the assessment of the placement with a parent",
        form,
        rows=period_rows(period),
        not_possible=_immediate_not_possible(period),
        intro="Regulation 19: the assessment of the parent and the household, and the review of the "
        "child's case, are completed within 10 working days of the placement.",
    )


@rule("case_change")
def with_parent_decision(request, period_id):
    period = period_for(request, period_id)
    form = WithParentDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = saved(
            form,
            lambda d: with_parent.decide_placement_with_parent(
                request.user,
                period,
                decided_on=d["decided_on"],
                confirm={"yes": True, "no": False}.get(d["confirm"]),
                reasons=d["reasons"],
                late_reason=d["late_reason"],
            ),
        )
        if found is not None:
            return done(request, period, "Recorded the decision")
    return form_page(
        request,
        period,
        "Decide the placement with a parent",
        form,
        rows=period_rows(period),
        not_possible=_immediate_not_possible(period),
        intro="Regulation 19: a nominated officer makes and approves the decision within 10 working "
        "days after the assessment. If it is not confirmed, the placement ends: record the child's "
        "next placement.",
    )


# --- Approvals ----------------------------------------------------------------------------


@rule("case_change")
def approval_request(request, period_id):
    period = period_for(request, period_id)
    immediate = request.GET.get("kind") == Approval.Kind.IMMEDIATE_WITH_PARENT
    if immediate:
        # Regulation 19: the nominated officer approves an immediate placement with a parent before it is made.
        kind = Approval.Kind.IMMEDIATE_WITH_PARENT
    else:
        kind = services.ceasing_approval_needed(period, timezone.localdate(), "E8") if period.end_date is None else None
    form = ApprovalRequestForm(request.POST or None, immediate=immediate)
    if request.method == "POST" and form.is_valid():
        found = saved(
            form, lambda d: services.request_approval(request.user, period, kind=kind or "", reasons=d["reasons"])
        )
        if found is not None:
            return done(request, period, "Asked for approval")
    if immediate:
        return form_page(
            request,
            period,
            "Ask for approval to place the child with a parent now (regulation 19)",
            form,
            rows=period_rows(period),
            not_possible=ended(period),
            intro="A child in care may be placed with a parent before the assessment is complete only "
            "where a nominated officer considers it necessary and consistent with the child's "
            "welfare, after the parent is interviewed. Record the placement once it is approved.",
        )
    not_possible = ended(period) or ("" if kind else "Ceasing to look after this child does not need an approval.")
    return form_page(
        request,
        period,
        "Ask for approval to stop looking after the child",
        form,
        rows=period_rows(period),
        not_possible=not_possible,
    )


@rule("case_work")
def approvals(request):
    found = list(services.pending_approvals(request.user))
    seen = levels(request.user, [a.period.person for a in found])
    found = [a for a in found if seen.get(a.period.person_id) == Level.FULL]
    waiting_decisions = []
    designations = set(request.user.designations.values_list("kind", flat=True))
    if designations:
        drafts = list(
            ReunificationDecision.objects.filter(status=ReunificationDecision.Status.DRAFT)
            .select_related("person")
            .order_by("proposed_date")
        )
        seen = levels(request.user, [d.person for d in drafts])
        waiting_decisions = [d for d in drafts if seen.get(d.person_id) == Level.FULL]
    viewed(request, None, None, f"Viewed approvals waiting ({len(found)})")
    return render(
        request,
        "childrenincare/approvals.html",
        {"approvals": found, "decisions": waiting_decisions, "designated": bool(designations)},
    )


@rule("case_work")
def approval(request, approval_id):
    found = record_or_not_visible(
        Approval, approval_id, "period", "placement", "decision", "requested_by", "decided_by"
    )
    found.period.person = person_for(request.user, found.period.person_id)
    form = ApprovalDecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_change(request.user):
            return forbidden(request)
        if form.is_valid():
            decided = saved(
                form,
                lambda d: services.decide_approval(request.user, found, approve=form.approved(), reasons=d["reasons"]),
            )
            if decided is not None:
                return done(
                    request, found.period, f"{found.get_kind_display()}: {decided.get_status_display().lower()}"
                )
    rows = [
        ("Approval", found.get_kind_display()),
        ("Asked for by", str(found.requested_by)),
        ("Asked for on", f"{found.requested_on:%-d %B %Y}"),
        ("Status", found.get_status_display()),
    ]
    if found.placement_id:
        rows.append(
            (
                "Placement",
                code_label("placement-type", found.placement.place) + f", from {found.placement.start_date:%-d %B %Y}",
            )
        )
    if found.reasons:
        rows.append(("Reasons", found.reasons))
    if found.decided_by_id:
        rows.append(("Decided by", f"{found.decided_by} on {found.decided_on:%-d %B %Y}"))
    not_possible = "" if found.status == Approval.Status.PENDING else "This has been decided."
    if not not_possible and not services.is_designated(
        request.user, services.approver_kind(found.kind), timezone.localdate()
    ):
        not_possible = "Only a nominated officer (or the director, where the regulations say) can decide this."
    return form_page(
        request, found.period, found.get_kind_display(), form, rows=rows, not_possible=not_possible, about=found
    )


# --- The return home ----------------------------------------------------------------------


# --- After the return ---------------------------------------------------------------------
