"""The chronology on the person's record: grouped under year and month headings, filtered by
kind, agency and key events with a form that is always visible, key events tagged, and a
printable view of the whole chronology with the record's access check and audit."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from chronology import kinds
from chronology.selectors import by_year_and_month
from chronology.services import record_event, timeline
from partners.models import Agency
from people.models import Involvement
from people.services import record_person
from testing import builders


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def child(db, user):
    person = record_person(
        None, kind="child", given_names="Nia", family_name="Testwood", date_of_birth=datetime.date(2015, 2, 3)
    )
    member = user()  # the fixture's users share this team, which is involved with the child
    Involvement.objects.create(
        person=person,
        agency=member.agency,
        team=member.team,
        kind="Child in need",
        start_date=datetime.date(2023, 1, 1),
    )
    return person


@pytest.fixture
def events(child):
    """Five events over two years, two of them key events, from two agencies and none."""
    police = builders.police()
    school = Agency.objects.create(name="Testwood Primary", kind=Agency.Kind.SCHOOL, urn="100002")
    record_event(child, "referral", at(2024, 3, 20, 9), "Referral from the police", agency=police)
    record_event(child, "education-event", at(2024, 3, 2, 9), "Excluded for a day", agency=school)
    record_event(child, "police-event", at(2024, 1, 15, 9), "Police called to the home", agency=police)
    record_event(child, "strategy-discussion", at(2023, 12, 5, 9), "Strategy discussion held")
    record_event(child, "family-event", at(2023, 11, 30, 9), "Grandmother moved in")
    return {"police": police, "school": school}


def record_page(client, child, query=""):
    response = client.get(reverse("people:detail", args=[child.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def titles(page):
    """The titles of the chronology entries on the record page."""
    return re.findall(r'<h5 class="moj-timeline__title">([^<]+)</h5>', page)


def order_of(page, *texts):
    """The positions of the texts on the page (each must be there)."""
    return [page.index(text) for text in texts]


def test_key_events_are_data_in_the_registry():
    assert kinds.get("referral").key
    assert kinds.get("strategy-discussion").key
    assert kinds.get("looked-after").key
    assert kinds.get("missing-episode").key
    assert not kinds.get("family-event").key
    assert not kinds.get("identifier-added").key
    registered = {kind.slug for kind in kinds.all_kinds()}
    assert kinds.KEY_EVENTS <= registered, kinds.KEY_EVENTS - registered  # no misspelt kind


def test_entries_are_grouped_by_year_and_month(child, events):
    years = by_year_and_month(e for e in timeline(child) if e.kind != "person-recorded")
    assert [y.year for y in years] == [2024, 2023]
    assert [m.name for m in years[0].months] == ["March 2024", "January 2024"]
    assert [m.name for m in years[1].months] == ["December 2023", "November 2023"]
    assert [e.title for e in years[0].months[0].entries] == ["Referral from the police", "Excluded for a day"]
    assert [e.key for e in years[0].months[0].entries] == [True, False]


def test_the_record_shows_the_chronology_under_year_and_month_headings(child, events, user, client):
    client.force_login(user())
    page = record_page(client, child)
    positions = order_of(
        page,
        '<h3 class="govuk-heading-m app-chronology-year">2024</h3>',
        '<h4 class="govuk-heading-s app-chronology-month">March 2024</h4>',
        "Referral from the police",
        "Excluded for a day",
        '<h4 class="govuk-heading-s app-chronology-month">January 2024</h4>',
        "Police called to the home",
        '<h3 class="govuk-heading-m app-chronology-year">2023</h3>',
        '<h4 class="govuk-heading-s app-chronology-month">December 2023</h4>',
        "Strategy discussion held",
        '<h4 class="govuk-heading-s app-chronology-month">November 2023</h4>',
        "Grandmother moved in",
    )
    assert positions == sorted(positions)
    # Key events carry a tag; the others do not.
    entries = re.findall(r'(>Key event</strong></p>\s*)?<h5 class="moj-timeline__title">([^<]+)</h5>', page)
    tagged = {title for tag, title in entries if tag}
    assert tagged == {"Referral from the police", "Strategy discussion held"}


def test_the_filters_are_visible_above_the_list(child, events, user, client):
    client.force_login(user())
    page = record_page(client, child)
    form = page.index('class="app-chronology-filter"')
    assert form < page.index("Referral from the police")
    assert "<details" not in page[page.index('id="chronology"') : form]  # not hidden in a details element
    for field in ('id="chronology-kind"', 'id="chronology-agency"', 'id="chronology-key"'):
        assert field in page
    assert "Key events only" in page
    assert f'<option value="{events["school"].pk}">Testwood Primary</option>' in page
    assert '<optgroup label="Child protection">' in page


def test_filtering_by_kind_and_agency(child, events, user, client):
    client.force_login(user())
    page = record_page(client, child, "?kind=education-event")
    assert "Excluded for a day" in page
    assert "Police called to the home" not in page
    assert '<option value="education-event" selected>' in page
    assert "1 event matching the filters" in page

    page = record_page(client, child, f"?agency={events['police'].pk}")
    assert "Referral from the police" in page
    assert "Police called to the home" in page
    assert "Excluded for a day" not in page
    assert "Grandmother moved in" not in page

    page = record_page(client, child, "?agency=0&kind=")
    assert "Grandmother moved in" in page
    assert "Excluded for a day" not in page


def test_key_events_only(child, events, user, client):
    worker = user()
    client.force_login(worker)
    page = record_page(client, child, "?key=1")
    assert "Referral from the police" in page
    assert "Strategy discussion held" in page
    assert titles(page) == ["Referral from the police", "Strategy discussion held"]
    assert 'id="chronology-key" name="key" type="checkbox" value="1" checked' in page
    assert "2 key events matching the filters" in page
    # With another filter too, both apply.
    page = record_page(client, child, f"?key=1&agency={events['police'].pk}")
    assert "Referral from the police" in page
    assert "Strategy discussion held" not in page
    # The view of the record is audited, with the filters.
    viewed = AuditEvent.objects.filter(user=worker, action="view", person_id=child.pk).order_by("-at", "-id").first()
    assert viewed.summary == "Viewed the record"
    assert viewed.detail["key_only"] is True


def test_pages_keep_the_filters(child, user, client):
    for day in range(60):
        record_event(child, "missing-episode", at(2022, 1, 1, 9) + datetime.timedelta(days=day), f"Missing {day}")
        record_event(child, "family-event", at(2022, 1, 1, 10) + datetime.timedelta(days=day), f"Family {day}")
    client.force_login(user())
    first = record_page(client, child, "?key=1")
    assert "Page 1 of 2" in first
    assert 'href="?key=1&amp;page=2#chronology"' in first
    assert "Family 59" not in first
    second = record_page(client, child, "?key=1&page=2")
    assert "Missing 0" in titles(second)
    assert all(title.startswith("Missing") for title in titles(first) + titles(second))


def test_the_printable_chronology_has_every_entry_on_one_page_and_is_audited(child, user, client):
    for day in range(70):
        record_event(child, "family-event", at(2021, 1, 1, 9) + datetime.timedelta(days=day), f"Family event {day}")
    record_event(child, "referral", at(2021, 6, 1, 9), "Referral received")
    worker = user()
    client.force_login(worker)
    record = record_page(client, child)
    url = reverse("people:chronology-print", args=[child.pk])
    assert f'href="{url}"' in record
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for day in range(70):
        assert f"Family event {day}<" in page
    assert "Page 1 of" not in page
    assert "people/chronology-print.css" in page  # the print stylesheet
    assert "Sign out" not in page  # no header or navigation
    assert "moj-header" not in page
    assert "govuk-footer" not in page
    assert '<h2 class="govuk-heading-m app-print__year">2021</h2>' in page
    assert "June 2021" in page
    assert "Key event" in page
    assert AuditEvent.objects.filter(
        user=worker, action="view", person_id=child.pk, summary="Viewed the chronology to print"
    ).exists()

    # Filtered as the record was.
    page = client.get(url + "?key=1").content.decode()
    assert "Referral received" in page
    assert "Family event" not in page
    assert "Key events only" in page
    assert f'href="{url}?key=1"' in record_page(client, child, "?key=1")


def test_the_printable_chronology_is_refused_to_someone_who_may_not_see_the_record(child, user, client, la):
    record_event(child, "referral", at(2021, 6, 1, 9), "Referral received")
    outsider = user(team=builders.team(user().agency, "Another team"))
    client.force_login(outsider)
    # They see only the index entry of the record, without its chronology.
    index = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Referral received" not in index
    response = client.get(reverse("people:chronology-print", args=[child.pk]))
    assert response.status_code == 404
    assert "Referral received" not in response.content.decode()
    assert not AuditEvent.objects.filter(user=outsider, summary="Viewed the chronology to print").exists()
    refused = AuditEvent.objects.get(user=outsider, action="denied", person_id=child.pk)
    assert refused.detail["path"] == reverse("people:chronology-print", args=[child.pk])
    client.logout()
    assert client.get(reverse("people:chronology-print", args=[child.pk])).status_code == 302


def test_an_entry_naming_a_restricted_relative_is_left_out_for_each_reader_in_turn(client, child, user):
    """The record's first page is one query made once per connection (people.selectors'
    shaped page): two readers of the same kind, one named on the relative's restriction and one
    not, each get their own page, whichever asks first, filtered or not."""
    from people.models import Person, RestrictedAccess
    from people.services import record_relationship

    named, other = user(), user()
    relative = record_person(None, kind="child", given_names="Hidden", family_name="Relative")
    record_relationship(named, child, relative, relationship="sibling")
    Person.objects.filter(pk=relative.pk).update(restricted=True)
    RestrictedAccess.objects.create(person=relative, user=named, reason="Synthetic")
    for reader, sees, query in [
        (other, False, ""),
        (named, True, ""),
        (other, False, ""),
        (named, True, "?kind=family-event&kind=relationship"),
        (other, False, "?page=1"),
    ]:
        client.force_login(reader)
        assert ("Hidden Relative" in record_page(client, child, query)) is sees, (reader, query)


def test_pages_past_the_first_and_past_the_end(client, child, user):
    from people.views import CHRONOLOGY_PAGE_SIZE

    for day in range(CHRONOLOGY_PAGE_SIZE + 5):
        record_event(child, "family-event", at(2020, 1, 1, 9) + datetime.timedelta(days=day), f"Event {day:03d}")
    client.force_login(user())
    first = record_page(client, child)
    second = record_page(client, child, "?page=2")
    assert "Event 054" in first
    assert "Event 000" not in first
    assert "Event 000" in second
    assert "Event 054" not in second
    # Past the end: the last page, as Paginator.get_page gives it; not a number: the first.
    assert "Event 000" in record_page(client, child, "?page=40")
    assert "Event 054" in record_page(client, child, "?page=x")
