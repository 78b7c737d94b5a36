"""The submit benchmark's floor: a bare Flask app with one "hello" route, served by the same waitress
configuration as the portal (`portal.cli.run_server`, 8 threads like `daihoi serve`).

`python -m bench.hello_server [THREADS]` prints "... đang chạy tại http://127.0.0.1:PORT" once it listens.
"""
from __future__ import annotations

import sys

from flask import Flask

from portal.cli import run_server


def hello_app() -> Flask:
    app = Flask("hello")

    @app.get("/hello")
    def hello():
        return "hello"

    return app


if __name__ == "__main__":
    run_server(hello_app(), "127.0.0.1", 0, int(sys.argv[1]) if len(sys.argv) > 1 else 8)
