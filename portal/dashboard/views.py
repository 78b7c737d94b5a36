"""Dashboard routes: the monitoring page, its exports and the recommendations follow-up."""
from __future__ import annotations

import tempfile
from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from jinja2_fragments.flask import render_block

from portal import autosave, db
from portal.access import me, visible_unit_or_404
from portal.actions import run
from portal.campaigns import all_campaigns, selected_as_of, selected_campaign
from portal.dashboard import panels
from portal.dashboard.chart import cumulative_chart
from portal.dashboard.forms import RecommendationForm
from portal.filters import query_args
from shared import dashboard as dash
from shared import emulation, exports, level_reports
from shared.errors import Conflict
from shared.i18n import _, lazy_gettext
from shared.models import LEVEL_LABELS, SECTOR_LABELS
from shared import people
from shared.progress import CHILD_SORTS, Counts, child_sort_key, progress_by_level, progress_overview
from shared.text import clean_text, parse_id
from shared.units import ancestors, is_within

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")

# The page opens on the overview; each other section is its own request (a tab is a plain link to
# ?section=..., with the same filters and as-of date), so nothing is computed that is not shown.
SECTIONS = {
    "overview": lazy_gettext("Tổng quan"),
    "units": lazy_gettext("Đơn vị"),
    "personnel": lazy_gettext("Nhân sự"),
    "emulation": lazy_gettext("Thi đua, kinh phí"),
    "recommendations": lazy_gettext("Kiến nghị"),
}
LATE_SHOWN = 8  # the overview's "who is late": child units with the most overdue congresses
PILOTS_SHOWN = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.before_request
def _only_dashboard_roles():
    if me().role not in dash.DASHBOARD_ROLES:
        abort(403)


def _choice(name: str, allowed, default=None):
    value = request.args.get(name, "").strip()
    return value if value in allowed else default


def _filters() -> dash.Filters:
    """The filters from the URL; unknown values are ignored rather than refused."""
    try:
        q = clean_text(request.args.get("q"), 100)
    except ValueError:
        q = ""
    return dash.Filters(
        level=_choice("level", LEVEL_LABELS, "grassroots"),
        sector=_choice("sector", SECTOR_LABELS),
        pilot_only=request.args.get("pilot") == "1",
        state=_choice("state", dash.STATE_FILTERS),
        report=_choice("report", dash.REPORT_FILTERS),
        q=q,
    )


def _scope():
    raw = request.args.get("unit", "").strip()
    if not raw:
        return me().unit
    if parse_id(raw) is None:
        abort(404)
    return visible_unit_or_404(parse_id(raw))


def _page() -> int:
    return max(1, request.args.get("page", 1, type=parse_id) or 1)


def _narrow(filters: dash.Filters) -> dict:
    return dict(sector=filters.sector, pilot_only=filters.pilot_only)


def _progress(session, campaign, scope, as_of, filters):
    """(per-level counts, progress per child unit) of the scope, from one grouped scan."""
    if scope.level == "grassroots":
        return progress_by_level(session, campaign, scope, as_of, **_narrow(filters)), []
    return progress_overview(session, campaign, scope, as_of, **_narrow(filters))


def _overview(session, campaign, scope, as_of, filters, user) -> dict:
    """Where the scope stands against each deadline, who is late, the pilots."""
    levels, children = _progress(session, campaign, scope, as_of, filters)
    late = [c for c in children if c.total().overdue]
    late.sort(key=lambda c: child_sort_key("overdue", c.levels, c.unit.name_sort, c.unit.id))
    return dict(
        levels=levels, late=late[:LATE_SHOWN], late_count=len(late),
        chart=cumulative_chart(dash.held_series(session, campaign, scope, as_of, filters), levels, campaign, as_of),
        pilots=dash.pilot_rows(session, campaign, scope, as_of, filters, limit=PILOTS_SHOWN),
        # Ban Dân vận's checklist of party bodies' level reports, over the scope shown, as of the day.
        level_counts=(
            level_reports.checklist_counts(session, campaign, scope, as_of)
            if user.role in level_reports.RECEIVER_ROLES else None
        ),
        **panels.overview(session, campaign, scope, as_of, filters),
    )


def _units(session, campaign, scope, as_of, filters, user) -> dict:
    """The table per child unit (sorted by the shared order) and the unit list."""
    _levels, children = _progress(session, campaign, scope, as_of, filters)
    sort = _choice("sort", CHILD_SORTS, "name")
    # Each order reads naturally one way (names A-Z, figures highest first); dir= turns it round.
    natural = "asc" if sort == "name" else "desc"
    direction = _choice("dir", ("asc", "desc"), natural)
    children.sort(key=lambda c: child_sort_key(sort, c.levels, c.unit.name_sort, c.unit.id),
                  reverse=direction != natural)
    total = None
    if children:
        total = Counts(level="all", deadline=campaign.deadline_grassroots, as_of=as_of)
        for child in children:
            total.add(child.total())
    units, units_total = dash.unit_page(session, campaign, scope, as_of, filters, _page(), size=50)
    return dict(children=children, children_total=total, sort=sort, descending=direction == "desc",
                units=units, units_total=units_total, page=_page(), page_size=50)


def _personnel(session, campaign, scope, as_of, filters, user) -> dict:
    """The make-up of the elected committees per level (and per child unit of a province), and the child
    units below the campaign's targets."""
    child_units = dash.children(session, scope) if scope.level != "grassroots" else []
    rows = dash.personnel_by_child(session, campaign, scope, as_of, filters, child_units) if child_units else []
    return dict(personnel=dash.personnel_by_level(session, campaign, scope, as_of, filters),
                personnel_children=rows, below=[p for p in rows if p.below],
                # Issue 19: how many committees come from named lists, and the units recognised per level by the day.
                listed=people.listed_reports(session, campaign, scope, as_of),
                recognised=people.recognised_by_level(session, campaign, scope, as_of))


def _emulation(session, campaign, scope, as_of, filters, user) -> dict:
    """Works and exemplary people by shared.emulation's rule, with the funding reported, per child unit."""
    groups = emulation.totals(session, campaign, scope, as_of, by="child", **_narrow(filters))
    child_units = dash.children(session, scope) if scope.level != "grassroots" else []
    total = emulation.EmulationTotals()
    for values in groups.values():
        total.add(values)
    rows = [(u, groups[u.path]) for u in child_units if u.path in groups]
    return dict(emulation_rows=rows, emulation_own=groups.get(scope.path), emulation_total=total,
                **panels.emulation(session, campaign, scope, as_of, filters))


def _recommendations(session, campaign, scope, as_of, filters, user) -> dict:
    return dict(recs=dash.recommendation_counts(session, campaign, scope, as_of=as_of))


SECTION_VIEWS = {
    "overview": _overview, "units": _units, "personnel": _personnel, "emulation": _emulation,
    "recommendations": _recommendations,
}


@bp.get("")
def index():
    session = db.session()
    campaign = selected_campaign()
    as_of, date_error = selected_as_of()
    scope = _scope()
    filters = _filters()
    user = me()
    section = _choice("section", SECTIONS, "overview")
    context = dict(
        campaign=campaign, campaigns=all_campaigns(), as_of=as_of, date_error=date_error, scope=scope,
        filters=filters, section=section, sections=SECTIONS, args=query_args, dash=dash,
        breadcrumbs=[a for a in ancestors(session, scope) if is_within(a, user.unit)] if scope.id != user.unit_id else [],
        can_edit_recs=dash.can_update_recommendation(user),
        **SECTION_VIEWS[section](session, campaign, scope, as_of, filters, user),
    )
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "dashboard":
        return render_block("dashboard/index.html", "dashboard", **context)
    return render_template("dashboard/index.html", **context)


def _export_args():
    campaign = selected_campaign()
    as_of, _error = selected_as_of()
    # The dashboard lists grassroots unions by default; an export covers every level unless asked.
    filters = replace(_filters(), level=_choice("level", LEVEL_LABELS))
    return db.session(), campaign, _scope(), as_of, filters


def _filename(campaign, scope, as_of, ext: str) -> str:
    return f"dai-hoi-{campaign.term}-{scope.code}-{as_of.isoformat()}.{ext}"


@bp.get("/export.xlsx")
def export_xlsx():
    session, campaign, scope, as_of, filters = _export_args()
    out = tempfile.TemporaryFile()
    exports.write_xlsx(session, campaign, scope, as_of, out, filters=filters)
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=_filename(campaign, scope, as_of, "xlsx"))


@bp.get("/export.docx")
def export_docx():
    session, campaign, scope, as_of, filters = _export_args()
    out = tempfile.TemporaryFile()
    # Ban Dân vận Tỉnh ủy writes as a Party body; the federation and its units as union (State layout).
    body = "party" if me().role == "coordinator" else "union"
    exports.write_docx(session, campaign, scope, as_of, out, filters=filters, body=body)
    out.seek(0)
    return send_file(out, mimetype=DOCX, as_attachment=True, download_name=_filename(campaign, scope, as_of, "docx"))


# ---- recommendations ----------------------------------------------------------------------------


def _rec_filters() -> dash.RecFilters:
    district = request.args.get("district", "").strip()
    return dash.RecFilters(
        topic=_choice("topic", dash.TOPIC_LABELS),
        status=_choice("status", dash.REC_STATUS_LABELS),
        addressed_to=request.args.get("addressed_to", "").strip() or None,
        district_id=parse_id(district),
    )


@bp.get("/recommendations")
def recommendations():
    session = db.session()
    campaign = selected_campaign()
    user = me()
    scope = user.unit
    filters = _rec_filters()
    # A district filter outside the user's scope raises NotFound: its handler answers 404 (portal/errors.py).
    rows, total = dash.recommendation_page(session, campaign, scope, filters, _page(), size=50)
    counts = dash.recommendation_counts(session, campaign, scope, filters)
    districts = dash.children(session, scope) if scope.level == "province" else [scope]
    context = dict(
        campaign=campaign, campaigns=all_campaigns(), rows=rows, total=total, counts=counts, filters=filters,
        districts=districts, addressees=dash.addressees(session, campaign, scope), page=_page(), page_size=50,
        args=query_args, dash=dash, can_edit=dash.can_update_recommendation(user),
    )
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "recommendations":
        return render_block("dashboard/recommendations.html", "recommendations", **context)
    return render_template("dashboard/recommendations.html", **context)


@bp.route("/recommendations/<int:rec_id>", methods=["GET", "POST"])
def recommendation(rec_id: int):
    """One recommendation; those who follow them up record its status (the current values stay
    visible next to the form, so a conflict shows both versions)."""
    session = db.session()
    user = me()
    rec = dash.get_visible_recommendation(session, user, rec_id)
    if rec is None:
        abort(404)
    can_edit = dash.can_update_recommendation(user)
    if request.method == "POST" and not can_edit:
        abort(403)
    form = RecommendationForm(obj=rec if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = rec.version
    error, status, conflict = None, 200, False
    if form.validate_on_submit():
        _done, refusal = run(
            dash.update_recommendation, session, rec, user, status=form.status.data,
            resolution_note=form.resolution_note.data, expected_version=form.version.data or None, form=form,
        )
        if refusal is None:
            db.commit()
            flash(_("Đã cập nhật tình trạng giải quyết kiến nghị."), "success")
            return redirect(url_for("dashboard.recommendation", rec_id=rec.id), code=303)
        error, status = refusal.message, refusal.http_status
        if isinstance(refusal, Conflict):
            form.version.data = rec.version
            conflict = True
    elif request.method == "POST":
        status = 422
    return render_template(
        "dashboard/recommendation.html", rec=rec, form=form, error=error, dash=dash, can_edit=can_edit,
        conflict=conflict,
    ), status


@bp.post("/recommendations/<int:rec_id>/autosave")
def recommendation_autosave(rec_id: int):
    """With JavaScript (js/autosave.js): the follow-up saved as it is typed, by the same shared update and
    version check as "Lưu"; JSON (portal.autosave): `saved` with the new version, 409 when someone updated the
    recommendation since, 422 with the fields that cannot be stored (a resolved one needs its result)."""
    session = db.session()
    user = me()
    rec = dash.get_visible_recommendation(session, user, rec_id)
    if rec is None:
        abort(404)
    if not dash.can_update_recommendation(user):
        abort(403)
    form = RecommendationForm()
    # The page always posts the version it holds; a post without one compares nothing, so it counts as stale
    # (-1: no recommendation has it) rather than as a save that may overwrite anyone's.
    _done, refusal = run(
        dash.update_recommendation, session, rec, user, status=form.status.data,
        resolution_note=form.resolution_note.data, expected_version=form.version.data or -1,
    )
    if refusal is not None:
        return autosave.refused(refusal, form=form)
    db.commit()
    return autosave.saved(rec.version, rec.updated_at)
