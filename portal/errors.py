"""Error pages in the user's language; domain errors map to their HTTP status."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from portal import db
from shared.errors import DomainError
from shared.i18n import _


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_e):
        return render_template("errors/error.html", code=404, message=_("Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.")), 404

    @app.errorhandler(403)
    def forbidden(_e):
        return render_template("errors/error.html", code=403, message=_("Bạn không có quyền thực hiện thao tác này.")), 403

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return render_template(
            "errors/error.html", code=400,
            message=_("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại."),
        ), 400

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        """A refusal a view let through (shared.errors: NotFound 404, Forbidden 403, Conflict and
        InvalidTransition 409, anything else 422): nothing of the request is kept, the page says why.
        The API answers the same errors as JSON (its blueprint's handler comes first)."""
        db.session().rollback()
        return render_template("errors/error.html", code=exc.http_status, message=exc.message), exc.http_status

    @app.errorhandler(500)
    def server_error(_e):
        # A failed flush leaves the request's session unusable; the page (its header reads the user) needs it.
        db.session().rollback()
        return render_template("errors/error.html", code=500, message=_("Đã có lỗi hệ thống; dữ liệu chưa được lưu. Hãy thử lại.")), 500
