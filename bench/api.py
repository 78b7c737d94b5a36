"""`--only api`: the JSON API through the Flask test client with a Bearer token, against the floors.

`GET /api/v1/progress` and `/progress/by-unit` (biggest province, biggest district; today and a past
date) against the same aggregate in hand-written SQL (bench/raw_sql.py); `GET /api/v1/units` first,
middle and last page and search by folded name against one keyset page in SQL (bench/raw_sql_units.py).
There is no national root unit, so no API user sees the whole country: the province is the widest scope.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

API_TARGET_MS = 50.0
RATIO_MAX = 2.0  # progress only: for lists the issue sets no ratio (their floor is shown for reading)
PAGE = 50  # the API's default page size


def run(bench) -> None:
    from bench.__main__ import compare
    from shared import tokens
    from shared.models import User

    usernames = (f"{bench.province.code.lower()}.dieuphoi", bench.district.code.lower())
    issued = []
    for username in usernames:
        user = bench.session.scalar(select(User).where(User.username == username))
        secret, row = tokens.issue(bench.session, user, days=1, name="bench")
        issued.append((user, secret, row.id))
    bench.session.commit()
    try:
        clients = [_Client(bench.app.test_client(), secret) for _, secret, _ in issued]
        # The fixed cost of an authenticated API request (token lookup, JSON), to read the ratios by.
        bench.add("api", "GET /api/v1/me (phần cố định của một request API)",
                  compare(clients[1].getter("/api/v1/me"), None, bench.repeat), API_TARGET_MS, None)
        _progress(bench, *clients)
        _units(bench, *clients)
    finally:
        for user, _, token_id in issued:
            tokens.revoke(bench.session, token_id, user)
        bench.session.commit()


class _Client:
    """A test client that sends the token and insists on 200."""

    def __init__(self, client, secret: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"}

    def getter(self, url: str) -> Callable[[], object]:
        def call():
            r = self.client.get(url, headers=self.headers)
            assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
            return r

        return call


def _progress(bench, province_user: _Client, district_user: _Client) -> None:
    from bench import raw_sql
    from bench.__main__ import PAST, compare

    for as_of, label in ((bench.today, "hôm nay"), (PAST, PAST.strftime("%d/%m/%Y"))):
        q = "" if as_of == bench.today else f"&as_of={as_of.isoformat()}"
        for client, scope in ((province_user, bench.province), (district_user, bench.district)):
            m = compare(client.getter(f"/api/v1/progress?unit={scope.id}{q}"),
                        lambda scope=scope, as_of=as_of: raw_sql.by_level(
                            bench.conn, bench.campaign, scope.path, as_of, bench.today),
                        bench.repeat)
            bench.add("api", f"GET /api/v1/progress {scope.code}, {label}", m, API_TARGET_MS, RATIO_MAX)
            m = compare(client.getter(f"/api/v1/progress/by-unit?parent={scope.id}{q}"),
                        lambda scope=scope, as_of=as_of: raw_sql.by_child(
                            bench.conn, bench.campaign, scope.path, as_of, bench.today),
                        bench.repeat)
            bench.add("api", f"GET /api/v1/progress/by-unit {scope.code}, {label}", m, API_TARGET_MS, RATIO_MAX)


def _page_cursors(bench, path: str, parent_id: int | None) -> tuple[int, list[tuple[str, tuple | None]]]:
    """How many units the listing holds, and (label, the row before the page) for its first,
    middle and last page: the API's cursor is the last row of the page before."""
    from shared.models import Unit
    from shared.units import in_subtree

    where = [in_subtree(path), Unit.active.is_(True)]
    if parent_id is not None:
        where.append(Unit.parent_id == parent_id)
    count = bench.session.scalar(select(func.count()).select_from(Unit).where(*where))
    ordered = select(Unit.name_folded, Unit.id).where(*where).order_by(Unit.name_folded, Unit.id)
    pages = max(1, -(-count // PAGE))
    middle = pages // 2 + 1

    def before(page: int) -> tuple | None:
        return tuple(bench.session.execute(ordered.offset((page - 1) * PAGE - 1).limit(1)).one()) if page > 1 else None

    return count, [("đầu", None), (f"giữa ({middle}/{pages})", before(middle)),
                   (f"cuối ({pages}/{pages})", before(pages))]


def _units(bench, province_user: _Client, district_user: _Client) -> None:
    from bench.__main__ import compare
    from bench.raw_sql_units import units_page
    from shared.models import Unit
    from shared.readmodels import encode_cursor

    listings = ((province_user, bench.province, None, f"phạm vi {bench.province.code}"),
                (district_user, bench.district, bench.district.id, f"parent={bench.district.code}"))
    for client, scope, parent_id, where in listings:
        count, pages = _page_cursors(bench, scope.path, parent_id)
        for label, after in pages:
            url = "/api/v1/units?" + (f"parent={parent_id}&" if parent_id else "")
            url += f"cursor={encode_cursor(list(after))}" if after else ""
            m = compare(client.getter(url.rstrip("?&")),
                        lambda scope=scope, parent_id=parent_id, after=after: units_page(
                            bench.conn, bench.campaign, scope.path, parent_id=parent_id, after=after),
                        bench.repeat)
            bench.add("api", f"GET /api/v1/units {where} trang {label}, {count} đơn vị", m, API_TARGET_MS, None)

    rare = " ".join(bench.session.scalar(
        select(Unit.name_folded).where(Unit.parent_id == bench.district.id).order_by(Unit.id.desc()).limit(1)
    ).split()[-2:])
    for term in ("truong tieu hoc", rare, "khong co don vi nao"):
        for client, scope in ((province_user, bench.province), (district_user, bench.district)):
            m = compare(client.getter(f"/api/v1/units?q={term.replace(' ', '+')}"),
                        lambda scope=scope, term=term: units_page(bench.conn, bench.campaign, scope.path, q=term),
                        bench.repeat)
            bench.add("api", f"GET /api/v1/units?q='{term}' trong {scope.code} (50 đầu)", m, API_TARGET_MS, None)
