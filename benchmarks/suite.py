"""The benchmark suite: every measured path on one synthetic authority, in one command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench100 \\
        .venv/bin/python benchmarks/suite.py --children 100000 --generate

Makes the authority if the database is empty (reporting the time it took and the database's
size), then runs, each in its own process against that database:

- benchmarks/bench_pages.py: the trivial view (the floor), the child's record (random
  children, and children with a 500-event chronology), search of five kinds, the front-door
  queue;
- benchmarks/bench_search.py: search kind by kind (exact, misspelt, reversed and partial names,
  surname alone, date of birth alone and with a name, NHS number, UPN, postcode alone and
  with a surname), with its own floor and query counts, in a transaction rolled back;
- benchmarks/bench_dashboards.py: the team (busiest and typical), worker and service
  timescale dashboards (it adds due dates if the database has none);
- benchmarks/bench_homes.py: where practitioners start: a social worker's caseload (nearest
  30 children), a team's (nearest 400) and the front-door queue, with their query counts;
- benchmarks/bench_returns.py: SSDA903 and the CIN census built and written;
- benchmarks/bench_intake.py: contacts sent through the API under concurrent load to a
  gunicorn server on this database, for --intake-duration seconds at --intake-rate, with the
  CPU per contact of the server processes; then the same acknowledged first (`Prefer:
  respond-async`) with gunicorn on CPU 0 and one db_worker on CPU 1 (--pin); then 200
  contacts made in process under the profiler (--profile), for the CPU of each part;
- benchmarks/bench_networks.py: a child's exploitation network (3 steps, 12 months), adding
  --associations synthetic associations first if the database has fewer;
- benchmarks/bench_education.py: the nightly relevant-child check over every registered pupil,
  run twice (every child new, then nothing changed);
- benchmarks/bench_report.py: the safeguarding partnership's yearly report for the last whole
  year, its figures counted, HTML and PDF, three times.

It prints one table (p50, p95, p99, the ratio to the floor measured in the same process,
throughput, each process's peak memory, and the goal with whether it was met) and writes every
figure to benchmarks/results/suite-<children>-<date>.json. Speed is measured here, never
asserted in tests. Only synthetic data: the database must hold a generated authority.

Options: --iterations (requests per page, default 300; search: a fifth of it per kind), --seed,
--skip pages,search,dashboards,homes,returns,intake,education,networks,report, --associations
(default 200000), --intake-rate (default 200), --intake-duration (default 60 s), --year.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable

# The goals of the issues on the system at authority scale (docs/benchmarks.md); issue 24 set
# the child's record at p95 under 25 ms and p50 at most 3 × the floor, and search at p95 under
# 30 ms for every kind.
GOALS = {
    "child record": ("p95_ms", 25, "p95 under 25 ms and p50 at most 3 × the floor"),
    "child record, 500-event chronology": ("p95_ms", 25, "p95 under 25 ms and p50 at most 3 × the floor"),
    "search (all kinds)": ("p95_ms", 30, "p95 under 30 ms"),
    "front-door queue": ("p95_ms", 100, "p95 under 100 ms (as the dashboards)"),
    "team page, busiest team": ("p95_ms", 100, "p95 under 100 ms"),
    "team page, typical team": ("p95_ms", 100, "p95 under 100 ms"),
    "worker page, busiest worker": ("p95_ms", 100, "p95 under 100 ms"),
    "service page": ("p95_ms", 100, "p95 under 100 ms"),
    "child network, 3 steps, 12 months": ("p95_ms", 200, "p95 under 200 ms at 200,000 associations"),
}
# The home pages are named with their size ("caseload, 30 children"): goals by the name's start.
PREFIX_GOALS = {
    "search:": ("p95_ms", 30, "p95 under 30 ms"),
    "search, every kind": ("p95_ms", 30, "p95 under 30 ms"),
    "caseload,": ("p95_ms", 100, "p95 under 100 ms, fixed queries"),
    "team caseload,": ("p95_ms", 100, "p95 under 100 ms, fixed queries"),
    "front-door queue,": ("p95_ms", 100, "p95 under 100 ms, fixed queries"),
}
FLOOR_RATIO_GOAL = {"child record": 3, "child record, 500-event chronology": 3}


def run(name, command, env, log):
    """Run one benchmark; returns its JSON figures, or None if it failed."""
    out = RESULTS / f".suite-{name}.json"
    out.unlink(missing_ok=True)
    log(f"--> {name}: {' '.join(command[1:])}")
    started = time.perf_counter()
    done = subprocess.run(command + ["--json", str(out)], env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not out.exists():
        log(f"    {name} failed (exit {done.returncode}) after {seconds:.0f} s")
        return None
    figures = json.loads(out.read_text())
    out.unlink()
    figures["wall_s"] = round(seconds, 1)
    return figures


def prepare(args, env, log):
    """Migrate, and generate the authority if the database is empty: (children, figures)."""
    code = (
        "import django, json, time; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.db import connection\n"
        "from people.models import Person\n"
        "call_command('migrate', verbosity=0)\n"
        "made = None\n"
        f"if {args.generate!r} and not Person.objects.exists():\n"
        "    started = time.perf_counter()\n"
        f"    call_command('generate_authority', children={args.children}, seed={args.seed})\n"
        "    made = round(time.perf_counter() - started, 1)\n"
        "size = None\n"
        "if connection.vendor == 'postgresql':\n"
        "    with connection.cursor() as c:\n"
        "        c.execute('SELECT pg_database_size(current_database())'); size = c.fetchone()[0]\n"
        "import resource\n"
        "print(json.dumps({'children': Person.objects.filter(kind='child').count(), 'people': Person.objects.count(),"
        " 'generated_s': made, 'database_bytes': size, 'vendor': connection.vendor,"
        " 'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))\n"
    )
    log("--> migrating" + (" and generating the authority if the database is empty" if args.generate else ""))
    done = subprocess.run([PYTHON, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    for line in done.stdout.splitlines()[:-1]:
        log(line)
    return json.loads(done.stdout.splitlines()[-1])


def rows(results):
    """(section, page, p50, p95, p99, × floor, throughput per s, peak MB, goal, met) rows."""
    table = []
    for section in ("pages", "search", "dashboards", "homes", "networks"):
        figures = results.get(section)
        if not figures:
            continue
        pages = figures.get("pages", [])
        floor = next((p for p in pages if "floor" in p["page"]), None)
        for page in pages:
            ratio = round(page["p50_ms"] / floor["p50_ms"], 1) if floor and floor["p50_ms"] else None
            goal = GOALS.get(page["page"]) or next(
                (value for prefix, value in PREFIX_GOALS.items() if page["page"].startswith(prefix)), None
            )
            met = None
            if goal:
                met = page[goal[0]] < goal[1]
                if page["page"] in FLOOR_RATIO_GOAL and floor:
                    met = met and page["p50_ms"] <= FLOOR_RATIO_GOAL[page["page"]] * floor["p50_ms"]
            throughput = round(1000 / page["p50_ms"], 1) if page.get("p50_ms") else None
            table.append(
                (
                    section,
                    page["page"],
                    page["p50_ms"],
                    page["p95_ms"],
                    page["p99_ms"],
                    ratio,
                    throughput,
                    figures.get("peak_rss_mb"),
                    goal[2] if goal else "",
                    met,
                )
            )
    returns = results.get("returns")
    if returns:
        both = returns["both_median_s"]
        table.append(
            (
                "returns",
                "SSDA903 + CIN census, built and written",
                round(both * 1000),
                None,
                None,
                None,
                None,
                returns.get("peak_rss_mb"),
                "under 10 s",
                both < 10,
            )
        )
    floor = next((p for p in (results.get("pages") or {}).get("pages", []) if "floor" in p["page"]), None)
    intake = results.get("intake")
    if intake:
        achieved = intake.get("throughput_per_s")
        latency = intake.get("latency_ms_service", {})
        rate = intake.get("settings", {}).get("rate")
        cpu = (intake.get("cpu") or {}).get("server_per_contact") or {}
        table.append(
            (
                "intake",
                f"contacts through the API, {rate}/s offered; CPU per contact: gunicorn "
                f"{cpu.get('python_ms')} ms, its PostgreSQL backends {cpu.get('postgres_ms')} ms",
                latency.get("p50"),
                latency.get("p95"),
                latency.get("p99"),
                round(latency["p50"] / floor["p50_ms"], 1) if floor and latency.get("p50") else None,
                achieved,
                None,
                "at least 200 contacts/s; under 10 ms of server CPU a contact",
                bool(achieved and achieved >= 200 and cpu.get("python_ms") and cpu["python_ms"] < 10),
            )
        )
    pinned = results.get("intake_pinned")
    if pinned:
        latency = pinned.get("latency_ms_service", {})
        made = pinned.get("processing", {})
        ack_cpu = (pinned.get("cpu") or {}).get("server_per_contact") or {}
        worker_cpu = (pinned.get("cpu") or {}).get("workers_per_contact") or {}
        table.append(
            (
                "intake",
                f"acknowledged first (202), gunicorn on CPU 0: CPU per ack {ack_cpu.get('python_ms')} ms; one "
                f"db_worker on CPU 1 made {made.get('per_s')}/s at {worker_cpu.get('python_ms')} ms a contact, "
                f"backlog drained {made.get('drain_s_after_load')} s after the load",
                latency.get("p50"),
                latency.get("p95"),
                latency.get("p99"),
                round(latency["p50"] / floor["p50_ms"], 1) if floor and latency.get("p50") else None,
                pinned.get("throughput_per_s"),
                None,
                "200 acknowledgements/s on one core",
                bool(pinned.get("throughput_per_s") and pinned["throughput_per_s"] >= 200),
            )
        )
    profiled = (results.get("intake_profile") or {}).get("profile", {}).get("sync")
    if profiled:
        table.append(
            (
                "intake",
                f"one contact in process (profile): {profiled['queries']:g} queries, CPU "
                f"{profiled['python_cpu_ms_unprofiled']} ms Python + {profiled['postgres_cpu_ms_unprofiled']} ms "
                "PostgreSQL",
                None,
                None,
                None,
                None,
                None,
                None,
                "under 10 ms of CPU a contact",
                profiled["python_cpu_ms_unprofiled"] < 10,
            )
        )
    education = results.get("education")
    if education:
        for run in education.get("runs", []):
            table.append(
                (
                    "education",
                    f"nightly relevant-child check, {run['run']}: {run['checked']:,} pupils, "
                    f"{run['flagged']:,} flagged, {run['queries']:,} queries",
                    round(run["seconds"] * 1000),
                    None,
                    None,
                    None,
                    round(run["checked"] / run["seconds"]) if run["seconds"] else None,
                    run.get("peak_rss_mb"),
                    "under 60 s at 500,000 children",
                    run["seconds"] < 60 if results["authority"]["children"] >= 500_000 else None,
                )
            )
    report = results.get("report")
    if report:
        median, big = report["median"], results["authority"]["children"] >= 500_000
        table.append(
            (
                "report",
                f"partnership yearly report, {report['figures']} figures: counted {median['count_s']} s, "
                f"HTML {median['html_s']} s, PDF {median['pdf_s']} s (median of {len(report['runs'])})",
                round(median["total_s"] * 1000),
                round(report["slowest_total_s"] * 1000),
                None,
                None,
                None,
                report.get("peak_mb"),
                "HTML and PDF under 60 s at 500,000 children",
                report["slowest_total_s"] < 60 if big else None,
            )
        )
    return table


def print_table(table, log):
    log("| Section | Path | p50 ms | p95 ms | p99 ms | × floor (p50) | per second | peak MB | Goal | Met |")
    log("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
    for section, page, p50, p95, p99, ratio, throughput, peak, goal, met in table:
        shown = [
            "" if value is None else f"{value:,}" if isinstance(value, (int, float)) else str(value)
            for value in (p50, p95, p99, ratio, throughput, peak)
        ]
        log(
            f"| {section} | {page} | "
            + " | ".join(shown)
            + f" | {goal} | {'' if met is None else 'yes' if met else 'no'} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=10_000, help="size to generate with --generate")
    parser.add_argument("--generate", action="store_true", help="generate the authority if the database is empty")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated: pages, search, dashboards, homes, returns, intake, education, networks, report",
    )
    parser.add_argument(
        "--associations", type=int, default=200_000, help="exploitation associations for the networks section"
    )
    parser.add_argument("--intake-rate", type=float, default=200.0)
    parser.add_argument("--intake-duration", type=float, default=60.0)
    parser.add_argument("--year", type=int, default=None, help="the returns' collection year (default: in progress)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the suite measures the production database)")
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="safeguarding.settings", PYTHONPATH=str(ROOT))
    lines = []

    def log(line):
        print(line, flush=True)
        lines.append(line)

    started = time.perf_counter()
    results = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "authority": prepare(args, env, log)}
    if not results["authority"]["children"]:
        sys.exit("No children in this database: run with --generate --children N")
    common = ["--iterations", str(args.iterations)]
    if "pages" not in skip:
        results["pages"] = run(
            "pages", [PYTHON, "benchmarks/bench_pages.py", "--seed", str(args.seed)] + common, env, log
        )
    if "search" not in skip:
        per_kind = ["--iterations", str(max(20, args.iterations // 5))]
        results["search"] = run(
            "search", [PYTHON, "benchmarks/bench_search.py", "--seed", str(args.seed)] + per_kind, env, log
        )
    if "dashboards" not in skip:
        results["dashboards"] = run(
            "dashboards", [PYTHON, "benchmarks/bench_dashboards.py", "--seed", str(args.seed)] + common, env, log
        )
    if "homes" not in skip:
        results["homes"] = run("homes", [PYTHON, "benchmarks/bench_homes.py"] + common, env, log)
    if "returns" not in skip:
        year = ["--year", str(args.year)] if args.year else []
        results["returns"] = run("returns", [PYTHON, "benchmarks/bench_returns.py", "--runs", "3"] + year, env, log)
    if "intake" not in skip:
        results["intake"] = run(
            "intake",
            [
                PYTHON,
                "benchmarks/bench_intake.py",
                "--database-url",
                url,
                "--rate",
                str(args.intake_rate),
                "--duration",
                str(args.intake_duration),
                "--workers",
                "3",
                "--threads",
                "2",
            ],
            env,
            log,
        )
        results["intake_pinned"] = run(
            "intake-pinned",
            [
                PYTHON,
                "benchmarks/bench_intake.py",
                "--database-url",
                url,
                "--rate",
                str(args.intake_rate),
                "--duration",
                str(min(args.intake_duration, 30)),
                "--async",
                "--pin",
                "--workers",
                "2",
                "--threads",
                "2",
                "--db-workers",
                "1",
            ],
            env,
            log,
        )
        results["intake_profile"] = run(
            "intake-profile",
            [PYTHON, "benchmarks/bench_intake.py", "--database-url", url, "--profile", "200"],
            env,
            log,
        )
    if "education" not in skip:
        results["education"] = run("education", [PYTHON, "benchmarks/bench_education.py"], env, log)
    if "networks" not in skip:
        networks = ["--iterations", str(args.iterations), "--associations", str(args.associations)]
        results["networks"] = run("networks", [PYTHON, "benchmarks/bench_networks.py"] + networks, env, log)
    if "report" not in skip:
        results["report"] = run("report", [PYTHON, "benchmarks/bench_report.py"], env, log)
    results["wall_s"] = round(time.perf_counter() - started, 1)
    authority = results["authority"]
    size = f", database {authority['database_bytes'] / 2**30:.1f} GB" if authority.get("database_bytes") else ""
    made = f", generated in {authority['generated_s']:,} s" if authority.get("generated_s") else ""
    log(
        f"\n{authority['children']:,} children ({authority['people']:,} people){made}{size}; "
        f"{results['cpus']} CPUs; {results['date']}\n"
    )
    print_table(rows(results), log)
    out = RESULTS / f"suite-{authority['children']}-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2))
    log(f"\nFigures written to {out.relative_to(ROOT)} ({results['wall_s']:,} s in all)")


if __name__ == "__main__":
    main()
