"""people.services.record_people: several people recorded at once (a contact's new people),
as record_person and add_identifier would one by one. On PostgreSQL the ids are taken first and
every row written in one statement; on SQLite, one INSERT a table. Whatever the batch, each
person has their current name, search keys, a consistent identifier (children), the given
identifiers, and chronology and audit entries pointing at the rows they are about."""

import datetime

from django.contrib.contenttypes.models import ContentType
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from people import search
from people.models import Identifier, NameKey, Person, PersonName
from people.services import NewPerson, record_people

NHS_NUMBERS = ["9434765919", "9434765870", "9434765862", "9434765854"]

batch = st.lists(
    st.tuples(
        st.sampled_from([Person.Kind.CHILD, Person.Kind.ADULT]),
        st.sampled_from(["Ada", "Bo Jo", "Cy-Ann", "Dée"]),
        st.sampled_from(["Shaped", "O'Neil", "Smith Jones"]),
        st.booleans(),  # an NHS number
    ),
    min_size=1,
    max_size=4,
)


class TestRecordPeople(TestCase):
    @settings(max_examples=15, deadline=None)
    @given(rows=batch)
    def test_every_row_is_written_and_pointed_at(self, rows):
        new = [
            NewPerson(
                kind=kind,
                given_names=given_names,
                family_name=family_name,
                date_of_birth=datetime.date(2015, 1, 1 + number),
                identifiers={"NHS": NHS_NUMBERS[number]} if nhs else {},
            )
            for number, (kind, given_names, family_name, nhs) in enumerate(rows)
        ]
        people = record_people(None, new)
        assert [p.pk for p in people] == sorted(p.pk for p in people)
        stored = {p.pk: p for p in Person.objects.filter(pk__in=[p.pk for p in people])}
        for person, row in zip(people, new, strict=True):
            assert person.pk in stored
            assert not person._state.adding
            assert (stored[person.pk].given_names, stored[person.pk].kind) == (row.given_names, row.kind)
            keys = search.keys_for_name(row.given_names, row.family_name)
            assert set(NameKey.objects.filter(person=person).values_list("key", flat=True)) == keys
            assert stored[person.pk].name_keys == " ".join(sorted(keys))
            assert PersonName.objects.filter(person=person, name_type=PersonName.Type.CURRENT).count() == 1
            identifiers = dict(Identifier.objects.filter(person=person).values_list("id_type", "value"))
            assert (Identifier.Type.CONSISTENT in identifiers) == (row.kind == Person.Kind.CHILD)
            assert identifiers.get("NHS") == row.identifiers.get("NHS")
            recorded = ChronologyEntry.objects.get(person=person, kind="person-recorded")
            assert recorded.source_id == str(person.pk)
            assert AuditEvent.objects.filter(person_id=person.pk, object_id=str(person.pk)).exists()
            for identifier in Identifier.objects.filter(person=person, id_type="NHS"):
                added = ChronologyEntry.objects.get(person=person, kind="identifier-added")
                assert added.source_type == ContentType.objects.get_for_model(Identifier)
                assert added.source_id == str(identifier.pk)
                assert AuditEvent.objects.filter(person_id=person.pk, object_id=str(identifier.pk)).exists()
        consistent = list(Identifier.objects.filter(id_type=Identifier.Type.CONSISTENT).values_list("value", flat=True))
        assert len(consistent) == len(set(consistent))
