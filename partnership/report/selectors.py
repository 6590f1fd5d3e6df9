"""Reads of the yearly report."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ReportApproval, ReportVersion, YearlyReport
from .figures import DEFINITIONS, Counted, Definition, Period


def reports() -> QuerySet[YearlyReport]:
    return YearlyReport.objects.defer("html", "pdf", "figures").order_by("-period_to", "-id")


def report(report_id: int) -> YearlyReport | None:
    return YearlyReport.objects.filter(pk=report_id).first()


def published_reports() -> QuerySet[YearlyReport]:
    return reports().filter(status=YearlyReport.Status.PUBLISHED)


def published_report(report_id: int) -> YearlyReport | None:
    return YearlyReport.objects.filter(pk=report_id, status=YearlyReport.Status.PUBLISHED).first()


def versions(report: YearlyReport) -> list[ReportVersion]:
    return list(report.versions.select_related("saved_by").prefetch_related("approvals").order_by("-number"))


def approvals(version: ReportVersion) -> list[ReportApproval]:
    return list(version.approvals.select_related("approved_by"))


def period_of(report: YearlyReport) -> Period:
    return Period(report.period_from, report.period_to)


def definition(slug: str) -> Definition | None:
    return DEFINITIONS.get(slug)


def published_value(report: YearlyReport, slug: str) -> Counted | None:
    data = (report.figures or {}).get("figures", {}).get(slug)
    return Counted.from_json(data) if data else None
