"""Eight clients edit and submit reports at once through the real server (waitress) on PostgreSQL.
Afterwards: one report per campaign x unit, every write either won (200) or got 409, no lost update (the
winners' base versions are all different and the last winner's value is what is stored), one submit per
report, and report_versions and the audit trail say exactly what the winners did."""
from __future__ import annotations

from decimal import Decimal
import threading
from collections import defaultdict

import httpx
import pytest
from sqlalchemy import func, select

from shared import tokens
from shared.models import AuditLog, CongressReport, Officer, ReportStatusChange, ReportVersion
from shared.reports import get_or_create_report, record_version
from tests.review.conftest import complete_values
from tests.realproc import Server

ROUNDS = 5


@pytest.fixture
def pg_only(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("the concurrency test needs PostgreSQL (TEST_DATABASE_URL); CI sets it")


def test_eight_clients_editing_and_submitting_at_once(pg_only, database_url, db, factory, today):
    t = factory.tree()
    campaign = factory.campaign()
    g13 = factory.unit("Công đoàn cơ sở Trường THCS Rạch Giá", "grassroots", t.d1, code="G13", members_count=60)
    reporters = {u.id: factory.user("reporter", u, username=f"cc_{u.code.lower()}") for u in (t.g11, t.g12, g13)}
    for unit in (t.g11, t.g12):  # complete drafts, so that a submit can pass
        report = get_or_create_report(db, campaign, unit, reporters[unit.id])
        for name, value in complete_values(unit, campaign).items():
            setattr(report, name, value)
        report.officers.append(Officer(position=0, role="chair", full_name="Nguyễn Thị Lan", gender="female", vote_pct=Decimal("92.5")))
        db.flush()
        record_version(db, report, reporters[unit.id])
    db.commit()
    initial = {r.unit_id: r.version for r in db.scalars(select(CongressReport))}
    # threads 0-3 share G11, 4-5 share G12, 6-7 race for the first save of G13; one token each
    plan = [t.g11] * 4 + [t.g12] * 2 + [g13] * 2
    secrets = [tokens.issue(db, reporters[unit.id], name=f"luồng {i}")[0] for i, unit in enumerate(plan)]
    db.commit()

    server = Server(database_url, threads=8).start()
    results: list[dict] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(plan))

    def worker(i: int, unit) -> None:
        url = f"{server.url}/api/v1/units/{unit.id}/report"
        with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {secrets[i]}"}) as http:
            def note(kind, resp, base, value=None):
                body = resp.json()
                with lock:
                    results.append(dict(thread=i, unit=unit.id, kind=kind, status=resp.status_code, base=base, value=value,
                                        version=body.get("version") if resp.status_code == 200 else None,
                                        code=body.get("error", {}).get("code") if resp.status_code != 200 else None))

            barrier.wait()
            if unit.id == g13.id:  # both create the first draft at once: one wins, the other 409 (or 400: it exists now)
                note("create", http.put(url, json={"members_total": 60 + i}), None, 60 + i)
            for r in range(ROUNDS):
                current = http.get(url)
                base = current.json()["version"] if current.status_code == 200 else None
                value = 1000 + 100 * i + r
                note("save", http.put(url, json={"members_total": value}, headers={"If-Match": f'"{base}"'}), base, value)
            barrier.wait()  # all saves are done before anyone submits (a submitted report refuses saves: 403)
            if unit.id != g13.id:
                base = http.get(url).json()["version"]
                note("submit", http.post(f"{url}/submit", json={"version": base}), base)

    threads = [threading.Thread(target=worker, args=(i, unit)) for i, unit in enumerate(plan)]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=240)
    finally:
        server.kill()
    log = server.output()
    assert not any(th.is_alive() for th in threads)

    # every request either won or was refused as a conflict; no 5xx
    odd = [r for r in results if r["status"] not in (200, 409) and not (r["kind"] == "create" and r["status"] == 400)]
    assert odd == [], log[-5000:]
    assert len(results) == 4 * (ROUNDS + 1) + 2 * (ROUNDS + 1) + 2 * (ROUNDS + 1)

    db.expire_all()
    per_unit = dict(db.execute(select(CongressReport.unit_id, func.count()).group_by(CongressReport.unit_id)).all())
    assert per_unit == {t.g11.id: 1, t.g12.id: 1, g13.id: 1}  # nothing lost, nothing duplicated
    assert len([r for r in results if r["kind"] == "create" and r["status"] == 200]) == 1

    by_unit = defaultdict(list)
    for r in results:
        by_unit[r["unit"]].append(r)
    for unit_id, rows in by_unit.items():
        report = db.scalar(select(CongressReport).where(CongressReport.unit_id == unit_id))
        wins = sorted((r for r in rows if r["status"] == 200), key=lambda r: r["version"])
        saves = [r for r in wins if r["kind"] in ("save", "create")]
        # each accepted write moved the version by one, from the version its writer had read: no lost update
        assert [r["version"] for r in wins] == list(range(wins[0]["version"], report.version + 1))
        assert all(r["base"] == r["version"] - 1 for r in wins if r["base"] is not None)
        assert len({r["base"] for r in wins if r["base"] is not None}) == len([r for r in wins if r["base"] is not None])
        if unit_id in initial:
            assert wins[0]["base"] == initial[unit_id]
        # a write that lost was one on a base that another writer had already moved on from
        for lost in (r for r in rows if r["status"] == 409 and r["kind"] != "create"):
            if lost["kind"] == "submit" and lost["code"] == "invalid_transition":
                # another thread sent it first: no longer a draft to send (not a lost write)
                assert report.status == "submitted" and lost["base"] <= report.version, lost
                continue
            assert lost["code"] == "conflict", lost
            assert any(w["base"] == lost["base"] for w in wins) or lost["base"] < report.version
        # what is stored is what the last accepted save wrote
        assert report.members_total == saves[-1]["value"]
        # the version history and the audit trail hold exactly the accepted writes
        versions = db.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id).order_by(ReportVersion.version)).all()
        assert {w["version"] for w in wins} <= {v.version for v in versions}
        assert len({v.version for v in versions}) == len(versions)
        assert versions[-1].version == report.version and versions[-1].data["members_total"] == report.members_total
        audited = db.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.object_type == "congress_report", AuditLog.object_id == report.id, AuditLog.action == "report.save"))
        assert audited == len(saves)
        submits = [r for r in rows if r["kind"] == "submit" and r["status"] == 200]
        changes = db.scalar(select(func.count(ReportStatusChange.id)).where(
            ReportStatusChange.report_id == report.id, ReportStatusChange.to_status == "submitted"))
        if unit_id == g13.id:
            assert report.status == "draft" and changes == 0
        else:
            assert len(submits) == 1 and changes == 1 and report.status == "submitted"


def test_a_first_save_that_lost_the_race_is_a_conflict(app, db, factory, monkeypatch):
    """Deterministic version of the race above: the API read 'no report yet', and before it created one another
    request created and saved it. Writing over that save blindly would lose it: 409, and it stays."""
    import portal.api.views as api_views

    t = factory.tree()
    campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11, username="race_rep")
    report = get_or_create_report(db, campaign, t.g11, reporter)  # the other request's first save
    report.members_total = 40
    db.flush()
    record_version(db, report, reporter)
    db.commit()
    secret = tokens.issue(db, reporter)[0]
    db.commit()
    real, reads = api_views.get_report, []

    def read_before_the_other_commit(session, campaign, unit):
        reads.append(unit.id)
        return None if len(reads) == 1 else real(session, campaign, unit)

    monkeypatch.setattr(api_views, "get_report", read_before_the_other_commit)
    resp = app.test_client().put(f"/api/v1/units/{t.g11.id}/report", json={"members_total": 99},
                                 headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 409
    db.expire_all()
    assert db.scalar(select(CongressReport.members_total).where(CongressReport.unit_id == t.g11.id)) == 40
    assert db.scalar(select(func.count(CongressReport.id))) == 1
