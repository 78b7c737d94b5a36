"""Who is logged in, and the one place that scopes lookups to the user's subtree."""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort, redirect, request, url_for
from flask_login import UserMixin, current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal import db
from portal.extensions import login_manager
from portal.security import safe_next  # noqa: F401  (the one check of redirect targets; imported from here too)
from shared import units as unit_queries
from shared.models import Unit, User

# Everything else needs a logged-in user.
# The calendar feed is read by phone calendars, which cannot log in: its secret address is the key.
# An addressee account (a People's Committee office...) reads and answers only its own recommendations: its
# session reaches these blueprints and nothing else (each view of `recs` scopes it further).
ADDRESSEE_BLUEPRINTS = {"recs", "auth", "account", "i18n", "notifications", "assets"}
PUBLIC_ENDPOINTS = {"auth.login", "i18n.switch", "static", "assets.htmx", "assets.favicon", "calendar.feed",
                    "health.healthz", "health.readyz"}


class SessionUser(UserMixin):
    """Flask-Login wrapper; the session id carries session_version so a bump logs out."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_version}"

    def __getattr__(self, name):
        return getattr(self.user, name)


_USER = select(User).options(joinedload(User.unit)).where(User.id == bindparam("uid"))  # built once: every request


@login_manager.user_loader
def _load_user(user_id: str):
    try:
        uid, version = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    user = db.session().scalar(_USER, {"uid": uid})
    if user is None or not user.active or user.session_version != version:
        return None
    return SessionUser(user)


def init_app(app: Flask) -> None:
    @app.before_request
    def _require_login():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if request.blueprint == "api":  # bearer tokens, checked by the API itself
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role == "addressee" and request.blueprint not in ADDRESSEE_BLUEPRINTS:
            if request.endpoint == "home.index":
                return redirect(url_for("recs.index"))
            abort(403)
        return None


def me() -> User:
    """The logged-in domain user."""
    return current_user.user


def roles_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if me().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_unit_or_404(unit_id: int) -> Unit:
    unit = unit_queries.get_visible_unit(db.session(), me(), unit_id)
    if unit is None:
        abort(404)
    return unit


def redirect_home():
    return redirect(url_for("home.index"))
