"""The congress calendar: planned and held congresses by day for a scope, the next days ahead, and the
iCalendar feed a coordinator's phone subscribes to (a secret per-user URL that can be revoked).

A congress sits on its held date once held, else on its planned date. A plan whose date has passed
without a result is flagged ("missed"): the unit must either report it or plan again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from shared import audit, clock
from shared.i18n import _
from shared.models import CalendarFeed, Campaign, CongressReport, Unit, User
from shared.text import format_date
from shared.units import SEGMENT, in_subtree
from shared.vocabulary import CALENDAR_KIND_LABELS, LEVEL_LABELS, SECTOR_LABELS

KIND_LABELS = CALENDAR_KIND_LABELS
VIEWS = ("day", "week", "month")
UPCOMING_DAYS = 14
MAX_EVENTS = 1000  # a page of the calendar; more asks for a filter
MAX_FEED_EVENTS = 5000  # what a phone calendar is given at most: the congresses nearest to today


@dataclass(frozen=True)
class Filters:
    level: str | None = None
    district_id: int | None = None
    sector: str | None = None
    pilot_only: bool = False


@dataclass(frozen=True)
class Event:
    report_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    level: str
    sector: str
    district_name: str | None  # the district-level unit it belongs to, when the scope is a province
    day: dt.date
    kind: str  # held / planned / missed
    is_pilot: bool
    form: str | None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def sector_label(self) -> str:
        return str(SECTOR_LABELS[self.sector])

    def as_dict(self) -> dict:
        return {
            "report_id": self.report_id, "day": self.day.isoformat(), "kind": self.kind,
            "kind_label": self.kind_label, "is_pilot": self.is_pilot, "form": self.form,
            "unit": {"id": self.unit_id, "code": self.unit_code, "name": self.unit_name, "level": self.level,
                     "level_label": self.level_label, "sector": self.sector, "sector_label": self.sector_label},
            "district_name": self.district_name,
        }


def window(view: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day shown by a day, week (Monday first) or month view around `day`."""
    if view == "day":
        return day, day
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def step(view: str, day: dt.date, direction: int) -> dt.date:
    """The day of the previous (-1) or next (+1) view."""
    if view == "day":
        return day + dt.timedelta(days=direction)
    if view == "week":
        return day + dt.timedelta(days=7 * direction)
    month = day.month - 1 + direction
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _query(campaign: Campaign, scope: Unit, filters: Filters):
    from shared.progress import pilot_clause  # a pilot: named by the campaign or declared in the plan

    held, planned = CongressReport.held_date, CongressReport.planned_date
    is_pilot = pilot_clause(campaign.id)
    stmt = (
        select(CongressReport.id, CongressReport.unit_id, Unit.code, Unit.name, Unit.level, Unit.sector, Unit.path,
               planned, held, is_pilot.label("is_pilot"), CongressReport.form)
        .join(Unit, Unit.id == CongressReport.unit_id)
        .where(CongressReport.campaign_id == campaign.id, in_subtree(scope.path), Unit.active.is_(True),
               or_(held.is_not(None), planned.is_not(None)))
    )
    if filters.level:
        stmt = stmt.where(Unit.level == filters.level)
    if filters.sector:
        stmt = stmt.where(Unit.sector == filters.sector)
    if filters.pilot_only:
        stmt = stmt.where(is_pilot)
    return stmt


def _in_range(start: dt.date, end: dt.date):
    held, planned = CongressReport.held_date, CongressReport.planned_date
    # Two index ranges (campaign, held_date) and (campaign, planned_date), not a function of both.
    return or_(held.between(start, end), and_(held.is_(None), planned.between(start, end)))


def _district_scope(session: Session, scope: Unit, filters: Filters) -> Unit | None:
    """The district-level unit a filter names, if it lies in the scope (else None: nothing matches)."""
    if filters.district_id is None:
        return scope
    district = session.get(Unit, filters.district_id)
    if district is None or district.level != "district" or not district.path.startswith(scope.path):
        return None
    return district


def _events(session: Session, stmt, scope: Unit, today: dt.date) -> list[Event]:
    """Rows to events as seen on `today` (a past day replays: a congress held after it was still a plan)."""
    rows = session.execute(stmt).all()
    districts: dict[str, str] = {}
    if scope.level == "province" and rows:
        districts = dict(session.execute(
            select(Unit.path, Unit.name).where(Unit.parent_id == scope.id, Unit.level == "district")
        ).all())
    depth = len(scope.path) + SEGMENT
    events = []
    for r in rows:
        if r.held_date is not None and r.held_date <= today:
            day, kind = r.held_date, "held"
        elif r.held_date is not None:
            day, kind = r.held_date, "planned"
        else:
            day, kind = r.planned_date, ("missed" if r.planned_date < today else "planned")
        events.append(Event(
            report_id=r.id, unit_id=r.unit_id, unit_code=r.code, unit_name=r.name, level=r.level, sector=r.sector,
            district_name=districts.get(r.path[:depth]) if r.level == "grassroots" else None,
            day=day, kind=kind, is_pilot=bool(r.is_pilot), form=r.form,
        ))
    return events


def events(
    session: Session, campaign: Campaign, scope: Unit, start: dt.date, end: dt.date, filters: Filters = Filters(),
    *, limit: int = MAX_EVENTS, today: dt.date | None = None,
) -> tuple[list[Event], bool]:
    """The congresses of `scope` between two days (inclusive), by day then unit; and whether more
    than `limit` matched (the rest is left out). The one query behind the calendar page, its API
    (/api/v1/calendar), the dashboard's next 14 days and the terminal's. `today` (default: the real
    one) is the day plans are judged on: before it without a result, a plan is "missed"."""
    within = _district_scope(session, scope, filters)
    if within is None:
        return [], False
    day = func.coalesce(CongressReport.held_date, CongressReport.planned_date)
    stmt = (_query(campaign, within, filters).where(_in_range(start, end))
            .order_by(day, Unit.name_sort, Unit.id).limit(limit + 1))
    found = _events(session, stmt, scope, today or clock.today())
    return found[:limit], len(found) > limit


def upcoming(session: Session, campaign: Campaign, scope: Unit, filters: Filters = Filters(),
             days: int = UPCOMING_DAYS, limit: int = 50, start: dt.date | None = None) -> tuple[list[Event], bool]:
    """The congresses of the `days` days from `start` (default today; the dashboard's as-of day), that
    day included, as they stood on it."""
    start = start or clock.today()
    return events(session, campaign, scope, start, upcoming_end(start, days), filters, limit=limit, today=start)


def upcoming_end(start: dt.date, days: int = UPCOMING_DAYS) -> dt.date:
    return start + dt.timedelta(days=days - 1)


def missed_count(session: Session, campaign: Campaign, scope: Unit) -> int:
    """Plans whose date has passed without a result, in the scope."""
    stmt = (select(func.count()).select_from(CongressReport).join(Unit, Unit.id == CongressReport.unit_id)
            .where(CongressReport.campaign_id == campaign.id, in_subtree(scope.path), Unit.active.is_(True),
                   CongressReport.held_date.is_(None), CongressReport.planned_date < clock.today()))
    return session.scalar(stmt) or 0


def feed_events(session: Session, campaign: Campaign, scope: Unit) -> list[Event]:
    """What the iCalendar feed carries: the campaign's congresses in the scope, at most MAX_FEED_EVENTS,
    those from a month ago onwards first, then the most recent before that."""
    today = clock.today()
    since = today - dt.timedelta(days=30)
    day = func.coalesce(CongressReport.held_date, CongressReport.planned_date)
    base = _query(campaign, scope, Filters())
    ahead = _events(session, base.where(day >= since).order_by(day, Unit.id).limit(MAX_FEED_EVENTS), scope, today)
    room = MAX_FEED_EVENTS - len(ahead)
    before = _events(session, base.where(day < since).order_by(day.desc(), Unit.id).limit(room), scope, today) if room else []
    return [*reversed(before), *ahead]


# ---- the iCalendar feed ---------------------------------------------------------------------------


def to_ical(items: list[Event], calendar_name: str) -> bytes:
    """RFC 5545 text of the events, each an all-day VEVENT with the unit's name in its summary."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    cal = Calendar()
    cal.add("prodid", "-//daihoi//lich dai hoi cong doan//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_name)
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for e in items:
        vevent = VEvent()
        vevent.add("uid", f"report-{e.report_id}@daihoi")
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", e.day)
        vevent.add("dtend", e.day + dt.timedelta(days=1))
        pilot = _(" (đại hội điểm)") if e.is_pilot else ""
        vevent.add("summary", _("Đại hội %(unit)s%(pilot)s", unit=e.unit_name, pilot=pilot))
        lines = [e.kind_label, e.level_label]
        if e.district_name:
            lines.append(e.district_name)
        lines.append(_("Ngày: %(day)s", day=format_date(e.day)))
        vevent.add("description", "\n".join(lines))
        vevent.add("status", "CONFIRMED" if e.kind == "held" else "TENTATIVE")
        cal.add_component(vevent)
    return cal.to_ical()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def active_feed(session: Session, user: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)))


def new_feed(session: Session, user: User) -> str:
    """A new secret feed address for the user (the old one stops working). Returns the secret: it is
    shown once; only its digest is stored."""
    revoke_feeds(session, user, audit_it=False)
    secret = secrets.token_urlsafe(32)
    session.add(CalendarFeed(user_id=user.id, token_hash=_digest(secret), created_at=clock.now()))
    audit.record(session, user, "calendar.feed_new", "user", user.id, unit_id=user.unit_id)
    session.flush()
    return secret


def revoke_feeds(session: Session, user: User, *, audit_it: bool = True) -> int:
    result = session.execute(
        update(CalendarFeed).where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    if audit_it and result.rowcount:
        audit.record(session, user, "calendar.feed_revoke", "user", user.id, unit_id=user.unit_id)
    session.flush()
    return result.rowcount


def feed_owner(session: Session, secret: str) -> User | None:
    """The active account a feed secret belongs to, or None (unknown, revoked, or the account is off)."""
    if not secret or len(secret) > 100:
        return None
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(secret),
                                                     CalendarFeed.revoked_at.is_(None)))
    if feed is None:
        return None
    user = session.get(User, feed.user_id)
    if user is None or not user.active:
        return None
    now = clock.now()
    if feed.last_used_at is None or now - feed.last_used_at > dt.timedelta(minutes=10):
        feed.last_used_at = now  # written at most every few minutes
    return user
