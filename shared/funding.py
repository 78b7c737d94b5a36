"""The congresses' funding by source, per level, as of a day: the People's Committees' support (province,
district, commune), the union's own funds, other sources, and what was reported without a source. One
GROUP BY over the scope; the dashboard's funding panel and the DOCX summary read it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from shared.models import LEVEL_ORDER, Campaign, CongressReport, Unit
from shared.progress import held_by, pilot_clause
from shared.units import in_subtree
from shared.validation import FUNDING_PARTS

# Short names of the parts, in FUNDING_PARTS' order (the attributes of Funding).
PARTS = dict(zip(("pc_province", "pc_district", "pc_commune", "union", "other"), FUNDING_PARTS))


@dataclass
class Funding:
    total: int = 0  # funding_vnd
    pc_province: int = 0
    pc_district: int = 0
    pc_commune: int = 0
    union: int = 0
    other: int = 0
    units: int = 0  # congresses held by the day that reported any funding

    @property
    def pc_total(self) -> int:
        """The People's Committees' support, all three levels."""
        return self.pc_province + self.pc_district + self.pc_commune

    @property
    def unsplit(self) -> int:
        """Reported as a total without its source (reports from before the split, or parts left out)."""
        return max(0, self.total - self.pc_total - self.union - self.other)

    def add(self, other: Funding) -> None:
        for name in ("total", *PARTS, "units"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def by_level(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, *, sector: str | None = None,
             pilot_only: bool = False) -> dict[str, Funding]:
    """{level: Funding} of `scope`'s subtree (active units) for the congresses held by `as_of`, province first,
    plus "all" (every level); `sector` and `pilot_only` narrow the units as on the dashboard."""
    R = CongressReport
    held = held_by(as_of, R)

    def s(col):
        return func.coalesce(func.sum(case((held, func.coalesce(col, 0)), else_=0)), 0)

    any_given = func.coalesce(R.funding_vnd, *(getattr(R, c) for c in FUNDING_PARTS))
    stmt = (
        select(Unit.level, s(R.funding_vnd).label("total"), *(s(getattr(R, c)).label(k) for k, c in PARTS.items()),
               func.sum(case((and_(held, any_given.is_not(None), any_given > 0), 1), else_=0)).label("units"))
        .select_from(Unit)
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(Unit.active.is_(True), in_subtree(scope.path))
        .group_by(Unit.level)
    )
    if sector:
        stmt = stmt.where(Unit.sector == sector)
    if pilot_only:
        stmt = stmt.where(pilot_clause(campaign.id, as_of))
    found = {r.level: Funding(**{k: int(v or 0) for k, v in r._mapping.items() if k != "level"})
             for r in session.execute(stmt)}
    out = {level: found[level] for level in reversed(LEVEL_ORDER) if level in found}
    total = Funding()
    for f in out.values():
        total.add(f)
    out["all"] = total
    return out
