"""Administration commands of `daihoi`: unit import (with its template), backup and restore."""
from __future__ import annotations

from pathlib import Path

import click

STAGES = {"read": "Đọc tệp", "check": "Kiểm tra", "write": "Ghi dữ liệu"}


def _app():
    from portal import create_app

    return create_app()


class _RichProgress:
    """Adapts the import's (stage, done, total) callbacks to one rich progress bar per stage."""

    def __init__(self, progress):
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(STAGES.get(stage, stage), total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


@click.command("import-units", help="Nhập cây đơn vị từ tệp Excel (.xlsx) hoặc CSV; cập nhật theo mã đơn vị.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và báo cáo, không ghi gì.")
@click.option("--valid-only", is_flag=True, help="Nhập các dòng hợp lệ, bỏ qua các dòng có lỗi.")
@click.option("--deactivate-missing", is_flag=True, help="Ngừng hoạt động các đơn vị không có trong tệp.")
@click.option("--max-errors", default=200, show_default=True, help="Số lỗi in ra tối đa.")
@click.option("--quiet", is_flag=True, help="Không hiện thanh tiến trình.")
def import_units_command(file: Path, dry_run: bool, valid_only: bool, deactivate_missing: bool, max_errors: int, quiet: bool) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from portal import db as portal_db
    from shared.errors import DomainError
    from shared.imports import import_units

    app = _app()
    console = Console(stderr=True)
    with app.app_context():
        session = portal_db.session()
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=console, disable=quiet, transient=False)
        try:
            with bar:
                report = import_units(session, file, filename=file.name, dry_run=dry_run, valid_only=valid_only,
                                      deactivate_missing=deactivate_missing, progress=_RichProgress(bar))
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        if report.applied:
            session.commit()
        else:
            session.rollback()
    for error in report.errors[:max_errors]:
        code = f" [{error.code}]" if error.code else ""
        click.echo(f"Dòng {error.row}{code}: {error.message}")
    if report.error_count > max_errors:
        click.echo(f"... và {report.error_count - max_errors} lỗi khác.")
    verb = "Sẽ" if not report.applied else "Đã"
    click.echo(
        f"{report.rows} dòng, {report.error_count} lỗi. {verb} tạo {report.created}, cập nhật {report.updated}, "
        f"giữ nguyên {report.unchanged}"
        + (f", ngừng hoạt động {report.deactivated}" if report.deactivated else "")
        + (f", bỏ qua {report.skipped} dòng lỗi" if report.applied and report.skipped else "") + " đơn vị."
    )
    if report.dry_run:
        click.echo("Chạy thử: chưa ghi gì vào cơ sở dữ liệu.")
    elif not report.applied:
        raise click.ClickException("Tệp có lỗi nên không nhập dòng nào (dùng --valid-only để chỉ nhập các dòng hợp lệ).")


@click.command("import-template", help="Ghi tệp Excel mẫu để nhập đơn vị.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("mau-nhap-don-vi.xlsx"),
              show_default=True)
def import_template_command(output: Path) -> None:
    from shared.imports import template_workbook

    output.write_bytes(template_workbook())
    click.echo(f"Đã ghi tệp mẫu {output}.")


@click.command("backup", help="Sao lưu cơ sở dữ liệu (SQLite: sao lưu trực tuyến; PostgreSQL: pg_dump).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp sao lưu.")
def backup_command(output: Path) -> None:
    from shared.backup import backup
    from shared.errors import DomainError

    try:
        path = backup(_app().config["DATABASE_URL"], output)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Đã sao lưu vào {path} ({path.stat().st_size:,} byte).".replace(",", "."))


@click.command("restore", help="Khôi phục bản sao lưu vào cơ sở dữ liệu trống.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    from shared.backup import restore
    from shared.errors import DomainError

    try:
        restore(_app().config["DATABASE_URL"], file)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Đã khôi phục từ {file}.")
