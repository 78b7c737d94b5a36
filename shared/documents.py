"""Guidance documents and announcements: publishing to an audience (levels and/or subtrees),
the units' feed, who opened or acknowledged, reminders through the notification outbox."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, exists, false, func, literal, or_, select
from sqlalchemy.orm import Session, selectinload

from shared import audit, clock, messages, notifications
from shared.errors import DomainError, NotFound
from shared.i18n import _, N_
from shared.models import (
    DOCUMENT_KIND_LABELS,
    LEVEL_LABELS,
    Document,
    DocumentReceipt,
    DocumentTarget,
    StoredFile,
    Unit,
    User,
)
from shared.text import clean_text, format_date
from shared.units import in_subtree, is_within

PUBLISH_ROLES = ("admin", "coordinator", "federation")


def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and its ancestors, straight from the materialized path."""
    return [int(seg) for seg in unit.path.rstrip("/").split("/")]


def _level_matches(level: str | ColumnElement) -> ColumnElement[bool]:
    return or_(Document.target_levels == "", Document.target_levels.contains(level))


def reaches(unit: Unit) -> ColumnElement[bool]:
    """Documents whose audience includes `unit`: a targeted subtree holds it and its level is targeted."""
    targeted = exists().where(DocumentTarget.document_id == Document.id, DocumentTarget.unit_id.in_(ancestor_ids(unit)))
    return and_(targeted, _level_matches(unit.level))


def audience_units(document: Document) -> ColumnElement[bool]:
    """A filter on Unit: the units of the document's audience."""
    subtrees = [in_subtree(t.unit.path) for t in document.targets]
    cond = or_(*subtrees) if subtrees else false()
    if document.levels:
        cond = and_(cond, Unit.level.in_(document.levels))
    return and_(cond, Unit.active.is_(True))


def in_audience(document: Document, unit: Unit) -> bool:
    return any(is_within(unit, t.unit) for t in document.targets) and (not document.levels or unit.level in document.levels)


def can_manage(user: User, document: Document) -> bool:
    """The publishing side: publishers whose scope holds the publishing unit."""
    return user.role in PUBLISH_ROLES and is_within(document.publisher_unit, user.unit)


def can_see(user: User, document: Document) -> bool:
    return in_audience(document, user.unit) or can_manage(user, document)


def get_visible(session: Session, user: User, document_id: int) -> Document | None:
    doc = session.scalar(
        select(Document).options(selectinload(Document.targets).selectinload(DocumentTarget.unit))
        .where(Document.id == document_id)
    )
    return doc if doc is not None and can_see(user, doc) else None


def publish(
    session: Session, user: User, *, kind: str, title: str | None, body: str | None,
    levels: list[str], targets: list[Unit], ack_by: dt.date | None, file: StoredFile | None,
) -> Document:
    if user.role not in PUBLISH_ROLES:
        raise NotFound(_("Không tìm thấy trang."))
    errors: dict[str, str] = {}
    if kind not in DOCUMENT_KIND_LABELS:
        errors["kind"] = _("Chọn loại văn bản.")
    try:
        title = clean_text(title, 255)
    except ValueError as exc:
        errors["title"] = str(exc)
    if not title and "title" not in errors:
        errors["title"] = _("Hãy nhập tiêu đề.")
    from shared.level_reports import clean_multiline

    try:
        body = clean_multiline(body, 20_000)
    except ValueError as exc:
        errors["body"] = str(exc)
    if kind != "announcement" and file is None and not errors.get("kind"):
        errors["file"] = _("Văn bản hướng dẫn, kế hoạch, biểu mẫu cần tệp đính kèm (PDF, DOCX, XLSX).")
    if kind == "announcement" and not body and file is None:
        errors["body"] = _("Hãy nhập nội dung thông báo.")
    bad_levels = [l for l in levels if l not in LEVEL_LABELS]
    if bad_levels:
        errors["levels"] = _("Cấp không hợp lệ.")
    targets = targets or [user.unit]
    if any(not is_within(t, user.unit) for t in targets):
        raise NotFound(_("Không tìm thấy đơn vị."))
    if ack_by is not None and ack_by < clock.today():
        errors["ack_by"] = _("Hạn xác nhận không được trước hôm nay.")
    if errors:
        raise DomainError(_("Văn bản chưa hợp lệ."), fields=errors)
    doc = Document(
        kind=kind, title=title, body=body or None, file_id=file.id if file else None,
        target_levels=",".join(l for l in LEVEL_LABELS if l in levels), ack_by=ack_by,
        publisher_unit_id=user.unit_id, published_by_id=user.id, published_at=clock.now(),
    )
    doc.targets = [DocumentTarget(unit_id=t.id) for t in {t.id: t for t in targets}.values()]
    session.add(doc)
    session.flush()
    audit.record(session, user, "publish", "document", doc.id, unit_id=user.unit_id, changes={"title": [None, title]})
    return doc


# ---- the units' side ----------------------------------------------------------------------


@dataclass
class FeedItem:
    document: Document
    opened_at: dt.datetime | None
    acknowledged_at: dt.datetime | None

    @property
    def needs_ack(self) -> bool:
        return self.document.ack_by is not None and self.acknowledged_at is None


def feed(session: Session, user: User, *, kind: str | None = None, limit: int = 10, before_id: int | None = None) -> list[FeedItem]:
    """Newest first: what reaches the user's unit, with the user's own receipt (keyset on id)."""
    stmt = (
        select(Document, DocumentReceipt.opened_at, DocumentReceipt.acknowledged_at)
        .outerjoin(DocumentReceipt, and_(DocumentReceipt.document_id == Document.id, DocumentReceipt.user_id == user.id))
        .options(selectinload(Document.file))
        .where(reaches(user.unit))
        .order_by(Document.id.desc())
        .limit(limit)
    )
    if kind:
        stmt = stmt.where(Document.kind == kind)
    if before_id:
        stmt = stmt.where(Document.id < before_id)
    return [FeedItem(d, o, a) for d, o, a in session.execute(stmt)]


def published_by_scope(session: Session, user: User, limit: int = 50, before_id: int | None = None) -> list[Document]:
    if user.role not in PUBLISH_ROLES:
        return []
    stmt = (
        select(Document).join(Unit, Unit.id == Document.publisher_unit_id)
        .where(in_subtree(user.unit.path)).order_by(Document.id.desc()).limit(limit)
    )
    if before_id:
        stmt = stmt.where(Document.id < before_id)
    return list(session.scalars(stmt))


def _receipt(session: Session, user: User, document: Document) -> DocumentReceipt | None:
    return session.scalar(select(DocumentReceipt).where(DocumentReceipt.document_id == document.id, DocumentReceipt.user_id == user.id))


def mark_opened(session: Session, user: User, document: Document) -> None:
    """The first time a member of the audience opens the item (publishers are not counted)."""
    if not in_audience(document, user.unit) or _receipt(session, user, document):
        return
    session.add(DocumentReceipt(document_id=document.id, user_id=user.id, unit_id=user.unit_id, opened_at=clock.now()))
    session.flush()


def acknowledge(session: Session, user: User, document: Document) -> None:
    if not in_audience(document, user.unit):
        raise NotFound(_("Không tìm thấy văn bản."))
    receipt = _receipt(session, user, document)
    if receipt is None:
        receipt = DocumentReceipt(document_id=document.id, user_id=user.id, unit_id=user.unit_id, opened_at=clock.now())
        session.add(receipt)
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = clock.now()
    session.flush()
    audit.record(session, user, "acknowledge", "document", document.id, unit_id=user.unit_id)


# ---- the publisher's side -----------------------------------------------------------------


@dataclass
class Tracking:
    audience: int
    opened: int
    acknowledged: int

    @property
    def pending(self) -> int:
        return self.audience - self.acknowledged


def _per_unit(document: Document):
    """(unit id, first opened, first acknowledged) for the units of the audience, one GROUP BY."""
    return (
        select(
            Unit.id.label("unit_id"),
            func.min(DocumentReceipt.opened_at).label("opened_at"),
            func.min(DocumentReceipt.acknowledged_at).label("acknowledged_at"),
        )
        .select_from(Unit)
        .outerjoin(DocumentReceipt, and_(DocumentReceipt.unit_id == Unit.id, DocumentReceipt.document_id == document.id))
        .where(audience_units(document))
        .group_by(Unit.id)
    )


def tracking(session: Session, document: Document) -> Tracking:
    per_unit = _per_unit(document).subquery()
    row = session.execute(
        select(
            func.count(per_unit.c.unit_id),
            func.coalesce(func.sum(case((per_unit.c.opened_at.is_not(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((per_unit.c.acknowledged_at.is_not(None), 1), else_=0)), 0),
        )
    ).one()
    return Tracking(int(row[0]), int(row[1]), int(row[2]))


def tracking_rows(session: Session, document: Document, *, only: str = "", page: int = 1, size: int = 50):
    """A page of the audience's units with when they opened / acknowledged; `only` = pending|opened|acknowledged."""
    per_unit = _per_unit(document).subquery()
    stmt = select(Unit, per_unit.c.opened_at, per_unit.c.acknowledged_at).join(per_unit, per_unit.c.unit_id == Unit.id)
    if only == "pending":
        stmt = stmt.where(per_unit.c.acknowledged_at.is_(None) if document.ack_by else per_unit.c.opened_at.is_(None))
    elif only == "opened":
        stmt = stmt.where(per_unit.c.opened_at.is_not(None))
    elif only == "acknowledged":
        stmt = stmt.where(per_unit.c.acknowledged_at.is_not(None))
    return session.execute(stmt.order_by(Unit.path).limit(size).offset((max(page, 1) - 1) * size)).all()


def remind(session: Session, user: User, document: Document, link: str) -> int:
    """Notify (and e-mail, through the outbox) the users of the units that have not acknowledged
    (or, without an acknowledge-by date, not opened) the item. Returns how many users were reminded."""
    if not can_manage(user, document):
        raise NotFound(_("Không tìm thấy văn bản."))
    done = DocumentReceipt.acknowledged_at.is_not(None) if document.ack_by else literal(True)
    answered = exists().where(DocumentReceipt.document_id == document.id, DocumentReceipt.unit_id == User.unit_id, done)
    users = session.scalars(
        select(User).join(Unit, Unit.id == User.unit_id)
        .where(audience_units(document), User.active.is_(True), ~answered)
    ).all()
    kind = messages.label(DOCUMENT_KIND_LABELS[document.kind], lower=True)
    if document.ack_by:
        text = messages.message(N_("Nhắc: đề nghị xác nhận đã đọc %(kind)s “%(title)s” trước ngày %(date)s."),
                                kind=kind, title=document.title, date=format_date(document.ack_by))
    else:
        text = messages.message(N_("Nhắc: đề nghị xem %(kind)s “%(title)s”."), kind=kind, title=document.title)
    subject = messages.message(N_("[daihoi] Nhắc: %(title)s"), title=document.title)
    notifications.notify(session, users, text, link, subject=subject)
    document.last_reminded_at = clock.now()
    session.flush()
    audit.record(session, user, "remind", "document", document.id, unit_id=user.unit_id, changes={"reminded": [None, len(users)]})
    return len(users)
