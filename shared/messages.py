"""Texts stored now and shown later in the reader's language (notifications, the mail they send).

A stored message is JSON: `{"msgid": <Vietnamese source text>, "params": {...}}`; a parameter is a plain
value (a unit's name, a reason typed by a user: never translated) or itself a message (a label such as a
document kind, a countdown such as "còn 3 ngày"), translated with it. `{"lower": true}` on a nested
message lower-cases it (a label inside a sentence). `render` translates in the language in force, or in
the one given (a mail is written in its recipient's language, whoever caused it).
"""
from __future__ import annotations

from typing import Any

from shared import i18n

Message = dict[str, Any]


def message(msgid: str, **params: Any) -> Message:
    """A message to store; `msgid` must be marked for the catalogue (`N_`) where it is written."""
    return {"msgid": msgid, "params": params} if params else {"msgid": msgid}


def label(value: Any, *, lower: bool = False) -> Message:
    """A label (a `lazy_gettext` value, or a message id) as a nested message parameter."""
    msgid = value._args[0] if i18n.is_lazy(value) else str(value)  # LazyProxy keeps gettext's arguments
    return {"msgid": msgid, "lower": True} if lower else {"msgid": msgid}


def is_message(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("msgid"), str)


def render(value: Message | str, language: str | None = None) -> str:
    """The text of a stored message in `language` (default: the language in force); a str as it is."""
    if not is_message(value):
        return str(value)
    code = i18n.normalise_language(language or i18n.get_language())
    text = i18n.translations(code).ugettext(value["msgid"])
    params = {name: render(param, code) if is_message(param) else param
              for name, param in (value.get("params") or {}).items()}
    if params:
        try:
            text = text % params
        except (KeyError, TypeError, ValueError):  # a catalogue out of step with stored params
            text = value["msgid"] % params
    return text.lower() if value.get("lower") else text


def message_or_none(value: Message | str | None) -> Message | None:
    """What a notification stores to translate later: the message, or None for a plain text."""
    return value if is_message(value) else None
