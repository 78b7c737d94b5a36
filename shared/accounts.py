"""Accounts: creation with checks (username, role, unit, password length)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import DomainError
from shared.models import ROLE_LABELS, Unit, User
from shared.security import hash_password
from shared.text import nfc

USERNAME = re.compile(r"^[a-z0-9_.-]{3,80}$")
MIN_PASSWORD = 8


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.", fields={"password": f"Ít nhất {MIN_PASSWORD} ký tự."})


def create_account(
    session: Session, *, username: str, role: str, unit_code: str, password: str, full_name: str = ""
) -> User:
    username = (nfc(username) or "").lower()
    if not USERNAME.match(username):
        raise DomainError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (3-80 ký tự).")
    if role not in ROLE_LABELS:
        raise DomainError("Vai trò không hợp lệ.")
    if session.scalar(select(User).where(User.username == username)):
        raise DomainError(f"Tên đăng nhập “{username}” đã có người dùng.")
    unit = session.scalar(select(Unit).where(Unit.code == (nfc(unit_code) or "").upper()))
    if unit is None:
        raise DomainError(f"Không có đơn vị mã “{unit_code}”.")
    check_password(password)
    user = User(username=username, role=role, unit_id=unit.id, full_name=nfc(full_name) or "", password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every login session of `user` (their cookies carry the old session_version)."""
    user.session_version = User.session_version + 1  # in SQL: two logouts never lose a bump
    session.flush()
