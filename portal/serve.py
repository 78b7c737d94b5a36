"""`daihoi serve`: waitress in one process (the default, and the Windows path), or N preforked gunicorn
workers on Linux, each with its own connection pool; graceful shutdown on SIGTERM either way."""
from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable

import click

from shared.i18n import _

GRACEFUL_SECONDS = 30  # how long a stopping server lets in-flight requests finish (DAIHOI_GRACEFUL_SECONDS)


class ServeRefused(click.ClickException):
    """The configuration cannot serve as asked (said in Vietnamese, without a traceback)."""


def check_workers(app, workers: int) -> None:
    """More than one process counts login failures per process unless Redis holds the counters: in
    production that would multiply the login limits, so it is refused."""
    if workers > 1 and app.config.get("ENV") == "production" and not app.config.get("REDIS_URL"):
        raise ServeRefused(_(
            "Không khởi động ở chế độ production với %(workers)s tiến trình khi chưa đặt DAIHOI_REDIS_URL: "
            "giới hạn đăng nhập sai phải dùng chung giữa các tiến trình và máy chủ (ví dụ "
            "DAIHOI_REDIS_URL=redis://127.0.0.1:6379/0), hoặc chạy với --workers 1.", workers=workers))


def announce(host: str, port: int) -> None:
    # Tests, benchmarks and scripts wait for this line: it is printed once the socket listens, with the
    # port really bound (so `--port 0` tells which one it got).
    click.echo(_("daihoi đang chạy tại %(url)s (Ctrl+C để dừng)", url=f"http://{host}:{port}"))
    sys.stdout.flush()


def uses_gunicorn(workers: int) -> bool:
    return workers > 1 and os.name != "nt"


def grace_of(app) -> float:
    return float(app.config.get("GRACEFUL_SECONDS") or GRACEFUL_SECONDS)


def serve(app, host: str, port: int, threads: int, workers: int = 1) -> None:
    """Serve a WSGI app as `daihoi serve` does: waitress for one worker (or on Windows), gunicorn for several
    (the benchmarks serve their floors through this too, so both run on the same configuration)."""
    check_workers(app, workers)
    if uses_gunicorn(workers):
        run_gunicorn(app, host, port, threads, workers, grace=grace_of(app))
    else:
        run_waitress(app, host, port, threads, grace=grace_of(app))


def run_waitress(app, host: str, port: int, threads: int, *, grace: float = GRACEFUL_SECONDS) -> None:
    """Serve a WSGI app with waitress in one process. SIGTERM (or Ctrl+C) closes the listening socket, then
    keeps serving the connections it has until their running requests are answered (up to `grace`
    seconds), and exits."""
    from waitress import create_server

    server = create_server(app, host=host, port=port, threads=threads, ident="daihoi")
    announce(host, server.effective_port)
    stopping: list[float] = []

    def _stop(_signum, _frame):
        stopping.append(time.monotonic())

    for name in ("SIGTERM", "SIGINT"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), _stop)
            except ValueError:  # not the main thread (an embedding program): it stops the server its own way
                break
    from waitress import wasyncore

    use_poll = server.adj.asyncore_use_poll
    sockets = server.map if hasattr(server, "map") else server._map  # several listeners, or one
    try:
        while not stopping:
            wasyncore.loop(timeout=0.5, map=sockets, use_poll=use_poll, count=1)
        _stop_listening(sockets)
        deadline = stopping[0] + grace
        while _busy(server, sockets) and time.monotonic() < deadline:
            wasyncore.loop(timeout=0.1, map=sockets, use_poll=use_poll, count=1)
    finally:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(sockets)


def _stop_listening(sockets: dict) -> None:
    from waitress import wasyncore
    from waitress.server import BaseWSGIServer

    for dispatcher in list(sockets.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            wasyncore.dispatcher.close(dispatcher)  # the listening socket only; its connections stay


def _busy(server, sockets: dict) -> bool:
    """A request is running or queued, or an answer is still being written."""
    from waitress.channel import HTTPChannel

    tasks = server.task_dispatcher
    return bool(tasks.active_count or tasks.queue or any(
        isinstance(d, HTTPChannel) and (d.requests or d.total_outbufs_len) for d in list(sockets.values())))


def run_gunicorn(app, host: str, port: int, threads: int, workers: int, *, grace: float = GRACEFUL_SECONDS,
                 on_fork: Callable[[], None] | None = None) -> None:
    """N preforked gunicorn workers with `threads` threads each. The app is built once in the master; the
    master then drops every database connection it opened (the production checks read the users table),
    and each worker throws its inherited pool away after the fork, so no socket is ever shared between
    processes. SIGTERM: workers finish their requests (up to GRACEFUL_SECONDS); SIGHUP: new workers."""
    from gunicorn.app.base import BaseApplication

    def _drop_pool(close: bool) -> None:
        engine = app.extensions.get("daihoi.engine") if hasattr(app, "extensions") else None
        if engine is not None:
            engine.dispose(close=close)  # close=False in a child: the parent's sockets are left alone

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}", "workers": workers, "threads": max(1, threads),
                "worker_class": "gthread", "preload_app": True, "graceful_timeout": max(1, round(grace)),
                "timeout": 120, "keepalive": 5, "accesslog": None, "errorlog": "-", "loglevel": "warning",
                "proc_name": "daihoi", "when_ready": _ready, "post_fork": _post_fork,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    def _ready(server) -> None:
        _drop_pool(close=True)
        bound = server.LISTENERS[0].sock.getsockname()[1] if server.LISTENERS else port
        announce(host, bound)

    def _post_fork(_server, _worker) -> None:
        _drop_pool(close=False)
        if on_fork is not None:
            on_fork()

    _Gunicorn().run()
