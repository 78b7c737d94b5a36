"""The demo province and the home page: figures equal a direct SQL count on the same database."""
import datetime as dt
import re

from sqlalchemy import text

from shared.demo import REPORTER_PREFIX
from shared.models import User
from shared.progress import progress_by_level


def _sql_held(db, as_of: dt.date, level: str = "grassroots") -> int:
    return db.execute(text(
        "SELECT count(*) FROM units u JOIN congress_reports r ON r.unit_id = u.id "
        "WHERE u.level = :level AND u.active = :t AND r.held_date <= :d"
    ), {"level": level, "d": as_of, "t": True}).scalar_one()


def test_demo_province_has_the_expected_shape(db, demo):
    assert demo.units == 1 + 19 + demo.grassroots
    assert 1400 <= demo.grassroots <= 1500
    assert 65_000 <= demo.members <= 85_000
    names = {u.username: u.role for u in db.query(User)
             if u.role not in ("party_committee", "addressee") and not u.username.startswith(REPORTER_PREFIX)}
    assert names == {"admin": "admin", "dieuphoi": "coordinator", "liendoan": "federation",
                     "rachgia": "district", "coso": "reporter", "quansat": "observer"}
    party = {u.username for u in db.query(User) if u.role == "party_committee"}
    assert len(party) == 16 and {"thanhuy_rachgia", "huyenuy_giongrieng", "dangdoan"} <= party
    offices = {u.username: u.addressee.name for u in db.query(User) if u.role == "addressee"}
    assert offices == {"ubnd_tinh": "Ủy ban nhân dân tỉnh Kiên Giang",
                       "ubnd_rachgia": "Ủy ban nhân dân thành phố Rạch Giá"}


def test_demo_history_is_realistic(db, demo):
    from shared.models import Campaign, Unit

    c = db.query(Campaign).one()
    root = db.query(Unit).filter_by(level="province").one()
    mid_april = progress_by_level(db, c, root, dt.date(2023, 4, 15))["grassroots"]
    assert 0.60 <= mid_april.held / mid_april.expected <= 0.70
    end = progress_by_level(db, c, root)
    g = end["grassroots"]
    assert 0.01 <= g.overdue / g.expected <= 0.04  # about 2 % never held
    assert g.late > 0 and g.pilots_held > 0
    assert end["district"].held == end["district"].expected == 19
    assert end["province"].held == 1


def test_coso_has_not_reported_yet(db, demo):
    coso = db.query(User).filter_by(username="coso").one()
    assert coso.unit.parent.code == "RG"
    held = db.execute(text("SELECT count(*) FROM congress_reports WHERE unit_id = :u"), {"u": coso.unit_id}).scalar_one()
    assert held == 0


def test_demo_is_deterministic(db, demo):
    from shared.models import Unit

    names = [u.name for u in db.query(Unit).order_by(Unit.id).limit(40)]
    assert names[1] == "Liên đoàn Lao động thành phố Rạch Giá"
    assert len(set(n for n in names)) == len(names)


def test_coordinator_home_matches_direct_sql(client, db, demo, login_as):
    login_as("dieuphoi", "demo1234")
    html = client.get("/?as_of=15/04/2023").get_data(as_text=True)
    assert "15/04/2023" in html
    row = re.search(r'<tr data-level="grassroots">(.*?)</tr>', html, re.S).group(1)
    held = re.search(r'data-field="held">([\d.]+)<', row).group(1)
    assert int(held.replace(".", "")) == _sql_held(db, dt.date(2023, 4, 15))
    expected = re.search(r'data-field="expected">([\d.]+)<', row).group(1)
    assert expected == f"{demo.grassroots:,}".replace(",", ".")  # Vietnamese thousands separator


def test_bad_as_of_date_gives_a_vietnamese_message(client, demo, login_as):
    login_as("dieuphoi", "demo1234")
    html = client.get("/?as_of=32/13/2023").get_data(as_text=True)
    assert "Ngày không hợp lệ" in html


def test_htmx_request_gets_only_the_progress_block(client, demo, login_as):
    login_as("dieuphoi", "demo1234")
    resp = client.get("/?as_of=2023-04-15", headers={"HX-Request": "true", "HX-Target": "progress"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.lstrip().startswith('<section id="progress"')
    assert "<html" not in html


def test_district_user_sees_its_grassroots_list(client, demo, login_as, db):
    login_as("rachgia", "demo1234")
    rg = db.query(User).filter_by(username="rachgia").one().unit
    html = client.get(f"/units/{rg.id}").get_data(as_text=True)
    assert "Đơn vị trực thuộc" in html and "Trang 1 /" in html


def test_htmx_is_served_locally(client, demo):
    resp = client.get("/vendor/htmx.min.js")
    assert resp.status_code == 200 and b"htmx" in resp.data[:2000]


def test_some_rach_gia_unions_have_accounts_and_the_district_entered_the_others_reports(db, demo):
    """Rạch Giá has grassroots unions with a reporter account of their own and unions without one, whose
    reports the district entered on their behalf ("nhập thay"); no one can log in with the generated accounts."""
    from shared.demo import DEMO_PASSWORD
    from shared.models import CongressReport, Unit
    from shared.security import verify_password

    rachgia = db.query(User).filter_by(username="rachgia").one()
    units = db.query(Unit).filter_by(parent_id=rachgia.unit_id).all()
    reporters = {u.unit_id: u for u in db.query(User).filter(User.username.like(REPORTER_PREFIX + "%"))}
    assert all(u.role == "reporter" and u.unit.parent_id == rachgia.unit_id for u in reporters.values())
    assert not any(verify_password(u.password_hash, DEMO_PASSWORD) for u in list(reporters.values())[:3])
    without = [u for u in units if u.id not in reporters and u.id != db.query(User).filter_by(username="coso").one().unit_id]
    assert 0.3 * len(units) < len(without) < 0.5 * len(units)
    reports = {r.unit_id: r for r in db.query(CongressReport).filter(CongressReport.unit_id.in_([u.id for u in units]))}
    on_behalf = [r for r in reports.values() if r.entered_by_id is not None]
    assert {r.unit_id for r in on_behalf} == {u.id for u in without if u.id in reports}
    assert all(r.entered_by_id == rachgia.id for r in on_behalf)
    assert all(r.version == 1 for r in reports.values())  # the history's versions are untouched
