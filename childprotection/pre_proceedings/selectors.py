"""What pre-proceedings hold, read without writing: the census codes of the decisions (data
[U]), the open pre-proceedings of an episode, the family group decision-making meeting and the
s31ZA gap before applying to court, and the steps that may be recorded next."""

import datetime
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from frontdoor.models import Referral

from ..models import PreProceedings, PreProceedingsMeeting

DATA = Path(__file__).resolve().parent.parent / "data" / "pre_proceedings.json"
S31ZA = "the Children's Wellbeing and Schools Act 2026 (section 31ZA of the Children Act 1989)"

Decision = PreProceedings.Decision
Response = PreProceedings.FamilyResponse


@lru_cache(maxsize=1)
def census_data() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def outcome_code(decision: str) -> str | None:
    """The CIN census PPOutcome code (CS131) a decision is returned as: data [U]."""
    found = census_data()["outcome_codes"].get(decision)
    return found["code"] if found else None


def outcome_codes() -> set[str]:
    return {entry["code"] for entry in census_data()["outcome_codes"].values()}


def open_pre_proceedings(episode: Referral) -> PreProceedings | None:
    return PreProceedings.objects.filter(episode=episode, concluded_on__isnull=True).first()


def last_meeting(found: PreProceedings) -> PreProceedingsMeeting | None:
    return found.meetings.order_by("-held_on", "-id").first()


def fgdm_meeting_date(found: PreProceedings) -> datetime.date | None:
    """The date family group decision-making was held (its own record, or the linked one)."""
    if found.fgdm_meeting_on:
        return found.fgdm_meeting_on
    linked = found.fgdm_same_meeting_as
    return linked.meeting_on if linked is not None else None


def fgdm_gap(found: PreProceedings, on: datetime.date | None = None) -> str:
    """Why care proceedings may not be applied for yet under s31ZA, or "" when they may: family
    group decision-making offered to the parents (and, if anyone accepted, the meeting held, on
    or before `on`), or the reasons offering it is not in the child's best interests."""
    if found.fgdm_offered is None:
        return (
            f"Family group decision-making must be offered to the parents before applying for a care or "
            f"supervision order ({S31ZA}): record the letter before proceedings with the offer, or the reasons "
            "offering it is not in the child's best interests"
        )
    if found.fgdm_offered is False:
        return (
            ""
            if (found.fgdm_reasons_not_offered or "").strip()
            else ("Give the reasons offering family group decision-making is not in the child's best interests")
        )
    if found.fgdm_response == Response.ACCEPTED:
        held = fgdm_meeting_date(found)
        if held is None or (on is not None and held > on):
            return (
                f"The family accepted family group decision-making: the meeting must be held before applying "
                f"to court ({S31ZA}). Record the meeting first"
            )
    elif not found.fgdm_response:
        return "Record the family's answer to the offer of family group decision-making"
    return ""


# --- What is next ---------------------------------------------------------------------------


def next_steps(found: PreProceedings) -> list[tuple[str, str]]:
    """The steps that may be recorded now, as (slug, label), in the order they happen."""
    steps = []
    if found.is_open:
        if found.letter_sent_on is None:
            steps.append(("letter", "Record the letter before proceedings"))
        if found.fgdm_offered:
            steps.append(("family-meeting", "Record family group decision-making"))
        if found.letter_sent_on is not None:
            if not found.meetings.filter(kind=PreProceedingsMeeting.Kind.INITIAL).exists():
                steps.append(("initial-meeting", "Record the initial pre-proceedings meeting"))
            else:
                steps.append(("review-meeting", "Record a review meeting"))
        steps.append(("decision", "Record the decision: step down, continue or issue proceedings"))
    elif found.decision == Decision.ISSUE:
        if found.fgdm_offered and fgdm_meeting_date(found) is None:
            steps.append(("family-meeting", "Record family group decision-making"))
        if found.court_application_date is None:
            steps.append(("court-application", "Record the application to court"))
        elif found.letter_of_issue_sent_on is None:
            steps.append(("letter-of-issue", "Record the letter that care proceedings are issued"))
    return steps


def of_episode(episode: Referral) -> list[PreProceedings]:
    """The pre-proceedings of a child-in-need episode, latest first."""
    return list(PreProceedings.objects.filter(episode=episode).order_by("-start_date", "-id"))


def census_items(found: PreProceedings) -> list[tuple[str, Any]]:
    """The CIN census items (2026/27 module PreProceedingsandFGDM) as the record holds them."""
    Kind = PreProceedingsMeeting.Kind
    meetings = list(found.meetings.all())
    initial = next((m for m in meetings if m.kind == Kind.INITIAL), None)
    return [
        ("Decision to start (PPStartDate)", found.start_date),
        ("Letter before proceedings (LBPSentDate)", found.letter_sent_on),
        (
            "Family group decision-making offered in the letter (FGDMMeetingOffer)",
            "Not yet recorded" if found.fgdm_offered is None else ("Yes" if found.fgdm_offered else "No"),
        ),
        ("Family group decision-making meeting held (FGDMMeetingFac)", fgdm_meeting_date(found)),
        ("Initial pre-proceedings meeting (InitialPPMeetingDate)", initial.held_on if initial else None),
        ("Review meetings (ReviewMeetingsCount)", str(sum(1 for m in meetings if m.kind == Kind.REVIEW))),
        ("Decision to step down, continue or issue (StepDecisionDate)", found.decision_date),
        (
            "Outcome (PPOutcome)",
            f"{found.get_decision_display()} ({outcome_code(found.decision)} [U])" if found.decision else None,
        ),
        ("Application to court (CourtAppDate)", found.court_application_date),
        ("Letter that care proceedings are issued (LetterInitCPDate)", found.letter_of_issue_sent_on),
    ]


def timeline(found: PreProceedings) -> list[tuple[datetime.date, str, str]]:
    """What happened, in date order: (date, what, detail)."""
    events = [(found.start_date, f"{found.forum}: decision to start pre-proceedings", found.reasons)]
    if found.letter_sent_on:
        events.append(
            (
                found.letter_sent_on,
                "Letter before proceedings sent",
                f"Family group decision-making offered to {found.fgdm_offered_to}"
                if found.fgdm_offered
                else f"Family group decision-making not offered: {found.fgdm_reasons_not_offered}",
            )
        )
    held = fgdm_meeting_date(found)
    if held:
        events.append((held, "Family group decision-making meeting", found.fgdm_family_plan))
    for meeting in found.meetings.all():
        events.append((meeting.held_on, meeting.get_kind_display(), meeting.notes))
    for decision in found.decisions.select_related("decided_by"):
        events.append(
            (
                decision.decided_on,
                f"Decision: {decision.get_decision_display().lower()}",
                f"{decision.reasons} ({decision.decided_by})",
            )
        )
    if found.court_application_date:
        events.append(
            (found.court_application_date, f"Application to court for a {found.get_order_sought_display().lower()}", "")
        )
    if found.letter_of_issue_sent_on:
        events.append((found.letter_of_issue_sent_on, "Letter to the parents: care proceedings issued", ""))
    return sorted(events, key=lambda e: e[0])
