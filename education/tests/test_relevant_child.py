"""Relevant-child status from the records (education.selectors): section 47 enquiries, child
protection plans and periods of care read at their boundaries, and the bulk version's fixed
number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education import selectors, services
from education.models import SchoolRegistration
from education.rules import years_before
from testing import builders

from .conftest import TODAY, enquiry, left_care, plan

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def test_a_pupil_with_no_history_is_not_relevant(pupil):
    found = selectors.relevant_child(pupil, TODAY())
    assert not found.relevant
    assert found.registered
    assert found.of_compulsory_school_age


def test_a_section_47_enquiry_in_progress_makes_a_relevant_child(pupil, episode, chair):
    enquiry(episode, chair, TODAY() - 10 * DAY)
    found = selectors.relevant_child(pupil, TODAY())
    assert found.relevant
    assert found.conditions == ("B",)
    assert found.reasons[0].startswith("Section 47 enquiries in progress since")


def test_a_section_47_enquiry_that_closed_yesterday_does_not(pupil, episode, chair):
    enquiry(episode, chair, TODAY() - 20 * DAY, closed=TODAY() - DAY)
    assert not selectors.relevant_child(pupil, TODAY()).relevant
    # On the day it closed it was still in progress.
    assert selectors.relevant_child(pupil, TODAY() - DAY).relevant


def test_a_plan_now_and_a_plan_that_ended_five_years_ago(pupil, episode):
    today = TODAY()
    plan(episode, today - 30 * DAY)
    assert "On a child protection plan since" in selectors.relevant_child(pupil, today).reasons[0]


@pytest.mark.parametrize(("offset", "relevant"), [(0, True), (1, True), (-1, False)])
def test_a_plan_that_ended_exactly_five_years_ago_a_day_more_or_less(pupil, episode, offset, relevant):
    today = TODAY()
    ended = years_before(today, 5) + offset * DAY
    plan(episode, ended - 200 * DAY, ended)
    found = selectors.relevant_child(pupil, today)
    assert found.relevant is relevant
    if relevant:
        assert "within the last 5 years" in found.reasons[0]


@pytest.mark.parametrize(("reason", "relevant"), [("E11", True), ("E47", True), ("E4A", False)])
def test_leaving_care_through_adoption_or_special_guardianship(pupil, episode, worker, reason, relevant):
    left_care(episode, TODAY() - 900 * DAY, TODAY() - 400 * DAY, reason, worker)
    assert selectors.relevant_child(pupil, TODAY()).relevant is relevant


def test_leaving_care_more_than_five_years_ago_does_not(pupil, episode, worker):
    ended = years_before(TODAY(), 5) - DAY
    left_care(episode, ended - 100 * DAY, ended, "E11", worker)
    assert not selectors.relevant_child(pupil, TODAY()).relevant


def test_condition_a_from_the_registration(child, worker, school_list):
    services.record_school_registration(
        worker,
        child,
        urn="999004",
        start_date=datetime.date(2022, 9, 1),
        under_authority_arrangements=True,
        source=SchoolRegistration.Source.SCHOOL,
    )
    found = selectors.relevant_child(child, TODAY())
    assert found.relevant
    assert found.conditions == ("A",)


def test_a_registration_that_ended_does_not_count(child, worker, school_list, episode):
    services.record_school_registration(
        worker, child, urn="999001", start_date=datetime.date(2021, 9, 1), end_date=TODAY() - 2 * DAY
    )
    plan(episode, TODAY() - 30 * DAY)
    found = selectors.relevant_child(child, TODAY())
    assert not found.relevant
    assert not found.registered


def test_the_bulk_version_reads_in_a_fixed_number_of_queries(worker, school_list, manager, team):
    def pupils(n):
        made = []
        for i in range(n):
            someone = builders.child(given_names=f"Pupil{i}", family_name="Testbulk")
            services.record_school_registration(worker, someone, urn="999002", start_date=datetime.date(2022, 9, 1))
            episode = builders.allocated_episode(worker, manager, someone, TODAY() - 100 * DAY)
            if i % 2:
                plan(episode, TODAY() - 20 * DAY)
            made.append(someone.pk)
        return made

    few = pupils(2)
    with CaptureQueriesContext(connection) as small:
        selectors.relevant_children(few, TODAY())
    many = few + pupils(6)
    with CaptureQueriesContext(connection) as large:
        found = selectors.relevant_children(many, TODAY())
    assert len(small.captured_queries) == len(large.captured_queries) == 5
    assert sum(r.relevant for r in found.values()) == 4
