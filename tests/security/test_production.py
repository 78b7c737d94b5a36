"""DAIHOI_ENV=production refuses a missing, generated or weak secret key and the demo passwords."""
from __future__ import annotations

import flask
import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select

from portal.security import UnsafeConfiguration
from shared import audit
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


def test_production_refuses_every_account_with_the_demo_password(make_app, instance, factory, db):
    """Not a list of names: any active account on the demo password is named, a locked one is not."""
    t = factory.tree()
    admin = factory.user("admin", t.province, username="admin", password=DEMO_PASSWORD)
    factory.user("district", t.d1, username="rachgia", password=DEMO_PASSWORD)
    factory.user("observer", t.d1, username="quansat", password=DEMO_PASSWORD, active=False)
    factory.user("reporter", t.g11, username="nguoikhac", password=DEMO_PASSWORD)  # no demo name: still found
    factory.user("coordinator", t.province, username="riengtu", password="mot-mat-khau-rieng-dai")
    with pytest.raises(UnsafeConfiguration) as err:
        make_app(ENV="production", SECRET_KEY=STRONG)
    assert "admin, nguoikhac, rachgia." in str(err.value)
    assert "quansat" not in str(err.value) and "riengtu" not in str(err.value)

    admin.password_hash = hash_password("mat-khau-rieng-cua-tinh")
    db.execute(delete(User).where(User.username.in_(["rachgia", "nguoikhac"])))
    db.commit()
    app = make_app(ENV="production", SECRET_KEY=STRONG)
    assert app.test_client().get("/login").status_code == 200


@pytest.mark.parametrize("password", ["admin123", "123456", "matkhau123"])
def test_production_refuses_other_known_defaults(make_app, instance, factory, password):
    t = factory.tree()
    factory.user("federation", t.province, username="liendoan_moi", password=password)
    with pytest.raises(UnsafeConfiguration, match="liendoan_moi"):
        make_app(ENV="production", SECRET_KEY=STRONG)


def test_the_whole_demo_province_is_refused_by_name(make_app, instance, demo, db):
    """The probe found 16 of the 22 demo accounts missing from the old list of names."""
    with pytest.raises(UnsafeConfiguration) as err:
        make_app(ENV="production", SECRET_KEY=STRONG)
    # Every active demo account with the demo password (the unions' own `cs_rg…` accounts have a random one).
    active = db.scalars(select(User.username).where(User.active.is_(True), User.username.not_like("cs\\_%", escape="\\"))).all()
    assert len(active) >= 22
    for username in active:  # thanhuy_*, huyenuy_*, dangdoan included
        assert username in str(err.value)
    assert "dangdoan" in active and any(name.startswith("huyenuy_") for name in active)


def test_the_check_costs_no_hash_for_accounts_made_by_the_product(make_app, instance, factory, db, monkeypatch):
    """An argon2 check is slow by design: the product's own accounts (a one-time password from an
    administrator, a password the user chose) are known not to hold a default; loaded accounts sharing one
    hash cost one check together, and an account written by hand is still checked on its own."""
    import shared.accounts as accounts

    t = factory.tree()
    admin = factory.user("admin", t.province, username="quantri", password="quan-tri-vien-tinh-2023")
    audit.record(db, None, "user.create", "user", admin.id)
    for i in range(40):
        user, _one_time = accounts.create_user(db, admin, username=f"coso{i:02d}", role="reporter", unit=t.g11)
    accounts.change_own_password(db, user, current=_one_time, new="mot-mat-khau-rieng-dai", confirm="mot-mat-khau-rieng-dai")
    shared_hash = hash_password(DEMO_PASSWORD)
    for i in range(30):  # as the demo loader writes them: one hash for all
        db.add(User(username=f"nap{i:02d}", role="observer", unit_id=t.d1.id, password_hash=shared_hash))
    db.add(User(username="tay", role="observer", unit_id=t.d2.id, password_hash=hash_password(DEMO_PASSWORD)))
    db.commit()

    checks = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda h, p: checks.append(h) or real(h, p))
    weak = accounts.accounts_with_default_password(db)
    assert weak == sorted([*(f"nap{i:02d}" for i in range(30)), "tay"])
    assert len(set(checks)) == 2 and len(checks) == 2  # the loaders' hash and the hand-written one, once each


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


def test_no_product_path_can_store_a_default_password():
    """The premise of the fast check: what check_password refuses, no user or administrator can set."""
    from shared.accounts import check_password, default_passwords
    from shared.errors import DomainError

    for password in default_passwords():
        with pytest.raises(DomainError):
            check_password(password, "bat-ky-ai")


def test_every_writer_of_a_password_hash_is_known():
    """The other premise: outside the loaders (demo, benchmark data), a hash is written only by the account
    functions that audit it (PASSWORD_SET_ACTIONS). A new writer must audit too, and be listed here."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = set()
    for folder in ("shared", "portal", "tui"):
        for path in (root / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
                for node in ast.walk(func):
                    targets = node.targets if isinstance(node, ast.Assign) else []
                    keywords = node.keywords if isinstance(node, ast.Call) else []
                    if any(isinstance(t, ast.Attribute) and t.attr == "password_hash" for t in targets) or \
                            any(k.arg == "password_hash" for k in keywords):
                        writers.add(f"{path.relative_to(root).as_posix()}:{func.name}")
    assert writers == {
        "shared/accounts.py:create_account", "shared/accounts.py:create_user", "shared/accounts.py:reset_password",
        "shared/accounts.py:change_own_password", "shared/demo.py:_party_bodies", "shared/demo.py:load_demo",
        "shared/demo.py:_accounts_and_entry_on_behalf",  # a random password, thrown away: no one can log in
        "shared/generate.py:generate", "shared/generate.py:account",
        "shared/answers.py:create_addressee_account",  # a one-time password, shown once to the admin
        "shared/demo.py:_addressees_and_answers",  # the demo password: the production check finds it
    }, sorted(writers)
