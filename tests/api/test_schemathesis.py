"""Property-based run of schemathesis over /api/v1/openapi.json, in process against the Flask app:
every documented operation gets generated inputs, every response is checked against the document.

The operations are driven through schemathesis' Python API (`from_wsgi`, `as_strategy`,
`call_and_validate`) rather than its lazy pytest fixture loader, which relies on a private
attribute that pytest 9 no longer has."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


def test_every_api_route_is_in_the_document(app):
    """schemathesis fuzzes what the document lists: a route missing from it would escape the fuzz."""
    documented = {(path, method) for path, ops in spec_paths(app).items() for method in ops}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        missing += [f"{method} {rule.rule}" for method in rule.methods - {"HEAD", "OPTIONS"}
                    if (path, method.lower()) not in documented]
    assert not missing, f"API routes missing from portal/api/openapi.py: {missing}"


def spec_paths(app) -> dict:
    from portal.api.openapi import spec

    with app.app_context():
        return spec()["paths"]


def test_revoking_tokens_with_generated_ids(api_schema, app, api, world):
    """The DELETE left out above, run on its own with a token of its own: a generated id revokes nothing of
    another user's, and never fails (404, or 204 for the caller's own tokens)."""
    from shared import tokens

    for _ in range(3):  # something of the caller's own to find, besides the token in use
        tokens.issue(world.session, world.district1)
    world.session.commit()
    headers = api.headers("rachgia")
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(
        method="DELETE", path="/tokens/{token_id}").get_all_operations()
    (operation,) = [result.ok() for result in operation]

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=headers)

    run()


# ---- any JSON body on every JSON route ------------------------------------------------------------

_text = st.text(alphabet=st.characters(codec=None), max_size=30) | st.sampled_from(
    ["\ud800", "\udfff", "a\x00b", "31/12/9999", "9999-12-31", "x" * 3000, ""])
_numbers = st.integers(min_value=-(10**30), max_value=10**30) | st.floats(allow_nan=False) | st.sampled_from([2**31, 2**63])
_json = st.recursive(st.none() | st.booleans() | _numbers | _text,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4), max_leaves=12)


def _report_like():
    from shared.reports import EDITABLE_FIELDS

    return st.dictionaries(st.sampled_from(sorted({*EDITABLE_FIELDS, "version", "reason", "username", "password",
                                                   "name", "officers", "recommendations"})), _json, max_size=6)


def _encode(value) -> bytes:
    import json

    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("username", ["vinhlac", "rachgia"])
def test_any_json_body_on_every_json_route(app, api, world, username):
    """Generated JSON (any shape, nesting, lone surrogates, NUL, huge numbers, NaN written raw, dates past the
    calendar) on every POST/PUT route of /api/v1, the token request included: never a 5xx."""
    from sqlalchemy import select

    from shared.models import Unit

    app.config["PROPAGATE_EXCEPTIONS"] = False
    headers = api.headers(username)
    unit_id = world.g11.id
    routes = [(rule.rule.replace("<int:unit_id>", str(unit_id)), method) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") for method in sorted(rule.methods & {"POST", "PUT"})]
    assert len(routes) >= 6
    assert world.session.scalar(select(Unit.id).where(Unit.id == unit_id))
    failures = []
    for url, method in routes:

        @given(body=_report_like() | _json, raw=st.sampled_from([None, b"[" * 5000, b'{"a": NaN}', b"\xff\xfe", b"{"]))
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def run(body, raw):
            resp = api.client.open(url, method=method, data=raw if raw is not None else _encode(body),
                                   content_type="application/json", headers=headers)
            assert resp.status_code < 500, f"{method} {url}: {resp.status_code} for {body!r:.200} / {raw!r:.40}"
            assert resp.is_json

        try:
            run()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, "\n".join(failures)
