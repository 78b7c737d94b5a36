"""The blank forms units need (congress plan, result report, minutes) as DOCX, generated from the
same field list the portal's report uses, so the paper and the screen ask the same questions."""
from __future__ import annotations

import io

PLAN_ROWS = (
    ("planned_date", "Ngày dự kiến tổ chức đại hội"),
    ("form", "Hình thức đại hội (toàn thể / đại biểu)"),
    ("meeting_mode", "Cách thức tổ chức (trực tiếp / trực tuyến / kết hợp)"),
    ("is_pilot", "Là đại hội điểm (có / không)"),
    ("planned_summoned", "Số đoàn viên / đại biểu được triệu tập dự kiến"),
    ("planned_executive_size", "Số lượng Ban Chấp hành dự kiến"),
)
RESULT_ROWS = (
    ("held_date", "Ngày tổ chức đại hội"),
    ("members_total", "Tổng số đoàn viên"),
    ("summoned", "Số đoàn viên / đại biểu được triệu tập"),
    ("present", "Số có mặt"),
    ("executive_size", "Số ủy viên Ban Chấp hành được bầu"),
    ("executive_women", "  trong đó: nữ"),
    ("executive_young", "  trẻ tuổi"),
    ("executive_party", "  đảng viên"),
    ("executive_ethnic_minority", "  dân tộc thiểu số"),
    ("executive_reelected", "  tái cử"),
    ("executive_new", "  tham gia lần đầu"),
    ("executive_from_plan", "  trong quy hoạch, đề án nhân sự"),
    ("fulltime_not_reelected_age", "Cán bộ chuyên trách không tái cử do tuổi"),
    ("standing_size", "Số ủy viên Ban Thường vụ"),
    ("inspection_size", "Số ủy viên Ủy ban Kiểm tra"),
    ("delegates_official", "Đại biểu chính thức dự đại hội cấp trên"),
    ("delegates_alternate", "Đại biểu dự khuyết"),
    ("works_count", "Số công trình, sản phẩm chào mừng đại hội"),
    ("works_value_vnd", "Tổng giá trị công trình, sản phẩm (đồng)"),
    ("exemplary_count", "Số điển hình tiên tiến được biểu dương"),
    ("funding_vnd", "Kinh phí hỗ trợ (đồng)"),
)
MINUTES_SECTIONS = (
    "Thời gian, địa điểm, cách thức tổ chức",
    "Thành phần dự đại hội (số được triệu tập, số có mặt, khách mời)",
    "Đoàn Chủ tịch, Đoàn Thư ký, Ban Thẩm tra tư cách đại biểu",
    "Báo cáo tổng kết nhiệm kỳ và phương hướng nhiệm kỳ mới; ý kiến thảo luận",
    "Bầu cử Ban Chấp hành (số lượng, kết quả kiểm phiếu, tỷ lệ phiếu bầu)",
    "Bầu Chủ tịch, Phó Chủ tịch, Ủy ban Kiểm tra",
    "Bầu đại biểu dự đại hội cấp trên",
    "Kiến nghị, đề xuất của đoàn viên, người lao động",
    "Thông qua nghị quyết đại hội; bế mạc",
)

TEMPLATES = {
    "ke-hoach-dai-hoi": "Kế hoạch tổ chức đại hội công đoàn",
    "bao-cao-ket-qua-dai-hoi": "Báo cáo kết quả đại hội công đoàn",
    "bien-ban-dai-hoi": "Biên bản đại hội công đoàn",
}


def build(key: str, term: str) -> bytes:
    """The DOCX of one template; KeyError for an unknown key."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title = TEMPLATES[key]
    doc = Document()
    doc.add_paragraph("CÔNG ĐOÀN ...........................................\nSố: ....../.....")
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(f"{title.upper()}\nNhiệm kỳ {term}").bold = True
    if key == "bien-ban-dai-hoi":
        for i, section in enumerate(MINUTES_SECTIONS, start=1):
            doc.add_heading(f"{i}. {section}", level=2)
            doc.add_paragraph("." * 90)
    else:
        rows = PLAN_ROWS if key == "ke-hoach-dai-hoi" else RESULT_ROWS
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Nội dung", "Số liệu / thông tin"
        for _field, label in rows:
            cells = table.add_row().cells
            cells[0].text = label
        if key == "bao-cao-ket-qua-dai-hoi":
            doc.add_heading("Chủ tịch, Phó Chủ tịch, Chủ nhiệm Ủy ban Kiểm tra (họ tên, tỷ lệ phiếu bầu)", level=2)
            doc.add_paragraph("." * 90)
            doc.add_heading("Kiến nghị, đề xuất (lĩnh vực, nội dung, nơi nhận)", level=2)
            doc.add_paragraph("." * 90)
    doc.add_paragraph("\nNgười lập biểu\t\t\t\tTM. BAN CHẤP HÀNH")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
