"""The daihoi command: help for every command, create-user with checks."""
from click.testing import CliRunner

from portal.cli import main


def test_every_command_has_help():
    runner = CliRunner()
    for args in (["--help"], ["db", "--help"], ["db", "upgrade", "--help"], ["demo", "--help"],
                 ["create-user", "--help"], ["serve", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output


def test_create_user(database_url, factory, monkeypatch, db):
    t = factory.tree()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    runner = CliRunner()
    result = runner.invoke(main, ["create-user", "--username", "Tuan.NV", "--role", "district", "--unit", "d1",
                                  "--password", "mat-khau-dai", "--full-name", "Nguyễn Văn Tuấn"])
    assert result.exit_code == 0, result.output
    from shared.models import User

    user = db.query(User).filter_by(username="tuan.nv").one()
    assert user.unit_id == t.d1.id and user.role == "district"


def test_create_user_refuses_short_password_and_unknown_unit(database_url, factory, monkeypatch):
    factory.tree()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    runner = CliRunner()
    r = runner.invoke(main, ["create-user", "--username", "abc", "--role", "district", "--unit", "D1", "--password", "ngan"])
    assert r.exit_code != 0 and "ít nhất 8 ký tự" in r.output
    r = runner.invoke(main, ["create-user", "--username", "abc", "--role", "district", "--unit", "KHONGCO", "--password", "du-dai-roi"])
    assert r.exit_code != 0 and "Không có đơn vị" in r.output


def test_serve_pools_a_connection_for_each_thread(database_url, monkeypatch):
    """Under load every waitress thread holds a connection: a pool smaller than the threads would open and
    close a connection for many requests (SQLAlchemy keeps none beyond the pool's size)."""
    import portal.cli

    served = {}
    monkeypatch.setattr(portal.cli, "run_server", lambda app, host, port, threads: served.update(app=app, threads=threads))
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--threads", "12"])
    assert result.exit_code == 0, result.output
    engine = served["app"].extensions["daihoi.engine"]
    assert served["threads"] == 12 and engine.pool.size() == 12
    engine.dispose()
