"""Reading the campaign and as-of date a page is asked for (query string), with clear errors."""
from __future__ import annotations

import datetime as dt

from flask import abort, request
from sqlalchemy import select

from portal import db
from shared import clock
from shared.i18n import _
from shared.models import Campaign
from shared.reports import current_campaign
from shared.text import parse_date, parse_id


def selected_campaign() -> Campaign:
    raw = request.args.get("campaign", "").strip()
    session = db.session()
    if raw:
        if parse_id(raw) is None:
            abort(404)
        campaign = session.get(Campaign, parse_id(raw))
    else:
        campaign = current_campaign(session)
    if campaign is None:
        abort(404)
    return campaign


def all_campaigns() -> list[Campaign]:
    return list(db.session().scalars(select(Campaign).order_by(Campaign.start_date.desc())))


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
