"""Reading the chronology for a page: its entries grouped under year and month headings."""

from collections.abc import Iterable
from dataclasses import dataclass, field

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
