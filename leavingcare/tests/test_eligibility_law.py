"""Who is a care leaver, case by case, with the dates worked out from the law (Children Act 1989
Sch 2 para 19B, s23A, s23C, s24; Care Planning Regulations 2010 reg 40 and 48; Care Leavers
(England) Regulations 2010 reg 3), not from the code (issue 25, finding 3).

Every case is one young person born on 1 June 2009: 14 on 1 June 2023, 16 on 1 June 2025, 18
on 1 June 2027, 21 on 1 June 2030, 25 on 1 June 2034. A period "1 January to 1 July" is looked
after from 1 January to 30 June: care ceased on 1 July (the SSDA903 DEC), and 13 weeks are 91
such days.
"""

import datetime

from leavingcare.eligibility import ELIGIBLE, FORMER_RELEVANT, QUALIFYING, RELEVANT, Period, categorise

DOB = datetime.date(2009, 6, 1)


def d(year, month, day):
    return datetime.date(year, month, day)


def period(start, end=None, reason="E8", code="C2"):
    return Period(start, end, reason if end else "", [(start, end, code)])


def status(history, on, **facts):
    return categorise(DOB, history, on, **facts)


def category(history, on, **facts):
    return status(history, on, **facts).category


# --- A child arrangements order is not a special guardianship order (s24(1A) and (1B)) ----------


def test_the_issues_case_a_child_arrangements_order_at_six_is_no_care_leaver():
    # V2 from 1 January to 1 July 2015 (aged 5 and 6), then a child arrangements order (E41).
    # s24(1A) is about special guardianship orders only; s24(1B) needs care after the 16th
    # birthday; never eligible, so never relevant or former relevant.
    history = [period(d(2015, 1, 1), d(2015, 7, 1), "E41", "V2")]
    for on in (d(2025, 6, 1), d(2025, 7, 1), d(2026, 12, 1), d(2027, 6, 1), d(2029, 1, 1)):
        found = status(history, on)
        assert found.category is None, (on, found.reasons)
    assert "child arrangements order" in " ".join(status(history, d(2025, 7, 1)).reasons)


def test_a_child_arrangements_order_after_care_past_16_is_qualifying_under_1b():
    # Looked after from 1 May 2025 (aged 15) to 1 July 2025 (aged 16): 61 days, under 13 weeks,
    # so never eligible; but looked after after the 16th birthday: s24(1B) until 21.
    history = [period(d(2025, 5, 1), d(2025, 7, 1), "E41", "V2")]
    found = status(history, d(2025, 7, 1))
    assert found.category == QUALIFYING
    assert found.basis == "s24(1B)"
    assert category(history, d(2030, 5, 31)) == QUALIFYING
    assert category(history, d(2030, 6, 1)) is None  # 21st birthday


def test_an_eligible_child_leaving_through_a_child_arrangements_order_is_relevant_for_6_months():
    # Looked after from 1 January 2025 to 1 September 2025 (243 days since 14, some after 16):
    # eligible when care ended, so relevant (s23A); the person named in the order has parental
    # responsibility (s12(2)), so after 6 months with them (1 March 2026) not relevant (reg 3),
    # but qualifying: looked after after 16 (s24(1B)).
    history = [period(d(2025, 1, 1), d(2025, 9, 1), "E41")]
    assert category(history, d(2025, 9, 1)) == RELEVANT
    assert category(history, d(2026, 2, 28)) == RELEVANT
    found = status(history, d(2026, 3, 1))
    assert found.category == QUALIFYING
    assert found.basis == "s24(1B)"
    assert category(history, d(2027, 6, 1)) == QUALIFYING  # not relevant the day before 18: not former relevant


# --- Special guardianship orders (s24(1A)) ---------------------------------------------------------

SGO_AT_13 = [period(d(2020, 1, 1), d(2023, 3, 1), "E45")]


def test_a_special_guardianship_order_in_force_makes_a_qualifying_care_leaver_from_16():
    assert category(SGO_AT_13, d(2025, 5, 31)) is None  # 15
    found = status(SGO_AT_13, d(2025, 6, 1))
    assert found.category == QUALIFYING
    assert found.basis == "s24(1A)"
    # At 18 and over: the order was in force when they reached 18 (orders end at 18).
    assert category(SGO_AT_13, d(2027, 6, 1)) == QUALIFYING
    assert category(SGO_AT_13, d(2027, 6, 1), special_guardianship_ended_on=d(2027, 6, 1)) == QUALIFYING
    assert category(SGO_AT_13, d(2030, 5, 31)) == QUALIFYING
    assert category(SGO_AT_13, d(2030, 6, 1)) is None


def test_a_special_guardianship_order_no_longer_in_force_makes_no_qualifying_care_leaver():
    # Revoked on 1 September 2024 (aged 15): on 1 July 2025 no order is in force; not looked
    # after after 16 either.
    ended = d(2024, 9, 1)
    found = status(SGO_AT_13, d(2025, 7, 1), special_guardianship_ended_on=ended)
    assert found.category is None
    assert "stopped being in force" in " ".join(found.reasons)
    # Revoked at 17 (1 January 2027): qualifying until then, not at 18 (not in force at 18).
    later = d(2027, 1, 1)
    assert category(SGO_AT_13, d(2026, 12, 31), special_guardianship_ended_on=later) == QUALIFYING
    assert category(SGO_AT_13, d(2027, 1, 1), special_guardianship_ended_on=later) is None
    assert category(SGO_AT_13, d(2027, 7, 1), special_guardianship_ended_on=later) is None


def test_an_eligible_child_leaving_through_a_special_guardianship_order_at_16_is_relevant_for_6_months():
    # Looked after from 1 January 2023 to 1 September 2025, then a special guardianship order
    # (E46): eligible when care ended, so relevant (s23A); the special guardian has parental
    # responsibility, so after 6 months living with them (from 1 March 2026) not relevant
    # (reg 3), but qualifying through the order (s24(1A)).
    history = [period(d(2023, 1, 1), d(2025, 9, 1), "E46")]
    assert category(history, d(2025, 8, 31)) == ELIGIBLE
    found = status(history, d(2025, 9, 1))
    assert found.category == RELEVANT
    assert found.basis == "s23A(2)"
    assert category(history, d(2026, 2, 28)) == RELEVANT
    found = status(history, d(2026, 3, 1))
    assert found.category == QUALIFYING
    assert found.basis == "s24(1A)"
    assert "6 months" in " ".join(found.reasons)
    # Not relevant the day before 18, so not former relevant: still qualifying (order in force at 18).
    assert category(history, d(2027, 6, 1)) == QUALIFYING


def test_the_special_guardianship_placement_breaking_down_keeps_or_makes_the_child_relevant():
    history = [period(d(2023, 1, 1), d(2025, 9, 1), "E46")]
    # Broke down before 6 months (1 December 2025): relevant throughout, and former relevant at 18.
    broke = {"home_with_parent_until": d(2025, 12, 1)}
    assert category(history, d(2026, 3, 1), **broke) == RELEVANT
    assert category(history, d(2027, 5, 31), **broke) == RELEVANT
    assert category(history, d(2027, 6, 1), **broke) == FORMER_RELEVANT
    # Broke down after 6 months (1 May 2026): qualifying in between, relevant again from then.
    later = {"home_with_parent_until": d(2026, 5, 1)}
    assert category(history, d(2026, 4, 30), **later) == QUALIFYING
    assert category(history, d(2026, 5, 1), **later) == RELEVANT


def test_leaving_home_with_a_parent_after_16_is_relevant_until_6_months_recorded_or_from_the_end_reason():
    # E13 (relatives or others, maybe without parental responsibility): relevant until the
    # record says they have lived with a parent for 6 months.
    history = [period(d(2024, 9, 1), d(2025, 9, 1), "E13")]
    assert category(history, d(2026, 6, 1)) == RELEVANT
    assert category(history, d(2026, 6, 1), home_with_parent_since=d(2025, 9, 1)) == QUALIFYING
    # Placed with the parent while still looked after counts too (reg 3: begun before or after care ended).
    assert category(history, d(2025, 12, 1), home_with_parent_since=d(2025, 6, 1)) == QUALIFYING
    # E4A (returned home to people with parental responsibility): the 6 months from the day care ended.
    home = [period(d(2024, 9, 1), d(2025, 9, 1), "E4A")]
    assert category(home, d(2026, 2, 28)) == RELEVANT
    assert category(home, d(2026, 3, 1)) == QUALIFYING


# --- Detained or in hospital on the 16th birthday (reg 3(2)) -----------------------------------------


def test_a_child_detained_on_their_16th_birthday_after_13_weeks_looked_after_is_relevant():
    # Looked after from 1 January 2025 to 1 May 2025 (120 days after 14, all before 16), then
    # sentenced to custody (E9) and detained from 1 May 2025, still on 1 June 2025.
    history = [period(d(2025, 1, 1), d(2025, 5, 1), "E9", "V2")]
    assert category(history, d(2025, 7, 1)) is None  # without the fact, care ended before 16
    detained = {"detained_at_16_since": d(2025, 5, 1)}
    found = status(history, d(2025, 7, 1), **detained)
    assert found.category == RELEVANT
    assert found.basis == "reg 3(2)"
    assert category(history, d(2025, 5, 31), **detained) is None  # 15
    assert category(history, d(2025, 6, 1), **detained) == RELEVANT
    assert category(history, d(2027, 5, 31), **detained) == RELEVANT
    assert category(history, d(2027, 6, 1), **detained) == FORMER_RELEVANT


def test_detained_at_16_needs_care_immediately_before_and_the_13_weeks():
    # Care ended on 1 March 2025, detained from 1 May 2025: not looked after immediately before.
    history = [period(d(2024, 11, 1), d(2025, 3, 1), "E8", "V2")]
    assert category(history, d(2025, 7, 1), detained_at_16_since=d(2025, 5, 1)) is None
    # Exactly 13 weeks: 1 January to 2 April 2025 is 91 days; to 1 April, 90.
    assert (
        category([period(d(2025, 1, 1), d(2025, 4, 2), "E9")], d(2025, 7, 1), detained_at_16_since=d(2025, 4, 2))
        == RELEVANT
    )
    assert (
        category([period(d(2025, 1, 1), d(2025, 4, 1), "E9")], d(2025, 7, 1), detained_at_16_since=d(2025, 4, 1))
        is None
    )
    # Short breaks do not count towards them (reg 3: pre-planned short-term placements).
    assert (
        category([period(d(2025, 1, 1), d(2025, 5, 1), "E9", "V3")], d(2025, 7, 1), detained_at_16_since=d(2025, 5, 1))
        is None
    )
    # Detained only after the 16th birthday: not this rule.
    assert (
        category([period(d(2025, 1, 1), d(2025, 5, 1), "E9")], d(2025, 7, 1), detained_at_16_since=d(2025, 6, 2))
        is None
    )


# --- The 13 weeks (para 19B, CPR10 reg 40 and 48) ---------------------------------------------------


def test_13_weeks_split_across_several_periods():
    # 1 July to 1 August 2023 (31 days), 1 January to 1 February 2024 (31), then from the 16th
    # birthday, 1 June 2025: 29 more days make 91 on 29 June 2025.
    first, second = period(d(2023, 7, 1), d(2023, 8, 1)), period(d(2024, 1, 1), d(2024, 2, 1))
    third = period(d(2025, 6, 1), d(2025, 6, 30))
    assert category([first, second, period(d(2025, 6, 1))], d(2025, 6, 28)) is None  # 90 days
    assert category([first, second, period(d(2025, 6, 1))], d(2025, 6, 29)) == ELIGIBLE
    assert category([first, second, third], d(2025, 7, 1)) == RELEVANT
    short = period(d(2025, 6, 1), d(2025, 6, 29))  # 28 days: 90 in all
    found = status([first, second, short], d(2025, 7, 1))
    assert found.category == QUALIFYING
    assert found.basis == "s24(1B)"
    # Care before the 14th birthday does not count: 1 May to 1 August 2023 counts from 1 June (61 days).
    early = period(d(2023, 5, 1), d(2023, 8, 1))
    assert category([early, period(d(2025, 6, 1), d(2025, 6, 30))], d(2025, 7, 1)) == QUALIFYING  # 61 + 29
    assert category([early, period(d(2025, 6, 1), d(2025, 7, 1))], d(2025, 7, 1)) == RELEVANT  # 61 + 30 = 91


def test_short_breaks_are_left_out():
    breaks = period(d(2024, 1, 1), d(2024, 6, 1), code="V3")  # 152 days of short breaks
    after_16 = period(d(2025, 6, 1), d(2025, 7, 1))  # 30 days
    assert category([breaks, after_16], d(2025, 7, 1)) == QUALIFYING
    assert category([period(d(2024, 1, 1), d(2024, 6, 1), code="V2"), after_16], d(2025, 7, 1)) == RELEVANT
    # A period that changes from short breaks (V4) to section 20 (V2) counts from the change.
    mixed = Period(d(2025, 1, 1), None, "", [(d(2025, 1, 1), d(2025, 5, 1), "V4"), (d(2025, 5, 1), None, "V2")])
    assert category([mixed], d(2025, 7, 30)) == ELIGIBLE  # 1 May to 30 July: 91 days
    assert category([mixed], d(2025, 7, 29)) is None


def test_the_day_before_the_16th_birthday():
    # Looked after from 1 January 2025: 15 on 31 May 2025, eligible on the birthday.
    history = [period(d(2025, 1, 1))]
    assert category(history, d(2025, 5, 31)) is None
    assert category(history, d(2025, 6, 1)) == ELIGIBLE
    # Care ceasing on 1 June 2025 (last looked after on 31 May, the day before the 16th
    # birthday): never looked after at 16, so neither relevant nor qualifying.
    assert category([period(d(2025, 1, 1), d(2025, 6, 1))], d(2025, 7, 1)) is None
    # Ceasing on 2 June 2025 (looked after on the birthday): relevant.
    assert category([period(d(2025, 1, 1), d(2025, 6, 2))], d(2025, 7, 1)) == RELEVANT


def test_the_18th_birthday():
    # Looked after until the 18th birthday (E17): eligible the day before, former relevant on it.
    history = [period(d(2025, 1, 1), d(2027, 6, 1), "E17")]
    assert category(history, d(2027, 5, 31)) == ELIGIBLE
    found = status(history, d(2027, 6, 1))
    assert found.category == FORMER_RELEVANT
    assert found.basis == "s23C(1)(b)"
    # A period recorded as still open past the 18th birthday: no one is looked after at 18.
    open_ = [period(d(2025, 1, 1))]
    assert category(open_, d(2027, 6, 1)) == FORMER_RELEVANT
    assert not status(open_, d(2028, 1, 1)).looked_after


def test_the_21st_and_25th_birthdays():
    qualifying = [period(d(2026, 1, 1), d(2026, 2, 1))]  # 31 days at 16: qualifying (1B)
    assert category(qualifying, d(2030, 5, 31)) == QUALIFYING
    assert category(qualifying, d(2030, 6, 1)) is None
    former = [period(d(2025, 1, 1), d(2027, 6, 1), "E17")]
    assert category(former, d(2030, 6, 1)) == FORMER_RELEVANT  # a personal adviser to 25 (s23CZB)
    assert category(former, d(2034, 5, 31)) == FORMER_RELEVANT
    assert category(former, d(2034, 6, 1)) is None


def test_born_on_29_february_the_age_and_the_birthday_agree():
    # Born 29 February 2008: the 18th birthday is taken as 28 February 2026 (leavingcare.eligibility.birthday
    # [U: the law's day for a 29 February birthday in other years]); the age changes the same day.
    dob = d(2008, 2, 29)
    history = [period(d(2025, 1, 1), d(2026, 2, 28), "E17")]
    assert categorise(dob, history, d(2026, 2, 27)).category == ELIGIBLE
    assert categorise(dob, history, d(2026, 2, 28)).category == FORMER_RELEVANT
