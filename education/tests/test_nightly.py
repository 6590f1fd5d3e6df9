"""The nightly relevant-child check: it flags the children whose status changed, and only them,
in a number of queries that does not grow with the number of children in a chunk."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chronology.models import ChronologyEntry
from education import services
from education.models import RelevantChildStatus
from education.nightly import check_relevant_children
from testing import builders

from .conftest import TODAY, plan

DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def test_the_check_flags_changes_only(worker, manager, pupil, episode):
    first = check_relevant_children(TODAY() - 10 * DAY)
    assert first.checked == 1
    assert not first.became_relevant
    assert not RelevantChildStatus.objects.get(person=pupil).relevant
    the_plan = plan(episode, TODAY() - 5 * DAY)
    second = check_relevant_children(TODAY() - 4 * DAY)
    assert second.became_relevant == [pupil.pk]
    status = RelevantChildStatus.objects.get(person=pupil)
    assert (status.relevant, status.conditions, status.since) == (True, "B", TODAY() - 4 * DAY)
    # Nothing changed the next day: no flag, the day of the change kept.
    third = check_relevant_children(TODAY() - 3 * DAY)
    assert not (third.became_relevant)
    assert not (third.stopped_being_relevant)
    assert not (third.conditions_changed)
    assert RelevantChildStatus.objects.get(person=pupil).since == TODAY() - 4 * DAY
    assert ChronologyEntry.objects.filter(person=pupil, kind="relevant-child").count() == 1
    # The plan ends; with the 5-year look-back the child stays relevant, with the plan's end as reason.
    the_plan.end_date = TODAY() - 2 * DAY
    the_plan.save()
    assert not check_relevant_children(TODAY()).stopped_being_relevant


def test_a_child_who_leaves_the_roll_stops_being_relevant(worker, pupil, episode):
    plan(episode, TODAY() - 50 * DAY)
    check_relevant_children(TODAY() - 20 * DAY)
    registration = pupil.school_registrations.get()
    registration.end_date = TODAY() - 10 * DAY
    registration.save()
    assert check_relevant_children(TODAY()).stopped_being_relevant == [pupil.pk]


def test_the_queries_do_not_grow_with_the_children_in_a_chunk(worker, school_list):
    def pupils(n):
        for i in range(n):
            someone = builders.child(given_names=f"Pupil{i}", family_name="Testnightly")
            services.record_school_registration(worker, someone, urn="999002", start_date=datetime.date(2022, 9, 1))

    pupils(2)
    check_relevant_children(TODAY() - DAY)
    with CaptureQueriesContext(connection) as small:
        check_relevant_children(TODAY())
    pupils(8)
    with CaptureQueriesContext(connection) as large:
        result = check_relevant_children(TODAY() + DAY)
    assert result.checked == 10
    assert len(large.captured_queries) <= len(small.captured_queries) + 2


def test_the_command_prints_counts(pupil, capsys):
    call_command("check_relevant_children", "--on", TODAY().isoformat())
    assert "1 children checked" in capsys.readouterr().out
