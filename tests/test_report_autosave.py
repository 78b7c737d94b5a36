"""The report form's autosave (js/autosave.js posts to /autosave) is "Lưu nháp": the same shared save, the same
version check, contradictions saved and blocking only sending; and uploads or deletes of documents save what
was typed first, so that nothing typed is lost to them."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from shared.models import Attachment
from tests.conftest import csrf_token
from tests.test_reports import VALID, post, setup, stored, url  # noqa: F401 (setup is a fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ticking(monkeypatch):
    """A clock that moves a minute at each reading: versions and audit entries of one test get distinct times."""
    from shared import clock

    start, ticks = dt.datetime(2023, 6, 1, 9, 0), iter(range(10**6))
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(minutes=next(ticks)))


def autosave(client, unit, data, version=None):
    return post(client, unit, data, version=version, suffix="/autosave")


def test_an_autosaved_draft_with_contradictions_is_saved_and_sending_it_is_refused(client, db, login_as, setup):
    login_as(setup.reporter)
    resp = autosave(client, setup.g11, dict(VALID, executive_reelected="3", executive_new="3"))  # 3 + 3 != 5
    assert resp.status_code == 200
    answer = resp.get_json()
    report = stored(db, setup.g11)
    assert answer["status"] == "saved" and answer["version"] == report.version
    assert report.executive_new == 3 and report.status == "draft"
    assert "executive_new" in answer["errors"] and "Đã lưu lúc" in answer["message"] and "lỗi" in answer["message"]

    resp = post(client, setup.g11, dict(VALID, executive_reelected="3", executive_new="3"), action="submit",
                version=report.version)
    assert resp.status_code == 303 and "check=send" in resp.headers["Location"]
    assert stored(db, setup.g11).status == "draft"  # the contradiction blocks sending


def test_autosave_answers_the_stored_row_ids_so_the_next_one_updates_them(client, db, login_as, setup):
    login_as(setup.reporter)
    data = dict(VALID, **{"officers-1-role": "", "officers-1-full_name": "", "officers-2-role": "vice_chair",
                          "officers-2-full_name": "Trần Văn Bình", "officers-2-vote_pct": "80"})
    answer = autosave(client, setup.g11, data).get_json()
    report = stored(db, setup.g11)
    ids = [o.id for o in sorted(report.officers, key=lambda o: o.position)]
    assert answer["rows"]["officers"] == {"0": ids[0], "2": ids[1]}  # by index on the page; the empty row skipped
    rec_id = report.recommendations[0].id
    assert answer["rows"]["recommendations"] == {"0": rec_id}
    again = dict(data, **{"officers-0-id": str(ids[0]), "officers-2-id": str(ids[1]),
                          "recommendations-0-id": str(rec_id), "officers-2-vote_pct": "81"})
    assert autosave(client, setup.g11, again, version=answer["version"]).status_code == 200
    report = stored(db, setup.g11)
    assert [o.id for o in sorted(report.officers, key=lambda o: o.position)] == ids  # updated, not added again
    assert len(report.recommendations) == 1


def test_a_stale_autosave_is_a_conflict_and_overwrites_nothing(app, client, db, login_as, setup):
    login_as(setup.reporter)
    version = autosave(client, setup.g11, dict(VALID, notes="Bản đầu")).get_json()["version"]
    assert post(client, setup.g11, dict(VALID, notes="Máy kia"), version=version).status_code == 303
    resp = autosave(client, setup.g11, dict(VALID, notes="Máy này"), version=version)
    assert resp.status_code == 409 and resp.get_json()["status"] == "conflict"
    assert stored(db, setup.g11).notes == "Máy kia"
    # a page opened before the report existed: its first autosave conflicts as well
    resp = autosave(client, setup.g11, dict(VALID, notes="Máy thứ ba"))
    assert resp.status_code == 409 and stored(db, setup.g11).notes == "Máy kia"


def test_autosaved_input_that_cannot_be_stored_is_not_saved_and_says_which_box(client, db, login_as, setup):
    login_as(setup.reporter)
    resp = autosave(client, setup.g11, dict(VALID, summoned="ba mươi"))
    assert resp.status_code == 422
    answer = resp.get_json()
    assert answer["status"] == "unsaved" and "summoned" in answer["fields"]
    assert answer["message"].startswith("Chưa lưu:") and "triệu tập" in answer["message"].lower()
    assert stored(db, setup.g11) is None


def test_autosave_keeps_to_the_users_own_unit_and_role(client, db, factory, login_as, setup):
    login_as(setup.reporter)
    assert autosave(client, setup.g12, VALID).status_code == 404  # another union's report
    observer = factory.user("observer", setup.d1, username="quansat1")
    client.post("/logout", data={"csrf_token": csrf_token(client, url(setup.g11))})
    login_as(observer)
    assert autosave(client, setup.g11, VALID).status_code == 403
    assert stored(db, setup.g11) is None
    assert client.post(url(setup.g11, "/autosave"), data=dict(VALID)).status_code == 400  # no CSRF token


def _with_file(data, content: bytes, name: str):
    return dict(data, kind="minutes", file=(io.BytesIO(content), name))


def test_an_upload_saves_what_was_typed_first_and_the_version_diff_shows_the_document(client, db, login_as, setup, ticking):
    from shared import history

    login_as(setup.reporter)
    assert post(client, setup.g11, dict(VALID, notes="Bản đầu")).status_code == 303
    first = stored(db, setup.g11).version
    token = csrf_token(client, url(setup.g11))
    resp = client.post(url(setup.g11, "/attachments"), content_type="multipart/form-data",
                       data=_with_file(dict(VALID, csrf_token=token, version=str(first), notes="Gõ trước khi tải"),
                                       PDF, "bb.pdf"))
    assert resp.status_code == 303
    report = stored(db, setup.g11)
    assert report.notes == "Gõ trước khi tải" and [a.filename for a in report.attachments] == ["bb.pdf"]
    changes = {c.name: (c.old, c.new) for c in history.compare(db, report, first, report.version)}
    assert changes["notes"] == ("Bản đầu", "Gõ trước khi tải")
    assert changes["attachments"][0] == "(trống)" and changes["attachments"][1].startswith("bb.pdf")


def test_a_refused_upload_keeps_what_was_typed_and_leaves_nothing_to_resubmit(client, db, login_as, setup):
    login_as(setup.reporter)
    token = csrf_token(client, url(setup.g11))
    resp = client.post(url(setup.g11, "/attachments"), content_type="multipart/form-data",
                       data=_with_file(dict(VALID, csrf_token=token, version="", notes="Vẫn còn"), b"MZ\x90", "x.exe"))
    assert resp.status_code == 303  # a redirect: reloading the page does not post the file again
    assert stored(db, setup.g11).notes == "Vẫn còn" and db.scalar(select(Attachment)) is None
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Vẫn còn" in page and "tệp chưa được tải lên" in page
    assert page.split('id="upload-error" role="alert">', 1)[1].split("</span>")[0].strip()  # why, by the file box
    # typed boxes that cannot be stored: the form comes back as typed, and the file is not taken
    resp = client.post(url(setup.g11, "/attachments"), content_type="multipart/form-data",
                       data=_with_file(dict(VALID, csrf_token=token, version=str(stored(db, setup.g11).version),
                                            summoned="ba mươi"), PDF, "bb.pdf"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'value="ba mươi"' in html and "Tệp chưa được tải lên" in html
    assert db.scalar(select(Attachment)) is None


def test_deleting_a_document_saves_what_was_typed_and_the_version_diff_shows_it(client, db, login_as, setup, ticking):
    from shared import history

    login_as(setup.reporter)
    token = csrf_token(client, url(setup.g11))
    client.post(url(setup.g11, "/attachments"), content_type="multipart/form-data",
                data=_with_file(dict(VALID, csrf_token=token, version=""), PDF, "bb.pdf"))
    report = stored(db, setup.g11)
    before = report.version
    attachment = report.attachments[0]
    resp = post(client, setup.g11, dict(VALID, notes="Sửa rồi xóa tệp"), version=before,
                suffix=f"/attachments/{attachment.id}/delete")
    assert resp.status_code == 303
    report = stored(db, setup.g11)
    assert report.notes == "Sửa rồi xóa tệp" and report.attachments == []
    changes = {c.name: (c.old, c.new) for c in history.compare(db, report, before, report.version)}
    assert changes["attachments"][0].endswith("bb.pdf") and changes["attachments"][1] == "(trống)"


def test_logout_clears_what_the_browser_kept(client, login_as, setup):
    login_as(setup.reporter)
    token = csrf_token(client, url(setup.g11))
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.headers["Clear-Site-Data"] == '"storage"'
