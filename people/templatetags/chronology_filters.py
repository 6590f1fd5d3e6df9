"""The chronology filter's list of kinds on the person's record (``{% chronology_kind_options
chronology_kinds chronology.kinds %}``): some eighty options under their categories, written in
Python rather than by the template's loop, which cost about a millisecond a view of a record."""

import itertools
from collections.abc import Collection, Iterable
from operator import attrgetter

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from chronology.kinds import Kind

register = template.Library()

_SELECTED = mark_safe(" selected")


@register.simple_tag
def chronology_kind_options(kinds: Iterable[Kind], selected: Collection[str]) -> SafeString:
    """An <optgroup> of <option>s for each run of kinds of one category (in the order given),
    the selected ones marked."""
    groups = []
    for category, members in itertools.groupby(kinds, key=attrgetter("category")):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((kind.slug, _SELECTED if kind.slug in selected else "", kind.label) for kind in members),
        )
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', category, options))
    return mark_safe("".join(groups))  # noqa: S308 - each part escaped by format_html
