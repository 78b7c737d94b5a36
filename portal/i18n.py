"""Languages of the portal: Flask-Babel over shared/i18n's catalogues.

Vietnamese is the default; a user chooses English once (kept on the account, `users.locale`) and the
login page offers the switch before logging in (kept in the session). Templates translate with
`{{ _("…") }}`; Python code with `shared.i18n._` / `lazy_gettext`. Dates stay dd/mm/yyyy in both.
"""
from __future__ import annotations

from functools import cached_property

import flask_babel
from flask import Blueprint, Flask, abort, g, has_request_context, redirect, request, session
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from portal import db
from portal.security import safe_next
from shared import i18n

bp = Blueprint("i18n", __name__)


class _CatalogueDomain(flask_babel.Domain):
    """Flask-Babel's gettext, lazy_gettext and Jinja's `_` read shared/i18n's in-memory catalogues."""

    def get_translations(self):
        return i18n.translations(current_language())


class _Babel(flask_babel.Babel):
    @cached_property
    def domain_instance(self):
        return _CatalogueDomain()


class _JSONProvider(DefaultJSONProvider):
    """Lazy labels (`lazy_gettext`) serialise as the text of the request's language."""

    @staticmethod
    def default(o):
        if i18n.is_lazy(o):
            return str(o)
        return DefaultJSONProvider.default(o)


def _select_locale() -> str:
    try:
        api_user = g.get("api_user")  # the JSON API's caller, identified by a bearer token (no cookie session)
        if api_user is not None:
            return i18n.normalise_language(api_user.locale)
        if current_user and current_user.is_authenticated:
            return i18n.normalise_language(current_user.locale)
    except SQLAlchemyError:
        # Asked first by an error handler after a failed flush: the user's row cannot be read now, and the
        # error must still be answered (in the browser's language).
        pass
    return i18n.normalise_language(session.get("locale"))


def refresh_language() -> None:
    """Choose the request's language again (once the API has identified the token's user), now, while the
    database session is sound: an error handler later in the request only reads the choice."""
    _refresh()
    current_language()


def current_language() -> str:
    """The request's language; kept on `g` once chosen (a page asks for it for every label it shows)."""
    return _request_language() or i18n.DEFAULT_LANGUAGE


def _request_language() -> str | None:
    """The request's language, None outside a request (shared.i18n's provider: the TUI's and the command
    line's own choice applies there)."""
    if not has_request_context():
        return None
    code = g.get("_language")
    if code is None:
        locale = flask_babel.get_locale()
        code = g._language = str(locale) if locale else i18n.DEFAULT_LANGUAGE
    return code


def _translations():
    return i18n.translations(current_language())


def _refresh() -> None:
    flask_babel.refresh()
    g.pop("_language", None)


@bp.post("/language")
def switch():
    """Switch the interface language: for the account when logged in, for this browser otherwise."""
    code = request.form.get("locale", "")
    if code not in i18n.LANGUAGES:
        abort(400)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.user.locale = code
        db.commit()
    _refresh()
    return redirect(safe_next(request.form.get("next")), 303)


def _choose_language() -> None:
    """Decide the page's language at the start of the request (see refresh_language)."""
    # Files: no user to load. The API chooses once it knows the token's user (api.views._authenticate).
    if request.endpoint not in ("static", "assets.htmx") and request.blueprint != "api":
        current_language()


def init_app(app: Flask) -> None:
    app.json = _JSONProvider(app)
    _Babel(app, default_locale=i18n.DEFAULT_LANGUAGE, locale_selector=_select_locale)
    # Templates' `_()` read the catalogue straight away, as Flask-Babel's own callables do through its domain
    # (_CatalogueDomain): a page shows a few dozen labels, and the domain's look-up cost more than the label.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    i18n.install_provider(_request_language)
    app.jinja_env.globals.update(LANGUAGES=i18n.LANGUAGES, current_language=current_language)
    app.register_blueprint(bp)
    # After Flask-Login's loader is reachable (it loads the user on first use of current_user).
    app.before_request(_choose_language)
