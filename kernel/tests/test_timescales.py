"""Timescale rules as data: each unit against hand-worked dates, the rule in force on the start
date, and explanations that say how a due date was reached."""

import datetime

import pytest
from django.utils import timezone

from kernel import timescales
from kernel.models import TimescaleRule

pytestmark = pytest.mark.django_db


def rule(slug, offset, unit, valid_from=datetime.date(2022, 1, 1), **fields):
    made = TimescaleRule.objects.create(
        slug=slug,
        name=fields.pop("name", slug),
        trigger=fields.pop("trigger", "start"),
        offset=offset,
        unit=unit,
        source="test",
        valid_from=valid_from,
        **fields,
    )
    timescales.clear_cache()  # as the admin does after a change
    return made


def test_the_national_defaults_are_seeded():
    decision = timescales.rule_for("contact-decision", datetime.date(2026, 6, 1))
    assert (decision.offset, decision.unit) == (1, "working_days")
    assessment = timescales.rule_for("assessment-completion", datetime.date(2026, 6, 1))
    assert (assessment.offset, assessment.unit) == (45, "working_days")


def test_working_days_over_easter_2026():
    # Thursday 2 April 2026: Good Friday 3 April and Easter Monday 6 April are skipped.
    due = timescales.due("contact-decision", datetime.date(2026, 4, 2))
    assert due.due_date == datetime.date(2026, 4, 7)
    assert due.explanation == (
        "1 working day from 2 April 2026, skipping Good Friday (3 April), Easter Monday (6 April), "
        "and 2 weekend days (contact received on 2 April 2026)"
    )
    assert timezone.localtime(due.due_at).time() == datetime.time(23, 59, 59)


def test_45_working_days_from_a_referral_across_christmas_2025():
    # From Monday 1 December 2025: 45 working days, skipping 25, 26 December and 1 January.
    due = timescales.due("assessment-completion", datetime.date(2025, 12, 1))
    assert due.due_date == datetime.date(2026, 2, 5)


def test_clock_hours_run_from_the_moment():
    rule("interview", 72, TimescaleRule.Unit.HOURS)
    returned = timezone.make_aware(datetime.datetime(2026, 3, 27, 22, 30))  # the clocks go forward on 29 March
    due = timescales.due("interview", returned)
    utc = datetime.UTC
    assert due.due_at.astimezone(utc) - returned.astimezone(utc) == datetime.timedelta(hours=72)
    # 72 elapsed hours: 22:30 GMT on Friday is 23:30 BST on Monday.
    assert timezone.localtime(due.due_at).replace(tzinfo=None) == datetime.datetime(2026, 3, 30, 23, 30)
    assert due.explanation == "72 hours from start on 27 March 2026 at 22:30"


def test_calendar_months_clamp_to_the_end_of_a_shorter_month():
    rule("review", 3, TimescaleRule.Unit.MONTHS)
    assert timescales.due("review", datetime.date(2026, 11, 30)).due_date == datetime.date(2027, 2, 28)
    assert timescales.due("review", datetime.date(2027, 11, 30)).due_date == datetime.date(2028, 2, 29)
    assert timescales.due("review", datetime.date(2026, 1, 15)).explanation == "3 months from start on 15 January 2026"


def test_weeks_and_calendar_days():
    rule("visit", 6, TimescaleRule.Unit.WEEKS)
    rule("notice", 10, TimescaleRule.Unit.CALENDAR_DAYS)
    assert timescales.due("visit", datetime.date(2026, 1, 1)).due_date == datetime.date(2026, 2, 12)
    assert timescales.due("notice", datetime.date(2026, 12, 25)).due_date == datetime.date(2027, 1, 4)


def test_a_local_rule_from_a_later_date_replaces_the_national_one_from_then_on():
    rule("contact-decision", 4, TimescaleRule.Unit.HOURS, valid_from=datetime.date(2027, 1, 1), local=True)
    assert timescales.due("contact-decision", datetime.date(2026, 12, 30)).due_date == datetime.date(2026, 12, 31)
    start = timezone.make_aware(datetime.datetime(2027, 1, 4, 9))
    assert timescales.due("contact-decision", start).due_at == start + datetime.timedelta(hours=4)


def test_a_rule_not_in_force_is_an_error():
    with pytest.raises(timescales.NoRule):
        timescales.due("no-such-rule", datetime.date(2026, 1, 1))
    with pytest.raises(timescales.NoRule):
        timescales.due("contact-decision", datetime.date(2021, 12, 31))


def test_inclusive_counting_per_rule():
    rule("inclusive-rule", 15, TimescaleRule.Unit.WORKING_DAYS, counting="inclusive")
    # Monday 2 March 2026 counted as day 1: 15 working days end on Friday 20 March.
    assert timescales.due("inclusive-rule", datetime.date(2026, 3, 2)).due_date == datetime.date(2026, 3, 20)


# --- The child protection timescales, against hand-worked dates ------------------------------


@pytest.mark.parametrize(
    ("slug", "start", "due"),
    [
        # Strategy discussion Monday 14 December 2026: 15 working days, skipping Christmas Day, the
        # Boxing Day substitute (28th) and New Year's Day 2027, end on Thursday 7 January 2027.
        ("initial-child-protection-conference", datetime.date(2026, 12, 14), datetime.date(2027, 1, 7)),
        # Conference Thursday 26 March 2026: 10 working days over Good Friday and Easter Monday.
        ("first-core-group", datetime.date(2026, 3, 26), datetime.date(2026, 4, 13)),
        # Conference Friday 19 December 2025: 10 working days over Christmas 2025 and New Year.
        ("first-core-group", datetime.date(2025, 12, 19), datetime.date(2026, 1, 7)),
        # Three calendar months from 30 November 2026: clamped to the end of February 2027.
        ("first-review-conference", datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)),
        ("review-conference", datetime.date(2026, 8, 31), datetime.date(2027, 2, 28)),
        # 45 working days from Monday 2 March 2026, over Easter and the early May bank holiday.
        ("assessment-completion", datetime.date(2026, 3, 2), datetime.date(2026, 5, 7)),
    ],
)
def test_child_protection_timescales(slug, start, due):
    assert timescales.due(slug, start).due_date == due


def test_every_seeded_rule_names_its_source():
    rules = TimescaleRule.objects.all()
    assert rules.count() >= 20
    assert all(rule.source for rule in rules)
    assert {rule.slug for rule in rules if rule.local} >= {
        "child-in-need-visit",
        "child-protection-visit",
        "core-group",
    }
