"""A restricted child is never named to a user who is not named on the restriction: not on
their relatives' records (household, relationships, chronology), not in search, the front
door, caseloads, dashboards or lists, not on the audit pages and not on the return checks.

The world is the access matrix's (kernel/tests/test_access_matrix.py: a child with a case, a
contact, a child protection plan, a missing episode, a care record, a return home, kinship
carers, early help, a care leaver record, an adoption plan...), with its child restricted and
given a sibling and a parent who are not. Every page of the site (GET) is then asked for, as
every role, with the restricted child's records, the sibling's and the parent's, and no page
may show the child's names, date of birth, local authority child ID or a link to their record.
A user named on the restriction sees them where they are listed.

Everyone here is synthetic.
"""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.html import escape

from kernel.tests.test_access_matrix import EXPECTED, R, concrete, site_routes, world  # noqa: F401 (the fixture)
from people import search as people_search
from people import services as people_services
from people.access import GRANTEE_ROLES, Level, levels, only_shown, shown, shown_filter
from people.models import Involvement, Person, PersonName, RestrictedAccess

GIVEN, FAMILY = "Oriel", "Thistlewaite"
BORN = datetime.date(2013, 2, 17)
LA_CHILD_ID = "RQX7781"
ADDRESS = {"line_1": "1 Synthetic Row", "line_2": "", "town": "Testshire", "postcode": "LS1 4AP"}


def _involve(person, users):
    for someone in users.values():
        Involvement.objects.create(
            person=person,
            agency=someone.agency,
            team=someone.team,
            worker=someone,
            kind="Matrix",
            start_date=datetime.date(2024, 1, 1),
        )


@pytest.fixture
def restricted(world, user, client):  # noqa: F811 (the matrix's world fixture, imported above)
    """The matrix world's child, restricted, with a sibling and a parent sharing their home,
    relationships both ways, a contact about the sibling, a local authority child ID (so the
    return checks have something to withhold), searches and views in the audit trail."""
    from frontdoor import services as front_door
    from frontdoor.models import Contact

    users = world["users"]
    child, adult = world["child"], world["adult"]
    worker, mash = users[R.SOCIAL_WORKER], users[R.MASH_PRACTITIONER]
    Person.objects.filter(pk=child.pk).update(given_names=GIVEN, family_name=FAMILY, date_of_birth=BORN)
    PersonName.objects.filter(person=child).update(given_names=GIVEN, family_name=FAMILY)
    child.refresh_from_db()
    people_search.index_person(child)
    people_services.add_identifier(worker, child, id_type="LACID", value=LA_CHILD_ID)

    sibling = people_services.record_person(
        worker, kind="child", given_names="Visible", family_name="Sibling", date_of_birth=datetime.date(2016, 3, 3)
    )
    _involve(sibling, users)
    for person in (child, sibling, adult):
        people_services.record_address(worker, person, address_fields=ADDRESS, moved_in=datetime.date(2020, 1, 1))
    # The sibling's chronology names the child ("... recorded as sibling"); the parent's
    # relationships list them the other way round.
    people_services.record_relationship(worker, sibling, child, relationship="sibling")
    people_services.record_relationship(worker, child, adult, relationship="parent")
    people_services.record_relationship(worker, sibling, adult, relationship="parent")
    sibling_contact = front_door.receive_contact(
        mash,
        channel=Contact.Channel.PHONE,
        source="6",
        concerns="Concerns about the sibling",
        consent=Contact.Consent.NOT_NEEDED,
        referrer_name="Synthetic Referrer",
        people=[front_door.PersonDetails(person=sibling)],
    )

    Person.objects.filter(pk=child.pk).update(restricted=True)
    child.refresh_from_db()
    named = {role: user(role) for role in (R.SOCIAL_WORKER, R.TEAM_MANAGER, R.HEAD_OF_SERVICE, R.ANALYST)}
    for someone in named.values():
        RestrictedAccess.objects.create(person=child, user=someone, reason="Synthetic: a child of a member of staff")
    _involve(child, {"named": named[R.SOCIAL_WORKER]})
    # The named social worker finds the child and opens the record: a search naming them, and
    # views, in the audit trail.
    client.force_login(named[R.SOCIAL_WORKER])
    assert f"/people/{child.pk}/" in client.get("/search/", {"q": f"{GIVEN} {FAMILY}"}).content.decode()
    assert client.get(f"/people/{child.pk}/").status_code == 200
    client.logout()
    return {**world, "child": child, "sibling": sibling, "sibling_contact": sibling_contact, "named": named}


def forbidden(child):
    """What must not appear of the child: names, date of birth, ID, a link to the record."""
    return [
        GIVEN,
        FAMILY,
        "Matrix Child",
        LA_CHILD_ID,
        f"{BORN:%-d %b %Y}",
        f"{BORN:%-d %B %Y}",
        f"{BORN:%d/%m/%Y}",
        BORN.isoformat(),
        f'/people/{child.pk}/"',
        f"/people/{child.pk}/#",
        f'/cases/{child.pk}/"',
    ]


def _pages(world):
    """(url) to ask for: every GET route of the site with the restricted child's records, then
    again with the sibling's (person, contact) and the parent's, where the route takes them."""
    child, sibling, adult = world["child"], world["sibling"], world["adult"]
    sibling_ci = sibling.identifiers.get(id_type="CI").value
    seen = []
    for pattern, view, name in site_routes():  # noqa: B007
        if (name or "").endswith("download") or pattern.startswith("api/schema"):
            continue  # the exports count and carry every child; the schema names no one
        variants = [{}]
        if "<int:person_id>" in pattern or "<person_id>" in pattern:
            variants += [{"person_id": sibling.pk}, {"person_id": adult.pk}]
        if "<identifier>" in pattern:
            variants.append({"identifier": sibling_ci})
        if "<int:contact_id>" in pattern:
            variants.append({"contact_id": world["sibling_contact"].pk})
        for overrides in variants:
            path = pattern
            for key, value in overrides.items():
                path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
            try:
                url = concrete(path, world)
            except AssertionError:
                continue  # a route the matrix has no value for yet (a sign-up token, say)
            if url not in seen:
                seen.append(url)
    # The audit report before any search of this walk (a user's own search terms are theirs),
    # then searches for the child by everything that could find them.
    return (
        [f"/audit/?child={child.identifiers.get(id_type='CI').value}", "/audit/?user=&break_glass="]
        + seen
        + [
            "/front-door/?show=decided",
            "/search/?q=Oriel+Thistlewaite",
            "/search/?q=Thistlewaite",
            "/search/?q=17/02/2013",
            f"/search/?q={LA_CHILD_ID}",
            "/search/?q=LS1+4AP",
            "/api/v1/people/?q=Oriel+Thistlewaite",
        ]
    )


def _leaks(client, urls, child, answered=None):
    found = []
    for url in urls:
        response = client.get(url)
        if answered is not None and response.status_code == 200:
            answered.add(url)
        if response.status_code >= 500:
            found.append(f"{url}: {response.status_code}")
            continue
        if getattr(response, "streaming", False) or response.status_code in (301, 302, 303, 404):
            continue
        text = response.content.decode(errors="replace")
        for typed in parse_qs(urlsplit(url).query).values():  # what was searched for is echoed back
            for value in typed:
                text = text.replace(escape(value), "").replace(value, "")
        found += [f"{url} shows {what!r}" for what in forbidden(child) if what in text]
    return found


def test_no_page_names_a_restricted_child_to_a_user_not_named(client, restricted):
    """Every page, as a user of every role who is not named on the restriction (involved with
    the child, the sibling and the parent, so only the restriction decides). One world for all
    the roles: building it is most of the cost."""
    pages = _pages(restricted)
    # The audit pages first, for every role, before the walk's own searches are in the trail:
    # the terms another user typed are theirs, not the record's.
    audit_pages = [url for url in pages if url.startswith("/audit/")]
    others = [url for url in pages if url not in audit_pages]
    sibling, adult = restricted["sibling"], restricted["adult"]
    wrong, answered_by = [], {}
    for role in R:
        client.force_login(restricted["users"][role])
        answered_by[role] = set()
        wrong += [f"{role}: {leak}" for leak in _leaks(client, audit_pages, restricted["child"], answered_by[role])]
    for role in R:
        client.force_login(restricted["users"][role])
        answered = answered_by[role]
        wrong += [f"{role}: {leak}" for leak in _leaks(client, others, restricted["child"], answered)]
        # The walk saw the pages that list the child's relatives and the child (not only refusals).
        expected = set()
        # The partnership's readers read records only through a grant, which this world gives none.
        if role in EXPECTED["case_work"] and role not in GRANTEE_ROLES:
            expected |= {f"/people/{sibling.pk}/", f"/people/{adult.pk}/", "/search/?q=Thistlewaite"}
        if role in (R.ANALYST, R.HEAD_OF_SERVICE):
            expected |= {"/returns/ssda903/", "/returns/cin-census/"}
        if role in (R.TEAM_MANAGER, R.HEAD_OF_SERVICE, R.MASH_MANAGER):
            expected.add("/audit/?user=&break_glass=")
        if role in (R.MASH_PRACTITIONER, R.MASH_MANAGER):
            expected |= {"/front-door/", f"/front-door/contacts/{restricted['sibling_contact'].pk}/"}
        wrong += [f"{role}: {url} did not answer 200" for url in sorted(expected - answered)]
    assert not wrong, "\n".join(wrong)


def test_the_relatives_records_leave_the_child_out(client, restricted):
    """The parent's and the sibling's records: no household row, no relationship row, no
    chronology entry naming the child, and the counts do not give the child away."""
    child, sibling, adult = restricted["child"], restricted["sibling"], restricted["adult"]
    client.force_login(restricted["users"][R.SOCIAL_WORKER])
    for person in (sibling, adult):
        response = client.get(f"/people/{person.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Household" in page
        assert "Visible Sibling" in page
        assert "Matrix Adult" in page
        assert not [what for what in forbidden(child) if what in page]
    client.force_login(restricted["named"][R.SOCIAL_WORKER])
    for person in (sibling, adult):
        _involve(person, {"named": restricted["named"][R.SOCIAL_WORKER]})
        page = client.get(f"/people/{person.pk}/").content.decode()
        assert f"{GIVEN} {FAMILY}" in page
        assert f'/people/{child.pk}/"' in page
    page = client.get(f"/people/{sibling.pk}/").content.decode()
    assert f"{GIVEN} {FAMILY} recorded as sibling" in page


def test_the_audit_report_withholds_the_child_from_a_manager_not_named(client, restricted):
    child = restricted["child"]
    ci = child.identifiers.get(id_type="CI").value
    client.force_login(restricted["users"][R.TEAM_MANAGER])
    page = client.get("/audit/", {"child": ci}).content.decode()
    assert "A restricted record" in page  # the entries are there (oversight), but not who
    assert f'/people/{child.pk}/"' not in page
    assert GIVEN not in page
    assert FAMILY not in page
    page = client.get("/audit/").content.decode()
    assert "Searched for a person" in page
    assert f'/people/{child.pk}/"' not in page
    assert GIVEN not in page
    client.force_login(restricted["named"][R.TEAM_MANAGER])
    assert f'/people/{child.pk}/"' in client.get("/audit/", {"child": ci}).content.decode()
    assert f"{GIVEN} {FAMILY}" in client.get("/audit/").content.decode()  # the named worker's search


@pytest.mark.parametrize("route", ["returns:ssda903", "returns:cin_census"])
def test_the_return_checks_withhold_the_child_but_still_count_them(client, restricted, route, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RETURN_JOBS_ROOT = str(tmp_path)
    child = restricted["child"]

    def checks_page():
        year = client.get(reverse(route)).context["year"]
        client.post(reverse(f"{route}_run"), {"year": year})
        return client.get(reverse(route)).content.decode()

    client.force_login(restricted["users"][R.ANALYST])
    page = checks_page()
    assert "Restricted record" in page
    assert LA_CHILD_ID not in page
    assert f'/people/{child.pk}/"' not in page
    client.force_login(restricted["named"][R.ANALYST])
    page = checks_page()
    assert "Restricted record" not in page
    assert LA_CHILD_ID in page  # named on the restriction: told about the child
    assert f'/people/{child.pk}/"' not in page  # but an analyst opens no record, so no link


def test_the_exports_still_carry_the_restricted_child(client, restricted):
    """Statutory returns count every child: the restriction changes the screen, not the files."""
    client.force_login(restricted["users"][R.ANALYST])
    xml = client.get(reverse("returns:cin_census_download")).content.decode()
    assert f"<LAchildID>{LA_CHILD_ID}</LAchildID>" in xml


def test_shown_is_the_restriction_rule_of_levels(restricted, user):
    """One rule: `shown` (and `shown_filter` in a query) hides exactly the restricted people a
    user is not named on, for every role, and `levels` gives them NONE."""
    child, sibling, adult = restricted["child"], restricted["sibling"], restricted["adult"]
    people = [child, sibling, adult]
    for someone in [*restricted["users"].values(), *restricted["named"].values()]:
        named = someone in restricted["named"].values()
        assert shown(someone, people) == {child.pk: named, sibling.pk: True, adult.pk: True}
        assert shown(someone, [p.pk for p in people]) == shown(someone, people)
        assert set(
            Person.objects.filter(pk__in=[p.pk for p in people])
            .filter(shown_filter(someone))
            .values_list("pk", flat=True)
        ) == {p.pk for p in people if named or p != child}
        assert only_shown(someone, people, person=lambda p: p) == [p for p in people if named or p != child]
        if not named:
            assert levels(someone, people)[child.pk] == Level.NONE
    # Named on another child's restriction does not help.
    assert shown(user(R.HEAD_OF_SERVICE), [child]) == {child.pk: False}


def test_a_return_home_decision_weighs_a_restricted_siblings_plan_without_naming_them(client, restricted):
    """The sibling's return-home decision lists the risk signals of the household: the
    restricted child's child protection plan still counts (the gates weigh every signal) but is
    not named to a user who is not named on the restriction."""
    from childrenincare import services as care
    from childrenincare.return_home import services as reunification
    from childrenincare.testing import foster_placement
    from familyhelp import services as family_help
    from familyhelp.testing import open_episode

    users, sibling = restricted["users"], restricted["sibling"]
    worker, manager = users[R.SOCIAL_WORKER], users[R.TEAM_MANAGER]
    today = datetime.date.today()
    episode = open_episode(worker, sibling, today - datetime.timedelta(days=20))
    family_help.allocate(manager, episode, team=worker.team, worker=worker, on=today - datetime.timedelta(days=20))
    period = care.become_looked_after(
        worker,
        episode,
        on=today - datetime.timedelta(days=10),
        legal_status="V2",
        placement=foster_placement(),
        category_of_need="N1",
    )
    decision = reunification.start_decision(
        worker,
        period,
        route="A",
        proposed_date=today,
        proposed_home="Synthetic home",
        reasons="Synthetic reasons",
        carers=[restricted["adult"]],
    )
    url = reverse("childrenincare:decision", args=[decision.pk])
    client.force_login(worker)
    page = client.get(url).content.decode()
    assert reunification.WITHHELD_SIBLING in page
    assert not [what for what in forbidden(restricted["child"]) if what in page]
    named = restricted["named"][R.SOCIAL_WORKER]
    _involve(sibling, {"named": named})
    client.force_login(named)
    page = client.get(url).content.decode()
    assert f"{GIVEN} {FAMILY} (sibling or household child)" in page


def test_a_referrer_sees_their_own_contact_with_the_restricted_child_withheld(client, restricted):
    """The MASH practitioner recorded the matrix contact about the child before it was
    restricted: their own contacts list it, with the name withheld."""
    client.force_login(restricted["users"][R.MASH_PRACTITIONER])
    contact = restricted["contact"]
    page = client.get("/contacts/").content.decode()
    assert contact.reference in page
    assert "Name withheld: restricted record" in page
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Name withheld: restricted record" in page
    assert GIVEN not in page
