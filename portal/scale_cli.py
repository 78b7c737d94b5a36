"""`daihoi generate`: fill the configured database with a national-scale data set (for benchmarks)."""
from __future__ import annotations

import datetime as dt
import time

import click

from portal.cli_params import parse_day



@click.command(help="Sinh dữ liệu quy mô toàn quốc (63 tỉnh, ~700 đơn vị cấp huyện, còn lại là CĐCS) "
                    "vào cơ sở dữ liệu trống, để đo hiệu năng.")
@click.option("--units", default=150_000, show_default=True, type=click.IntRange(min=3), help="Tổng số đơn vị.")
@click.option("--seed", default=2023, show_default=True, help="Hạt giống ngẫu nhiên.")
@click.option("--today", callback=parse_day, help="Lịch sử dừng ở ngày này (YYYY-MM-DD).")
@click.option("--migrate/--no-migrate", default=True, show_default=True, help="Nâng cấp lược đồ trước khi sinh.")
def generate(units: int, seed: int, today: dt.date | None, migrate: bool) -> None:
    from portal import create_app

    url = create_app().config["DATABASE_URL"]
    click.echo(f"Sinh {units:,} đơn vị vào {_redacted(url)}".replace(",", "."))
    elapsed = run_generate(url, units=units, seed=seed, today=today, migrate=migrate)
    click.echo(f"Xong sau {elapsed:.1f} giây.")


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
            task = bar.add_task("đơn vị", total=units)

            def on_rows(table: str, n: int) -> None:
                if table == "units":
                    bar.advance(task, n)
                elif table == "congress_reports":
                    if bar.tasks[task].description != "báo cáo":
                        bar.update(task, description="báo cáo", completed=0)
                    bar.advance(task, n)

            try:
                result = generate_rows(engine, units=units, seed=seed, today=today, on_rows=on_rows)
            except RuntimeError as exc:
                raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    elapsed = time.perf_counter() - start
    if not quiet:
        click.echo(
            f"{result.provinces} tỉnh, {result.districts} đơn vị cấp huyện, {result.grassroots} CĐCS, "
            f"{result.members} đoàn viên; {result.reports} báo cáo, {result.status_changes} lần chuyển trạng thái, "
            f"{result.officers} chức danh, {result.recommendations} kiến nghị; {result.users} tài khoản "
            f"(mật khẩu {GENERATED_PASSWORD}, ví dụ: admin, hni.dieuphoi, hni-gd)."
        )
    return elapsed


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
