"""The system's notion of 'today', pinnable by DAIHOI_TODAY for demos and tests."""
from __future__ import annotations

import datetime as dt
import os

_pinned: dt.date | None = None


def pin(day: dt.date | None) -> None:
    """Pin today (None un-pins and falls back to DAIHOI_TODAY or the real date)."""
    global _pinned
    _pinned = day


def today() -> dt.date:
    if _pinned is not None:
        return _pinned
    env = os.environ.get("DAIHOI_TODAY")
    if env:
        return dt.date.fromisoformat(env)
    return dt.date.today()


def now() -> dt.datetime:
    """Naive local timestamp; on a pinned day, the real time of day on that date."""
    real = dt.datetime.now().replace(microsecond=0)
    day = today()
    if day == real.date():
        return real
    return dt.datetime.combine(day, real.time())
