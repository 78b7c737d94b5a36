"""The unit tree: materialized paths, subtree queries and the scope every query goes through."""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from shared.models import Unit, User
from shared.text import fold, nfc

SEGMENT = 9  # "%08d/" per ancestor
PATH_END = "~"  # sorts after every digit and '/'


def path_segment(unit_id: int) -> str:
    return f"{unit_id:08d}/"


def child_path(parent_path: str | None, unit_id: int) -> str:
    return (parent_path or "") + path_segment(unit_id)


def in_subtree(path: str, column=Unit.path) -> ColumnElement[bool]:
    """Index-friendly prefix range: every path that starts with `path` (the unit included)."""
    return and_(column >= path, column < path + PATH_END)


def create_unit(
    session: Session,
    *,
    code: str,
    name: str,
    level: str,
    parent: Unit | None,
    sector: str = "state",
    members_count: int = 0,
    **extra,
) -> Unit:
    """Insert a unit and give it its path (needs its id, hence the flush in between)."""
    name = nfc(name) or ""
    unit = Unit(
        code=(nfc(code) or "").upper(),
        name=name,
        name_folded=fold(name),
        level=level,
        parent=parent,
        sector=sector,
        members_count=members_count,
        path="pending:" + code,
        **extra,
    )
    session.add(unit)
    session.flush()
    unit.path = child_path(parent.path if parent else None, unit.id)
    session.flush()
    return unit


def scope_filter(user: User) -> ColumnElement[bool]:
    """The units a user may see: its own unit's subtree (admins too are scoped to theirs)."""
    return in_subtree(user.unit.path)


def units_visible_to(user: User) -> Select[tuple[Unit]]:
    return select(Unit).where(scope_filter(user))


def get_visible_unit(session: Session, user: User, unit_id: int) -> Unit | None:
    """A unit by id if the user may see it; None otherwise (callers answer 404)."""
    return session.scalars(units_visible_to(user).where(Unit.id == unit_id)).first()


def is_within(unit: Unit, ancestor: Unit) -> bool:
    return unit.path.startswith(ancestor.path)


def children_of(session: Session, parent: Unit, active_only: bool = True) -> list[Unit]:
    stmt = select(Unit).where(Unit.parent_id == parent.id)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(session.scalars(stmt.order_by(Unit.name_folded, Unit.id)))


def search_filter(q: str) -> ColumnElement[bool]:
    """Diacritic-insensitive match on the unit name or code."""
    from shared.text import like_escape

    key = like_escape(fold(q))
    return (Unit.name_folded.like(f"%{key}%", escape="\\")) | (
        func.lower(Unit.code).like(f"%{key}%", escape="\\")
    )


def ancestors(session: Session, unit: Unit) -> list[Unit]:
    """Root first, the unit itself excluded: ids come straight from the path."""
    ids = [int(seg) for seg in unit.path.rstrip("/").split("/")[:-1]]
    if not ids:
        return []
    found = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
