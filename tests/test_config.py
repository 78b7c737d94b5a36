"""The settings (shared/config.py), read the same way by the portal, the `daihoi` command and the TUI; the
TUI starts without Flask; an app's TODAY and BASE_URL stay with that app."""
from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from shared import clock, config, notifications
from shared.models import EmailOutbox, User
from tests.realproc import ROOT, daihoi_env


def test_the_instance_folder_is_the_portals(app):
    assert config.instance_path() == Path(app.instance_path)


def test_defaults_then_the_instance_file_then_the_environment_then_the_caller(tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith("DAIHOI_")]:
        monkeypatch.delenv(key)
    (tmp_path / "config.py").write_text(textwrap.dedent("""
        PAGE_SIZE = 20
        BASE_URL = "https://from-the-file.vn"
        TODAY = "2023-04-15"
        lower_case_is_not_a_setting = 1
    """))
    monkeypatch.setenv("DAIHOI_BASE_URL", "https://from-the-environment.vn")
    monkeypatch.setenv("DAIHOI_API_TOKEN_DAYS", "7")  # JSON: a number
    settings = config.load({"MAX_CONTENT_LENGTH": 1}, instance=tmp_path)
    assert settings["PAGE_SIZE"] == 20 and settings["API_TOKEN_DAYS"] == 7 and settings["MAX_CONTENT_LENGTH"] == 1
    assert settings["BASE_URL"] == "https://from-the-environment.vn"
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"  # a default
    assert "lower_case_is_not_a_setting" not in settings
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'daihoi.sqlite3'}"
    assert config.today(settings) == dt.date(2023, 4, 15)
    monkeypatch.setenv("DAIHOI_DATABASE_URL", "postgresql+psycopg://u@h/d")
    assert config.database_url() == "postgresql+psycopg://u@h/d"


def test_the_secret_key_is_made_once_and_kept_private(tmp_path):
    key = config.secret_key(tmp_path)
    assert len(key) == 64 and config.secret_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_today_and_base_url_are_checked():
    assert config.today({}) is None and config.today({"TODAY": dt.date(2024, 1, 2)}) == dt.date(2024, 1, 2)
    with pytest.raises(ValueError):
        config.today({"TODAY": "15/04/2023"})
    assert config.base_url({"BASE_URL": " https://cong.vn/ "}) == "https://cong.vn"
    assert config.base_url({}) == ""
    with pytest.raises(ValueError):
        config.base_url({"BASE_URL": "cong.vn"})


def test_daihoi_tui_starts_without_flask(database_url, factory):
    """The real command path (`daihoi tui` through click, the settings, the local source and a query of the
    user's progress), with only the terminal part left out: Flask is never imported."""
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    script = textwrap.dedent("""
        import sys
        import tui.app

        def run(self, **kwargs):
            self.source.login_as("dieuphoi")
            progress = self.source.progress(None, None, None)
            print("levels", sorted(progress["levels"]))
            print("web modules", sorted({m.split(".")[0] for m in sys.modules} & {"flask", "werkzeug", "jinja2"}))

        tui.app.DaihoiApp.run = run
        from portal.cli import main
        main(["tui"])
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=daihoi_env(database_url),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "levels ['district', 'grassroots', 'province']" in done.stdout
    assert "web modules []" in done.stdout, done.stdout


def test_two_apps_in_one_process_keep_their_day_and_base_url(database_url, db, factory, tmp_path):
    from portal import create_app

    user = factory.user("coordinator", factory.unit("Liên đoàn Lao động tỉnh Thử nghiệm", "province"),
                        email="dieuphoi@example.vn")

    def make(**settings):
        return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "TESTING": True,
                           "UPLOAD_FOLDER": str(tmp_path / "uploads"), **settings})

    first = make(TODAY="2023-04-15", BASE_URL="https://mot.example.vn")
    second = make(TODAY="2024-01-02", BASE_URL="https://hai.example.vn")
    plain = make()
    try:
        assert os.environ.get("DAIHOI_TODAY") != "2023-04-15"  # nothing written into the process's environment
        real = clock.today()
        for app, day, base in ((first, dt.date(2023, 4, 15), "https://mot.example.vn"),
                               (second, dt.date(2024, 1, 2), "https://hai.example.vn"),
                               (plain, real, ""), (first, dt.date(2023, 4, 15), "https://mot.example.vn")):
            with app.app_context():
                assert clock.today() == day
                session = app.extensions["daihoi.sessionmaker"]()
                try:
                    [note] = notifications.notify(session, [session.get(User, user.id)], "Thử", "/review/7")
                    session.flush()
                    body = session.scalars(select(EmailOutbox.body)).one()
                    assert f": {base}/review/7\n" in body, body
                    assert note.link == "/review/7"
                finally:
                    session.rollback()
                    session.close()
            assert clock.today() == real  # outside every app: the real day
        with second.test_request_context("/"):
            assert clock.today() == dt.date(2024, 1, 2)
    finally:
        for app in (first, second, plain):
            app.extensions["daihoi.engine"].dispose()
