import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from chronology import kinds
from chronology.models import ChronologyEntry
from chronology.services import record_event, timeline
from partners.models import Agency
from people.services import record_person
from testing import builders


@pytest.fixture
def child(db, user):
    from people.models import Involvement

    person = record_person(
        None, kind="child", given_names="Mina", family_name="Okafor", date_of_birth=datetime.date(2014, 6, 1)
    )
    team_member = user()  # every local-authority user the fixture makes shares this team
    Involvement.objects.create(
        person=person,
        agency=team_member.agency,
        team=team_member.team,
        kind="Child in need",
        start_date=datetime.date(2024, 1, 1),
    )
    return person


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_a_kind_registered_by_any_module_appears_on_the_record_without_the_page_knowing_it(child, user, client):
    # A module the record page has never heard of registers a kind and records an event.
    kinds.register("test-module-event", "Something from a new module", "New module")
    police = builders.police()
    record_event(child, "test-module-event", at(2024, 5, 1, 10, 0), "Event from the new module", agency=police)
    client.force_login(user())
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Event from the new module" in page
    assert "New module · Testshire Police" in page
    assert 'value="test-module-event"' in page  # it is offered in the filter too


def test_unregistered_kind_is_refused(child):
    with pytest.raises(KeyError):
        record_event(child, "no-such-kind", timezone.now(), "Nothing")
    assert not ChronologyEntry.objects.filter(title="Nothing").exists()


def test_registering_a_kind_twice_differently_is_an_error():
    kinds.register("test-twice", "Twice", "Tests")
    kinds.register("test-twice", "Twice", "Tests")  # the same again is fine
    with pytest.raises(ValueError):
        kinds.register("test-twice", "Different", "Tests")


def test_timeline_is_newest_first_and_filters_by_kind_and_agency(child):
    health = Agency.objects.create(name="Testshire Hospital", kind=Agency.Kind.HEALTH_PROVIDER)
    school = Agency.objects.create(name="Testshire Primary", kind=Agency.Kind.SCHOOL, urn="100001")
    record_event(child, "health-event", at(2023, 1, 1, 9), "A&E attendance", agency=health)
    record_event(child, "education-event", at(2024, 1, 1, 9), "Exclusion", agency=school)
    record_event(child, "family-event", at(2022, 1, 1, 9), "Parents separated")
    titles = [e.title for e in timeline(child) if e.kind != "person-recorded"]
    assert titles == ["Exclusion", "A&E attendance", "Parents separated"]
    assert [e.title for e in timeline(child, kinds_filter=["health-event"])] == ["A&E attendance"]
    assert [e.title for e in timeline(child, agencies_filter=[school.pk])] == ["Exclusion"]
    no_agency = [e.title for e in timeline(child, agencies_filter=[0])]
    assert "Parents separated" in no_agency
    assert "Exclusion" not in no_agency


def test_record_page_filter_and_pagination(child, user, client):
    for day in range(1, 61):
        record_event(child, "family-event", at(2020, 1, 1, 9) + datetime.timedelta(days=day), f"Family event {day}")
    client.force_login(user())
    first = client.get(f"/people/{child.pk}/?kind=family-event").content.decode()
    assert "Family event 60" in first
    assert "Family event 1<" not in first
    assert "Page 1 of 2" in first
    second = client.get(f"/people/{child.pk}/?kind=family-event&page=2").content.decode()
    assert "Family event 1<" in second


def test_manual_entry_is_added_audited_and_validated(child, user, client):
    worker = user()
    client.force_login(worker)
    url = f"/people/{child.pk}/chronology/add/"
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    bad = client.post(
        url,
        {
            "kind": "health-event",
            "occurred_on_0": tomorrow.day,
            "occurred_on_1": tomorrow.month,
            "occurred_on_2": tomorrow.year,
            "occurred_time": "25:99",
            "title": "",
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 200
    assert "There is a problem" in page
    assert "The date of the event must be today or in the past" in page
    assert "Enter the time in the 24-hour clock" in page
    assert "Enter a one-line summary of the event" in page
    assert not ChronologyEntry.objects.filter(manual=True).exists()

    good = client.post(
        url,
        {
            "kind": "health-event",
            "occurred_on_0": "3",
            "occurred_on_1": "2",
            "occurred_on_2": "2024",
            "occurred_time": "14:30",
            "title": "Seen by GP for bruising",
            "detail": "Synthetic detail",
        },
    )
    assert good.status_code == 302
    entry = ChronologyEntry.objects.get(manual=True)
    assert entry.title == "Seen by GP for bruising"
    assert timezone.localtime(entry.occurred_at).hour == 14
    assert entry.recorded_by == worker
    assert AuditEvent.objects.filter(
        action="create", object_type="chronology.chronologyentry", person_id=child.pk
    ).exists()


def test_only_manual_kinds_can_be_added_by_hand(child, user, client):
    client.force_login(user())
    response = client.post(
        f"/people/{child.pk}/chronology/add/",
        {
            "kind": "person-recorded",
            "occurred_on_0": "3",
            "occurred_on_1": "2",
            "occurred_on_2": "2024",
            "title": "Forged",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ChronologyEntry.objects.filter(title="Forged").exists()


def test_events_made_in_a_batch_are_the_events_recorded_one_by_one(child, user):
    """chronology.services.entry, as batches (the demo authority) call it with the person's
    primary key and the source as (model, primary key), gives the row record_event writes."""
    from chronology.services import entry, record_events

    worker = user()
    when = at(2025, 3, 4, 10, 30)
    long_title = "Allocated to a team whose name is long " * 8
    single = record_event(
        child, "allocation", when, long_title, detail="By the manager", source=worker.team, recorded_by=worker
    )
    [batched] = record_events(
        [
            entry(
                child.pk,
                "allocation",
                when,
                long_title,
                detail="By the manager",
                source=(type(worker.team), worker.team.pk),
                recorded_by=worker,
            )
        ],
        batch_size=100,
    )
    fields = [f.attname for f in ChronologyEntry._meta.concrete_fields if f.name not in ("id", "recorded_at")]
    rows = ChronologyEntry.objects.filter(pk__in=[single.pk, batched.pk]).order_by("pk").values_list(*fields)
    assert rows[0] == rows[1]
    assert len(rows[0][fields.index("title")]) == 200
