"""The user's notifications: list, mark read (one or all), and the unread count of the header."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from portal import db
from portal.access import me, safe_next
from shared import notifications
from shared.i18n import ngettext
from shared.models import Notification
from shared.text import parse_id

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


@bp.app_context_processor
def _unread_count():
    """`unread_notifications()` for base.html: one indexed COUNT, only when the header asks."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return notifications.unread_count(db.session(), current_user.id)
        except SQLAlchemyError:
            # An error page must still render when the request's transaction is broken.
            return 0

    return {"unread_notifications": count}


@bp.get("")
def index():
    page = max(1, request.args.get("page", 1, type=parse_id) or 1)
    unread_only = request.args.get("unread") == "1"
    result = notifications.list_for(db.session(), me(), page=page, size=50, unread_only=unread_only)
    return render_template("notifications/index.html", result=result, unread_only=unread_only)


@bp.post("/<int:notification_id>/read")
def read(notification_id: int):
    session = db.session()
    note = session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == me().id)
    )
    if note is None:
        abort(404)
    notifications.mark_read(session, me(), note.id)
    db.commit()
    if request.form.get("open") and note.link:
        return redirect(safe_next(note.link), 303)
    return redirect(url_for(".index"), 303)


@bp.post("/read-all")
def read_all():
    changed = notifications.mark_read(db.session(), me())
    db.commit()
    if changed:
        flash(ngettext("Đã đánh dấu %(num)s thông báo là đã đọc.", "Đã đánh dấu %(num)s thông báo là đã đọc.", changed),
              "success")
    return redirect(url_for(".index"), 303)
