"""The referrals waiting for allocation: the team that holds them sees them until allocated."""

import datetime

import pytest

from familyhelp import services
from familyhelp.testing import open_episode
from partners.models import Team, User
from people.models import RestrictedAccess

TODAY = datetime.date.today


@pytest.fixture
def front_door(la):
    return Team.objects.create(agency=la, name="Front door", function="MASH")


@pytest.fixture
def mash_manager(user, front_door):
    return user(User.Role.MASH_MANAGER, team=front_door)


def test_the_team_that_holds_a_referral_sees_it_until_it_is_allocated(client, mash_manager, team, worker, child):
    episode = open_episode(mash_manager, child, TODAY() - datetime.timedelta(days=3))
    client.force_login(mash_manager)
    page = client.get("/cases/waiting-for-allocation/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Alex Testchild" in body
    assert f"/cases/episodes/{episode.pk}/allocate/" in body
    assert "Assessment due" in body
    services.allocate(mash_manager, episode, team=team, worker=worker)
    assert "Alex Testchild" not in client.get("/cases/waiting-for-allocation/").content.decode()


def test_other_teams_do_not_see_it_and_heads_of_service_see_every_one(client, user, la, mash_manager, child):
    open_episode(mash_manager, child, TODAY() - datetime.timedelta(days=3))
    other = user(User.Role.TEAM_MANAGER, team=Team.objects.create(agency=la, name="Another team"))
    client.force_login(other)
    assert "Alex Testchild" not in client.get("/cases/waiting-for-allocation/").content.decode()
    client.force_login(user(User.Role.HEAD_OF_SERVICE, agency=la, team=None))
    assert "Alex Testchild" in client.get("/cases/waiting-for-allocation/").content.decode()


def test_a_restricted_child_is_listed_only_for_the_named(client, mash_manager, child):
    open_episode(mash_manager, child, TODAY() - datetime.timedelta(days=3))
    child.restricted = True
    child.save(update_fields=["restricted"])
    client.force_login(mash_manager)
    assert "Alex Testchild" not in client.get("/cases/waiting-for-allocation/").content.decode()
    RestrictedAccess.objects.create(person=child, user=mash_manager)
    assert "Alex Testchild" in client.get("/cases/waiting-for-allocation/").content.decode()


def test_partners_have_no_allocation_queue(client, police_officer):
    client.force_login(police_officer)
    assert client.get("/cases/waiting-for-allocation/").status_code == 403
