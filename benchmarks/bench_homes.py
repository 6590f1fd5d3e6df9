"""Server time of the pages practitioners start their day on: a social worker's caseload (the
worker whose caseload is nearest 30 children), a team's caseload (the team nearest 400 allocated
children, or the largest) and the front-door queue, with the trivial view as the floor, and
the number of database queries each page makes (which must not grow with the caseload).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench500 \\
        .venv/bin/python benchmarks/bench_homes.py --iterations 300

Runs Django in this process and times each request through the whole stack with Django's
test client, as bench_pages.py does. Options: --iterations, --json FILE, --caseload (default
30), --team (default 400).
"""

import argparse
import json
import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

from bench_pages import summarise  # noqa: E402
from bench_pages import time_request as timed  # noqa: E402


def nearest(counts, wanted):
    """The (key, count) whose count is nearest `wanted`, the larger on a tie."""
    return min(counts, key=lambda item: (abs(item[1] - wanted), -item[1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--caseload", type=int, default=30)
    parser.add_argument("--team", type=int, default=400)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()

    import django

    django.setup()
    import serverlike
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    serverlike.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.OTP_REQUIRED = False

    from familyhelp.models import Allocation
    from frontdoor.models import Contact
    from partners.models import User
    from people.models import Person

    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    if not children:
        sys.exit("No children in this database: generate an authority first (see docs/benchmarks.md)")
    current = Allocation.objects.filter(end_date__isnull=True, episode__closure_date__isnull=True)
    by_worker = list(
        current.filter(worker__role=User.Role.SOCIAL_WORKER, worker__is_active=True)
        .values_list("worker")
        .annotate(n=Count("episode__person", distinct=True))
    )
    by_team = list(current.values_list("team").annotate(n=Count("episode__person", distinct=True)))
    if not by_worker or not by_team:
        sys.exit("No allocated children in this database")
    worker_id, caseload = nearest(by_worker, args.caseload)
    team_id, team_size = nearest(by_team, args.team)
    worker = User.objects.get(pk=worker_id)
    manager = (
        User.objects.filter(team_id=team_id, role=User.Role.TEAM_MANAGER, is_active=True).order_by("pk").first()
        or User.objects.filter(team_id=team_id, role=User.Role.SOCIAL_WORKER, is_active=True).order_by("pk").first()
    )
    mash = User.objects.filter(role=User.Role.MASH_PRACTITIONER, is_active=True).order_by("pk").first()
    open_contacts = Contact.objects.filter(status=Contact.Status.OPEN).count()
    pages = [
        (f"caseload, {caseload} children", worker, "/caseload/"),
        (f"team caseload, {team_size} children", manager, "/caseload/team/"),
        (f"front-door queue, {open_contacts} open contacts", mash, "/front-door/"),
    ]
    print(f"{connection.vendor}, {children:,} children")
    clients = {}
    for _, user, _ in pages:
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    floor_client = clients[worker.pk]
    queries = {}
    for name, user, url in pages:  # warm up, and count the queries once
        timed(clients[user.pk], url)
        with CaptureQueriesContext(connection) as found:
            timed(clients[user.pk], url)
        queries[name] = len(found)
    floor = [timed(floor_client, "/health/") for _ in range(args.iterations)]
    results = [summarise("trivial view (floor)", floor)]
    for name, user, url in pages:
        figures = summarise(name, [timed(clients[user.pk], url) for _ in range(args.iterations)])
        figures["queries"] = queries[name]
        results.append(figures)
    floor_p50 = results[0]["p50_ms"]
    for page in results:
        page["ratio_to_floor_p50"] = round(page["p50_ms"] / floor_p50, 1) if floor_p50 else None
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print("| page | requests | queries | p50 ms | p95 ms | p99 ms | × floor (p50) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for page in results:
        print(
            f"| {page['page']} | {page['requests']} | {page.get('queries', '')} | {page['p50_ms']} | "
            f"{page['p95_ms']} | {page['p99_ms']} | {page['ratio_to_floor_p50']} |"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"children": children, "pages": results, "peak_rss_mb": peak, "vendor": connection.vendor})
        )


if __name__ == "__main__":
    main()
