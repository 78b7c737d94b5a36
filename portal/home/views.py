"""Home: the user's scope progress per level, as of today or a chosen date; a reporter's own unit card."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from jinja2_fragments.flask import render_block

from portal import db
from portal.access import me
from portal.party import views as party_views
from portal.campaigns import all_campaigns, selected_as_of, selected_campaign
from portal.reports.views import own_report
from shared import clock
from shared.deadlines import deadline_status
from shared.next_step import next_step
from shared.progress import progress_by_level, progress_overview

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    user = me()
    campaign = selected_campaign()
    as_of, date_error = selected_as_of()
    scope = user.unit
    context = dict(campaign=campaign, campaigns=all_campaigns(), as_of=as_of, date_error=date_error, scope=scope,
                   levels={}, children=[])
    if user.role == "reporter":
        # One unit: a card with its state, deadline and one next step instead of a table of one row.
        report = own_report(user, campaign)
        held = report is not None and report.held_date is not None and report.held_date <= clock.today()
        late = held and report.held_date > campaign.deadline_for(scope.level)
        context.update(my_report=report, my_step=next_step(report, editable=not campaign.closed),
                       my_deadline=deadline_status(campaign.deadline_for(scope.level), clock.today(), 1,
                                                   int(held), int(late)))
    elif scope.level == "province":
        # Per child subtree for a province; a district's children are grassroots unions, listed (paged)
        # with their own congress on the unit page instead of one dashboard row each.
        context["levels"], context["children"] = progress_overview(db.session(), campaign, scope, as_of)
    else:
        context["levels"] = progress_by_level(db.session(), campaign, scope, as_of)
    context.update(party_views.home_panel(db.session(), user, campaign))
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "progress":
        return render_block("home/index.html", "progress", **context)
    return render_template("home/index.html", **context)
