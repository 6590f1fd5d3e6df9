"""Timescales as configurable rules: a trigger event, an offset, a unit and a calendar.

`due(slug, start)` finds the rule in force on the start date (kernel.models.TimescaleRule) and
returns a `Due`: the due date, the moment it falls due and an explanation in plain English
(the rule, the start event and date, the weekends and bank holidays skipped). Store what it
returns on the record when the due date is issued; never recompute a stored due date.

Units (process specification, section 1.1):

- working days: weekdays that are not England and Wales bank holidays, counted by the
  WORKING_DAY_CONVENTION (kernel.working_days); due at the end of the working day reached;
- calendar days and weeks: 7-day periods, due at the end of the day reached;
- calendar months: month arithmetic, clamped to the end of a shorter month [U];
- clock hours: from the moment of the trigger, for timestamps (return interviews, checks).
"""

import calendar
import datetime
import time
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Q
from django.utils import timezone

from . import working_days
from .models import TimescaleRule

END_OF_DAY = datetime.time(23, 59, 59)


class NoRule(LookupError):
    pass


@dataclass(frozen=True)
class Due:
    slug: str
    rule_name: str
    start: datetime.datetime | datetime.date
    due_date: datetime.date
    due_at: datetime.datetime
    explanation: str


def rule_for(slug: str, on: datetime.date) -> TimescaleRule:
    """The rule in force on a date. Rules are read once per process and minute (`clear_cache`
    after a change, as the admin does): a due date is issued on every contact received."""
    key = int(time.monotonic() // RULES_CACHE_SECONDS)
    rule = _rule_for(slug, on, key)
    if rule is None:
        raise NoRule(f"No timescale rule {slug!r} is in force on {on:%d %B %Y}")
    return rule


RULES_CACHE_SECONDS = 60


@lru_cache(maxsize=1024)
def _rule_for(slug: str, on: datetime.date, minute: int) -> TimescaleRule | None:
    return (
        TimescaleRule.objects.filter(slug=slug, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )


def clear_cache() -> None:
    _rule_for.cache_clear()


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY))


def due(slug: str, start: datetime.date | datetime.datetime) -> Due:
    """When the thing the rule `slug` names falls due, for a trigger at `start` (a date, or an
    aware datetime for rules in clock hours)."""
    moment = start if isinstance(start, datetime.datetime) else None
    start_day = timezone.localdate(start) if isinstance(start, datetime.datetime) else start
    rule = rule_for(slug, start_day)
    when = f"{rule.trigger} on {start_day:%-d %B %Y}" + (f" at {timezone.localtime(moment):%H:%M}" if moment else "")
    unit = rule.unit
    if unit == TimescaleRule.Unit.HOURS:
        if moment is None:
            moment = timezone.make_aware(datetime.datetime.combine(start, datetime.time(0)))
        # Elapsed hours: counted in UTC, so a change of the clocks neither adds nor loses an hour.
        due_at = timezone.localtime(moment.astimezone(datetime.UTC) + datetime.timedelta(hours=rule.offset))
        explanation = f"{rule.offset} hour{'s' if rule.offset != 1 else ''} from {when}"
        return Due(slug, rule.name, start, timezone.localdate(due_at), due_at, explanation)
    if unit == TimescaleRule.Unit.WORKING_DAYS:
        counted = working_days.add_working_days(start_day, rule.offset, counting=rule.counting or None)
        explanation = f"{counted.explain()} ({when})"
        return Due(slug, rule.name, start, counted.due, _end_of(counted.due), explanation)
    if unit == TimescaleRule.Unit.MONTHS:
        day = add_months(start_day, rule.offset)
        label = "month" if rule.offset == 1 else "months"
    else:
        days = rule.offset * (7 if unit == TimescaleRule.Unit.WEEKS else 1)
        day = start_day + datetime.timedelta(days=days)
        label = ("week" if unit == TimescaleRule.Unit.WEEKS else "calendar day") + ("s" if rule.offset != 1 else "")
    return Due(slug, rule.name, start, day, _end_of(day), f"{rule.offset} {label} from {when}")
