"""Steering committees (ban chỉ đạo đại hội) of the province and district-level units, with the
directive's composition checked as warnings."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from shared import audit, clock
from shared.errors import Conflict, DomainError, NotFound
from shared.i18n import N_, _
from shared.models import (
    AGENCY_KIND_LABELS,
    STEERING_ROLE_LABELS,
    Campaign,
    SteeringCommittee,
    SteeringMember,
    Unit,
    User,
)
from shared.parsing import parse_date, parse_version
from shared.text import clean_text, format_date
from shared.units import in_subtree, is_within

LEVELS = ("province", "district")
REQUIRED_AGENCIES = ("mass_mobilization", "organisation", "propaganda", "federation")


def has_committee(unit: Unit) -> bool:
    return unit.level in LEVELS


def can_edit(user: User, unit: Unit) -> bool:
    """The unit's own party committee or union staff set it up; an admin anywhere in scope."""
    if not has_committee(unit):
        return False
    if user.role == "admin":
        return is_within(unit, user.unit)
    return user.role in ("party_committee", "federation", "district") and user.unit_id == unit.id


def get(session: Session, campaign: Campaign, unit: Unit) -> SteeringCommittee | None:
    return session.scalar(
        select(SteeringCommittee).options(selectinload(SteeringCommittee.members))
        .where(SteeringCommittee.campaign_id == campaign.id, SteeringCommittee.unit_id == unit.id)
    )


def _get_or_create(session: Session, campaign: Campaign, unit: Unit) -> SteeringCommittee:
    committee = get(session, campaign, unit)
    if committee is None:
        committee = SteeringCommittee(campaign_id=campaign.id, unit_id=unit.id, updated_at=clock.now())
        session.add(committee)
        session.flush()
    return committee


def _check(user: User, unit: Unit) -> None:
    if not can_edit(user, unit):
        raise NotFound(_("Không tìm thấy đơn vị."))


_STALE = N_("Quyết định thành lập vừa được người khác lưu sau khi bạn mở trang. Hãy xem bản đang lưu rồi chọn giữ bản nào.")


def _check_version(committee: SteeringCommittee | None, expected: int | str | None) -> None:
    """`expected`: the committee's version the form was opened on, 0 when there was no committee then; None:
    the caller compares nothing (a script). A stale one is a Conflict, except a 0 on a committee whose decision
    has never been written (one started by adding members): there is nothing of anyone's to overwrite."""
    expected = parse_version(expected)  # the form's hidden field: a mangled one is a stale one (-1)
    if expected is None:
        return
    if committee is None:
        if expected != 0:
            raise Conflict(_(_STALE))
        return
    if expected == committee.version:
        return
    if expected == 0 and committee.decision_number is None and committee.decision_date is None:
        return
    raise Conflict(_(_STALE), current=committee)


def save_decision(
    session: Session, user: User, campaign: Campaign, unit: Unit, *, number: str | None,
    date: dt.date | str | None, expected_version: int | str | None = None,
) -> SteeringCommittee:
    """Record the decision that set up the committee (its number and date), typed or as a date. Guards in
    order: scope and role (404), the version (409, see _check_version), the fields (422, named); the button
    and the page's autosave both save through here. The caller commits."""
    _check(user, unit)
    committee = get(session, campaign, unit)
    _check_version(committee, expected_version)
    errors = {}
    try:
        number = clean_text(number, 60)
    except ValueError as exc:
        errors["decision_number"] = str(exc)
    try:
        day = date if isinstance(date, dt.date) or date is None else parse_date(date)
    except ValueError as exc:
        errors["decision_date"], day = str(exc), None
    if day is not None and day > clock.today():
        errors["decision_date"] = _("Ngày quyết định không được sau hôm nay.")
    if errors:
        raise DomainError(_("Quyết định thành lập chưa hợp lệ."), fields=errors)
    before = {"decision_number": None, "decision_date": None}
    if committee is None:
        committee = _create_first(session, campaign, unit, number=number or None, date=day)
    elif (committee.decision_number, committee.decision_date) == (number or None, day):
        return committee  # the same decision (an autosave of a box left unchanged): no new version, no audit
    else:
        before = {"decision_number": committee.decision_number, "decision_date": format_date(committee.decision_date)}
        committee.decision_number = number or None
        committee.decision_date = day
        committee.updated_at = clock.now()
        try:
            session.flush()
        except StaleDataError:  # another request saved between our read and this write
            session.rollback()
            raise Conflict(_(_STALE), current=get(session, campaign, unit)) from None
    after = {"decision_number": committee.decision_number, "decision_date": format_date(committee.decision_date)}
    audit.record(session, user, "update", "steering_committee", committee.id, unit_id=unit.id, changes=audit.diff(before, after))
    return committee


def _create_first(session: Session, campaign: Campaign, unit: Unit, *, number: str | None,
                  date: dt.date | None) -> SteeringCommittee:
    """The unit's committee with its decision, or a Conflict when another request created it since we looked
    (the unique key on campaign and unit)."""
    committee = SteeringCommittee(campaign_id=campaign.id, unit_id=unit.id, decision_number=number, decision_date=date,
                                  updated_at=clock.now())
    session.add(committee)
    try:
        session.flush()
        return committee
    except IntegrityError:
        session.rollback()  # the failed INSERT ended the transaction
        current = get(session, campaign, unit)
        if current is None:  # not the unique key on (campaign, unit): not ours to explain
            raise
        raise Conflict(_(_STALE), current=current) from None


def add_member(
    session: Session, user: User, campaign: Campaign, unit: Unit, *,
    full_name: str | None, title: str | None, agency: str | None, agency_kind: str, role: str,
) -> SteeringMember:
    _check(user, unit)
    errors: dict[str, str] = {}
    values = {}
    for field, value in (("full_name", full_name), ("title", title), ("agency", agency)):
        try:
            values[field] = clean_text(value, 200)
        except ValueError as exc:
            errors[field] = str(exc)
    if not values.get("full_name") and "full_name" not in errors:
        errors["full_name"] = _("Hãy nhập họ và tên.")
    if agency_kind not in AGENCY_KIND_LABELS:
        errors["agency_kind"] = _("Chọn cơ quan.")
    if role not in STEERING_ROLE_LABELS:
        errors["role"] = _("Chọn vai trò trong Ban Chỉ đạo.")
    if errors:
        raise DomainError(_("Thông tin thành viên chưa hợp lệ."), fields=errors)
    committee = _get_or_create(session, campaign, unit)
    order = {"head": 0, "standing_deputy": 1, "deputy": 2, "member": 3}
    member = SteeringMember(agency_kind=agency_kind, role=role, position=order[role] * 1000 + len(committee.members), **values)
    # Not the committee's row: its version guards the decision, which a new member does not change (the
    # member form of the page would otherwise make the decision form open beside it stale).
    committee.members.append(member)
    session.flush()
    audit.record(session, user, "create", "steering_member", member.id, unit_id=unit.id, changes={"full_name": [None, member.full_name], "role": [None, role]})
    return member


def remove_member(session: Session, user: User, campaign: Campaign, unit: Unit, member_id: int) -> None:
    _check(user, unit)
    committee = get(session, campaign, unit)
    member = next((m for m in committee.members if m.id == member_id), None) if committee else None
    if member is None:
        raise NotFound(_("Không tìm thấy thành viên."))
    audit.record(session, user, "delete", "steering_member", member.id, unit_id=unit.id, changes={"full_name": [member.full_name, None]})
    committee.members.remove(member)
    session.flush()


def warnings(committee: SteeringCommittee | None) -> list[str]:
    """What departs from the directive's composition (advice, never a block)."""
    if committee is None or not committee.members:
        return [_("Chưa có danh sách Ban Chỉ đạo đại hội.")]
    out = []
    members = committee.members
    heads = [m for m in members if m.role == "head"]
    standing = [m for m in members if m.role == "standing_deputy"]
    if not heads:
        out.append(_("Chưa có Trưởng ban."))
    elif len(heads) > 1:
        out.append(_("Có nhiều hơn một Trưởng ban."))
    elif heads[0].agency_kind != "mass_mobilization":
        out.append(_("Trưởng ban theo chỉ thị là Trưởng Ban Dân vận cấp ủy."))
    if not standing:
        out.append(_("Chưa có Phó Trưởng ban thường trực."))
    elif not any(m.agency_kind == "federation" for m in standing):
        out.append(_("Phó Trưởng ban thường trực theo chỉ thị là Chủ tịch Liên đoàn Lao động."))
    present = {m.agency_kind for m in members}
    missing = [str(AGENCY_KIND_LABELS[k]) for k in REQUIRED_AGENCIES if k not in present]
    if missing:
        out.append(_("Thiếu thành viên từ: %(agencies)s.", agencies=", ".join(missing)))
    if not committee.decision_number or not committee.decision_date:
        out.append(_("Chưa ghi số và ngày quyết định thành lập."))
    return out


def committees_in_scope(session: Session, campaign: Campaign, scope: Unit) -> list[SteeringCommittee]:
    return list(session.scalars(
        select(SteeringCommittee).join(Unit, Unit.id == SteeringCommittee.unit_id)
        .options(selectinload(SteeringCommittee.members), selectinload(SteeringCommittee.unit))
        .where(SteeringCommittee.campaign_id == campaign.id, in_subtree(scope.path))
        .order_by(Unit.path)
    ))


EXPORT_WIDTHS = {1: 40, 2: 16, 3: 14, 4: 26, 5: 30, 6: 34, 7: 20, 8: 26, 9: 60}


def export_xlsx(committees: list[SteeringCommittee]) -> bytes:
    """One row per member, with the committee's unit, decision (its date a real date) and warnings."""
    from shared.xlsx import Workbook

    wb = Workbook()
    sheet = wb.sheet(_("Ban chỉ đạo"), [_("Đơn vị"), _("Số quyết định"), _("Ngày quyết định"), _("Họ và tên"), _("Chức vụ"),
                                        _("Cơ quan"), _("Khối"), _("Vai trò"), _("Cảnh báo cơ cấu")],
                     widths=EXPORT_WIDTHS)
    for c in committees:
        warn = " ".join(warnings(c))
        decision = [c.unit.name, c.decision_number, c.decision_date]
        if not c.members:
            sheet.append([*decision, None, None, None, None, None, warn])
        for m in c.members:
            sheet.append([*decision, m.full_name, m.title, m.agency, m.agency_kind_label, m.role_label, warn])
    return wb.to_bytes()
