"""Server time of person search and the child's record page, with a trivial view as the floor.

Runs Django in this process and times each request through the whole stack (middleware,
sign-in, access check, audit write, queries, template) with Django's test client, so the
figures are server time without the network. Reports p50/p95/p99 and the ratio to the floor.

    # on PostgreSQL, generating the authority first if the database is empty
    createdb -h 127.0.0.1 -U postgres sg_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench \\
        .venv/bin/python benchmarks/bench_pages.py --children 500000 --generate

Options: --iterations (requests per page kind, default 300), --seed, --json FILE.

--overhead also measures the same requests with the access checks (route rules and the
per-child need-to-know check) and the audit writes switched off, by patching them out in
this process only, and prints the ratio: what access control and audit cost. It repeats each
request with and without, in alternating order, after the first pass has warmed the cache.
"""

import argparse
import contextlib
import datetime
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_request(client, url):
    """Seconds the test client takes to answer `url`; anything but a 200 stops the benchmark."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def summarise(name, timings):
    ms = [t * 1000 for t in timings]
    return {
        "page": name,
        "requests": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
    }


def misspell(word, rng):
    """A plausible typing or hearing mistake: a swapped pair, a doubled or dropped letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    choice = rng.randrange(3)
    if choice == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if choice == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1 :]


@contextlib.contextmanager
def access_and_audit_switched_off():
    """Patch out, in this process only, the route rules, the need-to-know check and the audit
    writes, to measure what they cost. Nothing in the service can switch them off."""
    from unittest import mock

    import kernel.access
    import people.views
    from people.access import Level
    from people.models import Person

    def full_access(user, pk, at_least=None):
        person = Person.objects.get(pk=pk)
        person.access_level = Level.FULL
        return person

    patches = [
        mock.patch.object(kernel.access.AccessRuleMiddleware, "process_view", lambda *args: None),  # noqa: PT008
        mock.patch.object(people.views, "person_for", full_access),
        mock.patch.object(people.views, "keep_visible", lambda user, items, **kwargs: items),
        mock.patch("audit.services.record", lambda *args, **kwargs: None),  # noqa: PT008
    ]
    for patch in patches:
        patch.start()
    try:
        yield
    finally:
        for patch in patches:
            patch.stop()


BENCHMARK_TITLE = "Benchmark event"


def add_long_chronologies(person_ids, events, rng):
    """Give each person `events` chronology entries in all (benchmark entries on top of their
    own), spread over five years and the authority's agencies; returns the ids."""
    from django.utils import timezone

    from chronology.models import ChronologyEntry
    from partners.models import Agency

    agencies = list(Agency.objects.order_by("pk").values_list("pk", flat=True)[:20]) or [None]
    now = timezone.now()
    rows = []
    for pk in person_ids:
        have = ChronologyEntry.objects.filter(person_id=pk).count()
        for n in range(max(0, events - have)):
            rows.append(
                ChronologyEntry(
                    person_id=pk,
                    kind="health-event",
                    category="Health",
                    occurred_at=now - datetime.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60)),
                    title=BENCHMARK_TITLE,
                    detail=f"Synthetic benchmark entry {n}",
                    agency_id=rng.choice(agencies),
                    manual=True,
                )
            )
    ChronologyEntry.objects.bulk_create(rows, batch_size=5000)
    return list(person_ids)


def remove_long_chronologies():
    from chronology.models import ChronologyEntry

    ChronologyEntry.objects.filter(title=BENCHMARK_TITLE, detail__startswith="Synthetic benchmark entry").delete()


def main():  # noqa: C901
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=0, help="size to generate with --generate")
    parser.add_argument("--generate", action="store_true", help="migrate and generate the authority if empty")
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the results here as JSON")
    parser.add_argument("--overhead", action="store_true", help="also measure without access checks and audit")
    parser.add_argument(
        "--chronology",
        type=int,
        default=500,
        help="events in the long chronologies of the 'child record, long chronology' sample (default 500)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    import serverlike
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    serverlike.setup()  # lets the test client run against this database
    settings.ALLOWED_HOSTS = ["*"]

    from partners.models import Agency, User
    from people.models import Identifier, Person, PersonAddress

    call_command("migrate", verbosity=0)
    if args.generate:
        if not Person.objects.exists():
            started = time.perf_counter()
            call_command("generate_authority", children=args.children, seed=args.seed)
            print(f"generated in {time.perf_counter() - started:.0f} s")

    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    if not children:
        sys.exit("No children in this database: run with --generate --children N")
    user = User.objects.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY, role=User.Role.SOCIAL_WORKER).first()
    from partners.testing import verified_login

    client = Client()
    verified_login(client, user)  # signed in and past the two-factor step

    rng = random.Random(args.seed)
    low, high = (
        Person.objects.filter(kind="child").order_by("pk").values_list("pk", flat=True)[:1][0],
        Person.objects.filter(kind="child").order_by("-pk").values_list("pk", flat=True)[:1][0],
    )
    sample_ids = []
    while len(sample_ids) < args.iterations:
        candidate = (
            Person.objects.filter(kind="child", pk__gte=rng.randint(low, high))
            .order_by("pk")
            .values_list("pk", flat=True)[:1]
        )
        sample_ids.extend(candidate)
    sample = {p.pk: p for p in Person.objects.filter(pk__in=sample_ids)}
    nhs = dict(Identifier.objects.filter(person_id__in=sample_ids, id_type="NHS").values_list("person_id", "value"))
    postcodes = dict(
        PersonAddress.objects.filter(person_id__in=sample_ids, moved_out__isnull=True).values_list(
            "person_id", "address__postcode"
        )
    )

    queries = []
    for i, pk in enumerate(sample_ids):
        person = sample[pk]
        given = person.given_names.split()[0]
        kind = i % 5
        if kind == 0:
            queries.append(("name, misspelt", f"{misspell(given, rng)} {misspell(person.family_name, rng)}"))
        elif kind == 1:
            queries.append(("name, reversed", f"{person.family_name} {given}"))
        elif kind == 2 and person.date_of_birth:
            queries.append(("name and date of birth", f"{given} {person.family_name} {person.date_of_birth:%d/%m/%Y}"))
        elif kind == 3 and pk in nhs:
            queries.append(("NHS number", nhs[pk]))
        elif pk in postcodes:
            queries.append(("surname and postcode", f"{person.family_name} {postcodes[pk]}"))
        else:
            queries.append(("name", f"{given} {person.family_name}"))

    def timed(url):
        return time_request(client, url)

    # The user sees full records: make their team involved with the sampled children.
    from people.models import Involvement

    Involvement.objects.filter(kind="benchmark").delete()
    Involvement.objects.bulk_create(
        Involvement(
            person_id=pk,
            agency_id=user.agency_id,
            team_id=user.team_id,
            worker=user,
            kind="benchmark",
            start_date=datetime.date(2024, 1, 1),
        )
        for pk in set(sample_ids)
    )

    # Thirty of the sampled children get a long chronology (benchmark events, removed at the end).
    long_ids = add_long_chronologies(sample_ids[:30], args.chronology, rng)
    # The front-door queue, as a MASH practitioner of the authority sees it, page by page.
    mash_user = (
        User.objects.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY, role=User.Role.MASH_PRACTITIONER, is_active=True)
        .order_by("pk")
        .first()
    )
    mash_client = Client()
    if mash_user:
        verified_login(mash_client, mash_user)

    def timed_queue(url):
        return time_request(mash_client, url)

    def measure():
        # Warm up connections, caches and templates.
        for pk in sample_ids[:20]:
            timed("/health/")
            timed(f"/people/{pk}/")
        floor = [timed("/health/") for _ in range(args.iterations)]
        record = [timed(f"/people/{pk}/") for pk in sample_ids]
        long_record = (
            [timed(f"/people/{long_ids[i % len(long_ids)]}/") for i in range(args.iterations)] if long_ids else []
        )
        queue = []
        if mash_user:
            timed_queue("/front-door/")
            queue = [
                timed_queue("/front-door/" if i % 3 else "/front-door/?show=decided") for i in range(args.iterations)
            ]
        search_times, by_kind = [], {}
        for label, query in queries:
            elapsed = timed(f"/search/?q={query.replace(' ', '+')}")
            search_times.append(elapsed)
            by_kind.setdefault(label, []).append(elapsed)
        return floor, record, search_times, by_kind, {"long": long_record, "queue": queue}

    floor, record, search_times, by_kind, extra = measure()

    results = {
        "database": connection.vendor,
        "children": children,
        "people": Person.objects.count(),
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "pages": [summarise("trivial view (floor)", floor), summarise("child record", record)]
        + ([summarise(f"child record, {args.chronology}-event chronology", extra["long"])] if extra["long"] else [])
        + [summarise("search (all kinds)", search_times)]
        + [summarise(f"search: {label}", values) for label, values in sorted(by_kind.items())]
        + ([summarise("front-door queue", extra["queue"])] if extra["queue"] else []),
    }
    floor_p50 = results["pages"][0]["p50_ms"]
    for page in results["pages"]:
        page["ratio_to_floor_p50"] = round(page["p50_ms"] / floor_p50, 1) if floor_p50 else None

    print(f"\n{results['database']}, {children:,} children ({results['people']:,} people), {results['date']}\n")
    print("| page | requests | p50 ms | p95 ms | p99 ms | × floor (p50) |")
    print("|---|---:|---:|---:|---:|---:|")
    for page in results["pages"]:
        print(
            f"| {page['page']} | {page['requests']} | {page['p50_ms']} | {page['p95_ms']} | {page['p99_ms']} | {page['ratio_to_floor_p50']} |"  # noqa: E501
        )
    if args.overhead:
        # Each request twice more, once with access checks and audit and once without, in
        # alternating order, so that neither gains from a cache the other warmed.
        record, record_off, search_times, search_off = [], [], [], []
        urls = [(f"/people/{pk}/", record, record_off) for pk in sample_ids]
        urls += [(f"/search/?q={query.replace(' ', '+')}", search_times, search_off) for _, query in queries]
        for number, (url, on, off) in enumerate(urls):
            for switched_off in (False, True) if number % 2 else (True, False):
                if switched_off:
                    with access_and_audit_switched_off():
                        off.append(timed(url))
                else:
                    on.append(timed(url))
        results["overhead"] = []
        print("\nAccess checks and audit: each request again with them and without, alternately\n")
        print("| page | p50 ms with | p50 ms without | overhead (p50) | p95 ms with | p95 ms without |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, with_, without in (("child record", record, record_off), ("search", search_times, search_off)):
            on, off = summarise(name, with_), summarise(name, without)
            overhead = round((on["p50_ms"] / off["p50_ms"] - 1) * 100, 1)
            results["overhead"].append({"page": name, "with": on, "without": off, "overhead_percent_p50": overhead})
            print(f"| {name} | {on['p50_ms']} | {off['p50_ms']} | {overhead} % | {on['p95_ms']} | {off['p95_ms']} |")
    Involvement.objects.filter(kind="benchmark").delete()
    remove_long_chronologies()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
