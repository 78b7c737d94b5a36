"""One set of account rules (issue 16, item 11): `daihoi create-user` used to make a coordinator or a district
account on a grassroots union, which the portal refuses. Both now go through shared.accounts: whatever the
portal refuses for a role and a unit, the command line refuses with the same words."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from portal.cli import main
from shared.accounts import ROLE_LEVELS
from shared.models import AuditLog, User
from tests.conftest import csrf_token, login

LEVEL_UNIT = {"province": "P", "district": "D1", "grassroots": "G11"}
CASES = [(role, level) for role in ROLE_LEVELS for level in LEVEL_UNIT]


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)

    def run(*args):
        return CliRunner().invoke(main, ["create-user", *args])

    return run


@pytest.mark.parametrize(("role", "level"), CASES)
def test_the_command_line_and_the_portal_agree_on_role_and_unit(app, cli, factory, db, role, level):
    t = factory.tree()
    factory.user("admin", t.province, username="quantri")
    username = f"{role.replace('_', '')}.{level}"
    result = cli("--username", username, "--role", role, "--unit", LEVEL_UNIT[level], "--password", "mot-mat-khau-rieng-dai")
    by_cli = result.exit_code == 0

    admin = app.test_client()
    assert login(admin, "quantri").status_code == 302
    resp = admin.post("/admin/users/new", data={"csrf_token": csrf_token(admin, "/admin/users/new"),
                                                "username": username + ".web", "role": role, "unit_code": LEVEL_UNIT[level]})
    by_portal = resp.status_code == 200 and "data-password" in resp.get_data(as_text=True)

    # An addressee account is made on its body's page of the register (shared.answers), never by these two.
    allowed = level in ROLE_LEVELS[role] and role != "addressee"
    assert by_cli == by_portal == allowed, (result.output, resp.status_code)
    if role == "addressee":  # the command line does not offer the role at all
        assert "addressee" not in result.output.split("is not one of", 1)[-1]
    elif not by_cli:
        page = resp.get_data(as_text=True)
        message = re.search(r"Vai trò “[^”]+” không dùng cho đơn vị [^.<]+\.", result.output).group(0)
        assert message in page  # the same words on both
    if not by_cli:
        assert db.scalar(select(User).where(User.username == username)) is None


def test_the_probe_cases_are_refused(cli, factory, db):
    factory.tree()
    for role in ("coordinator", "district"):
        result = cli("--username", f"thu.{role}", "--role", role, "--unit", "G11", "--password", "mot-mat-khau-rieng-dai")
        assert result.exit_code != 0 and "không dùng cho đơn vị công đoàn cơ sở" in result.output
    assert db.scalar(select(User.id)) is None


def test_the_command_line_refuses_an_inactive_unit_and_a_bad_username(cli, factory, db):
    t = factory.tree()
    t.g12.active = False
    db.commit()
    result = cli("--username", "vinhlac", "--role", "reporter", "--unit", "G12", "--password", "mot-mat-khau-rieng-dai")
    assert result.exit_code != 0 and "ngừng hoạt động" in result.output
    result = cli("--username", "Ô Môn!", "--role", "reporter", "--unit", "G11", "--password", "mot-mat-khau-rieng-dai")
    assert result.exit_code != 0 and "Tên đăng nhập chưa hợp lệ" in result.output and "3-80 ký tự" in result.output


def test_an_account_made_on_the_command_line_is_audited(cli, factory, db):
    t = factory.tree()
    result = cli("--username", "quantri", "--role", "admin", "--unit", "P", "--password", "mot-mat-khau-rieng-dai")
    assert result.exit_code == 0, result.output
    user = db.scalar(select(User).where(User.username == "quantri"))
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "user.create", AuditLog.object_id == user.id))
    assert entry is not None and entry.user_id is None and entry.unit_id == t.province.id
