"""The safeguarding partnership's yearly report for a whole year, HTML and PDF (issue 23's goal:
under 60 s for a 500,000-child authority on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench500 \\
        .venv/bin/python benchmarks/bench_report.py

Draws the report for the last whole year from 1 April to 31 March before today (or --from and
--to) --repeat times (3 by default), as `manage.py yearly_report` does: every figure counted from
the records, the HTML drawn with its charts, then the PDF. Reports the median and the slowest of
each part (counting, HTML, PDF, and all three), the queries made, the PDF's size and the
process's peak memory. The first run draws the charts and loads the fonts (a cold process); the
median is of every run. Options: --from, --to (ISO dates), --repeat, --json FILE.
"""

import argparse
import datetime
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")


def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def last_whole_year(today):
    end_year = today.year if today >= datetime.date(today.year, 4, 1) else today.year - 1
    return datetime.date(end_year - 1, 4, 1), datetime.date(end_year, 3, 31)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="date_from", default=None)
    parser.add_argument("--to", dest="date_to", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from partnership.report import figures, render
    from people.models import Person

    start, end = last_whole_year(datetime.date.today())
    if args.date_from:
        start = datetime.date.fromisoformat(args.date_from)
    if args.date_to:
        end = datetime.date.fromisoformat(args.date_to)
    period = figures.Period(start, end)
    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    runs = []
    for n in range(args.repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            counted = figures.count_all(period)
            counted_at = time.perf_counter()
            html = render.document(title="Benchmark report", period=period, counted=counted, counted_at=timezone.now())
            drawn_at = time.perf_counter()
        pdf = render.pdf(html)
        done = time.perf_counter()
        run = {
            "count_s": round(counted_at - began, 2),
            "html_s": round(drawn_at - counted_at, 2),
            "pdf_s": round(done - drawn_at, 2),
            "total_s": round(done - began, 2),
            "queries": len(queries),
            "pdf_kb": round(len(pdf) / 1024),
        }
        runs.append(run)
        print(
            f"run {n + 1}: figures {run['count_s']} s, HTML {run['html_s']} s, PDF {run['pdf_s']} s, "
            f"all {run['total_s']} s ({run['queries']} queries, PDF {run['pdf_kb']} KB)",
            flush=True,
        )
    result = {
        "children": children,
        "period": [start.isoformat(), end.isoformat()],
        "runs": runs,
        "median": {key: statistics.median(r[key] for r in runs) for key in ("count_s", "html_s", "pdf_s", "total_s")},
        "slowest_total_s": max(r["total_s"] for r in runs),
        "figures": len(figures.DEFINITIONS),
        "peak_mb": peak_mb(),
        "database": connection.vendor,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
