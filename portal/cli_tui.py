"""`daihoi tui`: the terminal dashboard, on the configured database or against a server's API."""
from __future__ import annotations

import click


@click.command("tui", help="Bảng theo dõi trên màn hình dòng lệnh (cơ sở dữ liệu cục bộ hoặc máy chủ từ xa).")
@click.option("--server", metavar="URL", help="Địa chỉ máy chủ daihoi, ví dụ http://10.0.0.5:5000 (mặc định: cơ sở dữ liệu cục bộ).")
@click.option("--refresh", default=15.0, show_default=True, type=click.FloatRange(min=1), help="Làm mới sau mỗi N giây.")
def tui(server: str | None, refresh: float) -> None:
    from tui.app import DaihoiApp
    from tui.sources import LocalSource, RemoteSource

    if server:
        if not server.startswith(("http://", "https://")):
            raise click.BadParameter("Địa chỉ bắt đầu bằng http:// hoặc https://", param_hint="--server")
        source = RemoteSource(server)
    else:
        from portal.cli import _url

        source = LocalSource(_url())
    DaihoiApp(source, refresh_seconds=refresh).run()
