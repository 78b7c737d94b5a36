"""Administration of the unit tree and of campaigns: create, edit, move, deactivate; every act audited."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import String, case, func, literal, select, update
from sqlalchemy.orm import Session

from shared import audit
from shared.errors import DomainError, Forbidden, NotFound
from shared.i18n import _
from shared.imports import UNIT_CODE
from shared.models import LEVEL_LABELS, SECTOR_LABELS, Campaign, Unit, User
from shared.parsing import MAX_DATE, MIN_DATE, parse_int
from shared.text import fold, nfc
from shared.units import child_path, create_unit, in_subtree, is_within
from shared.validation import MAX_COUNT

CHILD_LEVEL = {"province": "district", "district": "grassroots"}
PARENT_LEVEL = {v: k for k, v in CHILD_LEVEL.items()}
UNIT_MANAGERS = ("admin", "federation")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def require_unit_manager(actor: User) -> None:
    if actor.role not in UNIT_MANAGERS:
        raise Forbidden(_("Chỉ quản trị hệ thống và LĐLĐ tỉnh được quản lý đơn vị."))


def require_in_scope(actor: User, unit: Unit) -> None:
    """Out-of-scope objects do not exist for the actor (404, not 403)."""
    if not is_within(unit, actor.unit):
        raise NotFound(_("Không tìm thấy đơn vị."))


def unit_values(session: Session, data: dict[str, Any], unit: Unit | None = None) -> dict[str, Any]:
    """Normalised, checked unit fields; DomainError with per-field messages otherwise."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    code = (nfc(data.get("code")) or "").upper()
    if not code:
        errors["code"] = _("Hãy nhập mã đơn vị.")
    elif not UNIT_CODE.match(code):
        errors["code"] = _("Mã gồm chữ không dấu, số, dấu chấm, gạch (tối đa 40 ký tự).")
    else:
        clash = session.scalar(select(Unit.id).where(Unit.code == code))
        if clash is not None and (unit is None or clash != unit.id):
            errors["code"] = _("Mã “%(code)s” đã được dùng cho đơn vị khác.", code=code)
    values["code"] = code
    name = nfc(data.get("name")) or ""
    if not name:
        errors["name"] = _("Hãy nhập tên đơn vị.")
    elif len(name) > 255:
        errors["name"] = _("Tên dài quá 255 ký tự.")
    values["name"] = name
    sector = data.get("sector") or "state"
    if sector not in SECTOR_LABELS:
        errors["sector"] = _("Khu vực không hợp lệ.")
    values["sector"] = sector
    members = data.get("members_count")
    try:
        # Within the column (an INTEGER) and reason: no union has more members than MAX_COUNT.
        members = parse_int(members, minimum=0, maximum=MAX_COUNT) or 0
    except ValueError as exc:
        too_big = str(members).strip().isascii() and str(members).strip().isdigit()
        errors["members_count"] = str(exc) if too_big else _("Số đoàn viên là số nguyên không âm.")
    values["members_count"] = members
    email = (nfc(data.get("contact_email")) or "").lower() or None
    if email and (len(email) > 255 or not EMAIL.match(email)):
        errors["contact_email"] = _("Email không hợp lệ.")
    values["contact_email"] = email
    phone = nfc(data.get("contact_phone")) or None
    if phone and (len(phone) > 40 or not re.match(r"^[0-9+().\-\s]{6,40}$", phone)):
        errors["contact_phone"] = _("Số điện thoại không hợp lệ.")
    values["contact_phone"] = phone
    if errors:
        raise DomainError(_("Thông tin đơn vị chưa hợp lệ; xem các ô được đánh dấu."), fields=errors)
    return values


def _unit_state(unit: Unit) -> dict[str, Any]:
    return {k: getattr(unit, k) for k in ("code", "name", "sector", "members_count", "contact_email", "contact_phone", "active")}


def create_child_unit(session: Session, actor: User, parent: Unit, data: dict[str, Any], ip: str | None = None) -> Unit:
    require_unit_manager(actor)
    require_in_scope(actor, parent)
    level = CHILD_LEVEL.get(parent.level)
    if level is None:
        raise DomainError(_("Công đoàn cơ sở không có đơn vị trực thuộc."))
    if not parent.active:
        raise DomainError(_("Đơn vị cấp trên đã ngừng hoạt động."))
    values = unit_values(session, data)
    unit = create_unit(session, level=level, parent=parent, **values)
    audit.record(session, actor, "unit.create", "unit", unit.id, unit_id=unit.id,
                 changes={"parent": parent.code, "level": level, **_unit_state(unit)}, ip=ip)
    session.flush()
    return unit


def update_unit(session: Session, actor: User, unit: Unit, data: dict[str, Any], ip: str | None = None) -> dict:
    require_unit_manager(actor)
    require_in_scope(actor, unit)
    before = _unit_state(unit)
    values = unit_values(session, data, unit)
    for key, value in values.items():
        setattr(unit, key, value)
    unit.name_folded = fold(unit.name)
    changes = audit.diff(before, _unit_state(unit))
    if changes:
        audit.record(session, actor, "unit.update", "unit", unit.id, unit_id=unit.id, changes=changes, ip=ip)
    session.flush()
    return changes


def rewrite_subtree(session: Session, unit_id: int, old_path: str, new_parent_id: int | None, new_path: str) -> int:
    """Move a subtree: one UPDATE rewrites every path under `old_path` and re-parents the top unit."""
    result = session.execute(
        update(Unit)
        .where(in_subtree(old_path))
        .values(
            path=literal(new_path, String()) + func.substr(Unit.path, len(old_path) + 1),
            parent_id=case((Unit.id == unit_id, literal(new_parent_id)), else_=Unit.parent_id),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def move_unit(session: Session, actor: User, unit: Unit, new_parent: Unit, ip: str | None = None) -> int:
    """Put `unit` (and its subtree) under `new_parent`; refuses cycles, wrong levels, the actor's own unit."""
    require_unit_manager(actor)
    require_in_scope(actor, unit)
    require_in_scope(actor, new_parent)
    if unit.id == actor.unit_id or unit.parent_id is None:
        raise DomainError(_("Không thể chuyển đơn vị gốc trong phạm vi của bạn."))
    if is_within(new_parent, unit):
        raise DomainError(_("Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị trực thuộc nó."),
                          fields={"parent": _("Đơn vị cấp trên mới nằm trong nhánh của đơn vị đang chuyển.")})
    wanted = PARENT_LEVEL.get(unit.level)
    if new_parent.level != wanted:
        raise DomainError(
            _("%(level)s phải trực thuộc đơn vị %(parent_level)s; “%(parent)s” là %(actual)s.",
              level=LEVEL_LABELS[unit.level], parent_level=str(LEVEL_LABELS.get(wanted, "")).lower(),
              parent=new_parent.name, actual=str(LEVEL_LABELS[new_parent.level]).lower()),
            fields={"parent": _("Sai cấp của đơn vị cấp trên.")},
        )
    if not new_parent.active:
        raise DomainError(_("Đơn vị cấp trên mới đã ngừng hoạt động."), fields={"parent": _("Đã ngừng hoạt động.")})
    if new_parent.id == unit.parent_id:
        return 0
    old_parent = session.get(Unit, unit.parent_id)
    moved = rewrite_subtree(session, unit.id, unit.path, new_parent.id, child_path(new_parent.path, unit.id))
    audit.record(session, actor, "unit.move", "unit", unit.id, unit_id=unit.id,
                 changes={"parent": [old_parent.code if old_parent else None, new_parent.code], "subtree": moved}, ip=ip)
    session.flush()
    session.expire_all()
    return moved


def set_unit_active(session: Session, actor: User, unit: Unit, active: bool, ip: str | None = None) -> int:
    """Deactivate (or reactivate) a unit with its whole subtree, in one UPDATE. Nothing is deleted."""
    require_unit_manager(actor)
    require_in_scope(actor, unit)
    if unit.id == actor.unit_id:
        raise DomainError(_("Không thể ngừng hoạt động đơn vị của chính bạn."))
    if active and unit.parent is not None and not unit.parent.active:
        raise DomainError(_("Đơn vị cấp trên đang ngừng hoạt động; hãy kích hoạt đơn vị cấp trên trước."))
    count = session.execute(
        update(Unit).where(in_subtree(unit.path), Unit.active.is_not(active)).values(active=active)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(session, actor, "unit.activate" if active else "unit.deactivate", "unit", unit.id,
                 unit_id=unit.id, changes={"active": [not active, active], "units": count}, ip=ip)
    session.flush()
    session.expire_all()
    return count


# ---- campaigns -------------------------------------------------------------------------------

CAMPAIGN_DATES = ("start_date", "pilot_until_grassroots", "pilot_until_district", "deadline_grassroots",
                  "deadline_district", "deadline_province")
PILOT_WINDOWS = ("pilot_until_grassroots", "pilot_until_district")  # optional; each within its level's time
CAMPAIGN_NUMBERS = {  # field: (min, max)
    "members_threshold": (1, 100_000),
    "youth_age": (18, 60),
    "target_women_pct": (0, 100),
    "target_young_pct": (0, 100),
    "target_party_pct": (0, 100),
}
CAMPAIGN_FIELDS = ("name", "term", *CAMPAIGN_DATES, *CAMPAIGN_NUMBERS, "pilots_by_level_above")
TERM = re.compile(r"^(\d{4})-(\d{4})$")
MAX_TERM_YEARS = 10  # a term is five years; ten leaves room for any decision


def require_admin(actor: User) -> None:
    if actor.role != "admin":
        raise Forbidden(_("Chỉ quản trị hệ thống được quản lý đợt đại hội."))


def campaign_values(session: Session, data: dict[str, Any], campaign: Campaign | None = None) -> dict[str, Any]:
    """Checked campaign fields (dates already parsed); DomainError with per-field messages otherwise."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    name = nfc(data.get("name")) or ""
    if not name:
        errors["name"] = _("Hãy nhập tên đợt đại hội.")
    elif len(name) > 200:
        errors["name"] = _("Tên dài quá 200 ký tự.")
    values["name"] = name
    term = (nfc(data.get("term")) or "").replace("–", "-").replace(" ", "")
    m = TERM.match(term)
    first, last = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    if not (0 < last - first <= MAX_TERM_YEARS and MIN_DATE.year < first and last <= MAX_DATE.year):
        m = None
        errors["term"] = _("Nhiệm kỳ theo dạng 2028-2033.")
    else:
        clash = session.scalar(select(Campaign.id).where(Campaign.term == term))
        if clash is not None and (campaign is None or clash != campaign.id):
            errors["term"] = _("Đã có đợt đại hội nhiệm kỳ %(term)s.", term=term)
    values["term"] = term
    for key in CAMPAIGN_DATES:
        value = data.get(key)
        if value is None and key not in PILOT_WINDOWS:
            errors[key] = _("Hãy nhập ngày (dd/mm/yyyy).")
        values[key] = value
    for key, (low, high) in CAMPAIGN_NUMBERS.items():
        value = data.get(key)
        if value is None or not low <= value <= high:
            errors[key] = _("Từ %(low)s đến %(high)s.", low=low, high=high)
        values[key] = value
    if m:
        # Every date of a campaign lies in its term (the congresses open it; preparations may start the year
        # before): a deadline in the year 9999 would be accepted as a date and break every figure after it.
        earliest, latest = dt.date(first - 1, 1, 1), dt.date(last, 12, 31)
        for key in CAMPAIGN_DATES:
            if values[key] is not None and not earliest <= values[key] <= latest:
                errors[key] = _("Ngày phải nằm trong nhiệm kỳ %(term)s: từ %(earliest)s đến %(latest)s.", term=term,
                                earliest=earliest.strftime("%d/%m/%Y"), latest=latest.strftime("%d/%m/%Y"))
    g, d, p, start = (values[k] for k in ("deadline_grassroots", "deadline_district", "deadline_province", "start_date"))
    if start and g and start > g:
        errors["start_date"] = _("Ngày bắt đầu phải trước hạn chót cấp cơ sở.")
    if g and d and g > d:
        errors["deadline_district"] = _("Hạn chót cấp huyện không được trước hạn chót cấp cơ sở.")
    if d and p and d > p:
        errors["deadline_province"] = _("Hạn chót cấp tỉnh không được trước hạn chót cấp huyện.")
    pilot = values["pilot_until_grassroots"]
    if pilot and start and (pilot < start or (g and pilot > g)):
        errors["pilot_until_grassroots"] = _("Thời gian đại hội điểm phải nằm giữa ngày bắt đầu và hạn chót cấp cơ sở.")
    pilot = values["pilot_until_district"]
    if pilot and start and (pilot < start or (d and pilot > d)):
        errors["pilot_until_district"] = _("Thời gian đại hội điểm cấp huyện phải nằm giữa ngày bắt đầu và hạn chót "
                                           "cấp huyện.")
    values["pilots_by_level_above"] = bool(data.get("pilots_by_level_above", True))
    if errors:
        raise DomainError(_("Thông tin đợt đại hội chưa hợp lệ; xem các ô được đánh dấu."), fields=errors)
    return values


def _campaign_state(c: Campaign) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k in (*CAMPAIGN_FIELDS, "closed") for v in [getattr(c, k)]}


def create_campaign(session: Session, actor: User, data: dict[str, Any], ip: str | None = None) -> Campaign:
    require_admin(actor)
    campaign = Campaign(**campaign_values(session, data))
    session.add(campaign)
    session.flush()
    audit.record(session, actor, "campaign.create", "campaign", campaign.id, unit_id=actor.unit_id,
                 changes=_campaign_state(campaign), ip=ip)
    session.flush()
    return campaign


def update_campaign(session: Session, actor: User, campaign: Campaign, data: dict[str, Any], ip: str | None = None) -> dict:
    require_admin(actor)
    before = _campaign_state(campaign)
    for key, value in campaign_values(session, data, campaign).items():
        setattr(campaign, key, value)
    changes = audit.diff(before, _campaign_state(campaign))
    if changes:
        audit.record(session, actor, "campaign.update", "campaign", campaign.id, unit_id=actor.unit_id, changes=changes, ip=ip)
    session.flush()
    return changes


def set_campaign_closed(session: Session, actor: User, campaign: Campaign, closed: bool, ip: str | None = None) -> None:
    require_admin(actor)
    if campaign.closed == closed:
        return
    campaign.closed = closed
    audit.record(session, actor, "campaign.close" if closed else "campaign.reopen", "campaign", campaign.id,
                 unit_id=actor.unit_id, changes={"closed": [not closed, closed]}, ip=ip)
    session.flush()


def _shift_years(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 into a common year
        return day.replace(year=day.year + years, day=28)


def next_campaign_values(previous: Campaign) -> dict[str, Any]:
    """A new term prefilled from `previous`: same rules, every date moved by the term's length."""
    m = TERM.match(previous.term or "")
    years = int(m.group(2)) - int(m.group(1)) if m else 5
    term = f"{int(m.group(1)) + years}-{int(m.group(2)) + years}" if m else ""
    values: dict[str, Any] = {k: getattr(previous, k) for k in (*CAMPAIGN_NUMBERS, "pilots_by_level_above")}
    values.update({k: _shift_years(getattr(previous, k), years) for k in CAMPAIGN_DATES})
    values["term"] = term
    values["name"] = previous.name.replace(previous.term, term) if m and previous.term in previous.name else previous.name
    return values
