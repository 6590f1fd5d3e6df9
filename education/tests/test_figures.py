"""The education figures (education.figures) from hand-made records, at the boundaries the law and
the collection year draw: added on 31 March or on 1 April, removed on the day, a birthday on 31
August or 1 September; before the duties are in force; and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from education import figures
from education.models import ConsentRequest, RegisterEntry, SchoolRegistration
from people.models import Person, RestrictedAccess
from testing import builders

D = datetime.date
pytestmark = pytest.mark.django_db
IN_FORCE = override_settings(CNIS_COMMENCEMENT="2024-09-01", S434A_COMMENCEMENT="2024-09-01")


def entry(worker, person, added_on, removed_on=None, removal_reason="", reason="home_educated", source="parent"):
    """A register entry as recorded (hand-made: the services' checks are tested elsewhere)."""
    return RegisterEntry.objects.create(
        person=person,
        added_on=added_on,
        reason=reason,
        source=source,
        parents="Pat Testparent",
        address="1 Test Street, Testtown",
        recorded_by=worker,
        removed_on=removed_on,
        removal_reason=removal_reason,
        removed_by=worker if removed_on else None,
    )


def pupil(given_names, born=D(2014, 5, 1)):
    return builders.child(given_names=given_names, family_name="Testfigures", date_of_birth=born)


# --- Year groups -----------------------------------------------------------------------------------


def test_year_group_turns_on_1_september():
    # Born 31 August 2016: the youngest of their year, in year 1 in 2021-22; born a day later,
    # 1 September 2016, the oldest of the year below, in reception.
    assert figures.year_group(D(2016, 8, 31), D(2022, 3, 15)) == "1"
    assert figures.year_group(D(2016, 9, 1), D(2022, 3, 15)) == "R"
    # The year groups move up on 1 September, not on 31 August.
    assert figures.year_group(D(2016, 8, 31), D(2022, 8, 31)) == "1"
    assert figures.year_group(D(2016, 8, 31), D(2022, 9, 1)) == "2"
    # Year 11 is the school year they turn 16 (the end of compulsory school age); then older.
    assert figures.year_group(D(2009, 9, 1), D(2026, 3, 31)) == "11"
    assert figures.year_group(D(2009, 8, 31), D(2026, 3, 31)) == figures.OLDER
    assert figures.year_group(D(2022, 1, 1), D(2026, 3, 31)) == figures.YOUNGER
    assert figures.year_group(None, D(2026, 3, 31)) == figures.UNKNOWN


@given(born=st.dates(D(2000, 1, 1), D(2025, 12, 31)), on=st.dates(D(2015, 1, 1), D(2030, 12, 31)))
def test_year_group_is_the_age_on_31_august_less_four(born, on):
    start = figures.school_year_start(on)
    # Attained at the start of the birthday: the age on 31 August of the school year's start.
    age = start - born.year - ((born.month, born.day) > (8, 31))
    expected = "R" if age == 4 else str(age - 4) if 5 <= age <= 15 else ("younger" if age < 4 else "older")
    assert figures.year_group(born, on) == expected


def test_the_database_agrees_with_the_rule(worker):
    on = D(2026, 3, 31)
    borns = [D(2009, 8, 31), D(2009, 9, 1), D(2016, 8, 31), D(2016, 9, 1), D(2021, 8, 31), D(2021, 9, 1), None]
    people = [pupil(f"Yeargroup{i}", born) for i, born in enumerate(borns)]
    found = dict(
        Person.objects.filter(pk__in=[p.pk for p in people])
        .annotate(group=figures.year_group_case(on, "date_of_birth"))
        .values_list("pk", "group")
    )
    assert [found[p.pk] for p in people] == [figures.year_group(b, on) for b in borns]
    assert [found[p.pk] for p in people] == ["older", "11", "5", "4", "R", "younger", "unknown"]


# --- The register ----------------------------------------------------------------------------------


@IN_FORCE
def test_added_on_31_march_is_last_years_and_on_1_april_this_years(worker):
    entry(worker, pupil("March"), D(2025, 3, 31), source="school")
    entry(worker, pupil("April"), D(2025, 4, 1))
    last = figures.for_year(2025, today=D(2026, 12, 1))
    this = figures.for_year(2026, today=D(2026, 12, 1))
    assert last.flows.added == 1
    assert last.flows.added_by_source["school"] == 1
    assert this.flows.added == 1
    assert this.flows.added_by_source["parent"] == 1
    # On the register on 31 March 2025: the child added that day, not the one added the next.
    assert last.register.total == 1
    assert this.register.total == 2


@IN_FORCE
def test_removed_on_the_day_is_not_on_the_register_that_day(worker):
    entry(worker, pupil("Leaves"), D(2025, 6, 1), removed_on=D(2026, 3, 31), removal_reason="on_roll")
    entry(worker, pupil("Stays"), D(2025, 6, 1), removed_on=D(2026, 4, 1), removal_reason="left_area")
    year = figures.for_year(2026, today=D(2026, 12, 1))
    assert year.register.total == 1  # "Stays", removed the day after
    assert year.flows.removed == 1
    assert year.flows.removed_by_reason["on_roll"] == 1
    assert figures.for_year(2027, today=D(2026, 12, 1)).flows.removed_by_reason["left_area"] == 1


@IN_FORCE
def test_the_register_by_reason_and_year_group_on_31_march(worker):
    # On 31 March 2026 (school year 2025-26): born 1 September 2014 is in year 6 (primary), born
    # the day before, 31 August 2014, in year 7 (secondary), and born 31 August 2013 in year 8.
    entry(worker, pupil("Six", D(2014, 9, 1)), D(2025, 5, 1))
    entry(worker, pupil("Seven", D(2014, 8, 31)), D(2025, 5, 1), reason="other_provider")
    entry(worker, pupil("Eight", D(2013, 8, 31)), D(2025, 5, 1), reason="not_known")
    found = figures.register_on(D(2026, 3, 31))
    assert found.total == 3
    assert found.by_reason == {"home_educated": 1, "other_provider": 1, "not_known": 1}
    assert (found.by_year_group["6"], found.by_year_group["7"], found.by_year_group["8"]) == (1, 1, 1)
    assert (found.primary, found.secondary) == (1, 2)
    # On 1 September 2026 they have all moved up a year.
    later = figures.register_on(D(2026, 9, 1))
    assert (later.by_year_group["7"], later.by_year_group["8"], later.by_year_group["9"]) == (1, 1, 1)


@IN_FORCE
def test_every_child_is_counted_unless_counted_for_someone_not_named_on_a_restriction(worker, user):
    hidden = pupil("Restricted")
    hidden.restricted = True
    hidden.save(update_fields=["restricted"])
    entry(worker, hidden, D(2025, 5, 1))
    entry(worker, pupil("Open"), D(2025, 5, 1))
    assert figures.register_on(D(2026, 3, 31)).total == 2  # counts, for the statistics: everyone
    assert figures.register_on(D(2026, 3, 31), visible_to=worker).total == 1
    RestrictedAccess.objects.create(person=hidden, user=worker, granted_by=worker)
    assert figures.register_on(D(2026, 3, 31), visible_to=worker).total == 2


def test_before_the_register_is_in_force_there_are_no_figures_not_zeros(worker):
    entry(worker, pupil("Early"), D(2025, 5, 1))
    with override_settings(CNIS_COMMENCEMENT=None, S434A_COMMENCEMENT=None):
        year = figures.for_year(2026, today=D(2026, 12, 1))
    assert year.register is None
    assert year.flows is None
    assert year.consent is None
    with override_settings(CNIS_COMMENCEMENT="2026-01-01"):
        before = figures.for_year(2025, today=D(2026, 12, 1))
        partly = figures.for_year(2026, today=D(2026, 12, 1))
    assert before.register is None  # 31 March 2025 is before it
    assert partly.register_partly
    assert partly.register_from == D(2026, 1, 1)
    assert partly.register.total == 1
    assert partly.flows.added == 0  # counted from 1 January 2026: the entry came before


# --- Consent to home educate -------------------------------------------------------------------------


def request(worker, registration, received_on, status, decided_on=None, relevant=True, source="parent"):
    return ConsentRequest.objects.create(
        person=registration.person,
        registration=registration,
        source=source,
        received_on=received_on,
        requested_by="Pat Testparent",
        relevant_child=relevant,
        rules_version="2026-04-29",
        status=status,
        decided_on=decided_on,
        decision_maker=worker if decided_on else None,
        recorded_by=worker,
    )


@pytest.fixture
def registration(school_list, worker):
    child = pupil("Consent")
    return SchoolRegistration.objects.create(
        person=child,
        school_id=figures.education_models.School.objects.get(urn="999001").pk,
        start_date=D(2021, 9, 1),
        source=SchoolRegistration.Source.SCHOOL,
    )


@IN_FORCE
def test_consent_requests_decisions_and_the_median_wait(worker, registration):
    S = ConsentRequest.Status
    request(worker, registration, D(2025, 3, 31), S.GIVEN, D(2025, 4, 10))  # last year's; decided this year
    request(worker, registration, D(2025, 4, 1), S.REFUSED, D(2025, 4, 21), source="school_notice")
    request(worker, registration, D(2025, 6, 1), S.GIVEN, D(2025, 6, 30))
    request(worker, registration, D(2026, 3, 1), S.GIVEN, D(2026, 4, 1))  # decided next year: open on 31 March
    request(worker, registration, D(2026, 3, 2), S.OPEN)
    request(worker, registration, D(2025, 7, 1), S.NOT_NEEDED, relevant=False)
    year = figures.for_year(2026, today=D(2026, 12, 1)).consent
    assert year.received == 5
    assert year.by_source == {"parent": 4, "school_notice": 1}
    assert (year.relevant, year.not_relevant) == (4, 1)
    assert (year.given, year.refused) == (2, 1)  # decided 10 April, 21 April and 30 June 2025
    assert year.median_days == 20  # waits of 10, 20 and 29 days
    assert year.open_at_end == 2  # received 1 and 2 March 2026, neither decided by 31 March
    assert figures.for_year(2027, today=D(2026, 12, 1)).consent.open_at_end == 1


def test_median_of_an_even_number_is_the_mean_of_the_middle_two():
    assert figures.median({10: 1, 20: 1}) == 15
    assert figures.median({3: 2, 9: 1}) == 3
    assert figures.median({}) is None


# --- Children missing education -------------------------------------------------------------------------


def test_missing_education_figures_are_none_until_the_service_records_them(monkeypatch):
    monkeypatch.setattr(figures, "missing_education_model", lambda: None)
    assert figures.missing_education_figures(figures.collection_year(2026), D(2026, 3, 31)) is None
    assert figures.for_year(2026, today=D(2026, 12, 1)).missing is None


@pytest.mark.skipif(figures.missing_education_model() is None, reason="children missing education not recorded yet")
def test_missing_education_on_the_day_and_over_the_year(worker):
    model = figures.missing_education_model()
    model.objects.create(person=pupil("Gone"), opened_on=D(2025, 4, 1), source="school_notice", recorded_by=worker)
    model.objects.create(
        person=pupil("Found"),
        opened_on=D(2025, 5, 1),
        source="agency",
        status="closed",
        closed_on=D(2026, 3, 31),
        closure_reason="on_roll",
        recorded_by=worker,
    )
    found = figures.missing_education_figures(figures.collection_year(2026), D(2026, 3, 31))
    assert found.open_on_day == 1  # closed on 31 March: not missing education that day
    assert found.opened == 2
    assert found.opened_by_source["agency"] == 1
    assert found.closed == 1
    assert found.closed_by_reason["on_roll"] == 1


# --- The cost ------------------------------------------------------------------------------------------


@IN_FORCE
def test_the_queries_do_not_grow_with_the_children(worker, registration):
    entry(worker, pupil("One"), D(2025, 5, 1))
    request(worker, registration, D(2025, 6, 1), ConsentRequest.Status.GIVEN, D(2025, 6, 30))
    with CaptureQueriesContext(connection) as one:
        figures.for_year(2026, today=D(2026, 12, 1))
    for n in range(6):
        entry(worker, pupil(f"More{n}", D(2010 + n, 1, 1)), D(2025, 5, 1 + n), source="school")
        request(worker, registration, D(2025, 7, 1 + n), ConsentRequest.Status.REFUSED, D(2025, 8, 1 + n))
    with CaptureQueriesContext(connection) as seven:
        figures.for_year(2026, today=D(2026, 12, 1))
    assert len(seven) == len(one) <= 11
