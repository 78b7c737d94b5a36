"""Jinja filters: Vietnamese dates and numbers, labels."""
from __future__ import annotations

from flask import Flask

from shared import models, text


def init_app(app: Flask) -> None:
    env = app.jinja_env
    env.filters["vn_number"] = text.format_number
    env.filters["vn_date"] = text.format_date
    env.filters["vn_datetime"] = text.format_datetime
    env.filters["days_phrase"] = text.days_phrase
    env.filters["pct"] = lambda v, d=1: "–" if v is None else text.format_number(v, d) + " %"
    env.globals.update(
        LEVEL_LABELS=models.LEVEL_LABELS,
        SECTOR_LABELS=models.SECTOR_LABELS,
        STATUS_LABELS=models.STATUS_LABELS,
        ROLE_LABELS=models.ROLE_LABELS,
        FORM_LABELS=models.FORM_LABELS,
    )
