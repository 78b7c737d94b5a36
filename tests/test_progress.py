"""Progress figures against hand-checked numbers, including as-of replay and deadline days."""
import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from shared import clock, workflow
from shared.models import CongressReport, ReportStatusChange
from shared.progress import STATE_LABELS, STATES, progress_by_child, progress_by_level
from shared.reports import get_or_create_report
from tests.report_data import complete_results


def _plan(db, campaign, unit, user, *, planned_at, planned, pilot=False):
    clock.pin(planned_at)
    report = get_or_create_report(db, campaign, unit, user)
    report.planned_date = planned
    report.planned_at = dt.datetime.combine(planned_at, dt.time(9))
    report.is_pilot = pilot
    db.flush()
    return report


def _on(db, day, fn, *args, **kw):
    clock.pin(day)
    fn(db, *args, **kw)
    db.flush()


@pytest.fixture
def history(db, factory):
    """G11: pilot held 10/03, approved 15/03. G12: planned 01/04, held late 05/06, submitted,
    returned 07/06, resubmitted 08/06. G21: nothing. D1 held on its deadline day. D2: nothing."""
    t = factory.tree()
    c = factory.campaign()
    rep11 = factory.user("reporter", t.g11)
    rep12 = factory.user("reporter", t.g12)
    rep_d1 = factory.user("district", t.d1)
    fed = factory.user("federation", t.province)

    r11 = _plan(db, c, t.g11, rep11, planned_at=dt.date(2023, 2, 1), planned=dt.date(2023, 3, 10), pilot=True)
    complete_results(r11, held=dt.date(2023, 3, 10))
    _on(db, dt.date(2023, 3, 12), workflow.submit, r11, rep11)
    _on(db, dt.date(2023, 3, 15), workflow.approve, r11, rep_d1)

    r12 = _plan(db, c, t.g12, rep12, planned_at=dt.date(2023, 4, 1), planned=dt.date(2023, 5, 20))
    complete_results(r12, held=dt.date(2023, 6, 5))
    _on(db, dt.date(2023, 6, 6), workflow.submit, r12, rep12)
    _on(db, dt.date(2023, 6, 7), workflow.return_report, r12, rep_d1, "Thiếu biên bản")
    _on(db, dt.date(2023, 6, 8), workflow.submit, r12, rep12)

    rd1 = _plan(db, c, t.d1, rep_d1, planned_at=dt.date(2023, 6, 1), planned=dt.date(2023, 7, 31))
    complete_results(rd1, held=dt.date(2023, 7, 31))
    _on(db, dt.date(2023, 8, 1), workflow.submit, rd1, rep_d1)
    _on(db, dt.date(2023, 8, 2), workflow.approve, rd1, fed)
    db.commit()
    clock.pin(dt.date(2023, 11, 30))
    return t, c


def _pick(counts, *names):
    return {n: getattr(counts, n) for n in names}


def test_before_the_grassroots_deadline(db, history):
    t, c = history
    g = progress_by_level(db, c, t.province, dt.date(2023, 3, 31))["grassroots"]
    assert _pick(g, "expected", "planned", "held", "on_time", "late", "overdue", "pending", "pilots_held") == dict(
        expected=3, planned=1, held=1, on_time=1, late=0, overdue=0, pending=2, pilots_held=1
    )
    assert _pick(g, "draft", "submitted", "returned", "approved") == dict(draft=0, submitted=0, returned=0, approved=1)
    assert g.days_left == 61


def test_on_the_deadline_day_units_not_held_are_still_pending(db, history):
    t, c = history
    g = progress_by_level(db, c, t.province, dt.date(2023, 5, 31))["grassroots"]
    assert _pick(g, "planned", "held", "overdue", "pending", "draft") == dict(planned=2, held=1, overdue=0, pending=2, draft=1)
    assert g.days_left == 0


def test_the_day_after_the_deadline_they_are_overdue(db, history):
    t, c = history
    g = progress_by_level(db, c, t.province, dt.date(2023, 6, 1))["grassroots"]
    assert _pick(g, "held", "overdue", "pending") == dict(held=1, overdue=2, pending=0)
    assert g.days_left == -1


def test_replay_sees_the_return_then_the_resubmission(db, history):
    t, c = history
    on_7th = progress_by_level(db, c, t.province, dt.date(2023, 6, 7))["grassroots"]
    assert _pick(on_7th, "held", "on_time", "late", "overdue", "submitted", "returned", "approved") == dict(
        held=2, on_time=1, late=1, overdue=1, submitted=0, returned=1, approved=1
    )
    on_8th = progress_by_level(db, c, t.province, dt.date(2023, 6, 8))["grassroots"]
    assert (on_8th.submitted, on_8th.returned) == (1, 0)


def test_today_uses_current_status_and_matches_replay(db, history):
    t, c = history
    now = progress_by_level(db, c, t.province)  # today is pinned to 30/11/2023
    replay = progress_by_level(db, c, t.province, dt.date(2023, 11, 29))
    assert now["grassroots"].as_dict() | {"as_of": None, "days_left": None} == replay["grassroots"].as_dict() | {"as_of": None, "days_left": None}
    assert _pick(now["district"], "expected", "held", "on_time", "overdue", "approved") == dict(expected=2, held=1, on_time=1, overdue=1, approved=1)
    assert _pick(now["province"], "expected", "held", "overdue") == dict(expected=1, held=0, overdue=1)


def test_district_held_on_its_deadline_day_is_on_time(db, history):
    t, c = history
    d = progress_by_level(db, c, t.province, dt.date(2023, 7, 31))["district"]
    assert _pick(d, "held", "on_time", "late", "pending", "overdue") == dict(held=1, on_time=1, late=0, pending=1, overdue=0)
    d = progress_by_level(db, c, t.province, dt.date(2023, 8, 1))["district"]
    assert _pick(d, "pending", "overdue") == dict(pending=0, overdue=1)


def test_scope_limits_the_figures_to_a_subtree(db, history):
    t, c = history
    levels = progress_by_level(db, c, t.d2, dt.date(2023, 6, 7))
    assert _pick(levels["grassroots"], "expected", "held", "overdue") == dict(expected=1, held=0, overdue=1)
    assert levels["province"].expected == 0


def test_by_child_gives_each_district_its_subtree(db, history):
    t, c = history
    rows = {ch.unit.code: ch for ch in progress_by_child(db, c, t.province, dt.date(2023, 6, 7))}
    assert set(rows) == {"D1", "D2"}
    d1 = rows["D1"].levels
    assert _pick(d1["grassroots"], "expected", "held", "late", "returned") == dict(expected=2, held=2, late=1, returned=1)
    assert _pick(d1["district"], "expected", "pending") == dict(expected=1, pending=1)
    assert _pick(rows["D2"].levels["grassroots"], "expected", "overdue") == dict(expected=1, overdue=1)


def test_inactive_units_are_not_expected(db, history):
    t, c = history
    t.g21.active = False
    db.commit()
    g = progress_by_level(db, c, t.province, dt.date(2023, 6, 7))["grassroots"]
    assert g.expected == 2 and g.overdue == 0


def test_every_transition_is_in_the_status_history(db, history):
    t, c = history
    r12 = db.scalar(select(CongressReport).where(CongressReport.unit_id == t.g12.id))
    steps = [(h.from_status, h.to_status) for h in db.scalars(
        select(ReportStatusChange).where(ReportStatusChange.report_id == r12.id).order_by(ReportStatusChange.id))]
    assert steps == [(None, "draft"), ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted")]


# ---- one congress-state rule (issue 17, item 4) -------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
CODE = [p for d in ("shared", "portal", "tui") for p in sorted((ROOT / d).rglob("*.py"))]
TEMPLATES = sorted((ROOT / "portal").rglob("*.html"))
# Each expression of the rule, as a pattern that finds a definition of it wherever it is written.
DEFINITIONS = {
    "the deadline CASE": re.compile(r'==\s*"grassroots"\s*,\s*literal\('),
    "the status-as-of subquery": re.compile(r"select\(\s*\w+\.to_status\s*\)"),
    "the overdue condition": re.compile(r"literal\(\s*as_of[^)]*\)\s*>\s*deadline"),
    "the state CASE": re.compile(r'else_\s*=\s*(?:"pending"|STATES\[-1\])'),
}


def _hits(pattern: re.Pattern, files) -> list[str]:
    return [f"{f.relative_to(ROOT)}:{n}" for f in files
            for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]


@pytest.mark.parametrize("name", DEFINITIONS)
def test_each_expression_of_the_congress_state_rule_is_written_once(name):
    hits = _hits(DEFINITIONS[name], CODE)
    assert len(hits) == 1 and hits[0].startswith("shared/progress.py"), (name, hits)


def test_templates_print_states_and_never_decide_them():
    """A template reads a row's state code and its label; it never works out held, late or overdue from
    the counts of a unit's own level."""
    deciding = re.compile(r"\bown\.(held|late|overdue|on_time|pending)\b|levels\.get\(\s*child\.unit\.level")
    assert _hits(deciding, TEMPLATES) == []


def test_every_row_carries_its_state_and_the_counts_agree_with_the_rows(db, history):
    """The unit list's rows (a state code each, worded from STATE_LABELS) and the per-level counts come
    from the same conditions, on every side of the deadline."""
    from shared import dashboard as dash

    t, c = history
    for day in (dt.date(2023, 5, 31), dt.date(2023, 6, 1), dt.date(2023, 8, 1), dt.date(2023, 11, 30)):
        levels = progress_by_level(db, c, t.province, day)
        rows, total = dash.unit_page(db, c, t.province, day, dash.Filters(level=None))
        assert total == 6
        for level in ("grassroots", "district", "province"):
            states = [r.state for r in rows if r.unit.level == level]
            for state in STATES:
                assert states.count(state) == getattr(levels[level], state), (day, level, state)
        for r in rows:
            assert r.state_label == STATE_LABELS[r.state]
        by_child = {ch.unit.code: ch for ch in progress_by_child(db, c, t.province, day)}
        for code in ("D1", "D2"):
            own = next(r for r in rows if r.unit.code == code)
            assert by_child[code].own_state == own.state and by_child[code].own_state_label == own.state_label
