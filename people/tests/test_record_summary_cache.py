"""The child's record keeps its rendered summary in the cache (issue 24 item 1), keyed by a
fingerprint of exactly what it shows to the viewer: a viewer never gets a summary rendered for
one who may see more, a change to the record shows on the next view, and every view is audited
whether the summary came from the cache or not."""

import datetime
from unittest import mock

import pytest

from audit.models import AuditEvent
from people import views
from people.models import Person, PersonName, RestrictedAccess
from people.services import add_alert, add_name, record_address, record_relationship
from people.tests.test_record_pages import family  # noqa: F401 - the fixture


@pytest.fixture
def renders():
    """How many times the summary was rendered (not taken from the cache)."""
    with mock.patch.object(views, "render_to_string", wraps=views.render_to_string) as render:
        yield render


def summary_renders(render):
    return sum(1 for call in render.call_args_list if call.args[0] == "people/_record_summary.html")


def test_viewers_who_see_the_same_share_the_summary(family, user, client, renders):  # noqa: F811
    child, *_ = family
    first, second = user(), user()
    client.force_login(first)
    page_one = client.get(f"/people/{child.pk}/").content.decode()
    client.force_login(second)
    page_two = client.get(f"/people/{child.pk}/").content.decode()
    assert summary_renders(renders) == 1
    assert "Rory Marsh" in page_one
    assert "Rory Marsh" in page_two


def test_a_viewer_never_gets_a_summary_rendered_for_one_who_may_see_a_restricted_relative(
    family,  # noqa: F811
    user,
    client,
    renders,
):
    child, mother, sibling = family
    Person.objects.filter(pk=sibling.pk).update(restricted=True)
    named, other = user(), user()
    RestrictedAccess.objects.create(person=sibling, user=named, reason="Child of a member of staff")
    # The viewer named on the sibling's restriction first: the household and relationships name
    # the sibling.
    client.force_login(named)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert page.count("Rory Marsh") >= 2  # the household, the relationships (and the chronology)
    assert f"/people/{sibling.pk}/" in page
    # Then one who is not named: the sibling is nowhere, not even from the cache.
    client.force_login(other)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Rory" not in page
    assert f"/people/{sibling.pk}/" not in page
    assert "Dana Marsh" in page
    assert summary_renders(renders) == 2
    # And again, from the cache this time, each sees what they saw.
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Rory" not in page
    client.force_login(named)
    assert "Rory Marsh" in client.get(f"/people/{child.pk}/").content.decode()
    assert summary_renders(renders) == 2


def test_a_change_to_the_record_shows_on_the_next_view(family, user, client):  # noqa: F811
    child, mother, sibling = family
    worker = user()
    client.force_login(worker)

    def page():
        return client.get(f"/people/{child.pk}/").content.decode()

    assert "Ellis Marsh" in page()
    add_alert(worker, child, kind="medical", detail="Severe nut allergy")
    assert "Severe nut allergy" in page()
    record_address(
        worker,
        child,
        address_fields={"line_1": "9 Beacon Road", "town": "Testford", "postcode": "TE2 9BR"},
        moved_in=datetime.date(2025, 6, 1),
    )
    assert "9 Beacon Road" in page()
    add_name(worker, child, name_type=PersonName.Type.ALIAS, given_names="Elle", family_name="Marsh")
    assert "Elle Marsh" in page()
    # A change made with no new version of the person (a bulk update) shows too: the key is what
    # the summary shows, not a version number.
    Person.objects.filter(pk=child.pk).update(given_names="Elspeth")
    assert '<h1 class="govuk-heading-l">Elspeth Marsh</h1>' in page()
    assert 'Change personal details<span class="govuk-visually-hidden"> of Elspeth Marsh' in page()
    # A relative's change shows on the child's record at once.
    Person.objects.filter(pk=mother.pk).update(given_names="Danielle")
    assert "Danielle Marsh" in page()
    aunt = Person.objects.create(kind="adult", given_names="Morag", family_name="Quill")
    record_relationship(worker, child, aunt, relationship="other_relative")
    assert "Morag Quill" in page()


def test_every_view_is_audited_even_from_the_cache(family, user, client, renders):  # noqa: F811
    child, *_ = family
    worker = user()
    client.force_login(worker)
    for _ in range(3):
        assert client.get(f"/people/{child.pk}/").status_code == 200
    assert summary_renders(renders) == 1
    views_audited = AuditEvent.objects.filter(action="view", person_id=child.pk, user=worker)
    assert views_audited.count() == 3
    assert {event.summary for event in views_audited} == {"Viewed the record"}


def test_the_summary_holds_nothing_of_the_request(family, user, client):  # noqa: F811
    """No CSRF token and no name of the viewer in what is kept."""
    child, *_ = family
    worker = user()
    worker.first_name, worker.last_name = "Unique", "Viewername"
    worker.save()
    client.force_login(worker)
    with mock.patch.object(views.cache, "set", wraps=views.cache.set) as kept:
        client.get(f"/people/{child.pk}/")
    html = next(call.args[1] for call in kept.call_args_list if call.args[0].startswith("people:record-summary:"))
    assert "Viewername" not in html
    assert worker.username not in html
    assert "csrfmiddlewaretoken" not in html
    assert "Ellis Marsh" in html
