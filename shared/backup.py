"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump / psql. Uploaded files are in
the database by default, so they come along; kept in a directory (DAIHOI_FILES_DIR), they are copied into
`<backup>.files/` beside the backup file, and a restore puts them into the target's file store."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - fixed argument lists, never a shell
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from shared.db import make_engine
from shared.errors import DomainError
from shared.i18n import _

SQLITE_MAGIC = b"SQLite format 3\x00"


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DomainError(_("Không sao lưu được cơ sở dữ liệu SQLite trong bộ nhớ."))
    return database


def _pg_env(url: str) -> tuple[list[str], dict[str, str], str | None]:
    """libpq connection arguments and environment for pg_dump/psql; the schema if search_path is set."""
    u = make_url(url)
    args = ["--dbname", u.database or "postgres"]
    if u.host:
        args += ["--host", u.host]
    if u.port:
        args += ["--port", str(u.port)]
    if u.username:
        args += ["--username", u.username]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    schema = None
    options = u.query.get("options")
    if options:
        options = options if isinstance(options, str) else " ".join(options)
        env["PGOPTIONS"] = options
        for part in options.split():
            if part.startswith("-csearch_path="):
                schema = part.split("=", 1)[1].split(",")[0]
    return args, env, schema


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DomainError(_("Không tìm thấy chương trình %(name)s; hãy cài gói postgresql-client.", name=name))
    return path


def files_beside(backup_file: str | Path) -> Path:
    """Where a backup keeps the files of a directory file store."""
    return Path(str(backup_file) + ".files")


def backup(url: str, output: str | Path, files_dir: str | Path | None = None) -> Path:
    """Write a consistent copy of the database to `output` while the portal keeps running; then, with a
    directory file store, copy its files beside it (a file deleted between the two steps is missing)."""
    output = _backup_database(url, Path(output))
    if files_dir and Path(files_dir).is_dir():
        target = files_beside(output)
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        for path in Path(files_dir).iterdir():
            if path.is_file() and not path.name.endswith(".part"):
                shutil.copy2(path, target / path.name)
    return output


def _backup_database(url: str, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    if make_url(url).get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(output)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return output
    args, env, schema = _pg_env(url)
    command = [_tool("pg_dump"), *args, "--format=plain", "--no-owner", "--no-privileges", "--file", str(output)]
    if schema:
        command += ["--schema", schema]
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603 fixed argument list from the URL, no shell
    if result.returncode != 0:
        raise DomainError(_("pg_dump thất bại: %(error)s", error=result.stderr.strip()))
    return output


def _our_tables(conn) -> list[str]:
    from shared.models import Base

    present = set(inspect(conn).get_table_names())
    return [t.name for t in Base.metadata.sorted_tables if t.name in present]


def _is_empty(url: str) -> bool:
    """No table of ours holds data (a freshly migrated database counts as empty)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # data_versions holds the token a migration writes: no data of its own.
            return all(conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() is None  # nosec B608 - schema names
                       for t in _our_tables(conn) if t != "data_versions")
    finally:
        engine.dispose()


def restore(url: str, source: str | Path, files_dir: str | Path | None = None) -> int:
    """Load a backup made by `backup` into an empty database of the same kind, and the files kept beside
    it (if any) into the target's file store (`files_dir`, else the database). Returns how many files."""
    _restore(url, Path(source))
    copied = _restore_files(url, files_beside(source), files_dir)
    _renew_data_versions(url)
    return copied


def _restore_files(url: str, folder: Path, files_dir: str | Path | None) -> int:
    from shared import storage
    from shared.db import make_session_factory

    if not folder.is_dir():
        return 0
    store = storage.from_setting(files_dir)
    engine = make_engine(url)
    copied = 0
    try:
        with make_session_factory(engine)() as session:
            present = store.keys(session)
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.name not in present:
                    with open(path, "rb") as fh:
                        store.put(session, path.name, fh)
                    session.commit()  # one file at a time: bounded memory and transaction size
                    copied += 1
    finally:
        engine.dispose()
    return copied


def _renew_data_versions(url: str) -> None:
    """Caches of other processes may hold figures of what this database held before: renew `*`."""
    from shared import data_versions

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if "data_versions" in inspect(conn).get_table_names():  # a backup from before 0003s has none
                data_versions.renew(conn, [data_versions.ALL])
    finally:
        engine.dispose()


def _restore(url: str, source: Path) -> None:
    if not source.is_file():
        raise DomainError(_("Không có tệp sao lưu %(path)s.", path=source))
    with open(source, "rb") as f:
        is_sqlite_file = f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    if not _is_empty(url):
        raise DomainError(_("Cơ sở dữ liệu đích đã có dữ liệu; chỉ khôi phục vào cơ sở dữ liệu trống."))
    if make_url(url).get_backend_name() == "sqlite":
        if not is_sqlite_file:
            raise DomainError(_("Tệp này không phải bản sao lưu SQLite."))
        path = _sqlite_path(url)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(path)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    if is_sqlite_file:
        raise DomainError(_("Tệp này là bản sao lưu SQLite, không khôi phục được vào PostgreSQL."))
    args, env, schema = _pg_env(url)
    _make_way(url, schema)
    command = [_tool("psql"), *args, "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
               "--file", str(source)]
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603 fixed argument list from the URL, no shell
    if result.returncode != 0:
        raise DomainError(_("psql thất bại: %(error)s", error=result.stderr.strip()))


def _make_way(url: str, schema: str | None) -> None:
    """Empty tables of a migrated database, and an empty schema a schema-scoped dump recreates, make way."""
    from shared.models import Base

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if _our_tables(conn):
                Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            # A schema-scoped dump does not carry extensions: the search index needs pg_trgm (0003s).
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
            if schema and not inspect(conn).get_table_names(schema=schema):
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}"'))  # nosec B608 - empty, checked above
    finally:
        engine.dispose()
