"""Web hardening: login rate limits, session cookie and idle timeout, security headers, production checks."""
from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user, user_logged_in
from sqlalchemy import inspect, select
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import i18n
from shared.i18n import N_, _, lazy_gettext, ngettext
from shared.text import nfc

# Endpoints that take a username and a password; each gets the per-IP and per-username limits.
# A feature with its own credential endpoint (e.g. an API token request) adds its name here.
CREDENTIAL_ENDPOINTS = ("auth.login", "api.create_token")

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
    cfg.setdefault("LOGIN_LIMIT_PER_USERNAME", "5 per 5 minutes")
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

    _init_limiter(app)
    user_logged_in.connect(_stamp_login, app)
    app.before_request(_refuse_nul_bytes)
    app.register_error_handler(
        InvalidInput, lambda e: (render_template("errors/error.html", code=400, message=e.description), 400)
    )
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
    demo = demo_accounts_with_demo_password(app)
    if demo:
        problems.append(
            _("Các tài khoản mẫu còn dùng mật khẩu mẫu: %(accounts)s. Hãy đổi mật khẩu hoặc khóa các tài khoản này "
              "(chạy lệnh quản trị khi chưa đặt DAIHOI_ENV=production).", accounts=", ".join(demo))
        )
    if problems:
        raise UnsafeConfiguration(
            _("Không khởi động ở chế độ production (DAIHOI_ENV=production):") + "\n- " + "\n- ".join(problems)
        )


def demo_accounts_with_demo_password(app: Flask) -> list[str]:
    """Active demo accounts whose password is still the published demo password."""
    from shared.demo import DEMO_PASSWORD, DEMO_USERNAMES
    from shared.models import User
    from shared.security import verify_password

    engine = app.extensions["daihoi.engine"]
    if not inspect(engine).has_table(User.__tablename__):
        return []  # not migrated yet: nothing to check, `daihoi db upgrade` must still run
    with app.extensions["daihoi.sessionmaker"]() as s:
        users = s.scalars(select(User).where(User.username.in_(DEMO_USERNAMES), User.active.is_(True)))
        return sorted(u.username for u in users if verify_password(u.password_hash, DEMO_PASSWORD))


# ---- rate limits ------------------------------------------------------------------------


def _username_key() -> str:
    """The attempted username, normalised as the login does; hashed so keys stay short and clean."""
    raw = request.form.get("username")
    if raw is None and request.is_json:
        body = request.get_json(silent=True)
        raw = body.get("username") if isinstance(body, dict) else None
    name = (nfc(str(raw or "")) or "").lower()[:200]
    return "user:" + hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:32]


def _failed(response) -> bool:
    """Only refused credentials count; a successful login or a form error costs nothing."""
    return response.status_code in (401, 403)


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

    per_ip = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed)
    per_user = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"], key_func=_username_key, methods=["POST"],
        deduct_when=_failed,
    )

    # create_app calls init_app after registering the blueprints, so the views exist here.
    for endpoint in CREDENTIAL_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = per_ip(per_user(view))

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


def _refuse_nul_bytes():
    """PostgreSQL cannot store NUL in text: refuse it up front (400) rather than fail in the query (500)."""
    for values in (request.args, request.form):
        # A malformed multipart part (e.g. a field name with a line break) can come out with a value of None.
        if any("\x00" in (key or "") or "\x00" in (value or "") for key, value in values.items(multi=True)):
            raise InvalidInput()
    return None


class InvalidInput(BadRequest):
    description = BAD_INPUT_MESSAGE


# ---- sessions ---------------------------------------------------------------------------


def _stamp_login(_app, **_kw) -> None:
    """On login (Flask-Login's signal): the fresh session starts its idle clock now."""
    session["_seen"] = int(time.time())


def _expire_idle_session():
    if request.endpoint == "static" or "_user_id" not in session or not current_user.is_authenticated:
        return None  # anonymous, or authenticated without a cookie session (an API token): no idle clock
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
    headers.setdefault("Content-Security-Policy", cfg["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if cfg["HSTS_SECONDS"]:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(cfg['HSTS_SECONDS'])}")
    if request.endpoint not in ("static", "assets.htmx") and "Cache-Control" not in headers:
        # Pages carry personnel data: no copy in shared browsers' caches or proxies.
        headers["Cache-Control"] = "no-store"
    return response
