"""Jinja filters: Vietnamese dates and numbers, labels."""
from __future__ import annotations

from flask import Flask, request, url_for

from portal import fields
from shared import models, text
from shared.paging import page_count


_MARKER = 987654321987654  # an id no row has: marks where the varying id goes in a built URL


def url_pattern(endpoint: str, key: str, **values):
    """A function id -> URL of `endpoint`, built with url_for once, for links repeated on every row of
    a table (url_for per row is most of the cost of rendering a page of 50 rows)."""
    head, tail = url_for(endpoint, **{key: _MARKER}, **values).split(str(_MARKER), 1)
    return lambda id_: f"{head}{int(id_)}{tail}"


def query_args(**changes) -> dict:
    """The request's query string (empty values left out) with `changes` (None drops a key): links and
    pagers that keep every filter of the page."""
    args = {k: v for k, v in request.args.items() if v != ""}
    for k, v in changes.items():
        if v is None:
            args.pop(k, None)
        else:
            args[k] = v
    return args


def init_app(app: Flask) -> None:
    env = app.jinja_env
    env.filters["vn_number"] = text.format_number
    env.filters["vn_date"] = text.format_date
    env.filters["vn_datetime"] = text.format_datetime
    env.filters["days_phrase"] = text.days_phrase
    env.filters["pct"] = text.format_share
    env.filters["vote_share"] = text.format_vote_share
    env.globals.update(
        url_pattern=url_pattern,
        page_count=page_count,
        LEVEL_LABELS=models.LEVEL_LABELS,
        SECTOR_LABELS=models.SECTOR_LABELS,
        STATUS_LABELS=models.STATUS_LABELS,
        ROLE_LABELS=models.ROLE_LABELS,
        FORM_LABELS=models.FORM_LABELS,
    )
    env.globals.update(DATE_INPUT=fields.DATE_INPUT, NUMBER_INPUT=fields.NUMBER_INPUT)  # typed boxes' attributes
