"""Fixtures for the security tests: an app with chosen settings, and Redis when it is there."""
from __future__ import annotations

import os
import uuid

import pytest

REDIS_URL = os.environ.get("DAIHOI_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def make_app(database_url, db, tmp_path):
    """create_app with the test database plus `overrides`; engines disposed after the test."""
    from portal import create_app

    apps = []

    def _make(**overrides):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["daihoi.engine"].dispose()


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def limiter_storage():
    """Redis (private key prefix, cleaned up) when reachable, as in CI; memory otherwise.
    In CI a missing Redis is a failure, not a silent fallback."""
    if _redis_reachable():
        import redis

        prefix = f"daihoi-test-{uuid.uuid4().hex[:8]}"
        yield {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
        conn = redis.Redis.from_url(REDIS_URL)
        keys = list(conn.scan_iter(f"*{prefix}*"))
        if keys:
            conn.delete(*keys)
    elif os.environ.get("CI"):
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it")
    else:
        yield {"REDIS_URL": None}
