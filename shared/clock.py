"""The system's notion of 'today', pinnable for demos and tests.

In order: a day pinned for the whole process (`pin`: tests, a command's own run), the day the running
portal is configured with (its TODAY setting, answered by the provider the portal installs: it reads
the current app's settings, so two apps in one process never see each other's day), DAIHOI_TODAY in
the environment (processes without an app), else the real date.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

_pinned: dt.date | None = None
_provider: Callable[[], dt.date | None] | None = None


def pin(day: dt.date | None) -> None:
    """Pin today for this whole process (None un-pins)."""
    global _pinned
    _pinned = day


def install_provider(provider: Callable[[], dt.date | None] | None) -> None:
    """The portal's hook: a function giving the current app's configured day (None outside an app or when
    it has none). Installing the same function again changes nothing."""
    global _provider
    _provider = provider


def today() -> dt.date:
    if _pinned is not None:
        return _pinned
    if _provider is not None:
        day = _provider()
        if day is not None:
            return day
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
