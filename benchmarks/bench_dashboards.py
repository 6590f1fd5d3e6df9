"""Server time of the timescale dashboards: a team's (the busiest and a typical one), a
worker's and the whole service's, with the trivial view of bench_pages.py as the floor.

Runs Django in this process and times each request through the whole stack with Django's
test client, as bench_pages.py does. If the database has no due dates (kernel.Deadline) it
first adds realistic ones, in bulk with COPY: by default, per 500,000 children, about 60,000
open and 600,000 met over five years, 15 % of those late, spread over the authority's
local-authority case-work teams and their workers in proportion to the team's size (with some
teams busier than others), with rules that fit each team's work; then VACUUM ANALYZE.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench500 \\
        .venv/bin/python benchmarks/bench_dashboards.py --iterations 300

Options: --iterations (requests per page, default 300), --seed, --json FILE, --explain (print
EXPLAIN ANALYZE of the busiest team's queries), --open and --met (rows to add, if none).
Each team and worker page cycles through its three tabs (overdue, due soon, done late).
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

from bench_pages import summarise  # noqa: E402  (the same timing and percentiles as the page benchmark)
from bench_pages import time_request as timed  # noqa: E402

# Which rules a team's due dates come from, by the team's function (demo.generator).
RULES_BY_FUNCTION = {
    "MASH": [
        "contact-decision",
        "agency-check-police",
        "agency-check-health",
        "agency-check-education",
        "agency-check-other",
        "strategy-discussion",
    ],
    "assessment": [
        "assessment-completion",
        "strategy-discussion",
        "initial-child-protection-conference",
        "child-in-need-visit",
    ],
    "child in need": ["child-in-need-review", "child-in-need-visit", "assessment-completion"],
    "child protection": [
        "first-core-group",
        "first-review-conference",
        "review-conference",
        "core-group",
        "child-protection-visit",
        "transfer-in-conference",
    ],
    "children in care": [
        "first-looked-after-review",
        "second-looked-after-review",
        "looked-after-review",
        "return-interview",
    ],
    "care leavers": ["looked-after-review", "return-interview"],
    "family help": ["child-in-need-visit", "child-in-need-review"],
}
CASE_WORKER_ROLES = ("social_worker", "family_help_lead", "mash_practitioner")
LATE_REASONS = [
    "The family were not at home for two arranged visits",
    "The worker was off sick and the case was reallocated",
    "Waiting for the police to share information",
    "The child was in hospital",
    "The family moved out of the area for a time",
    "Interpreter not available until later",
]
TABS = ["overdue", "due_soon", "done_late"]


def rules():
    data = json.loads((ROOT / "kernel" / "data" / "timescales.json").read_text())
    return {rule["slug"]: rule for rule in data["rules"]}


def approx_days(rule):
    offset, unit = rule["offset"], rule["unit"]
    return {
        "working_days": offset * 7 // 5,
        "hours": max(1, offset // 24),
        "weeks": offset * 7,
        "months": offset * 30,
    }.get(unit, offset)


def add_deadlines(open_count, met_count, seed, log=print):
    """COPY realistic due dates into kernel_deadline; then VACUUM ANALYZE."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from partners.models import Agency, Team, User
    from people.models import Person

    rng = random.Random(seed)
    catalogue = rules()
    today = datetime.date.today()
    members = {}
    for worker_id, team_id in User.objects.filter(
        agency__kind=Agency.Kind.LOCAL_AUTHORITY, role__in=CASE_WORKER_ROLES, team__isnull=False, is_active=True
    ).values_list("id", "team_id"):
        members.setdefault(team_id, []).append(worker_id)
    teams = {team.pk: team for team in Team.objects.filter(pk__in=members)}
    team_ids = sorted(members)
    # In proportion to the team's size, times a lognormal factor: some teams are busier.
    weights = [len(members[t]) * rng.lognormvariate(0, 0.45) for t in team_ids]
    child_ids = list(Person.objects.filter(kind=Person.Kind.CHILD).values_list("id", flat=True))
    subject_type = ContentType.objects.get_for_model(Person).pk
    log(f"{len(team_ids)} teams, {sum(len(m) for m in members.values())} workers, {len(child_ids):,} children")

    columns = [
        "rule_slug",
        "rule_name",
        "person_id",
        "episode_id",
        "subject_type_id",
        "subject_id",
        "start_event",
        "start_date",
        "due_date",
        "due_at",
        "explanation",
        "team_id",
        "worker_id",
        "status",
        "done_on",
        "late",
        "late_reason",
        "withdrawn_reason",
        "issued_at",
    ]
    subject_ids = iter(range(1, 10**9))
    five_years = 5 * 365

    def row(status):
        team_id = rng.choices(team_ids, weights)[0]
        worker_id = rng.choice(members[team_id])
        slugs = RULES_BY_FUNCTION.get(teams[team_id].function) or list(catalogue)
        rule = catalogue[rng.choice([slug for slug in slugs if slug in catalogue] or list(catalogue))]
        if status == "open":
            # About 15 % overdue (up to two months), the rest due in the next three months.
            if rng.random() < 0.15:
                due = today - datetime.timedelta(days=rng.randint(1, 60))
            else:
                due = today + datetime.timedelta(days=rng.randint(0, 90))
            done_on, late, reason = None, False, ""
        else:
            done_on = today - datetime.timedelta(days=rng.randint(0, five_years))
            late = rng.random() < 0.15
            due = (
                done_on - datetime.timedelta(days=rng.randint(1, 30))
                if late
                else done_on + datetime.timedelta(days=rng.randint(0, 10))
            )
            reason = rng.choice(LATE_REASONS) if late else ""
        start = due - datetime.timedelta(days=approx_days(rule))
        due_at = datetime.datetime.combine(due, datetime.time(23, 59, 59), tzinfo=datetime.UTC)
        explanation = (
            f"{rule['offset']} {rule['unit'].replace('_', ' ')} from the {rule['trigger']} on "
            f"{start:%-d %B %Y}. {rule['source']}"
        )[:600]
        issued = datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC)
        return (
            rule["slug"],
            rule["name"],
            rng.choice(child_ids),
            None,
            subject_type,
            next(subject_ids),
            rule["trigger"],
            start,
            due,
            due_at,
            explanation,
            team_id,
            worker_id,
            status,
            done_on,
            late,
            reason,
            "",
            issued,
        )

    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY kernel_deadline ({', '.join(columns)}) FROM STDIN") as copy:
            for _ in range(open_count):
                copy.write_row(row("open"))
            for _ in range(met_count):
                copy.write_row(row("met"))
        cursor.execute("VACUUM ANALYZE kernel_deadline")  # as autovacuum would: index-only scans
    log(f"added {open_count:,} open and {met_count:,} met due dates in {time.perf_counter() - started:.0f} s")


def explain(sql_and_params):
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in sql_and_params:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n" + sql[:200] + " ...")
            print("\n".join(line for (line,) in cursor.fetchall()))


def main():  # noqa: C901
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--open", type=int, default=None, help="open due dates to add (default 60,000 per 500,000 children)"
    )
    parser.add_argument(
        "--met", type=int, default=None, help="met due dates to add (default 600,000 per 500,000 children)"
    )
    parser.add_argument("--json", help="write the results here as JSON")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the busiest team page's queries")
    args = parser.parse_args()

    import django

    django.setup()
    import serverlike
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    serverlike.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.OTP_REQUIRED = False

    from kernel.models import Deadline
    from partners.models import Agency, Team, User
    from people.models import Person

    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    if not children:
        sys.exit("No children in this database: generate an authority first (see docs/benchmarks.md)")
    if not Deadline.objects.exists():
        scale = children / 500_000
        add_deadlines(
            args.open if args.open is not None else round(60_000 * scale),
            args.met if args.met is not None else round(600_000 * scale),
            args.seed,
        )

    today = datetime.date.today()
    soon = today + datetime.timedelta(days=5)
    open_ = Q(deadlines__status="open")
    per_team = list(
        Team.objects.annotate(
            relevant=Count("deadlines", filter=open_ & Q(deadlines__due_date__lte=soon)), all_rows=Count("deadlines")
        )
        .filter(all_rows__gt=0)
        .order_by("-relevant", "pk")
        .values("pk", "name", "relevant", "all_rows")
    )
    busiest, typical = per_team[0], per_team[len(per_team) // 2]
    worker_row = (
        Deadline.objects.filter(status="open", due_date__lte=soon, worker__role=User.Role.SOCIAL_WORKER)
        .values("worker")
        .annotate(n=Count("pk"))
        .order_by("-n", "worker")[:1][0]
    )
    worker = User.objects.get(pk=worker_row["worker"])

    def manager_of(team_id):
        return (
            User.objects.filter(
                team_id=team_id, role__in=[User.Role.TEAM_MANAGER, User.Role.MASH_MANAGER], is_active=True
            )
            .order_by("pk")
            .first()
        )

    head = (
        User.objects.filter(role=User.Role.HEAD_OF_SERVICE, agency__kind=Agency.Kind.LOCAL_AUTHORITY, is_active=True)
        .order_by("pk")
        .first()
    )
    pages = [
        ("team page, busiest team", manager_of(busiest["pk"]), f"/timescales/teams/{busiest['pk']}/", True),
        ("team page, typical team", manager_of(typical["pk"]), f"/timescales/teams/{typical['pk']}/", True),
        ("worker page, busiest worker", worker, "/timescales/", True),
        ("service page", head, "/timescales/service/", False),
    ]
    counts = {
        "deadlines": Deadline.objects.count(),
        "open": Deadline.objects.filter(status="open").count(),
        "met": Deadline.objects.filter(status="met").count(),
        "met_late": Deadline.objects.filter(status="met", late=True).count(),
        "teams_with_deadlines": len(per_team),
        "busiest_team": busiest,
        "typical_team": typical,
        "busiest_worker_open_due_by_soon": worker_row["n"],
    }
    print(
        f"{connection.vendor}, {children:,} children; {counts['deadlines']:,} due dates "
        f"({counts['open']:,} open, {counts['met']:,} met of which {counts['met_late']:,} late) over "
        f"{len(per_team)} teams"
    )
    print(
        f"busiest team {busiest['name']} ({busiest['all_rows']:,} due dates, {busiest['relevant']:,} open due by "
        f"{soon}); typical {typical['name']} ({typical['all_rows']:,}, {typical['relevant']:,}); busiest worker "
        f"{worker_row['n']} open due by {soon}"
    )

    clients = {}
    for _, user, _, _ in pages:
        if user.pk not in clients:
            client = Client()
            client.force_login(user)
            clients[user.pk] = client
    floor_client = clients[worker.pk]

    def urls_of(url, tabbed):
        return [f"{url}?show={tab}" for tab in TABS] if tabbed else [url]

    # Warm up connections, caches and templates.
    for _ in range(10):
        timed(floor_client, "/health/")
        for _, user, url, tabbed in pages:
            for each in urls_of(url, tabbed):
                timed(clients[user.pk], each)

    query_counts = {}
    for name, user, url, tabbed in pages:
        query_counts[name] = {}
        for each in urls_of(url, tabbed):
            with CaptureQueriesContext(connection) as captured:
                timed(clients[user.pk], each)
            query_counts[name][each.split("?show=")[-1] if tabbed else "page"] = len(captured)

    if args.explain:
        with CaptureQueriesContext(connection) as captured:
            timed(clients[pages[0][1].pk], pages[0][2])
        explain([(q["sql"], None) for q in captured.captured_queries if "kernel_deadline" in q["sql"]])

    floor = [timed(floor_client, "/health/") for _ in range(args.iterations)]
    results_pages = [summarise("trivial view (floor)", floor)]
    by_tab = {}
    for name, user, url, tabbed in pages:
        urls = urls_of(url, tabbed)
        timings = []
        for i in range(args.iterations):
            each = urls[i % len(urls)]
            elapsed = timed(clients[user.pk], each)
            timings.append(elapsed)
            if tabbed:
                by_tab.setdefault(f"{name}: {each.split('?show=')[-1].replace('_', ' ')}", []).append(elapsed)
        results_pages.append(summarise(name, timings))
    results_pages += [summarise(label, values) for label, values in by_tab.items()]
    floor_p50 = results_pages[0]["p50_ms"]
    for page in results_pages:
        page["ratio_to_floor_p50"] = round(page["p50_ms"] / floor_p50, 1) if floor_p50 else None
        base = page["page"].split(": ")
        queries = query_counts.get(base[0])
        if queries:
            page["queries"] = (
                queries.get(base[1].replace(" ", "_"), max(queries.values()))
                if len(base) > 1
                else f"{min(queries.values())}–{max(queries.values())}"
                if len(set(queries.values())) > 1
                else next(iter(queries.values()))
            )

    results = {
        "database": connection.vendor,
        "children": children,
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "rows": counts,
        "queries": query_counts,
        "pages": results_pages,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(f"\n{results['database']}, {children:,} children, {results['date']}\n")
    print("| page | requests | queries | p50 ms | p95 ms | p99 ms | × floor (p50) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for page in results_pages:
        print(
            f"| {page['page']} | {page['requests']} | {page.get('queries', '')} | {page['p50_ms']} | "
            f"{page['p95_ms']} | {page['p99_ms']} | {page['ratio_to_floor_p50']} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
