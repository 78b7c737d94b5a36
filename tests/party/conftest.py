"""Fixtures of the party features: the small tree with party bodies and one account per role."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from shared.models import PartyBody
from tests.conftest import csrf_token, login

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def party(factory, db):
    """Province P with districts d1, d2; party bodies for both and the federation's delegation."""
    t = factory.tree()
    campaign = factory.campaign()
    bodies = SimpleNamespace(
        d1=PartyBody(unit_id=t.d1.id, name="Thành ủy Rạch Giá", kind="district_committee"),
        d2=PartyBody(unit_id=t.d2.id, name="Huyện ủy Giồng Riềng", kind="district_committee"),
        province=PartyBody(unit_id=t.province.id, name="Đảng đoàn Liên đoàn Lao động tỉnh", kind="federation_delegation"),
    )
    db.add_all([bodies.d1, bodies.d2, bodies.province])
    db.commit()
    return SimpleNamespace(
        t=t, campaign=campaign, bodies=bodies,
        pc1=factory.user("party_committee", t.d1, username="thanhuy_test"),
        pc2=factory.user("party_committee", t.d2, username="huyenuy_test"),
        delegation=factory.user("party_committee", t.province, username="dangdoan_test"),
        coordinator=factory.user("coordinator", t.province, username="dieuphoi_test"),
        federation=factory.user("federation", t.province, username="liendoan_test"),
    )


@pytest.fixture
def as_user(app):
    """`as_user(user)` -> a fresh logged-in test client with `.post_form(url, data)` adding the CSRF token."""
    def _make(user):
        client = app.test_client()
        resp = login(client, user.username)
        assert resp.status_code == 302
        token = csrf_token(client, "/")

        def post_form(url, data=None, **kw):
            return client.post(url, data={"csrf_token": token, **(data or {})}, **kw)

        client.post_form = post_form
        return client

    return _make
