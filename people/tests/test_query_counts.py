"""The child's record makes the same number of queries however much is recorded about the
child: a long chronology, many addresses, relatives, identifiers and alerts cost rows, not
queries (issue 8: a test that fails when a key page's query count grows with the data)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chronology.services import entry, record_events
from partners.models import Agency
from people.models import PersonAlert
from people.services import add_identifier, record_address, record_person, record_relationship
from people.tests.test_record_pages import involve

START = timezone.now() - datetime.timedelta(days=900)


def add_history(child, worker, how_much):
    """`how_much` chronology entries from several agencies, and a few more of everything else."""
    agencies = [Agency.objects.create(name=f"Query agency {n}", kind="health") for n in range(3)]
    record_events(
        [
            entry(
                child,
                "health-event",
                START + datetime.timedelta(hours=n),
                f"Synthetic event {n}",
                agency=agencies[n % 3],
            )
            for n in range(how_much)
        ]
    )
    for n in range(max(1, how_much // 100)):
        record_address(
            None,
            child,
            address_fields={"line_1": f"{n + 1} Query Street", "town": "Testford", "postcode": "TE1 4QL"},
            moved_in=datetime.date(2015 + n, 1, 1),
        )
        relative = record_person(
            None,
            kind="adult",
            given_names="Query",
            family_name=f"Relative{n}",
            date_of_birth=datetime.date(1980, 1, 1 + n),
        )
        record_relationship(None, child, relative, relationship="other", description="Synthetic relative")
        PersonAlert.objects.create(
            person=child,
            kind=PersonAlert.Kind.OTHER,
            detail=f"Synthetic alert {n}",
            start_date=datetime.date(2024, 1, 1),
        )
    if how_much > 100:
        add_identifier(None, child, id_type="NHS", value="9434765919")


def record_page_queries(client, worker, child, query=""):
    client.force_login(worker)
    client.get(f"/people/{child.pk}/{query}")  # warm up (code lists, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/people/{child.pk}/{query}")
    assert response.status_code == 200
    return len(captured), response


def make_child(user, name):
    child = record_person(
        None,
        kind="child",
        given_names="Query",
        family_name=name,
        date_of_birth=datetime.date(2016, 2, 9),
        sex="F",
        ethnicity="WBRI",
    )
    worker = user()
    involve(child, worker)
    return child, worker


def test_the_record_page_makes_as_many_queries_for_500_events_as_for_5(db, user, client):
    small, worker = make_child(user, "Small")
    add_history(small, worker, 5)
    large, _ = make_child(user, "Large")
    add_history(large, worker, 500)
    few, _ = record_page_queries(client, worker, small)
    many, response = record_page_queries(client, worker, large)
    assert response.context["page"].paginator.count >= 500
    assert many == few, f"{few} queries for 5 events but {many} for 500"
    # A later page of the chronology and a filtered one cost no more either.
    later, response = record_page_queries(client, worker, large, "?page=3")
    assert response.context["page"].number == 3
    assert later == few
    filtered, response = record_page_queries(client, worker, large, "?kind=health-event&key=1")
    assert filtered == few


def test_the_record_page_makes_at_most_its_budget_of_queries(db, user, client):
    """Issue 24: signed in by force_login here, the page makes eight queries: the session, the
    user, the transaction's savepoint, the need-to-know check with the person, one query for the
    person's details with their key facts and the record's links (people.selectors.record_page),
    the chronology's page with its count (the relatives the user may not be shown left out in
    the same query), the audit entry, and the savepoint's release."""
    child, worker = make_child(user, "Budget")
    add_history(child, worker, 120)
    count, _ = record_page_queries(client, worker, child)
    assert count <= 8, count


def test_a_restricted_relative_costs_one_query_more(db, user, client):
    """Whether the user may be shown the relatives is asked of people.access once for the
    household, the relationships and parental responsibility together, and only when one of
    them is restricted."""
    from people.models import Person

    child, worker = make_child(user, "Relatives")
    add_history(child, worker, 120)
    plain, _ = record_page_queries(client, worker, child)
    relative = child.relationships.first().related_person
    Person.objects.filter(pk=relative.pk).update(restricted=True)
    restricted, response = record_page_queries(client, worker, child)
    assert restricted == plain + 1
    assert relative.family_name not in response.content.decode()
