"""Fixtures of the production tests: a fresh database of its own (a file, or a private schema)."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import text

from shared.db import make_engine


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database nobody else uses: an SQLite file, or a schema of its own on PostgreSQL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    schema = f"p_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}&application_name={schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
