"""No TUI class reuses a name of its Textual base class by accident.

`LiveScreen` once kept its own "fetch in progress" flag in `self.loading`, which is Textual's reactive
`Widget.loading`: setting it mounts a LoadingIndicator over the whole screen. Under Textual's pilot the
timing hid it; in a real terminal the dashboard stayed under the loading dots for ever. Every name a TUI
class defines (methods, class attributes, and the `self.x = ...` assignments in its code) is checked
against the names of its Textual base, as a class and as an instance; the overrides that are meant are
listed below, each with its reason.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap

import tui
from textual.app import App
from textual.dom import DOMNode

# name -> why reusing Textual's name is intended (an override of a hook, or Textual's own attribute set
# on purpose).
MEANT = {
    "BINDINGS": "Textual's key bindings of the class (merged with the bases' by Textual)",
    "CSS_PATH": "the app's stylesheet, read by Textual",
    "compose": "the hook that yields a widget's or screen's children",
    "on_mount": "the Mount event handler",
    "on_unmount": "the Unmount event handler",
    "on_screen_resume": "the ScreenResume event handler: a screen reloads when it is shown again",
    "title": "Textual's App.title, shown in the Header: set, not redefined",
    "sub_title": "Textual's App.sub_title, shown in the Header: set, not redefined",
    "display": "Textual's Widget.display (shown or hidden): set, not redefined",
    "run_async": "App.run_async wrapped to run the whole app in the chosen language; calls super()",
    "run_test": "App.run_test wrapped likewise for the pilot tests; calls super()",
    "active_bindings": "TranslatedBindings: the footer's binding descriptions translated; calls super()",
    "HORIZONTAL_BREAKPOINTS": "Textual's width breakpoints: the dashboard gets -narrow under 100 columns",
    "header_height": "Textual's DataTable.header_height: two-line headings at narrow widths, set not redefined",
    "border_title": "Textual's Widget.border_title (the level in a card's top border): set, not redefined",
    "border_subtitle": "Textual's Widget.border_subtitle (the deadline in a card's bottom border): set",
}


def tui_classes() -> list[type]:
    """Every class of the tui package that is a Textual app, screen or widget."""
    found = []
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        module = importlib.import_module(info.name)
        found += [obj for obj in vars(module).values()
                  if inspect.isclass(obj) and obj.__module__ == module.__name__ and issubclass(obj, (DOMNode, App))]
    return found


def textual_base(cls: type) -> type:
    return next(base for base in cls.__mro__ if base.__module__.split(".")[0] == "textual")


def textual_names(base: type) -> set[str]:
    """The names a Textual class has: on the class, and on an instance (attributes set in __init__)."""
    names = set(dir(base))
    try:
        names |= set(dir(base()))
    except TypeError:  # a base that needs arguments: its class names only
        pass
    # What Textual's metaclass and __init_subclass__ write into every subclass is not ours.
    return names - set(vars(type("Probe", (base,), {})))


def own_names(cls: type) -> dict[str, str]:
    """Names defined by one class of ours (not inherited), with where: its namespace and the
    `self.<name> = ...` assignments in its source."""
    names = {name: "defined in the class" for name in vars(cls)}
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        else:
            continue
        for target in targets:
            for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                    names.setdefault(t.attr, f"assigned as self.{t.attr} (line {node.lineno} of the class)")
    return {n: where for n, where in names.items() if not (n.startswith("__") and n.endswith("__"))}


def shadowing() -> list[str]:
    found = []
    for cls in tui_classes():
        base = textual_base(cls)
        taken = textual_names(base)
        # The class itself and the mixins of ours in its ancestry (e.g. TranslatedBindings).
        ours = [c for c in cls.__mro__ if c.__module__.split(".")[0] == "tui"]
        for c in ours:
            for name, where in own_names(c).items():
                if name in taken and name not in MEANT:
                    found.append(f"{c.__qualname__}.{name} ({where}) shadows {base.__qualname__}.{name}")
    return sorted(set(found))


def test_the_check_sees_the_tui_classes_and_their_attributes():
    from tui.screens.base import LiveScreen
    from tui.screens.dashboard import DashboardScreen

    classes = tui_classes()
    assert LiveScreen in classes and DashboardScreen in classes and len(classes) >= 10
    assert "fetch" in own_names(LiveScreen) and "failures" in own_names(LiveScreen)
    assert "loading" in textual_names(textual_base(LiveScreen))  # the name that hid the dashboard


def test_the_check_finds_a_flag_named_like_textuals():
    from textual.screen import Screen

    class Careless(Screen):
        def __init__(self):
            super().__init__()
            self.loading = False

    assert "loading" in own_names(Careless) and "loading" in textual_names(textual_base(Careless))


def test_no_tui_class_shadows_a_textual_name():
    assert shadowing() == []


def test_every_meant_override_is_still_an_override():
    """An allow-list entry Textual no longer has (or no class of ours uses) goes."""
    used = {name for cls in tui_classes() for c in cls.__mro__ if c.__module__.split(".")[0] == "tui"
            for name in own_names(c)}
    stale = {name for name in MEANT if name not in used}
    assert not stale
