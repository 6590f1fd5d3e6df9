"""Server time of a child's network view (exploitation intelligence): 3 steps over 12 months,
through the whole stack with Django's test client, as bench_pages.py does.

If the database has fewer associations than asked for, it first adds synthetic ones (the
generator is part of this script): one child per four associations, in communities of 40
children whose links are mostly to their community's few places, its group and its adults of
concern, one link in ten to one of the area's hubs (a station, a takeaway: a twentieth of the
places), some to vehicles; dates are spread over two years, so about half fall in the 12
months the view looks at. Then VACUUM ANALYZE on
PostgreSQL. The viewer is a head of service in a team whose function is "exploitation" (the
full record of every child, and every association).

    createdb -h 127.0.0.1 -U postgres sg_networks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_networks .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_networks \\
        .venv/bin/python benchmarks/bench_networks.py --associations 200000

Options: --associations (default 200000), --iterations (requests, default 300), --seed,
--json FILE. The goal (issue 21): p95 under 200 ms at 200,000 associations on a 500,000-child
authority. The trivial view is measured in the same process as the floor. The suite runs this as
its section `networks`.
"""

import argparse
import datetime
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

from bench_pages import summarise  # noqa: E402
from bench_pages import time_request as timed  # noqa: E402

LINKS_PER_CHILD = 4
ADULT_SHARE = 0.05
COMMUNITY = 40  # children who share places, a group and adults of concern


def generate(total, rng, viewer):
    """Add `total` associations, with the children, contexts and adults they need."""
    from exploitation.models import Association, Group, Place, Vehicle
    from people.models import Person

    children_needed = max(total // LINKS_PER_CHILD, 10)
    places_needed, groups_needed = max(total // 40, 5), max(total // 400, 3)
    vehicles_needed, adults_needed = max(total // 800, 2), max(total // 200, 2)
    started = time.perf_counter()
    born = datetime.date(2010, 1, 1)
    children = Person.objects.bulk_create(
        [
            Person(
                kind="child",
                given_names=f"Net{i}",
                family_name="Benchchild",
                date_of_birth=born + datetime.timedelta(days=i % 2500),
            )
            for i in range(children_needed)
        ],
        batch_size=5000,
    )
    adults = Person.objects.bulk_create(
        [
            Person(
                kind="adult",
                given_names=f"Adult{i}",
                family_name="Benchconcern",
                date_of_birth=datetime.date(1990, 1, 1),
            )
            for i in range(adults_needed)
        ],
        batch_size=5000,
    )
    places = Place.objects.bulk_create(
        [
            Place(kind="takeaway", name=f"Bench place {i}", postcode="TS1 1AA", recorded_by=viewer)
            for i in range(places_needed)
        ],
        batch_size=5000,
    )
    groups = Group.objects.bulk_create(
        [Group(kind="peer_group", name=f"Bench group {i}", recorded_by=viewer) for i in range(groups_needed)],
        batch_size=5000,
    )
    first_vehicle = Vehicle.objects.count()
    vehicles = Vehicle.objects.bulk_create(
        [Vehicle(registration=f"BN{first_vehicle + i:06d}", recorded_by=viewer) for i in range(vehicles_needed)],
        batch_size=5000,
    )
    today = datetime.date.today()
    rows = []
    # Children live in communities of COMMUNITY: most links are to their community's places and
    # group; some are to one of the area's hubs (a station, a takeaway many children pass).
    communities = max(len(children) // COMMUNITY, 1)
    hubs = places[: max(len(places) // 20, 1)]
    for n in range(total):
        child_index = n if n < len(children) else rng.randrange(len(children))
        child = children[child_index]
        community = child_index % communities
        roll = rng.random()
        fields = {}
        if roll < 0.60:
            target = places[(community * 3 + rng.randrange(4)) % len(places)]
            fields, node = {"place": target}, f"place:{target.pk}"
        elif roll < 0.70:
            target = hubs[rng.randrange(len(hubs))]
            fields, node = {"place": target}, f"place:{target.pk}"
        elif roll < 0.85:
            target = groups[community % len(groups)]
            fields, node = {"group": target}, f"group:{target.pk}"
        elif roll < 1 - ADULT_SHARE:
            target = vehicles[rng.randrange(len(vehicles))]
            fields, node = {"vehicle": target}, f"vehicle:{target.pk}"
        else:
            target = adults[(community + rng.randrange(2)) % len(adults)]
            fields, node = {"adult": target}, f"adult:{target.pk}"
        rows.append(
            Association(
                child=child,
                node=node,
                nature="Seen at",
                observed_on=today - datetime.timedelta(days=rng.randrange(730)),
                source="Bench source",
                source_agency=viewer.agency,
                source_evaluation="2",
                intelligence_assessment="B",
                handling_code="P",
                grading_version="2016-01-01",
                sensitivity="mace" if rng.random() < 0.8 else "team",
                recorded_by=viewer,
                **fields,
            )
        )
        if len(rows) == 5000:
            Association.objects.bulk_create(rows)
            rows = []
    if rows:
        Association.objects.bulk_create(rows)
    print(
        f"added {total} associations, {len(children)} children, {len(places)} places in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return [c.pk for c in children]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--associations", type=int, default=200_000)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--json", help="write the results to this file")
    options = parser.parse_args()

    import django

    django.setup()
    import serverlike
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    serverlike.setup()
    settings.ALLOWED_HOSTS = ["*"]

    from exploitation.models import Association
    from partners.models import Agency, Team, User
    from partners.testing import verified_login
    from people.models import Person

    rng = random.Random(options.seed)
    agency = Agency.objects.filter(kind="local_authority").first() or Agency.objects.create(
        name="Bench council", kind="local_authority", la_code="999"
    )
    team = Team.objects.filter(function="exploitation").first() or Team.objects.create(
        agency=agency, name="Bench exploitation team", function="exploitation"
    )
    viewer = User.objects.filter(username="bench-networks").first() or User.objects.create_user(
        username="bench-networks", role=User.Role.HEAD_OF_SERVICE, agency=team.agency, team=team
    )
    have = Association.objects.count()
    if have < options.associations:
        generate(options.associations - have, rng, viewer)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    # Children with links, to cycle through.
    linked = list(
        Association.objects.filter(observed_on__gte=datetime.date.today() - datetime.timedelta(days=365))
        .values_list("child_id", flat=True)
        .distinct()
        .order_by("child_id")[:5000]
    )
    sample = [rng.choice(linked) for _ in range(options.iterations)]
    client = Client()
    verified_login(client, viewer)
    from exploitation.networks.selectors import network

    sizes = []
    for child_id in sample[:20]:  # warm up, and the sizes of the networks drawn
        timed(client, f"/missing/people/{child_id}/network/")
        found = network(viewer, f"child:{child_id}")
        sizes.append((len(found.nodes), len(found.links), found.cut))
    floor = summarise("trivial view (floor)", [timed(client, "/health/") for _ in range(options.iterations)])
    timings = [timed(client, f"/missing/people/{child_id}/network/") for child_id in sample]
    page = summarise("child network, 3 steps, 12 months", timings)
    page["ratio_to_floor_p50"] = round(page["p50_ms"] / floor["p50_ms"], 1) if floor["p50_ms"] else None
    result = {
        "pages": [floor, page],
        "associations": Association.objects.count(),
        "children": Person.objects.filter(kind="child").count(),
        "database": connection.vendor,
        "nodes_median": sorted(s[0] for s in sizes)[len(sizes) // 2],
        "links_median": sorted(s[1] for s in sizes)[len(sizes) // 2],
        "cut_at_limit": sum(1 for s in sizes if s[2]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
