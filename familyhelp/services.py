"""Business rules of Family Help under section 17, named as the field names them. Views and
the demo call these; each is one transaction, locks the child-in-need episode, checks every
rule before it writes (kernel.rules.RuleBroken otherwise), adds to the child's chronology,
is audited and issues or meets the due dates the timescale rules give (kernel.deadlines).

- referral_opened: the front door opened an episode; the 45-working-day assessment clock starts.
- allocate: the episode goes to a team and social worker; its due dates follow.
- start_assessment / complete_assessment / authorise_assessment: the child and family
  assessment, its factors (CIN census codes), outcome and a manager's authorisation.
- start_cin_plan / review_cin_plan / end_cin_plan: the child in need plan with its outcomes.
- record_visit: a child in need or child protection visit (seen, seen alone, bedroom seen).
- close_episode: the episode ends with a CIN census reason for closure, and is marked a
  referral with no further action (CIN census ReferralNFA) when nothing followed the referral.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from audit import services as audit
from casework.services import check_open, current_allocation, due_to_meet, issue_due, lock_episode, responsible
from chronology.services import record_event
from frontdoor.models import REFERRAL_INVOLVEMENT_KIND, Referral
from kernel import codelists, deadlines
from kernel.rules import Errors, as_date, check_date
from partners.models import User
from people.models import Involvement

from .models import (
    Allocation,
    Assessment,
    AssessmentFactor,
    ChildInNeedPlan,
    ChildInNeedReview,
    PlanOutcome,
    Visit,
)
from .selectors import is_open_plan, led_to_no_further_action, plan_basis
from .signals import visit_checked

if TYPE_CHECKING:
    from kernel.access import AnyUser
    from partners.models import Team
    from people.models import Person

ASSESSMENT_RULE = "assessment-completion"
STRATEGY_RULE = "strategy-discussion"
CIN_REVIEW_RULE = "child-in-need-review"
CIN_VISIT_RULE = "child-in-need-visit"
CP_VISIT_RULE = "child-protection-visit"
NO_FACTORS = "21"
AUTHORISERS = {User.Role.TEAM_MANAGER, User.Role.HEAD_OF_SERVICE}
ALLOCATION_KIND = "Child in need episode (allocated)"
# Closure reasons that say the case closed after assessment (CIN validator 8825Q).
AFTER_ASSESSMENT = {"RC8", "RC9"}


# --- The episode --------------------------------------------------------------------------


def referral_opened(
    user: AnyUser | None,
    referral: Referral,
    strategy_discussion_needed: bool = False,
    decided_on: datetime.date | None = None,
) -> None:
    """Start the clocks of a new episode: the assessment, 45 working days from the referral
    (Working Together 2023), and a strategy discussion when the front door asked for one.
    Called by frontdoor.services.decide_contact inside its transaction."""
    team = getattr(user, "team", None)
    deadlines.issue(
        ASSESSMENT_RULE, referral.referral_date, person=referral.person, subject=referral, episode=referral, team=team
    )
    if strategy_discussion_needed:
        deadlines.issue(
            STRATEGY_RULE,
            decided_on or referral.referral_date,
            person=referral.person,
            subject=referral,
            episode=referral,
            team=team,
        )


@transaction.atomic
def allocate(
    user: User,
    episode: Referral,
    *,
    team: Team | None,
    worker: User | None = None,
    on: datetime.date | None = None,
    change_reason: str = "",
) -> Allocation:
    """Allocate the episode to a team and (usually) a social worker, from a date. When the
    child already had a social worker and it changes, the reason (SSDA903 SW_REASON) is asked
    for; the child's first social worker is a first contact (FCONTA)."""
    episode = lock_episode(episode)
    on = on or timezone.localdate()
    errors = Errors()
    check_open(episode, errors)
    if team is None:
        errors.add("team", "Select the team")
    elif team.agency.kind != "local_authority":
        errors.add("team", "Allocate to a local-authority team")
    if worker is not None and team is not None and worker.team_id != team.pk:
        errors.add("worker", f"{worker} is not in {team}: select someone in the team")
    check_date(
        errors, "on", on, label="allocation date", not_before=episode.referral_date, not_before_label="the referral"
    )
    previous = current_allocation(episode)
    changing = worker is not None and previous is not None and previous.worker_id not in (None, worker.pk)
    if change_reason and not codelists.is_valid("social-worker-change-reason", change_reason):
        errors.add("change_reason", "Select why the social worker is changing")
    elif changing and not change_reason:
        errors.add("change_reason", f"Select why the social worker is changing from {previous.worker}")
    errors.raise_if_any()
    team = cast("Team", team)  # no error: a team was selected
    if previous is not None:
        if previous.team_id == team.pk and previous.worker_id == getattr(worker, "pk", None):
            return previous
        previous.end_date = on
        previous.save(update_fields=["end_date"])
        if previous.involvement_id:
            Involvement.objects.filter(pk=previous.involvement_id).update(end_date=on)
    allocation = new_allocation(
        episode.person,
        episode,
        team=team,
        worker=worker,
        on=on,
        by=user,
        change_reason=change_reason if changing else "",
    )
    allocation.involvement.save(force_insert=True)  # type: ignore[union-attr]  # new_allocation made it
    allocation.save(force_insert=True)
    deadlines.reassign(episode.person, team, worker, episode=episode)
    record_event(
        episode.person,
        "allocation",
        timezone.now(),
        allocation_title(team, worker),
        source=allocation,
        recorded_by=user,
    )
    audit.record_creation(user, allocation, person=episode.person, summary="Allocated the child in need episode")
    return allocation


def new_allocation(
    person: Person | int,
    episode: Referral | int,
    *,
    team: Team,
    worker: User | None,
    on: datetime.date,
    by: User | None,
    change_reason: str = "",
) -> Allocation:
    """The allocation `allocate` writes and the child's involvement it holds (ALLOCATION_KIND, with
    the team's agency), not yet written. Batches (the demo authority) may give the person and the
    episode as primary keys and write many with record_allocations."""
    involvement = Involvement(
        **({"person": person} if isinstance(person, Model) else {"person_id": person}),
        agency_id=team.agency_id,
        team=team,
        worker=worker,
        kind=ALLOCATION_KIND,
        start_date=on,
    )
    return Allocation(
        **({"episode": episode} if isinstance(episode, Model) else {"episode_id": episode}),
        team=team,
        worker=worker,
        start_date=on,
        allocated_by=by,
        involvement=involvement,
        change_reason=change_reason,
    )


def allocation_title(team: Team, worker: User | None) -> str:
    """The chronology's title for an allocation."""
    return f"Allocated to {team}" + (f" ({worker})" if worker else "")


def record_allocations(allocations: Sequence[Allocation], batch_size: int | None = None) -> list[Allocation]:
    """Write allocations made by new_allocation and their involvements, in one INSERT each (per
    batch_size rows). The batch's own steps: ending the allocation before (its end date and its
    involvement's) as `allocate` does, reassigning due dates, and the chronology
    (allocation_title) are the caller's."""
    Involvement.objects.bulk_create(
        [a.involvement for a in allocations],  # type: ignore[misc]  # new_allocation made each
        batch_size=batch_size,
    )
    return Allocation.objects.bulk_create(allocations, batch_size=batch_size)


CIN_PLAN_ENDED = "The child in need plan ended"  # why its open due dates are withdrawn
EPISODE_CLOSED = "The child in need episode closed"  # why its open due dates are withdrawn


def closure_title(reason: str) -> str:
    """The chronology's title for a closed episode, with the CIN census reason's label."""
    return f"Child in need episode closed: {codelists.label('cin-closure-reason', reason)}"


@transaction.atomic
def close_episode(user: User, episode: Referral, *, closure_date: datetime.date, reason: str) -> Referral:
    """Close the child in need episode with a CIN census reason for closure. Plans end first;
    "closed after assessment" needs an assessment (CIN validator 8825Q)."""
    episode = lock_episode(episode)
    errors = Errors()
    check_open(episode, errors)
    if not codelists.is_valid("cin-closure-reason", reason, on=as_date(closure_date) if closure_date else None):
        errors.add("reason", "Select the reason for closure")
    check_date(
        errors,
        "closure_date",
        closure_date,
        label="closure date",
        not_before=episode.referral_date,
        not_before_label="the referral",
    )
    if is_open_plan(ChildInNeedPlan, episode):
        errors.add("__all__", "End the child in need plan before closing the episode")
    if episode.cp_plans.filter(end_date__isnull=True).exists():
        errors.add(
            "__all__",
            "A child protection plan is open: it ends by a review conference (or for a listed "
            "reason) before the episode can close",
        )
    if episode.assessments.exclude(status=Assessment.Status.AUTHORISED).exists():
        errors.add("__all__", "An assessment is still open: complete and authorise it before closing the episode")
    if reason in AFTER_ASSESSMENT and not episode.assessments.filter(status=Assessment.Status.AUTHORISED).exists():
        errors.add(
            "reason",
            "Closed after assessment needs an authorised assessment on this episode "
            "(CIN census rule 8825Q): choose another reason, or complete the assessment first",
        )
    if reason in AFTER_ASSESSMENT and (
        episode.section47_enquiries.exists() or episode.cin_plans.exists() or episode.cp_plans.exists()
    ):
        errors.add(
            "reason",
            "Closed after assessment is only for an episode that went no further: this one had a "
            "section 47 enquiry or a plan (CIN census rule 2990). Choose another reason, such as "
            "no longer in need (RC7)",
        )
    open_s47 = episode.section47_enquiries.filter(outcome="").exists()
    if open_s47:
        errors.add("__all__", "A section 47 enquiry is still open: record its outcome first")
    if episode.periods_of_care.filter(end_date__isnull=True).exists():
        errors.add("__all__", "The child is looked after: record that care ended before closing the episode")
    errors.raise_if_any()
    nfa = led_to_no_further_action(episode, reason)
    Referral.objects.filter(pk=episode.pk).update(closure_date=closure_date, closure_reason=reason, referral_nfa=nfa)
    episode.closure_date, episode.closure_reason, episode.referral_nfa = closure_date, reason, nfa
    Allocation.objects.filter(episode=episode, end_date__isnull=True).update(end_date=closure_date)
    ids = list(
        Allocation.objects.filter(episode=episode, involvement__isnull=False).values_list("involvement_id", flat=True)
    )
    Involvement.objects.filter(pk__in=ids, end_date__isnull=True).update(end_date=closure_date)
    Involvement.objects.filter(person=episode.person, kind=REFERRAL_INVOLVEMENT_KIND, end_date__isnull=True).update(
        end_date=closure_date
    )
    deadlines.withdraw_for_episode(episode, EPISODE_CLOSED)
    record_event(
        episode.person, "episode-closed", timezone.now(), closure_title(reason), source=episode, recorded_by=user
    )
    changes: dict[str, tuple[Any, Any]] = {"closure_date": (None, closure_date), "closure_reason": ("", reason)}
    if nfa:
        changes["referral_nfa"] = (False, True)
    audit.record_change(
        user,
        episode,
        changes,
        person=episode.person,
        summary="Closed the child in need episode" + (": no further action after the referral" if nfa else ""),
    )
    return episode


# --- Child and family assessment ----------------------------------------------------------


@transaction.atomic
def start_assessment(
    user: User, episode: Referral, *, start_date: datetime.date, worker: User | None = None
) -> Assessment:
    episode = lock_episode(episode)
    errors = Errors()
    check_open(episode, errors)
    check_date(
        errors,
        "start_date",
        start_date,
        label="start date",
        not_before=episode.referral_date,
        not_before_label="the referral",
    )
    if episode.assessments.exclude(status=Assessment.Status.AUTHORISED).exists():
        errors.add("__all__", "An assessment is already in progress for this episode")
    errors.raise_if_any()
    if worker is None:
        _, worker = responsible(episode)
    assessment = Assessment.objects.create(
        episode=episode, person=episode.person, start_date=start_date, worker=worker or user
    )
    record_event(
        episode.person,
        "assessment",
        timezone.now(),
        f"Child and family assessment started on {start_date:%-d %B %Y}",
        source=assessment,
        recorded_by=user,
    )
    audit.record_creation(user, assessment, person=episode.person, summary="Started a child and family assessment")
    return assessment


def _lock_assessment(assessment):
    lock_episode(assessment.episode)
    return Assessment.objects.select_related("episode", "person").get(pk=assessment.pk)


@transaction.atomic
def complete_assessment(
    user: User,
    assessment: Assessment,
    *,
    factors: Iterable[str] | None,
    outcome: str,
    summary: str,
    next_steps: str = "",
    completed_date: datetime.date | None = None,
    internal_review_date: datetime.date | None = None,
) -> Assessment:
    """The worker's conclusion: the factors identified (CIN census codes), the analysis, the
    outcome and next steps; it then waits for a manager's authorisation."""
    assessment = _lock_assessment(assessment)
    completed_date = completed_date or timezone.localdate()
    errors = Errors()
    if assessment.status != Assessment.Status.IN_PROGRESS:
        errors.add("__all__", "This assessment has already been completed")
    factors = list(dict.fromkeys(factors or []))
    if not factors:
        errors.add("factors", "Select the factors identified, or “No factors identified”")
    elif NO_FACTORS in factors and len(factors) > 1:
        errors.add("factors", "“No factors identified” cannot be selected with other factors")
    bad = [code for code in factors if not codelists.is_valid("assessment-factor", code, on=completed_date)]
    if bad:
        errors.add("factors", f"These are not factors in use on {completed_date:%-d %B %Y}: {', '.join(bad)}")
    if outcome not in Assessment.Outcome.values:
        errors.add("outcome", "Select the outcome of the assessment")
    if not (summary or "").strip():
        errors.add("summary", "Enter the analysis: the child's needs, risks, strengths and views")
    check_date(
        errors,
        "completed_date",
        completed_date,
        label="completion date",
        not_before=assessment.start_date,
        not_before_label="the start of the assessment",
    )
    check_date(
        errors,
        "internal_review_date",
        internal_review_date,
        label="internal review date",
        not_before=assessment.start_date,
        not_before_label="the start of the assessment",
        required=False,
    )
    errors.raise_if_any()
    assessment.factors.all().delete()
    AssessmentFactor.objects.bulk_create(AssessmentFactor(assessment=assessment, code=code) for code in factors)
    assessment.outcome, assessment.summary, assessment.next_steps = outcome, summary.strip(), (next_steps or "").strip()
    assessment.completed_date, assessment.internal_review_date = completed_date, internal_review_date
    assessment.status = Assessment.Status.SUBMITTED
    assessment.save()
    record_event(
        assessment.person,
        "assessment",
        timezone.now(),
        f"Assessment completed: {assessment.get_outcome_display()}",
        detail=assessment.next_steps,
        source=assessment,
        recorded_by=user,
    )
    audit.record_change(
        user,
        assessment,
        {
            "status": (Assessment.Status.IN_PROGRESS, assessment.status),
            "outcome": ("", outcome),
            "factors": ([], factors),
        },
        person=assessment.person,
        summary="Completed the assessment for authorisation",
    )
    return assessment


@transaction.atomic
def authorise_assessment(
    user: User, assessment: Assessment, *, authorised_date: datetime.date | None = None, late_reason: str = ""
) -> Assessment:
    """A manager authorises the assessment: it is concluded (CIN census
    AssessmentAuthorisationDate), and the 45-working-day due date is met, late with a reason."""
    assessment = _lock_assessment(assessment)
    authorised_date = authorised_date or timezone.localdate()
    errors = Errors()
    if getattr(user, "role", None) not in AUTHORISERS:
        errors.add("__all__", "Only a team manager or head of service can authorise an assessment")
    if assessment.status != Assessment.Status.SUBMITTED:
        errors.add(
            "__all__",
            "Only a completed assessment can be authorised"
            if assessment.status == Assessment.Status.IN_PROGRESS
            else "This assessment is already authorised",
        )
    check_date(
        errors,
        "authorised_date",
        authorised_date,
        label="authorisation date",
        not_before=assessment.completed_date or assessment.start_date,
        not_before_label="its completion",
    )
    due = due_to_meet(errors, assessment.episode, ASSESSMENT_RULE, authorised_date, late_reason)
    errors.raise_if_any()
    assessment.status = Assessment.Status.AUTHORISED
    assessment.authorised_date, assessment.authorised_by = authorised_date, user
    assessment.late_reason = deadlines.reason_to_keep(due, authorised_date, late_reason)
    assessment.save()
    if due is not None:
        deadlines.complete(due, authorised_date, late_reason)
    if assessment.outcome == Assessment.Outcome.STRATEGY_DISCUSSION:
        issue_due(
            STRATEGY_RULE,
            authorised_date,
            person=assessment.person,
            subject=assessment.episode,
            episode=assessment.episode,
        )
    record_event(
        assessment.person,
        "assessment",
        timezone.now(),
        f"Assessment authorised by {user}: {assessment.get_outcome_display()}",
        source=assessment,
        recorded_by=user,
    )
    audit.record_change(
        user,
        assessment,
        {"status": (Assessment.Status.SUBMITTED, assessment.status), "authorised_date": (None, authorised_date)},
        person=assessment.person,
        summary="Authorised the assessment",
    )
    return assessment


# --- Child in need plans ------------------------------------------------------------------


@transaction.atomic
def start_cin_plan(
    user: User,
    episode: Referral,
    *,
    start_date: datetime.date,
    services: str,
    outcomes: Iterable[tuple[str, str]] | None,
) -> ChildInNeedPlan:
    """A child in need plan: after an authorised assessment (or a conference), with its
    services and measurable outcomes; reviews and visits fall due on the local schedule."""
    episode = lock_episode(episode)
    errors = Errors()
    check_open(episode, errors)
    basis = plan_basis(episode)
    if basis is None:
        errors.add(
            "__all__",
            "A child in need plan follows an authorised child and family assessment, or a child "
            "protection conference (Working Together 2023): authorise the assessment first",
        )
    check_date(
        errors,
        "start_date",
        start_date,
        label="start date of the plan",
        not_before=basis or episode.referral_date,
        not_before_label="the assessment's authorisation" if basis else "the referral",
    )
    if is_open_plan(ChildInNeedPlan, episode):
        errors.add("__all__", "This child already has an open child in need plan")
    if episode.cp_plans.filter(end_date__isnull=True).exists():
        errors.add("__all__", "This child is on a child protection plan: a child in need plan follows its end")
    if not (services or "").strip():
        errors.add("services", "Enter the services the plan provides")
    outcomes = [(d.strip(), (m or "").strip()) for d, m in (outcomes or []) if (d or "").strip()]
    if not outcomes:
        errors.add("outcomes", "Enter at least one outcome the plan is to achieve")
    errors.raise_if_any()
    plan = ChildInNeedPlan.objects.create(
        episode=episode, person=episode.person, start_date=start_date, services=services.strip(), created_by=user
    )
    PlanOutcome.objects.bulk_create(PlanOutcome(plan=plan, description=d, measure=m) for d, m in outcomes)
    issue_due(CIN_REVIEW_RULE, start_date, person=episode.person, subject=plan, episode=episode)
    issue_due(CIN_VISIT_RULE, start_date, person=episode.person, subject=plan, episode=episode)
    record_event(
        episode.person,
        "cin-plan",
        timezone.now(),
        f"Child in need plan started on {start_date:%-d %B %Y}",
        detail="\n".join(d for d, _ in outcomes),
        source=plan,
        recorded_by=user,
    )
    audit.record_creation(user, plan, person=episode.person, summary="Started a child in need plan")
    return plan


def _lock_plan(plan):
    lock_episode(plan.episode)
    return ChildInNeedPlan.objects.select_related("episode", "person").get(pk=plan.pk)


def _end_cin_plan(user, plan, end_date, reason):
    plan.end_date, plan.end_reason = end_date, reason
    plan.save(update_fields=["end_date", "end_reason"])
    deadlines.withdraw(plan, reason=CIN_PLAN_ENDED)
    record_event(
        plan.person, "cin-plan", timezone.now(), f"Child in need plan ended: {reason}", source=plan, recorded_by=user
    )
    audit.record_change(
        user,
        plan,
        {"end_date": (None, end_date), "end_reason": ("", reason)},
        person=plan.person,
        summary="Ended the child in need plan",
    )


@transaction.atomic
def review_cin_plan(
    user: User,
    plan: ChildInNeedPlan,
    *,
    review_date: datetime.date,
    progress: str,
    decision: str,
    achieved: Iterable[int] = (),
    late_reason: str = "",
) -> ChildInNeedReview:
    plan = _lock_plan(plan)
    errors = Errors()
    if plan.end_date is not None:
        errors.add("__all__", "This plan has ended")
    check_date(
        errors,
        "review_date",
        review_date,
        label="review date",
        not_before=plan.start_date,
        not_before_label="the start of the plan",
    )
    if not (progress or "").strip():
        errors.add("progress", "Enter the progress made towards the plan's outcomes")
    if decision not in {"continue", "end"}:
        errors.add("decision", "Select whether the plan continues or ends")
    due = due_to_meet(errors, plan, CIN_REVIEW_RULE, review_date, late_reason)
    errors.raise_if_any()
    review = ChildInNeedReview.objects.create(
        plan=plan,
        review_date=review_date,
        progress=progress.strip(),
        decision=decision,
        recorded_by=user,
        late_reason=deadlines.reason_to_keep(due, review_date, late_reason),
    )
    if achieved:
        plan.outcomes.filter(pk__in=list(achieved)).update(achieved=True)
    if due is not None:
        deadlines.complete(due, review_date, late_reason)
    record_event(
        plan.person,
        "cin-review",
        timezone.now(),
        f"Child in need review: {review.get_decision_display()}",
        detail=review.progress,
        source=review,
        recorded_by=user,
    )
    audit.record_creation(user, review, person=plan.person, summary="Reviewed the child in need plan")
    if decision == "end":
        _end_cin_plan(user, plan, review_date, "Ended at a review")
    else:
        issue_due(CIN_REVIEW_RULE, review_date, person=plan.person, subject=plan, episode=plan.episode)
    return review


@transaction.atomic
def end_cin_plan(user: User, plan: ChildInNeedPlan, *, end_date: datetime.date, reason: str) -> ChildInNeedPlan:
    plan = _lock_plan(plan)
    errors = Errors()
    if plan.end_date is not None:
        errors.add("__all__", "This plan has already ended")
    check_date(
        errors,
        "end_date",
        end_date,
        label="end date",
        not_before=plan.start_date,
        not_before_label="the start of the plan",
    )
    if not (reason or "").strip():
        errors.add("reason", "Enter why the plan is ending")
    errors.raise_if_any()
    _end_cin_plan(user, plan, end_date, reason.strip())
    return plan


# --- Visits -------------------------------------------------------------------------------


@transaction.atomic
def record_visit(
    user: User,
    episode: Referral,
    *,
    kind: str,
    visit_date: datetime.date,
    seen: bool,
    seen_alone: bool = False,
    bedroom_seen: bool = False,
    notes: str = "",
    late_reason: str = "",
) -> Visit:
    """A visit under the child's plan; the next visit falls due from it (local frequency). In
    the 12 months after a return home from care it also meets the return-home visit."""
    episode = lock_episode(episode)
    errors = Errors()
    plan: Model | None  # a child in need or a child protection plan
    rule: Any
    plan, rule = None, None
    if kind == Visit.Kind.CHILD_IN_NEED:
        plan, rule = ChildInNeedPlan.objects.filter(episode=episode, end_date__isnull=True).first(), CIN_VISIT_RULE
        if plan is None:
            errors.add("kind", "A child in need visit needs an open child in need plan")
    elif kind == Visit.Kind.CHILD_PROTECTION:
        plan, rule = episode.cp_plans.filter(end_date__isnull=True).first(), CP_VISIT_RULE
        if plan is None:
            errors.add("kind", "A child protection visit needs an open child protection plan")
    elif kind == Visit.Kind.ASSESSMENT:
        check_open(episode, errors)
    else:
        errors.add("kind", "Select the kind of visit")
    check_date(
        errors,
        "visit_date",
        visit_date,
        label="date of the visit",
        not_before=getattr(plan, "start_date", None) or episode.referral_date,
        not_before_label="the start of the plan" if plan else "the referral",
    )
    if seen is None:
        errors.add("seen", "Say whether the child was seen")
    elif not seen and seen_alone:
        errors.add("seen_alone", "The child was not seen, so cannot have been seen alone")
    due = due_to_meet(errors, plan, rule, visit_date, late_reason) if plan is not None else None
    # Other stages check what the visit also meets (a return-home visit: childrenincare.signals).
    also_meets = visit_checked.send(
        sender=Visit, errors=errors, person=episode.person, visit_date=visit_date, late_reason=late_reason
    )
    errors.raise_if_any()
    visit = Visit.objects.create(
        person=episode.person,
        episode=episode,
        kind=kind,
        visit_date=visit_date,
        seen=seen,
        seen_alone=bool(seen and seen_alone),
        bedroom_seen=bool(bedroom_seen),
        notes=(notes or "").strip(),
        visited_by=user,
        late_reason=deadlines.reason_to_keep(due, visit_date, late_reason),
    )
    if plan is not None:
        if due is not None:
            deadlines.complete(due, visit_date, late_reason)
        issue_due(rule, visit_date, person=episode.person, subject=plan, episode=episode)
    for _receiver, meet in also_meets:
        if meet is not None:
            meet()  # type: ignore[operator]  # a receiver returns the step that meets it
    seen_text = ("seen alone" if visit.seen_alone else "seen") if seen else "not seen"
    record_event(
        episode.person,
        "visit",
        timezone.now(),
        f"{visit.get_kind_display()}: child {seen_text}",
        detail=visit.notes,
        source=visit,
        recorded_by=user,
    )
    audit.record_creation(user, visit, person=episode.person, summary="Recorded a visit")
    return visit
