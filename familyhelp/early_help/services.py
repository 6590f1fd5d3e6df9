"""Early help, as the field names its steps: voluntary help for a family with emerging needs,
coordinated by a lead practitioner with an early help assessment and a family plan (Working
Together 2023, quoted by partnership procedures; process specification 2.3). Each service is
one transaction that locks the episode, checks every rule first (kernel.rules.RuleBroken with
messages by field), then writes, adds to each child's chronology, is audited, and issues or
meets the children's due dates (kernel.deadlines; the rules are local, [U], in
familyhelp/data/timescales.json).

- start_early_help / start_from_contact / step_down: an episode for the children of a family,
  only with the family's consent (early help is voluntary), from a contact the front door
  decided "early help or Family Help", from a Family Help episode closed RC9 ("referred to
  early help"), or directly.
- appoint_lead_practitioner: who coordinates it: a Family Help practitioner of the authority or
  a partner's practitioner (school, health, voluntary organisation: the Families First
  Partnership's "proportionate access for partners acting as lead practitioner"). The lead and
  their agency get the children's records through an involvement, for as long as they lead.
- start_assessment / complete_assessment: the early help assessment (Annex A List 2) with the
  organisation completing it, the needs found, the family's and the children's views.
- start_family_plan / review_family_plan: the family plan, its outcomes and reviews.
- close_early_help: needs met, stepped up to children's social care (a contact to the front
  door, kept on the episode, so its referral is linked), consent withdrawn, declined, moved.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from chronology.services import record_event
from familyhelp.models import (
    EarlyHelpAssessment,
    EarlyHelpChild,
    EarlyHelpEpisode,
    FamilyPlan,
    FamilyPlanOutcome,
    FamilyPlanReview,
    LeadPractitioner,
)
from frontdoor import services as front_door
from frontdoor.models import Contact, ContactDecision, ContactPerson
from kernel import deadlines
from kernel.models import Deadline
from kernel.rules import Errors, RuleBroken, as_date, check_date
from partners.access import CASE_ROLES, is_local_authority_staff
from partners.models import Agency, User
from people.models import Involvement

from .selectors import assessment_in_progress, completed_assessment, current_lead, open_episode_of, open_plan

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from frontdoor.models import Referral
    from kernel.access import AnyUser
    from people.models import Person

ASSESSMENT_RULE = "early-help-assessment"
REVIEW_RULE = "family-plan-review"
INVOLVEMENT_KIND = "Early help (lead practitioner)"
STEP_DOWN_REASON = "RC9"  # CIN census: case closed after assessment, referred to early help
Role = User.Role
# Who may lead early help: the authority's Family Help and social work staff, and partners'
# practitioners. [U] Local: many partnerships also let police or probation staff lead; this
# service keeps them out by default (LEAD_AGENCY_KINDS), since early help needs a practitioner
# who works with the family week by week.
LEAD_ROLES = frozenset({Role.FAMILY_HELP_LEAD, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.PARTNER_PRACTITIONER})
LEAD_AGENCY_KINDS = frozenset(
    {
        Agency.Kind.LOCAL_AUTHORITY,
        Agency.Kind.SCHOOL,
        Agency.Kind.EARLY_YEARS,
        Agency.Kind.HEALTH_PROVIDER,
        Agency.Kind.ICB,
        Agency.Kind.VOLUNTARY,
    }
)
# Stepping up: the source of the contact to the front door (CIN census referral source), by the
# lead practitioner's agency. 5D "local authority services: early help" for the authority's
# own; [U] 3F for health (the kind of health service is not known here).
STEP_UP_SOURCE = {
    Agency.Kind.LOCAL_AUTHORITY: "5D",
    Agency.Kind.SCHOOL: "2A",
    Agency.Kind.EARLY_YEARS: "2B",
    Agency.Kind.HEALTH_PROVIDER: "3F",
    Agency.Kind.ICB: "3F",
    Agency.Kind.VOLUNTARY: "8",
}


# --- Who may see and change early help -------------------------------------------------------


ENDED = "Early help ended"  # why the open due dates are withdrawn when an episode closes


def is_partner(user: AnyUser | None) -> bool:
    return getattr(user, "role", None) == Role.PARTNER_PRACTITIONER


def may_see(user: User, episode: EarlyHelpEpisode) -> bool:
    """Need-to-know within early help, beyond the children's records (people.access): a
    partner practitioner sees the early help they lead or led, or that their agency leads or
    assessed; local-authority case staff and Family Help leads see any they may see the
    children of."""
    if not is_partner(user):
        return True
    if not user.agency_id:
        return False
    return (
        LeadPractitioner.objects.filter(episode=episode).filter(Q(user=user) | Q(agency_id=user.agency_id)).exists()
        or EarlyHelpAssessment.objects.filter(episode=episode, organisation_id=user.agency_id).exists()
    )


def may_change(user: User, episode: EarlyHelpEpisode | None = None) -> bool:
    """Local-authority case staff and Family Help leads change early help; a partner
    practitioner only the open early help they lead now."""
    role = getattr(user, "role", None)
    if role == Role.FAMILY_HELP_LEAD or (role in CASE_ROLES and is_local_authority_staff(user)):
        return True
    if is_partner(user) and episode is not None:
        lead = current_lead(episode)
        return lead is not None and lead.user_id == user.pk
    return False


def visible_to(user: User, episodes: Iterable[EarlyHelpEpisode]) -> list[EarlyHelpEpisode]:
    """The episodes of a list this user may see (may_see), in a fixed number of queries."""
    episodes = list(episodes)
    if not is_partner(user):
        return episodes
    if not user.agency_id or not episodes:
        return []
    ids = [e.pk for e in episodes]
    seen = set(
        LeadPractitioner.objects.filter(episode_id__in=ids)
        .filter(Q(user=user) | Q(agency_id=user.agency_id))
        .values_list("episode_id", flat=True)
    )
    seen |= set(
        EarlyHelpAssessment.objects.filter(episode_id__in=ids, organisation_id=user.agency_id).values_list(
            "episode_id", flat=True
        )
    )
    return [e for e in episodes if e.pk in seen]


# --- Reading --------------------------------------------------------------------------------


def lead_candidates() -> QuerySet[User]:
    """Everyone who may be appointed lead practitioner (active, a lead role, an agency that leads)."""
    return (
        User.objects.filter(is_active=True, role__in=LEAD_ROLES, agency__kind__in=LEAD_AGENCY_KINDS)
        .select_related("agency", "team")
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def organisations() -> QuerySet[Agency]:
    """The agencies that may complete an early help assessment."""
    return Agency.objects.filter(kind__in=LEAD_AGENCY_KINDS).order_by("name")


# --- Checks ---------------------------------------------------------------------------------


def _lock(episode):
    return EarlyHelpEpisode.objects.select_for_update().get(pk=episode.pk)


def closed_message(episode: EarlyHelpEpisode) -> str:
    return f"This early help ended on {episode.closure_date:%-d %B %Y} ({episode.get_closure_reason_display().lower()})"


def _check_open(errors, episode):
    if episode.closure_date is not None:
        errors.add("__all__", closed_message(episode))


def check_lead(errors: Errors, lead: User | None, field: str = "lead_practitioner") -> None:
    if lead is None:
        errors.add(field, "Select the lead practitioner")
    elif (
        not lead.is_active
        or lead.role not in LEAD_ROLES
        or lead.agency_id is None
        or lead.agency.kind not in LEAD_AGENCY_KINDS  # type: ignore[union-attr,operator]  # agency_id is set
    ):
        errors.add(
            field,
            f"{lead} cannot lead early help: choose a Family Help or social work practitioner, or a "
            "practitioner of a school, early years setting, health service or voluntary organisation",
        )


def _children_rows(episode):
    return list(EarlyHelpChild.objects.filter(episode=episode).select_related("person").order_by("id"))


def _subject_type():
    return ContentType.objects.get_for_model(EarlyHelpChild)


def _open_deadlines(rows, slug):
    return list(
        Deadline.objects.filter(
            subject_type=_subject_type(),
            subject_id__in=[r.pk for r in rows],
            rule_slug=slug,
            status=Deadline.Status.OPEN,
        )
    )


def _due_to_meet(errors, rows, slug, on, late_reason):
    """The children's open due dates a step done on `on` meets; an error if late without a reason."""
    found = _open_deadlines(rows, slug)
    late = [d for d in found if deadlines.is_late(d, on)]
    if late and not (late_reason or "").strip():
        errors.add("late_reason", deadlines.late_message(late[0]))
    return found


def _issue(slug, start, rows, lead):
    for row in rows:
        deadlines.issue(
            slug,
            start,
            person=row.person,
            subject=row,
            team=lead.user.team if lead else None,
            worker=lead.user if lead else None,
        )


def _record(rows, kind, title, source, user, detail=""):
    now = timezone.now()
    for row in rows:
        record_event(row.person, kind, now, title, detail=detail, source=source, recorded_by=user)


def _involve(episode, rows, lead_user, on):
    Involvement.objects.bulk_create(
        Involvement(
            person=row.person,
            agency=lead_user.agency,
            team=lead_user.team,
            worker=lead_user,
            kind=INVOLVEMENT_KIND,
            start_date=on,
        )
        for row in rows
    )


def _end_involvements(rows, lead, on):
    Involvement.objects.filter(
        person__in=[r.person_id for r in rows], worker=lead.user, kind=INVOLVEMENT_KIND, end_date__isnull=True
    ).update(end_date=on)


# --- Starting -------------------------------------------------------------------------------


@transaction.atomic
def start_early_help(  # noqa: C901
    user: User,
    children: Iterable[Person],
    *,
    lead_practitioner: User | None,
    start_date: datetime.date,
    consent_given_on: datetime.date | None,
    consent_given_by: str,
    contact: Contact | None = None,
    stepped_down_from: Referral | None = None,
) -> EarlyHelpEpisode:
    """An early help episode for the children of a family (one family plan for them all). The
    family's consent is required: early help is voluntary. A partner practitioner starts early
    help only as its lead practitioner."""
    children = list(dict.fromkeys(children))
    errors = Errors()
    if not children:
        errors.add("__all__", "Choose the children the early help is for")
    for person in children:
        if person.kind != "child":
            errors.add("__all__", f"{person.full_name} is not a child: early help is for children and their families")
        elif open_episode_of(person) is not None:
            errors.add("__all__", f"{person.full_name} already has open early help: add to it, or close it first")
    check_lead(errors, lead_practitioner)
    if is_partner(user) and lead_practitioner is not None and lead_practitioner.pk != user.pk:
        errors.add(
            "lead_practitioner",
            "A partner practitioner starts early help as its lead practitioner: "
            "select yourself, or ask the Family Help team",
        )
    earliest, earliest_label = None, ""
    if contact is not None:
        earliest, earliest_label = timezone.localdate(contact.received_at), "the contact"
        decision = ContactDecision.objects.filter(contact=contact).first()
        if decision is None or decision.outcome != ContactDecision.Outcome.EARLY_HELP:
            errors.add(
                "__all__",
                "Early help starts from a contact the front door decided “early help or Family "
                "Help”: this contact was not",
            )
        if EarlyHelpEpisode.objects.filter(contact=contact).exists():
            errors.add("__all__", "Early help has already been started from this contact")
    if stepped_down_from is not None:
        earliest, earliest_label = stepped_down_from.closure_date, "the closure of the Family Help episode"
        if stepped_down_from.closure_reason != STEP_DOWN_REASON:
            errors.add(
                "__all__",
                "Stepping down to early help follows a Family Help episode closed “referred to "
                "early help” (RC9): this one was not",
            )
        if EarlyHelpEpisode.objects.filter(stepped_down_from=stepped_down_from).exists():
            errors.add("__all__", "Early help has already been started from this Family Help episode")
    check_date(
        errors, "start_date", start_date, label="start date", not_before=earliest, not_before_label=earliest_label
    )
    check_date(errors, "consent_given_on", consent_given_on, label="date the family gave consent")
    if consent_given_on and start_date and as_date(consent_given_on) > as_date(start_date):
        errors.add(
            "consent_given_on",
            "Early help starts only once the family has given consent: the date of "
            "consent cannot be after the start date",
        )
    if not (consent_given_by or "").strip():
        errors.add("consent_given_by", "Enter who in the family gave consent (early help is voluntary)")
    errors.raise_if_any()
    # No error: check_lead found a lead, and check_date a date of consent.
    lead_practitioner, consent_given_on = cast(User, lead_practitioner), cast(datetime.date, consent_given_on)
    route = (
        EarlyHelpEpisode.Route.CONTACT
        if contact
        else EarlyHelpEpisode.Route.STEP_DOWN
        if stepped_down_from
        else EarlyHelpEpisode.Route.DIRECT
    )
    episode = EarlyHelpEpisode.objects.create(
        person=children[0],
        route=route,
        contact=contact,
        stepped_down_from=stepped_down_from,
        start_date=start_date,
        consent_given_on=consent_given_on,
        consent_given_by=consent_given_by.strip()[:200],
        created_by=user,
    )
    rows = EarlyHelpChild.objects.bulk_create(EarlyHelpChild(episode=episode, person=p) for p in children)
    for row, person in zip(rows, children, strict=False):
        row.person = person
    lead = LeadPractitioner.objects.create(
        episode=episode,
        user=lead_practitioner,
        agency=lead_practitioner.agency,  # type: ignore[misc]  # check_lead: a lead has an agency
        start_date=start_date,
        appointed_by=user,
    )
    _involve(episode, rows, lead_practitioner, start_date)
    _issue(ASSESSMENT_RULE, start_date, rows, lead)
    _record(
        rows,
        "early-help",
        f"Early help started ({episode.get_route_display().lower()}); lead practitioner "
        f"{lead_practitioner} ({lead_practitioner.agency})",
        episode,
        user,
        detail=f"Consent given by {episode.consent_given_by} on {consent_given_on:%-d %B %Y}.",
    )
    for row in rows:
        audit.record_creation(user, episode, person=row.person, summary="Started early help")
    return episode


def start_from_contact(user: User, contact: Contact, **details: Any) -> EarlyHelpEpisode:
    """Early help for the children of a contact the front door decided "early help"."""
    children = [
        link.person
        for link in contact.people.select_related("person").order_by("id")
        if link.role in (ContactPerson.Role.SUBJECT, ContactPerson.Role.CHILD_IN_HOUSEHOLD)
        and link.person.kind == "child"
    ]
    return start_early_help(user, children, contact=contact, **details)


def step_down(user: User, referral: Referral, **details: Any) -> EarlyHelpEpisode:
    """Early help for a child whose Family Help episode closed RC9, "referred to early help"."""
    return start_early_help(user, [referral.person], stepped_down_from=referral, **details)


@transaction.atomic
def appoint_lead_practitioner(
    user: User, episode: EarlyHelpEpisode, *, lead_practitioner: User | None, on: datetime.date
) -> LeadPractitioner:
    """A new lead practitioner from a date: the last one's involvement ends, the new one's
    starts, and the children's open due dates follow the new lead."""
    episode = _lock(episode)
    errors = Errors()
    _check_open(errors, episode)
    check_lead(errors, lead_practitioner)
    previous = current_lead(episode)
    check_date(
        errors,
        "on",
        on,
        label="date they lead from",
        not_before=previous.start_date if previous else episode.start_date,
        not_before_label="the current lead's start" if previous else "the start",
    )
    if previous is not None and lead_practitioner is not None and previous.user_id == lead_practitioner.pk:
        errors.add("lead_practitioner", f"{lead_practitioner} already leads this early help")
    errors.raise_if_any()
    lead_practitioner = cast(User, lead_practitioner)  # no error: check_lead found a lead
    rows = _children_rows(episode)
    if previous is not None:
        previous.end_date = on
        previous.save(update_fields=["end_date"])
        _end_involvements(rows, previous, on)
    lead = LeadPractitioner.objects.create(
        episode=episode,
        user=lead_practitioner,
        agency=lead_practitioner.agency,  # type: ignore[misc]  # check_lead: a lead has an agency
        start_date=on,
        appointed_by=user,
    )
    _involve(episode, rows, lead_practitioner, on)
    Deadline.objects.filter(
        subject_type=_subject_type(), subject_id__in=[r.pk for r in rows], status=Deadline.Status.OPEN
    ).update(team=lead_practitioner.team, worker=lead_practitioner)
    _record(rows, "early-help", f"Lead practitioner now {lead_practitioner} ({lead_practitioner.agency})", lead, user)
    audit.record_creation(
        user, lead, person=rows[0].person if rows else None, summary="Appointed the early help lead practitioner"
    )
    return lead


# --- The early help assessment --------------------------------------------------------------


@transaction.atomic
def start_assessment(
    user: User, episode: EarlyHelpEpisode, *, start_date: datetime.date, organisation: Agency | None = None
) -> EarlyHelpAssessment:
    """The early help assessment begins; the organisation completing it is the lead
    practitioner's, unless another is named."""
    episode = _lock(episode)
    errors = Errors()
    _check_open(errors, episode)
    lead = current_lead(episode)
    organisation = organisation or (lead.agency if lead else None)
    if organisation is None:
        errors.add("organisation", "Select the organisation completing the assessment")
    elif organisation.kind not in LEAD_AGENCY_KINDS:
        errors.add(
            "organisation",
            f"{organisation} does not complete early help assessments: choose the "
            "authority, a school, an early years setting, a health service or a voluntary "
            "organisation",
        )
    check_date(
        errors,
        "start_date",
        start_date,
        label="start date of the assessment",
        not_before=episode.start_date,
        not_before_label="the start of early help",
    )
    if assessment_in_progress(episode) is not None:
        errors.add("__all__", "An early help assessment is already in progress: complete it first")
    errors.raise_if_any()
    organisation = cast(Agency, organisation)  # no error: an organisation was found
    assessment = EarlyHelpAssessment.objects.create(
        episode=episode,
        start_date=start_date,
        organisation=organisation,
        assessor=lead.user if lead else user,
        created_by=user,
    )
    rows = _children_rows(episode)
    _record(rows, "early-help-assessment", f"Early help assessment started by {organisation}", assessment, user)
    audit.record_creation(
        user, assessment, person=rows[0].person if rows else None, summary="Started an early help assessment"
    )
    return assessment


@transaction.atomic
def complete_assessment(
    user: User,
    assessment: EarlyHelpAssessment,
    *,
    completed_date: datetime.date,
    needs: str,
    family_views: str,
    child_views: str = "",
    consent_to_share: bool | None = None,
    late_reason: str = "",
) -> EarlyHelpAssessment:
    """The assessment is complete: the needs found and the family's own views, which the family
    plan answers. It meets the children's assessment due dates (late ones need the reason)."""
    episode = _lock(assessment.episode)
    assessment = EarlyHelpAssessment.objects.select_related("organisation").get(pk=assessment.pk)
    errors = Errors()
    _check_open(errors, episode)
    if assessment.completed_date is not None:
        errors.add("__all__", f"This assessment was completed on {assessment.completed_date:%-d %B %Y}")
    check_date(
        errors,
        "completed_date",
        completed_date,
        label="date the assessment was completed",
        not_before=assessment.start_date,
        not_before_label="its start",
    )
    if not (needs or "").strip():
        errors.add("needs", "Enter the needs the assessment found, and the family's strengths")
    if not (family_views or "").strip():
        errors.add("family_views", "Enter the family's views: early help is done with the family, not to it")
    if consent_to_share is None:
        errors.add(
            "consent_to_share",
            "Say whether the family agreed to the assessment being shared with the practitioners working with them",
        )
    rows = _children_rows(episode)
    due = _due_to_meet(errors, rows, ASSESSMENT_RULE, completed_date, late_reason) if completed_date else []
    errors.raise_if_any()
    late = any(deadlines.is_late(d, completed_date) for d in due)
    assessment.completed_date, assessment.needs = completed_date, needs.strip()
    assessment.family_views, assessment.child_views = family_views.strip(), (child_views or "").strip()
    assessment.consent_to_share = consent_to_share
    assessment.late_reason = (late_reason or "").strip() if late else ""
    assessment.save()
    for deadline in due:
        deadlines.complete(deadline, completed_date, late_reason)
    _record(rows, "early-help-assessment", "Early help assessment completed", assessment, user, detail=assessment.needs)
    audit.record_change(
        user,
        assessment,
        {"completed_date": (None, completed_date)},
        person=rows[0].person if rows else None,
        summary="Completed the early help assessment",
    )
    return assessment


# --- The family plan ------------------------------------------------------------------------


@transaction.atomic
def start_family_plan(
    user: User,
    episode: EarlyHelpEpisode,
    *,
    start_date: datetime.date,
    outcomes: Iterable[tuple[str, str]] | None,
) -> FamilyPlan:
    """The family plan, after a completed assessment, with what is to change and who will do
    what; its reviews fall due on the local schedule."""
    episode = _lock(episode)
    errors = Errors()
    _check_open(errors, episode)
    basis = completed_assessment(episode)
    if basis is None:
        errors.add("__all__", "A family plan follows the early help assessment: complete the assessment first")
    check_date(
        errors,
        "start_date",
        start_date,
        label="start date of the plan",
        not_before=basis.completed_date if basis else episode.start_date,
        not_before_label="the completion of the assessment" if basis else "the start of early help",
    )
    if open_plan(episode) is not None:
        errors.add("__all__", "This family already has an open family plan: review it")
    outcomes = [((d or "").strip(), (w or "").strip()) for d, w in (outcomes or []) if (d or "").strip()]
    if not outcomes:
        errors.add("outcomes", "Enter at least one outcome the family plan is to achieve")
    errors.raise_if_any()
    plan = FamilyPlan.objects.create(episode=episode, start_date=start_date, created_by=user)
    FamilyPlanOutcome.objects.bulk_create(
        FamilyPlanOutcome(plan=plan, description=d[:500], who=w[:300]) for d, w in outcomes
    )
    rows = _children_rows(episode)
    _issue(REVIEW_RULE, start_date, rows, current_lead(episode))
    _record(
        rows,
        "family-plan",
        f"Family plan started on {start_date:%-d %B %Y}",
        plan,
        user,
        detail="\n".join(d for d, _ in outcomes),
    )
    audit.record_creation(user, plan, person=rows[0].person if rows else None, summary="Started a family plan")
    return plan


def _end_plan(plan, on):
    plan.end_date = on
    plan.save(update_fields=["end_date"])


@transaction.atomic
def review_family_plan(
    user: User,
    plan: FamilyPlan,
    *,
    review_date: datetime.date,
    progress: str,
    decision: str,
    family_views: str = "",
    achieved: Iterable[int] = (),
    late_reason: str = "",
) -> FamilyPlanReview:
    """A review of the family plan with the family: progress, their views, and whether the plan
    continues (the next review falls due) or ends."""
    episode = _lock(plan.episode)
    plan = FamilyPlan.objects.get(pk=plan.pk)
    errors = Errors()
    _check_open(errors, episode)
    if plan.end_date is not None:
        errors.add("__all__", f"This family plan ended on {plan.end_date:%-d %B %Y}")
    last = plan.reviews.order_by("-review_date").values_list("review_date", flat=True).first()
    check_date(
        errors,
        "review_date",
        review_date,
        label="date of the review",
        not_before=last or plan.start_date,
        not_before_label="the last review" if last else "the start of the plan",
    )
    if not (progress or "").strip():
        errors.add("progress", "Enter the progress made towards the plan's outcomes")
    if decision not in FamilyPlanReview.Decision.values:
        errors.add("decision", "Select whether the plan continues or ends")
    rows = _children_rows(episode)
    due = _due_to_meet(errors, rows, REVIEW_RULE, review_date, late_reason) if review_date else []
    errors.raise_if_any()
    late = any(deadlines.is_late(d, review_date) for d in due)
    review = FamilyPlanReview.objects.create(
        plan=plan,
        review_date=review_date,
        progress=progress.strip(),
        family_views=(family_views or "").strip(),
        decision=decision,
        recorded_by=user,
        late_reason=(late_reason or "").strip() if late else "",
    )
    if achieved:
        plan.outcomes.filter(pk__in=list(achieved)).update(achieved=True)
    for deadline in due:
        deadlines.complete(deadline, review_date, late_reason)
    if decision == FamilyPlanReview.Decision.END:
        _end_plan(plan, review_date)
    else:
        _issue(REVIEW_RULE, review_date, rows, current_lead(episode))
    _record(
        rows,
        "family-plan-review",
        f"Family plan review: {review.get_decision_display().lower()}",
        review,
        user,
        detail=review.progress,
    )
    audit.record_creation(user, review, person=rows[0].person if rows else None, summary="Reviewed the family plan")
    return review


# --- Closing --------------------------------------------------------------------------------


def step_up_source(agency: Agency | None) -> str:
    return STEP_UP_SOURCE.get(getattr(agency, "kind", None), "8")  # type: ignore[arg-type]  # a kind or None


@transaction.atomic
def close_early_help(
    user: User,
    episode: EarlyHelpEpisode,
    *,
    closure_date: datetime.date,
    reason: str,
    notes: str = "",
    concerns: str = "",
) -> EarlyHelpEpisode:
    """Early help ends. Stepping up to children's social care makes a contact to the front
    door about the children (`concerns`: what has changed), linked to the episode, so the
    referral the front door opens from it is linked too. Consent withdrawn ends it at once:
    early help cannot go on without the family's agreement. The plan ends, the children's due
    dates are withdrawn and the lead's involvement ends."""
    episode = _lock(episode)
    errors = Errors()
    _check_open(errors, episode)
    if reason not in EarlyHelpEpisode.Closure.values:
        errors.add("reason", "Select why early help is ending")
    check_date(
        errors,
        "closure_date",
        closure_date,
        label="date early help ended",
        not_before=episode.start_date,
        not_before_label="its start",
    )
    if reason == EarlyHelpEpisode.Closure.STEP_UP and not (concerns or "").strip():
        errors.add("concerns", "Enter what the front door needs to know: the concerns, and what has changed")
    errors.raise_if_any()
    rows = _children_rows(episode)
    lead = current_lead(episode)
    contact = None
    if reason == EarlyHelpEpisode.Closure.STEP_UP:
        referrer = lead.user if lead else user
        people = [
            front_door.PersonDetails(
                role=ContactPerson.Role.SUBJECT if n == 0 else ContactPerson.Role.CHILD_IN_HOUSEHOLD, person=row.person
            )
            for n, row in enumerate(rows)
        ]
        received_at = (
            timezone.now()
            if closure_date == timezone.localdate()
            else timezone.make_aware(datetime.datetime.combine(closure_date, datetime.time(12, 0)))
        )
        try:
            contact = front_door.receive_contact(
                user,
                channel=Contact.Channel.WEB_FORM,
                source=step_up_source(referrer.agency),
                concerns=concerns.strip(),
                consent=Contact.Consent.GIVEN,
                consent_detail="The family consented to early help; stepped up to children's social care",
                people=people,
                received_at=received_at,
                referrer_name=referrer.get_full_name() or str(referrer),
                referrer_role=(referrer.job_title or "Early help lead practitioner")[:200],
                referrer_agency=referrer.agency,
            )
        except RuleBroken as refused:
            raise RuleBroken(
                {
                    ("concerns" if key in ("concerns", "people") else "__all__"): messages
                    for key, messages in refused.errors.items()
                }
            ) from None
    episode.closure_date, episode.closure_reason = closure_date, reason
    episode.closure_notes, episode.step_up_contact = (notes or "").strip(), contact
    if reason == EarlyHelpEpisode.Closure.CONSENT_WITHDRAWN:
        episode.consent_withdrawn_on = closure_date
    episode.save(
        update_fields=["closure_date", "closure_reason", "closure_notes", "step_up_contact", "consent_withdrawn_on"]
    )
    plan = open_plan(episode)
    if plan is not None:
        _end_plan(plan, closure_date)
    if lead is not None:
        lead.end_date = closure_date
        lead.save(update_fields=["end_date"])
        _end_involvements(rows, lead, closure_date)
    Deadline.objects.filter(
        subject_type=_subject_type(), subject_id__in=[r.pk for r in rows], status=Deadline.Status.OPEN
    ).update(status=Deadline.Status.WITHDRAWN, withdrawn_reason=ENDED)
    title = f"Early help ended: {episode.get_closure_reason_display().lower()}"
    if contact is not None:
        title += f" (contact {contact.reference} to the front door)"
    _record(rows, "early-help", title, episode, user, detail=episode.closure_notes)
    audit.record_change(
        user,
        episode,
        {"closure_date": (None, closure_date), "closure_reason": ("", reason)},
        person=rows[0].person if rows else None,
        summary="Closed early help",
    )
    return episode
