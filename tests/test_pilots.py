"""Pilots per level (shared.pilots) on hand-built data: who may name them, the figures per level as of a
day, the warning when a level's other congresses start before its first pilot, the window per level, and
the lessons a reviewer records."""
from __future__ import annotations

import datetime as dt

import pytest

from shared import pilots
from shared.errors import DomainError, Forbidden, NotFound
from shared.models import CongressReport, PilotLesson


@pytest.fixture
def w(factory, db, today):
    """P > D1 (G11, G12), D2 (G21); grassroots pilot window to 15/03/2023; today 15/04/2023."""
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    t.campaign = factory.campaign(pilot_until_grassroots=dt.date(2023, 3, 15), pilot_until_district=dt.date(2023, 6, 1))
    t.coordinator = factory.user("coordinator", t.province)
    t.federation = factory.user("federation", t.province)
    t.district1 = factory.user("district", t.d1)
    t.district2 = factory.user("district", t.d2)
    t.reporter11 = factory.user("reporter", t.g11)
    t.db = db
    return t


def report(w, unit, planned=None, held=None, pilot=False, planned_at=dt.datetime(2023, 1, 10)):
    r = CongressReport(campaign_id=w.campaign.id, unit_id=unit.id, planned_date=planned, held_date=held,
                       is_pilot=pilot, status="draft", form="toan_the", planned_at=planned_at if planned else None)
    w.db.add(r)
    w.db.flush()
    return r


def named(w, unit, by=None, at=dt.datetime(2023, 1, 5, 8, 0)):
    row = pilots.designate(w.db, by or w.coordinator, w.campaign, unit)
    row.designated_at = at
    w.db.flush()
    return row


def level(result, name):
    return next(p for p in result if p.level == name)


def test_non_pilots_held_before_the_first_pilot_are_warned(w):
    """G11 is named the grassroots pilot and holds its congress on 10/03; G12, not a pilot, held on 01/03."""
    named(w, w.g11)
    report(w, w.g11, dt.date(2023, 3, 10), dt.date(2023, 3, 10))
    report(w, w.g12, dt.date(2023, 3, 1), dt.date(2023, 3, 1))
    g = level(pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 4, 15)), "grassroots")
    assert (g.pilots, g.named, g.planned, g.held, g.first_held) == (1, 1, 1, 1, dt.date(2023, 3, 10))
    assert g.others_before == 1
    assert g.warnings == ["1 đại hội công đoàn cơ sở không phải đại hội điểm đã tổ chức trước đại hội điểm đầu tiên "
                          "của cấp này (10/03/2023)."]
    # As of 05/03 no pilot was held yet, and G12 already was.
    g = level(pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 3, 5)), "grassroots")
    assert (g.held, g.first_held, g.others_before) == (0, None, 1)
    assert "khi chưa có đại hội điểm nào" in g.warnings[0]
    # As of 28/02 nothing was held: no warning.
    assert level(pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 2, 28)), "grassroots").warnings == []


def test_pilots_first_gives_no_warning(w):
    report(w, w.g11, dt.date(2023, 3, 1), dt.date(2023, 3, 1), pilot=True)  # declared in its own plan
    report(w, w.g12, dt.date(2023, 3, 20), dt.date(2023, 3, 20))
    g = level(pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 4, 15)), "grassroots")
    assert (g.pilots, g.named, g.held, g.others_before, g.late) == (1, 0, 1, 0, 0)
    assert g.warnings == []


def test_a_pilot_not_held_within_its_levels_window_is_late(w):
    """The grassroots window ends 15/03: G21, named, planned 20/03, is late from 16/03 on; the district
    window (01/06) is still open for D1."""
    named(w, w.g21)
    named(w, w.d1)
    report(w, w.g21, dt.date(2023, 3, 20))
    result = pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 3, 16))
    assert level(result, "grassroots").late == 1
    assert "đến 15/03/2023" in level(result, "grassroots").warnings[0]
    assert level(result, "district").late == 0 and level(result, "district").pilots == 1
    assert level(pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 3, 15)), "grassroots").late == 0


def test_figures_are_scoped_and_as_of_the_day_named(w):
    named(w, w.g11, at=dt.datetime(2023, 2, 1, 9, 0))
    named(w, w.g21, at=dt.datetime(2023, 2, 1, 9, 0))
    assert level(pilots.by_level(w.db, w.campaign, w.d2, dt.date(2023, 4, 15)), "grassroots").pilots == 1
    assert [p.level for p in pilots.by_level(w.db, w.campaign, w.d2, dt.date(2023, 4, 15))] == ["grassroots"]
    assert level(pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 4, 15)), "grassroots").pilots == 2
    assert level(pilots.by_level(w.db, w.campaign, w.province, dt.date(2023, 1, 31)), "grassroots").pilots == 0
    assert [r.code for r in pilots.pilots(w.db, w.campaign, w.d1)] == ["G11"]


def test_who_may_name_the_pilots(w):
    assert pilots.designate(w.db, w.district1, w.campaign, w.g11).unit_id == w.g11.id
    with pytest.raises(NotFound):  # another district's union
        pilots.designate(w.db, w.district1, w.campaign, w.g21)
    with pytest.raises(Forbidden):  # its own level is named by the campaign
        pilots.designate(w.db, w.district1, w.campaign, w.d1)
    with pytest.raises(Forbidden):
        pilots.designate(w.db, w.reporter11, w.campaign, w.g11)
    with pytest.raises(Forbidden):  # the province has no pilots
        pilots.designate(w.db, w.coordinator, w.campaign, w.province)
    assert pilots.designate(w.db, w.federation, w.campaign, w.d2).unit_id == w.d2.id
    w.campaign.pilots_by_level_above = False  # the campaign names them all
    with pytest.raises(Forbidden):
        pilots.designate(w.db, w.district1, w.campaign, w.g12)
    assert pilots.withdraw(w.db, w.coordinator, w.campaign, w.g11) is True
    assert pilots.withdraw(w.db, w.coordinator, w.campaign, w.g11) is False


def test_the_reviewer_records_a_held_pilots_lesson(w, db):
    named(w, w.g11)
    r11 = report(w, w.g11, dt.date(2023, 3, 10), dt.date(2023, 3, 10))
    r12 = report(w, w.g12, dt.date(2023, 3, 20), dt.date(2023, 3, 20))
    r21 = report(w, w.g21, dt.date(2023, 5, 1), pilot=True)
    with pytest.raises(NotFound):
        pilots.record_lesson(db, w.district2, r11, "Chuẩn bị kỹ")
    with pytest.raises(Forbidden):
        pilots.record_lesson(db, w.coordinator, r11, "Chuẩn bị kỹ")
    with pytest.raises(DomainError, match="không phải đại hội điểm"):
        pilots.record_lesson(db, w.district1, r12, "x")
    with pytest.raises(DomainError, match="chưa tổ chức"):
        pilots.record_lesson(db, w.district2, r21, "x")
    lesson = pilots.record_lesson(db, w.district1, r11, "  Cần chuẩn bị nhân sự sớm hơn.  ")
    assert lesson.text == "Cần chuẩn bị nhân sự sớm hơn."
    g = level(pilots.by_level(db, w.campaign, w.d1, dt.date(2023, 4, 15)), "grassroots")
    assert (g.held, g.lessons) == (1, 1) and g.rows[0].lesson == "Cần chuẩn bị nhân sự sớm hơn."
    # As of a day before it was recorded, the lesson is not there yet.
    g = level(pilots.by_level(db, w.campaign, w.d1, dt.date(2023, 3, 31)), "grassroots")
    assert g.lessons == 0 and g.rows[0].lesson is None
    assert pilots.record_lesson(db, w.district1, r11, "") is None
    assert db.query(PilotLesson).count() == 0


def test_a_named_pilot_counts_as_a_pilot_in_every_figure(w):
    """One rule (shared.progress.pilot_clause): a unit the campaign named is a pilot whatever its own plan says,
    in the pilots' figures, the progress counts (`pilots_held`, "pilots only"), the dashboard's unit list and
    chart and the calendar; and as of a day before it was named it is not one anywhere."""
    from shared import calendar as cal, dashboard
    from shared.progress import progress_by_level

    report(w, w.g11, planned=dt.date(2023, 3, 1), held=dt.date(2023, 3, 1))  # its plan does not say pilot
    report(w, w.g12, planned=dt.date(2023, 3, 2), held=dt.date(2023, 3, 2), pilot=True)  # declared
    report(w, w.g21, planned=dt.date(2023, 3, 3), held=dt.date(2023, 3, 3))  # neither
    named(w, w.g11, at=dt.datetime(2023, 2, 1, 9, 0))
    w.db.commit()
    day, before = dt.date(2023, 4, 15), dt.date(2023, 1, 31)

    assert level(pilots.by_level(w.db, w.campaign, w.province, day), "grassroots").held == 2
    assert progress_by_level(w.db, w.campaign, w.province, day)["grassroots"].pilots_held == 2
    only = progress_by_level(w.db, w.campaign, w.province, day, pilot_only=True)["grassroots"]
    assert (only.expected, only.held) == (2, 2)
    filters = dashboard.Filters(pilot_only=True)
    rows, total = dashboard.unit_page(w.db, w.campaign, w.province, day, filters)
    assert total == 2 and {r.unit.code for r in rows} == {"G11", "G12"} and all(r.is_pilot for r in rows)
    every, _total = dashboard.unit_page(w.db, w.campaign, w.province, day, dashboard.Filters())
    assert {r.unit.code for r in every if r.is_pilot} == {"G11", "G12"}  # the row carries it, for the badge
    assert dashboard.held_series(w.db, w.campaign, w.province, day, filters)["grassroots"][-1][1] == 2
    events, _more = cal.events(w.db, w.campaign, w.province, dt.date(2023, 3, 1), dt.date(2023, 3, 31),
                               cal.Filters(level="grassroots", pilot_only=True))
    assert {e.unit_code for e in events} == {"G11", "G12"} and all(e.is_pilot for e in events)

    # as of a day before G11 was named: only the declared one
    assert progress_by_level(w.db, w.campaign, w.province, before)["grassroots"].pilots_held == 0  # none held yet
    assert progress_by_level(w.db, w.campaign, w.province, before, pilot_only=True)["grassroots"].expected == 1
    assert dashboard.unit_page(w.db, w.campaign, w.province, before, filters)[1] == 1
