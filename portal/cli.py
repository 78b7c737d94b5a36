"""The `daihoi` command: database, demo data, accounts and the production server."""
from __future__ import annotations

import datetime as dt
import sys

import click

from portal.cli_params import group, option, parse_day, password_option
from shared.i18n import N_, _


def _app(config: dict | None = None):
    from portal import create_app
    from portal.security import UnsafeConfiguration

    try:
        return create_app(config)
    except UnsafeConfiguration as exc:
        raise click.ClickException(str(exc)) from None


def _url() -> str:
    """The configured database, read without building the portal (shared/config.py); in production the
    portal is built first, so that every command refuses an unsafe configuration as `daihoi serve` does."""
    from shared import config

    settings = config.load()
    if settings.get("ENV") == "production":
        return _app().config["DATABASE_URL"]
    return settings["DATABASE_URL"]


@group(help=N_("daihoi: theo dõi đại hội công đoàn các cấp."))
def main() -> None:
    pass


@main.group(help=N_("Cơ sở dữ liệu (Alembic)."))
def db() -> None:
    pass


@db.command("upgrade", help=N_("Nâng cấp lược đồ lên phiên bản mới nhất (hoặc REVISION)."))
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    from shared.migrate import upgrade

    _migrate(upgrade, revision, N_("Nâng cấp thất bại: %(error)s. Cơ sở dữ liệu đang ở phiên bản %(current)s, "
                                   "không phiên bản nào bị áp dụng dở dang."))
    click.echo(_("Đã nâng cấp cơ sở dữ liệu."))


@db.command("downgrade", help=N_("Hạ lược đồ về REVISION (ví dụ: base)."))
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    from shared.migrate import downgrade

    _migrate(downgrade, revision, N_("Hạ cấp thất bại: %(error)s. Cơ sở dữ liệu đang ở phiên bản %(current)s, "
                                     "không phiên bản nào bị áp dụng dở dang."))
    click.echo(_("Đã hạ cơ sở dữ liệu về %(revision)s.", revision=revision))


def _migrate(step, revision: str, failed: str) -> None:  # noqa: ANN001
    """Run an upgrade or downgrade; on failure say where the database stands (each revision runs in its
    own transaction, so the ones before the failed one stay applied) instead of a traceback."""
    from shared.migrate import MIGRATION_ERRORS, current, error_text

    url = _url()
    try:
        step(url, revision)
    except MIGRATION_ERRORS as exc:
        raise click.ClickException(_(failed, error=error_text(exc), current=current(url) or _("(trống)"))) from None


@db.command("current", help=N_("In phiên bản lược đồ hiện tại."))
def db_current() -> None:
    from shared.migrate import current

    click.echo(current(_url()) or _("(trống)"))



@main.command(help=N_("Nạp tỉnh mẫu (chỉ vào cơ sở dữ liệu trống) và in các tài khoản mẫu."))
@option("--seed", default=2023, show_default=True, help=N_("Hạt giống ngẫu nhiên."))
@option("--today", callback=parse_day, help=N_("Lịch sử dừng ở ngày này (YYYY-MM-DD)."))
@option("--if-empty", is_flag=True, help=N_("Không làm gì nếu đã có dữ liệu."))
def demo(seed: int, today: dt.date | None, if_empty: bool) -> None:
    from sqlalchemy import func, select

    from portal import db as portal_db
    from shared.demo import load_demo
    from shared.models import Unit

    app = _app()
    with app.app_context():
        session = portal_db.session()
        if session.scalar(select(func.count(Unit.id))):
            if if_empty:
                click.echo(_("Cơ sở dữ liệu đã có dữ liệu; giữ nguyên."))
                _print_demo_accounts()
                return
            raise click.ClickException(_("Cơ sở dữ liệu đã có dữ liệu; chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu trống."))
        result = load_demo(session, seed=seed, today=today)
        session.commit()
    click.echo(_(
        "Đã nạp tỉnh mẫu: %(units)s đơn vị (%(grassroots)s CĐCS), %(members)s đoàn viên, %(reports)s báo cáo.",
        units=result.units, grassroots=result.grassroots, members=result.members, reports=result.reports,
    ))
    _print_demo_accounts()


DEMO_ACCOUNTS = [
    ("admin", N_("quản trị hệ thống")),
    ("dieuphoi", N_("điều phối - Ban Dân vận Tỉnh ủy, phạm vi toàn tỉnh")),
    ("liendoan", N_("LĐLĐ tỉnh")),
    ("rachgia", N_("LĐLĐ thành phố Rạch Giá")),
    ("coso", N_("công đoàn cơ sở ở Rạch Giá, chưa báo cáo đại hội")),
    ("quansat", N_("theo dõi - Thành ủy Rạch Giá")),
    ("thanhuy_rachgia", N_("cấp ủy - Thành ủy Rạch Giá (15 huyện ủy, thành ủy: thanhuy_*, huyenuy_*)")),
    ("dangdoan", N_("cấp ủy - Đảng đoàn LĐLĐ tỉnh")),
    ("ubnd_tinh", N_("cơ quan trả lời kiến nghị - Văn phòng UBND tỉnh")),
    ("ubnd_rachgia", N_("cơ quan trả lời kiến nghị - Văn phòng UBND thành phố Rạch Giá")),
]


def _print_demo_accounts() -> None:
    from shared.demo import DEMO_PASSWORD

    click.echo(_("Tài khoản mẫu (mật khẩu: %(password)s):", password=DEMO_PASSWORD))
    for username, role in DEMO_ACCOUNTS:
        click.echo(f"  {username:<10} {_(role)}")


@main.command("create-user", help=N_("Tạo tài khoản."))
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "federation", "district", "reporter", "observer", "party_committee"]))
@option("--unit", "unit_code", required=True, help=N_("Mã đơn vị của tài khoản."))
@click.option("--full-name", default="")
@password_option(help=N_("Mật khẩu (ít nhất 8 ký tự)."))
def create_user(username: str, role: str, unit_code: str, full_name: str, password: str) -> None:
    from portal import db as portal_db
    from shared.accounts import create_account
    from shared.errors import DomainError

    app = _app()
    with app.app_context():
        session = portal_db.session()
        try:
            user = create_account(session, username=username, role=role, unit_code=unit_code, full_name=full_name, password=password)
        except DomainError as exc:  # the same rules and words as the portal's account form
            details = [m for m in dict.fromkeys(exc.fields.values()) if m != exc.message]
            raise click.ClickException(" ".join([exc.message, *details])) from None
        session.commit()
        click.echo(_("Đã tạo tài khoản %(username)s (%(role)s).", username=user.username, role=role))


@main.command(help=N_("Chạy cổng thông tin cho vận hành: waitress (một tiến trình) hoặc gunicorn (--workers N, Linux)."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help=N_("Số luồng của mỗi tiến trình."))
@option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
        help=N_("Số tiến trình (gunicorn, chỉ trên Linux); 1: waitress."))
def serve(host: str, port: int, threads: int, workers: int) -> None:
    from portal import serve as serving

    app = _app({"SERVER_THREADS": threads})  # the pool holds one connection per thread (per worker)
    serving.check_workers(app, workers)
    if serving.uses_gunicorn(workers):
        serving.run_gunicorn(app, host, port, threads, workers, grace=serving.grace_of(app))
    else:
        run_server(app, host, port, threads)


def run_server(app, host: str, port: int, threads: int) -> None:
    """Serve a WSGI app with waitress in one process, as `daihoi serve` does without --workers."""
    from portal import serve as serving

    serving.run_waitress(app, host, port, threads, grace=serving.grace_of(app))


from portal.review.cli import mail, remind  # noqa: E402

main.add_command(remind)
main.add_command(mail)


from portal import cli_admin  # noqa: E402

main.add_command(cli_admin.import_units_command)
main.add_command(cli_admin.import_template_command)
main.add_command(cli_admin.backup_command)
main.add_command(cli_admin.restore_command)

from portal.onbehalf.cli import import_results_command, import_results_template_command  # noqa: E402

main.add_command(import_results_command)
main.add_command(import_results_template_command)

from portal.scale_cli import generate  # noqa: E402

main.add_command(generate)

from portal.dashboard.commands import export as _export  # noqa: E402

main.add_command(_export)

from portal.cli_tui import tui  # noqa: E402

main.add_command(tui)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
