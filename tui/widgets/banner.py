"""The error banner: shown when a refresh fails, hidden again by the next success."""
from __future__ import annotations

from textual.widgets import Static

from shared.i18n import _


class ErrorBanner(Static):
    def __init__(self, **kwargs):
        super().__init__("", id="error-banner", markup=False, **kwargs)
        self.display = False

    def show_error(self, message: str) -> None:
        self.update(_("⚠ Lỗi: %(error)s", error=message))
        self.display = True

    def clear(self) -> None:
        self.update("")
        self.display = False
