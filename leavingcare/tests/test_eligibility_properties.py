"""Properties of leavingcare.eligibility.categorise over generated care histories (Hypothesis):
whatever the history, the young person has one category (or none) with its reasons, in the age
band the statute gives it; an eligible child is looked after and the others are not; nobody is
qualifying through a child arrangements order (E41) without being looked after after the 16th
birthday; former relevant follows from the day before the 18th birthday; nothing recorded
after the day changes the answer on it; and walking forward day by day, the categories that
the statute makes last (eligible while care goes on, former relevant, qualifying after 18) do.
"""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from leavingcare.eligibility import (
    ELIGIBLE,
    FORMER_RELEVANT,
    QUALIFYING,
    RELEVANT,
    Period,
    age_on,
    birthday,
    categorise,
    listed,
    threshold,
)

D = datetime.timedelta
CATEGORIES = {None, ELIGIBLE, RELEVANT, FORMER_RELEVANT, QUALIFYING}
END_REASONS = ["E8", "E13", "E4A", "E4B", "E41", "E45", "E46", "E47", "E48", "E9", "E5", "E6", "E17", "E11", "E3", "E2"]
LEGAL_STATUSES = ["C1", "C2", "V2", "V3", "V4", "J1", "E1"]
EXAMPLES = settings(max_examples=400, deadline=None)


@st.composite
def lives(draw):
    """(date of birth, [Period], facts): up to 4 periods of care from about the 12th birthday,
    each with one or two legal statuses, the last maybe still open, and what a care leaver
    record might say."""
    dob = draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2012, 12, 31)))
    cursor = birthday(dob, 11) + D(draw(st.integers(0, 6 * 365)))
    periods = []
    for index in range(draw(st.integers(0, 4))):
        start = cursor + D(draw(st.integers(0 if index == 0 else 1, 500)))
        still_open = draw(st.integers(0, 5)) == 0
        end = None if still_open else start + D(draw(st.integers(1, 600)))
        codes = draw(st.lists(st.sampled_from(LEGAL_STATUSES), min_size=1, max_size=2))
        if len(codes) == 2 and (end is None or (end - start).days > 1):
            change = start + D(draw(st.integers(1, (end - start).days - 1 if end else 400)))
            segments = [(start, change, codes[0]), (change, end, codes[1])]
        else:
            segments = [(start, end, codes[0])]
        periods.append(Period(start, end, draw(st.sampled_from(END_REASONS)) if end else "", segments))
        if end is None:
            break
        cursor = end
    some_day = st.one_of(st.none(), st.dates(birthday(dob, 12), birthday(dob, 22)))
    facts = {
        "home_with_parent_since": draw(some_day),
        "home_with_parent_until": draw(some_day),
        "special_guardianship_ended_on": draw(some_day),
        "detained_at_16_since": draw(st.one_of(st.none(), st.dates(birthday(dob, 14), birthday(dob, 16)))),
    }
    if (
        facts["home_with_parent_since"]
        and facts["home_with_parent_until"]
        and (facts["home_with_parent_until"] < facts["home_with_parent_since"])
    ):
        facts["home_with_parent_until"] = None  # the record refuses it
    return dob, periods, facts


def day_in(dob):
    return st.dates(birthday(dob, 13), birthday(dob, 26))


def looked_after_on(periods, dob, day):
    return day < birthday(dob, 18) and any(p.start <= day and (p.end is None or p.end > day) for p in periods)


def looked_after_from_16_to(periods, dob, on):
    first, before = birthday(dob, 16), min(birthday(dob, 18), on + D(1))
    return any(p.start < before and (p.end is None or p.end > first) for p in periods if p.start <= on)


@EXAMPLES
@given(lives(), st.data())
def test_one_category_in_its_age_band_with_reasons(life, data):
    dob, periods, facts = life
    on = data.draw(day_in(dob))
    found = categorise(dob, periods, on, **facts)
    age = age_on(dob, on)
    assert found.category in CATEGORIES
    assert found.reasons
    if found.category in (ELIGIBLE, RELEVANT):
        assert 16 <= age < 18
    if found.category == FORMER_RELEVANT:
        assert 18 <= age < threshold("personal_adviser_until")
    if found.category == QUALIFYING:
        assert 16 <= age < threshold("qualifying_until")
    if age < 16:
        assert found.category is None


@EXAMPLES
@given(lives(), st.data())
def test_an_eligible_child_is_looked_after_and_a_care_leaver_is_not(life, data):
    dob, periods, facts = life
    on = data.draw(day_in(dob))
    found = categorise(dob, periods, on, **facts)
    looked_after = looked_after_on(periods, dob, on)
    assert found.looked_after == looked_after or found.category is None and not periods
    if found.category == ELIGIBLE:
        assert looked_after
    if found.category in (RELEVANT, FORMER_RELEVANT, QUALIFYING):
        assert not looked_after


@EXAMPLES
@given(lives(), st.data())
def test_qualifying_only_through_a_special_guardianship_order_or_care_after_16(life, data):
    dob, periods, facts = life
    on = data.draw(day_in(dob))
    found = categorise(dob, periods, on, **facts)
    if found.category != QUALIFYING:
        return
    orders = [p for p in periods if p.start <= on and p.end_reason in listed("special_guardianship_end_reasons")]
    assert found.basis in ("s24(1A)", "s24(1B)")
    if found.basis == "s24(1A)":
        assert orders
    else:
        assert looked_after_from_16_to(periods, dob, on)
    # Never through a child arrangements order alone.
    if not orders:
        assert looked_after_from_16_to(periods, dob, on)


@EXAMPLES
@given(lives(), st.data())
def test_former_relevant_if_and_only_if_eligible_or_relevant_the_day_before_18(life, data):
    dob, periods, facts = life
    eighteen = birthday(dob, 18)
    on = data.draw(st.dates(eighteen, birthday(dob, 25) - D(1)))
    before = categorise(dob, periods, eighteen - D(1), **facts).category
    # Unless care ended (on the 18th birthday) by adoption, death or another authority taking over.
    ended = [p for p in periods if p.start < eighteen]
    ended_by = ended[-1].end_reason if ended and ended[-1].end is not None and ended[-1].end <= eighteen else ""
    expected = before in (ELIGIBLE, RELEVANT) and ended_by not in listed("not_a_care_leaver_end_reasons")
    assert (categorise(dob, periods, on, **facts).category == FORMER_RELEVANT) == expected


@EXAMPLES
@given(lives(), st.data())
def test_nothing_recorded_after_the_day_changes_the_answer_on_it(life, data):
    dob, periods, facts = life
    on = data.draw(day_in(dob))
    found = categorise(dob, periods, on, **facts).category
    # A later period of care, added as the next step of the history.
    later = on + D(data.draw(st.integers(1, 400)))
    if not periods or periods[-1].end is not None and periods[-1].end <= later:
        extra = Period(later, None, "", [(later, None, data.draw(st.sampled_from(LEGAL_STATUSES)))])
        assert categorise(dob, [*periods, extra], on, **facts).category == found
    # Facts dated after the day (but a recorded date from when they live with a parent replaces
    # the day care ended even when it is later: before it, they did not).
    earlier = {
        name: (value if value is None or value <= on or name == "home_with_parent_since" else None)
        for name, value in facts.items()
    }
    assert categorise(dob, periods, on, **earlier).category == found


@settings(max_examples=150, deadline=None)
@given(lives(), st.data())
def test_walking_forward_the_lasting_categories_last(life, data):
    dob, periods, facts = life
    days = sorted(data.draw(st.lists(day_in(dob), min_size=2, max_size=12, unique=True)))
    eighteen, twenty_one = birthday(dob, 18), birthday(dob, threshold("qualifying_until"))
    previous = None
    for day in days:
        found = categorise(dob, periods, day, **facts).category
        if previous is not None:
            last_day, last = previous
            if last == FORMER_RELEVANT and age_on(dob, day) < threshold("personal_adviser_until"):
                assert found == FORMER_RELEVANT
            if last == QUALIFYING and last_day >= eighteen and day < twenty_one:
                assert found == QUALIFYING
            if (
                last == ELIGIBLE
                and day < eighteen
                and all(looked_after_on(periods, dob, last_day + D(n)) for n in range((day - last_day).days + 1))
            ):
                assert found == ELIGIBLE
        previous = (day, found)
