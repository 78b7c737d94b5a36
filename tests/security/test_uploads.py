"""Upload hardening for the three kinds of upload: report attachments, level-report scans, documents.
Types are checked by content (an HTML page or a program renamed .pdf is refused), sizes are limited, a
hostile file name is harmless, and every file is served as a download with its checked type and nosniff."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shared import storage, stored_files
from shared.models import Attachment, Document, StoredFile
from tests.conftest import CSRF_RE, login
from tests.security import world as world_mod
from tests.security.world import PDF

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
TRAVERSAL = "../../../../etc/cron.d/x<script>.pdf"


@pytest.fixture
def w(app, db, factory, today):
    today(dt.date(2023, 4, 15))
    w = world_mod.build(db, factory, app.config["UPLOAD_FOLDER"])
    w.rep12 = factory.user("reporter", w.g12, username="m_rep12")
    return w


def client_of(app, user):
    c = app.test_client()
    assert login(c, user.username).status_code == 302
    m = CSRF_RE.search(c.get("/account/password").get_data(as_text=True))
    c.csrf = m.group(1) or m.group(2)
    return c


def files_under(db, folder) -> set[str]:
    """Every stored file, by key: in the database (the default file store) or anywhere under the folder."""
    db.expire_all()
    on_disk = {str(p) for p in Path(folder).rglob("*") if p.is_file()}
    return on_disk | storage.DATABASE.keys(db)


class Kind:
    """How to upload one kind of file, count what got stored, and where it is served."""

    def __init__(self, name, user, url, field, extra, count):
        self.name, self.user, self.url, self.field, self.extra, self.count = name, user, url, field, extra, count


def kinds(w, db):
    def n_attachments():
        return db.scalar(select(func.count(Attachment.id)))

    def n_stored():
        return db.scalar(select(func.count(StoredFile.id)))

    return [
        Kind("attachment", w.rep12, f"/units/{w.g12.id}/report/attachments", "file", {"kind": "minutes"}, n_attachments),
        Kind("scan", w.users["party_committee"], f"/party/level-reports/{w.bodies['d1'].id}/scan", "file", {}, n_stored),
        Kind("document", w.users["federation"], "/party/documents/new", "file",
             {"kind": "guidance", "title": "Hướng dẫn", "body": "Nội dung", "levels": ["district"]}, n_stored),
    ]


def post_file(app, kind, content: bytes, filename: str):
    c = client_of(app, kind.user)
    data = {"csrf_token": c.csrf, **kind.extra, kind.field: (io.BytesIO(content), filename)}
    return c, c.post(kind.url, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("content, filename", [(HTML, "bien-ban.pdf"), (EXE, "bien-ban.pdf"), (SVG, "anh.pdf"),
                                               (HTML, "trang.html"), (b"", "rong.pdf")])
def test_content_not_matching_an_allowed_type_is_refused_and_nothing_is_kept(app, db, w, content, filename):
    folder = app.config["UPLOAD_FOLDER"]
    for kind in kinds(w, db):
        before, files = kind.count(), files_under(db, folder)
        _, resp = post_file(app, kind, content, filename)
        assert 400 <= resp.status_code < 500, (kind.name, resp.status_code)
        db.expire_all()
        assert kind.count() == before, kind.name
        assert files_under(db, folder) == files, f"{kind.name}: a refused upload left a file behind"


def test_too_large_files_are_refused(app, db, w, monkeypatch):
    folder = app.config["UPLOAD_FOLDER"]
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    monkeypatch.setattr(stored_files, "MAX_SIZE", 1024)
    big = PDF + b"%" + b"x" * 4096 + b"\n%%EOF\n"
    for kind in kinds(w, db):
        before, files = kind.count(), files_under(db, folder)
        _, resp = post_file(app, kind, big, "lon.pdf")
        assert resp.status_code in (413, 422), (kind.name, resp.status_code)
        db.expire_all()
        assert kind.count() == before and files_under(db, folder) == files, kind.name


def test_a_request_over_the_global_limit_gets_413_not_a_crash(app, db, w):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    kind = kinds(w, db)[0]
    _, resp = post_file(app, kind, PDF + b"x" * 4096, "lon.pdf")
    assert resp.status_code == 413


def test_a_hostile_file_name_is_harmless_and_the_file_is_served_as_a_download(app, db, w):
    folder = Path(app.config["UPLOAD_FOLDER"]).resolve()
    for kind in kinds(w, db):
        before_files = files_under(db, folder)
        c, resp = post_file(app, kind, PDF, TRAVERSAL)
        assert resp.status_code == 303, (kind.name, resp.status_code, resp.get_data(as_text=True)[:300])
        new = files_under(db, folder) - before_files
        assert len(new) == 1 and all(re.fullmatch(r"[0-9a-f]{40}", key) for key in new), (kind.name, new)
        assert not Path("/etc/cron.d/x<script>.pdf").exists()
        db.expire_all()
        if kind.name == "attachment":
            att = db.scalar(select(Attachment).order_by(Attachment.id.desc()))
            url = f"/units/{w.g12.id}/report/attachments/{att.id}"
        elif kind.name == "scan":
            url = f"/party/level-reports/{w.bodies['d1'].id}/scan"
        else:
            doc = db.scalar(select(Document).order_by(Document.id.desc()))
            url = f"/party/documents/{doc.id}/file"
        got = c.get(url)
        assert got.status_code == 200, (kind.name, url)
        disposition = got.headers["Content-Disposition"]
        assert disposition.startswith("attachment"), kind.name
        assert "/" not in disposition and ".." not in disposition.replace("...", ""), disposition
        assert got.mimetype == "application/pdf", kind.name
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.data == PDF


@pytest.mark.parametrize("url_of", [
    lambda w: f"/units/{w.g11.id}/report/attachments/{w.att_in.id}",
    lambda w: f"/party/level-reports/{w.bodies['d1'].id}/scan",
    lambda w: f"/party/documents/{w.doc_in.id}/file",
])
def test_downloads_are_attachments_with_the_checked_type(app, db, w, url_of):
    c = client_of(app, w.users["admin"])
    got = c.get(url_of(w))
    assert got.status_code == 200
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.mimetype == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "text/html" not in got.headers["Content-Type"]
