"""Ages and dates of a person that every stage and the returns use."""

import datetime

from kernel.rules import as_date


def age_on(person, day):
    """The person's age in whole years on `day`, or None when their date of birth is not known."""
    born = person.date_of_birth
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def one_year_after(day):
    """The same day a year later (29 February gives 365 days later)."""
    day = as_date(day)
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day + datetime.timedelta(days=365)
