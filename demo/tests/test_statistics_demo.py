"""The demo authority as the statistics pages see it (returns/statistics): children looked
after on 31 March in each of the last five collection years, not the same number every year,
and, with the child population set to the demo's own children (SAFEGUARDING_CHILD_POPULATION,
as scripts/serve-demo.sh sets it), a rate of children looked after today near England's.

The demo's care history spans the five collection years before this one (demo.care.history),
so each 31 March of them has about the published stock, and children start and cease to be
looked after in each of them.

One authority is made for the whole module (committed, and removed at the end)."""

import datetime as dt

import pytest

from childrenincare.models import PeriodOfCare
from demo import care
from returns.collection import collection_period
from returns.statistics import selectors as statistics
from testing.demo import (
    demo_authority,
    name_keys,  # noqa: F401 - an autouse fixture
)

TODAY = dt.date(2026, 12, 6)
CHILDREN = 2000

authority = demo_authority(children=CHILDREN, seed=1, today=TODAY)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def test_looked_after_on_31_march_in_each_of_the_last_five_years_and_not_all_the_same():
    last_whole = statistics.years(TODAY)[-2]  # 2026: 1 April 2025 to 31 March 2026
    counts = {year: statistics.looked_after_at_31_march(year) for year in range(last_whole - 4, last_whole + 1)}
    assert all(n > 0 for n in counts.values()), counts
    assert len(set(counts.values())) > 1, counts


def test_each_of_the_last_five_31_marches_has_about_the_published_stock_with_starts_and_ceases():
    """Within 40% to 160% of England's rate (about 70 per 10,000) of the demo's children on each
    31 March of the last five collection years, and starts and ceases in each of those years."""
    last_whole = statistics.years(TODAY)[-2]
    expected = 70 * CHILDREN / 10000
    for year in range(last_whole - 4, last_whole + 1):
        count = statistics.looked_after_at_31_march(year)
        assert 0.4 * expected <= count <= 1.6 * expected, (year, count)
        start, end = collection_period(year)
        assert PeriodOfCare.objects.filter(start_date__range=(start, end)).exists(), f"no starts in {year}"
        assert PeriodOfCare.objects.filter(end_date__range=(start, end)).exists(), f"no ceases in {year}"


def test_the_rate_today_is_near_englands_with_the_demos_own_population(settings):
    settings.CHILD_POPULATION = CHILDREN
    population = statistics.child_population(statistics.years(TODAY)[-1], "383")
    assert population.value == CHILDREN
    today = statistics.looked_after_at_31_march(statistics.years(TODAY)[-1], today=TODAY)
    rate = statistics.rate_per_10000(today, population.value)
    assert care.LOOKED_AFTER_PER_10K * 0.6 <= rate <= care.LOOKED_AFTER_PER_10K * 1.5, rate
    # Without the setting, the demo's rate would be per Leeds's children (its borrowed DfE code).
    settings.CHILD_POPULATION = None
    leeds = statistics.child_population(statistics.years(TODAY)[-1], "383")
    assert leeds.value > 100_000
    assert statistics.rate_per_10000(today, leeds.value) < 2
