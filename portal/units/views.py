"""A unit's page: its subtree's progress, its children, its own congress report status."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from jinja2_fragments.flask import render_block
from sqlalchemy import func, select

from portal import db
from portal.access import me, visible_unit_or_404
from portal.party import views as party_views
from portal.campaigns import all_campaigns, selected_as_of, selected_campaign
from shared.models import CongressReport, Unit
from shared.progress import progress_by_child, progress_by_level
from shared.units import ancestors, is_within

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/<int:unit_id>")
def show(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    as_of, date_error = selected_as_of()
    session = db.session()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    size = 50
    children_rows = session.execute(
        select(Unit, CongressReport)
        .outerjoin(
            CongressReport,
            (CongressReport.unit_id == Unit.id) & (CongressReport.campaign_id == campaign.id),
        )
        .where(Unit.parent_id == unit.id, Unit.active.is_(True))
        .order_by(Unit.name_folded, Unit.id)
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    total_children = session.scalar(
        select(func.count(Unit.id)).where(Unit.parent_id == unit.id, Unit.active.is_(True))
    )
    own_report = session.scalar(
        select(CongressReport).where(CongressReport.unit_id == unit.id, CongressReport.campaign_id == campaign.id)
    )
    context = dict(
        unit=unit, campaign=campaign, campaigns=all_campaigns(), as_of=as_of, date_error=date_error,
        scope=unit, levels=progress_by_level(session, campaign, unit, as_of),
        children=progress_by_child(session, campaign, unit, as_of) if unit.level == "province" else [],
        children_rows=children_rows, total_children=total_children, page=page, page_size=size,
        breadcrumbs=[a for a in ancestors(session, unit) if is_within(a, me().unit)],
        own_report=own_report,
    )
    context.update(party_views.unit_panel(session, campaign, unit))
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "progress":
        return render_block("units/show.html", "progress", **context)
    return render_template("units/show.html", **context)
