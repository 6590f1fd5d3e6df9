"""Multi-agency audits' pages: the audits (rule `partnership_audits`: every audit for the
business unit, the scrutineer and the head of service; a practitioner only the audits they are
named auditor on), planning and running one (`partnership_change`), and the cases waiting for an
agency's answer (`partnership_audit_answers`).

A sampled child is named only to a user who may be shown them (people.access.shown); a case's
answers are shown only to a user who may open the child's full record (people.access.levels:
the auditors while the access window is open). Every page naming a child is audited against the
child, with the reason "multi-agency audit <reference>"."""

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.urls import reverse

from audit import services as audit
from kernel.access import rule
from kernel.casestep import StepPage, Success, case_step, step_page, viewed
from kernel.rules import long_date
from partners.access import RECORD_READERS
from people.access import Level, levels, shown

from ..pages import NotFound, found_or_404, may_change
from . import forms, rules, selectors, services
from .models import AuditAction, MultiAgencyAudit, SampledCase

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


def _audit(request: "SignedInRequest", audit_id: int) -> MultiAgencyAudit:
    return found_or_404(selectors.audit(request.user, audit_id), "multi-agency audit", audit_id)


def _audit_url(found: MultiAgencyAudit) -> str:
    return reverse("partnership:audits:audit", args=[found.pk])


def _sample_url(found: MultiAgencyAudit) -> str:
    return reverse("partnership:audits:sample", args=[found.pk])


def _caption(found: MultiAgencyAudit) -> str:
    return f"Multi-agency audit {found.reference}"


def _window(found: MultiAgencyAudit) -> str:
    return f"{long_date(found.access_from)} to {long_date(found.access_to)}"


@rule("partnership_audits")
def audits(request: "SignedInRequest"):
    found = list(selectors.audits_for(request.user))
    viewed(request, None, None, "Viewed the multi-agency audits")
    return render(request, "partnership/audits/list.html", {"audits": found, "may_change": may_change(request)})


@rule("partnership_change")
def audit_new(request: "SignedInRequest"):
    form = forms.AuditForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda _: services.plan_audit(request.user, **form.service_data()),
        success=lambda done: Success(
            f"Multi-agency audit {done.reference} planned: draw its sample next", _audit_url(done)
        ),
        page=lambda: step_page(
            request,
            StepPage(
                title="Plan a multi-agency audit",
                back=reverse("partnership:audits:list"),
                caption="Safeguarding partnership",
                rows=[(rule.name, rule.explanation) for rule in rules.sample_rules()],
                intro="The sampling rules:",
            ),
            form,
        ),
    )


@rule("partnership_audits")
def audit_page(request: "SignedInRequest", audit_id: int):
    found = _audit(request, audit_id)
    viewed(request, found, None, f"Viewed multi-agency audit {found.reference}")
    questions = list(found.questions.prefetch_related("agencies"))
    actions = selectors.actions_of(found)
    return render(
        request,
        "partnership/audits/audit.html",
        {
            "audit": found,
            "rule": rules.sample_rule(found.sample_rule),
            "questions": questions,
            "agencies": list(found.agencies.order_by("name")),
            "auditors": list(found.auditors.select_related("agency").order_by("last_name", "first_name")),
            "grades": selectors.grade_distribution(list(found.cases.only("grade"))),
            "actions": actions,
            "overdue": sum(1 for _, late in actions if late),
            "access_open": selectors.access_open(found),
            "live": found.status in services.LIVE,
            "may_change": may_change(request),
        },
    )


@rule("partnership_change")
def question_new(request: "SignedInRequest", audit_id: int):
    found = _audit(request, audit_id)
    form = forms.QuestionForm(request.POST if request.method == "POST" else None, audit=found)
    allowed = found.status in (MultiAgencyAudit.Status.PLANNED, MultiAgencyAudit.Status.SAMPLED)
    return case_step(
        request,
        form,
        act=lambda data: services.add_question(request.user, found, **data),
        success=lambda done: Success(f"Question {done.number} added", _audit_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Add an audit question",
                back=_audit_url(found),
                about=found,
                caption=_caption(found),
                not_possible="" if allowed else "Questions can be added only before the agencies start answering",
            ),
            form,
        ),
        allowed=allowed,
    )


def _audit_views(request: "SignedInRequest", found: MultiAgencyAudit, rows: list[selectors.CaseRow], summary: str):
    """Audit a page naming sampled children: one entry per child named, with the audit's reason."""
    audit.record_many(
        audit.entry(
            request.user,
            "view",
            obj=found,
            person=row.case.person_id,
            summary=summary,
            reason=services.reason_of(found),
        )
        for row in rows
        if not row.withheld
    )


@rule("partnership_audits")
def sample(request: "SignedInRequest", audit_id: int):
    found = _audit(request, audit_id)
    rows = selectors.cases_of(request.user, found)
    summary = f"Viewed the sample of multi-agency audit {found.reference}"
    viewed(request, found, None, summary)
    _audit_views(request, found, rows, summary)
    return render(
        request,
        "partnership/audits/sample.html",
        {
            "audit": found,
            "rule": rules.sample_rule(found.sample_rule),
            "rows": rows,
            "may_change": may_change(request),
            "access_open": selectors.access_open(found),
            "is_auditor": selectors.is_auditor(request.user, found),
            "may_open_records": request.user.role in RECORD_READERS,
        },
    )


@rule("partnership_change")
def draw(request: "SignedInRequest", audit_id: int):
    found = _audit(request, audit_id)
    form = forms.DrawForm(request.POST if request.method == "POST" else None)
    rule_found = rules.sample_rule(found.sample_rule)
    return case_step(
        request,
        form,
        act=lambda _: services.draw_sample(request.user, found),
        success=lambda cases: Success(f"Sample drawn: {len(cases)} cases", _sample_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title="Draw the sample",
                back=_audit_url(found),
                about=found,
                caption=_caption(found),
                rows=[
                    ("Rule", rule_found.name if rule_found else found.sample_rule),
                    ("How it is applied", rule_found.explanation if rule_found else ""),
                    ("Sample date", long_date(found.sample_date)),
                    ("Cases to sample", found.sample_size),
                    ("Seed", found.seed),
                    ("Auditors' access", _window(found)),
                ],
                intro="The same seed draws the same sample. A restricted record in the sample refuses the draw "
                "unless every auditor is named on it.",
                not_possible="" if found.status == MultiAgencyAudit.Status.PLANNED else "The sample has been drawn",
            ),
            form,
        ),
        allowed=found.status == MultiAgencyAudit.Status.PLANNED,
    )


def _case(request: "SignedInRequest", found: MultiAgencyAudit, case_id: int) -> SampledCase:
    """A sampled case whose child's full record the user may open (the auditors while the
    window is open); otherwise the same 404 as a case that does not exist."""
    case = selectors.case(found, case_id)
    if case is None or levels(request.user, [case.person])[case.person_id] != Level.FULL:
        raise NotFound("sampled case", case_id)
    return case


@rule("partnership_audits")
def case_page(request: "SignedInRequest", audit_id: int, audit_case_id: int):
    found = _audit(request, audit_id)
    case = _case(request, found, audit_case_id)
    summary = f"Viewed case {case.number} of multi-agency audit {found.reference}"
    viewed(request, found, None, summary)
    audit.record(
        request.user, "view", obj=case, person=case.person_id, summary=summary, reason=services.reason_of(found)
    )
    return render(
        request,
        "partnership/audits/case.html",
        {
            "audit": found,
            "case": case,
            "person": case.person,  # the key-facts banner (the viewer holds the child's full record)
            "grade": rules.grade_label(case.grade),
            "returns": [(r, rules.grade_label(r.grade)) for r in selectors.returns_of(case)],
            "may_grade": found.status in services.LIVE,
            "may_open_records": request.user.role in RECORD_READERS,
        },
    )


@rule("partnership_audits")
def case_grade(request: "SignedInRequest", audit_id: int, audit_case_id: int):
    found = _audit(request, audit_id)
    case = _case(request, found, audit_case_id)
    initial = {"grade": case.grade, "findings": case.findings}
    form = forms.GradeForm(request.POST if request.method == "POST" else None, initial=initial)
    case_url = reverse("partnership:audits:case", args=[found.pk, case.pk])
    audit.record(
        request.user,
        "view",
        obj=case,
        person=case.person_id,
        summary=f"Viewed the grading of case {case.number} of multi-agency audit {found.reference}",
        reason=services.reason_of(found),
    )
    return case_step(
        request,
        form,
        act=lambda data: services.grade_case(request.user, case, **data),
        success=lambda _: Success(f"Case {case.number} graded", _sample_url(found)),
        page=lambda: step_page(
            request,
            StepPage(
                title=f"Grade case {case.number}",
                back=case_url,
                about=case,
                person=case.person,
                caption=_caption(found),
                rows=[("Child", case.person.full_name), ("Why chosen", case.reason)],
                not_possible="" if found.status in services.LIVE else "The audit is complete",
            ),
            form,
        ),
        allowed=found.status in services.LIVE,
    )


@rule("partnership_change")
def action_new(request: "SignedInRequest", audit_id: int):
    found = _audit(request, audit_id)
    form = forms.ActionForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.add_action(request.user, found, **data),
        success=lambda done: Success(f"Action {done.number} added", _audit_url(found)),
        page=lambda: step_page(
            request, StepPage(title="Add an action", back=_audit_url(found), about=found, caption=_caption(found)), form
        ),
    )


@rule("partnership_change")
def action(request: "SignedInRequest", audit_action_id: int):
    found = AuditAction.objects.select_related("audit", "owner").filter(pk=audit_action_id).first()
    if found is None:
        raise NotFound("audit action", audit_action_id)
    initial = {"status": found.status}
    form = forms.ActionProgressForm(request.POST if request.method == "POST" else None, initial=initial)
    return case_step(
        request,
        form,
        act=lambda data: services.update_action(request.user, found, **data),
        success=lambda _: Success(f"Action {found.number} updated", _audit_url(found.audit)),
        page=lambda: step_page(
            request,
            StepPage(
                title=f"Progress on action {found.number}",
                back=_audit_url(found.audit),
                about=found,
                caption=_caption(found.audit),
                rows=[("Action", found.text), ("Owner", found.owner.name), ("Due by", long_date(found.due_on))],
            ),
            form,
        ),
    )


@rule("partnership_change")
def complete(request: "SignedInRequest", audit_id: int):
    found = _audit(request, audit_id)
    form = forms.CompleteForm(request.POST if request.method == "POST" else None)
    live = found.status in services.LIVE
    return case_step(
        request,
        form,
        act=lambda data: services.complete_audit(request.user, found, **data),
        success=lambda _: Success(
            f"Multi-agency audit {found.reference} complete: the auditors' access has ended", _audit_url(found)
        ),
        page=lambda: step_page(
            request,
            StepPage(
                title="Complete the audit",
                back=_audit_url(found),
                about=found,
                caption=_caption(found),
                warning="Completing the audit ends the auditors' access to the sampled children's records.",
                not_possible=""
                if live
                else (
                    "Draw the sample first"
                    if found.status == MultiAgencyAudit.Status.PLANNED
                    else "The audit is complete"
                ),
            ),
            form,
        ),
        allowed=live,
    )


# --- An agency's cases to answer -------------------------------------------------------------


@rule("partnership_audit_answers")
def inbox(request: "SignedInRequest"):
    rows = selectors.inbox(request.user)
    audit.record_many(
        [
            audit.entry(
                request.user,
                "view",
                summary="Viewed the multi-agency audit cases for their agency",
                detail={"cases": [row.case.pk for row in rows]},
            )
        ]
        + [
            audit.entry(
                request.user,
                "view",
                obj=row.case,
                person=row.case.person_id,
                summary="Viewed the multi-agency audit cases for their agency",
                reason=services.reason_of(row.audit),
            )
            for row in rows
            if not row.withheld
        ]
    )
    return render(request, "partnership/audits/inbox.html", {"rows": rows})


@rule("partnership_audit_answers")
def answer(request: "SignedInRequest", audit_case_id: int):
    case = selectors.inbox_case(request.user, audit_case_id)
    if case is None:
        raise NotFound("audit case", audit_case_id)
    found = case.audit
    done = selectors.answered(request.user, case)
    allowed = done is None and services.may_answer(request.user, found)
    questions = services.questions_for(found, request.user.agency_id) if request.user.agency_id else []
    form = forms.AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    named = shown(request.user, [case.person])[case.person_id]
    if named:
        audit.record(
            request.user,
            "view",
            obj=case,
            person=case.person_id,
            summary=f"Viewed case {case.number} of multi-agency audit {found.reference} to answer it",
            reason=services.reason_of(found),
        )
    return case_step(
        request,
        form,
        act=lambda _: services.answer_case(request.user, case, **form.service_data()),
        success=lambda _: Success(
            f"Your agency's answer on case {case.number} of {found.reference} has been sent",
            reverse("partnership:audits:inbox"),
        ),
        page=lambda: step_page(
            request,
            StepPage(
                title=f"Answer the audit on case {case.number}",
                back=reverse("partnership:audits:inbox"),
                about=case,
                person=case.person if named else None,
                caption=_caption(found),
                rows=[
                    ("Theme", found.theme),
                    ("Child", case.person.full_name if named else "Name withheld: restricted record"),
                    ("Why chosen", case.reason),
                ],
                not_possible=""
                if allowed
                else ("Your agency has answered on this case" if done else "The audit is not taking answers"),
            ),
            form,
        ),
        allowed=allowed,
    )
