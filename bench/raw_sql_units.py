"""The floor of `GET /api/v1/units`: one keyset page of a subtree's units with their report status,
in hand-written SQL on the same database (what `shared.readmodels.list_units` must run at least)."""
from __future__ import annotations

from sqlalchemy import text

from shared.text import fold, like_escape
from shared.units import PATH_END


def units_page(conn, campaign, path: str, *, parent_id: int | None = None, q: str | None = None,
               after: tuple[str, int] | None = None, size: int = 50) -> list:
    """`size + 1` rows (the extra one says whether there is a next page), by folded name then id."""
    where = ["u.path >= :lo", "u.path < :hi", "u.active = :true"]
    params = dict(campaign=campaign.id, lo=path, hi=path + PATH_END, true=True, size=size + 1)
    if parent_id is not None:
        where.append("u.parent_id = :parent")
        params["parent"] = parent_id
    if q:
        where.append("(u.name_folded LIKE :q ESCAPE '\\' OR lower(u.code) LIKE :q ESCAPE '\\')")
        params["q"] = f"%{like_escape(fold(q))}%"
    if after is not None:
        where.append("u.name_folded >= :name AND (u.name_folded > :name OR u.id > :last)")
        params["name"], params["last"] = after
    return conn.execute(text(
        "SELECT u.id, u.code, u.name, u.level, u.sector, u.parent_id, u.members_count, u.active, u.name_folded, "
        "r.status FROM units u LEFT JOIN congress_reports r ON r.unit_id = u.id AND r.campaign_id = :campaign "
        f"WHERE {' AND '.join(where)} ORDER BY u.name_folded, u.id LIMIT :size"
    ), params).all()
