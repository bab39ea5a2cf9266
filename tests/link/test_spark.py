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
from tests.matching.test_linkage import scenario  # noqa: F401 - a fixture

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


@pytest.mark.db
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_spark_on_the_candidate_path_gives_duckdbs_outcomes(
        store, scenario, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """A registry larger than the sample is read in part (tokens' candidates and a sample) and
    scored with the whole registry's size and term frequencies: Spark gets those too."""
    _need_spark()
    from tests.matching.test_blocking_keys import _bulk_reads, _last_seq
    from tests.matching.test_linkage import ACTOR, NOV28

    from spilldesk.link import LinkSettings
    from spilldesk.link.backends import spark_session
    from spilldesk.matching.linkage import link_incident

    monkeypatch.setenv("SPILLDESK_SPARK_MASTER", "local[2]")
    in_part = LinkSettings(registry_sample=60)
    reports = {}
    try:
        for backend in ("duckdb", "spark"):
            before = _last_seq(store)
            with store.session() as session:
                reports[backend] = link_incident(session, NOV28, actor=ACTOR, backend=backend,
                                                 settings=in_part).as_json()
            (read,) = _bulk_reads(store, before)
            assert 60 < read["count"] < 401  # the candidate path, not the whole registry
    finally:
        spark_session("local[2]").stop()
        spark_session.cache_clear()
    on_duckdb, on_spark = reports["duckdb"], reports["spark"]
    assert on_duckdb["matched"] >= 30
    for field in ("matched", "review", "unmatched", "reasons"):
        assert on_spark[field] == on_duckdb[field], field
    assert [m["a_number"] for m in on_spark["matches"]] == [
        m["a_number"] for m in on_duckdb["matches"]]
    for spark_match, duck_match in zip(on_spark["matches"], on_duckdb["matches"], strict=True):
        assert spark_match["probability"] == pytest.approx(duck_match["probability"], abs=1e-6)


def test_the_desks_frames_are_held_by_the_executors_not_the_driver(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A registered frame is read from checkpointed partitions: the driver keeps no copy of
    its rows in the plan (at registry scale those rows filled the driver's heap during EM)."""
    _need_spark()
    from spilldesk.link.backends import PARTITIONS, database_api, spark_session

    monkeypatch.setenv("SPILLDESK_SPARK_MASTER", "local[2]")
    try:
        api = database_api("spark")
        registry = make_registry(200, seed=13)
        api.register(registry, table_name="registry_held")
        table = spark_session("local[2]").table("registry_held")
        plan = table._jdf.queryExecution().analyzed().toString()
        assert "LocalRelation" not in plan
        assert "LogicalRDD" in plan
        assert table.rdd.getNumPartitions() == PARTITIONS
        assert table.count() == 200
    finally:
        spark_session("local[2]").stop()
        spark_session.cache_clear()
