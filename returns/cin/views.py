"""The children in need census pages for analysts and the head of service: the checks before
submission for a collection year (counts, failures by rule, each with the child, field, rule,
how to fix it and a link to the record) and the download of the XML. Every page is audited,
with the year and the counts, never a child's name; the rules are in returns.cin.census and
returns.cin.validation, not here."""

import io
from collections import Counter

from django.http import HttpResponse
from django.shortcuts import render

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule

from ..collection import chosen_year, year_label
from ..views import sector_panel, withhold_restricted
from . import census as cin_census
from . import validation as cin_validation


@rule("statutory_returns")
def cin_census_check(request):
    year, years = chosen_year(request)
    children = {}
    data = cin_census.build(year, children=children)
    failures = cin_validation.check(data, year)
    counts = cin_census.counts(data)
    by_rule = Counter(f.rule for f in failures)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary=f"CIN census checks {year_label(year)}",
        detail={"year": year, "counts": counts, "failures": len(failures), "by_rule": dict(by_rule)},
    )
    rows = withhold_restricted(request.user, [{"failure": f, "person_id": children.get(f.child)} for f in failures])
    validator = sector_panel(request, "cin", year)
    return render(
        request,
        "returns/cin_census.html",
        {
            "year": year,
            "year_label": year_label(year),
            "years": [(y, year_label(y)) for y in years],
            "counts": counts,
            "failures": rows,
            "by_rule": sorted(by_rule.items()),
            "header": data["header"],
            "sector": validator,
        },
    )


@rule("statutory_returns")
def cin_census_download(request):
    year, _ = chosen_year(request)
    data = cin_census.build(year, serial=cin_census.next_serial(year))
    buffer = io.BytesIO()
    cin_census.write(data, buffer)
    counts = cin_census.counts(data)
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        summary=f"CIN census {year_label(year)} downloaded",
        detail={"year": year, "counts": counts, "serial": data["header"]["SerialNo"]},
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="cin-census-{year - 1}-{str(year)[2:]}.xml"'
    return response
