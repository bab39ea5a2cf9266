"""Property-based API tests from /openapi.json (schemathesis), authenticated, bounded.

Every documented operation is called with generated data as a privacy officer: nothing may
answer with a server error, and documented response bodies must match their schemas. The
egress check is left out: it runs record linkage (seconds per call) and is tested elsewhere.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.web.conftest import bearer
from tests.web.desk_seed import Seeded

pytestmark = pytest.mark.db
SKIPPED = re.compile(r"^/api/(egress|auth/token)")
EXAMPLES = 6


def test_every_operation_survives_generated_requests(client: TestClient,
                                                     seeded: Seeded) -> None:
    headers = bearer(client, "privacy_officer")
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if SKIPPED.match(operation.path):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])

        call()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) >= 25, tested
