"""Uploaded files in the portal: which store holds their bytes (DAIHOI_FILES_DIR, else the database) and
the one way they are served (streamed, as an attachment, with the type checked on upload)."""
from __future__ import annotations

from flask import Flask, Response, abort, current_app

from shared import storage


def init_app(app: Flask) -> None:
    storage.configure(app.extensions["daihoi.sessionmaker"], storage.from_setting(app.config.get("FILES_DIR")))


def send(session, *, key: str, filename: str, content_type: str, size: int) -> Response:
    """Stream a stored file: a few chunks in memory at a time, no transaction held while the client reads.
    Always a download (never rendered inline), never cached."""
    store = storage.of(session)
    engine = current_app.extensions["daihoi.engine"]
    if not store.exists(engine, key):
        abort(404)
    resp = Response(store.stream(engine, key), mimetype=content_type, direct_passthrough=True)
    resp.content_length = size
    resp.headers.set("Content-Disposition", "attachment", filename=filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
