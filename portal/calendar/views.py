"""The congress calendar: planned and held congresses by day, week or month for the user's scope, and
the secret iCalendar address a phone calendar subscribes to."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for

from portal import db
from portal.access import me
from portal.campaigns import all_campaigns, selected_campaign
from portal.i18n import refresh_language
from shared import calendar as cal
from shared import clock
from shared import dashboard as dash
from shared.i18n import _
from shared.models import LEVEL_LABELS, SECTOR_LABELS
from shared.reports import current_campaign
from shared.text import parse_date, parse_id

bp = Blueprint("calendar", __name__, url_prefix="/calendar", template_folder="templates")
FEED_SESSION_KEY = "daihoi_calendar_feed"  # the new address, shown once on the next page


def _filters() -> cal.Filters:
    level = request.args.get("level", "")
    sector = request.args.get("sector", "")
    return cal.Filters(
        level=level if level in LEVEL_LABELS else None,
        district_id=parse_id(request.args.get("district", "")),
        sector=sector if sector in SECTOR_LABELS else None,
        pilot_only=request.args.get("pilot") == "1",
    )


@bp.get("")
def index():
    campaign = selected_campaign()
    scope = me().unit
    view = request.args.get("view", "month")
    view = view if view in cal.VIEWS else "month"
    error = None
    try:
        day = parse_date(request.args.get("date")) or clock.today()
    except ValueError as exc:
        day, error = clock.today(), str(exc)
    start, end = cal.window(view, day)
    filters = _filters()
    items, truncated = cal.events(db.session(), campaign, scope, start, end, filters)
    by_day: dict[dt.date, list[cal.Event]] = {}
    for e in items:
        by_day.setdefault(e.day, []).append(e)
    districts = dash.children(db.session(), scope) if scope.level == "province" else []
    args = {k: v for k, v in request.args.items() if k not in ("date", "view") and v}
    return render_template(
        "calendar/index.html", campaign=campaign, campaigns=all_campaigns(), view=view, day=day, start=start,
        end=end, by_day=by_day, count=len(items), truncated=truncated, filters=filters, districts=districts,
        error=error, args=args, prev_day=cal.step(view, day, -1), next_day=cal.step(view, day, +1),
        today=clock.today(), feed=cal.active_feed(db.session(), me()),
        feed_url=session.pop(FEED_SESSION_KEY, None), LEVEL_LABELS=LEVEL_LABELS, SECTOR_LABELS=SECTOR_LABELS,
        KIND_LABELS=cal.KIND_LABELS,
    )


@bp.post("/feed")
def new_feed():
    secret = cal.new_feed(db.session(), me())
    db.commit()
    session[FEED_SESSION_KEY] = url_for("calendar.feed", secret=secret, _external=True)
    flash(_("Đã tạo địa chỉ lịch mới; địa chỉ cũ (nếu có) không còn dùng được."), "success")
    return redirect(url_for("calendar.index") + "#feed", code=303)


@bp.post("/feed/revoke")
def revoke_feed():
    if cal.revoke_feeds(db.session(), me()):
        db.commit()
        flash(_("Đã thu hồi địa chỉ lịch: lịch trên điện thoại sẽ không cập nhật nữa."), "success")
    return redirect(url_for("calendar.index") + "#feed", code=303)


@bp.get("/feed/<secret>.ics")
def feed(secret: str):
    """No login: the secret in the address is the key (a phone calendar cannot log in)."""
    session_ = db.session()
    owner = cal.feed_owner(session_, secret)
    if owner is None:
        abort(404)
    g.api_user = owner  # identified by the secret as the API's callers are by a token: the owner's language
    refresh_language()
    campaign = current_campaign(session_)
    if campaign is None:
        abort(404)
    body = cal.to_ical(cal.feed_events(session_, campaign, owner.unit),
                       _("Đại hội công đoàn · %(unit)s", unit=owner.unit.name))
    if session_.dirty:  # last_used_at
        db.commit()
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response
