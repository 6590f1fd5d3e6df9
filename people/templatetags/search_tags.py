"""The search's results, a row a person, written in Python (``{% search_result_rows rows %}``
inside the results table) rather than by the template's loop of table cells: twenty hits cost
about five milliseconds of CPU as a loop, a fifth of a broad search's time. Its cells and rows are
``gds_tables``' own (`cell_html`, `row_html`); people/tests/test_search_tags.py compares the
HTML with the loop's."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kernel import codelists
from kernel.templatetags.gds_tables import cell_html, row_html

register = template.Library()

_DIED = mark_safe('<strong class="govuk-tag govuk-tag--grey">Died</strong>')


def _name(person: Any) -> SafeString:
    html = format_html(
        '<a class="govuk-link" href="{}">{}</a>', reverse("people:detail", args=[person.pk]), person.full_name
    )
    if person.kind != "child":
        html = format_html('{} <strong class="govuk-tag govuk-tag--grey">{}</strong>', html, person.get_kind_display())
    if person.date_of_death:
        html = format_html("{} {}", html, _DIED)
    return html


def _born(person: Any) -> SafeString:
    if person.date_of_birth:
        return format_html(
            '{}{} <span class="govuk-hint govuk-!-margin-bottom-0">Age {}</span>',
            dateformat.format(person.date_of_birth, "j M Y"),
            " (estimated)" if person.date_of_birth_estimated else "",
            person.age,
        )
    if person.expected_date_of_birth:
        return format_html("Unborn, due {}", dateformat.format(person.expected_date_of_birth, "j M Y"))
    return mark_safe("Not known")


@register.simple_tag
def search_result_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """A table row for each result: name (with the kind of person unless a child, and "Died"),
    date of birth and age (or the due date of an unborn child), sex, postcode district,
    consistent identifier and what matched."""
    return mark_safe(  # noqa: S308 - each cell escaped by cell_html
        "".join(
            row_html(
                [
                    cell_html(_name(row["person"])),
                    cell_html(_born(row["person"])),
                    cell_html(codelists.label("sex", row["person"].sex) or "–"),
                    cell_html(row["postcode_district"] or "–"),
                    cell_html(row["consistent_identifier"] or "–", classes="app-identifier"),
                    cell_html(row["matched_on"]),
                ]
            )
            for row in rows
        )
    )
