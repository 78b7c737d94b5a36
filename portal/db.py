"""One SQLAlchemy session per request; views commit once, teardown closes (and rolls back)."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from shared import notifications
from shared.db import make_engine, make_session_factory


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    options = dict(app.config.get("ENGINE_OPTIONS", {}))
    threads = app.config.get("SERVER_THREADS")  # set by `daihoi serve`
    parsed = make_url(url)
    if threads and issubclass(parsed.get_dialect().get_pool_class(parsed), QueuePool):
        # A pooled connection for each thread: a smaller pool would open (and close) a connection for
        # many requests of a busy server, as it keeps none beyond its size.
        options.setdefault("pool_size", max(int(threads), 5))  # 5: SQLAlchemy's default
    engine = make_engine(url, **options)
    app.extensions["daihoi.engine"] = engine
    sessions = make_session_factory(engine)
    # What the domain needs of this app's settings travels with its sessions, not in module globals.
    sessions.configure(info={notifications.BASE_URL: app.config.get("BASE_URL") or ""})
    app.extensions["daihoi.sessionmaker"] = sessions
    app.teardown_appcontext(_close)


def session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["daihoi.sessionmaker"]()
    return g.db_session


def commit() -> None:
    session().commit()


def _close(_exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()
