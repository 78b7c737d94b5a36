"""`/healthz` (the process answers) and `/readyz` (it can serve: database reachable and at the newest
migration, Redis reachable when configured), for a reverse proxy or an orchestrator; no login, no data."""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)
log = logging.getLogger("daihoi.health")

REDIS_TIMEOUT_SECONDS = 1.0


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The revisions a ready database is at (read once: the migrations ship with the code)."""
    from alembic.script import ScriptDirectory

    from shared.migrate import MIGRATIONS, alembic_config

    config = alembic_config("sqlite://")
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _database_ready() -> bool:
    engine = current_app.extensions["daihoi.engine"]
    try:
        with engine.connect() as conn:
            found = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", said in the log
        log.warning("readyz: database unreachable: %s", type(exc).__name__)
        return False
    if found != head_revisions():
        log.warning("readyz: database at %s, the code expects %s", sorted(found), sorted(head_revisions()))
        return False
    return True


def _redis_ready() -> bool | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("daihoi.health_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                      socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        current_app.extensions["daihoi.health_redis"] = client
    try:
        return bool(client.ping())
    except Exception as exc:  # noqa: BLE001
        log.warning("readyz: redis unreachable: %s", type(exc).__name__)
        return False


@bp.get("/healthz")
def healthz():
    return _plain({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz():
    checks = {"database": _database_ready()}
    redis_ok = _redis_ready()
    if redis_ok is not None:
        checks["redis"] = redis_ok
    ready = all(checks.values())
    return _plain({"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)


def _plain(body: dict, status: int):
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
