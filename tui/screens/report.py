"""A unit's congress report in summary: workflow status, plan, results, elected officers."""
from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Static

from shared.models import FORM_LABELS
from shared.text import format_date, format_datetime, format_number
from tui.screens.base import LiveScreen
from tui.widgets.banner import ErrorBanner

ROWS = (
    ("planned_date", "Ngày dự kiến"),
    ("held_date", "Ngày đại hội"),
    ("form", "Hình thức"),
    ("is_pilot", "Đại hội điểm"),
    ("members_total", "Tổng số đoàn viên"),
    ("summoned", "Đại biểu triệu tập"),
    ("present", "Có mặt"),
    ("executive_size", "Ban chấp hành"),
    ("executive_women", "  trong đó nữ"),
    ("executive_young", "  trẻ"),
    ("executive_party", "  đảng viên"),
    ("executive_reelected", "  tái cử"),
    ("standing_size", "Ban thường vụ"),
    ("inspection_size", "Ủy ban kiểm tra"),
    ("delegates_official", "Đại biểu dự đại hội cấp trên"),
    ("works_count", "Công trình, sản phẩm chào mừng"),
    ("funding_vnd", "Kinh phí hỗ trợ (đồng)"),
)
OFFICER_ROLES = {"chair": "Chủ tịch", "vice_chair": "Phó chủ tịch", "inspection_head": "Chủ nhiệm UBKT"}


def _value(name: str, value) -> str:
    if value is None or value == "":
        return "–"
    if name.endswith("_date"):
        return format_date(dt.date.fromisoformat(value))
    if name == "form":
        return str(FORM_LABELS.get(value, value))
    if name == "is_pilot":
        return "Có" if value else "Không"
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def summary(report: dict | None) -> str:
    if report is None:
        return "Đơn vị chưa có báo cáo đại hội cho đợt này."
    lines = [f"Trạng thái: {report['status_label']} (phiên bản {report['version']})"]
    if report.get("submitted_at"):
        lines.append(f"Gửi lúc: {format_datetime(dt.datetime.fromisoformat(report['submitted_at']))}")
    if report.get("return_reason"):
        lines.append(f"Lý do trả lại: {report['return_reason']}")
    lines.append("")
    width = max(len(label) for _, label in ROWS)
    lines += [f"{label:<{width}}  {_value(name, report.get(name))}" for name, label in ROWS]
    if report.get("officers"):
        lines += ["", "Nhân sự chủ chốt:"]
        lines += [f"  {OFFICER_ROLES.get(o['role'], o['role'])}: {o['full_name']}" for o in report["officers"]]
    if report.get("notes"):
        lines += ["", f"Ghi chú: {report['notes']}"]
    return "\n".join(lines)


class ReportScreen(LiveScreen):
    def __init__(self, unit: dict, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorBanner()
        yield Label(f"Báo cáo đại hội: {self.unit['name']}", id="scope", markup=False)
        with VerticalScroll():
            yield Static("Đang tải…", id="report", markup=False)
        yield Footer()

    def fetch(self) -> dict | None:
        return self.app.source.report(self.app.campaign_id, self.unit["id"])

    def apply(self, report: dict | None) -> None:
        self.query_one("#report", Static).update(summary(report))
