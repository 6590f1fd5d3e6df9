"""The timescale dashboards: a worker's own, a team's and the service's, with "today" fixed."""

import datetime
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from kernel import selectors as deadline_reads
from kernel.models import Deadline
from partners.models import Team, User
from people.models import Person, RestrictedAccess

R = User.Role
TODAY = datetime.date(2026, 6, 15)  # a Monday
_subjects = itertools.count(1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("dashboards.views.today", lambda: TODAY)


def child(given="Synthetic", family="Child", restricted=False):
    return Person.objects.create(
        kind=Person.Kind.CHILD,
        given_names=given,
        family_name=family,
        date_of_birth=datetime.date(2016, 1, 1),
        restricted=restricted,
    )


def deadline(
    person,
    *,
    due,
    team=None,
    worker=None,
    status=Deadline.Status.OPEN,
    done_on=None,
    late=False,
    late_reason="",
    rule_slug="assessment-completion",
    rule_name="Child and family assessment completed",
):
    return Deadline.objects.create(
        rule_slug=rule_slug,
        rule_name=rule_name,
        person=person,
        subject_type=ContentType.objects.get_for_model(Person),
        subject_id=next(_subjects),
        start_event="referral",
        start_date=due - datetime.timedelta(days=60),
        due_date=due,
        due_at=datetime.datetime.combine(due, datetime.time(23, 59), tzinfo=datetime.UTC),
        explanation=f"45 working days from the referral on {due - datetime.timedelta(days=60):%-d %B %Y}",
        team=team,
        worker=worker,
        status=status,
        done_on=done_on,
        late=late,
        late_reason=late_reason,
    )


@pytest.fixture
def world(user):
    worker = user(R.SOCIAL_WORKER, first_name="Wendy", last_name="Worker")
    team = worker.team
    colleague = user(R.SOCIAL_WORKER, first_name="Colin", last_name="Colleague")
    other_team = Team.objects.create(agency=team.agency, name="Other team", function="Child protection")
    outsider = user(R.TEAM_MANAGER, team=other_team, first_name="Olive", last_name="Outsider")
    head = user(R.HEAD_OF_SERVICE, team=None, first_name="Hana", last_name="Head")

    overdue = child("Oscar", "Overdue")
    soon = child("Sophie", "Soon")
    later = child("Larry", "Later")
    late = child("Lena", "Late")
    old_late = child("Otto", "Oldlate")
    on_time = child("Tim", "Ontime")
    gone = child("Will", "Withdrawn")
    other = child("Theo", "Otherteam")

    rows = {
        "overdue": deadline(overdue, due=TODAY - datetime.timedelta(days=5), team=team, worker=worker),
        "due_soon": deadline(
            soon,
            due=TODAY + datetime.timedelta(days=2),
            team=team,
            worker=worker,
            rule_slug="child-in-need-visit",
            rule_name="Child in need visit",
        ),
        "due_today": deadline(
            soon, due=TODAY, team=team, worker=colleague, rule_slug="core-group", rule_name="Next core group meeting"
        ),
        "later": deadline(later, due=TODAY + datetime.timedelta(days=40), team=team, worker=worker),
        "done_late": deadline(
            late,
            due=TODAY - datetime.timedelta(days=21),
            team=team,
            worker=worker,
            status=Deadline.Status.MET,
            done_on=TODAY - datetime.timedelta(days=14),
            late=True,
            late_reason="The family were away; seen on their return",
        ),
        "old_late": deadline(
            old_late,
            due=TODAY - datetime.timedelta(days=400),
            team=team,
            worker=worker,
            status=Deadline.Status.MET,
            done_on=TODAY - datetime.timedelta(days=390),
            late=True,
            late_reason="Long ago",
        ),
        "on_time": deadline(
            on_time,
            due=TODAY - datetime.timedelta(days=3),
            team=team,
            worker=worker,
            status=Deadline.Status.MET,
            done_on=TODAY - datetime.timedelta(days=4),
        ),
        "withdrawn": deadline(
            gone, due=TODAY - datetime.timedelta(days=3), team=team, worker=worker, status=Deadline.Status.WITHDRAWN
        ),
        "other_team": deadline(other, due=TODAY - datetime.timedelta(days=9), team=other_team, worker=outsider),
    }
    return {
        "worker": worker,
        "colleague": colleague,
        "team": team,
        "other_team": other_team,
        "outsider": outsider,
        "head": head,
        "rows": rows,
    }


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- kernel.deadlines, with "today" passed ---------------------------------------------------


def test_summary_and_listing_with_a_given_today(world):
    found = deadline_reads.scope(team=world["team"])
    assert deadline_reads.summary(found, today=TODAY) == {"overdue": 1, "due_soon": 2, "done_late": 1}
    rows = world["rows"]
    assert list(deadline_reads.listing(found, "overdue", today=TODAY)) == [rows["overdue"]]
    assert list(deadline_reads.listing(found, "due_soon", today=TODAY)) == [rows["due_today"], rows["due_soon"]]
    assert list(deadline_reads.listing(found, "done_late", today=TODAY)) == [rows["done_late"]]
    by_worker = deadline_reads.summary(found, today=TODAY, by=("worker", "worker__last_name"))
    assert {entry["worker__last_name"]: entry["due_soon"] for entry in by_worker} == {"Worker": 1, "Colleague": 1}


# --- The worker's own page ------------------------------------------------------------------


def test_worker_page_counts_and_overdue_list(client, world):
    response = get(client, world["worker"], "/timescales/")
    assert response.status_code == 200
    assert response.context["counts"] == {"overdue": 1, "due_soon": 1, "done_late": 1}
    html = response.content.decode()
    assert "Oscar Overdue" in html
    assert "Why this date" in html
    assert "45 working days from the referral" in html
    assert [row["days"] for row in response.context["rows"]] == [5]
    for absent in ("Sophie Soon", "Larry Later", "Lena Late", "Tim Ontime", "Will Withdrawn", "Theo Otherteam"):
        assert absent not in html
    assert f'href="/people/{world["rows"]["overdue"].person_id}/"' in html or "/cases/" in html
    by_rule = {entry["rule_name"]: entry for entry in response.context["by_rule"]}
    assert by_rule["Child and family assessment completed"]["overdue"] == 1
    assert by_rule["Child in need visit"]["due_soon"] == 1
    event = AuditEvent.objects.filter(user=world["worker"]).latest("id")
    assert event.action == "view"
    assert "timescale dashboard" in event.summary
    assert event.person_id is None
    assert event.detail["show"] == "overdue"
    assert event.detail["deadlines"] == [world["rows"]["overdue"].pk]


def test_worker_page_due_soon_and_done_late(client, world):
    response = get(client, world["worker"], "/timescales/?show=due_soon")
    html = response.content.decode()
    assert "Sophie Soon" in html
    assert "Oscar Overdue" not in html
    assert [row["days"] for row in response.context["rows"]] == [2]  # the colleague's, due today, is not hers

    response = client.get("/timescales/?show=done_late")
    html = response.content.decode()
    assert "Lena Late" in html
    assert "The family were away; seen on their return" in html
    assert "Otto Oldlate" not in html  # done late over 90 days ago
    assert [row["days"] for row in response.context["rows"]] == [7]
    assert TODAY.replace(day=1).strftime("%b") in html  # the date done is shown


def test_an_unknown_tab_shows_overdue(client, world):
    response = get(client, world["worker"], "/timescales/?show=everything")
    assert response.context["show"] == "overdue"


def test_the_list_is_paginated_by_50(client, world):
    worker = world["worker"]
    person = child("Many", "Deadlines")
    for n in range(60):
        deadline(person, due=TODAY - datetime.timedelta(days=10 + n), team=world["team"], worker=worker)
    response = get(client, worker, "/timescales/?show=overdue")
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    response = client.get("/timescales/?show=overdue&page=2")
    assert len(response.context["rows"]) == 11
    assert "govuk-pagination" in response.content.decode()


def test_the_navigation_marks_your_timescales(client, world):
    html = get(client, world["worker"], "/timescales/").content.decode()
    assert 'href="/timescales/" aria-current="page"' in html


def test_staff_outside_case_work_are_refused(client, world, user):
    assert get(client, user(R.PARTNER_PRACTITIONER), "/timescales/").status_code == 403
    assert get(client, world["worker"], "/timescales/service/").status_code == 403


# --- The team page ----------------------------------------------------------------------


def test_team_page_lists_the_team_with_counts_by_worker(client, world):
    response = get(client, world["colleague"], f"/timescales/teams/{world['team'].pk}/?show=due_soon")
    assert response.status_code == 200
    assert response.context["counts"] == {"overdue": 1, "due_soon": 2, "done_late": 1}
    html = response.content.decode()
    assert "Sophie Soon" in html
    assert "Theo Otherteam" not in html
    assert [row["deadline"] for row in response.context["rows"]] == [
        world["rows"]["due_today"],
        world["rows"]["due_soon"],
    ]
    workers = {
        entry["name"]: (entry["overdue"], entry["due_soon"], entry["done_late"])
        for entry in response.context["workers"]
    }
    assert workers == {"Wendy Worker": (1, 1, 1), "Colin Colleague": (0, 1, 0)}
    assert "By worker" in html


def test_team_page_is_a_404_for_another_team(client, world):
    response = get(client, world["outsider"], f"/timescales/teams/{world['team'].pk}/")
    assert response.status_code == 404
    assert "Oscar Overdue" not in response.content.decode()
    assert AuditEvent.objects.filter(user=world["outsider"], action="denied").exists()
    assert get(client, world["worker"], "/timescales/teams/999999/").status_code == 404


def test_a_head_of_service_sees_any_team(client, world):
    response = get(client, world["head"], f"/timescales/teams/{world['other_team'].pk}/")
    assert response.status_code == 200
    assert "Theo Otherteam" in response.content.decode()


def test_a_restricted_child_is_left_out_unless_named(client, world):
    secret = child("Rita", "Restricted", restricted=True)
    deadline(secret, due=TODAY - datetime.timedelta(days=2), team=world["team"], worker=world["worker"])
    url = f"/timescales/teams/{world['team'].pk}/"
    response = get(client, world["colleague"], url)
    assert "Rita Restricted" not in response.content.decode()
    assert response.context["counts"]["overdue"] == 1
    response = get(client, world["worker"], "/timescales/")
    assert "Rita Restricted" not in response.content.decode()

    RestrictedAccess.objects.create(person=secret, user=world["worker"], reason="Allocated worker")
    response = client.get("/timescales/")
    assert "Rita Restricted" in response.content.decode()
    assert response.context["counts"]["overdue"] == 2
    assert "Rita Restricted" not in get(client, world["colleague"], url).content.decode()


def _team_page_queries(client, user, team_id):
    client.force_login(user)
    client.get(f"/timescales/teams/{team_id}/")  # warm up (content types, session)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/timescales/teams/{team_id}/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("show", ["overdue", "done_late"])
def test_team_page_queries_do_not_grow_with_the_deadlines(client, user, show):
    manager = user(R.TEAM_MANAGER)
    team = manager.team
    workers = [user(R.SOCIAL_WORKER, team=team) for _ in range(3)]

    def add(count):
        for n in range(count):
            person = child("Query", f"Child{n}")
            if show == "overdue":
                deadline(
                    person,
                    due=TODAY - datetime.timedelta(days=1 + n % 30),
                    team=team,
                    worker=workers[n % 3],
                    rule_slug=f"rule-{n % 4}",
                    rule_name=f"Rule {n % 4}",
                )
            else:
                deadline(
                    person,
                    due=TODAY - datetime.timedelta(days=20),
                    team=team,
                    worker=workers[n % 3],
                    status=Deadline.Status.MET,
                    done_on=TODAY - datetime.timedelta(days=1 + n % 30),
                    late=True,
                    late_reason="Reason",
                    rule_slug=f"rule-{n % 4}",
                    rule_name=f"Rule {n % 4}",
                )

    add(5)
    few = _team_page_queries(client, manager, team.pk)
    add(55)
    many = _team_page_queries(client, manager, team.pk)
    assert many == few
    assert few <= 14  # session, user, team, 3 counts, the page, the audit write, the session save, savepoints


# --- The service page ---------------------------------------------------------------------


def test_service_page_has_counts_and_no_child_names(client, world):
    response = get(client, world["outsider"], "/timescales/service/")
    assert response.status_code == 200
    assert response.context["counts"] == {"overdue": 2, "due_soon": 2, "done_late": 1}
    teams = {entry["team__name"]: entry["overdue"] for entry in response.context["teams"]}
    assert teams == {world["team"].name: 1, "Other team": 1}
    html = response.content.decode()
    for name in ("Oscar", "Sophie", "Lena", "Theo", "Overdue Oscar"):
        assert name not in html
    assert "Child in need visit" in html  # counts by rule
    # A team manager may open their own team's page only; a head of service any team's.
    assert f'href="/timescales/teams/{world["other_team"].pk}/"' in html
    assert f'href="/timescales/teams/{world["team"].pk}/"' not in html
    html = get(client, world["head"], "/timescales/service/").content.decode()
    assert f'href="/timescales/teams/{world["team"].pk}/"' in html
    event = AuditEvent.objects.filter(user=world["head"]).latest("id")
    assert event.summary == "Viewed the service timescale dashboard"
    assert event.person_id is None


def test_a_large_team_shows_the_most_overdue_workers_first(client, user, monkeypatch):
    monkeypatch.setattr("dashboards.views.WORKERS_SHOWN", 2)
    manager = user(R.TEAM_MANAGER)
    workers = [user(R.SOCIAL_WORKER, team=manager.team, last_name=f"Worker{n}") for n in range(3)]
    for n, worker in enumerate(workers):
        for _ in range(n + 1):
            deadline(child(), due=TODAY - datetime.timedelta(days=3), team=manager.team, worker=worker)
    response = get(client, manager, f"/timescales/teams/{manager.team.pk}/")
    html = response.content.decode()
    row = 'class="govuk-table__header">Test Worker{}</th>'
    assert html.index(row.format(2)) < html.index(row.format(1))
    assert row.format(0) not in html
    assert "Show all workers (1 more)" in html
    assert row.format(0) in client.get(f"/timescales/teams/{manager.team.pk}/?workers=all").content.decode()


def test_summary_in_two_counts_as_summary_does(world):
    found = deadline_reads.scope()
    by = ("rule_name", "team", "team__name")
    assert deadline_reads.summary_in_two(found, today=TODAY, by=by) == deadline_reads.summary(found, today=TODAY, by=by)


def test_service_page_queries_do_not_grow_with_teams_or_deadlines(client, user):
    head = user(R.HEAD_OF_SERVICE, team=None)
    agency = head.agency

    def add(teams, per_team):
        for t in range(teams):
            team = Team.objects.create(agency=agency, name=f"Query team {Team.objects.count()}", function="Assessment")
            for n in range(per_team):
                deadline(
                    child("Query", f"Child{t}{n}"),
                    due=TODAY - datetime.timedelta(days=1 + n),
                    team=team,
                    rule_slug=f"rule-{n % 3}",
                    rule_name=f"Rule {n % 3}",
                )

    def queries():
        client.force_login(head)
        client.get("/timescales/service/")  # warm up
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/timescales/service/").status_code == 200
        return len(captured)

    add(2, 2)
    few = queries()
    add(20, 6)
    assert queries() == few
