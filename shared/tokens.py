"""API tokens: random bearer secrets stored only as a SHA-256, expiring, revocable, tied to the
user's session_version so that a password change or forced logout kills them too. An account that must
change its password (a one-time password from an administrator, or a forced change) gets no token and
reads nothing until it has chosen its own password in the portal."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from shared import audit, clock
from shared.errors import Forbidden, NotFound
from shared.i18n import _
from shared.models import ApiToken, User
from shared.security import new_token, token_digest, verify_password
from shared.text import nfc
from shared.units import is_within

DEFAULT_DAYS = 30
# last_used_at is written at most this often, so that reads stay (almost) read-only.
TOUCH_EVERY = dt.timedelta(minutes=10)


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"


def require_own_password(user: User) -> None:
    """Refuse an account still on an administrator's one-time password (or told to change it)."""
    if user.must_change_password:
        raise PasswordChangeRequired(
            _("Tài khoản cần đổi mật khẩu trước khi dùng: hãy đăng nhập cổng thông tin và đặt mật khẩu mới."))


def check_credentials(session: Session, username: str | None, password: str | None) -> User | None:
    """The active user with this username and password, else None (same cost either way). A right password
    of an account that must change it first raises PasswordChangeRequired (a 403, not a failed guess)."""
    name = (nfc(username) or "").lower()
    user = session.scalar(select(User).where(User.username == name)) if name else None
    ok = verify_password(user.password_hash if user else None, password or "")
    if user is None or not user.active or not ok:
        return None
    require_own_password(user)
    return user


def issue(session: Session, user: User, days: int = DEFAULT_DAYS, name: str | None = None) -> tuple[str, ApiToken]:
    """A new token for `user`: the secret is returned once, only its digest is stored."""
    require_own_password(user)
    secret = new_token()
    now = clock.now()
    row = ApiToken(
        user_id=user.id, token_hash=token_digest(secret), name=nfc(name)[:100] if name else None,
        created_at=now, expires_at=now + dt.timedelta(days=days), session_version=user.session_version,
    )
    session.add(row)
    session.flush()
    audit.record(session, user, "token.issue", "api_token", row.id, unit_id=user.unit_id)
    return secret, row


def authenticate(session: Session, secret: str | None) -> tuple[User, ApiToken] | None:
    """The user behind a bearer secret if the token is live: not expired, not revoked, the user
    active and still on the session_version the token was issued under."""
    if not secret:
        return None
    found = session.execute(_BY_DIGEST, {"digest": token_digest(secret)}).first()
    if found is None:
        return None
    row, user = found
    now = clock.now()
    if row.revoked_at is not None or row.expires_at <= now:
        return None
    if not user.active or user.session_version != row.session_version:
        return None
    require_own_password(user)  # a token issued before the change was forced reads nothing meanwhile
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
    return user, row


# Built once: every API request runs it, and building the statement cost about as much as running it.
_BY_DIGEST = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .options(joinedload(User.unit))
    .where(ApiToken.token_hash == bindparam("digest"))
)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    )


def revoke(session: Session, token_id: int, by: User) -> ApiToken:
    """Revoke a token: its owner may, and an admin may for any user in the admin's subtree.
    Anything else is reported as not found (ids outside scope are not revealed)."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .options(joinedload(User.unit))
        .where(ApiToken.id == token_id)
    ).first()
    allowed = found is not None and (
        found[1].id == by.id or (by.role == "admin" and is_within(found[1].unit, by.unit))
    )
    if not allowed:
        raise NotFound(_("Không tìm thấy mã truy cập."))
    row, owner = found
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record(session, by, "token.revoke", "api_token", row.id, unit_id=owner.unit_id)
    session.flush()
    return row
