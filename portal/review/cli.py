"""Commands for scheduled jobs: `daihoi remind` (laggard units) and `daihoi mail drain` (the outbox)."""
from __future__ import annotations

import click

from portal.cli_params import command, group, option
from shared.i18n import N_, _


def _app():
    from portal import create_app

    return create_app()


@command(help=N_("Nhắc việc mọi đơn vị chưa gửi báo cáo, đã quá hạn hoặc sắp đến hạn chót (dùng cho tác vụ định kỳ)."))
@option("--days", default=7, show_default=True, type=click.IntRange(0, 366),
        help=N_("Nhắc đơn vị có hạn chót trong vòng DAYS ngày tới (và mọi đơn vị đã quá hạn)."))
@option("--dry-run", is_flag=True, help=N_("Chỉ liệt kê, không gửi và không ghi nhận."))
@option("--campaign", "campaign_id", type=int, help=N_("Mã số đợt đại hội (mặc định: đợt hiện hành)."))
def remind(days: int, dry_run: bool, campaign_id: int | None) -> None:
    from portal import db
    from shared.models import Campaign
    from shared.reminders import send_reminders
    from shared.reports import current_campaign

    app = _app()
    with app.app_context():
        session = db.session()
        campaign = session.get(Campaign, campaign_id) if campaign_id else current_campaign(session)
        if campaign is None:
            raise click.ClickException(_("Không có đợt đại hội nào."))
        result = send_reminders(session, campaign, days=days, dry_run=dry_run)
        lines = [f"  {unit.code:<12} {unit.name}" for unit, _text in result.sent]
        if dry_run:
            session.rollback()
        else:
            session.commit()
    for line in lines:
        click.echo(line)
    counts = {"sent": len(result.sent), "skipped": len(result.already_today)}
    if dry_run:
        click.echo(_("Sẽ nhắc %(sent)s đơn vị; %(skipped)s đơn vị đã được nhắc hôm nay nên bỏ qua.", **counts))
    else:
        click.echo(_("Đã nhắc %(sent)s đơn vị; %(skipped)s đơn vị đã được nhắc hôm nay nên bỏ qua.", **counts))


@group(help=N_("Hàng đợi thư điện tử."))
def mail() -> None:
    pass


@mail.command("drain", help=N_("Gửi các thư đang chờ qua máy chủ SMTP đã cấu hình (DAIHOI_SMTP_HOST)."))
@option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000))
def mail_drain(limit: int) -> None:
    from portal import db
    from shared.notifications import MailSettings, drain_outbox

    app = _app()
    settings = MailSettings.from_config(app.config)
    with app.app_context():
        session = db.session()
        result = drain_outbox(session, settings, limit=limit)
        session.commit()
    if not settings.enabled:
        click.echo(_("Chưa cấu hình máy chủ SMTP (DAIHOI_SMTP_HOST): %(count)s thư vẫn chờ trong hàng đợi.", count=result.pending))
        return
    click.echo(_("Đã gửi %(sent)s thư; %(failed)s thư lỗi sẽ được thử lại.", sent=result.sent, failed=result.failed))
    if result.failed:
        raise SystemExit(1)
