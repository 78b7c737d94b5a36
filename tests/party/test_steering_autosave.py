"""A steering committee's decision saves as it is typed (js/autosave.js posts to .../decision/autosave) through
the same shared save as "Lưu", with a version: a stale save, by the button or the autosave, overwrites nothing.
The member form adds a row per submit: it is kept in the browser only, never autosaved to the server."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from shared import steering
from shared.errors import Conflict, DomainError
from shared.models import AuditLog, SteeringCommittee


def _url(unit, suffix: str = "") -> str:
    return f"/party/units/{unit.id}/steering{suffix}"


def _stored(db, party) -> SteeringCommittee | None:
    db.expire_all()
    return db.scalar(select(SteeringCommittee).where(SteeringCommittee.unit_id == party.t.d1.id))


def _version_on_page(html: str) -> str:
    tag = re.search(r'<input[^>]*name="version"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def _autosave(client, unit, version, **fields):
    return client.post_form(_url(unit, "/decision/autosave"), {"version": version, **fields})


def test_the_decision_autosaves_through_the_same_save_and_a_reload_shows_it(party, as_user, db):
    c = as_user(party.pc1)
    d1 = party.t.d1
    page = c.get(_url(d1)).get_data(as_text=True)
    assert f'data-autosave="{_url(d1, "/decision/autosave")}' in page and 'id="autosave-status"' in page
    assert _version_on_page(page) == "0"  # opened before there was a committee

    resp = _autosave(c, d1, 0, decision_number="15-QĐ/TU", decision_date="20122022")  # typed without separators
    assert resp.status_code == 200
    answer = resp.get_json()
    committee = _stored(db, party)
    assert answer["status"] == "saved" and answer["version"] == committee.version == 1
    assert answer["message"].startswith("Đã lưu lúc")
    assert (committee.decision_number, committee.decision_date) == ("15-QĐ/TU", dt.date(2022, 12, 20))
    resp = _autosave(c, d1, answer["version"], decision_number="15-QĐ/TU", decision_date="20/12/2022")
    assert resp.get_json()["version"] == _stored(db, party).version == 1  # the same decision: nothing to version
    resp = _autosave(c, d1, 1, decision_number="15-QĐ/TU", decision_date="21/12/2022")
    assert resp.get_json()["version"] == _stored(db, party).version == 2

    page = c.get(_url(d1)).get_data(as_text=True)
    assert 'value="15-QĐ/TU"' in page and 'value="21/12/2022"' in page
    assert _version_on_page(page) == "2"
    assert db.scalar(select(AuditLog).where(AuditLog.object_type == "steering_committee")) is not None


@pytest.fixture
def colleague(party, factory):
    """A second account of the same party committee (the same office, another computer)."""
    return factory.user("party_committee", party.t.d1, username="thanhuy_2")


def test_a_stale_autosave_is_a_conflict_and_overwrites_nothing(party, as_user, db, colleague):
    d1 = party.t.d1
    mine, theirs = as_user(party.pc1), as_user(colleague)
    assert _autosave(theirs, d1, 0, decision_number="15-QĐ/TU").status_code == 200
    # a page opened before the first save conflicts: someone else's decision is there now
    resp = _autosave(mine, d1, 0, decision_number="16-QĐ/TU")
    assert resp.status_code == 409 and resp.get_json()["status"] == "conflict"
    assert "người khác" in resp.get_json()["message"]
    assert _stored(db, party).decision_number == "15-QĐ/TU"

    version = _stored(db, party).version
    assert _autosave(theirs, d1, version, decision_number="17-QĐ/TU").status_code == 200
    resp = _autosave(mine, d1, version, decision_number="18-QĐ/TU")  # the version the page was opened on
    assert resp.status_code == 409 and _stored(db, party).decision_number == "17-QĐ/TU"
    # a post without the page's version, or with a mangled one, compares nothing: stale as well
    assert _autosave(mine, d1, "", decision_number="19-QĐ/TU").status_code == 409
    assert _autosave(mine, d1, "abc", decision_number="19-QĐ/TU").status_code == 409
    assert _stored(db, party).decision_number == "17-QĐ/TU"


def test_a_stale_save_by_the_button_shows_both_and_only_an_explicit_save_keeps_mine(party, as_user, db, colleague):
    d1 = party.t.d1
    mine, theirs = as_user(party.pc1), as_user(colleague)
    assert theirs.post_form(_url(d1, "/decision"), {"version": 0, "decision_number": "15-QĐ/TU",
                                                    "decision_date": "20/12/2022"}).status_code == 303
    resp = mine.post_form(_url(d1, "/decision"), {"version": 0, "decision_number": "16-QĐ/TU",
                                                  "decision_date": "21/12/2022"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Quyết định số 15-QĐ/TU ngày 20/12/2022." in html  # the stored one
    assert 'value="16-QĐ/TU"' in html and 'value="21/12/2022"' in html  # and what I typed
    assert "người khác lưu" in html
    form = html.split('id="decision-form"', 1)[1].split("</form>", 1)[0]
    # on the current version, kept in the browser only: no autosave may overwrite theirs behind my back
    assert "data-keep-local" in form and "data-autosave=" not in form.split(">", 1)[0]
    version = _stored(db, party).version
    assert _version_on_page(form) == str(version)
    assert _stored(db, party).decision_number == "15-QĐ/TU"
    assert mine.post_form(_url(d1, "/decision"), {"version": version, "decision_number": "16-QĐ/TU",
                                                  "decision_date": "21/12/2022"}).status_code == 303
    assert _stored(db, party).decision_number == "16-QĐ/TU"


def test_members_leave_the_decisions_version_alone(party, as_user, db):
    """A member added (or removed) beside the decision form does not make that form stale; a page opened before
    the committee existed may still write the decision of one started by adding members."""
    d1 = party.t.d1
    c = as_user(party.pc1)
    member = {"full_name": "Lê Văn Hùng", "title": "", "agency": "", "agency_kind": "mass_mobilization", "role": "head"}
    assert c.post_form(_url(d1, "/members"), member).status_code == 303
    assert _stored(db, party).version == 1
    assert _autosave(c, d1, 0, decision_number="15-QĐ/TU").status_code == 200  # nothing of anyone's to overwrite
    version = _stored(db, party).version
    assert c.post_form(_url(d1, "/members"), dict(member, full_name="Trần Thị Lan", role="member")).status_code == 303
    member_id = _stored(db, party).members[0].id
    assert c.post_form(_url(d1, f"/members/{member_id}/delete")).status_code == 303
    assert _stored(db, party).version == version
    assert _autosave(c, d1, version, decision_number="15-QĐ/TU", decision_date="20/12/2022").status_code == 200


def test_a_bad_date_is_not_saved_and_the_answer_names_the_field(party, as_user, db, today):
    today(dt.date(2023, 1, 10))
    c = as_user(party.pc1)
    d1 = party.t.d1
    resp = _autosave(c, d1, 0, decision_number="15-QĐ/TU", decision_date="31/02/2023")
    assert resp.status_code == 422
    answer = resp.get_json()
    assert answer["status"] == "unsaved" and list(answer["fields"]) == ["decision_date"]
    assert answer["message"].startswith("Chưa lưu:") and "Ngày quyết định" in answer["message"]
    assert _stored(db, party) is None  # nothing half-saved
    resp = _autosave(c, d1, 0, decision_number="x" * 61, decision_date="11/01/2023")  # too long; in the future
    assert resp.status_code == 422 and set(resp.get_json()["fields"]) == {"decision_number", "decision_date"}
    assert "Số quyết định" in resp.get_json()["message"]
    # the button: the page again with what was typed and the error by the box
    resp = c.post_form(_url(d1, "/decision"), {"version": 0, "decision_number": "15-QĐ/TU", "decision_date": "31/02/2023"})
    assert resp.status_code == 422 and 'value="31/02/2023"' in resp.get_data(as_text=True)


def test_only_the_units_own_accounts_autosave_its_decision(party, as_user, db, app):
    d1 = party.t.d1
    data = {"decision_number": "99-QĐ/TU", "decision_date": "20/12/2022"}
    assert _autosave(as_user(party.pc2), d1, 0, **data).status_code == 404  # another district's party committee
    assert _autosave(as_user(party.coordinator), d1, 0, **data).status_code == 404  # reads, edits nothing
    assert _autosave(as_user(party.pc1), party.t.g11, 0, **data).status_code == 404  # grassroots: no committee
    c = as_user(party.pc1)
    assert c.post(_url(d1, "/decision/autosave"), data={"version": 0, **data}).status_code == 400  # no CSRF token
    assert _stored(db, party) is None


def test_the_member_form_is_kept_in_the_browser_not_autosaved(party, as_user):
    html = as_user(party.pc1).get(_url(party.t.d1)).get_data(as_text=True)
    form = html.split('id="member-form"', 1)[1].split("</form>", 1)[0]
    assert "data-keep-local" in form and 'data-autosave="' not in form
    assert 'data-draft-key="daihoi:draft:' in form and 'id="member-restore-offer"' in form
    assert 'id="member-autosave-conflict"' not in form  # nothing posted as typed, so no stale save to show


def test_save_decision_checks_the_version_in_the_domain(party, db):
    """The rule lives in shared.steering: any caller (not only the portal's form) meets it."""
    d1 = party.t.d1
    committee = steering.save_decision(db, party.pc1, party.campaign, d1, number="1", date=None, expected_version=0)
    db.commit()
    first = committee.version
    steering.save_decision(db, party.pc1, party.campaign, d1, number="2", date="20/12/2022", expected_version=first)
    db.commit()
    with pytest.raises(Conflict):
        steering.save_decision(db, party.pc1, party.campaign, d1, number="3", date=None, expected_version=first)
    db.rollback()
    with pytest.raises(DomainError) as refused:
        steering.save_decision(db, party.pc1, party.campaign, d1, number="3", date="hôm qua",
                               expected_version=first + 1)
    assert "decision_date" in refused.value.fields
    db.rollback()
    assert _stored(db, party).decision_number == "2"
