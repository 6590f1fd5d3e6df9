"""kernel.compiled.prepared_cursor: on PostgreSQL, statements run many times are prepared once
per connection (PostgreSQL keeps them parsed and planned), give the rows a plain cursor gives,
and are counted and logged as any other query, with their values."""

import datetime

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kernel.compiled import prepared_cursor, prepared_raw
from people.models import Person

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")

SQL = (
    f"SELECT id, given_names, date_of_birth FROM {Person._meta.db_table} "
    "WHERE family_name = %s AND (date_of_birth IS NULL OR date_of_birth <= %s) AND id <> %s ORDER BY id"
)


def _prepared_names():
    return set(connections["default"].connection._prepared._names.values())


def _rows(cursor, *params):
    with cursor as opened:
        opened.execute(SQL, params)
        return opened.fetchall()


class PreparedGivesWhatAPlainCursorGives(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        family=st.sampled_from(["Prepared", "O'Prepared", "100%", "%s"]),
        day=st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 1, 1)),
        not_id=st.integers(-(2**63), 2**63 - 1),
    )
    def test_same_rows(self, family, day, not_id):
        Person.objects.create(
            kind="child", given_names="Ann", family_name=family, date_of_birth=datetime.date(2010, 5, 1)
        )
        Person.objects.create(kind="child", given_names="Bo", family_name=family, date_of_birth=None)
        Person.objects.create(
            kind="child", given_names="Cy", family_name=family, date_of_birth=datetime.date(2029, 5, 1)
        )
        assert _rows(prepared_cursor(), family, day, not_id) == _rows(connection.cursor(), family, day, not_id)


def test_a_statement_is_prepared_once_and_logged_with_its_values(db):
    Person.objects.create(kind="child", given_names="Di", family_name="Logged", date_of_birth=datetime.date(2012, 1, 1))
    _rows(prepared_cursor(), "Logged", datetime.date(2026, 1, 1), 0)
    prepared = _prepared_names()
    assert prepared, "the statement was not prepared"
    with CaptureQueriesContext(connection) as queries:
        rows = _rows(prepared_cursor(), "Logged", datetime.date(2026, 1, 1), 0)
    assert [row[1] for row in rows] == ["Di"]
    assert _prepared_names() == prepared  # the same statement, not prepared again
    [query] = queries.captured_queries
    assert "'Logged'" in query["sql"]
    assert "2026-01-01" in query["sql"]


def test_a_raw_queryset_runs_prepared(db):
    person = Person.objects.create(kind="child", given_names="Ed", family_name="Raw")
    sql = f"SELECT * FROM {Person._meta.db_table} WHERE family_name = %s"
    before = _prepared_names()
    [found] = list(prepared_raw(Person, sql, ["Raw"]))
    assert found == person
    assert found.given_names == "Ed"
    assert _prepared_names() - before
