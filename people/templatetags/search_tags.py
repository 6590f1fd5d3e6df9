"""The search's results, a row a person, written in Python (``{% search_result_rows rows %}``
inside the results table) rather than by the template's loop of table cells: twenty hits cost
about five milliseconds of CPU as a loop, a fifth of a broad search's time. The HTML is what the
loop of ``gds_tables`` cells gave (people/tests/test_search_tags.py compares the two)."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from kernel import codelists

register = template.Library()

_DIED = mark_safe('<strong class="govuk-tag govuk-tag--grey">Died</strong>')
_CELL = '<td class="govuk-table__cell">{}</td>'
_ROW = (
    '<tr class="govuk-table__row">'
    + _CELL * 4
    + '<td class="govuk-table__cell app-identifier">{}</td>'
    + _CELL
    + "</tr>"
)


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
    return format_html_join(
        "",
        '<tr class="govuk-table__row">'
        + _CELL * 4
        + '<td class="govuk-table__cell app-identifier">{}</td>'
        + _CELL
        + "</tr>",
        (
            tuple(
                # Each cell's content without the spaces around it, as the table's cells strip theirs.
                mark_safe(conditional_escape(cell).strip())  # noqa: S308 - escaped first
                for cell in (
                    _name(row["person"]),
                    _born(row["person"]),
                    codelists.label("sex", row["person"].sex) or "–",
                    row["postcode_district"] or "–",
                    row["consistent_identifier"] or "–",
                    row["matched_on"],
                )
            )
            for row in rows
        ),
    )
