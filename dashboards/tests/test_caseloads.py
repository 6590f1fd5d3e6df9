"""The caseloads (dashboards.caseload): a social worker's children, the team's with the work
waiting for allocation, an IRO's children and a personal adviser's care leavers. Each child once,
with the key facts (people.keyfacts), the next due date and when last seen; only the children the
viewer may see; filters and sorts; audited; a fixed number of queries whatever the size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from childprotection.models import ChildProtectionPlan
from childrenincare.models import CareVisit, PeriodOfCare
from childrenincare.testing import looked_after
from dashboards.caseload import selectors
from exploitation import services as missing
from familyhelp.models import Visit
from leavingcare import services as leaving_care
from leavingcare.eligibility import birthday
from leavingcare.testing import care_period
from partners.models import User
from people.models import Involvement, Person, RestrictedAccess
from people.services import record_person
from testing import builders
from testing.pages import text

TODAY = timezone.localdate()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


def kid(name, born=datetime.date(2015, 6, 1)):
    return builders.child(given_names=name, family_name="Caseload", date_of_birth=born)


@pytest.fixture
def world(worker, manager):
    """Four children allocated to the worker: in need, on a plan, looked after, missing now."""
    need, plan, care, gone = kid("Nia"), kid("Pat"), kid("Cal"), kid("Max")
    episodes = {
        c.given_names: builders.allocated_episode(worker, manager, c, ago(100)) for c in (need, plan, care, gone)
    }
    ChildProtectionPlan.objects.create(
        person=plan, episode=episodes["Pat"], start_date=ago(40), initial_category="NEG", latest_category="NEG"
    )
    looked_after(worker, care, ago(30), legal_status="C2", episode=episodes["Cal"])
    missing.report_missing(
        worker,
        gone,
        kind="M",
        missing_from="home",
        started_at=timezone.now() - datetime.timedelta(hours=10),
        reported_to_police=True,
        police_reference="TS/42",
    )
    Visit.objects.create(
        person=need, episode=episodes["Nia"], kind="child_in_need", visit_date=ago(12), seen=True, visited_by=worker
    )
    Visit.objects.create(
        person=need, episode=episodes["Nia"], kind="child_in_need", visit_date=ago(2), seen=False, visited_by=worker
    )
    period = PeriodOfCare.objects.get(person=care)
    CareVisit.objects.create(period=period, visited_on=ago(5), seen=True, visited_by=worker)
    return {"need": need, "plan": plan, "care": care, "missing": gone, "episodes": episodes}


def by_name(rows):
    return {row.person.given_names: row for row in rows}


def test_a_workers_caseload_has_each_child_once_with_the_key_facts(worker, world):
    rows = by_name(selectors.worker_caseload(worker, worker, TODAY))
    assert set(rows) == {"Nia", "Pat", "Cal", "Max"}
    assert [f.kind for f in rows["Nia"].status] == ["child_in_need"]
    assert [f.kind for f in rows["Pat"].status] == ["cp_plan"]
    assert [f.kind for f in rows["Cal"].status] == ["looked_after"]
    assert rows["Max"].facts.has("missing")
    assert "TS/42" in rows["Max"].facts.of("missing")[0].detail


def test_last_seen_is_the_latest_visit_where_the_child_was_seen(worker, world):
    rows = by_name(selectors.worker_caseload(worker, worker, TODAY))
    assert rows["Nia"].last_seen == ago(12)  # the later visit did not see the child
    assert rows["Cal"].last_seen == ago(5)  # a statutory visit to a looked-after child counts
    assert rows["Pat"].last_seen is None


def test_the_next_due_date_is_the_soonest_open_one(worker, world):
    from kernel.models import Deadline

    rows = by_name(selectors.worker_caseload(worker, worker, TODAY))
    soonest = (
        Deadline.objects.filter(person=world["need"], status=Deadline.Status.OPEN).order_by("due_date", "id").first()
    )
    assert rows["Nia"].next_due_date == soonest.due_date
    assert rows["Nia"].next_due_rule == soonest.rule_name
    assert rows["Nia"].next_due_state in {"overdue", "due_soon", "on_track"}


def test_a_child_missing_now_comes_first_whatever_the_sort(worker, world):
    rows = selectors.worker_caseload(worker, worker, TODAY)
    for sort in selectors.SORTS:
        assert selectors.sorted_rows(rows, sort)[0].person.given_names == "Max", sort
    names = [row.person.given_names for row in selectors.sorted_rows(rows, "name")]
    assert names == ["Max", "Cal", "Nia", "Pat"]
    last_seen = [row.person.given_names for row in selectors.sorted_rows(rows, "last_seen")]
    assert last_seen[0] == "Max"
    assert last_seen[-2:] == ["Nia", "Cal"]


def test_filters(worker, world):
    rows = selectors.worker_caseload(worker, worker, TODAY)
    assert [r.person.given_names for r in selectors.filtered(rows, status="cp_plan")] == ["Pat"]
    assert [r.person.given_names for r in selectors.filtered(rows, status="looked_after")] == ["Cal"]
    assert [r.person.given_names for r in selectors.filtered(rows, status="missing")] == ["Max"]
    assert [r.person.given_names for r in selectors.filtered(rows, name="ni")] == ["Nia"]
    counts = selectors.counts(rows)
    assert counts["missing"] == 1
    assert counts["cp_plan"] == 1
    assert counts["looked_after"] == 1


def test_another_teams_worker_sees_none_of_them_and_a_restricted_child_is_left_out(worker, manager, user, la, world):
    other = user(User.Role.SOCIAL_WORKER, team=builders.team(la, name="Assessment team 2"))
    assert selectors.worker_caseload(other, worker, TODAY) == []
    Person.objects.filter(pk=world["plan"].pk).update(restricted=True)
    RestrictedAccess.objects.create(person=world["plan"], user=manager)
    mine = {row.person.given_names for row in selectors.worker_caseload(worker, worker, TODAY)}
    assert "Pat" not in mine  # not named on the restriction: not listed, not counted
    theirs = {row.person.given_names for row in selectors.team_caseload(manager, worker.team, TODAY)}
    assert "Pat" in theirs


def test_the_page_is_audited_and_filters_without_javascript(client, worker, world):
    from partners.testing import verified_login

    verified_login(client, worker)
    page = client.get(reverse("caseloads:mine"), {"status": "looked_after", "sort": "name"})
    assert page.status_code == 200
    body = text(page)
    assert "Cal Caseload" in body
    assert "Nia Caseload" not in body
    assert "Full care order" in body
    assert "4 children" in body
    event = AuditEvent.objects.filter(user=worker, summary="Viewed their caseload").latest("pk")
    assert event.detail["children"] == [world["care"].pk]


def test_the_team_page_shows_the_worker_and_what_waits_for_allocation(client, manager, worker, world):
    from familyhelp.testing import open_episode
    from partners.testing import verified_login

    waiting = kid("Wren")
    open_episode(worker, waiting, ago(3))  # the team holds it; no one allocated
    verified_login(client, manager)
    body = text(client.get(reverse("caseloads:team")))
    assert "Waiting for allocation" in body
    assert "Wren Caseload" in body
    assert worker.get_full_name() in body
    page = client.get(reverse("caseloads:team"), {"worker": worker.pk})
    assert "Pat Caseload" in text(page)


def test_refused_for_roles_without_a_caseload(client, user, la):
    from partners.testing import verified_login

    analyst = user(User.Role.ANALYST, agency=la, team=None)
    verified_login(client, analyst)
    for name in ("caseloads:mine", "caseloads:team", "caseloads:iro"):
        assert client.get(reverse(name)).status_code == 403


def test_an_iro_sees_the_children_they_review_with_the_next_review(user, worker, world):
    iro = user(User.Role.IRO, team=worker.team)
    PeriodOfCare.objects.filter(person=world["care"]).update(iro=iro)
    Involvement.objects.create(
        person=world["care"], agency=iro.agency, team=iro.team, worker=iro, kind="IRO", start_date=ago(20)
    )
    rows = selectors.iro_caseload(iro, iro, TODAY)
    assert [row.person.given_names for row in rows] == ["Cal"]
    assert rows[0].next_due_rule in {"", *[]} or "review" in rows[0].next_due_rule.lower()


def test_a_personal_advisers_care_leavers(client, worker, user):
    from partners.testing import verified_login

    person = record_person(
        None, kind="child", given_names="Jo", family_name="Leaver", date_of_birth=ago(19 * 365 + 100), sex="F"
    )
    dob = person.date_of_birth
    care_period(worker, person, birthday(dob, 13), birthday(dob, 18), end_reason="E17")
    Involvement.objects.create(
        person=person, agency=worker.agency, team=worker.team, kind="Care leavers", start_date=ago(400)
    )
    record = leaving_care.open_record(worker, person)
    leaving_care.appoint_personal_adviser(worker, record, adviser=worker, on=ago(10))
    verified_login(client, worker)
    page = client.get(reverse("leavingcare:list"))
    assert page.status_code == 200
    body = text(page)
    assert "Jo Leaver" in body
    assert "Former relevant" in body or "former relevant" in body
    assert AuditEvent.objects.filter(user=worker, summary="Viewed the care leavers they advise").exists()


@pytest.mark.parametrize("which", ["worker", "team"])
def test_the_number_of_queries_is_the_same_for_3_children_and_for_15(worker, manager, which):
    def build(count, offset):
        for n in range(count):
            child = kid(f"Q{offset + n}")
            episode = builders.allocated_episode(worker, manager, child, ago(50 + n))
            if n % 3 == 0:
                ChildProtectionPlan.objects.create(
                    person=child, episode=episode, start_date=ago(10), initial_category="PHY", latest_category="PHY"
                )

    def read():
        if which == "worker":
            return selectors.worker_caseload(worker, worker, TODAY)
        return selectors.team_caseload(manager, worker.team, TODAY)

    build(3, 0)
    read()  # code lists are cached after their first use
    with CaptureQueriesContext(connection) as few:
        assert len(read()) == 3
    build(12, 100)
    with CaptureQueriesContext(connection) as many:
        assert len(read()) == 15
    assert len(many) == len(few)


def test_a_long_caseload_is_shown_a_page_at_a_time_keeping_the_filters(client, worker, world, monkeypatch):
    from dashboards.caseload import views
    from partners.testing import verified_login

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    verified_login(client, worker)
    first = text(client.get(reverse("caseloads:mine"), {"sort": "name"}))
    assert "showing 1 to 2" in first
    assert "Max Caseload" in first  # missing now: first whatever the sort
    assert "Pat Caseload" not in first
    page = client.get(reverse("caseloads:mine"), {"sort": "name", "page": 2})
    second = text(page)
    assert "Nia Caseload" in second
    assert "Pat Caseload" in second
    assert "Max Caseload" not in second
    assert 'href="?sort=name&amp;page=1"' in page.content.decode()  # the previous page keeps the sort
    event = AuditEvent.objects.filter(user=worker, summary="Viewed their caseload").latest("pk")
    assert event.detail["page"] == 2
    assert event.detail["children"] == [world["need"].pk, world["plan"].pk]
