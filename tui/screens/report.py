"""A unit's congress report in summary: workflow status, plan, results, elected officers."""
from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Static

from shared.i18n import N_, _
from shared.models import FORM_LABELS, STATUS_LABELS
from shared.text import format_date, format_datetime, format_number
from shared.vocabulary import DELEGATE_KIND_LABELS, PERSONNEL_SOURCE_LABELS, POSITION_LABELS
from shared.vocabulary import OFFICER_ROLE_LABELS as OFFICER_ROLES
from tui.screens.base import LiveScreen
from tui.widgets.banner import ErrorBanner

ROWS = (
    ("planned_date", N_("Ngày dự kiến")),
    ("held_date", N_("Ngày đại hội")),
    ("form", N_("Hình thức")),
    ("is_pilot", N_("Đại hội điểm")),
    ("members_total", N_("Tổng số đoàn viên")),
    ("summoned", N_("Đại biểu triệu tập")),
    ("present", N_("Có mặt")),
    ("executive_size", N_("Ban chấp hành")),
    ("executive_women", N_("  trong đó nữ")),
    ("executive_young", N_("  trẻ")),
    ("executive_party", N_("  đảng viên")),
    ("executive_reelected", N_("  tái cử")),
    ("standing_size", N_("Ban thường vụ")),
    ("inspection_size", N_("Ủy ban kiểm tra")),
    ("delegates_official", N_("Đại biểu dự đại hội cấp trên")),
    ("works_count", N_("Công trình, sản phẩm chào mừng")),
    ("funding_vnd", N_("Kinh phí hỗ trợ (đồng)")),
)


def _value(name: str, value) -> str:
    if value is None or value == "":
        return "–"
    if name.endswith("_date"):
        return format_date(dt.date.fromisoformat(value))
    if name == "form":
        return str(FORM_LABELS.get(value, value))
    if name == "is_pilot":
        return _("Có") if value else _("Không")
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def summary(report: dict | None) -> str:
    if report is None:
        return _("Đơn vị chưa có báo cáo đại hội cho đợt này.")
    status = STATUS_LABELS.get(report["status"], report["status_label"])  # a server's label is in its own language
    lines = [_("Trạng thái: %(status)s (phiên bản %(version)s)", status=status, version=report["version"])]
    if report.get("submitted_at"):
        lines.append(_("Gửi lúc: %(at)s", at=format_datetime(dt.datetime.fromisoformat(report["submitted_at"]))))
    if report.get("return_reason"):
        lines.append(_("Lý do trả lại: %(reason)s", reason=report["return_reason"]))
    lines.append("")
    rows = [(name, _(label)) for name, label in ROWS]
    width = max(len(label) for _name, label in rows)
    lines += [f"{label:<{width}}  {_value(name, report.get(name))}" for name, label in rows]
    lines += people_lines(report)
    if report.get("officers") and not report.get("members"):
        lines += ["", _("Nhân sự chủ chốt:")]
        lines += [f"  {OFFICER_ROLES[o['role']] if o['role'] in OFFICER_ROLES else o['role']}: {o['full_name']}"
                  for o in report["officers"]]
    if report.get("notes"):
        lines += ["", _("Ghi chú: %(notes)s", notes=report["notes"])]
    return "\n".join(lines)


def people_lines(report: dict) -> list[str]:
    """Issue 19: where the personnel figures come from, the ballots, the named people, the decision."""
    lines = []
    source = report.get("personnel_source")
    if source:
        lines += ["", _("Số liệu nhân sự: %(source)s", source=PERSONNEL_SOURCE_LABELS[source])]
    if report.get("ballots_valid") is not None:
        lines.append(_("Phiếu phát ra: %(issued)s · hợp lệ: %(valid)s",
                       issued=_value("ballots_issued", report.get("ballots_issued")),
                       valid=_value("ballots_valid", report["ballots_valid"])))
    if report.get("members"):
        lines += ["", _("Người trúng cử (%(count)s):", count=len(report["members"]))]
        for m in report["members"]:
            positions = ", ".join(str(POSITION_LABELS[p]) for p in m.get("positions", []) if p in POSITION_LABELS)
            votes = _("%(votes)s phiếu", votes=format_number(m["votes"])) if m.get("votes") is not None else ""
            lines.append("  " + " · ".join(x for x in (m["full_name"], str(m.get("birth_year") or ""), positions, votes) if x))
    if report.get("delegates"):
        lines += ["", _("Đại biểu dự đại hội cấp trên (%(count)s):", count=len(report["delegates"]))]
        lines += [f"  {d['full_name']} · {DELEGATE_KIND_LABELS.get(d['kind'], d['kind'])}" for d in report["delegates"]]
    decision = report.get("recognition_decision")
    if decision:
        lines += ["", _("Đã có quyết định công nhận số %(number)s ngày %(date)s", number=decision["number"],
                        date=format_date(dt.date.fromisoformat(decision["date"])))]
    return lines


class ReportScreen(LiveScreen):
    def __init__(self, unit: dict, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorBanner()
        yield Label(_("Báo cáo đại hội: %(unit)s", unit=self.unit["name"]), id="scope", markup=False)
        with VerticalScroll():
            yield Static(_("Đang tải…"), id="report", markup=False)
        yield Footer(show_command_palette=False)  # ctrl+p still opens it; at 80 columns q Thoát must show

    def fetch(self) -> dict | None:
        return self.app.source.report(self.app.campaign_id, self.unit["id"])

    def apply(self, report: dict | None) -> None:
        self.query_one("#report", Static).update(summary(report))
