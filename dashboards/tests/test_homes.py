"""Home by role: where each role lands after sign-in, the navigation each role sees (every link
opening for that role, never a 403), the "More" page, and the partner's home."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from dashboards.home import pages
from dashboards.home.navigation import BAR_SIZE
from frontdoor import services as frontdoor
from frontdoor.models import AgencyCheck, Contact, ContactPerson
from partners.models import Team, User
from people.models import Person
from testing import builders

R = User.Role

# Where each role lands ("Home").
LANDING = {
    R.SOCIAL_WORKER: "/caseload/",
    R.TEAM_MANAGER: "/caseload/team/",
    R.HEAD_OF_SERVICE: "/timescales/service/",
    R.MASH_PRACTITIONER: "/front-door/",
    R.MASH_MANAGER: "/front-door/",
    R.IRO: "/caseload/reviews/",
    R.CONFERENCE_CHAIR: "/timescales/",
    R.FAMILY_HELP_LEAD: "/early-help/mine/",
    R.PARTNER_PRACTITIONER: "/partner-home/",
    R.ANALYST: "/returns/",
    R.ADMINISTRATOR: "/accounts/",
    R.USER_ADMINISTRATOR: "/accounts/",
    R.PARTNERSHIP_OFFICER: "/partnership/",
    R.SCRUTINEER: "/partnership/",
    R.LEAD_PARTNER: "/partnership/reports/",
    R.EDUCATION_WELFARE_OFFICER: "/education/",
}

# The navigation bar each role sees.
BAR = {
    R.SOCIAL_WORKER: ["Home", "Find a person", "Your timescales", "More"],
    R.TEAM_MANAGER: ["Home", "Find a person", "Your caseload", "Your timescales", "More"],
    R.HEAD_OF_SERVICE: ["Home", "Find a person", "Statutory returns", "More"],
    R.MASH_PRACTITIONER: ["Home", "Find a person", "More"],
    R.MASH_MANAGER: ["Home", "Find a person", "Partner submissions", "More"],
    R.IRO: ["Home", "Find a person", "Your timescales", "More"],
    R.CONFERENCE_CHAIR: ["Home", "Find a person", "More"],
    R.FAMILY_HELP_LEAD: ["Home", "Find a person", "Make a contact", "More"],
    R.PARTNER_PRACTITIONER: ["Home", "Find a person", "Make a contact", "Checks for your agency", "More"],
    # "More" holds the partners' feeds of records to link (linkage).
    R.ANALYST: ["Home", "Statistics", "More"],
    R.ADMINISTRATOR: ["Home", "Administration"],
    R.USER_ADMINISTRATOR: ["Home"],
    R.PARTNERSHIP_OFFICER: ["Home", "Recommendations", "Yearly reports"],
    R.SCRUTINEER: ["Home", "Recommendations", "Yearly reports"],
    R.LEAD_PARTNER: ["Home", "Incidents and reviews", "Recommendations"],
    R.EDUCATION_WELFARE_OFFICER: ["Home", "Children missing education"],
}

NAV_LINK = re.compile(
    r'<a class="govuk-service-navigation__link" href="(?P<href>[^"]+)"(?P<attrs>[^>]*)>'
    r"\s*(?:<strong[^>]*>)?(?P<label>[^<]+?)\s*<",
)


def account(user, role):
    """A user of the role, as the demo makes them: an administrator is staff."""
    return user(role, is_staff=role == R.ADMINISTRATOR)


def nav(response):
    body = response.content.decode()
    if "govuk-service-navigation__list" not in body:
        return []
    start = body.index('<ul class="govuk-service-navigation__list"')
    section = body[start : body.index("</ul>", start)]
    return [(unescape(m["label"]), m["href"], m["attrs"]) for m in NAV_LINK.finditer(section)]


def test_every_role_has_a_home():
    assert set(pages.HOMES) == set(R.values)
    for home in pages.HOMES.values():
        assert len(home.bar) <= BAR_SIZE - 2
        assert all(key in pages.PAGES_BY_KEY for key in home.bar)


@pytest.mark.parametrize("role", list(R))
def test_home_takes_each_role_to_where_its_work_is(client, user, role):
    client.force_login(account(user, role))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == LANDING[role]
    assert client.get(LANDING[role]).status_code == 200
    # Signing in ends at the same place (LOGIN_REDIRECT_URL is "home").
    assert client.get("/", follow=True).redirect_chain[-1] == (LANDING[role], 302)


@pytest.mark.parametrize("role", list(R))
def test_the_navigation_shows_only_what_the_role_can_use(client, user, role):
    client.force_login(account(user, role))
    landing = client.get(LANDING[role])
    links = nav(landing)
    assert [label for label, _, _ in links] == BAR[role]
    assert len(links) <= BAR_SIZE
    # "Home" goes straight to the start page, and is marked as the page the user is on.
    assert links[0][1] == LANDING[role]
    assert 'aria-current="page"' in links[0][2]
    for label, href, _ in links:
        assert client.get(href).status_code == 200, f"{role}: {label} ({href})"


@pytest.mark.parametrize("role", list(R))
def test_every_page_on_more_opens_for_the_role(client, user, role):
    client.force_login(account(user, role))
    response = client.get("/more/")
    assert response.status_code == 200
    body = response.content.decode()
    main = body[body.index('<main class="govuk-main-wrapper"') : body.index("</main>")]
    hrefs = re.findall(r'<a class="govuk-link govuk-!-font-weight-bold" href="([^"]+)"', main)
    assert hrefs, "the More page lists nothing"
    for href in hrefs:
        assert client.get(href).status_code == 200, f"{role}: {href}"


def test_record_a_person_is_offered_only_to_those_who_may_record_people(client, user):
    offered = {}
    for role in R:
        client.force_login(account(user, role))
        offered[role] = "Record a person" in client.get("/more/").content.decode()
        client.logout()
    assert {role for role, yes in offered.items() if yes} == {
        R.SOCIAL_WORKER,
        R.TEAM_MANAGER,
        R.HEAD_OF_SERVICE,
        R.MASH_PRACTITIONER,
        R.MASH_MANAGER,
        R.IRO,
        R.CONFERENCE_CHAIR,
        R.FAMILY_HELP_LEAD,
    }


def test_the_analysts_home_works_and_offers_no_person_pages(client, user):
    client.force_login(user(R.ANALYST))
    response = client.get("/", follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Statutory returns" in body
    assert "Find a person" not in body
    assert "Record a person" not in body


def test_a_sub_page_marks_its_section(client, user):
    client.force_login(user(R.ANALYST))
    links = nav(client.get("/returns/statistics/"))
    assert links[1][0] == "Statistics"
    assert 'aria-current="page"' in links[1][2]
    assert "aria-current" not in links[0][2]
    links = nav(client.get("/returns/ssda903/"))
    assert 'aria-current="true"' in links[0][2]  # within Home (the returns index)


def test_a_personal_adviser_starts_by_their_team(client, user, la):
    leaving_care = builders.team(la, "Care Leavers Service", function="care leavers")
    adviser = user(R.SOCIAL_WORKER, team=leaving_care)
    assert pages.home_of(adviser) is pages.TEAM_HOMES[("care leavers", R.SOCIAL_WORKER)]
    client.force_login(adviser)
    assert client.get("/")["Location"] == "/care-leavers/"
    labels = [label for label, _, _ in nav(client.get("/care-leavers/"))]
    assert labels == ["Home", "Find a person", "Your caseload", "Your timescales", "More"]
    assert "Care leavers you advise" in client.get("/more/").content.decode()


def test_a_role_without_a_start_page_it_may_open_sees_what_it_may_use(client, user):
    # An administrator who is not staff may open neither the admin nor the accounts.
    client.force_login(user(R.ADMINISTRATOR, is_staff=False))
    response = client.get("/")
    assert response.status_code == 200
    assert "Everything you can use" in response.content.decode()
    assert [label for label, _, _ in nav(response)] == ["Home"]


def test_the_approvals_link_is_for_those_who_hold_a_designation(client, user):
    from childrenincare.models import Designation

    head = user(R.HEAD_OF_SERVICE)
    Designation.objects.create(user=head, kind=Designation.Kind.NOMINATED_OFFICER, valid_from=datetime.date(2025, 1, 1))
    client.force_login(head)
    labels = [label for label, _, _ in nav(client.get("/timescales/service/"))]
    assert labels == ["Home", "Find a person", "Approvals", "Statutory returns", "More"]
    assert client.get("/children-in-care/approvals/").status_code == 200


def test_no_navigation_before_sign_in(client, db):
    response = client.get("/threshold-document/")
    assert "govuk-service-navigation" not in response.content.decode()
    assert client.get("/")["Location"].startswith("/sign-in/")


# --- The partner's home -------------------------------------------------------------------


@pytest.fixture
def front_door(user, la):
    mash = builders.team(la, "Testshire MASH", function="MASH")
    practitioner = user(R.MASH_PRACTITIONER, team=mash)
    frontdoor.load_threshold_document(practitioner)
    school = builders.school("Oakfield Primary School", urn="100002")
    other_school = builders.school("Elm Street Academy", urn="100003")
    return {
        "practitioner": practitioner,
        "teacher": user(R.PARTNER_PRACTITIONER, agency=school, team=None),
        "colleague": user(R.PARTNER_PRACTITIONER, agency=school, team=None),
        "stranger": user(R.PARTNER_PRACTITIONER, agency=other_school, team=None),
        "police": builders.police(),
    }


def contact_from(referrer, given, **fields):
    child = Person.objects.create(
        kind=Person.Kind.CHILD, given_names=given, family_name="Homechild", date_of_birth=datetime.date(2015, 5, 5)
    )
    return frontdoor.receive_contact(
        referrer,
        channel=Contact.Channel.WEB_FORM,
        source="2A",
        concerns="The child came to school hungry and bruised.",
        consent=Contact.Consent.GIVEN,
        referrer_agency=referrer.agency,
        people=[frontdoor.PersonDetails(role=ContactPerson.Role.SUBJECT, person=child)],
        **fields,
    )


def test_the_partner_home_lists_their_agencys_contacts_and_checks_only(client, front_door):
    teacher, colleague, stranger = front_door["teacher"], front_door["colleague"], front_door["stranger"]
    mine = contact_from(teacher, "Ada")
    colleagues = contact_from(colleague, "Bea")
    strangers = contact_from(stranger, "Cal")
    # The front door asks education about the teacher's contact, and the police about another.
    practitioner = front_door["practitioner"]
    education = frontdoor.request_check(practitioner, mine, AgencyCheck.Kind.EDUCATION, agency=teacher.agency)
    overdue = frontdoor.request_check(
        practitioner,
        colleagues,
        AgencyCheck.Kind.EDUCATION,
        agency=teacher.agency,
        requested_at=timezone.now() - datetime.timedelta(days=3),
    )
    police = frontdoor.request_check(practitioner, strangers, AgencyCheck.Kind.POLICE, agency=front_door["police"])
    other_school = frontdoor.request_check(practitioner, mine, AgencyCheck.Kind.EDUCATION, agency=stranger.agency)

    client.force_login(teacher)
    response = client.get("/partner-home/")
    assert response.status_code == 200
    body = response.content.decode()
    # Their own contacts and their agency's, with the status and whether feedback was given.
    assert mine.reference in body
    assert "Ada Homechild" in body
    assert colleagues.reference in body
    assert "Bea Homechild" in body
    assert strangers.reference not in body
    assert "Cal Homechild" not in body
    assert "Awaiting decision" in body
    assert "Not yet" in body
    # The checks asked of their agency, the overdue one tagged; not the police's or another school's.
    assert f"/agency-checks/{education.pk}/" in body
    assert f"/agency-checks/{overdue.pk}/" in body
    assert f"/agency-checks/{police.pk}/" not in body
    assert f"/agency-checks/{other_school.pk}/" not in body
    assert body.count("govuk-tag--red") == 1
    # Links to make a contact.
    assert 'href="/contacts/new/"' in body
    event = AuditEvent.objects.filter(user=teacher, summary__startswith="Viewed their home").get()
    assert set(event.detail["contacts"]) == {mine.pk, colleagues.pk}
    assert set(event.detail["checks"]) == {education.pk, overdue.pk}


def test_the_partner_home_shows_feedback_given(client, front_door):
    teacher = front_door["teacher"]
    contact = contact_from(teacher, "Ada")
    frontdoor.give_feedback(front_door["practitioner"], contact, method="email", message="We are assessing.")
    client.force_login(teacher)
    body = client.get("/partner-home/").content.decode()
    assert f"Given {timezone.localdate():%-d %b %Y}" in body


def test_the_partner_home_withholds_restricted_names(client, front_door):
    teacher = front_door["teacher"]
    contact = contact_from(teacher, "Dee")
    Person.objects.filter(pk=contact.people.get().person_id).update(restricted=True)
    client.force_login(teacher)
    body = client.get("/partner-home/").content.decode()
    assert "Dee Homechild" not in body
    assert "Name withheld: restricted record" in body


def test_the_partner_home_is_for_partners_only(client, user):
    client.force_login(user(R.SOCIAL_WORKER))
    assert client.get("/partner-home/").status_code == 403


def test_the_partner_home_reads_in_a_fixed_number_of_queries(client, front_door):
    teacher = front_door["teacher"]
    client.force_login(teacher)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/partner-home/").status_code == 200
        return len(captured)

    def more_work(given):
        contact = contact_from(teacher, given)
        frontdoor.give_feedback(front_door["practitioner"], contact, method="email", message="Thank you.")
        frontdoor.request_check(front_door["practitioner"], contact, AgencyCheck.Kind.EDUCATION, agency=teacher.agency)

    more_work("Eve")
    queries()  # the first request warms caches (the session, content types)
    few = queries()
    for n in range(5):
        more_work(f"Child{n}")
    assert queries() == few


def test_team_function_is_matched_without_case(user, la):
    team = Team.objects.create(agency=la, name="Leaving care", function="  CARE LEAVERS ")
    assert (
        pages.home_of(user(R.SOCIAL_WORKER, team=team)).start
        == pages.TEAM_HOMES[("care leavers", R.SOCIAL_WORKER)].start
    )


@pytest.mark.parametrize("role", list(R))
def test_the_navigation_costs_no_query(user, role):
    """Everything it asks (role, agency, team, designation) comes with the signed-in user
    (partners.backends), so the navigation adds no query to any page. (The partnership's business
    unit and scrutineer are asked once a request whether an audit or a review grants them a
    child's record, people.access.holds_grant: the page's own rule check, or the first call
    here, pays that query, and the navigation reuses the answer.)"""
    from dashboards.home.navigation import links_for
    from partners.backends import UserBackend

    signed_in = UserBackend().get_user(account(user, role).pk)
    links_for(signed_in, "/")  # the routes' rules are looked up once per process
    with CaptureQueriesContext(connection) as captured:
        links = links_for(signed_in, "/more/")
    assert links
    assert len(captured) == 0, [q["sql"] for q in captured]
