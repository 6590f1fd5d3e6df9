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
            index_rows = evaluation.clean_index(evaluation.read_table(index, evaluation.INDEX_COLUMNS))
            feed_rows = evaluation.clean_feed(evaluation.read_table(feed, evaluation.FEED_COLUMNS))
        except (evaluation.FileProblem, RecordProblem) as problem:
            raise CommandError(str(problem)) from None
        started = time.perf_counter()
        trained = model.train(model.arrow_table(index_rows), model.arrow_table(feed_rows))
        thresholds = scoring.Thresholds.default()
        accuracy: dict = {
            "trained_on": {"index": index.name, "feed": feed.name, "seconds": round(time.perf_counter() - started, 1)}
        }
        if truth:
            scored = scoring.score(index_rows, feed_rows, trained, thresholds, with_candidates=False)
            rows = evaluation.read_table(truth, ("record_id", "person_id"))
            accuracy["measured"] = evaluation.measure(scored.best, {row["record_id"]: row["person_id"] for row in rows})
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
