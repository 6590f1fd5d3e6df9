"""Server time of person search and the child's record page, with a trivial view as the floor.

Runs Django in this process and times each request through the whole stack (middleware,
sign-in, access check, audit write, queries, template) with Django's test client, so the
figures are server time without the network. Reports p50/p95/p99 and the ratio to the floor.

    # on PostgreSQL, generating the authority first if the database is empty
    createdb -h 127.0.0.1 -U postgres sg_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench \\
        .venv/bin/python benchmarks/bench_pages.py --children 500000 --generate

Options: --iterations (requests per page kind, default 300), --seed, --json FILE.
"""

import argparse
import json
import os
import random
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
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if choice == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=0, help="size to generate with --generate")
    parser.add_argument("--generate", action="store_true", help="migrate and generate the authority if empty")
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client run against this database
    settings.ALLOWED_HOSTS = ["*"]

    from partners.models import Agency, User
    from people.models import Identifier, Person, PersonAddress

    if args.generate:
        call_command("migrate", verbosity=0)
        if not Person.objects.exists():
            started = time.perf_counter()
            call_command("generate_authority", children=args.children, seed=args.seed)
            print(f"generated in {time.perf_counter() - started:.0f} s")

    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    if not children:
        sys.exit("No children in this database: run with --generate --children N")
    user = User.objects.filter(agency__kind=Agency.Kind.LOCAL_AUTHORITY, role=User.Role.SOCIAL_WORKER).first()
    client = Client()
    client.force_login(user)

    rng = random.Random(args.seed)
    low, high = Person.objects.filter(kind="child").order_by("pk").values_list("pk", flat=True)[:1][0], \
        Person.objects.filter(kind="child").order_by("-pk").values_list("pk", flat=True)[:1][0]
    sample_ids = []
    while len(sample_ids) < args.iterations:
        candidate = Person.objects.filter(kind="child", pk__gte=rng.randint(low, high)).order_by("pk").values_list("pk", flat=True)[:1]
        sample_ids.extend(candidate)
    sample = {p.pk: p for p in Person.objects.filter(pk__in=sample_ids)}
    nhs = dict(Identifier.objects.filter(person_id__in=sample_ids, id_type="NHS").values_list("person_id", "value"))
    postcodes = dict(PersonAddress.objects.filter(person_id__in=sample_ids, moved_out__isnull=True)
                     .values_list("person_id", "address__postcode"))

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
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed

    # Warm up connections, caches and templates.
    for pk in sample_ids[:20]:
        timed("/health/")
        timed(f"/people/{pk}/")
    floor = [timed("/health/") for _ in range(args.iterations)]
    record = [timed(f"/people/{pk}/") for pk in sample_ids]
    search_times, by_kind = [], {}
    for label, query in queries:
        elapsed = timed(f"/search/?q={query.replace(' ', '+')}")
        search_times.append(elapsed)
        by_kind.setdefault(label, []).append(elapsed)

    results = {
        "database": connection.vendor,
        "children": children,
        "people": Person.objects.count(),
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "pages": [summarise("trivial view (floor)", floor), summarise("child record", record),
                  summarise("search (all kinds)", search_times)]
        + [summarise(f"search: {label}", values) for label, values in sorted(by_kind.items())],
    }
    floor_p50 = results["pages"][0]["p50_ms"]
    for page in results["pages"]:
        page["ratio_to_floor_p50"] = round(page["p50_ms"] / floor_p50, 1) if floor_p50 else None

    print(f"\n{results['database']}, {children:,} children ({results['people']:,} people), {results['date']}\n")
    print("| page | requests | p50 ms | p95 ms | p99 ms | × floor (p50) |")
    print("|---|---:|---:|---:|---:|---:|")
    for page in results["pages"]:
        print(f"| {page['page']} | {page['requests']} | {page['p50_ms']} | {page['p95_ms']} | {page['p99_ms']} | {page['ratio_to_floor_p50']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
