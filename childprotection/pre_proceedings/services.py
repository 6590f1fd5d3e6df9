"""Business rules of pre-proceedings under the Public Law Outline (Practice Direction 12A), in
the order the steps happen, each named as the field names it:

- start_pre_proceedings: a legal planning meeting (or other forum) decides to start; one open
  pre-proceedings per child-in-need episode; the letter, and the decision at 16 weeks [U],
  fall due.
- send_letter_before_proceedings: the letter to the parents, on or after the decision, with
  the offer of family group decision-making it must carry (Children's Wellbeing and Schools
  Act 2026 s1, new s31ZA Children Act 1989), or the reasons offering it is not in the child's
  best interests; the initial meeting falls due.
- record_family_meeting: the family's answer to the offer and the meeting (or the same
  meeting already recorded for a return home, linked, not typed again).
- hold_pre_proceedings_meeting: the initial meeting (once, after the letter), then reviews.
- decide_pre_proceedings: step down (ends it), continue for longer (a new decision date), or
  issue care proceedings (ends pre-proceedings; the application falls due).
- record_court_application: after a decision to issue, and only when family group
  decision-making was offered (and, if accepted, the meeting held) or the reasons it was not
  are recorded (s31ZA).
- send_letter_of_issue: the letter telling the parents care proceedings are issued, on or
  after the application (CIN census rule 9013).

The reads (the census codes, what is open, the s31ZA gap, the next steps) are in
childprotection.pre_proceedings.selectors. Every function here is one transaction that locks
the episode, checks everything before it writes (kernel.rules.RuleBroken), is audited, adds to
the chronology and issues or meets the due dates (kernel.deadlines). The timescales are data
(childprotection/data/timescales.json [U]); the census codes of the decisions too
(childprotection/data/pre_proceedings.json [U]).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from casework.services import check_open, due_to_meet, issue_due, lock_episode
from chronology.services import record_event
from kernel import deadlines
from kernel.rules import Errors, RuleBroken, check_date

from ..models import PreProceedings, PreProceedingsDecision, PreProceedingsMeeting
from .selectors import S31ZA, fgdm_gap, fgdm_meeting_date, last_meeting, open_pre_proceedings

if TYPE_CHECKING:
    from frontdoor.models import Referral
    from partners.models import User

LETTER_RULE = "letter-before-proceedings"
INITIAL_MEETING_RULE = "initial-pre-proceedings-meeting"
REVIEW_RULE = "pre-proceedings-review"
DECISION_RULE = "pre-proceedings-decision"
EXTENDED_DECISION_RULE = "pre-proceedings-extended-decision"
APPLICATION_RULE = "care-proceedings-application"
DECISION_RULES = (DECISION_RULE, EXTENDED_DECISION_RULE)
CHRONOLOGY_KIND = "pre-proceedings"

Decision = PreProceedings.Decision
Response = PreProceedings.FamilyResponse


def ended_reason(decision: str) -> str:
    """Why the open due dates are withdrawn when pre-proceedings end with `decision`."""
    return "Pre-proceedings ended: " + Decision(decision).label.lower()


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _lock(pre_proceedings):
    lock_episode(pre_proceedings.episode)
    return PreProceedings.objects.select_related("episode", "person", "fgdm_same_meeting_as").get(pk=pre_proceedings.pk)


def _text(value):
    return (value or "").strip()


def _event(user, found, title, day, detail=""):
    record_event(found.person, CHRONOLOGY_KIND, _start_of(day), title, detail=detail, source=found, recorded_by=user)


def _check_open(errors, found):
    if not found.is_open:
        errors.add("__all__", f"These pre-proceedings ended on {found.concluded_on:%-d %B %Y}")


# --- Starting -----------------------------------------------------------------------------


@transaction.atomic
def start_pre_proceedings(
    user: User,
    episode: Referral,
    *,
    start_date: datetime.date,
    decided_by: User | None,
    reasons: str,
    forum: str = "Legal planning meeting",
) -> PreProceedings:
    """The decision to start pre-proceedings (CIN census PPStartDate): one open per episode."""
    episode = lock_episode(episode)
    errors = Errors()
    check_open(episode, errors)
    check_date(
        errors,
        "start_date",
        start_date,
        label="date of the decision to start pre-proceedings",
        not_before=episode.referral_date,
        not_before_label="the referral",
    )
    if decided_by is None:
        errors.add("decided_by", "Select who chaired the meeting that decided")
    if not _text(reasons):
        errors.add("reasons", "Enter why pre-proceedings are starting")
    if not _text(forum):
        errors.add("forum", "Enter the meeting or forum that decided")
    current = open_pre_proceedings(episode)
    if current is not None:
        errors.add(
            "__all__",
            f"{episode.person.full_name} is already in pre-proceedings (from "
            f"{current.start_date:%-d %B %Y}): record its decision before starting again",
        )
    errors.raise_if_any()
    decided_by = cast("User", decided_by)  # no error: who chaired was selected
    found = PreProceedings.objects.create(
        person=episode.person,
        episode=episode,
        start_date=start_date,
        forum=_text(forum)[:200],
        decided_by=decided_by,
        reasons=_text(reasons),
        recorded_by=user,
    )
    for rule in (LETTER_RULE, DECISION_RULE):
        issue_due(rule, start_date, person=episode.person, subject=found, episode=episode)
    _event(user, found, "Pre-proceedings started (Public Law Outline)", start_date, found.reasons)
    audit.record_creation(user, found, person=episode.person, summary="Started pre-proceedings")
    return found


# --- The letter before proceedings, with the offer of family group decision-making ----------


@transaction.atomic
def send_letter_before_proceedings(
    user: User,
    pre_proceedings: PreProceedings,
    *,
    sent_on: datetime.date,
    fgdm_offered: bool | None,
    fgdm_offered_to: str = "",
    fgdm_reasons_not_offered: str = "",
    late_reason: str = "",
) -> PreProceedings:
    """The letter before proceedings (LBPSentDate) and, in it, the offer of family group
    decision-making (FGDMMeetingOffer), which must be made unless it is not in the child's
    best interests, with the reasons (CWSA 2026 s1)."""
    found = _lock(pre_proceedings)
    errors = Errors()
    _check_open(errors, found)
    if found.letter_sent_on is not None:
        errors.add("__all__", f"The letter before proceedings was recorded as sent on {found.letter_sent_on:%-d %B %Y}")
    check_date(
        errors,
        "sent_on",
        sent_on,
        label="date the letter was sent",
        not_before=found.start_date,
        not_before_label="the decision to start pre-proceedings",
    )
    if fgdm_offered not in (True, False):
        errors.add("fgdm_offered", "Say whether the letter offers family group decision-making")
    elif fgdm_offered and not _text(fgdm_offered_to):
        errors.add("fgdm_offered_to", "Say to whom it was offered: each parent or person with parental responsibility")
    elif fgdm_offered is False and not _text(fgdm_reasons_not_offered):
        errors.add(
            "fgdm_reasons_not_offered",
            f"Family group decision-making must be offered ({S31ZA}) unless it is "
            "not in the child's best interests: give the reasons",
        )
    due = due_to_meet(errors, found, LETTER_RULE, sent_on, late_reason) if sent_on else None
    errors.raise_if_any()
    if due is not None:
        deadlines.complete(due, sent_on, late_reason)
    found.letter_sent_on = sent_on
    found.fgdm_offered = fgdm_offered
    found.fgdm_offered_to = _text(fgdm_offered_to)[:300] if fgdm_offered else ""
    found.fgdm_reasons_not_offered = "" if fgdm_offered else _text(fgdm_reasons_not_offered)
    found.save(update_fields=["letter_sent_on", "fgdm_offered", "fgdm_offered_to", "fgdm_reasons_not_offered"])
    issue_due(INITIAL_MEETING_RULE, sent_on, person=found.person, subject=found, episode=found.episode)
    _event(
        user,
        found,
        "Letter before proceedings sent"
        + (": family group decision-making offered" if fgdm_offered else ": family group decision-making not offered"),
        sent_on,
        found.fgdm_reasons_not_offered,
    )
    audit.record_change(
        user,
        found,
        {"letter_sent_on": (None, sent_on), "fgdm_offered": (None, fgdm_offered)},
        person=found.person,
        summary="Recorded the letter before proceedings",
    )
    return found


# --- Family group decision-making -------------------------------------------------------------


@transaction.atomic
def record_family_meeting(
    user: User,
    pre_proceedings: PreProceedings,
    *,
    response: str,
    meeting_on: datetime.date | None = None,
    coordinator: str = "",
    family_plan: str = "",
    plan_response: str = "",
    plan_response_reasons: str = "",
    same_meeting_as: Any = None,  # a childrenincare.FamilyGroupDecisionMaking (a stage above), or None
) -> PreProceedings:
    """The family's answer to the offer and, if they accepted, the meeting (FGDMMeetingFac), its
    family plan and the local authority's response. `same_meeting_as`: the meeting already
    recorded for a return home (childrenincare.FamilyGroupDecisionMaking) when it is the same
    one, so the meeting is recorded once."""
    found = _lock(pre_proceedings)
    errors = Errors()
    if found.fgdm_offered is not True:
        errors.add("__all__", "Record the letter before proceedings offering family group decision-making first")
    if response not in Response.values:
        errors.add("response", "Select how the family answered the offer")
    if same_meeting_as is not None:
        if same_meeting_as.decision.person_id != found.person_id:
            errors.add("same_meeting_as", "That family meeting is about another child")
        elif same_meeting_as.meeting_on is None:
            errors.add("same_meeting_as", "That family meeting has no date: record it there first")
        elif found.letter_sent_on and same_meeting_as.meeting_on < found.letter_sent_on:
            errors.add("same_meeting_as", "That family meeting was before the letter before proceedings offered one")
    if meeting_on is not None:
        if response != Response.ACCEPTED:
            errors.add("meeting_on", "A meeting is held when the family accepted the offer")
        check_date(
            errors,
            "meeting_on",
            meeting_on,
            label="date of the family meeting",
            not_before=found.letter_sent_on,
            not_before_label="the letter before proceedings",
        )
    if plan_response and plan_response not in PreProceedings.FamilyPlanResponse.values:
        errors.add("plan_response", "Select the local authority's response to the family plan")
    if plan_response and meeting_on is None and same_meeting_as is None:
        errors.add("meeting_on", "Enter the date of the meeting the family plan came from")
    if plan_response == PreProceedings.FamilyPlanResponse.NOT_AGREED and not _text(plan_response_reasons):
        errors.add("plan_response_reasons", "Give the reasons the family plan is not agreed")
    errors.raise_if_any()
    before = (found.fgdm_response, found.fgdm_meeting_on)
    found.fgdm_response = response
    found.fgdm_meeting_on = meeting_on
    found.fgdm_coordinator = _text(coordinator)[:200]
    found.fgdm_family_plan = _text(family_plan)
    found.fgdm_plan_response = plan_response or ""
    found.fgdm_plan_response_reasons = _text(plan_response_reasons)
    found.fgdm_same_meeting_as = same_meeting_as
    found.save(
        update_fields=[
            "fgdm_response",
            "fgdm_meeting_on",
            "fgdm_coordinator",
            "fgdm_family_plan",
            "fgdm_plan_response",
            "fgdm_plan_response_reasons",
            "fgdm_same_meeting_as",
        ]
    )
    held = fgdm_meeting_date(found)
    title = (
        "Family group decision-making meeting held"
        if held
        else f"Family group decision-making: {found.get_fgdm_response_display().lower()}"
    )
    _event(user, found, title, held or timezone.localdate(), found.fgdm_family_plan)
    audit.record_change(
        user,
        found,
        {"fgdm_response": (before[0], response), "fgdm_meeting_on": (before[1], meeting_on)},
        person=found.person,
        summary="Recorded family group decision-making in pre-proceedings",
    )
    return found


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def hold_pre_proceedings_meeting(
    user: User,
    pre_proceedings: PreProceedings,
    *,
    kind: str,
    held_on: datetime.date,
    notes: str,
    parents_attended: bool = True,
    parents_legally_represented: bool = True,
    late_reason: str = "",
) -> PreProceedingsMeeting:
    """The initial meeting (InitialPPMeetingDate), once, after the letter before proceedings;
    then review meetings (ReviewMeetingsCount), each after the last."""
    found = _lock(pre_proceedings)
    errors = Errors()
    _check_open(errors, found)
    Kind = PreProceedingsMeeting.Kind
    if kind not in Kind.values:
        raise RuleBroken({"kind": ["Select the kind of meeting"]})
    previous = last_meeting(found)
    if kind == Kind.INITIAL:
        if found.letter_sent_on is None:
            errors.add(
                "__all__",
                "The initial pre-proceedings meeting follows the letter before proceedings: record the letter first",
            )
        if found.meetings.filter(kind=Kind.INITIAL).exists():
            errors.add("__all__", "The initial meeting has been recorded: record a review meeting")
        check_date(
            errors,
            "held_on",
            held_on,
            label="date of the meeting",
            not_before=found.letter_sent_on,
            not_before_label="the letter before proceedings",
        )
        rules = INITIAL_MEETING_RULE
    else:
        if previous is None:
            errors.add("__all__", "Record the initial pre-proceedings meeting before a review")
        check_date(
            errors,
            "held_on",
            held_on,
            label="date of the meeting",
            not_before=previous.held_on if previous else found.start_date,
            not_before_label="the last meeting" if previous else "the decision to start pre-proceedings",
        )
        rules = REVIEW_RULE
    if not _text(notes):
        errors.add("notes", "Enter what the meeting agreed")
    due = due_to_meet(errors, found, rules, held_on, late_reason) if held_on else None
    errors.raise_if_any()
    if due is not None:
        deadlines.complete(due, held_on, late_reason)
    meeting = PreProceedingsMeeting.objects.create(
        pre_proceedings=found,
        kind=kind,
        held_on=held_on,
        notes=_text(notes),
        parents_attended=bool(parents_attended),
        parents_legally_represented=bool(parents_legally_represented),
        late_reason=deadlines.reason_to_keep(due, held_on, late_reason),
        recorded_by=user,
    )
    issue_due(REVIEW_RULE, held_on, person=found.person, subject=found, episode=found.episode)
    _event(user, found, meeting.get_kind_display(), held_on, meeting.notes)
    audit.record_creation(
        user, meeting, person=found.person, summary=f"Recorded a {meeting.get_kind_display().lower()}"
    )
    return meeting


# --- The decision -------------------------------------------------------------------------


@transaction.atomic
def decide_pre_proceedings(
    user: User,
    pre_proceedings: PreProceedings,
    *,
    decision: str,
    decided_on: datetime.date,
    decided_by: User | None,
    reasons: str,
    late_reason: str = "",
) -> PreProceedings:
    """Step down (pre-proceedings end), continue for longer (a new decision date), or issue
    care proceedings (pre-proceedings end; the application falls due): StepDecisionDate and
    PPOutcome."""
    found = _lock(pre_proceedings)
    errors = Errors()
    _check_open(errors, found)
    if decision not in Decision.values:
        errors.add("decision", "Select the decision")
    previous = last_meeting(found)
    latest = max(filter(None, [found.start_date, found.decision_date, previous.held_on if previous else None]))
    label = (
        "the last pre-proceedings meeting"
        if previous and latest == previous.held_on
        else "the last decision"
        if found.decision_date and latest == found.decision_date
        else "the decision to start pre-proceedings"
    )
    check_date(
        errors, "decided_on", decided_on, label="date of the decision", not_before=latest, not_before_label=label
    )
    if decided_by is None:
        errors.add("decided_by", "Select who made the decision")
    if not _text(reasons):
        errors.add("reasons", "Enter the reasons for the decision")
    due = due_to_meet(errors, found, DECISION_RULES, decided_on, late_reason) if decided_on else None
    errors.raise_if_any()
    decided_by = cast("User", decided_by)  # no error: who decided was selected
    if due is not None:
        deadlines.complete(due, decided_on, late_reason)
    PreProceedingsDecision.objects.create(
        pre_proceedings=found,
        decision=decision,
        decided_on=decided_on,
        decided_by=decided_by,
        reasons=_text(reasons),
        late_reason=deadlines.reason_to_keep(due, decided_on, late_reason),
        recorded_by=user,
    )
    before = (found.decision, found.decision_date)
    found.decision, found.decision_date = decision, decided_on
    fields = ["decision", "decision_date"]
    if decision == Decision.EXTEND:
        issue_due(EXTENDED_DECISION_RULE, decided_on, person=found.person, subject=found, episode=found.episode)
    else:
        found.concluded_on = decided_on
        fields.append("concluded_on")
        deadlines.withdraw(found, reason=ended_reason(decision))
        if decision == Decision.ISSUE:
            issue_due(APPLICATION_RULE, decided_on, person=found.person, subject=found, episode=found.episode)
    found.save(update_fields=fields)
    _event(user, found, f"Pre-proceedings decision: {Decision(decision).label.lower()}", decided_on, _text(reasons))
    audit.record_change(
        user,
        found,
        {"decision": (before[0], decision), "decision_date": (before[1], decided_on)},
        person=found.person,
        summary="Recorded a pre-proceedings decision",
    )
    return found


# --- Care proceedings -----------------------------------------------------------------------


@transaction.atomic
def record_court_application(
    user: User, pre_proceedings: PreProceedings, *, applied_on: datetime.date, order_sought: str, late_reason: str = ""
) -> PreProceedings:
    """The application to court (CourtAppDate), on or after the decision to issue (CIN census
    rule 9012), once family group decision-making has been offered, and held if accepted, or
    the reasons it was not offered recorded (CWSA 2026 s1)."""
    found = _lock(pre_proceedings)
    errors = Errors()
    if found.decision != Decision.ISSUE:
        errors.add("__all__", "Record the decision to issue care proceedings first")
    if found.court_application_date is not None:
        errors.add("__all__", f"The application was recorded as made on {found.court_application_date:%-d %B %Y}")
    check_date(
        errors,
        "applied_on",
        applied_on,
        label="date of the application",
        not_before=found.decision_date,
        not_before_label="the decision to issue care proceedings",
    )
    if order_sought not in PreProceedings.Order.values:
        errors.add("order_sought", "Select the order applied for")
    gap = fgdm_gap(found, applied_on)
    if gap:
        errors.add("__all__", gap)
    due = due_to_meet(errors, found, APPLICATION_RULE, applied_on, late_reason) if applied_on else None
    errors.raise_if_any()
    if due is not None:
        deadlines.complete(due, applied_on, late_reason)
    found.court_application_date, found.order_sought = applied_on, order_sought
    found.save(update_fields=["court_application_date", "order_sought"])
    _event(user, found, f"Application to court for a {found.get_order_sought_display().lower()}", applied_on)
    audit.record_change(
        user,
        found,
        {"court_application_date": (None, applied_on)},
        person=found.person,
        summary="Recorded the application for care proceedings",
    )
    return found


@transaction.atomic
def send_letter_of_issue(user: User, pre_proceedings: PreProceedings, *, sent_on: datetime.date) -> PreProceedings:
    """The letter telling the parents that care proceedings are issued (LetterInitCPDate): on or
    after the application (CIN census rule 9013)."""
    found = _lock(pre_proceedings)
    errors = Errors()
    if found.court_application_date is None:
        errors.add("__all__", "Record the application to court first")
    if found.letter_of_issue_sent_on is not None:
        errors.add("__all__", f"The letter was recorded as sent on {found.letter_of_issue_sent_on:%-d %B %Y}")
    check_date(
        errors,
        "sent_on",
        sent_on,
        label="date the letter was sent",
        not_before=found.court_application_date,
        not_before_label="the application to court",
    )
    errors.raise_if_any()
    found.letter_of_issue_sent_on = sent_on
    found.save(update_fields=["letter_of_issue_sent_on"])
    _event(user, found, "Letter to the parents: care proceedings issued", sent_on)
    audit.record_change(
        user,
        found,
        {"letter_of_issue_sent_on": (None, sent_on)},
        person=found.person,
        summary="Recorded the letter that care proceedings are issued",
    )
    return found
