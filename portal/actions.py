"""Running a domain action from a view: the one place that maps a refusal to what the user sees.

A view parses, checks access, calls one domain function, then commits once (STYLE.md). When the domain
refuses (shared.errors.DomainError), the request's transaction is rolled back and:
- an object out of the user's scope (NotFound) or an action their role may not take (Forbidden) is not a
  form error: it propagates to its error handler in portal/errors.py (404 / 403 page);
- any other refusal (invalid input 422, a stale version 409, a transition that no longer applies) comes
  back to the view with its field messages put on the form, so the page is shown again with what was typed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal import db
from shared.errors import DomainError, Forbidden, NotFound


def run(call: Callable[..., Any], *args: Any, form: Any = None, **kwargs: Any) -> tuple[Any, DomainError | None]:
    """`call(*args, **kwargs)`: (result, None), or (None, the refusal) after rolling back."""
    try:
        return call(*args, **kwargs), None
    except (NotFound, Forbidden):
        db.session().rollback()
        raise
    except DomainError as exc:
        db.session().rollback()
        if form is not None:
            for name, message in exc.fields.items():
                field = form[name] if _has_field(form, name) else None
                if field is not None:
                    field.errors = [*field.errors, message]
        return None, exc


def attempt(form: Any, call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str | None]:
    """As `run`, with the refusal as its message (what a page or a flash shows)."""
    result, refusal = run(call, *args, form=form, **kwargs)
    return result, (refusal.message if refusal is not None else None)


def _has_field(form: Any, name: str) -> bool:
    try:
        return name in form
    except TypeError:
        return False
