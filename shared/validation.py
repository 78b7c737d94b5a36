"""Congress report rules: parsing of raw input, hard errors and the union-rules guidance table.

Shared by the portal, the API and the review queue: every message is translated (Vietnamese source) and keyed by the
report's field name (rows as `officers-0-vote_pct`, `recommendations-1-text`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from shared import clock
from shared.i18n import N_, _
from shared.text import clean_text, format_date, format_number, parse_date, parse_number
from shared.vocabulary import (  # noqa: F401 (re-exported: the report's words, read from here by forms and exports)
    CHAIR_ELECTED_LABELS,
    DELEGATE_COLUMN_LABELS,
    DELEGATE_KIND_LABELS,
    FIELD_LABELS,
    FORM_LABELS,
    GENDER_LABELS,
    MEMBER_COLUMN_LABELS,
    MEETING_MODE_LABELS,
    OFFICER_COLUMN_LABELS,
    OFFICER_ROLE_LABELS,
    REC_STATUS_LABELS,
    RECOMMENDATION_COLUMN_LABELS,
    TOPIC_LABELS,
)

# Scalar fields of a report that a unit fills in (the names shared by forms, exports and API).
PLAN_FIELDS = (
    "planned_date",
    "form",
    "form_override_reason",
    "is_pilot",
    "meeting_mode",
    "planned_summoned",
    "planned_executive_size",
)
RESULT_FIELDS = (
    "held_date",
    "members_total",
    "summoned",
    "present",
    "ballots_issued",
    "ballots_valid",
    "quorum_reason",
    "executive_size",
    "executive_women",
    "executive_young",
    "executive_party",
    "executive_ethnic_minority",
    "executive_reelected",
    "executive_new",
    "executive_from_plan",
    "fulltime_not_reelected_age",
    "standing_size",
    "inspection_size",
    "delegates_official",
    "delegates_alternate",
    "works_count",
    "works_value_vnd",
    "exemplary_count",
    "funding_vnd",
    "funding_pc_province_vnd",
    "funding_pc_district_vnd",
    "funding_pc_commune_vnd",
    "funding_union_vnd",
    "funding_other_vnd",
    "notes",
)
DATE_FIELDS = ("planned_date", "held_date")
BOOL_FIELDS = ("is_pilot",)
TEXT_FIELDS = {"form_override_reason": 500, "quorum_reason": 2000, "notes": 5000}
CHOICE_FIELDS = {
    "form": ("toan_the", "dai_bieu"),
    "meeting_mode": ("in_person", "online", "hybrid"),
}
# The funding by source, parts of funding_vnd (the total): the People's Committees of the province, the
# district and the commune (support), the union's own funds, other sources.
FUNDING_PARTS = ("funding_pc_province_vnd", "funding_pc_district_vnd", "funding_pc_commune_vnd", "funding_union_vnd",
                 "funding_other_vnd")
FUNDING_PC_PARTS = FUNDING_PARTS[:3]
MONEY_FIELDS = ("works_value_vnd", "funding_vnd", *FUNDING_PARTS)
# Sums that may never exceed their whole: (parts, whole); a whole left empty is their sum (derive_totals).
SUMS = ((FUNDING_PARTS, "funding_vnd"),)
SUM_FIELDS = tuple(name for parts, whole in SUMS for name in (*parts, whole))
# Every other field is a count of people or things.
COUNT_FIELDS = tuple(f for f in PLAN_FIELDS + RESULT_FIELDS
                     if f not in (*DATE_FIELDS, *BOOL_FIELDS, *TEXT_FIELDS, *CHOICE_FIELDS, *MONEY_FIELDS))
INT_FIELDS = COUNT_FIELDS + MONEY_FIELDS
MAX_COUNT = 10_000_000
MAX_MONEY = 10**15

OFFICER_KEYS = ("role", "full_name", "gender", "vote_pct")
RECOMMENDATION_KEYS = ("topic", "text", "addressed_to")
# A recommendation's follow-up (status, resolution note, when): written by the follow-up side only
# (shared.dashboard.update_recommendation), never by the unit's own save.
FOLLOW_UP_KEYS = ("status", "resolution_note")
MEMBER_KEYS = ("full_name", "gender", "birth_year", "ethnic_minority", "party_member", "reelected",
               "in_planning_pool", "positions", "chair_elected", "votes")
DELEGATE_KEYS = ("full_name", "gender", "birth_year", "title", "kind", "ex_officio")
ROW_KEYS = {"officers": OFFICER_KEYS, "recommendations": RECOMMENDATION_KEYS, "members": MEMBER_KEYS,
            "delegates": DELEGATE_KEYS}
MAX_ID = 2**31 - 1

# Submitting needs the plan and the results a superior unit reviews.
REQUIRED_ON_SUBMIT = (
    "planned_date",
    "form",
    "held_date",
    "members_total",
    "summoned",
    "present",
    "executive_size",
    "executive_women",
    "executive_young",
    "executive_party",
    "executive_reelected",
    "executive_new",
    "standing_size",
    "inspection_size",
    "delegates_official",
)
# Parts that may never exceed their whole: (part, whole).
PARTS = (
    ("present", "summoned"),
    ("summoned", "members_total"),
    ("ballots_issued", "present"),
    ("ballots_valid", "ballots_issued"),
    ("executive_women", "executive_size"),
    ("executive_young", "executive_size"),
    ("executive_party", "executive_size"),
    ("executive_ethnic_minority", "executive_size"),
    ("executive_reelected", "executive_size"),
    ("executive_new", "executive_size"),
    ("executive_from_plan", "executive_size"),
    ("standing_size", "executive_size"),
)


@dataclass(frozen=True)
class SizeRule:
    """Guidance on committee sizes per level (warnings, not errors)."""

    executive_min: int
    executive_max: int
    standing_min_executive: int  # a standing committee only from this executive size up
    standing_max_share: float  # at most this share of the executive
    inspection_min: int
    inspection_max: int


# The union rules' guidance, one row per level; edit here to follow a new charter.
SIZE_RULES: dict[str, SizeRule] = {
    "grassroots": SizeRule(3, 15, 9, 1 / 3, 0, 5),
    "district": SizeRule(15, 27, 9, 1 / 3, 3, 7),
    "province": SizeRule(27, 35, 9, 1 / 3, 5, 9),
}
QUORUM_SHARE = (2, 3)  # at least two thirds of those summoned
ELECTED_ABOVE_PCT = Decimal(50)


def congress_form(level: str, members: int | None, threshold: int) -> str:
    """The congress form the rules call for: a grassroots union with at least `threshold` members (the
    campaign's "from this many members up") holds a delegate congress, a smaller one an all-member
    congress; district and province congresses are always delegate congresses."""
    if level != "grassroots":
        return "dai_bieu"
    return "dai_bieu" if (members or 0) >= threshold else "toan_the"


def suggested_form(campaign, unit) -> str:
    return congress_form(unit.level, unit.members_count, campaign.members_threshold)


def _parse_int(value: Any, maximum: int) -> int | None:
    return parse_number(value, maximum=maximum)  # 15.000.000, 15,000,000, 15 000 000: the one number parser


def _parse_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(str(value))


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "on", "yes", "y", "co", "có")  # noqa: i18n (accepted input)


def _parse_pct(value: Any) -> Decimal | None:
    if value is None:
        return None
    text = str(value).strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    try:
        pct = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Phải là một số từ 0 đến 100.")) from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ValueError(_("Tỷ lệ phiếu phải từ 0 đến 100 %."))
    return pct.quantize(Decimal("0.01"))


def _parse_choice(value: Any, choices) -> str | None:
    text = clean_text(None if value is None else str(value))
    if not text:
        return None
    if text not in choices:
        raise ValueError(_("Giá trị không hợp lệ, hãy chọn trong danh sách."))
    return text


def _text(value: Any, limit: int) -> str | None:
    return clean_text(None if value is None else str(value), limit) or None


def parse_rows(data: dict, key: str) -> list[dict] | None:
    """Rows given as a list of dicts, or as flat form keys `key-0-field` (WTForms FieldList style)."""
    if key in data and isinstance(data[key], list):
        return [dict(row or {}) for row in data[key]]
    prefix = key + "-"
    rows: dict[int, dict] = {}
    for name, value in data.items():
        if not isinstance(name, str) or not name.startswith(prefix):
            continue
        parts = name[len(prefix):].split("-", 1)
        if len(parts) == 2 and parts[0].isascii() and parts[0].isdigit() and len(parts[0]) <= 6:
            rows.setdefault(int(parts[0]), {})[parts[1]] = value
    if not rows:
        return [] if key in data else None
    return [rows[i] for i in sorted(rows)]


def compact_rows(rows: list[dict], keys) -> list[dict]:
    """Rows without the empty ones, reindexed. Only the typed columns count: a row emptied on the page keeps
    nothing but its id, and is dropped (a saved one is then deleted)."""
    return [r for r in rows if any(str(r.get(k) or "").strip() for k in keys)]


def _parse_row_id(value: Any) -> int | None:
    """The id a row carries through the form or the API (None: a new row)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("Dòng không hợp lệ."))
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise ValueError(_("Dòng không hợp lệ."))
    return int(text)


# How each column of a row is read, and the columns a stored row cannot lack (their message).
ROW_COLUMNS = {
    "officers": (
        ("id", _parse_row_id),
        ("role", lambda v: _parse_choice(v, OFFICER_ROLE_LABELS)),
        ("full_name", lambda v: _text(v, 200)),
        ("gender", lambda v: _parse_choice(v, GENDER_LABELS)),
        ("vote_pct", _parse_pct),
    ),
    "recommendations": (
        ("id", _parse_row_id),
        ("topic", lambda v: _parse_choice(v, TOPIC_LABELS)),
        ("text", lambda v: _text(v, 2000)),
        ("addressed_to", lambda v: _text(v, 200)),
    ),
}

def _people_columns():
    """The people's rows (issue 19; shared.people holds their rules)."""
    from shared import people

    def flag(value: Any) -> bool:
        return False if value is None else _parse_bool(value)

    def count(value: Any) -> int | None:
        return _parse_int(value, MAX_COUNT)

    members = (
        ("id", _parse_row_id),
        ("full_name", lambda v: _text(v, 200)),
        ("gender", lambda v: _parse_choice(v, GENDER_LABELS)),
        ("birth_year", people.parse_birth_year),
        *((name, flag) for name in people.MEMBER_FLAGS),
        ("positions", people.parse_positions),
        ("chair_elected", lambda v: _parse_choice(v, CHAIR_ELECTED_LABELS)),
        ("votes", count),
    )
    delegates = (
        ("id", _parse_row_id),
        ("full_name", lambda v: _text(v, 200)),
        ("gender", lambda v: _parse_choice(v, GENDER_LABELS)),
        ("birth_year", people.parse_birth_year),
        ("title", lambda v: _text(v, 200)),
        ("kind", lambda v: _parse_choice(v, DELEGATE_KIND_LABELS)),
        ("ex_officio", flag),
    )
    return members, delegates


ROW_COLUMNS["members"], ROW_COLUMNS["delegates"] = _people_columns()
_PERSON_REQUIRED = (("full_name", N_("Hãy nhập họ và tên.")), ("gender", N_("Hãy chọn giới tính.")),
                    ("birth_year", N_("Hãy nhập năm sinh.")))
ROW_REQUIRED = {
    "members": (*_PERSON_REQUIRED, ("positions", N_("Hãy chọn ít nhất một chức danh."))),
    "delegates": (*_PERSON_REQUIRED, ("kind", N_("Hãy chọn đại biểu chính thức hay dự khuyết."))),
    "officers": (("role", N_("Hãy chọn chức danh.")), ("full_name", N_("Hãy nhập họ và tên."))),
    "recommendations": (("topic", N_("Hãy chọn lĩnh vực.")), ("text", N_("Hãy nhập nội dung kiến nghị."))),
}


def parse_report(data: dict) -> tuple[dict[str, Any], dict[str, str]]:
    """(typed values of the fields present in `data`, errors by field) from raw form or JSON input.

    These errors are input that cannot be stored at all: letters in a number, a number beyond its column's
    range, a date that is no date, an unknown choice, text over its length, a row without the columns it
    cannot lack. A draft with any of them is not saved. Rows keep the `id` they carry (None: a new row);
    a recommendation's follow-up fields are not read (the unit's save never writes them)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in DATE_FIELDS:
        if name in data:
            try:
                values[name] = _parse_date(data[name])
            except ValueError as exc:
                errors[name] = str(exc)
    for name in INT_FIELDS:
        if name in data:
            try:
                values[name] = _parse_int(data[name], MAX_MONEY if name in MONEY_FIELDS else MAX_COUNT)
            except ValueError as exc:
                errors[name] = str(exc)
    for name in BOOL_FIELDS:
        if name in data:
            values[name] = _parse_bool(data[name])
    for name, limit in TEXT_FIELDS.items():
        if name in data:
            try:
                values[name] = _text(data[name], limit)
            except ValueError as exc:
                errors[name] = str(exc)
    for name, choices in CHOICE_FIELDS.items():
        if name in data:
            try:
                values[name] = _parse_choice(data[name], choices)
            except ValueError as exc:
                errors[name] = str(exc)
    if values.get("meeting_mode", "x") is None:
        values["meeting_mode"] = "in_person"

    for key, columns in ROW_COLUMNS.items():
        rows = parse_rows(data, key)
        if rows is None:
            continue
        parsed = []
        for i, row in enumerate(compact_rows(rows, ROW_KEYS[key])):
            out: dict[str, Any] = {}
            for column, parse in columns:
                try:
                    out[column] = parse(row.get(column))
                except ValueError as exc:
                    errors[f"{key}-{i}-{column}"] = str(exc)
                    out[column] = None
            for column, message in ROW_REQUIRED[key]:  # NOT NULL columns: a row without them cannot be stored
                if out[column] in (None, []) and f"{key}-{i}-{column}" not in errors:
                    errors[f"{key}-{i}-{column}"] = _(message)
            parsed.append(out)
        values[key] = parsed
    return values, errors


def derive_totals(before: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`values` (what a save writes over `before`, the stored report) with each whole of SUMS left empty and
    its parts given set to their sum: the total funding is not typed twice."""
    after = {**before, **values}
    for parts, whole in SUMS:
        given = [after.get(p) for p in parts if after.get(p) is not None]
        if given and after.get(whole) is None and (whole in values or any(p in values for p in parts)):
            values = {**values, whole: sum(given)}
    return values


def check_report(
    values: dict[str, Any], campaign, unit, *, full: bool, today: dt.date | None = None
) -> tuple[dict[str, str], list[str]]:
    """Rules over typed values (missing keys and None are 'not given'): contradictions between fields (parts over
    their whole, re-elected + new against the executive, a date outside the campaign, a vote share too low
    to be elected) and, with `full` (the submit check), what a report must hold before it is sent.

    A draft may hold these errors: they block sending, not saving (see shared.reports.save_draft)."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    today = today or clock.today()
    v = values.get

    if full:
        for name in REQUIRED_ON_SUBMIT:
            if v(name) is None:
                errors[name] = _("Bắt buộc nhập trước khi gửi báo cáo.")

    window = (campaign.start_date, campaign.end_date)
    for name in DATE_FIELDS:
        day = v(name)
        if day is None:
            continue
        if not window[0] <= day <= window[1]:
            errors[name] = _("Phải trong thời gian của đợt đại hội (%(start)s – %(end)s).",
                             start=format_date(window[0]), end=format_date(window[1]))
        elif name == "held_date" and day > today:
            errors[name] = _("Ngày tổ chức không được sau ngày hôm nay.")

    form = v("form")
    if form and form != suggested_form(campaign, unit) and not v("form_override_reason"):
        errors["form_override_reason"] = _(
            "Đơn vị có %(members)s đoàn viên nên hình thức đề xuất là “%(form)s”; "
            "hãy ghi lý do chọn hình thức khác.",
            members=format_number(unit.members_count), form=FORM_LABELS[suggested_form(campaign, unit)],
        )

    for part, whole in PARTS:
        if v(part) is not None and v(whole) is not None and v(part) > v(whole):
            errors.setdefault(
                part, _("Không được lớn hơn “%(whole)s” (%(value)s).",
                        whole=FIELD_LABELS[whole], value=format_number(v(whole)))
            )
    for parts, whole in SUMS:
        given = [v(p) for p in parts if v(p) is not None]
        if given and v(whole) is not None and sum(given) > v(whole):
            errors.setdefault(whole, _("Nhỏ hơn tổng các nguồn kinh phí đã kê (%(sum)s).", sum=format_number(sum(given))))
    size, reelected, new = v("executive_size"), v("executive_reelected"), v("executive_new")
    if None not in (size, reelected, new) and reelected + new != size and "executive_new" not in errors:
        errors["executive_new"] = _(
            "Tái cử (%(reelected)s) cộng tham gia lần đầu (%(new)s) phải bằng số ủy viên BCH (%(size)s).",
            reelected=format_number(reelected), new=format_number(new), size=format_number(size),
        )

    from shared.people import check_people

    listed = bool(v("members"))  # a list names the chair: the typed officer rows are then optional
    officers = v("officers")
    if officers is not None:
        chairs = 0
        for i, row in enumerate(officers):
            pct = row.get("vote_pct")
            if pct is not None and pct <= ELECTED_ABOVE_PCT:
                errors[f"officers-{i}-vote_pct"] = _("Người trúng cử phải đạt trên 50 % số phiếu hợp lệ.")
            elif pct is None and full and f"officers-{i}-vote_pct" not in errors:
                errors[f"officers-{i}-vote_pct"] = _("Bắt buộc nhập trước khi gửi báo cáo.")
            chairs += row.get("role") == "chair"
        if chairs > 1:
            errors["officers"] = _("Chỉ có một Chủ tịch.")
        elif full and chairs == 0 and not listed:
            errors["officers"] = _("Hãy nhập Chủ tịch công đoàn được bầu.")
    elif full and not listed:
        errors["officers"] = _("Hãy nhập Chủ tịch công đoàn được bầu.")
    for name, message in check_people(values, campaign, unit, full=full).items():
        errors.setdefault(name, message)

    warnings.extend(_guidance(values, campaign, unit))
    return errors, warnings


def _guidance(values: dict[str, Any], campaign, unit) -> list[str]:
    """Quorum and the size rule table: flagged for the reviewer, never blocking."""
    out = []
    v = values.get
    summoned, present = v("summoned"), v("present")
    if summoned and present is not None and present * QUORUM_SHARE[1] < summoned * QUORUM_SHARE[0]:
        out.append(_(
            "Đại hội chưa đủ số lượng: có mặt %(present)s/%(summoned)s người được triệu tập, dưới hai phần ba.",
            present=format_number(present), summoned=format_number(summoned),
        ))
    rule = SIZE_RULES.get(unit.level)
    size = v("executive_size")
    if rule and size:
        if not rule.executive_min <= size <= rule.executive_max:
            out.append(_(
                "Số ủy viên BCH (%(size)s) ngoài khoảng hướng dẫn %(min)s–%(max)s đối với cấp này.",
                size=size, min=rule.executive_min, max=rule.executive_max,
            ))
        standing = v("standing_size")
        if standing:
            if size < rule.standing_min_executive:
                out.append(_(
                    "Chỉ bầu Ban Thường vụ khi BCH có từ %(min)s ủy viên trở lên.", min=rule.standing_min_executive
                ))
            elif standing > size * rule.standing_max_share:
                out.append(_("Số ủy viên BTV không nên quá một phần ba số ủy viên BCH."))
    inspection = v("inspection_size")
    if rule and inspection and not rule.inspection_min <= inspection <= rule.inspection_max:
        out.append(_(
            "Số ủy viên UBKT (%(size)s) ngoài khoảng hướng dẫn %(min)s–%(max)s.",
            size=inspection, min=rule.inspection_min, max=rule.inspection_max,
        ))
    planned, held = v("planned_date"), v("held_date")
    deadline = campaign.deadline_for(unit.level)
    if held and held > deadline:
        out.append(_("Đại hội tổ chức sau hạn chót %(deadline)s.", deadline=format_date(deadline)))
    elif planned and not held and planned > deadline:
        out.append(_("Ngày dự kiến sau hạn chót %(deadline)s của cấp này.", deadline=format_date(deadline)))
    return out


_FORM_ORDER = {name: i for i, name in enumerate((*PLAN_FIELDS, *RESULT_FIELDS[:-5], "officers", "members",
                                                 "delegates", "recommendations", *RESULT_FIELDS[-5:]))}
_ROW_COLUMN_LABELS = {"officers": OFFICER_COLUMN_LABELS, "recommendations": RECOMMENDATION_COLUMN_LABELS,
                      "members": MEMBER_COLUMN_LABELS, "delegates": DELEGATE_COLUMN_LABELS}


def field_label(name: str) -> str:
    """The label of an error's key: a field, or a row's column ("Kiến nghị, đề xuất – dòng 2: Nội dung")."""
    key, _sep, rest = name.partition("-")
    if rest and key in ROW_KEYS:
        index, _sep, column = rest.partition("-")
        columns = _ROW_COLUMN_LABELS[key]
        return _("%(rows)s – dòng %(number)s: %(column)s", rows=FIELD_LABELS[key], number=int(index) + 1,
                 column=columns.get(column) or _("mã dòng"))
    return str(FIELD_LABELS.get(name, name))


def problem_list(errors: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, label, message) of each error, in the order of the form: what a page lists above the form."""
    def order(name: str) -> tuple[int, int, str]:
        key, _sep, rest = name.partition("-")
        index = rest.partition("-")[0]
        return _FORM_ORDER.get(key, 999), int(index) if index.isdigit() else -1, name

    return [(name, field_label(name), errors[name]) for name in sorted(errors, key=order)]


def validate_report(data: dict, campaign, unit, *, full: bool) -> tuple[dict[str, str], list[str]]:
    """(errors by field, warnings) of raw or typed report data; `full` is the submit check."""
    values, errors = parse_report(data)
    rule_errors, warnings = check_report(values, campaign, unit, full=full)
    for name, message in rule_errors.items():
        errors.setdefault(name, message)
    return errors, warnings
