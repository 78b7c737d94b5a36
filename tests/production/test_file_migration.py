"""Migration 0006f: the files of an existing installation move into the database, and back out again."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from shared.db import make_engine, make_session_factory
from shared.migrate import downgrade, upgrade
from shared.models import Attachment, Campaign, CongressReport, FileChunk, StoredFile
from shared.units import create_unit

BIG = b"%PDF-1.4\n" + bytes(range(256)) * 3000 + b"%%EOF\n"  # 750 KB: 3 chunks of at most 256 KB
SMALL = b"%PDF-1.4\nscan\n%%EOF\n"


def test_upgrade_moves_uploaded_files_in_and_downgrade_writes_them_back(fresh_url, tmp_path, monkeypatch):
    uploads = tmp_path / "uploads"
    monkeypatch.setenv("DAIHOI_UPLOAD_FOLDER", str(uploads))
    upgrade(fresh_url, "0005p")
    engine = make_engine(fresh_url)
    with make_session_factory(engine)() as s:
        province = create_unit(s, code="P", name="Tỉnh", level="province", parent=None)
        unit = create_unit(s, code="G1", name="Công đoàn cơ sở", level="grassroots", parent=province)
        campaign = Campaign(name="Nhiệm kỳ", term="2023-2028", start_date=dt.date(2023, 1, 1),
                            deadline_grassroots=dt.date(2023, 5, 31), deadline_district=dt.date(2023, 7, 31),
                            deadline_province=dt.date(2023, 10, 31))
        s.add(campaign)
        s.flush()
        report = CongressReport(campaign_id=campaign.id, unit_id=unit.id, status="draft")
        s.add(report)
        s.flush()
        for key in ("a" * 40, "b" * 40):  # b: its file was lost before the upgrade
            s.add(Attachment(report_id=report.id, kind="minutes", filename=f"{key[0]}.pdf", content_type="application/pdf",
                             size=len(BIG), sha256="0" * 64, storage_key=key))
        s.add(StoredFile(filename="scan.pdf", content_type="application/pdf", size=len(SMALL), sha256="0" * 64,
                         storage_key="c" * 32))
        s.commit()
    (uploads / "party").mkdir(parents=True)
    (uploads / ("a" * 40)).write_bytes(BIG)
    (uploads / "party" / ("c" * 32)).write_bytes(SMALL)

    upgrade(fresh_url, "0006f")
    with make_session_factory(engine)() as s:
        def stored(key):
            return b"".join(s.scalars(select(FileChunk.data).where(FileChunk.storage_key == key).order_by(FileChunk.seq)))

        assert stored("a" * 40) == BIG and stored("c" * 32) == SMALL and stored("b" * 40) == b""
        assert s.scalar(select(FileChunk.seq).where(FileChunk.storage_key == "a" * 40).order_by(FileChunk.seq.desc())) == 2  # in 3 chunks

    for path in (uploads / ("a" * 40), uploads / "party" / ("c" * 32)):
        path.unlink()  # e.g. removed after the upgrade, as the docstring allows
    downgrade(fresh_url, "0005p")
    assert (uploads / ("a" * 40)).read_bytes() == BIG
    assert (uploads / "party" / ("c" * 32)).read_bytes() == SMALL
    assert not (uploads / ("b" * 40)).exists()
    engine.dispose()
