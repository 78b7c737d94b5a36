"""`daihoi generate`: fill the configured database with a national-scale data set (for benchmarks)."""
from __future__ import annotations

import datetime as dt
import time

import click

from portal.cli_params import command, option, parse_day
from shared.i18n import N_, _



@command(help=N_("Sinh dữ liệu quy mô toàn quốc (63 tỉnh, ~700 đơn vị cấp huyện, còn lại là CĐCS) "
                 "vào cơ sở dữ liệu trống, để đo hiệu năng."))
@option("--units", default=150_000, show_default=True, type=click.IntRange(min=3), help=N_("Tổng số đơn vị."))
@option("--seed", default=2023, show_default=True, help=N_("Hạt giống ngẫu nhiên."))
@option("--today", callback=parse_day, help=N_("Lịch sử dừng ở ngày này (YYYY-MM-DD)."))
@option("--migrate/--no-migrate", default=True, show_default=True, help=N_("Nâng cấp lược đồ trước khi sinh."))
def generate(units: int, seed: int, today: dt.date | None, migrate: bool) -> None:
    from portal.cli import _url  # the configured database, read without building the portal

    url = _url()
    count = f"{units:,}".replace(",", ".")
    click.echo(_("Sinh %(units)s đơn vị vào %(database)s", units=count, database=_redacted(url)))
    elapsed = run_generate(url, units=units, seed=seed, today=today, migrate=migrate)
    seconds = f"{elapsed:.1f}"
    click.echo(_("Xong sau %(seconds)s giây.", seconds=seconds))


def run_generate(url: str, *, units: int, seed: int = 2023, today: dt.date | None = None, migrate: bool = True,
                 quiet: bool = False) -> float:
    """Migrate (optionally) and generate with a progress bar; returns the seconds it took."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from shared import security
    from shared.db import make_engine
    from shared.generate import GENERATED_PASSWORD, generate as generate_rows
    from shared.migrate import upgrade

    # One cheap shared hash for every generated account: the password is public anyway.
    security.use_fast_hashing()
    if migrate:
        upgrade(url)
    engine = make_engine(url)
    start = time.perf_counter()
    try:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), disable=quiet) as bar:
            task = bar.add_task(_("đơn vị"), total=units)
            reports = _("báo cáo")

            def on_rows(table: str, n: int) -> None:
                if table == "units":
                    bar.advance(task, n)
                elif table == "congress_reports":
                    if bar.tasks[task].description != reports:
                        bar.update(task, description=reports, completed=0)
                    bar.advance(task, n)

            try:
                result = generate_rows(engine, units=units, seed=seed, today=today, on_rows=on_rows)
            except RuntimeError as exc:
                raise click.ClickException(str(exc)) from None
        from shared.db import make_session_factory
        from shared.progress import warm

        with make_session_factory(engine)() as session:  # the first dashboards read stored figures
            warm(session)
    finally:
        engine.dispose()
    elapsed = time.perf_counter() - start
    if not quiet:
        click.echo(_(
            "%(provinces)s tỉnh, %(districts)s đơn vị cấp huyện, %(grassroots)s CĐCS, %(members)s đoàn viên; "
            "%(reports)s báo cáo, %(status_changes)s lần chuyển trạng thái, %(officers)s chức danh, "
            "%(recommendations)s kiến nghị; %(users)s tài khoản (mật khẩu %(password)s, ví dụ: admin, hni.dieuphoi, "
            "hni-gd).",
            provinces=result.provinces, districts=result.districts, grassroots=result.grassroots,
            members=result.members, reports=result.reports, status_changes=result.status_changes,
            officers=result.officers, recommendations=result.recommendations, users=result.users,
            password=GENERATED_PASSWORD,
        ))
    return elapsed


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
