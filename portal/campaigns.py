"""Reading the campaign and as-of date a page is asked for (query string), with clear errors."""
from __future__ import annotations

import datetime as dt

from flask import abort, g, request

from portal import db
from shared import clock
from shared.i18n import _
from shared.models import Campaign
from shared.reports import campaigns_newest_open_first
from shared.text import parse_date, parse_id


def _campaigns() -> list[Campaign]:
    """Every campaign, newest open first, read once per request: the page's campaign and its campaign
    selector come from the same few rows (one query instead of two on every page)."""
    if "daihoi_campaigns" not in g:
        g.daihoi_campaigns = campaigns_newest_open_first(db.session())
    return g.daihoi_campaigns


def selected_campaign() -> Campaign:
    """The campaign asked for (`?campaign=id`), else the newest open one (shared.reports.current_campaign)."""
    raw = request.args.get("campaign", "").strip()
    if raw:
        wanted = parse_id(raw)
        if wanted is None:
            abort(404)
        campaign = next((c for c in _campaigns() if c.id == wanted), None)
    else:
        campaign = next(iter(_campaigns()), None)
    if campaign is None:
        abort(404)
    return campaign


def all_campaigns() -> list[Campaign]:
    """Newest first (by start date), for the campaign selector."""
    return sorted(_campaigns(), key=lambda c: c.start_date, reverse=True)


def selected_as_of() -> tuple[dt.date, str | None]:
    """(as-of date, error message): a bad date falls back to today with a message."""
    raw = request.args.get("as_of", "")
    try:
        day = parse_date(raw)
    except ValueError as exc:
        return clock.today(), str(exc)
    if day is None:
        return clock.today(), None
    if day > clock.today():
        return clock.today(), _("Ngày xem không được sau ngày hôm nay.")
    return day, None
