"""Working days against hand-worked dates across weekends and bank holidays."""

import datetime

import pytest

from kernel import working_days
from kernel.models import BankHoliday

D = datetime.date


@pytest.fixture(autouse=True)
def fresh_holidays(db):
    working_days.clear_cache()
    yield
    working_days.clear_cache()


def test_bank_holidays_2022_to_2028_are_loaded_including_one_off_days():
    assert BankHoliday.objects.filter(date__year=2022).count() == 10
    assert working_days.bank_holiday(D(2022, 9, 19)).startswith("Bank Holiday for the State Funeral")
    assert working_days.bank_holiday(D(2023, 5, 8)).startswith("Bank holiday for the coronation")
    assert working_days.bank_holiday(D(2026, 12, 28)) == "Boxing Day (substitute day)"
    assert not BankHoliday.objects.get(date=D(2028, 4, 14)).confirmed


def test_christmas_2026_with_the_boxing_day_substitute():
    # Thursday 24 December 2026, one working day: Friday 25 (Christmas), the weekend and
    # Monday 28 (Boxing Day substitute) are skipped.
    counted = working_days.add_working_days(D(2026, 12, 24), 1)
    assert counted.due == D(2026, 12, 29)
    assert [day for day, _ in counted.bank_holidays] == [D(2026, 12, 25), D(2026, 12, 28)]
    assert len(counted.weekends) == 2
    assert "Christmas Day (25 December), Boxing Day (substitute day) (28 December)" in counted.explain()


def test_easter_2026():
    # Thursday 2 April 2026 + 1: Good Friday 3 April and Easter Monday 6 April are skipped.
    assert working_days.add_working_days(D(2026, 4, 2), 1).due == D(2026, 4, 7)


def test_assessment_45_working_days_across_christmas_2025():
    # Monday 1 December 2025: 17 working days to 24 December, 25 and 26 skipped, 3 more to
    # 31 December, 1 January skipped, then 2 January (21) ... Thursday 5 February 2026 (45).
    counted = working_days.add_working_days(D(2025, 12, 1), 45)
    assert counted.due == D(2026, 2, 5)
    assert [day for day, _ in counted.bank_holidays] == [D(2025, 12, 25), D(2025, 12, 26), D(2026, 1, 1)]


@pytest.mark.parametrize(("counting", "due"), [("day_zero", D(2027, 1, 7)), ("inclusive", D(2027, 1, 6))])
def test_conference_15_working_days_by_each_counting_convention(counting, due):
    # Strategy discussion on Monday 14 December 2026. Day zero: 15 working days after it,
    # skipping 25 and 28 December and 1 January: Thursday 7 January 2027. Inclusive (as the
    # DfE-aligned CIN validator counts): the 14th is day 1, so Wednesday 6 January.
    assert working_days.add_working_days(D(2026, 12, 14), 15, counting=counting).due == due


def test_the_convention_is_a_setting(settings):
    settings.WORKING_DAY_CONVENTION = "inclusive"
    assert working_days.add_working_days(D(2026, 12, 14), 15).due == D(2027, 1, 6)
    settings.WORKING_DAY_CONVENTION = "sometimes"
    with pytest.raises(ValueError):
        working_days.add_working_days(D(2026, 12, 14), 15)


def test_a_start_on_a_weekend_or_holiday():
    # Saturday 26 December 2026: the next working day is Tuesday 29 December.
    assert working_days.add_working_days(D(2026, 12, 26), 1).due == D(2026, 12, 29)
    assert working_days.add_working_days(D(2026, 12, 26), 1, counting="inclusive").due == D(2026, 12, 29)
    assert working_days.add_working_days(D(2026, 12, 26), 0).due == D(2026, 12, 26)


def test_an_administrator_can_add_a_day():
    BankHoliday.objects.create(date=D(2027, 6, 7), name="A one-off bank holiday (test)")
    working_days.clear_cache()
    assert not working_days.is_working_day(D(2027, 6, 7))
    assert working_days.add_working_days(D(2027, 6, 4), 1).due == D(2027, 6, 8)


def test_working_days_between():
    assert working_days.working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1
    assert working_days.working_days_between(D(2026, 12, 29), D(2026, 12, 24)) == 0
