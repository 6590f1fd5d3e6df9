"""Running the linkage model on Spark, for a region's or the nation's run (issue 20, item 9).

The model, the cleaning, the thresholds and the bands are the same as on DuckDB; only the
engine differs (`linkage.model.database_api("spark", spark_session=...)`). Spark comes from
PyPI (pyspark, pinned in requirements.txt) and needs a Java runtime (Debian's
default-jre-headless; .ci/run installs it). The string similarity functions Splink uses
(Jaro-Winkler, Damerau-Levenshtein) are Scala functions in a jar shipped inside the splink
package (`similarity_jar_location()`): nothing is downloaded when a session starts. Two of them
are replaced (`register_similarities`): the jar's Jaro-Winkler differs from DuckDB's, and its
Damerau-Levenshtein is slow.

`session()` makes a session: on this machine `local[2]` (both cores), or a cluster's master
(`spark://host:7077`, `yarn`, `k8s://...`) with the executors' sizes given as Spark
configuration (docs/linkage.md, "Regional and national runs on Spark"). Its scratch space
(shuffle files, Splink's checkpoints, the warehouse) is under `work_dir`. A local session
listens on the loopback address only.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LOCAL = "local[2]"
# The driver's heap: 1g ran out at 50,000 children and 100,000 records on local[2] (where the
# driver is also the executor); 2g was enough.
DRIVER_MEMORY = "2g"


def java_available() -> bool:
    """Whether a Java runtime can be found (JAVA_HOME, or java on the PATH)."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return True
    return shutil.which("java") is not None


def local_cores(master: str) -> int | None:
    """The number of cores of a local master ("local[2]" is 2, "local" is 1), else None."""
    if master == "local":
        return 1
    if master.startswith("local[") and master.endswith("]"):
        inside = master[len("local[") : -1].split(",")[0]
        return (os.cpu_count() or 1) if inside == "*" else int(inside)
    return None


def configuration(
    master: str, work_dir: Path, *, driver_memory: str = DRIVER_MEMORY, conf: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The Spark configuration of a linkage session (`conf` overrides any of it)."""
    from splink.backends.spark import similarity_jar_location

    work_dir = Path(work_dir).resolve()
    values = {
        "spark.master": master,
        "spark.app.name": "safeguarding-linkage",
        # The similarity functions (jaro_winkler, damerau_levenshtein), from the splink package.
        "spark.jars": similarity_jar_location(),
        "spark.driver.memory": driver_memory,
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # Dates are compared as midnight UTC, as DuckDB does: no daylight-saving hour.
        "spark.sql.session.timeZone": "UTC",
        "spark.local.dir": str(work_dir / "local"),
        "spark.sql.warehouse.dir": str(work_dir / "warehouse"),
        "spark.driver.extraJavaOptions": (
            f"-Djava.io.tmpdir={work_dir / 'tmp'} -Dderby.system.home={work_dir / 'derby'}"
        ),
    }
    cores = local_cores(master)
    if cores is not None:
        # One machine: few partitions (Spark's default of 200 is for clusters), and the
        # driver reachable on the loopback address only.
        partitions = str(max(2, 2 * cores))
        values |= {
            "spark.sql.shuffle.partitions": partitions,
            "spark.default.parallelism": partitions,
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.host": "127.0.0.1",
        }
    values |= dict(conf or {})
    return values


def session(
    master: str = LOCAL,
    *,
    work_dir: Path,
    driver_memory: str = DRIVER_MEMORY,
    conf: Mapping[str, str] | None = None,
) -> Any:
    """A Spark session for linkage (see the module docstring). Stop it with `stop()`."""
    if not java_available():
        raise RuntimeError("Spark needs a Java runtime: install Debian's default-jre-headless, or set JAVA_HOME")
    from pyspark.sql import SparkSession

    values = configuration(master, work_dir, driver_memory=driver_memory, conf=conf)
    for name in ("local", "warehouse", "tmp", "derby", "checkpoints"):
        (Path(work_dir) / name).mkdir(parents=True, exist_ok=True)
    if local_cores(master) is not None:
        # Read by the JVM before any configuration: the loopback address, not the machine's.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # The Python workers (Jaro-Winkler, below) run this interpreter, with its packages.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in values.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # Splink writes its intermediate tables (blocked pairs, predictions) here as Parquet.
    spark.sparkContext.setCheckpointDir(str(Path(work_dir).resolve() / "checkpoints"))
    return spark


def database_api(spark: Any, **options: Any) -> Any:
    """Splink's SparkAPI on the session, for one run: the temporary views of an earlier run in
    the same session (its input tables, Splink's tables) are dropped first."""
    from splink.backends.spark import SparkAPI

    spark.catalog.clearCache()
    for table in spark.catalog.listTables():
        if table.isTemporary:
            spark.catalog.dropTempView(table.name)
    options.setdefault("break_lineage_method", "parquet")
    api = SparkAPI(spark_session=spark, **options)
    register_similarities(spark)
    return api


def register_similarities(spark: Any) -> None:
    """Jaro-Winkler and Damerau-Levenshtein on Spark as DuckDB computes them, from jellyfish
    (which the cleaning and the generator use too), under the names Splink's Spark SQL calls.

    The Scala functions in Splink's jar are replaced:

    - its Jaro-Winkler counts transpositions differently when a letter is repeated
      ("jennson"/"jenson": 0.908 there, 0.928 in DuckDB and jellyfish), which moves a pair
      across the 0.92 level and changes its weight by about 4 (4 of 20,000 records at 10k
      children). The model's levels must mean the same on both engines;
    - its Damerau-Levenshtein gives the same answers (the model asks only "at most 1", where
      every variant agrees) but builds lists for each cell: tens of microseconds a pair, where
      the dates of birth, NHS numbers and UPNs of most candidate pairs reach it.

    Both are Arrow functions (a batch of pairs at a time, about 2 µs a pair). The executors
    need jellyfish and pyarrow: the project's requirements."""
    import jellyfish
    import pyarrow as pa
    from pyspark.sql.functions import arrow_udf
    from pyspark.sql.types import DoubleType, LongType

    def jaro_winkler(left: pa.Array, right: pa.Array) -> pa.Array:
        return pa.array(
            [
                None if a is None or b is None else jellyfish.jaro_winkler_similarity(a, b)
                for a, b in zip(left.to_pylist(), right.to_pylist(), strict=True)
            ],
            pa.float64(),
        )

    def damerau_levenshtein(left: pa.Array, right: pa.Array) -> pa.Array:
        return pa.array(
            [
                None if a is None or b is None else jellyfish.damerau_levenshtein_distance(a, b)
                for a, b in zip(left.to_pylist(), right.to_pylist(), strict=True)
            ],
            pa.int64(),
        )

    for function, kind in ((jaro_winkler, DoubleType()), (damerau_levenshtein, LongType())):
        # pyspark reads the kind of function from its annotations, which must be the classes
        # themselves (this module's annotations are strings).
        function.__annotations__ = {"left": pa.Array, "right": pa.Array, "return": pa.Array}
        # (pyspark's stubs list only the older form, with the function type given.)
        spark.udf.register(function.__name__, arrow_udf(function, kind))  # type: ignore[call-overload]


def stop(spark: Any) -> None:
    spark.stop()
