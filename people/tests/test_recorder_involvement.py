"""A practitioner who records a person by hand can open and edit the record they made
(security issue 17, finding 9: they used to get only its index entry)."""

import datetime

from partners.models import User
from people.access import Level, level
from people.models import Involvement, Person
from people.services import RECORDED_INVOLVEMENT


def _record(client, given="Wren", family="Halloway"):
    response = client.post(
        "/people/new/",
        {
            "kind": "child",
            "given_names": given,
            "family_name": family,
            "sex": "F",
            "date_of_birth_0": "4",
            "date_of_birth_1": "6",
            "date_of_birth_2": "2018",
        },
    )
    assert response.status_code == 302
    return Person.objects.get(given_names=given, family_name=family)


def test_a_social_worker_can_edit_the_person_they_recorded(client, user, db):
    worker = user(User.Role.SOCIAL_WORKER)
    client.force_login(worker)
    person = _record(client)
    assert level(worker, person) == Level.FULL
    involvement = Involvement.objects.get(person=person)
    assert (involvement.worker, involvement.team, involvement.kind) == (worker, worker.team, RECORDED_INVOLVEMENT)
    assert involvement.end_date is None
    assert involvement.start_date == datetime.date.today()

    assert client.get(f"/people/{person.pk}/").status_code == 200
    page = client.get(f"/people/{person.pk}/edit/")
    assert page.status_code == 200
    response = client.post(
        f"/people/{person.pk}/edit/",
        {
            "version": person.version,
            "given_names": "Wren",
            "family_name": "Halloway-Ash",
            "sex": "F",
            "date_of_birth_0": "4",
            "date_of_birth_1": "6",
            "date_of_birth_2": "2018",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.family_name == "Halloway-Ash"


def test_recording_does_not_open_the_record_to_other_teams(client, user, db):
    from partners.models import Team

    worker = user(User.Role.SOCIAL_WORKER)
    client.force_login(worker)
    person = _record(client)
    colleague = user(User.Role.SOCIAL_WORKER)  # the same team
    elsewhere = user(User.Role.SOCIAL_WORKER, team=Team.objects.create(agency=worker.agency, name="Other team"))
    assert level(colleague, person) == Level.FULL
    assert level(elsewhere, person) == Level.INDEX
    assert level(user(User.Role.PARTNER_PRACTITIONER), person) == Level.NONE


def test_having_recorded_a_child_is_not_holding_their_referral(client, user, db):
    """The recorder's involvement opens the record to them; it does not put the child's
    referral on their team's waiting-for-allocation list (the front door's team holds it)."""
    from familyhelp import selectors as family_help
    from familyhelp.testing import open_episode
    from partners.models import Team

    worker = user(User.Role.SOCIAL_WORKER)
    client.force_login(worker)
    person = _record(client)
    mash = user(User.Role.MASH_MANAGER, team=Team.objects.create(agency=worker.agency, name="Front door"))
    episode = open_episode(mash, person, datetime.date.today() - datetime.timedelta(days=2))
    assert list(family_help.waiting_for_allocation(mash)) == [episode]
    assert list(family_help.waiting_for_allocation(user(User.Role.TEAM_MANAGER))) == []  # the recorder's team
