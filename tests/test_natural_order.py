"""Units are listed as people count: "An Hòa 2" before "An Hòa 10" (shared.text.sort_key, units.name_sort),
on every list and keyset page, whoever named the unit (the portal, an import, a rename)."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from shared.imports import import_units
from shared.models import Unit
from shared.text import sort_key
from tests.admin.helpers import csv_bytes
from tests.conftest import csrf_token

NAMES = ["Công đoàn cơ sở An Hòa 10", "Công đoàn cơ sở An Hòa 2", "Công đoàn cơ sở An Hòa 1", "Công đoàn cơ sở An Bình"]
NATURAL = ["Công đoàn cơ sở An Bình", "Công đoàn cơ sở An Hòa 1", "Công đoàn cơ sở An Hòa 2", "Công đoàn cơ sở An Hòa 10"]


def test_the_key_pads_numbers_and_folds_the_rest():
    assert sort_key("An Hòa 2") < sort_key("An Hòa 10") < sort_key("An Hòa 100")
    assert sort_key("ĐỒNG HÒA 3") == "dong hoa 0000000003"
    assert sort_key("x " * 200 + "1")[-1] != "1" or len(sort_key("x " * 200 + "1")) <= 320


def _tree(factory):
    t = factory.tree()
    for i, name in enumerate(NAMES):
        factory.unit(name, "grassroots", t.d1, code=f"AH{i}")
    return t


def test_the_unit_page_the_api_and_the_dashboard_list_in_natural_order(factory, login_as, client, db):
    t = _tree(factory)
    factory.campaign()
    user = factory.user("district", t.d1)
    login_as(user)

    def order(html):
        return list(dict.fromkeys(n for n in re.findall(r">(Công đoàn cơ sở An [^<]+)<", html) if n in NAMES))

    assert order(client.get(f"/units/{t.d1.id}").get_data(as_text=True)) == NATURAL
    assert order(client.get("/dashboard?section=units&q=an").get_data(as_text=True)) == NATURAL
    token = client.post("/api/v1/tokens", json={"username": user.username, "password": "matkhau123"}).get_json()["token"]
    names, cursor = [], None
    while True:  # keyset pages of 2
        page = client.get("/api/v1/units", query_string={"parent": t.d1.id, "limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers={"Authorization": f"Bearer {token}"}).get_json()
        names += [u["name"] for u in page["items"] if u["name"] in NAMES]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert names == NATURAL


def test_imported_and_renamed_units_get_their_key(factory, db, login_as, client):
    t = factory.tree()
    report = import_units(db, io.BytesIO(csv_bytes([("AH9", "Công đoàn cơ sở An Hòa 9", "cơ sở", "D1", "nhà nước", 30, "", "")])),
                          filename="don-vi.csv")
    assert report.applied, report.errors
    db.commit()
    unit = db.scalar(select(Unit).where(Unit.code == "AH9"))
    assert unit.name_sort == sort_key("Công đoàn cơ sở An Hòa 9")
    login_as(factory.user("admin", t.province))
    form = client.get(f"/admin/units/{unit.id}/edit").get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', form)}
    data.update(csrf_token=csrf_token(client, f"/admin/units/{unit.id}/edit"), name="Công đoàn cơ sở An Hòa 11")
    assert client.post(f"/admin/units/{unit.id}/edit", data=data).status_code in (302, 303)
    db.expire_all()
    assert db.get(Unit, unit.id).name_sort == sort_key("Công đoàn cơ sở An Hòa 11")
