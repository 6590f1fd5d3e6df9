"""The record's "Current involvement": each current thing once (people.selectors).

Looked after, on a plan, a child in need, a care leaver come from the key facts (so the record
says the child is looked after exactly when the banner does), with who holds them: the IRO once,
from the open period of care, however many IRO involvements the child's record holds. The
teams' and agencies' involvements follow, one line per kind, team and worker.

Everyone here is synthetic.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from childrenincare.planning import services as care_planning
from childrenincare.testing import looked_after
from partners.models import User
from partners.testing import verified_login
from people.keyfacts import key_facts
from people.models import Involvement
from people.selectors import current_involvement, open_involvements
from testing import builders

TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def in_care(worker, manager, child, user, la):
    """A child looked after for 60 days, whose IRO changed 10 days ago; the record also holds a
    second open involvement for the new IRO (as the demo's looked-after children have: one from
    the child's history, one from the period of care) and a team's involvement twice."""
    episode = builders.allocated_episode(worker, manager, child, days_ago(70))
    period = looked_after(worker, child, days_ago(60), legal_status="C2", episode=episode)
    iro_team = builders.team(la, name="Independent Reviewing Service", function="IRO")
    first = user(User.Role.IRO, team=iro_team, first_name="Iris", last_name="Former")
    second = user(User.Role.IRO, team=iro_team, first_name="Ivor", last_name="Current")
    care_planning.appoint_iro(worker, period, iro=first, on=days_ago(55), late_reason="Synthetic")
    care_planning.appoint_iro(worker, period, iro=second, on=days_ago(10))
    Involvement.objects.create(
        person=child,
        agency=la,
        team=iro_team,
        worker=second,
        kind=care_planning.IRO_INVOLVEMENT,
        start_date=days_ago(200),
    )
    school = builders.school()
    for start in (days_ago(400), days_ago(300)):
        Involvement.objects.create(person=child, agency=school, kind="pupil", start_date=start)
    return {"period": period, "first": first, "second": second, "school": school}


def test_looked_after_comes_from_the_key_facts_with_the_iro_of_the_period(worker, child, in_care):
    lines = current_involvement(child, key_facts(worker, child), TODAY)
    labels = [line.label for line in lines]
    assert labels.count("Looked after") == 1
    [care] = [line for line in lines if line.label == "Looked after"]
    assert care.detail.startswith("Full care order")
    assert care.holders == (("Independent reviewing officer", "Ivor Current"),)
    assert care.url == reverse("childrenincare:period", args=[in_care["period"].pk])
    # The IRO's involvements are not listed again (the period names the IRO).
    assert not [line for line in lines if "reviewing officer" in line.label.lower()]
    # One line per kind, team and worker: the pupil's two involvements with the school are one.
    assert labels.count("Pupil") == 1
    [pupil] = [line for line in lines if line.label == "Pupil"]
    assert pupil.since == days_ago(400)


def test_without_the_key_facts_the_involvements_are_still_listed_once(child, in_care):
    """The index entry (no key facts: the viewer may not see the record in full) lists the
    open involvements, one per kind, team and worker: the new IRO once, the former not at all
    (their involvement ended the day before the change)."""
    found = open_involvements(child, TODAY)
    iro = [i for i in found if i.kind == care_planning.IRO_INVOLVEMENT]
    assert [i.worker for i in iro] == [in_care["second"]]
    assert len([i for i in found if i.kind == "pupil"]) == 1


def test_the_record_shows_each_current_thing_once(client, worker, child, in_care):
    verified_login(client, worker)
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    block = page[page.index("Current involvement</h2>") : page.index('<h2 class="govuk-heading-m">Alerts</h2>')]
    assert block.count("Looked after") == 1
    assert "Full care order" in block
    assert block.count("Ivor Current") == 1
    assert "Iris Former" not in block
    assert "Independent reviewing officer (looked after)" not in block
    assert block.count("Pupil") == 1
    assert "Child in need episode (allocated)" in block  # the allocated team and worker


def test_the_index_entry_lists_each_involvement_once(client, child, in_care, user, la):
    stranger = user(User.Role.SOCIAL_WORKER, team=builders.team(la, name="A team not involved"))
    verified_login(client, stranger)
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "If you need the full record" in page  # the index entry, not the record
    assert 'data-testid="key-facts"' not in page
    assert page.count("Ivor Current") == 1
    assert "Iris Former" not in page
    assert page.count("Pupil:") == 1
