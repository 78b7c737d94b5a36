"""Unit names fitted to a terminal column: the figures beside them are never cut, the name gives way."""
from __future__ import annotations

from rich.cells import cell_len

# The abbreviations every trade-union document uses, tried before anything is cut. They apply to unit
# names, which are data in Vietnamese whatever the interface's language.
ABBREVIATIONS = (
    ("Liên đoàn Lao động", "LĐLĐ"),  # noqa: i18n
    ("Công đoàn cơ sở", "CĐCS"),  # noqa: i18n
)
ELLIPSIS = "…"


def _cut_cells(text: str, width: int, from_end: bool = False) -> str:
    """The longest start (or end) of `text` that takes at most `width` cells."""
    out = ""
    for char in reversed(text) if from_end else text:
        if cell_len(out + char) > width:
            break
        out = char + out if from_end else out + char
    return out


def shorten(name: str, width: int, abbreviate: bool = False) -> str:
    """`name` in at most `width` cells: as is when it fits, else with the usual abbreviations, else with
    an ellipsis in the middle (the end of a name tells units apart: "… xã An Hòa 10"), cut between words
    where that keeps most of it. `abbreviate`: the abbreviations even when the name fits (a column whose
    other names need them reads the same way throughout)."""
    if cell_len(name) <= width and not abbreviate:
        return name
    for long, short in ABBREVIATIONS:
        name = name.replace(long, short)
    if cell_len(name) <= width:
        return name
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1  # cells around the ellipsis
    tail_room = room - room // 3  # two thirds for the end, one third for the start
    words = name.split(" ")

    def whole_words(budget: int, from_end: bool) -> str:
        taken = ""
        for word in reversed(words) if from_end else words:
            candidate = (f"{word} {taken}" if from_end else f"{taken} {word}") if taken else word
            if cell_len(candidate) > budget:
                break
            taken = candidate
        return taken or _cut_cells(name, budget, from_end)  # one long word: cut inside it

    tail = whole_words(room - room // 3, from_end=True)  # two thirds for the end, one third for the start
    head = whole_words(room - cell_len(tail), from_end=False)
    tail = whole_words(room - cell_len(head), from_end=True)  # what the start left over
    return f"{head}{ELLIPSIS}{tail}"
