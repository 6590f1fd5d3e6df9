"""Reading the chronology for a page: its entries grouped under year and month headings."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from . import kinds
from .models import ChronologyEntry


@dataclass
class Month:
    name: str  # "March 2026"
    entries: list[ChronologyEntry] = field(default_factory=list)


@dataclass
class Year:
    year: int
    months: list[Month] = field(default_factory=list)


def by_year_and_month(entries: Iterable[ChronologyEntry]) -> list[Year]:
    """The entries (already in the order to show them) under their year and month, in the
    service's time zone. Each entry gets `key`: is it a key event (chronology.kinds.KEY_EVENTS)?"""
    years: list[Year] = []
    last: tuple[int, int] | None = None
    for entry in entries:
        when = timezone.localtime(entry.occurred_at)
        entry.key = kinds.is_key(entry.kind)  # type: ignore[attr-defined]
        if not years or years[-1].year != when.year:
            years.append(Year(when.year))
        if last != (when.year, when.month):
            years[-1].months.append(Month(f"{when:%B %Y}"))
            last = (when.year, when.month)
        years[-1].months[-1].entries.append(entry)
    return years


def page_number(number: Any) -> int:
    """The page asked for, as ``Paginator.get_page`` reads it: not a whole number, the first."""
    try:
        return 1 if number is None else int(number)
    except (TypeError, ValueError):
        return 1


def counted_page(rows: list[ChronologyEntry], wanted: int, size: int) -> Page:
    """A page of rows read with their count (``_chronology_count``, a window count), as the
    paginator would have given it."""
    paginator: Paginator = Paginator([], size)
    paginator.__dict__["count"] = rows[0]._chronology_count if rows else 0  # type: ignore[attr-defined]
    return Page(rows, wanted, paginator)


def chronology_page(entries: QuerySet[ChronologyEntry], number: Any, size: int) -> Page:
    """The page of the (ordered) entries that ``Paginator(entries, size).get_page(number)`` gives,
    read with their count in one query (a window count). A number below 1 or past the last page
    costs the paginator's own two queries, to answer as get_page does."""
    wanted = page_number(number)
    if wanted < 1:
        return Paginator(entries, size).get_page(number)
    rows = list(counted(entries, wanted, size))
    if not rows and wanted > 1:
        return Paginator(entries, size).get_page(number)
    return counted_page(rows, wanted, size)


def counted(entries: QuerySet[ChronologyEntry], wanted: int, size: int) -> QuerySet[ChronologyEntry]:
    """Page `wanted` (from 1) of the entries, each with the count of them all."""
    offset = (wanted - 1) * size
    return entries.annotate(_chronology_count=Window(Count("pk")))[offset : offset + size]
