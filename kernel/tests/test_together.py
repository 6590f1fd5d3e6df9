"""kernel.together: several reads in one query, each row back with its Python types, on
PostgreSQL and SQLite alike."""

import datetime

from django.db import connection
from django.db.models import Count, F, Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from audit.models import AuditEvent
from kernel.together import Read, fetch_each, fetch_together
from people.models import Person, PersonAlert


def make(given_names, born, restricted=False):
    return Person.objects.create(
        kind="child", given_names=given_names, family_name="Together", date_of_birth=born, restricted=restricted
    )


def test_reads_come_back_as_their_own_types_in_one_query(db):
    ada = make("Ada", datetime.date(2015, 3, 1), restricted=True)
    bo = make("Bo", None)
    PersonAlert.objects.create(person=ada, kind="other", detail="Note", start_date=datetime.date(2026, 1, 2))
    moment = timezone.now().replace(microsecond=123456)
    AuditEvent.objects.create(at=moment, action="view", person_id=ada.pk, summary="x", detail={"page": 2})
    reads = {
        "people": Read(
            Person.objects.filter(pk__in=[ada.pk, bo.pk]), ("pk", "given_names", "date_of_birth", "restricted")
        ),
        "alerts": Read(PersonAlert.objects.filter(person=ada), ("person__given_names", "start_date", "end_date")),
        "events": Read(AuditEvent.objects.filter(person_id=ada.pk), ("at", "detail")),
        "counted": Read(
            PersonAlert.objects.values("person_id").annotate(n=Count("id"), first=Max("start_date")),
            ("person_id", "n", "first"),
        ),
        "expression": Read(Person.objects.filter(pk=ada.pk), (F("pk") + 1,)),
        "none": Read(Person.objects.none(), ("pk",)),
    }
    with CaptureQueriesContext(connection) as queries:
        rows = fetch_together(reads)
    assert len(queries) == 1
    assert sorted(rows["people"]) == sorted(
        [(ada.pk, "Ada", datetime.date(2015, 3, 1), True), (bo.pk, "Bo", None, False)]
    )
    assert rows["alerts"] == [("Ada", datetime.date(2026, 1, 2), None)]
    [(at, detail)] = rows["events"]
    assert at == moment
    assert timezone.is_aware(at)
    assert detail == {"page": 2}
    assert rows["counted"] == [(ada.pk, 1, datetime.date(2026, 1, 2))]
    assert rows["expression"] == [(ada.pk + 1,)]
    assert rows["none"] == []
    # The plain path gives the same rows, a query a read.
    each = fetch_each(reads)
    assert {name: sorted(found, key=repr) for name, found in each.items()} == {
        name: sorted(found, key=repr) for name, found in rows.items()
    }


def test_no_reads_no_query(db):
    with CaptureQueriesContext(connection) as queries:
        assert fetch_together({}) == {}
    assert len(queries) == 0


class TogetherIsTheSameAsEach(TestCase):
    """Whatever the names and dates, the rows read together are the rows read one by one."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.text(
                    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=20
                ),
                st.one_of(st.none(), st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))),
                st.booleans(),
            ),
            max_size=6,
        )
    )
    def test_same_rows(self, people):
        made = [make(name, born, restricted) for name, born, restricted in people]
        ids = [p.pk for p in made]
        reads = {
            "a": Read(Person.objects.filter(pk__in=ids), ("pk", "given_names", "date_of_birth", "restricted")),
            "b": Read(Person.objects.filter(pk__in=ids, restricted=True), ("pk",)),
        }
        together, each = fetch_together(reads), fetch_each(reads)
        assert sorted(together["a"], key=repr) == sorted(each["a"], key=repr)
        assert sorted(together["b"]) == sorted(each["b"])
        Person.objects.filter(pk__in=ids).delete()


def people_reads(ids):
    return {
        "people": Read(Person.objects.filter(pk__in=ids), ("pk", "given_names", "date_of_birth")),
        "alerts": Read(
            PersonAlert.objects.filter(person_id__in=ids, start_date__lte=datetime.date(2026, 6, 1)),
            ("person_id", "detail"),
        ),
    }


def test_compiled_reads_give_each_call_its_own_ids_rows(db):
    """Compiled once for two ids with stand-ins, then filled with each call's own ids."""
    from kernel import together

    together._compiled.clear()
    made = [make(f"Kid{n}", datetime.date(2015, 1, 1 + n)) for n in range(4)]
    for person in made:
        PersonAlert.objects.create(
            person=person, kind="other", detail=f"Alert {person.given_names}", start_date=datetime.date(2026, 1, 1)
        )
    for pair in ([made[0].pk, made[1].pk], [made[2].pk, made[3].pk], [made[3].pk, made[0].pk]):
        with CaptureQueriesContext(connection) as queries:
            rows = together.fetch_compiled([("people", pair, people_reads)])["people"]
        assert len(queries) == 1
        expected = fetch_together(people_reads(pair))
        assert {name: sorted(found) for name, found in rows.items()} == {
            name: sorted(found) for name, found in expected.items()
        }
        assert sorted(pk for pk, _, _ in rows["people"]) == sorted(pair)
        assert sorted(detail for _, detail in rows["alerts"]) == sorted(
            f"Alert {p.given_names}" for p in made if p.pk in pair
        )
    assert ("people", 2) in together._compiled  # compiled once, for two ids


def test_compiled_reads_are_forgotten_when_a_setting_changes(db, settings):
    from kernel import together

    together.fetch_compiled([("people", [1], people_reads)])
    assert together._compiled
    settings.SAFEGUARDING_TEST_SETTING = "changed"
    assert not together._compiled


def test_reads_that_do_not_take_their_ids_as_parameters_are_compiled_each_time(db):
    """An id folded into a string cannot be put back: those reads are not kept."""
    from kernel import together

    together._compiled.clear()
    person = make("Folded", None)

    def folded(ids):
        return {
            "people": Read(Person.objects.filter(given_names__startswith=str(ids[0])[:0] + "Fol", pk=ids[0]), ("pk",))
        }

    def as_text(ids):
        return {"people": Read(Person.objects.filter(family_name=f"x{ids[0]}"), ("pk",))}

    assert together.fetch_compiled([("folded", [person.pk], folded)])["folded"]["people"] == [(person.pk,)]
    assert ("folded", 1) in together._compiled
    assert together.fetch_compiled([("text", [person.pk], as_text)])["text"]["people"] == []
    assert ("text", 1) not in together._compiled
