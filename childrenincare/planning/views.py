"""Care planning pages for a looked-after child: the care plan, the IRO, health assessments,
personal education plans, looked-after reviews, statutory visits, and the history of them all.

Views are thin: the rules are in childrenincare.planning.services and childrenincare.visits, whose
RuleBroken messages go on the form's fields (answered with status 400 and the GOV.UK error
summary, by kernel.casestep). A period of care of a child the user may not see answers the
same audited 404 as one that does not exist (pages.period_for); every page is audited as a
view of the child's record. Changing needs the case_change rule, reading case_work."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from childrenincare import outcomes, short_breaks, visits
from childrenincare.models import HealthAssessment
from childrenincare.pages import care_page, may_change, period_for, period_url, to_period
from kernel.access import rule
from kernel.casestep import case_step, step_page, viewed
from kernel.rules import long_date

from . import selectors
from . import services as care_planning
from .forms import (
    CarePlanForm,
    EducationPlanForm,
    HealthAssessmentForm,
    IroForm,
    ReviewForm,
    ShortBreaksEndedForm,
    VisitForm,
    YearOutcomesForm,
    chosen_user,
)


def _ended(period):
    return care_planning.ended_message(period) + "." if period.end_date else ""


def _due_rows(due, label="Due by"):
    """Summary-list rows for an open due date ({"deadline", "tag"} from care_planning.summary)."""
    if not due:
        return []
    deadline = due["deadline"]
    return [
        (deadline.rule_name, f"{label} {long_date(deadline.due_date)} ({due['tag']['text'].lower()})"),
        ("Why this date", deadline.explanation),
    ]


def _late_warning(due):
    if due and due["deadline"].due_date < timezone.localdate():
        return (
            f"{due['deadline'].rule_name} was due by {long_date(due['deadline'].due_date)}: give the reason it is late."
        )
    return ""


# --- The care plan ------------------------------------------------------------------------

CARE_PLAN_TEXT = (
    "permanence_plan",
    "permanence_detail",
    "health",
    "education",
    "family_and_contact",
    "wishes_and_feelings",
    "support_after_care",
)


@rule("case_change")
def care_plan(request, period_id):
    period = period_for(request, period_id)
    planning = care_planning.summary(period)
    current = planning["care_plan"]
    title = "Agree a new version of the care plan" if current else "Agree the care plan"
    if request.method == "POST":
        form = CarePlanForm(request.POST)
    else:
        # A new version starts from the current one, so nothing agreed before is retyped.
        form = CarePlanForm(initial={name: getattr(current, name) for name in CARE_PLAN_TEXT} if current else None)
    rows = [("Looked after since", long_date(period.start_date))]
    if current:
        rows.append(
            ("Current version", f"Agreed on {long_date(current.agreed_on)} (version {planning['care_plan_versions']})")
        )
        rows.append(("Plan for permanence", current.get_permanence_plan_display()))
    rows += _due_rows(planning["care_plan_due"]) + _due_rows(planning["permanence_due"])
    page = care_page(
        period,
        title,
        not_possible=_ended(period),
        rows=rows,
        warning=_late_warning(planning["care_plan_due"]),
        intro="The care plan includes the plan for permanence and the name of the independent "
        "reviewing officer (Care Planning Regulations 2010 reg 5).",
    )
    return case_step(
        request,
        form,
        act=lambda d: care_planning.record_care_plan(request.user, period, **d),
        success=lambda _: to_period(period, "Care plan saved"),
        page=lambda: step_page(request, page, form),
    )


# --- The IRO ------------------------------------------------------------------------------


@rule("case_change")
def iro(request, period_id):
    period = period_for(request, period_id)
    planning = care_planning.summary(period)
    title = "Change the independent reviewing officer" if period.iro else "Appoint the independent reviewing officer"
    form = IroForm(request.POST) if request.method == "POST" else IroForm()
    rows = [("Looked after since", long_date(period.start_date))]
    if period.iro:
        rows.append(("Independent reviewing officer now", f"{period.iro}, since {long_date(period.iro_appointed_on)}"))
    rows += _due_rows(planning["iro_due"])
    page = care_page(period, title, not_possible=_ended(period), rows=rows, warning=_late_warning(planning["iro_due"]))
    return case_step(
        request,
        form,
        act=lambda d: care_planning.appoint_iro(
            request.user, period, iro=chosen_user(d["iro"]), on=d["on"], late_reason=d["late_reason"]
        ),
        success=lambda found: to_period(period, f"{found.iro} is the child's independent reviewing officer"),
        page=lambda: step_page(request, page, form),
    )


# --- Health and education -----------------------------------------------------------------


@rule("case_change")
def health_assessment(request, period_id):
    period = period_for(request, period_id)
    planning = care_planning.summary(period)
    last = planning["last_health_assessment"]
    if request.method == "POST":
        form = HealthAssessmentForm(request.POST)
    else:
        form = HealthAssessmentForm(
            initial={"kind": HealthAssessment.Kind.REVIEW if last else HealthAssessment.Kind.INITIAL}
        )
    rows = [("Looked after since", long_date(period.start_date))]
    if last:
        rows.append(("Last health assessment", f"{last.get_kind_display()}, {long_date(last.held_on)}"))
    rows += _due_rows(planning["health_due"])
    page = care_page(
        period,
        "Record a health assessment",
        not_possible=_ended(period),
        rows=rows,
        warning=_late_warning(planning["health_due"]),
    )
    return case_step(
        request,
        form,
        act=lambda d: care_planning.record_health_assessment(request.user, period, **d),
        success=lambda found: to_period(period, f"{found.get_kind_display()} recorded"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def education_plan(request, period_id):
    period = period_for(request, period_id)
    planning = care_planning.summary(period)
    last = planning["last_education_plan"]
    if request.method == "POST":
        form = EducationPlanForm(request.POST)
    else:
        form = EducationPlanForm(
            initial={"school": last.school, "designated_teacher": last.designated_teacher} if last else None
        )
    rows = [("Looked after since", long_date(period.start_date))]
    if last:
        rows.append(("Last personal education plan", long_date(last.held_on)))
    rows += _due_rows(planning["education_due"])
    page = care_page(
        period,
        "Record a personal education plan",
        not_possible=_ended(period),
        rows=rows,
        warning=_late_warning(planning["education_due"]),
    )
    return case_step(
        request,
        form,
        act=lambda d: care_planning.record_personal_education_plan(request.user, period, **d),
        success=lambda _: to_period(period, "Personal education plan recorded"),
        page=lambda: step_page(request, page, form),
    )


# --- Reviews and visits -------------------------------------------------------------------


@rule("case_change")
def review(request, period_id):
    """A looked-after review. Unlike the other steps it may be recorded after the period ended,
    when it was held while the child was looked after."""
    period = period_for(request, period_id)
    planning = care_planning.summary(period)
    number = (planning["last_review"].number if planning["last_review"] else 0) + 1
    if request.method == "POST":
        form = ReviewForm(request.POST, period=period)
    else:
        form = ReviewForm(period=period, initial={"chair": str(period.iro_id)} if period.iro_id else None)
    rows = [("Looked after since", long_date(period.start_date))]
    if period.end_date:
        rows.append(("Stopped being looked after", long_date(period.end_date)))
    rows.append(("Independent reviewing officer", str(period.iro) if period.iro else "Not appointed yet"))
    if planning["last_review"]:
        last = planning["last_review"]
        rows.append(("Last review", f"Review {last.number}, {long_date(last.held_on)}"))
    rows += _due_rows(planning["next_review"])
    page = care_page(
        period, f"Record looked-after review {number}", rows=rows, warning=_late_warning(planning["next_review"])
    )
    return case_step(
        request,
        form,
        act=lambda d: care_planning.record_review(
            request.user,
            period,
            held_on=d["held_on"],
            participation=d["participation"],
            chair=chosen_user(d["chair"]),
            considered_return_home=d["considered_return_home"],
            decisions=d["decisions"],
            late_reason=d["late_reason"],
        ),
        success=lambda found: to_period(period, f"Looked-after review {found.number} recorded"),
        page=lambda: step_page(request, page, form),
    )


@rule("case_change")
def visit(request, period_id):
    period = period_for(request, period_id)
    planning = care_planning.summary(period)
    form = VisitForm(request.POST) if request.method == "POST" else VisitForm()
    rows = [("Looked after since", long_date(period.start_date))]
    if planning["last_visit"]:
        rows.append(("Last visit", long_date(planning["last_visit"].visited_on)))
    rows += _due_rows(planning["next_visit"])
    page = care_page(
        period,
        "Record a statutory visit",
        not_possible=_ended(period),
        rows=rows,
        warning=_late_warning(planning["next_visit"]),
        intro="See the child alone unless they refuse or it is not appropriate "
        "(Care Planning Regulations 2010 reg 29).",
    )
    return case_step(
        request,
        form,
        act=lambda d: visits.record_visit(
            request.user,
            period,
            visited_on=d["visited_on"],
            seen=d["seen"],
            seen_alone=d["seen_alone"],
            bedroom_seen=d["bedroom_seen"],
            notes=d["notes"],
            late_reason=d["late_reason"],
        ),
        success=lambda _: to_period(period, "Statutory visit recorded"),
        page=lambda: step_page(request, page, form),
    )


# --- The history --------------------------------------------------------------------------


@rule("case_work")
def planning(request, period_id):
    """Everything recorded about care planning in the period, newest first, with late reasons."""
    period = period_for(request, period_id)
    viewed(request, period, period.person, "Viewed the care planning history")
    changeable = may_change(request.user)
    return render(
        request,
        "childrenincare/planning/history.html",
        {
            "person": period.person,
            "period": period,
            "planning": care_planning.summary(period),
            "may_change": changeable,
            "care_plans": selectors.care_plans(period),
            "reviews": selectors.reviews(period),
            "visits": selectors.visits(period),
            "health_assessments": selectors.health_assessments(period),
            "education_plans": selectors.education_plans(period),
            "back": period_url(period),
        },
    )


@rule("case_change")
def year_outcomes(request, period_id, year):
    """The year's outcomes for the SSDA903 OC2, for a child looked after for 12 months at 31 March."""
    period = period_for(request, period_id)
    if not outcomes.FIRST_YEAR <= year <= outcomes.LAST_YEAR:
        raise Http404("No such collection year")
    label = f"{year - 1} to {year}"
    title = f"Outcomes for {label}"
    existing = selectors.year_outcomes(period, year)
    if request.method == "POST":
        form = YearOutcomesForm(request.POST)
    else:
        yes_no = {True: "yes", False: "no", None: ""}
        form = YearOutcomesForm(
            initial={
                "sdq_score": existing.sdq_score,
                "sdq_reason": existing.sdq_reason,
                **{
                    name: yes_no[getattr(existing, name)]
                    for name in (
                        "convicted",
                        "health_check",
                        "substance_misuse",
                        "intervention_offered",
                        "intervention_received",
                    )
                },
            }
            if existing
            else None
        )
    not_possible = (
        ""
        if outcomes.in_care_for_a_year(period, year)
        else (f"The child was not looked after for 12 months at 31 March {year}, so the return does not ask for these.")
    )
    health = outcomes.health_figures(period, year)
    rows = [
        ("Looked after since", long_date(period.start_date)),
        (
            "From the health assessments",
            f"health assessment up to date: {'yes' if health['HEALTH_ASSESSMENT'] else 'no'}; "
            f"immunisations: {'yes' if health['IMMUNISATIONS'] else 'no'}; "
            f"teeth checked: {'yes' if health['TEETH_CHECK'] else 'no'}",
        ),
    ]
    return case_step(
        request,
        form,
        act=lambda _: outcomes.record_year_outcomes(request.user, period, year, **form.outcomes()),
        success=lambda _: to_period(period, f"Outcomes for {label} recorded"),
        page=lambda: step_page(request, care_page(period, title, not_possible=not_possible, rows=rows), form),
    )


@rule("case_change")
def short_breaks_ended(request, period_id):
    """The short breaks stopped: the series' review and visit due dates end (reg 48)."""
    period = period_for(request, period_id)
    form = ShortBreaksEndedForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda d: short_breaks.end_series(request.user, period.person, on=d["on"], reason=d["reason"]),
        success=lambda _: to_period(period, "Recorded that the short breaks ended"),
        page=lambda: step_page(
            request,
            care_page(
                period,
                "Record that the short breaks ended",
                not_possible=""
                if short_breaks.series_open(period.person)
                else "No short-break review or visit is due.",
                intro="The reviews and visits of the short breaks (Care Planning Regulations 2010 reg 48) "
                "stop being due.",
            ),
            form,
        ),
    )
