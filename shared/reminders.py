"""Reminders to laggard units: who is late or close to the deadline, the templated text, the log."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from shared import clock, notifications
from shared.errors import Forbidden
from shared.i18n import DEFAULT_LANGUAGE, _, N_
from shared.messages import Message, message, render
from shared.models import Campaign, CongressReport, Reminder, Unit, User
from shared.progress import deadline_of
from shared.text import days_message, format_date
from shared.units import in_subtree

# Who may send reminders from the portal (observers only watch; reporters are the ones reminded).
REMINDING_ROLES = ("admin", "coordinator", "federation", "district")
DONE_STATUSES = ("submitted", "approved")

LEVEL_WORDS = {
    "grassroots": N_("công đoàn cơ sở"),
    "district": N_("công đoàn cấp trên trực tiếp cơ sở"),
    "province": N_("Liên đoàn Lao động tỉnh"),
}
TEMPLATE_PENDING = N_(
    "Kính gửi %(unit)s: theo kế hoạch %(campaign)s, hạn chót tổ chức đại hội %(level)s là ngày %(deadline)s "
    "(%(days)s). Đơn vị chưa gửi báo cáo kết quả đại hội. Đề nghị đơn vị khẩn trương tổ chức đại hội "
    "và gửi báo cáo trên cổng thông tin trước hạn."
)
TEMPLATE_OVERDUE = N_(
    "Kính gửi %(unit)s: theo kế hoạch %(campaign)s, hạn chót tổ chức đại hội %(level)s là ngày %(deadline)s, "
    "nay đã %(days)s mà đơn vị chưa gửi báo cáo kết quả đại hội. Đề nghị đơn vị khẩn trương hoàn thành "
    "và gửi báo cáo trên cổng thông tin, nêu rõ lý do chậm trễ."
)
SUBJECT = message(N_("Nhắc việc: đại hội công đoàn và báo cáo kết quả"))


def reminder_message(campaign: Campaign, unit: Unit, today: dt.date) -> Message:
    """The reminder as a message (shared.messages): each reader sees it in their language."""
    deadline = campaign.deadline_for(unit.level)
    days_left = (deadline - today).days
    days_msgid, days_params = days_message(days_left)
    return message(
        TEMPLATE_OVERDUE if days_left < 0 else TEMPLATE_PENDING,
        unit=unit.name,
        campaign=campaign.name[:1].lower() + campaign.name[1:],
        level=message(LEVEL_WORDS.get(unit.level, "")),
        deadline=format_date(deadline),
        days=message(days_msgid, **days_params),
    )


def reminder_text(campaign: Campaign, unit: Unit, today: dt.date, language: str | None = None) -> str:
    """The reminder in `language` (default: the language in force)."""
    return render(reminder_message(campaign, unit, today), language)


@dataclass
class Laggard:
    unit: Unit
    status: str | None  # the report's status; None when the unit has no report
    deadline: dt.date
    days_left: int
    reminded_today: bool


def _laggards_stmt(campaign: Campaign, today: dt.date, days: int, scope: Unit | None):
    """Units whose report is not in (deadline passed, or due within `days`); one query."""
    R = CongressReport
    horizon = today + dt.timedelta(days=days)
    due_levels = [level for level in LEVEL_WORDS if campaign.deadline_for(level) <= horizon]
    reminded = (
        select(Reminder.id)
        .where(Reminder.campaign_id == campaign.id, Reminder.unit_id == Unit.id, Reminder.sent_on == today)
        .exists()
    )
    stmt = (
        select(Unit, R.status, reminded.label("reminded_today"))
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(
            Unit.active.is_(True),
            or_(R.id.is_(None), R.status.not_in(DONE_STATUSES)),
            Unit.level.in_(due_levels),
        )
    )
    if scope is not None:
        stmt = stmt.where(in_subtree(scope.path), Unit.id != scope.id)
    return stmt


def laggards(
    session: Session,
    campaign: Campaign,
    *,
    days: int,
    scope: Unit | None = None,
    today: dt.date | None = None,
    unit_ids: Iterable[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Laggard]:
    """Laggards in `scope`'s subtree (the scope unit excluded; None = everywhere), most overdue first."""
    today = today or clock.today()
    stmt = _laggards_stmt(campaign, today, days, scope)
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(list(unit_ids)))
    stmt = stmt.order_by(deadline_of(campaign), Unit.path).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    out = []
    for unit, status, reminded in session.execute(stmt):
        deadline = campaign.deadline_for(unit.level)
        out.append(Laggard(unit, status, deadline, (deadline - today).days, bool(reminded)))
    return out


def count_laggards(
    session: Session, campaign: Campaign, *, days: int, scope: Unit | None = None, today: dt.date | None = None
) -> int:
    sub = _laggards_stmt(campaign, today or clock.today(), days, scope).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


@dataclass
class ReminderResult:
    sent: list[tuple[Unit, str]] = field(default_factory=list)
    already_today: list[Unit] = field(default_factory=list)
    not_laggard: list[int] = field(default_factory=list)


def send_reminders(
    session: Session,
    campaign: Campaign,
    *,
    days: int,
    user: User | None = None,
    unit_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
) -> ReminderResult:
    """Remind the chosen laggards (all of them when `unit_ids` is None) in the user's scope.

    A unit reminded today is skipped (the unique key on (campaign, unit, day) backs this up);
    each reminder is logged, notifies the unit's users in the app and queues mail to them and
    to the unit's contact address. `user` None is the scheduled job (whole tree). Flushes only.
    """
    today = today or clock.today()
    if user is not None and user.role not in REMINDING_ROLES:
        raise Forbidden(_("Bạn không có quyền gửi nhắc việc."))
    scope = user.unit if user is not None else None
    wanted = None if unit_ids is None else {int(i) for i in unit_ids}
    result = ReminderResult()
    found = laggards(session, campaign, days=days, scope=scope, today=today, unit_ids=wanted)
    if wanted is not None:
        result.not_laggard = sorted(wanted - {lag.unit.id for lag in found})
    to_send = [lag.unit.id for lag in found if not lag.reminded_today]
    users_by_unit: dict[int, list[User]] = {}
    if to_send and not dry_run:
        for u in session.scalars(
            select(User).where(User.unit_id.in_(to_send), User.active.is_(True)).order_by(User.id)
        ):
            users_by_unit.setdefault(u.unit_id, []).append(u)
    for lag in found:
        if lag.reminded_today:
            result.already_today.append(lag.unit)
            continue
        reminder = reminder_message(campaign, lag.unit, today)
        result.sent.append((lag.unit, render(reminder)))
        if dry_run:
            continue
        session.add(
            Reminder(
                campaign_id=campaign.id, unit_id=lag.unit.id, sent_on=today,
                sent_by_id=user.id if user else None, text=render(reminder, DEFAULT_LANGUAGE), created_at=clock.now(),
            )
        )
        link = f"/units/{lag.unit.id}/report"
        users = users_by_unit.get(lag.unit.id, [])
        notifications.notify(session, users, reminder, link, SUBJECT)
        if lag.unit.contact_email and lag.unit.contact_email not in {u.email for u in users}:
            # A unit's contact address has no language of its own: the default one.
            notifications.queue_mail(session, lag.unit.contact_email, render(SUBJECT, DEFAULT_LANGUAGE),
                                     render(reminder, DEFAULT_LANGUAGE))
    session.flush()
    return result


def reminders_of(session: Session, unit: Unit, campaign: Campaign) -> list[Reminder]:
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.unit_id == unit.id, Reminder.campaign_id == campaign.id)
            .order_by(Reminder.sent_on.desc(), Reminder.id.desc())
        )
    )
