"""Report attachments: type checked by content, bytes in the file store (shared.storage) under a random key."""
from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from shared import audit, clock, storage
from shared.errors import DomainError, Forbidden
from shared.i18n import _, lazy_gettext
from shared.models import Attachment, CongressReport, User
from shared.text import clean_text, format_number

KIND_LABELS = {
    "minutes": lazy_gettext("Biên bản đại hội"),
    "resolution": lazy_gettext("Nghị quyết đại hội"),
    "elected": lazy_gettext("Danh sách trúng cử"),
    "other": lazy_gettext("Tài liệu khác"),
}
TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def sniff(source: Path | BinaryIO) -> str | None:
    """The file's real type from its bytes: pdf, docx, xlsx, jpg, png, or None. `source` is a path or a
    seekable binary file (left at its start)."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            return sniff(fh)
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(source) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            source.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def _safe_filename(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return clean_text(base)[:200] or "tep-dinh-kem"


def store(
    session: Session,
    report: CongressReport,
    user: User,
    stream: BinaryIO,
    filename: str | None,
    kind: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Attachment:
    """Copy the upload aside (a temporary file: bounded memory), check size and content, then record it
    and put its bytes in the file store under a random key, in the same transaction (flushes)."""
    from shared.workflow import can_edit

    if not can_edit(user, report):
        raise Forbidden(_("Báo cáo này không thể sửa ở trạng thái hiện tại."))
    if kind not in KIND_LABELS:
        raise DomainError(_("Loại tài liệu không hợp lệ."), fields={"kind": _("Hãy chọn loại tài liệu.")})
    name = _safe_filename(filename)
    ext = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if ext is None:
        message = _("Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG.")
        raise DomainError(message, fields={"file": message})
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryFile() as copy:
        while chunk := stream.read(storage.CHUNK_SIZE):
            size += len(chunk)
            if size > max_bytes:
                message = _("Tệp quá lớn: tối đa %(size)s MB.", size=format_number(max_bytes / 1024 / 1024, 0))
                raise DomainError(message, fields={"file": message})
            digest.update(chunk)
            copy.write(chunk)
        if size == 0:
            raise DomainError(_("Tệp rỗng."), fields={"file": _("Tệp rỗng.")})
        real = sniff(copy)
        if real is None or real != ext:
            message = _("Nội dung tệp không đúng định dạng PDF, DOCX, XLSX, JPG hoặc PNG như tên tệp.")
            raise DomainError(message, fields={"file": message})
        key = storage.new_key()
        storage.of(session).put(session, key, copy)
    attachment = Attachment(
        report=report, kind=kind, filename=name, content_type=TYPES[real], size=size,
        sha256=digest.hexdigest(), storage_key=key, uploaded_at=clock.now(), uploaded_by_id=user.id,
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session, user, "attachment.add", "congress_report", report.id, unit_id=report.unit_id,
        changes={"attachment": [None, f"{name} ({KIND_LABELS[kind]})"]},
    )
    return attachment


def delete(session: Session, attachment: Attachment, user: User) -> None:
    """Remove the record and its bytes in the caller's transaction (a file in a directory store goes once
    the caller has committed)."""
    from shared.workflow import can_edit

    report = attachment.report
    if not can_edit(user, report):
        raise Forbidden(_("Báo cáo này không thể sửa ở trạng thái hiện tại."))
    audit.record(
        session, user, "attachment.delete", "congress_report", report.id, unit_id=report.unit_id,
        changes={"attachment": [attachment.filename, None]},
    )
    storage.of(session).delete(session, attachment.storage_key)
    session.delete(attachment)
    session.flush()
