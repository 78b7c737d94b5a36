"""A server in a process of its own on a free local port (`--port 0`), for the HTTP benchmarks."""
from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"đang chạy tại (http://127\.0\.0\.1:\d+)")


PASSED = ("DAIHOI_WRITE_SLOTS", "DAIHOI_WRITE_WAIT_MS")  # portal/admission.py


class ServerProcess:
    """`python -m MODULE ARGS...` whose first line with "đang chạy tại URL" says it listens
    (what `daihoi serve` and bench.write_floor print)."""

    def __init__(self, *argv: str, env: dict[str, str] | None = None):
        self.argv = argv
        self.env = env or {}
        self.url = ""
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue[str] = queue.Queue()

    def __enter__(self) -> ServerProcess:
        # The server's settings are the benchmark's, except the tuning ones a run may vary (bench/README).
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAIHOI_") or k in PASSED}
        env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **self.env)
        self.proc = subprocess.Popen([sys.executable, "-m", *self.argv], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=60)
            except queue.Empty:
                self.stop()
                raise RuntimeError("máy chủ không khởi động sau 60 giây:\n" + "".join(seen)) from None
            seen.append(line)
            found = READY.search(line)
            if found:
                self.url = found.group(1)
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("máy chủ đã dừng:\n" + "".join(seen))

    def output(self) -> str:
        out = []
        while not self.lines.empty():
            out.append(self.lines.get_nowait())
        return "".join(out)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __exit__(self, *_exc) -> None:
        self.stop()
