"""Reads about children in care: a child's open period of care and its current legal status and
placement, who is designated to approve what, the approvals waiting for a user, and what the
child's care record page shows. The services check their rules with these; the views show them.
Nothing here writes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kernel import codelists
from kernel import selectors as deadline_reads
from kernel.models import Deadline
from kernel.templatetags import due_dates as due_tags
from partners.models import User
from people.access import Level, levels
from people.models import Person

from .models import (
    Approval,
    CareEpisode,
    Designation,
    LegalStatus,
    PeriodOfCare,
    Placement,
    ReturnHomeMonitoring,
    ReunificationDecision,
)

# --- A child's period of care -------------------------------------------------------------


def open_period(person: Person) -> PeriodOfCare | None:
    """The child's open period of care, or None."""
    return PeriodOfCare.objects.filter(person=person, end_date__isnull=True).first()


def current_legal_status(period: PeriodOfCare) -> LegalStatus | None:
    return period.legal_statuses.order_by("-start_date", "-id").first()


def current_placement(period: PeriodOfCare) -> Placement | None:
    return period.placements.order_by("-start_date", "-id").first()


def latest_change(period: PeriodOfCare) -> datetime.date:
    """The last day the legal status or placement changed: nothing may be recorded before it."""
    dates = [
        d
        for d in (
            getattr(current_legal_status(period), "start_date", None),
            getattr(current_placement(period), "start_date", None),
        )
        if d
    ]
    return max(dates) if dates else period.start_date


# --- Approvals ----------------------------------------------------------------------------

APPROVER: dict[str | None, str] = {
    Approval.Kind.DISTANT: Designation.Kind.DIRECTOR,
    Approval.Kind.CEASE_16_17: Designation.Kind.DIRECTOR,
}


def approver_kind(kind: str | None) -> str:
    """Who approves an approval of this kind: the director, or (by default) a nominated officer."""
    return APPROVER.get(kind, Designation.Kind.NOMINATED_OFFICER)


def is_designated(user: User, kind: str, on: datetime.date) -> bool:
    found = Designation.objects.filter(user=user, kind=kind, valid_from__lte=on)
    return found.filter(valid_to__isnull=True).exists() or found.filter(valid_to__gte=on).exists()


def pending_approvals(user: User, on: datetime.date | None = None) -> QuerySet[Approval]:
    """The approvals waiting for this user's designation."""
    on = on or timezone.localdate()
    kinds = []
    for designation, approval_kinds in (
        (
            Designation.Kind.NOMINATED_OFFICER,
            [k for k in Approval.Kind if approver_kind(k) == Designation.Kind.NOMINATED_OFFICER],
        ),
        (Designation.Kind.DIRECTOR, [k for k in Approval.Kind if approver_kind(k) == Designation.Kind.DIRECTOR]),
    ):
        if is_designated(user, designation, on):
            kinds += approval_kinds
    return (
        Approval.objects.filter(status=Approval.Status.PENDING, kind__in=kinds)
        .select_related("period__person", "placement", "requested_by")
        .order_by("requested_on", "id")
    )


def approvals_waiting(user: User) -> list[Approval]:
    """The approvals waiting for this user's designation, about children whose full record
    they may see."""
    found = list(pending_approvals(user))
    seen = levels(user, [a.period.person for a in found])
    return [a for a in found if seen.get(a.period.person_id) == Level.FULL]


def designations(user: User) -> set[str]:
    return set(user.designations.values_list("kind", flat=True))


def decisions_waiting(user: User) -> list[ReunificationDecision]:
    """Draft return-home decisions waiting for approval, soonest first, about children whose
    full record the user may see."""
    drafts = list(
        ReunificationDecision.objects.filter(status=ReunificationDecision.Status.DRAFT)
        .select_related("person")
        .order_by("proposed_date")
    )
    seen = levels(user, [d.person for d in drafts])
    return [d for d in drafts if seen.get(d.person_id) == Level.FULL]


# --- The child's care record page ---------------------------------------------------------


def care_episodes(period: PeriodOfCare) -> list[dict[str, Any]]:
    """The SSDA903 episodes of the period, oldest first, with their codes' labels."""
    episodes: list[CareEpisode] = list(period.care_episodes.order_by("start_date", "id"))
    return [
        {
            "episode": e,
            "rne": codelists.label("new-episode-reason", e.new_episode_reason),
            "rec": codelists.label("episode-end-reason", e.end_reason) if e.end_reason else "",
            "change": codelists.label("placement-change-reason", e.placement_change_reason),
        }
        for e in episodes
    ]


def placements(period: PeriodOfCare) -> list[Placement]:
    return list(period.placements.select_related("carer").order_by("start_date", "id"))


def legal_statuses(period: PeriodOfCare) -> list[LegalStatus]:
    return list(period.legal_statuses.order_by("start_date", "id"))


def approvals(period: PeriodOfCare) -> list[Approval]:
    """The period's approvals, newest first."""
    return list(period.approvals.select_related("decided_by", "placement").order_by("-requested_on", "-id"))


def return_decisions(period: PeriodOfCare) -> list[ReunificationDecision]:
    """The period's return-home decisions, newest first."""
    return list(period.return_decisions.order_by("-created_at"))


def due_dates(person: Person, today: datetime.date) -> list[dict[str, Any]]:
    """The child's open due dates, each with its GOV.UK tag for today: [{"deadline", "tag"}]."""
    found: list[Deadline] = list(deadline_reads.open_for(person))
    return [{"deadline": d, "tag": due_tags.tag(d, today)} for d in found]


def other_periods(period: PeriodOfCare) -> list[PeriodOfCare]:
    """The child's other periods of care, newest first."""
    return list(PeriodOfCare.objects.filter(person=period.person).exclude(pk=period.pk).order_by("-start_date"))


def monitoring(period: PeriodOfCare) -> list[ReturnHomeMonitoring]:
    """The returns home of the period being (or once) monitored, with their flags."""
    return list(ReturnHomeMonitoring.objects.filter(period=period).prefetch_related("flags"))


def outcome_years(period: PeriodOfCare) -> list[tuple[int, str, bool]]:
    """(year, label, recorded) for each collection year the period needs its OC2 outcomes."""
    from .outcomes import years_due  # outcomes checks its rules with this module's reads

    recorded = set(period.year_outcomes.values_list("year", flat=True))
    return [(year, f"{year - 1} to {year}", year in recorded) for year in years_due(period)]
