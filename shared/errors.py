"""Domain errors carry a Vietnamese message for the user and a stable code for the API."""
from __future__ import annotations


class DomainError(Exception):
    code = "invalid"
    http_status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    """A stale write: someone saved the record since the user loaded it."""

    code = "conflict"
    http_status = 409

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


class InvalidTransition(DomainError):
    code = "invalid_transition"
    http_status = 409
