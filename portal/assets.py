"""htmx served from the installed django-js-lib-htmx package: no CDN on the intranet."""
from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, send_from_directory

bp = Blueprint("assets", __name__)
HTMX_DIR = str(files("js_lib_htmx") / "static" / "htmx")


@bp.get("/vendor/htmx.min.js")
def htmx():
    return send_from_directory(HTMX_DIR, "htmx.min.js", mimetype="text/javascript", max_age=86400)
