"""Fixtures for the JSON API: a province tree with a campaign, and a client that logs in by token."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD


class Api:
    """The test client speaking JSON with a bearer token of the chosen user."""

    def __init__(self, client):
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, user, password: str = PASSWORD) -> str:
        name = user if isinstance(user, str) else user.username
        if name not in self._tokens:
            resp = self.client.post("/api/v1/tokens", json={"username": name, "password": password})
            assert resp.status_code == 201, resp.json
            self._tokens[name] = resp.json["token"]
        return self._tokens[name]

    def headers(self, user, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token(user)}", **extra}

    def get(self, path: str, user, **kw):
        return self.client.get(f"/api/v1{path}", headers=self.headers(user), **kw)

    def post(self, path: str, user, json=None, **kw):
        return self.client.post(f"/api/v1{path}", headers=self.headers(user, **kw.pop("headers", {})), json=json, **kw)

    def put(self, path: str, user, json=None, **kw):
        return self.client.put(f"/api/v1{path}", headers=self.headers(user, **kw.pop("headers", {})), json=json, **kw)

    def delete(self, path: str, user, **kw):
        return self.client.delete(f"/api/v1{path}", headers=self.headers(user), **kw)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def world(factory, today):
    """The small province tree, a campaign, a user per role, on 15/04/2023."""
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    t.admin = factory.user("admin", t.province, username="quantri")
    t.federation = factory.user("federation", t.province, username="liendoan")
    t.district1 = factory.user("district", t.d1, username="rachgia")
    t.district2 = factory.user("district", t.d2, username="giongrieng")
    t.reporter11 = factory.user("reporter", t.g11, username="vinhlac")
    t.reporter12 = factory.user("reporter", t.g12, username="dongho")
    t.session = factory.session
    return t
