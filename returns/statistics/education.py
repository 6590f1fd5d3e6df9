"""The statistics page's education section (/returns/statistics/education/): the children not
in school register, requests for consent to home educate (s434A) and children missing education,
a column per collection year (education.figures), the authority's own figures only (DfE
publishes none of these by authority yet, so there is nothing to compare them with).

Exact, or as they would be published (returns.suppression): each breakdown is suppressed with
its total (a count of 1 to 5 is c, and another part too when one would give it away), and the
median wait is c when it is made from a small number of decisions.

Before a duty is in force the page says so instead of its tables; a year that ended before the
duty came into force has a dash, not a zero."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from education import commencement
from education import figures as education
from education.models import ConsentRequest, RegisterEntry

from .. import suppression
from . import selectors as statistics

EXACT, PUBLISHED = "exact", "published"


@dataclass
class EducationRow:
    label: str
    cells: list[str]
    total: bool = False  # a total row, shown bold


@dataclass
class EducationTable:
    id: str
    title: str
    description: str
    headers: list[str]
    rows: list[EducationRow]
    notes: list[str] = field(default_factory=list)
    measure_header: str = "Measure"

    @property
    def labelled_rows(self) -> list[tuple[EducationRow, list[tuple[str, str]]]]:
        """Each row with its figures beside their year, for a table that stacks on a phone."""
        return [(row, list(zip(self.headers, row.cells, strict=True))) for row in self.rows]


@dataclass
class EducationSection:
    figures: list[education.EducationFigures]
    register_in_force: bool
    register_message: str
    consent_in_force: bool
    consent_message: str
    missing_recorded: bool
    register_tables: list[EducationTable]
    consent_tables: list[EducationTable]
    missing_tables: list[EducationTable]

    @property
    def tables(self) -> list[EducationTable]:
        return [*self.register_tables, *self.consent_tables, *self.missing_tables]

    @property
    def years(self) -> list[int]:
        return [f.year for f in self.figures if f.year is not None]


def year_figures(on: datetime.date) -> list[education.EducationFigures]:
    """The statistics page's five collection years, the last one so far."""
    return [education.for_year(year, today=on) for year in statistics.years(on)]


def _stock_header(f: education.EducationFigures) -> str:
    return "Today" if f.so_far else f"31 March {f.period.end.year}"


def _year_header(f: education.EducationFigures) -> str:
    label = f"April {f.period.start.year} to March {f.period.end.year}"
    return f"{label} (so far)" if f.so_far else label


def _number(n: int | str | None) -> str:
    if n is None:
        return "–"
    return n if isinstance(n, str) else f"{n:,}"


def _breakdown_rows(
    parts_by_year: list[dict[str, int] | None],
    labels: list[tuple[str, str]],
    total_label: str,
    view: str,
    totals: list[int | None] | None = None,
) -> list[EducationRow]:
    """A breakdown a column per year with its total row; a None year is a dash."""
    columns: list[tuple[dict[str, Any], Any]] = []
    for i, parts in enumerate(parts_by_year):
        if parts is None:
            columns.append(({}, None))
            continue
        total = totals[i] if totals is not None else sum(parts.values())
        if view == PUBLISHED:
            columns.append((suppression.breakdown(parts, total=total), suppression.count(total)))
        else:
            columns.append((parts, total))
    rows = [
        EducationRow(label, [_number(shown.get(key)) if total is not None else "–" for shown, total in columns])
        for key, label in labels
    ]
    rows.append(EducationRow(total_label, [_number(total) for _shown, total in columns], total=True))
    return rows


def _single(values: list[int | None], label: str, view: str, total: bool = False) -> EducationRow:
    return EducationRow(
        label, [_number(suppression.count(v) if view == PUBLISHED and v is not None else v) for v in values], total
    )


def _partly(figures: list[education.EducationFigures], attribute: str) -> list[str]:
    notes = []
    for f in figures:
        if getattr(f, f"{attribute}_partly"):
            start = getattr(f, f"{attribute}_from")
            notes.append(f"{_year_header(f)}: counted from {start:%-d %B %Y}, when the duty came into force.")
    return notes


def register_tables(figures: list[education.EducationFigures], view: str) -> list[EducationTable]:
    stock_headers = [_stock_header(f) for f in figures]
    year_headers = [_year_header(f) for f in figures]
    stock = [f.register for f in figures]
    groups = [(key, label) for key, label in education.YEAR_GROUPS]
    # Rows nobody is in, in any year, are left out for the groups outside compulsory school age.
    outside = (education.YOUNGER, education.OLDER, education.UNKNOWN)
    groups = [
        (key, label)
        for key, label in groups
        if key not in outside or any(s is not None and s.by_year_group[key] for s in stock)
    ]
    by_group_rows = _breakdown_rows(
        [s.by_year_group if s else None for s in stock], groups, "All children on the register", view
    )
    # The primary and secondary subtotals only in the exact figures: published beside the year
    # groups, a subtotal would give a suppressed year group away by subtraction.
    phases = (
        [
            _single([s.primary if s else None for s in stock], "Reception to year 6 (primary)", view),
            _single([s.secondary if s else None for s in stock], "Years 7 to 11 (secondary)", view),
        ]
        if view == EXACT
        else []
    )
    flows = [f.flows for f in figures]
    partly = _partly(figures, "register")
    return [
        EducationTable(
            "register-by-reason",
            "Children on the children not in school register on 31 March, by reason",
            "The children on the register on 31 March of each year (today, for this year), by why they are not "
            "in school. A child removed from the register on a day is not counted on that day.",
            stock_headers,
            _breakdown_rows(
                [s.by_reason if s else None for s in stock],
                list(RegisterEntry.Reason.choices),
                "All children on the register",
                view,
            ),
            measure_header="Reason",
        ),
        EducationTable(
            "register-by-year-group",
            "Children on the register on 31 March, by national curriculum year group",
            "The same children by their year group in that school year: the year group a child born from 1 "
            "September to 31 August would be in at school.",
            stock_headers,
            by_group_rows[:-1] + phases + by_group_rows[-1:],
            measure_header="Year group",
        ),
        EducationTable(
            "register-added",
            "Children added to the register during the year, by who told the authority",
            "Entries added to the register from 1 April to 31 March. A child added, removed and added again in the "
            "year is counted each time.",
            year_headers,
            _breakdown_rows(
                [fl.added_by_source if fl else None for fl in flows],
                list(RegisterEntry.Source.choices),
                "All children added",
                view,
            ),
            notes=partly,
            measure_header="Who told the authority",
        ),
        EducationTable(
            "register-removed",
            "Children removed from the register during the year, by reason",
            "Entries removed from the register from 1 April to 31 March, by why.",
            year_headers,
            _breakdown_rows(
                [fl.removed_by_reason if fl else None for fl in flows],
                list(RegisterEntry.RemovalReason.choices),
                "All children removed",
                view,
            ),
            notes=partly,
            measure_header="Reason",
        ),
    ]


def consent_tables(figures: list[education.EducationFigures], view: str) -> list[EducationTable]:
    year_headers = [_year_header(f) for f in figures]
    consent = [f.consent for f in figures]
    received = _breakdown_rows(
        [c.by_source if c else None for c in consent],
        list(ConsentRequest.Source.choices),
        "All requests received",
        view,
    )
    relevance = _breakdown_rows(
        [{"relevant": c.relevant, "not": c.not_relevant} if c else None for c in consent],
        [
            ("relevant", "A relevant child when the request came: consent needed"),
            ("not", "Not a relevant child: consent not needed"),
        ],
        "All requests received",
        view,
    )[:-1]
    decisions = _breakdown_rows(
        [{"given": c.given, "refused": c.refused} if c else None for c in consent],
        [("given", "Consent given"), ("refused", "Consent refused")],
        "All decisions made",
        view,
    )
    medians = []
    for c in consent:
        if c is None or c.median_days is None:
            medians.append("–")
        elif view == PUBLISHED and suppression.is_small(c.decided):
            medians.append(suppression.C)
        else:
            medians.append(f"{c.median_days:g}")
    waiting = _single([c.open_at_end if c else None for c in consent], "Waiting for a decision at the end", view)
    partly = _partly(figures, "consent")
    return [
        EducationTable(
            "consent-requests",
            "Requests for consent to home educate received during the year",
            "Requests from a parent, and schools' notices that they were about to remove a child from their roll to "
            "be educated at home, received from 1 April to 31 March; and whether the child was a relevant child "
            "(section 434A) when the request came.",
            year_headers,
            received + relevance,
            notes=partly,
            measure_header="Requests",
        ),
        EducationTable(
            "consent-decisions",
            "Decisions on requests for consent during the year",
            "Decisions made from 1 April to 31 March, whenever the request came; the median number of days from the "
            "request to the decision; and the relevant children's requests still waiting for a decision at the end "
            "of the year (today, for this year).",
            year_headers,
            [*decisions, EducationRow("Median days from the request to the decision", medians), waiting],
            notes=partly,
            measure_header="Decisions",
        ),
    ]


def missing_tables(figures: list[education.EducationFigures], view: str) -> list[EducationTable]:
    model = education.missing_education_model()
    if model is None:
        return []
    missing = [f.missing for f in figures]
    stock_headers = [_stock_header(f) for f in figures]
    year_headers = [_year_header(f) for f in figures]
    return [
        EducationTable(
            "missing-education-open",
            "Children missing education on 31 March",
            "Children known to be missing education on 31 March of each year (today, for this year): of "
            "compulsory school age, not on a school's roll or on the children not in school register, their "
            "education not known.",
            stock_headers,
            [_single([m.open_on_day if m else None for m in missing], "Children missing education", view, True)],
            measure_header="Measure",
        ),
        EducationTable(
            "missing-education-opened",
            "Children found to be missing education during the year, by who told the authority",
            "Cases opened from 1 April to 31 March.",
            year_headers,
            _breakdown_rows(
                [m.opened_by_source if m else None for m in missing],
                list(model.Source.choices),
                "All cases opened",
                view,
            ),
            measure_header="Who told the authority",
        ),
        EducationTable(
            "missing-education-closed",
            "Cases of children missing education closed during the year, by reason",
            "Cases closed from 1 April to 31 March, by why.",
            year_headers,
            _breakdown_rows(
                [m.closed_by_reason if m else None for m in missing],
                list(model.ClosureReason.choices),
                "All cases closed",
                view,
            ),
            measure_header="Reason",
        ),
    ]


def section(on: datetime.date, view: str) -> EducationSection:
    """The education section's figures and tables for the page (or the download)."""
    figures = year_figures(on)
    register_in_force = commencement.register_in_force(on)
    consent_in_force = commencement.in_force(on)
    return EducationSection(
        figures=figures,
        register_in_force=register_in_force,
        register_message="" if register_in_force else commencement.register_not_in_force_message(),
        consent_in_force=consent_in_force,
        consent_message="" if consent_in_force else commencement.not_in_force_message(),
        missing_recorded=education.missing_education_model() is not None,
        register_tables=register_tables(figures, view) if register_in_force else [],
        consent_tables=consent_tables(figures, view) if consent_in_force else [],
        missing_tables=missing_tables(figures, view),
    )
