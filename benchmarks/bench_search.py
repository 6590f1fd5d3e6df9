"""Server time of person search, kind by kind, with a trivial view as the floor.

Times /search/?q=... through the whole stack (middleware, sign-in, access check, audit write,
queries, template) with Django's test client, in this process, as bench_pages.py does, for
each kind of query made from randomly sampled children:

- name: "given family"; name, misspelt (a swapped, doubled or dropped letter in each);
  name, reversed ("family given"); name, partial (the first two letters of the given name and
  the first three of the family name: "Ja Smi"); surname alone;
- date of birth alone; name and date of birth;
- NHS number; UPN;
- postcode alone; surname and postcode.

Reports p50/p95/p99 per kind, the floor (/health/) measured in the same process, each kind's
p50 and p95 as a ratio to the floor's, the number of queries each request made (the largest
seen per kind: it must not grow with the authority's size) and the time spent in them (as
Django measures it: the round trips included), which the machine's load disturbs less.

Everything runs inside one transaction that is rolled back at the end, so the audit entries
the searches write (and the benchmark user's session) are not kept: the database is left as
it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg500k .venv/bin/python benchmarks/bench_search.py

Options: --iterations (searches per kind, default 60), --seed, --json FILE.
"""

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

from bench_pages import misspell, summarise, time_request  # noqa: E402  (as the page benchmark)

KINDS = (
    "name",
    "name, misspelt",
    "name, reversed",
    "name, partial",
    "surname alone",
    "date of birth",
    "name and date of birth",
    "NHS number",
    "UPN",
    "postcode",
    "surname and postcode",
)


def sample_queries(rng, iterations):
    """{kind: [query]}: `iterations` queries of each kind, from randomly sampled children."""
    from people.models import Identifier, Person, PersonAddress

    children = Person.objects.filter(kind=Person.Kind.CHILD)
    low = children.order_by("pk").values_list("pk", flat=True).first()
    high = children.order_by("-pk").values_list("pk", flat=True).first()
    ids = []
    while len(ids) < 3 * iterations:
        ids.extend(children.filter(pk__gte=rng.randint(low, high)).order_by("pk").values_list("pk", flat=True)[:1])
    people = Person.objects.in_bulk(ids)
    identifiers = {}
    for pk, id_type, value in Identifier.objects.filter(person_id__in=ids, id_type__in=["NHS", "UPN"]).values_list(
        "person_id", "id_type", "value"
    ):
        identifiers[(pk, id_type)] = value
    postcodes = dict(
        PersonAddress.objects.filter(person_id__in=ids, moved_out__isnull=True).values_list(
            "person_id", "address__postcode"
        )
    )
    queries = {kind: [] for kind in KINDS}
    for pk in ids:
        person = people[pk]
        given, family = person.given_names.split()[0], person.family_name
        candidates = {
            "name": f"{given} {family}",
            "name, misspelt": f"{misspell(given, rng)} {misspell(family, rng)}",
            "name, reversed": f"{family} {given}",
            "name, partial": f"{given[:2]} {family[:3]}",
            "surname alone": family,
            "date of birth": f"{person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else None,
            "name and date of birth": (
                f"{given} {family} {person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else None
            ),
            "NHS number": identifiers.get((pk, "NHS")),
            "UPN": identifiers.get((pk, "UPN")),
            "postcode": postcodes.get(pk),
            "surname and postcode": f"{family} {postcodes[pk]}" if pk in postcodes else None,
        }
        for kind, query in candidates.items():
            if query and len(queries[kind]) < iterations:
                queries[kind].append(query)
    return queries


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=60, help="searches per kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()

    import django

    django.setup()
    import serverlike
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partners.models import Agency, User
    from partners.testing import verified_login
    from people.models import Person

    serverlike.setup()
    settings.ALLOWED_HOSTS = ["*"]
    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    if not children:
        sys.exit("No children in this database: generate an authority first (benchmarks/suite.py --generate)")
    rng = random.Random(args.seed)
    queries = sample_queries(rng, args.iterations)
    user = User.objects.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY, role=User.Role.SOCIAL_WORKER).first()

    results = {
        "database": connection.vendor,
        "children": children,
        "people": Person.objects.count(),
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
    }
    with transaction.atomic():  # rolled back below: nothing the benchmark writes is kept
        client = Client()
        verified_login(client, user)

        def url(query):
            return "/search/?q=" + query.replace(" ", "+")

        # Warm up connections, caches and templates.
        for kind in KINDS:
            for query in queries[kind][:5]:
                time_request(client, url(query))
        floor = [time_request(client, "/health/") for _ in range(2 * args.iterations)]
        timings = {kind: [] for kind in KINDS}
        most_queries = {kind: 0 for kind in KINDS}
        database = {kind: [] for kind in KINDS}
        # Kinds interleaved, so that a slow moment of the machine is shared between them.
        for i in range(args.iterations):
            for kind in KINDS:
                if i < len(queries[kind]):
                    with CaptureQueriesContext(connection) as captured:
                        timings[kind].append(time_request(client, url(queries[kind][i])))
                    most_queries[kind] = max(most_queries[kind], len(captured.captured_queries))
                    database[kind].append(sum(float(query["time"]) for query in captured.captured_queries))
                    connection.queries_log.clear()
        transaction.set_rollback(True)

    pages = [summarise("trivial view (floor)", floor)]
    everything = [t for kind in KINDS for t in timings[kind]]
    pages.append(summarise("search, every kind", everything))
    for kind in KINDS:
        if timings[kind]:
            page = summarise(f"search: {kind}", timings[kind])
            page["queries"] = most_queries[kind]
            in_database = summarise(kind, database[kind])
            page["database_p50_ms"], page["database_p95_ms"] = in_database["p50_ms"], in_database["p95_ms"]
            pages.append(page)
    floor_page = pages[0]
    for page in pages:
        page["ratio_to_floor_p50"] = round(page["p50_ms"] / floor_page["p50_ms"], 1)
        page["ratio_to_floor_p95"] = round(page["p95_ms"] / floor_page["p95_ms"], 1)
    results["pages"] = pages
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    print(f"\n{results['database']}, {children:,} children ({results['people']:,} people), {results['date']}\n")
    print("| search | requests | queries | p50 ms | p95 ms | p99 ms | × floor p50 | × floor p95 | in queries p50/p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for page in pages:
        print(
            f"| {page['page']} | {page['requests']} | {page.get('queries', '')} | {page['p50_ms']} | "
            f"{page['p95_ms']} | {page['p99_ms']} | {page['ratio_to_floor_p50']} | {page['ratio_to_floor_p95']} | "
            + (f"{page['database_p50_ms']} / {page['database_p95_ms']} |" if "queries" in page else " |")
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
