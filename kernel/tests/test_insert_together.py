"""kernel.compiled.insert_together on PostgreSQL: rows of several models in one statement, their
values written in by psycopg's own adapters, must be stored exactly as the ORM would store
them, whatever the text (quotes, percent signs, backslashes, placeholders, any language)."""

import datetime

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from audit.models import AuditEvent
from kernel.compiled import _literal_template, insert_together, next_ids
from people.models import Person, PersonName

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="insert_together is for PostgreSQL")

# Any text PostgreSQL keeps (it refuses NUL) and UTF-8 can carry (no lone surrogates).
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=60)
AWKWARD = st.sampled_from(
    ["O'Brien", "100%", "%s", "%(name)s", "%%", "back\\slash", "E'x'", "'; DROP TABLE x; --", "Zoë Ńowak", "名前", "$1"]
)
NAMES = st.one_of(TEXT, AWKWARD).filter(lambda text: len(text) <= 200)
DETAIL = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), NAMES),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(NAMES, inner, max_size=3)),
    max_leaves=8,
)


def _person(given_names, family_name, born):
    return Person(kind="child", given_names=given_names, family_name=family_name, date_of_birth=born)


def _stored(person_id):
    person = Person.objects.get(pk=person_id)
    # Sorted: the database gives rows in no set order.
    names = sorted(
        PersonName.objects.filter(person_id=person_id).values_list("given_names", "family_name", "valid_from")
    )
    audit = list(AuditEvent.objects.filter(person_id=person_id).values_list("summary", "detail", "at"))
    return (person.given_names, person.family_name, person.date_of_birth, person.restricted), names, audit


class WrittenAsTheOrmWrites(TestCase):
    @settings(max_examples=60, deadline=None)
    @given(
        given_names=NAMES,
        family_name=NAMES,
        other=NAMES,
        born=st.one_of(st.none(), st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))),
        detail=st.dictionaries(NAMES, DETAIL, max_size=4),
        names=st.integers(1, 3),
    )
    def test_the_same_rows_as_the_orm(self, given_names, family_name, other, born, detail, names):
        at = timezone.now().replace(microsecond=654321)

        # The ORM, row by row.
        by_orm = _person(given_names, family_name, born)
        by_orm.save()
        for index in range(names):
            PersonName.objects.create(
                person=by_orm,
                name_type="alias",
                given_names=other,
                family_name=f"{family_name}{index}",
                valid_from=born,
            )
        AuditEvent.objects.create(at=at, action="view", person_id=by_orm.pk, summary=other[:300], detail=detail)

        # insert_together, one statement.
        [[person_id]] = next_ids((Person, 1))
        person = _person(given_names, family_name, born)
        person.pk = person_id
        rows = [
            PersonName(
                person_id=person_id,
                name_type="alias",
                given_names=other,
                family_name=f"{family_name}{index}",
                valid_from=born,
            )
            for index in range(names)
        ]
        event = AuditEvent(at=at, action="view", person_id=person_id, summary=other[:300], detail=detail)
        with CaptureQueriesContext(connection) as queries:
            insert_together([person, rows, event])
        assert len(queries) == 1
        assert not person._state.adding

        assert _stored(person_id) == _stored(by_orm.pk)


def test_raw_statements_keep_their_percent_signs_and_values(db):
    [[person_id]] = next_ids((Person, 1))
    person = _person("Raw", "Statement", None)
    person.pk = person_id
    raw = (
        f"INSERT INTO {AuditEvent._meta.db_table} (at, username, role, agency, action, object_type, object_id, "
        "person_id, summary, detail, reason, row_hash) "
        "VALUES (%s, '', '', '', 'view', '', '', %s, '100%% of ' || %s, '{}', '', '')",
        [timezone.now(), person_id, "it's %s"],
    )
    insert_together([person], raw=[raw])
    assert AuditEvent.objects.get(person_id=person_id).summary == "100% of it's %s"


def test_the_statement_is_made_once_for_each_shape(db):
    default = connections["default"]
    default.__dict__.pop("_together_statements", None)
    for given_names in ["Ann", "Bea", "Cy"]:
        insert_together([_person(given_names, "Shape", None)])
    insert_together([[_person("Di", "Shape", None), _person("Ed", "Shape", None)]])
    assert len(default.__dict__["_together_statements"]) == 2
    assert sorted(Person.objects.filter(family_name="Shape").values_list("given_names", flat=True)) == [
        "Ann",
        "Bea",
        "Cy",
        "Di",
        "Ed",
    ]


def test_rows_of_one_insert_must_all_give_their_ids_or_none(db):
    [[person_id]] = next_ids((Person, 1))
    given_id = _person("Given", "Mixed", None)
    given_id.pk = person_id
    with pytest.raises(ValueError):
        insert_together([[given_id, _person("Made", "Mixed", None)]])


@pytest.mark.parametrize(
    ("sql", "chunks"),
    [
        ("SELECT 1", ["SELECT 1"]),
        ("VALUES (%s, %s)", ["VALUES (", ", ", ")"]),
        ("'100%%' || %s", ["'100%' || ", ""]),
        ("%s%%%s", ["", "%", ""]),
        ("%(name)s", None),
        ("%b", None),
        ("50% off", None),
    ],
)
def test_a_statement_is_cut_at_its_placeholders_only(sql, chunks):
    assert _literal_template(sql) == chunks
