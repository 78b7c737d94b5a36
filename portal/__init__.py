"""The daihoi intranet portal: Flask + HTMX, server-rendered, Vietnamese first."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from portal import access, db, filters, i18n
from portal.extensions import csrf, login_manager

BLUEPRINTS = (
    "portal.auth.views",
    "portal.home.views",
    "portal.units.views",
    "portal.dashboard.views",
    "portal.reports.views",
    "portal.assets",
    "portal.api.views",
    "portal.party.views",
    "portal.review.views",
    "portal.notifications.views",
    "portal.admin",
    "portal.admin.account",
)


def _secret_key(instance_path: str) -> str:
    """Embedded default: a random key kept in the instance folder (never in the repo)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class DatabaseId(IntegerConverter):
    """`<int:...>` in URLs: above what an INTEGER column holds is a plain 404 (as for any unknown id) instead
    of a database overflow (a 500 on PostgreSQL and SQLite). Not a `max=` bound: that makes the router answer
    405 when another method's rule has the same path."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > 2**31 - 1:
            raise NotFound()
        return number


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = DatabaseId
    app.config.from_mapping(
        DATABASE_URL=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        PAGE_SIZE=50,
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("DAIHOI")
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        from shared.db import default_url

        app.config["DATABASE_URL"] = default_url(app.instance_path)
    if app.config.get("TODAY"):
        os.environ.setdefault("DAIHOI_TODAY", str(app.config["TODAY"]))

    from shared import notifications

    notifications.set_base_url(app.config.get("BASE_URL"))  # absolute links in mail
    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    filters.init_app(app)
    access.init_app(app)

    import importlib

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)

    from portal import errors, security

    errors.init_app(app)
    security.init_app(app)
    from portal import files, health, observability

    files.init_app(app)
    health.init_app(app)
    observability.init_app(app)
    return app
