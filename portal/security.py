"""Web hardening: login rate limits, session cookie and idle timeout, security headers, production checks,
the guard on malformed input and the one check of a redirect target (`safe_next`)."""
from __future__ import annotations

import hashlib
import hmac
import time
import unicodedata
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import flask
from flask import Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user, user_logged_in
from sqlalchemy import inspect
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.urls import iri_to_uri

from shared import i18n, parsing
from shared.i18n import N_, _, lazy_gettext, ngettext
from shared.text import nfc

# Endpoints that check a password: the login form, the API's token request and the own-password change
# (the current password). They share one set of failure counters (per address, per username and address,
# per username), so a guesser gains nothing by switching between them. A new one adds its name here and
# calls record_failed_credentials() when the password was wrong.
CREDENTIAL_ENDPOINTS = ("auth.login", "api.create_token", "account.password")

# No inline script or style, no eval: htmx runs with allowEval=false and includeIndicatorStyles=false.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

BAD_INPUT_MESSAGE = lazy_gettext("Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL). Hãy nhập lại.")
MALFORMED_FORM_MESSAGE = lazy_gettext(
    "Biểu mẫu gửi lên không đúng định dạng (tên trường có ký tự xuống dòng hoặc bị thiếu). Hãy tải lại trang và thử lại.")
IDLE_MESSAGE = N_("Phiên làm việc đã hết hạn do lâu không thao tác. Vui lòng đăng nhập lại.")
TOO_MANY_MESSAGE = N_("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(wait)s.")

# Values that must never sign sessions in production (tests, examples, the obvious ones).
WEAK_SECRET_KEYS = {"", "test-secret", "dev", "secret", "changeme", "change-me", "daihoi", "secret-key"}
MIN_SECRET_KEY_LENGTH = 32

# How often (seconds) the "last seen" stamp in the session cookie is refreshed.
_TOUCH_EVERY = 60


class UnsafeConfiguration(RuntimeError):
    """Raised by create_app when DAIHOI_ENV=production and the setup is not safe to serve."""


def init_app(app: Flask) -> None:
    cfg = app.config
    cfg.setdefault("ENV", "development")
    cfg.setdefault("SESSION_COOKIE_SECURE", False)
    cfg.setdefault("SESSION_IDLE_MINUTES", 8 * 60)
    cfg.setdefault("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    cfg.setdefault("HSTS_SECONDS", 0)
    cfg.setdefault("PROXY_FIX_X_FOR", 0)
    cfg.setdefault("REDIS_URL", None)
    cfg.setdefault("LOGIN_LIMIT_PER_IP", "30 per 10 minutes")
    cfg.setdefault("LOGIN_LIMIT_PER_USERNAME_AND_IP", "5 per 5 minutes")
    # Above what one address can reach under the two limits above (5 per 5 minutes = 60 an hour): one
    # guesser alone never locks the rightful user out; only a guess spread over many addresses does.
    cfg.setdefault("LOGIN_LIMIT_PER_USERNAME", "100 per hour")
    # These cookie settings are not optional: only Secure depends on the deployment (HTTPS).
    cfg.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(cfg["SESSION_COOKIE_SECURE"]),
    )

    if cfg["PROXY_FIX_X_FOR"]:
        # Behind a reverse proxy the client address is in X-Forwarded-For; without this the
        # per-IP limit would count every user as the proxy.
        n = int(cfg["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]

    if cfg["ENV"] == "production":
        check_production(app)

    app.request_class = Request
    _init_limiter(app)
    user_logged_in.connect(_stamp_login, app)
    # First of all hooks: Flask-WTF's CSRF check (registered earlier) reads the form too.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_bad_input)
    app.register_error_handler(InvalidInput, _invalid_input)
    app.before_request(_expire_idle_session)
    app.after_request(_security_headers)


# ---- production checks ------------------------------------------------------------------


def check_production(app: Flask) -> None:
    """Refuse to start with a missing, generated or weak secret key, or with demo passwords."""
    problems = []
    key = str(app.config.get("SECRET_KEY") or "")
    generated = Path(app.instance_path) / "secret_key"
    if generated.exists() and hmac.compare_digest(generated.read_text().strip(), key):
        problems.append(
            _("Chưa đặt khóa bí mật: đặt biến môi trường DAIHOI_SECRET_KEY "
              "(ít nhất %(length)s ký tự ngẫu nhiên, giống nhau trên mọi máy chủ).", length=MIN_SECRET_KEY_LENGTH)
        )
    elif key.lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            _("Khóa bí mật DAIHOI_SECRET_KEY quá yếu: cần ít nhất %(length)s ký tự ngẫu nhiên "
              "(ví dụ: python -c 'import secrets; print(secrets.token_hex(32))').", length=MIN_SECRET_KEY_LENGTH)
        )
    weak = accounts_with_default_password(app)
    if weak:
        problems.append(
            _("Các tài khoản còn dùng mật khẩu mẫu hoặc mật khẩu mặc định: %(accounts)s. Hãy đổi mật khẩu hoặc "
              "khóa các tài khoản này (chạy lệnh quản trị khi chưa đặt DAIHOI_ENV=production).",
              accounts=", ".join(weak))
        )
    if problems:
        raise UnsafeConfiguration(
            _("Không khởi động ở chế độ production (DAIHOI_ENV=production):") + "\n- " + "\n- ".join(problems)
        )


def accounts_with_default_password(app: Flask) -> list[str]:
    """Every active account still on the demo password or another default (shared.accounts says how this
    stays fast without checking a list of names)."""
    from shared.accounts import accounts_with_default_password as find
    from shared.models import User

    engine = app.extensions["daihoi.engine"]
    if not inspect(engine).has_table(User.__tablename__):
        return []  # not migrated yet: nothing to check, `daihoi db upgrade` must still run
    with app.extensions["daihoi.sessionmaker"]() as s:
        return find(s)


# ---- rate limits ------------------------------------------------------------------------


def record_failed_credentials() -> None:
    """A credential endpoint's view says the password it was given was wrong: the failure counters go up
    (after the response). Right passwords, form errors and refusals for other reasons cost nothing."""
    g.daihoi_credentials_failed = True


def _failed(_response) -> bool:
    return bool(g.get("daihoi_credentials_failed"))


def _attempted_username() -> str:
    """Whose password is being tried: the logged-in user's (own-password change), else the username sent
    in the form or the JSON body, normalised as the login does."""
    if request.endpoint == "account.password" and current_user.is_authenticated:
        return current_user.username
    raw = request.form.get("username")
    if raw is None and request.blueprint == "api":
        try:
            body = parsing.parse_json(request.get_data(cache=True))
        except ValueError:  # the view refuses the body with a 400; the attempt counts under no name
            body = None
        raw = body.get("username") if isinstance(body, dict) else None
    return (nfc(str(raw or "")) or "").lower()[:200]


def _username_key() -> str:
    """Hashed, so keys stay short and clean whatever was typed."""
    name = _attempted_username()
    return "user:" + hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:32]


def _username_and_address_key() -> str:
    return f"{_username_key()}@{get_remote_address()}"


def _init_limiter(app: Flask) -> None:
    cfg = app.config
    cfg.setdefault("RATELIMIT_STORAGE_URI", cfg["REDIS_URL"] or "memory://")
    cfg.setdefault("RATELIMIT_KEY_PREFIX", "daihoi")
    cfg.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # If Redis goes away, keep limiting per process instead of failing every login.
    cfg.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    cfg.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter = Limiter(get_remote_address, app=app)
    app.extensions["daihoi.limiter"] = limiter  # route limits only hold a weak reference to it
    if not any(cfg.get(name) for name in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        # The credential views' own limits (below) are the only ones, and their decorators check them: the
        # limiter's pass before every request looks for default, application and meta limits, finds none,
        # and costs a good share of a small API request's CPU. It runs for the credential endpoints only.
        hooks = app.before_request_funcs.get(None, [])
        check = limiter._check_request_limit
        if check in hooks:  # not there when the limiter is disabled (RATELIMIT_ENABLED=False)
            hooks[hooks.index(check)] = lambda: check() if request.endpoint in CREDENTIAL_ENDPOINTS else None

    # Shared limits: one counter per key across every credential endpoint (the scope names the counter).
    limits = [
        limiter.shared_limit(lambda setting=setting: current_app.config[setting], scope=f"credentials-{name}", key_func=key,
                             methods=["POST"], deduct_when=_failed)
        for setting, name, key in (
            ("LOGIN_LIMIT_PER_IP", "ip", get_remote_address),
            ("LOGIN_LIMIT_PER_USERNAME_AND_IP", "user-ip", _username_and_address_key),
            ("LOGIN_LIMIT_PER_USERNAME", "user", _username_key),
        )
    ]

    # create_app calls init_app after registering the blueprints, so the views exist here.
    for endpoint in CREDENTIAL_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is not None:
            for limit in limits:
                view = limit(view)
            app.view_functions[endpoint] = view

    @app.errorhandler(RateLimitExceeded)
    def _too_many(exc: RateLimitExceeded):
        # Flask-Limiter's after_request adds Retry-After and the X-RateLimit-* headers.
        message = _(TOO_MANY_MESSAGE, wait=_wait_phrase(exc))
        return render_template("errors/error.html", code=429, message=message), 429


def _wait_phrase(exc: RateLimitExceeded) -> str:
    seconds = exc.limit.limit.get_expiry()
    minutes = max(1, round(seconds / 60))
    return ngettext("%(num)s phút", "%(num)s phút", minutes)


# ---- input ------------------------------------------------------------------------------


class Request(flask.Request):
    """Form parsing that never hands on a field without a proper name. Werkzeug's multipart parser names a
    part whose name holds a line break (or has none) None, and Flask-WTF's CSRF check then fails on it with
    a server error: such a form is dropped whole and the request refused (_refuse_bad_input)."""

    malformed_form = False

    def _load_form_data(self) -> None:
        super()._load_form_data()
        d = self.__dict__
        names = [*d["form"].keys(), *d["files"].keys()]
        if any(not isinstance(name, str) or "\r" in name or "\n" in name for name in names):
            d["form"], d["files"] = self.parameter_storage_class(), self.parameter_storage_class()
            self.malformed_form = True


def _refuse_bad_input():
    """Before anything reads the request: a malformed form (Request) or a NUL anywhere in the query or the
    form (PostgreSQL cannot store it) is a 400 with a message, not a failure further on."""
    if request.mimetype in _FORM_MIMETYPES:  # any other body (JSON, a file) has no form: nothing to parse
        form = request.form  # parsed here, first, so the check below sees what every later reader will
        if getattr(request, "malformed_form", False):
            raise InvalidInput(MALFORMED_FORM_MESSAGE)
        if _has_nul(form):
            raise InvalidInput(BAD_INPUT_MESSAGE)
    if request.args and _has_nul(request.args):
        raise InvalidInput(BAD_INPUT_MESSAGE)
    return None


_FORM_MIMETYPES = ("multipart/form-data", "application/x-www-form-urlencoded")  # what Werkzeug parses as a form


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in (value or "") for key, value in values.items(multi=True))


def _invalid_input(exc: InvalidInput):
    if request.path.startswith("/api/"):
        # The guard runs before routing errors are answered, so an unrouted /api/ path has no blueprint
        # yet: the API's clients still get its JSON error.
        from portal.api.views import error

        return error(400, exc.description)
    return render_template("errors/error.html", code=400, message=exc.description), 400


class InvalidInput(BadRequest):
    description = BAD_INPUT_MESSAGE

    def __init__(self, message=None):
        super().__init__(description=str(message or BAD_INPUT_MESSAGE))


# ---- redirects --------------------------------------------------------------------------


def safe_next(target: str | None) -> str:
    r"""Where to go after login, a language switch or a bulk action: `target` if it is a plain path of this
    site, else the home page. Checked as the browser will read it: after the normalisation the redirect
    itself applies (Werkzeug's iri_to_uri drops tabs and line breaks, so "/\t/evil.example" would leave as
    "//evil.example"), and once more percent-decoded. Control and invisible format characters, whitespace
    and backslashes (browsers read "\" as "/") are refused outright; so are schemes, hosts and "//"."""
    home = url_for("home.index")
    if not isinstance(target, str) or not target or len(target) > 2000:
        return home
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() or ch == "\\" for ch in target):
        return home
    try:
        location = iri_to_uri(target)
    except ValueError:
        return home
    for form in (target, location, unquote(location)):
        parts = urlsplit(form)
        if (parts.scheme or parts.netloc or not form.startswith("/") or form.startswith("//") or "\\" in form
                or any(unicodedata.category(ch) == "Cc" for ch in form)):
            return home
    return location


# ---- sessions ---------------------------------------------------------------------------


def _stamp_login(_app, **_kw) -> None:
    """On login (Flask-Login's signal): the fresh session starts its idle clock now."""
    session["_seen"] = int(time.time())


def _expire_idle_session():
    if request.endpoint == "static" or request.blueprint == "api" or "_user_id" not in session \
            or not current_user.is_authenticated:
        # Anonymous, or the JSON API (bearer tokens: a cookie sent along neither authenticates it nor may keep
        # the browser's session alive, nor cost the loading of its user): no idle clock.
        return None
    now = int(time.time())
    seen = session.get("_seen")
    idle = timedelta(minutes=float(current_app.config["SESSION_IDLE_MINUTES"])).total_seconds()
    if isinstance(seen, int) and now - seen > idle:
        language = i18n.get_language()
        logout_user()
        session.clear()
        session["locale"] = language  # the login page that follows stays in the user's language
        flash(i18n.gettext(IDLE_MESSAGE), "info")
        login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        if request.headers.get("HX-Request"):
            # An htmx partial would swap the login page into a fragment: send the whole page there.
            return "", 204, {"HX-Redirect": login_url}
        return redirect(login_url)
    # The dashboard's automatic refresh (X-Daihoi-Poll) is not the user at work: an open tab must not
    # keep a session alive for ever.
    automatic = request.headers.get("X-Daihoi-Poll") == "1"
    if not automatic and (not isinstance(seen, int) or now - seen >= _TOUCH_EVERY):
        session["_seen"] = now
    return None


# ---- headers ----------------------------------------------------------------------------


def _security_headers(response):
    cfg = current_app.config
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # one pass (each setdefault would scan them all)
    wanted = [
        ("Content-Security-Policy", cfg["CONTENT_SECURITY_POLICY"]),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ]
    if cfg["HSTS_SECONDS"]:
        wanted.append(("Strict-Transport-Security", f"max-age={int(cfg['HSTS_SECONDS'])}"))
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    if request.endpoint not in ("static", "assets.htmx") and "no-store" not in headers.get("Cache-Control", ""):
        # Pages and every file made for download (exports, drafts, attachments) carry personnel data: no copy
        # in shared browsers' caches or proxies. send_file's own "no-cache" only asks to revalidate a copy.
        headers["Cache-Control"] = "no-store"
    return response
