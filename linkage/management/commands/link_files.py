"""Link a feed file to an index file with the stored model, thresholds and guards.

`--engine spark` runs the same cleaning, model, thresholds and guards on Spark (linkage.spark):
`--spark-master local[2]` (the default) on this machine, or a cluster's master for a region's
or the nation's run, with `--spark-conf KEY=VALUE` for the executors (docs/linkage.md). The
LINKAGE_SPARK setting ({"master": ..., "driver_memory": ..., "conf": {...}}) gives the
defaults of a deployment.
"""

import json
import resource
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import pyarrow.parquet as pq
from django.conf import settings
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
        parser.add_argument("--engine", choices=linkage_model.ENGINES, default="duckdb")
        parser.add_argument("--spark-master", help="Spark's master (default: LINKAGE_SPARK's, else local[2])")
        parser.add_argument("--spark-driver-memory", help="the driver's memory, e.g. 8g (default 2g)")
        parser.add_argument(
            "--spark-conf", action="append", default=[], metavar="KEY=VALUE", help="Spark configuration (repeatable)"
        )
        parser.add_argument(
            "--work-dir", type=Path, help="Spark's scratch space (shuffles, checkpoints); default: a temporary folder"
        )

    def handle(self, *args, index, feed, out, model, model_version, truth, details, engine, **options):
        started = time.perf_counter()
        splink_settings, thresholds, trained_size = self._model(model, model_version)
        try:
            # Refused before any work if the model cannot be rendered for the engine.
            splink_settings = linkage_model.for_dialect(splink_settings, engine)
        except linkage_model.ModelDialectProblem as problem:
            raise CommandError(str(problem)) from None
        try:
            index_table = evaluation.clean_index_table(evaluation.read_arrow(index, evaluation.INDEX_COLUMNS))
            feed_table = evaluation.clean_feed_table(evaluation.read_arrow(feed, evaluation.FEED_COLUMNS))
        except (evaluation.FileProblem, RecordProblem) as problem:
            raise CommandError(str(problem)) from None
        cleaned = time.perf_counter()
        figures = {"engine": engine, "index": index_table.num_rows, "feed": feed_table.num_rows}
        with ExitStack() as stack:
            db_api = self._engine(engine, options, stack)
            engine_ready = time.perf_counter()
            best = scoring.ranked_table(
                index_table,
                feed_table,
                splink_settings,
                thresholds,
                db_api=db_api,
                best_only=True,
                trained_index_size=trained_size,
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
            "seconds_engine_start": round(engine_ready - cleaned, 1),
            "seconds_scoring": round(finished - engine_ready, 1),
            "seconds_total": round(finished - started, 1),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        if truth:
            figures |= evaluation.measure(evaluation.rows_of(links), evaluation.read_truth(truth))
        self.stdout.write(json.dumps(figures, indent=2))

    def _engine(self, engine, options, stack):
        """The engine's Splink API; a Spark session is stopped, and its scratch space removed
        (unless given), when the run ends."""
        if engine == "duckdb":
            return linkage_model.database_api()
        from linkage import spark

        if not spark.java_available():
            raise CommandError("The spark engine needs a Java runtime: install default-jre-headless, or set JAVA_HOME")
        defaults = getattr(settings, "LINKAGE_SPARK", None) or {}
        conf = dict(defaults.get("conf") or {})
        for item in options["spark_conf"]:
            key, equals, value = item.partition("=")
            if not equals or not key.strip():
                raise CommandError(f"--spark-conf takes KEY=VALUE, not {item!r}")
            conf[key.strip()] = value.strip()
        work_dir = options["work_dir"] or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="linkage-spark-"))
        )
        session = spark.session(
            options["spark_master"] or defaults.get("master") or spark.LOCAL,
            work_dir=work_dir,
            driver_memory=options["spark_driver_memory"] or defaults.get("driver_memory") or spark.DRIVER_MEMORY,
            conf=conf,
        )
        stack.callback(spark.stop, session)
        return linkage_model.database_api("spark", spark_session=session)

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
