"""Link a feed file to an index file with the stored model, thresholds and guards."""

import json
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkage import evaluation, scoring
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

    def handle(self, *args, index, feed, out, model, model_version, truth, **options):
        started = time.perf_counter()
        splink_settings, thresholds = self._model(model, model_version)
        try:
            index_rows = evaluation.clean_index(evaluation.read_table(index, evaluation.INDEX_COLUMNS))
            feed_rows = evaluation.clean_feed(evaluation.read_table(feed, evaluation.FEED_COLUMNS))
        except (evaluation.FileProblem, RecordProblem) as problem:
            raise CommandError(str(problem)) from None
        cleaned = time.perf_counter()
        scored = scoring.score(index_rows, feed_rows, splink_settings, thresholds, with_candidates=False)
        evaluation.write_links(scored.best, out)
        finished = time.perf_counter()
        figures = {
            "index": len(index_rows),
            "feed": len(feed_rows),
            "seconds_cleaning": round(cleaned - started, 1),
            "seconds_total": round(finished - started, 1),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        if truth:
            rows = evaluation.read_table(truth, ("record_id", "person_id"))
            figures |= evaluation.measure(scored.best, {row["record_id"]: row["person_id"] for row in rows})
        self.stdout.write(json.dumps(figures, indent=2))

    def _model(self, path, version):
        if path:
            data = json.loads(path.read_text(encoding="utf-8"))
            thresholds = (
                scoring.Thresholds(**data["thresholds"]) if "thresholds" in data else scoring.Thresholds.default()
            )
            return data.get("splink_settings", data), thresholds
        stored = LinkageModel.objects.filter(version=version).first() if version else approved_model()
        if stored is None:
            raise CommandError(
                "There is no approved linkage model: train one (linkage_train) and approve it, or give --model"
            )
        return stored.splink_settings, scoring.Thresholds(**stored.thresholds)
