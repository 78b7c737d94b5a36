"""The daihoi intranet portal: Flask + HTMX, server-rendered, Vietnamese first."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared import clock
from shared import config as settings

if TYPE_CHECKING:
    import datetime as dt

    from flask import Flask

# Importing the package stays light (no Flask): the `daihoi` command lives in it, and `daihoi tui` or
# `daihoi db` need no web framework. create_app imports what it builds.

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
    "portal.calendar.views",
    "portal.pilots.views",
    "portal.onbehalf.views",
    "portal.recs.views",
    "portal.people.views",
    "portal.admin",
    "portal.admin.account",
)


def _configured_day() -> dt.date | None:
    """The current app's TODAY setting, for shared.clock (None outside an app)."""
    from flask import current_app, has_app_context

    return current_app.config.get("TODAY") if has_app_context() else None


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from flask import Flask

    from portal import access, db, filters, i18n
    from portal.converters import DatabaseId
    from portal.extensions import csrf, login_manager

    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = DatabaseId
    # The settings as the command line and the TUI read them (shared/config.py): defaults,
    # instance/config.py, DAIHOI_* environment, then `config`.
    app.config.update(settings.load(config, instance=Path(app.instance_path)))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(Path(app.instance_path))
    # Per app, never process-wide: the clock asks the current app for its day, the sessions of this app
    # carry its base URL for the links in mail (shared.notifications).
    app.config["TODAY"] = settings.today(app.config)
    app.config["BASE_URL"] = settings.base_url(app.config)
    clock.install_provider(_configured_day)
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
    from portal import admission

    admission.install(app)  # at most a few writes at once per process: pages read meanwhile keep their pace
    return app
