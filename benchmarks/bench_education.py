"""The nightly relevant-child check (education.nightly.check_relevant_children, the command
check_relevant_children): every registered pupil's relevant-child status (s434A) worked out for
the day, the children whose status changed flagged. Issue 22's goal: under 60 s for a
500,000-child authority on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_edu500 \\
        .venv/bin/python benchmarks/bench_education.py

Runs the check twice on the same day: first with no stored statuses (every child is new: one
status row each, a chronology entry for each relevant child), then again (nothing changed:
every status is read and its checked day written, nothing flagged). Before the first run the
statuses and the "relevant-child" chronology entries of earlier runs are deleted, so the figures
repeat (a benchmark database only: it changes the synthetic children's records). Reports for
each run: seconds, children checked, flagged, queries, and the process's peak memory. Options:
--on (ISO date, today by default), --chunk (children per chunk), --json FILE.
"""

import argparse
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")


def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--on", default=None, help="the day of the check (ISO date; today by default)")
    parser.add_argument("--chunk", type=int, default=None, help="children per chunk (education.nightly.CHUNK)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Q

    from chronology.models import ChronologyEntry
    from education import nightly
    from education.models import RelevantChildStatus, SchoolRegistration
    from people.models import Person

    on = datetime.date.fromisoformat(args.on) if args.on else datetime.date.today()
    chunk = args.chunk or nightly.CHUNK
    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    pupils = (
        SchoolRegistration.objects.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("person_id")
        .distinct()
        .count()
    )
    if not pupils:
        sys.exit("No registered pupils in this database: generate an authority first (see docs/benchmarks.md)")
    RelevantChildStatus.objects.all().delete()
    ChronologyEntry.objects.filter(kind="relevant-child").delete()
    print(f"{connection.vendor}, {children:,} children, {pupils:,} registered pupils on {on}, chunks of {chunk:,}")

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    runs = []
    for name in ("first run (every child new)", "second run (nothing changed)"):
        queries[0] = 0
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            result = nightly.check_relevant_children(on, chunk=chunk)
            seconds = time.perf_counter() - started
        flagged = len(result.became_relevant) + len(result.stopped_being_relevant) + len(result.conditions_changed)
        run = {
            "run": name,
            "seconds": round(seconds, 1),
            "checked": result.checked,
            "flagged": flagged,
            "became_relevant": len(result.became_relevant),
            "stopped_being_relevant": len(result.stopped_being_relevant),
            "conditions_changed": len(result.conditions_changed),
            "queries": queries[0],
            "peak_rss_mb": peak_mb(),
        }
        runs.append(run)
        print(
            f"{name}: {seconds:.1f} s, {result.checked:,} checked, {flagged:,} flagged "
            f"({len(result.became_relevant):,} became relevant), {queries[0]:,} queries, "
            f"peak RSS {run['peak_rss_mb']} MB",
            flush=True,
        )
    figures = {
        "database": connection.vendor,
        "children": children,
        "pupils": pupils,
        "relevant": RelevantChildStatus.objects.filter(relevant=True).count(),
        "on": on.isoformat(),
        "chunk": chunk,
        "runs": runs,
        "peak_rss_mb": peak_mb(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
