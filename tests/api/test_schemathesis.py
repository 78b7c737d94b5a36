"""Property-based run of schemathesis over /api/v1/openapi.json, in process against the Flask app:
every documented operation gets generated inputs, every response is checked against the document.

The operations are driven through schemathesis' Python API (`from_wsgi`, `as_strategy`,
`call_and_validate`) rather than its lazy pytest fixture loader, which relies on a private
attribute that pytest 9 no longer has."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from shared.reports import get_or_create_report


@pytest.fixture
def api_schema(app, world):
    # Something to find: a draft report, so that report endpoints answer more than 404.
    get_or_create_report(world.session, world.campaign, world.g11, world.reporter11)
    world.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Revoking would pull the run's own token from under it.
    return schema.exclude(method="DELETE", path="/tokens/{token_id}")


@pytest.mark.parametrize(
    ("username", "mode"),
    [("rachgia", GenerationMode.POSITIVE), ("vinhlac", GenerationMode.POSITIVE), ("rachgia", GenerationMode.NEGATIVE)],
)
def test_the_api_matches_its_openapi_document(api_schema, api, world, username, mode):
    headers = api.headers(username)
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
        def run(case):
            # A cursor is opaque: only the ones the API handed out are valid, so a generated one
            # is rightly refused (400) although it fits the schema's "any string".
            # A report save also obeys rules across fields and dates (parts within their whole, a
            # congress date inside the campaign and not in the future): 422 for such schema-valid data.
            opaque = "cursor" in (case.query or {}) or case.method == "PUT"
            excluded = [positive_data_acceptance] if opaque else []
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_document_loads_as_openapi_3(client, world):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.0")
    loaded = schemathesis.openapi.from_dict(spec)
    assert {op.ok().path for op in loaded.get_all_operations()} >= {"/progress", "/units", "/units/{unit_id}/report"}
