"""The recommendations' hot queries stay index-driven (the guard of tests/test_query_plans.py): the dashboard's
per-addressee counts and the routing list, for a district and the province, and an addressee's own list."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from shared import answers
from tests.test_query_plans import TODAY, _assert_indexed, _setup, plans  # noqa: F401 (the fixture)


@pytest.mark.parametrize("as_of", [TODAY, None], ids=["as-of", "today"])
def test_addressee_counts_and_lists_use_indexes(plans, as_of, monkeypatch):  # noqa: F811
    session, captured = plans
    monkeypatch.setattr("shared.clock.today", lambda: TODAY)
    campaign, province, district = _setup(session)
    captured.clear()
    for scope in (district, province):
        answers.addressee_counts(session, campaign, scope, as_of)
        _assert_indexed(session, captured, f"addressee_counts({scope.level})")
        router = SimpleNamespace(role="district" if scope is district else "coordinator", unit=scope, addressee_id=None)
        answers.recommendation_page(session, router, answers.ListFilters(campaign_id=campaign.id, state="overdue"))
        _assert_indexed(session, captured, f"recommendation_page({scope.level})")
    office = SimpleNamespace(role="addressee", unit=province, addressee_id=1)
    answers.recommendation_page(session, office, answers.ListFilters(campaign_id=campaign.id))
    _assert_indexed(session, captured, "recommendation_page(addressee)")
