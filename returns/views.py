"""The statutory returns pages for analysts and the head of service: the list of returns,
and for SSDA903 the checks before submission (each failure with the child, field, rule, how to
fix it and a link to the record) and the download of the CSV files. Every page is audited;
the rules are in returns.ssda903 and returns.validation, not here."""

import io
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule
from people.access import shown

from . import sector, ssda903, validation
from .collection import chosen_year, offered_years, year_label


@rule("statutory_returns")
def index(request):
    audit.record(request.user, AuditEvent.Action.VIEW, summary="Statutory returns")
    year = offered_years()[0]
    return render(request, "returns/index.html", {"year": year, "year_label": year_label(year)})


@rule("statutory_returns")
def ssda903_check(request):
    year, years = chosen_year(request)
    children = {}
    tables = ssda903.build(year, children=children)
    failures = validation.check(tables, year)
    counts = {name: len(rows) for name, rows in tables.items()}
    by_rule = Counter(f.rule for f in failures)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary=f"SSDA903 checks {year_label(year)}",
        detail={"year": year, "rows": counts, "failures": len(failures)},
    )
    rows = withhold_restricted(request.user, [{"failure": f, "person_id": children.get(f.child)} for f in failures])
    validator = sector_panel(request, "903", year)
    return render(
        request,
        "returns/ssda903.html",
        {
            "year": year,
            "year_label": year_label(year),
            "years": [(y, year_label(y)) for y in years],
            "counts": counts,
            "failures": rows,
            "by_rule": sorted(by_rule.items()),
            "children": counts["Header"],
            "sector": validator,
        },
    )


def withhold_restricted(user, rows):
    """The rows of a checks page ({failure, person_id}) with a restricted child the user is not
    named on withheld (people.access.shown): the row stays, so every failure is counted and
    can be fixed by someone named on the restriction, but it shows neither the child's ID nor a
    link to their record (`withheld`). The exported files are not changed: they carry every
    child."""
    visible = shown(user, {row["person_id"] for row in rows if row["person_id"]})
    for row in rows:
        row["withheld"] = bool(row["person_id"]) and not visible[row["person_id"]]
        if row["withheld"]:
            row["person_id"] = None
    return rows


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
        panel.update(
            rows=withhold_restricted(request.user, sector.rows(run)),
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
