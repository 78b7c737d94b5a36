"""Opening the files we produce as the offices do: LibreOffice headless converts them (to PDF, or every
sheet to CSV), pypdf reads the PDF back. Missing LibreOffice fails the test that needs it (never a skip):
the tests would otherwise pass on a machine that cannot check what they claim."""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

PACKAGES = "libreoffice-writer-nogui libreoffice-calc-nogui (Debian: apt-get install -y libreoffice-writer-nogui " \
           "libreoffice-calc-nogui)"
# Every sheet to its own UTF-8 CSV (the last field, -1, means all sheets: LibreOffice 7.2 and later).
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
A4_POINTS = (595.3, 841.9)
# Dates, grouped figures (1.234.567), shares (92,5 %) and whole numbers of two digits or more, as tokens.
FIGURE = re.compile(r"\d{2}/\d{2}/\d{4}|(?<![\d.,/])\d{1,3}(?:\.\d{3})+(?![\d/])|(?<![\d.,/])\d+,\d+ %"
                    r"|(?<![\d.,/])\d{2,}(?![\d.,/])")


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail(f"LibreOffice is needed to check the documents as offices open them: install {PACKAGES}")
    # The documents are set in Times New Roman; without it or its metric twin Liberation Serif, LibreOffice
    # lays them out in a wider font and the widths checked here mean nothing.
    match = subprocess.run(["fc-match", "-f", "%{family}", "Times New Roman"], capture_output=True, text=True)
    if not any(name in match.stdout for name in ("Times New Roman", "Liberation Serif")):
        pytest.fail("Times New Roman or Liberation Serif is needed to lay the documents out as offices do: "
                    "install fonts-liberation2 (Debian: apt-get install -y fonts-liberation2)")
    return path


def convert(files: list[Path], target: str, outdir: Path, profile: Path) -> None:
    """Convert `files` in one LibreOffice run with a private profile (parallel runs do not share one)."""
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    """(width, height in points, text) of every page; no-break spaces read as spaces."""
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height), (p.extract_text() or "").replace("\xa0", " "))
            for p in PdfReader(str(path)).pages]


def is_a4(width: float, height: float) -> bool:
    """A4 in either orientation, to the point."""
    return sorted((round(width, 1), round(height, 1))) == sorted(A4_POINTS)


def figures(text: str) -> Counter:
    return Counter(FIGURE.findall(text.replace("\xa0", " ")))


def broken_figures(source_text: str, rendered_text: str) -> dict[str, tuple[int, int]]:
    """Figures of the source that the rendering shows fewer times whole: {figure: (in source, rendered)}."""
    rendered = figures(rendered_text)
    return {k: (n, rendered[k]) for k, n in figures(source_text).items() if rendered[k] < n}


def docx_text(path: Path) -> str:
    """Every paragraph and table cell (a merged cell once) of a DOCX."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    parts.append(cell.text)
    return "\n".join(parts)
