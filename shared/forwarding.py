"""The consolidated list of recommendations forwarded to one addressee body: an XLSX (shared.xlsx) and an A4
letter (shared.docx_layout) from the forwarding body (Ban Dân vận in the Party layout, a union in the State
one) asking for an answer by each recommendation's due date."""
from __future__ import annotations

from sqlalchemy.orm import Session

from shared import clock
from shared import docx_layout as layout
from shared.i18n import _
from shared.models import Addressee, Campaign, Recommendation, Unit
from shared.text import format_date
from shared.units import ancestors
from shared.vocabulary import REC_STATUS_LABELS, TOPIC_LABELS
from shared.xlsx import Workbook


def _headers() -> list[str]:
    return [_("STT"), _("Đơn vị kiến nghị"), _("Chủ đề"), _("Nội dung kiến nghị"), _("Hạn trả lời"), _("Tình trạng"),
            _("Ngày trả lời"), _("Số văn bản"), _("Nội dung trả lời")]


def xlsx_bytes(campaign: Campaign, body: Addressee, rows: list[tuple[Recommendation, Unit]]) -> bytes:
    wb = Workbook()
    sheet = wb.sheet(_("Kiến nghị"), _headers(),
                     title_row=_("Kiến nghị gửi %(body)s · nhiệm kỳ %(term)s", body=body.name, term=campaign.term),
                     widths={1: 6, 2: 30, 3: 16, 4: 50, 9: 50})
    for n, (rec, unit) in enumerate(rows, 1):
        sheet.append([n, unit.name, str(TOPIC_LABELS[rec.topic]), rec.text, rec.due_date, str(REC_STATUS_LABELS[rec.status]),
                      rec.answered_on, rec.answer_number or "", rec.answer_text or ""])
    sheet.append([])
    sheet.append([_("Tổng số: %(n)s kiến nghị · lập ngày %(date)s", n=len(rows), date=format_date(clock.today()))])
    return wb.to_bytes()


def docx_bytes(session: Session, campaign: Campaign, body: Addressee, rows: list[tuple[Recommendation, Unit]], *,
               sender: Unit, party: bool) -> bytes:
    """The letter: header of the sender, "V/v" line, the request, the table, the signature block."""
    chain = [*ancestors(session, sender), sender]
    root = chain[0]
    if party:
        place = layout.place_of([root.name])
        issuer = layout.Issuer(superior=_("TỈNH ỦY %(place)s", place=place.upper()), name=_("BAN DÂN VẬN"),
                               number=_("Số:      -CV/BDVTU"), party=True)
        capacity = [_(m) for m in layout.ADVISORY_HEAD]
    else:
        superior = _("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM") if sender.level == "province" else root.name.upper()
        issuer = layout.Issuer(superior=superior, name=sender.name.upper(), number=_("Số:      /CV-LĐLĐ"), party=False)
        place = layout.place_of([u.name for u in chain])
        capacity = [_("TM. BAN THƯỜNG VỤ"), _("CHỦ TỊCH")]
    doc = layout.new_document()
    layout.header(doc, issuer, place, clock.today())
    layout.line(doc, _("V/v chuyển kiến nghị của đoàn viên, người lao động"), italic=True, align="left", size=12)
    doc.add_paragraph()
    layout.line(doc, _("Kính gửi: %(body)s", body=body.name), bold=True)
    doc.add_paragraph()
    layout.paragraph(doc, _(
        "Qua đại hội công đoàn các cấp nhiệm kỳ %(term)s, đoàn viên, người lao động đã nêu %(n)s kiến nghị, đề xuất "
        "thuộc thẩm quyền giải quyết của quý cơ quan (danh sách kèm theo). Đề nghị quý cơ quan xem xét, trả lời "
        "trước hạn ghi ở từng kiến nghị, nêu rõ tình trạng giải quyết, nội dung, ngày và số văn bản trả lời.",
        term=campaign.term, n=len(rows)))
    layout.heading(doc, _("DANH SÁCH KIẾN NGHỊ"))
    layout.table(
        doc, [_("STT"), _("Đơn vị kiến nghị"), _("Chủ đề"), _("Nội dung kiến nghị"), _("Hạn trả lời")],
        [(n, unit.name, str(TOPIC_LABELS[rec.topic]), rec.text, format_date(rec.due_date))
         for n, (rec, unit) in enumerate(rows, 1)],
        (1.1, 3.8, 2.6, 6.4, 2.5), text_columns=4,
    )
    layout.signature(doc, capacity, recipients=[_("Như trên"), _("Lưu.")])
    return layout.to_bytes(doc)
