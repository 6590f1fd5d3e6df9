"""Plain functions that build a test world: no pytest here, so tests, fixtures and the browser
tests' set-up all call the same ones.

    from testing import builders
    council = builders.local_authority()
    team = builders.team(council, "Children in care team", function="Children in care")
    child = builders.child(given_names="Kit", family_name="Larkspur")

Users of a role are made by the ``user`` fixture (testing.fixtures), which gives each one the
password ``user.password_for_tests``. The case-work stages are built through the services by
each app's own ``testing`` module: ``familyhelp.testing.open_episode`` (a child-in-need
episode), ``childrenincare.testing.looked_after`` (a period of care), ``leavingcare.testing``
and ``adoption.testing``.
"""

import datetime

DEFAULT_PASSWORD = "a-test-password-for-synthetic-users"
LOCAL_AUTHORITY = "Testshire County Council"


def local_authority(name=LOCAL_AUTHORITY, la_code="999", **fields):
    """The test local authority (Testshire County Council, LA code 999 unless told)."""
    from partners.models import Agency

    return Agency.objects.create(name=name, kind=Agency.Kind.LOCAL_AUTHORITY, la_code=la_code, **fields)


def agency(kind, name=None, **fields):
    """A partner agency of a kind: ``agency(Agency.Kind.POLICE)`` is "Testshire Police"."""
    from partners.models import Agency

    return Agency.objects.create(name=name or f"Testshire {Agency.Kind(kind).label}", kind=kind, **fields)


def police(name="Testshire Police", **fields):
    from partners.models import Agency

    return agency(Agency.Kind.POLICE, name, **fields)


def school(name="Testbrook Primary School", urn="999001", **fields):
    from partners.models import Agency

    return agency(Agency.Kind.SCHOOL, name, urn=urn, **fields)


def team(agency, name="Assessment team 1", function="Assessment"):
    from partners.models import Team

    return Team.objects.create(agency=agency, name=name, function=function)


def child(given_names="Alex", family_name="Testchild", date_of_birth=datetime.date(2016, 4, 1), sex="M", **fields):
    """A child recorded through people.services (Alex Testchild, born 1 April 2016, unless told)."""
    from people.services import record_person

    return record_person(
        None,
        kind="child",
        given_names=given_names,
        family_name=family_name,
        date_of_birth=date_of_birth,
        sex=sex,
        **fields,
    )


def adult(given_names, family_name, date_of_birth, sex, **fields):
    from people.services import record_person

    return record_person(
        None,
        kind="adult",
        given_names=given_names,
        family_name=family_name,
        date_of_birth=date_of_birth,
        sex=sex,
        **fields,
    )


# The fewest attendees a strategy discussion may be held with: the local authority, the police
# and health. For childprotection.services.hold_strategy_discussion.
MINIMUM_ATTENDEES = [
    {"name": "A Social Worker", "role": "Social worker", "agency_kind": "local_authority"},
    {"name": "DC Test", "role": "Detective constable", "agency_kind": "police"},
    {"name": "A Health Visitor", "role": "Health visitor", "agency_kind": "health"},
]


def allocated_episode(worker, manager, child, referral_date, household=(), **options):
    """A child-in-need episode opened on ``referral_date`` the way the front door opens one
    (familyhelp.testing.open_episode), allocated that day by ``manager`` to ``worker`` and
    their team (which gives the team the child's record). With ``household``, the episodes
    of all the children, each allocated."""
    from familyhelp import services
    from familyhelp.testing import open_episode

    found = open_episode(worker, child, referral_date, household=household, **options)
    for episode in found if household else [found]:
        services.allocate(manager, episode, team=worker.team, worker=worker, on=referral_date)
    return found
