"""Drawing the yearly report: one HTML document (its own styles, no script, no external file) that
is both the page and, through WeasyPrint, the tagged PDF (PDF/UA-1), with its charts drawn on the
server by kernel.charts. The figures come counted (figures.count_all) or from a published
report's snapshot; the narrative from a version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from kernel import charts

from . import figures as report_figures
from .figures import Counted, Definition, Period


@dataclass(frozen=True)
class Shown:
    """A figure as the report shows it."""

    definition: Definition
    counted: Counted
    published: str
    parts: list[tuple[str, str]]
    of: str
    query: str

    @property
    def slug(self) -> str:
        return self.definition.slug


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    figures: list[Shown]
    chart: charts.Chart | None


def _percent_value(shown: Shown) -> float | None:
    text = shown.published.rstrip("%")
    try:
        return float(text)
    except ValueError:
        return None


def _part_value(text: str) -> int | None:
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else None


def _chart_of(slug: str, title: str, shown: list[Shown]) -> charts.Chart | None:
    """A section's chart: the parts of its breakdown, or its percentages, as published (a
    suppressed figure is left out of the chart, and is "c" in its table)."""
    breakdowns = [s for s in shown if s.definition.unit == "breakdown" and s.parts]
    if breakdowns:
        first = breakdowns[0]
        return charts.bar(
            f"chart-{slug}",
            f"Chart: {first.definition.label}",
            [label for label, _ in first.parts],
            [
                charts.Series(
                    "Children" if slug != "partnership" else "Number", [_part_value(v) for _, v in first.parts]
                )
            ],
            note="A suppressed figure is left out.",
        )
    percents = [s for s in shown if s.definition.unit == "percent"]
    if len(percents) >= 2:
        return charts.bar(
            f"chart-{slug}",
            f"Chart: {title}, percentages",
            [s.definition.label for s in percents],
            [charts.Series("Percentage", [_percent_value(s) for s in percents])],
            unit="percent",
            note="A suppressed figure is left out.",
        )
    return None


def sections(period: Period, counted: dict[str, Counted], with_queries: bool = True) -> list[Section]:
    found: list[Section] = []
    for slug, title in report_figures.SECTIONS.items():
        shown = []
        for definition in report_figures.DEFINITIONS.values():
            if definition.section != slug or definition.slug not in counted:
                continue
            c = counted[definition.slug]
            shown.append(
                Shown(
                    definition,
                    c,
                    definition.published(c),
                    definition.published_parts(c),
                    report_figures._number(report_figures.suppression.count(c.of)) if c.of is not None else "",
                    report_figures.query_of(definition, period) if with_queries else "",
                )
            )
        if shown:
            found.append(Section(slug, title, shown, _chart_of(slug, title, shown)))
    return found


def document(
    *,
    title: str,
    period: Period,
    counted: dict[str, Counted],
    version: Any = None,
    approvals: list[Any] | None = None,
    status: str = "Draft",
    counted_at: datetime.datetime | None = None,
    figure_url: str = "",
) -> str:
    """The report as one HTML document."""
    quotes, changes = report_figures.quotes_and_changes(period)
    return render_to_string(
        "partnership/report/document.html",
        {
            "title": title,
            "period": period,
            "quotes": quotes,
            "changes": changes,
            "sections": sections(period, counted),
            "version": version,
            "priorities": list(getattr(version, "priorities", None) or []),
            "approvals": approvals or [],
            "status": status,
            "counted_at": counted_at or timezone.now(),
            "figure_url": figure_url,
        },
    )


def pdf(html: str) -> bytes:
    """The document as a tagged PDF (PDF/UA-1), by WeasyPrint. WeasyPrint needs Pango (the
    system's libpango); its absence is an error naming it, raised when a PDF is asked for, so the
    service and its HTML report run without it."""
    try:
        from weasyprint import HTML
    except OSError as error:  # pragma: no cover - depends on the machine
        raise RuntimeError(f"WeasyPrint cannot draw a PDF on this machine (it needs Pango): {error}") from error
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
