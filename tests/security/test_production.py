"""DAIHOI_ENV=production refuses a missing, generated or weak secret key and the demo passwords."""
from __future__ import annotations

import flask
import pytest
from click.testing import CliRunner
from sqlalchemy import delete

from portal.security import UnsafeConfiguration
from shared.demo import DEMO_PASSWORD
from shared.models import User
from shared.security import hash_password

STRONG = "9f2c4e8a1b7d3f6e0a5c9b2d8e4f1a7c3b6d0e9f"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder, so create_app generates its own key there as on a fresh install."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(folder))
    monkeypatch.delenv("DAIHOI_SECRET_KEY", raising=False)
    return folder


def test_production_refuses_the_generated_secret_key(make_app, instance):
    with pytest.raises(UnsafeConfiguration, match="DAIHOI_SECRET_KEY") as err:
        make_app(ENV="production", SECRET_KEY=None)
    assert "Không khởi động ở chế độ production" in str(err.value)
    assert (instance / "secret_key").exists()  # the embedded default would have used it
    make_app(SECRET_KEY=None)  # and it still does outside production


@pytest.mark.parametrize("key", ["test-secret", "changeme", "ngan-qua-1234"])
def test_production_refuses_weak_secret_keys(make_app, instance, key):
    with pytest.raises(UnsafeConfiguration, match="quá yếu"):
        make_app(ENV="production", SECRET_KEY=key)


def test_production_refuses_demo_accounts_with_the_demo_password(make_app, instance, factory, db):
    t = factory.tree()
    admin = factory.user("admin", t.province, username="admin", password=DEMO_PASSWORD)
    factory.user("district", t.d1, username="rachgia", password=DEMO_PASSWORD)
    factory.user("observer", t.d1, username="quansat", password=DEMO_PASSWORD, active=False)
    factory.user("reporter", t.g11, username="nguoikhac", password=DEMO_PASSWORD)  # not a demo account
    with pytest.raises(UnsafeConfiguration) as err:
        make_app(ENV="production", SECRET_KEY=STRONG)
    assert "admin, rachgia." in str(err.value) and "quansat" not in str(err.value)

    admin.password_hash = hash_password("mat-khau-rieng-cua-tinh")
    db.execute(delete(User).where(User.username == "rachgia"))
    db.commit()
    app = make_app(ENV="production", SECRET_KEY=STRONG)
    assert app.test_client().get("/login").status_code == 200


def test_the_command_line_explains_the_refusal_without_a_traceback(database_url, db, monkeypatch):
    from portal.cli import main

    monkeypatch.setenv("DAIHOI_ENV", "production")
    monkeypatch.setenv("DAIHOI_SECRET_KEY", "changeme")
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["db", "current"])
    assert result.exit_code == 1
    assert "Không khởi động ở chế độ production" in result.output
    assert "DAIHOI_SECRET_KEY" in result.output and "Traceback" not in result.output


def test_a_strong_key_and_no_demo_passwords_start_in_production(make_app, instance):
    app = make_app(ENV="production", SECRET_KEY=STRONG)
    assert app.test_client().get("/login").status_code == 200
