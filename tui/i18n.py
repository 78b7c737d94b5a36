"""The dashboard's language in Textual's tasks and threads, and the key bindings' descriptions.

shared/i18n keeps the language in a context variable. Textual runs each widget in an asyncio task of
its own (a task copies the context it is created in) and each worker in a thread (which starts with an
empty context), so the app sets the language around its run (tasks created later inherit it), once
more on login in its own task (screens pushed later inherit it), and every worker thread sets it again
with `app.in_language()` around its whole body: `call_from_thread` runs its callback in a copy of the
calling thread's context.
"""
from __future__ import annotations

import dataclasses

from shared import i18n


class TranslatedBindings:
    """Screen mixin: key bindings are declared with `N_("…")` descriptions (Textual keeps them as
    plain str) and translated whenever the footer or the key panel asks for them."""

    @property
    def active_bindings(self):
        return {
            key: active._replace(binding=dataclasses.replace(active.binding, description=i18n.gettext(
                active.binding.description)) if active.binding.description else active.binding)
            for key, active in super().active_bindings.items()
        }
