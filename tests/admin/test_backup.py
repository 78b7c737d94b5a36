"""`daihoi backup` and `daihoi restore`: a restored backup holds the same data, row for row."""
from __future__ import annotations

import shutil
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from portal.cli import main
from shared import audit
from shared.db import make_engine
from shared.migrate import upgrade
from shared.models import Base, CongressReport


def _snapshot(url: str) -> dict[str, list[tuple]]:
    """Every table but data_versions, whose tokens a restore renews (shared.data_versions)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables if t.name != "data_versions"
            }
    finally:
        engine.dispose()


@pytest.fixture
def some_data(db, factory):
    t = factory.tree()
    c = factory.campaign()
    user = factory.user("district", t.d1, username="rachgia", full_name="Nguyễn Thị Hạnh")
    db.add(CongressReport(campaign_id=c.id, unit_id=t.g11.id, status="submitted", members_total=40, notes="Đại hội điểm"))
    audit.record(db, user, "report.submit", "report", 1, unit_id=t.g11.id, changes={"status": ["draft", "submitted"]})
    db.commit()
    return t


def test_sqlite_backup_restores_into_an_empty_database_with_the_same_data(database_url, some_data, monkeypatch, tmp_path):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite run only")
    runner = CliRunner()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    backup_file = tmp_path / "sao-luu.sqlite3"
    result = runner.invoke(main, ["backup", "-o", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output

    target = f"sqlite:///{tmp_path / 'moi.sqlite3'}"
    upgrade(target)  # a freshly migrated, empty database is a fine target
    monkeypatch.setenv("DAIHOI_DATABASE_URL", target)
    result = runner.invoke(main, ["restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    original, restored = _snapshot(database_url), _snapshot(target)
    assert restored == original
    assert len(restored["units"]) == 6 and restored["users"][0][1] == "rachgia"

    # A second restore would overwrite data: refused.
    result = runner.invoke(main, ["restore", str(backup_file)])
    assert result.exit_code != 0 and "đã có dữ liệu" in result.output


def test_restore_refuses_a_file_that_is_not_a_backup(database_url, tmp_path, monkeypatch, db):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite run only")
    bogus = tmp_path / "khong-phai.sql"
    bogus.write_text("SELECT 1;")
    monkeypatch.setenv("DAIHOI_DATABASE_URL", f"sqlite:///{tmp_path / 'trong.sqlite3'}")
    result = CliRunner().invoke(main, ["restore", str(bogus)])
    assert result.exit_code != 0 and "không phải bản sao lưu SQLite" in result.output


@pytest.mark.postgres
def test_postgresql_backup_restores_into_a_new_database(database_url, some_data, monkeypatch, tmp_path):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL")
    if not shutil.which("pg_dump") or not shutil.which("psql"):
        pytest.skip("pg_dump/psql not installed")
    runner = CliRunner()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    backup_file = tmp_path / "sao-luu.sql"
    result = runner.invoke(main, ["backup", "-o", str(backup_file)])
    assert result.exit_code == 0, result.output

    name = f"restore_{uuid.uuid4().hex[:10]}"
    base = make_url(database_url)
    server = make_engine(base.set(query={}).render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = base.set(database=name).render_as_string(hide_password=False)
    try:
        monkeypatch.setenv("DAIHOI_DATABASE_URL", target)
        result = runner.invoke(main, ["restore", str(backup_file)])
        assert result.exit_code == 0, result.output
        assert _snapshot(target) == _snapshot(database_url)
        assert len(_snapshot(target)["units"]) == 6
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


# ---- uploaded files come along (issue 16, item 8) ------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 2000 + b"\n%%EOF\n"  # ~500 KB: 2 chunks


@pytest.fixture
def attachment(db, factory, today):
    """A report of G11 with a signed minutes PDF, uploaded by its reporter."""
    import datetime as dt
    import io

    from shared import attachments
    from shared.reports import get_or_create_report

    today(dt.date(2023, 6, 1))
    t = factory.tree()
    c = factory.campaign()
    reporter = factory.user("reporter", t.g11, username="coso11")
    report = get_or_create_report(db, c, t.g11, reporter)
    db.commit()
    att = attachments.store(db, report, reporter, io.BytesIO(PDF), "bien-ban.pdf", "minutes")
    db.commit()
    return f"/units/{t.g11.id}/report/attachments/{att.id}"


def _download_from(url: str, path: str, files_dir=None) -> bytes:
    """Log in to a portal on the restored database as the reporter and download the attachment."""
    from portal import create_app
    from tests.conftest import login

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": url, "FILES_DIR": files_dir})
    try:
        client = app.test_client()
        assert login(client, "coso11").status_code == 302
        resp = client.get(path)
        assert resp.status_code == 200, resp.status_code
        assert resp.headers["Content-Disposition"].startswith("attachment")
        return resp.data
    finally:
        app.extensions["daihoi.engine"].dispose()


def test_a_restored_sqlite_backup_serves_every_download(database_url, attachment, monkeypatch, tmp_path):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite run only (the PostgreSQL round trip is the next test)")
    runner = CliRunner()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    backup_file = tmp_path / "sao-luu.sqlite3"
    assert runner.invoke(main, ["backup", "-o", str(backup_file)]).exit_code == 0
    target = f"sqlite:///{tmp_path / 'moi.sqlite3'}"
    upgrade(target)
    monkeypatch.setenv("DAIHOI_DATABASE_URL", target)
    result = runner.invoke(main, ["restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert _download_from(target, attachment) == PDF


@pytest.mark.postgres
def test_a_restored_postgresql_backup_serves_every_download(database_url, attachment, monkeypatch, tmp_path):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL")
    if not shutil.which("pg_dump") or not shutil.which("psql"):
        pytest.skip("pg_dump/psql not installed")
    runner = CliRunner()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    backup_file = tmp_path / "sao-luu.sql"
    assert runner.invoke(main, ["backup", "-o", str(backup_file)]).exit_code == 0
    name = f"restore_{uuid.uuid4().hex[:10]}"
    base = make_url(database_url)
    server = make_engine(base.set(query={}).render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = base.set(database=name).render_as_string(hide_password=False)
    try:
        monkeypatch.setenv("DAIHOI_DATABASE_URL", target)
        result = runner.invoke(main, ["restore", str(backup_file)])
        assert result.exit_code == 0, result.output
        assert _download_from(target, attachment) == PDF
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_files_kept_in_a_directory_travel_beside_the_backup(database_url, db, factory, today, monkeypatch, tmp_path):
    """DAIHOI_FILES_DIR: the backup copies the directory to <backup>.files/, and a restore on another host
    puts the files into that host's store (here: the database, its default)."""
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite run only: the directory copy does not depend on the engine")
    import datetime as dt
    import io

    from shared import attachments, storage
    from shared.reports import get_or_create_report

    today(dt.date(2023, 6, 1))
    t = factory.tree()
    reporter = factory.user("reporter", t.g11, username="coso11")
    report = get_or_create_report(db, factory.campaign(), t.g11, reporter)
    db.commit()
    db.info["daihoi.file_store"] = storage.DirectoryStore(tmp_path / "files")
    att = attachments.store(db, report, reporter, io.BytesIO(PDF), "bien-ban.pdf", "minutes")
    db.commit()
    path = f"/units/{t.g11.id}/report/attachments/{att.id}"

    runner = CliRunner()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    monkeypatch.setenv("DAIHOI_FILES_DIR", str(tmp_path / "files"))
    backup_file = tmp_path / "sao-luu.sqlite3"
    result = runner.invoke(main, ["backup", "-o", str(backup_file)])
    assert result.exit_code == 0 and "sao-luu.sqlite3.files" in result.output, result.output
    assert (tmp_path / "sao-luu.sqlite3.files" / att.storage_key).read_bytes() == PDF

    target = f"sqlite:///{tmp_path / 'moi.sqlite3'}"
    upgrade(target)
    monkeypatch.setenv("DAIHOI_DATABASE_URL", target)
    monkeypatch.delenv("DAIHOI_FILES_DIR")
    result = runner.invoke(main, ["restore", str(backup_file)])
    assert result.exit_code == 0 and "1 tệp" in result.output, result.output
    assert _download_from(target, path) == PDF
