"""0016f on both engines: the recommendations and accounts already there get their folded search keys (so that
"nha o" finds a recommendation typed before the upgrade), and the downgrade drops only the keys."""
from __future__ import annotations

from sqlalchemy import inspect, text

from shared.db import make_engine, make_session_factory
from shared.migrate import downgrade, upgrade
from tests.conftest import Factory
from tests.test_migrations import scratch_url  # noqa: F401 (fixture)

AT = "2023-04-20 08:00:00"


def test_existing_rows_get_folded_keys_and_lose_only_them_on_downgrade(scratch_url):  # noqa: F811
    upgrade(scratch_url, "0015s")
    engine = make_engine(scratch_url)
    try:
        with make_session_factory(engine)() as session:  # units and campaigns are the same at 0015s and after
            factory = Factory(session)
            t = factory.tree()
            campaign = factory.campaign()
            ids = {"c": campaign.id, "u": t.g11.id, "at": AT}
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (username, full_name, password_hash, role, unit_id, active, must_change_password, "
                "session_version, locale, created_at) VALUES ('ldld', 'Đặng Thị  Ánh', 'x', 'coordinator', :u, true, false, "
                "1, 'vi', :at)"), ids)
            conn.execute(text(
                "INSERT INTO congress_reports (campaign_id, unit_id, is_pilot, meeting_mode, status, version, created_at, "
                "updated_at) VALUES (:c, :u, false, 'in_person', 'draft', 1, :at, :at)"), ids)
            report_id = conn.execute(text("SELECT id FROM congress_reports")).scalar_one()
            conn.execute(text(
                "INSERT INTO recommendations (report_id, campaign_id, unit_id, topic, text, status, version, updated_at) "
                "VALUES (:r, :c, :u, 'housing', 'Nhà ở cho CÔNG NHÂN khu công nghiệp', 'open', 1, :at)"),
                {**ids, "r": report_id})
        engine.dispose()
        upgrade(scratch_url, "0016f")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT text_folded FROM recommendations")).scalar_one() == \
                "nha o cho cong nhan khu cong nghiep"
            assert conn.execute(text("SELECT full_name_folded FROM users")).scalar_one() == "dang thi anh"
        engine.dispose()
        downgrade(scratch_url, "0015s")
        with engine.connect() as conn:
            assert "text_folded" not in {c["name"] for c in inspect(conn).get_columns("recommendations")}
            assert "full_name_folded" not in {c["name"] for c in inspect(conn).get_columns("users")}
            assert conn.execute(text("SELECT text FROM recommendations")).scalar_one() == \
                "Nhà ở cho CÔNG NHÂN khu công nghiệp"
            assert conn.execute(text("SELECT full_name FROM users")).scalar_one() == "Đặng Thị  Ánh"
    finally:
        engine.dispose()
