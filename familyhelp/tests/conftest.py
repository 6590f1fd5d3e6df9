"""Fixtures for the Family Help and child-protection tests: a local authority with an
assessment team, its social worker and manager, a conference chair, and partner agencies."""

import datetime

import pytest

from partners.models import Agency, Team, User
from people.services import record_person


@pytest.fixture
def la(db):
    return Agency.objects.create(name="Testshire County Council", kind=Agency.Kind.LOCAL_AUTHORITY, la_code="999")


@pytest.fixture
def team(la):
    return Team.objects.create(agency=la, name="Assessment team 1", function="Assessment")


@pytest.fixture
def worker(user, team):
    return user(User.Role.SOCIAL_WORKER, team=team)


@pytest.fixture
def manager(user, team):
    return user(User.Role.TEAM_MANAGER, team=team)


@pytest.fixture
def chair(user, la):
    return user(User.Role.CONFERENCE_CHAIR, agency=la, team=None)


@pytest.fixture
def police_officer(user):
    police = Agency.objects.create(name="Testshire Police", kind=Agency.Kind.POLICE)
    return user(User.Role.PARTNER_PRACTITIONER, agency=police, team=None)


@pytest.fixture
def child(db):
    return record_person(
        None,
        kind="child",
        given_names="Alex",
        family_name="Testchild",
        date_of_birth=datetime.date(2016, 4, 1),
        sex="M",
    )


@pytest.fixture
def sibling(db):
    return record_person(
        None, kind="child", given_names="Sam", family_name="Testchild", date_of_birth=datetime.date(2019, 9, 1), sex="F"
    )


# Early help: a Family Help lead practitioner, a school and its designated safeguarding lead.


@pytest.fixture
def fh_lead(user, la):
    team = Team.objects.create(agency=la, name="Family Help Team North", function="family help")
    return user(User.Role.FAMILY_HELP_LEAD, team=team)


@pytest.fixture
def school(db):
    return Agency.objects.create(name="Testbrook Primary School", kind=Agency.Kind.SCHOOL, urn="999001")


@pytest.fixture
def dsl(user, school):
    return user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None, job_title="Designated safeguarding lead")


MINIMUM_ATTENDEES = [
    {"name": "A Social Worker", "role": "Social worker", "agency_kind": "local_authority"},
    {"name": "DC Test", "role": "Detective constable", "agency_kind": "police"},
    {"name": "A Health Visitor", "role": "Health visitor", "agency_kind": "health"},
]
