"""Campaigns (terms): create, copy from the previous one, edit deadlines and targets, close."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from portal import db
from portal.access import me, roles_required
from portal.actions import attempt
from portal.admin import bp, ip
from portal.admin.forms import CampaignForm, ConfirmForm
from shared import admin as domain
from shared.i18n import _
from shared.models import Campaign
from shared.reports import current_campaign
from shared.text import parse_id


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session().get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/campaigns")
@roles_required("admin")
def campaigns():
    rows = list(db.session().scalars(select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id.desc())))
    return render_template("admin/campaigns.html", campaigns=rows, current=current_campaign(db.session()),
                           confirm=ConfirmForm())


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required("admin")
def campaign_new():
    copied_from = None
    defaults = dict(members_threshold=150, youth_age=35, target_women_pct=30, target_young_pct=15, target_party_pct=50,
                    pilots_by_level_above=True)
    source_id = request.args.get("copy", type=parse_id)
    if source_id:
        copied_from = _campaign_or_404(source_id)
        defaults = domain.next_campaign_values(copied_from)
    form = CampaignForm(data=defaults)
    error = None
    if form.validate_on_submit():
        campaign, error = attempt(form, domain.create_campaign, db.session(), me(), form.data_for_domain(), ip=ip())
        if campaign is not None:
            db.commit()
            flash(_("Đã tạo đợt đại hội %(name)s.", name=campaign.name), "success")
            return redirect(url_for("admin.campaigns"), 303)
    status = 422 if form.errors or error else 200
    return render_template("admin/campaign_form.html", form=form, campaign=None, copied_from=copied_from,
                           error=error), status


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def campaign_edit(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    form = CampaignForm(obj=campaign)
    error = None
    if form.validate_on_submit():
        _saved, error = attempt(form, domain.update_campaign, db.session(), me(), campaign, form.data_for_domain(), ip=ip())
        if error is None:
            db.commit()
            flash(_("Đã lưu đợt đại hội."), "success")
            return redirect(url_for("admin.campaigns"), 303)
    status = 422 if form.errors or error else 200
    return render_template("admin/campaign_form.html", form=form, campaign=campaign, copied_from=None,
                           error=error), status


@bp.post("/campaigns/<int:campaign_id>/close")
@roles_required("admin")
def campaign_close(campaign_id: int):
    return _set_closed(campaign_id, True)


@bp.post("/campaigns/<int:campaign_id>/reopen")
@roles_required("admin")
def campaign_reopen(campaign_id: int):
    return _set_closed(campaign_id, False)


def _set_closed(campaign_id: int, closed: bool):
    campaign = _campaign_or_404(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _closed, error = attempt(None, domain.set_campaign_closed, db.session(), me(), campaign, closed, ip=ip())
    if error:
        flash(error, "error")
    else:
        db.commit()
        done = _("Đã đóng đợt đại hội %(name)s.") if closed else _("Đã mở lại đợt đại hội %(name)s.")
        flash(done % {"name": campaign.name}, "success")
    return redirect(url_for("admin.campaigns"), 303)
