"""Exports of the dashboard: an XLSX workbook (streamed, write-only) and a DOCX summary report for
the Standing Committee in the issuing body's administrative layout (Party or State).

Both are written in the requesting user's language (shared.i18n); openpyxl and python-docx need real
strings, so every label goes through str() (_text) before it reaches them."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from shared import dashboard as dash
from shared.i18n import _, is_lazy, lazy_gettext
from shared.models import FORM_LABELS, LEVEL_LABELS, LEVEL_ORDER, SECTOR_LABELS, STATUS_LABELS, Campaign, Unit
from shared.progress import Counts, progress_by_child, progress_by_level
from shared.reports import EDITABLE_FIELDS
from shared.text import days_phrase, format_date, format_number, format_percent
from shared.units import ancestors

DATE_FORMAT = "DD/MM/YYYY"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF0F4")

COUNT_HEADERS = [
    ("expected", lazy_gettext("Phải tổ chức")),
    ("planned", lazy_gettext("Có kế hoạch")),
    ("held", lazy_gettext("Đã đại hội")),
    ("held_pct", lazy_gettext("Tỷ lệ đã đại hội (%)")),
    ("on_time", lazy_gettext("Đúng hạn")),
    ("late", lazy_gettext("Trễ hạn")),
    ("on_time_pct", lazy_gettext("Tỷ lệ đúng hạn (%)")),
    ("overdue", lazy_gettext("Quá hạn chưa tổ chức")),
    ("pending", lazy_gettext("Chưa đến hạn")),
    ("pilots_held", lazy_gettext("Đại hội điểm đã tổ chức")),
    ("submitted", lazy_gettext("Báo cáo chờ duyệt")),
    ("returned", lazy_gettext("Báo cáo bị trả lại")),
    ("approved", lazy_gettext("Báo cáo đã duyệt")),
]
# Headers of the report fields (the units sheet has one column per field).
FIELD_HEADERS = {
    "planned_date": lazy_gettext("Ngày dự kiến"),
    "form": lazy_gettext("Hình thức"),
    "form_override_reason": lazy_gettext("Lý do chọn hình thức khác"),
    "is_pilot": lazy_gettext("Đại hội điểm"),
    "meeting_mode": lazy_gettext("Cách thức tổ chức"),
    "planned_summoned": lazy_gettext("Dự kiến triệu tập"),
    "planned_executive_size": lazy_gettext("Dự kiến số ủy viên BCH"),
    "held_date": lazy_gettext("Ngày đại hội"),
    "members_total": lazy_gettext("Tổng số đoàn viên"),
    "summoned": lazy_gettext("Số được triệu tập"),
    "present": lazy_gettext("Số có mặt"),
    "executive_size": lazy_gettext("Số ủy viên BCH"),
    "executive_women": lazy_gettext("BCH: nữ"),
    "executive_young": lazy_gettext("BCH: trẻ"),
    "executive_party": lazy_gettext("BCH: đảng viên"),
    "executive_ethnic_minority": lazy_gettext("BCH: dân tộc thiểu số"),
    "executive_reelected": lazy_gettext("BCH: tái cử"),
    "executive_new": lazy_gettext("BCH: tham gia lần đầu"),
    "executive_from_plan": lazy_gettext("BCH: trong quy hoạch"),
    "fulltime_not_reelected_age": lazy_gettext("Chuyên trách không tái cử do tuổi"),
    "standing_size": lazy_gettext("Số ủy viên BTV"),
    "inspection_size": lazy_gettext("Số ủy viên UBKT"),
    "delegates_official": lazy_gettext("Đại biểu chính thức dự đại hội cấp trên"),
    "delegates_alternate": lazy_gettext("Đại biểu dự khuyết"),
    "works_count": lazy_gettext("Công trình, sản phẩm chào mừng"),
    "works_value_vnd": lazy_gettext("Giá trị công trình (đồng)"),
    "exemplary_count": lazy_gettext("Điển hình tiên tiến được biểu dương"),
    "funding_vnd": lazy_gettext("Kinh phí hỗ trợ (đồng)"),
    "notes": lazy_gettext("Ghi chú"),
}
MEETING_MODES = {
    "in_person": lazy_gettext("Trực tiếp"),
    "online": lazy_gettext("Trực tuyến"),
    "hybrid": lazy_gettext("Trực tiếp kết hợp trực tuyến"),
}
SHEET_TITLE_LENGTH = 31  # Excel's limit; a translation must not break the workbook
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _text(value):
    """A real str for openpyxl / python-docx from a lazy label; other values unchanged."""
    return str(value) if is_lazy(value) else value


def sheet_title(text) -> str:
    """A valid worksheet name from a (translated) title: no []:*?/\\ and at most 31 characters."""
    return _SHEET_FORBIDDEN.sub("-", str(text)).strip("'")[:SHEET_TITLE_LENGTH] or "-"


def _export_filters(filters: dash.Filters | None) -> dash.Filters:
    """Exports cover every level unless a level was chosen explicitly."""
    return filters if filters is not None else dash.Filters(level=None)


def _value(value):
    if is_lazy(value):  # a label (lazy_gettext): its text in the language in force
        return str(value)
    if isinstance(value, float):
        return round(value, 1)
    return value


class _Sheet:
    """A write-only sheet with a styled, frozen header row, autofilter and real dates."""

    def __init__(self, wb: Workbook, title: str, headers: list, widths: dict[int, int] | None = None):
        self.ws = wb.create_sheet(sheet_title(title))
        self.columns = len(headers)
        self.rows = 1
        for i, width in (widths or {}).items():
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append([self._cell(h, header=True) for h in headers])

    def _cell(self, value, header: bool = False, bold: bool = False):
        value = _text(value)
        if not (header or bold or isinstance(value, (dt.date, dt.datetime))):
            return _value(value)  # plain values stream fastest
        cell = WriteOnlyCell(self.ws, value=_value(value))
        if header:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        elif bold:
            cell.font = HEADER_FONT
        if isinstance(value, (dt.date, dt.datetime)):
            cell.number_format = DATE_FORMAT if not isinstance(value, dt.datetime) else DATE_FORMAT + " HH:MM"
        return cell

    def append(self, values: list, bold: bool = False) -> None:
        self.ws.append([self._cell(v, bold=bold) for v in values])
        self.rows += 1

    def close(self) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{max(self.rows, 2)}"


def _count_values(c: Counts) -> list:
    return [getattr(c, name) for name, _label in COUNT_HEADERS]


def write_xlsx(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, out: IO[bytes],
    filters: dash.Filters | None = None,
) -> None:
    """The workbook: "Tổng hợp", "Đơn vị", "Kiến nghị", "Nhân sự"; rows are streamed from the database."""
    filters = _export_filters(filters)
    wb = Workbook(write_only=True)
    kw = dict(sector=filters.sector, pilot_only=filters.pilot_only)
    levels = progress_by_level(session, campaign, scope, as_of, **kw)

    summary = _Sheet(wb, _("Tổng hợp"), [_("Cấp / đơn vị"), *[h for _name, h in COUNT_HEADERS], _("Hạn chót"),
                                         _("Số ngày đến hạn")], {1: 48})
    for level in LEVEL_ORDER:
        c = levels[level]
        if c.expected:
            summary.append([LEVEL_LABELS[level], *_count_values(c), c.deadline, c.days_left])
    if scope.level != "grassroots":
        child_rows = progress_by_child(session, campaign, scope, as_of, **kw)
        total = Counts(level="grassroots", deadline=campaign.deadline_grassroots, as_of=as_of)
        summary.append([_("Công đoàn cơ sở theo đơn vị trực thuộc %(unit)s", unit=scope.name)], bold=True)
        for child in child_rows:
            g = child.levels.get("grassroots") or Counts(level="grassroots", deadline=campaign.deadline_grassroots, as_of=as_of)
            total.add(g)
            summary.append([child.unit.name, *_count_values(g), g.deadline, g.days_left])
        summary.append([_("Tổng cộng"), *_count_values(total), total.deadline, total.days_left], bold=True)
    summary.append([])
    summary.append([_("Số liệu tính đến ngày %(date)s · %(campaign)s · Phạm vi: %(scope)s",
                      date=format_date(as_of), campaign=campaign.name, scope=scope.name)])
    summary.close()

    unit_sheet = _Sheet(
        wb, _("Đơn vị"),
        [_("Mã đơn vị"), _("Tên đơn vị"), _("Cấp"), _("Đơn vị cấp trên"), _("Khu vực"), _("Số đoàn viên"),
         _("Tình hình đại hội"), _("Số ngày trễ"), _("Trạng thái báo cáo"), _("Ngày gửi báo cáo"),
         _("Ngày duyệt / trả lại"), *[FIELD_HEADERS.get(f, f) for f in EDITABLE_FIELDS]],
        {2: 48, 4: 36},
    )
    yes, no, no_plan = _("Có"), _("Không"), _("Chưa có kế hoạch")
    for row in dash.iter_units(session, campaign, scope, as_of, filters):
        r, u = row.report, row.unit
        fields = []
        for name in EDITABLE_FIELDS:
            value = row.reported(name)
            if name == "form":
                value = FORM_LABELS.get(value, value)
            elif name == "meeting_mode" and value:
                value = MEETING_MODES.get(value, value)
            elif name == "is_pilot":
                value = (yes if value else no) if r is not None else None
            fields.append(value)
        unit_sheet.append([
            u.code, u.name, LEVEL_LABELS[u.level], row.district, u.sector_label, u.members_count,
            dash.STATE_LABELS[row.state], row.days_late,
            STATUS_LABELS[row.report_status] if row.report_status else no_plan,
            row.reported("submitted_at"), row.reported("reviewed_at"), *fields,
        ])
    unit_sheet.close()

    rec_sheet = _Sheet(
        wb, _("Kiến nghị"),
        [_("Mã đơn vị"), _("Đơn vị"), _("Đơn vị cấp trên"), _("Chủ đề"), _("Nội dung"), _("Gửi đến"), _("Tình trạng"),
         _("Kết quả giải quyết"), _("Cập nhật")],
        {2: 40, 5: 60, 8: 40},
    )
    for rec, unit, parent in dash.iter_recommendations(session, campaign, scope, as_of=as_of):
        rec_sheet.append([
            unit.code, unit.name, parent, dash.TOPIC_LABELS.get(rec.topic, rec.topic), rec.text, rec.addressed_to,
            dash.REC_STATUS_LABELS.get(rec.status, rec.status), rec.resolution_note, rec.updated_at,
        ])
    rec_sheet.close()

    people = _Sheet(
        wb, _("Nhân sự"),
        [_("Cấp / đơn vị"), _("Số BCH đã bầu"), _("Tổng số ủy viên"), _("Nữ"), _("Tỷ lệ nữ (%)"), _("Trẻ"),
         _("Tỷ lệ trẻ (%)"), _("Đảng viên"), _("Tỷ lệ đảng viên (%)"), _("Dân tộc thiểu số"), _("Tỷ lệ DTTS (%)"),
         _("Tái cử"), _("Tỷ lệ tái cử (%)"), _("Tham gia lần đầu"), _("Tỷ lệ mới (%)"), _("Dưới chỉ tiêu"),
         _("Công trình chào mừng"), _("Giá trị công trình (đồng)"), _("Điển hình tiên tiến"),
         _("Kinh phí hỗ trợ (đồng)")],
        {1: 48},
    )

    def person_row(label: str, p: dash.Personnel, bold: bool = False) -> None:
        shares = []
        for name in ("women", "young", "party", "ethnic", "reelected", "new"):
            shares += [getattr(p, name), p.pct(name)]
        below = ", ".join(str(dash.PERSONNEL_LABELS[b]) for b in p.below)
        people.append([label, p.committees, p.seats, *shares, below, p.works, p.works_value, p.exemplary, p.funding], bold=bold)

    by_level = dash.personnel_by_level(session, campaign, scope, as_of, filters)
    for level in LEVEL_ORDER:
        if by_level[level].committees:
            person_row(LEVEL_LABELS[level], by_level[level])
    if scope.level != "grassroots":
        rows = dash.personnel_by_child(session, campaign, scope, as_of, filters)
        people.append([_("Theo đơn vị trực thuộc %(unit)s", unit=scope.name)], bold=True)
        for p in rows:
            person_row(p.label, p)
        person_row(_("Tổng cộng"), dash.total_personnel(rows), bold=True)
    people.append([])
    people.append([_("Chỉ tiêu: %(targets)s", targets=dash.targets_phrase(campaign))])
    people.close()
    wb.save(out)


# ---- DOCX -----------------------------------------------------------------------------------------


def _place(session: Session, scope: Unit) -> tuple[str, Unit]:
    """(place name for the date line, province unit) from the root of the scope's tree."""
    root = (ancestors(session, scope) or [scope])[0]
    name = root.name
    # Matched against the unit's (Vietnamese) name: data, not interface.
    for prefix in ("Liên đoàn Lao động tỉnh ", "Liên đoàn Lao động thành phố ", "Liên đoàn Lao động "):  # noqa: i18n
        if name.startswith(prefix):
            return name[len(prefix):], root
    return name, root


def _date_line(place: str, day: dt.date) -> str:
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s", place=place, **date_parts(day))


def date_parts(day: dt.date) -> dict[str, str]:
    """The parts of an administrative date line: day and month on two digits."""
    return {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": str(day.year)}


def write_docx(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, out: IO[bytes],
    filters: dash.Filters | None = None, body: str = "party", issued_on: dt.date | None = None,
) -> None:
    """The summary report: a party body (Ban Dân vận) uses the Party layout, a union body the State one."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from shared import clock

    filters = _export_filters(filters)
    issued_on = issued_on or clock.today()
    place, root = _place(session, scope)
    levels = progress_by_level(session, campaign, scope, as_of, sector=filters.sector, pilot_only=filters.pilot_only)
    people = dash.personnel_by_level(session, campaign, scope, as_of, filters)
    recs = dash.recommendation_counts(session, campaign, scope, as_of=as_of)

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for section in doc.sections:
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)

    def line(cell_or_doc, text: str, bold=False, italic=False, underline=False, center=True, size=None, new=True):
        p = cell_or_doc.add_paragraph() if new else cell_or_doc.paragraphs[0]
        run = p.add_run(str(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    if body == "party":
        line(left, _("TỈNH ỦY %(place)s", place=place.upper()), size=13, new=False)
        line(left, _("BAN DÂN VẬN"), bold=True, size=13)
        line(left, "*")
        line(left, _("Số:      -BC/BDVTU"), size=13)
        line(right, _("ĐẢNG CỘNG SẢN VIỆT NAM"), bold=True, underline=True, size=14, new=False)
        line(right, _date_line(place, issued_on), italic=True)
        signer = (_("T/M BAN DÂN VẬN"), _("TRƯỞNG BAN"))
        recipients = [_("Thường trực Tỉnh ủy (báo cáo)"), _("Ban Thường vụ Tỉnh ủy (báo cáo)"), _("Lưu Ban Dân vận.")]
    else:
        issuer = scope if scope.level != "grassroots" else root
        parent = _("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM") if issuer.level == "province" else root.name.upper()
        line(left, parent, size=12, new=False)
        line(left, issuer.name.upper(), bold=True, size=12)
        line(left, _("Số:      /BC-LĐLĐ"), size=13)
        line(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=12, new=False)
        line(right, _("Độc lập - Tự do - Hạnh phúc"), bold=True, underline=True, size=13)
        line(right, _date_line(place, issued_on), italic=True)
        signer = (_("TM. BAN THƯỜNG VỤ"), _("CHỦ TỊCH"))
        recipients = [_("Ban Dân vận Tỉnh ủy (báo cáo)"), _("Ban Thường vụ (báo cáo)"), _("Lưu.")]

    line(doc, _("BÁO CÁO"), bold=True, size=14)
    line(doc, _("Tiến độ, kết quả đại hội công đoàn các cấp nhiệm kỳ %(term)s", term=campaign.term), bold=True)
    line(doc, _("(Số liệu tính đến ngày %(date)s; phạm vi: %(scope)s)", date=format_date(as_of), scope=scope.name),
         italic=True)
    if filters.sector or filters.pilot_only:
        parts = [str(SECTOR_LABELS[filters.sector])] if filters.sector else []
        parts += [_("chỉ đại hội điểm")] if filters.pilot_only else []
        line(doc, _("Lọc: %(filters)s", filters=", ".join(parts)), italic=True)

    def heading(text: str) -> None:
        p = doc.add_paragraph()
        run = p.add_run(str(text))
        run.bold = True

    def para(text: str) -> None:
        p = doc.add_paragraph(str(text))
        p.paragraph_format.first_line_indent = Cm(1)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def table(headers: list[str], rows: list[list[str]]) -> None:
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, headers):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).bold = True
        for values in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, values):
                cell.text = str(text)
        doc.add_paragraph()

    n = format_number
    heading(_("I. TIẾN ĐỘ ĐẠI HỘI THEO CẤP"))
    level_rows = []
    for level in LEVEL_ORDER:
        c = levels[level]
        if not c.expected:
            continue
        level_rows.append([
            LEVEL_LABELS[level], n(c.expected), n(c.held), format_percent(c.held, c.expected), n(c.on_time), n(c.late),
            n(c.overdue), n(c.pending), f"{format_date(c.deadline)} ({days_phrase(c.days_left)})",
        ])
        para(_(
            "%(level)s: đã tổ chức %(held)s/%(expected)s đại hội (%(held_pct)s), trong đó đúng hạn %(on_time)s, "
            "trễ hạn %(late)s; quá hạn chưa tổ chức %(overdue)s; chưa đến hạn %(pending)s. "
            "Hạn chót %(deadline)s (%(days)s). "
            "Báo cáo kết quả: đã duyệt %(approved)s, chờ duyệt %(submitted)s, bị trả lại %(returned)s.",
            level=LEVEL_LABELS[level], held=n(c.held), expected=n(c.expected),
            held_pct=format_percent(c.held, c.expected), on_time=n(c.on_time), late=n(c.late), overdue=n(c.overdue),
            pending=n(c.pending), deadline=format_date(c.deadline), days=days_phrase(c.days_left),
            approved=n(c.approved), submitted=n(c.submitted), returned=n(c.returned),
        ))
    table([_("Cấp"), _("Phải tổ chức"), _("Đã tổ chức"), _("Tỷ lệ"), _("Đúng hạn"), _("Trễ hạn"), _("Quá hạn"),
           _("Chưa đến hạn"), _("Hạn chót")], level_rows)

    heading(_("II. ĐẠI HỘI ĐIỂM"))
    pilots = [f"{str(LEVEL_LABELS[lv]).lower()} {n(levels[lv].pilots_held)}" for lv in LEVEL_ORDER if levels[lv].expected]
    para(_("Số đại hội điểm đã tổ chức: %(pilots)s. Các đại hội điểm đã rút kinh nghiệm để chỉ đạo chung.",
           pilots="; ".join(pilots)))

    heading(_("III. CƠ CẤU NHÂN SỰ BAN CHẤP HÀNH"))
    para(_("Chỉ tiêu cơ cấu ban chấp hành của đợt đại hội: %(targets)s.", targets=dash.targets_phrase(campaign)))
    person_rows = []
    for level in LEVEL_ORDER:
        p = people[level]
        if not p.committees:
            continue
        person_rows.append([
            LEVEL_LABELS[level], n(p.committees), n(p.seats), format_percent(p.women, p.seats),
            format_percent(p.young, p.seats), format_percent(p.party, p.seats), format_percent(p.ethnic, p.seats),
            format_percent(p.reelected, p.seats), format_percent(p.new, p.seats),
        ])
        below = ", ".join(str(dash.PERSONNEL_LABELS[b]).lower() for b in p.below)
        structure = _(
            "%(level)s: %(committees)s ban chấp hành với %(seats)s ủy viên, trong đó nữ %(women)s, trẻ %(young)s, "
            "đảng viên %(party)s, dân tộc thiểu số %(ethnic)s, tái cử %(reelected)s, tham gia lần đầu %(new)s.",
            level=LEVEL_LABELS[level], committees=n(p.committees), seats=n(p.seats), women=n(p.women),
            young=n(p.young), party=n(p.party), ethnic=n(p.ethnic), reelected=n(p.reelected), new=n(p.new),
        )
        targets = _("Chưa đạt chỉ tiêu: %(below)s.", below=below) if below else _("Đạt các chỉ tiêu về cơ cấu.")
        para(f"{structure} {targets}")
    table([_("Cấp"), _("Số BCH"), _("Ủy viên"), _("Nữ"), _("Trẻ"), _("Đảng viên"), _("DTTS"), _("Tái cử"), _("Mới")],
          person_rows)

    heading(_("IV. KIẾN NGHỊ, ĐỀ XUẤT CỦA ĐOÀN VIÊN, NGƯỜI LAO ĐỘNG"))
    t = recs["total"]
    para(_(
        "Các đại hội đã tổng hợp %(total)s kiến nghị; đã giải quyết %(resolved)s, đang giải quyết %(in_progress)s, "
        "chưa giải quyết %(open)s.",
        total=n(t["total"]), resolved=n(t["resolved"]), in_progress=n(t["in_progress"]), open=n(t["open"]),
    ))
    table(
        [_("Chủ đề"), _("Tổng số"), _("Chưa giải quyết"), _("Đang giải quyết"), _("Đã giải quyết")],
        [[label, n(recs[k]["total"]), n(recs[k]["open"]), n(recs[k]["in_progress"]), n(recs[k]["resolved"])]
         for k, label in dash.TOPIC_LABELS.items() if recs[k]["total"]],
    )

    heading(_("V. PHONG TRÀO THI ĐUA CHÀO MỪNG ĐẠI HỘI, KINH PHÍ HỖ TRỢ"))
    all_people = dash.total_personnel(people.values())
    para(_(
        "Có %(works)s công trình, sản phẩm chào mừng đại hội với tổng giá trị %(value)s đồng; %(exemplary)s điển "
        "hình tiên tiến được biểu dương; kinh phí hỗ trợ đại hội %(funding)s đồng.",
        works=n(all_people.works), value=n(all_people.works_value), exemplary=n(all_people.exemplary),
        funding=n(all_people.funding),
    ))

    heading(_("VI. ĐƠN VỊ QUÁ HẠN CHƯA TỔ CHỨC ĐẠI HỘI"))
    overdue = replace(filters, level=None, state="overdue", report=None, q="")
    overdue_rows = [
        [r.unit.name, r.district or "", LEVEL_LABELS[r.unit.level], n(r.days_late)]
        for r in dash.iter_units(session, campaign, scope, as_of, overdue)
    ]
    if overdue_rows:
        para(_("Còn %(count)s đơn vị quá hạn chưa tổ chức đại hội:", count=n(len(overdue_rows))))
        table([_("Đơn vị"), _("Đơn vị cấp trên"), _("Cấp"), _("Số ngày quá hạn")], overdue_rows)
    else:
        para(_("Không có đơn vị nào quá hạn chưa tổ chức đại hội."))

    heading(_("VII. ĐỀ XUẤT"))
    para(_("1. Đề nghị Ban Thường vụ Tỉnh ủy tiếp tục chỉ đạo các cấp ủy hoàn thành đại hội công đoàn đúng tiến độ."))
    para(_("2. Đề nghị Ủy ban nhân dân tỉnh chỉ đạo giải quyết các kiến nghị của đoàn viên, người lao động nêu trên."))
    para("3. ...")

    sign = doc.add_table(rows=1, cols=2)
    receivers, signature = sign.rows[0].cells
    p = receivers.paragraphs[0]
    r = p.add_run(_("Nơi nhận:"))
    r.bold, r.italic = True, True
    for who in recipients:
        q = receivers.add_paragraph(f"- {who}")
        q.runs[0].font.size = Pt(11)
    line(signature, signer[0], bold=True, new=False)
    line(signature, signer[1], bold=True)
    doc.save(out)
