"""Collection years, as the DfE returns count them: the year ending 31 March YEAR (2026 for
2025/26), and which of them the pages offer."""

import datetime

from django.utils import timezone

from partners.models import Agency

YEARS_OFFERED = 3


def dmy(day):
    """A date as the SSDA903 writes it (dd/mm/yyyy), or "" for none."""
    return f"{day:%d/%m/%Y}" if day else ""


def collection_period(year):
    """The collection year ending 31 March `year`: (1 April year-1, 31 March year)."""
    return datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)


def year_in_progress(today):
    """The collection year (the year it ends) that `today` falls in: 2027 on 2 December 2026."""
    return today.year + 1 if today >= datetime.date(today.year, 4, 1) else today.year


def year_label(year):
    return f"{year - 1} to {year}"


def offered_years():
    """The year in progress and the two before it, newest first."""
    current = year_in_progress(timezone.localdate())
    return [current - back for back in range(YEARS_OFFERED)]


def chosen_year(request):
    """(year, offered years): the collection year asked for (?year=2026) if offered, else the year in progress."""
    years = offered_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[0]
    return (year if year in years else years[0]), years


def authority():
    """The local authority whose returns these are: the first local-authority agency with a DfE code."""
    return Agency.objects.filter(kind=Agency.Kind.LOCAL_AUTHORITY).exclude(la_code="").order_by("id").first()


def child_id(la_child_id, person_id):
    """CHILD (SSDA903) and LAchildID (CIN census), the same in every return so they match: the
    local authority child ID where one is recorded, otherwise the record id."""
    return la_child_id or str(person_id)
