"""Link a feed file to an index file with the stored model, thresholds and guards."""

import json
import resource
import time
from pathlib import Path

import pyarrow.parquet as pq
from django.core.management.base import BaseCommand, CommandError

from linkage import evaluation, scoring
from linkage import model as linkage_model
from linkage.cleaning import RecordProblem
from linkage.models import LinkageModel
from linkage.services import approved_model


class Command(BaseCommand):
    help = "Link FEED to INDEX (Parquet or CSV) and write record_id, person_id, match_weight, band to OUT"

    def add_arguments(self, parser):
        parser.add_argument("--index", type=Path, required=True)
        parser.add_argument("--feed", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument(
            "--model", type=Path, help="a model's JSON (linkage_train --save); default: the newest approved"
        )
        parser.add_argument("--model-version", type=int, help="a stored model's version, approved or not")
        parser.add_argument("--truth", type=Path, help="truth.csv: report the figures against it")
        parser.add_argument(
            "--details",
            type=Path,
            help="also write each record's best candidate with each comparison's weight and the guards (Parquet)",
        )

    def handle(self, *args, index, feed, out, model, model_version, truth, details, **options):
        started = time.perf_counter()
        splink_settings, thresholds, trained_size = self._model(model, model_version)
        try:
            index_table = evaluation.clean_index_table(evaluation.read_arrow(index, evaluation.INDEX_COLUMNS))
            feed_table = evaluation.clean_feed_table(evaluation.read_arrow(feed, evaluation.FEED_COLUMNS))
        except (evaluation.FileProblem, RecordProblem) as problem:
            raise CommandError(str(problem)) from None
        cleaned = time.perf_counter()
        figures = {"index": index_table.num_rows, "feed": feed_table.num_rows}
        best = scoring.ranked_table(
            index_table, feed_table, splink_settings, thresholds, best_only=True, trained_index_size=trained_size
        )
        links = evaluation.links_table(feed_table["unique_id"], best)
        del index_table, feed_table
        if details:
            pq.write_table(best, details)
        del best
        evaluation.write_links(evaluation.rows_of(links), out)
        finished = time.perf_counter()
        figures |= {
            "seconds_cleaning": round(cleaned - started, 1),
            "seconds_total": round(finished - started, 1),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        if truth:
            figures |= evaluation.measure(evaluation.rows_of(links), evaluation.read_truth(truth))
        self.stdout.write(json.dumps(figures, indent=2))

    def _model(self, path, version):
        """(Splink's settings, the thresholds, the size of the index the model was trained on)."""
        if path:
            data = json.loads(path.read_text(encoding="utf-8"))
            thresholds = (
                scoring.Thresholds(**data["thresholds"]) if "thresholds" in data else scoring.Thresholds.default()
            )
            return data.get("splink_settings", data), thresholds, linkage_model.trained_index_size(data.get("accuracy"))
        stored = LinkageModel.objects.filter(version=version).first() if version else approved_model()
        if stored is None:
            raise CommandError(
                "There is no approved linkage model: train one (linkage_train) and approve it, or give --model"
            )
        return (
            stored.splink_settings,
            scoring.Thresholds(**stored.thresholds),
            linkage_model.trained_index_size(stored.accuracy),
        )
