"""The one numbered pager (portal/templates/_macros.html `pager`, shared.paging.page_count) every list uses."""
from __future__ import annotations

from flask import render_template_string

from portal.filters import query_args
from shared.paging import page_count

PAGER = '{% from "_macros.html" import pager %}{{ pager(endpoint, page, total, size, args) }}'


def test_page_count():
    assert [page_count(n, 50) for n in (0, 1, 50, 51, 100, 101)] == [1, 1, 1, 2, 2, 3]


def _pager(app, url, endpoint, page, total, size=50, args=None):
    with app.test_request_context(url):
        return render_template_string(PAGER, endpoint=endpoint, page=page, total=total, size=size,
                                      args=query_args() if args is None else args)


def test_the_pager_keeps_the_filters_and_links_both_ways(app):
    html = _pager(app, "/recommendations?q=nha+o&topic=housing&page=2&state=", "recs.index", 2, 120)
    assert "Trang 2 / 3" in html
    assert 'href="/recommendations?q=nha+o&amp;topic=housing&amp;page=1" rel="prev"' in html
    assert 'href="/recommendations?q=nha+o&amp;topic=housing&amp;page=3" rel="next"' in html
    assert "state=" not in html  # empty filters are not carried


def test_the_first_and_last_pages_and_a_list_that_fits(app):
    first = _pager(app, "/admin/users", "admin.users", 1, 51, args={"q": "an", "role": "admin"})
    assert 'rel="prev"' not in first and 'href="/admin/users?q=an&amp;role=admin&amp;page=2" rel="next"' in first
    last = _pager(app, "/admin/users", "admin.users", 2, 51, args={"q": "an", "role": "admin"})
    assert 'rel="next"' not in last and "Trang 2 / 2" in last
    assert "pager" not in _pager(app, "/admin/users", "admin.users", 1, 50, args={})
    assert "pager" not in _pager(app, "/admin/users", "admin.users", 1, 0, args={})
