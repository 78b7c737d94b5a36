"""Works and products greeting the congress, exemplary people: per unit, summarised up the tree."""
from __future__ import annotations

import datetime as dt

from shared import emulation


def test_a_union_lists_its_works_and_the_district_sees_them_summarised(party, as_user, factory, db, today):
    today(dt.date(2023, 4, 1))
    t = party.t
    reporter = as_user(factory.user("reporter", t.g11))
    resp = reporter.post_form(f"/party/units/{t.g11.id}/emulation/works", {"name": "Sửa chữa phòng truyền thống", "value_vnd": "25000000", "completed_on": "15/03/2023"})
    assert resp.status_code == 303
    reporter.post_form(f"/party/units/{t.g11.id}/emulation/works", {"name": "Tặng 10 suất học bổng", "value_vnd": "5000000", "completed_on": ""})
    reporter.post_form(f"/party/units/{t.g11.id}/emulation/exemplary", {"kind": "individual", "name": "Nguyễn Thị Mai", "achievement": "Giáo viên dạy giỏi", "commendation": "Giấy khen LĐLĐ thành phố"})
    html = reporter.get(f"/party/units/{t.g11.id}/emulation").get_data(as_text=True)
    assert "Sửa chữa phòng truyền thống" in html and "25.000.000" in html and "15/03/2023" in html
    assert "Nguyễn Thị Mai" in html
    s = emulation.summary(db, party.campaign, t.d1)
    assert (s.works, s.works_value_vnd, s.individuals, s.collectives) == (2, 30_000_000, 1, 0)
    assert emulation.summary(db, party.campaign, t.d2).works == 0
    by_child = emulation.summary_by_child(db, party.campaign, t.province)
    assert by_child[t.d1.id].works_value_vnd == 30_000_000 and by_child[t.d2.id].works == 0
    unit_page = as_user(party.coordinator).get(f"/units/{t.d1.id}").get_data(as_text=True)
    assert "2 công trình, sản phẩm (30.000.000 đồng); 1 cá nhân, 0 tập thể điển hình." in unit_page


def test_bad_entries_are_refused_with_the_reason_next_to_the_field(party, as_user, factory, today):
    today(dt.date(2023, 4, 1))
    c = as_user(factory.user("reporter", party.t.g11))
    url = f"/party/units/{party.t.g11.id}/emulation/works"
    resp = c.post_form(url, {"name": "Công trình", "value_vnd": "-5", "completed_on": "02/04/2023"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Giá trị không được âm." in html and "Ngày hoàn thành không được sau hôm nay." in html
    assert 'value="Công trình"' in html  # the user's input is kept
    resp = c.post_form(url, {"name": "", "value_vnd": "abc"})
    assert resp.status_code == 422


def test_entries_of_another_unit_are_out_of_reach(party, as_user, factory, db):
    t = party.t
    other = as_user(factory.user("reporter", t.g21))
    assert other.get(f"/party/units/{t.g11.id}/emulation").status_code == 404
    assert other.post_form(f"/party/units/{t.g11.id}/emulation/works", {"name": "X"}).status_code == 404
    # Read-only roles see the list but cannot add to it.
    observer = as_user(factory.user("observer", t.d1))
    assert observer.post_form(f"/party/units/{t.g11.id}/emulation/works", {"name": "X"}).status_code == 404
    assert emulation.summary(db, party.campaign, t.province).works == 0


def test_the_report_form_asks_for_meeting_mode_and_the_personnel_pool_figures(party, as_user, factory):
    """The directive's congress details live in the unit's report form (issue 11, 'congress details')."""
    c = as_user(factory.user("reporter", party.t.g11))
    html = c.get(f"/units/{party.t.g11.id}/report").get_data(as_text=True)
    for name in ("meeting_mode", "executive_from_plan", "fulltime_not_reelected_age"):
        assert f'name="{name}"' in html, name
    assert "Trực tuyến" in html or "trực tuyến" in html
