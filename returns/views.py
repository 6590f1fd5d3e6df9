"""The statutory returns pages for analysts and the head of service: the list of returns,
and for SSDA903 the checks before submission (each failure with the child, field, rule, how to
fix it and a link to the record) and the download of the CSV files. Every page is audited;
the rules are in returns.ssda903 and returns.validation, not here."""

import io
import subprocess
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import render

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule

from . import cin_census, sector, ssda903, validation
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
    audit.record(request.user, AuditEvent.Action.VIEW, summary=f"SSDA903 checks {year_label(year)}",
                 detail={"year": year, "rows": counts, "failures": len(failures)})
    rows = [{"failure": f, "person_id": children.get(f.child)} for f in failures]
    validator = sector_result(request, "903", lambda: sector.check_903(tables, year, cin_census.la_code()), children)
    return render(request, "returns/ssda903.html", {
        "year": year, "year_label": year_label(year), "years": [(y, year_label(y)) for y in years],
        "counts": counts, "failures": rows, "by_rule": sorted(by_rule.items()),
        "children": counts["Header"], "sector": validator,
    })


def sector_result(request, kind, run, children):
    """The sector validator's part of a checks page: whether it is installed, and, when asked for
    (?sector=1), its issues as rows like the service's own (with the link to the record), audited."""
    found = {"available": sector.available(kind), "asked": request.GET.get("sector") == "1",
             "version": sector.VERSIONS[kind]}
    if found["available"] and found["asked"]:
        try:
            result = run()
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
            found["error"] = str(error)
        else:
            found.update(rows=[{"failure": f, "person_id": children.get(f.child)} for f in result.failures],
                         crashed=result.crashed, leaked=result.leaked,
                         by_rule=sorted(Counter(f.rule for f in result.failures).items()))
        audit.record(request.user, AuditEvent.Action.VIEW, summary=f"Ran the sector's validator ({found['version']})",
                     detail={"kind": kind, "issues": len(found.get("rows", [])), "error": found.get("error", "")})
    return found


@rule("statutory_returns")
def ssda903_download(request):
    year, _ = chosen_year(request)
    tables = ssda903.build(year)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as directory, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in ssda903.write(tables, directory):
            archive.write(path, Path(path).name)
    counts = {name: len(rows) for name, rows in tables.items()}
    audit.record(request.user, AuditEvent.Action.EXPORT, summary=f"SSDA903 return {year_label(year)} downloaded",
                 detail={"year": year, "rows": counts})
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ssda903-{year - 1}-{str(year)[2:]}.zip"'
    return response
