"""kernel.compiled.Shaped: a queryset's SQL made once per connection and shape, run again with
other values; refused when it would not be a faithful function of its values. On PostgreSQL
and SQLite alike."""

import datetime

import pytest
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kernel.compiled import Shaped
from people.models import BreakGlass, Person

NAMES = ["Ada", "Bo", "Cy"]


def _people(shape, name, born_by, now):
    people = Person.objects.filter(given_names=name, date_of_birth__lte=born_by)
    if shape == "with glass":
        people = people.annotate(
            glass=Exists(BreakGlass.objects.filter(person=OuterRef("pk"), expires_at__gt=now)),
            asked=Value(name),
        )
    return people.order_by("pk")


PEOPLE = Shaped(_people)


class TestTheSameAsTheQueryset(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(
        people=st.lists(
            st.tuples(st.sampled_from(NAMES), st.dates(datetime.date(2000, 1, 1), datetime.date(2020, 1, 1))),
            max_size=8,
        ),
        glass=st.lists(st.tuples(st.integers(0, 7), st.integers(-90, 90)), max_size=4),
        asks=st.lists(
            st.tuples(
                st.sampled_from(["plain", "with glass"]),
                st.sampled_from(NAMES),
                st.dates(datetime.date(1999, 1, 1), datetime.date(2021, 1, 1)),
                st.integers(-60, 60),
            ),
            min_size=1,
            max_size=6,
        ),
    )
    def test_every_run_gives_what_the_queryset_gives(self, people, glass, asks):
        from partners.models import User

        made = [
            Person.objects.create(kind="child", given_names=name, family_name="Shaped", date_of_birth=born)
            for name, born in people
        ]
        opener = User.objects.create_user(username="opener", password="x")
        base = timezone.now()
        for index, minutes in glass:
            if index < len(made):
                BreakGlass.objects.create(
                    person=made[index], user=opener, reason="r", expires_at=base + datetime.timedelta(minutes=minutes)
                )
        for shape, name, born_by, minutes in asks:
            now = base + datetime.timedelta(minutes=minutes)
            expected = list(_people(shape, name, born_by, now))
            found = PEOPLE.run(shape, name, born_by, now)
            assert [p.pk for p in found] == [p.pk for p in expected]
            assert [p.date_of_birth for p in found] == [p.date_of_birth for p in expected]
            if shape == "with glass":
                assert [(p.glass, p.asked) for p in found] == [(p.glass, p.asked) for p in expected]
            sql, params = PEOPLE.sql(shape, name, born_by, now)
            assert name in params


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "problem"),
    [
        # The clock read inside: differs between the two builds.
        (
            lambda shape, pk: Person.objects.filter(pk=pk, restricted=False).filter(
                break_glass__expires_at__gt=timezone.now()
            ),
            "not one of the values",
        ),
        # Today read inside: the same in both builds, but a date not given as a value.
        (lambda shape, pk: Person.objects.filter(pk=pk, date_of_birth__lte=datetime.date.today()), "date or time"),
        # A value changed on its way to the SQL.
        (lambda shape, pk: Person.objects.filter(pk=pk + 1), "not one of the values"),
        # A value deciding the SQL.
        (
            lambda shape, day: Person.objects.filter(date_of_birth=day) if day.year > 1050 else Person.objects.all(),
            "changes with the values",
        ),
    ],
)
def test_a_build_that_is_not_a_function_of_its_values_is_refused(build, problem):
    shaped = Shaped(build)
    value = datetime.date(2020, 1, 1) if "day" in build.__code__.co_varnames else 1
    with pytest.raises(ValueError, match=problem):
        shaped.run("shape", value)


@pytest.mark.django_db
def test_a_yes_or_no_belongs_in_the_shape():
    with pytest.raises(TypeError):
        Shaped(lambda shape, flag: Person.objects.filter(restricted=flag)).run("shape", True)


@pytest.mark.django_db
def test_the_sql_is_made_once_per_shape(django_assert_num_queries):
    built = []

    def build(shape, name):
        built.append(shape)
        return Person.objects.filter(given_names=name) if shape == "given" else Person.objects.filter(family_name=name)

    shaped = Shaped(build)
    Person.objects.create(kind="child", given_names="Ada", family_name="Bo")
    with django_assert_num_queries(4):
        assert len(shaped.run("given", "Ada")) == 1
        assert len(shaped.run("given", "Bo")) == 0
        assert len(shaped.run("family", "Bo")) == 1
        assert len(shaped.run("family", "Ada")) == 0
    assert built == ["given", "given", "family", "family"]  # twice each, to check, then kept


@pytest.mark.django_db
def test_compiled_keeps_its_rules_each_value_one_parameter_of_text_or_whole_numbers():
    from kernel.compiled import Compiled

    ada = Person.objects.create(kind="child", given_names="Ada", family_name="Bo")
    by_name = Compiled(lambda name: Person.objects.filter(given_names=name).order_by("pk")[:1])
    assert by_name.first("Ada") == ada
    assert by_name.first("Cy") is None
    with pytest.raises(ValueError, match="one parameter"):  # a value used twice
        Compiled(lambda name: Person.objects.filter(given_names=name, family_name=name)).run("Ada")
    with pytest.raises(ValueError, match="one parameter"):  # a value not used
        Compiled(lambda name: Person.objects.filter(given_names="Ada")).run("Ada")
    with pytest.raises(TypeError):
        Compiled(lambda born: Person.objects.filter(date_of_birth=born)).run(datetime.date(2020, 1, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", ["iexact", "contains", "istartswith"])
def test_a_value_the_orm_escapes_is_refused_or_faithful(lookup):
    """LIKE's special characters: on SQLite `iexact` is a LIKE with the value escaped, so a
    stand-in without them would pass for the value and a name with `_` or `%` would be sent raw
    (matching others). Either the query is refused, or every answer is the queryset's own."""
    for name in ["A_a", "Aba", "A%", "Ab%c", "a\\b", "A_A"]:
        Person.objects.create(kind="child", given_names=name, family_name="Escaped")

    def build(shape, name):
        return Person.objects.filter(**{f"given_names__{lookup}": name}).order_by("pk")

    shaped = Shaped(build)
    for asked in ["A_a", "A%", "a\\b", "b"]:
        expected = [p.pk for p in build(None, asked)]
        try:
            found = [p.pk for p in shaped.run(None, asked)]
        except ValueError:
            continue
        assert found == expected, asked


class TestAmong(TestCase):
    """`among(ids)`: a list of ids as one value of a Shaped query, of any length (empty too)."""

    @settings(max_examples=20, deadline=None)
    @given(
        count=st.integers(0, 6),
        asks=st.lists(st.lists(st.integers(0, 9), max_size=8), min_size=1, max_size=5),
        born_by=st.dates(datetime.date(2000, 1, 1), datetime.date(2020, 1, 1)),
    )
    def test_the_same_as_in_with_the_list(self, count, asks, born_by):
        from kernel.compiled import among

        made = [
            Person.objects.create(
                kind="child",
                given_names=f"A{index}",
                family_name="Among",
                date_of_birth=datetime.date(2001 + index, 1, 1),
            )
            for index in range(count)
        ]
        shaped = Shaped(lambda shape, ids, born: Person.objects.filter(pk__in=among(ids), date_of_birth__lte=born))
        for asked in asks:
            ids = [made[i].pk if i < len(made) else 10**9 + i for i in asked]
            expected = sorted(p.pk for p in Person.objects.filter(pk__in=ids, date_of_birth__lte=born_by))
            assert sorted(p.pk for p in shaped.run(None, ids, born_by)) == expected
