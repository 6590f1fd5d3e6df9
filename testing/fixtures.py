"""The test world's fixtures, registered for the whole suite by the root conftest: a local
authority with an assessment team, its social worker and manager, a conference chair, a
police officer, two children, and early help's lead practitioner, school and designated
safeguarding lead. Each is made with the builders in testing.builders.

- ``user``: a factory for users of a role: ``user()``, ``user(User.Role.TEAM_MANAGER)``,
  ``user("iro", team=other_team)``.
- ``la`` (Testshire County Council), ``team`` (its "Assessment team 1"), ``worker`` (a social
  worker in it), ``manager`` (its team manager), ``chair`` (a conference chair of the LA),
  ``police_officer`` (a partner practitioner of Testshire Police).
- ``child`` (Alex Testchild, born 1 April 2016) and ``sibling`` (Sam Testchild, 1 September 2019).
- ``fh_lead`` (a Family Help lead practitioner), ``school`` (Testbrook Primary School) and
  ``dsl`` (its designated safeguarding lead).

An app's conftest or a test module may define a fixture of the same name: theirs wins.
"""

import datetime
import itertools

import pytest

from . import builders
from .builders import DEFAULT_PASSWORD

_DEFAULT = object()


@pytest.fixture
def user(db):
    """Make users: ``user()``, ``user(User.Role.TEAM_MANAGER)``, ``user("iro", team=other_team)``.

    Without ``agency``, users share one local authority made for the test (a partner
    practitioner gets a police force instead); without ``team`` they join that agency's team
    (pass ``team=None`` for no team). Every user has the password ``user.password_for_tests``.
    Other fields (``first_name``, ``job_title``, ``is_staff``...) pass through.
    """
    from partners.models import Agency, User

    numbers = itertools.count(1)
    agencies = {}
    teams = {}

    def default_agency(kind):
        if kind not in agencies:
            if kind == Agency.Kind.LOCAL_AUTHORITY:
                agencies[kind] = builders.local_authority()
            else:
                agencies[kind] = builders.agency(kind)
        return agencies[kind]

    def default_team(agency):
        if agency.pk not in teams:
            teams[agency.pk] = builders.team(agency, f"{agency.name} test team", function="Assessment")
        return teams[agency.pk]

    def make(
        role=User.Role.SOCIAL_WORKER, *, agency=None, team=_DEFAULT, username=None, password=DEFAULT_PASSWORD, **fields
    ):
        role = User.Role(role)
        if agency is None:
            if team not in (_DEFAULT, None):
                agency = team.agency
            else:
                kind = Agency.Kind.POLICE if role == User.Role.PARTNER_PRACTITIONER else Agency.Kind.LOCAL_AUTHORITY
                agency = default_agency(kind)
        if team is _DEFAULT:
            team = default_team(agency)
        n = next(numbers)
        username = username or f"{role.value}-{n}"
        fields.setdefault("first_name", "Test")
        fields.setdefault("last_name", f"User {n}")
        made = User.objects.create_user(
            username=username, password=password, role=role, agency=agency, team=team, **fields
        )
        made.password_for_tests = password
        return made

    return make


# --- A local authority, its team and staff ---------------------------------------------------


@pytest.fixture
def la(db):
    return builders.local_authority()


@pytest.fixture
def team(la):
    return builders.team(la)


@pytest.fixture
def worker(user, team):
    from partners.models import User

    return user(User.Role.SOCIAL_WORKER, team=team)


@pytest.fixture
def manager(user, team):
    from partners.models import User

    return user(User.Role.TEAM_MANAGER, team=team)


@pytest.fixture
def chair(user, la):
    from partners.models import User

    return user(User.Role.CONFERENCE_CHAIR, agency=la, team=None)


@pytest.fixture
def police_officer(user):
    from partners.models import User

    return user(User.Role.PARTNER_PRACTITIONER, agency=builders.police(), team=None)


# --- Children -------------------------------------------------------------------------------


@pytest.fixture
def child(db):
    return builders.child()


@pytest.fixture
def sibling(db):
    return builders.child(given_names="Sam", date_of_birth=datetime.date(2019, 9, 1), sex="F")


# --- Early help: a Family Help lead practitioner, a school and its designated safeguarding lead.


@pytest.fixture
def fh_lead(user, la):
    from partners.models import User

    return user(User.Role.FAMILY_HELP_LEAD, team=builders.team(la, "Family Help Team North", function="family help"))


@pytest.fixture
def school(db):
    return builders.school()


@pytest.fixture
def dsl(user, school):
    from partners.models import User

    return user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None, job_title="Designated safeguarding lead")
