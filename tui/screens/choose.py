"""Small dialogs: the as-of date, the campaign, the sector/status filter."""
from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from shared import clock
from shared.models import SECTOR_LABELS, STATUS_LABELS
from shared.text import parse_date


class AsOfScreen(ModalScreen[tuple[dt.date | None] | None]):
    """Returns (date,) with None for today, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Đóng")]

    def __init__(self, current: dt.date | None, **kwargs):
        super().__init__(**kwargs)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Số liệu tính đến ngày (dd/mm/yyyy; để trống là hôm nay)", classes="title")
            yield Input(value=self.current.strftime("%d/%m/%Y") if self.current else "", placeholder="dd/mm/yyyy",
                        id="as-of")
            yield Label("", id="as-of-error", markup=False)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        try:
            day = parse_date(event.value)
        except ValueError as exc:
            self.query_one("#as-of-error", Label).update(str(exc))
            return
        if day is not None and day > clock.today():
            self.query_one("#as-of-error", Label).update("Ngày xem không được sau ngày hôm nay.")
            return
        self.dismiss((None if day == clock.today() else day,))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CampaignScreen(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Đóng")]

    def __init__(self, campaigns: list[dict], current: int | None, **kwargs):
        super().__init__(**kwargs)
        self.campaigns = campaigns
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Chọn đợt đại hội", classes="title")
            yield OptionList(*(Option(f"{c['name']} ({c['term']})", id=str(c["id"])) for c in self.campaigns))

    def on_mount(self) -> None:
        ids = [c["id"] for c in self.campaigns]
        if self.current in ids:
            self.query_one(OptionList).highlighted = ids.index(self.current)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.campaigns[event.option_index]["id"])

    def action_cancel(self) -> None:
        self.dismiss(None)


class FilterScreen(ModalScreen[dict | None]):
    BINDINGS = [Binding("escape", "cancel", "Đóng")]

    def __init__(self, current: dict, **kwargs):
        super().__init__(**kwargs)
        self.current = current

    def compose(self) -> ComposeResult:
        statuses = [*((k, str(v)) for k, v in STATUS_LABELS.items()), ("none", "Chưa có báo cáo")]
        with Vertical(classes="dialog"):
            yield Label("Lọc đơn vị", classes="title")
            yield Select([(str(label), key) for key, label in SECTOR_LABELS.items()], prompt="Mọi khu vực",
                         value=self.current.get("sector") or Select.NULL, id="sector")
            yield Select([(label, key) for key, label in statuses], prompt="Mọi trạng thái báo cáo",
                         value=self.current.get("status") or Select.NULL, id="status")
            with Horizontal(classes="buttons"):
                yield Button("Áp dụng", variant="primary", id="apply")
                yield Button("Bỏ lọc", id="clear")

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        values = {name: self.query_one(f"#{name}", Select).value for name in ("sector", "status")}
        self.dismiss({k: (None if v is Select.NULL else v) for k, v in values.items()})

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss({"sector": None, "status": None})

    def action_cancel(self) -> None:
        self.dismiss(None)
