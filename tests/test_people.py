"""People, not just counts (issue 19): the statistics a list gives, the ballots, the quorum, the delegates'
allocation, the recognition decision, the audit trail without whole rows."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from shared import people, workflow
from shared.errors import DomainError, InvalidTransition
from shared.models import AuditLog, CongressReport
from shared.reports import get_or_create_report, save_and_submit, save_draft
from tests.report_data import complete_results

HELD = dt.date(2023, 5, 10)


def member(name, gender="male", born=1980, positions=("executive",), votes=80, **kw):
    return {"full_name": name, "gender": gender, "birth_year": born, "positions": list(positions), "votes": votes, **kw}


# Five BCH members, one of them also UBKT head, plus two UBKT-only members. Counted by hand below.
LIST = [
    member("Nguyễn Văn An", born=1975, positions=["chair", "executive"], party_member=True, reelected=True,
           in_planning_pool=True, chair_elected="congress", votes=95),
    member("Trần Thị Bích", "female", born=1989, positions=["vice_chair"], party_member=True, votes=90),  # 34 in 2023: young
    member("Lê Văn Cường", born=1988, reelected=True, votes=70),  # 35 in 2023: not young
    member("Thạch Thị Sa Rươne", "female", born=1995, ethnic_minority=True, in_planning_pool=True, votes=61),
    member("Phạm Văn Dũng", born=1970, positions=["executive", "inspection_head"], party_member=True,
           reelected=True, votes=88),
    member("Huỳnh Thị Em", "female", born=1992, positions=["inspection"], votes=None),
    member("Võ Văn Phúc", born=1985, positions=["inspection"], votes=None),
]


@pytest.fixture
def setup(factory, db, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11)
    reviewer = factory.user("district", t.d1)
    return t, campaign, reporter, reviewer


def _report(db, campaign, unit, user, **data):
    base = {"held_date": HELD.isoformat(), "ballots_issued": 36, "ballots_valid": 120}
    base.update(data)
    report = get_or_create_report(db, campaign, unit, user)
    db.flush()
    return save_draft(db, campaign, unit, user, base, report.version)


def test_statistics_by_hand_with_the_young_cut_off_at_the_congress(setup, db):
    t, campaign, reporter, _ = setup
    figures = people.statistics(LIST, None, HELD, 35)
    assert figures == {
        "executive_size": 5, "executive_women": 2, "executive_young": 2,  # Bích (1989) and Sa Rươne (1995)
        "executive_party": 3, "executive_ethnic_minority": 1, "executive_reelected": 3, "executive_new": 2,
        "executive_from_plan": 2, "standing_size": 0, "inspection_size": 3,
    }
    # The same people a year later: Bích (born 1989) is 35 at a congress in 2024, no longer young.
    assert people.statistics(LIST, None, dt.date(2024, 1, 5), 35)["executive_young"] == 1


def test_a_saved_list_writes_the_counts_and_overrides_typed_ones(setup, db):
    t, campaign, reporter, _ = setup
    saved = _report(db, campaign, t.g11, reporter, summoned=40, present=36, ballots_issued=36, ballots_valid=120,
                    executive_size=9, executive_women=9, members=[dict(m) for m in LIST])
    db.commit()
    report = saved.report
    assert (report.executive_size, report.executive_women, report.executive_young, report.inspection_size) == (5, 2, 2, 3)
    assert people.personnel(report).source == "list"
    ids = [m.id for m in report.members]
    # Removing the second person keeps everyone else's id (rows are matched by id, never by position).
    rows = [{**m, "id": i} for m, i in zip(LIST, ids)]
    del rows[1]
    saved = save_draft(db, campaign, t.g11, reporter, {"members": rows}, report.version)
    assert [m.id for m in saved.report.members] == ids[:1] + ids[2:]
    assert saved.report.executive_size == 4


def test_typed_counts_stay_for_a_report_without_a_list(setup, db):
    t, campaign, reporter, _ = setup
    saved = _report(db, campaign, t.g11, reporter, executive_size=7, executive_women=3)
    assert saved.report.executive_size == 7
    assert people.personnel(saved.report).source == "typed"


def test_a_bch_member_below_half_of_the_valid_ballots_is_refused(setup, db):
    t, campaign, reporter, _ = setup
    rows = [dict(m) for m in LIST]
    rows[2]["votes"] = 60  # 60 of 120 valid is not more than half
    saved = _report(db, campaign, t.g11, reporter, ballots_issued=36, ballots_valid=120, members=rows)
    assert "ít nhất 61/120" in saved.errors["members-2-votes"]
    report = complete_results(saved.report, HELD)
    db.flush()
    with pytest.raises(DomainError) as err:
        workflow.submit(db, report, reporter, report.version)
    assert "members-2-votes" in err.value.fields


def _submitted(db, campaign, unit, reporter, **extra):
    report = get_or_create_report(db, campaign, unit, reporter)
    complete_results(report, HELD)
    db.flush()
    rows = [dict(m, votes=m["votes"] or 30) for m in LIST]
    data = {"ballots_issued": 36, "ballots_valid": 36, "members": [dict(r, votes=30) for r in rows], **extra}
    saved = save_and_submit(db, campaign, unit, reporter, data, report.version)
    assert saved.sent, saved.errors
    db.commit()
    return saved.report


def test_quorum_below_two_thirds_needs_a_reason_to_send_and_a_resolution_to_approve(setup, db):
    t, campaign, reporter, reviewer = setup
    report = get_or_create_report(db, campaign, t.g11, reporter)
    complete_results(report, HELD)
    db.flush()
    data = {"present": 20, "summoned": 40, "ballots_issued": 20, "ballots_valid": 20,
            "members": [dict(m, votes=15) for m in LIST]}
    saved = save_and_submit(db, campaign, t.g11, reporter, data, report.version)
    assert not saved.sent and "quorum_reason" in saved.errors
    saved = save_and_submit(db, campaign, t.g11, reporter, {"quorum_reason": "Mưa bão, nhiều người vắng."},
                            saved.report.version)
    assert saved.sent, saved.errors
    db.commit()
    report = saved.report
    with pytest.raises(InvalidTransition):
        workflow.approve(db, report, reviewer, report.version)
    db.rollback()
    report = db.get(CongressReport, report.id)
    people.record_quorum_resolution(db, reviewer, report, "Cấp trên xác nhận, tổ chức lại phiên bầu cử.", report.version)
    workflow.approve(db, report, reviewer, report.version)
    db.commit()
    assert report.status == "approved"


def test_delegates_over_the_allocation_are_refused(setup, db, factory):
    t, campaign, reporter, reviewer = setup
    people.set_allocation(db, reviewer, campaign, t.g11, "1", "0")
    delegates = [{"full_name": "Nguyễn Văn An", "gender": "male", "birth_year": 1975, "kind": "official"},
                 {"full_name": "Trần Thị Bích", "gender": "female", "birth_year": 1989, "kind": "official"}]
    saved = _report(db, campaign, t.g11, reporter, delegates=delegates)
    assert "Vượt số đại biểu chính thức" in saved.errors["delegates"]
    assert saved.report.delegates_official == 2
    saved = save_draft(db, campaign, t.g11, reporter, {"delegates": delegates[:1]}, saved.report.version)
    assert "delegates" not in saved.errors


def test_only_the_superior_sets_the_allocation(setup, db, factory):
    t, campaign, reporter, reviewer = setup
    other = factory.user("district", t.d2)
    from shared.errors import Forbidden, NotFound

    with pytest.raises(NotFound):
        people.set_allocation(db, other, campaign, t.g11, 3, 1)
    with pytest.raises(Forbidden):
        people.set_allocation(db, reporter, campaign, t.g11, 3, 1)


def test_the_audit_trail_names_rows_not_people(setup, db):
    t, campaign, reporter, _ = setup
    saved = _report(db, campaign, t.g11, reporter, members=[dict(m) for m in LIST])
    db.commit()
    entry = db.query(AuditLog).filter_by(action="report.save").order_by(AuditLog.id.desc()).first()
    text = str(entry.changes)
    assert "Nguyễn Văn An" not in text and "1975" not in text
    assert sorted(entry.changes["members"]["added"]) == sorted(m.id for m in saved.report.members)


def test_the_recognition_decision_docx(setup, db):
    t, campaign, reporter, reviewer = setup
    report = _submitted(db, campaign, t.g11, reporter)
    workflow.approve(db, report, reviewer, report.version)
    db.commit()
    payload = people.decision_docx(report)
    doc = Document(io.BytesIO(payload))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for table in doc.tables for row in table.rows for c in row.cells)
    everything = text + "\n" + cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in everything and "Độc lập - Tự do - Hạnh phúc" in everything
    assert "QUYẾT ĐỊNH" in everything and "Về việc công nhận" in everything
    for row in LIST:
        assert row["full_name"] in everything
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    people.record_decision(db, reviewer, report, number="25/QĐ-LĐLĐ", signed_on="20/05/2023")
    db.commit()
    doc = Document(io.BytesIO(people.decision_docx(report)))
    everything = "\n".join(c.text for table in doc.tables for row in table.rows for c in row.cells)
    assert "25/QĐ-LĐLĐ" in everything
    assert "Đã có quyết định công nhận" in people.decision_text(report)
    assert people.recognised_by_level(db, campaign, t.province, dt.date(2023, 5, 31)) == {"grassroots": 1}
    assert people.recognised_by_level(db, campaign, t.province, dt.date(2023, 5, 19)) == {}


def test_a_decision_only_for_an_approved_report_by_its_reviewer(setup, db, factory):
    t, campaign, reporter, reviewer = setup
    report = _submitted(db, campaign, t.g11, reporter)
    with pytest.raises(InvalidTransition):
        people.record_decision(db, reviewer, report, number="1", signed_on="20/05/2023")
    from shared.errors import NotFound

    with pytest.raises(NotFound):
        people.record_decision(db, factory.user("district", t.d2), report, number="1", signed_on="20/05/2023")


def test_the_history_diff_names_who_was_added_removed_and_changed(setup, db):
    from shared import history

    t, campaign, reporter, _ = setup
    first = _report(db, campaign, t.g11, reporter, members=[dict(m) for m in LIST[:3]])
    db.commit()
    rows = [{**m, "id": p.id} for m, p in zip(LIST[:3], first.report.members)]
    old_version = first.report.version
    rows[0]["votes"] = 99  # changed
    del rows[1]  # removed
    rows.append(dict(LIST[3]))  # added
    second = save_draft(db, campaign, t.g11, reporter, {"members": rows}, first.report.version)
    db.commit()
    changes = [c for c in history.compare(db, second.report, old_version, second.report.version) if c.name == "members"]
    pairs = {(c.old.split(" (")[0], c.new.split(" (")[0]) for c in changes}
    assert ("Nguyễn Văn An", "Nguyễn Văn An") in pairs  # changed: 95 -> 99 votes
    assert any(c.old.startswith("Trần Thị Bích") and c.new == "(trống)" for c in changes)  # removed
    assert any(c.old == "(trống)" and c.new.startswith("Thạch Thị Sa Rươne") for c in changes)  # added
    assert any("99 phiếu" in c.new for c in changes)
