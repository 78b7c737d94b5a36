"""Uploaded files of the party features: type checked by magic bytes, stored outside the web root."""
from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from shared import attachments, clock
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


def sniff(path: Path) -> str | None:
    """The content type the bytes really are, whatever the name or the browser says (the check
    report attachments use)."""
    kind = attachments.sniff(path)
    return {"pdf": PDF, "docx": DOCX, "xlsx": XLSX}.get(kind or "")


def store(
    session: Session, folder: str | Path, *, filename: str, data: bytes, allowed: tuple[str, ...], user: User | None
) -> StoredFile:
    """Check the bytes, write them under `folder` with a random key, add the row (flushes)."""
    if not data:
        raise DomainError(_("Tệp rỗng."), fields={"file": _("Hãy chọn một tệp.")})
    if len(data) > MAX_SIZE:
        raise DomainError(_("Tệp quá lớn."), fields={"file": _("Tối đa %(size)s MB.", size=MAX_SIZE // (1024 * 1024))})
    key = uuid.uuid4().hex
    path = Path(folder) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    kind = sniff(path)
    if kind not in allowed:
        path.unlink()
        wanted = ", ".join(LABELS[a] for a in allowed)
        raise DomainError(_("Loại tệp không được chấp nhận."), fields={"file": _("Chỉ nhận tệp %(types)s.", types=wanted)})
    name = clean_text(Path((filename or "").replace("\\", "/")).name)[:200] or "tep"
    if not name.lower().endswith(EXTENSIONS[kind]):
        name = name.rsplit(".", 1)[0] + EXTENSIONS[kind]
    row = StoredFile(
        filename=name, content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key, uploaded_at=clock.now(), uploaded_by_id=user.id if user else None,
    )
    attachments.discard_on_rollback(session, path)
    session.add(row)
    session.flush()
    return row


def path_of(folder: str | Path, stored: StoredFile) -> Path:
    return Path(folder) / stored.storage_key
