"""Business rules of child protection, in the order Working Together 2023 sets them:

- hold_strategy_discussion: for one or more children; the local authority, police and
  health at least; a decision for each child; a section 47 enquiry for those it starts,
  with the initial conference due 15 working days from the discussion.
- assign_enquiry / record_enquiry_outcome: the lead child protection practitioner, the
  multi-agency child protection team (CWSA 2026 s3), and the enquiry's outcome.
- hold_conference: initial (and pre-birth) only after a section 47 enquiry that called for
  one; transfer-in when a child on a plan moves here; review only for a child on a plan. A
  plan starts only from a conference decision, and a review conference may end it.
- add_core_group_member / hold_core_group_meeting: the core group; partner members get
  the child's record through an involvement (people.access).
- end_plan: for a listed reason only (moved away, 18, died, left the UK); otherwise a review
  conference ends it.

Every function is one transaction that locks the episode, checks everything before it
writes (kernel.rules.RuleBroken), adds to the chronology, is audited and issues or meets
the due dates (kernel.deadlines).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from casework.services import check_open, due_to_meet, issue_due, lock_episode
from chronology.services import record_event
from familyhelp.models import ChildInNeedPlan
from kernel import codelists, deadlines, timescales
from kernel.rules import Errors, RuleBroken, as_date, check_date
from partners.models import User
from people.models import Involvement
from sharing import services as sharing
from sharing.models import Disclosure

from .models import (
    AgencyKind,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    ConferenceParticipant,
    CoreGroupMeeting,
    CoreGroupMember,
    MACPTMember,
    Section47Enquiry,
    StrategyAttendee,
    StrategyDiscussion,
    StrategyDiscussionChild,
)

if TYPE_CHECKING:
    from frontdoor.models import Referral
    from partners.models import Agency

    from .models import MultiAgencyChildProtectionTeam

ICPC_RULE = "initial-child-protection-conference"
TRANSFER_IN_RULE = "transfer-in-conference"
FIRST_CORE_GROUP_RULE = "first-core-group"
CORE_GROUP_RULE = "core-group"
FIRST_REVIEW_RULE = "first-review-conference"
REVIEW_RULE = "review-conference"
CP_VISIT_RULE = "child-protection-visit"
STRATEGY_RULE = "strategy-discussion"
# Working Together 2023: the minimum at a strategy discussion.
STRATEGY_MINIMUM = [AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE, AgencyKind.HEALTH]
# CWSA 2026 s3: the core membership of a multi-agency child protection team.
MACPT_CORE = [AgencyKind.EDUCATION, AgencyKind.LOCAL_AUTHORITY, AgencyKind.HEALTH, AgencyKind.POLICE]
CHAIRS = {User.Role.CONFERENCE_CHAIR, User.Role.IRO, User.Role.HEAD_OF_SERVICE}
LISTED_END_REASONS = {
    ChildProtectionPlan.EndReason.TRANSFERRED,
    ChildProtectionPlan.EndReason.AGE_18,
    ChildProtectionPlan.EndReason.DIED,
    ChildProtectionPlan.EndReason.LEFT_UK,
}
CORE_GROUP_KIND = "Core group member (child protection plan)"
# Harm outside the home (process specification 2.18): the CIN census assessment factors for it.
HARM_CODE_LIST = "assessment-factor"
HARM_OUTSIDE_HOME_FACTORS = ("10A", "11A", "12A", "13A", "24A")


# Why open due dates are withdrawn.
NO_CONFERENCE = "The section 47 enquiry did not call for a conference"
CP_PLAN_ENDED = "The child protection plan ended"


def _kinds(items):
    return {item["agency_kind"] if isinstance(item, dict) else item.agency_kind for item in items}


def _label(kind):
    return AgencyKind(kind).label.lower() if kind in AgencyKind.values else kind


# --- Multi-agency child protection teams -------------------------------------------------


def macpt_gaps(team: MultiAgencyChildProtectionTeam, on: datetime.date | None = None) -> list[AgencyKind]:
    """The core members a MACPT lacks on a date (CWSA 2026 s3): [] when complete."""
    on = on or timezone.localdate()
    members = MACPTMember.objects.filter(team=team, start_date__lte=on).exclude(end_date__lt=on)
    present = set(members.values_list("agency_kind", flat=True))
    return [kind for kind in MACPT_CORE if kind not in present]


# --- Strategy discussions -----------------------------------------------------------------


def harm_outside_home_choices(on: datetime.date | None = None) -> list[tuple[str, str]]:
    """The kinds of harm outside the home a strategy discussion may name: the CIN census
    assessment factors for it (kernel code list assessment-factor), in the census's order."""
    return [(code, text) for code, text in codelists.codes(HARM_CODE_LIST, on) if code in HARM_OUTSIDE_HOME_FACTORS]


def _harm_outside_home_types(errors: Errors, about: bool, types: Sequence[str], on: datetime.date | None) -> list[str]:
    chosen = list(dict.fromkeys(types or ()))
    if not about:
        if chosen:
            errors.add("harm_outside_home_types", "Say the concern is harm outside the home, or select no kind of harm")
        return []
    allowed = {code for code, _ in harm_outside_home_choices(on)}
    if not chosen:
        errors.add("harm_outside_home_types", "Select the kind of harm outside the home")
    elif any(code not in allowed for code in chosen):
        errors.add("harm_outside_home_types", "Select kinds of harm outside the home from the list")
    return [code for code in HARM_OUTSIDE_HOME_FACTORS if code in chosen]


@transaction.atomic
def hold_strategy_discussion(  # noqa: C901
    user: User,
    *,
    held_at: datetime.datetime | None,
    children: Sequence[tuple[Referral, str, str]],
    attendees: Iterable[Mapping[str, Any]],
    information_shared: str,
    police_decision: str,
    chair: User | None,
    immediate_safety_actions: str = "",
    next_meeting_date: datetime.date | None = None,
    late_reason: str = "",
    harm_outside_home: bool = False,
    harm_outside_home_types: Sequence[str] = (),
) -> StrategyDiscussion:
    """`children`: [(episode, decision, reason)]; `attendees`: [{name, role, agency_kind,
    agency, user}]. A section 47 enquiry opens for each child the discussion decides one for
    (unless one is open already: the first discussion's date keeps the conference clock).
    `harm_outside_home`: the concern is harm outside the home (exploitation, peer or community
    harm; WT23 chapter 3), with at least one of its kinds from HARM_OUTSIDE_HOME_FACTORS."""
    errors = Errors()
    episodes = [lock_episode(episode) for episode, _, _ in children]
    if not children:
        errors.add("children", "Select the children the strategy discussion was about")
    check_date(errors, "held_at", held_at, label="date of the strategy discussion")
    held_on = as_date(held_at) if held_at else None
    for episode, (_, decision, _) in zip(episodes, children, strict=False):
        name = episode.person.full_name
        check_open(episode, errors)
        if held_on and held_on < episode.referral_date:
            errors.add(
                "held_at",
                f"The strategy discussion cannot be before {name}'s referral ({episode.referral_date:%-d %B %Y})",
            )
        if decision not in StrategyDiscussionChild.Decision.values:
            errors.add("children", f"Select the decision for {name}")
    missing = [kind for kind in STRATEGY_MINIMUM if kind not in _kinds(attendees)]
    if missing:
        errors.add(
            "attendees",
            "A strategy discussion needs at least the local authority, police and health "
            f"(Working Together 2023): add someone from {', '.join(_label(k) for k in missing)}",
        )
    for attendee in attendees:
        if not (attendee.get("name") or "").strip():
            errors.add("attendees", "Enter the name of each attendee")
            break
    if not (information_shared or "").strip():
        errors.add("information_shared", "Enter the information shared")
    if police_decision not in StrategyDiscussion.PoliceDecision.values:
        errors.add("police_decision", "Select the police decision")
    if chair is None:
        errors.add("chair", "Select who chaired the discussion")
    if next_meeting_date and held_on and next_meeting_date < held_on:
        errors.add("next_meeting_date", "The next discussion cannot be before this one")
    types = _harm_outside_home_types(errors, harm_outside_home, harm_outside_home_types, held_on)
    dues = [
        due_to_meet(errors, episode, STRATEGY_RULE, held_at, late_reason) if held_at else None for episode in episodes
    ]
    errors.raise_if_any()
    # No error: check_date found the date and time, and a chair was selected.
    held_at, chair = cast(datetime.datetime, held_at), cast(User, chair)
    kept = [deadlines.reason_to_keep(due, held_at, late_reason) for due in dues]
    discussion = StrategyDiscussion.objects.create(
        held_at=held_at,
        information_shared=information_shared.strip(),
        immediate_safety_actions=(immediate_safety_actions or "").strip(),
        police_decision=police_decision,
        next_meeting_date=next_meeting_date,
        chair=chair,
        recorded_by=user,
        late_reason=next(filter(None, kept), ""),
        harm_outside_home=bool(harm_outside_home),
        harm_outside_home_types=types,
    )
    StrategyAttendee.objects.bulk_create(
        StrategyAttendee(
            discussion=discussion,
            name=a["name"].strip(),
            role=(a.get("role") or "").strip(),
            agency_kind=a["agency_kind"],
            agency=a.get("agency"),
            user=a.get("user"),
        )
        for a in attendees
    )
    enquiries = []
    for episode, due, (_, decision, reason) in zip(episodes, dues, children, strict=False):
        StrategyDiscussionChild.objects.create(
            discussion=discussion,
            person=episode.person,
            episode=episode,
            decision=decision,
            reason=(reason or "").strip(),
        )
        if due is not None:
            deadlines.complete(due, held_at, late_reason)
        title = f"Strategy discussion: {StrategyDiscussionChild.Decision(decision).label}"
        record_event(
            episode.person,
            "strategy-discussion",
            held_at,
            title,
            detail=discussion.immediate_safety_actions,
            source=discussion,
            recorded_by=user,
        )
        _log_strategy_sharing(user, discussion, episode.person, attendees)
        if decision == StrategyDiscussionChild.Decision.SECTION_47:
            open_enquiry = episode.section47_enquiries.filter(outcome="").first()
            if open_enquiry is None:
                enquiries.append(_start_enquiry(user, discussion, episode))
    audit.record_creation(
        user,
        discussion,
        person=episodes[0].person,
        summary=f"Recorded a strategy discussion about {len(episodes)} child{'ren' if len(episodes) != 1 else ''}",
    )
    return discussion


def _log_strategy_sharing(user, discussion, person, attendees) -> None:
    """The information shared at the discussion, logged as a disclosure to each other agency
    present (sharing's log, s16LA): once an agency, the local authority's own people left out."""
    seen = set()
    for attendee in attendees:
        agency, kind = attendee.get("agency"), attendee["agency_kind"]
        key = ("agency", agency.pk) if agency is not None else ("kind", kind)
        if kind == "local_authority" or key in seen or (agency is not None and agency.pk == user.agency_id):
            continue
        seen.add(key)
        sharing.record_disclosure(
            user,
            person,
            what=discussion.information_shared,
            to_agency=agency,
            recipient="" if agency is not None else _label(kind).capitalize(),
            shared_at=discussion.held_at,
            kind=Disclosure.Kind.STRATEGY_DISCUSSION,
            from_agency=user.agency if user.agency_id else None,
            source=discussion,
        )


def _start_enquiry(user, discussion, episode):
    held_on = as_date(discussion.held_at)
    target = timescales.due(ICPC_RULE, held_on)
    enquiry = Section47Enquiry.objects.create(
        person=episode.person,
        episode=episode,
        strategy_discussion=discussion,
        start_date=held_on,
        initial_conference_target=target.due_date,
    )
    issue_due(ICPC_RULE, held_on, person=episode.person, subject=enquiry, episode=episode)
    record_event(
        episode.person, "section-47", discussion.held_at, "Section 47 enquiry started", source=enquiry, recorded_by=user
    )
    audit.record_creation(user, enquiry, person=episode.person, summary="Started a section 47 enquiry")
    return enquiry


# --- Section 47 enquiries -----------------------------------------------------------------


def _lock_enquiry(enquiry):
    lock_episode(enquiry.episode)
    return Section47Enquiry.objects.select_related("episode", "person").get(pk=enquiry.pk)


@transaction.atomic
def assign_enquiry(
    user: User,
    enquiry: Section47Enquiry,
    *,
    lead_practitioner: User | None,
    macpt: MultiAgencyChildProtectionTeam | None = None,
) -> Section47Enquiry:
    """The lead child protection practitioner (a local-authority social worker) and the
    multi-agency child protection team that supports the enquiry."""
    enquiry = _lock_enquiry(enquiry)
    errors = Errors()
    if lead_practitioner is None:
        errors.add("lead_practitioner", "Select the lead child protection practitioner")
    elif (
        lead_practitioner.role not in {User.Role.SOCIAL_WORKER, User.Role.TEAM_MANAGER}
        or getattr(lead_practitioner.agency, "kind", None) != "local_authority"
    ):
        errors.add("lead_practitioner", "The lead child protection practitioner is a local-authority social worker")
    if macpt is not None:
        if not macpt.active:
            errors.add("macpt", f"{macpt} is no longer active")
        gaps = macpt_gaps(macpt)
        if gaps:
            errors.add(
                "macpt",
                f"{macpt} lacks core members the Children's Wellbeing and Schools Act 2026 requires: "
                f"{', '.join(_label(k) for k in gaps)}",
            )
    errors.raise_if_any()
    lead_practitioner = cast(User, lead_practitioner)  # no error: a lead practitioner was selected
    old = (enquiry.lead_practitioner_id, enquiry.macpt_id)
    enquiry.lead_practitioner, enquiry.macpt = lead_practitioner, macpt
    enquiry.save(update_fields=["lead_practitioner", "macpt"])
    audit.record_change(
        user,
        enquiry,
        {"lead_practitioner": (old[0], lead_practitioner.pk), "macpt": (old[1], getattr(macpt, "pk", None))},
        person=enquiry.person,
        summary="Set the lead practitioner and team of a section 47 enquiry",
    )
    return enquiry


@transaction.atomic
def record_enquiry_outcome(
    user: User, enquiry: Section47Enquiry, *, outcome: str, outcome_date: datetime.date, findings: str
) -> Section47Enquiry:
    """The enquiry's outcome. Any outcome but a conference marks the initial conference not
    required (CIN census ICPCnotRequired) and withdraws its due date."""
    enquiry = _lock_enquiry(enquiry)
    errors = Errors()
    if enquiry.outcome:
        errors.add("__all__", "This enquiry's outcome has already been recorded")
    if outcome not in Section47Enquiry.Outcome.values:
        errors.add("outcome", "Select the outcome of the enquiry")
    check_date(
        errors,
        "outcome_date",
        outcome_date,
        label="date of the outcome",
        not_before=enquiry.start_date,
        not_before_label="the strategy discussion that started the enquiry",
    )
    if not (findings or "").strip():
        errors.add("findings", "Enter what the enquiry found")
    errors.raise_if_any()
    enquiry.outcome, enquiry.outcome_date, enquiry.findings = outcome, outcome_date, findings.strip()
    enquiry.initial_conference_not_required = outcome != Section47Enquiry.Outcome.INITIAL_CONFERENCE
    enquiry.save()
    if enquiry.initial_conference_not_required:
        deadlines.withdraw(enquiry, ICPC_RULE, reason=NO_CONFERENCE)
    record_event(
        enquiry.person,
        "section-47",
        timezone.now(),
        f"Section 47 enquiry outcome: {enquiry.get_outcome_display()}",
        detail=enquiry.findings,
        source=enquiry,
        recorded_by=user,
    )
    audit.record_change(
        user,
        enquiry,
        {"outcome": ("", outcome), "outcome_date": (None, outcome_date)},
        person=enquiry.person,
        summary="Recorded the outcome of a section 47 enquiry",
    )
    return enquiry


# --- Conferences --------------------------------------------------------------------------


def open_plan(episode: Referral) -> ChildProtectionPlan | None:
    return ChildProtectionPlan.objects.filter(episode=episode, end_date__isnull=True).first()


def enquiry_awaiting_conference(episode: Referral) -> Section47Enquiry | None:
    """The section 47 enquiry whose outcome called for an initial conference not yet held."""
    return (
        Section47Enquiry.objects.filter(episode=episode, outcome=Section47Enquiry.Outcome.INITIAL_CONFERENCE)
        .exclude(conferences__isnull=False)
        .order_by("-start_date")
        .first()
    )


def _check_child(errors, kind, held_on, episode, decision, category, reasons, transfer_notified_on):
    """Check one child's part in a conference; returns (enquiry, plan) it concerns."""
    name = episode.person.full_name
    check_open(episode, errors)
    enquiry = plan = None
    if not (reasons or "").strip():
        errors.add("children", f"Enter the reasons for the decision about {name}")
    if kind in {Conference.Kind.INITIAL, Conference.Kind.PRE_BIRTH}:
        enquiry = enquiry_awaiting_conference(episode)
        if enquiry is None:
            errors.add(
                "children",
                f"No initial child protection conference without a section 47 enquiry "
                f"(Working Together 2023): {name} has no enquiry whose outcome is a conference",
            )
        elif held_on and held_on < enquiry.start_date:
            errors.add(
                "held_on",
                f"The conference cannot be before the strategy discussion that started {name}'s "
                f"enquiry ({enquiry.start_date:%-d %B %Y})",
            )
        if kind == Conference.Kind.PRE_BIRTH and not episode.person.is_unborn:
            errors.add("kind", f"A pre-birth conference is for an unborn child: {name} has been born")
    if kind == Conference.Kind.TRANSFER_IN and transfer_notified_on and transfer_notified_on < episode.referral_date:
        errors.add("transfer_notified_on", f"The move was notified before {name}'s referral here: check the dates")
    if kind in {Conference.Kind.INITIAL, Conference.Kind.PRE_BIRTH, Conference.Kind.TRANSFER_IN}:
        if open_plan(episode) is not None:
            errors.add("children", f"{name} is already on a child protection plan: hold a review conference")
        if decision not in {ConferenceChild.Decision.PLAN, ConferenceChild.Decision.NO_PLAN}:
            errors.add("children", f"Select whether {name} needs a child protection plan")
    if kind == Conference.Kind.REVIEW:
        plan = open_plan(episode)
        if plan is None:
            errors.add("children", f"A review conference is for a child on a child protection plan: {name} is not")
        elif held_on and held_on < plan.start_date:
            errors.add("held_on", f"The review cannot be before {name}'s plan started ({plan.start_date:%-d %B %Y})")
        if decision not in {ConferenceChild.Decision.CONTINUE, ConferenceChild.Decision.END}:
            errors.add("children", f"Select whether {name}'s plan continues or ends")
    if decision in {ConferenceChild.Decision.PLAN, ConferenceChild.Decision.CONTINUE} and not codelists.is_valid(
        "category-of-abuse", category
    ):
        errors.add("children", f"Select the category of abuse or neglect for {name}")
    return enquiry, plan


@transaction.atomic
def hold_conference(
    user: User,
    *,
    kind: str,
    held_on: datetime.date,
    chair: User | None,
    children: Sequence[Mapping[str, Any]],
    participants: Iterable[Mapping[str, Any]] = (),
    parents_participation: str = "",
    notes: str = "",
    transfer_notified_on: datetime.date | None = None,
    transferring_authority: str = "",
    lead_practitioner: User | None = None,
) -> Conference:
    """`children`: [{episode, decision, category, reasons, late_reason}]; `participants`:
    [{name, role, agency_kind, agency, invited_on, attendance, report_received}]."""
    errors = Errors()
    if kind not in Conference.Kind.values:
        raise RuleBroken({"kind": ["Select the kind of conference"]})
    episodes = [lock_episode(child["episode"]) for child in children]
    if not children:
        errors.add("children", "Select the children the conference was about")
    check_date(errors, "held_on", held_on, label="date of the conference")
    if chair is None or chair.role not in CHAIRS:
        errors.add(
            "chair",
            "The conference is chaired by a conference chair or independent reviewing officer, independent of the case",
        )
    if kind == Conference.Kind.TRANSFER_IN:
        check_date(
            errors, "transfer_notified_on", transfer_notified_on, label="date this authority was told of the move"
        )
        if transfer_notified_on and held_on and held_on < transfer_notified_on:
            errors.add("held_on", "The transfer-in conference cannot be before this authority was told of the move")
        if not (transferring_authority or "").strip():
            errors.add("transferring_authority", "Enter the authority the child moved from")
    for participant in participants:
        if not (participant.get("name") or "").strip():
            errors.add("participants", "Enter the name of everyone invited")
            break
        if participant.get("attendance") not in ConferenceParticipant.Attendance.values:
            errors.add("participants", f"Say whether {participant['name']} attended")
            break
    checked = []
    due: Any  # the due date each child's conference meets, then the transfer-in's timescale
    for episode, child in zip(episodes, children, strict=False):
        enquiry, plan = _check_child(
            errors,
            kind,
            held_on,
            episode,
            child.get("decision"),
            child.get("category"),
            child.get("reasons"),
            transfer_notified_on,
        )
        # The due date the conference meets: the initial conference's, or the plan's review.
        due = None
        if held_on and (enquiry is not None or plan is not None):
            rules = ICPC_RULE if enquiry is not None else (FIRST_REVIEW_RULE, REVIEW_RULE)
            due = due_to_meet(errors, enquiry or plan, rules, held_on, child.get("late_reason"), field="children")
        checked.append((episode, child, enquiry, plan, due))
    if kind == Conference.Kind.TRANSFER_IN and transfer_notified_on and held_on and not errors:
        due = timescales.due(TRANSFER_IN_RULE, transfer_notified_on)
        if held_on > due.due_date and any(not (c.get("late_reason") or "").strip() for c in children):
            errors.add("children", deadlines.late_message(due))
    errors.raise_if_any()
    chair = cast(User, chair)  # no error: a chair was selected
    conference = Conference.objects.create(
        kind=kind,
        held_on=held_on,
        chair=chair,
        parents_participation=(parents_participation or "").strip(),
        notes=(notes or "").strip(),
        transfer_notified_on=transfer_notified_on if kind == Conference.Kind.TRANSFER_IN else None,
        transferring_authority=(transferring_authority or "").strip(),
        recorded_by=user,
    )
    ConferenceParticipant.objects.bulk_create(
        ConferenceParticipant(
            conference=conference,
            name=p["name"].strip(),
            role=(p.get("role") or "").strip(),
            agency_kind=p.get("agency_kind") or AgencyKind.OTHER,
            agency=p.get("agency"),
            invited_on=p.get("invited_on"),
            attendance=p["attendance"],
            report_received=bool(p.get("report_received")),
        )
        for p in participants
    )
    for episode, child, enquiry, plan, due in checked:
        _conference_decision(user, conference, episode, child, enquiry, plan, due, lead_practitioner)
    audit.record_creation(
        user, conference, person=episodes[0].person, summary=f"Recorded a {conference.get_kind_display().lower()}"
    )
    return conference


def _conference_decision(user, conference, episode, child, enquiry, plan, due, lead_practitioner):
    decision, category = child["decision"], child.get("category") or ""
    late_reason = (child.get("late_reason") or "").strip()
    person, held_on = episode.person, conference.held_on
    if conference.kind == Conference.Kind.TRANSFER_IN:
        due = issue_due(
            TRANSFER_IN_RULE, conference.transfer_notified_on, person=person, subject=episode, episode=episode
        )
    if due is not None:
        deadlines.complete(due, held_on, late_reason)
    link = ConferenceChild.objects.create(
        conference=conference,
        person=person,
        episode=episode,
        enquiry=enquiry,
        plan=plan,
        decision=decision,
        category=category,
        reasons=child["reasons"].strip(),
        late_reason=deadlines.reason_to_keep(due, held_on, late_reason),
    )
    title = f"{conference.get_kind_display()}: {link.get_decision_display()}"
    record_event(
        person, "conference", _start_of(held_on), title, detail=link.reasons, source=conference, recorded_by=user
    )
    if decision == ConferenceChild.Decision.PLAN:
        plan = ChildProtectionPlan.objects.create(
            person=person,
            episode=episode,
            start_date=held_on,
            initial_category=category,
            latest_category=category,
            previous_plans=ChildProtectionPlan.objects.filter(person=person).count(),
            lead_practitioner=lead_practitioner or (enquiry.lead_practitioner if enquiry else None),
        )
        link.plan = plan
        link.save(update_fields=["plan"])
        for rule in (FIRST_CORE_GROUP_RULE, FIRST_REVIEW_RULE, CP_VISIT_RULE):
            issue_due(rule, held_on, person=person, subject=plan, episode=episode)
        for replaced in ChildInNeedPlan.objects.filter(episode=episode, end_date__isnull=True):
            replaced.end_date, replaced.end_reason = held_on, "A child protection plan replaced it"
            replaced.save(update_fields=["end_date", "end_reason"])
            deadlines.withdraw(replaced, reason="A child protection plan replaced the child in need plan")
            audit.record_change(
                user,
                replaced,
                {"end_date": (None, held_on)},
                person=person,
                summary="Ended the child in need plan: a child protection plan replaced it",
            )
        record_event(
            person,
            "cp-plan",
            timezone.now(),
            f"Child protection plan started: {codelists.label('category-of-abuse', category)}",
            source=plan,
            recorded_by=user,
        )
        audit.record_creation(user, plan, person=person, summary="Started a child protection plan")
    elif decision == ConferenceChild.Decision.CONTINUE:
        if category and category != plan.latest_category:
            ChildProtectionPlan.objects.filter(pk=plan.pk).update(latest_category=category)
            audit.record_change(
                user,
                plan,
                {"latest_category": (plan.latest_category, category)},
                person=person,
                summary="A review conference changed the category of the plan",
            )
        issue_due(REVIEW_RULE, held_on, person=person, subject=plan, episode=episode)
    elif decision == ConferenceChild.Decision.END:
        _end(user, plan, held_on, ChildProtectionPlan.EndReason.NO_LONGER_AT_RISK, conference=conference)


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


# --- Plans and the core group -------------------------------------------------------------


def _lock_plan(plan):
    lock_episode(plan.episode)
    return ChildProtectionPlan.objects.select_related("episode", "person").get(pk=plan.pk)


def _end(user, plan, end_date, reason, conference=None):
    plan.end_date, plan.end_reason, plan.ended_by = end_date, reason, conference
    plan.save(update_fields=["end_date", "end_reason", "ended_by"])
    deadlines.withdraw(plan, reason=CP_PLAN_ENDED)
    members = list(plan.core_group.filter(end_date__isnull=True))
    CoreGroupMember.objects.filter(pk__in=[m.pk for m in members]).update(end_date=end_date)
    Involvement.objects.filter(
        pk__in=[m.involvement_id for m in members if m.involvement_id], end_date__isnull=True
    ).update(end_date=end_date)
    record_event(
        plan.person,
        "cp-plan",
        timezone.now(),
        f"Child protection plan ended: {plan.get_end_reason_display()}",
        source=plan,
        recorded_by=user,
    )
    audit.record_change(
        user,
        plan,
        {"end_date": (None, end_date), "end_reason": ("", reason)},
        person=plan.person,
        summary="Ended the child protection plan",
    )


@transaction.atomic
def end_plan(
    user: User,
    plan: ChildProtectionPlan,
    *,
    end_date: datetime.date,
    reason: str,
    transferred_to: str = "",
    receiving_conference_on: datetime.date | None = None,
) -> ChildProtectionPlan:
    """End a plan outside a conference, for a listed reason only (Working Together 2023): the
    child moved permanently to another authority, reached 18, died or left the UK.

    A child who moved permanently keeps this authority's plan until the receiving authority
    has held its child protection conference (within 15 working days of being told of the
    move): "only after this event may the original local authority discontinue its child
    protection plan". So the plan ends on or after that conference, whose date and authority
    are recorded with it."""
    plan = _lock_plan(plan)
    errors = Errors()
    if plan.end_date is not None:
        errors.add("__all__", "This plan has already ended")
    if reason not in LISTED_END_REASONS:
        errors.add(
            "reason",
            "A child protection plan ends when a review conference decides it is no longer needed; "
            "outside a conference only when the child moves permanently to another authority, "
            "reaches 18, dies or leaves the UK",
        )
    check_date(
        errors,
        "end_date",
        end_date,
        label="end date",
        not_before=plan.start_date,
        not_before_label="the start of the plan",
    )
    transferred = reason == ChildProtectionPlan.EndReason.TRANSFERRED
    if transferred:
        if not (transferred_to or "").strip():
            errors.add("transferred_to", "Enter the local authority the child moved to")
        check_date(
            errors,
            "receiving_conference_on",
            receiving_conference_on,
            label="date of the receiving authority's conference",
            not_before=plan.start_date,
            not_before_label="the start of the plan",
        )
        if (
            receiving_conference_on
            and end_date
            and "receiving_conference_on" not in errors
            and "end_date" not in errors
            and as_date(end_date) < as_date(receiving_conference_on)
        ):
            errors.add(
                "end_date",
                "The plan stays in place until the receiving authority has held its conference "
                f"({receiving_conference_on:%-d %B %Y}): it can end on that day or after "
                "(Working Together 2023)",
            )
    if reason == ChildProtectionPlan.EndReason.AGE_18 and end_date and plan.person.date_of_birth:
        eighteenth = (
            plan.person.date_of_birth.replace(year=plan.person.date_of_birth.year + 18)
            if not (plan.person.date_of_birth.month == 2 and plan.person.date_of_birth.day == 29)
            else plan.person.date_of_birth.replace(year=plan.person.date_of_birth.year + 18, day=28)
        )
        if end_date < eighteenth:
            errors.add("reason", f"{plan.person.full_name} turns 18 on {eighteenth:%-d %B %Y}")
    errors.raise_if_any()
    if transferred:
        plan.transferred_to, plan.receiving_conference_on = transferred_to.strip(), receiving_conference_on
        plan.save(update_fields=["transferred_to", "receiving_conference_on"])
    _end(user, plan, end_date, reason)
    return plan


@transaction.atomic
def add_core_group_member(
    user: User,
    plan: ChildProtectionPlan,
    *,
    name: str = "",
    role: str = "",
    agency_kind: str | None = None,
    agency: Agency | None = None,
    member: User | None = None,
    start_date: datetime.date | None = None,
) -> CoreGroupMember:
    """A member of the core group. A practitioner who uses the service (`member`) sees the
    child's record while a member, through an involvement."""
    plan = _lock_plan(plan)
    start_date = start_date or timezone.localdate()
    errors = Errors()
    if plan.end_date is not None:
        errors.add("__all__", "This plan has ended")
    if member is not None:
        name = name or member.get_full_name() or member.get_username()
        agency = agency or member.agency
        if plan.core_group.filter(user=member, end_date__isnull=True).exists():
            errors.add("member", f"{name} is already in the core group")
    if not (name or "").strip():
        errors.add("name", "Enter the member's name")
    if agency_kind not in AgencyKind.values + ["family"]:
        errors.add("agency_kind", "Select the member's agency")
    check_date(
        errors,
        "start_date",
        start_date,
        label="date they joined",
        not_before=plan.start_date,
        not_before_label="the start of the plan",
    )
    errors.raise_if_any()
    agency_kind = cast(str, agency_kind)  # no error: one of the agency kinds
    involvement = None
    if member is not None and member.agency_id:
        involvement = Involvement.objects.create(
            person=plan.person,
            agency=member.agency,  # type: ignore[misc]  # agency_id is set
            team=member.team,
            worker=member,
            kind=CORE_GROUP_KIND,
            start_date=start_date,
        )
    core = CoreGroupMember.objects.create(
        plan=plan,
        user=member,
        name=name.strip(),
        role=(role or "").strip(),
        agency_kind=agency_kind,
        agency=agency,
        start_date=start_date,
        involvement=involvement,
    )
    audit.record_creation(user, core, person=plan.person, summary="Added a member to the core group")
    return core


@transaction.atomic
def hold_core_group_meeting(
    user: User,
    plan: ChildProtectionPlan,
    *,
    held_on: datetime.date,
    progress: str,
    attended: Iterable[CoreGroupMember] = (),
    actions: str = "",
    late_reason: str = "",
) -> CoreGroupMeeting:
    """A core group meeting: the first within 10 working days of the conference, then on the
    local frequency."""
    plan = _lock_plan(plan)
    errors = Errors()
    if plan.end_date is not None:
        errors.add("__all__", "This plan has ended")
    check_date(
        errors,
        "held_on",
        held_on,
        label="date of the meeting",
        not_before=plan.start_date,
        not_before_label="the conference that started the plan",
    )
    if not (progress or "").strip():
        errors.add("progress", "Enter the progress against the plan")
    due = due_to_meet(errors, plan, (FIRST_CORE_GROUP_RULE, CORE_GROUP_RULE), held_on, late_reason) if held_on else None
    attended = list(attended)
    if any(member.plan_id != plan.pk for member in attended):
        errors.add("attended", "Select attendees from this plan's core group")
    errors.raise_if_any()
    meeting = CoreGroupMeeting.objects.create(
        plan=plan,
        held_on=held_on,
        progress=progress.strip(),
        actions=(actions or "").strip(),
        recorded_by=user,
        late_reason=deadlines.reason_to_keep(due, held_on, late_reason),
    )
    meeting.attended.set(attended)
    if due is not None:
        deadlines.complete(due, held_on, late_reason)
    issue_due(CORE_GROUP_RULE, held_on, person=plan.person, subject=plan, episode=plan.episode)
    record_event(
        plan.person,
        "core-group",
        timezone.now(),
        "Core group meeting",
        detail=meeting.progress,
        source=meeting,
        recorded_by=user,
    )
    audit.record_creation(user, meeting, person=plan.person, summary="Recorded a core group meeting")
    return meeting
