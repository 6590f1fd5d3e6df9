"""The statutory returns pages for analysts and the head of service: the list of returns,
and for SSDA903 the checks before submission (each failure with the child, field, rule, how to
fix it and a link to the record) and the download of the CSV files. Every page is audited;
the rules are in returns.ssda903 and returns.validation, not here."""

import io
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule

from . import checks, job_views, jobs, sector, ssda903
from .collection import chosen_year, offered_years, year_label
from .models import ReturnJob
from .validation import Failure


@rule("statutory_returns")
def index(request):
    audit.record(request.user, AuditEvent.Action.VIEW, summary="Statutory returns")
    year = offered_years()[0]
    return render(request, "returns/index.html", {"year": year, "year_label": year_label(year)})


@rule("statutory_returns")
def ssda903_check(request):
    year, years = chosen_year(request)
    context = check_page(request, ReturnJob.Kind.SSDA903_CHECK, year, "SSDA903 checks")
    counts = context["counts"]
    return render(
        request,
        "returns/ssda903.html",
        {
            **context,
            "years": [(y, year_label(y)) for y in years],
            "children": counts.get("Header", 0),
            "tables": ssda903.tables_for(year),
            "sector": sector_panel(request, "903", year),
        },
    )


def check_page(request, kind, year, title):
    """The part of a checks page about the service's own checks, for the user's latest check of
    the year (returns.jobs): none yet, queued or running (with its progress), failed, or done
    with its failures grouped by rule (returns.checks), each naming who can fix it and linking
    to the record only for those who may open it. Findings shown are audited (counts, never a child)."""
    job = jobs.latest(request.user, kind, year=year)
    context = {"year": year, "year_label": year_label(year), "job": job, "counts": {}, "groups": [], "failures": []}
    if job is not None:
        context.update(
            status_url=reverse("returns:job_status", args=[job.pk]),
            page_url=job_views.page_for(job),
            poll_seconds=job_views.POLL_SECONDS,
            csv_url=reverse("returns:job_failures", args=[job.pk]),
        )
    if job is not None and job.status == job.Status.DONE:
        failures = [Failure(**item) for item in job.result.get("failures", [])]
        found = checks.rows(request.user, failures, job.result.get("children", {}))
        context.update(
            counts=job.result.get("counts", {}),
            header=job.result.get("header", {}),
            failures=found,
            groups=checks.by_rule(found),
            by_rule=sorted(Counter(f.rule for f in failures).items()),
        )
        audit.record(
            request.user,
            AuditEvent.Action.VIEW,
            obj=job,
            summary=f"{title} {year_label(year)}",
            detail={
                "year": year,
                "job": job.pk,
                "counts": context["counts"],
                "rows": context["counts"],
                "failures": len(failures),
                "by_rule": dict(context["by_rule"]),
            },
        )
    return context


def withhold_restricted(user, rows):
    """The rows of the sector's validator ({failure, person_id}) as returns.checks.Row, each
    with who can fix it, a link only for those who may open the record, and a restricted child
    the user is not named on withheld (people.access.shown). The exported files are not
    changed: they carry every child."""
    people = {row["failure"].child: row["person_id"] for row in rows if row["person_id"]}
    return checks.rows(user, [row["failure"] for row in rows], people)


# The sector's validators run on the task queue (returns.tasks): the page asks (POST), then shows
# the latest run for the year, and htmx asks for its state every few seconds while it is queued
# or running (returns/_sector_status.html). Without JavaScript, the page refreshes itself.
SECTOR_PAGES = {"903": "returns:ssda903", "cin": "returns:cin_census"}
SECTOR_URLS = {"903": "returns:ssda903_sector", "cin": "returns:cin_census_sector"}
SECTOR_POLL_SECONDS = 3


def sector_panel(request, kind, year):
    """The sector validator's part of a checks page: whether it is installed, the latest run for
    the year (queued, running, failed with what to do, or done with its issues as rows like the
    service's own, with the link to the record) and the form to ask for a run. Findings shown
    are audited (the run's id and the count, never a child)."""
    run = sector.latest_run(kind, year) if sector.available(kind) else None
    panel = {
        "available": sector.available(kind),
        "version": sector.VERSIONS[kind],
        "run": run,
        "year": year,
        "url": reverse(SECTOR_URLS[kind]),
        "page": f"{reverse(SECTOR_PAGES[kind])}?year={year}",
        "poll_seconds": SECTOR_POLL_SECONDS,
    }
    if run is not None and run.status == run.Status.DONE:
        found = withhold_restricted(request.user, sector.rows(run))
        panel.update(
            csv_url=reverse("returns:sector_issues", args=[run.pk]),
            rows=found,
            groups=checks.by_rule(found),
            by_rule=sorted(Counter(i["rule"] for i in run.issues).items()),
        )
        audit.record(
            request.user,
            AuditEvent.Action.VIEW,
            obj=run,
            summary=f"Viewed the sector's validator's findings ({run.version})",
            detail={"kind": kind, "year": year, "run": run.pk, "issues": len(run.issues)},
        )
    return panel


@rule("statutory_returns")
@require_http_methods(["GET", "POST"])
def sector_run(request, kind):
    """POST: ask for a run of the sector's validator on the return for the year (queued, or the
    one already queued or running), then back to the checks page. GET (htmx): the run's state."""
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            year = None
        if year not in offered_years():
            return render(request, "returns/sector_bad_year.html", {"page": reverse(SECTOR_PAGES[kind])}, status=400)
        if sector.available(kind):
            sector.ask_for_run(request.user, kind, year)
        response = redirect(f"{reverse(SECTOR_PAGES[kind])}?year={year}#sector-validator")
        response.status_code = 303
        return response
    year, _ = chosen_year(request)
    if request.headers.get("HX-Request") != "true":
        return redirect(f"{reverse(SECTOR_PAGES[kind])}?year={year}#sector-validator")
    return render(request, "returns/_sector_status.html", {"sector": sector_panel(request, kind, year), "year": year})


@rule("statutory_returns")
def ssda903_download(request):
    year, _ = chosen_year(request)
    tables = ssda903.build(year)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as directory, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in ssda903.write(tables, directory):
            archive.write(path, Path(path).name)
    counts = {name: len(rows) for name, rows in tables.items()}
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        summary=f"SSDA903 return {year_label(year)} downloaded",
        detail={"year": year, "rows": counts},
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ssda903-{year - 1}-{str(year)[2:]}.zip"'
    return response


@rule("statutory_returns")
@require_http_methods(["GET"])
def sector_issues(request, run_id):
    """Every issue of a finished run of the sector's validator as CSV (the page lists the first
    of each rule), streamed, with who can fix each; a restricted child withheld. Audited."""
    run = get_object_or_404(sector.Run, pk=run_id, status=sector.Run.Status.DONE)
    found = withhold_restricted(request.user, sector.rows(run))
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        obj=run,
        summary=f"The sector's validator's findings downloaded ({run.version})",
        detail={"kind": run.kind, "year": run.year, "run": run.pk, "issues": len(found)},
    )
    response = StreamingHttpResponse(checks.csv_lines(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sector-validator-{run.kind}-{run.year}.csv"'
    return response
