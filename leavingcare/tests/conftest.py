"""The care leavers tests share Family Help's fixtures (a local authority, its team, social
worker and manager) and add a young person with a care history."""

import datetime

import pytest

from people.services import record_person


def years_ago(years, days=0, today=None):
    today = today or datetime.date.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


@pytest.fixture
def young_person(db):
    """Aged 19 (and 100 days) today."""
    return record_person(
        None, kind="child", given_names="Jordan", family_name="Testleaver", date_of_birth=years_ago(19, 100), sex="M"
    )
