"""The children in need census pages for analysts and the head of service: the checks before
submission for a collection year (counts, failures by rule, each with the child, field, rule,
how to fix it and a link to the record) and the download of the XML. Every page is audited,
with the year and the counts, never a child's name; the rules are in returns.cin.census and
returns.cin.validation, not here."""

import io

from django.http import HttpResponse
from django.shortcuts import render

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule

from ..collection import chosen_year, year_label
from ..models import ReturnJob
from ..views import check_page, sector_panel
from . import census as cin_census


@rule("statutory_returns")
def cin_census_check(request):
    year, years = chosen_year(request)
    context = check_page(request, ReturnJob.Kind.CIN_CHECK, year, "CIN census checks")
    return render(
        request,
        "returns/cin_census.html",
        {**context, "years": [(y, year_label(y)) for y in years], "sector": sector_panel(request, "cin", year)},
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
