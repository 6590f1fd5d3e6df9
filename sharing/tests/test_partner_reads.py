"""A partner agency's practitioner reading a child's record on the service is a disclosure to
their agency (issue 20, item 7: "a linked record's view by a partner"), logged once per reader,
child and day from the audit trail's view events; the local authority's own staff reading it is
not."""

import datetime

import pytest

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from people.models import Involvement
from sharing.models import Disclosure
from testing import builders

TODAY = datetime.date.today


@pytest.fixture
def linked(nurse, hospital, child, worker):
    """The child, with the hospital's open involvement: its practitioners hold the record."""
    Involvement.objects.create(person=child, agency=hospital, kind="Health visiting", start_date=TODAY())
    return child


def reads(child):
    return Disclosure.objects.filter(person=child, kind=Disclosure.Kind.RECORD_VIEW)


def test_a_partners_read_of_the_record_is_logged_once_a_day_to_their_agency(client, nurse, hospital, linked):
    client.force_login(nurse)
    assert client.get(f"/people/{linked.pk}/").status_code == 200
    assert client.get(f"/people/{linked.pk}/").status_code == 200
    (read,) = reads(linked)
    assert read.to_agency == hospital
    assert read.from_agency is not None
    assert read.from_agency.kind == "local_authority"
    assert read.shared_by is None  # the service showed it; no one at the authority shared it
    assert read.recorded_by == nurse
    assert nurse.get_full_name() in read.what
    assert str(hospital) in read.what
    # Every page stays in the audit trail; the log keeps one line a day.
    assert AuditEvent.objects.filter(user=nurse, person_id=linked.pk, action="view").count() == 2
    assert ChronologyEntry.objects.filter(person=linked, kind="information-shared").count() == 1


def test_a_read_on_another_day_is_logged_again(client, nurse, linked):
    client.force_login(nurse)
    client.get(f"/people/{linked.pk}/")
    reads(linked).update(shared_at=reads(linked).get().shared_at - datetime.timedelta(days=1))
    client.get(f"/people/{linked.pk}/")
    assert reads(linked).count() == 2


def test_local_authority_staff_reading_the_record_is_not_a_disclosure(client, worker, manager, child):
    builders.allocated_episode(worker, manager, child, TODAY() - datetime.timedelta(days=3))
    client.force_login(worker)
    assert client.get(f"/people/{child.pk}/").status_code == 200
    assert not reads(child).exists()


def test_a_refused_read_is_not_a_disclosure(client, nurse, child):
    # No involvement of the hospital: the nurse gets no more than the index, if anything.
    client.force_login(nurse)
    assert client.get(f"/people/{child.pk}/").status_code in (403, 404)
    assert not reads(child).exists()
