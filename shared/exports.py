"""Exports of the dashboard: an XLSX workbook (streamed, write-only, through shared.xlsx) and a DOCX
summary report for the Standing Committee in the issuing body's administrative layout (Party or State,
through shared.docx_layout).

Both are written in the requesting user's language (shared.i18n); openpyxl and python-docx need real
strings, so every label goes through str() before it reaches them."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import IO

from sqlalchemy.orm import Session

from shared import dashboard as dash
from shared import docx_layout as layout
from shared import funding
from shared.i18n import _, lazy_gettext
from shared.models import FORM_LABELS, LEVEL_LABELS, LEVEL_ORDER, SECTOR_LABELS, STATUS_LABELS, Campaign, Unit
from shared.progress import Counts, progress_by_child, progress_by_level
from shared.reports import EDITABLE_FIELDS
from shared.validation import FUNDING_PARTS
from shared import people as person_list
from shared.text import format_date, format_number, format_percent
from shared.vocabulary import MEETING_MODE_LABELS
from shared.units import ancestors
from shared.xlsx import Percent, Workbook, sheet_title  # noqa: F401  (sheet_title: the one rule for sheet names)

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
    "ballots_issued": lazy_gettext("Số phiếu phát ra"),
    "ballots_valid": lazy_gettext("Số phiếu hợp lệ"),
    "quorum_reason": lazy_gettext("Lý do đại hội không đủ hai phần ba"),
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
    "funding_pc_province_vnd": lazy_gettext("Nguồn: UBND tỉnh hỗ trợ (đồng)"),
    "funding_pc_district_vnd": lazy_gettext("Nguồn: UBND huyện hỗ trợ (đồng)"),
    "funding_pc_commune_vnd": lazy_gettext("Nguồn: UBND xã hỗ trợ (đồng)"),
    "funding_union_vnd": lazy_gettext("Nguồn: kinh phí công đoàn (đồng)"),
    "funding_other_vnd": lazy_gettext("Nguồn khác (đồng)"),
    "notes": lazy_gettext("Ghi chú"),
}
MEETING_MODES = MEETING_MODE_LABELS
# Column widths (characters) of what needs more than the default: names, free text, date-times, amounts.
WIDE_FIELDS = {"form_override_reason": 40, "quorum_reason": 40, "notes": 48, "works_value_vnd": 18, "funding_vnd": 18,
               **{name: 18 for name in FUNDING_PARTS}}
NAME_WIDTH, DATETIME_WIDTH, AMOUNT_WIDTH = 48, 17, 18


def _export_filters(filters: dash.Filters | None) -> dash.Filters:
    """Exports cover every level unless a level was chosen explicitly."""
    return filters if filters is not None else dash.Filters(level=None)


def _count_values(c: Counts) -> list:
    """The counts of COUNT_HEADERS; the shares as percentages."""
    return [Percent(getattr(c, name)) if name.endswith("_pct") else getattr(c, name) for name, _label in COUNT_HEADERS]


def write_xlsx(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, out: IO[bytes],
    filters: dash.Filters | None = None,
) -> None:
    """The workbook: "Tổng hợp", "Đơn vị", "Kiến nghị", "Nhân sự"; rows are streamed from the database."""
    filters = _export_filters(filters)
    wb = Workbook()
    kw = dict(sector=filters.sector, pilot_only=filters.pilot_only)
    levels = progress_by_level(session, campaign, scope, as_of, **kw)

    summary = wb.sheet(_("Tổng hợp"), [_("Cấp / đơn vị"), *[h for _name, h in COUNT_HEADERS], _("Hạn chót"),
                                       _("Số ngày đến hạn")], widths={1: NAME_WIDTH})
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

    unit_headers = 11  # the columns before the report's fields
    unit_sheet = wb.sheet(
        _("Đơn vị"),
        [_("Mã đơn vị"), _("Tên đơn vị"), _("Cấp"), _("Đơn vị cấp trên"), _("Khu vực"), _("Số đoàn viên"),
         _("Tình hình đại hội"), _("Số ngày trễ"), _("Trạng thái báo cáo"), _("Ngày gửi báo cáo"),
         _("Ngày duyệt / trả lại"), *[FIELD_HEADERS.get(f, f) for f in EDITABLE_FIELDS]],
        widths={2: NAME_WIDTH, 4: 36, 7: 20, 9: 18, 10: DATETIME_WIDTH, 11: DATETIME_WIDTH,
                **{unit_headers + i: WIDE_FIELDS[f] for i, f in enumerate(EDITABLE_FIELDS, start=1) if f in WIDE_FIELDS}},
        fit_width=False,  # dozens of columns: printed across pages at a readable size
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
            elif name == "is_pilot":  # the one rule (named or declared), not only what the plan says
                value = yes if row.is_pilot else (no if r is not None else None)
            fields.append(value)
        unit_sheet.append([
            u.code, u.name, LEVEL_LABELS[u.level], row.district, u.sector_label, u.members_count,
            dash.STATE_LABELS[row.state], row.days_late,
            STATUS_LABELS[row.report_status] if row.report_status else no_plan,
            row.reported("submitted_at"), row.reported("reviewed_at"), *fields,
        ])

    rec_sheet = wb.sheet(
        _("Kiến nghị"),
        [_("Mã đơn vị"), _("Đơn vị"), _("Đơn vị cấp trên"), _("Chủ đề"), _("Nội dung"), _("Gửi đến"), _("Tình trạng"),
         _("Kết quả giải quyết"), _("Cập nhật")],
        widths={2: 40, 3: 36, 5: 60, 6: 30, 7: 18, 8: 40, 9: DATETIME_WIDTH},
    )
    for rec, unit, parent in dash.iter_recommendations(session, campaign, scope, as_of=as_of):
        rec_sheet.append([
            unit.code, unit.name, parent, dash.TOPIC_LABELS.get(rec.topic, rec.topic), rec.text, rec.addressed_to,
            dash.REC_STATUS_LABELS.get(rec.status, rec.status), rec.resolution_note, rec.updated_at,
        ])

    people = wb.sheet(
        _("Nhân sự"),
        [_("Cấp / đơn vị"), _("Số BCH đã bầu"), _("Tổng số ủy viên"), _("Nữ"), _("Tỷ lệ nữ (%)"), _("Trẻ"),
         _("Tỷ lệ trẻ (%)"), _("Đảng viên"), _("Tỷ lệ đảng viên (%)"), _("Dân tộc thiểu số"), _("Tỷ lệ DTTS (%)"),
         _("Tái cử"), _("Tỷ lệ tái cử (%)"), _("Tham gia lần đầu"), _("Tỷ lệ mới (%)"), _("Dưới chỉ tiêu"),
         _("Công trình chào mừng"), _("Giá trị công trình (đồng)"), _("Điển hình tiên tiến"),
         _("Kinh phí hỗ trợ (đồng)")],
        widths={1: NAME_WIDTH, 16: 30, 18: AMOUNT_WIDTH, 20: AMOUNT_WIDTH},
    )

    def person_row(label: str, p: dash.Personnel, bold: bool = False) -> None:
        shares = []
        for name in ("women", "young", "party", "ethnic", "reelected", "new"):
            shares += [getattr(p, name), Percent(p.pct(name))]
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

    # Issue 19: one row per elected person, with the unit and its level (personal data: the export is scoped).
    named = wb.sheet(_("Nhân sự (từng người)"), person_list.member_columns(), widths={2: NAME_WIDTH, 4: 28, 11: 36})
    for row in person_list.member_rows(session, campaign, scope, as_of):
        named.append(row)
    wb.save(out)


# ---- DOCX -----------------------------------------------------------------------------------------

LEVEL_WIDTHS = (2.6, 1.6, 1.6, 1.7, 1.6, 1.6, 1.6, 1.6, 2.6)  # cm, 16,5 in all (the text width)
PERSONNEL_WIDTHS = (2.6, 1.6, 1.7, 1.75, 1.75, 1.75, 1.75, 1.75, 1.75)
TOPIC_WIDTHS = (5.5, 2.5, 2.8, 2.8, 2.8)
OVERDUE_WIDTHS = (6.5, 4.5, 3.0, 2.5)
FUNDING_SOURCE_WIDTH = 4.5  # cm; the levels and the total share the rest of the text width


def _funding_table(doc, para, levels: dict) -> None:
    """The funding by source per level (shared.funding), after the section's sentence; nothing without any."""
    n = format_number
    t = levels["all"]
    if not t.total:
        return
    para(_(
        "Trong đó Ủy ban nhân dân các cấp hỗ trợ %(pc)s đồng (tỉnh %(province)s, huyện %(district)s, xã %(commune)s), "
        "kinh phí công đoàn %(union)s đồng, nguồn khác %(other)s đồng, chưa rõ nguồn %(unsplit)s đồng.",
        pc=n(t.pc_total), province=n(t.pc_province), district=n(t.pc_district), commune=n(t.pc_commune),
        union=n(t.union), other=n(t.other), unsplit=n(t.unsplit),
    ))
    # One row per source, one column per level (amounts need the width: eight columns would wrap them).
    shown = [level for level, f in levels.items() if level != "all" and f.total] + ["all"]
    sources = [(_("UBND tỉnh"), "pc_province"), (_("UBND huyện"), "pc_district"), (_("UBND xã"), "pc_commune"),
               (_("Công đoàn"), "union"), (_("Nguồn khác"), "other"), (_("Chưa rõ nguồn"), "unsplit"),
               (_("Tổng (đồng)"), "total")]
    rows = [[label, *(n(getattr(levels[level], name)) for level in shown)] for label, name in sources]
    width = round((layout.TEXT_WIDTH_CM - FUNDING_SOURCE_WIDTH) / len(shown), 2) - 0.01
    layout.table(doc, [_("Nguồn"), *(LEVEL_LABELS[level] if level != "all" else _("Tổng cộng") for level in shown)],
                 rows, (FUNDING_SOURCE_WIDTH, *([width] * len(shown))))


def _chain(session: Session, scope: Unit) -> list[Unit]:
    return [*ancestors(session, scope), scope]


def _issuer(session: Session, scope: Unit, body: str) -> tuple[layout.Issuer, str, list[str]]:
    """(header, place, recipients) of the summary: Ban Dân vận of the provincial Party committee, or the
    union body of the scope (a grassroots scope: the provincial federation)."""
    chain = _chain(session, scope)
    root = chain[0]
    if body == "party":
        place = layout.place_of([root.name])
        issuer = layout.Issuer(superior=_("TỈNH ỦY %(place)s", place=place.upper()), name=_("BAN DÂN VẬN"),
                               number=_("Số:      -BC/BDVTU"), party=True)
        recipients = [_("Thường trực Tỉnh ủy (báo cáo)"), _("Ban Thường vụ Tỉnh ủy (báo cáo)"), _("Lưu Ban Dân vận.")]
        return issuer, place, recipients
    issuing = scope if scope.level != "grassroots" else root
    superior = _("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM") if issuing.level == "province" else root.name.upper()
    issuer = layout.Issuer(superior=superior, name=issuing.name.upper(), number=_("Số:      /BC-LĐLĐ"), party=False)
    place = layout.place_of([u.name for u in chain[:chain.index(issuing) + 1]] if issuing in chain else [root.name])
    recipients = [_("Ban Dân vận Tỉnh ủy (báo cáo)"), _("Ban Thường vụ (báo cáo)"), _("Lưu.")]
    return issuer, place, recipients


def write_docx(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, out: IO[bytes],
    filters: dash.Filters | None = None, body: str = "party", issued_on: dt.date | None = None,
) -> None:
    """The summary report: a party body (Ban Dân vận) uses the Party layout, a union body the State one."""
    from shared import clock

    filters = _export_filters(filters)
    issued_on = issued_on or clock.today()
    levels = progress_by_level(session, campaign, scope, as_of, sector=filters.sector, pilot_only=filters.pilot_only)
    people = dash.personnel_by_level(session, campaign, scope, as_of, filters)
    recs = dash.recommendation_counts(session, campaign, scope, as_of=as_of)

    doc = layout.new_document()
    issuer, place, recipients = _issuer(session, scope, body)
    layout.header(doc, issuer, place, issued_on)
    notes = [_("(Số liệu tính đến ngày %(date)s; phạm vi: %(scope)s)", date=format_date(as_of), scope=scope.name)]
    if filters.sector or filters.pilot_only:
        parts = [str(SECTOR_LABELS[filters.sector])] if filters.sector else []
        parts += [_("chỉ đại hội điểm")] if filters.pilot_only else []
        notes.append(_("Lọc: %(filters)s", filters=", ".join(parts)))
    layout.title(doc, _("BÁO CÁO"), _("Tiến độ, kết quả đại hội công đoàn các cấp nhiệm kỳ %(term)s", term=campaign.term),
                 *notes)
    heading, para = (lambda text: layout.heading(doc, text)), (lambda text: layout.paragraph(doc, text))

    n = format_number
    heading(_("I. TIẾN ĐỘ ĐẠI HỘI THEO CẤP"))
    level_rows = []
    for level in LEVEL_ORDER:
        c = levels[level]
        if not c.expected:
            continue
        level_rows.append([
            LEVEL_LABELS[level], n(c.expected), n(c.held), format_percent(c.held, c.expected), n(c.on_time), n(c.late),
            n(c.overdue), n(c.pending), f"{format_date(c.deadline)}\n({c.deadline_status.text})",
        ])
        para(_(
            "%(level)s: đã tổ chức %(held)s/%(expected)s đại hội (%(held_pct)s), trong đó đúng hạn %(on_time)s, "
            "trễ hạn %(late)s; quá hạn chưa tổ chức %(overdue)s; chưa đến hạn %(pending)s. "
            "Hạn chót %(deadline)s (%(days)s). "
            "Báo cáo kết quả: đã duyệt %(approved)s, chờ duyệt %(submitted)s, bị trả lại %(returned)s.",
            level=LEVEL_LABELS[level], held=n(c.held), expected=n(c.expected),
            held_pct=format_percent(c.held, c.expected), on_time=n(c.on_time), late=n(c.late), overdue=n(c.overdue),
            pending=n(c.pending), deadline=format_date(c.deadline), days=c.deadline_status.text,
            approved=n(c.approved), submitted=n(c.submitted), returned=n(c.returned),
        ))
    layout.table(doc, [_("Cấp"), _("Phải tổ chức"), _("Đã tổ chức"), _("Tỷ lệ"), _("Đúng hạn"), _("Trễ hạn"),
                       _("Quá hạn"), _("Chưa đến hạn"), _("Hạn chót")], level_rows, LEVEL_WIDTHS)

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
    layout.table(doc, [_("Cấp"), _("Số BCH"), _("Ủy viên"), _("Nữ"), _("Trẻ"), _("Đảng viên"), _("DTTS"), _("Tái cử"),
                       _("Mới")], person_rows, PERSONNEL_WIDTHS)

    heading(_("IV. KIẾN NGHỊ, ĐỀ XUẤT CỦA ĐOÀN VIÊN, NGƯỜI LAO ĐỘNG"))
    t = recs["total"]
    para(_(
        "Các đại hội đã tổng hợp %(total)s kiến nghị; đã giải quyết %(resolved)s, đang giải quyết %(in_progress)s, "
        "chưa giải quyết %(open)s.",
        total=n(t["total"]), resolved=n(t["resolved"]), in_progress=n(t["in_progress"]), open=n(t["open"]),
    ))
    layout.table(
        doc, [_("Chủ đề"), _("Tổng số"), _("Chưa giải quyết"), _("Đang giải quyết"), _("Đã giải quyết")],
        [[label, n(recs[k]["total"]), n(recs[k]["open"]), n(recs[k]["in_progress"]), n(recs[k]["resolved"])]
         for k, label in dash.TOPIC_LABELS.items() if recs[k]["total"]],
        TOPIC_WIDTHS,
    )

    heading(_("V. PHONG TRÀO THI ĐUA CHÀO MỪNG ĐẠI HỘI, KINH PHÍ HỖ TRỢ"))
    all_people = dash.total_personnel(people.values())
    para(_(
        "Có %(works)s công trình, sản phẩm chào mừng đại hội với tổng giá trị %(value)s đồng; %(exemplary)s điển "
        "hình tiên tiến được biểu dương; kinh phí hỗ trợ đại hội %(funding)s đồng.",
        works=n(all_people.works), value=n(all_people.works_value), exemplary=n(all_people.exemplary),
        funding=n(all_people.funding),
    ))
    _funding_table(doc, para, funding.by_level(session, campaign, scope, as_of, sector=filters.sector,
                                                pilot_only=filters.pilot_only))

    heading(_("VI. ĐƠN VỊ QUÁ HẠN CHƯA TỔ CHỨC ĐẠI HỘI"))
    overdue = replace(filters, level=None, state="overdue", report=None, q="")
    overdue_rows = [
        [r.unit.name, r.district or "", LEVEL_LABELS[r.unit.level], n(r.days_late)]
        for r in dash.iter_units(session, campaign, scope, as_of, overdue)
    ]
    if overdue_rows:
        para(_("Còn %(count)s đơn vị quá hạn chưa tổ chức đại hội:", count=n(len(overdue_rows))))
        layout.table(doc, [_("Đơn vị"), _("Đơn vị cấp trên"), _("Cấp"), _("Số ngày quá hạn")], overdue_rows,
                     OVERDUE_WIDTHS, text_columns=3)
    else:
        para(_("Không có đơn vị nào quá hạn chưa tổ chức đại hội."))

    heading(_("VII. ĐỀ XUẤT"))
    para(_("1. Đề nghị Ban Thường vụ Tỉnh ủy tiếp tục chỉ đạo các cấp ủy hoàn thành đại hội công đoàn đúng tiến độ."))
    para(_("2. Đề nghị Ủy ban nhân dân tỉnh chỉ đạo giải quyết các kiến nghị của đoàn viên, người lao động nêu trên."))
    para("3. ...")

    # Ban Dân vận is an advisory commission headed by one person: its head signs in that title. A union's
    # standing committee is a collective body: its president signs on its behalf.
    capacity = [_(m) for m in layout.ADVISORY_HEAD] if body == "party" else [_("TM. BAN THƯỜNG VỤ"), _("CHỦ TỊCH")]
    layout.signature(doc, capacity, recipients=recipients)
    doc.save(out)
