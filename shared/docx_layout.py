"""The layout every DOCX of the project shares (the dashboard summary, the level-report draft, the blank
forms): the page, the header block, the title, tables whose figures never break, the signature block.

The page follows the administrative documents' rules: A4 (21 x 29,7 cm), top and bottom margins 2 cm,
left 3 cm, right 1,5 cm, Times New Roman 13 (Nghị định 30/2020/NĐ-CP for State and union bodies,
Hướng dẫn 36-HD/VPTW for Party bodies: top/bottom 2-2,5 cm, left 3-3,5 cm, right 1,5-2 cm, 13-14 pt).
A Party body's header has its superior committee and its own name on the left with a star under them,
and "ĐẢNG CỘNG SẢN VIỆT NAM" on the right over the place-and-date line; a State or union body's has the
national motto on the right instead.

LibreOffice (what most offices open these files with) does not widen a table column to fit a figure: it
breaks "31/05/2023" into "31/05/2" and "023". Every table here has fixed column widths, set on the grid
and on every cell (LibreOffice reads the cells'), wide enough for a date at the table's font size, and a
percentage keeps its sign on the figure's line (a no-break space)."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from shared.i18n import _, N_

FONT = "Times New Roman"
FONT_SIZE = 13  # pt, body text
TABLE_FONT_SIZE = 11  # pt, figures in tables
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7  # A4
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGINS_CM["left"] - MARGINS_CM["right"]  # 16,5 cm
NBSP = "\u00a0"

# The union federations' names carry their place: "Liên đoàn Lao động thành phố Rạch Giá" -> "Rạch Giá".
# Matched against units' (Vietnamese) names: data, not interface.
PLACE_PREFIXES = tuple(
    "Liên đoàn Lao động " + kind  # noqa: i18n
    for kind in ("tỉnh ", "thành phố ", "thị xã ", "quận ", "huyện ", "")  # noqa: i18n
)

# Who signs. A collective body signs "on behalf of" (T/M, TM.); an advisory commission of a Party
# committee (Ban Dân vận) is headed by one person and signs in that person's title.
ADVISORY_HEAD = (N_("TRƯỞNG BAN"),)
ADVISORY_DEPUTY = (N_("K/T TRƯỞNG BAN"), N_("PHÓ TRƯỞNG BAN"))


@dataclass
class Issuer:
    """The header's left column: the superior body, the issuing body, the document number."""

    superior: str
    name: str
    number: str
    party: bool  # Party layout (star, "ĐẢNG CỘNG SẢN VIỆT NAM") or State layout (the national motto)


def place_of(names: Sequence[str]) -> str:
    """The place for the date line from a chain of unit names (root first): the nearest one that names
    a place ("Liên đoàn Lao động huyện Giồng Riềng" -> "Giồng Riềng"), else the root's name."""
    for name in reversed(names):
        for prefix in PLACE_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix):
                return name[len(prefix):]
    return names[0] if names else ""


def date_parts(day: dt.date) -> dict[str, str]:
    """The parts of an administrative date line: day and month on two digits."""
    return {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": str(day.year)}


def date_line(place: str, day: dt.date | None) -> str:
    """'Rạch Giá, ngày 05 tháng 06 năm 2023'; without a day, the blanks a clerk fills in."""
    if day is None:
        return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s", place=place, day="....", month="....",
                 year="......")
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s", place=place, **date_parts(day))


def keep_figures(text: Any) -> str:
    """Text whose percentages never leave their sign on the next line."""
    return str(text).replace(" %", NBSP + "%")


# ---- the page ---------------------------------------------------------------------------------------


def _set_font(style, size: int | None = None, bold: bool | None = None) -> None:
    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):  # Vietnamese letters use every slot
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold


def new_document() -> DocumentObject:
    """An empty document on A4 portrait with the administrative margins and font."""
    doc = Document()
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
        section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    normal = doc.styles["Normal"]
    _set_font(normal, FONT_SIZE)
    normal.paragraph_format.space_after = Pt(3)
    for name in ("List Bullet", "Table Grid"):
        _set_font(doc.styles[name])
    for level in (1, 2, 3):  # should a heading style be used, it looks like the rest of the document
        style = doc.styles[f"Heading {level}"]
        _set_font(style, FONT_SIZE, bold=True)
        style.font.color.rgb = None
        style.font.italic = False
    return doc


def to_bytes(doc: DocumentObject) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def line(container, text: Any, *, bold: bool = False, italic: bool = False, underline: bool = False,
         size: int | None = None, align: str = "center", first: bool = False):
    """One paragraph of a header, title or signature block (`first`: the cell's own empty paragraph)."""
    p = container.paragraphs[0] if first else container.add_paragraph()
    run = p.add_run(keep_figures(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    p.paragraph_format.space_after = Pt(0)
    return p


def heading(doc: DocumentObject, text: Any) -> None:
    """A section heading ("I. TIẾN ĐỘ ..."): bold body text, as the administrative layout has it."""
    p = doc.add_paragraph()
    p.add_run(str(text)).bold = True
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True


def paragraph(doc: DocumentObject, text: Any, *, indent: bool = True, style: str | None = None):
    """Body text: justified, first line indented 1 cm."""
    p = doc.add_paragraph(keep_figures(text), style=style)
    if indent and style is None:
        p.paragraph_format.first_line_indent = Cm(1)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def _fixed_widths(table, widths_cm: Sequence[float]) -> None:
    """Column widths LibreOffice and Word both keep: the grid, every cell, a fixed layout."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _frame(doc: DocumentObject, widths_cm: Sequence[float]):
    """A borderless one-row table across the text width (header and signature blocks)."""
    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, widths_cm)
    return table.rows[0].cells


def header(doc: DocumentObject, issuer: Issuer, place: str, day: dt.date | None) -> None:
    """The header block: issuer and number on the left; the Party's name or the national motto, then
    the place and date, on the right."""
    left, right = _frame(doc, (7.0, TEXT_WIDTH_CM - 7.0) if issuer.party else (6.5, TEXT_WIDTH_CM - 6.5))
    if issuer.party:
        line(left, issuer.superior, size=14, first=True)
        line(left, issuer.name, bold=True, size=14)
        line(left, "*")
        line(left, issuer.number, size=14)
        line(right, _("ĐẢNG CỘNG SẢN VIỆT NAM"), bold=True, underline=True, size=15, first=True)
        line(right, "")
    else:
        line(left, issuer.superior, size=13, first=True)
        line(left, issuer.name, bold=True, size=13)
        line(left, issuer.number, size=13)
        line(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=13, first=True)
        line(right, _("Độc lập - Tự do - Hạnh phúc"), bold=True, underline=True, size=14)
    line(right, date_line(place, day), italic=True, size=14)


def title(doc: DocumentObject, kind: Any, subject: Any, *notes: Any) -> None:
    """'BÁO CÁO' and what it is about, centred; `notes` in italics under them."""
    doc.add_paragraph()
    line(doc, kind, bold=True, size=15)
    line(doc, subject, bold=True, size=14)
    for note in notes:
        line(doc, note, italic=True)
    doc.add_paragraph()


def table(doc: DocumentObject, headers: Sequence[Any], rows: Iterable[Sequence[Any]], widths_cm: Sequence[float], *,
          text_columns: int = 1, size: int = TABLE_FONT_SIZE):
    """A gridded table with fixed column widths (summing to at most the text width). The first
    `text_columns` columns are text (left-aligned), the others figures (centred). The header row
    repeats on every page."""
    assert len(headers) == len(widths_cm) and sum(widths_cm) <= TEXT_WIDTH_CM + 0.01, (len(headers), sum(widths_cm))
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER

    def fill(cell, text: Any, *, bold: bool = False, index: int) -> None:
        p = cell.paragraphs[0]
        run = p.add_run(keep_figures("" if text is None else text))
        run.bold = bold
        run.font.size = Pt(size)
        p.paragraph_format.space_after = Pt(0)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if index < text_columns and not bold else WD_ALIGN_PARAGRAPH.CENTER

    head = t.rows[0]
    for i, (cell, text) in enumerate(zip(head.cells, headers)):
        fill(cell, text, bold=True, index=i)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        for i, (cell, text) in enumerate(zip(t.add_row().cells, values)):
            fill(cell, text, index=i)
    _fixed_widths(t, widths_cm)
    doc.add_paragraph()
    return t


def signature(doc: DocumentObject, capacity: Sequence[Any], *, recipients: Sequence[Any] = (),
              left_title: Any = None, signer: str = "") -> None:
    """The closing block: recipients ("Nơi nhận:") or another title on the left; on the right the
    capacity in which the document is signed ("T/M BAN THƯỜNG VỤ" / "BÍ THƯ"; "TRƯỞNG BAN"), room for
    the signature and seal, and the signer's name."""
    doc.add_paragraph()
    left, right = _frame(doc, (7.5, TEXT_WIDTH_CM - 7.5))
    if recipients:
        line(left, _("Nơi nhận:"), bold=True, italic=True, size=12, align="left", first=True)
        for who in recipients:
            line(left, f"- {who}", size=11, align="left")
    elif left_title:
        line(left, left_title, bold=True, size=13, first=True)
    for i, text in enumerate(capacity):
        line(right, text, bold=True, size=14, first=i == 0)
    for _blank in range(4):
        line(right, "")
    line(right, signer, bold=True, size=14)
