"""Where the bytes of uploaded files live, so that every app server reaches them.

By default in the database (`file_chunks`: a file's bytes by its storage key, in chunks of CHUNK_SIZE),
written in the transaction that records the file: a rolled-back upload leaves nothing behind and a
deletion is part of the commit. With `DAIHOI_FILES_DIR` they live in a directory instead, meant to be a
filesystem that every server mounts (NFS, a shared volume); a file found there wins, and a file still in
the database (stored before the directory was configured) stays readable.

Reading streams a few chunks at a time, each read in its own short transaction on a pooled connection:
a slow download holds neither a transaction nor more than READ_AHEAD chunks of memory. The caller picks
the store (`of(session)`); the portal configures it once on its session factory (`configure`)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine, bindparam, delete, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import FileChunk

CHUNK_SIZE = 256 * 1024
READ_AHEAD = 4  # chunks fetched per query when streaming: at most 1 MB in memory
_INFO_KEY = "daihoi.file_store"
_NEW_FILES = "daihoi.new_files"
_GONE_FILES = "daihoi.gone_files"

_CHUNKS_FROM = (
    select(FileChunk.seq, FileChunk.data)
    .where(FileChunk.storage_key == bindparam("key"), FileChunk.seq >= bindparam("seq"))
    .order_by(FileChunk.seq).limit(READ_AHEAD)
)
_HAS_FIRST = select(FileChunk.seq).where(FileChunk.storage_key == bindparam("key"), FileChunk.seq == 0)


def new_key() -> str:
    return secrets.token_hex(20)


def read_in_chunks(source: BinaryIO, size: int = CHUNK_SIZE) -> Iterator[bytes]:
    while chunk := source.read(size):
        yield chunk


class DatabaseStore:
    """The default: bytes in `file_chunks`, in the caller's transaction."""

    kind = "database"

    def put(self, session: Session, key: str, source: BinaryIO) -> None:
        source.seek(0)
        for seq, chunk in enumerate(read_in_chunks(source)):
            session.execute(insert(FileChunk), [{"storage_key": key, "seq": seq, "data": chunk}])

    def exists(self, engine: Engine, key: str) -> bool:
        with engine.connect() as conn:
            return conn.execute(_HAS_FIRST, {"key": key}).first() is not None

    def stream(self, engine: Engine, key: str) -> Iterator[bytes]:
        seq = 0
        while True:
            with engine.connect() as conn:  # returned to the pool between reads
                rows = conn.execute(_CHUNKS_FROM, {"key": key, "seq": seq}).all()
            for row in rows:
                if row.seq != seq:  # deleted while being read: stop short, the length tells the client
                    return
                yield bytes(row.data)
                seq += 1
            if len(rows) < READ_AHEAD:
                return

    def delete(self, session: Session, key: str) -> None:
        session.execute(delete(FileChunk).where(FileChunk.storage_key == key))

    def keys(self, session: Session) -> set[str]:
        return set(session.scalars(select(FileChunk.storage_key).where(FileChunk.seq == 0)))


class DirectoryStore:
    """Bytes in files named by their key under `folder`; written before the commit and removed again if the
    transaction rolls back, deleted once the deletion is committed."""

    kind = "directory"

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)
        self._database = DatabaseStore()

    def path(self, key: str) -> Path:
        return self.folder / key

    def put(self, session: Session, key: str, source: BinaryIO) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(key)
        part = target.with_name(key + ".part")
        source.seek(0)
        try:
            with open(part, "wb") as out:
                for chunk in read_in_chunks(source):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
        session.info.setdefault(_NEW_FILES, []).append(target)

    def exists(self, engine: Engine, key: str) -> bool:
        return self.path(key).is_file() or self._database.exists(engine, key)

    def stream(self, engine: Engine, key: str) -> Iterator[bytes]:
        path = self.path(key)
        if not path.is_file():
            yield from self._database.stream(engine, key)
            return
        with open(path, "rb") as fh:
            yield from read_in_chunks(fh)

    def delete(self, session: Session, key: str) -> None:
        self._database.delete(session, key)
        session.info.setdefault(_GONE_FILES, []).append(self.path(key))

    def keys(self, session: Session) -> set[str]:
        on_disk = {p.name for p in self.folder.iterdir() if p.is_file() and not p.name.endswith(".part")} \
            if self.folder.is_dir() else set()
        return on_disk | self._database.keys(session)


FileStore = DatabaseStore | DirectoryStore
DATABASE = DatabaseStore()


def from_setting(files_dir: str | os.PathLike[str] | None) -> FileStore:
    """DAIHOI_FILES_DIR unset or empty: the database; else that directory."""
    return DirectoryStore(files_dir) if files_dir else DATABASE


def configure(factory: sessionmaker, store: FileStore) -> None:
    """Every session of `factory` reads and writes files through `store`."""
    info = dict(factory.kw.get("info") or {})
    info[_INFO_KEY] = store
    factory.configure(info=info)


def of(session: Session) -> FileStore:
    return session.info.get(_INFO_KEY) or DATABASE


@event.listens_for(Session, "after_rollback")
def _discard_new_files(session: Session) -> None:
    """A file written for a row of this transaction goes if the transaction rolls back (a refused form,
    a conflict, a failed flush): a failed upload leaves no orphan file behind."""
    for path in session.info.pop(_NEW_FILES, []):
        path.unlink(missing_ok=True)
    session.info.pop(_GONE_FILES, None)


@event.listens_for(Session, "after_commit")
def _settle_files(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)
    for path in session.info.pop(_GONE_FILES, []):
        path.unlink(missing_ok=True)
