"""The blank forms units need (congress plan, result report, minutes) as DOCX, generated from the
same field list the portal's report uses, so the paper and the screen ask the same questions."""
from __future__ import annotations

from shared.i18n import _, lazy_gettext

PLAN_ROWS = (
    ("planned_date", lazy_gettext("Ngày dự kiến tổ chức đại hội")),
    ("form", lazy_gettext("Hình thức đại hội (toàn thể / đại biểu)")),
    ("meeting_mode", lazy_gettext("Cách thức tổ chức (trực tiếp / trực tuyến / kết hợp)")),
    ("is_pilot", lazy_gettext("Là đại hội điểm (có / không)")),
    ("planned_summoned", lazy_gettext("Số đoàn viên / đại biểu được triệu tập dự kiến")),
    ("planned_executive_size", lazy_gettext("Số lượng Ban Chấp hành dự kiến")),
)
RESULT_ROWS = (
    ("held_date", lazy_gettext("Ngày tổ chức đại hội")),
    ("members_total", lazy_gettext("Tổng số đoàn viên")),
    ("summoned", lazy_gettext("Số đoàn viên / đại biểu được triệu tập")),
    ("present", lazy_gettext("Số có mặt")),
    ("executive_size", lazy_gettext("Số ủy viên Ban Chấp hành được bầu")),
    ("executive_women", lazy_gettext("  trong đó: nữ")),
    ("executive_young", lazy_gettext("  trẻ tuổi")),
    ("executive_party", lazy_gettext("  đảng viên")),
    ("executive_ethnic_minority", lazy_gettext("  dân tộc thiểu số")),
    ("executive_reelected", lazy_gettext("  tái cử")),
    ("executive_new", lazy_gettext("  tham gia lần đầu")),
    ("executive_from_plan", lazy_gettext("  trong quy hoạch, đề án nhân sự")),
    ("fulltime_not_reelected_age", lazy_gettext("Cán bộ chuyên trách không tái cử do tuổi")),
    ("standing_size", lazy_gettext("Số ủy viên Ban Thường vụ")),
    ("inspection_size", lazy_gettext("Số ủy viên Ủy ban Kiểm tra")),
    ("delegates_official", lazy_gettext("Đại biểu chính thức dự đại hội cấp trên")),
    ("delegates_alternate", lazy_gettext("Đại biểu dự khuyết")),
    ("works_count", lazy_gettext("Số công trình, sản phẩm chào mừng đại hội")),
    ("works_value_vnd", lazy_gettext("Tổng giá trị công trình, sản phẩm (đồng)")),
    ("exemplary_count", lazy_gettext("Số điển hình tiên tiến được biểu dương")),
    ("funding_vnd", lazy_gettext("Kinh phí hỗ trợ (đồng)")),
)
MINUTES_SECTIONS = (
    lazy_gettext("Thời gian, địa điểm, cách thức tổ chức"),
    lazy_gettext("Thành phần dự đại hội (số được triệu tập, số có mặt, khách mời)"),
    lazy_gettext("Đoàn Chủ tịch, Đoàn Thư ký, Ban Thẩm tra tư cách đại biểu"),
    lazy_gettext("Báo cáo tổng kết nhiệm kỳ và phương hướng nhiệm kỳ mới; ý kiến thảo luận"),
    lazy_gettext("Bầu cử Ban Chấp hành (số lượng, kết quả kiểm phiếu, tỷ lệ phiếu bầu)"),
    lazy_gettext("Bầu Chủ tịch, Phó Chủ tịch, Ủy ban Kiểm tra"),
    lazy_gettext("Bầu đại biểu dự đại hội cấp trên"),
    lazy_gettext("Kiến nghị, đề xuất của đoàn viên, người lao động"),
    lazy_gettext("Thông qua nghị quyết đại hội; bế mạc"),
)

TEMPLATES = {
    "ke-hoach-dai-hoi": lazy_gettext("Kế hoạch tổ chức đại hội công đoàn"),
    "bao-cao-ket-qua-dai-hoi": lazy_gettext("Báo cáo kết quả đại hội công đoàn"),
    "bien-ban-dai-hoi": lazy_gettext("Biên bản đại hội công đoàn"),
}


FIELD_WIDTHS = (9.5, 7.0)  # cm: the label, room to write


def build(key: str, term: str) -> bytes:
    """The DOCX of one template in the user's language; KeyError for an unknown key. A union's document:
    the State layout's header with blanks for the union's name, number, place and date."""
    from shared import docx_layout as layout

    title = str(TEMPLATES[key])
    doc = layout.new_document()
    issuer = layout.Issuer(superior=_("CÔNG ĐOÀN CẤP TRÊN ........................"),
                           name=_("CÔNG ĐOÀN ........................"), number=_("Số: ....../....."), party=False)
    layout.header(doc, issuer, "............", None)
    doc.add_paragraph()
    head = layout.line(doc, "", bold=True, size=14)
    head.runs[0].text = f"{title.upper()}\n" + _("Nhiệm kỳ %(term)s", term=term)
    doc.add_paragraph()
    if key == "bien-ban-dai-hoi":
        for i, section in enumerate(MINUTES_SECTIONS, start=1):
            layout.heading(doc, f"{i}. {section}")
            layout.paragraph(doc, "." * 90, indent=False)
    else:
        rows = PLAN_ROWS if key == "ke-hoach-dai-hoi" else RESULT_ROWS
        layout.table(doc, [_("Nội dung"), _("Số liệu / thông tin")], [[label, ""] for _field, label in rows],
                     FIELD_WIDTHS, text_columns=2, size=layout.FONT_SIZE)
        if key == "bao-cao-ket-qua-dai-hoi":
            layout.heading(doc, _("Chủ tịch, Phó Chủ tịch, Chủ nhiệm Ủy ban Kiểm tra (họ tên, tỷ lệ phiếu bầu)"))
            layout.paragraph(doc, "." * 90, indent=False)
            layout.heading(doc, _("Kiến nghị, đề xuất (lĩnh vực, nội dung, nơi nhận)"))
            layout.paragraph(doc, "." * 90, indent=False)
    layout.signature(doc, [_("TM. BAN CHẤP HÀNH"), _("CHỦ TỊCH")], left_title=_("Người lập biểu"))
    return layout.to_bytes(doc)
