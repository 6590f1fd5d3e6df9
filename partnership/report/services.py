"""The steps of the partnership's yearly report (Children Act 2004 s16G; Working Together 2023
chapter 2: "the safeguarding partners must publish a report at least once in every 12-month
period", setting out what they have done and how effective it has been).

Each step is one transaction that checks everything before it writes (kernel.rules.RuleBroken,
with messages by field) and is audited. What the partnership writes is kept as versions: a save
makes a new version and never changes an old one. The three lead partners approve a version; a
new version needs approving again. Publishing freezes the approved version: the figures counted
that day, the HTML and the PDF are stored and never drawn again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from kernel.rules import Errors, RuleBroken, check_date, long_date
from partners.access import LEAD_PARTNER_AGENCIES
from partners.models import User

from ..models import ReportApproval, ReportVersion, YearlyReport
from . import figures, render

# The longest period a report may cover: 12 months (a report "at least once in every 12-month
# period"). [U] A partnership reporting on a longer period would change it here.
MAX_MONTHS = 12
PRIORITIES_SHOWN = 6
PARTNERS = tuple(ReportApproval.Partner.values)


def _year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _overlapping_published(period_from: datetime.date, period_to: datetime.date, exclude: int | None = None) -> Any:
    found = YearlyReport.objects.filter(
        status=YearlyReport.Status.PUBLISHED, period_from__lte=period_to, period_to__gte=period_from
    )
    return found.exclude(pk=exclude) if exclude else found


def _overlap_message(other: YearlyReport) -> str:
    return (
        f"The period overlaps the published report ‘{other.title}’ "
        f"({long_date(other.period_from)} to {long_date(other.period_to)}): choose a period after it"
    )


def latest_version(report: YearlyReport) -> ReportVersion:
    found = report.versions.order_by("-number").first()
    assert found is not None, "a report always has a version"
    return found


@transaction.atomic
def start_report(
    user: User, *, title: str, period_from: datetime.date | None, period_to: datetime.date | None
) -> YearlyReport:
    """Start the report for a period: up to 12 months, not overlapping a published report. Its
    first version carries the priorities of the last published report forward, so that the
    partnership reports on the progress of each."""
    errors = Errors()
    title = (title or "").strip()
    if not title:
        errors.add("title", "Enter the report's title")
    check_date(errors, "period_from", period_from, label="first day of the period")
    # The period may end after today: a report may be drafted before its period ends.
    if period_to is None:
        errors.add("period_to", "Enter the last day of the period")
    if period_from and period_to and "period_from" not in errors and "period_to" not in errors:
        if period_to < period_from:
            errors.add("period_to", "The last day of the period must be on or after its first day")
        elif period_to >= _year_after(period_from):
            errors.add(
                "period_to",
                f"A report covers at most {MAX_MONTHS} months: "
                f"end the period before {long_date(_year_after(period_from))}",
            )
        else:
            other = _overlapping_published(period_from, period_to).first()
            if other is not None:
                errors.add("period_from", _overlap_message(other))
    errors.raise_if_any()
    assert period_from is not None
    assert period_to is not None
    report = YearlyReport.objects.create(title=title, period_from=period_from, period_to=period_to, created_by=user)
    last = YearlyReport.objects.filter(status=YearlyReport.Status.PUBLISHED).order_by("-period_to").first()
    carried = []
    if last is not None and last.published_version is not None:
        carried = [{"priority": p.get("priority", ""), "evidence": ""} for p in last.published_version.priorities]
    ReportVersion.objects.create(
        report=report, number=1, priorities=carried, saved_by=user, change_note="Started the report"
    )
    audit.record_change(
        user, report, {"period": (None, f"{period_from} to {period_to}")}, summary=f"Started the yearly report {title}"
    )
    return report


def _lock(report: YearlyReport) -> YearlyReport:
    found = YearlyReport.objects.select_for_update().get(pk=report.pk)
    if found.status == YearlyReport.Status.PUBLISHED:
        raise RuleBroken("This report has been published: it cannot be changed")
    return found


def _clean_priorities(errors: Errors, priorities: list[dict[str, str]]) -> list[dict[str, str]]:
    kept = []
    for i, item in enumerate(priorities, start=1):
        priority, evidence = (item.get("priority") or "").strip(), (item.get("evidence") or "").strip()
        if evidence and not priority:
            errors.add(f"priority_{i}", f"Enter priority {i}, or remove its evidence")
        elif priority:
            kept.append({"priority": priority, "evidence": evidence})
    return kept


def _new_version(
    report: YearlyReport, user: User, base: ReportVersion, change_note: str, **changes: Any
) -> ReportVersion:
    fields = {
        name: getattr(base, name) for name in ("introduction", "learning", "commentary", "priorities", "next_steps")
    }
    fields.update(changes)
    return ReportVersion.objects.create(
        report=report, number=base.number + 1, saved_by=user, change_note=change_note[:300], **fields
    )


def _stale(errors: Errors, base: ReportVersion, read_version: int | None) -> None:
    if read_version is not None and read_version != base.number:
        errors.add(
            "__all__",
            f"Version {base.number} was saved since you opened version {read_version}: "
            "open the report again to see it, then make your changes",
        )


@transaction.atomic
def revise_report(
    user: User,
    report: YearlyReport,
    *,
    introduction: str,
    learning: str,
    priorities: list[dict[str, str]],
    next_steps: str,
    change_note: str = "",
    read_version: int | None = None,
) -> ReportVersion:
    """Save the partnership's narrative as a new version (the scrutineer's commentary is kept)."""
    report = _lock(report)
    base = latest_version(report)
    errors = Errors()
    _stale(errors, base, read_version)
    kept = _clean_priorities(errors, priorities)
    errors.raise_if_any()
    version = _new_version(
        report,
        user,
        base,
        change_note or "Edited the narrative",
        introduction=introduction.strip(),
        learning=learning.strip(),
        priorities=kept,
        next_steps=next_steps.strip(),
    )
    audit.record_change(
        user,
        report,
        {"version": (base.number, version.number)},
        summary=f"Saved version {version.number} of {report.title}",
    )
    return version


@transaction.atomic
def write_commentary(
    user: User, report: YearlyReport, *, commentary: str, read_version: int | None = None
) -> ReportVersion:
    """The independent scrutineer's commentary, as a new version."""
    report = _lock(report)
    base = latest_version(report)
    errors = Errors()
    _stale(errors, base, read_version)
    if not (commentary or "").strip():
        errors.add("commentary", "Enter the commentary")
    errors.raise_if_any()
    version = _new_version(report, user, base, "The scrutineer's commentary", commentary=commentary.strip())
    audit.record_change(
        user,
        report,
        {"version": (base.number, version.number)},
        summary=f"Wrote the scrutineer's commentary in {report.title}",
    )
    return version


def partner_of(user: User) -> str | None:
    """The lead partner a user approves for: their agency's kind, for a lead partner account."""
    kind = getattr(getattr(user, "agency", None), "kind", None)
    return kind if getattr(user, "role", None) == User.Role.LEAD_PARTNER and kind in LEAD_PARTNER_AGENCIES else None


@transaction.atomic
def approve_report(user: User, report: YearlyReport, *, version_number: int | None) -> ReportApproval:
    """A lead partner approves the version they read, for their agency. Approving an older version
    than the latest is refused (they must read what they approve); approving twice is refused."""
    report = _lock(report)
    partner = partner_of(user)
    if partner is None:
        raise RuleBroken(
            "Only a lead safeguarding partner of the local authority, the integrated care board or the "
            "police may approve the report"
        )
    base = latest_version(report)
    errors = Errors()
    _stale(errors, base, version_number)
    errors.raise_if_any()
    if base.approvals.filter(partner=partner).exists():
        label = ReportApproval.Partner(partner).label
        raise RuleBroken(f"Version {base.number} has already been approved for the {label.lower()}")
    approval = ReportApproval.objects.create(version=base, partner=partner, approved_by=user)
    audit.record_change(
        user, report, {"approved": (None, partner)}, summary=f"Approved version {base.number} of {report.title}"
    )
    return approval


def missing_approvals(version: ReportVersion) -> list[str]:
    """The lead partners (labels) who have not approved this version."""
    given = set(version.approvals.values_list("partner", flat=True))
    return [label for value, label in ReportApproval.Partner.choices if value not in given]


@transaction.atomic
def publish_report(user: User, report: YearlyReport, *, version_number: int | None = None) -> YearlyReport:
    """Publish the latest version, once the three lead partners have approved it: the figures are
    counted, the HTML and the PDF drawn and all of it stored, never to change."""
    # Every report whose period overlaps is locked first, so that two overlapping reports
    # published at once are published one after the other, and the second is refused.
    list(
        YearlyReport.objects.select_for_update()
        .filter(Q(period_from__lte=report.period_to), Q(period_to__gte=report.period_from))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    report = _lock(report)
    base = latest_version(report)
    errors = Errors()
    _stale(errors, base, version_number)
    missing = missing_approvals(base)
    if missing:
        errors.add("__all__", f"Version {base.number} has not been approved by: {', '.join(missing)}")
    other = _overlapping_published(report.period_from, report.period_to, exclude=report.pk).first()
    if other is not None:
        errors.add("__all__", _overlap_message(other))
    errors.raise_if_any()
    period = figures.Period(report.period_from, report.period_to)
    snapshot = figures.snapshot(period)
    counted = {slug: figures.Counted.from_json(data) for slug, data in snapshot["figures"].items()}
    now = timezone.now()
    html = render.document(
        title=report.title,
        period=period,
        counted=counted,
        version=base,
        approvals=list(base.approvals.select_related("approved_by")),
        status="Published",
        counted_at=now,
    )
    report.pdf = render.pdf(html)
    report.html, report.figures = html, snapshot
    report.status, report.published_version, report.published_by, report.published_at = (
        YearlyReport.Status.PUBLISHED,
        base,
        user,
        now,
    )
    report.save()
    audit.record_change(
        user, report, {"status": ("draft", "published")}, summary=f"Published {report.title} (version {base.number})"
    )
    return report
