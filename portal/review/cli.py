"""Commands for scheduled jobs: `daihoi remind` (laggard units) and `daihoi mail drain` (the outbox)."""
from __future__ import annotations

import click


def _app():
    from portal import create_app

    return create_app()


@click.command(help="Nhắc việc mọi đơn vị chưa gửi báo cáo, đã quá hạn hoặc sắp đến hạn chót (dùng cho tác vụ định kỳ).")
@click.option("--days", default=7, show_default=True, type=click.IntRange(0, 366), help="Nhắc đơn vị có hạn chót trong vòng DAYS ngày tới (và mọi đơn vị đã quá hạn).")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không gửi và không ghi nhận.")
@click.option("--campaign", "campaign_id", type=int, help="Mã số đợt đại hội (mặc định: đợt hiện hành).")
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
            raise click.ClickException("Không có đợt đại hội nào.")
        result = send_reminders(session, campaign, days=days, dry_run=dry_run)
        lines = [f"  {unit.code:<12} {unit.name}" for unit, _text in result.sent]
        if dry_run:
            session.rollback()
        else:
            session.commit()
    for line in lines:
        click.echo(line)
    verb = "Sẽ nhắc" if dry_run else "Đã nhắc"
    click.echo(f"{verb} {len(result.sent)} đơn vị; {len(result.already_today)} đơn vị đã được nhắc hôm nay nên bỏ qua.")


@click.group(help="Hàng đợi thư điện tử.")
def mail() -> None:
    pass


@mail.command("drain", help="Gửi các thư đang chờ qua máy chủ SMTP đã cấu hình (DAIHOI_SMTP_HOST).")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000))
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
        click.echo(f"Chưa cấu hình máy chủ SMTP (DAIHOI_SMTP_HOST): {result.pending} thư vẫn chờ trong hàng đợi.")
        return
    click.echo(f"Đã gửi {result.sent} thư; {result.failed} thư lỗi sẽ được thử lại.")
    if result.failed:
        raise SystemExit(1)
