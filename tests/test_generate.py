"""The national-scale generator: a consistent tree, a replayable history, usable afterwards."""
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from portal.cli import main
from shared.generate import generate, shape
from shared.models import Campaign, CongressReport, Unit, User
from shared.progress import progress_by_level
from shared.units import create_unit


def test_shape_follows_the_national_tree():
    assert shape(150_000) == (63, 700, 149_237)
    provinces, districts, grassroots = shape(600)
    assert provinces == 6 and districts >= provinces and provinces + districts + grassroots == 600


def test_generated_tree_and_history_are_consistent(engine, db):
    result = generate(engine, units=700, seed=7, today=dt.date(2024, 1, 1), analyze=False)
    assert result.units == 700 == db.scalar(select(func.count(Unit.id)))
    assert result.reports == db.scalar(select(func.count(CongressReport.id))) > 600
    # Every path is the parent's path plus the unit's own segment.
    paths = dict(db.execute(select(Unit.id, Unit.path)).all())
    parents = db.execute(select(Unit.id, Unit.parent_id)).all()
    assert all(paths[i] == (paths[p] if p else "") + f"{i:08d}/" for i, p in parents)
    # A report's status is its last status change, so replaying history as of today changes nothing.
    mismatched = db.execute(text(
        "SELECT count(*) FROM congress_reports r WHERE r.status <> (SELECT c.to_status FROM report_status_changes c "
        "WHERE c.report_id = r.id ORDER BY c.changed_at DESC, c.id DESC LIMIT 1)"
    )).scalar_one()
    assert mismatched == 0
    campaign = db.scalars(select(Campaign)).one()
    country = Unit(id=0, path="", level="province")
    now = progress_by_level(db, campaign, country, dt.date(2024, 1, 1))
    replayed = progress_by_level(db, campaign, country, dt.date(2023, 12, 31))
    assert now["grassroots"].held == replayed["grassroots"].held > 0
    mid = progress_by_level(db, campaign, country, dt.date(2023, 4, 15))["grassroots"]
    assert 0.5 < mid.held / mid.expected < 0.8
    assert mid.draft + mid.submitted + mid.returned + mid.approved <= mid.expected
    # Issue 19: about half of the held congresses name their people, and the names give exactly the counts.
    from shared import people
    from shared.models import ElectedMember
    from shared.reports import snapshot

    listed = db.scalars(select(CongressReport).where(CongressReport.id.in_(
        select(ElectedMember.report_id).distinct()))).all()
    held = db.scalar(select(func.count(CongressReport.id)).where(CongressReport.held_date.is_not(None)))
    assert 0.3 * held < len(listed) < 0.7 * held
    for report in listed[:200]:
        figures = people.statistics(report.members, report.delegates, report.held_date, campaign.youth_age)
        assert all(getattr(report, k) == v for k, v in figures.items()), report.id
        version = db.scalar(text("SELECT data FROM report_versions WHERE report_id = :id"), {"id": report.id})
        version = json.loads(version) if isinstance(version, str) else version
        assert version["members"] == snapshot(report)["members"]
    # Accounts can log in with the published password; the ORM keeps inserting after explicit ids.
    assert db.scalar(select(User).where(User.username == "admin")).role == "admin"
    province = db.scalars(select(Unit).where(Unit.level == "province")).first()
    extra = create_unit(db, code="MOI", name="Công đoàn cơ sở Mới", level="grassroots", parent=province)
    db.commit()
    assert extra.id > 700


def test_generate_refuses_a_database_with_data(engine, db, factory):
    factory.tree()
    with pytest.raises(RuntimeError, match="đã có dữ liệu"):
        generate(engine, units=300, analyze=False)


def test_generate_command_shows_progress_and_counts(database_url, db, monkeypatch):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["generate", "--units", "400", "--seed", "3", "--no-migrate"])
    assert result.exit_code == 0, result.output
    assert "CĐCS" in result.output and "Xong sau" in result.output
    assert db.scalar(select(func.count(Unit.id))) == 400
    again = CliRunner().invoke(main, ["generate", "--units", "400", "--no-migrate"])
    assert again.exit_code != 0 and "đã có dữ liệu" in again.output


def test_one_scan_overview_equals_the_separate_figures(engine, db):
    """The home and unit pages read per-level and per-child figures from one grouped scan."""
    from shared.progress import progress_by_child, progress_overview

    generate(engine, units=500, seed=5, today=dt.date(2024, 1, 1), analyze=False)
    campaign = db.scalars(select(Campaign)).one()
    province = db.scalars(select(Unit).where(Unit.level == "province").order_by(Unit.id)).first()
    for as_of in (dt.date(2024, 1, 1), dt.date(2023, 4, 15), dt.date(2023, 6, 20)):
        levels, children = progress_overview(db, campaign, province, as_of)
        assert levels == progress_by_level(db, campaign, province, as_of)
        assert [(c.unit.id, c.levels) for c in children] == [
            (c.unit.id, c.levels) for c in progress_by_child(db, campaign, province, as_of)
        ]
        assert sum(c.total().held for c in children) + levels["province"].held == sum(
            x.held for x in levels.values())


def test_generate_has_help_in_vietnamese():
    result = CliRunner().invoke(main, ["generate", "--help"])
    assert result.exit_code == 0 and "--units" in result.output and "toàn quốc" in result.output
