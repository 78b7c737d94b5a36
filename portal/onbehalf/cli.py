"""`daihoi import-results` (congress results of grassroots unions from a spreadsheet, entered on their behalf
by a named district-level or federation account) and `daihoi import-results-template`."""
from __future__ import annotations

from pathlib import Path

import click

from portal.cli_params import command, option
from shared.i18n import N_, _


def _app():
    from portal import create_app

    return create_app()


def _context(session, username: str, unit_code: str, campaign_ref: str | None):
    """(account, scope unit, campaign) from the options, with a clear error for each that is wrong."""
    from sqlalchemy import select

    from portal.cli_admin import _find_campaign
    from shared.models import Unit, User
    from shared.reports import current_campaign

    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        raise click.BadParameter(_("Không có tài khoản “%(username)s” đang hoạt động.", username=username),
                                 param_hint="--user")
    scope = session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if scope is None:
        raise click.BadParameter(_("Không có đơn vị mã “%(code)s”.", code=unit_code), param_hint="--unit")
    campaign = _find_campaign(session, campaign_ref) if campaign_ref else current_campaign(session)
    if campaign is None:
        raise click.ClickException(_("Không có đợt đại hội nào."))
    return user, scope, campaign


@command("import-results", help=N_(
    "Nhập thay kế hoạch và kết quả đại hội của các công đoàn cơ sở từ tệp Excel (.xlsx) hoặc CSV (tệp mẫu: "
    "daihoi import-results-template), với tư cách một tài khoản cấp huyện hoặc LĐLĐ tỉnh."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option("--unit", "unit_code", required=True, help=N_("Mã đơn vị cấp trên có các công đoàn cơ sở trong tệp."))
@option("--user", "username", required=True, help=N_("Tài khoản thực hiện (cấp huyện hoặc LĐLĐ tỉnh): báo cáo ghi “nhập thay bởi” tài khoản này."))
@option("--dry-run", is_flag=True, help=N_("Chỉ kiểm tra và báo cáo, không ghi gì."))
@option("--valid-only", is_flag=True, help=N_("Nhập các dòng hợp lệ, bỏ qua các dòng có lỗi."))
@option("--send", is_flag=True, help=N_("Gửi luôn các báo cáo nhập được (mặc định: lưu bản nháp)."))
@option("--campaign", "campaign_ref", metavar="ID|2023-2028", help=N_("Đợt đại hội (mặc định: đợt hiện hành)."))
@option("--max-errors", default=200, show_default=True, help=N_("Số lỗi in ra tối đa."))
def import_results_command(file: Path, unit_code: str, username: str, dry_run: bool, valid_only: bool, send: bool,
                           campaign_ref: str | None, max_errors: int) -> None:
    from portal import db as portal_db
    from shared.errors import DomainError
    from shared.imports import Limits
    from shared.result_imports import import_results

    app = _app()
    with app.app_context():
        session = portal_db.session()
        user, scope, campaign = _context(session, username, unit_code, campaign_ref)
        try:
            result = import_results(session, file, filename=file.name, user=user, scope=scope, campaign=campaign,
                                    dry_run=dry_run, valid_only=valid_only, send=send,
                                    limits=Limits.from_config(app.config))
        except DomainError as exc:
            session.rollback()
            raise click.ClickException(exc.message) from None
        if result.applied:
            session.commit()
            from shared.progress import warm

            warm(session)  # the figures of the scope changed: compute the provinces' figures once, now
        else:
            session.rollback()
    for error in result.errors[:max_errors]:
        code = f" [{error.code}]" if error.code else ""
        click.echo(_("Dòng %(row)s%(code)s: %(error)s", row=error.row, code=code, error=error.message))
    if result.error_count > max_errors:
        click.echo(_("... và %(count)s lỗi khác.", count=result.error_count - max_errors))
    for note in result.not_overwritten[:max_errors]:
        click.echo(_("Dòng %(row)s [%(code)s]: báo cáo %(status)s, không ghi đè.", row=note.row, code=note.code,
                     status=note.status_label.lower()))
    counts = dict(rows=result.rows, errors=result.error_count, created=result.created, saved=result.saved,
                  sent=result.sent, unchanged=result.unchanged, kept=len(result.not_overwritten))
    if result.applied:
        click.echo(_("%(rows)s dòng, %(errors)s lỗi. Đã tạo %(created)s, ghi %(saved)s, gửi %(sent)s báo cáo; "
                     "không đổi %(unchanged)s; không ghi đè %(kept)s báo cáo đã gửi hoặc đã duyệt.", **counts))
    else:
        click.echo(_("%(rows)s dòng, %(errors)s lỗi. Sẽ tạo %(created)s, ghi %(saved)s, gửi %(sent)s báo cáo; "
                     "không đổi %(unchanged)s; không ghi đè %(kept)s báo cáo đã gửi hoặc đã duyệt.", **counts))
    if result.dry_run:
        click.echo(_("Chạy thử: chưa ghi gì vào cơ sở dữ liệu."))
    elif not result.applied:
        raise click.ClickException(_("Tệp có lỗi nên không nhập dòng nào (dùng --valid-only để chỉ nhập các dòng hợp lệ)."))


@command("import-results-template", help=N_(
    "Ghi tệp Excel mẫu để nhập kết quả đại hội: các công đoàn cơ sở của một đơn vị cấp trên, kèm số liệu đã có."))
@option("--unit", "unit_code", required=True, help=N_("Mã đơn vị cấp trên."))
@option("--user", "username", required=True, help=N_("Tài khoản sẽ nhập (cấp huyện hoặc LĐLĐ tỉnh)."))
@option("--campaign", "campaign_ref", metavar="ID|2023-2028", help=N_("Đợt đại hội (mặc định: đợt hiện hành)."))
@option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help=N_("Tệp ghi ra (mặc định: nhap-ket-qua-<mã>.xlsx)."))
def import_results_template_command(unit_code: str, username: str, campaign_ref: str | None, output: Path | None) -> None:
    from portal import db as portal_db
    from shared.errors import DomainError
    from shared.result_imports import template_filename, template_workbook

    app = _app()
    with app.app_context():
        session = portal_db.session()
        user, scope, campaign = _context(session, username, unit_code, campaign_ref)
        try:
            data = template_workbook(session, user, scope, campaign)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        session.rollback()
    output = output or Path(template_filename(scope))
    output.write_bytes(data)
    click.echo(_("Đã ghi tệp mẫu %(path)s.", path=output))
