"""The authority's statistics beside its statistical neighbours, its region and England
(/returns/statistics/), and their download as CSV.

Open to the `statistics` rule (analysts, heads of service and managers of the local authority):
aggregate figures only, never a child. The page shows the exact internal figures; "as it would
be published" (?view=published) applies DfE's suppression rules (returns.suppression), and the
CSV download always does. Each view and each download is audited (who, when, what).

The comparator: the authority's la_code decides its region and statistical neighbours, unless
STATISTICS_COMPARATOR_LA names another LA (the demo's code 999 is fictional); the page says
which. Charts are drawn on the server by kernel.charts (accessible SVG from Vega-Lite), each
with a title, a description and its legend, and with its table as its text alternative: no
JavaScript, nothing to load. A chart is drawn only when a page shows it (Table.chart).
"""

import csv
import functools
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from kernel import charts
from kernel.access import rule
from partners.models import Agency

from .. import published, suppression
from . import education as education_statistics
from . import exploitation as exploitation_statistics
from . import selectors as statistics
from .forms import PeriodForm, is_chosen

EXACT, PUBLISHED = "exact", "published"
SYMBOL_TEXTS = ("c", "k", "u", "x", "z", "low")


def today():
    """The day the statistics count to (a function, so tests can fix it)."""
    return timezone.localdate()


# --- Which authority, compared with whom ----------------------------------------------------------


@dataclass
class Comparison:
    authority: object  # partners.Agency or None
    own_code: str
    comparator: object  # published.Area or None
    region: object
    neighbours: published.Neighbours
    england: published.Area
    substituted: bool  # compared as if it were another LA


def authority_of(user):
    agency = getattr(user, "agency", None)
    if agency is not None and agency.kind == Agency.Kind.LOCAL_AUTHORITY:
        return agency
    return Agency.objects.filter(kind=Agency.Kind.LOCAL_AUTHORITY).order_by("pk").first()


def comparison_for(user):
    authority = authority_of(user)
    own = (getattr(authority, "la_code", "") or "").strip()
    configured = (getattr(settings, "STATISTICS_COMPARATOR_LA", "") or "").strip()
    comparator = published.la(configured or own)
    return Comparison(
        authority=authority,
        own_code=own,
        comparator=comparator,
        region=published.region_of(comparator),
        neighbours=published.neighbours(comparator.code) if comparator else published.Neighbours("", (), ()),
        england=published.england(),
        substituted=bool(comparator) and comparator.code != own,
    )


# --- Tables ------------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    value: float | None = None  # for the chart; None is a gap
    hint: str = ""  # what a symbol means


@dataclass
class Row:
    label: str
    cells: list
    short: str = ""  # for a chart's axis and a narrow table
    year: int | None = None
    so_far: bool = False


@dataclass
class Table:
    id: str
    title: str
    description: str
    unit: str  # count, rate or percent
    headers: list
    rows: list
    notes: list = field(default_factory=list)
    charted: bool = False  # drawn as a line chart (Table.chart) where a page shows it
    stock: bool = False  # figures on a day (31 March), not over a year
    by_year: list = field(default_factory=list)  # a table with a column per year, year by year (by_year())
    measure_header: str = "Measure"
    companions: list = field(default_factory=list)  # tables shown with this one's (Section.companions)
    value_header: str = "Number"
    by: str = "year"  # what the chart's categories are: a row per year, or per month

    @functools.cached_property
    def chart(self) -> charts.Chart | None:
        """The table drawn as a line chart (line_chart), or None; drawn when first asked for, so
        that the summary page and the download, which show no chart, draw none."""
        return line_chart(self) if self.charted else None


def year_label(year, so_far=False, stock=False):
    if stock:
        return "So far this year (today)" if so_far else f"31 March {year}"
    label = f"April {year - 1} to March {year}"
    return f"{label} (so far)" if so_far else label


def short_year_label(year, so_far=False, stock=False):
    if stock:
        return "Today" if so_far else f"Mar {year}"
    return f"{year - 1}-{year % 100:02d}" + (" so far" if so_far else "")


def _number_text(value, unit):
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}%" if not float(value).is_integer() else f"{value:.0f}%"
    if unit == "rate":
        return f"{value:,.1f}" if not float(value).is_integer() else f"{value:,.0f}"
    return f"{value:,.0f}"


def _published_cell(found, unit):
    if isinstance(found, published.NeighbourSummary):
        if found.value is None:
            return Cell("–", None, "no neighbour's figure is published")
        hint = f"{found.how} of the {found.published} of {found.of} neighbours with a published figure"
        return Cell(_number_text(found.value, unit), found.value, hint)
    if found.value is None:
        if not found.symbol:
            return Cell("–", None, "not published for this year")
        return Cell(found.symbol, None, found.meaning)
    return Cell(_number_text(found.value, unit), found.value)


def _own_cell(exact, as_published, unit, view, before_records=False):
    """The authority's figure: exact (internal), or as it would be published."""
    if before_records:
        return Cell("–", None, "before the records begin")
    if view == PUBLISHED:
        if isinstance(as_published, str):
            meaning = {"c": "suppressed: a small number", "z": "not applicable", "k": "rounds to 0 but is not 0"}
            return Cell(as_published, None, meaning.get(as_published, ""))
        return Cell(_number_text(as_published, unit), as_published)
    return Cell(_number_text(exact, unit), exact)


def comparison_table(
    id, title, description, unit, figures, own, view, comparison, key=None, combined=None, stock=False, notes=()
):
    """One table: a row per year; this authority, then the neighbours, the region and England.

    own(year_figures) -> (exact value, value as published); key names the published measure
    (or combined = (numerator keys, denominator key) for a percentage made from counts)."""
    headers = [
        "This authority",
        f"Statistical neighbours ({'mean' if unit == 'count' else 'median'})",
        comparison.region.name if comparison.region else "Region",
        "England",
    ]
    rows = []
    for f in figures:
        exact, as_published = own(f)
        cells = [_own_cell(exact, as_published, unit, view, f.before_records)]
        for area in ("neighbours", "region", "england"):
            if key is None and combined is None:
                cells.append(Cell("–", None, "not published by DfE"))
                continue
            if area == "neighbours":
                if not comparison.neighbours.areas:
                    cells.append(Cell("–", None, "no statistical neighbours"))
                    continue
                found = (
                    published.neighbour_combined_percent(*combined, comparison.neighbours, f.year)
                    if combined
                    else published.neighbour_summary(key, comparison.neighbours, f.year)
                )
            else:
                place = comparison.region if area == "region" else comparison.england
                if place is None:
                    cells.append(Cell("–", None, "no region"))
                    continue
                found = (
                    published.combined_percent(*combined, place, f.year)
                    if combined
                    else published.figure(key, place, f.year)
                )
            cells.append(_published_cell(found, unit))
        rows.append(
            Row(
                year_label(f.year, f.so_far, stock),
                cells,
                short_year_label(f.year, f.so_far, stock),
                year=f.year,
                so_far=f.so_far,
            )
        )
    # Counts are not drawn against England's: the scales differ by thousands; the rates are.
    return Table(id, title, description, unit, headers, rows, list(notes), charted=unit != "count", stock=stock)


def _pct(n, d):
    return round(n / d * 100, 1) if d else None


def build_tables(figures, comparison, view):
    S = suppression
    tables = [
        comparison_table(
            "looked-after",
            "Children looked after on 31 March",
            "Children looked after on 31 March each year, excluding those looked after only under a series of "
            "short breaks.",
            "count",
            figures,
            lambda f: (f.looked_after, S.count(f.looked_after)),
            view,
            comparison,
            key="cla_31_march",
            stock=True,
            notes=["England and regional figures are rounded to the nearest 10 by DfE."],
        ),
        comparison_table(
            "looked-after-rate",
            "Children looked after on 31 March, per 10,000 children",
            "Children looked after on 31 March for every 10,000 children aged 0 to 17.",
            "rate",
            figures,
            lambda f: (f.looked_after_rate, S.rate(f.looked_after, f.population.value)),
            view,
            comparison,
            key="cla_31_march_rate",
            stock=True,
            notes=[
                f"This authority's rate is per {figures[-1].population.value:,} children: "
                f"{figures[-1].population.source}."
                if figures and figures[-1].population.value
                else "This authority's child population is not known."
            ],
        ),
        comparison_table(
            "started",
            "Children who started to be looked after",
            "Children who started to be looked after during the year, each child counted once.",
            "count",
            figures,
            lambda f: (f.started, S.count(f.started)),
            view,
            comparison,
            key="started",
        ),
        comparison_table(
            "started-rate",
            "Children who started to be looked after, per 10,000 children",
            "Children who started to be looked after during the year for every 10,000 children.",
            "rate",
            figures,
            lambda f: (f.started_rate, S.rate(f.started, f.population.value)),
            view,
            comparison,
            key="started_rate",
        ),
        comparison_table(
            "ceased",
            "Children who ceased to be looked after",
            "Children who ceased to be looked after during the year, each child counted once.",
            "count",
            figures,
            lambda f: (f.ceased, S.count(f.ceased)),
            view,
            comparison,
            key="ceased",
        ),
        comparison_table(
            "ceased-rate",
            "Children who ceased to be looked after, per 10,000 children",
            "Children who ceased to be looked after during the year for every 10,000 children.",
            "rate",
            figures,
            lambda f: (f.ceased_rate, S.rate(f.ceased, f.population.value)),
            view,
            comparison,
            key="ceased_rate",
        ),
    ]
    published_reasons = {f.year: published_breakdown(f.ceased_by_reason) for f in figures}
    for code, key, title in (
        ("E4A", "e4a", "as part of the care plan"),
        ("E4B", "e4b", "not as part of the care plan"),
    ):
        tables.append(
            comparison_table(
                f"returned-home-{key}",
                f"Returned home {title} ({code}), % of those who ceased",
                f"Children whose care ended because they returned home to their parents or others with parental "
                f"responsibility {title} (reason {code}), as a percentage of the children who ceased to be looked after.",  # noqa: E501
                "percent",
                figures,
                lambda f, key=key: (
                    f.ceased_by_reason.percent(key),
                    S.percentage(published_reasons[f.year][key], f.ceased_by_reason.total),
                ),
                view,
                comparison,
                key=f"ceased_{key}_percent",
                notes=["DfE's reasons for ceasing are published to March 2024 in the files held."],
            )
        )
    tables.append(
        comparison_table(
            "returned-home",
            "Returned home (E4A and E4B together), % of those who ceased",
            "Children who returned home, as part of the care plan or not, as a percentage of the children who ceased "
            "to be looked after.",
            "percent",
            figures,
            lambda f: (
                f.ceased_by_reason.percent("returned_home"),
                S.percentage(published_reasons[f.year]["returned_home"], f.ceased_by_reason.total),
            ),
            view,
            comparison,
            combined=(("ceased_e4a", "ceased_e4b"), "ceased_by_reason_total"),
            notes=["For England, the region and the neighbours this is worked out from DfE's published counts."],
        )
    )
    tables.append(
        comparison_table(
            "re-entries",
            "Came back into care within 12 months of returning home, %",
            "Of the children who returned home (E4A or E4B) during the year, the percentage who started to be looked "
            "after again within 12 months of the return.",
            "percent",
            figures,
            lambda f: (f.re_entries.percent, S.percentage(f.re_entries.re_entered, f.re_entries.returned_home)),
            view,
            comparison,
            notes=[
                "DfE does not publish this measure, so there is nothing to compare it with.",
                "For the latest years, not all of the 12 months after each return have passed yet.",
            ],
        )
    )
    for id, title, description, attr, key, note in TIMELINESS:
        tables.append(
            comparison_table(
                id,
                title,
                description,
                "percent",
                figures,
                lambda f, attr=attr: (
                    getattr(f, attr).percent,
                    S.percentage(getattr(f, attr).on_time, getattr(f, attr).total, decimals=1),
                ),
                view,
                comparison,
                key=key,
                notes=[note] if note else [],
            )
        )
    return tables


TIMELINESS = [
    (
        "referral-decisions",
        "Contacts decided within 1 working day, %",
        "Decisions on contacts made during the year, and the percentage made by their deadline of one working day.",
        "referral_decisions",
        None,
        "DfE does not publish this measure.",
    ),
    (
        "assessments",
        "Assessments authorised within 45 working days, %",
        "Child and family assessments authorised during the year, and the percentage authorised within 45 working "
        "days of starting.",
        "assessments",
        None,
        "DfE publishes this (children in need, table C2), but the file is not among those held, so there is nothing to "
        "compare it with yet.",
    ),
    (
        "conferences",
        "Initial child protection conferences within 15 working days, %",
        "Initial child protection conferences held during the year after a section 47 enquiry, and the percentage "
        "held within 15 working days of the strategy discussion that started the enquiry.",
        "conferences",
        "icpc_within_15_days_percent",
        None,
    ),
    (
        "return-interviews",
        "Return interviews within 72 hours, %",
        "Children's returns from being missing during the year, and the percentage whose return interview was held "
        "within 72 hours of the return.",
        "return_interviews",
        None,
        "DfE does not publish this measure.",
    ),
]


def published_breakdown(ceased):
    """The reasons for ceasing as they would be published: primary and secondary suppression
    over the reasons and their total, and over E4A and E4B with returned home together."""
    shown = suppression.breakdown(ceased.counts, total=ceased.total)
    together = ceased.returned_home
    shown["returned_home"] = suppression.C if suppression.is_small(together) else together
    pair = [shown["e4a"], shown["e4b"]]
    if pair.count(suppression.C) == 1 and shown["returned_home"] != suppression.C:
        for key in ("e4a", "e4b"):
            if ceased.counts[key]:
                shown[key] = suppression.C
    return shown


def reasons_table(figures, view):
    """The authority's children who ceased, by reason, a column per year (no DfE comparison here:
    the percentages for England and the others are in the returned-home tables)."""
    rows = []
    published_by_year = {f.year: published_breakdown(f.ceased_by_reason) for f in figures}
    for key, label, codes in published.CEASED_REASONS:
        cells = []
        for f in figures:
            exact = f.ceased_by_reason.counts.get(key, 0)
            if view == PUBLISHED:
                shown = published_by_year[f.year][key]
                pct = suppression.percentage(shown, f.ceased_by_reason.total)
                text = f"{shown} ({pct}%)" if not isinstance(pct, str) else f"{shown} ({pct})"
            else:
                pct = f.ceased_by_reason.percent(key)
                text = f"{exact} ({pct:.1f}%)" if pct is not None else f"{exact}"
            cells.append(Cell("–") if f.before_records else Cell(text, exact))
        rows.append(Row(f"{label} ({', '.join(codes)})", cells))
    total_cells = [
        Cell("–")
        if f.before_records
        else Cell(
            str(suppression.count(f.ceased_by_reason.total)) if view == PUBLISHED else str(f.ceased_by_reason.total),
            f.ceased_by_reason.total,
        )
        for f in figures
    ]
    rows.append(Row("All children who ceased", total_cells))
    headers = [year_label(f.year, f.so_far) for f in figures]
    return Table(
        "reasons",
        "Why children stopped being looked after",
        "Children who ceased to be looked after, by the reason their care ended (each child's last period of "
        "care in the year), with the percentage of all who ceased.",
        "count",
        headers,
        rows,
    )


def by_year(table, figures):
    """A table with a column per year (reasons_table, detail_tables), as one small table per
    year: [{"header", "open", "rows": [(label, text)]}], the last whole year open."""
    whole = [i for i, f in enumerate(figures) if not f.so_far]
    opened = whole[-1] if whole else len(figures) - 1
    return [
        {"header": header, "open": i == opened, "rows": [(row.label, row.cells[i].text) for row in table.rows]}
        for i, header in enumerate(table.headers)
    ]


def detail_tables(figures, view):
    """The counts behind the percentages: returned home and re-entries, and each timescale."""
    S = suppression

    def show(f, n):
        if f.before_records:
            return Cell("–")
        return Cell(str(S.count(n)) if view == PUBLISHED else f"{n:,}")

    headers = [year_label(f.year, f.so_far) for f in figures]
    rows = [
        Row("Returned home (E4A or E4B)", [show(f, f.re_entries.returned_home) for f in figures]),
        Row("Of whom came back into care within 12 months", [show(f, f.re_entries.re_entered) for f in figures]),
        Row("All 12 months have passed", [Cell("Yes" if f.re_entries.complete else "Not yet") for f in figures]),
    ]
    for _id, title, _d, attr, _key, _note in TIMELINESS:
        name = title.replace(", %", "")
        rows.append(Row(f"{name}: all", [show(f, getattr(f, attr).total) for f in figures]))
        rows.append(Row(f"{name}: on time", [show(f, getattr(f, attr).on_time) for f in figures]))
    return Table("counts", "The counts behind the percentages", "", "count", headers, rows)


# --- Charts: kernel.charts ------------------------------------------------------------------------

SO_FAR_LEFT_OUT = "The year so far is left out of the chart."


def line_chart(table):
    """The table as a line chart (kernel.charts.line): a line for each column (this authority,
    the neighbours, the region, England), a point for each row by its short label, a gap where a
    figure is not published or is suppressed. None when there is nothing to draw."""
    # A rate of children over a year is not drawn for the year so far: its line would fall only
    # because the year is not over (the table still has it). A stock (on 31 March, or today) is.
    rows = [row for row in table.rows if table.stock or table.unit != "rate" or not row.so_far]
    values = [cell.value for row in rows for cell in row.cells if cell.value is not None]
    if not values:
        return None
    return charts.line(
        f"{table.id}-chart",
        f"Chart: {table.title}, by {table.by}",
        [row.short or row.label for row in rows],
        [charts.Series(header, [row.cells[s].value for row in rows]) for s, header in enumerate(table.headers)],
        unit=table.unit,
        note=SO_FAR_LEFT_OUT if len(rows) < len(table.rows) else "",
        top=_top(table.unit, max(values)),
    )


def _top(unit, largest):
    """The top of a chart's axis, when not Vega-Lite's own (a nice round number over the largest
    figure): a percentage mostly over half is drawn against the whole scale, up to 100; counts
    all under 5 against 0 to 5, so that the axis is labelled in whole numbers (with 5 ticks up to
    3, Vega-Lite would tick every half and label 0.5 as 1)."""
    if unit == "percent" and largest > 50:
        return 100
    if unit == "count" and largest < 5:
        return 5
    return None


# --- Views -----------------------------------------------------------------------------------------


def _figures(comparison, on):
    begin = statistics.records_begin()
    years = statistics.years(on)
    populations = statistics.child_populations(years, comparison.own_code)
    return [
        statistics.for_year(year, la_code=comparison.own_code, today=on, begin=begin, population=populations[year])
        for year in years
    ]


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    tables: tuple  # the ids of build_tables' tables charted on the page, in order
    extra: str = ""  # "reasons" or "counts": the table by year shown after them
    # Tables shown beside a charted one, in its "Show the figures" details (a count beside its rate).
    companions: tuple = ()  # ((charted id, (companion id, ...)), ...)

    def companions_of(self, table_id):
        return dict(self.companions).get(table_id, ())

    @property
    def all_tables(self):
        return tuple(t for table_id in self.tables for t in (table_id, *self.companions_of(table_id)))


SECTIONS = (
    Section(
        "looked-after",
        "Children looked after",
        ("looked-after-rate",),
        companions=(("looked-after-rate", ("looked-after",)),),
    ),
    Section(
        "starting-and-ceasing",
        "Starting and ceasing care",
        ("started-rate", "ceased-rate"),
        companions=(("started-rate", ("started",)), ("ceased-rate", ("ceased",))),
    ),
    Section(
        "returning-home",
        "Returning home",
        ("returned-home",),
        companions=(("returned-home", ("returned-home-e4a", "returned-home-e4b")),),
    ),
    Section("coming-back-into-care", "Coming back into care", ("re-entries",)),
    Section("why-care-ended", "Why care ended", (), extra="reasons"),
    Section("contacts-and-assessments", "Contacts and assessments", ("referral-decisions", "assessments")),
    Section(
        "conferences-and-return-interviews", "Conferences and return interviews", ("conferences", "return-interviews")
    ),
    Section("counts", "The counts behind the percentages", (), extra="counts"),
    # The register, consent to home educate and children missing education (education.figures):
    # the authority's own figures, nothing published to compare them with.
    Section("education", "Education", (), extra="education"),
    # Harm outside the home (exploitation.figures): risk levels, missing episodes and return
    # interviews, the National Referral Mechanism and MACE, over a chosen period.
    Section("exploitation", "Exploitation", (), extra="exploitation"),
)
SECTION_OF = {table_id: section for section in SECTIONS for table_id in section.all_tables}


# --- The headline: a few key figures in words -------------------------------------------------------

# (table id, what the figure is, in words): the first figures an analyst or a head of service asks for.
HEADLINES = (
    ("looked-after-rate", "Children looked after, per 10,000 children"),
    ("started-rate", "Children who started to be looked after, per 10,000 children"),
    ("ceased-rate", "Children who ceased to be looked after, per 10,000 children"),
    ("returned-home", "Children who returned home, of those who ceased"),
    ("referral-decisions", "Contacts decided within 1 working day"),
    ("assessments", "Assessments authorised within 45 working days"),
    ("conferences", "Initial child protection conferences within 15 working days"),
    ("return-interviews", "Return interviews within 72 hours"),
)


@dataclass
class Headline:
    table: str
    title: str
    figure: str  # this authority, the last whole year: "68 per 10,000 children"
    when: str  # "on 31 March 2026", "in April 2025 to March 2026"
    before: str  # "61 the year before", or ""
    beside: str  # "England 70, statistical neighbours 75 (31 March 2025)."
    section: Section


def _in_words(cell, unit):
    if cell.value is None and cell.text in SYMBOL_TEXTS:
        return f"{cell.text} ({cell.hint})" if cell.hint else cell.text
    if cell.value is None:
        return "no figure"
    return f"{cell.text} per 10,000 children" if unit == "rate" else cell.text


def _when(row, stock):
    if stock:
        return "today" if row.so_far else f"on {row.label}"
    return f"in {row.label}"


def headline(table):
    """This authority's figure now for a stock (children looked after today, beside 31 March of
    the last whole year), or for the last whole year (beside the year before); and the latest
    figures published for the neighbours, the region and England up to that year."""
    whole = [i for i, row in enumerate(table.rows) if not row.so_far]
    if not whole:
        return None
    last = whole[-1]
    if table.stock and last + 1 < len(table.rows):
        last += 1  # today
    row = table.rows[last]
    before = ""
    if last > 0:
        earlier = table.rows[last - 1]
        previous = earlier.cells[0]
        if previous.value is not None or previous.text in SYMBOL_TEXTS:
            shown = previous.text if previous.value is not None else _in_words(previous, table.unit)
            before = f"{shown} {_when(earlier, True)}" if table.stock else f"{shown} the year before"
    beside, years = [], set()
    for column, name in ((3, "England"), (1, "statistical neighbours"), (2, table.headers[2])):
        for i in range(last, -1, -1):
            cell = table.rows[i].cells[column]
            if cell.value is not None:
                beside.append(f"{name} {cell.text}")
                years.add(i)
                break
    beside_text = ""
    if beside:
        beside_text = ", ".join(beside)
        if years != {last}:
            label = ", ".join(_when(table.rows[i], table.stock) for i in sorted(years))
            beside_text += f" ({label}, the latest published)"
        beside_text += "."
    return Headline(
        table=table.id,
        title="",
        figure=_in_words(row.cells[0], table.unit),
        when=_when(row, table.stock),
        before=before,
        beside=beside_text,
        section=SECTION_OF[table.id],
    )


def headlines(tables):
    by_id = {t.id: t for t in tables}
    found = []
    for table_id, title in HEADLINES:
        item = headline(by_id[table_id])
        if item is not None:
            item.title = title
            found.append(item)
    return found


# --- The pages ---------------------------------------------------------------------------------------


def _view_of(request):
    return PUBLISHED if request.GET.get("view") == PUBLISHED else EXACT


def _audit_view(request, view, figures, comparison, section, tables):
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Viewed the authority's statistics beside England, the region and statistical neighbours",
        detail={
            "page": "statistics",
            "section": section,
            "view": view,
            "years": [f.year for f in figures],
            "comparator_la": comparison.comparator.code if comparison.comparator else "",
            "tables": tables,
        },
    )


def _context(view, on, comparison, figures, section):
    latest = figures[-1].population if figures else None
    return {
        "population": f"{latest.value:,} children, {latest.source}" if latest and latest.value else "",
        "view": view,
        "today": on,
        "comparison": comparison,
        "records_begin": statistics.records_begin(),
        "figures": figures,
        "sections": SECTIONS,
        "section": section,
        "attribution": published.ATTRIBUTION,
        "licence_url": published.LICENCE_URL,
        "symbols": SYMBOL_TEXTS,
        "suppress_up_to": suppression.threshold(),
    }


@rule("statistics")
def statistics_page(request):
    """The headline: a few key figures in words, this year beside last, England and the
    neighbours, each linking to its section."""
    view = _view_of(request)
    on = today()
    comparison = comparison_for(request.user)
    figures = _figures(comparison, on)
    tables = build_tables(figures, comparison, view)
    found = headlines(tables)
    _audit_view(request, view, figures, comparison, "summary", [h.table for h in found])
    context = _context(view, on, comparison, figures, None)
    context.update({"headlines": found, "tables": tables})
    return render(request, "returns/statistics.html", context)


@rule("statistics")
def statistics_section(request, section):
    """One section: its charts, each with its legend and its figures as a table."""
    chosen = next((s for s in SECTIONS if s.slug == section), None)
    if chosen is None:
        raise Http404("No such statistics section")
    view = _view_of(request)
    on = today()
    comparison = comparison_for(request.user)
    if chosen.extra == "education":
        return _education_section(request, chosen, view, on, comparison)
    if chosen.extra == "exploitation":
        return _exploitation_section(request, chosen, view, on, comparison)
    figures = _figures(comparison, on)
    by_id = {t.id: t for t in build_tables(figures, comparison, view)}
    tables = [by_id[table_id] for table_id in chosen.tables]
    for table in tables:
        table.companions = [by_id[table_id] for table_id in chosen.companions_of(table.id)]
    extra = None
    if chosen.extra == "reasons":
        extra = reasons_table(figures, view)
        extra.measure_header = "Reason care ended (codes)"
        extra.value_header = "Children (% of all who ceased)"
    elif chosen.extra == "counts":
        extra = detail_tables(figures, view)
        extra.measure_header = "Measure"
    if extra is not None:
        extra.by_year = by_year(extra, figures)
    shown = list(chosen.all_tables) + ([extra.id] if extra else [])
    _audit_view(request, view, figures, comparison, chosen.slug, shown)
    context = _context(view, on, comparison, figures, chosen)
    context.update({"tables": tables, "extra": extra})
    return render(request, "returns/statistics_section.html", context)


def _education_section(request, chosen, view, on, comparison):
    """The education section: the register, consent to home educate and children missing
    education, the authority's own figures a column per year (returns.statistics.education)."""
    found = education_statistics.section(on, view)
    _audit_view(request, view, found.figures, comparison, chosen.slug, [t.id for t in found.tables])
    context = _context(view, on, comparison, [], chosen)
    context.update({"tables": [], "extra": None, "education": found})
    return render(request, "returns/statistics_section.html", context)


def _period_query(query):
    return urlencode([(key, value) for key, value in query.items() if key.startswith(("from_date", "to_date"))])


def _month_chart(etable):
    """The children assessed month by month as a line chart (line_chart, a line per risk level),
    made from the table's figures as shown: a suppressed figure is a gap. None for fewer than
    two months."""
    if len(etable.rows) < 2:
        return None

    def cell(text):
        digits = text.replace(",", "")
        return Cell(text, int(digits) if digits.isdigit() else None)

    rows = [
        Row(row.label, [cell(text) for text in row.cells[:-1]], short=row.label[:3] + " " + row.label[-2:])
        for row in etable.rows
    ]
    title = "Children assessed for risk of exploitation at each risk level"
    headers = etable.headers[:-1]
    table = Table(etable.id + "-chart", title, etable.description, "count", headers, rows, charted=True, stock=True)
    table.by = "month"
    return table if table.chart is not None else None


def _exploitation_section(request, chosen, view, on, comparison):
    """The exploitation section: the figures of harm outside the home for a chosen period (the
    12 months to today by default), counting only the children this user may be told about
    (returns.statistics.exploitation). Audited with the period and the tables shown."""
    default = exploitation_statistics.exploitation.last_12_months(on)
    if is_chosen(request.GET):
        form = PeriodForm(request.GET, today=on)
        period = (
            exploitation_statistics.exploitation.Period(form.cleaned_data["from_date"], form.cleaned_data["to_date"])
            if form.is_valid()
            else None
        )
    else:
        form = PeriodForm(initial={"from_date": default.start, "to_date": default.end, "view": view}, today=on)
        period = default
    found = exploitation_statistics.section(period, request.user, view) if period is not None else None
    chart_table = _month_chart(found.risk_tables[1]) if found else None
    audit.record(
        request.user,
        AuditEvent.Action.VIEW,
        summary="Viewed the authority's exploitation figures",
        detail={
            "page": "statistics",
            "section": chosen.slug,
            "view": view,
            "from": period.start.isoformat() if period else "",
            "to": period.end.isoformat() if period else "",
            "tables": [t.id for t in found.tables] if found else [],
            "cin_check_year": found.census.year if found else None,
        },
    )
    context = _context(view, on, comparison, [], chosen)
    context.update(
        {
            "tables": [],
            "extra": None,
            "exploitation": found,
            "period_form": form,
            "chart_table": chart_table,
            # The period kept when switching between exact and published figures.
            "keep_query": _period_query(request.GET) if period is not None and is_chosen(request.GET) else "",
        }
    )
    return render(request, "returns/statistics_section.html", context)


@rule("statistics")
def statistics_download(request):
    """Every table as it would be published (DfE's suppression applied), as CSV."""
    on = today()
    comparison = comparison_for(request.user)
    figures = _figures(comparison, on)
    tables = build_tables(figures, comparison, PUBLISHED)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"statistics-{on:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["measure", "year", *tables[0].headers])
    count = 0
    for table in tables:
        for row in table.rows:
            writer.writerow([table.title, row.label, *[cell.text for cell in row.cells]])
            count += 1
    for table in (reasons_table(figures, PUBLISHED), detail_tables(figures, PUBLISHED)):
        writer.writerow([])
        writer.writerow([table.title, *table.headers])
        for row in table.rows:
            writer.writerow([row.label, *[cell.text for cell in row.cells]])
            count += 1
    education = education_statistics.section(on, PUBLISHED)
    for message in (education.register_message, education.consent_message):
        if message:
            writer.writerow([])
            writer.writerow([message])
    for table in education.tables:
        writer.writerow([])
        writer.writerow([table.title, *table.headers])
        for row in table.rows:
            writer.writerow([row.label, *row.cells])
            count += 1
    # Harm outside the home over the 12 months to today, counting the children this user may be
    # told about (the section's default period; the page chooses others).
    exploitation = exploitation_statistics.section(
        exploitation_statistics.exploitation.last_12_months(on), request.user, PUBLISHED
    )
    writer.writerow([])
    writer.writerow([f"Exploitation: {exploitation.period_label}"])
    for table in exploitation.tables:
        writer.writerow([])
        writer.writerow([table.title, *table.headers])
        for row in table.rows:
            writer.writerow([row.label, *row.cells])
            count += 1
    writer.writerow([])
    writer.writerow(
        [
            f"This authority's figures follow DfE's suppression rules: counts of 1 to "
            f"{suppression.threshold()} and percentages made from them are shown as c."
        ]
    )
    if comparison.comparator:
        writer.writerow([comparison_sentence(comparison)])
    writer.writerow([published.ATTRIBUTION])
    audit.record(
        request.user,
        AuditEvent.Action.EXPORT,
        summary="Downloaded the authority's statistics (CSV, as they would be published)",
        detail={
            "page": "statistics",
            "format": "csv",
            "suppressed": True,
            "file": name,
            "years": [f.year for f in figures],
            "rows": count,
            "exploitation_period": [exploitation.period.start.isoformat(), exploitation.period.end.isoformat()],
            "comparator_la": comparison.comparator.code if comparison.comparator else "",
        },
    )
    return response


def comparison_sentence(comparison):
    c = comparison
    if c.comparator is None:
        return "This authority's code is not in DfE's files, so only England is shown."
    model = f" ({c.neighbours.model})" if c.neighbours.model else ""
    if c.substituted:
        return (
            f"Compared as if it were in {c.region.name if c.region else 'no region'}, with {c.comparator.name}'s "
            f"statistical neighbours{model}."
        )
    return f"Compared with {c.region.name if c.region else 'no region'} and its statistical neighbours{model}."
