"""Search makes no more queries however many people match, for every kind of query (issue 24:
the query counts stay fixed whatever the size). Through the page, so that what each result
row shows (its postcode district, its consistent identifier) is checked too. All people here
are synthetic.

On PostgreSQL every kind is one query for the search and its page of results (who matches, best
first, with their names, identifiers, current addresses and what people.access needs), beside
the request's own (session, user, transaction) and the audit entry: the same number for one
match and for forty. On SQLite the names are looked up step by step (exact, sound-alike, start
of the name), a step only when the ones before did not fill the page, so a search with few
matches makes more queries than one with many; never more than for one match."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import services

from . import live_at, make_child, nhs_number, upn

DOB = datetime.date(2016, 2, 9)
# The queries of a search page on PostgreSQL, whatever the kind: the session, the user, the
# transaction's savepoint and its release, the search with its page, and the audit entry.
POSTGRESQL_QUERIES = 6
# On SQLite, for one match: the same, but the search is a query for the candidates, one for
# their names and one for the page; with names alone, up to two more steps (sound-alikes, names
# starting with what was typed: one index probe per token, then the step).
SQLITE_QUERIES = {"name, partial": 12, "name": 11, "name, misspelt": 11, "name, reversed": 11}
SQLITE_NAMES_ALONE = 10  # a single token ("Taylor") or an initial: one probe fewer
SQLITE_OTHERS = 8
QUERIES = {
    "name": "Sam Taylor",
    "name, misspelt": "Smm Tyalor",
    "name, reversed": "Taylor Sam",
    "name, partial": "Sa Tay",
    "initial": "S Taylor",
    "surname alone": "Taylor",
    "date of birth": "09/02/2016",
    "name and date of birth": "Sam Taylor 9/2/2016",
    "NHS number": nhs_number(1),
    "UPN": upn(1),
    "postcode": "TE1 4QL",
    "surname and postcode": "Taylor TE1 4QL",
}


def add_children(first, count, given_names="Sam", family_name="Taylor"):
    for n in range(first, first + count):
        child = make_child(given_names, family_name, DOB)
        services.add_identifier(None, child, id_type="NHS", value=nhs_number(n))
        services.add_identifier(None, child, id_type="UPN", value=upn(n))
        live_at(child, "TE1 4QL", line_1=f"{n} Query Street")


def search_queries(client):
    """{kind: (queries, results)} for each kind of search."""
    counts = {}
    for kind, query in QUERIES.items():
        client.get("/search/", {"q": query})  # warm up (code lists, content types)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        counts[kind] = (len(captured), len(response.context["rows"]))
    return counts


def test_search_makes_no_more_queries_for_many_matches_than_for_one(db, user, client):
    client.force_login(user())
    add_children(1, 1)
    few = search_queries(client)
    assert all(results == 1 for _, results in few.values()), few

    # Forty more with the same name, date of birth and postcode (two pages' worth), and more
    # with names like it, found by sound or by their start.
    add_children(2, 40)
    add_children(100, 10, "Samuel", "Taylor")
    add_children(200, 10, "Sam", "Tayler")
    many = search_queries(client)
    for kind, (queries, results) in many.items():
        if kind not in ("NHS number", "UPN"):
            assert results == 20, (kind, results)  # a full page
        if connection.vendor == "postgresql":
            assert few[kind][0] == queries == POSTGRESQL_QUERIES, (
                f"{kind}: {few[kind][0]} for one, {queries} for {results}"
            )
        else:
            names_alone = SQLITE_NAMES_ALONE if kind in ("initial", "surname alone") else SQLITE_OTHERS
            assert few[kind][0] == SQLITE_QUERIES.get(kind, names_alone), (kind, few[kind][0])
            assert queries <= few[kind][0], f"{kind}: {few[kind][0]} queries for one match, {queries} for {results}"
