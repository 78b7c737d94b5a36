"""Accounts: creation with checks, role-scoped administration, passwords (one-time, reset, own change)."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from shared import audit
from shared.common_passwords import COMMON_PASSWORDS
from shared.errors import DomainError, Forbidden, NotFound
from shared.i18n import _
from shared.models import ROLE_LABELS, Unit, User
from shared.parsing import is_db_id
from shared.security import hash_password, verify_password
from shared.text import fold, folded_like, nfc
from shared.units import in_subtree, is_within

USERNAME = re.compile(r"^[a-z0-9_.-]{3,80}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Which roles an administrator may give (and so, whose accounts it may touch).
ASSIGNABLE_ROLES = {
    "admin": tuple(ROLE_LABELS),
    "federation": ("federation", "district", "reporter", "observer"),
}
# The unit levels an account of each role belongs to.
ROLE_LEVELS = {
    "admin": ("province",),
    "coordinator": ("province",),
    "federation": ("province",),
    "district": ("district",),
    "reporter": ("grassroots",),
    "observer": ("province", "district", "grassroots"),
    "party_committee": ("province", "district"),  # the federation's party delegation; district/city committees
    "addressee": ("province", "district"),  # the unit its body sits at (shared.answers)
}


def _refuse_addressee_role(role: str) -> None:
    """An addressee account belongs to a body of the register: it is made there (shared.answers), never as a
    bare role, which would leave it answering for no one."""
    if role == "addressee":
        message = _("Tài khoản của cơ quan nhận kiến nghị được tạo tại trang của cơ quan đó (Kiến nghị › Cơ quan nhận kiến nghị).")
        raise DomainError(message, fields={"role": message})
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I look-alikes


def check_password(password: str, username: str | None = None) -> None:
    """Length, not a well-known password, not the username. DomainError on the 'password' field."""
    password = password or ""

    def fail(message: str) -> None:
        raise DomainError(message, fields={"password": message})

    if len(password) < MIN_PASSWORD:
        fail(_("Mật khẩu phải có ít nhất %(n)s ký tự.", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        fail(_("Mật khẩu không được dài quá %(n)s ký tự.", n=MAX_PASSWORD))
    folded = fold(password).replace(" ", "")
    if folded in COMMON_PASSWORDS or len(set(password)) <= 2:
        fail(_("Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác."))
    if username and fold(username) in folded:
        fail(_("Mật khẩu không được chứa tên đăng nhập."))


def one_time_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def create_account(
    session: Session, *, username: str, role: str, unit_code: str, password: str, full_name: str = "",
    email: str | None = None,
) -> User:
    """An account made from the command line (`daihoi create-user`: the first administrator, or any account
    by the server's operator), with the password the operator typed. The same rules as the portal's
    `create_user`: the role must fit the unit's level, the unit must be active, the username free and
    well-formed, the password strong; only the actor's scope does not apply (there is no actor)."""
    _refuse_addressee_role(role)
    unit = session.scalar(select(Unit).where(Unit.code == (nfc(unit_code) or "").upper()))
    if unit is None:
        raise DomainError(_("Không có đơn vị mã “%(code)s”.", code=unit_code), fields={"unit": _("Không có đơn vị này.")})
    check_role_for_unit(role, unit)
    username = _new_username(session, username)
    full_name, email = _profile(full_name, email)
    check_password(password, username)
    user = User(username=username, role=role, unit_id=unit.id, unit=unit, full_name=full_name, email=email,
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, None, "user.create", "user", user.id, unit_id=unit.id, changes=_state(user))
    session.flush()
    return user


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every login session of `user` (their cookies carry the old session_version)."""
    user.session_version = User.session_version + 1  # in SQL: two logouts never lose a bump
    session.flush()


# ---- administration, scoped to the actor's subtree -----------------------------------------


def can_manage_accounts(actor: User) -> bool:
    return actor.role in ASSIGNABLE_ROLES


def users_visible_to(actor: User) -> Select[tuple[User]]:
    return select(User).join(User.unit).where(in_subtree(actor.unit.path)).options(joinedload(User.unit))


def users_matching(actor: User, query: str = "", role: str = "") -> Select[tuple[User]]:
    """The accounts `actor` may see whose username, full name, unit name or unit code contains `query`
    (marks and case ignored), of `role` when it is one; ordered by username."""
    stmt = users_visible_to(actor)
    if query.strip():
        key = folded_like(query)
        stmt = stmt.where(or_(User.username.like(key, escape="\\"), User.full_name_folded.like(key, escape="\\"),
                              Unit.name_folded.like(key, escape="\\"), func.lower(Unit.code).like(key, escape="\\")))
    if role in ROLE_LABELS:
        stmt = stmt.where(User.role == role)
    return stmt.order_by(User.username)


def get_visible_user(session: Session, actor: User, user_id: int) -> User | None:
    if not is_db_id(user_id):
        return None
    return session.scalars(users_visible_to(actor).where(User.id == user_id)).first()


def _require_manager(actor: User) -> tuple[str, ...]:
    roles = ASSIGNABLE_ROLES.get(actor.role)
    if roles is None:
        raise Forbidden(_("Bạn không có quyền quản lý tài khoản."))
    return roles


def require_can_manage(actor: User, target: User) -> None:
    """The target must be in scope (404) and of a role the actor may give (403)."""
    roles = _require_manager(actor)
    if not is_within(target.unit, actor.unit):
        raise NotFound(_("Không tìm thấy tài khoản."))
    if target.role not in roles:
        raise Forbidden(_("Bạn không được quản lý tài khoản có vai trò “%(role)s”.", role=target.role_label))


def check_role_for_unit(role: str, unit: Unit) -> None:
    """The rules every account obeys, whoever creates or edits it: a known role, on a unit of a level that
    role belongs to (a coordinator at the province, a district account on a district-level union), active."""
    if role not in ROLE_LABELS:
        raise DomainError(_("Vai trò không hợp lệ."), fields={"role": _("Vai trò không hợp lệ.")})
    if unit.level not in ROLE_LEVELS[role]:
        message = _("Vai trò “%(role)s” không dùng cho đơn vị %(level)s.",
                    role=ROLE_LABELS[role], level=unit.level_label.lower())
        raise DomainError(message, fields={"unit": message})
    if not unit.active:
        raise DomainError(_("Đơn vị đã ngừng hoạt động."), fields={"unit": _("Đơn vị đã ngừng hoạt động.")})


def _check_role_and_unit(actor: User, role: str, unit: Unit) -> None:
    roles = _require_manager(actor)
    if not is_within(unit, actor.unit):
        raise NotFound(_("Không tìm thấy đơn vị."))
    if role not in ROLE_LABELS:
        raise DomainError(_("Vai trò không hợp lệ."), fields={"role": _("Vai trò không hợp lệ.")})
    if role not in roles:
        raise Forbidden(_("Bạn không được cấp vai trò “%(role)s”.", role=ROLE_LABELS[role]))
    check_role_for_unit(role, unit)


def _new_username(session: Session, username: str) -> str:
    """The normalised username of a new account, well-formed and not taken."""
    username = (nfc(username) or "").lower()
    if not USERNAME.match(username):
        raise DomainError(_("Tên đăng nhập chưa hợp lệ."),
                          fields={"username": _("Chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (3-80 ký tự).")})
    if session.scalar(select(User.id).where(User.username == username)):
        raise DomainError(_("Tên đăng nhập đã có."), fields={"username": _("“%(username)s” đã có người dùng.", username=username)})
    return username


def _profile(full_name: str | None, email: str | None) -> tuple[str, str | None]:
    full_name = nfc(full_name) or ""
    if len(full_name) > 200:
        raise DomainError(_("Họ tên dài quá 200 ký tự."), fields={"full_name": _("Tối đa 200 ký tự.")})
    email = (nfc(email) or "").lower() or None
    if email and (len(email) > 255 or not EMAIL.match(email)):
        raise DomainError(_("Email không hợp lệ."), fields={"email": _("Email không hợp lệ.")})
    return full_name, email


def _state(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "email": user.email, "role": user.role,
            "unit_id": user.unit_id, "active": user.active}


def create_user(
    session: Session, actor: User, *, username: str, role: str, unit: Unit, full_name: str = "",
    email: str | None = None, ip: str | None = None,
) -> tuple[User, str]:
    """A new account with a one-time password (returned once, never stored in clear)."""
    _refuse_addressee_role(role)
    _check_role_and_unit(actor, role, unit)
    username = _new_username(session, username)
    full_name, email = _profile(full_name, email)
    password = one_time_password()
    user = User(username=username, role=role, unit_id=unit.id, unit=unit, full_name=full_name, email=email,
                password_hash=hash_password(password), must_change_password=True)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, unit_id=unit.id, changes=_state(user), ip=ip)
    session.flush()
    return user, password


def update_user(
    session: Session, actor: User, user: User, *, role: str, unit: Unit, full_name: str = "",
    email: str | None = None, ip: str | None = None,
) -> dict:
    require_can_manage(actor, user)
    if role != user.role:
        _refuse_addressee_role(role)
    _check_role_and_unit(actor, role, unit)
    if user.id == actor.id and (role != user.role or unit.id != user.unit_id):
        raise DomainError(_("Bạn không thể tự đổi vai trò hay đơn vị của chính mình."))
    before = _state(user)
    user.full_name, user.email = _profile(full_name, email)
    scope_changed = role != user.role or unit.id != user.unit_id
    user.role, user.unit_id, user.unit = role, unit.id, unit
    if role != "addressee":
        user.addressee_id = None
    if scope_changed:  # what the old sessions could see is no longer theirs
        end_sessions(session, user)
    changes = audit.diff(before, _state(user))
    if changes:
        audit.record(session, actor, "user.update", "user", user.id, unit_id=unit.id, changes=changes, ip=ip)
    session.flush()
    return changes


def set_user_active(session: Session, actor: User, user: User, active: bool, ip: str | None = None) -> None:
    require_can_manage(actor, user)
    if user.id == actor.id:
        raise DomainError(_("Bạn không thể tự khóa tài khoản của chính mình."))
    if user.active == active:
        return
    user.active = active
    end_sessions(session, user)
    audit.record(session, actor, "user.activate" if active else "user.deactivate", "user", user.id,
                 unit_id=user.unit_id, changes={"active": [not active, active]}, ip=ip)
    session.flush()


def reset_password(session: Session, actor: User, user: User, ip: str | None = None) -> str:
    """A new one-time password; the user must change it at the next login; old sessions end."""
    require_can_manage(actor, user)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_sessions(session, user)
    audit.record(session, actor, "user.reset_password", "user", user.id, unit_id=user.unit_id, ip=ip)
    session.flush()
    return password


def force_password_change(session: Session, actor: User, user: User, ip: str | None = None) -> None:
    """The user must choose a new password at the next login: every session and API token ends now (the
    password may be known to someone else, who must not keep reading with a token issued before)."""
    require_can_manage(actor, user)
    user.must_change_password = True
    end_sessions(session, user)
    audit.record(session, actor, "user.force_password_change", "user", user.id, unit_id=user.unit_id,
                 changes={"must_change_password": [False, True]}, ip=ip)
    session.flush()


def change_own_password(
    session: Session, user: User, *, current: str, new: str, confirm: str, ip: str | None = None
) -> None:
    """The user's own change: checks the current password; bumps session_version (other sessions end)."""
    if not verify_password(user.password_hash, current or ""):
        raise DomainError(_("Mật khẩu hiện tại không đúng."), fields={"current": _("Mật khẩu hiện tại không đúng.")})
    if new != confirm:
        raise DomainError(_("Hai lần nhập mật khẩu mới không khớp."), fields={"confirm": _("Không khớp với mật khẩu mới.")})
    if new == current:
        raise DomainError(_("Mật khẩu mới phải khác mật khẩu hiện tại."), fields={"password": _("Phải khác mật khẩu hiện tại.")})
    check_password(new, user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(session, user)
    audit.record(session, user, "user.password_change", "user", user.id, unit_id=user.unit_id, ip=ip)
    session.flush()


# ---- weak default passwords (the production start-up check) ------------------------------------------

# Audit actions of every product path that writes a password hash: an administrator's new account or reset
# (a random one-time password), the command line's new account and the user's own change (both through
# check_password, which refuses every password of default_passwords() as a common one).
PASSWORD_SET_ACTIONS = ("user.create", "user.reset_password", "user.password_change")


def default_passwords() -> tuple[str, ...]:
    """Passwords published with the product or written by its loaders (the demo province, the benchmark data
    set), and the three any guesser here tries first. Short on purpose: each costs one argon2 check (about
    50 ms, more on a busy machine) per candidate hash that is not weak."""
    from shared.demo import DEMO_PASSWORD
    from shared.generate import GENERATED_PASSWORD

    return tuple(dict.fromkeys((DEMO_PASSWORD, GENERATED_PASSWORD, "123456", "admin123", "matkhau123")))


def accounts_with_default_password(session: Session) -> list[str]:
    """Usernames of the active accounts whose password is one of default_passwords(), in name order.

    Every active account is covered, in bounded time. An argon2 check costs tens of milliseconds by design,
    so checking each account is out of the question; two facts make it unnecessary:
    - the product never stores a default password: every path that writes a hash either draws a random
      one-time password or passes check_password (which refuses them all), and leaves an audit entry of
      PASSWORD_SET_ACTIONS. An account with such an entry holds a password the product wrote, not a default.
      The others (the demo and benchmark loaders' accounts, accounts made by hand or by an older version)
      are the candidates, however they are named;
    - equal hash strings hold the same password (the salt is part of the string), and the loaders write one
      hash for all their accounts: each distinct candidate hash is checked once, so the 22 demo accounts
      cost one check, whatever their number.
    Cost: (distinct candidate hashes) x len(default_passwords()) checks at most; none on a database whose
    accounts were all made through the product."""
    from sqlalchemy import exists

    from shared.models import AuditLog

    set_by_product = exists().where(
        AuditLog.object_type == "user", AuditLog.object_id == User.id, AuditLog.action.in_(PASSWORD_SET_ACTIONS)
    )
    by_hash: dict[str, list[str]] = {}
    for username, password_hash in session.execute(
        select(User.username, User.password_hash).where(User.active.is_(True), ~set_by_product)
    ):
        by_hash.setdefault(password_hash, []).append(username)
    weak = [name for password_hash, names in by_hash.items()
            if any(verify_password(password_hash, password) for password in default_passwords())
            for name in names]
    return sorted(weak)
