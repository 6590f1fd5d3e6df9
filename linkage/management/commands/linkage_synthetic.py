"""Write a seeded synthetic index, feed and truth (linkage.synthetic) for measuring linkage."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand

from linkage import synthetic
from linkage.evaluation import write_parquet


class Command(BaseCommand):
    help = "Write index.parquet, feed.parquet and truth.csv: made-up children, with the errors partner data has"

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=10_000, help="children in the index")
        parser.add_argument("--feed", type=int, default=None, help="feed records (default: twice the children)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, required=True, help="a folder (made if missing)")

    def handle(self, *args, children, feed, seed, out, **options):
        out.mkdir(parents=True, exist_ok=True)
        index, records, truth = synthetic.make(children, feed or 2 * children, seed)
        write_parquet(index, out / "index.parquet")
        write_parquet(records, out / "feed.parquet")
        with (out / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["record_id", "person_id", "errors"])
            writer.writeheader()
            writer.writerows(truth)
        self.stdout.write(f"Wrote {len(index):,} children, {len(records):,} records and the truth to {out}")
