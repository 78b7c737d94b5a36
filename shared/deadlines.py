"""The deadline line of a level or a unit as of a date: what it reads and whether it is late.

One rule for every place that prints "Hạn chót 31/05/2023 (…)": the portal's progress tables (home,
unit pages, the dashboard, the party pages) through `Counts.deadline_status`, and the TUI's level cards
from the API's count dicts. A level whose congresses are all held is done, however long ago its
deadline passed: only congresses not held by a passed deadline make it late. A unit is a level of one.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.i18n import _, ngettext
from shared.text import days_phrase, format_number

NONE = "none"  # nothing to hold in this scope
UPCOMING = "upcoming"  # not all held, the deadline ahead
DUE_TODAY = "due_today"  # not all held, the deadline is today
OVERDUE = "overdue"  # not all held, the deadline passed: late
DONE = "done"  # all held, none after the deadline
DONE_LATE = "done_late"  # all held, some after the deadline


@dataclass(frozen=True)
class DeadlineStatus:
    state: str
    text: str  # lower case, in the current language: "còn 12 ngày", "quá hạn 1.281 ngày: còn 5 đơn vị …"
    deadline: dt.date
    days_left: int  # the deadline minus the as-of date (negative once passed)

    @property
    def late(self) -> bool:
        """Shown as a warning (red): congresses still not held after the deadline."""
        return self.state == OVERDUE


def deadline_status(deadline: dt.date, as_of: dt.date, expected: int, held: int, late: int = 0) -> DeadlineStatus:
    """`expected` congresses in the scope, `held` of them held by `as_of`, `late` of those after the deadline."""
    days_left = (deadline - as_of).days
    remaining = max(expected - held, 0)
    if expected <= 0:
        state, text = NONE, _("không có đại hội phải tổ chức")
    elif remaining == 0 and late <= 0:
        state, text = DONE, _("đã xong, đúng hạn")
    elif remaining == 0:
        state = DONE_LATE
        text = _("đã xong, trễ hạn") if expected == 1 else ngettext(
            "đã xong, %(count)s đơn vị trễ hạn", "đã xong, %(count)s đơn vị trễ hạn", late, count=format_number(late))
    elif days_left >= 0:  # "còn 12 ngày", "hạn chót hôm nay": the countdown of shared.text
        state, text = (UPCOMING if days_left else DUE_TODAY), days_phrase(days_left)
    else:
        state = OVERDUE
        what = _("chưa tổ chức đại hội") if expected == 1 else ngettext(
            "còn %(count)s đơn vị chưa tổ chức", "còn %(count)s đơn vị chưa tổ chức", remaining,
            count=format_number(remaining))
        text = _("%(overdue)s: %(what)s", overdue=days_phrase(days_left), what=what)
    return DeadlineStatus(state, text, deadline, days_left)


def status_of_counts(counts: Mapping[str, Any]) -> DeadlineStatus:
    """The same rule on the API's count dict of a level (what the TUI receives, from either source)."""
    return deadline_status(dt.date.fromisoformat(counts["deadline"]), dt.date.fromisoformat(counts["as_of"]),
                           counts["expected"], counts["held"], counts.get("late", 0))
