"""What the review page's pilot partial (review/_pilot_lesson.html) needs: None unless the report is a pilot's."""
from __future__ import annotations

from types import SimpleNamespace

from shared import pilots


def pilot_panel(session, user, report):
    if not pilots.is_pilot(session, report):
        return None
    from portal.pilots.views import LessonForm

    can_record = report.held_date is not None and pilots.may_record_lesson(user, report)
    return SimpleNamespace(lesson=pilots.lesson_of(session, report), can_record=can_record,
                           form=LessonForm(formdata=None))
