"""The Spark backend gives the same outcomes as DuckDB on the same data (local mode)."""

from __future__ import annotations

import importlib.util
import os
import shutil

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


def test_spark_and_duckdb_agree(crafted, crafted_persons, to_records) -> None:
    _need_spark()
    registry = pd.concat(
        [make_registry(400, seed=13), pd.DataFrame(crafted_persons)], ignore_index=True
    )
    noisy = make_disclosed(registry.iloc[:400], 30, seed=17)
    records = list(crafted.values()) + to_records(noisy, 1000)
    on_duckdb = link_records(records, registry, custody_reference_date=None, backend="duckdb")
    on_spark = link_records(records, registry, custody_reference_date=None, backend="spark")
    assert [(r.status, r.person_id, r.reason) for r in on_spark] == [
        (r.status, r.person_id, r.reason) for r in on_duckdb
    ]
    for spark_result, duck_result in zip(on_spark, on_duckdb, strict=True):
        if spark_result.probability is not None and duck_result.probability is not None:
            assert spark_result.probability == pytest.approx(duck_result.probability, abs=1e-6)
