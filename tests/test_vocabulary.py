"""One vocabulary: each code -> label table is defined once (shared/vocabulary.py), and every page, export,
API `*_label` field and the TUI prints that one table, so a topic or a status reads the same everywhere."""
from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path

import pytest

from shared import vocabulary

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "shared", "tui")
HOME = ROOT / "shared" / "vocabulary.py"
TRANSLATE_CALLS = {"_", "gettext", "pgettext", "lazy_gettext", "lazy_pgettext", "N_"}


# Tables of field descriptions (keyed by field names, not stored codes) have deliberate short variants
# elsewhere: the XLSX's column headers, the rows of the party's DOCX. The guard is about stored codes.
FIELD_TABLES = {"FIELD_LABELS", "AUDIT_FIELD_LABELS", "OFFICER_COLUMN_LABELS", "RECOMMENDATION_COLUMN_LABELS"}
# Tables keyed by codes that are not labels of those codes (each with its reason).
NOT_A_SECOND_TABLE = {
    ("shared/imports.py", "LEVEL_SHORT"): "the words an import file writes for a level, read back by the importer",
    ("shared/imports.py", "SECTOR_SHORT"): "the words an import file writes for a sector, read back by the importer",
    ("shared/reminders.py", "LEVEL_WORDS"): "a level as it reads inside the reminder's sentence",
    ("shared/workflow.py", "REFUSALS"): "whole refusal sentences keyed by workflow action",
}


def _tables_of_the_vocabulary() -> dict[str, set[str]]:
    return {name: set(table) for name, table in vars(vocabulary).items()
            if name.isupper() and isinstance(table, dict) and len(table) >= 2 and name not in FIELD_TABLES}


def _label_tables(source: str) -> list[tuple[int, str, set[str]]]:
    """(line, name, keys) of every dict literal whose values are (mostly) translated labels keyed by codes."""
    names = {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and node.value is not None:
                    names[id(node.value)] = target.id
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict) or len(node.keys) < 2:
            continue
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        labels = [v for v in node.values if isinstance(v, ast.Call)
                  and (getattr(v.func, "id", None) or getattr(v.func, "attr", None)) in TRANSLATE_CALLS]
        if len(keys) >= 2 and len(labels) * 2 > len(node.values):
            found.append((node.lineno, names.get(id(node), "?"), keys))
    return found


def duplicates(source: str, path: str) -> list[str]:
    """Label tables in `source` that restate one of the vocabulary's tables (two or more of its codes)."""
    out = []
    for line, name, keys in _label_tables(source):
        if (path, name) in NOT_A_SECOND_TABLE:
            continue
        for table, codes in _tables_of_the_vocabulary().items():
            shared_codes = keys & codes
            if len(shared_codes) >= 2 and len(shared_codes) * 2 >= min(len(keys), len(codes)):
                out.append(f"{path}:{line}: {name} is a second {table} ({', '.join(sorted(shared_codes))})")
    return out


def test_the_scan_finds_a_second_table_of_topics():
    """The guard below can fail: a module that writes its own topic wording is caught."""
    source = 'TOPIC_WORDS = {"jobs": lazy_gettext("Việc làm"), "income": lazy_gettext("Tiền lương, thu nhập")}\n'
    assert duplicates(source, "x.py") == ["x.py:1: TOPIC_WORDS is a second TOPIC_LABELS (income, jobs)"]
    source = 'STATES = {"draft": N_("Nháp"), "submitted": N_("Chờ duyệt"), "approved": N_("Đã duyệt")}\n'
    assert any("STATUS_LABELS" in d for d in duplicates(source, "y.py"))
    assert duplicates('EXAMPLES = {"jobs": "Đề nghị đào tạo nghề", "income": "Tăng lương"}\n', "z.py") == []  # data


def test_every_label_table_is_defined_once_in_the_vocabulary():
    offences = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == HOME:
                continue
            offences += duplicates(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not offences, "label tables defined outside shared/vocabulary.py:\n" + "\n".join(offences)


def test_the_modules_that_name_a_table_hand_out_the_vocabularys_own():
    from shared import dashboard, exports, level_reports, models, validation
    from tui.screens import report as tui_report

    assert dashboard.TOPIC_LABELS is validation.TOPIC_LABELS is level_reports.TOPIC_LABELS is vocabulary.TOPIC_LABELS
    assert dashboard.REC_STATUS_LABELS is level_reports.REC_STATUS_LABELS is vocabulary.REC_STATUS_LABELS
    assert models.STATUS_LABELS is vocabulary.STATUS_LABELS
    assert exports.MEETING_MODES is vocabulary.MEETING_MODE_LABELS
    assert tui_report.OFFICER_ROLES is vocabulary.OFFICER_ROLE_LABELS
    assert all(dashboard.REPORT_FILTERS[code] is label for code, label in vocabulary.STATUS_LABELS.items())


def test_every_audit_action_written_has_a_label():
    """The administrators' log shows a label for each action the code records."""
    written = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record" \
                        and getattr(node.func.value, "id", None) == "audit" and len(node.args) >= 4:
                    for arg in (node.args[2],):
                        for const in ast.walk(arg):
                            if isinstance(const, ast.Constant) and isinstance(const.value, str):
                                written.add(const.value)
                    if isinstance(node.args[3], ast.Constant):
                        assert node.args[3].value in vocabulary.OBJECT_LABELS or node.args[3].value == "", node.args[3].value
    assert written and written <= set(vocabulary.ACTION_LABELS), written - set(vocabulary.ACTION_LABELS)


@pytest.fixture
def followed(db, factory, today):
    """A unit's report with a recommendation on union facilities, sent and waiting for review."""
    from shared import workflow
    from shared.reports import save_draft
    from tests.review.conftest import complete_values

    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11, username="coso11")
    values = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in complete_values(t.g11, t.campaign).items()}
    report = save_draft(db, t.campaign, t.g11, reporter, {
        **values, "officers": [{"role": "chair", "full_name": "Lê Văn An", "vote_pct": 90}],
        "recommendations": [{"topic": "facilities", "text": "Xây nhà văn hóa công nhân"}],
    }, None).report
    workflow.submit(db, report, reporter)
    db.commit()
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    return t


def test_a_topic_and_a_status_read_the_same_on_the_form_the_dashboard_and_the_export(app, client, login_as, followed):
    from openpyxl import load_workbook

    facilities = str(vocabulary.TOPIC_LABELS["facilities"])
    submitted = str(vocabulary.STATUS_LABELS["submitted"])
    login_as(followed.coordinator)
    listing = client.get(f"/dashboard/recommendations?campaign={followed.campaign.id}").get_data(as_text=True)
    assert f">{facilities}</td>" in listing
    dashboard = client.get(f"/dashboard?campaign={followed.campaign.id}&section=units").get_data(as_text=True)
    assert f">{submitted}</option>" in dashboard and "Chờ duyệt</option>" not in dashboard
    sheet = load_workbook(io.BytesIO(client.get(f"/dashboard/export.xlsx?campaign={followed.campaign.id}").data))["Kiến nghị"]
    assert facilities in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    unit_page = app.test_client()
    from tests.conftest import login

    login(unit_page, "coso11")
    page = unit_page.get(f"/units/{followed.g11.id}/report").get_data(as_text=True)
    assert f">{facilities}</td>" in page and f">{submitted}</span>" in page
