"""Administration commands of `daihoi`: unit import (with its template), backup and restore."""
from __future__ import annotations

from pathlib import Path

import click

from portal.cli_params import command, option
from shared.i18n import N_, _

STAGES = {"read": N_("Đọc tệp"), "check": N_("Kiểm tra"), "write": N_("Ghi dữ liệu")}


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
            self.tasks[stage] = self.progress.add_task(_(STAGES[stage]) if stage in STAGES else stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


@command("import-units", help=N_("Nhập cây đơn vị từ tệp Excel (.xlsx) hoặc CSV; cập nhật theo mã đơn vị."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option("--dry-run", is_flag=True, help=N_("Chỉ kiểm tra và báo cáo, không ghi gì."))
@option("--valid-only", is_flag=True, help=N_("Nhập các dòng hợp lệ, bỏ qua các dòng có lỗi."))
@option("--deactivate-missing", is_flag=True, help=N_("Ngừng hoạt động các đơn vị không có trong tệp."))
@option("--campaign", "campaign_ref", metavar="ID|2023-2028", help=N_(
    "Đối chiếu với một đợt đại hội (mã số hoặc nhiệm kỳ, ví dụ 2023-2028): báo số đơn vị phải tổ chức đại hội "
    "thay đổi theo cấp, không chuyển đơn vị có báo cáo đang chờ duyệt, giữ hoạt động đơn vị đã báo cáo."))
@option("--max-errors", default=200, show_default=True, help=N_("Số lỗi in ra tối đa."))
@option("--quiet", is_flag=True, help=N_("Không hiện thanh tiến trình."))
def import_units_command(file: Path, dry_run: bool, valid_only: bool, deactivate_missing: bool,
                         campaign_ref: str | None, max_errors: int, quiet: bool) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from portal import db as portal_db
    from shared.errors import DomainError
    from shared.imports import Limits, import_units

    app = _app()
    console = Console(stderr=True)
    with app.app_context():
        session = portal_db.session()
        campaign = _find_campaign(session, campaign_ref) if campaign_ref else None
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=console, disable=quiet, transient=False)
        try:
            with bar:
                report = import_units(session, file, filename=file.name, dry_run=dry_run, valid_only=valid_only,
                                      deactivate_missing=deactivate_missing, campaign=campaign,
                                      progress=_RichProgress(bar), limits=Limits.from_config(app.config))
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        if report.applied:
            session.commit()
            from shared.progress import warm

            warm(session)  # the import renewed every data version: compute the provinces' figures once, now
        else:
            session.rollback()
    for error in report.errors[:max_errors]:
        code = f" [{error.code}]" if error.code else ""
        click.echo(_("Dòng %(row)s%(code)s: %(error)s", row=error.row, code=code, error=error.message))
    if report.error_count > max_errors:
        click.echo(_("... và %(count)s lỗi khác.", count=report.error_count - max_errors))
    click.echo(_import_summary(report))
    for line in _campaign_lines(report):
        click.echo(line)
    if report.dry_run:
        click.echo(_("Chạy thử: chưa ghi gì vào cơ sở dữ liệu."))
    elif not report.applied:
        raise click.ClickException(_("Tệp có lỗi nên không nhập dòng nào (dùng --valid-only để chỉ nhập các dòng hợp lệ)."))


def _find_campaign(session, ref: str):
    """A campaign by its id or its term ('2023-2028'); a clear error otherwise."""
    from sqlalchemy import select

    from shared.models import Campaign
    from shared.text import parse_id

    ref = ref.strip()
    by_id = parse_id(ref)
    found = session.get(Campaign, by_id) if by_id is not None else None
    if found is None:
        matches = session.scalars(select(Campaign).where(Campaign.term == ref)).all()
        if len(matches) > 1:
            raise click.BadParameter(_("Có nhiều đợt đại hội nhiệm kỳ %(term)s: hãy dùng mã số của đợt.", term=ref),
                                     param_hint="--campaign")
        found = matches[0] if matches else None
    if found is None:
        raise click.BadParameter(_("Không có đợt đại hội “%(ref)s”.", ref=ref), param_hint="--campaign")
    return found


def _campaign_lines(report) -> list[str]:
    """What the import does to the campaign given with --campaign."""
    from shared.models import LEVEL_LABELS
    from shared.text import format_number

    if report.campaign is None:
        return []
    if report.expected_change:
        changes = ", ".join(f"{LEVEL_LABELS[level]} {'+' if n > 0 else '−'}{format_number(abs(n))}"
                            for level, n in sorted(report.expected_change.items()))
        lines = [_("Số đơn vị phải tổ chức đại hội trong %(campaign)s thay đổi: %(changes)s.",
                   campaign=report.campaign, changes=changes)]
    else:
        lines = [_("Số đơn vị phải tổ chức đại hội trong %(campaign)s không đổi.", campaign=report.campaign)]
    if report.kept_active:
        lines.append(_("Giữ hoạt động %(count)s đơn vị không có trong tệp vì đã gửi báo cáo trong đợt: %(codes)s.",
                       count=len(report.kept_active), codes=", ".join(report.kept_active[:20])
                       + (" …" if len(report.kept_active) > 20 else "")))
    return lines


def _import_summary(report) -> str:
    """'N dòng, N lỗi. Đã/Sẽ tạo …, cập nhật …, giữ nguyên … đơn vị.', each variant a whole sentence."""
    counts = {"rows": report.rows, "errors": report.error_count, "created": report.created,
              "updated": report.updated, "unchanged": report.unchanged}
    if report.applied:
        head = _("%(rows)s dòng, %(errors)s lỗi. Đã tạo %(created)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s",
                 **counts)
    else:
        head = _("%(rows)s dòng, %(errors)s lỗi. Sẽ tạo %(created)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s",
                 **counts)
    if report.deactivated:
        head = _("%(summary)s, ngừng hoạt động %(count)s", summary=head, count=report.deactivated)
    if report.applied and report.skipped:
        head = _("%(summary)s, bỏ qua %(count)s dòng lỗi", summary=head, count=report.skipped)
    return _("%(summary)s đơn vị.", summary=head)


@command("import-template", help=N_("Ghi tệp Excel mẫu để nhập đơn vị."))
@option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("mau-nhap-don-vi.xlsx"),
              show_default=True)
def import_template_command(output: Path) -> None:
    from shared.imports import template_workbook

    output.write_bytes(template_workbook())
    click.echo(_("Đã ghi tệp mẫu %(path)s.", path=output))


@command("backup", help=N_("Sao lưu cơ sở dữ liệu (SQLite: sao lưu trực tuyến; PostgreSQL: pg_dump)."))
@option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help=N_("Tệp sao lưu."))
def backup_command(output: Path) -> None:
    from shared.backup import backup, files_beside
    from shared.errors import DomainError

    config = _app().config
    try:
        path = backup(config["DATABASE_URL"], output, config.get("FILES_DIR"))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    size = f"{path.stat().st_size:,}".replace(",", ".")
    click.echo(_("Đã sao lưu vào %(path)s (%(size)s byte).", path=path, size=size))
    if config.get("FILES_DIR"):
        click.echo(_("Các tệp đã tải lên được chép vào %(path)s.", path=files_beside(path)))


@command("restore", help=N_("Khôi phục bản sao lưu vào cơ sở dữ liệu trống."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    from shared.backup import restore
    from shared.errors import DomainError

    config = _app().config
    try:
        copied = restore(config["DATABASE_URL"], file, config.get("FILES_DIR"))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(_("Đã khôi phục từ %(path)s.", path=file))
    if copied:
        click.echo(_("Đã khôi phục %(count)s tệp đã tải lên.", count=copied))
