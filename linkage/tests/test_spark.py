"""The model on Spark agrees with the model on DuckDB (issue 20, item 9).

A seeded synthetic world of 600 children and 1,200 records is scored with the same stored model
(trained on DuckDB: its SQL is rendered for Spark by `model.for_dialect`), the same thresholds
and the same ranking SQL, on DuckDB and on Spark `local[2]`. Every record must get the same
best candidate, band, guards and runner-up, and every kept candidate the same weights. Weights
are sums of the same doubles (log2 of m/u per comparison) added in another order, so they may
differ in the last bits: within 1e-9 (about 1e-14 is seen). The string similarities Splink's
Spark SQL calls (Jaro-Winkler, Damerau-Levenshtein) are checked against DuckDB's on a few
thousand pairs of names with typos: Splink's own Scala Jaro-Winkler differs from DuckDB's when a
letter is repeated, so linkage.spark replaces it.

Spark needs Java. Without it the tests skip, except in CI (CI=true) or with REQUIRE_SPARK=1,
where they fail; pyspark is a requirement, so its absence always fails.
"""

import csv
import importlib.util
import json
import os
import random
from collections import Counter

import duckdb
import pytest
from django.core.management import CommandError, call_command

from linkage import evaluation, model, scoring, synthetic

pytestmark = pytest.mark.single_database

TOLERANCE = 1e-9


def _spark_required() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1") or os.environ.get("REQUIRE_SPARK") == "1"


@pytest.fixture(scope="module")
def spark_module():
    if importlib.util.find_spec("pyspark") is None:
        # In requirements.txt: missing is a failure, never a skip.
        pytest.fail("pyspark is missing: run scripts/bootstrap.sh", pytrace=False)
    from linkage import spark

    if not spark.java_available():
        reason = "Spark needs a Java runtime (apt-get install default-jre-headless)"
        if _spark_required():
            pytest.fail(f"{reason}, and CI or REQUIRE_SPARK=1 requires Spark", pytrace=False)
        pytest.skip(reason)
    return spark


@pytest.fixture(scope="module")
def world():
    index, feed, _ = synthetic.make(600, 1200, 21)
    return evaluation.clean_index(index), evaluation.clean_feed(feed)


def _close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) <= TOLERANCE


def test_duckdb_and_spark_agree_on_every_record(spark_module, world, trained, tmp_path):
    index_rows, feed_rows = world
    thresholds = scoring.Thresholds.default()
    on_duckdb = scoring.score(index_rows, feed_rows, trained, thresholds)
    session = spark_module.session(work_dir=tmp_path / "spark", driver_memory="768m")
    try:
        on_spark = scoring.score(
            index_rows, feed_rows, trained, thresholds, db_api=model.database_api("spark", spark_session=session)
        )
        similarities = _similarities_on_spark(session, _name_pairs(index_rows))
    finally:
        spark_module.stop(session)
    assert similarities == _similarities_on_duckdb(_name_pairs(index_rows))

    bands = Counter(row["band"] for row in on_duckdb.best)
    # The sample reaches every band, so agreement means something.
    assert min(bands[band] for band in ("auto", "review", "none")) > 0
    assert Counter(row["band"] for row in on_spark.best) == bands
    assert len(on_spark.best) == len(on_duckdb.best) == len(feed_rows)
    for duck, spark in zip(on_duckdb.best, on_spark.best, strict=True):
        assert (spark["record_id"], spark["person_id"], spark["band"], spark["guards"]) == (
            duck["record_id"],
            duck["person_id"],
            duck["band"],
            duck["guards"],
        )
        assert _close(spark["match_weight"], duck["match_weight"]), (duck, spark)
        assert _close(spark["runner_up"], duck["runner_up"]), (duck, spark)

    def keyed(candidates):
        return {(row["record_id"], row["person_id"]): row for row in candidates}

    duck_candidates, spark_candidates = keyed(on_duckdb.candidates), keyed(on_spark.candidates)
    assert spark_candidates.keys() == duck_candidates.keys()
    weights = ["match_weight"] + [f"w_{name}" for name in scoring.COMPARISONS]
    for key, duck in duck_candidates.items():
        spark = spark_candidates[key]
        assert spark["rank"] == duck["rank"], key
        for name in weights:
            assert _close(spark[name], duck[name]), (key, name, duck[name], spark[name])


def _name_pairs(index_rows):
    """Names against the same with a typo (a letter dropped, doubled, swapped or changed, as the
    generator makes them) and against the next name: about 2,400 pairs."""
    rng = random.Random(3)
    names = sorted({row[column] for row in index_rows for column in ("first_name", "family_name") if row[column]})
    pairs = [(name, synthetic._typo(rng, name)) for name in names for _ in range(2)]
    return pairs + list(zip(names, names[1:], strict=False))


def _similarities_on_duckdb(pairs):
    connection = duckdb.connect()
    return [
        connection.execute(
            "SELECT round(jaro_winkler_similarity(?, ?), 12), damerau_levenshtein(?, ?)", [a, b, a, b]
        ).fetchone()
        for a, b in pairs
    ]


def _similarities_on_spark(session, pairs):
    """The functions Splink's Spark SQL calls, as the linkage session has them registered."""
    session.createDataFrame(pairs, "a string, b string").createOrReplaceTempView("name_pairs")
    rows = session.sql(
        "SELECT round(jaro_winkler(a, b), 12) AS jw, CAST(damerau_levenshtein(a, b) AS INT) AS dl FROM name_pairs"
    ).collect()
    return [(row.jw, row.dl) for row in rows]


def test_link_files_on_spark_writes_what_duckdb_writes(spark_module, trained, tmp_path, capsys):
    call_command("linkage_synthetic", children=300, feed=400, seed=5, out=tmp_path)
    (tmp_path / "model.json").write_text(json.dumps({"splink_settings": trained}))
    capsys.readouterr()
    outputs = {}
    for engine in model.ENGINES:
        out = tmp_path / f"links-{engine}.csv"
        call_command(
            "link_files",
            index=tmp_path / "index.parquet",
            feed=tmp_path / "feed.parquet",
            out=out,
            model=tmp_path / "model.json",
            engine=engine,
            spark_master="local[2]",
            spark_driver_memory="768m",
            spark_conf=["spark.sql.shuffle.partitions=3"],
            work_dir=tmp_path / "spark",
        )
        figures = json.loads(capsys.readouterr().out)
        assert figures["engine"] == engine
        with out.open() as handle:
            outputs[engine] = list(csv.DictReader(handle))
    assert len(outputs["duckdb"]) == 400
    # Weights are written to three decimals: the same text on both engines.
    assert outputs["spark"] == outputs["duckdb"]


def test_a_model_of_other_comparisons_is_refused_for_spark(trained):
    changed = json.loads(json.dumps(trained))
    changed["comparisons"][0]["comparison_levels"][4]["sql_condition"] = "1 = 1"
    with pytest.raises(model.ModelDialectProblem, match="first_name comparison is not this version"):
        model.for_dialect(changed, "spark")


def test_link_files_refuses_a_model_it_cannot_render_for_spark(trained, tmp_path):
    """Before cleaning or starting Spark (no Java needed)."""
    changed = json.loads(json.dumps(trained))
    changed["comparisons"][1]["comparison_levels"][4]["sql_condition"] = "1 = 1"
    (tmp_path / "model.json").write_text(json.dumps({"splink_settings": changed}))
    with pytest.raises(CommandError, match="family_name comparison is not this version"):
        call_command(
            "link_files",
            index=tmp_path / "missing.parquet",
            feed=tmp_path / "missing.parquet",
            out=tmp_path / "links.csv",
            model=tmp_path / "model.json",
            engine="spark",
        )


def test_for_dialect_renders_the_same_levels_for_spark_and_back(trained):
    on_spark = model.for_dialect(trained, "spark")
    assert on_spark["sql_dialect"] == "spark"
    levels = [level["sql_condition"] for c in on_spark["comparisons"] for level in c["comparison_levels"]]
    assert any("jaro_winkler(" in sql for sql in levels)
    assert not any("jaro_winkler_similarity" in sql for sql in levels)
    # The weights are the model's own, and the round trip gives back what was stored.
    assert model.for_dialect(on_spark, "duckdb")["comparisons"] == trained["comparisons"]
    assert model.for_dialect(trained, "duckdb") is trained


def test_the_session_configuration_uses_the_jar_from_the_splink_package_and_the_loopback(tmp_path):
    from pathlib import Path

    import splink

    from linkage import spark

    values = spark.configuration("local[2]", tmp_path, conf={"spark.sql.shuffle.partitions": "7"})
    jar = Path(values["spark.jars"])
    assert jar.is_file()
    assert jar.suffix == ".jar"
    assert Path(splink.__file__).parent in jar.parents  # shipped with splink: nothing to download
    assert not any("packages" in key for key in values)  # no Maven or Ivy look-ups
    assert values["spark.driver.bindAddress"] == values["spark.driver.host"] == "127.0.0.1"
    assert values["spark.ui.enabled"] == "false"
    assert values["spark.sql.session.timeZone"] == "UTC"
    assert values["spark.sql.shuffle.partitions"] == "7"
    assert values["spark.local.dir"].startswith(str(tmp_path.resolve()))
    on_a_cluster = spark.configuration("spark://linkage-master:7077", tmp_path)
    assert "spark.driver.bindAddress" not in on_a_cluster
    assert spark.local_cores("local[2]") == 2
    assert spark.local_cores("yarn") is None


class _Stop(Exception):
    pass


@pytest.fixture
def small_files(tmp_path, trained, capsys):
    call_command("linkage_synthetic", children=50, feed=60, seed=6, out=tmp_path)
    (tmp_path / "model.json").write_text(json.dumps({"splink_settings": trained}))
    capsys.readouterr()
    return tmp_path


def _link_on_spark(files, **options):
    call_command(
        "link_files",
        index=files / "index.parquet",
        feed=files / "feed.parquet",
        out=files / "links.csv",
        model=files / "model.json",
        engine="spark",
        **options,
    )


def test_the_spark_options_and_the_setting_reach_the_session(small_files, monkeypatch, settings):
    """The LINKAGE_SPARK setting gives the defaults and the options override them (the session
    itself is not started: no Java needed)."""
    from linkage import spark

    asked = {}

    def session(master, *, work_dir, driver_memory, conf):
        asked.update(master=master, driver_memory=driver_memory, conf=conf)
        raise _Stop

    monkeypatch.setattr(spark, "java_available", lambda: True)
    monkeypatch.setattr(spark, "session", session)
    settings.LINKAGE_SPARK = {
        "master": "spark://regional:7077",
        "driver_memory": "16g",
        "conf": {"spark.executor.memory": "8g", "spark.sql.shuffle.partitions": "64"},
    }
    with pytest.raises(_Stop):
        _link_on_spark(small_files, spark_conf=["spark.sql.shuffle.partitions=128"])
    assert asked == {
        "master": "spark://regional:7077",
        "driver_memory": "16g",
        "conf": {"spark.executor.memory": "8g", "spark.sql.shuffle.partitions": "128"},
    }
    with pytest.raises(_Stop):
        _link_on_spark(small_files, spark_master="local[2]", spark_driver_memory="3g")
    assert (asked["master"], asked["driver_memory"]) == ("local[2]", "3g")
    with pytest.raises(CommandError, match="KEY=VALUE"):
        _link_on_spark(small_files, spark_conf=["no-equals-sign"])


def test_link_files_on_spark_without_java_says_so(small_files, monkeypatch):
    from linkage import spark

    monkeypatch.setattr(spark, "java_available", lambda: False)
    with pytest.raises(CommandError, match="needs a Java runtime"):
        _link_on_spark(small_files)
