"""Train a linkage model offline and store it as the next version (not yet approved)."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkage import evaluation, model, scoring, services
from linkage.cleaning import RecordProblem


class Command(BaseCommand):
    help = "Train on INDEX and FEED (Parquet or CSV); with --truth, measure it. Stores the model row, unapproved."

    def add_arguments(self, parser):
        parser.add_argument("--index", type=Path, required=True)
        parser.add_argument("--feed", type=Path, required=True)
        parser.add_argument("--truth", type=Path, help="truth.csv, to measure the model before it is approved")
        parser.add_argument("--description", default="")
        parser.add_argument("--save", type=Path, help="also write the model and thresholds to this JSON file")
        parser.add_argument("--no-store", action="store_true", help="do not store a model row")

    def handle(self, *args, index, feed, truth, description, save, no_store, **options):
        try:
            index_table = evaluation.clean_index_table(evaluation.read_arrow(index, evaluation.INDEX_COLUMNS))
            feed_table = evaluation.clean_feed_table(evaluation.read_arrow(feed, evaluation.FEED_COLUMNS))
        except (evaluation.FileProblem, RecordProblem) as problem:
            raise CommandError(str(problem)) from None
        started = time.perf_counter()
        trained = model.train(index_table, feed_table)
        thresholds = scoring.Thresholds.default()
        accuracy: dict = {
            "trained_on": {
                "index": index.name,
                "feed": feed.name,
                # The prior is for an index of this size; scoring sets it for the index scored.
                "index_size": index_table.num_rows,
                "feed_size": feed_table.num_rows,
                "seconds": round(time.perf_counter() - started, 1),
            }
        }
        if truth:
            best = scoring.ranked_table(index_table, feed_table, trained, thresholds, best_only=True)
            links = evaluation.links_table(feed_table["unique_id"], best)
            accuracy["measured"] = evaluation.measure(evaluation.rows_of(links), evaluation.read_truth(truth))
        if save:
            save.write_text(
                json.dumps({"splink_settings": trained, "thresholds": thresholds.as_dict(), "accuracy": accuracy})
            )
        if not no_store:
            stored = services.store_model(
                None, trained, thresholds=thresholds, accuracy=accuracy, description=description
            )
            approve = f"linkage_approve --model-version {stored.version} --user NAME"
            self.stdout.write(f"Stored linkage model {stored.version}, not approved yet ({approve})")
        self.stdout.write(json.dumps(accuracy, indent=2))
