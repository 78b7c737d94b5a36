"""The dashboard's campaign panels (the next 14 days, pilots per level, funding by source): what each
panel's partial needs, from shared/ functions, as of the day shown. Kept out of views.py so that each
panel is one include line in its section's template and one line here."""
from __future__ import annotations

from shared import calendar as cal
from shared import funding, pilots


def overview(session, campaign, scope, as_of, filters) -> dict:
    upcoming, more = cal.upcoming(session, campaign, scope, cal.Filters(sector=filters.sector,
                                                                        pilot_only=filters.pilot_only),
                                  start=as_of, limit=20)
    return dict(upcoming=upcoming, upcoming_more=more, upcoming_start=as_of, upcoming_end=cal.upcoming_end(as_of),
                pilot_levels=pilots.by_level(session, campaign, scope, as_of))


def emulation(session, campaign, scope, as_of, filters) -> dict:
    return dict(funding=funding.by_level(session, campaign, scope, as_of, sector=filters.sector,
                                         pilot_only=filters.pilot_only))
