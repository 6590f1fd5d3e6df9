"""Working days in England and Wales: every weekday that is not a bank holiday.

Bank holidays are data (kernel.models.BankHoliday), seeded 2022-2028 and edited by an
administrator. The counting convention for "within N working days of X" is a setting,
WORKING_DAY_CONVENTION (process specification, section 1.2):

- "day_zero" (default): day X is day 0; the deadline is the N-th working day after X.
- "inclusive": day X counts as the first day when it is a working day, as the DfE-aligned
  CIN validator counts; the deadline is one working day earlier.

`add_working_days` returns the date with an explanation of how it was reached (the weekends
and bank holidays it stepped over), so a due date can say why it is what it is.
"""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings

CONVENTIONS = ("day_zero", "inclusive")


@lru_cache(maxsize=1)
def _holidays() -> dict[datetime.date, str]:
    from .models import BankHoliday

    return {day: name for day, name in BankHoliday.objects.values_list("date", "name")}


def clear_cache() -> None:
    """Call after bank holidays change (the admin does)."""
    _holidays.cache_clear()


def bank_holiday(day: datetime.date) -> str | None:
    """The bank holiday's name, or None."""
    return _holidays().get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays()


def convention() -> str:
    value = getattr(settings, "WORKING_DAY_CONVENTION", "day_zero")
    if value not in CONVENTIONS:
        raise ValueError(f"WORKING_DAY_CONVENTION must be one of {CONVENTIONS}")
    return value


@dataclass
class Counted:
    """A date reached by counting working days, with what was stepped over."""

    start: datetime.date
    days: int
    due: datetime.date
    convention: str
    weekends: list[datetime.date] = field(default_factory=list)
    bank_holidays: list[tuple[datetime.date, str]] = field(default_factory=list)  # (date, name)

    def explain(self) -> str:
        parts = [f"{self.days} working day{'s' if self.days != 1 else ''} from {self.start:%-d %B %Y}"]
        if self.convention == "inclusive":
            parts.append("counting the start day")
        if self.bank_holidays:
            names = ", ".join(f"{name} ({day:%-d %B})" for day, name in self.bank_holidays)
            parts.append(f"skipping {names}")
        if self.weekends:
            parts.append(f"and {len(self.weekends)} weekend day{'s' if len(self.weekends) != 1 else ''}")
        return ", ".join(parts)


def add_working_days(start: datetime.date, days: int, counting: str | None = None) -> Counted:
    """The date `days` working days after `start`, by the counting convention."""
    if days < 0:
        raise ValueError("Count working days forwards only")
    counting = counting or convention()
    if counting not in CONVENTIONS:
        raise ValueError(f"counting must be one of {CONVENTIONS}")
    result = Counted(start=start, days=days, due=start, convention=counting)
    remaining = days
    if counting == "inclusive" and days and is_working_day(start):
        remaining -= 1
    day = start
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() >= 5:
            result.weekends.append(day)
        elif name := bank_holiday(day):
            result.bank_holidays.append((day, name))
        else:
            remaining -= 1
    result.due = day
    return result


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days after `start`, up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
