"""Load benchmark of contact intake through the partner API, on PostgreSQL.

Sets up a benchmark database (created if missing, migrated, with a local authority's MASH team,
the example threshold document published, and a school with an API token that may send
contacts), starts the service under gunicorn on 127.0.0.1, and drives an open-loop load at a
target rate: submissions are sent on a fixed schedule whatever the answers, from a few
generator processes with keep-alive connections. A fraction of submissions are sent twice with
the same Idempotency-Key, the second copy a few milliseconds after the first, so that many
arrive while the first is still being stored. Then it reports the throughput achieved,
latency percentiles (from the scheduled send time, so a slow server cannot hide its queue),
errors, and the integrity check: the contacts stored for this run's keys must be exactly the
distinct keys acknowledged with 201 (none lost, none duplicated), and both copies of a retried
submission must have been answered with the same contact.

    .venv/bin/python benchmarks/bench_intake.py                  # 200 contacts/s for 300 s
    .venv/bin/python benchmarks/bench_intake.py --duration 30    # a shorter run
    .venv/bin/python benchmarks/bench_intake.py --queries        # also count queries per contact
    .venv/bin/python benchmarks/bench_intake.py --async --db-workers 2   # Prefer: respond-async
    .venv/bin/python benchmarks/bench_intake.py --async --db-worker-nice 19  # workers yield to acknowledging
    .venv/bin/python benchmarks/bench_intake.py --async --pin --workers 2 --threads 2 --db-workers 1
    .venv/bin/python benchmarks/bench_intake.py --profile 200          # no load: where a contact's CPU goes
    .venv/bin/python benchmarks/bench_intake.py --profile 200 --async  # the ack, then the worker's job

With --async the submissions are sent with `Prefer: respond-async` and acknowledged with 202;
`manage.py db_worker` processes (--db-workers) make the contacts during the run, against the
same database. It reports the acknowledgement throughput and latency, the processing
throughput (contacts made per second by the workers), how long the backlog took to drain
after the load stopped, and the integrity check: every acknowledged key is exactly one
submission, both copies of a retried one were answered with the same submission, and after
draining each is exactly one contact (and the run made no other contacts).

CPU: every run reports the CPU of the server side only, per contact: gunicorn's master and
workers (utime + stime from /proc/<pid>/stat, from when it answers /health/ to when the load
stops) and, with --async, the db_workers' (from their start until the backlog is drained), each
with its PostgreSQL backends apart (found by application name: PGAPPNAME bench-intake-server or
bench-intake-worker; they keep their connections for the run). The load generators' CPU is
reported, not counted.

--pin (with --async): gunicorn under `taskset -c 0`, the db_workers under `taskset -c 1`, and the
load generators on CPU 1 too (--generator-cpus to choose), so that CPU 0 carries only the
acknowledging; PostgreSQL is not pinned. On a 2-core machine the generators must share a core
with something: with the workers, so that the acknowledgement figure is the one core's.

--profile N: no load; N contacts made one at a time in this process through the API (Django's
test client, so middleware, DRF, the view and the service) after 20 to warm up, the process
started as the server starts (kernel.startup.settle: the URL patterns loaded, then gc.freeze()): the CPU per
contact of this process and of its PostgreSQL backend, queries per contact, the CPU of each part
(CPU_PARTS, process_time around a few wrapped functions), and cProfile's parts and top functions
(wall time). With --async: the acknowledgements, then the worker's jobs (frontdoor.tasks.process).

Options: --rate, --duration, --retry-fraction, --workers and --threads (gunicorn), --generators
and --connections (per generator), --database-url (default postgres://postgres@127.0.0.1:5432/
sg_bench_intake), --port. Results are printed as a table and written to benchmarks/results/.
Only loopback addresses are used. Every loop is bounded: the run stops by itself.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sg_bench_intake"

GIVEN = ["Alex", "Sam", "Robin", "Jordan", "Casey", "Morgan", "Riley", "Jamie", "Taylor", "Charlie", "Quinn", "Rowan"]
FAMILY = ["Benchwood", "Loadford", "Testington", "Sampleby", "Synthmoor", "Mockridge", "Fakeham", "Dummerton"]


# --- Setting up ---------------------------------------------------------------------------


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def set_up(url):
    """Migrate and make the agency, token and threshold document; returns the token."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from frontdoor import services
    from frontdoor.models import ThresholdDocument
    from partners.models import Agency, Team, User
    from partners.tokens import issue_token

    call_command("migrate", verbosity=0)
    council, _ = Agency.objects.get_or_create(
        name="Benchshire County Council", kind=Agency.Kind.LOCAL_AUTHORITY, defaults={"la_code": "998"}
    )
    mash, _ = Team.objects.get_or_create(agency=council, name="Benchshire MASH", defaults={"function": "MASH"})
    manager = User.objects.filter(username="bench-mash-manager").first() or User.objects.create_user(
        username="bench-mash-manager",
        password=None,
        role=User.Role.MASH_MANAGER,
        agency=council,
        team=mash,
        first_name="Bench",
        last_name="Manager",
    )
    if not ThresholdDocument.objects.filter(status=ThresholdDocument.Status.PUBLISHED).exists():
        services.load_threshold_document(manager)
    school, _ = Agency.objects.get_or_create(
        name="Benchshire Primary School", kind=Agency.Kind.SCHOOL, defaults={"urn": "199999"}
    )
    _, token = issue_token(school, f"Load benchmark {time.strftime('%Y-%m-%d %H:%M:%S')}", ["contacts:create"])
    connections.close_all()
    return token


def count_queries(token, samples=50):
    """Queries made by one contact submission, and its time, one at a time in this process
    with Django's test client (no network, no concurrency)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    rng = random.Random(7)
    counts, tables, timings = [], {}, []
    earlier = []
    for i in range(samples):
        body = json.dumps(make_body(rng, i, earlier))
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/api/v1/contacts/",
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY=f"queries-{uuid.uuid4()}",
            )
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content
        counts.append(len(captured))
        if i == samples - 1:
            for query in captured.captured_queries:
                sql = query["sql"]
                verb = sql.split()[0].upper()
                table = next(
                    (
                        word.strip('"')
                        for word in sql.replace("(", " ").split()
                        if word.strip('"').startswith(
                            ("frontdoor_", "people_", "audit_", "chronology_", "partners_", "kernel_")
                        )
                    ),
                    "",
                )
                tables[f"{verb} {table}".strip()] = tables.get(f"{verb} {table}".strip(), 0) + 1
    return counts, dict(sorted(tables.items(), key=lambda item: -item[1])), timings


def pinned(cpus):
    """The command prefix that keeps a process (and its children) on these CPUs, e.g. "1"."""
    return ["taskset", "-c", cpus] if cpus else []


def start_db_workers(url, count, attachment_root, niceness=0, cpus=None):
    """`manage.py db_worker` processes against the benchmark database, each in its own session,
    at the given niceness (so that, on a small machine, acknowledging comes first), on the
    given CPUs (taskset) if any. They keep their database connections (so that their
    PostgreSQL backends' CPU can be counted) and name them bench-intake-worker."""
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="600",
        PGAPPNAME="bench-intake-worker",
        SAFEGUARDING_ENV="development",
        DJANGO_DEBUG="0",
        SAFEGUARDING_ATTACHMENT_ROOT=str(attachment_root),
        LOG_LEVEL="WARNING",
    )
    return [
        subprocess.Popen(
            pinned(cpus)
            + [
                "nice",
                "-n",
                str(niceness),
                str(ROOT / ".venv" / "bin" / "python"),
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "--worker-id",
                f"bench-{n}",
                "-v",
                "0",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        for n in range(count)
    ]


def backlog(url, run_id):
    """(waiting, processed, failed) submissions of the run."""
    import psycopg

    with psycopg.connect(url) as connection:
        rows = dict(
            connection.execute(
                "SELECT status, count(*) FROM frontdoor_contactsubmission "
                "WHERE idempotency_key LIKE %s GROUP BY status",
                [f"{run_id}-%"],
            ).fetchall()
        )
    return rows.get("received", 0), rows.get("processed", 0), rows.get("failed", 0)


def drain(url, run_id, timeout):
    """Wait (bounded) for the run's submissions to be processed; returns (seconds, timed out)."""
    started = time.time()
    while time.time() - started < timeout:
        if backlog(url, run_id)[0] == 0:
            return time.time() - started, False
        time.sleep(0.25)
    return time.time() - started, True


def processing(url, run_id):
    """The workers' throughput from the database: contacts made per second, from the first
    submission received to the last one processed."""
    import psycopg

    with psycopg.connect(url) as connection:
        first, last, made = connection.execute(
            "SELECT min(received_at), max(processed_at), count(contact_id) FROM frontdoor_contactsubmission "
            "WHERE idempotency_key LIKE %s",
            [f"{run_id}-%"],
        ).fetchone()
        lag = connection.execute(
            "SELECT percentile_cont(ARRAY[0.5, 0.95, 1.0]) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at)) "  # noqa: E501
            "FROM frontdoor_contactsubmission WHERE idempotency_key LIKE %s AND contact_id IS NOT NULL",
            [f"{run_id}-%"],
        ).fetchone()[0]
    span = (last - first).total_seconds() if first and last else 0
    return {
        "contacts_made": made,
        "span_s": round(span, 1),
        "per_s": round(made / span, 1) if span else 0,
        "received_to_made_s": {p: round(v, 1) for p, v in zip(("p50", "p95", "max"), lag or [], strict=False)}
        if lag
        else {},  # noqa: E501
    }


def start_server(url, port, workers, threads, attachment_root, cpus=None):
    """gunicorn on 127.0.0.1, on the given CPUs (taskset) if any; its database connections are
    named bench-intake-server."""
    env = dict(
        os.environ,
        DATABASE_URL=url,
        PGAPPNAME="bench-intake-server",
        DATABASE_CONN_MAX_AGE="600",
        SAFEGUARDING_ENV="development",
        DJANGO_DEBUG="0",
        SAFEGUARDING_ATTACHMENT_ROOT=str(attachment_root),
        LOG_LEVEL="WARNING",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    command = pinned(cpus) + [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "safeguarding.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(300):  # up to 30 s
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        time.sleep(0.1)
    stop_server(server)
    raise SystemExit("gunicorn did not answer /health/ within 30 s")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- CPU per contact, and where it goes -----------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), from /proc/<pid>/stat; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15)


def child_pids(pid):
    """The direct children of a process (gunicorn's workers of its master)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def backend_pids(url, application_name):
    """PostgreSQL backends of the benchmark database opened by processes started with
    PGAPPNAME=application_name (libpq reads it), so that their CPU is counted apart."""
    import psycopg

    with psycopg.connect(url) as connection:
        return [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
            ).fetchall()
        ]


class CpuMeter:
    """CPU seconds of a set of processes between start() and stop(): Python processes given by
    pid (read at both ends), and PostgreSQL backends found by application name at the end
    (opened during the run, so all their CPU is the run's; one closed before the end is missed,
    which is why the servers and workers keep their connections, DATABASE_CONN_MAX_AGE)."""

    def __init__(self, url, application_name, pids):
        self.url, self.application_name, self.pids = url, application_name, pids
        self.before, self.python, self.postgres = {}, None, None

    def start(self):
        self.before = {pid: cpu_seconds(pid) or 0.0 for pid in self.pids()}
        return self

    def stop(self):
        after = {pid: cpu_seconds(pid) for pid in self.pids()}
        self.python = sum((after[pid] or 0.0) - self.before.get(pid, 0.0) for pid in after)
        self.postgres = sum(cpu_seconds(pid) or 0.0 for pid in backend_pids(self.url, self.application_name))
        return self

    def per(self, count):
        if not count or self.python is None:
            return {}
        return {
            "python_ms": round(self.python * 1000 / count, 2),
            "postgres_ms": round(self.postgres * 1000 / count, 2),
            "total_ms": round((self.python + self.postgres) * 1000 / count, 2),
            "python_s": round(self.python, 2),
            "postgres_s": round(self.postgres, 2),
            "count": count,
        }


# Where a contact's time goes: cumulative time of these functions (file ending, function name).
PROFILE_PARTS = [
    ("the whole request (test client to response)", "django/test/client.py", "request"),
    ("token authentication", "partners/tokens.py", "authenticate"),
    ("body validation (DRF ContactIn)", "rest_framework/serializers.py", "is_valid"),
    ("receive_contact (the transaction)", "frontdoor/services.py", "receive_contact"),
    ("  checks (check_contact, files)", "frontdoor/services.py", "_checked_contact"),
    ("  matching and recording people", "frontdoor/services.py", "match_or_record_people"),
    ("    people.services.record_people", "people/services.py", "record_people"),
    ("  pattern alerts", "frontdoor/services.py", "pattern_alerts_for"),
    ("    households and siblings", "people/services.py", "households_and_siblings"),
    ("  chronology entries", "chronology/services.py", "record_events"),
    ("  front-door involvements", "frontdoor/services.py", "_open_front_door_involvements"),
    ("  audit of the contact", "audit/services.py", "record_creation"),
    ("the answer (contact_answer)", "frontdoor/api/views.py", "contact_answer"),
    ("the ack (receive_contact_submission)", "frontdoor/services.py", "receive_contact_submission"),
    ("the worker's job (tasks.process)", "frontdoor/tasks.py", "process"),
    ("ORM: compiling SQL", "django/db/models/sql/compiler.py", "as_sql"),
    ("ORM: executing (round trips included)", "django/db/backends/utils.py", "_execute"),
    ("ORM: bulk_create", "django/db/models/query.py", "bulk_create"),
]


# The same parts measured in CPU time (time.process_time) without cProfile: each function is
# wrapped, and its CPU time (its own process's, not PostgreSQL's; waiting costs nothing) added
# up, the outermost call only. (module, attribute path, label); the ORM's compiling and
# executing are wrapped too, so that the Python spent on them shows.
CPU_PARTS = [
    ("partners.tokens", "ApiTokenAuthentication.authenticate", "token authentication (1 query)"),
    ("frontdoor.selectors", "submission_with_key", "the Idempotency-Key look-up (1 query)"),
    ("rest_framework.serializers", "BaseSerializer.is_valid", "body validation (DRF ContactIn)"),
    ("frontdoor.services", "receive_contact", "receive_contact, the transaction (COMMIT included)"),
    ("frontdoor.services", "_checked_contact", "  checks (check_contact, files)"),
    ("frontdoor.services", "match_or_record_people", "  matching and recording people"),
    ("people.services", "record_people", "    people.services.record_people"),
    ("frontdoor.services", "_open_front_door_involvements", "  front-door involvements"),
    ("frontdoor.services", "record_events", "  chronology entries (one INSERT)"),
    ("frontdoor.services", "pattern_alerts_for", "  pattern alerts"),
    ("people.services", "households_and_siblings", "    households and siblings"),
    ("audit.services", "record_many", "  audit entries (one INSERT)"),
    ("frontdoor.services", "insert_together", "  rows written together, PostgreSQL (one statement)"),
    ("frontdoor.services", "next_id", "  the submission's id (nextval)"),
    ("frontdoor.api.views", "contact_answer", "the answer (contact_answer)"),
    ("frontdoor.services", "receive_contact_submission", "the ack (receive_contact_submission)"),
    ("django.db.models.sql.compiler", "SQLCompiler.as_sql", "ORM: compiling SQL (any query)"),
    ("django.db.backends.utils", "CursorWrapper._execute", "ORM: executing, this process's CPU"),
]


def cpu_parts():
    """Wrap CPU_PARTS; returns (totals {label: seconds}, undo)."""
    import functools
    import importlib

    totals, undo = {}, []
    for module_name, path, label in CPU_PARTS:
        owner = importlib.import_module(module_name)
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part)
        original = owner.__dict__[name]
        depth = [0]

        def wrapped(*args, _original=original, _label=label, _depth=depth, **kwargs):
            if _depth[0]:
                return _original(*args, **kwargs)
            _depth[0] += 1
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_label] = totals.get(_label, 0.0) + time.process_time() - started
                _depth[0] -= 1

        setattr(owner, name, functools.wraps(original)(wrapped))
        undo.append((owner, name, original))

    def restore():
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)

    return totals, restore


def profile_parts(stats, count):
    """[(part, ms per contact)] from a pstats.Stats, by the cumulative time of PROFILE_PARTS
    (the outermost calls only: a recursive function's time is counted once)."""
    rows = []
    for label, filename, name in PROFILE_PARTS:
        total = sum(
            cumulative
            for (path, _, function), (_, _, _, cumulative, _) in stats.stats.items()
            if function == name and path.endswith(filename)
        )
        if total:
            rows.append((label, round(total * 1000 / count, 2)))
    return rows


def top_functions(stats, limit=25):
    """[(ms per call site total, calls, 'file:line(function)')] by own time."""
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:limit]
    out = []
    for (path, line, function), (_, calls, own, _, _) in rows:
        short = path.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        out.append((own, calls, f"{short}:{line}({function})"))
    return out


def profile_contacts(token, url, count, async_=False):
    """Make `count` contacts in this process through the API (Django's test client: middleware,
    DRF, the service, one at a time, after 20 to warm up), under cProfile; with async_, the ack
    (202) and then the worker's job (frontdoor.tasks.process) for each. Returns the figures:
    CPU per contact of this process and of its PostgreSQL backend, queries, the parts and the
    top functions."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    from django.conf import settings

    from frontdoor import tasks
    from kernel.startup import settle

    settle()  # as safeguarding.wsgi does when the server starts: the URL patterns loaded, then gc.freeze()

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    rng = random.Random(11)
    earlier = []
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if async_:
        headers["HTTP_PREFER"] = "respond-async"

    def send(i):
        response = client.post(
            "/api/v1/contacts/",
            data=json.dumps(make_body(rng, i, earlier)),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"profile-{uuid.uuid4()}",
            **headers,
        )
        assert response.status_code == (202 if async_ else 201), response.content
        return response

    def process_waiting():
        from frontdoor.models import ContactSubmission

        waiting = list(
            ContactSubmission.objects.filter(
                status=ContactSubmission.Status.RECEIVED, idempotency_key__startswith="profile-"
            ).values_list("pk", flat=True)
        )
        for pk in waiting:
            assert tasks.process(pk) == "processed"
        return len(waiting)

    for i in range(20):
        send(i)
    if async_:
        process_waiting()
    backend = connection.cursor().connection.info.backend_pid
    results = {}
    phases = [("ack" if async_ else "sync", lambda: [send(20 + i) for i in range(count)])]
    if async_:
        phases.append(("worker", process_waiting))
    for phase, run in phases:
        profiler = cProfile.Profile()  # wall time: waiting for PostgreSQL shows in psycopg's wait()
        cpu, backend_cpu, wall = time.process_time(), cpu_seconds(backend), time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            run()
            profiler.disable()
        cpu, backend_cpu = time.process_time() - cpu, cpu_seconds(backend) - backend_cpu
        wall = time.perf_counter() - wall
        stats = pstats.Stats(profiler)
        if os.environ.get("BENCH_PROFILE_DUMP"):
            stats.dump_stats(f"{os.environ['BENCH_PROFILE_DUMP']}-{phase}.prof")
        results[phase] = {
            "contacts": count,
            "python_cpu_ms": round(cpu * 1000 / count, 2),
            "postgres_cpu_ms": round(backend_cpu * 1000 / count, 2),
            "wall_ms": round(wall * 1000 / count, 2),
            "queries": round(len(captured) / count, 2),
            "parts_ms": profile_parts(stats, count),
            "top_own_time": [
                (round(own * 1000 / count, 3), round(calls / count, 1), where)
                for own, calls, where in top_functions(stats)
            ],
        }
    # And without the profiler (it doubles the Python time): the plain CPU per contact, and then
    # the CPU of each part (CPU_PARTS, a few wrapped functions: next to no overhead).
    for phase, run in phases:
        cpu, backend_cpu = time.process_time(), cpu_seconds(backend)
        run()
        results[phase]["python_cpu_ms_unprofiled"] = round((time.process_time() - cpu) * 1000 / count, 2)
        results[phase]["postgres_cpu_ms_unprofiled"] = round((cpu_seconds(backend) - backend_cpu) * 1000 / count, 2)
    for phase, run in phases:
        totals, restore = cpu_parts()
        cpu = time.process_time()
        try:
            run()
        finally:
            restore()
        results[phase]["cpu_parts_ms"] = [
            ("the whole request", round((time.process_time() - cpu) * 1000 / count, 2))
        ] + [(label, round(totals[label] * 1000 / count, 2)) for _, _, label in CPU_PARTS if totals.get(label)]
    return results


def print_profile(results):
    for phase, figures in results.items():
        print(
            f"\n{phase}: {figures['contacts']} contacts in process, one at a time. CPU per contact without the "
            f"profiler: Python {figures['python_cpu_ms_unprofiled']} ms, its PostgreSQL backend "
            f"{figures['postgres_cpu_ms_unprofiled']} ms; {figures['queries']:g} queries. Under cProfile: Python "
            f"{figures['python_cpu_ms']} ms.\n"
        )
        print("| part | CPU ms per contact (process_time, no cProfile) |\n| --- | ---: |")
        for label, ms in figures["cpu_parts_ms"]:
            print(f"| {label} | {ms} |")
        print("\n| part (cumulative wall time, under cProfile) | ms per contact |\n| --- | ---: |")
        for label, ms in figures["parts_ms"]:
            print(f"| {label} | {ms} |")
        print("\n| own time, ms per contact | calls per contact | function |\n| ---: | ---: | --- |")
        for own, calls, where in figures["top_own_time"]:
            print(f"| {own} | {calls} | `{where}` |")


# --- The load -----------------------------------------------------------------------------


def nhs_number(rng):
    """A valid NHS number from the 999 test range."""
    while True:
        digits = "999" + f"{rng.randrange(10**6):06d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=False))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)


def make_body(rng, index, earlier_numbers):
    """A synthetic contact: one to three children, an adult, sometimes a child seen before
    (by NHS number), so that matching has work to do."""
    family = rng.choice(FAMILY) + f"-{rng.randrange(100000)}"
    children = []
    for position in range(rng.choice([1, 1, 2, 3])):
        child = {
            "given_names": rng.choice(GIVEN),
            "family_name": family,
            "sex": rng.choice("MFU"),
            "date_of_birth": f"{rng.randint(2009, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        }
        if position == 0 and earlier_numbers and rng.random() < 0.2:
            child["nhs_number"] = rng.choice(earlier_numbers)
        elif rng.random() < 0.7:
            child["nhs_number"] = nhs_number(rng)
            earlier_numbers.append(child["nhs_number"])
            del earlier_numbers[:-500]
        children.append(child)
    return {
        "source": "3A",
        "referrer": {"name": "Bench Lead", "role": "Designated safeguarding lead", "email": "dsl@bench.example"},
        "concerns": f"Synthetic concern number {index}: the child arrived hungry and unkempt this week.",
        "immediate_risk": False,
        "consent": rng.choice(["given", "not_asked", "refused"]),
        "children": children,
        "adults": [
            {
                "given_names": rng.choice(GIVEN),
                "family_name": family,
                "role": "adult_in_household",
                "relationship": "Parent",
            }
        ],
    }


def generator(number, args, token, run_id, start_at, out_queue):  # noqa: C901
    """One generator process: its share of the schedule, sent from `args.connections` threads,
    each with its own keep-alive connection. Returns its records through out_queue."""
    if args.generator_cpus:
        os.sched_setaffinity(0, {int(cpu) for cpu in args.generator_cpus.split(",")})
    rng = random.Random(f"{run_id}-{number}")
    rate = args.rate / args.generators
    total = int(rate * args.duration)
    offset = number / args.rate  # the generators' schedules interleave
    schedule = []
    earlier = []
    for i in range(total):
        at = start_at + offset + i / rate
        key = f"{run_id}-{number}-{i}"
        body = json.dumps(make_body(rng, i, earlier)).encode()
        schedule.append((at, key, body, False))
        if rng.random() < args.retry_fraction:
            schedule.append((at + rng.uniform(0.0, 0.05), key, body, True))
    schedule.sort(key=lambda row: row[0])
    lock = threading.Lock()
    position = [0]
    records = []
    deadline = start_at + args.duration + 60  # hard stop

    def worker():
        connection = None
        while True:
            with lock:
                if position[0] >= len(schedule):
                    return
                at, key, body, retry = schedule[position[0]]
                position[0] += 1
            wait = at - time.time()
            if wait > 0:
                time.sleep(wait)
            if time.time() > deadline:
                records.append({"key": key, "retry": retry, "status": "late", "at": at})
                continue
            sent = time.time()
            status, contact_id, error = None, None, ""
            for attempt in range(2):  # once more on a connection the server had closed  # noqa: B007
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                    headers = {
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": key,
                    }
                    if args.async_:
                        headers["Prefer"] = "respond-async"
                    connection.request("POST", "/api/v1/contacts/", body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    status = response.status
                    if status == (202 if args.async_ else 201):
                        contact_id = json.loads(payload)["id"]  # the submission's, with --async
                    else:
                        error = payload[:200].decode(errors="replace")
                    if response.getheader("Connection", "").lower() == "close":
                        connection.close()
                        connection = None
                    break
                except (OSError, http.client.HTTPException) as failure:
                    if connection is not None:
                        connection.close()
                    connection = None
                    status, error = "connection", repr(failure)[:200]
            done = time.time()
            records.append(
                {
                    "key": key,
                    "retry": retry,
                    "status": status,
                    "id": contact_id,
                    "error": error,
                    "at": at,
                    "sent": sent,
                    "done": done,
                }
            )

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1, deadline + 30 - time.time()))
    used = os.times()
    out_queue.put((records, used.user + used.system))


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def acknowledged_keys(records, status):
    """({key: the id first answered}, how many retried copies were answered with another id),
    over the submissions answered with `status` (201 made, 202 accepted)."""
    acknowledged, mismatched = {}, 0
    for record in records:
        if record["status"] == status:
            if record["key"] in acknowledged and acknowledged[record["key"]] != record["id"]:
                mismatched += 1
            acknowledged.setdefault(record["key"], record["id"])
    return acknowledged, mismatched


def integrity_async(url, run_id, records, first_at):
    """Every key acknowledged with 202 is exactly one submission (both copies of a retry answered
    with the same one) and, after draining, exactly one contact; the run made no other contact."""
    import psycopg

    acknowledged, mismatched = acknowledged_keys(records, 202)
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT idempotency_key, public_id::text, status, contact_id FROM frontdoor_contactsubmission "
            "WHERE idempotency_key LIKE %s",
            [f"{run_id}-%"],
        ).fetchall()
        school = connection.execute(
            "SELECT referrer_agency_id FROM frontdoor_contact c JOIN frontdoor_contactsubmission s "
            "ON s.contact_id = c.id WHERE s.idempotency_key LIKE %s LIMIT 1",
            [f"{run_id}-%"],
        ).fetchone()
        contacts = connection.execute(
            "SELECT count(*) FROM frontdoor_contact WHERE channel = 'api' AND referrer_agency_id = %s AND received_at >= "  # noqa: E501
            "to_timestamp(%s)",
            [school[0] if school else None, first_at - 1],
        ).fetchone()[0]
    stored = {}
    duplicated = 0
    for key, public_id, status, contact_id in rows:
        duplicated += key in stored
        stored[key] = (public_id, status, contact_id)
    lost = [key for key in acknowledged if key not in stored or stored[key][0] != acknowledged[key]]
    made = [key for key in acknowledged if key in stored and stored[key][2] is not None]
    return {
        "submission_rows_for_run": len(rows),
        "distinct_acknowledged_keys": len(acknowledged),
        "lost": len(lost),
        "duplicated": duplicated,
        "retries_answered_with_another_submission": mismatched,
        "stored_but_not_acknowledged": len(set(stored) - set(acknowledged)),
        "processed_with_a_contact": len(made),
        "failed": sum(status == "failed" for _, status, _ in stored.values()),
        "contacts_made_by_the_run": contacts,
        "ok": (
            len(rows) == len(acknowledged)
            and not lost
            and not duplicated
            and not mismatched
            and len(made) == len(acknowledged)
            and contacts == len(acknowledged)
        ),
    }


def integrity(url, run_id, records):
    import psycopg

    acknowledged, mismatched = acknowledged_keys(records, 201)
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT s.idempotency_key, c.id FROM frontdoor_contact c JOIN frontdoor_contactsubmission s ON s.contact_id = c.id "  # noqa: E501
            "WHERE s.idempotency_key LIKE %s",
            [f"{run_id}-%"],
        ).fetchall()
    stored = {}
    duplicated = 0
    for key, contact_id in rows:
        if key in stored:
            duplicated += 1
        stored[key] = contact_id
    lost = [key for key in acknowledged if stored.get(key) != acknowledged[key]]
    return {
        "contact_rows_for_run": len(rows),
        "distinct_acknowledged_keys": len(acknowledged),
        "lost": len(lost),
        "duplicated": duplicated,
        "retries_answered_with_another_contact": mismatched,
        "stored_but_not_acknowledged": len(set(stored) - set(acknowledged)),
        "ok": len(rows) == len(acknowledged) and not lost and not duplicated and not mismatched,
    }


def main():  # noqa: C901
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="submissions per second (default 200)")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load (default 300)")
    parser.add_argument("--retry-fraction", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--generators", type=int, default=2, help="load generator processes")
    parser.add_argument("--connections", type=int, default=24, help="keep-alive connections per generator")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--queries", action="store_true", help="count the queries of one submission first")
    parser.add_argument(
        "--async",
        dest="async_",
        action="store_true",
        help="send Prefer: respond-async (202), with db_worker processes making the contacts",
    )
    parser.add_argument("--db-workers", type=int, default=2, help="db_worker processes with --async (default 2)")
    parser.add_argument("--db-worker-nice", type=int, default=0, help="run the db_worker processes at this niceness")
    parser.add_argument(
        "--drain-timeout", type=float, default=600, help="seconds to wait for the backlog (default 600)"
    )
    parser.add_argument("--json", help="write the results here (default benchmarks/results/intake-<time>.json)")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="no load: make N contacts in this process under cProfile (with --async, N acks then the "
        "worker's N jobs) and print the CPU per contact and where it goes",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="with --async: gunicorn on CPU 0 and the db_workers on CPU 1 (taskset); the load generators "
        "and PostgreSQL are not pinned",
    )
    parser.add_argument(
        "--generator-cpus",
        help="CPUs for the load generators, e.g. 1 (default: not pinned; 1 with --pin)",
    )
    args = parser.parse_args()
    server_cpus = worker_cpus = None
    if args.pin:
        server_cpus, worker_cpus = "0", "1"
        args.generator_cpus = args.generator_cpus or "1"
    if not args.database_url.startswith("postgres://postgres@127.0.0.1"):
        sys.exit("The benchmark runs against a PostgreSQL database on 127.0.0.1 only")

    ensure_database(args.database_url)
    token = set_up(args.database_url)
    if args.profile:
        with tempfile.TemporaryDirectory() as scratch:
            from django.conf import settings

            settings.ATTACHMENT_ROOT = Path(scratch)
            profiled = profile_contacts(token, args.database_url, args.profile, async_=args.async_)
        print_profile(profiled)
        RESULTS.mkdir(parents=True, exist_ok=True)
        target = Path(args.json) if args.json else RESULTS / f"intake-profile-{time.strftime('%Y%m%d-%H%M%S')}.json"
        target.write_text(
            json.dumps(
                {
                    "date": time.strftime("%Y-%m-%d %H:%M"),
                    "command": " ".join(["benchmarks/bench_intake.py"] + sys.argv[1:]),
                    "load_average": os.getloadavg(),
                    "profile": profiled,
                },
                indent=2,
            )
        )
        print(f"\nwritten to {target}")
        return
    query_counts = None
    if args.queries:
        with tempfile.TemporaryDirectory() as scratch:
            from django.conf import settings

            settings.ATTACHMENT_ROOT = Path(scratch)
            query_counts = count_queries(token)
        from django.db import connections

        connections.close_all()
        counts, kinds, timings = query_counts
        print(
            f"one at a time, in process: {len(counts)} submissions, queries per submission median "
            f"{statistics.median(counts):g} (min {min(counts)}, max {max(counts)}), server time median "
            f"{statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
        )
        print("queries of the last one, by kind:")
        for name, count in kinds.items():
            print(f"  {count:3d}  {name}")

    run_id = uuid.uuid4().hex[:12]
    with tempfile.TemporaryDirectory(prefix="bench-attachments-") as attachment_root:
        server = start_server(args.database_url, args.port, args.workers, args.threads, attachment_root, server_cpus)
        db_workers = (
            start_db_workers(args.database_url, args.db_workers, attachment_root, args.db_worker_nice, worker_cpus)
            if args.async_
            else []
        )
        drained = None
        load_average_before = os.getloadavg()
        server_cpu = CpuMeter(args.database_url, "bench-intake-server", lambda: [server.pid] + child_pids(server.pid))
        worker_cpu = CpuMeter(args.database_url, "bench-intake-worker", lambda: [p.pid for p in db_workers])
        server_cpu.start()
        worker_cpu.start()
        try:
            context = multiprocessing.get_context("fork")
            out_queue = context.Queue()
            start_at = time.time() + 2.0  # time for every generator to build its schedule
            processes = [
                context.Process(target=generator, args=(n, args, token, run_id, start_at, out_queue))
                for n in range(args.generators)
            ]
            for process in processes:
                process.start()
            records, generators_cpu_s = [], 0.0
            for _ in processes:
                sent, cpu = out_queue.get(timeout=args.duration + 180)
                records.extend(sent)
                generators_cpu_s += cpu
            for process in processes:
                process.join(timeout=30)
            load_stopped = time.time()
            server_cpu.stop()
            stop_server(server)
            if args.async_:
                waiting_at_stop = backlog(args.database_url, run_id)[0]
                drain_s, timed_out = drain(args.database_url, run_id, args.drain_timeout)
                worker_cpu.stop()
                drained = {
                    "waiting_when_load_stopped": waiting_at_stop,
                    "drain_s_after_load": round(drain_s, 1),
                    "drain_s_after_last_ack": None,
                    "timed_out": timed_out,
                    "drained_at": time.time(),
                    "load_stopped_at": load_stopped,
                }
        finally:
            stop_server(server)
            for process in db_workers:
                stop_server(process)

    finished = [r for r in records if "done" in r]
    created = [r for r in finished if r["status"] == (202 if args.async_ else 201)]
    errors = {}
    for record in records:
        if record["status"] != (202 if args.async_ else 201):
            label = str(record["status"])
            errors[label] = errors.get(label, 0) + 1
    first_at = min(r["at"] for r in records)
    last_done = max((r["done"] for r in finished), default=first_at)
    from_schedule = [(r["done"] - r["at"]) * 1000 for r in created]
    service = [(r["done"] - r["sent"]) * 1000 for r in created]
    if args.async_:
        integrity_check = integrity_async(args.database_url, run_id, records, first_at)
        drained["drain_s_after_last_ack"] = round(drained.pop("drained_at") - last_done, 1)
        drained.pop("load_stopped_at")
        integrity_check["contact_rows_for_run"] = integrity_check["processed_with_a_contact"]
        integrity_check["retries_answered_with_another_contact"] = integrity_check[
            "retries_answered_with_another_submission"
        ]
    else:
        integrity_check = integrity(args.database_url, run_id, records)
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "command": " ".join(["benchmarks/bench_intake.py"] + sys.argv[1:]),
        "settings": {k: v for k, v in vars(args).items() if k != "database_url"},
        "submissions_sent": len(records),
        "first_copies": sum(not r["retry"] for r in records),
        "retried_copies": sum(r["retry"] for r in records),
        "answered_201": len(created),  # 202 with --async
        "mode": "async (Prefer: respond-async)" if args.async_ else "sync",
        "errors": errors,
        "elapsed_s": round(last_done - first_at, 1),
        "throughput_per_s": round(len(created) / (last_done - first_at), 1) if last_done > first_at else 0,
        "latency_ms_from_schedule": {
            p: round(percentile(from_schedule, f), 1) if from_schedule else None
            for p, f in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
        },
        "latency_ms_service": {
            p: round(percentile(service, f), 1) if service else None
            for p, f in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        },
        "mean_ms_from_schedule": round(statistics.fmean(from_schedule), 1) if from_schedule else None,
        "integrity": integrity_check,
    }
    if args.async_:
        results["processing"] = dict(processing(args.database_url, run_id), **drained)
    # CPU on the server side only: gunicorn (master and workers) per request answered and per
    # contact acknowledged or made; the db_workers per contact they made; each with its PostgreSQL
    # backends apart. The load generators' CPU is given apart, not counted.
    answered = len(created)
    made_count = integrity_check["contact_rows_for_run"]
    results["cpu"] = {
        "load_average_before": [round(x, 2) for x in load_average_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "pinned": {"server": server_cpus, "db_workers": worker_cpus, "generators": args.generator_cpus},
        "server_per_answer": server_cpu.per(answered),
        "server_per_contact": server_cpu.per(integrity_check["distinct_acknowledged_keys"]),
        "workers_per_contact": worker_cpu.per(made_count) if args.async_ else {},
        "generators_s": round(generators_cpu_s, 2),
    }
    if args.async_ and server_cpu.python is not None and worker_cpu.python is not None:
        both = server_cpu.python + server_cpu.postgres + worker_cpu.python + worker_cpu.postgres
        results["cpu"]["server_and_workers_per_contact_ms"] = round(both * 1000 / made_count, 2) if made_count else None
    if query_counts:
        counts, kinds, timings = query_counts
        results["in_process"] = {
            "submissions": len(counts),
            "queries_median": statistics.median(counts),
            "queries_min": min(counts),
            "queries_max": max(counts),
            "server_ms_p50": round(statistics.median(timings), 1),
            "server_ms_p95": round(percentile(timings, 0.95), 1),
            "queries_of_last_by_kind": kinds,
        }
    latency = results["latency_ms_from_schedule"]
    print(
        f"\nContact intake through the API ({results['mode']}): {args.rate:g}/s target for {args.duration:g} s, "
        f"{args.workers} gunicorn workers x {args.threads} threads, {args.generators} generators x "
        f"{args.connections} connections, {args.retry_fraction:.0%} retried\n"
    )
    print("| measure | value |\n| --- | ---: |")
    print(f"| submissions sent (retried copies) | {results['submissions_sent']} ({results['retried_copies']}) |")
    print(f"| answered {202 if args.async_ else 201} | {results['answered_201']} |")
    print(f"| throughput achieved | {results['throughput_per_s']} /s |")
    print(
        f"| latency p50 / p95 / p99 / max (ms, from schedule) | {latency['p50']} / {latency['p95']} / "
        f"{latency['p99']} / {latency['max']} |"
    )
    service_latency = results["latency_ms_service"]
    print(
        f"| latency p50 / p95 / p99 (ms, from send) | {service_latency['p50']} / {service_latency['p95']} / "
        f"{service_latency['p99']} |"
    )
    print(f"| errors | {errors or 'none'} |")
    print(
        f"| contact rows for the run / distinct acknowledged keys | {integrity_check['contact_rows_for_run']} / "
        f"{integrity_check['distinct_acknowledged_keys']} |"
    )
    print(
        f"| lost / duplicated / retry answered with another contact | {integrity_check['lost']} / "
        f"{integrity_check['duplicated']} / {integrity_check['retries_answered_with_another_contact']} |"
    )
    if args.async_:
        made = results["processing"]
        print(f"| db_worker processes | {args.db_workers} |")
        print(f"| contacts made by the workers | {made['contacts_made']} in {made['span_s']} s: {made['per_s']} /s |")
        print(
            f"| received to contact made p50 / p95 / max (s) | {made['received_to_made_s'].get('p50')} / "
            f"{made['received_to_made_s'].get('p95')} / {made['received_to_made_s'].get('max')} |"
        )
        print(
            f"| waiting when the load stopped / drained after (s) | {made['waiting_when_load_stopped']} / "
            f"{made['drain_s_after_load']}{' (TIMED OUT)' if made['timed_out'] else ''} |"
        )
        print(
            f"| submissions / processed with one contact / failed / contacts made by the run | "
            f"{integrity_check['submission_rows_for_run']} / {integrity_check['processed_with_a_contact']} / "
            f"{integrity_check['failed']} / {integrity_check['contacts_made_by_the_run']} |"
        )
    cpu = results["cpu"]

    def cpu_cell(figures):
        if not figures:
            return "–"
        return f"{figures['python_ms']} ms Python + {figures['postgres_ms']} ms PostgreSQL = {figures['total_ms']} ms"

    what = "acknowledgement" if args.async_ else "contact"
    print(f"| CPU per {what}, gunicorn | {cpu_cell(cpu['server_per_contact'])} |")
    if args.async_:
        print(f"| CPU per contact made, db_workers | {cpu_cell(cpu['workers_per_contact'])} |")
        print(f"| CPU per contact, acknowledged and made | {cpu.get('server_and_workers_per_contact_ms')} ms |")
    print(f"| CPU of the load generators (not counted) | {cpu['generators_s']} s |")
    print(f"| load average before / after | {cpu['load_average_before'][0]} / {cpu['load_average_after'][0]} |")
    print(f"| integrity | {'ok' if integrity_check['ok'] else 'FAILED'} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = Path(args.json) if args.json else RESULTS / f"intake-{time.strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {target}")
    if not integrity_check["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
