"""Administration (admin and federation staff): units, accounts, campaigns, import, audit log."""
from __future__ import annotations

from flask import Blueprint, abort, request

from portal import db
from portal.access import me
from shared.errors import DomainError, Forbidden, NotFound

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

MANAGERS = ("admin", "federation")


@bp.before_request
def _managers_only():
    if me().role not in MANAGERS:
        abort(403)


def ip() -> str | None:
    return request.remote_addr


def attempt(form, call, *args, **kwargs):
    """Run a domain call: (result, None), or (None, message) with field errors put on `form`.

    Out-of-scope objects answer 404 and forbidden roles 403; a refused change is rolled back.
    """
    try:
        return call(*args, **kwargs), None
    except NotFound:
        db.session().rollback()
        abort(404)
    except Forbidden:
        db.session().rollback()
        abort(403)
    except DomainError as exc:
        db.session().rollback()
        if form is not None:
            for name, message in exc.fields.items():
                field = getattr(form, name, None)
                if field is not None:
                    field.errors = [*field.errors, message]
        return None, exc.message


def no_store(response):
    """Pages that show a one-time password must not be cached anywhere."""
    response.headers["Cache-Control"] = "no-store"
    return response


from portal.admin import audit_log, campaigns, imports, units, users  # noqa: E402,F401  (routes)
