"""Upload of a unit spreadsheet (check first, then import), and the XLSX template."""
from __future__ import annotations

from flask import Response, current_app, render_template

from portal import db
from portal.access import me
from portal.actions import attempt
from portal.admin import bp, ip
from portal.admin.forms import ImportForm
from shared.i18n import _
from shared.imports import Limits, import_units, template_workbook
from shared.reports import campaigns_newest_open_first

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500


@bp.get("/units/import/template.xlsx")
def import_template():
    return Response(template_workbook(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-nhap-don-vi.xlsx"'})


@bp.route("/units/import", methods=["GET", "POST"])
def import_page():
    form = ImportForm()
    campaigns = {str(c.id): c for c in campaigns_newest_open_first(db.session())}
    form.campaign.choices = [("", _("Không đối chiếu"))] + [(key, c.name) for key, c in campaigns.items()]
    if not form.is_submitted():
        form.campaign.data = next(iter(campaigns), "")  # the newest open campaign
    report, error = None, None
    if form.validate_on_submit():
        upload = form.file.data
        actor = me()
        report, error = attempt(
            form, import_units, db.session(), upload.stream, filename=upload.filename or "tep.xlsx",
            actor=actor, scope=actor.unit, dry_run=form.mode.data == "dry_run",
            valid_only=form.mode.data == "valid_only", deactivate_missing=form.deactivate_missing.data,
            campaign=campaigns.get(form.campaign.data), ip=ip(), limits=Limits.from_config(current_app.config),
        )
        if report is not None and report.applied:
            db.commit()
        else:
            db.session().rollback()
    # The report is the answer to this upload, shown once: a reload re-sends the same (idempotent) file.
    status = 422 if form.errors or error or (report and report.error_count and not report.applied) else 200
    return render_template("admin/import.html", form=form, report=report, error=error,
                           errors_shown=ERRORS_SHOWN), status
