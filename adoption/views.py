"""The adoption pages: the child's adoption plan (each step with its date and what is due
next) and a form for each step; the prospective adopters, a household's journey and its
stages. Views are thin: the rules are in adoption.services, whose RuleBroken messages go on
the form's fields (status 400 with the GOV.UK error summary, nothing saved).

Access. The child's pages need the child's full record (people.access.person_for): someone
without a reason to see it gets the same audited 404 as for a record that does not exist.
Reading needs `case_work`, changing `case_change`. Adopters are under the `adopters` rule
(local-authority social workers and managers); matching a child with adopters, and a
fostering for adoption placement, need it too, and a child's plan shows the household's
names only to those it lets in (others see the family identifier).

Each step is a kernel.casestep page; the reads are adoption.selectors."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from childrenincare import services as care
from kernel import codelists
from kernel.access import RULES, forbidden, rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.rules import long_date
from kernel.templatetags.due_dates import tag
from people.access import Level, levels, person_for, record_or_not_visible

from . import selectors, services
from .forms import (
    DateStepForm,
    DecisionForm,
    EarlyPlacementForm,
    HouseholdForm,
    LeftForm,
    MatchForm,
    NoLongerForm,
    OrderForm,
)
from .models import AdoptionDecision


def _may(user, name):
    return RULES[name].allows(user)


def _date(day):
    return long_date(day) if day else "Not yet"


# --- The child's plan ---------------------------------------------------------------------


def household_label(household, user):
    if household is None:
        return ""
    return f"{household.reference}: {household.name}" if _may(user, "adopters") else household.reference


def steps(decision, user):
    """The task list: (name, date or status, detail, step slug to record it or None)."""
    d = decision
    authority = (
        ("Placement order", d.placement_order_on)
        if d.authority == d.Authority.PLACEMENT_ORDER
        else ("Consent to placement", d.consent_on)
        if d.authority == d.Authority.CONSENT
        else ("Authority to place", None)
    )
    rows = [
        (
            "Decision that the child should be placed for adoption",
            d.decided_on,
            f"Agency decision maker: {d.decision_maker}",
            None,
        ),
        (
            authority[0],
            authority[1],
            "" if d.authority else "A placement order (s21) or the parents' consent (s19)",
            None if d.authority else "placement-order",
        ),
        (
            "Fostering for adoption or concurrent planning placement",
            d.early_placement_on,
            d.get_early_placement_display() if d.early_placement else "Optional",
            None if d.early_placement_on or d.placed_on else "early-placement",
        ),
        (
            "Matched with prospective adopters",
            d.matched_on,
            household_label(d.household, user) if d.matched_on else "",
            None if d.matched_on else "match",
        ),
        (
            "Placed for adoption",
            d.placed_on,
            codelists.in_words("placement-type", d.placement.place) if d.placement_id else "",
            None if d.placed_on else "placement",
        ),
        (
            "Adoption order",
            d.adoption_order_on,
            codelists.label("episode-end-reason", d.adoption_order_reason) if d.adoption_order_reason else "",
            None if d.adoption_order_on else "order",
        ),
    ]
    return [
        {"name": name, "date": day, "detail": detail, "step": step if d.is_open else None}
        for name, day, detail, step in rows
    ]


@rule("case_work")
def plan(request, person_id):
    person = person_for(request.user, person_id)
    today = timezone.localdate()
    decisions = selectors.decisions_of(person)
    period = care.open_period(person)
    current = decisions[0] if decisions else None
    due = [
        {"deadline": deadline, "tag": tag(deadline, today)} for deadline in selectors.plan_due_dates(person, decisions)
    ]
    may_change = _may(request.user, "case_change")
    viewed(request, current, person, "Viewed the adoption plan")
    return render(
        request,
        "adoption/plan.html",
        {
            "person": person,
            "decisions": [
                {
                    "decision": d,
                    "steps": steps(d, request.user),
                    "next": selectors.next_step(d),
                    "reason": codelists.label("adoption-placed-ceased-reason", d.ceased_reason)
                    if d.ceased_reason
                    else "",
                }
                for d in decisions
            ],
            "due": due,
            "period": period,
            "may_change": may_change,
            "may_decide": may_change and period is not None and selectors.open_decision(person) is None,
        },
    )


@rule("case_change")
def decide(request, person_id):
    person = person_for(request.user, person_id)
    period = care.open_period(person)
    form = DecisionForm(request.POST or None)
    not_possible = "" if period else "The child is not looked after: the decision is made while they are."

    def page():
        if request.method == "POST" and period is None:
            form.is_valid()
            form.add_error(None, not_possible)
        return step_page(
            request,
            StepPage(
                title="Record the decision that the child should be placed for adoption",
                back=reverse("adoption:plan", args=[person.pk]),
                person=person,
                about=period,
                not_possible=not_possible,
                audit_summary="Viewed the page: record the decision to place for adoption",
            ),
            form,
        )

    return case_step(
        request,
        form,
        act=lambda d: services.record_decision(
            request.user,
            period,
            decided_on=d["decided_on"],
            decision_maker=d["decision_maker"],
            panel_recommended_on=d["panel_recommended_on"],
        ),
        success=lambda _: Success(
            "Recorded the decision that the child should be placed for adoption",
            reverse("adoption:plan", args=[person.pk]),
        ),
        page=page,
        allowed=period is not None,
    )


STEPS = {
    "placement-order": "Record the placement order",
    "consent": "Record consent to placement for adoption",
    "early-placement": "Record a fostering for adoption or concurrent planning placement",
    "match": "Match the child with prospective adopters",
    "placement": "Record the placement for adoption",
    "order": "Record the adoption order",
    "no-longer": "Record that the child should no longer be placed for adoption",
}
NEEDS_ADOPTERS = {"early-placement", "match"}


@rule("case_change")
def step(request, adoption_decision_id, adoption_step):
    decision = record_or_not_visible(AdoptionDecision, adoption_decision_id, "period", "household", "placement")
    decision.person = decision.period.person = person_for(request.user, decision.person_id)
    if adoption_step not in STEPS:
        raise Http404("No such step")
    if adoption_step in NEEDS_ADOPTERS and not _may(request.user, "adopters"):
        return forbidden(request)
    user, data = request.user, request.POST or None
    title = STEPS[adoption_step]
    if adoption_step == "placement-order":
        form = DateStepForm(data, label="Date of the placement order")
        call = lambda d: services.record_placement_order(user, decision, on=d["on"])  # noqa: E731
        intro = "The child's legal status becomes E1 (placement order granted) from this date."
    elif adoption_step == "consent":
        form = DateStepForm(data, label="Date consent was given")
        call = lambda d: services.record_consent(user, decision, on=d["on"])  # noqa: E731
        intro = "Each parent or guardian's consent to placement under section 19, witnessed by Cafcass."
    elif adoption_step == "early-placement":
        form = EarlyPlacementForm(data, households=selectors.households_to_choose(fostering=True), show_names=True)
        call = lambda d: services.record_early_placement(  # noqa: E731
            user,
            decision,
            household=selectors.household_chosen(d["household"]),
            on=d["on"],
            kind=d["kind"] or "",
            relative=d["relative"],
        )
        intro = "The child is placed as a foster child (U5, or U2 with relatives or friends) with approved adopters."
    elif adoption_step == "match":
        form = MatchForm(data, households=selectors.households_to_choose(), show_names=True)
        call = lambda d: services.record_match(  # noqa: E731
            user,
            decision,
            household=selectors.household_chosen(d["household"]),
            matched_on=d["matched_on"],
            recommended_on=d["recommended_on"],
            late_reason=d["late_reason"],
        )
        intro = ""
    elif adoption_step == "placement":
        form = DateStepForm(data, label="Date the child moved in with the adopters", late=True)
        call = lambda d: services.record_placement(user, decision, on=d["on"], late_reason=d["late_reason"])  # noqa: E731
        intro = (
            "The placement type follows from the records: A5 or A6 under a placement order, A3 or A4 with consent; "
            "A3 or A5 when the adopters are the child's foster carers now."
        )
    elif adoption_step == "order":
        form = OrderForm(data)
        call = lambda d: services.record_adoption_order(user, decision, on=d["on"], reason=d["reason"] or "")  # noqa: E731
        intro = "The child stops being looked after on the date of the order."
    else:
        form = NoLongerForm(data)
        call = lambda d: services.record_no_longer_placed(  # noqa: E731
            user,
            decision,
            on=d["on"],
            reason=d["reason"] or "",  # noqa: E731
            detail=d["detail"],
        )
        intro = ""
    not_possible = "" if decision.is_open else "This decision has ended."
    rows = [("Decision to place for adoption", long_date(decision.decided_on))]
    if decision.household_id:
        rows.append(("Adopters", household_label(decision.household, user)))
    back = reverse("adoption:plan", args=[decision.person_id])
    return case_step(
        request,
        form,
        act=call,
        success=lambda _: Success(title.replace("Record ", "Recorded ").replace("Match ", "Matched "), back),
        page=lambda: step_page(
            request,
            StepPage(
                title=title,
                back=back,
                person=decision.person,
                about=decision,
                rows=rows,
                not_possible=not_possible,
                intro=intro,
            ),
            form,
        ),
    )


# --- Adopters -----------------------------------------------------------------------------


def status_of(household):
    if household.left_on:
        return f"Left the process: {household.get_left_reason_display().lower()}"
    for label, field in (
        ("Approved", "approved_on"),
        ("Stage 2", "stage_2_started_on"),
        ("Application submitted", "application_on"),
        ("Stage 1", "stage_1_started_on"),
    ):
        if getattr(household, field):
            return label
    return "Enquiry"


@rule("adopters")
def adopters(request):
    households = selectors.households()
    viewed(request, None, None, f"Viewed the prospective adopters ({len(households)})")
    return render(
        request,
        "adoption/adopters.html",
        {"households": [{"household": h, "status": status_of(h)} for h in households]},
    )


@rule("adopters")
def household_new(request):
    form = HouseholdForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda d: services.add_household(
            request.user,
            name=d["name"],
            relationship=d["relationship"] or "",
            enquiry_on=d["enquiry_on"],
            adopters=form.adopters(),
            postcode=d["postcode"],
        ),
        success=lambda found: Success(
            f"Recorded the enquiry: family identifier {found.reference}",
            reverse("adoption:household", args=[found.pk]),
        ),
        page=lambda: step_page(
            request,
            StepPage(
                title="Record an adoption enquiry", back=reverse("adoption:adopters"), caption="Prospective adopters"
            ),
            form,
        ),
    )


@rule("adopters")
def household(request, adopter_household_id):
    found = selectors.household_or_404(adopter_household_id)
    today = timezone.localdate()
    decisions = selectors.matched_decisions(found)
    seen = levels(request.user, [d.person for d in decisions])
    children = [{"decision": d, "visible": seen.get(d.person_id) == Level.FULL} for d in decisions]
    journey = [
        {
            "label": label,
            "date": day,
            "due": due,
            "late": bool(due and ((day and day > due) or (not day and today > due))),
        }
        for label, day, due in selectors.household_rows(found)
    ]
    viewed(request, found, None, f"Viewed the prospective adopters {found.reference}")
    return render(
        request,
        "adoption/household.html",
        {
            "household": found,
            "journey": journey,
            "children": children,
            "status": status_of(found),
            "sex": selectors.adopter_sex(found),
            "legal_status": selectors.adopter_legal_status(found),
            "stages": STAGES,
            "next": _next_stage(found),
        },
    )


STAGES = {
    "stage-1-start": ("Start stage 1", services.start_stage_1, "Date stage 1 started", False),
    "stage-1-end": ("End stage 1", services.end_stage_1, "Date stage 1 ended", True),
    "application": ("Record the application", services.record_application, "Date the application was submitted", False),
    "stage-2-start": ("Start stage 2", services.start_stage_2, "Date stage 2 started", False),
    "stage-2-end": ("End stage 2", services.end_stage_2, "Date stage 2 ended", True),
    "approval": (
        "Record the approval",
        services.approve_household,
        "Date of the agency decision maker's approval",
        False,
    ),
    "ffa-approval": (
        "Record approval for fostering for adoption",
        services.approve_for_fostering_for_adoption,
        "Date of approval as foster carers",
        False,
    ),
    "left": ("Record that they left the process", services.record_left, "", False),
}


def _next_stage(household):
    if household.left_on:
        return None
    for slug, field in (
        ("stage-1-start", "stage_1_started_on"),
        ("stage-1-end", "stage_1_ended_on"),
        ("application", "application_on"),
        ("stage-2-start", "stage_2_started_on"),
        ("stage-2-end", "stage_2_ended_on"),
        ("approval", "approved_on"),
        ("ffa-approval", "ffa_approved_on"),
    ):
        if not getattr(household, field):
            return slug
    return None


@rule("adopters")
def household_stage(request, adopter_household_id, adopter_stage):
    found = selectors.household_or_404(adopter_household_id)
    if adopter_stage not in STAGES:
        raise Http404("No such stage")
    title, service, label, late = STAGES[adopter_stage]
    data = request.POST or None
    if adopter_stage == "left":
        form = LeftForm(data)
        call = lambda d: services.record_left(request.user, found, on=d["on"], reason=d["reason"] or "")  # noqa: E731
    else:
        form = DateStepForm(data, label=label, late=late)
        if late:
            call = lambda d: service(request.user, found, on=d["on"], late_reason=d["late_reason"])  # noqa: E731
        else:
            call = lambda d: service(request.user, found, on=d["on"])  # noqa: E731
    not_possible = f"They left the process on {long_date(found.left_on)}." if found.left_on else ""
    back = reverse("adoption:household", args=[found.pk])
    return case_step(
        request,
        form,
        act=call,
        success=lambda _: Success(f"{title}: saved", back),
        page=lambda: step_page(
            request,
            StepPage(
                title=title,
                back=back,
                about=found,
                caption=f"{found.reference}: {found.name}",
                not_possible=not_possible,
                rows=[("Status", status_of(found))],
                audit_summary=f"Viewed the page: {title[0].lower()}{title[1:]} ({found.reference})",
            ),
            form,
        ),
    )
