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
from django.utils.html import format_html

from frontdoor.models import Referral
from kernel.access import forbidden, rule
from kernel.casestep import case_step, step_page, viewed
from people.access import person_for, record_or_not_visible

from . import selectors, services
from .forms import (
    ApprovalDecisionForm,
    ApprovalRequestForm,
    CeaseForm,
    LegalStatusForm,
    PlacementForm,
    StartForm,
)
from .kinship import services as kinship
from .models import Approval, PeriodOfCare
from .pages import care_page, code_label, ended, may_change, period_for, period_rows, period_url, to_period
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
    existing = selectors.open_period(episode.person)
    not_possible = ""
    if existing is not None:
        not_possible = f"This child has been looked after since {existing.start_date:%-d %B %Y}."
    elif episode.closure_date:
        not_possible = "This child in need episode is closed: a new referral opens a new one."
    form = StartForm(request.POST or None, initial={"carer": request.GET.get("carer")})
    pseudo = PeriodOfCare(person=episode.person, pk=existing.pk if existing else None)
    back = period_url(existing) if existing else reverse("familyhelp:case", args=[episode.person_id])
    page = care_page(
        pseudo,
        "Record that the child is looked after",
        not_possible=not_possible,
        about=episode,
        back=back,
        carers_url=_carers_url(request, episode.person),
    )
    return case_step(
        request,
        form,
        act=lambda d: services.become_looked_after(
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
        success=lambda period: to_period(period, "Recorded that the child is looked after"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_work")
def period(request, period_id):
    period = period_for(request, period_id)
    today = timezone.localdate()
    decisions = selectors.return_decisions(period)
    viewed(request, period, period.person, "Viewed the care record")
    return render(
        request,
        "childrenincare/period.html",
        {
            "period": period,
            "person": period.person,
            "rows": period_rows(period),
            "episodes": selectors.care_episodes(period),
            "placements": selectors.placements(period),
            "statuses": selectors.legal_statuses(period),
            "approvals": selectors.approvals(period),
            "decisions": decisions,
            "due": selectors.due_dates(period.person, today),
            "others": selectors.other_periods(period),
            "monitoring": selectors.monitoring(period),
            "may_change": may_change(request.user) and period.end_date is None,
            "may_read_changes": may_change(request.user),
            "active_decision": next((d for d in decisions if d.status in return_home.ACTIVE), None),
            "planning": care_planning.summary(period),
            "kinship": kinship.summary(period.person),
            "today": today,
            "outcome_years": selectors.outcome_years(period),
        },
    )


@rule("case_change")
def legal_status(request, period_id):
    period = period_for(request, period_id)
    form = LegalStatusForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda d: services.change_legal_status(
            request.user,
            period,
            code=d["code"] or "",
            on=d["on"],
            fgdm_reasons_not_offered=d["fgdm_reasons_not_offered"],
        ),
        success=lambda _: to_period(period, "Changed the legal status"),
        page=lambda: step_page(
            request,
            care_page(period, "Change the legal status", rows=period_rows(period), not_possible=ended(period)),
            form,
        ),
    )


@rule("case_change")
def placement(request, period_id):
    period = period_for(request, period_id)
    form = PlacementForm(request.POST or None, initial={"carer": request.GET.get("carer")})
    page = care_page(
        period,
        "Record a new placement",
        rows=period_rows(period),
        not_possible=ended(period),
        carers_url=_carers_url(request, period.person),
    )
    return case_step(
        request,
        form,
        act=lambda d: services.change_placement(
            request.user, period, form.details(), on=d["on"], change_reason=d["change_reason"] or ""
        ),
        success=lambda _: to_period(period, "Recorded the new placement"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def cease(request, period_id):
    period = period_for(request, period_id)
    form = CeaseForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda d: services.cease_care(request.user, period, on=d["on"], reason=d["reason"] or ""),
        success=lambda _: to_period(period, "Recorded that the child stopped being looked after"),
        page=lambda: step_page(
            request,
            care_page(
                period,
                "Record that the child stopped being looked after",
                rows=period_rows(period),
                not_possible=ended(period),
                intro="A planned return home is recorded through a return-home decision, which a nominated "
                "officer approves. Use this page for other reasons, or when the child went home outside "
                "the care plan (E4B).",
            ),
            form,
        ),
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

    def page():
        if immediate:
            return care_page(
                period,
                "Ask for approval to place the child with a parent now (regulation 19)",
                rows=period_rows(period),
                not_possible=ended(period),
                intro="A child in care may be placed with a parent before the assessment is complete only "
                "where a nominated officer considers it necessary and consistent with the child's "
                "welfare, after the parent is interviewed. Record the placement once it is approved.",
            )
        not_possible = ended(period) or ("" if kind else "Ceasing to look after this child does not need an approval.")
        return care_page(
            period,
            "Ask for approval to stop looking after the child",
            rows=period_rows(period),
            not_possible=not_possible,
        )

    return case_step(
        request,
        form,
        act=lambda d: services.request_approval(request.user, period, kind=kind or "", reasons=d["reasons"]),
        success=lambda _: to_period(period, "Asked for approval"),
        page=lambda: step_page(request, page(), form),
    )


@rule("case_work")
def approvals(request):
    found = selectors.approvals_waiting(request.user)
    designated = bool(selectors.designations(request.user))
    waiting_decisions = selectors.decisions_waiting(request.user) if designated else []
    viewed(request, None, None, f"Viewed approvals waiting ({len(found)})")
    return render(
        request,
        "childrenincare/approvals.html",
        {"approvals": found, "decisions": waiting_decisions, "designated": designated},
    )


@rule("case_work")
def approval(request, approval_id):
    found = record_or_not_visible(
        Approval, approval_id, "period", "placement", "decision", "requested_by", "decided_by"
    )
    found.period.person = person_for(request.user, found.period.person_id)
    if request.method == "POST" and not may_change(request.user):
        return forbidden(request)
    form = ApprovalDecisionForm(request.POST or None)

    def page():
        rows = [
            ("Approval", found.get_kind_display()),
            ("Asked for by", str(found.requested_by)),
            ("Asked for on", f"{found.requested_on:%-d %B %Y}"),
            ("Status", found.get_status_display()),
        ]
        if found.placement_id:
            place = code_label("placement-type", found.placement.place)
            rows.append(("Placement", format_html("{}, from {:%-d %B %Y}", place, found.placement.start_date)))
        if found.reasons:
            rows.append(("Reasons", found.reasons))
        if found.decided_by_id:
            rows.append(("Decided by", f"{found.decided_by} on {found.decided_on:%-d %B %Y}"))
        not_possible = "" if found.status == Approval.Status.PENDING else "This has been decided."
        if not not_possible and not selectors.is_designated(
            request.user, selectors.approver_kind(found.kind), timezone.localdate()
        ):
            not_possible = "Only a nominated officer (or the director, where the regulations say) can decide this."
        return care_page(found.period, found.get_kind_display(), rows=rows, not_possible=not_possible, about=found)

    return case_step(
        request,
        form,
        act=lambda d: services.decide_approval(request.user, found, approve=form.approved(), reasons=d["reasons"]),
        success=lambda decided: to_period(
            found.period, f"{found.get_kind_display()}: {decided.get_status_display().lower()}"
        ),
        page=lambda: step_page(request, page(), form),
    )
