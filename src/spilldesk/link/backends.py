"""Thin backends: where splink runs. The model (comparisons, blocking, decisions) is shared.

DuckDB is embedded and needs no extension download (splink's comparisons use DuckDB's
built-in ``jaro_winkler_similarity`` and ``damerau_levenshtein``). Spark runs in local mode
with the similarity UDF jar that ships inside the splink wheel.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from splink.internals.database_api import DatabaseAPI

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

        spark = local_spark_session()
        # In local mode, caching breaks lineage without a checkpoint directory on disk.
        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark, num_partitions_on_repartition=4, break_lineage_method="persist"
        )
    raise ValueError(f"unknown linkage backend {backend!r}: use duckdb or spark")


@cache
def local_spark_session() -> Any:
    """A local Spark session with splink's similarity functions on the classpath."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master("local[2]")
        .appName("spilldesk-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
