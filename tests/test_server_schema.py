"""schemathesis against the service's own OpenAPI document: for generated requests, valid
and invalid, no 5xx, and every answer (status, content type, headers, body) matches the
document."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from xuncha_nlp.server import create_app  # noqa: E402

# Small limits, so generated requests also reach the 413 and 422 limit paths. A schema-
# violating body may be refused for its size (413) before its content is looked at.
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {
    "expected-statuses": ["400", "401", "404", "405", "413", "415", "422"]}}})
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(max_body=64_000, max_text=4_000, max_items=20), config=CONFIG)


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
def test_api_conforms(case: Any) -> None:
    excluded = []
    if case.path == "/v1/analyze":
        # A schema-valid upload is base64 of random bytes: whether those bytes are a readable
        # .docx or .pdf no schema can say, so a 422 for them is right.
        excluded.append(positive_data_acceptance)
    response = case.call_and_validate(excluded_checks=excluded)
    assert response.status_code < 500
