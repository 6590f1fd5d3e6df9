"""The law's dates and the s434A rules, from the words of the law (education.rules).

Education Act 1996 s8(2): compulsory school age begins on the fifth birthday if it is a
prescribed day (31 August, 31 December, 31 March: the Education (Start of Compulsory School
Age) Order 1998), otherwise on the next prescribed day. s8(3): it ends at the end of the school
leaving date (the last Friday in June: the Education (School Leaving Date) Order 1997) of the
school year in which the child turns 16, a birthday after that Friday and before 1 September
included.
"""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from education.rules import (
    PRESCRIBED_DAYS,
    Facts,
    add_months,
    compulsory_school_age_ends,
    compulsory_school_age_starts,
    decide,
    may_ask_again_on,
    of_compulsory_school_age,
    rules_on,
    school_leaving_date,
    years_before,
)

D = datetime.date
DAY = datetime.timedelta(days=1)
RULES = rules_on(D(2026, 12, 1))


def test_a_fifth_birthday_on_a_prescribed_day_starts_compulsory_school_age_that_day():
    assert compulsory_school_age_starts(D(2019, 12, 31)) == D(2024, 12, 31)
    assert compulsory_school_age_starts(D(2019, 8, 31)) == D(2024, 8, 31)
    assert compulsory_school_age_starts(D(2020, 3, 31)) == D(2025, 3, 31)


def test_otherwise_it_starts_on_the_next_prescribed_day():
    assert compulsory_school_age_starts(D(2020, 1, 1)) == D(2025, 3, 31)
    assert compulsory_school_age_starts(D(2019, 9, 1)) == D(2024, 12, 31)
    assert compulsory_school_age_starts(D(2020, 4, 1)) == D(2025, 8, 31)
    # Born on 29 February: the fifth birthday is 1 March 2025, the next prescribed day 31 March.
    assert compulsory_school_age_starts(D(2020, 2, 29)) == D(2025, 3, 31)


def test_the_first_day_of_compulsory_school_age_and_the_day_before():
    born = D(2020, 1, 1)
    assert not of_compulsory_school_age(born, D(2025, 3, 30))
    assert of_compulsory_school_age(born, D(2025, 3, 31))


def test_the_school_leaving_date_is_the_last_friday_in_june():
    assert school_leaving_date(2026) == D(2026, 6, 26)
    assert school_leaving_date(2027) == D(2027, 6, 25)
    assert school_leaving_date(2030) == D(2030, 6, 28)


def test_it_ends_on_the_leaving_date_of_the_school_year_in_which_they_turn_16():
    # s8(3)(c): 16 during the school year, before the leaving date.
    assert compulsory_school_age_ends(D(2010, 1, 15)) == D(2026, 6, 26)
    # s8(3)(b): 16 on the leaving date itself.
    assert compulsory_school_age_ends(D(2010, 6, 26)) == D(2026, 6, 26)
    # s8(3)(a): 16 after the leaving date, before the next school year: still that date.
    assert compulsory_school_age_ends(D(2010, 7, 1)) == D(2026, 6, 26)
    assert compulsory_school_age_ends(D(2010, 8, 31)) == D(2026, 6, 26)
    # 16 on 1 September: the next school year's leaving date.
    assert compulsory_school_age_ends(D(2010, 9, 1)) == D(2027, 6, 25)


def test_the_last_day_of_compulsory_school_age_and_the_day_after():
    born = D(2010, 8, 31)
    assert of_compulsory_school_age(born, D(2026, 6, 26))
    assert not of_compulsory_school_age(born, D(2026, 6, 27))


def test_no_date_of_birth_is_never_of_compulsory_school_age():
    assert not of_compulsory_school_age(None, D(2026, 12, 1))


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)))
def test_compulsory_school_age_starts_on_a_prescribed_day_within_four_months_of_the_fifth_birthday(born):
    start = compulsory_school_age_starts(born)
    fifth = D(born.year + 5, born.month, 28 if (born.month, born.day) == (2, 29) else born.day)
    assert (start.month, start.day) in PRESCRIBED_DAYS
    assert fifth <= start < fifth + datetime.timedelta(days=5 * 31)
    assert not of_compulsory_school_age(born, start - DAY)
    assert of_compulsory_school_age(born, start)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)))
def test_compulsory_school_age_ends_on_a_friday_in_june_around_the_sixteenth_birthday(born):
    end = compulsory_school_age_ends(born)
    sixteenth = D(born.year + 16, born.month, 28 if (born.month, born.day) == (2, 29) else born.day)
    assert end.month == 6
    assert end.weekday() == 4
    assert end + datetime.timedelta(days=7) > D(end.year, 6, 30)
    # The leaving date falls in the school year (1 September to 31 August) of the 16th birthday.
    school_year = sixteenth.year if sixteenth.month < 9 else sixteenth.year + 1
    assert end.year == school_year
    assert of_compulsory_school_age(born, end)
    assert not of_compulsory_school_age(born, end + DAY)


def test_years_before_and_months_after_at_the_ends_of_months():
    assert years_before(D(2028, 2, 29), 5) == D(2023, 2, 28)
    assert years_before(D(2026, 12, 6), 5) == D(2021, 12, 6)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2026, 12, 6), 6) == D(2027, 6, 6)


def test_a_refused_parent_may_ask_again_after_the_rules_months():
    assert RULES.ask_again_after_months == 6
    assert may_ask_again_on(D(2026, 12, 6), RULES) == D(2027, 6, 6)


# --- The relevant-child rules on facts (no database) ----------------------------------------

ON = D(2026, 12, 6)
BORN = D(2016, 4, 1)
ON_ROLL = (("Testbrook Primary School", False, False, False),)


def test_not_relevant_without_a_condition():
    found = decide(Facts(BORN, ON_ROLL), ON, RULES)
    assert not found.relevant
    assert found.of_compulsory_school_age
    assert found.registered


def test_condition_a_special_school_under_authority_arrangements():
    arranged = (("Testhill Independent Special School", True, False, True),)
    found = decide(Facts(BORN, arranged), ON, RULES)
    assert found.relevant
    assert found.conditions == ("A",)
    assert "under arrangements made by the local authority" in found.reasons[0]
    # At an independent special school the parents chose, not under the authority's arrangements.
    assert not decide(Facts(BORN, (("Testhill", True, False, False),)), ON, RULES).relevant
    # A special school the authority maintains counts (the [U] option), unless the rules say not.
    assert decide(Facts(BORN, (("Testvale", True, True, False),)), ON, RULES).relevant
    strict = RULES.__class__(**{**RULES.__dict__, "maintained_special_counts": False})
    assert not decide(Facts(BORN, (("Testvale", True, True, False),)), ON, strict).relevant


def test_a_condition_met_but_not_of_compulsory_school_age_or_not_on_a_roll_is_not_relevant():
    plan_now = ((D(2026, 1, 1), None),)
    assert not decide(Facts(D(2022, 1, 1), ON_ROLL, plans=plan_now), ON, RULES).relevant
    found = decide(Facts(BORN, (), plans=plan_now), ON, RULES)
    assert not found.relevant
    assert found.conditions == ("B",)
    assert found.notes


def test_plan_within_five_years_at_its_boundary():
    exactly = years_before(ON, 5)
    assert decide(Facts(BORN, ON_ROLL, plans=((D(2020, 1, 1), exactly),)), ON, RULES).relevant
    assert decide(Facts(BORN, ON_ROLL, plans=((D(2020, 1, 1), exactly + DAY),)), ON, RULES).relevant
    assert not decide(Facts(BORN, ON_ROLL, plans=((D(2020, 1, 1), exactly - DAY),)), ON, RULES).relevant
    # With the look-back off, only a plan now counts.
    off = RULES.__class__(**{**RULES.__dict__, "plan_within_years": None})
    assert not decide(Facts(BORN, ON_ROLL, plans=((D(2020, 1, 1), ON - DAY),)), ON, off).relevant
    assert decide(Facts(BORN, ON_ROLL, plans=((D(2020, 1, 1), None),)), ON, off).relevant
