"""GOV.UK tables and summary lists without their boilerplate.

A table::

    {% load gds_tables %}
    {% table "Approvals waiting, oldest first" caption_hidden=True %}
      {% head "Child" "Approval" "Asked for" numeric="3" %}
      {% for a in approvals %}
        {% row %}
          {% cell header=True %}{{ a.child }}{% endcell %}
          {% cell %}<a class="govuk-link" href="...">{{ a.kind }}</a>{% endcell %}
          {% cell numeric=True %}{{ a.days }}{% endcell %}
        {% endrow %}
      {% endfor %}
    {% endtable %}

Every table is rendered inside ``<div class="app-table-container">``, which scrolls sideways
when the table is wider than the screen (WCAG 1.4.10 Reflow allows that for a data table),
so the page itself still reflows at 320 px; frontend/init.mjs makes a container that scrolls
a labelled, focusable region, so it can be scrolled with the keyboard.

`head` names the columns (`numeric` lists the 1-based columns that hold numbers, "2,3"); the
rows after it are the table's body. `cell header=True` is the row's header (scope="row").
Columns that vary (a loop, a condition) are given one by one instead, and a caption with
markup or conditions as a block::

    {% table id="rates" labelledby="rates-heading" %}
      {% caption %}{% if q %}Matching “{{ q }}”{% else %}All{% endif %}{% endcaption %}
      {% headrow %}{% headcell %}Year{% endheadcell %}
        {% for h in headers %}{% headcell numeric=True %}{{ h }}{% endheadcell %}{% endfor %}{% endheadrow %}
      ...
    {% endtable %}

A summary list, from (label, value) pairs or row by row::

    {% summary_list rows %}
    {% summary %}
      {% summary_row "Date of birth" %}{{ child.date_of_birth|date:"j F Y" }}{% endsummary_row %}
      {% summary_row %}<a href="...">{{ carer.name }}</a>{% value %}{{ carer.kind }}
        {% actions %}<a href="...">Change</a>{% endsummary_row %}
    {% endsummary %}

A row may have actions (a link to change it), shown when `actions` is true (always, without it)::

    {% summary_row "Adviser" actions=may_change %}{{ adviser }}{% actions %}<a>Change</a>{% endsummary_row %}
"""

from collections.abc import Callable, Collection, Iterable
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BODY_OPEN = "gds_tables_body_open"
_CAPTION = "gds_tables_caption"

# A tag's key=value options, compiled; and resolved, as the render functions get them.
Options = dict[str, FilterExpression]
Resolved = dict[str, Any]


def _flag(value: Any) -> bool:
    return value not in (None, False, "", 0, "0", "false", "False")


class TableNode(template.Node):
    def __init__(self, nodelist: NodeList, caption: FilterExpression | None, options: Options) -> None:
        self.nodelist, self.caption, self.options = nodelist, caption, options

    def render(self, context: Context) -> SafeString:
        options = {key: value.resolve(context) for key, value in self.options.items()}
        caption = self.caption.resolve(context) if self.caption is not None else ""
        classes = "govuk-table__caption"
        size = options.get("caption_size")
        if size:
            classes += f" govuk-table__caption--{size}"
        if _flag(options.get("caption_hidden")):
            classes += " govuk-visually-hidden"
        with context.push(**{_BODY_OPEN: [False], _CAPTION: [None]}):
            inner = self.nodelist.render(context)
            body_open = context[_BODY_OPEN][0]
            if context[_CAPTION][0] is not None:
                caption = context[_CAPTION][0]
        extra_class = options.get("classes", "")
        attributes = format_html_join(
            "",
            ' {}="{}"',
            (
                (name, options[key])
                for key, name in (("id", "id"), ("labelledby", "aria-labelledby"))
                if options.get(key)
            ),
        )
        parts = [
            mark_safe('<div class="app-table-container">'),
            format_html('<table class="govuk-table{}"{}>', f" {extra_class}" if extra_class else "", attributes),
        ]
        if caption:
            parts.append(format_html('<caption class="{}">{}</caption>', classes, caption))
        if not body_open:
            parts.append(mark_safe('<tbody class="govuk-table__body">'))
        parts.append(inner)
        parts.append(mark_safe("</tbody></table></div>"))
        return mark_safe("".join(str(part) for part in parts))


@register.tag
def table(parser: Parser, token: Token) -> TableNode:
    """{% table [caption] [caption_hidden=True] [caption_size="m"] [classes="..."] [id="..."] [labelledby="..."] %}
    ...{% endtable %}"""
    bits = token.split_contents()[1:]
    caption: FilterExpression | None = None
    options: Options = {}
    for bit in bits:
        if "=" in bit:
            key, value = bit.split("=", 1)
            options[key] = parser.compile_filter(value)
        elif caption is None:
            caption = parser.compile_filter(bit)
        else:
            raise template.TemplateSyntaxError("table takes one caption and key=value options")
    nodelist = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(nodelist, caption, options)


class HeadNode(template.Node):
    def __init__(self, columns: list[FilterExpression], numeric: FilterExpression | None) -> None:
        self.columns, self.numeric = columns, numeric

    def render(self, context: Context) -> SafeString:
        numeric: set[int] = set()
        if self.numeric is not None:
            numeric = {int(n) for n in str(self.numeric.resolve(context)).split(",") if n.strip()}
        cells = []
        for index, column in enumerate(self.columns, start=1):
            cls = "govuk-table__header" + (" govuk-table__header--numeric" if index in numeric else "")
            cells.append(format_html('<th scope="col" class="{}">{}</th>', cls, column.resolve(context)))
        if _BODY_OPEN in context:
            context[_BODY_OPEN][0] = True
        return format_html(
            '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>'
            '<tbody class="govuk-table__body">',
            mark_safe("".join(str(cell) for cell in cells)),
        )


@register.tag
def head(parser: Parser, token: Token) -> HeadNode:
    """{% head "Column" "Column" ... [numeric="2,3"] %}: the table's column headers."""
    columns: list[FilterExpression] = []
    numeric: FilterExpression | None = None
    for bit in token.split_contents()[1:]:
        if bit.startswith("numeric="):
            numeric = parser.compile_filter(bit.split("=", 1)[1])
        else:
            columns.append(parser.compile_filter(bit))
    return HeadNode(columns, numeric)


class CaptionNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        context[_CAPTION][0] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def caption(parser: Parser, token: Token) -> CaptionNode:
    """{% caption %}the table's caption (HTML, conditions){% endcaption %}, inside a table."""
    nodelist = parser.parse(("endcaption",))
    parser.delete_first_token()
    return CaptionNode(nodelist)


def _head_row(inner: str, options: Resolved) -> SafeString:
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>'
        '<tbody class="govuk-table__body">',
        mark_safe(inner),
    )


class HeadRowNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        if _BODY_OPEN in context:
            context[_BODY_OPEN][0] = True
        return _head_row(self.nodelist.render(context), {})


@register.tag
def headrow(parser: Parser, token: Token) -> HeadRowNode:
    """{% headrow %}{% headcell %}Column{% endheadcell %}...{% endheadrow %}: the column headers
    one by one, for columns that vary."""
    nodelist = parser.parse(("endheadrow",))
    parser.delete_first_token()
    return HeadRowNode(nodelist)


def _head_cell(inner: str, options: Resolved) -> SafeString:
    cls = "govuk-table__header" + (" govuk-table__header--numeric" if _flag(options.get("numeric")) else "")
    return format_html('<th scope="col" class="{}">{}</th>', cls, mark_safe(inner.strip()))


class WrapNode(template.Node):
    def __init__(
        self, nodelist: NodeList, render_with: Callable[[str, Resolved], SafeString], options: Options
    ) -> None:
        self.nodelist, self.render_with, self.options = nodelist, render_with, options

    def render(self, context: Context) -> SafeString:
        options = {key: value.resolve(context) for key, value in self.options.items()}
        return self.render_with(self.nodelist.render(context), options)


def _options(parser: Parser, bits: Iterable[str], allowed: Collection[str]) -> Options:
    options = {}
    for bit in bits:
        key, _, value = bit.partition("=")
        if key not in allowed or not value:
            raise template.TemplateSyntaxError(f"unknown option {bit!r}; allowed: {', '.join(allowed)}")
        options[key] = parser.compile_filter(value)
    return options


def _row(inner: str, options: Resolved) -> SafeString:
    return format_html('<tr class="govuk-table__row">{}</tr>', mark_safe(inner))


def _cell(inner: str, options: Resolved) -> SafeString:
    inner = mark_safe(inner.strip())
    # The column's name, for a table that stacks its cells on a narrow screen (app-responsive-table).
    label = format_html(' data-label="{}"', options["label"]) if options.get("label") else ""
    if _flag(options.get("header")):
        return format_html('<th scope="row" class="govuk-table__header"{}>{}</th>', label, inner)
    cls = "govuk-table__cell" + (" govuk-table__cell--numeric" if _flag(options.get("numeric")) else "")
    if options.get("classes"):
        cls += f" {options['classes']}"
    colspan = options.get("colspan")
    if colspan:
        return format_html('<td class="{}" colspan="{}"{}>{}</td>', cls, colspan, label, inner)
    return format_html('<td class="{}"{}>{}</td>', cls, label, inner)


def cell_html(content: Any, **options: Any) -> SafeString:
    """A cell of `content` (escaped unless safe) as ``{% cell %}`` renders one, for a tag that
    writes its rows in Python; the options are the tag's (``header``, ``classes``...)."""
    return _cell(conditional_escape(content), options)


def row_html(cells: Iterable[SafeString]) -> SafeString:
    """A row of cells (`cell_html`) as ``{% row %}`` renders one."""
    return _row("".join(cells), {})


@register.tag
def row(parser: Parser, token: Token) -> WrapNode:
    """{% row %}{% cell %}...{% endcell %}...{% endrow %}"""
    nodelist = parser.parse(("endrow",))
    parser.delete_first_token()
    return WrapNode(nodelist, _row, _options(parser, token.split_contents()[1:], ()))


@register.tag
def headcell(parser: Parser, token: Token) -> WrapNode:
    """{% headcell [numeric=True] %}Column{% endheadcell %}, inside headrow."""
    nodelist = parser.parse(("endheadcell",))
    parser.delete_first_token()
    return WrapNode(nodelist, _head_cell, _options(parser, token.split_contents()[1:], ("numeric",)))


@register.tag
def cell(parser: Parser, token: Token) -> WrapNode:
    """{% cell [header=True] [numeric=True] [colspan=2] [classes="..."] [label="Column"] %}...{% endcell %}"""
    nodelist = parser.parse(("endcell",))
    parser.delete_first_token()
    allowed = ("header", "numeric", "colspan", "classes", "label")
    return WrapNode(nodelist, _cell, _options(parser, token.split_contents()[1:], allowed))


# --- Summary lists ----------------------------------------------------------------------------


def _summary(inner: str, options: Resolved) -> SafeString:
    cls = "govuk-summary-list" + (" govuk-summary-list--no-border" if _flag(options.get("no_border")) else "")
    if options.get("classes"):
        cls += f" {options['classes']}"
    return format_html('<dl class="{}">{}</dl>', cls, mark_safe(inner))


def _summary_row_html(key: Any, value: Any, actions: Any = None) -> SafeString:
    if actions is not None:
        return format_html(
            '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
            '<dd class="govuk-summary-list__value">{}</dd><dd class="govuk-summary-list__actions">{}</dd></div>',
            key,
            value,
            actions,
        )
    return format_html(
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
        '<dd class="govuk-summary-list__value">{}</dd></div>',
        key,
        value,
    )


@register.tag
def summary(parser: Parser, token: Token) -> WrapNode:
    """{% summary [no_border=True] [classes="..."] %}{% summary_row "Label" %}value{% endsummary_row %}...
    {% endsummary %}"""
    nodelist = parser.parse(("endsummary",))
    parser.delete_first_token()
    return WrapNode(nodelist, _summary, _options(parser, token.split_contents()[1:], ("no_border", "classes")))


class SummaryRowNode(template.Node):
    def __init__(
        self,
        key: FilterExpression | NodeList,
        nodelist: NodeList,
        actions: NodeList | None = None,
        show_actions: FilterExpression | None = None,
    ) -> None:
        self.key, self.nodelist, self.actions, self.show_actions = key, nodelist, actions, show_actions

    def render(self, context: Context) -> SafeString:
        if isinstance(self.key, FilterExpression):
            key = self.key.resolve(context)
        else:
            key = mark_safe(self.key.render(context).strip())
        actions = None
        if self.actions is not None:
            links = mark_safe(self.actions.render(context).strip())
            if self.show_actions is None:
                actions = links or None
            elif _flag(self.show_actions.resolve(context)):
                actions = links
        return _summary_row_html(key, mark_safe(self.nodelist.render(context).strip()), actions)


@register.tag
def summary_row(parser: Parser, token: Token) -> SummaryRowNode:
    """{% summary_row "Label" %}value (HTML allowed)[{% actions %}links]{% endsummary_row %}, or with
    the label as HTML: {% summary_row %}label{% value %}value[{% actions %}links]{% endsummary_row %}.
    The actions cell is left out when its links render empty; with `actions=condition` it is
    shown (even empty, to line up with rows that have links) exactly when the condition holds."""
    bits = token.split_contents()[1:]
    label = bits[:1] if bits and not (bits[0][0] not in "\"'" and "=" in bits[0]) else []
    options = _options(parser, bits[len(label) :], ("actions",))
    key: FilterExpression | NodeList
    if label:
        key = parser.compile_filter(label[0])
    else:
        key = parser.parse(("value",))
        parser.delete_first_token()
    nodelist = parser.parse(("actions", "endsummary_row"))
    actions = None
    if parser.next_token().contents == "actions":
        actions = parser.parse(("endsummary_row",))
        parser.delete_first_token()
    return SummaryRowNode(key, nodelist, actions, options.get("actions"))


@register.simple_tag
def summary_list(rows: Iterable[tuple[Any, Any]], no_border: bool = False) -> SafeString:
    """A summary list from (label, value) pairs; values are escaped and keep their line breaks."""
    html = format_html_join(
        "",
        "{}",
        ((_summary_row_html(key, linebreaksbr(value, autoescape=True)),) for key, value in rows),
    )
    return _summary(html, {"no_border": no_border})
