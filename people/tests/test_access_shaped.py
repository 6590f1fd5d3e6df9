"""people.access's shaped queries (kernel.compiled.Shaped): made once per connection and shape
of user, they must answer for each user exactly as the ORM's own query for that user would,
whichever user asked first. Random worlds of involvements (a worker's, a team's, an agency's,
open and ended) and break-glasses (open and expired), asked about by users of several roles,
teams and agencies in turn."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from partners.models import Agency, Team, User
from people import access
from people.models import BreakGlass, Involvement, Person

ROLES = [User.Role.SOCIAL_WORKER, User.Role.TEAM_MANAGER, User.Role.PARTNER_PRACTITIONER, User.Role.FAMILY_HELP_LEAD]

world = st.fixed_dictionaries(
    {
        "involvements": st.lists(
            st.tuples(
                st.integers(0, 5),  # person
                st.sampled_from(["worker", "team", "agency"]),
                st.integers(0, 3),  # whose (user index)
                st.sampled_from([None, -30, 0, 30]),  # ends (days from today)
            ),
            max_size=10,
        ),
        "glass": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.sampled_from([-5, 5, 60])), max_size=4),
        "users": st.lists(st.tuples(st.sampled_from(ROLES), st.integers(0, 2), st.booleans()), min_size=2, max_size=4),
    }
)


class TestShapedAccessAnswersAsTheORM(TestCase):
    @settings(max_examples=15, deadline=None)
    @given(world=world)
    def test_each_user_gets_their_own_answer(self, world):
        today = datetime.date.today()
        now = timezone.now()
        council = Agency.objects.create(name="Council", kind=Agency.Kind.LOCAL_AUTHORITY)
        police = Agency.objects.create(name="Police", kind=Agency.Kind.POLICE)
        teams = [Team.objects.create(agency=council, name=f"Team {n}") for n in range(3)]
        users = []
        for number, (role, team, has_team) in enumerate(world["users"]):
            agency = police if role == User.Role.PARTNER_PRACTITIONER else council
            users.append(
                User.objects.create_user(
                    username=f"u{number}",
                    password="x",
                    role=role,
                    agency=agency,
                    team=teams[team] if has_team and agency == council else None,
                )
            )
        people = [Person.objects.create(kind="child", given_names=f"P{n}", family_name="Shaped") for n in range(6)]
        for person, via, whose, ends in world["involvements"]:
            owner = users[whose % len(users)]
            Involvement.objects.create(
                person=people[person],
                agency=owner.agency,
                team=owner.team if via == "team" else None,
                worker=owner if via == "worker" else None,
                kind="Child in need",
                start_date=today - datetime.timedelta(days=400),
                end_date=None if ends is None else today + datetime.timedelta(days=ends),
            )
        for person, whose, minutes in world["glass"]:
            BreakGlass.objects.create(
                person=people[person],
                user=users[whose % len(users)],
                reason="Synthetic",
                expires_at=now + datetime.timedelta(minutes=minutes),
            )
        ids = [p.pk for p in people]
        for user in users * 2:  # each in turn, twice: the cached SQL must not remember the last
            for may_break_glass in (False, True):
                expected = sorted(access._access_rows(user, ids, may_break_glass, True))
                if connection.vendor == "postgresql":
                    shape = (access.access_shape(user), may_break_glass, True)
                    sql, params = access._ACCESS_ROWS.sql(shape, ids, *access.access_values(user))
                    with connection.cursor() as cursor:
                        cursor.execute(sql, params)
                        assert sorted(cursor.fetchall()) == expected
            # And the levels, by the shaped path (PostgreSQL) and through with_levels' one query.
            by_levels = access.levels(user, people)
            read_with = list(access.with_levels(Person.objects.filter(pk__in=ids), user))
            assert access.levels(user, read_with) == by_levels
            for person in people:
                try:
                    found = access.person_for(user, person.pk, at_least=access.Level.INDEX)
                except access.RecordNotVisible:
                    assert by_levels[person.pk] == access.Level.NONE
                else:
                    assert found.access_level == by_levels[person.pk]


@pytest.mark.django_db
def test_a_person_asked_for_by_something_that_is_not_a_number_does_not_exist(user):
    with pytest.raises(access.RecordNotVisible):
        access.person_for(user(), "12abc")
