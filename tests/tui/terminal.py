"""A real terminal for the real `daihoi tui`: a detached tmux session of a given size runs the command
with a given environment; tests type into it with `send` and read the screen with `screen`
(`tmux capture-pane -p`), waiting with `wait_for` (polling against a deadline, never a blind sleep).

Each Terminal has its own tmux server (`tmux -L <socket>`), so tests never touch a user's sessions or
each other's, and `close` ends exactly that server.
"""
from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

POLL = 0.05  # seconds between two looks at the screen while waiting


class Terminal:
    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int] = (120, 35),
                 cwd: Path | None = None):
        if shutil.which("tmux") is None:
            pytest.fail("tmux is needed for the real-terminal tests: apt-get install -y tmux")
        self.socket = f"daihoi-test-{uuid.uuid4().hex[:10]}"
        self.session = "tui"
        self.command = command
        self.size = size
        cols, rows = size
        # The pane runs the command with exactly `env` (env -i): nothing of the tmux server's own
        # environment, nor of the test process, leaks into it. The pane stays after the command ends
        # (remain-on-exit), so a test can read the exit status and the last screen.
        shell = " ".join(["env", "-i", 'TERM="$TERM"', *(shlex.quote(f"{k}={v}") for k, v in env.items() if k != "TERM"),
                          *map(shlex.quote, command)])
        self._tmux("new-session", "-d", "-s", self.session, "-x", str(cols), "-y", str(rows),
                   *(["-c", str(cwd)] if cwd else []), f"exec {shell}", env={"TERM": "xterm-256color"})
        self._tmux("set-option", "-t", self.session, "remain-on-exit", "on")
        self.socket_path = Path(self._tmux("display-message", "-p", "#{socket_path}").strip())

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        base = {"PATH": "/usr/local/bin:/usr/bin:/bin", **(env or {})}
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30,
                              env=base)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:2])}: {done.stderr.strip()}")
        return done.stdout

    # -- reading -------------------------------------------------------------------------
    def screen(self) -> str:
        """What the terminal shows now, one line per row (trailing blanks stripped)."""
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def cursor_line(self) -> str:
        """The screen's line under the terminal's cursor: Textual keeps the cursor (shown or not) on the
        focused input's caret, so this tells which field the keys typed next will reach."""
        y = int(self._tmux("display-message", "-p", "-t", self.session, "#{cursor_y}").strip())
        lines = self.screen().splitlines()
        return lines[y] if y < len(lines) else ""

    def exited(self) -> int | None:
        """The command's exit status once it ended, else None."""
        dead, _, status = self._tmux("display-message", "-p", "-t", self.session,
                                     "#{pane_dead} #{pane_dead_status}").strip().partition(" ")
        return int(status or 0) if dead == "1" else None

    def wait_for(self, condition: str | Callable[[str], bool], timeout: float = 15.0, what: str = "") -> str:
        """Poll the screen until `condition` (a text on it, or a predicate of it) holds; the screen then.
        Fails with the last screen after `timeout` seconds, or at once if the command has ended."""
        check = (lambda s: condition in s) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if check(shown):
                return shown
            status = self.exited()
            if status is not None:
                pytest.fail(f"`{' '.join(self.command)}` exited with {status} while waiting for "
                            f"{what or condition!r}; last screen:\n{shown}")
            if time.monotonic() > deadline:
                pytest.fail(f"not on the screen within {timeout:.0f} s: {what or condition!r}; "
                            f"the {self.size[0]}x{self.size[1]} screen shows:\n{shown}")
            time.sleep(POLL)

    def wait_exit(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while (status := self.exited()) is None:
            if time.monotonic() > deadline:
                pytest.fail(f"still running {timeout:.0f} s after quitting; the screen shows:\n{self.screen()}")
            time.sleep(POLL)
        return status

    # -- typing --------------------------------------------------------------------------
    def send(self, *keys: str) -> None:
        """tmux key names (Enter, Escape, F5, Down, Tab, ...) or, with `type`, literal text."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.session, "-l", text)

    def close(self) -> None:
        """Ends this terminal's own tmux server (and the command in it) and removes its socket."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)
        self.socket_path.unlink(missing_ok=True)
