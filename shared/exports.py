"""Exports of the dashboard: an XLSX workbook (streamed, write-only) and a DOCX summary report for
the Standing Committee in the issuing body's administrative layout (Party or State)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from shared import dashboard as dash
from shared.i18n import is_lazy
from shared.models import FORM_LABELS, LEVEL_LABELS, LEVEL_ORDER, SECTOR_LABELS, STATUS_LABELS, Campaign, Unit
from shared.progress import Counts, progress_by_child, progress_by_level
from shared.reports import EDITABLE_FIELDS
from shared.text import days_phrase, format_date, format_number, format_percent
from shared.units import ancestors

DATE_FORMAT = "DD/MM/YYYY"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF0F4")

COUNT_HEADERS = [
    ("expected", "Phải tổ chức"), ("planned", "Có kế hoạch"), ("held", "Đã đại hội"), ("held_pct", "Tỷ lệ đã đại hội (%)"),
    ("on_time", "Đúng hạn"), ("late", "Trễ hạn"), ("on_time_pct", "Tỷ lệ đúng hạn (%)"), ("overdue", "Quá hạn chưa tổ chức"),
    ("pending", "Chưa đến hạn"), ("pilots_held", "Đại hội điểm đã tổ chức"), ("submitted", "Báo cáo chờ duyệt"),
    ("returned", "Báo cáo bị trả lại"), ("approved", "Báo cáo đã duyệt"),
]
# Vietnamese headers of the report fields (the "Đơn vị" sheet has one column per field).
FIELD_HEADERS = {
    "planned_date": "Ngày dự kiến", "form": "Hình thức", "form_override_reason": "Lý do chọn hình thức khác",
    "is_pilot": "Đại hội điểm", "meeting_mode": "Cách thức tổ chức", "planned_summoned": "Dự kiến triệu tập",
    "planned_executive_size": "Dự kiến số ủy viên BCH", "held_date": "Ngày đại hội", "members_total": "Tổng số đoàn viên",
    "summoned": "Số được triệu tập", "present": "Số có mặt", "executive_size": "Số ủy viên BCH",
    "executive_women": "BCH: nữ", "executive_young": "BCH: trẻ", "executive_party": "BCH: đảng viên",
    "executive_ethnic_minority": "BCH: dân tộc thiểu số", "executive_reelected": "BCH: tái cử",
    "executive_new": "BCH: tham gia lần đầu", "executive_from_plan": "BCH: trong quy hoạch",
    "fulltime_not_reelected_age": "Chuyên trách không tái cử do tuổi", "standing_size": "Số ủy viên BTV",
    "inspection_size": "Số ủy viên UBKT", "delegates_official": "Đại biểu chính thức dự đại hội cấp trên",
    "delegates_alternate": "Đại biểu dự khuyết", "works_count": "Công trình, sản phẩm chào mừng",
    "works_value_vnd": "Giá trị công trình (đồng)", "exemplary_count": "Điển hình tiên tiến được biểu dương",
    "funding_vnd": "Kinh phí hỗ trợ (đồng)", "notes": "Ghi chú",
}
MEETING_MODES = {"in_person": "Trực tiếp", "online": "Trực tuyến", "hybrid": "Trực tiếp kết hợp trực tuyến"}


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

    def __init__(self, wb: Workbook, title: str, headers: list[str], widths: dict[int, int] | None = None):
        self.ws = wb.create_sheet(title)
        self.columns = len(headers)
        self.rows = 1
        for i, width in (widths or {}).items():
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append([self._cell(h, header=True) for h in headers])

    def _cell(self, value, header: bool = False, bold: bool = False):
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
    return [getattr(c, name) for name, _ in COUNT_HEADERS]


def write_xlsx(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, out: IO[bytes],
    filters: dash.Filters | None = None,
) -> None:
    """The workbook: "Tổng hợp", "Đơn vị", "Kiến nghị", "Nhân sự"; rows are streamed from the database."""
    filters = _export_filters(filters)
    wb = Workbook(write_only=True)
    kw = dict(sector=filters.sector, pilot_only=filters.pilot_only)
    levels = progress_by_level(session, campaign, scope, as_of, **kw)

    summary = _Sheet(wb, "Tổng hợp", ["Cấp / đơn vị", *[h for _, h in COUNT_HEADERS], "Hạn chót", "Số ngày đến hạn"], {1: 48})
    for level in LEVEL_ORDER:
        c = levels[level]
        if c.expected:
            summary.append([LEVEL_LABELS[level], *_count_values(c), c.deadline, c.days_left])
    if scope.level != "grassroots":
        child_rows = progress_by_child(session, campaign, scope, as_of, **kw)
        total = Counts(level="grassroots", deadline=campaign.deadline_grassroots, as_of=as_of)
        summary.append([f"Công đoàn cơ sở theo đơn vị trực thuộc {scope.name}"], bold=True)
        for child in child_rows:
            g = child.levels.get("grassroots") or Counts(level="grassroots", deadline=campaign.deadline_grassroots, as_of=as_of)
            total.add(g)
            summary.append([child.unit.name, *_count_values(g), g.deadline, g.days_left])
        summary.append(["Tổng cộng", *_count_values(total), total.deadline, total.days_left], bold=True)
    summary.append([])
    summary.append([f"Số liệu tính đến ngày {format_date(as_of)} · {campaign.name} · Phạm vi: {scope.name}"])
    summary.close()

    unit_sheet = _Sheet(
        wb, "Đơn vị",
        ["Mã đơn vị", "Tên đơn vị", "Cấp", "Đơn vị cấp trên", "Khu vực", "Số đoàn viên", "Tình hình đại hội",
         "Số ngày trễ", "Trạng thái báo cáo", "Ngày gửi báo cáo", "Ngày duyệt / trả lại",
         *[FIELD_HEADERS.get(f, f) for f in EDITABLE_FIELDS]],
        {2: 48, 4: 36},
    )
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
                value = ("Có" if value else "Không") if r is not None else None
            fields.append(value)
        unit_sheet.append([
            u.code, u.name, LEVEL_LABELS[u.level], row.district, u.sector_label, u.members_count,
            dash.STATE_LABELS[row.state], row.days_late,
            STATUS_LABELS[row.report_status] if row.report_status else "Chưa có kế hoạch",
            row.reported("submitted_at"), row.reported("reviewed_at"), *fields,
        ])
    unit_sheet.close()

    rec_sheet = _Sheet(
        wb, "Kiến nghị",
        ["Mã đơn vị", "Đơn vị", "Đơn vị cấp trên", "Chủ đề", "Nội dung", "Gửi đến", "Tình trạng", "Kết quả giải quyết", "Cập nhật"],
        {2: 40, 5: 60, 8: 40},
    )
    for rec, unit, parent in dash.iter_recommendations(session, campaign, scope):
        rec_sheet.append([
            unit.code, unit.name, parent, dash.TOPIC_LABELS.get(rec.topic, rec.topic), rec.text, rec.addressed_to,
            dash.REC_STATUS_LABELS.get(rec.status, rec.status), rec.resolution_note, rec.updated_at,
        ])
    rec_sheet.close()

    people = _Sheet(
        wb, "Nhân sự",
        ["Cấp / đơn vị", "Số BCH đã bầu", "Tổng số ủy viên", "Nữ", "Tỷ lệ nữ (%)", "Trẻ", "Tỷ lệ trẻ (%)",
         "Đảng viên", "Tỷ lệ đảng viên (%)", "Dân tộc thiểu số", "Tỷ lệ DTTS (%)", "Tái cử", "Tỷ lệ tái cử (%)",
         "Tham gia lần đầu", "Tỷ lệ mới (%)", "Dưới chỉ tiêu", "Công trình chào mừng", "Giá trị công trình (đồng)",
         "Điển hình tiên tiến", "Kinh phí hỗ trợ (đồng)"],
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
        people.append([f"Theo đơn vị trực thuộc {scope.name}"], bold=True)
        for p in rows:
            person_row(p.label, p)
        person_row("Tổng cộng", dash.total_personnel(rows), bold=True)
    people.append([])
    people.append([
        "Chỉ tiêu: " + dash.targets_phrase(campaign)
    ])
    people.close()
    wb.save(out)


# ---- DOCX -----------------------------------------------------------------------------------------


def _place(session: Session, scope: Unit) -> tuple[str, Unit]:
    """(place name for the date line, province unit) from the root of the scope's tree."""
    root = (ancestors(session, scope) or [scope])[0]
    name = root.name
    for prefix in ("Liên đoàn Lao động tỉnh ", "Liên đoàn Lao động thành phố ", "Liên đoàn Lao động "):
        if name.startswith(prefix):
            return name[len(prefix):], root
    return name, root


def _date_line(place: str, day: dt.date) -> str:
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


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
    recs = dash.recommendation_counts(session, campaign, scope)

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for section in doc.sections:
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)

    def line(cell_or_doc, text: str, bold=False, italic=False, underline=False, center=True, size=None, new=True):
        p = cell_or_doc.add_paragraph() if new else cell_or_doc.paragraphs[0]
        run = p.add_run(text)
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
        line(left, f"TỈNH ỦY {place.upper()}", size=13, new=False)
        line(left, "BAN DÂN VẬN", bold=True, size=13)
        line(left, "*")
        line(left, "Số:      -BC/BDVTU", size=13)
        line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14, new=False)
        line(right, _date_line(place, issued_on), italic=True)
        signer = ("T/M BAN DÂN VẬN", "TRƯỞNG BAN")
        recipients = ["Thường trực Tỉnh ủy (báo cáo)", "Ban Thường vụ Tỉnh ủy (báo cáo)", "Lưu Ban Dân vận."]
    else:
        issuer = scope if scope.level != "grassroots" else root
        parent = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" if issuer.level == "province" else root.name.upper()
        line(left, parent, size=12, new=False)
        line(left, issuer.name.upper(), bold=True, size=12)
        line(left, "Số:      /BC-LĐLĐ", size=13)
        line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, new=False)
        line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=13)
        line(right, _date_line(place, issued_on), italic=True)
        signer = ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")
        recipients = ["Ban Dân vận Tỉnh ủy (báo cáo)", "Ban Thường vụ (báo cáo)", "Lưu."]

    line(doc, "BÁO CÁO", bold=True, size=14)
    line(doc, f"Tiến độ, kết quả đại hội công đoàn các cấp nhiệm kỳ {campaign.term}", bold=True)
    line(doc, f"(Số liệu tính đến ngày {format_date(as_of)}; phạm vi: {scope.name})", italic=True)
    if filters.sector or filters.pilot_only:
        parts = [str(SECTOR_LABELS[filters.sector])] if filters.sector else []
        parts += ["chỉ đại hội điểm"] if filters.pilot_only else []
        line(doc, "Lọc: " + ", ".join(parts), italic=True)

    def heading(text: str) -> None:
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold = True

    def para(text: str) -> None:
        p = doc.add_paragraph(text)
        p.paragraph_format.first_line_indent = Cm(1)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def table(headers: list[str], rows: list[list[str]]) -> None:
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, headers):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for values in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, values):
                cell.text = text
        doc.add_paragraph()

    n = format_number
    heading("I. TIẾN ĐỘ ĐẠI HỘI THEO CẤP")
    level_rows = []
    for level in LEVEL_ORDER:
        c = levels[level]
        if not c.expected:
            continue
        level_rows.append([
            LEVEL_LABELS[level], n(c.expected), n(c.held), format_percent(c.held, c.expected), n(c.on_time), n(c.late),
            n(c.overdue), n(c.pending), f"{format_date(c.deadline)} ({days_phrase(c.days_left)})",
        ])
        para(
            f"{LEVEL_LABELS[level]}: đã tổ chức {n(c.held)}/{n(c.expected)} đại hội "
            f"({format_percent(c.held, c.expected)}), trong đó đúng hạn {n(c.on_time)}, trễ hạn {n(c.late)}; "
            f"quá hạn chưa tổ chức {n(c.overdue)}; chưa đến hạn {n(c.pending)}. "
            f"Hạn chót {format_date(c.deadline)} ({days_phrase(c.days_left)}). "
            f"Báo cáo kết quả: đã duyệt {n(c.approved)}, chờ duyệt {n(c.submitted)}, bị trả lại {n(c.returned)}."
        )
    table(["Cấp", "Phải tổ chức", "Đã tổ chức", "Tỷ lệ", "Đúng hạn", "Trễ hạn", "Quá hạn", "Chưa đến hạn", "Hạn chót"], level_rows)

    heading("II. ĐẠI HỘI ĐIỂM")
    pilots = [f"{LEVEL_LABELS[lv].lower()} {n(levels[lv].pilots_held)}" for lv in LEVEL_ORDER if levels[lv].expected]
    para("Số đại hội điểm đã tổ chức: " + "; ".join(pilots) + ". Các đại hội điểm đã rút kinh nghiệm để chỉ đạo chung.")

    heading("III. CƠ CẤU NHÂN SỰ BAN CHẤP HÀNH")
    para(
        f"Chỉ tiêu cơ cấu ban chấp hành của đợt đại hội: {dash.targets_phrase(campaign)}."
    )
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
        below = ", ".join(dash.PERSONNEL_LABELS[b].lower() for b in p.below)
        para(
            f"{LEVEL_LABELS[level]}: {n(p.committees)} ban chấp hành với {n(p.seats)} ủy viên, trong đó nữ "
            f"{n(p.women)}, trẻ {n(p.young)}, đảng viên {n(p.party)}, dân tộc thiểu số {n(p.ethnic)}, tái cử "
            f"{n(p.reelected)}, tham gia lần đầu {n(p.new)}."
            + (f" Chưa đạt chỉ tiêu: {below}." if below else " Đạt các chỉ tiêu về cơ cấu.")
        )
    table(["Cấp", "Số BCH", "Ủy viên", "Nữ", "Trẻ", "Đảng viên", "DTTS", "Tái cử", "Mới"], person_rows)

    heading("IV. KIẾN NGHỊ, ĐỀ XUẤT CỦA ĐOÀN VIÊN, NGƯỜI LAO ĐỘNG")
    t = recs["total"]
    para(
        f"Các đại hội đã tổng hợp {n(t['total'])} kiến nghị; đã giải quyết {n(t['resolved'])}, đang giải quyết "
        f"{n(t['in_progress'])}, chưa giải quyết {n(t['open'])}."
    )
    table(
        ["Chủ đề", "Tổng số", "Chưa giải quyết", "Đang giải quyết", "Đã giải quyết"],
        [[label, n(recs[k]["total"]), n(recs[k]["open"]), n(recs[k]["in_progress"]), n(recs[k]["resolved"])]
         for k, label in dash.TOPIC_LABELS.items() if recs[k]["total"]],
    )

    heading("V. PHONG TRÀO THI ĐUA CHÀO MỪNG ĐẠI HỘI, KINH PHÍ HỖ TRỢ")
    all_people = dash.total_personnel(people.values())
    para(
        f"Có {n(all_people.works)} công trình, sản phẩm chào mừng đại hội với tổng giá trị "
        f"{n(all_people.works_value)} đồng; {n(all_people.exemplary)} điển hình tiên tiến được biểu dương; "
        f"kinh phí hỗ trợ đại hội {n(all_people.funding)} đồng."
    )

    heading("VI. ĐƠN VỊ QUÁ HẠN CHƯA TỔ CHỨC ĐẠI HỘI")
    overdue = replace(filters, level=None, state="overdue", report=None, q="")
    overdue_rows = [
        [r.unit.name, r.district or "", LEVEL_LABELS[r.unit.level], n(r.days_late)]
        for r in dash.iter_units(session, campaign, scope, as_of, overdue)
    ]
    if overdue_rows:
        para(f"Còn {n(len(overdue_rows))} đơn vị quá hạn chưa tổ chức đại hội:")
        table(["Đơn vị", "Đơn vị cấp trên", "Cấp", "Số ngày quá hạn"], overdue_rows)
    else:
        para("Không có đơn vị nào quá hạn chưa tổ chức đại hội.")

    heading("VII. ĐỀ XUẤT")
    para("1. Đề nghị Ban Thường vụ Tỉnh ủy tiếp tục chỉ đạo các cấp ủy hoàn thành đại hội công đoàn đúng tiến độ.")
    para("2. Đề nghị Ủy ban nhân dân tỉnh chỉ đạo giải quyết các kiến nghị của đoàn viên, người lao động nêu trên.")
    para("3. ...")

    sign = doc.add_table(rows=1, cols=2)
    receivers, signature = sign.rows[0].cells
    p = receivers.paragraphs[0]
    r = p.add_run("Nơi nhận:")
    r.bold, r.italic = True, True
    for who in recipients:
        q = receivers.add_paragraph(f"- {who}")
        q.runs[0].font.size = Pt(11)
    line(signature, signer[0], bold=True, new=False)
    line(signature, signer[1], bold=True)
    doc.save(out)
