"""Who is a care leaver (leavingcare.eligibility), each category and its boundary, on plain
values and through the care history as childrenincare keeps it."""

import datetime

import pytest

from leavingcare import eligibility
from leavingcare.eligibility import (
    ELIGIBLE,
    FORMER_RELEVANT,
    QUALIFYING,
    RELEVANT,
    Period,
    birthday,
    categorise,
)
from leavingcare.testing import care_period

DOB = datetime.date(2006, 5, 10)
D = datetime.timedelta


def period(start, end=None, reason="E8", code="C2"):
    return Period(start, end, reason, [(start, end, code)])


def test_the_thresholds_are_data_with_their_sources():
    rules = eligibility.rules()
    for name in (
        "looked_after_weeks",
        "from_age",
        "some_after_age",
        "adult_age",
        "former_relevant_until",
        "personal_adviser_until",
    ):
        assert rules["thresholds"][name]["source"]
    assert eligibility.threshold("looked_after_weeks") == 13
    assert eligibility.threshold("from_age") == 14


def test_eligible_at_13_weeks_since_14_some_after_16_and_not_a_day_before():
    sixteen = birthday(DOB, 16)
    start = sixteen - D(60)
    history = [period(start)]
    on_91 = start + D(90)  # 91 days counted up to the end of this day
    assert categorise(DOB, history, on_91).category == ELIGIBLE
    just_short = categorise(DOB, history, on_91 - D(1))
    assert just_short.category is None
    assert just_short.looked_after
    assert "13 weeks" in " ".join(just_short.reasons)


def test_not_eligible_under_16_however_long_looked_after():
    history = [period(birthday(DOB, 10))]
    found = categorise(DOB, history, birthday(DOB, 16) - D(1))
    assert found.category is None
    assert "16" in found.reasons[0]
    assert categorise(DOB, history, birthday(DOB, 16)).category == ELIGIBLE


def test_short_breaks_do_not_count_towards_the_13_weeks():
    start = birthday(DOB, 15)
    history = [period(start, code="V3")]
    assert categorise(DOB, history, birthday(DOB, 16) + D(200)).category is None


def test_relevant_when_care_ended_at_16_or_17_after_13_weeks():
    start, end = birthday(DOB, 15), birthday(DOB, 16) + D(100)
    found = categorise(DOB, [period(start, end, "E5")], end + D(1))
    assert found.category == RELEVANT
    assert found.last_ceased == end
    assert "relevant child" in " ".join(found.reasons)


def test_qualifying_not_relevant_when_care_after_16_was_under_13_weeks():
    start = birthday(DOB, 16) + D(10)
    end = start + D(90)
    found = categorise(DOB, [period(start, end)], end + D(5))
    assert found.category == QUALIFYING
    assert categorise(DOB, [period(start, end + D(1))], end + D(5)).category == RELEVANT


def test_care_that_ended_before_16_makes_no_care_leaver():
    found = categorise(DOB, [period(birthday(DOB, 12), birthday(DOB, 16))], birthday(DOB, 16) + D(30))
    assert found.category is None


def test_six_months_at_home_with_a_parent_ends_relevant_child_status():
    start, end = birthday(DOB, 15), birthday(DOB, 16) + D(30)
    history = [period(start, end, "E13")]
    five_months = eligibility.add_months(end, 6) - D(1)
    assert categorise(DOB, history, five_months, home_with_parent_since=end).category == RELEVANT
    found = categorise(DOB, history, eligibility.add_months(end, 6), home_with_parent_since=end)
    assert found.category == QUALIFYING
    assert "6 months" in " ".join(found.reasons)


def test_former_relevant_from_18_when_eligible_or_relevant_the_day_before():
    eighteen = birthday(DOB, 18)
    left_at_18 = [period(birthday(DOB, 14), eighteen, "E17")]
    assert categorise(DOB, left_at_18, eighteen - D(1)).category == ELIGIBLE
    assert categorise(DOB, left_at_18, eighteen).category == FORMER_RELEVANT
    relevant_at_17 = [period(birthday(DOB, 15), birthday(DOB, 17), "E5")]
    assert categorise(DOB, relevant_at_17, eighteen + D(400)).category == FORMER_RELEVANT


def test_former_relevant_support_ends_at_25():
    history = [period(birthday(DOB, 14), birthday(DOB, 18), "E17")]
    assert categorise(DOB, history, birthday(DOB, 25) - D(1)).category == FORMER_RELEVANT
    assert categorise(DOB, history, birthday(DOB, 25)).category is None


def test_qualifying_after_18_for_short_care_after_16_until_21():
    start = birthday(DOB, 17)
    history = [period(start, start + D(30))]
    assert categorise(DOB, history, birthday(DOB, 21) - D(1)).category == QUALIFYING
    assert categorise(DOB, history, birthday(DOB, 21)).category is None


def test_special_guardianship_after_care_makes_a_qualifying_care_leaver():
    # Left care before 16 through a special guardianship order still in force: s24(1A) from 16.
    history = [period(birthday(DOB, 12), birthday(DOB, 15), "E45")]
    found = categorise(DOB, history, birthday(DOB, 17))
    assert found.category == QUALIFYING
    assert found.basis == "s24(1A)"


@pytest.mark.parametrize("reason", ["E11", "E12", "E2", "E3"])
def test_adopted_died_or_taken_over_by_another_authority_is_no_care_leaver(reason):
    history = [period(birthday(DOB, 14), birthday(DOB, 17), reason)]
    assert categorise(DOB, history, birthday(DOB, 17) + D(10)).category is None


def test_periods_add_up_to_the_13_weeks():
    first = period(birthday(DOB, 14) + D(10), birthday(DOB, 14) + D(60))  # 50 days
    second = period(birthday(DOB, 16) + D(1), birthday(DOB, 16) + D(42))  # 41 days: 91 in all
    assert categorise(DOB, [first, second], birthday(DOB, 16) + D(50)).category == RELEVANT
    second = period(birthday(DOB, 16) + D(1), birthday(DOB, 16) + D(41))
    assert categorise(DOB, [first, second], birthday(DOB, 16) + D(50)).category == QUALIFYING


def test_died_is_no_care_leaver():
    history = [period(birthday(DOB, 14), birthday(DOB, 18), "E17")]
    found = categorise(DOB, history, birthday(DOB, 19), date_of_death=birthday(DOB, 19) - D(3))
    assert found.category is None
    assert "died" in found.reasons[0]


def test_eligibility_category_reads_the_care_history(worker, young_person):
    dob = young_person.date_of_birth
    care_period(
        worker,
        young_person,
        birthday(dob, 14) + D(3),
        birthday(dob, 18),
        end_reason="E17",
        statuses=[(birthday(dob, 14) + D(3), "V2"), (birthday(dob, 15), "C2")],
    )
    found = eligibility.eligibility_category(young_person, datetime.date.today())
    assert found.category == FORMER_RELEVANT
    assert found.needs_personal_adviser
    assert found.label == "Former relevant young person"
    assert found.last_end_reason == "E17"
