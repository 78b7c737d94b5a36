"""Uploaded files of the party features: type checked by magic bytes, bytes in the file store (shared.storage)."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from shared import attachments, clock, storage
from shared.errors import DomainError
from shared.i18n import _
from shared.models import StoredFile, User
from shared.text import clean_text

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx"}
LABELS = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX"}
MAX_SIZE = 10 * 1024 * 1024


def sniff(source: Path | BinaryIO) -> str | None:
    """The content type the bytes really are, whatever the name or the browser says (the check
    report attachments use)."""
    kind = attachments.sniff(source)
    return {"pdf": PDF, "docx": DOCX, "xlsx": XLSX}.get(kind or "")


def store(
    session: Session, *, filename: str, data: bytes, allowed: tuple[str, ...], user: User | None
) -> StoredFile:
    """Check the bytes, put them in the file store under a random key and add the row, in the caller's
    transaction (flushes)."""
    if not data:
        raise DomainError(_("Tệp rỗng."), fields={"file": _("Hãy chọn một tệp.")})
    if len(data) > MAX_SIZE:
        raise DomainError(_("Tệp quá lớn."), fields={"file": _("Tối đa %(size)s MB.", size=MAX_SIZE // (1024 * 1024))})
    source = io.BytesIO(data)
    kind = sniff(source)
    if kind not in allowed:
        wanted = ", ".join(LABELS[a] for a in allowed)
        raise DomainError(_("Loại tệp không được chấp nhận."), fields={"file": _("Chỉ nhận tệp %(types)s.", types=wanted)})
    name = clean_text(Path((filename or "").replace("\\", "/")).name)[:200] or "tep"
    if not name.lower().endswith(EXTENSIONS[kind]):
        name = name.rsplit(".", 1)[0] + EXTENSIONS[kind]
    key = storage.new_key()
    storage.of(session).put(session, key, source)
    row = StoredFile(
        filename=name, content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key, uploaded_at=clock.now(), uploaded_by_id=user.id if user else None,
    )
    session.add(row)
    session.flush()
    return row
