"""`daihoi export`: the dashboard's XLSX workbook or DOCX report from the command line."""
from __future__ import annotations

import click

from portal.cli_params import command, option
from shared.i18n import N_, _


@command("export", help=N_("Xuất số liệu theo dõi đại hội ra tệp Excel (xlsx) hoặc báo cáo Word (docx)."))
@option("--format", "fmt", type=click.Choice(["xlsx", "docx"]), required=True, help=N_("Định dạng tệp."))
@option("--campaign", "campaign_id", type=int, help=N_("Mã số đợt đại hội (mặc định: đợt hiện hành)."))
@option("--as-of", "as_of", help=N_("Số liệu tính đến ngày (dd/mm/yyyy hoặc YYYY-MM-DD; mặc định hôm nay)."))
@option("--unit", "unit_code", help=N_("Mã đơn vị làm phạm vi (mặc định: cấp tỉnh)."))
@option("--body", type=click.Choice(["party", "union"]), default="party", show_default=True,
        help=N_("Thể thức văn bản: party = Ban Dân vận (Đảng), union = công đoàn (Nhà nước)."))
@option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help=N_("Tệp kết quả."))
def export(fmt: str, campaign_id: int | None, as_of: str | None, unit_code: str | None, body: str, output: str) -> None:
    from sqlalchemy import select

    from portal import create_app
    from portal import db as portal_db
    from shared import clock, exports
    from shared.models import Campaign, Unit
    from shared.reports import current_campaign
    from shared.text import parse_date

    try:
        day = parse_date(as_of) or clock.today()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--as-of") from None
    app = create_app()
    with app.app_context():
        session = portal_db.session()
        campaign = session.get(Campaign, campaign_id) if campaign_id else current_campaign(session)
        if campaign is None:
            raise click.ClickException(_("Không tìm thấy đợt đại hội."))
        if unit_code:
            unit = session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
        else:
            unit = session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))
        if unit is None:
            raise click.ClickException(_("Không tìm thấy đơn vị."))
        with open(output, "wb") as out:
            if fmt == "xlsx":
                exports.write_xlsx(session, campaign, unit, day, out)
            else:
                exports.write_docx(session, campaign, unit, day, out, body=body)
    click.echo(_("Đã xuất %(path)s (%(unit)s, số liệu đến ngày %(day)s).", path=output, unit=unit.name,
                 day=day.strftime("%d/%m/%Y")))
