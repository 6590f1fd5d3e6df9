"""The pages of an immediate placement with a parent (regulation 19): the assessment of the
parent and the household, and the nominated officer's decision. Views are thin: the rules are in
childrenincare.with_parent.services, whose RuleBroken messages go on the form's fields."""

from childrenincare import selectors
from childrenincare.pages import care_page, ended, period_for, period_rows, to_period
from kernel.access import rule
from kernel.casestep import case_step, step_page

from . import services as with_parent
from .forms import ParentAssessmentForm, WithParentDecisionForm


def _immediate_not_possible(period):
    placement = selectors.current_placement(period)
    if period.end_date:
        return ended(period)
    if placement is None or not placement.immediate_with_parent:
        return "The child is not in an immediate placement with a parent (regulation 19)."
    return ""


@rule("case_change")
def with_parent_assessment(request, period_id):
    period = period_for(request, period_id)
    form = ParentAssessmentForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda d: with_parent.record_parent_assessment(
            request.user, period, completed_on=d["completed_on"], findings=d["findings"], late_reason=d["late_reason"]
        ),
        success=lambda _: to_period(period, "Recorded the assessment"),
        page=lambda: step_page(
            request,
            care_page(
                period,
                "Record the assessment of the placement with a parent",
                rows=period_rows(period),
                not_possible=_immediate_not_possible(period),
                intro="Regulation 19: the assessment of the parent and the household, and the review of the "
                "child's case, are completed within 10 working days of the placement.",
            ),
            form,
        ),
    )


@rule("case_change")
def with_parent_decision(request, period_id):
    period = period_for(request, period_id)
    form = WithParentDecisionForm(request.POST or None)
    return case_step(
        request,
        form,
        act=lambda d: with_parent.decide_placement_with_parent(
            request.user,
            period,
            decided_on=d["decided_on"],
            confirm={"yes": True, "no": False}.get(d["confirm"]),
            reasons=d["reasons"],
            late_reason=d["late_reason"],
        ),
        success=lambda _: to_period(period, "Recorded the decision"),
        page=lambda: step_page(
            request,
            care_page(
                period,
                "Decide the placement with a parent",
                rows=period_rows(period),
                not_possible=_immediate_not_possible(period),
                intro="Regulation 19: a nominated officer makes and approves the decision within 10 working "
                "days after the assessment. If it is not confirmed, the placement ends: record the child's "
                "next placement.",
            ),
            form,
        ),
    )
