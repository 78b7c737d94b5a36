"""User-facing text in two languages: Vietnamese (the source text, the default) and English.

Messages are written in Vietnamese and marked for translation: `_("Đã lưu.")` translates now,
`lazy_gettext("Nháp")` (module-level labels) translates each time it is shown, and `N_("…")` only marks
a text that is translated later with `_(variable)`. The catalogues are the gettext `.po` files under
`shared/translations/<language>/LC_MESSAGES/` (one file per area, all merged); they are compiled in
memory on first use, so there is no generated `.mo` file to build or commit.

shared/ knows neither Flask nor Textual: the language in force is asked of a provider that the portal
installs (the request's language, chosen by Flask-Babel), else the context variable that the TUI and
the command line set with `set_language()`.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

DEFAULT_LANGUAGE = "vi"
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}  # each shown in its own language  # noqa: i18n
CATALOGUE_DIR = Path(__file__).with_name("translations")

_language: ContextVar[str] = ContextVar("daihoi_language", default=DEFAULT_LANGUAGE)
_provider: Callable[[], str | None] | None = None


def normalise_language(code: str | None) -> str:
    """A supported language code from what a user, a header or a setting gave ('en-US' -> 'en')."""
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def install_provider(provider: Callable[[], str | None] | None) -> None:
    """The portal's hook: a function giving the language of the current request (None outside one)."""
    global _provider
    _provider = provider


def set_language(code: str | None) -> None:
    """Language for this thread / task when no provider answers (TUI, command line)."""
    _language.set(normalise_language(code))


@contextlib.contextmanager
def language(code: str | None) -> Iterator[None]:
    """Temporarily use another language where no request is in force (tests, the TUI's run). Inside a
    request the request's language wins: to write for another reader, pick the catalogue explicitly
    (`translations(code)`, as shared/messages.py does for mail)."""
    token = _language.set(normalise_language(code))
    try:
        yield
    finally:
        _language.reset(token)


def get_language() -> str:
    if _provider is not None:
        code = _provider()
        if code:
            return code if code in LANGUAGES else normalise_language(code)
    return _language.get()


@lru_cache(maxsize=None)
def translations(code: str) -> NullTranslations:
    """The merged catalogue of a language, compiled in memory; Vietnamese is the source text itself."""
    code = normalise_language(code)
    folder = CATALOGUE_DIR / code / "LC_MESSAGES"
    if code == DEFAULT_LANGUAGE or not folder.is_dir():
        return NullTranslations()
    merged = Translations()
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalogue = read_po(handle, locale=code)
        compiled = io.BytesIO()
        write_mo(compiled, catalogue)
        compiled.seek(0)
        merged.merge(Translations(fp=compiled))
    return merged


def gettext(message: str, **params: object) -> str:
    """The message in the current language, with `%(name)s` placeholders filled from params."""
    text = translations(get_language()).ugettext(message)
    return text % params if params else text


_ = gettext


def ngettext(singular: str, plural: str, number: int, **params: object) -> str:
    text = translations(get_language()).ungettext(singular, plural, number)
    return text % {"num": number, **params}


def pgettext(context: str, message: str, **params: object) -> str:
    """A message whose English depends on where it stands: "Trả lại" the button (Return) and the column of
    returned reports (Returned). The context is for translators; Vietnamese shows the message as is."""
    text = translations(get_language()).upgettext(context, message)
    return text % params if params else text


def lazy_pgettext(context: str, message: str, **params: object) -> LazyProxy:
    return LazyProxy(pgettext, context, message, enable_cache=False, **params)


def lazy_gettext(message: str, **params: object) -> LazyProxy:
    """A label defined at import time and translated whenever it is used (str(), Jinja, f-strings)."""
    return LazyProxy(gettext, message, enable_cache=False, **params)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark a message for the catalogue without translating it (translate it later with `_(value)`)."""
    return message


def is_lazy(value: object) -> bool:
    return isinstance(value, LazyProxy)
