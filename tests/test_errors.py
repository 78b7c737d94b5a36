"""Domain refusals mapped once: one error handler per domain error class (portal/errors.py) and one action
helper (portal/actions.py); a view never maps them by hand."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from portal import actions, db
from shared.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from shared.models import Unit

ROOT = Path(__file__).resolve().parents[1]
# Views still written the old way, each to convert when the branch now changing it lands (none may be added).
NOT_YET: set[str] = set()


@pytest.mark.parametrize(("error", "status"), [
    (NotFound("Không thấy đơn vị này."), 404), (Forbidden("Vai trò này không được làm việc đó."), 403),
    (Conflict("Đã có người sửa trước."), 409), (InvalidTransition("Báo cáo đã được gửi."), 409),
    (DomainError("Số liệu chưa hợp lệ."), 422),
])
def test_a_refusal_a_view_lets_through_is_its_status_and_keeps_nothing(app, factory, login_as, client, error, status):
    t = factory.tree()
    user = factory.user("admin", t.province)

    def view():
        db.session().get(Unit, t.g11.id).name = "Đổi tên giữa chừng"
        db.session().flush()
        raise error

    app.add_url_rule("/_test/refuse", "test_refuse", view)
    login_as(user)
    resp = client.get("/_test/refuse")
    assert resp.status_code == status
    assert error.message in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(Unit.name).where(Unit.id == t.g11.id)) == t.g11.name  # rolled back


def test_run_puts_field_messages_on_the_form_and_lets_scope_errors_through(app):
    class Form(FlaskForm):
        name = StringField()

    with app.test_request_context():
        form = Form(meta={"csrf": False})

        def refuse():
            raise DomainError("Chưa hợp lệ.", fields={"name": "Tên quá dài.", "other": "Không có ô này."})

        result, refusal = actions.run(refuse, form=form)
        assert result is None and refusal.message == "Chưa hợp lệ." and form.name.errors == ["Tên quá dài."]
        assert actions.attempt(form, lambda: 7) == (7, None)
        for scope_error in (NotFound("x"), Forbidden("y")):
            with pytest.raises(type(scope_error)):
                actions.run(lambda e=scope_error: (_ for _ in ()).throw(e))


def test_no_view_maps_domain_errors_by_hand():
    """`except DomainError` (or one of its classes) in a page view: use portal.actions.run / attempt, or let the
    error reach portal/errors.py. The API answers JSON through its own handler; commands print."""
    names = {"DomainError", "Conflict", "Forbidden", "NotFound", "InvalidTransition"}
    offences = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel in ("portal/actions.py", "portal/errors.py") or rel.startswith("portal/api/") or "cli" in path.name \
                or rel in NOT_YET:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if caught & names:
                    offences.append(f"{rel}:{node.lineno}")
    assert offences == []

