"""A table whose figures are never cut: the name column takes the width the other columns leave and its
names are shortened to it (tui.text.shorten); at narrow widths the headings break over two lines, then
the columns marked optional go, until the name column has a useful width."""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from tui.text import shorten

NAME = "name"
TEXT = "text"
NUMBER = "number"
MIN_NAME = 24  # cells the name column should keep before headings break and optional columns go
CELL_PADDING = 1  # DataTable's default, on each side of every cell


@dataclass(frozen=True)
class Column:
    label: str  # translated
    kind: str = TEXT  # NAME (one per table), TEXT or NUMBER (right-aligned)
    optional: bool = False  # left out when the terminal is too narrow for it and a useful name column


def _two_lines(label: str) -> str:
    """The heading broken at the space nearest its middle ("Đã tổ\nchức"); a single word stays whole."""
    spaces = [i for i, c in enumerate(label) if c == " "]
    if not spaces:
        return label
    middle = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return label[:middle] + "\n" + label[middle + 1:]


class FittedTable(DataTable):
    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=CELL_PADDING, **kwargs)
        self.specs: list[Column] = []
        self.entries: list[tuple[str, list[str]]] = []  # (row key, one string per column)
        self.fitted_width: int | None = None

    def fill(self, specs: list[Column], entries: list[tuple[str, list[str]]], cursor_row: int = 0) -> None:
        """Show `entries` under `specs`, fitted to the table's width; the cursor on `cursor_row`."""
        self.specs = specs
        self.entries = entries
        self._lay_out(cursor_row)

    def on_resize(self, _event: events.Resize) -> None:
        if self.specs and self.size.width != self.fitted_width:
            self._lay_out(self.cursor_row)

    def _lay_out(self, cursor_row: int) -> None:
        width = self.size.width
        self.fitted_width = width
        available = width - self.styles.scrollbar_size_vertical  # room for the scrollbar, shown or not
        shown = list(range(len(self.specs)))

        def widths(labels: list[str]) -> dict[int, int]:
            return {
                i: max([max(cell_len(line) for line in labels[i].split("\n")),
                        *(cell_len(cells[i]) for _key, cells in self.entries)])
                for i in shown
            }

        def name_room(labels: list[str]) -> int:
            taken = widths(labels)
            others = sum(w for i, w in taken.items() if self.specs[i].kind != NAME)
            return available - others - 2 * CELL_PADDING * len(shown)

        labels = [spec.label for spec in self.specs]
        if name_room(labels) < MIN_NAME:
            labels = [label if spec.kind == NAME else _two_lines(label) for label, spec in zip(labels, self.specs)]
        while name_room(labels) < MIN_NAME:
            optional = [i for i in shown if self.specs[i].optional]
            if not optional:
                break
            shown.remove(optional[-1])
        names = [i for i in shown if self.specs[i].kind == NAME]
        longest = max((cell_len(cells[i]) for _key, cells in self.entries for i in names), default=0)
        heading = max((cell_len(labels[i]) for i in names), default=0)
        name_width = min(max(name_room(labels), 8), max(longest, heading))  # no wider than the names need

        # Every width explicit: DataTable's own measuring happens later, on idle, and a layout redone before
        # it (a resize right after the data arrived) was seen to keep the headings' widths and cut "100,0 %".
        column_widths = widths(labels)
        self.clear(columns=True)
        self.header_height = 2 if any("\n" in labels[i] for i in shown) else 1
        for i in shown:
            spec = self.specs[i]
            label = Text(labels[i], justify="right" if spec.kind == NUMBER else "left")
            self.add_column(label, width=name_width if spec.kind == NAME else column_widths[i], key=str(i))
        # One way of naming for the whole column: the abbreviations for every name once one needs them.
        abbreviate = longest > name_width
        for key, cells in self.entries:
            self.add_row(*(self._cell(self.specs[i], cells[i], name_width, abbreviate) for i in shown), key=key)
        if self.entries:
            self.move_cursor(row=min(cursor_row, len(self.entries) - 1))

    @staticmethod
    def _cell(spec: Column, value: str, name_width: int, abbreviate: bool) -> str | Text:
        if spec.kind == NAME:
            return shorten(value, name_width, abbreviate)
        if spec.kind == NUMBER:
            return Text(value, justify="right")
        return value
