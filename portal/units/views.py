"""A unit's page: its subtree's progress, its children, its own congress report status."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from portal import db
from portal.access import me, visible_unit_or_404
from portal.party import views as party_views
from portal.campaigns import all_campaigns, selected_as_of, selected_campaign
from shared import workflow
from shared.models import CongressReport
from shared.progress import progress_by_level, progress_overview
from shared.units import ancestors, is_within
from shared.units import children_page as unit_children_page
from shared.text import parse_id

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/<int:unit_id>")
def show(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    as_of, date_error = selected_as_of()
    session = db.session()
    children_page = unit_children_page(
        session, unit, campaign.id,
        after=request.args.get("after", type=parse_id), before=request.args.get("before", type=parse_id),
        last=request.args.get("last") == "1", size=current_app.config["PAGE_SIZE"],
    )
    if unit.level == "province":
        levels, children = progress_overview(session, campaign, unit, as_of)
    else:
        levels, children = progress_by_level(session, campaign, unit, as_of), []
    own_report = session.scalar(
        select(CongressReport).where(CongressReport.unit_id == unit.id, CongressReport.campaign_id == campaign.id)
    )
    context = dict(
        unit=unit, campaign=campaign, campaigns=all_campaigns(), as_of=as_of, date_error=date_error,
        scope=unit, levels=levels, children=children,
        children_page=children_page,
        breadcrumbs=[a for a in ancestors(session, unit) if is_within(a, me().unit)],
        own_report=own_report, enters_for=workflow.enters_for(me(), unit),
    )
    context.update(party_views.unit_panel(session, campaign, unit))
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "progress":
        return render_block("units/show.html", "progress", **context)
    return render_template("units/show.html", **context)
