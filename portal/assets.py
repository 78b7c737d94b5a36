"""Files the portal serves outside /static: htmx from the installed django-js-lib-htmx package (no CDN on
the intranet) and the site icon at the address browsers ask for without being told (/favicon.ico)."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, send_from_directory

bp = Blueprint("assets", __name__)
HTMX_DIR = str(files("js_lib_htmx") / "static" / "htmx")
STATIC_DIR = str(Path(__file__).resolve().parent / "static")


@bp.get("/vendor/htmx.min.js")
def htmx():
    return send_from_directory(HTMX_DIR, "htmx.min.js", mimetype="text/javascript", max_age=86400)


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(STATIC_DIR, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)
