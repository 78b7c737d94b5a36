"""Click helpers shared by the `daihoi` commands: parameter callbacks and translated help.

Click keeps a command's and an option's help as the str given when the module is imported, before the
language is known. So help texts are written as `N_("…")` (the Vietnamese message id) and the classes
below translate them each time click shows them; the language is DAIHOI_LANG's, set around each run.
Use `command`, `group`, `option` and `password_option` from here instead of click's.
"""
from __future__ import annotations

import datetime as dt
import functools
import os

import click

from shared import i18n
from shared.i18n import _

LANGUAGE_ENV_VAR = "DAIHOI_LANG"


class _TranslatedHelp:
    """`help` holds the message id; reading it gives the text in the current language."""

    _help_id: str | None = None

    @property
    def help(self) -> str | None:
        return i18n.gettext(self._help_id) if self._help_id else self._help_id

    @help.setter
    def help(self, value: str | None) -> None:
        self._help_id = value


def chosen_language(option: str | None = None) -> str | None:
    """The language asked for by an option, else by DAIHOI_LANG; None when neither says."""
    for value in (option, os.environ.get(LANGUAGE_ENV_VAR)):
        if value and value.strip():
            return i18n.normalise_language(value)
    return None


class _InLanguage:
    """The command run from the shell (click calls `main` on that one only) runs in DAIHOI_LANG's
    language, Vietnamese when unset; the previous language is restored afterwards."""

    def main(self, *args, **kwargs):
        with i18n.language(chosen_language()):
            return super().main(*args, **kwargs)


class Command(_InLanguage, _TranslatedHelp, click.Command):
    pass


class Group(_InLanguage, _TranslatedHelp, click.Group):
    command_class = Command
    group_class = type  # subgroups of a Group are Groups


class Option(_TranslatedHelp, click.Option):
    pass


command = functools.partial(click.command, cls=Command)
group = functools.partial(click.group, cls=Group)
option = functools.partial(click.option, cls=Option)
password_option = functools.partial(click.password_option, cls=Option)


def parse_day(_ctx, _param, value: str | None) -> dt.date | None:
    """An ISO date option (YYYY-MM-DD), or None when not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("Ngày theo dạng YYYY-MM-DD.")) from None
