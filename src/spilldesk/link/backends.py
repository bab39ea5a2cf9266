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


def database_api(backend: Backend) -> DatabaseAPI[Any]:
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
        # DuckDB's own progress bar writes to stdout, which carries a command's --json answer.
        connection.execute("SET enable_progress_bar = false")
        return DuckDBAPI(connection)
    if backend == "spark":
        from splink import SparkAPI

        spark = spark_session(SPARK_MASTER.read())
        # In local mode, caching breaks lineage without a checkpoint directory on disk.
        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark, num_partitions_on_repartition=4, break_lineage_method="persist"
        )
    raise ValueError(f"unknown linkage backend {backend!r}: use duckdb or spark")


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
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
