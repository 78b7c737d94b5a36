"""Click parameter callbacks shared by the `daihoi` commands."""
from __future__ import annotations

import datetime as dt

import click


def parse_day(_ctx, _param, value: str | None) -> dt.date | None:
    """An ISO date option (YYYY-MM-DD), or None when not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("Ngày theo dạng YYYY-MM-DD.") from None
