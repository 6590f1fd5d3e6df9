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

    def handle(self, *args, index, feed, sample, **options):
        if not 0 < sample <= 1:
            raise CommandError("--sample must be more than 0 and at most 1")
        try:
            index_rows = evaluation.clean_index(evaluation.read_table(index, evaluation.INDEX_COLUMNS))
            feed_rows = evaluation.clean_feed(evaluation.read_table(feed, evaluation.FEED_COLUMNS))
        except (evaluation.FileProblem, RecordProblem) as problem:
            raise CommandError(str(problem)) from None
        rows = blocking.analyse(model.arrow_table(index_rows), model.arrow_table(feed_rows), sample=sample)
        self.stdout.write(json.dumps({"index": len(index_rows), "feed": len(feed_rows), "rules": rows}, indent=2))
