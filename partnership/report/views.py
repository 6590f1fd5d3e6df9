"""The yearly report's pages: the reports (rule `partnership`), starting and editing one
(`partnership_change`), the scrutineer's commentary (`partnership_report_commentary`), a lead
partner's approval (`partnership_report_approve`), publishing (`partnership_change`), the report
itself as HTML and PDF, each figure's definition and query counted again, and the published
reports (public). The report names no child; every view is audited."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kernel.access import public, rule
from kernel.casestep import Success, case_step, viewed
from kernel.rules import long_date
from partners.models import User

from ..models import YearlyReport
from ..pages import found_or_404, may_change, page
from . import forms, selectors, services
from . import render as report_render

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


def _report(report_id: int) -> YearlyReport:
    return found_or_404(selectors.report(report_id), "yearly report", report_id)


def _url(report: YearlyReport) -> str:
    return reverse("partnership:report", args=[report.pk])


def _page(request, form, *, title: str, back: str, about=None, rows=()):
    return page(request, form, title=title, back=back, about=about, rows=rows, caption="Yearly report")


_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def document_response(html: str, *, filename: str = "") -> HttpResponse:
    """The report's HTML as its own document. Its one <style> element is allowed by its hash
    (the site's content security policy allows no inline style otherwise)."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    found = _STYLE.search(html)
    if found:
        digest = base64.b64encode(hashlib.sha256(found.group(1).encode()).digest()).decode()
        response._csp_update = {"style-src": [f"'sha256-{digest}'"]}  # type: ignore[attr-defined]
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(report: YearlyReport, ext: str) -> str:
    return f"safeguarding-partnership-report-{report.period_from:%Y-%m-%d}-to-{report.period_to:%Y-%m-%d}.{ext}"


# --- The reports ---------------------------------------------------------------------------------


@rule("partnership")
def reports(request: SignedInRequest):
    found = list(selectors.reports())
    viewed(request, None, None, "Viewed the partnership's yearly reports")
    return render(
        request,
        "partnership/report/reports.html",
        {"reports": found, "may_change": may_change(request)},
    )


@rule("partnership_change")
def report_new(request: SignedInRequest):
    form = forms.StartForm(request.POST if request.method == "POST" else None)
    return case_step(
        request,
        form,
        act=lambda data: services.start_report(request.user, **data),
        success=lambda found: Success(f"{found.title} started", _url(found)),
        page=_page(request, form, title="Start a yearly report", back=reverse("partnership:reports")),
    )


@rule("partnership")
def report(request: SignedInRequest, report_id: int):
    found = _report(report_id)
    versions = selectors.versions(found)
    latest = versions[0]
    viewed(request, found, None, f"Viewed the yearly report {found.title}")
    user = request.user
    return render(
        request,
        "partnership/report/report.html",
        {
            "report": found,
            "versions": versions,
            "latest": latest,
            "approvals": selectors.approvals(latest),
            "missing": services.missing_approvals(latest),
            "published": found.status == YearlyReport.Status.PUBLISHED,
            "may_change": may_change(request),
            "may_comment": user.role == User.Role.SCRUTINEER,
            "approves_for": services.partner_of(user),
            "approved_by_me": services.partner_of(user) in {a.partner for a in latest.approvals.all()},
        },
    )


def _about(found: YearlyReport) -> list[tuple[str, str]]:
    return [("Report", found.title), ("Period", f"{long_date(found.period_from)} to {long_date(found.period_to)}")]


@rule("partnership_change")
def report_edit(request: SignedInRequest, report_id: int):
    found = _report(report_id)
    latest = services.latest_version(found)
    form = forms.NarrativeForm(
        request.POST if request.method == "POST" else None, initial=forms.NarrativeForm.initial_from(latest)
    )
    fields = {f"priority_{i}": f"priority_{i}" for i in range(1, services.PRIORITIES_SHOWN + 1)}
    return case_step(
        request,
        form,
        act=lambda _data: services.revise_report(request.user, found, **form.service_data()),
        success=lambda version: Success(f"Version {version.number} saved", _url(found)),
        page=_page(request, form, title="Edit the report", back=_url(found), about=found, rows=_about(found)),
        fields=fields,
        allowed=found.status != YearlyReport.Status.PUBLISHED,
    )


@rule("partnership_report_commentary")
def report_commentary(request: SignedInRequest, report_id: int):
    found = _report(report_id)
    latest = services.latest_version(found)
    form = forms.CommentaryForm(
        request.POST if request.method == "POST" else None,
        initial={"read_version": latest.number, "commentary": latest.commentary},
    )
    return case_step(
        request,
        form,
        act=lambda data: services.write_commentary(
            request.user, found, commentary=data["commentary"], read_version=data["read_version"]
        ),
        success=lambda version: Success(f"Your commentary is saved as version {version.number}", _url(found)),
        page=_page(
            request,
            form,
            title="The independent scrutineer's commentary",
            back=_url(found),
            about=found,
            rows=_about(found),
        ),
        allowed=found.status != YearlyReport.Status.PUBLISHED,
    )


@rule("partnership_report_approve")
def report_approve(request: SignedInRequest, report_id: int):
    found = _report(report_id)
    latest = services.latest_version(found)
    form = forms.ConfirmForm(
        request.POST if request.method == "POST" else None,
        initial={"read_version": latest.number},
        button=f"Approve version {latest.number}",
    )
    rows = [*_about(found), ("Version", f"{latest.number}, saved {long_date(latest.saved_at)}")]
    return case_step(
        request,
        form,
        act=lambda data: services.approve_report(request.user, found, version_number=data["read_version"]),
        success=lambda approval: Success(
            f"You approved version {approval.version.number} for the {approval.get_partner_display().lower()}",
            _url(found),
        ),
        page=_page(request, form, title="Approve the report", back=_url(found), about=found, rows=rows),
        allowed=found.status != YearlyReport.Status.PUBLISHED,
    )


@rule("partnership_change")
def report_publish(request: SignedInRequest, report_id: int):
    found = _report(report_id)
    latest = services.latest_version(found)
    form = forms.ConfirmForm(
        request.POST if request.method == "POST" else None,
        initial={"read_version": latest.number},
        button="Publish the report",
    )
    rows = [*_about(found), ("Version", str(latest.number))]
    return case_step(
        request,
        form,
        act=lambda data: services.publish_report(request.user, found, version_number=data["read_version"]),
        success=lambda published: Success(
            f"{published.title} published: its figures, HTML and PDF are now fixed", _url(found)
        ),
        page=_page(request, form, title="Publish the report", back=_url(found), about=found, rows=rows),
        allowed=found.status != YearlyReport.Status.PUBLISHED,
    )


def _draft_html(found: YearlyReport, request) -> str:
    period = selectors.period_of(found)
    latest = services.latest_version(found)
    return report_render.document(
        title=found.title,
        period=period,
        counted=report_render.report_figures.count_all(period),
        version=latest,
        approvals=selectors.approvals(latest),
        status=f"Draft (version {latest.number}): not published",
        counted_at=timezone.now(),
        figure_url=_url(found) + "figures/",
    )


@rule("partnership")
def report_document(request: SignedInRequest, report_id: int):
    found = _report(report_id)
    viewed(request, found, None, f"Read the yearly report {found.title}")
    if found.status == YearlyReport.Status.PUBLISHED:
        return document_response(found.html)
    return document_response(_draft_html(found, request))


@rule("partnership")
def report_pdf(request: SignedInRequest, report_id: int):
    found = _report(report_id)
    viewed(request, found, None, f"Downloaded the yearly report {found.title} as a PDF")
    if found.status == YearlyReport.Status.PUBLISHED and found.pdf:
        return pdf_response(bytes(found.pdf), _filename(found, "pdf"))
    return pdf_response(report_render.pdf(_draft_html(found, request)), _filename(found, "pdf"))


@rule("partnership")
def report_figure(request: SignedInRequest, report_id: int, slug: str):
    found = _report(report_id)
    definition = selectors.definition(slug)
    if definition is None:
        raise Http404("No such figure")
    period = selectors.period_of(found)
    now = definition.count(period)
    then = selectors.published_value(found, slug)
    viewed(request, found, None, f"Viewed how the figure {definition.label} is counted")
    return render(
        request,
        "partnership/report/figure.html",
        {
            "report": found,
            "definition": definition,
            "now": now,
            "now_published": definition.published(now),
            "now_parts": definition.published_parts(now),
            "then": then,
            "then_published": definition.published(then) if then else "",
            "changed": then is not None and then.as_json() != now.as_json(),
            "query": report_render.report_figures.query_of(definition, period),
        },
    )


# --- Published reports (public) ------------------------------------------------------------------


@public
def published_reports(request):
    return render(request, "partnership/report/published.html", {"reports": list(selectors.published_reports())})


@public
def published_document(request, report_id: int):
    found = selectors.published_report(report_id)
    if found is None:
        raise Http404("No such report")
    return document_response(found.html)


@public
def published_pdf(request, report_id: int):
    found = selectors.published_report(report_id)
    if found is None or not found.pdf:
        raise Http404("No such report")
    return pdf_response(bytes(found.pdf), _filename(found, "pdf"))
