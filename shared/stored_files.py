"""Uploaded files of the party features: type checked by magic bytes, stored outside the web root."""
from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path

from sqlalchemy.orm import Session

from shared import clock
from shared.errors import DomainError
from shared.models import StoredFile, User
from shared.text import clean_text

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx"}
LABELS = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX"}
MAX_SIZE = 10 * 1024 * 1024


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (PDF, DOCX or XLSX), whatever the name or header says."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
    return None


def store(
    session: Session, folder: str | Path, *, filename: str, data: bytes, allowed: tuple[str, ...], user: User | None
) -> StoredFile:
    """Check the bytes, write them under `folder` with a random key, add the row (flushes)."""
    if not data:
        raise DomainError("Tệp rỗng.", fields={"file": "Hãy chọn một tệp."})
    if len(data) > MAX_SIZE:
        raise DomainError("Tệp quá lớn.", fields={"file": f"Tối đa {MAX_SIZE // (1024 * 1024)} MB."})
    kind = sniff(data)
    if kind not in allowed:
        wanted = ", ".join(LABELS[a] for a in allowed)
        raise DomainError("Loại tệp không được chấp nhận.", fields={"file": f"Chỉ nhận tệp {wanted}."})
    name = clean_text(Path(filename or "").name, 200) or "tep"
    if not name.lower().endswith(EXTENSIONS[kind]):
        name = name.rsplit(".", 1)[0] + EXTENSIONS[kind]
    key = uuid.uuid4().hex
    path = Path(folder) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    row = StoredFile(
        filename=name, content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key, uploaded_at=clock.now(), uploaded_by_id=user.id if user else None,
    )
    session.add(row)
    session.flush()
    return row


def path_of(folder: str | Path, stored: StoredFile) -> Path:
    return Path(folder) / stored.storage_key
