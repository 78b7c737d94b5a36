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


# With a session the plan depends on how common the term is (SQLite: a bounded trigram look-up of
# at most RARE_MATCHES ids, else the scope's matches) and on the scope; the units found never do. The
# thresholds below put every term of NAMES on each side: 1 (all common), 3 (some of each), 1000.
PAGED_TERMS = ["cong doan", "truong", "dong", "ngoc chuc", "x1-ab", "ab", "khong co", "o", "100%"]


def _expected(db, scope_path: str, key: str) -> list[int]:
    rows = db.execute(select(Unit.id, Unit.name_folded, Unit.code).where(in_subtree(scope_path))
                      .order_by(Unit.name_folded, Unit.id)).all()
    return [i for i, name, code in rows if key in name or key in code.lower()]


@pytest.mark.parametrize("rare", [1, 3, 1000])
@pytest.mark.parametrize("q", PAGED_TERMS)
def test_every_plan_pages_through_what_contains_finds(db, units, monkeypatch, q, rare):
    import shared.units as units_module

    monkeypatch.setattr(units_module, "RARE_MATCHES", rare)
    for scope in (Unit(path=""), units.province, units.d1):
        found: list[int] = []
        after = None
        while True:  # keyset pages of 2 on (name_folded, id), as the API pages
            stmt = select(Unit.name_folded, Unit.id).where(in_subtree(scope.path), search_filter(q, db))
            if after is not None:
                stmt = stmt.where(Unit.name_folded >= after[0],
                                  (Unit.name_folded > after[0]) | (Unit.id > after[1]))
            page = db.execute(stmt.order_by(Unit.name_folded, Unit.id).limit(2)).all()
            found += [i for _, i in page]
            if len(page) < 2:
                break
            after = page[-1]
        assert found == _expected(db, scope.path, fold(q)), (q, rare, scope.path)


def test_the_plan_follows_how_common_the_term_is(db, units, monkeypatch):
    """SQLite: rare, `id IN (ids)` from the trigram look-up; 2 characters, no look-up; common, the
    matches of the scope's path range by id, or of the FTS5 table when the scope is several times
    bigger than the term's matches. PostgreSQL: one statement, the scope's matches by row address
    (`ctid = ANY(ARRAY(...))`), never a row-by-row match in the name order of the outer query."""
    import shared.units as units_module

    def compiled(q: str, scope: str = "") -> str:
        return str(select(Unit.id).where(search_filter(q, db, scope)).compile(db.get_bind()))

    if db.get_bind().dialect.name == "postgresql":
        for q in ("ngoc chuc", "ab", "cong doan"):
            sql = compiled(q, units.province.path)
            assert "units.ctid = ANY (ARRAY(SELECT units.ctid" in sql and "ILIKE" in sql, sql
            assert "units.path >=" in sql.split("ARRAY(", 1)[1], sql  # the scope, inside the subquery
        return
    assert "units.id IN" in compiled("ngoc chuc") and "units_fts" not in compiled("ngoc chuc")
    assert "lower(units.code) LIKE" in compiled("ab")  # 2 characters: no trigram, no look-up
    monkeypatch.setattr(units_module, "RARE_MATCHES", 3)
    common = compiled("cong doan")  # most units: scanning the scope is cheaper
    assert "lower(units.code) LIKE" in common and "units_fts" not in common and "units.id IN (SELECT" in common
    assert "units.id IN" in compiled("ngoc chuc") and "units_fts" not in compiled("ngoc chuc")
    # One match, the newest unit or nearly: common for RARE_MATCHES = 1 and estimated at about one
    # match in the tree; the whole tree outweighs it, the matching unit's own subtree does not.
    monkeypatch.setattr(units_module, "RARE_MATCHES", 1)
    monkeypatch.setattr(units_module, "FTS_COST_PER_MATCH", 1)
    assert "units_fts" in compiled("x4-ab")
    leaf = db.scalars(select(Unit).where(Unit.code == "X4-AB")).one()
    assert "units_fts" not in compiled("x4-ab", leaf.path)


def test_the_api_list_chooses_the_plan_and_keeps_the_results(db, units, factory, monkeypatch):
    """GET /api/v1/units?q= (readmodels.list_units): whatever the plan (SQLite: a common term over
    the scope, a rare one through the trigram look-up; PostgreSQL: the scope's matches by row
    address), every page holds the same units as "contains", in name order."""
    import shared.units as units_module
    from sqlalchemy import event

    from shared.readmodels import list_units

    postgresql = db.get_bind().dialect.name == "postgresql"
    user, campaign = factory.user("coordinator", units.province), factory.campaign()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    event.listen(db.get_bind(), "before_cursor_execute", listener)
    try:
        for rare, q in ((3, "cong doan"), (1000, "ngoc chuc"), (1000, "cong doan")):
            monkeypatch.setattr(units_module, "RARE_MATCHES", rare)
            statements.clear()
            found, cursor = [], None
            while True:
                page = list_units(db, user, campaign, q=q, limit=1, cursor=cursor)
                found += [item["id"] for item in page["items"]]
                if not (cursor := page["next_cursor"]):
                    break
            assert found == _expected(db, units.province.path, fold(q)), (q, rare)
            listed = [st for st in statements if "congress_reports" in st]
            assert listed and all("units_fts" not in st for st in listed)
            if postgresql:  # one statement a page, the scope's matches inside it
                assert all("units.ctid = ANY (ARRAY(SELECT units.ctid" in st for st in listed)
                assert not [st for st in statements if "LIKE" in st and st not in listed]  # no look-up
            elif rare == 3:  # common: the scope's matches, on every page
                assert all("lower(units.code) LIKE" in st and "units.id IN (SELECT" in st for st in listed)
            else:  # rare: the ids of the look-up
                assert all("units.id IN" in st and "LIKE" not in st for st in listed)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listener)
