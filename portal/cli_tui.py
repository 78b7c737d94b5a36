"""`daihoi tui`: the terminal dashboard, on the configured database or against a server's API."""
from __future__ import annotations

import click

from portal.cli_params import chosen_language, command, option
from shared import clock, config, i18n
from shared.i18n import N_, _


@command("tui", help=N_("Bảng theo dõi trên màn hình dòng lệnh (cơ sở dữ liệu cục bộ hoặc máy chủ từ xa)."))
@option("--server", metavar="URL",
        help=N_("Địa chỉ máy chủ daihoi, ví dụ http://10.0.0.5:5000 (mặc định: cơ sở dữ liệu cục bộ)."))
@option("--refresh", default=15.0, show_default=True, type=click.FloatRange(min=1), help=N_("Làm mới sau mỗi N giây."))
@option("--lang", type=click.Choice(["vi", "en"]),
        help=N_("Ngôn ngữ giao diện (mặc định: DAIHOI_LANG, nếu không có thì ngôn ngữ của tài khoản, rồi tiếng Việt)."))
def tui(server: str | None, refresh: float, lang: str | None) -> None:
    from tui.app import DaihoiApp
    from tui.sources import LocalSource, RemoteSource

    language = chosen_language(lang)  # None: the account's language once logged in
    i18n.set_language(language)  # for this command's own messages (restored when the command ends)
    if server:
        if not server.startswith(("http://", "https://")):
            raise click.BadParameter(_("Địa chỉ bắt đầu bằng http:// hoặc https://"), param_hint="--server")
        source = RemoteSource(server)
    else:
        # The settings as the portal reads them, without building it (no Flask in this process).
        settings = config.load()
        try:
            day = config.today(settings)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        if day is not None:
            clock.pin(day)  # this process is the dashboard alone: its clock is the configured day
        source = LocalSource(settings["DATABASE_URL"])
    DaihoiApp(source, refresh_seconds=refresh, language=language).run()
