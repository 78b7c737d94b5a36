"""Read models shared by the JSON API and the terminal dashboard: campaigns, progress, unit lists
and the feed of submissions and reviews, as plain JSON-ready dicts, always scoped to a user."""
from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from shared import clock, level_reports, parsing, people
from shared.errors import DomainError, Forbidden, NotFound
from shared.i18n import _
from shared.models import (
    LEVEL_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    Campaign,
    CongressReport,
    ReportStatusChange,
    Unit,
    User,
)
from shared.progress import (
    CHILD_SORTS,
    ChildProgress,
    Counts,
    child_sort_key,
    child_values,
    from_values,
    progress_by_level,
    totals,
)
from shared.reports import _json, current_campaign, snapshot
from shared.parsing import encode_cursor
from shared.units import get_visible_unit, in_subtree, search_filter

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
UNIT_STATUSES = (*STATUS_LABELS, "none")  # "none": the unit has no report for the campaign yet


class InvalidQuery(DomainError):
    """A malformed query parameter (bad date, cursor, limit): the request itself is wrong."""

    code = "bad_request"
    http_status = 400


# ---- shapes ------------------------------------------------------------------------------


def campaign_dict(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "term": c.term,
        "start_date": c.start_date.isoformat(),
        "deadlines": {
            "grassroots": c.deadline_grassroots.isoformat(),
            "district": c.deadline_district.isoformat(),
            "province": c.deadline_province.isoformat(),
        },
        "closed": bool(c.closed),
    }


def unit_dict(u: Unit, report_status: str | None = None, with_status: bool = False) -> dict[str, Any]:
    data = {
        "id": u.id,
        "code": u.code,
        "name": u.name,
        "level": u.level,
        "level_label": str(LEVEL_LABELS[u.level]),
        "sector": u.sector,
        "sector_label": str(SECTOR_LABELS.get(u.sector, u.sector)),
        "parent_id": u.parent_id,
        "members_count": u.members_count,
        "active": bool(u.active),
    }
    if with_status:
        data["report_status"] = report_status
    return data


def report_dict(report: CongressReport, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as the API returns it: workflow fields plus every field a unit fills in. `data`: the
    report's snapshot when the caller has it (a save's, shared.reports.Saved.data)."""
    data = snapshot(report) if data is None else dict(data)
    data.update(
        id=report.id,
        campaign_id=report.campaign_id,
        unit=unit_dict(report.unit),
        status=report.status,
        status_label=str(STATUS_LABELS[report.status]),
        version=report.version,
        return_reason=report.return_reason,
        submitted_at=_json(report.submitted_at),
        reviewed_at=_json(report.reviewed_at),
        updated_at=_json(report.updated_at),
        # Entered on the unit's behalf ("nhập thay"): by which account (of which unit), and why if taken over.
        entered_on_behalf=report.entered_on_behalf,
        entered_by=_entered_by(report),
        takeover_reason=report.takeover_reason if report.entered_on_behalf else None,
    )
    # People (issue 19): where the personnel figures come from, the quorum's resolution, the decision.
    figures = people.personnel(report)
    data.update(personnel_source=figures.source, delegates_source=figures.delegates_source,
                quorum_resolution=report.quorum_resolution)
    decision = report.decision if report.status == "approved" else None  # only an approved report has one
    data["recognition_decision"] = None if decision is None else {
        "number": decision.number, "date": decision.signed_on.isoformat(), "has_scan": decision.scan_file_id is not None}
    return data


def _entered_by(report: CongressReport) -> dict[str, Any] | None:
    user = report.entered_by
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "unit_id": user.unit_id, "unit_name": user.unit.name}


# ---- lookups -----------------------------------------------------------------------------


def campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id.desc())))


def get_campaign(session: Session, campaign_id: int | None) -> Campaign:
    campaign = current_campaign(session) if campaign_id is None else session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("Không tìm thấy đợt đại hội."))
    return campaign


def visible_unit(session: Session, user: User, unit_id: int | None) -> Unit:
    """The unit asked for if within the user's subtree (default: the user's own unit)."""
    if unit_id is None:
        return user.unit
    unit = get_visible_unit(session, user, unit_id)
    if unit is None:
        raise NotFound(_("Không tìm thấy đơn vị."))
    return unit


def check_as_of(as_of: dt.date | None) -> dt.date:
    """Nothing is known after today: a later date reads as today (the answer's as_of says so)."""
    today = clock.today()
    return today if as_of is None or as_of > today else as_of


# ---- level reports of party bodies ----------------------------------------------------------

LEVEL_REPORT_COUNTS = ("not_started", "draft", "submitted", "returned", "acknowledged")


def level_report_summary(session: Session, user: User, campaign: Campaign, as_of: dt.date | None = None) -> dict:
    """'Level reports received: 11/16' over the user's subtree, for those who receive them
    (Ban Dân vận and admins), now or as of a day; one GROUP BY."""
    if user.role not in level_reports.RECEIVER_ROLES:
        raise Forbidden(_("Chỉ Ban Dân vận theo dõi báo cáo kết quả đại hội của các cấp ủy."))
    counts = level_reports.checklist_counts(session, campaign, user.unit, as_of)
    return {
        "campaign_id": campaign.id,
        "unit": unit_dict(user.unit),
        "received": counts.received,
        "expected": counts.expected,
        **{name: getattr(counts, name) for name in LEVEL_REPORT_COUNTS},
        "phrase": counts.phrase,
    }


# ---- progress ----------------------------------------------------------------------------


def progress(session: Session, user: User, campaign: Campaign, unit_id: int | None, as_of: dt.date | None) -> dict:
    unit = visible_unit(session, user, unit_id)
    day = check_as_of(as_of)
    levels = progress_by_level(session, campaign, unit, day)
    return {
        "campaign_id": campaign.id,
        "as_of": day.isoformat(),
        "unit": unit_dict(unit),
        "levels": {level: c.as_dict() for level, c in levels.items()},
        "total": totals(levels).as_dict(),
    }


# The types of a keyset cursor per sort: the sort key of shared.progress.child_sort_key.
CHILD_CURSOR = {"name": ("text", "id"), "held_pct": ("number", "text", "id"), "on_time_pct": ("number", "text", "id"),
                "overdue": ("int", "text", "id")}
CHILD_DEFAULT_LIMIT = 100


def progress_children(
    session: Session, user: User, campaign: Campaign, parent_id: int | None, as_of: dt.date | None,
    *, sort: str | None = None, limit: int | None = None, cursor: str | None = None,
) -> dict:
    """The progress of each child unit of `parent` (its whole subtree), one keyset page at a time,
    in the order of shared.progress.child_sort_key (by name; or by share held, on-time share or overdue
    count, highest first, then by name: the portal's table per district sorts by the same key). The
    figures come from the cached groups (shared.progress.child_values) and are ordered here, as tuples;
    only the page's units are loaded and only its items built. `count` is the number of children on all
    pages."""
    sort = sort or "name"
    if sort not in CHILD_SORTS:
        raise InvalidQuery(_("Thứ tự sắp xếp không hợp lệ."), fields={"sort": _("Không hợp lệ.")})
    limit = check_limit(limit, CHILD_DEFAULT_LIMIT)
    after = decode_cursor(cursor, CHILD_CURSOR[sort])
    parent = visible_unit(session, user, parent_id)
    day = check_as_of(as_of)
    values = child_values(session, campaign, parent, day)
    children = session.execute(
        select(Unit.path, Unit.name_sort, Unit.id).where(Unit.parent_id == parent.id, Unit.active.is_(True))
    ).all()
    keyed = sorted((child_sort_key(sort, values.get(path, {}), name, uid), uid) for path, name, uid in children)
    # The cursor's values have the key's types (decode_cursor), so they compare with every key.
    start = bisect.bisect_right(keyed, (tuple(after), float("inf"))) if after is not None else 0
    page = keyed[start:start + limit]
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_([uid for _key, uid in page])))}
    items = []
    for _key, uid in page:
        unit = units[uid]
        child = ChildProgress(unit, {
            level: from_values(level, v, campaign, day) for level, v in values.get(unit.path, {}).items()
        } or {unit.level: Counts(level=unit.level, deadline=campaign.deadline_for(unit.level), as_of=day)})
        items.append({
            "unit": unit_dict(unit),
            "levels": {level: c.as_dict() for level, c in child.levels.items()},
            "total": child.total().as_dict(),
        })
    more = start + limit < len(keyed)
    return {
        "campaign_id": campaign.id,
        "as_of": day.isoformat(),
        "parent": unit_dict(parent),
        "count": len(keyed),
        "items": items,
        "next_cursor": encode_cursor(list(page[-1][0])) if more else None,
    }


# ---- keyset pages ------------------------------------------------------------------------


def decode_cursor(cursor: str | None, kinds: tuple[str, ...]) -> list | None:
    """A cursor this module handed out, its values checked by kind (shared.parsing); else a 400."""
    try:
        return parsing.decode_cursor(cursor, kinds)
    except ValueError as exc:
        raise InvalidQuery(str(exc), fields={"cursor": _("Không hợp lệ.")}) from None


def check_limit(limit: int | None, default: int = DEFAULT_LIMIT) -> int:
    if limit is None:
        return default
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(_("Số dòng mỗi trang từ 1 đến %(max)s.", max=MAX_LIMIT),
                           fields={"limit": _("Từ 1 đến %(max)s.", max=MAX_LIMIT)})
    return limit


def list_units(
    session: Session,
    user: User,
    campaign: Campaign,
    *,
    q: str | None = None,
    level: str | None = None,
    parent_id: int | None = None,
    status: str | None = None,
    sector: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict:
    """Units in the user's subtree, by name then id, one keyset page at a time."""
    limit = check_limit(limit)
    after = decode_cursor(cursor, ("text", "id"))
    if level is not None and level not in LEVEL_LABELS:
        raise InvalidQuery(_("Cấp không hợp lệ."), fields={"level": _("Không hợp lệ.")})
    if status is not None and status not in UNIT_STATUSES:
        raise InvalidQuery(_("Trạng thái không hợp lệ."), fields={"status": _("Không hợp lệ.")})
    if sector is not None and sector not in SECTOR_LABELS:
        raise InvalidQuery(_("Khu vực không hợp lệ."), fields={"sector": _("Không hợp lệ.")})
    R = CongressReport
    stmt = (
        select(Unit, R.status)
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(in_subtree(user.unit.path), Unit.active.is_(True))
    )
    scope = user.unit.path
    if parent_id is not None:
        parent = visible_unit(session, user, parent_id)
        stmt = stmt.where(Unit.parent_id == parent.id)
        scope = parent.path
    if q and q.strip():
        stmt = stmt.where(search_filter(q, session, scope))
    if level:
        stmt = stmt.where(Unit.level == level)
    if sector:
        stmt = stmt.where(Unit.sector == sector)
    if status == "none":
        stmt = stmt.where(R.id.is_(None))
    elif status:
        stmt = stmt.where(R.status == status)
    if after is not None:
        name, last_id = after
        # `>=` first, so the range on name_sort reaches the index: the page starts where the cursor
        # is, not at the first name of the scope (the middle page of a province read 77,000 rows).
        stmt = stmt.where(Unit.name_sort >= name, or_(Unit.name_sort > name, Unit.id > last_id))
    rows = session.execute(stmt.order_by(Unit.name_sort, Unit.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([rows[-1][0].name_sort, rows[-1][0].id]) if more else None
    return {"items": [unit_dict(u, st, with_status=True) for u, st in rows], "next_cursor": next_cursor}


def unit_detail(session: Session, user: User, campaign: Campaign, unit_id: int) -> dict:
    unit = visible_unit(session, user, unit_id)
    status = session.scalar(
        select(CongressReport.status).where(
            CongressReport.unit_id == unit.id, CongressReport.campaign_id == campaign.id
        )
    )
    return unit_dict(unit, status, with_status=True)


def feed(
    session: Session,
    user: User,
    campaign: Campaign,
    *,
    status: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict:
    """Submissions and reviews in the user's subtree, newest first (keyset on time, id)."""
    limit = check_limit(limit)
    after = decode_cursor(cursor, ("datetime", "id"))
    if status is not None and status not in ("submitted", "returned", "approved"):
        raise InvalidQuery(_("Trạng thái không hợp lệ."), fields={"status": _("Không hợp lệ.")})
    C = ReportStatusChange
    by = aliased(User)
    stmt = (
        select(C, Unit, by.full_name, by.username)
        .join(CongressReport, CongressReport.id == C.report_id)
        .join(Unit, Unit.id == CongressReport.unit_id)
        .outerjoin(by, by.id == C.user_id)
        .where(CongressReport.campaign_id == campaign.id, in_subtree(user.unit.path))
        .where(C.to_status == status if status else C.to_status != "draft")
    )
    if since is not None:
        stmt = stmt.where(C.changed_at >= since)
    if after is not None:
        at, last_id = after
        stmt = stmt.where(or_(C.changed_at < at, and_(C.changed_at == at, C.id < last_id)))
    rows = session.execute(stmt.order_by(C.changed_at.desc(), C.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        {
            "id": change.id,
            "report_id": change.report_id,
            "unit": unit_dict(unit),
            "from_status": change.from_status,
            "to_status": change.to_status,
            "to_status_label": str(STATUS_LABELS.get(change.to_status, change.to_status)),
            "reason": change.reason,
            "at": change.changed_at.isoformat(),
            "by": full_name or username,
        }
        for change, unit, full_name, username in rows
    ]
    next_cursor = encode_cursor([rows[-1][0].changed_at.isoformat(), rows[-1][0].id]) if more else None
    return {"items": items, "next_cursor": next_cursor}


def unit_report(session: Session, user: User, campaign: Campaign, unit_id: int) -> CongressReport:
    unit = visible_unit(session, user, unit_id)
    report = session.scalar(
        select(CongressReport).where(CongressReport.unit_id == unit.id, CongressReport.campaign_id == campaign.id)
    )
    if report is None:
        raise NotFound(_("Đơn vị chưa có báo cáo đại hội cho đợt này."))
    return report


# ---- the congress calendar ------------------------------------------------------------------

CALENDAR_MAX_DAYS = 366


def calendar(
    session: Session,
    user: User,
    campaign: Campaign,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    level: str | None = None,
    district_id: int | None = None,
    sector: str | None = None,
    pilot: bool = False,
    as_of: dt.date | None = None,
) -> dict:
    """The congresses of the user's scope between two days (default: the 14 days from `as_of`), with the
    calendar page's filters, through shared.calendar.events (the page's, the dashboard's and the
    terminal's one query), as they stood on `as_of` (default today): a plan whose day had passed by then
    without a result has kind "missed"; a congress held after it is still a plan."""
    from shared import calendar as cal

    if level is not None and level not in LEVEL_LABELS:
        raise InvalidQuery(_("Cấp không hợp lệ."), fields={"level": _("Không hợp lệ.")})
    if sector is not None and sector not in SECTOR_LABELS:
        raise InvalidQuery(_("Khu vực không hợp lệ."), fields={"sector": _("Không hợp lệ.")})
    day = check_as_of(as_of)
    start = start or day
    end = end or cal.upcoming_end(start)
    # A window longer than CALENDAR_MAX_DAYS is cut to it (the answer's "to" says where); one that ends
    # before it starts holds nothing.
    end = min(end, start + dt.timedelta(days=CALENDAR_MAX_DAYS - 1))
    if district_id is not None:
        district = visible_unit(session, user, district_id)  # 404 outside the user's subtree
        if district.level != "district":
            raise InvalidQuery(_("Đơn vị lọc phải là đơn vị cấp trên trực tiếp cơ sở."),
                               fields={"district": _("Không phải cấp huyện và tương đương.")})
    filters = cal.Filters(level=level, district_id=district_id, sector=sector, pilot_only=pilot)
    items, truncated = cal.events(session, campaign, user.unit, start, end, filters, today=day) if end >= start \
        else ([], False)
    return {
        "campaign_id": campaign.id,
        "unit": unit_dict(user.unit),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": day.isoformat(),
        "items": [e.as_dict() for e in items],
        "truncated": truncated,
    }
