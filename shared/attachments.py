"""Report attachments: type checked by content, stored outside the web root under a random key."""
from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session

from shared import audit, clock
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
_CHUNK = 64 * 1024


def sniff(path: Path) -> str | None:
    """The file's real type from its bytes: pdf, docx, xlsx, jpg, png, or None."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
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
    upload_dir: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Attachment:
    """Copy the upload under a random key, check size and content, then record it (flushes)."""
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
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(20)
    tmp = folder / (key + ".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    message = _("Tệp quá lớn: tối đa %(size)s MB.", size=format_number(max_bytes / 1024 / 1024, 0))
                    raise DomainError(message, fields={"file": message})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(_("Tệp rỗng."), fields={"file": _("Tệp rỗng.")})
        real = sniff(tmp)
        if real is None or real != ext:
            message = _("Nội dung tệp không đúng định dạng PDF, DOCX, XLSX, JPG hoặc PNG như tên tệp.")
            raise DomainError(message, fields={"file": message})
        os.replace(tmp, folder / key)
        discard_on_rollback(session, folder / key)
    finally:
        if tmp.exists():
            tmp.unlink()
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


_NEW_FILES = "daihoi.new_files"


def discard_on_rollback(session: Session, path: Path) -> None:
    """A file written for a row of this transaction goes if the transaction rolls back (a refused
    form, a conflict, a failed flush), so that a failed upload leaves no orphan file behind."""
    session.info.setdefault(_NEW_FILES, []).append(path)


@event.listens_for(Session, "after_rollback")
def _discard_new_files(session: Session) -> None:
    for path in session.info.pop(_NEW_FILES, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_new_files(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)


def path_of(attachment: Attachment, upload_dir: str | Path) -> Path:
    return Path(upload_dir) / attachment.storage_key


def delete(session: Session, attachment: Attachment, user: User) -> None:
    """Remove the record now; the file goes once the caller has committed (see `purge`)."""
    from shared.workflow import can_edit

    report = attachment.report
    if not can_edit(user, report):
        raise Forbidden(_("Báo cáo này không thể sửa ở trạng thái hiện tại."))
    audit.record(
        session, user, "attachment.delete", "congress_report", report.id, unit_id=report.unit_id,
        changes={"attachment": [attachment.filename, None]},
    )
    session.delete(attachment)
    session.flush()


def purge(storage_key: str, upload_dir: str | Path) -> None:
    path = Path(upload_dir) / storage_key
    if path.exists():
        path.unlink()
