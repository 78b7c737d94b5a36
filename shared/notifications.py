"""In-app notifications and the email outbox: who hears about a report's transitions, and the SMTP drain."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Iterable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from shared import clock, i18n, messages
from shared.i18n import N_
from shared.messages import Message, message
from shared.models import CongressReport, EmailOutbox, Notification, Unit, User
from shared.paging import page_count

REVIEW_ROLES = ("district", "federation")  # as in shared.workflow, which imports this module
MAX_ATTEMPTS = 5


# Where users reach the portal (its BASE_URL setting), for the links in mail: carried by the session the
# portal makes (Session.info), so each app's mail links follow its own setting. Never taken from a
# request's Host header, which a client chooses.
BASE_URL = "daihoi.base_url"


def base_url_of(session: Session) -> str:
    return session.info.get(BASE_URL, "")


def absolute(link: str, base_url: str = "") -> str:
    """A portal path as a link that works outside the portal (in a mail), when there is a base URL."""
    return base_url + link if base_url and link.startswith("/") else link


def review_link(report: CongressReport) -> str:
    return f"/review/{report.id}"


def unit_link(report: CongressReport) -> str:
    """Where the unit's officers see their report (and the reason it came back)."""
    return f"/units/{report.unit_id}/report"


def reviewers_of(session: Session, report: CongressReport) -> list[User]:
    """Who reviews `report`: the direct superior unit's reviewers; admins for the province's report."""
    unit = report.unit
    # Read without flushing first: nothing pending bears on who the reviewers are (the transition's own
    # rows are written at once), unless an account is being changed in this transaction.
    options = _NO_AUTOFLUSH if not _pending_users(session) else None
    if unit.parent_id is None:
        # Admins whose scope holds the root: their unit is the root itself.
        return list(session.scalars(_ADMINS_OF, {"unit_id": unit.id}, execution_options=options))
    return list(session.scalars(_REVIEWERS_IN, {"unit_id": unit.parent_id}, execution_options=options))


_NO_AUTOFLUSH = {"autoflush": False}


def _pending_users(session: Session) -> bool:
    return any(isinstance(obj, User) for obj in (*session.new, *session.dirty, *session.deleted))


# Built once: every send runs one of them.
_ACTIVE_IN_UNIT = select(User).where(User.unit_id == bindparam("unit_id"), User.active.is_(True)).order_by(User.id)
_ADMINS_OF = _ACTIVE_IN_UNIT.where(User.role == "admin")
_REVIEWERS_IN = _ACTIVE_IN_UNIT.where(User.role.in_(REVIEW_ROLES))


def unit_users(session: Session, unit_id: int) -> list[User]:
    return list(session.scalars(_ACTIVE_IN_UNIT, {"unit_id": unit_id}))


def notify(
    session: Session,
    users: Iterable[User],
    text: Message | str,
    link: str | None,
    subject: Message | str | None = None,
) -> list[Notification]:
    """One in-app notification per user, plus an outbox mail to each user with an email address.

    A `text` made with shared.messages is shown in each reader's language (and mailed in the
    recipient's); a plain str is kept as it is.
    """
    now = clock.now()
    stored = messages.message_or_none(text)
    out = []
    for user in users:
        note = Notification(user_id=user.id, text=messages.render(text, i18n.DEFAULT_LANGUAGE),
                            message=stored, link=link, created_at=now)
        out.append(note)
        if user.email:
            language = user.locale
            queue_mail(session, user.email, messages.render(subject or text, language),
                       _mail_body(user, messages.render(text, language), link, language, base_url_of(session)))
    if all(note.user_id is not None for note in out):
        # Append-only rows: inserted at once, in one statement, on the session's connection (none of the unit
        # of work's bookkeeping); the objects returned are not added. An account not stored yet: the ORM.
        if out:
            ids = session.connection().execute(_INSERT_NOTIFICATION, [
                {"user_id": n.user_id, "text": n.text, "message": n.message, "link": n.link, "created_at": n.created_at}
                for n in out]).scalars().all()
            for note, note_id in zip(out, ids, strict=True):  # the caller may link to what it notified
                note.id = note_id
    else:
        session.add_all(out)
    return out


_INSERT_NOTIFICATION = Notification.__table__.insert().returning(Notification.__table__.c.id, sort_by_parameter_order=True)


def queue_mail(session: Session, to_addr: str, subject: str, body: str) -> EmailOutbox:
    mail = EmailOutbox(to_addr=to_addr, subject=subject[:255], body=body, created_at=clock.now())
    session.add(mail)
    return mail


def _mail_body(user: User, text: str, link: str | None, language: str | None = None, base_url: str = "") -> str:
    def say(msgid: str, **params: object) -> str:
        return messages.render(message(msgid, **params), language)

    lines = [say(N_("Kính gửi %(name)s,"), name=user.full_name or user.username), "", text]
    if link:
        lines += ["", say(N_("Xem chi tiết trên cổng thông tin daihoi: %(link)s"), link=absolute(link, base_url))]
    lines += ["", say(N_("Thư gửi tự động từ hệ thống theo dõi đại hội công đoàn; xin đừng trả lời thư này."))]
    return "\n".join(lines)


def on_transition(
    session: Session,
    report: CongressReport,
    actor: User,
    from_status: str | None,
    to_status: str,
    reason: str | None,
) -> list[Notification]:
    """The one hook the workflow calls after each transition (the actor is never notified)."""
    unit: Unit = report.unit
    if to_status == "submitted":
        recipients = reviewers_of(session, report)
        if from_status == "returned":
            text = message(N_("%(unit)s đã gửi lại báo cáo kết quả đại hội, đang chờ duyệt."), unit=unit.name)
        else:
            text = message(N_("%(unit)s đã gửi báo cáo kết quả đại hội, đang chờ duyệt."), unit=unit.name)
        subject = message(N_("Báo cáo chờ duyệt: %(unit)s"), unit=unit.name)
        link = review_link(report)
    else:
        recipients = unit_users(session, report.unit_id)
        link = unit_link(report)
        if to_status == "approved":
            text = message(N_("Báo cáo kết quả đại hội của %(unit)s đã được phê duyệt."), unit=unit.name)
            subject = message(N_("Báo cáo đại hội đã được phê duyệt"))
        elif to_status == "returned" and from_status == "approved":
            text = message(N_("Báo cáo kết quả đại hội của %(unit)s được mở lại để sửa. Lý do: %(reason)s"),
                           unit=unit.name, reason=reason)
            subject = message(N_("Báo cáo đại hội được mở lại để sửa"))
        elif to_status == "returned":
            text = message(N_("Báo cáo kết quả đại hội của %(unit)s bị trả lại. Lý do: %(reason)s"),
                           unit=unit.name, reason=reason)
            subject = message(N_("Báo cáo đại hội bị trả lại"))
        else:
            return []
    return notify(session, [u for u in recipients if u.id != actor.id], text, link, subject)


def on_take_over(session: Session, report: CongressReport, actor: User, reason: str) -> list[Notification]:
    """The unit's users hear that the level above now enters their report on their behalf, and why."""
    unit: Unit = report.unit
    text = message(N_("%(by)s đã tiếp nhận nhập thay báo cáo kết quả đại hội của %(unit)s. Lý do: %(reason)s"),
                   by=actor.unit.name, unit=unit.name, reason=reason)
    subject = message(N_("Báo cáo đại hội được cấp trên nhập thay"))
    recipients = [u for u in unit_users(session, report.unit_id) if u.id != actor.id]
    return notify(session, recipients, text, unit_link(report), subject)


# ---- reading and marking ------------------------------------------------------------------


def unread_count(session: Session, user_id: int) -> int:
    """One indexed COUNT (ix_notifications_user_read): cheap enough for every page header."""
    return session.scalar(_UNREAD, {"user_id": user_id}) or 0


_UNREAD = select(func.count(Notification.id)).where(  # built once: every page header runs it
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


@dataclass
class NotificationPage:
    items: list[Notification]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)


def list_for(session: Session, user: User, page: int = 1, size: int = 50, unread_only: bool = False) -> NotificationPage:
    where = [Notification.user_id == user.id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count(Notification.id)).where(*where)) or 0
    items = session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(size)
        .offset((max(1, page) - 1) * size)
    )
    return NotificationPage(list(items), total, max(1, page), size)


def mark_read(session: Session, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = session.execute(stmt.values(read_at=clock.now()).execution_options(synchronize_session=False))
    session.flush()
    return result.rowcount or 0


# ---- the outbox drain ---------------------------------------------------------------------


@dataclass(frozen=True)
class MailSettings:
    """SMTP settings; no host means mail stays in the outbox (the default)."""

    host: str | None = None
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False
    sender: str = "daihoi@localhost"
    timeout: float = 30

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_config(cls, config) -> MailSettings:
        def flag(name: str) -> bool:
            return str(config.get(name) or "").strip().lower() in ("1", "true", "yes", "on")

        return cls(
            host=config.get("SMTP_HOST") or None,
            port=int(config.get("SMTP_PORT") or 25),
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=flag("SMTP_STARTTLS"),
            use_ssl=flag("SMTP_SSL"),
            sender=config.get("MAIL_SENDER") or "daihoi@localhost",
        )


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    pending: int = 0


def pending_mail(session: Session, limit: int = 100) -> list[EmailOutbox]:
    return list(
        session.scalars(
            select(EmailOutbox)
            .where(EmailOutbox.sent_at.is_(None), EmailOutbox.attempts < MAX_ATTEMPTS)
            .order_by(EmailOutbox.id)
            .limit(limit)
        )
    )


def drain_outbox(session: Session, settings: MailSettings, limit: int = 100) -> DrainResult:
    """Send up to `limit` waiting mails over one SMTP connection; failures are kept for a retry.

    The caller commits. Does nothing when SMTP is not configured.
    """
    result = DrainResult()
    if not settings.enabled:
        result.pending = len(pending_mail(session, limit))
        return result
    batch = pending_mail(session, limit)
    if not batch:
        return result
    smtp_class = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    try:
        smtp = smtp_class(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except (OSError, smtplib.SMTPException) as exc:
        for mail in batch:
            mail.attempts += 1
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        result.failed = len(batch)
        session.flush()
        return result
    try:
        for mail in batch:
            message = EmailMessage()
            message["From"] = settings.sender
            message["To"] = mail.to_addr
            message["Subject"] = mail.subject
            message.set_content(mail.body)
            mail.attempts += 1
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                result.failed += 1
            else:
                mail.sent_at = clock.now()
                mail.last_error = None
                result.sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    session.flush()
    return result
