"""Thin backends: where splink runs. The model (comparisons, blocking, decisions) is shared.

DuckDB is embedded and needs no extension download (splink's comparisons use DuckDB's
built-in ``jaro_winkler_similarity`` and ``damerau_levenshtein``). Spark runs where
`SPILLDESK_SPARK_MASTER` says — on this machine (`local[2]`, the default) or on a cluster
(`spark://HOST:7077`) — with the similarity UDF jar that ships inside the splink wheel (sent to
the executors) and this interpreter for their Python workers.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

from splink.internals.database_api import DatabaseAPI

from spilldesk.config import SPARK_MASTER
from spilldesk.link.model import Backend

PARTITIONS = 4  # shuffles and splink's repartitions: a few per executor core


def database_api(backend: Backend) -> DatabaseAPI[Any]:
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
        # DuckDB's own progress bar writes to stdout, which carries a command's --json answer.
        connection.execute("SET enable_progress_bar = false")
        return DuckDBAPI(connection)
    if backend == "spark":
        spark = spark_session(SPARK_MASTER.read())
        # In local mode, caching breaks lineage without a checkpoint directory on disk.
        return _spark_api()(
            spark_session=spark, num_partitions_on_repartition=PARTITIONS,
            break_lineage_method="persist",
        )
    raise ValueError(f"unknown linkage backend {backend!r}: use duckdb or spark")


@cache
def _spark_api() -> type[DatabaseAPI[Any]]:
    from splink import SparkAPI
    from splink.internals.misc import is_pandas_frame

    class ExecutorTables(SparkAPI):  # type: ignore[misc]
        """splink's SparkAPI, with the desk's frames held by the executors, not the driver.

        Spark turns a pandas frame into a table whose rows the driver keeps and sends with
        every query that reads it; the registry's candidates (hundreds of thousands of persons
        at registry scale) then fill the driver's heap during EM. Sent once through Arrow,
        split into partitions and checkpointed on the executors, the table's lineage no longer
        holds the rows.
        """

        def _table_registration(self, input: Any, table_name: str) -> None:
            if is_pandas_frame(input):
                input = (self.spark.createDataFrame(self._clean_pandas_df(input))
                         .repartition(PARTITIONS).localCheckpoint(eager=True))
            super()._table_registration(input, table_name)

    return ExecutorTables


@cache
def spark_session(master: str) -> Any:
    """A Spark session on `master` with splink's similarity functions on the classpath."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(master)
        .appName("spilldesk-link")
        .config("spark.jars", similarity_jar_location())
        # The executors' Python workers run this interpreter (the same packages as here).
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.shuffle.partitions", str(PARTITIONS))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # A JVM out of memory exits (the link fails, naming it) instead of leaving the
        # driver waiting for an answer its dead thread will never send.
        .config("spark.driver.extraJavaOptions", "-XX:+ExitOnOutOfMemoryError")
        .config("spark.executor.extraJavaOptions", "-XX:+ExitOnOutOfMemoryError")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
