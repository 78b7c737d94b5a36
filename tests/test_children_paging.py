"""The unit page lists its children a page at a time (keyset on folded name), first to last and back."""
import re

import pytest

from shared.units import children_page, create_unit

PAGE = 50


@pytest.fixture
def big_district(factory, db):
    t = factory.tree()
    t.campaign = factory.campaign()
    # 120 children, with look-alike names so that ties on the folded name are broken by id.
    for i in range(120):
        name = "Công đoàn cơ sở Trường Tiểu học Đông Hồ" if i % 10 == 0 else f"Công đoàn cơ sở Số {i:03d}"
        create_unit(db, code=f"DH-{i:03d}", name=name, level="grassroots", parent=t.d2)
    db.commit()
    return t


def _ids(page):
    return [unit.id for unit, _report in page.rows]


def test_pages_forward_and_back_cover_every_child_once_in_order(db, big_district):
    d2, campaign_id = big_district.d2, big_district.campaign.id
    first = children_page(db, d2, campaign_id, size=PAGE)
    assert (first.number, first.pages, first.has_prev, first.has_next) == (1, 3, False, True)
    second = children_page(db, d2, campaign_id, after=first.last_id, size=PAGE)
    third = children_page(db, d2, campaign_id, after=second.last_id, size=PAGE)
    assert (third.number, third.has_next, len(third.rows)) == (3, False, 121 - 2 * PAGE)
    walked = _ids(first) + _ids(second) + _ids(third)
    keys = [(u.name_folded, u.id) for p in (first, second, third) for u, _ in p.rows]
    assert len(walked) == len(set(walked)) == 121 and keys == sorted(keys)
    back = children_page(db, d2, campaign_id, before=third.first_id, size=PAGE)
    assert _ids(back) == _ids(second) and back.has_prev and back.has_next and back.number == 2
    last = children_page(db, d2, campaign_id, last=True, size=PAGE)
    assert _ids(last) == _ids(third) and last.has_prev and not last.has_next


def test_a_cursor_from_another_unit_is_ignored(db, big_district):
    t = big_district
    campaign_id = t.campaign.id
    page = children_page(db, t.d2, campaign_id, after=t.g11.id, size=PAGE)
    assert _ids(page) == _ids(children_page(db, t.d2, campaign_id, size=PAGE))


def test_district_user_follows_the_pager_links(client, factory, login_as, big_district):
    t = big_district
    login_as(factory.user("district", t.d2))
    html = client.get(f"/units/{t.d2.id}").get_data(as_text=True)
    assert "Đơn vị trực thuộc (121)" in html and "Trang 1 / 3" in html and "Trang trước" not in html
    seen = set(re.findall(r'<td>(DH-\d{3}|G\d+)</td>', html))
    url = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    html = client.get(url).get_data(as_text=True)
    assert "Trang 2 / 3" in html and "Trang trước" in html
    seen |= set(re.findall(r'<td>(DH-\d{3}|G\d+)</td>', html))
    last = client.get(f"/units/{t.d2.id}?last=1").get_data(as_text=True)
    assert "Trang 3 / 3" in last and "Trang sau" not in last
    seen |= set(re.findall(r'<td>(DH-\d{3}|G\d+)</td>', last))
    assert len(seen) == 121


def test_pager_ids_outside_the_users_scope_do_not_open_anything(client, factory, login_as, big_district):
    t = big_district
    login_as(factory.user("district", t.d1))
    assert client.get(f"/units/{t.d2.id}?after={t.g11.id}").status_code == 404
    html = client.get(f"/units/{t.d1.id}?after={t.g21.id}").get_data(as_text=True)
    assert t.g21.name not in html and t.g11.name in html


def test_the_unit_page_reads_what_it_shows_once(app, client, db, factory, login_as, big_district):
    """A district's page seen by its province: the campaigns once (the page's campaign and the
    selector), the province not again for the breadcrumb (loaded with the user), the emulation
    totals in one statement; and no more statements for 121 children than for 3."""
    from sqlalchemy import event

    t = big_district
    login_as(factory.user("coordinator", t.province))
    statements: list[str] = []
    engine = app.extensions["daihoi.engine"]
    listener = lambda *args: statements.append(" ".join(args[2].split()))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        counts = []
        for unit in (t.d2, t.d1):  # 121 children, then a few
            statements.clear()
            html = client.get(f"/units/{unit.id}").get_data(as_text=True)
            assert unit.name in html and t.province.name in html
            counts.append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert counts[0] == counts[1]
    assert sum(" FROM campaigns" in st for st in statements) == 1
    assert not [st for st in statements if st.startswith("SELECT units.") and "units.id IN" in st]
    emulation = [st for st in statements if "congress_works" in st or "exemplary_entries" in st]
    assert len(emulation) == 1 and "congress_works" in emulation[0] and "exemplary_entries" in emulation[0]
