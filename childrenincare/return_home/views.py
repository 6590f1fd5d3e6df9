"""The return-home pages: the decision with its gates, risk signals, household, support plan
and family group decision-making, its approval by a nominated officer, the return, and the 12
months of monitoring after it with the concerns flagged in them.

Views are thin: the rules are in childrenincare.return_home.services, whose RuleBroken messages
go on the form's fields (status 400). Every page about a child needs the child's full record
(people.access.person_for): one the user may not see answers the same audited 404 as one that
does not exist."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from childrenincare import selectors as care_selectors
from childrenincare.models import (
    Approval,
    HouseholdMember,
    MonitoringFlag,
    ReunificationDecision,
    SupportPlanItem,
)
from childrenincare.pages import MANAGERS, care_page, ended, may_change, period_for, period_rows
from kernel.access import forbidden, rule
from kernel.casestep import Success, case_step, step_page, viewed
from partners.models import User
from people.access import person_for, record_or_not_visible

from . import selectors
from . import services as return_home
from .forms import (
    DecideForm,
    DecisionForm,
    FamilyGroupForm,
    FlagForm,
    GateForm,
    HouseholdAddForm,
    HouseholdAssessForm,
    ReturnedForm,
    SupportAddForm,
    SupportUpdateForm,
    WeighForm,
    WithdrawForm,
)

MONITORING_PAGE_SIZE = 50


def _decision(request, decision_id):
    decision = record_or_not_visible(ReunificationDecision, decision_id, "period", "person", "created_by", "decided_by")
    decision.person = decision.period.person = person_for(request.user, decision.person_id)
    return decision


def _decision_url(decision, anchor=""):
    return reverse("childrenincare:decision", args=[decision.pk]) + anchor


def _to_decision(decision, message, anchor=""):
    """After a step on a return-home decision: the message, and back to the decision's page."""
    return Success(message, _decision_url(decision, anchor))


@rule("case_change")
def decision_new(request, period_id):
    period = period_for(request, period_id)
    form = DecisionForm(request.POST or None, people=selectors.possible_carers(request.user, period.person))

    def page():
        not_possible = ended(period)
        if not not_possible and selectors.active_decision(period) is not None:
            not_possible = "A return-home decision is already open for this period of care."
        return care_page(
            period,
            "Start a return-home decision",
            rows=period_rows(period),
            not_possible=not_possible,
            intro="Route A: a child accommodated under section 20 goes home and stops being looked after. "
            "Route B: a child on a care order is placed with parents and stays looked after. "
            "Route C: the child leaves care through an order, such as special guardianship.",
        )

    return case_step(
        request,
        form,
        act=lambda d: return_home.start_decision(
            request.user,
            period,
            route=d["route"] or "",
            proposed_date=d["proposed_date"],
            proposed_home=d["proposed_home"],
            reasons=d["reasons"],
            carers=list(d["carers"] or []),
            order_end_reason=d["order_end_reason"] or "",
        ),
        success=lambda found: _to_decision(found, "Started the return-home decision"),
        page=lambda: step_page(request, page(), form),
    )


def _decision_context(request, decision):
    signals = return_home.risk_signals(decision, request.user)
    states = return_home.gate_states(decision, signals)
    kind = return_home.approval_kind(decision, timezone.localdate())
    designated = care_selectors.is_designated(request.user, care_selectors.approver_kind(kind), timezone.localdate())
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
        "household": selectors.household(decision),
        "support": selectors.support(decision),
        "fgdm": selectors.family_group_decision_making(decision),
        "weighings": selectors.weighings(decision),
        "carers": selectors.carers(decision),
        "is_draft": decision.status == ReunificationDecision.Status.DRAFT,
        "may_change": may_change(request.user),
        "designated": designated,
        "approver": care_selectors.approver_kind(kind),
        "monitoring": monitoring,
        "flags": selectors.flags(monitoring) if monitoring else [],
        "today": timezone.localdate(),
    }


@rule("case_work")
def decision(request, decision_id):
    found = _decision(request, decision_id)
    viewed(request, found, found.person, "Viewed the return-home decision")
    return render(request, "childrenincare/decision.html", _decision_context(request, found))


def _decision_form(request, decision, title, form, act, message, *, rows=(), not_possible="", anchor="", intro=""):
    """A step on a draft return-home decision, its page going back to the decision at `anchor`."""
    if not not_possible and decision.status != ReunificationDecision.Status.DRAFT:
        not_possible = f"This decision is {decision.get_status_display().lower()}."
    page = care_page(
        decision.period,
        title,
        rows=rows,
        not_possible=not_possible,
        about=decision,
        back=_decision_url(decision, anchor),
        intro=intro,
    )
    return case_step(
        request,
        form,
        act=act,
        success=lambda _: _to_decision(decision, message, anchor),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def gate(request, decision_id, gate):
    found = _decision(request, decision_id)
    gates = {g.key: g for g in return_home.gates_for(found.route, return_home._started(found))}
    chosen = gates.get(gate)
    if chosen is None or (chosen.kind != "recorded" and not chosen.may_not_apply):
        return redirect(_decision_url(found, "#gates"))
    record = selectors.gate_record(found, gate)
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
        lambda d: return_home.record_gate(
            request.user, found, gate=gate, state=d["state"] or "", done_on=d["done_on"], evidence=d["evidence"]
        ),
        f"Saved: {chosen.label.lower()}",
        rows=rows,
        anchor="#gates",
    )


@rule("case_change")
def household_add(request, decision_id):
    found = _decision(request, decision_id)
    people = selectors.not_in_household(request.user, found)
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
        lambda d: return_home.add_household_member(
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
        lambda d: return_home.record_household_assessment(
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
    closed = found.status in (ReunificationDecision.Status.REFUSED, ReunificationDecision.Status.WITHDRAWN)
    page = care_page(
        found.period,
        "Add support after the return home",
        about=found,
        back=_decision_url(found, "#support"),
        not_possible=f"This decision is {found.get_status_display().lower()}." if closed else "",
    )
    return case_step(
        request,
        form,
        act=lambda d: return_home.add_support(request.user, found, what=d["what"], who=d["who"], until=d["until"]),
        success=lambda _: _to_decision(found, "Added the support", "#support"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def support_update(request, item_id):
    item = record_or_not_visible(SupportPlanItem, item_id, "decision")
    found = _decision(request, item.decision_id)
    form = SupportUpdateForm(request.POST or None, initial={"status": item.status, "status_note": item.status_note})
    rows = [("Support", item.what), ("Provided by", item.who), ("Until", f"{item.until:%-d %B %Y}")]
    page = care_page(found.period, "Update the support", rows=rows, about=found, back=_decision_url(found, "#support"))
    return case_step(
        request,
        form,
        act=lambda d: return_home.update_support(request.user, item, status=d["status"] or "", note=d["status_note"]),
        success=lambda _: _to_decision(found, "Updated the support", "#support"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def fgdm(request, decision_id):
    found = _decision(request, decision_id)
    record = selectors.family_group_decision_making(found)
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
        lambda d: return_home.record_family_group_decision_making(
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
    signal = {s.key: s for s in return_home.risk_signals(found, request.user)}.get(key)
    initial = {"signal": key, "how_weighed": signal.weighing.how_weighed if signal and signal.weighing else ""}
    form = WeighForm(request.POST or None, initial=initial)
    rows = [(signal.kind, signal.summary)] if signal else []
    return _decision_form(
        request,
        found,
        "How this risk signal was weighed",
        form,
        lambda d: return_home.weigh_signal(request.user, found, signal=key, how_weighed=d["how_weighed"]),
        "Saved how the risk signal was weighed",
        rows=rows,
        anchor="#signals",
        not_possible="" if signal else "That risk signal is no longer shown.",
    )


@rule("case_change")
def decide(request, decision_id):
    found = _decision(request, decision_id)
    form = DecideForm(request.POST or None)
    states = return_home.open_gates(found)
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
    kind = return_home.approval_kind(found, timezone.localdate())
    not_possible = ""
    if not care_selectors.is_designated(request.user, care_selectors.approver_kind(kind), timezone.localdate()):
        not_possible = "Only a nominated officer can approve a return home" + (
            " (the director for a 16 or 17 year old accommodated under section 20)."
            if kind == Approval.Kind.CEASE_16_17
            else "."
        )
    if not not_possible and found.status != ReunificationDecision.Status.DRAFT:
        not_possible = f"This decision is {found.get_status_display().lower()}."
    page = care_page(
        found.period,
        "Decide the return home",
        rows=rows,
        about=found,
        back=_decision_url(found),
        warning=warning,
        not_possible=not_possible,
        open_states=states,
    )
    return case_step(
        request,
        form,
        act=lambda d: return_home.decide(request.user, found, approve=bool(form.approved()), reasons=d["reasons"]),
        success=lambda _: _to_decision(found, "Saved the decision"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def returned(request, decision_id):
    found = _decision(request, decision_id)
    form = ReturnedForm(request.POST or None, route=found.route)
    not_possible = (
        ""
        if found.status == ReunificationDecision.Status.APPROVED
        else (
            "The return home must be approved first."
            if found.status == ReunificationDecision.Status.DRAFT
            else f"This decision is {found.get_status_display().lower()}."
        )
    )
    page = care_page(
        found.period,
        "Record the return home",
        about=found,
        back=_decision_url(found),
        not_possible=not_possible,
        rows=[("Route", found.get_route_display()), ("Where and with whom", found.proposed_home)],
    )
    return case_step(
        request,
        form,
        act=lambda d: return_home.return_home(request.user, found, on=d["on"], postcode=d["postcode"]),
        success=lambda _: _to_decision(found, "Recorded the return home: the next 12 months are monitored"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def withdraw(request, decision_id):
    found = _decision(request, decision_id)
    form = WithdrawForm(request.POST or None)
    not_possible = (
        "" if found.status in return_home.ACTIVE else f"This decision is {found.get_status_display().lower()}."
    )
    page = care_page(
        found.period,
        "Withdraw the return-home decision",
        about=found,
        back=_decision_url(found),
        not_possible=not_possible,
    )
    return case_step(
        request,
        form,
        act=lambda d: return_home.withdraw_decision(request.user, found, reasons=d["reasons"]),
        success=lambda _: _to_decision(found, "Withdrew the decision"),
        page=lambda: step_page(request, page, form),
    )


@rule("timescales")
def monitoring(request):
    """Returns home being watched (the user's team; every team for a head of service), the
    concerns flagged within 12 months, and the counts."""
    user = request.user
    everyone = user.role == User.Role.HEAD_OF_SERVICE
    team = None if everyone else user.team
    rows = selectors.monitored(user, team, everyone=everyone)
    today = timezone.localdate()
    report = return_home.outcome_report([m for m in rows if (today - m.returned_on).days <= 366])
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
    if request.method == "POST" and request.user.role not in MANAGERS:
        return forbidden(request)
    form = FlagForm(request.POST or None)
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
    page = care_page(
        period,
        "Concern after a return home",
        rows=rows,
        about=found,
        back=reverse("childrenincare:monitoring"),
        not_possible=not_possible,
    )
    return case_step(
        request,
        form,
        act=lambda d: return_home.acknowledge_flag(request.user, found, action=d["action"]),
        success=lambda _: Success("Marked as seen", reverse("childrenincare:monitoring")),
        page=lambda: step_page(request, page, form),
    )
