"""Routes of /api/v1. Bearer tokens only (no cookies, hence no CSRF); errors are JSON
{"error": {"code", "message", "fields"}}; ids outside the caller's subtree answer 404."""
from __future__ import annotations

import datetime as dt
from functools import cache

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from portal import db
from portal.api.openapi import spec
from portal.extensions import csrf
from portal.i18n import refresh_language
from portal.security import InvalidInput, record_failed_credentials
from shared import answers, parsing, readmodels, tokens, workflow
from shared.readmodels import InvalidQuery
from shared.errors import Conflict, DomainError, NotFound
from shared.i18n import _, lazy_gettext
from shared.models import Recommendation, Unit, User
from shared.reports import EDITABLE_FIELDS, ROW_FIELDS, get_report, save_draft
from shared.validation import FOLLOW_UP_KEYS, ROW_KEYS

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

PUBLIC = {"api.create_token", "api.openapi"}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              422: "invalid", 429: "too_many_requests"}
HTTP_MESSAGES = {
    400: lazy_gettext("Yêu cầu không hợp lệ."),
    401: lazy_gettext("Cần mã truy cập hợp lệ (Authorization: Bearer ...)."),
    403: lazy_gettext("Bạn không có quyền thực hiện thao tác này."),
    404: lazy_gettext("Không tìm thấy dữ liệu bạn yêu cầu."),
    405: lazy_gettext("Phương thức không được hỗ trợ."),
    413: lazy_gettext("Dữ liệu gửi lên quá lớn."),
    429: lazy_gettext("Quá nhiều lần đăng nhập sai; hãy thử lại sau ít phút."),
}


def error(status: int, message: str, code: str | None = None, fields: dict | None = None, **extra):
    body = {"error": {"code": code or HTTP_CODES.get(status, "error"), "message": message, "fields": fields or {}, **extra}}
    resp = jsonify(body)
    resp.status_code = status
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="daihoi"'
    return resp


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    extra = {}
    if isinstance(exc, Conflict) and exc.current is not None:
        extra["current_version"] = exc.current.version
        if isinstance(exc.current, Recommendation):
            extra["current"] = answers.recommendation_dict(exc.current, exc.current.report.unit)
        else:
            extra["current"] = readmodels.report_dict(exc.current)
    return error(exc.http_status, exc.message, exc.code, exc.fields, **extra)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    status = exc.code or 500
    if isinstance(exc, InvalidInput):  # the app's input guard says what was wrong (a NUL, a malformed form)
        return error(status, exc.description)
    return error(status, HTTP_MESSAGES.get(status) or _("Đã có lỗi."))


# By status code too: the app's own handlers for particular exception classes (an HTML 400 for NUL
# bytes, an HTML 429 from the rate limiter) are found by code before a blueprint's class handler.
for _code in HTTP_CODES:
    bp.register_error_handler(_code, _http_error)


@bp.errorhandler(500)
def _server_error(_exc):
    return error(500, _("Đã có lỗi hệ thống; dữ liệu chưa được lưu. Hãy thử lại."), "server_error")


@bp.before_app_request
def _unrouted_api_path():
    """A path under /api/ that matched no route (or not with this method) still answers JSON:
    routing errors are raised after before_request hooks, so they are caught here first."""
    exc = request.routing_exception
    if exc is None or not request.path.startswith(bp.url_prefix + "/"):
        return None
    resp = _http_error(exc)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
    return resp


# What an addressee account's token reaches (shared.answers scopes the recommendations themselves).
ADDRESSEE_ENDPOINTS = {"api.whoami", "api.campaigns", "api.list_tokens", "api.revoke_token", "api.create_token",
                       "api.recommendations", "api.recommendation", "api.answer_recommendation"}


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC:
        return None
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    found = tokens.authenticate(db.session(), secret.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        return error(401, HTTP_MESSAGES[401])
    g.api_user, g.api_token = found
    if g.api_user.role == "addressee" and request.endpoint not in ADDRESSEE_ENDPOINTS:
        return error(403, HTTP_MESSAGES[403])  # an addressee's office reads and answers its recommendations only
    refresh_language()  # errors from here on speak the token's user's language
    if db.session().dirty:  # last_used_at, written at most every few minutes
        db.commit()
    if any(isinstance(v, int) and not 0 < v < 2**31 for v in (request.view_args or {}).values()):
        return error(404, HTTP_MESSAGES[404])  # no row has such an id; the database would overflow
    unknown = set(request.args) - _query_names(request.url_rule.rule, request.method)
    if unknown:  # a typo such as ?asof= would otherwise be silently ignored
        raise InvalidQuery(_("Tham số không được hỗ trợ: %(names)s.", names=", ".join(sorted(unknown))),
                           fields={name: _("Không được hỗ trợ.") for name in unknown})
    return None


@cache
def _query_names(rule: str, method: str) -> frozenset[str]:
    """The query parameters the OpenAPI document declares for this route."""
    path = rule.removeprefix(bp.url_prefix).replace("<int:", "{").replace(">", "}")
    operation = spec()["paths"].get(path, {}).get(method.lower(), {})
    return frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")


def user() -> User:
    return g.api_user


# ---- parsing -----------------------------------------------------------------------------


def _int_arg(name: str) -> int | None:
    raw = _str_arg(name)
    if raw is None:
        return None
    try:
        value = parsing.parse_int(raw, minimum=-parsing.INT32_MAX - 1, maximum=parsing.INT32_MAX)
    except ValueError:
        value = None
        if raw.lstrip("+-").isascii() and raw.lstrip("+-").isdigit():  # a whole number, beyond an INTEGER
            raise InvalidQuery(_("Tham số “%(name)s” quá lớn.", name=name), fields={name: _("Quá lớn.")}) from None
    if value is None:  # not a whole number, or present but empty
        raise InvalidQuery(_("Tham số “%(name)s” phải là số nguyên.", name=name), fields={name: _("Phải là số nguyên.")})
    return value


def _bool_arg(name: str) -> bool:
    raw = _str_arg(name)
    if raw is None:
        return False
    if raw.lower() in ("1", "true"):
        return True
    if raw.lower() in ("0", "false"):
        return False
    raise InvalidQuery(_("Tham số “%(name)s” phải là true hoặc false.", name=name),
                       fields={name: _("Phải là true hoặc false.")})


def _date_arg(name: str) -> dt.date | None:
    return _parsed(name, parsing.parse_iso_date)


def _datetime_arg(name: str) -> dt.datetime | None:
    return _parsed(name, parsing.parse_iso_datetime)


def _parsed(name: str, parse):
    """A typed query value through the shared parser; its ValueError is a 400 naming the parameter."""
    raw = _str_arg(name)
    if raw is None:
        return None
    try:
        value = parse(raw)
    except ValueError as exc:
        raise InvalidQuery(str(exc), fields={name: str(exc)}) from None
    if value is None:  # present but empty
        raise InvalidQuery(_("Tham số “%(name)s” không được để trống.", name=name), fields={name: _("Bắt buộc.")})
    return value


def _str_arg(name: str) -> str | None:
    """None when absent; a present but empty value stays "" and fails typed checks (400)."""
    raw = request.args.get(name)
    return None if raw is None else raw.strip()


def _campaign():
    return readmodels.get_campaign(db.session(), _int_arg("campaign"))


def request_json():
    """The request's JSON body through the one guard (shared.parsing.parse_json: depth, NUL, lone surrogates,
    NaN), read once per request; None without a body. A body that is not such JSON is a 400."""
    if "api_json" not in g:
        raw = request.get_data(cache=True)
        try:
            g.api_json = parsing.parse_json(raw) if raw.strip() else None
        except ValueError as exc:
            g.api_json = exc
    if isinstance(g.api_json, ValueError):
        raise InvalidQuery(str(g.api_json))
    return g.api_json


def _json_body(allowed: set[str] | frozenset[str]) -> dict:
    """The request's JSON object; unknown names are refused (422) rather than silently dropped."""
    body = request_json()
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise InvalidQuery(_("Nội dung phải là một đối tượng JSON."))
    unknown = [name for name in body if name not in allowed]
    if unknown:
        raise DomainError(_("Nội dung có trường không được hỗ trợ."),
                          fields={name: _("Trường không được hỗ trợ.") for name in unknown})
    return body


def _expected_version(body: dict, required: bool) -> int | None:
    raw = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    value = body.get("version", raw or None)
    if value is None:
        if required:
            raise InvalidQuery(_("Thiếu phiên bản (If-Match hoặc “version”)."), fields={"version": _("Bắt buộc.")})
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidQuery(_("Phiên bản không hợp lệ."), fields={"version": _("Phải là số nguyên.")})
    try:
        return int(value)
    except ValueError:
        raise InvalidQuery(_("Phiên bản không hợp lệ."), fields={"version": _("Phải là số nguyên.")}) from None


def _report_response(report, data=None, **extra):
    resp = jsonify({**readmodels.report_dict(report, data), **extra})
    resp.headers["ETag"] = f'"{report.version}"'
    return resp


# ---- tokens ------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())


@bp.post("/tokens")
def create_token():
    body = _json_body({"username", "password", "name"})
    username, password = body.get("username"), body.get("password")
    fields = {k: _("Bắt buộc.") for k, v in (("username", username), ("password", password)) if not isinstance(v, str) or not v}
    if fields:
        raise DomainError(_("Thiếu tên đăng nhập hoặc mật khẩu."), fields=fields)
    name = body.get("name") if isinstance(body.get("name"), str) else None
    session = db.session()
    account = tokens.check_credentials(session, username, password)
    if account is None:
        record_failed_credentials()
        return error(401, _("Tên đăng nhập hoặc mật khẩu không đúng."), "invalid_credentials")
    secret, row = tokens.issue(session, account, current_app.config.get("API_TOKEN_DAYS", tokens.DEFAULT_DAYS), name)
    db.commit()
    return jsonify({"id": row.id, "token": secret, "expires_at": row.expires_at.isoformat()}), 201


@bp.get("/tokens")
def list_tokens():
    rows = tokens.tokens_of(db.session(), user())
    return jsonify({"items": [
        {"id": t.id, "name": t.name, "created_at": t.created_at.isoformat(), "expires_at": t.expires_at.isoformat(),
         "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
         "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
         "current": t.id == g.api_token.id}
        for t in rows
    ]})


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int):
    tokens.revoke(db.session(), token_id, user())
    db.commit()
    return "", 204


# ---- reading -----------------------------------------------------------------------------


@bp.get("/me")
def whoami():
    u = user()
    return jsonify({"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role,
                    "unit": readmodels.unit_dict(u.unit)})


@bp.get("/campaigns")
def campaigns():
    return jsonify({"items": [readmodels.campaign_dict(c) for c in readmodels.campaigns(db.session())]})


@bp.get("/progress")
def progress():
    return jsonify(readmodels.progress(db.session(), user(), _campaign(), _int_arg("unit"), _date_arg("as_of")))


@bp.get("/progress/by-unit")
def progress_by_unit():
    return jsonify(readmodels.progress_children(
        db.session(), user(), _campaign(), _int_arg("parent"), _date_arg("as_of"),
        sort=_str_arg("sort"), limit=_int_arg("limit"), cursor=_str_arg("cursor"),
    ))


@bp.get("/level-reports/summary")
def level_report_summary():
    return jsonify(readmodels.level_report_summary(db.session(), user(), _campaign(), _date_arg("as_of")))


@bp.get("/calendar")
def calendar():
    return jsonify(readmodels.calendar(
        db.session(), user(), _campaign(), start=_date_arg("from"), end=_date_arg("to"), level=_str_arg("level"),
        district_id=_int_arg("district"), sector=_str_arg("sector"), pilot=_bool_arg("pilot"),
        as_of=_date_arg("as_of"),
    ))


@bp.get("/units")
def units():
    return jsonify(readmodels.list_units(
        db.session(), user(), _campaign(), q=_str_arg("q"), level=_str_arg("level"), parent_id=_int_arg("parent"),
        status=_str_arg("status"), sector=_str_arg("sector"), limit=_int_arg("limit"), cursor=_str_arg("cursor"),
    ))


@bp.get("/units/<int:unit_id>")
def unit(unit_id: int):
    return jsonify(readmodels.unit_detail(db.session(), user(), _campaign(), unit_id))


@bp.get("/reports")
def reports():
    return jsonify(readmodels.feed(
        db.session(), user(), _campaign(), status=_str_arg("status"), since=_datetime_arg("since"),
        limit=_int_arg("limit"), cursor=_str_arg("cursor"),
    ))


@bp.get("/units/<int:unit_id>/report")
def report(unit_id: int):
    return _report_response(readmodels.unit_report(db.session(), user(), _campaign(), unit_id))


# ---- writing -----------------------------------------------------------------------------


@bp.put("/units/<int:unit_id>/report")
def save_report(unit_id: int):
    """Draft save (shared.reports.save_draft): only the fields given change. `version` (or If-Match) is the
    version the client saw; none means it saw no report, and a report that exists then is a 409. The
    answer carries `errors` (contradictions the draft holds: they block sending) and `warnings`."""
    body = _json_body({"version", *EDITABLE_FIELDS, *ROW_FIELDS})
    data = {k: v for k, v in body.items() if k != "version"}
    _check_report_body(data)
    session = db.session()
    account = user()
    campaign = _campaign()
    unit = _visible_unit(session, account, unit_id)
    saved = save_draft(session, campaign, unit, account, data, _expected_version(body, required=False))
    db.commit()
    return _report_response(saved.report, saved.data, errors=saved.errors, warnings=saved.warnings)


def _check_report_body(data: dict) -> None:
    """Unknown names and malformed rows are refused rather than silently dropped; so are a
    recommendation's follow-up fields, which only the follow-up side writes."""
    fields = {}
    for key in ROW_FIELDS:
        if key not in data:
            continue
        rows = data[key]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            fields[key] = _("Phải là danh sách các đối tượng.")
            continue
        for i, row in enumerate(rows):
            for name in row:
                if name in FOLLOW_UP_KEYS and key == "recommendations":
                    fields[f"{key}-{i}-{name}"] = _("Tình trạng và kết quả giải quyết do bên theo dõi kiến nghị ghi, "
                                                    "không gửi kèm báo cáo.")
                elif name != "id" and name not in ROW_KEYS[key]:
                    fields[f"{key}-{i}-{name}"] = _("Trường không được hỗ trợ.")
    if fields:
        raise DomainError(_("Báo cáo có trường không hợp lệ."), fields=fields)


def _visible_unit(session, account: User, unit_id: int):
    """readmodels.visible_unit, without a query for the caller's own unit (loaded with the token, and
    within its own subtree): the unit a reporter saves and sends."""
    if unit_id == account.unit_id:
        return account.unit
    return readmodels.visible_unit(session, account, unit_id)


def _transition(unit_id: int, action, with_reason: bool = False):
    body = _json_body({"version", "reason"} if with_reason else {"version"})
    expected = _expected_version(body, required=False)
    session = db.session()
    # Held here: the workflow reads report.campaign again, and the session's identity map holds only
    # objects something refers to (a campaign dropped after the lookup would be loaded a second time).
    campaign = _campaign()
    report = get_report(session, campaign, _visible_unit(session, user(), unit_id))
    if report is None:
        raise NotFound(_("Đơn vị chưa có báo cáo đại hội cho đợt này."))
    action(session, report, body, expected)
    db.commit()
    return _report_response(report)


@bp.post("/units/<int:unit_id>/report/submit")
def submit(unit_id: int):
    return _transition(unit_id, lambda s, r, b, v: workflow.submit(s, r, user(), v))


@bp.post("/units/<int:unit_id>/report/return")
def return_report(unit_id: int):
    return _transition(unit_id, lambda s, r, b, v: workflow.return_report(s, r, user(), _reason(b), v), True)


@bp.post("/units/<int:unit_id>/report/approve")
def approve(unit_id: int):
    return _transition(unit_id, lambda s, r, b, v: workflow.approve(s, r, user(), v))


@bp.post("/units/<int:unit_id>/report/reopen")
def reopen(unit_id: int):
    return _transition(unit_id, lambda s, r, b, v: workflow.reopen(s, r, user(), _reason(b), v), True)


def _reason(body: dict) -> str | None:
    reason = body.get("reason")
    return reason if isinstance(reason, str) else None


# ---- recommendations routed and answered (shared.answers) -----------------------------------------------


def _visible_recommendation(rec_id: int):
    rec = answers.get_visible_recommendation(db.session(), user(), rec_id)
    if rec is None:
        raise NotFound(_("Không tìm thấy kiến nghị."))
    return rec


@bp.get("/recommendations")
def recommendations():
    """The caller's recommendations: an addressee account those routed to its body, a router its subtree's."""
    if not answers.can_use(user()):
        return error(403, HTTP_MESSAGES[403])
    state = _str_arg("state")
    if state is not None and state not in answers.ANSWER_STATE_LABELS:
        raise InvalidQuery(_("Tham số không hợp lệ."), fields={"state": _("Không có giá trị này.")})
    page_number = _int_arg("page")
    if page_number is not None and not 1 <= page_number <= 100000:
        raise InvalidQuery(_("Tham số không hợp lệ."), fields={"page": _("Từ %(low)s đến %(high)s.", low=1, high=100000)})
    filters = answers.ListFilters(campaign_id=_campaign().id, addressee_id=_int_arg("addressee"), state=state)
    page_number = page_number or 1
    rows, total = answers.recommendation_page(db.session(), user(), filters, page_number, 50)
    return jsonify({"items": [answers.recommendation_dict(rec, unit) for rec, unit in rows], "total": total,
                    "page": page_number})


@bp.get("/recommendations/<int:rec_id>")
def recommendation(rec_id: int):
    if not answers.can_use(user()):
        return error(403, HTTP_MESSAGES[403])
    rec = _visible_recommendation(rec_id)
    session = db.session()
    return jsonify(answers.recommendation_dict(rec, session.get(Unit, rec.unit_id), answers.history(session, rec)))


@bp.post("/recommendations/<int:rec_id>/answer")
def answer_recommendation(rec_id: int):
    """Record the answer (the same rules as the portal's form: shared.answers.answer)."""
    body = _json_body({"version", "status", "answer_text", "answered_on", "answer_number"})  # a bad body: 400 first
    if not answers.can_use(user()):
        return error(403, HTTP_MESSAGES[403])
    rec = _visible_recommendation(rec_id)
    wrong = {name: _("Phải là chuỗi ký tự.") for name in ("status", "answer_text", "answered_on", "answer_number")
             if body.get(name) is not None and not isinstance(body[name], str)}
    if wrong:
        raise DomainError(_("Nội dung có trường không hợp lệ."), fields=wrong)
    expected = _expected_version(body, required=False)
    answers.answer(db.session(), user(), rec, status=body.get("status"), text=body.get("answer_text"),
                   answered_on=body.get("answered_on"), number=body.get("answer_number"),
                   expected_version=expected if expected is not None else None)
    db.commit()
    session = db.session()
    return jsonify(answers.recommendation_dict(rec, session.get(Unit, rec.unit_id), answers.history(session, rec)))
