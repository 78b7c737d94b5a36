"""The one next step a unit's officer is offered for its congress report, chosen from the report's state.

The reporter's home card shows it as its one prominent button; any other page that offers "what to do
now" for a unit's own report asks here, so that the wording and the choice never drift between pages.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.i18n import _, N_

PLAN = "plan"  # no plan yet: plan the congress
FILL = "fill"  # a draft: go on filling it in
FIX = "fix"  # returned by the superior unit: correct it as asked
WAITING = "waiting"  # sent, awaiting review: nothing to do but look
APPROVED = "approved"  # approved: done
VIEW = "view"  # nothing may be changed (a closed campaign): look only

_STEPS = {  # key -> (button text, whether it is something to do)
    PLAN: (N_("Lập kế hoạch đại hội"), True),
    FILL: (N_("Tiếp tục điền báo cáo"), True),
    FIX: (N_("Sửa theo yêu cầu"), True),
    WAITING: (N_("Chờ duyệt · Xem báo cáo"), False),
    APPROVED: (N_("Đã duyệt · Xem báo cáo"), False),
    VIEW: (N_("Xem báo cáo"), False),
}


@dataclass(frozen=True)
class NextStep:
    key: str
    label: str  # in the current language
    is_action: bool  # something the unit has to do (a prominent button), or only something to look at


def next_step(report, *, editable: bool = True) -> NextStep:
    """`report` is the unit's CongressReport of the campaign or None; `editable` is False when nothing may
    change any more (a closed campaign). A draft without a planned or held date is still a plan to make."""
    if report is None or (report.status == "draft" and report.planned_date is None and report.held_date is None):
        key = PLAN
    else:
        key = {"draft": FILL, "returned": FIX, "submitted": WAITING, "approved": APPROVED}[report.status]
    if not editable and key in (PLAN, FILL, FIX):
        key = VIEW
    msgid, is_action = _STEPS[key]
    return NextStep(key, _(msgid), is_action)
