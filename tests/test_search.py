"""Search by folded name or code: the trigram-indexed query finds exactly what a plain "contains"
over fold(name) and lower(code) finds, scoped to the subtree asked for."""
import pytest
from sqlalchemy import select

from shared.models import Unit
from shared.text import fold
from shared.units import in_subtree, search_filter

NAMES = [
    "Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc", "CÔNG ĐOÀN Công ty 100% vốn", "Công đoàn \"Đông Hồ\" A_B",
    "Nghiệp đoàn nghề cá Đồng Tháp", "Công đoàn cơ sở Ủy ban nhân dân xã Ngọc Chúc", "Trường Mầm non 2/9",
]


@pytest.fixture
def units(db, factory):
    t = factory.tree()
    for i, name in enumerate(NAMES):
        factory.unit(name, "grassroots", t.d2 if i % 2 else t.d1, code=f"X{i}-AB")
    return t


@pytest.mark.parametrize("q", [
    "cong doan", "CÔNG ĐOÀN", "truong", "100%", "a_b", '"dong ho"', "dong", "ab", "x1", "x1-ab", "2/9", "o",
    "ngoc chuc", "khong co", "  cong   doan  ", "uy ban", "đồng tháp",
])
def test_search_finds_what_contains_finds(db, units, q):
    key = fold(q)
    for scope in (Unit(path=""), units.province, units.d1):
        expected = sorted(
            u.id for u in db.scalars(select(Unit).where(in_subtree(scope.path)))
            if key in u.name_folded or key in u.code.lower()
        )
        found = sorted(db.scalars(select(Unit.id).where(in_subtree(scope.path), search_filter(q))))
        assert found == expected, (q, scope.path)


def test_search_follows_renames(db, units):
    unit = units.g21
    unit.name, unit.name_folded = "Công đoàn Bến Nghé", fold("Công đoàn Bến Nghé")
    db.commit()
    assert list(db.scalars(select(Unit.id).where(search_filter("ben nghe")))) == [unit.id]
    assert unit.id not in db.scalars(select(Unit.id).where(search_filter("ngoc chuc"))).all()
    db.delete(unit)
    db.commit()
    assert list(db.scalars(select(Unit.id).where(search_filter("ben nghe")))) == []
