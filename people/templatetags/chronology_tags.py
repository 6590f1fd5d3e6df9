"""The chronology on the person's record, written in Python rather than by template loops (a
page of 50 entries and the filter's eighty kinds cost a few milliseconds a view as loops):

- ``{% chronology_kind_options chronology_kinds chronology.kinds %}``: the filter's options,
  under their categories;
- ``{% chronology_entries month.entries %}``: a month's entries, as MOJ timeline items.
"""

import functools
import itertools
from collections.abc import Collection, Iterable
from operator import itemgetter
from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from chronology.kinds import Kind

register = template.Library()

_SELECTED = mark_safe(" selected")


@register.simple_tag
def chronology_kind_options(kinds: Iterable[Kind], selected: Collection[str]) -> SafeString:
    """An <optgroup> of <option>s for each run of kinds of one category (in the order given),
    the selected ones marked. The same kinds and choice give the same HTML, kept."""
    return _kind_options(tuple((kind.slug, kind.label, kind.category) for kind in kinds), frozenset(selected))


@functools.lru_cache(maxsize=64)
def _kind_options(kinds: tuple[tuple[str, str, str], ...], selected: frozenset[str]) -> SafeString:
    groups = []
    for category, members in itertools.groupby(kinds, key=itemgetter(2)):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((slug, _SELECTED if slug in selected else "", label) for slug, label, _ in members),
        )
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', category, options))
    return mark_safe("".join(groups))  # noqa: S308 - each part escaped by format_html


_KEY_EVENT = mark_safe(
    '<p class="govuk-!-margin-bottom-1"><strong class="govuk-tag govuk-tag--purple">Key event</strong></p>'
)


def _when(at: Any) -> tuple[str, str]:
    """(``at|date:"c"``, ``at|date:"j F Y, H:i"``) in the service's time zone, as Django's date
    filter writes them (the month's name in the active language)."""
    when = timezone.localtime(at)
    return when.isoformat(), f"{when.day} {MONTHS[when.month]} {when.year:04d}, {when.hour:02d}:{when.minute:02d}"


@register.simple_tag
def chronology_entries(entries: Iterable[Any]) -> SafeString:
    """Each entry (chronology.selectors.by_year_and_month's, with `key`) as an MOJ timeline item:
    the key-event tag, the title, the category, agency and who recorded it, when (in the
    service's time zone, as the template's date filter gives it) and the detail. Each value
    escaped (conditional_escape, as format_html would), the HTML joined once."""
    items = []
    for entry in entries:
        iso, shown = _when(entry.occurred_at)
        byline: str = escape(entry.category)
        if entry.agency:
            byline = f"{byline} · {escape(entry.agency)}"
        if entry.recorded_by:
            byline = f"{byline} · recorded by {escape(entry.recorded_by)}"
        detail = (
            f'<div class="moj-timeline__description"><p class="govuk-body">'
            f"{linebreaksbr(entry.detail, autoescape=True)}</p></div>"
            if entry.detail
            else ""
        )
        # The white space between the title and the byline is kept: MOJ's timeline shows them on
        # one line, inline, and without it the two run together.
        items.append(
            f'<div class="moj-timeline__item">\n<div class="moj-timeline__header">\n'
            f"{_KEY_EVENT if entry.key else ''}\n"
            f'<h5 class="moj-timeline__title">{escape(entry.title)}</h5>\n'
            f'<p class="moj-timeline__byline">{byline}</p>\n</div>\n'
            f'<p class="moj-timeline__date"><time datetime="{escape(iso)}">{escape(shown)}</time></p>\n{detail}\n</div>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped above
