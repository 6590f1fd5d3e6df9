"""The children-in-care pages: becoming looked after, the child's care record (legal
statuses, placements, the SSDA903 episodes derived from them, approvals, due dates), changes
of legal status and placement, the end of care, approvals by a nominated officer or the
director, and the return home: the decision with its gates, risk signals, household,
support plan and family group decision-making, its approval, the return, and the 12 months
of monitoring after it.

Views are thin: the rules are in childrenincare.services and reunification, whose
RuleBroken messages go on the form's fields (status 400). Every page about a child needs
the child's full record (people.access.person_for); one the user may not see answers the
same audited 404 as one that does not exist."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from frontdoor.models import Referral
from kernel import codelists, deadlines
from kernel.access import forbidden, rule
from kernel.forms import add_rule_errors
from kernel.rules import RuleBroken
from partners.models import User
from people.access import Level, levels, person_for, record_or_not_visible
from people.models import Person, Relationship
from people.services import households_and_siblings, relationships

from . import outcomes, reunification, services, with_parent
from .forms import (
    ApprovalDecisionForm,
    ApprovalRequestForm,
    CeaseForm,
    DecideForm,
    DecisionForm,
    FamilyGroupForm,
    FlagForm,
    GateForm,
    HouseholdAddForm,
    HouseholdAssessForm,
    LegalStatusForm,
    ParentAssessmentForm,
    PlacementForm,
    ReturnedForm,
    StartForm,
    SupportAddForm,
    SupportUpdateForm,
    WeighForm,
    WithdrawForm,
    WithParentDecisionForm,
)
from .kinship import services as kinship
from .models import (
    Approval,
    FamilyGroupDecisionMaking,
    HouseholdMember,
    MonitoringFlag,
    PeriodOfCare,
    ReunificationDecision,
    SupportPlanItem,
)
from .pages import done, form_page, may_change, period_for, period_url, viewed
from .planning import services as care_planning

MONITORING_PAGE_SIZE = 50
MANAGERS = {User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE}


def _decision(request, decision_id):
    decision = record_or_not_visible(ReunificationDecision, decision_id, "period", "person", "created_by", "decided_by")
    decision.person = decision.period.person = person_for(request.user, decision.person_id)
    return decision


def _decision_url(decision, anchor=""):
    return reverse("childrenincare:decision", args=[decision.pk]) + anchor


def _to_decision(request, decision, message, anchor=""):
    messages.success(request, message)
    return redirect(_decision_url(decision, anchor))


def _carers_url(request, child):
    """Where to add a carer who is not listed yet (the child's relatives offered as records to
    link), coming back to this page with the new carer chosen."""
    try:
        return reverse("childrenincare:carer-new") + "?" + urlencode({"next": request.path, "child": child.pk})
    except NoReverseMatch:
        return ""


def _label(slug, code):
    return f"{code}: {codelists.label(slug, code)}" if code else ""


def _saved(form, call):
    """Run the service with the form's data; its rule messages go on the form."""
    try:
        return call(form.cleaned_data)
    except RuleBroken as error:
        add_rule_errors(form, error)
        return None


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
        period = _saved(
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


def _period_rows(period):
    status, placement = services.current_legal_status(period), services.current_placement(period)
    rows = [
        (
            "Looked after",
            f"From {period.start_date:%-d %B %Y}" + (f" to {period.end_date:%-d %B %Y}" if period.end_date else ""),
        )
    ]
    if period.end_date:
        rows.append(("Reason care ended", _label("episode-end-reason", period.end_reason)))
    if status:
        rows.append(("Legal status", _label("legal-status", status.code)))
    if placement:
        carer = f" with {placement.carer}" if placement.carer_id else ""
        rows.append(("Placement", _label("placement-type", placement.place) + carer))
    rows.append(("Category of need", _label("primary-need", period.category_of_need)))
    return rows


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
    monitoring = list(reunification.ReturnHomeMonitoring.objects.filter(period=period).prefetch_related("flags"))
    viewed(request, period, period.person, "Viewed the care record")
    return render(
        request,
        "childrenincare/period.html",
        {
            "period": period,
            "person": period.person,
            "rows": _period_rows(period),
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
            "active_decision": next((d for d in decisions if d.status in reunification.ACTIVE), None),
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
        status = _saved(
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
        request, period, "Change the legal status", form, rows=_period_rows(period), not_possible=_ended(period)
    )


def _ended(period):
    return f"{services.period_ended(period)}." if period.end_date else ""


@rule("case_change")
def placement(request, period_id):
    period = period_for(request, period_id)
    form = PlacementForm(request.POST or None, initial={"carer": request.GET.get("carer")})
    if request.method == "POST" and form.is_valid():
        found = _saved(
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
        rows=_period_rows(period),
        not_possible=_ended(period),
        carers_url=_carers_url(request, period.person),
    )


@rule("case_change")
def cease(request, period_id):
    period = period_for(request, period_id)
    form = CeaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = _saved(form, lambda d: services.cease_care(request.user, period, on=d["on"], reason=d["reason"] or ""))
        if found is not None:
            return done(request, period, "Recorded that the child stopped being looked after")
    return form_page(
        request,
        period,
        "Record that the child stopped being looked after",
        form,
        rows=_period_rows(period),
        not_possible=_ended(period),
        intro="A planned return home is recorded through a return-home decision, which a nominated "
        "officer approves. Use this page for other reasons, or when the child went home outside "
        "the care plan (E4B).",
    )


# --- An immediate placement with a parent (regulation 19) ---------------------------------


def _immediate_not_possible(period):
    placement = services.current_placement(period)
    if period.end_date:
        return _ended(period)
    if placement is None or not placement.immediate_with_parent:
        return "The child is not in an immediate placement with a parent (regulation 19)."
    return ""


@rule("case_change")
def with_parent_assessment(request, period_id):
    period = period_for(request, period_id)
    form = ParentAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = _saved(
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
        rows=_period_rows(period),
        not_possible=_immediate_not_possible(period),
        intro="Regulation 19: the assessment of the parent and the household, and the review of the "
        "child's case, are completed within 10 working days of the placement.",
    )


@rule("case_change")
def with_parent_decision(request, period_id):
    period = period_for(request, period_id)
    form = WithParentDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = _saved(
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
        rows=_period_rows(period),
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
        found = _saved(
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
            rows=_period_rows(period),
            not_possible=_ended(period),
            intro="A child in care may be placed with a parent before the assessment is complete only "
            "where a nominated officer considers it necessary and consistent with the child's "
            "welfare, after the parent is interviewed. Record the placement once it is approved.",
        )
    not_possible = _ended(period) or ("" if kind else "Ceasing to look after this child does not need an approval.")
    return form_page(
        request,
        period,
        "Ask for approval to stop looking after the child",
        form,
        rows=_period_rows(period),
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
            decided = _saved(
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
                _label("placement-type", found.placement.place) + f", from {found.placement.start_date:%-d %B %Y}",
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


def _possible_carers(user, person):
    """Parents, people with parental responsibility, relatives and adults of the household."""
    kinds = {
        Relationship.Type.PARENT,
        Relationship.Type.PR_HOLDER,
        Relationship.Type.STEP_PARENT,
        Relationship.Type.GRANDPARENT,
        Relationship.Type.OTHER_RELATIVE,
        Relationship.Type.CARER,
        Relationship.Type.HOUSEHOLD_MEMBER,
    }
    found = {
        other.pk: other
        for other, _, rel in relationships(person, user=user)
        if rel.relationship in kinds and other.kind != Person.Kind.CHILD
    }
    for pk, other in households_and_siblings([person.pk], user=user).items():
        if pk != person.pk and other.kind != Person.Kind.CHILD:
            found.setdefault(pk, other)
    return sorted(found.values(), key=lambda p: (p.family_name, p.given_names))


@rule("case_change")
def decision_new(request, period_id):
    period = period_for(request, period_id)
    people = _possible_carers(request.user, period.person)
    form = DecisionForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        found = _saved(
            form,
            lambda d: reunification.start_decision(
                request.user,
                period,
                route=d["route"] or "",
                proposed_date=d["proposed_date"],
                proposed_home=d["proposed_home"],
                reasons=d["reasons"],
                carers=list(d["carers"] or []),
                order_end_reason=d["order_end_reason"] or "",
            ),
        )
        if found is not None:
            return _to_decision(request, found, "Started the return-home decision")
    not_possible = _ended(period)
    active = period.return_decisions.filter(status__in=reunification.ACTIVE).first()
    if active and not not_possible:
        not_possible = "A return-home decision is already open for this period of care."
    return form_page(
        request,
        period,
        "Start a return-home decision",
        form,
        rows=_period_rows(period),
        not_possible=not_possible,
        intro="Route A: a child accommodated under section 20 goes home and stops being looked after. "
        "Route B: a child on a care order is placed with parents and stays looked after. "
        "Route C: the child leaves care through an order, such as special guardianship.",
    )


def _decision_context(request, decision):
    signals = reunification.risk_signals(decision, request.user)
    states = reunification.gate_states(decision, signals)
    kind = reunification.approval_kind(decision, timezone.localdate())
    designated = services.is_designated(request.user, services.approver_kind(kind), timezone.localdate())
    monitoring = (
        getattr(decision, "monitoring", None) if decision.status == ReunificationDecision.Status.TOOK_EFFECT else None
    )
    return {
        "decision": decision,
        "person": decision.person,
        "period": decision.period,
        "states": states,
        "open_states": [s for s in states if not s.met],
        "signals": signals,
        "household": list(decision.household.select_related("person")),
        "support": list(decision.support.all()),
        "fgdm": FamilyGroupDecisionMaking.objects.filter(decision=decision).first(),
        "weighings": list(decision.weighings.all()),
        "carers": list(decision.carers.all()),
        "is_draft": decision.status == ReunificationDecision.Status.DRAFT,
        "may_change": may_change(request.user),
        "designated": designated,
        "approver": services.approver_kind(kind),
        "monitoring": monitoring,
        "flags": list(monitoring.flags.all()) if monitoring else [],
        "today": timezone.localdate(),
    }


@rule("case_work")
def decision(request, decision_id):
    found = _decision(request, decision_id)
    viewed(request, found, found.person, "Viewed the return-home decision")
    return render(request, "childrenincare/decision.html", _decision_context(request, found))


def _decision_form(request, decision, title, form, call, message, *, rows=(), not_possible="", anchor="", intro=""):
    if request.method == "POST" and form.is_valid():
        if _saved(form, call) is not None:
            return _to_decision(request, decision, message, anchor)
    if not not_possible and decision.status != ReunificationDecision.Status.DRAFT:
        not_possible = f"This decision is {decision.get_status_display().lower()}."
    return form_page(
        request,
        decision.period,
        title,
        form,
        rows=rows,
        not_possible=not_possible,
        about=decision,
        back=_decision_url(decision, anchor),
        intro=intro,
    )


@rule("case_change")
def gate(request, decision_id, gate):
    found = _decision(request, decision_id)
    gates = {g.key: g for g in reunification.gates_for(found.route, reunification._started(found))}
    chosen = gates.get(gate)
    if chosen is None or (chosen.kind != "recorded" and not chosen.may_not_apply):
        return redirect(_decision_url(found, "#gates"))
    record = found.gate_records.filter(gate=gate).first()
    initial = {"state": record.state, "done_on": record.done_on, "evidence": record.evidence} if record else None
    # A derived gate is done by its records; the form only says why it does not apply.
    form = GateForm(request.POST or None, initial=initial, not_applicable_only=chosen.kind == "derived")
    rows = [("What the law asks", chosen.source)]
    if chosen.may_not_apply:
        rows.append(("When it does not apply", chosen.may_not_apply))
    return _decision_form(
        request,
        found,
        chosen.label,
        form,
        lambda d: reunification.record_gate(
            request.user, found, gate=gate, state=d["state"] or "", done_on=d["done_on"], evidence=d["evidence"]
        ),
        f"Saved: {chosen.label.lower()}",
        rows=rows,
        anchor="#gates",
    )


@rule("case_change")
def household_add(request, decision_id):
    found = _decision(request, decision_id)
    listed = set(found.household.values_list("person_id", flat=True))
    people = [p for p in _possible_carers(request.user, found.person) if p.pk not in listed]
    form = HouseholdAddForm(request.POST or None, people=people)
    not_possible = (
        ""
        if people
        else (
            "Everyone recorded as related to or living with the child is listed. Add a new "
            "person to the child's record first (their relationship to the child)."
        )
    )
    return _decision_form(
        request,
        found,
        "Add an adult of the household",
        form,
        lambda d: reunification.add_household_member(
            request.user, found, person=d["person"], relationship=d["relationship"]
        ),
        "Added to the household",
        not_possible=not_possible,
        anchor="#household",
    )


@rule("case_change")
def household_assess(request, member_id):
    member = record_or_not_visible(HouseholdMember, member_id, "decision", "person")
    found = _decision(request, member.decision_id)
    form = HouseholdAssessForm(
        request.POST or None,
        initial={"assessed_on": member.assessed_on, "outcome": member.outcome, "summary": member.summary},
    )
    return _decision_form(
        request,
        found,
        f"Assessment of {member.person.full_name}",
        form,
        lambda d: reunification.record_household_assessment(
            request.user, member, assessed_on=d["assessed_on"], outcome=d["outcome"] or "", summary=d["summary"]
        ),
        "Saved the assessment",
        rows=[("Relationship to the child", member.relationship)],
        anchor="#household",
    )


@rule("case_change")
def support_add(request, decision_id):
    found = _decision(request, decision_id)
    form = SupportAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if (
            _saved(
                form,
                lambda d: reunification.add_support(
                    request.user, found, what=d["what"], who=d["who"], until=d["until"]
                ),
            )
            is not None
        ):
            return _to_decision(request, found, "Added the support", "#support")
    closed = found.status in (ReunificationDecision.Status.REFUSED, ReunificationDecision.Status.WITHDRAWN)
    return form_page(
        request,
        found.period,
        "Add support after the return home",
        form,
        about=found,
        back=_decision_url(found, "#support"),
        not_possible=f"This decision is {found.get_status_display().lower()}." if closed else "",
    )


@rule("case_change")
def support_update(request, item_id):
    item = record_or_not_visible(SupportPlanItem, item_id, "decision")
    found = _decision(request, item.decision_id)
    form = SupportUpdateForm(request.POST or None, initial={"status": item.status, "status_note": item.status_note})
    if request.method == "POST" and form.is_valid():
        if (
            _saved(
                form,
                lambda d: reunification.update_support(
                    request.user, item, status=d["status"] or "", note=d["status_note"]
                ),
            )
            is not None
        ):
            return _to_decision(request, found, "Updated the support", "#support")
    rows = [("Support", item.what), ("Provided by", item.who), ("Until", f"{item.until:%-d %B %Y}")]
    return form_page(
        request, found.period, "Update the support", form, rows=rows, about=found, back=_decision_url(found, "#support")
    )


@rule("case_change")
def fgdm(request, decision_id):
    found = _decision(request, decision_id)
    record = FamilyGroupDecisionMaking.objects.filter(decision=found).first()
    initial = None
    if record:
        initial = {
            name: getattr(record, name)
            for name in (
                "response",
                "offered_on",
                "offered_to",
                "reasons_not_offered",
                "coordinator",
                "meeting_on",
                "family_plan",
                "la_response",
                "la_response_reasons",
            )
        }
    form = FamilyGroupForm(request.POST or None, initial=initial)
    return _decision_form(
        request,
        found,
        "Family group decision-making",
        form,
        lambda d: reunification.record_family_group_decision_making(
            request.user,
            found,
            response=d["response"] or "",
            offered_on=d["offered_on"],
            offered_to=d["offered_to"],
            reasons_not_offered=d["reasons_not_offered"],
            coordinator=d["coordinator"],
            meeting_on=d["meeting_on"],
            family_plan=d["family_plan"],
            la_response=d["la_response"] or "",
            la_response_reasons=d["la_response_reasons"],
        ),
        "Saved family group decision-making",
        anchor="#gates",
        intro="Under section 31ZA of the Children Act 1989, family group decision-making is offered to the parents "
        "unless it is not in the child's best interests.",
    )


@rule("case_change")
def weigh(request, decision_id):
    found = _decision(request, decision_id)
    key = request.POST.get("signal") or request.GET.get("signal") or ""
    signal = {s.key: s for s in reunification.risk_signals(found, request.user)}.get(key)
    initial = {"signal": key, "how_weighed": signal.weighing.how_weighed if signal and signal.weighing else ""}
    form = WeighForm(request.POST or None, initial=initial)
    rows = [(signal.kind, signal.summary)] if signal else []
    return _decision_form(
        request,
        found,
        "How this risk signal was weighed",
        form,
        lambda d: reunification.weigh_signal(request.user, found, signal=key, how_weighed=d["how_weighed"]),
        "Saved how the risk signal was weighed",
        rows=rows,
        anchor="#signals",
        not_possible="" if signal else "That risk signal is no longer shown.",
    )


@rule("case_change")
def decide(request, decision_id):
    found = _decision(request, decision_id)
    form = DecideForm(request.POST or None)
    states = reunification.open_gates(found)
    rows = [
        ("Route", found.get_route_display()),
        ("Proposed date", f"{found.proposed_date:%-d %B %Y}"),
        ("Where and with whom", found.proposed_home),
    ]
    warning = ""
    if states:
        warning = (
            "1 gate is still open: the return home cannot be approved until it is done."
            if len(states) == 1
            else f"{len(states)} gates are still open: the return home cannot be approved until they are done."
        )
        warning += " You can still decide not to approve it."
    kind = reunification.approval_kind(found, timezone.localdate())
    not_possible = ""
    if not services.is_designated(request.user, services.approver_kind(kind), timezone.localdate()):
        not_possible = "Only a nominated officer can approve a return home" + (
            " (the director for a 16 or 17 year old accommodated under section 20)."
            if kind == Approval.Kind.CEASE_16_17
            else "."
        )
    if request.method == "POST" and form.is_valid():
        if (
            _saved(
                form,
                lambda d: reunification.decide(
                    request.user, found, approve=bool(form.approved()), reasons=d["reasons"]
                ),
            )
            is not None
        ):
            return _to_decision(request, found, "Saved the decision")
    if not not_possible and found.status != ReunificationDecision.Status.DRAFT:
        not_possible = f"This decision is {found.get_status_display().lower()}."
    return form_page(
        request,
        found.period,
        "Decide the return home",
        form,
        rows=rows,
        about=found,
        back=_decision_url(found),
        warning=warning,
        not_possible=not_possible,
        open_states=states,
    )


@rule("case_change")
def returned(request, decision_id):
    found = _decision(request, decision_id)
    form = ReturnedForm(request.POST or None, route=found.route)
    if request.method == "POST" and form.is_valid():
        if (
            _saved(form, lambda d: reunification.return_home(request.user, found, on=d["on"], postcode=d["postcode"]))
            is not None
        ):
            return _to_decision(request, found, "Recorded the return home: the next 12 months are monitored")
    not_possible = (
        ""
        if found.status == ReunificationDecision.Status.APPROVED
        else (
            "The return home must be approved first."
            if found.status == ReunificationDecision.Status.DRAFT
            else f"This decision is {found.get_status_display().lower()}."
        )
    )
    return form_page(
        request,
        found.period,
        "Record the return home",
        form,
        about=found,
        back=_decision_url(found),
        not_possible=not_possible,
        rows=[("Route", found.get_route_display()), ("Where and with whom", found.proposed_home)],
    )


@rule("case_change")
def withdraw(request, decision_id):
    found = _decision(request, decision_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if (
            _saved(form, lambda d: reunification.withdraw_decision(request.user, found, reasons=d["reasons"]))
            is not None
        ):
            return _to_decision(request, found, "Withdrew the decision")
    not_possible = (
        "" if found.status in reunification.ACTIVE else f"This decision is {found.get_status_display().lower()}."
    )
    return form_page(
        request,
        found.period,
        "Withdraw the return-home decision",
        form,
        about=found,
        back=_decision_url(found),
        not_possible=not_possible,
    )


# --- After the return ---------------------------------------------------------------------


@rule("timescales")
def monitoring(request):
    """Returns home being watched (the user's team; every team for a head of service), the
    concerns flagged within 12 months, and the counts."""
    user = request.user
    everyone = user.role == User.Role.HEAD_OF_SERVICE
    team = None if everyone else user.team
    if team is None and not everyone:
        found = reunification.ReturnHomeMonitoring.objects.none()
    else:
        found = reunification.monitoring_for(team)
    rows = list(found.order_by("-returned_on", "-id"))
    seen = levels(user, [m.person for m in rows])
    rows = [m for m in rows if seen.get(m.person_id) == Level.FULL]
    today = timezone.localdate()
    report = reunification.outcome_report([m for m in rows if (today - m.returned_on).days <= 366])
    unseen = [f for m in rows for f in m.flags.all() if f.seen_at is None]
    page = Paginator(rows, MONITORING_PAGE_SIZE).get_page(request.GET.get("page"))
    viewed(request, None, None, f"Viewed returns home being monitored ({len(rows)})")
    return render(
        request,
        "childrenincare/monitoring.html",
        {
            "page": page,
            "report": report,
            "unseen": unseen,
            "team": team,
            "everyone": everyone,
            "today": today,
            "is_manager": user.role in MANAGERS,
        },
    )


@rule("timescales")
def flag(request, flag_id):
    found = record_or_not_visible(MonitoringFlag, flag_id, "monitoring")
    person = person_for(request.user, found.monitoring.person_id)
    period = found.monitoring.period
    period.person = person
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        if request.user.role not in MANAGERS:
            return forbidden(request)
        if form.is_valid():
            if (
                _saved(form, lambda d: reunification.acknowledge_flag(request.user, found, action=d["action"]))
                is not None
            ):
                messages.success(request, "Marked as seen")
                return redirect("childrenincare:monitoring")
    rows = [
        ("What happened", found.get_kind_display()),
        ("When", f"{found.occurred_on:%-d %B %Y}"),
        ("Returned home on", f"{found.monitoring.returned_on:%-d %B %Y}"),
        ("Monitored until", f"{found.monitoring.until:%-d %B %Y}"),
    ]
    if found.seen_at:
        rows.append(("Seen by", f"{found.seen_by} on {timezone.localtime(found.seen_at):%-d %B %Y}"))
        rows.append(("Action", found.action))
    not_possible = (
        "This has been seen."
        if found.seen_at
        else ("" if request.user.role in MANAGERS else "A team manager or head of service marks this as seen.")
    )
    return form_page(
        request,
        period,
        "Concern after a return home",
        form,
        rows=rows,
        about=found,
        back=reverse("childrenincare:monitoring"),
        not_possible=not_possible,
    )
