"""Rules every template keeps."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_download_link_leaves_htmx_boosting_alone():
    """A boosted link fetches its target as a page to swap in: a file link must carry hx-boost="false" (with
    `download`) or the browser never saves the file."""
    import re

    offences = []
    for path in sorted((ROOT / "portal").rglob("*.html")):
        for m in re.finditer(r"<a\b[^>]*>", path.read_text(encoding="utf-8")):
            tag = m.group(0)
            if re.search(r"\sdownload[\s>=]", tag) and 'hx-boost="false"' not in tag:
                offences.append(f"{path.relative_to(ROOT)}: {tag[:80]}")
    assert offences == []
