"""One structured access-log line per request, and a request id echoed in `X-Request-Id`.

The line is JSON on the `daihoi.access` logger (stderr unless the deployment configures logging):
method, the route's template (`/units/<int:unit_id>/report`, never the typed path or its query string),
status, duration, user id and request id. No query strings, form fields, cookies or headers are logged:
they carry names, passwords and tokens."""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import inspect

log = logging.getLogger("daihoi.access")
HEADER = "X-Request-Id"
# What a proxy may hand over: a uuid, a hex or base64-like token; anything else is replaced.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")


def request_id() -> str:
    """This request's id (set before any view runs)."""
    return g.get("request_id", "")


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    # Only a user this request has loaded already, read from its identity key: logging must not cost a
    # query, and after a failed flush (a stale save: 409) an expired attribute would have to load one
    # through a session that refuses until rolled back.
    for name in ("_login_user", "api_user"):
        user = g.get(name)
        row = getattr(user, "__dict__", {}).get("user", user)  # portal.access.SessionUser wraps the row
        state = inspect(row, raiseerr=False) if row is not None else None
        if state is not None and state.identity:
            return state.identity[0]
    return None


QUIET_ENDPOINTS = {"health.healthz", "health.readyz"}  # a proxy's probes every few seconds: logged when they fail


def _finish(response):
    rid = g.get("request_id") or uuid.uuid4().hex
    response.headers[HEADER] = rid
    if request.endpoint in QUIET_ENDPOINTS and response.status_code < 400:
        return response
    started = g.get("request_started")
    rule = request.url_rule
    log.info(json.dumps({
        "event": "request", "method": request.method, "path": rule.rule if rule is not None else "<unmatched>",
        "endpoint": request.endpoint, "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": _user_id(), "request_id": rid,
    }, ensure_ascii=False))
    return response


def _configure_logger(app: Flask) -> None:
    if app.config.get("ACCESS_LOG", True) in (False, "0", "false", "off"):
        log.disabled = True
        return
    log.disabled = False
    log.setLevel(logging.INFO)
    if not log.handlers and not app.testing:  # a deployment's own logging configuration wins
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.propagate = False


def init_app(app: Flask) -> None:
    _configure_logger(app)
    app.before_request_funcs.setdefault(None, []).insert(0, _start)  # first: a login redirect ends the chain
    app.after_request(_finish)
