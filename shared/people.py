"""The people a congress elects (issue 19): the BCH, BTV and UBKT as named rows, the delegates to the higher
congress, the ballots, the personnel statistics derived from the names, the superior's delegate allocation,
the quorum's resolution and the recognition decision.

One rule each, here: `statistics` is the personnel figures of a list (the dashboard, the exports, the API and
the TUI read the counts it writes, or call `personnel`); `check_people` is what a list must satisfy (called by
shared.validation.check_report, so the form, the API, the import and the people pages share it);
`approval_refusal` is what stops an approval (shared.workflow.approve calls it).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, object_session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from shared import audit, clock
from shared.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from shared.i18n import _
from shared.models import (
    Campaign,
    CongressReport,
    Delegate,
    DelegateAllocation,
    ElectedMember,
    RecognitionDecision,
    StoredFile,
    Unit,
    User,
)
from shared.text import clean_text, format_date, format_number, format_vote_share
from shared.units import in_subtree, is_within
from shared.vocabulary import (
    CHAIR_ELECTED_LABELS,
    DELEGATE_KIND_LABELS,
    GENDER_LABELS,
    PERSONNEL_SOURCE_LABELS as SOURCE_LABELS,
    POSITION_LABELS,
)

EXECUTIVE_POSITIONS = ("chair", "vice_chair", "standing", "executive")
STANDING_POSITIONS = ("standing",)
INSPECTION_POSITIONS = ("inspection_head", "inspection_deputy", "inspection")
POSITION_ORDER = {code: i for i, code in enumerate(POSITION_LABELS)}
MEMBER_KEYS = ("full_name", "gender", "birth_year", "ethnic_minority", "party_member", "reelected",
               "in_planning_pool", "positions", "chair_elected", "votes")
DELEGATE_KEYS = ("full_name", "gender", "birth_year", "title", "kind", "ex_officio")
MEMBER_FLAGS = ("ethnic_minority", "party_member", "reelected", "in_planning_pool")
# Years of birth a person elected in this term can have: a union member is at least 15 (labour age) during
# the 2023-2028 term. Fixed (not "today minus 15"): the API's document states the same range.
OLDEST_BIRTH_YEAR, LATEST_BIRTH_YEAR = 1940, 2013
# The report's counts a list gives (the rest of the report is typed as before).
MEMBER_COUNT_FIELDS = ("executive_size", "executive_women", "executive_young", "executive_party",
                       "executive_ethnic_minority", "executive_reelected", "executive_new", "executive_from_plan",
                       "standing_size", "inspection_size")
DELEGATE_COUNT_FIELDS = ("delegates_official", "delegates_alternate")
LISTED_FIELDS = MEMBER_COUNT_FIELDS + DELEGATE_COUNT_FIELDS
# Who sets a unit's delegate allocation: the union it sends delegates to (its parent), or an admin.
ALLOCATION_ROLES = ("district", "federation", "admin")


# ---- reading a row --------------------------------------------------------------------------------------


def parse_positions(value: Any) -> list[str]:
    """Position codes from a list or a comma-separated text, in the vocabulary's order, each once."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    codes = []
    for item in items:
        code = clean_text(None if item is None else str(item)) or ""
        if not code:
            continue
        if code not in POSITION_LABELS:
            raise ValueError(_("Chức danh không hợp lệ, hãy chọn trong danh sách."))
        codes.append(code)
    return sorted(set(codes), key=POSITION_ORDER.get)


def parse_birth_year(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    latest = LATEST_BIRTH_YEAR
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or not OLDEST_BIRTH_YEAR <= int(text) <= latest:
        raise ValueError(_("Năm sinh phải là năm từ %(first)s đến %(last)s.", first=OLDEST_BIRTH_YEAR, last=latest))
    return int(text)


def in_executive(positions: Iterable[str]) -> bool:
    return any(p in EXECUTIVE_POSITIONS for p in positions)


def in_standing(positions: Iterable[str]) -> bool:
    return any(p in STANDING_POSITIONS for p in positions)


def in_inspection(positions: Iterable[str]) -> bool:
    return any(p in INSPECTION_POSITIONS for p in positions)


def _positions(row: dict[str, Any] | ElectedMember) -> list[str]:
    if isinstance(row, ElectedMember):
        return row.position_codes
    value = row.get("positions") or []
    return list(value) if isinstance(value, (list, tuple)) else [p for p in str(value).split(",") if p]


def _get(row: dict[str, Any] | Any, key: str) -> Any:
    return row.get(key) if isinstance(row, dict) else getattr(row, key)


# ---- statistics: the one definition -----------------------------------------------------------------------


def congress_day(report_or_values: Any) -> dt.date:
    """The day ages are counted at: the congress, else its planned day, else today."""
    held = _get(report_or_values, "held_date")
    planned = _get(report_or_values, "planned_date")
    for day in (held, planned):
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        if isinstance(day, dt.date):
            return day
    return clock.today()


def is_young(birth_year: int | None, day: dt.date, youth_age: int) -> bool:
    """Under `youth_age` at the congress. Only the year of birth is known: the age is the age reached in the
    congress's year (born 1989: 34 in 2023, young; born 1988: 35, not young), the reading of the union's
    personnel forms ("tuổi đời dưới 35")."""
    return birth_year is not None and day.year - birth_year < youth_age


def statistics(members: Iterable[Any], delegates: Iterable[Any] | None, day: dt.date, youth_age: int
               ) -> dict[str, int]:
    """The personnel figures of a list, keyed like the report's count fields: the BCH's size, women, young
    (under `youth_age` at `day`), party members, ethnic minority, re-elected, new, from the planning pool;
    the BTV's and the UBKT's sizes; the delegates official and alternate (when a delegate list is given).
    Rows are model rows or dicts (a snapshot's or an API's)."""
    executive = [m for m in members if in_executive(_positions(m))]
    members = list(members) if not isinstance(members, list) else members
    out = {
        "executive_size": len(executive),
        "executive_women": sum(_get(m, "gender") == "female" for m in executive),
        "executive_young": sum(is_young(_get(m, "birth_year"), day, youth_age) for m in executive),
        "executive_party": sum(bool(_get(m, "party_member")) for m in executive),
        "executive_ethnic_minority": sum(bool(_get(m, "ethnic_minority")) for m in executive),
        "executive_reelected": sum(bool(_get(m, "reelected")) for m in executive),
        "executive_new": sum(not _get(m, "reelected") for m in executive),
        "executive_from_plan": sum(bool(_get(m, "in_planning_pool")) for m in executive),
        "standing_size": sum(in_standing(_positions(m)) for m in members),
        "inspection_size": sum(in_inspection(_positions(m)) for m in members),
    }
    if delegates is not None:
        delegates = list(delegates)
        out["delegates_official"] = sum(_get(d, "kind") == "official" for d in delegates)
        out["delegates_alternate"] = sum(_get(d, "kind") == "alternate" for d in delegates)
    return out


def apply_counts(report: CongressReport) -> None:
    """Write the figures of the report's lists into its count fields (where it has a list): what every reader
    of counts (the dashboard's SQL, the exports, the import's template) then finds. Typed counts stay only on
    reports without a list."""
    if not report.members and not report.delegates:
        return
    figures = statistics(report.members, report.delegates if report.delegates else None, congress_day(report),
                         report.campaign.youth_age if report.campaign else 35)
    if not report.members:
        figures = {k: v for k, v in figures.items() if k in DELEGATE_COUNT_FIELDS}
    for name, value in figures.items():
        if getattr(report, name) != value:
            setattr(report, name, value)


@dataclass
class Personnel:
    """A report's personnel figures and where they come from: "list" (derived from names) or "typed"."""

    source: str | None
    counts: dict[str, int | None]
    delegates_source: str | None

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS[self.source]) if self.source else ""




def personnel(report: CongressReport | dict[str, Any]) -> Personnel:
    """The figures as shown anywhere (report page, review page, API, TUI): computed from the list where the
    report has one, its typed counts otherwise (labelled so)."""
    members = _get(report, "members") or []
    delegates = _get(report, "delegates") or []
    counts = {name: _get(report, name) for name in LISTED_FIELDS}
    if members or delegates:
        campaign = report.campaign if isinstance(report, CongressReport) else None
        figures = statistics(members, delegates or None, congress_day(report), campaign.youth_age if campaign else 35)
        if members:
            counts.update({k: figures[k] for k in MEMBER_COUNT_FIELDS})
        if delegates:
            counts.update({k: figures[k] for k in DELEGATE_COUNT_FIELDS})
    typed = any(counts.get(k) is not None for k in MEMBER_COUNT_FIELDS)
    source = "list" if members else ("typed" if typed else None)
    delegates_source = "list" if delegates else ("typed" if counts.get("delegates_official") is not None else None)
    return Personnel(source, counts, delegates_source)


# ---- rules ------------------------------------------------------------------------------------------------


def quorum_short(summoned: int | None, present: int | None) -> bool:
    """Fewer than two thirds of those summoned attended: the congress is not valid as held."""
    from shared.validation import QUORUM_SHARE

    return bool(summoned) and present is not None and present * QUORUM_SHARE[1] < summoned * QUORUM_SHARE[0]


def votes_needed(valid: int) -> int:
    """The fewest votes that are more than half of `valid` ballots."""
    return valid // 2 + 1


def allocation_of(session: Session | None, campaign_id: int | None, unit_id: int | None) -> DelegateAllocation | None:
    if session is None or campaign_id is None or unit_id is None:
        return None
    return session.scalar(select(DelegateAllocation).where(
        DelegateAllocation.campaign_id == campaign_id, DelegateAllocation.unit_id == unit_id))


def check_people(values: dict[str, Any], campaign, unit, *, full: bool) -> dict[str, str]:
    """Contradictions of the lists and ballots (they block sending; the people pages refuse a row with one):
    - one chair, one UBKT head; the chair says how they were elected (on sending);
    - valid ballots within those issued (PARTS), every elected person's votes within the valid ballots and
      more than half of them, for every BCH, BTV and UBKT member and officer; on sending, the ballots and
      every person's votes are given;
    - no more delegates, official or alternate, than the superior allocated;
    - a congress below the quorum is sent only with the unit's reason."""
    errors: dict[str, str] = {}
    v = values.get
    members = v("members") or []
    valid = v("ballots_valid")
    chairs = heads = 0
    for i, row in enumerate(members):
        positions = _positions(row)
        if "chair" in positions:
            chairs += 1
            if full and not row.get("chair_elected"):
                errors.setdefault(f"members-{i}-chair_elected", _("Hãy chọn cách bầu Chủ tịch."))
        heads += "inspection_head" in positions
        votes = row.get("votes")
        key = f"members-{i}-votes"
        if votes is not None and valid is not None:
            if votes > valid:
                errors.setdefault(key, _("Không được lớn hơn số phiếu hợp lệ (%(valid)s).", valid=format_number(valid)))
            elif votes < votes_needed(valid):
                errors.setdefault(key, _(
                    "Người trúng cử phải đạt trên một nửa số phiếu hợp lệ: ít nhất %(needed)s/%(valid)s phiếu.",
                    needed=format_number(votes_needed(valid)), valid=format_number(valid)))
        elif votes is None and full:
            errors.setdefault(key, _("Bắt buộc nhập trước khi gửi báo cáo."))
    if chairs > 1:
        errors["members"] = _("Chỉ có một Chủ tịch.")
    elif heads > 1:
        errors["members"] = _("Chỉ có một Chủ nhiệm UBKT.")
    elif full and members and chairs == 0:
        errors["members"] = _("Hãy nhập Chủ tịch công đoàn được bầu.")
    if members and full:
        for name in ("ballots_issued", "ballots_valid"):
            if v(name) is None:
                errors.setdefault(name, _("Bắt buộc nhập trước khi gửi báo cáo."))

    delegates = v("delegates") or []
    if delegates:
        allocation = allocation_of(object_session(unit), getattr(campaign, "id", None), getattr(unit, "id", None))
        if allocation is not None:
            official = sum(d.get("kind") == "official" for d in delegates)
            alternate = sum(d.get("kind") == "alternate" for d in delegates)
            if official > allocation.official:
                errors["delegates"] = _(
                    "Vượt số đại biểu chính thức được phân bổ: %(count)s/%(allocated)s.",
                    count=format_number(official), allocated=format_number(allocation.official))
            elif alternate > allocation.alternate:
                errors["delegates"] = _(
                    "Vượt số đại biểu dự khuyết được phân bổ: %(count)s/%(allocated)s.",
                    count=format_number(alternate), allocated=format_number(allocation.alternate))
    if full and quorum_short(v("summoned"), v("present")) and not v("quorum_reason"):
        errors["quorum_reason"] = _("Đại hội không đủ hai phần ba số được triệu tập: hãy ghi lý do trước khi gửi báo cáo.")
    return errors


# ---- audit: which rows changed, never the rows themselves --------------------------------------------------


def row_id_changes(before: list[dict] | None, after: list[dict] | None) -> dict[str, list[int]]:
    """{"added": ids, "removed": ids, "changed": ids}: what the audit trail keeps of a list's change (personal
    data stays in the report's versions, which only its scope reads)."""
    old = {r.get("id"): r for r in before or [] if isinstance(r, dict)}
    new = {r.get("id"): r for r in after or [] if isinstance(r, dict)}
    out = {
        "added": sorted(i for i in new if i not in old and i is not None),
        "removed": sorted(i for i in old if i not in new and i is not None),
        "changed": sorted(i for i in new if i in old and new[i] != old[i]),
    }
    return {k: v for k, v in out.items() if v}


# ---- reading rows for pages, exports and the decision -------------------------------------------------------


def position_text(codes: Iterable[str]) -> str:
    return ", ".join(str(POSITION_LABELS[c]) for c in codes if c in POSITION_LABELS)


def member_line(row: dict[str, Any]) -> str:
    """One member in a sentence (the history diff): "Lê Văn An (Nam, 1980, Chủ tịch, 120 phiếu)"."""
    parts = [str(GENDER_LABELS.get(row.get("gender"), "")), str(row.get("birth_year") or "")]
    parts.append(position_text(_positions(row)))
    flags = [str(label) for key, label in _flag_labels().items() if row.get(key)]
    parts += flags
    if row.get("chair_elected"):
        parts.append(str(CHAIR_ELECTED_LABELS.get(row["chair_elected"], "")))
    if row.get("votes") is not None:
        parts.append(_("%(votes)s phiếu", votes=format_number(row["votes"])))
    return f"{row.get('full_name') or ''} ({', '.join(p for p in parts if p)})"


def delegate_line(row: dict[str, Any]) -> str:
    parts = [str(GENDER_LABELS.get(row.get("gender"), "")), str(row.get("birth_year") or ""), row.get("title") or "",
             str(DELEGATE_KIND_LABELS.get(row.get("kind"), ""))]
    if row.get("ex_officio"):
        parts.append(_("đương nhiên"))
    return f"{row.get('full_name') or ''} ({', '.join(p for p in parts if p)})"


def _flag_labels() -> dict[str, str]:
    from shared.vocabulary import MEMBER_COLUMN_LABELS

    return {k: MEMBER_COLUMN_LABELS[k] for k in MEMBER_FLAGS}


def vote_share(votes: int | None, valid: int | None) -> str:
    if votes is None or not valid:
        return ""
    from decimal import Decimal

    return format_vote_share(Decimal(votes * 100) / Decimal(valid))


def body_members(report: CongressReport, body: str) -> list[ElectedMember]:
    test = {"executive": in_executive, "standing": in_standing, "inspection": in_inspection}[body]
    return [m for m in report.members if test(m.position_codes)]


# ---- who may see and do what -------------------------------------------------------------------------------


def can_see(user: User, report: CongressReport) -> bool:
    """Personal data: the unit's own scope and everyone above it (its reviewers) read the lists; nobody else."""
    return is_within(report.unit, user.unit)


def is_reviewer(user: User, report: CongressReport) -> bool:
    from shared import workflow

    return workflow.is_reviewer(user, report)


def approval_refusal(report: CongressReport) -> str | None:
    """Why the report cannot be approved as it stands (None: it can): a congress below the quorum, until its
    reviewer has recorded how it was resolved."""
    if quorum_short(report.summoned, report.present) and not report.quorum_resolution:
        return _("Đại hội không đủ hai phần ba số được triệu tập: hãy ghi cách đã xử lý trước khi phê duyệt.")
    return None


def record_quorum_resolution(session: Session, user: User, report: CongressReport, text: str | None,
                             expected_version: int | None) -> CongressReport:
    """The reviewer records how a congress below the quorum was resolved (re-held, confirmed by the superior,
    ...): the approval needs it. Audited; the report's version moves on."""
    from shared import workflow
    from shared.reports import record_version

    if not workflow.can_see(user, report):
        raise NotFound(_("Không tìm thấy báo cáo."))
    if not workflow.is_reviewer(user, report):
        raise Forbidden(_("Chỉ công đoàn cấp trên trực tiếp mới được duyệt báo cáo này."))
    workflow.check_version(report, expected_version)
    if report.status != "submitted":
        raise InvalidTransition(_("Chỉ ghi cách xử lý cho báo cáo đang chờ duyệt."))
    if not quorum_short(report.summoned, report.present):
        raise InvalidTransition(_("Đại hội đủ số lượng, không cần ghi cách xử lý."))
    try:
        resolution = clean_text(text, 2000)
    except ValueError as exc:
        raise DomainError(str(exc), fields={"quorum_resolution": str(exc)}) from None
    if not resolution:
        message = _("Hãy ghi cách đã xử lý.")
        raise DomainError(message, fields={"quorum_resolution": message})
    version = report.version
    report.quorum_resolution = resolution
    report.quorum_resolved_at = clock.now()
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_("Báo cáo đã được người khác thay đổi sau khi bạn mở. Hãy xem phiên bản hiện tại."),
                       current=None) from None
    record_version(session, report, user, fresh=report.version != version)
    audit.record(session, user, "report.quorum_resolution", "congress_report", report.id, unit_id=report.unit_id,
                 changes={"quorum_resolution": resolution})
    session.flush()
    return report


# ---- delegate allocation -------------------------------------------------------------------------------------


def may_allocate(user: User, unit: Unit) -> bool:
    """The superior (the unit's parent, whose congress the delegates attend) sets it; an admin anywhere in scope."""
    if user.role == "admin":
        return is_within(unit, user.unit)
    return user.role in ALLOCATION_ROLES and unit.parent_id == user.unit_id


def set_allocation(session: Session, user: User, campaign: Campaign, unit: Unit, official: Any, alternate: Any
                   ) -> DelegateAllocation:
    from shared.validation import MAX_COUNT, _parse_int

    if not is_within(unit, user.unit):
        raise NotFound(_("Không tìm thấy đơn vị."))
    if not may_allocate(user, unit):
        raise Forbidden(_("Chỉ công đoàn cấp trên trực tiếp mới phân bổ đại biểu cho đơn vị."))
    if campaign.closed:
        raise Forbidden(_("Đợt đại hội đã kết thúc; báo cáo chỉ còn xem được."))
    fields: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name, raw in (("official", official), ("alternate", alternate)):
        try:
            value = _parse_int(raw, MAX_COUNT)
        except ValueError as exc:
            fields[name] = str(exc)
            continue
        numbers[name] = value or 0
    if fields:
        raise DomainError(_("Chưa lưu: có ô không lưu được, hãy sửa các ô được đánh dấu."), fields=fields)
    row = allocation_of(session, campaign.id, unit.id)
    before = {"official": row.official, "alternate": row.alternate} if row else {}
    if row is None:
        row = DelegateAllocation(campaign_id=campaign.id, unit_id=unit.id)
        session.add(row)
    row.official, row.alternate = numbers["official"], numbers["alternate"]
    row.updated_at = clock.now()
    row.updated_by_id = user.id
    session.flush()
    audit.record(session, user, "delegates.allocation", "delegate_allocation", row.id, unit_id=unit.id,
                 changes=audit.diff(before, numbers))
    return row


def allocations_for_children(session: Session, campaign: Campaign, parent: Unit) -> dict[int, DelegateAllocation]:
    return {a.unit_id: a for a in session.scalars(
        select(DelegateAllocation).join(Unit, Unit.id == DelegateAllocation.unit_id)
        .where(DelegateAllocation.campaign_id == campaign.id, Unit.parent_id == parent.id))}


# ---- the superior's consolidated delegate list ---------------------------------------------------------------


@dataclass
class DelegateRow:
    unit: Unit
    delegate: Delegate


def consolidated_delegates(session: Session, campaign: Campaign, superior: Unit) -> list[DelegateRow]:
    """The delegates every unit directly below `superior` elected to its congress, unit by unit (natural order),
    officials before alternates."""
    rows = session.execute(
        select(Unit, Delegate)
        .join(CongressReport, CongressReport.unit_id == Unit.id)
        .join(Delegate, Delegate.report_id == CongressReport.id)
        .where(CongressReport.campaign_id == campaign.id, Unit.parent_id == superior.id)
        .order_by(Unit.name_sort, Unit.id, Delegate.kind.desc(), Delegate.position, Delegate.id)
    ).all()
    return [DelegateRow(unit, delegate) for unit, delegate in rows]


# ---- the recognition decision ----------------------------------------------------------------------------------


def decision_refusal(user: User, report: CongressReport) -> str | None:
    from shared import workflow

    if not workflow.is_reviewer(user, report):
        return _("Chỉ công đoàn cấp trên trực tiếp mới ra quyết định công nhận.")
    if report.status != "approved":
        return _("Chỉ ra quyết định công nhận cho báo cáo đã được phê duyệt.")
    if not report.members:
        return _("Báo cáo chưa có danh sách Ban Chấp hành để công nhận.")
    return None


def record_decision(session: Session, user: User, report: CongressReport, *, number: Any, signed_on: Any,
                    scan: StoredFile | None = None, expected_version: int | None = None) -> RecognitionDecision:
    """The reviewer records the signed decision's number and date (and may attach its scan)."""
    from shared import workflow
    from shared.validation import _parse_date

    if not workflow.can_see(user, report):
        raise NotFound(_("Không tìm thấy báo cáo."))
    refusal = decision_refusal(user, report)
    if refusal:
        raise (Forbidden if not workflow.is_reviewer(user, report) else InvalidTransition)(refusal)
    fields: dict[str, str] = {}
    try:
        text = clean_text(None if number is None else str(number), 60)
    except ValueError as exc:
        fields["decision_number"], text = str(exc), None
    if not text and "decision_number" not in fields:
        fields["decision_number"] = _("Hãy nhập số quyết định.")
    try:
        day = _parse_date(signed_on)
    except ValueError as exc:
        fields["decision_date"], day = str(exc), None
    if day is None and "decision_date" not in fields:
        fields["decision_date"] = _("Hãy nhập ngày quyết định.")
    elif day is not None and day > clock.today():
        fields["decision_date"] = _("Ngày quyết định không được sau ngày hôm nay.")
    if fields:
        raise DomainError(_("Chưa lưu: có ô không lưu được, hãy sửa các ô được đánh dấu."), fields=fields)
    decision = report.decision
    if decision is not None and expected_version is not None and decision.version != int(expected_version):
        raise Conflict(_("Quyết định đã được người khác ghi sau khi bạn mở. Hãy xem bản hiện tại."), current=None)
    before = {"decision_number": decision.number, "decision_date": decision.signed_on.isoformat()} if decision else {}
    if decision is None:
        decision = RecognitionDecision(report=report)
        session.add(decision)
    decision.number, decision.signed_on = text, day
    if scan is not None:
        decision.scan = scan
    decision.recorded_at = clock.now()
    decision.recorded_by_id = user.id
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_("Quyết định đã được người khác ghi sau khi bạn mở. Hãy xem bản hiện tại."), current=None) from None
    after = {"decision_number": text, "decision_date": day.isoformat()}
    changes = audit.diff(before, after)
    if scan is not None:
        changes["scan"] = scan.filename
    audit.record(session, user, "report.decision", "congress_report", report.id, unit_id=report.unit_id,
                 changes=changes)
    return decision


def recognised_by_level(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date) -> dict[str, int]:
    """Units of the scope whose committee has a recognition decision signed by `as_of`, per level (one GROUP BY)."""
    rows = session.execute(
        select(Unit.level, func.count())
        .select_from(RecognitionDecision)
        .join(CongressReport, CongressReport.id == RecognitionDecision.report_id)
        .join(Unit, Unit.id == CongressReport.unit_id)
        .where(CongressReport.campaign_id == campaign.id, RecognitionDecision.signed_on <= as_of,
               in_subtree(scope.path))
        .group_by(Unit.level)
    ).all()
    return {level: count for level, count in rows}


def listed_reports(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date) -> dict[str, int]:
    """Of the congresses held by `as_of` in scope: how many give their personnel from a list, how many typed."""
    has_list = exists().where(ElectedMember.report_id == CongressReport.id)
    rows = session.execute(
        select(has_list, func.count())
        .select_from(CongressReport).join(Unit, Unit.id == CongressReport.unit_id)
        .where(CongressReport.campaign_id == campaign.id, CongressReport.held_date <= as_of,
               CongressReport.executive_size.is_not(None), in_subtree(scope.path))
        .group_by(has_list)
    ).all()
    out = {"list": 0, "typed": 0}
    for listed, count in rows:
        out["list" if listed else "typed"] += count
    return out


def decision_text(report: CongressReport) -> str:
    """The unit's line in monitoring: "Đã có quyết định công nhận (số ..., ngày ...)"."""
    decision = report.decision
    if decision is None:
        return ""
    return _("Đã có quyết định công nhận số %(number)s ngày %(date)s",
             number=decision.number, date=format_date(decision.signed_on))


def load_report_people(session: Session, report_id: int) -> CongressReport | None:
    return session.scalar(select(CongressReport).options(
        selectinload(CongressReport.members), selectinload(CongressReport.delegates),
        selectinload(CongressReport.decision)).where(CongressReport.id == report_id))



# ---- the decision's DOCX (trade-union administrative layout: shared.docx_layout) -------------------------------


def _issuer(report: CongressReport, number: str | None):
    """The issuing union (the unit's direct superior), its own superior, the number line and the place."""
    from shared import docx_layout as layout

    issuing = report.unit.parent or report.unit
    above = issuing.parent
    superior = above.name.upper() if above is not None else _("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM")
    line = _("Số: %(number)s", number=number) if number else _("Số:      /QĐ-CĐ")
    issuer = layout.Issuer(superior=superior, name=issuing.name.upper(), number=line, party=False)
    chain = [u.name for u in (above, issuing) if u is not None]
    return issuer, layout.place_of(chain), issuing


def decision_docx(report: CongressReport) -> bytes:
    """The draft (or, once recorded, the numbered) decision recognising the elected BCH, BTV, officers and UBKT:
    A4, the issuing union and number left, the motto right, place and date, "QUYẾT ĐỊNH / Về việc công nhận ...",
    the legal bases, one article per body with the named members and positions, the term, Nơi nhận, signature."""
    from shared import docx_layout as layout

    decision = report.decision
    issuer, place, issuing = _issuer(report, decision.number if decision else None)
    doc = layout.new_document()
    layout.header(doc, issuer, place, decision.signed_on if decision else None)
    term = report.campaign.term
    unit = report.unit
    bodies = [(body, body_members(report, body)) for body in ("executive", "standing", "inspection")]
    named = [_("Ban Chấp hành")] + ([_("Ban Thường vụ")] if bodies[1][1] else []) \
        + [_("Chủ tịch, Phó Chủ tịch")] + ([_("Ủy ban Kiểm tra")] if bodies[2][1] else [])
    layout.title(doc, _("QUYẾT ĐỊNH"), _("Về việc công nhận %(bodies)s %(unit)s, nhiệm kỳ %(term)s",
                                         bodies=", ".join(named), unit=unit.name, term=term))
    layout.line(doc, _("BAN THƯỜNG VỤ %(union)s", union=issuing.name.upper()), bold=True)
    doc.add_paragraph()
    bases = [
        _("Căn cứ Điều lệ Công đoàn Việt Nam và Hướng dẫn thi hành Điều lệ Công đoàn Việt Nam;"),
        _("Căn cứ Quy chế làm việc của Ban Chấp hành %(union)s;", union=issuing.name),
        _("Xét Báo cáo kết quả đại hội và biên bản bầu cử của %(unit)s (đại hội ngày %(date)s);",
          unit=unit.name, date=format_date(report.held_date) or "..."),
        _("Theo đề nghị của Ban Tổ chức,"),
    ]
    for text in bases:
        layout.paragraph(doc, text)
    layout.line(doc, _("QUYẾT ĐỊNH:"), bold=True)
    doc.add_paragraph()

    article = 0

    def article_of(text: str, rows: list[ElectedMember]) -> None:
        nonlocal article
        article += 1
        p = layout.paragraph(doc, "")
        p.add_run(_("Điều %(n)s.", n=article) + " ").bold = True
        p.add_run(text)
        layout.table(doc, [_("TT"), _("Họ và tên"), _("Năm sinh"), _("Chức danh")],
                     [(str(i), m.full_name, str(m.birth_year), position_text(m.position_codes))
                      for i, m in enumerate(rows, start=1)], (1.2, 6.3, 2.2, 6.8), text_columns=2)

    executive = bodies[0][1]
    article_of(_("Công nhận Ban Chấp hành %(unit)s nhiệm kỳ %(term)s gồm %(count)s đồng chí có tên sau:",
                 unit=unit.name, term=term, count=format_number(len(executive))), executive)
    if bodies[1][1]:
        article_of(_("Công nhận Ban Thường vụ %(unit)s nhiệm kỳ %(term)s gồm %(count)s đồng chí có tên sau:",
                     unit=unit.name, term=term, count=format_number(len(bodies[1][1]))), bodies[1][1])
    officers = [m for m in report.members if {"chair", "vice_chair"} & set(m.position_codes)]
    officers.sort(key=lambda m: "chair" not in m.position_codes)
    article_of(_("Công nhận Chủ tịch, Phó Chủ tịch %(unit)s nhiệm kỳ %(term)s:", unit=unit.name, term=term), officers)
    if bodies[2][1]:
        article_of(_("Công nhận Ủy ban Kiểm tra %(unit)s nhiệm kỳ %(term)s gồm %(count)s đồng chí có tên sau:",
                     unit=unit.name, term=term, count=format_number(len(bodies[2][1]))), bodies[2][1])
    article += 1
    p = layout.paragraph(doc, "")
    p.add_run(_("Điều %(n)s.", n=article) + " ").bold = True
    p.add_run(_("Ban Tổ chức, %(unit)s và các đồng chí có tên tại các Điều trên căn cứ Quyết định thi hành. "
                "Quyết định có hiệu lực kể từ ngày ký.", unit=unit.name))
    recipients = [_("Như Điều %(n)s;", n=article), _("Công đoàn cấp trên (để báo cáo);"), _("Lưu: VT, Ban Tổ chức.")]
    layout.signature(doc, [_("TM. BAN THƯỜNG VỤ"), _("CHỦ TỊCH")], recipients=recipients)
    return layout.to_bytes(doc)


# ---- the consolidated delegate list: XLSX and DOCX ----------------------------------------------------------


def delegate_columns() -> list[str]:
    return [_("TT"), _("Đơn vị"), _("Họ và tên"), _("Giới tính"), _("Năm sinh"), _("Chức vụ"), _("Loại đại biểu"),
            _("Đương nhiên")]


def delegate_cells(i: int, row: DelegateRow) -> list[Any]:
    d = row.delegate
    return [i, row.unit.name, d.full_name, str(GENDER_LABELS.get(d.gender, "")), d.birth_year, d.title or "",
            str(DELEGATE_KIND_LABELS.get(d.kind, "")), _("Có") if d.ex_officio else ""]


def delegates_xlsx(campaign: Campaign, superior: Unit, rows: list[DelegateRow]) -> bytes:
    from shared.xlsx import Workbook

    book = Workbook()
    sheet = book.sheet(_("Danh sách đại biểu"), delegate_columns(), widths={1: 6, 2: 40, 3: 28, 6: 28},
                       title_row=_("Đại biểu dự Đại hội %(union)s nhiệm kỳ %(term)s", union=superior.name,
                                   term=campaign.term))
    for i, row in enumerate(rows, start=1):
        sheet.append(delegate_cells(i, row))
    return book.to_bytes()


def delegates_docx(campaign: Campaign, superior: Unit, rows: list[DelegateRow], day: dt.date | None = None) -> bytes:
    """"Danh sách đại biểu" of the superior's congress, A4, in the union layout."""
    from shared import docx_layout as layout

    doc = layout.new_document()
    above = superior.parent
    issuer = layout.Issuer(superior=above.name.upper() if above else _("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"),
                           name=superior.name.upper(), number="", party=False)
    layout.header(doc, issuer, layout.place_of([u.name for u in (above, superior) if u is not None]), day)
    official = sum(r.delegate.kind == "official" for r in rows)
    layout.title(doc, _("DANH SÁCH ĐẠI BIỂU"), _("Dự Đại hội %(union)s nhiệm kỳ %(term)s", union=superior.name,
                                                  term=campaign.term),
                 _("(%(official)s đại biểu chính thức, %(alternate)s đại biểu dự khuyết)",
                   official=format_number(official), alternate=format_number(len(rows) - official)))
    layout.table(doc, [_("TT"), _("Họ và tên"), _("Năm sinh"), _("Chức vụ, đơn vị"), _("Loại")],
                 [(str(i), r.delegate.full_name + (f" ({_('nữ')})" if r.delegate.gender == "female" else ""),
                   str(r.delegate.birth_year), ", ".join(x for x in (r.delegate.title, r.unit.name) if x),
                   str(DELEGATE_KIND_LABELS[r.delegate.kind]) + (f", {_('đương nhiên')}" if r.delegate.ex_officio else ""))
                  for i, r in enumerate(rows, start=1)],
                 (1.1, 4.6, 1.8, 6.2, 2.8), text_columns=2)
    layout.signature(doc, [_("TM. BAN THƯỜNG VỤ"), _("CHỦ TỊCH")], recipients=[_("Lưu: VT, Ban Tổ chức.")])
    return layout.to_bytes(doc)


# ---- one row per person (the XLSX export's "Nhân sự" list) ------------------------------------------------------


def member_columns() -> list[str]:
    from shared.vocabulary import MEMBER_COLUMN_LABELS as L

    return [_("Mã đơn vị"), _("Đơn vị"), _("Cấp"), str(L["full_name"]), str(L["gender"]), str(L["birth_year"]),
            str(L["ethnic_minority"]), str(L["party_member"]), str(L["reelected"]), str(L["in_planning_pool"]),
            str(L["positions"]), str(L["chair_elected"]), str(L["votes"])]


def member_rows(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date):
    """Every elected person of the congresses held by `as_of` in the scope, unit by unit: (cells...), streamed."""
    from shared.vocabulary import LEVEL_LABELS

    yes, no = _("Có"), ""
    stmt = (
        select(Unit.code, Unit.name, Unit.level, ElectedMember)
        .join(CongressReport, CongressReport.unit_id == Unit.id)
        .join(ElectedMember, ElectedMember.report_id == CongressReport.id)
        .where(CongressReport.campaign_id == campaign.id, CongressReport.held_date <= as_of, in_subtree(scope.path))
        .order_by(Unit.path, ElectedMember.position, ElectedMember.id)
        .execution_options(yield_per=2000)
    )
    for code, name, level, m in session.execute(stmt):
        yield [code, name, str(LEVEL_LABELS[level]), m.full_name, str(GENDER_LABELS.get(m.gender, "")), m.birth_year,
               yes if m.ethnic_minority else no, yes if m.party_member else no, yes if m.reelected else no,
               yes if m.in_planning_pool else no, position_text(m.position_codes),
               str(CHAIR_ELECTED_LABELS.get(m.chair_elected, "")) if m.chair_elected else "", m.votes]
