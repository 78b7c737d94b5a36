"""Administration (admin and federation staff): units, accounts, campaigns, import, audit log."""
from __future__ import annotations

from flask import Blueprint, abort, request

from portal.access import me

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

MANAGERS = ("admin", "federation")


@bp.before_request
def _managers_only():
    if me().role not in MANAGERS:
        abort(403)


def ip() -> str | None:
    return request.remote_addr


def no_store(response):
    """Pages that show a one-time password must not be cached anywhere."""
    response.headers["Cache-Control"] = "no-store"
    return response


from portal.admin import audit_log, campaigns, imports, units, users  # noqa: E402,F401  (routes)
