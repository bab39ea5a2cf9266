"""The Spark backend gives the same outcomes as DuckDB on the same data, on a standalone
cluster (a master and two workers, each its own JVM, started by benchmarks/spark_cluster.py):
what a deployment beyond one machine runs. Local mode is the same code with `local[2]`."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator

import pandas as pd
import pytest

from spilldesk.link import link_records
from spilldesk.scenario.noisy_registry import make_disclosed, make_registry

pytestmark = pytest.mark.spark


def _need_spark() -> None:
    """Skip where Spark cannot run, unless SPILLDESK_REQUIRE_SPARK=1 (CI): then fail."""
    missing = ("Java" if shutil.which("java") is None else
               "pyspark" if importlib.util.find_spec("pyspark") is None else None)
    if missing:
        if os.environ.get("SPILLDESK_REQUIRE_SPARK") == "1":
            pytest.fail(f"Spark is required (SPILLDESK_REQUIRE_SPARK=1) but {missing} is missing")
        pytest.skip(f"Spark needs {missing}")


@pytest.fixture
def spark_cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    _need_spark()
    from benchmarks.spark_cluster import cluster

    from spilldesk.link.backends import spark_session

    with cluster(workers=2, cores=1, memory="1g") as url:
        monkeypatch.setenv("SPILLDESK_SPARK_MASTER", url)
        try:
            yield url
        finally:
            spark_session(url).stop()
            spark_session.cache_clear()


def test_spark_and_duckdb_agree(spark_cluster, crafted, crafted_persons, to_records) -> None:
    from spilldesk.link.backends import spark_session

    registry = pd.concat(
        [make_registry(400, seed=13), pd.DataFrame(crafted_persons)], ignore_index=True
    )
    noisy = make_disclosed(registry.iloc[:400], 30, seed=17)
    records = list(crafted.values()) + to_records(noisy, 1000)
    on_duckdb = link_records(records, registry, custody_reference_date=None, backend="duckdb")
    on_spark = link_records(records, registry, custody_reference_date=None, backend="spark")
    context = spark_session(spark_cluster).sparkContext
    assert context.master == spark_cluster
    # The driver and one executor on each worker took part.
    assert context._jsc.sc().getExecutorMemoryStatus().size() == 3
    assert [(r.status, r.person_id, r.reason) for r in on_spark] == [
        (r.status, r.person_id, r.reason) for r in on_duckdb
    ]
    for spark_result, duck_result in zip(on_spark, on_duckdb, strict=True):
        if spark_result.probability is not None and duck_result.probability is not None:
            assert spark_result.probability == pytest.approx(duck_result.probability, abs=1e-6)
