"""Time and peak memory to build the statutory returns from the records: SSDA903 (all eleven
tables, written as CSV) and the CIN census (written as XML), for one collection year, on
whatever database the settings point to.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/returns_500k \\
        .venv/bin/python benchmarks/bench_returns.py --year 2027 --runs 3

Each return is built and written --runs times; the median wall time is reported, then one more
run under tracemalloc gives the peak of Python memory it allocated (its own cost, not Django's),
and the process's peak resident set size is reported at the end. --json FILE writes the figures.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")


def main():
    import django

    django.setup()
    from django.db import connection

    from people.models import Person
    from returns import collection, ssda903
    from returns.cin import census as cin_census

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None, help="the year the collection ends (default: in progress)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    if args.year is None:
        import datetime

        args.year = collection.year_in_progress(datetime.date.today())

    def build_903(directory):
        tables = ssda903.build(args.year)
        ssda903.write(tables, directory)
        return {name: len(rows) for name, rows in tables.items()}

    def build_cin(directory):
        data = cin_census.build(args.year)
        cin_census.write(data, str(Path(directory) / "cin.xml"))
        return cin_census.counts(data)

    figures = {
        "year": args.year,
        "database": connection.vendor,
        "children_on_record": Person.objects.filter(kind=Person.Kind.CHILD).count(),
        "returns": {},
    }
    for name, step in (("SSDA903", build_903), ("CIN census", build_cin)):
        times = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as directory:
                started = time.perf_counter()
                rows = step(directory)
                times.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as directory:
            tracemalloc.start()
            step(directory)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        figures["returns"][name] = {
            "median_s": round(statistics.median(times), 2),
            "runs": [round(t, 2) for t in times],
            "peak_python_mb": round(peak / 2**20, 1),
            "rows": rows,
        }
        print(
            f"{name}: median {statistics.median(times):.2f} s over {args.runs} runs, "
            f"peak Python memory {peak / 2**20:.1f} MB, {rows}",
            flush=True,
        )
    both = sum(r["median_s"] for r in figures["returns"].values())
    figures["both_median_s"] = round(both, 2)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(
        f"Both: {both:.2f} s; process peak RSS {figures['peak_rss_mb']} MB; "
        f"{figures['children_on_record']:,} children on record ({connection.vendor})"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
