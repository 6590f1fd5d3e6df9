"""The returns' background jobs from the pages (returns.jobs): ask for a check or an export
(POST), follow its progress (the job page; htmx asks for the status fragment every few seconds,
and without JavaScript the page refreshes itself), then see the check's findings on its page or
download the file. A job is the asking user's own: for anyone else it does not exist (404).
Downloads are audited. The failures of a check can be downloaded in full as CSV, streamed."""

import datetime

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule

from . import checks, jobs, ssda903
from .annex_a import selectors as annex_a
from .collection import chosen_year, offered_years, year_label
from .models import ReturnJob
from .validation import Failure

Kind = ReturnJob.Kind
POLL_SECONDS = 2


def page_for(job: ReturnJob) -> str:
    """Where the user sees the job: a check on its checks page, an export on the job page."""
    if job.is_check:
        return f"{reverse(jobs.PAGES[job.kind])}?year={job.year}#checks"
    return reverse("returns:job", args=[job.pk])


def _see_other(url):
    response = redirect(url)
    response.status_code = 303
    return response


def _year_from_post(request):
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        return None
    return year if year in offered_years() else None


@rule("statutory_returns")
@require_POST
def ask(request, kind):
    """Ask for a check or an export of the year (SSDA903, CIN census) in the background."""
    year = _year_from_post(request)
    if year is None:
        return render(request, "returns/sector_bad_year.html", {"page": reverse(jobs.PAGES[kind])}, status=400)
    return _see_other(page_for(jobs.ask(request.user, kind, year=year)))


def _job(request, job_id):
    job = jobs.for_user(request.user, job_id)
    if job is None:
        raise Http404("No such job")
    return job


def _context(job):
    back = reverse(jobs.PAGES[job.kind])
    if job.year:
        back += f"?year={job.year}"
    return {
        "job": job,
        "title": jobs.describe(job),
        "back": back,
        "status_url": reverse("returns:job_status", args=[job.pk]),
        "page_url": reverse("returns:job", args=[job.pk]),
        "poll_seconds": POLL_SECONDS,
    }


@rule("statutory_returns")
@require_GET
def job_page(request, job_id):
    job = _job(request, job_id)
    if job.is_check:
        return redirect(page_for(job))
    context = _context(job)
    if job.kind == Kind.ANNEX_A and job.status == job.Status.DONE:
        context["lists"] = [
            {"name": name, "title": annex_a.TITLES[name], "rows": count, "not_kept": annex_a.HEADERS_ONLY.get(name)}
            for name, count in job.result.get("counts", {}).items()
        ]
    return render(request, "returns/job.html", context)


@rule("statutory_returns")
@require_GET
def job_status(request, job_id):
    """The job's state as a fragment for htmx. Once it has finished, the whole page is loaded
    again (HX-Refresh) to show the findings or the download."""
    job = _job(request, job_id)
    if request.headers.get("HX-Request") != "true":
        return redirect(page_for(job))
    response = render(request, "returns/_job_status.html", _context(job))
    if not job.active:
        response["HX-Refresh"] = "true"
    return response


@rule("statutory_returns")
@require_GET
def job_file(request, job_id):
    """The export the job wrote, to the user who asked for it; audited."""
    job = _job(request, job_id)
    path = jobs.file_path(job) if job.status == job.Status.DONE else None
    if path is None:
        raise Http404("The file is not ready, or has been removed")
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        obj=job,
        summary=f"{jobs.describe(job)} downloaded",
        detail={"job": job.pk, "kind": job.kind, "year": job.year, **job.result},
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.download_name, content_type=job.content_type)


@rule("statutory_returns")
@require_GET
def job_failures(request, job_id):
    """Every failure of a check as CSV (the page lists the first of each rule), streamed;
    who can fix each, and the child's identifier unless withheld. Audited."""
    job = _job(request, job_id)
    if not job.is_check or job.status != job.Status.DONE:
        raise Http404("No findings")
    failures = [Failure(**item) for item in job.result.get("failures", [])]
    found = checks.rows(request.user, failures, job.result.get("children", {}))
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        obj=job,
        summary=f"{jobs.describe(job)}: the failures downloaded",
        detail={"job": job.pk, "kind": job.kind, "year": job.year, "failures": len(found)},
    )
    response = StreamingHttpResponse(checks.csv_lines(found), content_type="text/csv; charset=utf-8")
    name = "ssda903" if job.kind == Kind.SSDA903_CHECK else "cin-census"
    response["Content-Disposition"] = f'attachment; filename="{name}-{job.year - 1}-{str(job.year)[2:]}-failures.csv"'
    return response


@rule("statutory_returns")
@require_GET
def ssda903_table(request, name):
    """One table of the SSDA903 return as CSV, streamed as it is written; audited."""
    if name not in ssda903.HEADERS:
        raise Http404("No such table")
    year, _ = chosen_year(request)
    if name not in ssda903.tables_for(year):
        raise Http404("No such table this year")
    tables = ssda903.build(year)
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        summary=f"SSDA903 {name} {year_label(year)} downloaded",
        detail={"year": year, "table": name, "rows": len(tables.get(name, []))},
    )
    response = StreamingHttpResponse(ssda903.csv_lines(tables, name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def ask_annex_a(request, day: datetime.date) -> HttpResponse:
    return _see_other(page_for(jobs.ask(request.user, Kind.ANNEX_A, inspection_date=day)))
