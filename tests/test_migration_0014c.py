"""0014c on both engines: the one pilot date becomes the grassroots pilot window (and back), the funding by
source and the pilots' tables come and go, the total funding stays."""
from __future__ import annotations

from sqlalchemy import text

from shared.db import make_engine
from shared.migrate import downgrade, upgrade
from tests.test_migrations import scratch_url  # noqa: F401 (fixture)


def _one(url: str, sql: str):
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return conn.execute(text(sql)).one()
    finally:
        eng.dispose()


def _run(url: str, sql: str) -> None:
    eng = make_engine(url)
    try:
        with eng.begin() as conn:
            conn.execute(text(sql))
    finally:
        eng.dispose()


def test_the_pilot_date_is_carried_over_and_back(scratch_url):  # noqa: F811
    upgrade(scratch_url, "0011n")
    _run(scratch_url, "INSERT INTO campaigns (id, name, term, start_date, deadline_grassroots, deadline_district, "
                      "deadline_province, pilot_until, members_threshold, youth_age, target_women_pct, "
                      "target_young_pct, target_party_pct, closed, created_at, level_report_grace_days) VALUES "
                      "(1, 'Đợt', '2023-2028', '2023-01-01', '2023-05-31', '2023-07-31', '2023-10-31', '2023-03-15', "
                      "150, 35, 30, 15, 50, false, '2023-01-01 00:00:00', 15)")
    upgrade(scratch_url, "0014c")
    row = _one(scratch_url, "SELECT pilot_until_grassroots, pilot_until_district, pilots_by_level_above FROM campaigns")
    assert str(row[0]) == "2023-03-15" and row[1] is None and bool(row[2]) is True
    _run(scratch_url, "UPDATE campaigns SET pilot_until_grassroots = '2023-03-20', pilot_until_district = '2023-06-01'")
    downgrade(scratch_url, "0011n")
    assert str(_one(scratch_url, "SELECT pilot_until FROM campaigns")[0]) == "2023-03-20"
