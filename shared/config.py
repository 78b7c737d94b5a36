"""daihoi's settings, read the same way for whoever runs: the portal (create_app), the `daihoi` command and
the terminal dashboard, which needs no web framework to learn its database.

In order, each overriding the one before: the defaults below, `instance/config.py` (its UPPERCASE names),
the environment variables prefixed `DAIHOI_` (values parsed as JSON when they are, `DAIHOI_PAGE_SIZE=20`
is a number), then what the caller passes. The instance folder is where Flask puts the portal's
(`instance/` beside the package in a checkout, `<prefix>/var/portal-instance` once installed); a test
checks the two agree. Nothing here writes process-wide state: each caller gets its own dict.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import pathlib
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PREFIX = "DAIHOI_"
PACKAGE = "portal"  # the package whose instance folder holds the settings, the secret key and the SQLite file

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: shared.db.default_url, an SQLite file in the instance folder
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "PAGE_SIZE": 50,
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
}


def instance_path() -> Path:
    """The instance folder, as Flask finds it for the `portal` package (flask.sansio.scaffold.find_package),
    found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    package_path = os.path.dirname(os.path.dirname(spec.origin)) if spec and spec.origin else os.getcwd()
    prefix = os.path.abspath(sys.prefix)
    if pathlib.PurePath(package_path).is_relative_to(prefix):  # installed to the system
        return Path(prefix, "var", f"{PACKAGE}-instance")
    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() == "site-packages":  # installed to a virtualenv
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":
            base = parent
        elif os.path.basename(parent).lower() == "lib":
            base = os.path.dirname(parent)
        else:
            base = site_parent
        return Path(base, "var", f"{PACKAGE}-instance")
    return Path(package_path, "instance")  # a checkout


def _from_file(path: Path) -> dict[str, Any]:
    """The UPPERCASE names of a Python settings file (as Flask's `config.from_pyfile`); none if it is missing."""
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_bytes(), str(path), "exec"), namespace)  # noqa: S102 # nosec B102 the operator's own settings file, as Flask config.from_pyfile
    return {key: value for key, value in namespace.items() if key.isupper()}


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """DAIHOI_X=value as X, the value parsed as JSON when it is (as Flask's `from_prefixed_env`)."""
    found = {}
    for key in sorted(environ):
        if key.startswith(PREFIX):
            value: Any = environ[key]
            try:
                value = json.loads(value)
            except ValueError:
                pass
            found[key.removeprefix(PREFIX)] = value
    return found


def load(overrides: Mapping[str, Any] | None = None, *, instance: Path | None = None) -> dict[str, Any]:
    """Every setting, DATABASE_URL filled in (the secret key is read separately: `secret_key`)."""
    from shared.db import default_url

    folder = Path(instance) if instance is not None else instance_path()
    settings = dict(DEFAULTS)
    settings.update(_from_file(folder / "config.py"))
    settings.update(_from_environment(os.environ))
    settings.update(overrides or {})
    if not settings.get("DATABASE_URL"):
        settings["DATABASE_URL"] = default_url(folder)
    return settings


def database_url(overrides: Mapping[str, Any] | None = None) -> str:
    """The configured database: what `daihoi db`, `daihoi tui` and the portal all use."""
    return load(overrides)["DATABASE_URL"]


def secret_key(instance: Path | None = None) -> str:
    """The embedded default of SECRET_KEY: a random key generated once into the instance folder (never in
    the repository), readable by its owner only."""
    path = Path(instance if instance is not None else instance_path()) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def today(settings: Mapping[str, Any]) -> dt.date | None:
    """The pinned day of TODAY ("2023-04-15" or a date), None when unset; ValueError for anything else."""
    value = settings.get("TODAY")
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"TODAY must be a date YYYY-MM-DD, not {value!r}") from None


def base_url(settings: Mapping[str, Any]) -> str:
    """BASE_URL without its trailing slash ('' when unset): where users reach the portal, for the links in
    mail. Never taken from a request's Host header, which a client chooses."""
    url = str(settings.get("BASE_URL") or "").strip().rstrip("/")
    if url and not url.startswith(("http://", "https://")):
        raise ValueError(f"BASE_URL must start with http:// or https://, not {url!r}")
    return url
