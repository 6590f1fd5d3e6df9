"""The key facts about a child (people.keyfacts): one source for the banner, the record and the
caseloads. Each fact from its own records, in words first; only for a viewer who may see the
child in full; a fixed number of queries whatever the number of children."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childprotection.models import ChildProtectionPlan
from childrenincare.testing import looked_after
from exploitation import services as missing_services
from leavingcare.models import CareLeaver, PersonalAdviser
from partners.models import User
from people.keyfacts import facts_for, key_facts
from people.models import Person, PersonAlert, RestrictedAccess
from testing import builders

TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def episode(worker, manager, child):
    return builders.allocated_episode(worker, manager, child, days_ago(90))


def test_a_child_in_need_is_shown_with_the_primary_need_in_words(worker, child, episode):
    facts = key_facts(worker, child)
    [fact] = facts.of("child_in_need")
    assert fact.label == "Child in need"
    assert "since" in fact.detail
    assert fact.code == episode.primary_need
    assert fact.detail.startswith("primary need: ")
    assert fact.code not in fact.detail  # the code is secondary, never the words


def test_a_child_missing_now_shows_since_when_and_the_police_reference(worker, child, episode):
    started = timezone.now() - datetime.timedelta(hours=20)
    missing_services.report_missing(
        worker,
        child,
        kind="M",
        missing_from="home",
        started_at=started,
        reported_to_police=True,
        police_reference="TS/2026/0042",
    )
    facts = key_facts(worker, child)
    [fact] = facts.of("missing")
    assert fact.label == "Missing now"
    assert "TS/2026/0042" in fact.detail
    assert f"{timezone.localtime(started):%-d %B %Y}" in fact.detail
    assert fact.urgent
    assert facts.facts[0].kind == "missing"  # the most urgent fact comes first


def test_a_child_who_has_come_back_is_not_missing(worker, child, episode):
    gone = missing_services.report_missing(
        worker, child, kind="M", missing_from="home", started_at=timezone.now() - datetime.timedelta(hours=20)
    )
    missing_services.record_return(
        worker, gone, ended_at=timezone.now() - datetime.timedelta(hours=2), where_found="Town centre"
    )
    assert not key_facts(worker, child).has("missing")


def test_a_child_protection_plan_shows_the_category_in_words_and_hides_child_in_need(worker, child, episode):
    ChildProtectionPlan.objects.create(
        person=child, episode=episode, start_date=days_ago(30), initial_category="NEG", latest_category="EMO"
    )
    facts = key_facts(worker, child)
    [fact] = facts.of("cp_plan")
    assert fact.detail.startswith("emotional abuse, since ")
    assert fact.code == "EMO"
    assert not facts.has("child_in_need")  # the plan says more


def test_a_plan_that_ended_is_not_shown(worker, child, episode):
    ChildProtectionPlan.objects.create(
        person=child,
        episode=episode,
        start_date=days_ago(60),
        initial_category="NEG",
        latest_category="NEG",
        end_date=days_ago(1),
        end_reason="no_longer_needed",
    )
    assert not key_facts(worker, child).has("cp_plan")
    assert key_facts(worker, child).has("child_in_need")


def test_a_looked_after_child_shows_the_legal_status_and_placement_in_words(worker, child, episode):
    looked_after(worker, child, days_ago(20), legal_status="C2", episode=episode)
    facts = key_facts(worker, child)
    [fact] = facts.of("looked_after")
    assert fact.detail.startswith("Full care order, ")
    assert "C2" not in fact.detail
    assert "C2" in fact.code
    assert "U6" in fact.code
    assert not facts.has("child_in_need")


def test_restricted_unborn_and_alerts(worker, child, episode):
    RestrictedAccess.objects.create(person=child, user=worker)
    Person.objects.filter(pk=child.pk).update(restricted=True)
    child.refresh_from_db()
    PersonAlert.objects.create(person=child, kind="risk_to_staff", detail="Dog at the address", start_date=days_ago(5))
    PersonAlert.objects.create(
        person=child, kind="medical", detail="Ended", start_date=days_ago(50), end_date=days_ago(10)
    )
    facts = key_facts(worker, child)
    assert facts.has("restricted")
    [alert] = facts.of("alert")
    assert alert.label == "Risk to staff"
    assert alert.detail == "Dog at the address"
    unborn = builders.child(
        given_names="Baby", date_of_birth=None, expected_date_of_birth=TODAY + datetime.timedelta(days=40)
    )
    builders.allocated_episode(worker, worker, unborn, days_ago(3))
    assert key_facts(worker, unborn).has("unborn")


def test_a_care_leaver_shows_the_personal_adviser(worker, user, child, episode):
    adviser = user(User.Role.SOCIAL_WORKER, team=worker.team, first_name="Pat", last_name="Adviser")
    record = CareLeaver.objects.create(person=child, opened_on=days_ago(100), created_by=worker)
    PersonalAdviser.objects.create(care_leaver=record, adviser=adviser, start_date=days_ago(90), appointed_by=worker)
    [fact] = key_facts(worker, child).of("care_leaver")
    assert "personal adviser Pat Adviser" in fact.detail


def test_no_facts_for_a_viewer_who_may_not_see_the_child_in_full(worker, child, episode, user, la):
    ChildProtectionPlan.objects.create(
        person=child, episode=episode, start_date=days_ago(30), initial_category="NEG", latest_category="NEG"
    )
    other_team = builders.team(la, name="Assessment team 2")
    stranger = user(User.Role.SOCIAL_WORKER, team=other_team)  # sees the index entry only
    analyst = user(User.Role.ANALYST, agency=la, team=None)  # sees no child
    police = user(User.Role.PARTNER_PRACTITIONER, agency=builders.police(), team=None)
    for viewer in (stranger, analyst, police):
        assert not key_facts(viewer, child), viewer.role
    assert key_facts(worker, child).has("cp_plan")


def test_the_number_of_queries_does_not_grow_with_the_caseload(worker, manager):
    def caseload(size):
        children = []
        for n in range(size):
            kid = builders.child(given_names=f"Kid{n}", family_name="Caseload")
            episode = builders.allocated_episode(worker, manager, kid, days_ago(40 + n))
            ChildProtectionPlan.objects.create(
                person=kid, episode=episode, start_date=days_ago(10), initial_category="NEG", latest_category="NEG"
            )
            children.append(kid)
        return children

    few, many = caseload(1), caseload(8)
    facts_for(worker, few)  # code lists are cached per process after their first use
    with CaptureQueriesContext(connection) as one:
        facts_for(worker, few)
    with CaptureQueriesContext(connection) as eight:
        found = facts_for(worker, many)
    assert len(eight) == len(one)
    assert all(found[kid.pk].has("cp_plan") for kid in many)


def test_the_banner_is_at_the_top_of_the_record_and_the_case_page(client, worker, child, episode):
    from partners.testing import verified_login

    ChildProtectionPlan.objects.create(
        person=child, episode=episode, start_date=days_ago(30), initial_category="NEG", latest_category="PHY"
    )
    verified_login(client, worker)
    for url in (reverse("people:detail", args=[child.pk]), reverse("familyhelp:case", args=[child.pk])):
        page = client.get(url).content.decode()
        assert 'data-testid="key-facts"' in page, url
        banner = page[page.index('data-testid="key-facts"') :]
        assert "Child protection plan" in banner[:2000]
        assert "physical abuse" in banner[:2000]
        assert page.index('data-testid="key-facts"') < page.index("<h1"), url


def test_every_stage_s_facts_about_a_child_cost_one_query(worker, child, episode):
    """Issue 24: the banner costs no more than one query. A child with a fact from every stage
    (a plan, care, a missing episode, an alert, a care leaver record) and the caller's access
    check already made: every provider's reads go in one statement."""
    ChildProtectionPlan.objects.create(
        person=child, episode=episode, start_date=days_ago(10), initial_category="NEG", latest_category="NEG"
    )
    looked_after(worker, child, days_ago(30), legal_status="C2", episode=episode)
    missing_services.report_missing(
        worker, child, kind="M", missing_from="home", started_at=timezone.now() - datetime.timedelta(hours=3)
    )
    PersonAlert.objects.create(person=child, kind=PersonAlert.Kind.RISK_TO_STAFF, detail="Dog", start_date=days_ago(5))
    CareLeaver.objects.create(person=child, opened_on=days_ago(2), created_by=worker)
    facts_for(worker, [child], checked=True)  # code lists are cached per process after their first use
    with CaptureQueriesContext(connection) as queries:
        facts = facts_for(worker, [child], checked=True)[child.pk]
    assert len(queries) == 1
    assert {"cp_plan", "looked_after", "missing", "alert", "care_leaver"} <= facts.kinds
