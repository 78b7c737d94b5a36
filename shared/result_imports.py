"""Bulk entry of congress plans and results from a spreadsheet: a district (or the federation) enters them on
behalf of its grassroots unions ("nhập thay"). The XLSX template comes pre-filled with the units and what
their reports hold; the import reads it back (or a CSV), checks every row by the rules of a save
(shared.reports.preview_save: who may write, what can be stored, the contradictions, with "send" the send
check) before writing any, then saves each row through save_draft or save_and_submit in one transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from shared import audit, i18n, workflow
from shared.errors import DomainError, Forbidden, NotFound
from shared.i18n import N_, _, is_lazy
from shared.imports import HEADERS as UNIT_HEADERS
from shared.imports import MAX_ERRORS_KEPT, Limits, RowError, fold_key, open_rows
from shared.models import STATUS_LABELS, Campaign, CongressReport, Unit, User
from shared.reports import Known, preview_save, save_and_submit, save_draft
from shared.text import nfc
from shared.units import in_subtree, is_within
from shared.validation import FIELD_LABELS, FORM_LABELS, OFFICER_KEYS, field_label
from shared.xlsx import Workbook

# The columns of the sheet, in order. The first four say which unit a row is and what it has; only the code
# is read back. The others are the report's fields (named as on the form) and the elected chair.
CODE, NAME, ACCOUNT, STATUS = "code", "name", "account", "status"
CHAIR_NAME, CHAIR_VOTE = "chair_name", "chair_vote_pct"
REPORT_FIELDS = (
    "members_total", "planned_date", "form", "form_override_reason", "is_pilot", "held_date", "summoned", "present",
    "executive_size", "executive_women", "executive_party", "executive_young", "executive_reelected", "executive_new",
    "standing_size", "inspection_size",
)
COLUMNS = (CODE, NAME, ACCOUNT, STATUS, *REPORT_FIELDS, CHAIR_NAME, CHAIR_VOTE, "delegates_official")
DATA_COLUMNS = tuple(c for c in COLUMNS if c not in (CODE, NAME, ACCOUNT, STATUS))
# A row that gives nothing but these is empty: the template pre-fills the members of every unit.
NOT_DATA = ("members_total",)
HEADERS = {
    CODE: UNIT_HEADERS["code"],
    NAME: UNIT_HEADERS["name"],
    ACCOUNT: N_("Tài khoản của đơn vị"),
    STATUS: N_("Báo cáo hiện có"),
    CHAIR_NAME: N_("Chủ tịch: họ và tên"),
    CHAIR_VOTE: N_("Chủ tịch: tỷ lệ phiếu bầu"),
}
# Other ways people title the columns (compared folded: without diacritics, lower case, no punctuation).
ALIASES = {
    CODE: ("ma", "ma don vi", "ma dv", "code", "unit code"),
    "members_total": ("so doan vien", "doan vien", "members"),
    "planned_date": ("ngay du kien", "planned date"),
    "held_date": ("ngay to chuc", "ngay dai hoi", "held date"),
    "form": ("hinh thuc",),
    "is_pilot": ("diem", "pilot"),
    "summoned": ("trieu tap", "so trieu tap"),
    "present": ("co mat",),
    "executive_size": ("bch", "uy vien bch"),
    "executive_women": ("nu", "bch nu"),
    "executive_party": ("dang vien",),
    "executive_young": ("tre",),
    "executive_reelected": ("tai cu",),
    "executive_new": ("lan dau", "moi"),
    "standing_size": ("btv",),
    "inspection_size": ("ubkt",),
    CHAIR_NAME: ("chu tich", "ho ten chu tich", "chair"),
    CHAIR_VOTE: ("ty le phieu chu tich", "phieu chu tich", "chair vote"),
    "delegates_official": ("dai bieu", "dai bieu chinh thuc", "delegates"),
}
SHEET = N_("Kết quả đại hội")
YES, NO = N_("có"), N_("chưa có")
YES_WORDS = ("co", "x", "yes", "y", "1", "true", "dung")
NO_WORDS = ("khong", "no", "n", "0", "false")
WIDTHS = {1: 12, 2: 44, 3: 12, 4: 14, 7: 18, 8: 22, 23: 24}


def header(name: str) -> str:
    """A column's title in the current language."""
    label = HEADERS.get(name) or FIELD_LABELS[name]
    return str(label) if is_lazy(label) else _(label)


def _msgid(label: Any) -> str:
    return label._args[0] if is_lazy(label) else label  # a lazy label carries its message id


@cache
def _vocabulary() -> tuple[dict[str, str], dict[str, str]]:
    """(header spelling -> column, form word -> form code), folded, in every language: a template
    downloaded in any language reads back as it is."""
    def spelled(message: str) -> set[str]:
        return {fold_key(i18n.translations(code).ugettext(message)) for code in i18n.LANGUAGES}

    columns: dict[str, str] = {}
    for name in COLUMNS:
        if name in (NAME, ACCOUNT, STATUS):
            continue
        columns.update(dict.fromkeys(spelled(_msgid(HEADERS.get(name) or FIELD_LABELS[name])), name))
        columns.update(dict.fromkeys(ALIASES.get(name, ()), name))
        columns[fold_key(name)] = name
    forms: dict[str, str] = {}
    for code, label in FORM_LABELS.items():
        forms.update(dict.fromkeys(spelled(_msgid(label)), code))
        forms[fold_key(code)] = code
    forms.update({"toan the": "toan_the", "dai bieu": "dai_bieu"})
    return columns, forms


# ---- reading the sheet ------------------------------------------------------------------------


@dataclass
class ResultRow:
    """One data row: the unit's code, the report's fields as typed (only the cells filled in), the chair."""

    number: int
    code: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    chair: dict[str, Any] = field(default_factory=dict)  # full_name, vote_pct: what the row gives of the chair
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.chair and not any(k not in NOT_DATA for k in self.data)


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)) or ""


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_cell(row: ResultRow, name: str, value: Any) -> None:
    """Put one filled cell into the row as the report's input (what parse_report reads), or an error for
    a word the sheet cannot mean. Numbers and dates go on as typed: parse_report reads them as the form
    does ("1.234", "15/04/2023", a date cell)."""
    if name in ("planned_date", "held_date"):
        row.data[name] = value.date() if isinstance(value, dt.datetime) else value
    elif name == "form":
        code = _vocabulary()[1].get(fold_key(value))
        if code is None:
            row.errors.append(_("%(column)s: “%(value)s” không hợp lệ; chỉ nhận: %(choices)s.", column=header(name),
                                value=_cell_text(value), choices=", ".join(str(v) for v in FORM_LABELS.values())))
        else:
            row.data[name] = code
    elif name == "is_pilot":
        word = fold_key(value)
        if word in YES_WORDS or word in NO_WORDS:
            row.data[name] = word in YES_WORDS
        else:
            row.errors.append(_("%(column)s: “%(value)s” không hợp lệ; ghi “có” hoặc để trống.",
                                column=header(name), value=_cell_text(value)))
    elif name == CHAIR_NAME:
        row.chair["full_name"] = _cell_text(value) if not isinstance(value, str) else value
    elif name == CHAIR_VOTE:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and 0 < value <= 1:
            value = Decimal(str(value)) * 100  # a cell shown as a percentage holds the fraction (92,5 % = 0.925)
        row.chair["vote_pct"] = value
    elif name == "form_override_reason":
        row.data[name] = _cell_text(value) if not isinstance(value, str) else value
    else:
        row.data[name] = value


def read_results(source: IO[bytes] | str | Path, filename: str, limits: Limits | None = None) -> list[ResultRow]:
    """Every non-empty data row of the sheet (XLSX or CSV), refused before parsing when past `limits`."""
    rows_iter, _total = open_rows(source, filename, limits)
    aliases = _vocabulary()[0]
    columns: dict[str, int] | None = None
    rows: list[ResultRow] = []
    for number, values in rows_iter:
        if not values or not any(_filled(v) for v in values):
            continue
        if columns is None:
            columns = {}
            for index, cell in enumerate(values):
                name = aliases.get(fold_key(cell))
                if name and name not in columns:
                    columns[name] = index
            if CODE not in columns:
                raise DomainError(_("Dòng tiêu đề thiếu cột “%(column)s”. Hãy dùng tệp mẫu tải từ trang nhập kết quả.",
                                    column=header(CODE)))
            if not any(name in columns for name in DATA_COLUMNS):
                raise DomainError(_("Tệp không có cột số liệu nào của báo cáo đại hội. Hãy dùng tệp mẫu tải từ "
                                    "trang nhập kết quả."))
            continue
        row = ResultRow(number)
        code = values[columns[CODE]] if columns[CODE] < len(values) else None
        if _filled(code):
            row.code = _cell_text(code).upper()
        for name, index in columns.items():
            if name != CODE and index < len(values) and _filled(values[index]):
                _read_cell(row, name, values[index])
        if row.code is None and (row.data or row.chair):
            row.errors.append(_("Thiếu mã đơn vị."))
        if row.code is not None or row.errors:
            rows.append(row)
    if columns is None:
        raise DomainError(_("Tệp trống: không có dòng tiêu đề."))
    return rows


# ---- the import -------------------------------------------------------------------------------


@dataclass
class RowNote:
    """A row listed apart: its unit's report already sent or approved (never overwritten)."""

    row: int
    code: str
    unit_name: str
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Planned:
    """A row that passed every check and changes its report, and what writing it does: `creates` the report,
    `sends` it."""

    row: int
    code: str
    unit: Unit
    report: CongressReport | None
    data: dict[str, Any]
    sends: bool

    @property
    def creates(self) -> bool:
        return self.report is None


@dataclass
class ResultImport:
    """What an import found and did; `applied` is False for a dry run and for a file refused for its errors."""

    filename: str
    scope: str = ""
    rows: int = 0
    blank: int = 0
    planned: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    not_overwritten: list[RowNote] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    error_rows: int = 0
    dry_run: bool = False
    valid_only: bool = False
    send: bool = False
    applied: bool = False

    @property
    def saved(self) -> int:
        return len(self.planned)

    @property
    def sent(self) -> int:
        return sum(1 for p in self.planned if p.sends)

    @property
    def created(self) -> int:
        return sum(1 for p in self.planned if p.creates)

    def add_errors(self, row: ResultRow) -> None:
        self.error_rows += 1
        for message in row.errors:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS_KEPT:
                self.errors.append(RowError(row.number, row.code, message))

    def summary(self) -> dict[str, Any]:
        return {"filename": self.filename, "rows": self.rows, "saved": self.saved, "sent": self.sent,
                "unchanged": self.unchanged, "not_overwritten": len(self.not_overwritten),
                "error_count": self.error_count, "valid_only": self.valid_only, "send": self.send}


def check_actor(user: User, scope: Unit) -> None:
    """Only a district-level or federation account enters results on behalf of units, and only for the
    grassroots unions of its own subtree (`scope` is one of its units: itself, or a district of a federation)."""
    if user.role not in workflow.ON_BEHALF_ROLES:
        raise Forbidden(_("Chỉ công đoàn cấp trên trực tiếp cơ sở hoặc Liên đoàn Lao động tỉnh mới được nhập thay "
                          "kết quả đại hội cho công đoàn cơ sở."))
    if not is_within(scope, user.unit):
        raise NotFound(_("Không tìm thấy đơn vị."))
    if scope.level == "grassroots":
        raise DomainError(_("Hãy chọn đơn vị cấp trên của các công đoàn cơ sở."))


def _units_in_scope(session: Session, scope: Unit, active_only: bool) -> list[Unit]:
    stmt = select(Unit).where(in_subtree(scope.path), Unit.level == "grassroots")
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(session.scalars(stmt.order_by(Unit.path)))


def _reports_in_scope(session: Session, campaign: Campaign, scope: Unit) -> dict[int, CongressReport]:
    """Every report of the scope's grassroots unions for the campaign, with the rows a snapshot reads: one
    query (and one per kind of row), whatever the number of units."""
    stmt = (
        select(CongressReport)
        .join(Unit, Unit.id == CongressReport.unit_id)
        .where(CongressReport.campaign_id == campaign.id, in_subtree(scope.path), Unit.level == "grassroots")
        .options(selectinload(CongressReport.officers), selectinload(CongressReport.recommendations),
                 selectinload(CongressReport.members), selectinload(CongressReport.delegates))
    )
    return {r.unit_id: r for r in session.scalars(stmt)}


def _with_chair(report: CongressReport | None, chair: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's officer rows (with their ids) and the chair as the row gives it: the stored chair's row
    updated with what the row says, or a new chair row first. Vice-chairs and the inspection head entered on
    the form stay as they are."""
    rows = [{"id": o.id, **{k: getattr(o, k) for k in OFFICER_KEYS}}
            for o in sorted(report.officers, key=lambda o: o.position)] if report is not None else []
    current = next((r for r in rows if r["role"] == "chair"), None)
    if current is None:
        current = {"id": None, "role": "chair", "full_name": None, "gender": None, "vote_pct": None}
        rows.insert(0, current)
    current.update(chair)
    return rows


def _differs(report: CongressReport, values: dict[str, Any]) -> bool:
    """Whether the typed values change anything the report holds. The members alone do not: the template
    suggests the unit's count where the report has none, and that suggestion is no entry."""
    for name, value in values.items():
        if name in NOT_DATA:
            continue
        if name == "officers":
            stored = [tuple(getattr(o, k) for k in OFFICER_KEYS) for o in sorted(report.officers, key=lambda o: o.position)]
            if stored != [tuple(row.get(k) for k in OFFICER_KEYS) for row in value]:
                return True
        elif getattr(report, name) != value:
            return True
    return False


def _label(key: str, chair_index: int | None) -> str:
    """The column an error's key stands for in the sheet (the chair's cells for the chair's row)."""
    if key == "officers" or (chair_index is not None and key.startswith(f"officers-{chair_index}-")):
        return header(CHAIR_VOTE if key.endswith("-vote_pct") else CHAIR_NAME)
    return field_label(key)


def import_results(
    session: Session,
    source: IO[bytes] | str | Path,
    *,
    filename: str,
    user: User,
    scope: Unit,
    campaign: Campaign,
    dry_run: bool = False,
    valid_only: bool = False,
    send: bool = False,
    limits: Limits | None = None,
    ip: str | None = None,
) -> ResultImport:
    """Check every row, then (unless `dry_run`, or errors without `valid_only`) save each valid row as a
    draft (`send`: save and send it), entered on the unit's behalf by `user`.

    A row is an error when its unit is not a grassroots union of `scope` (or not found: one message, so a
    file cannot probe other districts), its code is repeated, a cell cannot be read, or the save would be
    refused, hold input that cannot be stored, or contradictions (with `send`: anything the send check
    refuses). Rows of reports already sent or approved are listed apart and never written; rows that give
    nothing (only the code, name and members) are skipped, and so are rows equal to the stored report (the
    template's rows left as they were: not saved, nor sent with `send`). Flushes only: the caller commits
    when `applied`.
    """
    check_actor(user, scope)
    if campaign.closed:
        raise DomainError(_("Đợt đại hội đã kết thúc; báo cáo chỉ còn xem được."))
    result = ResultImport(filename=filename, scope=scope.name, dry_run=dry_run, valid_only=valid_only, send=send)
    rows = read_results(source, filename, limits)
    result.rows = len(rows)
    units = {u.code: u for u in _units_in_scope(session, scope, active_only=False)}
    reports = _reports_in_scope(session, campaign, scope)
    named = [units[r.code].id for r in rows if r.code in units]
    with_account = workflow.units_with_own_account(session, named)
    seen: dict[str, list[int]] = {}
    for row in rows:
        if row.code:
            seen.setdefault(row.code, []).append(row.number)

    for row in rows:
        unit = units.get(row.code) if row.code else None
        if row.code and len(seen[row.code]) > 1:
            row.errors.append(_("Mã “%(code)s” có ở nhiều dòng (%(rows)s): mỗi đơn vị chỉ một dòng.",
                                code=row.code, rows=", ".join(map(str, seen[row.code]))))
        elif row.code and unit is None:
            row.errors.append(_("Không có công đoàn cơ sở mã “%(code)s” thuộc %(scope)s.", code=row.code, scope=scope.name))
        elif unit is not None and not unit.active:
            row.errors.append(_("Đơn vị “%(code)s” đã ngừng hoạt động.", code=row.code))
        if row.errors:
            result.add_errors(row)
            continue
        if row.blank:
            result.blank += 1
            continue
        report = reports.get(unit.id)
        if report is not None and report.status in ("submitted", "approved"):
            result.not_overwritten.append(RowNote(row.number, row.code, unit.name, report.status))
            continue
        data = dict(row.data)
        chair_index = None
        if row.chair:
            data["officers"] = _with_chair(report, row.chair)
            chair_index = next(i for i, r in enumerate(data["officers"]) if r["role"] == "chair")
        preview = preview_save(campaign, unit, user, data, report, full=send, has_account=unit.id in with_account)
        if report is not None and not preview.unstorable and not _differs(report, preview.values):
            result.unchanged += 1  # a row of the template left as it was: nothing to write, nor to send
            continue
        if preview.refusal:
            row.errors.append(preview.refusal)
        for key, message in {**preview.unstorable, **preview.problems}.items():
            row.errors.append(f"{_label(key, chair_index)}: {message}")  # as the form lists them
        if row.errors:
            result.add_errors(row)
            continue
        result.planned.append(Planned(row.number, row.code, unit, report, data, send))

    if dry_run or (result.error_count and not valid_only):
        return result
    _write(session, campaign, user, result, Known(reports, with_account))
    result.applied = True
    audit.record(session, user, "results.import", "import", None, unit_id=scope.id, changes=result.summary(), ip=ip)
    session.flush()
    return result


def _write(session: Session, campaign: Campaign, user: User, result: ResultImport, known: Known) -> None:
    """Save (and send) every planned row through the one save use case. Each was checked by the same rules
    just before; a row that fails now (someone saved that report meanwhile) fails the whole import."""
    for p in result.planned:
        try:
            use_case = save_and_submit if p.sends else save_draft
            saved = use_case(session, campaign, p.unit, user, p.data, p.report.version if p.report else None,
                             known=known)
            if p.sends and not saved.sent:
                raise DomainError(_("Báo cáo chưa đủ thông tin hoặc còn lỗi, chưa thể gửi."))
        except DomainError as exc:
            raise DomainError(_("Dòng %(row)s (%(code)s): %(problem)s Chưa nhập dòng nào; hãy nhập lại tệp.",
                                row=p.row, code=p.code, problem=exc.message)) from None


# ---- the units a district enters for ------------------------------------------------------------


ACCOUNT_FILTERS = ("none", "with", "all")  # units without an account of their own (the default), with one, all
# "": any report; "todo": no report sent yet (none, a draft or a returned one); "entered": reports entered on
# behalf of their unit, the latest first (where an import leads).
REPORT_FILTERS = ("", "todo", "entered")


@dataclass
class EntryRow:
    """A grassroots union of the scope as the list of units to enter for shows it."""

    unit: Unit
    report: CongressReport | None
    has_account: bool


def entry_page(session: Session, campaign: Campaign, scope: Unit, *, account: str = "none", report: str = "",
               page: int = 1, size: int = 50) -> tuple[list[EntryRow], int]:
    """A page of the scope's active grassroots unions (by path), with their report and whether they have an
    account of their own, filtered by `account` (ACCOUNT_FILTERS) and `report` (REPORT_FILTERS); and how many
    match. One COUNT and one page query (and one for who entered the reports), however many units."""
    R = CongressReport
    own = (select(User.id).where(User.unit_id == Unit.id, User.active.is_(True),
                                 User.role.in_(workflow.REPORTING_ROLES)).exists())
    where = [in_subtree(scope.path), Unit.level == "grassroots", Unit.active.is_(True)]
    if account == "none":
        where.append(~own)
    elif account == "with":
        where.append(own)
    order = [Unit.path]
    if report == "todo":
        where.append(or_(R.id.is_(None), R.status.in_(workflow.EDITABLE_STATES)))
    elif report == "entered":
        where.append(R.entered_by_id.is_not(None))
        order = [R.updated_at.desc(), Unit.path]
    joined = and_(R.unit_id == Unit.id, R.campaign_id == campaign.id)
    total = session.scalar(select(func.count(Unit.id)).outerjoin(R, joined).where(*where)) or 0
    rows = session.execute(
        select(Unit, R, own.label("has_account"))
        .outerjoin(R, joined)
        .options(selectinload(R.entered_by))
        .where(*where)
        .order_by(*order)
        .limit(size)
        .offset((max(1, page) - 1) * size)
    ).all()
    return [EntryRow(unit, report, bool(has)) for unit, report, has in rows], total


def scope_choices(session: Session, user: User) -> list[Unit]:
    """The district-level units a federation account may pick as the scope (a district account: none)."""
    if user.unit.level != "province":
        return []
    return list(session.scalars(select(Unit).where(in_subtree(user.unit.path), Unit.level == "district",
                                                   Unit.active.is_(True)).order_by(Unit.name_sort, Unit.id)))


# ---- the template -----------------------------------------------------------------------------


def _cells(unit: Unit, report: CongressReport | None, has_account: bool) -> list[Any]:
    """One unit's row of the template: who it is, then what its report holds (empty cells where nothing)."""
    status = str(STATUS_LABELS[report.status]) if report is not None else _("Chưa có")
    chair = next((o for o in report.officers if o.role == "chair"), None) if report is not None else None
    out: list[Any] = [unit.code, unit.name, _(YES) if has_account else _(NO), status]
    for name in COLUMNS[4:]:
        if name == CHAIR_NAME:
            out.append(chair.full_name if chair else None)
        elif name == CHAIR_VOTE:
            out.append(chair.vote_pct if chair else None)
        elif report is None:
            out.append(unit.members_count if name == "members_total" else None)
        elif name == "form":
            out.append(FORM_LABELS[report.form] if report.form else None)
        elif name == "is_pilot":
            out.append(_(YES) if report.is_pilot else None)
        else:
            value = getattr(report, name)
            out.append(unit.members_count if value is None and name == "members_total" else value)
    return out


def template_workbook(session: Session, user: User, scope: Unit, campaign: Campaign) -> bytes:
    """The XLSX template of `scope`'s active grassroots unions, in the user's language: a row per union with
    its code, name, whether it has an account, and what its report holds; and a sheet explaining the columns."""
    check_actor(user, scope)
    units = _units_in_scope(session, scope, active_only=True)
    reports = _reports_in_scope(session, campaign, scope)
    with_account = workflow.units_with_own_account(session, [u.id for u in units])
    wb = Workbook()
    ws = wb.sheet(_(SHEET), [header(name) for name in COLUMNS], widths=WIDTHS)
    for unit in units:
        ws.append(_cells(unit, reports.get(unit.id), unit.id in with_account))

    help_ws = wb.sheet(_("Hướng dẫn"), [_("Cột"), _("Cách ghi")], widths={1: 34, 2: 110}, autofilter=False)
    help_ws.append([header(CODE), _("Mã công đoàn cơ sở, đừng sửa. Mỗi đơn vị một dòng; xóa dòng không cần cũng được.")])
    help_ws.append([f"{header(NAME)}, {header(ACCOUNT)}, {header(STATUS)}",
                    _("Chỉ để xem, không được nhập. Đơn vị đã có tài khoản tự báo cáo: chỉ nhập thay được báo cáo "
                      "bị trả lại hoặc quá hạn, sau khi tiếp nhận trên trang báo cáo của đơn vị.")])
    help_ws.append([_("Ngày"), _("Theo dạng dd/mm/yyyy (ví dụ 15/04/2023), hoặc ô kiểu ngày.")])
    help_ws.append([header("form"), _("%(choices)s (hoặc: toàn thể, đại biểu). Chọn khác với đề xuất theo số đoàn viên "
                                      "thì ghi lý do ở cột bên cạnh.",
                                      choices=" / ".join(str(v) for v in FORM_LABELS.values()))])
    help_ws.append([header("is_pilot"), _("Ghi “có” (hoặc x) nếu là đại hội điểm; để trống nếu không.")])
    help_ws.append([_("Các cột số"), _("Số nguyên không âm (1.234 hay 1234 đều được). Phần không lớn hơn tổng; "
                                       "tái cử cộng tham gia lần đầu bằng số ủy viên BCH.")])
    help_ws.append([header(CHAIR_VOTE), _("Phần trăm số phiếu hợp lệ, trên 50 (ví dụ 92,5).")])
    help_ws.append([])
    help_ws.append([_("Lưu ý"), _("Ô để trống giữ nguyên số liệu đã có. Dòng chỉ có mã, tên và số đoàn viên được bỏ qua. "
                                 "Báo cáo đã gửi hoặc đã duyệt không bao giờ bị ghi đè. Tệp có lỗi không được nhập "
                                 "dòng nào, trừ khi chọn chỉ nhập các dòng hợp lệ.")])
    return wb.to_bytes()


def template_filename(scope: Unit) -> str:
    return f"nhap-ket-qua-{scope.code.lower()}.xlsx"
