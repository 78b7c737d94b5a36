"""uploaded files' bytes in the database (file_chunks), so that every app server reaches them

Upgrade creates `file_chunks` and moves in the bytes of every attachment (UPLOAD_FOLDER/<storage_key>)
and every stored file of the party features (UPLOAD_FOLDER/party/<storage_key>). The files on disk are
left where they are (remove them once the portal serves the downloads). Downgrade writes every file back
to those places (from the database, or from DAIHOI_FILES_DIR for a file kept there), then drops the table.

The upload folder is found as the portal finds it: DAIHOI_UPLOAD_FOLDER, else UPLOAD_FOLDER in the
instance folder's config.py, else <instance folder>/uploads. Without it (nothing there, e.g. a database
whose files were never on this host): upgrade moves what it finds and reports each row whose file is
missing (its download was already a 404 and stays one); downgrade creates the folder and writes the
files there, and stops before dropping anything if it cannot write them.

Revision ID: 0006f
Revises: 0006c
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0006f'
down_revision = '0006c'
branch_labels = None
depends_on = None

CHUNK_SIZE = 256 * 1024  # shared.storage.CHUNK_SIZE when this revision was written
log = logging.getLogger("alembic.runtime.migration")

chunks = sa.table(
    'file_chunks', sa.column('storage_key', sa.String), sa.column('seq', sa.Integer),
    sa.column('data', sa.LargeBinary),
)


def upload_folder() -> Path:
    """Where the portal kept uploads before this revision (see the module's docstring)."""
    configured = os.environ.get("DAIHOI_UPLOAD_FOLDER")
    if configured:
        return Path(configured)
    from flask import Flask

    app = Flask("portal", instance_relative_config=True)  # the portal's own instance folder
    app.config.from_pyfile("config.py", silent=True)
    return Path(app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads")


def _files(conn) -> list[tuple[str, Path]]:
    """(storage key, path on disk) of every uploaded file the database knows."""
    folder = upload_folder()
    keys = [(key, folder / key) for key in conn.execute(sa.text("SELECT storage_key FROM attachments")).scalars()]
    keys += [(key, folder / "party" / key)
             for key in conn.execute(sa.text("SELECT storage_key FROM stored_files")).scalars()]
    return keys


def upgrade() -> None:
    op.create_table(
        'file_chunks',
        sa.Column('storage_key', sa.String(length=100), nullable=False),
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('storage_key', 'seq', name=op.f('pk_file_chunks')),
    )
    conn = op.get_bind()
    moved = missing = 0
    for key, path in _files(conn):
        if not path.is_file():
            missing += 1
            log.warning("0006f: no file for storage key %s at %s (its download stays unavailable)", key, path)
            continue
        with open(path, "rb") as fh:
            seq = 0
            while chunk := fh.read(CHUNK_SIZE):
                conn.execute(chunks.insert(), [{"storage_key": key, "seq": seq, "data": chunk}])
                seq += 1
        moved += 1
    if moved or missing:
        log.info("0006f: %d file(s) moved into the database, %d missing", moved, missing)


def downgrade() -> None:
    conn = op.get_bind()
    files = _files(conn)
    for key, path in files:
        rows = conn.execute(sa.select(chunks.c.data).where(chunks.c.storage_key == key).order_by(chunks.c.seq))
        first = rows.fetchone()
        elsewhere = Path(os.environ.get("DAIHOI_FILES_DIR") or "/nonexistent") / key
        if first is None and not elsewhere.is_file():
            continue  # nothing stored: its file was missing already
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        with open(part, "wb") as out:
            if first is None:  # kept in the shared directory (DAIHOI_FILES_DIR) instead
                with open(elsewhere, "rb") as source:
                    while chunk := source.read(CHUNK_SIZE):
                        out.write(chunk)
            else:
                out.write(first.data)
                for row in rows:
                    out.write(row.data)
        os.replace(part, path)
    op.drop_table('file_chunks')
