"""0015s on both engines: steering committees already there get version 1 (what a new one starts at), and the
downgrade drops only the counter."""
from __future__ import annotations

from sqlalchemy import inspect, text

from shared.db import make_engine, make_session_factory
from shared.migrate import downgrade, upgrade
from tests.conftest import Factory
from tests.test_migrations import scratch_url  # noqa: F401 (fixture)


def test_committees_get_a_version_and_lose_only_it_on_downgrade(scratch_url):  # noqa: F811
    upgrade(scratch_url, "0014c")
    engine = make_engine(scratch_url)
    try:
        with make_session_factory(engine)() as session:  # units and campaigns are the same at 0014c and after
            factory = Factory(session)
            t = factory.tree()
            campaign = factory.campaign()
            ids = {"c": campaign.id, "u": t.d1.id}
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO steering_committees (campaign_id, unit_id, decision_number, updated_at) "
                              "VALUES (:c, :u, '15-QĐ/TU', '2023-01-02 08:00:00')"), ids)
        engine.dispose()
        upgrade(scratch_url, "0015s")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version, decision_number FROM steering_committees")).one() == (1, "15-QĐ/TU")
        engine.dispose()
        downgrade(scratch_url, "0014c")
        with engine.connect() as conn:
            assert "version" not in {c["name"] for c in inspect(conn).get_columns("steering_committees")}
            assert conn.execute(text("SELECT decision_number FROM steering_committees")).scalar_one() == "15-QĐ/TU"
    finally:
        engine.dispose()
