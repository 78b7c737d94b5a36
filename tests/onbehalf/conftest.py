"""A small province for entry on behalf of units: Rạch Giá (D1) with G11, whose officer has an account, and
G12 without one; Giồng Riềng (D2) with G21 without one; a district account for each district, the federation."""
from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData, select

from tests.conftest import Factory


@pytest.fixture
def w(factory: Factory, db, today):
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    w = SimpleNamespace(**vars(t))
    w.campaign = factory.campaign()
    w.dist1 = factory.user("district", t.d1, username="huyen1", full_name="LĐLĐ thành phố Rạch Giá")
    w.dist2 = factory.user("district", t.d2, username="huyen2", full_name="LĐLĐ huyện Giồng Riềng")
    w.fed = factory.user("federation", t.province, username="tinh", full_name="Ban Tổ chức LĐLĐ tỉnh")
    w.rep11 = factory.user("reporter", t.g11, username="coso11")
    w.observer = factory.user("observer", t.d1, username="quansat1")
    return w


def results(unit, **extra) -> dict:
    """Form input of a complete, sendable grassroots report (the unit's members decide its form)."""
    data = {
        "planned_date": "10/03/2023", "held_date": "10/03/2023", "members_total": str(unit.members_count),
        "summoned": str(min(unit.members_count, 100)), "present": str(min(unit.members_count, 100) - 2),
        "executive_size": "5", "executive_women": "2", "executive_young": "1", "executive_party": "3",
        "executive_reelected": "3", "executive_new": "2", "standing_size": "0", "inspection_size": "3",
        "delegates_official": "1", "officers-present": "1", "officers-0-role": "chair", "officers-0-full_name": "Nguyễn Thị Lan",
        "officers-0-vote_pct": "92,5",
    }
    data["form"] = "dai_bieu" if unit.members_count >= 150 else "toan_the"
    data.update(extra)
    return data


def fingerprint(db) -> dict:
    """Every row of every table (what a dry run must not change)."""
    db.expire_all()
    meta = MetaData()
    meta.reflect(bind=db.get_bind())
    return {name: sorted(map(repr, db.execute(select(table)).all()))
            for name, table in sorted(meta.tables.items()) if name != "alembic_version"}


def xlsx(rows: list[list], headers: list[str] | None = None) -> bytes:
    """A workbook as a person makes it in a spreadsheet program (openpyxl), first row the headers."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# The template's columns, in Vietnamese (the template is tested separately; these files are typed by hand).
HEADERS = ["Mã đơn vị", "Tên đơn vị", "Tổng số đoàn viên", "Ngày dự kiến đại hội", "Hình thức đại hội",
           "Đại hội điểm", "Ngày tổ chức đại hội", "Số được triệu tập", "Số có mặt", "Số ủy viên BCH", "Trong đó nữ",
           "Trong đó đảng viên", "Trong đó trẻ", "Tái cử", "Tham gia lần đầu", "Số ủy viên BTV", "Số ủy viên UBKT",
           "Chủ tịch: họ và tên", "Chủ tịch: tỷ lệ phiếu bầu", "Đại biểu chính thức dự đại hội cấp trên"]


def row(code: str, name: str = "", members=40, **over) -> list:
    """A complete row of a 40-member union held on 10/03/2023 (an all-member congress), values as people type them."""
    values = {"members": members, "planned": "10/03/2023", "form": "Đại hội toàn thể", "pilot": "",
              "held": dt.datetime(2023, 3, 10), "summoned": members, "present": members - 2, "size": 5, "women": 2,
              "party": 3, "young": 1, "reelected": 3, "new": 2, "standing": 0, "inspection": 3,
              "chair": "Nguyễn Văn An", "vote": "92,5", "delegates": 1}
    values.update(over)
    return [code, name, *(values[k] for k in ("members", "planned", "form", "pilot", "held", "summoned", "present",
                                                "size", "women", "party", "young", "reelected", "new", "standing",
                                                "inspection", "chair", "vote", "delegates"))]
