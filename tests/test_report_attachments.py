"""Attachments of a congress report: content-checked types, size limit, scoped download."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from sqlalchemy import select

from shared import storage
from shared.models import Attachment, AuditLog
from tests.conftest import csrf_token

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _zip_not_office() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("virus.exe", "MZ")
    return buf.getvalue()


@pytest.fixture
def setup(factory, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11, username="coso11")
    return t


def upload(client, unit, content: bytes, filename: str, kind="minutes"):
    token = csrf_token(client, f"/units/{unit.id}/report")
    return client.post(
        f"/units/{unit.id}/report/attachments",
        data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("content, name, ctype", [
    (PDF, "bien-ban.pdf", "application/pdf"),
    (PNG, "anh.png", "image/png"),
    (_docx(), "nghi quyet.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_a_unit_uploads_a_document_and_downloads_it_as_attachment(client, db, login_as, setup, app, content, name, ctype):
    login_as(setup.reporter)
    resp = upload(client, setup.g11, content, name)
    assert resp.status_code == 303
    att = db.scalar(select(Attachment))
    assert att.filename == name and att.content_type == ctype and att.size == len(content)
    stored = b"".join(storage.DATABASE.stream(app.extensions["daihoi.engine"], att.storage_key))
    assert stored == content  # in the database under the random key, not the name
    assert name not in att.storage_key
    page = client.get(f"/units/{setup.g11.id}/report").get_data(as_text=True)
    assert name in page
    resp = client.get(f"/units/{setup.g11.id}/report/attachments/{att.id}")
    assert resp.status_code == 200
    assert resp.data == content
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert db.scalar(select(AuditLog.action).where(AuditLog.action == "attachment.add")) == "attachment.add"


@pytest.mark.parametrize("content, name", [
    (b"MZ\x90\x00 this is a program", "bien-ban.pdf"),  # wrong content behind a good name
    (PNG, "bien-ban.pdf"),  # a real type, but not the one the name claims
    (_zip_not_office(), "danh-sach.xlsx"),  # a zip that is no spreadsheet
    (PDF, "bien-ban.exe"),  # an extension outside the list
    (b"", "rong.pdf"),
])
def test_files_are_checked_by_content_not_only_by_name(client, db, login_as, setup, content, name):
    login_as(setup.reporter)
    resp = upload(client, setup.g11, content, name)
    assert resp.status_code == 422
    assert re.search(r'id="upload-error" role="alert">\S', resp.get_data(as_text=True))  # the reason, by the file box
    assert db.scalar(select(Attachment)) is None


def test_size_limit_is_configurable(client, db, login_as, setup, app):
    app.config["MAX_ATTACHMENT_BYTES"] = 100
    login_as(setup.reporter)
    resp = upload(client, setup.g11, PDF + b" " * 200, "lon.pdf")
    assert resp.status_code == 422
    assert "Tệp quá lớn" in resp.get_data(as_text=True)
    assert db.scalar(select(Attachment)) is None
    assert storage.DATABASE.keys(db) == set()  # nothing of the refused file is kept


def test_download_is_scoped_and_delete_removes_the_file(client, db, factory, login_as, setup, app):
    login_as(setup.reporter)
    upload(client, setup.g11, PDF, "bien-ban.pdf")
    att = db.scalar(select(Attachment))
    path = f"/units/{setup.g11.id}/report/attachments/{att.id}"
    # the id under another unit's URL is not found, even for someone who sees that unit
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(factory.user("reporter", setup.g12))
    assert client.get(path).status_code == 404
    assert client.get(f"/units/{setup.g12.id}/report/attachments/{att.id}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(factory.user("district", setup.d1))
    assert client.get(path).status_code == 200  # the reviewing district may read it
    token = csrf_token(client, "/")
    assert client.post(path + "/delete", data={"csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login_as(setup.reporter)
    token = csrf_token(client, "/")
    assert client.post(path + "/delete", data={"csrf_token": token}).status_code == 303
    db.expire_all()
    assert db.scalar(select(Attachment)) is None
    assert storage.DATABASE.keys(db) == set()  # the bytes went with the row


def test_an_upload_over_the_request_limit_gets_a_vietnamese_page(client, login_as, setup, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    login_as(setup.reporter)
    resp = upload(client, setup.g11, PDF + b" " * 4096, "lon.pdf")
    assert resp.status_code == 413
    assert "quá lớn" in resp.get_data(as_text=True)


def test_a_stored_file_whose_transaction_rolls_back_is_removed(db, setup, tmp_path):
    """A failed request (a refused form, a conflict, a failed flush) must not leave an orphan file."""
    from shared import attachments, stored_files
    from shared.reports import get_or_create_report

    report = get_or_create_report(db, setup.campaign, setup.g11, setup.reporter)
    db.commit()
    kept = attachments.store(db, report, setup.reporter, io.BytesIO(PDF), "a.pdf", "minutes")
    db.commit()
    dropped = attachments.store(db, report, setup.reporter, io.BytesIO(PDF), "b.pdf", "minutes")
    party_file = stored_files.store(db, filename="c.pdf", data=PDF, allowed=(stored_files.PDF,), user=setup.reporter)
    assert {dropped.storage_key, party_file.storage_key} <= storage.DATABASE.keys(db)
    db.rollback()
    assert storage.DATABASE.keys(db) == {kept.storage_key}


def test_with_a_files_directory_a_rolled_back_file_is_removed_and_a_deleted_one_goes_at_commit(db, setup, tmp_path):
    """DAIHOI_FILES_DIR (a filesystem every server mounts): files are written before the commit, so a
    rollback must remove them again, and a deletion must wait for the commit."""
    from shared import attachments
    from shared.reports import get_or_create_report

    store = storage.DirectoryStore(tmp_path / "files")
    db.info["daihoi.file_store"] = store
    report = get_or_create_report(db, setup.campaign, setup.g11, setup.reporter)
    db.commit()
    kept = attachments.store(db, report, setup.reporter, io.BytesIO(PDF), "a.pdf", "minutes")
    db.commit()
    dropped = attachments.store(db, report, setup.reporter, io.BytesIO(PDF), "b.pdf", "minutes")
    assert store.path(dropped.storage_key).read_bytes() == PDF
    db.rollback()
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == [kept.storage_key]
    assert storage.DATABASE.keys(db) == set()  # nothing in the database with a directory store

    attachments.delete(db, db.get(Attachment, kept.id), setup.reporter)
    assert store.path(kept.storage_key).exists()  # still there until the commit
    db.commit()
    assert not store.path(kept.storage_key).exists()
