"""Count the candidate pairs each blocking rule makes on an index and a feed (linkage.blocking)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkage import blocking, evaluation, model
from linkage.cleaning import RecordProblem


class Command(BaseCommand):
    help = "For INDEX and FEED (Parquet or CSV): the pairs each blocking rule makes, alone and added, as JSON"

    def add_arguments(self, parser):
        parser.add_argument("--index", type=Path, required=True)
        parser.add_argument("--feed", type=Path, required=True)
        parser.add_argument(
            "--sample", type=float, default=1.0, help="estimate from this share of the records on each side (0 to 1)"
        )
        parser.add_argument("--truth", type=Path, help="truth.csv: also the true matches each rule finds, and only it")

    def handle(self, *args, index, feed, sample, truth, **options):
        if not 0 < sample <= 1:
            raise CommandError("--sample must be more than 0 and at most 1")
        try:
            index_rows = evaluation.clean_index(evaluation.read_table(index, evaluation.INDEX_COLUMNS))
            feed_rows = evaluation.clean_feed(evaluation.read_table(feed, evaluation.FEED_COLUMNS))
        except (evaluation.FileProblem, RecordProblem) as problem:
            raise CommandError(str(problem)) from None
        index_table, feed_table = model.arrow_table(index_rows), model.arrow_table(feed_rows)
        printed = {
            "index": len(index_rows),
            "feed": len(feed_rows),
            "rules": blocking.analyse(index_table, feed_table, sample=sample),
        }
        if truth:
            rows = evaluation.read_table(truth, ("record_id", "person_id"))
            printed["truth"] = blocking.true_pairs_caught(
                index_table, feed_table, {row["record_id"]: row["person_id"] for row in rows}
            )
        self.stdout.write(json.dumps(printed, indent=2))
