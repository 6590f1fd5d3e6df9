"""The audit report for managers: access by user, by child, and break-glass events, at /audit/
(namespace "audit"). It lives here, above the audit trail it reads, because it finds a child by
identifier and withholds restricted people (people.access): audit itself stays below people
(docs/decisions/0002-layers.md)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from audit import services as audit
from audit.models import AuditEvent
from kernel.access import rule
from kernel.forms import DateField

from .access import shown
from .identifiers import validate_consistent_identifier
from .models import Identifier

if TYPE_CHECKING:
    from kernel.access import AnyUser, SignedInRequest

PAGE_SIZE = 50


class AuditReportForm(forms.Form):
    """What the report is limited to: a user, a child, dates (GOV.UK date inputs) and break-glass
    events only. Every field is optional; the form is read from the query string."""

    user = forms.CharField(label="Username", required=False, max_length=150)
    child = forms.CharField(label="Child's consistent identifier", required=False, max_length=20)
    from_date = DateField("From (optional)")
    to_date = DateField("To (optional)")
    break_glass = forms.BooleanField(label="Only break-glass events", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_date"].name_in_messages = "The start date"  # type: ignore[attr-defined]
        self.fields["to_date"].name_in_messages = "The end date"  # type: ignore[attr-defined]
        self.fields["from_date"].error_messages["incomplete"] = "The start date must include a day, month and year"
        self.fields["to_date"].error_messages["incomplete"] = "The end date must include a day, month and year"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Div(
                Div(Field.text("user", spellcheck="false"), css_class="govuk-grid-column-one-half"),
                Div(Field.text("child", spellcheck="false"), css_class="govuk-grid-column-one-half"),
                css_class="govuk-grid-row",
            ),
            Div(
                Div(Field("from_date"), css_class="govuk-grid-column-one-half"),
                Div(Field("to_date"), css_class="govuk-grid-column-one-half"),
                css_class="govuk-grid-row",
            ),
            Field.checkbox("break_glass", small=True),
            Submit("show", "Show events"),
        )

    def clean_child(self) -> str:
        child = str(self.cleaned_data.get("child") or "").strip()
        if child:
            try:
                return validate_consistent_identifier(child)
            except ValidationError:
                raise ValidationError("Enter the child's consistent identifier, like CI0000000018") from None
        return child

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "The end date must be the same as or after the start date")
        return cleaned


def withhold_restricted(user: "AnyUser", events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Mark the entries that would name a person the user may not be shown (a restricted
    record they are not named on: people.access.shown): `event.withheld` for an entry about
    them (shown as "a restricted record", with no link) and `event.terms_withheld` for a
    search whose results included them (the terms typed may be their name). The entries stay:
    managers still see that the record was looked at, and by whom."""
    events = list(events)
    results = {
        event.pk: [pk for pk in (event.detail or {}).get("results", []) if isinstance(pk, int)]
        if isinstance(event.detail, dict)
        else []
        for event in events
    }
    people = {event.person_id for event in events if event.person_id} | {pk for ids in results.values() for pk in ids}
    visible = shown(user, people)
    for event in events:
        event.withheld = bool(event.person_id and not visible[event.person_id])
        event.terms_withheld = any(not visible[pk] for pk in results[event.pk])
    return events


@rule("access_oversight")
def report(request: "SignedInRequest") -> HttpResponse:
    form = AuditReportForm(request.GET or None)
    events = AuditEvent.objects.exclude(action__in=["sign_in", "sign_out"])
    filters: dict[str, Any] = {}
    if form.is_bound and not form.is_valid():
        events = events.none()
    elif form.is_bound:
        filters = form.cleaned_data
        if filters["user"]:
            events = events.filter(username=filters["user"].strip())
        if filters["child"]:
            person_id = (
                Identifier.objects.filter(id_type="CI", value=filters["child"])
                .values_list("person_id", flat=True)
                .first()
            )
            events = events.filter(person_id=person_id) if person_id else events.none()
        if filters["from_date"]:
            events = events.filter(at__date__gte=filters["from_date"])
        if filters["to_date"]:
            events = events.filter(at__date__lte=filters["to_date"])
        if filters["break_glass"]:
            events = events.filter(action="break_glass")
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    withhold_restricted(request.user, page.object_list)
    audit.record(
        request.user,
        "search",
        summary="Looked at the audit report",
        detail={
            "user": str(filters.get("user") or request.GET.get("user", ""))[:150],
            "child": str(filters.get("child") or request.GET.get("child", ""))[:20],
            "break_glass": bool(filters.get("break_glass")),
            "from": filters["from_date"].isoformat() if filters.get("from_date") else "",
            "to": filters["to_date"].isoformat() if filters.get("to_date") else "",
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/report.html",
        {"page": page, "form": form, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


app_name = "audit"

urlpatterns = [
    path("", report, name="report"),
]
