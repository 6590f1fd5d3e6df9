"""Where a page's time goes: the child's record, a search by NHS number, the front-door queue
(as the authority's first MASH practitioner) or the floor, profiled.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg500k \
        .venv/bin/python benchmarks/profile_pages.py record --top 45

Signs in as the authority's first social worker (as bench_pages.py does), involves their team
with 60 children (rows of kind "benchmark", removed at the end), asks for 10 pages to warm up,
then for 50 more under cProfile. Prints the wall and CPU time a request (inflated by the
profiler), the queries of the last request with their times, and the functions by cumulative
time. Only synthetic data: the database must hold a generated authority.
"""

import argparse
import cProfile
import datetime
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", choices=["record", "search", "queue", "floor"])
    parser.add_argument("--top", type=int, default=45, help="functions to list")
    parser.add_argument(
        "--cpu", action="store_true", help="time functions by CPU, not the clock (waits left out: for a busy machine)"
    )
    parser.add_argument("--save", help="also write the profile to this file (for pstats)")
    parser.add_argument(
        "--templates",
        action="store_true",
        help="instead of cProfile: the CPU of the request and each template's own (its includes' apart), no profiler",
    )
    args = parser.parse_args()

    import django

    django.setup()
    import serverlike
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partners.models import Agency, User
    from partners.testing import verified_login
    from people.models import Identifier, Involvement, Person

    serverlike.setup()
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY, role=User.Role.SOCIAL_WORKER).first()
    if user is None:
        sys.exit("No generated authority in this database")
    client = Client()
    verified_login(client, user)
    ids = list(Person.objects.filter(kind="child").order_by("pk").values_list("pk", flat=True)[5000:5060])
    Involvement.objects.filter(kind="benchmark").delete()
    Involvement.objects.bulk_create(
        Involvement(
            person_id=pk,
            agency_id=user.agency_id,  # type: ignore[misc]  # a local authority user has an agency
            team_id=user.team_id,
            worker=user,
            kind="benchmark",
            start_date=datetime.date(2024, 1, 1),
        )
        for pk in ids
    )
    try:
        if args.page == "record":
            urls = [f"/people/{pk}/" for pk in ids]
        elif args.page == "queue":
            mash = (
                User.objects.filter(
                    agency__kind=Agency.Kind.LOCAL_AUTHORITY, role=User.Role.MASH_PRACTITIONER, is_active=True
                )
                .order_by("pk")
                .first()
            )
            if mash is None:
                sys.exit("No MASH practitioner in this database")
            client = Client()
            verified_login(client, mash)
            urls = ["/front-door/" if i % 3 else "/front-door/?show=decided" for i in range(60)]
        elif args.page == "search":
            numbers = Identifier.objects.filter(person_id__in=ids, id_type="NHS").values_list("value", flat=True)
            urls = [f"/search/?q={number}" for number in numbers]
        else:
            urls = ["/health/"] * 60
        for url in urls[:10]:
            client.get(url)
        if args.templates:
            _templates_own_time(client, urls[10:])
            return
        profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        profile.enable()
        for url in urls[10:]:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        profile.disable()
        n = len(urls) - 10
        print(
            f"{args.page}: {(time.perf_counter() - started) / n * 1000:.1f} ms wall, "
            f"{(time.process_time() - cpu) / n * 1000:.1f} ms CPU a request (under the profiler)"
        )
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[-1])
        total = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        print(f"queries of the last request: {len(queries.captured_queries)}, {total:.1f} ms")
        for query in queries.captured_queries:
            print(f"  {query['time']} {query['sql'][:120]}")
        if args.save:
            profile.dump_stats(args.save)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    finally:
        Involvement.objects.filter(kind="benchmark").delete()


def _templates_own_time(client, urls) -> None:
    """Each template's own CPU a request (the time in its render less the time in templates it
    includes or extends), timed by wrapping django.template.base.Template.render: no profiler,
    so the figures add up to the request's CPU."""
    from collections import defaultdict

    from django.template.base import Template

    own: dict[str, float] = defaultdict(float)
    stack: list[list[float]] = []
    original = Template.render

    def render(self, context):
        stack.append([0.0])
        started = time.process_time()
        try:
            return original(self, context)
        finally:
            spent = time.process_time() - started
            inner = stack.pop()[0]
            own[self.name or "(string)"] += spent - inner
            if stack:
                stack[-1][0] += spent

    Template.render = render  # type: ignore[method-assign]  # timed for this run, put back below
    try:
        cpu = time.process_time()
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        total = (time.process_time() - cpu) / len(urls) * 1000
    finally:
        Template.render = original  # type: ignore[method-assign]
    print(f"{len(urls)} requests, {total:.2f} ms CPU a request (templates timed, no profiler)")
    print("| template | own CPU ms a request |\n| --- | ---: |")
    for name, spent in sorted(own.items(), key=lambda item: -item[1]):
        print(f"| {name} | {spent / len(urls) * 1000:.2f} |")
    print(f"| all templates | {sum(own.values()) / len(urls) * 1000:.2f} |")


if __name__ == "__main__":
    main()
