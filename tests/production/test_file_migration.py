"""Migration 0006f: the files of an existing installation move into the database, and back out again."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from shared.db import make_engine, make_session_factory
from shared.migrate import downgrade, upgrade
from shared.models import FileChunk

BIG = b"%PDF-1.4\n" + bytes(range(256)) * 3000 + b"%%EOF\n"  # 750 KB: 3 chunks of at most 256 KB
SMALL = b"%PDF-1.4\nscan\n%%EOF\n"


def test_upgrade_moves_uploaded_files_in_and_downgrade_writes_them_back(fresh_url, tmp_path, monkeypatch):
    uploads = tmp_path / "uploads"
    monkeypatch.setenv("DAIHOI_UPLOAD_FOLDER", str(uploads))
    upgrade(fresh_url, "0005p")
    engine = make_engine(fresh_url)
    # Rows written as revision 0005p's schema has them (plain SQL: today's models have later columns).
    with engine.begin() as conn:
        now = dt.datetime(2023, 3, 1, 8, 0)
        conn.execute(text(
            "INSERT INTO units (id, code, name, name_folded, level, parent_id, path, sector, members_count, active, "
            "created_at) VALUES (1, 'P', 'Tỉnh', 'tinh', 'province', NULL, '00000001/', 'state', 0, :t, :now), "
            "(2, 'G1', 'Công đoàn cơ sở', 'cong doan co so', 'grassroots', 1, '00000001/00000002/', 'state', 0, :t, :now)"
        ), {"t": True, "now": now})
        conn.execute(text(
            "INSERT INTO campaigns (id, name, term, start_date, deadline_grassroots, deadline_district, "
            "deadline_province, members_threshold, youth_age, target_women_pct, target_young_pct, target_party_pct, "
            "closed, level_report_grace_days, created_at) VALUES (1, 'Nhiệm kỳ', '2023-2028', :s, :g, :d, :p, 150, 35, "
            "30, 15, 50, :f, 15, :now)"
        ), {"s": dt.date(2023, 1, 1), "g": dt.date(2023, 5, 31), "d": dt.date(2023, 7, 31),
            "p": dt.date(2023, 10, 31), "f": False, "now": now})
        conn.execute(text(
            "INSERT INTO congress_reports (id, campaign_id, unit_id, status, is_pilot, meeting_mode, version, "
            "created_at, updated_at) VALUES (1, 1, 2, 'draft', :f, 'in_person', 1, :now, :now)"
        ), {"f": False, "now": now})
        for key in ("a" * 40, "b" * 40):  # b: its file was lost before the upgrade
            conn.execute(text(
                "INSERT INTO attachments (report_id, kind, filename, content_type, size, sha256, storage_key, "
                "uploaded_at) VALUES (1, 'minutes', :name, 'application/pdf', :size, :sha, :key, :now)"
            ), {"name": f"{key[0]}.pdf", "size": len(BIG), "sha": "0" * 64, "key": key, "now": now})
        conn.execute(text(
            "INSERT INTO stored_files (filename, content_type, size, sha256, storage_key, uploaded_at) "
            "VALUES ('scan.pdf', 'application/pdf', :size, :sha, :key, :now)"
        ), {"size": len(SMALL), "sha": "0" * 64, "key": "c" * 32, "now": now})
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
