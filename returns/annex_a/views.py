"""The Ofsted Annex A page for analysts and the head of service: choose the inspection date
(today unless another is given), see how many rows each list has and what it covers, and
download the workbook. The page view and every download are audited with the date and the
row counts, never names; the lists are built by returns.annex_a.selectors, not here."""

import io

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule
from kernel.forms import DateField

from .. import job_views
from ..models import ReturnJob
from . import selectors as annex_a

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class InspectionDateForm(forms.Form):
    date = DateField(
        "Inspection date",
        required=True,
        help_text="The lists look back 6 months from this date, adoption 12 months. For example, 27 3 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("date"), Submit("show", "Show the lists", css_class="govuk-button--secondary")
        )


def _inspection_date(request):
    """(form, date): the date asked for in the query (date_0, date_1, date_2), or today; date
    None when what was typed is not a date (the form then carries the errors)."""
    if not any(f"date_{part}" in request.GET for part in range(3)):
        today = timezone.localdate()
        return InspectionDateForm(initial={"date": today}), today
    form = InspectionDateForm(request.GET)
    return form, (form.cleaned_data["date"] if form.is_valid() else None)


def _invalid(request, form):
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Annex A lists: the inspection date was not a date",
        detail={"inspection_date": None},
    )
    return render(request, "returns/annex_a.html", {"form": form}, status=400)


@rule("statutory_returns")
def annex_a_page(request):
    """The inspection date, and the button to prepare the workbook in the background (the
    lists take a while at a large authority: returns.jobs); the user's latest workbooks."""
    form, day = _inspection_date(request)
    if day is None:
        return _invalid(request, form)
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary=f"Annex A for {day:%-d %B %Y}",
        detail={"inspection_date": day.isoformat()},
    )
    window = annex_a.Window(day)
    recent = ReturnJob.objects.filter(requested_by=request.user, kind=ReturnJob.Kind.ANNEX_A).order_by("-requested_at")[
        :5
    ]
    return render(
        request,
        "returns/annex_a.html",
        {"form": form, "day": day, "start": window.start, "year_start": window.year_start, "recent": recent},
    )


@rule("statutory_returns")
@require_POST
def annex_a_prepare(request):
    form = InspectionDateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    return job_views.ask_annex_a(request, form.cleaned_data["date"])


@rule("statutory_returns")
def annex_a_download(request):
    form, day = _inspection_date(request)
    if day is None:
        return _invalid(request, form)
    tables = annex_a.build(day)
    buffer = io.BytesIO()
    annex_a.write(tables, buffer)
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        summary=f"Annex A lists for {day:%-d %B %Y} downloaded",
        detail={"inspection_date": day.isoformat(), "rows": annex_a.counts(tables)},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="annex-a-{day.isoformat()}.xlsx"'
    return response
