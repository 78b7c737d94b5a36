"""One SQLAlchemy session per request; views commit once, teardown closes (and rolls back)."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from shared.db import make_engine, make_session_factory


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], **app.config.get("ENGINE_OPTIONS", {}))
    app.extensions["daihoi.engine"] = engine
    app.extensions["daihoi.sessionmaker"] = make_session_factory(engine)
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
