"""Multi-agency audits' steps, each one transaction that checks everything before it writes
(kernel.rules.RuleBroken with messages by field) and audits the change.

The partnership plans a themed audit (`plan_audit`): the questions, the sampling rule and size,
the sample date, the auditors, the agencies taking part and the window in which the auditors may
open the sampled children's records (at most the local rule `multi-agency-audit-access`, 90 days
[U]). `draw_sample` applies the rule and draws the sample by the audit's seed; a restricted child
in it refuses the whole draw unless every auditor is named on the restriction, with a message
naming no child. Each agency taking part answers on the cases it knows (`answer_case`: once per
case and agency), the auditors grade each case overall (`grade_case`), actions are owned by one
agency (`add_action`, `update_action`), and completing the audit (`complete_audit`) ends the
auditors' access.
"""

import datetime
import secrets
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit import services as audit
from kernel import timescales
from kernel.rules import Errors, RuleBroken, check_date, long_date
from partners.access import RECORD_READERS
from partners.models import Agency, User
from people.access import shown
from people.models import Person

from . import rules
from .models import AgencyAnswer, AgencyReturn, AuditAction, AuditQuestion, MultiAgencyAudit, SampledCase

ACCESS_WINDOW = "multi-agency-audit-access"
# Who may be named an auditor: the business unit, the scrutineer, and practitioners of any agency
# (people.access.GRANTEE_ROLES and the record readers: those a grant gives the record to).
AUDITOR_ROLES = frozenset({User.Role.PARTNERSHIP_OFFICER, User.Role.SCRUTINEER}) | RECORD_READERS
LIVE = (MultiAgencyAudit.Status.SAMPLED, MultiAgencyAudit.Status.IN_PROGRESS)
RESTRICTED_MESSAGE = (
    "The sample includes a restricted record that not every auditor is named on. Nothing has been "
    "saved: ask the record's owner to name the auditors on it, or change the auditors"
)


def _required(errors: Errors, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, message)
    return value


def reason_of(found: MultiAgencyAudit) -> str:
    """The reason the auditors' views of a sampled child's record carry in the audit trail."""
    return f"multi-agency audit {found.reference}"


def _next_reference() -> str:
    year = timezone.localdate().year
    count = MultiAgencyAudit.objects.filter(reference__startswith=f"MAA-{year}-").count() + 1
    return f"MAA-{year}-{count:03d}"


def _lock(found: MultiAgencyAudit) -> MultiAgencyAudit:
    return MultiAgencyAudit.objects.select_for_update().get(pk=found.pk)


def _check_window(errors: Errors, access_from: datetime.date | None, access_to: datetime.date | None) -> None:
    if access_from is None:
        errors.add("access_from", "Enter the first day the auditors may open the records")
    if access_to is None:
        errors.add("access_to", "Enter the last day the auditors may open the records")
    if access_from is None or access_to is None:
        return
    if access_to < access_from:
        errors.add("access_to", "The last day of access cannot be before the first")
        return
    longest = timescales.due(ACCESS_WINDOW, access_from)
    if access_to > longest.due_date:
        rule = timescales.rule_for(ACCESS_WINDOW, access_from)
        errors.add(
            "access_to",
            f"The auditors' access can last at most {rule.offset} days: the last day can be "
            f"{long_date(longest.due_date)} at the latest",
        )


def _questions_for(agencies: Sequence[Agency], questions: Sequence[tuple[str, Sequence[Agency]]], errors: Errors):
    kept = [(text.strip(), list(asked)) for text, asked in questions if text.strip()]
    if not kept:
        errors.add("questions", "Enter at least one audit question")
    taking_part = {agency.pk for agency in agencies}
    for text, asked in kept:
        if any(agency.pk not in taking_part for agency in asked):
            errors.add("questions", f"Ask the question “{text[:60]}” only of agencies taking part")
    return kept


@transaction.atomic
def plan_audit(
    user: User,
    *,
    theme: str,
    sample_rule: str,
    sample_size: int | None,
    sample_date: datetime.date | None,
    auditors: Iterable[User],
    agencies: Iterable[Agency],
    questions: Sequence[tuple[str, Sequence[Agency]]],
    access_from: datetime.date | None,
    access_to: datetime.date | None,
    purpose: str = "",
    seed: int | None = None,
) -> MultiAgencyAudit:
    """A themed multi-agency audit, planned: nothing is sampled until `draw_sample`."""
    errors = Errors()
    theme = _required(errors, "theme", theme, "Enter the theme of the audit")
    if rules.sample_rule(sample_rule) is None:
        errors.add("sample_rule", "Select the rule the sample is drawn by")
    if sample_size is None or sample_size < 1:
        errors.add("sample_size", "Enter how many cases to sample, 1 or more")
    elif sample_size > rules.max_sample_size():
        errors.add("sample_size", f"Sample at most {rules.max_sample_size()} cases")
    check_date(errors, "sample_date", sample_date, label="sample date")
    auditors, agencies = list(auditors), list(agencies)
    if not auditors:
        errors.add("auditors", "Select at least one auditor")
    for auditor in auditors:
        if not auditor.is_active or auditor.role not in AUDITOR_ROLES:
            errors.add("auditors", f"{auditor.get_full_name() or auditor.username} cannot be an auditor")
    if not agencies:
        errors.add("agencies", "Select the agencies taking part")
    kept = _questions_for(agencies, questions, errors)
    _check_window(errors, access_from, access_to)
    errors.raise_if_any()
    assert sample_size is not None
    assert sample_date is not None
    assert access_from is not None
    assert access_to is not None
    found = MultiAgencyAudit.objects.create(
        reference=_next_reference(),
        theme=theme,
        purpose=purpose.strip(),
        sample_rule=sample_rule,
        sample_size=sample_size,
        sample_date=sample_date,
        seed=seed if seed is not None else secrets.randbelow(2**31),
        access_from=access_from,
        access_to=access_to,
        created_by=user,
    )
    found.auditors.set(auditors)
    found.agencies.set(agencies)
    for number, (text, asked) in enumerate(kept, start=1):
        question = AuditQuestion.objects.create(audit=found, number=number, text=text)
        question.agencies.set(asked)
    audit.record_creation(user, found, summary=f"Planned multi-agency audit {found.reference}: {theme}"[:300])
    return found


@transaction.atomic
def add_question(user: User, found: MultiAgencyAudit, *, text: str, agencies: Iterable[Agency]) -> AuditQuestion:
    """Another question, for all the agencies taking part or some of them; only before any
    agency has answered."""
    found = _lock(found)
    errors = Errors()
    if found.status not in (MultiAgencyAudit.Status.PLANNED, MultiAgencyAudit.Status.SAMPLED):
        raise RuleBroken("Questions can be added only before the agencies start answering")
    asked = list(agencies)
    kept = _questions_for(list(found.agencies.all()), [(text, asked)], errors)
    if errors:
        errors["text"] = errors.pop("questions")
    errors.raise_if_any()
    number = (found.questions.aggregate(n=Max("number"))["n"] or 0) + 1
    question = AuditQuestion.objects.create(audit=found, number=number, text=kept[0][0])
    question.agencies.set(asked)
    audit.record_creation(user, question, summary=f"Added question {number} to multi-agency audit {found.reference}")
    return question


@transaction.atomic
def draw_sample(user: User, found: MultiAgencyAudit) -> list[SampledCase]:
    """Apply the audit's rule on its sample date and draw the sample by its seed. A restricted
    child in the sample refuses the whole draw unless every auditor is named on the restriction:
    the message names no child, and nothing is saved."""
    found = _lock(found)
    if found.status != MultiAgencyAudit.Status.PLANNED:
        raise RuleBroken("The sample has already been drawn")
    rule = rules.sample_rule(found.sample_rule)
    if rule is None:
        raise RuleBroken("The audit's sampling rule is no longer known")
    matched = rules.matches(rule, found.sample_date)
    drawn = rules.draw(matched, found.sample_size, found.seed)
    if not drawn:
        raise RuleBroken(f"No child matches the rule on {long_date(found.sample_date)}: there is nothing to sample")
    people = Person.objects.in_bulk([match.person_id for match in drawn])
    restricted = [person for person in people.values() if person.restricted]
    if restricted:
        for auditor in found.auditors.all():
            if not all(shown(auditor, restricted).values()):
                raise RuleBroken(RESTRICTED_MESSAGE)
    cases = SampledCase.objects.bulk_create(
        SampledCase(audit=found, person=people[match.person_id], number=number, reason=match.reason[:300])
        for number, match in enumerate(drawn, start=1)
    )
    found.status, found.eligible_count = MultiAgencyAudit.Status.SAMPLED, len(matched)
    found.save(update_fields=["status", "eligible_count"])
    auditors = list(found.auditors.all())
    window = f"{long_date(found.access_from)} to {long_date(found.access_to)}"
    audit.record_many(
        audit.entry(
            user,
            "create",
            obj=case,
            person=case.person_id,
            summary=f"Sampled for multi-agency audit {found.reference}: its auditors may open the record {window}",
            detail={
                "auditors": [a.pk for a in auditors],
                "access_from": found.access_from.isoformat(),
                "access_to": found.access_to.isoformat(),
                "seed": found.seed,
            },
            reason=reason_of(found),
        )
        for case in cases
    )
    audit.record_change(
        user,
        found,
        {"status": (MultiAgencyAudit.Status.PLANNED, MultiAgencyAudit.Status.SAMPLED)},
        summary=f"Drew the sample of multi-agency audit {found.reference}: {len(cases)} of {len(matched)} children",
    )
    return cases


def questions_for(found: MultiAgencyAudit, agency: Agency | int) -> list[AuditQuestion]:
    """The questions an agency answers: those asked of it, and those asked of every agency."""
    agency_id = getattr(agency, "pk", agency)
    return [
        question
        for question in found.questions.prefetch_related("agencies")
        if not question.agencies.all() or any(a.pk == agency_id for a in question.agencies.all())
    ]


def may_answer(user: User, found: MultiAgencyAudit) -> bool:
    """An agency taking part answers through its practitioners while the audit is live."""
    return (
        user.agency_id is not None
        and user.role in RECORD_READERS
        and found.status in LIVE
        and found.agencies.filter(pk=user.agency_id).exists()
    )


@transaction.atomic
def answer_case(
    user: User,
    case: SampledCase,
    *,
    known: str,
    grade: str = "",
    findings: str = "",
    answers: Mapping[int, str] | None = None,
) -> AgencyReturn:
    """The user's agency answers the audit's questions on one case, grades the case and gives its
    findings; or says the child is not known to it. Once per case and agency: a second
    submission (a retried form) is refused, and never makes a second answer."""
    case = SampledCase.objects.select_for_update().select_related("audit").get(pk=case.pk)
    found = case.audit
    if not may_answer(user, found):
        raise PermissionError("Your agency is not answering this audit")
    assert user.agency_id is not None
    if AgencyReturn.objects.filter(case=case, agency_id=user.agency_id).exists():
        raise RuleBroken("Your agency has already answered on this case")
    errors = Errors()
    answers = answers or {}
    questions = questions_for(found, user.agency_id)
    kept: dict[int, str] = {}
    if known not in ("yes", "no"):
        errors.add("known", "Select whether the child is known to your agency")
    elif known == "yes":
        if grade not in dict(rules.grades()):
            errors.add("grade", "Select the grade of your agency's work with the child")
        for question in questions:
            text = (answers.get(question.pk) or "").strip()
            if not text:
                errors.add(f"question_{question.pk}", f"Answer question {question.number}")
            kept[question.pk] = text
        findings = _required(errors, "findings", findings, "Enter your agency's findings")
    errors.raise_if_any()
    agency_return = AgencyReturn.objects.create(
        case=case,
        agency_id=user.agency_id,
        known=known == "yes",
        grade=grade if known == "yes" else "",
        findings=findings.strip() if known == "yes" else "",
        answered_by=user,
    )
    AgencyAnswer.objects.bulk_create(
        AgencyAnswer(agency_return=agency_return, question_id=pk, answer=text) for pk, text in kept.items()
    )
    if found.status == MultiAgencyAudit.Status.SAMPLED:
        MultiAgencyAudit.objects.filter(pk=found.pk).update(status=MultiAgencyAudit.Status.IN_PROGRESS)
    audit.record_creation(
        user,
        agency_return,
        person=case.person_id,
        summary=f"Answered multi-agency audit {found.reference} on case {case.number}",
    )
    return agency_return


@transaction.atomic
def grade_case(user: User, case: SampledCase, *, grade: str, findings: str) -> SampledCase:
    """The overall grade of a case and the findings, from all the agencies' answers."""
    case = SampledCase.objects.select_for_update().select_related("audit").get(pk=case.pk)
    if case.audit.status not in LIVE:
        raise RuleBroken("Cases can be graded only while the audit is in progress")
    errors = Errors()
    if grade not in dict(rules.grades()):
        errors.add("grade", "Select the overall grade of the case")
    findings = _required(errors, "findings", findings, "Enter the findings on the case")
    errors.raise_if_any()
    old = case.grade
    case.grade, case.findings = grade, findings
    case.save(update_fields=["grade", "findings"])
    audit.record_change(
        user,
        case,
        {"grade": (old, grade)},
        person=case.person_id,
        summary=f"Graded case {case.number} of multi-agency audit {case.audit.reference}",
    )
    return case


@transaction.atomic
def add_action(
    user: User, found: MultiAgencyAudit, *, text: str, owner: Agency | None, due_on: datetime.date | None
) -> AuditAction:
    """An action arising from the audit, owned by one agency, due by a date."""
    found = _lock(found)
    errors = Errors()
    text = _required(errors, "text", text, "Enter the action")
    if owner is None:
        errors.add("owner", "Select the agency that owns the action")
    if due_on is None:
        errors.add("due_on", "Enter the date the action is due")
    elif due_on < found.sample_date:
        errors.add("due_on", f"The due date cannot be before the sample date ({long_date(found.sample_date)})")
    errors.raise_if_any()
    assert owner is not None
    assert due_on is not None
    number = (found.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    action = AuditAction.objects.create(audit=found, number=number, text=text, owner=owner, due_on=due_on)
    audit.record_creation(user, action, summary=f"Added action {number} to multi-agency audit {found.reference}")
    return action


@transaction.atomic
def update_action(
    user: User, action: AuditAction, *, status: str, completed_on: datetime.date | None = None
) -> AuditAction:
    action = AuditAction.objects.select_for_update().select_related("audit").get(pk=action.pk)
    errors = Errors()
    if status not in AuditAction.Status.values:
        errors.add("status", "Select the status of the action")
    if status == AuditAction.Status.COMPLETE:
        check_date(errors, "completed_on", completed_on, label="date it was completed")
    elif completed_on is not None:
        errors.add("completed_on", "Give a completion date only for a complete action")
    errors.raise_if_any()
    old = action.status
    action.status = status
    action.completed_on = completed_on if status == AuditAction.Status.COMPLETE else None
    action.save(update_fields=["status", "completed_on"])
    audit.record_change(
        user,
        action,
        {"status": (old, status)},
        summary=f"Updated action {action.number} of multi-agency audit {action.audit.reference}",
    )
    return action


@transaction.atomic
def complete_audit(
    user: User, found: MultiAgencyAudit, *, summary: str, completed_on: datetime.date | None
) -> MultiAgencyAudit:
    """The audit's findings, overall: it is complete, and the auditors' access to the sampled
    children's records ends."""
    found = _lock(found)
    if found.status not in LIVE:
        raise RuleBroken(
            "Draw the sample first" if found.status == MultiAgencyAudit.Status.PLANNED else "The audit is complete"
        )
    errors = Errors()
    summary = _required(errors, "summary", summary, "Enter the audit's findings")
    check_date(
        errors,
        "completed_on",
        completed_on,
        label="date the audit was completed",
        not_before=found.sample_date,
        not_before_label="the sample date",
    )
    ungraded = found.cases.filter(grade="").count()
    if ungraded:
        errors.add(
            "__all__",
            f"Grade every case first: {ungraded} {'case has' if ungraded == 1 else 'cases have'} no overall grade",
        )
    errors.raise_if_any()
    old = found.status
    found.status, found.summary, found.completed_on = MultiAgencyAudit.Status.COMPLETE, summary, completed_on
    found.save(update_fields=["status", "summary", "completed_on"])
    audit.record_change(
        user,
        found,
        {"status": (old, found.status)},
        summary=f"Completed multi-agency audit {found.reference}: the auditors' access to the records has ended",
    )
    audit.record_many(
        audit.entry(
            user,
            "update",
            obj=found,
            person=person_id,
            summary=f"Multi-agency audit {found.reference} complete: its auditors' access to the record has ended",
            reason=reason_of(found),
        )
        for person_id in found.cases.values_list("person_id", flat=True)
    )
    return found
