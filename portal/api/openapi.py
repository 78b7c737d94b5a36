"""The OpenAPI 3.0 description of /api/v1, written by hand and checked by schemathesis in the suite."""
from __future__ import annotations

from functools import cache

from shared import validation
from shared.answers import ANSWER_MAX, ANSWER_STATE_LABELS, ANSWER_STATUSES, NUMBER_MAX
from shared import people, validation
from shared.vocabulary import CHAIR_ELECTED_LABELS, DELEGATE_KIND_LABELS, PERSONNEL_SOURCE_LABELS, POSITION_LABELS
from shared.models import LEVEL_LABELS, SECTOR_LABELS, STATUS_LABELS
from shared.progress import COUNT_FIELDS
from shared.readmodels import CHILD_SORTS, LEVEL_REPORT_COUNTS
from shared.reports import EDITABLE_FIELDS

_INT_FIELDS = {
    "planned_summoned", "planned_executive_size", "members_total", "summoned", "present", "executive_size",
    "executive_women", "executive_young", "executive_party", "executive_ethnic_minority", "executive_reelected",
    "executive_new", "executive_from_plan", "fulltime_not_reelected_age", "standing_size", "inspection_size",
    "delegates_official", "delegates_alternate", "works_count", "works_value_vnd", "exemplary_count", "funding_vnd",
    *validation.FUNDING_PARTS,
    "ballots_issued", "ballots_valid",
}


NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL: the app refuses it (400)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _field_schema(name: str) -> dict:
    if name in _INT_FIELDS:
        maximum = validation.MAX_MONEY if name in validation.MONEY_FIELDS else validation.MAX_COUNT
        return _nullable({"type": "integer", "minimum": 0, "maximum": maximum})
    if name in ("planned_date", "held_date"):
        return _nullable(DATE)
    if name == "is_pilot":
        return {"type": "boolean"}
    if name in validation.CHOICE_FIELDS:
        return _nullable({"type": "string", "enum": list(validation.CHOICE_FIELDS[name])})
    if name in validation.TEXT_FIELDS:
        return _nullable({"type": "string", "maxLength": validation.TEXT_FIELDS[name], "pattern": NO_NUL})
    return _nullable({"type": "string", "pattern": NO_NUL})


def _rows(keys: dict, description: str) -> dict:
    return {"type": "array", "description": description,
            "items": {"type": "object", "additionalProperties": False, "properties": keys}}


ROW_ID = _nullable({
    "type": "integer", "minimum": 1, "maximum": 2**31 - 1,
    "description": "`id` của dòng đã lưu (lấy từ GET): sửa đúng dòng đó (phải thuộc báo cáo này, nếu không: 422). "
                   "Không có `id`: dòng mới. Dòng đã lưu không gửi lại: bị xóa.",
})
OFFICER = {
    "id": ROW_ID,
    "role": {"type": "string", "enum": list(validation.OFFICER_ROLE_LABELS)},
    "full_name": {"type": "string", "maxLength": 200, "pattern": NO_NUL},
    "gender": _nullable({"type": "string", "enum": list(validation.GENDER_LABELS)}),
    "vote_pct": _nullable({"type": "number", "minimum": 0, "maximum": 100}),
}
RECOMMENDATION = {
    "id": ROW_ID,
    "topic": {"type": "string", "enum": list(validation.TOPIC_LABELS)},
    "text": {"type": "string", "maxLength": 2000, "pattern": NO_NUL},
    "addressed_to": _nullable({"type": "string", "maxLength": 200, "pattern": NO_NUL}),
}
# People (issue 19): the elected BCH, BTV, UBKT (one row per person) and the delegates to the higher congress.
_PERSON = {
    "id": ROW_ID,
    "full_name": {"type": "string", "maxLength": 200, "pattern": NO_NUL},
    "gender": {"type": "string", "enum": list(validation.GENDER_LABELS)},
    "birth_year": {"type": "integer", "minimum": people.OLDEST_BIRTH_YEAR, "maximum": people.LATEST_BIRTH_YEAR},
}
MEMBER = {
    **_PERSON,
    "ethnic_minority": {"type": "boolean"},
    "party_member": {"type": "boolean"},
    "reelected": {"type": "boolean", "description": "Tái cử (false: tham gia lần đầu)"},
    "in_planning_pool": {"type": "boolean", "description": "Trong quy hoạch"},
    "positions": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(POSITION_LABELS)},
                  "description": "chair, vice_chair, standing (ủy viên BTV), executive (ủy viên BCH): thuộc BCH; "
                                 "inspection_head, inspection_deputy, inspection: thuộc UBKT"},
    "chair_elected": _nullable({"type": "string", "enum": list(CHAIR_ELECTED_LABELS),
                                "description": "Chủ tịch: bầu trực tiếp tại đại hội hay tại hội nghị BCH lần thứ nhất"}),
    "votes": _nullable({"type": "integer", "minimum": 0, "maximum": validation.MAX_COUNT,
                        "description": "Số phiếu bầu; trúng cử cần trên một nửa `ballots_valid`"}),
}
DELEGATE = {
    **_PERSON,
    "title": _nullable({"type": "string", "maxLength": 200, "pattern": NO_NUL, "description": "Chức vụ"}),
    "kind": {"type": "string", "enum": list(DELEGATE_KIND_LABELS)},
    "ex_officio": {"type": "boolean", "description": "Đại biểu đương nhiên"},
}
# What the report returns of a recommendation: the unit's fields and the follow-up side's (read-only here).
RECOMMENDATION_OUT = {
    **RECOMMENDATION,
    "status": {"type": "string", "enum": list(validation.REC_STATUS_LABELS)},
    "resolution_note": _nullable({"type": "string"}),
}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _err(description: str) -> dict:
    return _json(_ref("Error"), description)


def _q(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
# Dates are read within shared.parsing's range (1900-01-01 to 2099-12-31); others are a 400.
DATE = {"type": "string", "format": "date", "pattern": r"^(19|20)[0-9]{2}-"}
DATE_TIME = {"type": "string", "format": "date-time", "pattern": r"^(19|20)[0-9]{2}-"}
CAMPAIGN = _q("campaign", ID, "Đợt đại hội (mặc định: đợt hiện hành)")
AS_OF = _q("as_of", DATE, "Số liệu tính đến ngày (YYYY-MM-DD, từ 1900 đến 2099); ngày sau hôm nay được tính là hôm nay")
LIMIT = _q("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "Số dòng mỗi trang")
CURSOR = _q("cursor", {"type": "string", "pattern": NO_NUL}, "Con trỏ trang sau (next_cursor)")
UNIT_ID = {"name": "unit_id", "in": "path", "required": True, "schema": ID}
REC_ID = {"name": "rec_id", "in": "path", "required": True, "schema": ID}
AUTH_ERRORS = {"400": _err("Tham số không hợp lệ"), "401": _err("Thiếu hoặc sai mã truy cập")}
READ_ERRORS = {**AUTH_ERRORS, "404": _err("Không tìm thấy (hoặc ngoài phạm vi)")}
WRITE_ERRORS = {
    **READ_ERRORS,
    "403": _err("Không có quyền"),
    "409": _err("Xung đột phiên bản hoặc chuyển trạng thái không hợp lệ"),
    "422": _err("Dữ liệu không hợp lệ"),
}


def _transition(summary: str, with_reason: bool) -> dict:
    props = {"version": {"type": "integer"}}
    if with_reason:
        props["reason"] = {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": NO_NUL}
    return {
        "post": {
            "summary": summary,
            "parameters": [UNIT_ID, CAMPAIGN],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False, "properties": props,
                **({"required": ["reason"]} if with_reason else {}),
            }}}},
            "responses": {"200": _json(_ref("Report")), **WRITE_ERRORS},
        }
    }


@cache
def spec() -> dict:
    counts = {
        "type": "object",
        "required": [*COUNT_FIELDS, "level", "deadline", "as_of", "days_left"],
        "properties": {
            **{name: {"type": "integer", "minimum": 0} for name in COUNT_FIELDS},
            "level": {"type": "string"},
            "deadline": {"type": "string", "format": "date"},
            "as_of": {"type": "string", "format": "date"},
            "days_left": {"type": "integer"},
        },
    }
    levels = {"type": "object", "additionalProperties": _ref("Counts")}
    unit = {
        "type": "object",
        "required": ["id", "code", "name", "level", "sector", "parent_id"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "level": {"type": "string", "enum": list(LEVEL_LABELS)},
            "level_label": {"type": "string"},
            "sector": {"type": "string", "enum": list(SECTOR_LABELS)},
            "sector_label": {"type": "string"},
            "parent_id": _nullable({"type": "integer"}),
            "members_count": {"type": "integer"},
            "active": {"type": "boolean"},
            "report_status": _nullable({"type": "string", "enum": list(STATUS_LABELS)}),
        },
    }
    report_fields = {name: _field_schema(name) for name in EDITABLE_FIELDS}
    report = {
        "type": "object",
        "required": ["id", "campaign_id", "unit", "status", "version"],
        "properties": {
            "id": {"type": "integer"},
            "campaign_id": {"type": "integer"},
            "unit": _ref("Unit"),
            "status": {"type": "string", "enum": list(STATUS_LABELS)},
            "status_label": {"type": "string"},
            "version": {"type": "integer"},
            "return_reason": _nullable({"type": "string"}),
            "submitted_at": _nullable({"type": "string"}),
            "reviewed_at": _nullable({"type": "string"}),
            "updated_at": _nullable({"type": "string"}),
            "entered_on_behalf": {"type": "boolean"},
            "entered_by": _nullable({
                "type": "object", "required": ["id", "username", "full_name", "unit_id", "unit_name"],
                "properties": {"id": {"type": "integer"}, "username": {"type": "string"},
                               "full_name": {"type": "string"}, "unit_id": {"type": "integer"},
                               "unit_name": {"type": "string"}},
            }),
            "takeover_reason": _nullable({"type": "string"}),
            **report_fields,
            "officers": {"type": "array", "items": {"type": "object", "properties": OFFICER}},
            "recommendations": {"type": "array", "items": {"type": "object", "properties": RECOMMENDATION_OUT}},
            "members": {"type": "array", "items": {"type": "object", "properties": MEMBER}},
            "delegates": {"type": "array", "items": {"type": "object", "properties": DELEGATE}},
            "personnel_source": _nullable({
                "type": "string", "enum": list(PERSONNEL_SOURCE_LABELS),
                "description": "list: executive_*, standing_size, inspection_size được tính từ `members`; "
                               "typed: số liệu nhập tay (báo cáo chưa có danh sách)"}),
            "delegates_source": _nullable({"type": "string", "enum": list(PERSONNEL_SOURCE_LABELS)}),
            "quorum_resolution": _nullable({"type": "string"}),
            "recognition_decision": _nullable({
                "type": "object", "required": ["number", "date"],
                "properties": {"number": {"type": "string"}, "date": {"type": "string", "format": "date"},
                               "has_scan": {"type": "boolean"}},
            }),
        },
    }
    page = lambda item: {  # noqa: E731
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {"items": {"type": "array", "items": item}, "next_cursor": _nullable({"type": "string"})},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "daihoi API",
            "version": "1.0.0",
            "description": "Theo dõi đại hội công đoàn các cấp: tiến độ, đơn vị, báo cáo. "
                           "Xác thực bằng `Authorization: Bearer <token>` lấy từ POST /api/v1/tokens.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message", "fields"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                            "current_version": {"type": "integer"},
                            "current": {"type": "object"},
                        },
                    }},
                },
                "Counts": counts,
                "Recommendation": {
                    "type": "object",
                    "required": ["id", "campaign_id", "version", "unit", "topic", "text", "state", "status"],
                    "properties": {
                        "id": {"type": "integer"}, "campaign_id": {"type": "integer"}, "version": {"type": "integer"},
                        "unit": {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"},
                                                                  "name": {"type": "string"}}},
                        "topic": {"type": "string"}, "topic_label": {"type": "string"}, "text": {"type": "string"},
                        "addressed_to": _nullable({"type": "string"}),
                        "addressee": _nullable({"type": "object", "properties": {
                            "id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"}}}),
                        "due_date": _nullable({"type": "string", "format": "date"}),
                        "state": {"type": "string", "enum": list(ANSWER_STATE_LABELS)}, "state_label": {"type": "string"},
                        "status": {"type": "string"}, "status_label": {"type": "string"},
                        "answer_text": _nullable({"type": "string"}),
                        "answered_on": _nullable({"type": "string", "format": "date"}),
                        "answer_number": _nullable({"type": "string"}),
                        "history": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Unit": unit,
                "Report": report,
                "Campaign": {
                    "type": "object",
                    "required": ["id", "name", "term", "start_date", "deadlines", "closed"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "term": {"type": "string"},
                        "start_date": {"type": "string", "format": "date"},
                        "deadlines": {"type": "object", "additionalProperties": {"type": "string", "format": "date"}},
                        "closed": {"type": "boolean"},
                    },
                },
                "CalendarEvent": {
                    "type": "object",
                    "required": ["report_id", "day", "kind", "kind_label", "is_pilot", "unit", "district_name"],
                    "properties": {
                        "report_id": {"type": "integer"},
                        "day": {"type": "string", "format": "date"},
                        "kind": {"type": "string", "enum": ["held", "planned", "missed"]},
                        "kind_label": {"type": "string"},
                        "is_pilot": {"type": "boolean"},
                        "form": _nullable({"type": "string"}),
                        "unit": {"type": "object", "required": ["id", "code", "name", "level", "sector"],
                                 "properties": {"id": {"type": "integer"}, "code": {"type": "string"},
                                                "name": {"type": "string"},
                                                "level": {"type": "string", "enum": list(LEVEL_LABELS)},
                                                "level_label": {"type": "string"},
                                                "sector": {"type": "string", "enum": list(SECTOR_LABELS)},
                                                "sector_label": {"type": "string"}}},
                        "district_name": _nullable({"type": "string"}),
                    },
                },
                "FeedItem": {
                    "type": "object",
                    "required": ["id", "report_id", "unit", "to_status", "at"],
                    "properties": {
                        "id": {"type": "integer"},
                        "report_id": {"type": "integer"},
                        "unit": _ref("Unit"),
                        "from_status": _nullable({"type": "string"}),
                        "to_status": {"type": "string", "enum": list(STATUS_LABELS)},
                        "to_status_label": {"type": "string"},
                        "reason": _nullable({"type": "string"}),
                        "at": {"type": "string"},
                        "by": _nullable({"type": "string"}),
                    },
                },
            },
        },
        "paths": {
            "/tokens": {
                "post": {
                    "summary": "Đăng nhập, nhận mã truy cập",
                    "security": [],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["username", "password"],
                        "properties": {
                            "username": {"type": "string", "minLength": 1, "pattern": NO_NUL},
                            "password": {"type": "string", "minLength": 1, "pattern": NO_NUL},
                            "name": {"type": "string", "maxLength": 100, "pattern": NO_NUL},
                        },
                    }}}},
                    "responses": {
                        "201": _json({
                            "type": "object",
                            "required": ["id", "token", "expires_at"],
                            "properties": {"id": {"type": "integer"}, "token": {"type": "string"},
                                           "expires_at": {"type": "string"}},
                        }, "Mã truy cập mới"),
                        "400": _err("Nội dung không phải JSON"),
                        "401": _err("Sai tên đăng nhập hoặc mật khẩu"),
                        "422": _err("Thiếu trường"),
                        "429": _err("Quá nhiều lần đăng nhập sai"),
                    },
                },
                "get": {
                    "summary": "Các mã truy cập của tôi",
                    "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {
                        "items": {"type": "array", "items": {"type": "object"}}}}), **AUTH_ERRORS},
                },
            },
            "/tokens/{token_id}": {
                "delete": {
                    "summary": "Thu hồi mã truy cập (của mình; quản trị: của người trong phạm vi)",
                    "parameters": [{"name": "token_id", "in": "path", "required": True, "schema": ID}],
                    "responses": {"204": {"description": "Đã thu hồi"}, **READ_ERRORS},
                }
            },
            "/me": {"get": {
                "summary": "Tài khoản của mã truy cập",
                "responses": {"200": _json({"type": "object", "required": ["id", "username", "role", "unit"],
                                            "properties": {"unit": _ref("Unit")}}), **AUTH_ERRORS},
            }},
            "/campaigns": {"get": {
                "summary": "Các đợt đại hội",
                "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {
                    "items": {"type": "array", "items": _ref("Campaign")}}}), **AUTH_ERRORS},
            }},
            "/progress": {"get": {
                "summary": "Tiến độ theo cấp trong phạm vi một đơn vị",
                "parameters": [CAMPAIGN, AS_OF, _q("unit", ID, "Đơn vị (mặc định: đơn vị của tôi)")],
                "responses": {"200": _json({
                    "type": "object",
                    "required": ["campaign_id", "as_of", "unit", "levels", "total"],
                    "properties": {"campaign_id": {"type": "integer"}, "as_of": {"type": "string", "format": "date"},
                                   "unit": _ref("Unit"), "levels": levels, "total": _ref("Counts")},
                }), **READ_ERRORS},
            }},
            "/progress/by-unit": {"get": {
                "summary": "Tiến độ theo từng đơn vị con (phân trang keyset)",
                "description": "Mỗi trang `limit` đơn vị con (mặc định 100, tối đa 200); `next_cursor` là "
                               "`cursor` của trang sau (null ở trang cuối), `count` là số đơn vị con của mọi "
                               "trang. `sort`: `name` (tên, mặc định), `held_pct` (tỷ lệ đã tổ chức), "
                               "`on_time_pct` (tỷ lệ đúng hạn), `overdue` (số quá hạn), tính trên cả cây "
                               "của mỗi đơn vị con; ba thứ tự sau từ cao xuống thấp, rồi theo tên (cùng thứ "
                               "tự với bảng theo dõi trên cổng).",
                "parameters": [
                    CAMPAIGN, AS_OF, _q("parent", ID, "Đơn vị cha (mặc định: đơn vị của tôi)"),
                    _q("sort", {"type": "string", "enum": list(CHILD_SORTS)}, "Thứ tự (mặc định: name)"),
                    LIMIT,
                    CURSOR,
                ],
                "responses": {"200": _json({
                    "type": "object",
                    "required": ["campaign_id", "as_of", "parent", "count", "items", "next_cursor"],
                    "properties": {
                        "campaign_id": {"type": "integer"},
                        "as_of": {"type": "string", "format": "date"},
                        "parent": _ref("Unit"),
                        "count": {"type": "integer", "minimum": 0},
                        "items": {"type": "array", "items": {
                            "type": "object",
                            "required": ["unit", "levels", "total"],
                            "properties": {"unit": _ref("Unit"), "levels": levels, "total": _ref("Counts")},
                        }},
                        "next_cursor": _nullable({"type": "string"}),
                    },
                }), **READ_ERRORS},
            }},
            "/level-reports/summary": {"get": {
                "summary": "Báo cáo kết quả đại hội của các cấp ủy đã nhận (Ban Dân vận, quản trị)",
                "parameters": [CAMPAIGN, AS_OF],
                "responses": {"200": _json({
                    "type": "object",
                    "required": ["campaign_id", "unit", "received", "expected", *LEVEL_REPORT_COUNTS, "phrase"],
                    "properties": {
                        "campaign_id": {"type": "integer"},
                        "unit": _ref("Unit"),
                        **{name: {"type": "integer", "minimum": 0}
                           for name in ("received", "expected", *LEVEL_REPORT_COUNTS)},
                        "phrase": {"type": "string"},
                    },
                }), **READ_ERRORS, "403": _err("Chỉ Ban Dân vận và quản trị")},
            }},
            "/calendar": {"get": {
                "summary": "Lịch đại hội trong phạm vi của tôi (mặc định: 14 ngày tới)",
                "description": "Đại hội nằm ở ngày đã tổ chức nếu đã tổ chức, nếu chưa thì ở ngày dự kiến; "
                               "`kind`, như ngày `as_of` (mặc định hôm nay): `held` (đã tổ chức), `planned` (dự "
                               "kiến), `missed` (đã qua ngày dự kiến mà chưa có kết quả). Cùng bộ lọc với trang Lịch đại hội; tối đa 1.000 đại "
                               "hội (`truncated`: còn nữa, hãy lọc hẹp hơn) và 366 ngày mỗi lần (`to` của câu trả "
                               "lời là ngày cuối đã xem); `to` trước `from`: không có đại hội nào.",
                "parameters": [
                    CAMPAIGN,
                    AS_OF,
                    _q("from", DATE, "Từ ngày (YYYY-MM-DD; mặc định: ngày as_of)"),
                    _q("to", DATE, "Đến ngày, tính cả ngày đó (mặc định: 13 ngày sau ngày bắt đầu)"),
                    _q("level", {"type": "string", "enum": list(LEVEL_LABELS)}, "Cấp"),
                    _q("district", ID, "Đơn vị cấp trên trực tiếp cơ sở (trong phạm vi của tôi)"),
                    _q("sector", {"type": "string", "enum": list(SECTOR_LABELS)}, "Khu vực"),
                    _q("pilot", {"type": "boolean"}, "Chỉ đại hội điểm"),
                ],
                "responses": {"200": _json({
                    "type": "object",
                    "required": ["campaign_id", "unit", "from", "to", "as_of", "items", "truncated"],
                    "properties": {
                        "campaign_id": {"type": "integer"},
                        "unit": _ref("Unit"),
                        "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                        "as_of": {"type": "string", "format": "date"},
                        "truncated": {"type": "boolean"},
                        "items": {"type": "array", "items": _ref("CalendarEvent")},
                    },
                }), **READ_ERRORS},
            }},
            "/units": {"get": {
                "summary": "Danh sách đơn vị (phân trang keyset)",
                "parameters": [
                    CAMPAIGN,
                    _q("q", {"type": "string", "pattern": NO_NUL}, "Tìm theo tên hoặc mã, không phân biệt dấu"),
                    _q("level", {"type": "string", "enum": list(LEVEL_LABELS)}, "Cấp"),
                    _q("parent", ID, "Đơn vị cha"),
                    _q("status", {"type": "string", "enum": [*STATUS_LABELS, "none"]}, "Trạng thái báo cáo"),
                    _q("sector", {"type": "string", "enum": list(SECTOR_LABELS)}, "Khu vực"),
                    LIMIT,
                    CURSOR,
                ],
                "responses": {"200": _json(page(_ref("Unit"))), **READ_ERRORS},
            }},
            "/recommendations": {"get": {
                "summary": "Kiến nghị của người gọi: cơ quan trả lời thấy kiến nghị đã chuyển đến mình, bên chuyển "
                           "kiến nghị thấy kiến nghị trong phạm vi của mình",
                "parameters": [
                    CAMPAIGN,
                    _q("state", {"type": "string", "enum": list(ANSWER_STATE_LABELS)}, "Tình hình trả lời"),
                    _q("addressee", ID, "Cơ quan trả lời"),
                    _q("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "Trang (50 dòng)"),
                ],
                "responses": {"200": _json({
                    "type": "object", "required": ["items", "total", "page"],
                    "properties": {"items": {"type": "array", "items": _ref("Recommendation")},
                                   "total": {"type": "integer"}, "page": {"type": "integer"}},
                }), **READ_ERRORS, "403": _err("Không có quyền")},
            }},
            "/recommendations/{rec_id}": {"get": {
                "summary": "Một kiến nghị, với lịch sử xử lý",
                "parameters": [REC_ID],
                "responses": {"200": _json(_ref("Recommendation")), **READ_ERRORS, "403": _err("Không có quyền")},
            }},
            "/recommendations/{rec_id}/answer": {"post": {
                "summary": "Ghi nhận trả lời kiến nghị (cơ quan trả lời, hoặc bên chuyển kiến nghị ghi thay)",
                "parameters": [REC_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False,
                    "required": ["status", "answer_text", "answered_on"],
                    "properties": {
                        "version": {"type": "integer"},
                        "status": {"type": "string", "enum": list(ANSWER_STATUSES)},
                        "answer_text": {"type": "string", "minLength": 1, "maxLength": ANSWER_MAX, "pattern": NO_NUL},
                        "answered_on": DATE,
                        "answer_number": _nullable({"type": "string", "maxLength": NUMBER_MAX, "pattern": NO_NUL}),
                    },
                }}}},
                "responses": {"200": _json(_ref("Recommendation")), **WRITE_ERRORS},
            }},
            "/units/{unit_id}": {"get": {
                "summary": "Một đơn vị",
                "parameters": [UNIT_ID, CAMPAIGN],
                "responses": {"200": _json(_ref("Unit")), **READ_ERRORS},
            }},
            "/reports": {"get": {
                "summary": "Dòng sự kiện gửi, trả lại, phê duyệt báo cáo (mới nhất trước)",
                "parameters": [
                    CAMPAIGN,
                    _q("status", {"type": "string", "enum": ["submitted", "returned", "approved"]}, "Trạng thái mới"),
                    _q("since", DATE_TIME, "Từ thời điểm (ISO 8601, từ năm 1900 đến 2099)"),
                    LIMIT,
                    CURSOR,
                ],
                "responses": {"200": _json(page(_ref("FeedItem"))), **READ_ERRORS},
            }},
            "/units/{unit_id}/report": {
                "get": {
                    "summary": "Báo cáo đại hội của đơn vị",
                    "parameters": [UNIT_ID, CAMPAIGN],
                    "responses": {"200": _json(_ref("Report")), **READ_ERRORS},
                },
                "put": {
                    "summary": "Lưu bản nháp báo cáo",
                    "description": (
                        "Chỉ các trường gửi lên được thay đổi. `version` (hoặc If-Match) là phiên bản máy khách "
                        "đã thấy; không gửi nghĩa là chưa thấy báo cáo nào: nếu báo cáo đã có thì 409 kèm bản hiện "
                        "tại (cũng như khi hai lần lưu đầu tiên trùng nhau). Bản nháp được lưu cả khi còn mâu "
                        "thuẫn giữa các số liệu (ngày ngoài đợt, phần lớn hơn tổng...): chúng nằm trong `errors` "
                        "của câu trả lời và chặn việc gửi, không chặn việc lưu. Chỉ dữ liệu không thể lưu (chữ "
                        "trong ô số, số vượt giới hạn, lựa chọn không có) bị từ chối với 422. Mỗi dòng "
                        "(`officers`, `recommendations`, `members`, `delegates`) mang `id` của nó. `status` và `resolution_note` của kiến "
                        "nghị do bên theo dõi kiến nghị ghi: gửi kèm bị từ chối (422)."
                    ),
                    "parameters": [UNIT_ID, CAMPAIGN,
                                   {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "version": {"type": "integer"}, **report_fields,
                            "officers": _rows(OFFICER, "Cả danh sách: dòng không gửi lại bị xóa"),
                            "recommendations": _rows(RECOMMENDATION, "Cả danh sách: dòng không gửi lại bị xóa; "
                                                     "không có status, resolution_note"),
                            "members": _rows(MEMBER, "Cả danh sách người trúng cử BCH, BTV, UBKT: dòng không gửi "
                                             "lại bị xóa. Có danh sách thì executive_*, standing_size, "
                                             "inspection_size được tính từ đây (giá trị gửi kèm bị thay)"),
                            "delegates": _rows(DELEGATE, "Cả danh sách đại biểu dự đại hội cấp trên: dòng không gửi "
                                               "lại bị xóa; delegates_official/alternate được tính từ đây"),
                        },
                    }}}},
                    "responses": {"200": _json({"allOf": [_ref("Report"), {
                        "type": "object", "required": ["errors", "warnings"],
                        "properties": {
                            "errors": {"type": "object", "additionalProperties": {"type": "string"},
                                       "description": "Lỗi còn trong bản nháp (đã lưu), phải sửa trước khi gửi"},
                            "warnings": {"type": "array", "items": {"type": "string"}},
                        },
                    }]}), **WRITE_ERRORS},
                },
            },
            "/units/{unit_id}/report/submit": _transition("Gửi báo cáo", with_reason=False),
            "/units/{unit_id}/report/return": _transition("Trả lại báo cáo (kèm lý do)", with_reason=True),
            "/units/{unit_id}/report/approve": _transition("Phê duyệt báo cáo", with_reason=False),
            "/units/{unit_id}/report/reopen": _transition("Mở lại báo cáo đã duyệt (kèm lý do)", with_reason=True),
            "/openapi.json": {"get": {
                "summary": "Tài liệu OpenAPI này",
                "security": [],
                "responses": {"200": _json({"type": "object"})},
            }},
        },
    }
