"""URL converters of the portal."""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter


class DatabaseId(IntegerConverter):
    """`<int:...>` in URLs: above what an INTEGER column holds is a plain 404 (as for any unknown id) instead
    of a database overflow (a 500 on PostgreSQL and SQLite). Not a `max=` bound: that makes the router answer
    405 when another method's rule has the same path."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > 2**31 - 1:
            raise NotFound()
        return number
