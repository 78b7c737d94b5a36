"""Party bodies' level reports to Ban Dân vận: the checklist, the workflow, the DOCX draft
pre-filled from the live figures of the body's scope.

Workflow: (not started) -> draft -> submitted -> acknowledged, or submitted -> returned (reason)
-> submitted. Functions check role, scope, state and version, audit, notify and flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload

from shared import audit, clock, docx_layout, emulation, i18n, notifications, steering
from shared.errors import Conflict, DomainError, InvalidTransition, NotFound
from shared.i18n import N_, _, lazy_gettext
from shared.models import (
    LEVEL_LABELS,
    LEVEL_ORDER,
    LEVEL_REPORT_STATUS_LABELS,
    Campaign,
    CongressReport,
    LevelReport,
    PartyBody,
    Recommendation,
    StoredFile,
    Unit,
    User,
)
from shared.parsing import parse_version
from shared.progress import Counts, day_end, deadline_of, progress_by_level, state_conditions
from shared.text import clean_text, format_date, format_number, format_percent
from shared.units import ancestors, in_subtree, is_within
from shared.vocabulary import REC_STATUS_LABELS, TOPIC_LABELS

AUTHOR_ROLES = ("party_committee",)
RECEIVER_ROLES = ("coordinator", "admin")
NARRATIVE_FIELDS = ("assessment", "shortcomings", "lessons", "proposals")
NARRATIVE_LABELS = {
    "assessment": lazy_gettext("Đánh giá chung"),
    "shortcomings": lazy_gettext("Hạn chế, khuyết điểm và nguyên nhân"),
    "lessons": lazy_gettext("Bài học kinh nghiệm"),
    "proposals": lazy_gettext("Đề xuất, kiến nghị"),
}
PERSONNEL_FIELDS = (
    "executive_size", "executive_women", "executive_young", "executive_party", "executive_ethnic_minority",
    "executive_reelected", "executive_new", "executive_from_plan", "fulltime_not_reelected_age",
)
PERSONNEL_LABELS = {
    "executive_size": lazy_gettext("Tổng số ủy viên Ban Chấp hành"),
    "executive_women": lazy_gettext("Nữ"),
    "executive_young": lazy_gettext("Trẻ tuổi"),
    "executive_party": lazy_gettext("Đảng viên"),
    "executive_ethnic_minority": lazy_gettext("Dân tộc thiểu số"),
    "executive_reelected": lazy_gettext("Tái cử"),
    "executive_new": lazy_gettext("Tham gia lần đầu"),
    "executive_from_plan": lazy_gettext("Trong quy hoạch, đề án nhân sự"),
    "fulltime_not_reelected_age": lazy_gettext("Cán bộ chuyên trách không tái cử do tuổi"),
}


def clean_multiline(value: str | None, max_length: int) -> str:
    """NFC, trimmed lines, at most one blank line in a row: paragraphs survive (clean_text would join them)."""
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", value or "").splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if len(text) > max_length:
        raise ValueError(_("Không được dài quá %(max)s ký tự.", max=max_length))
    return text


# ---- who sees what -----------------------------------------------------------------------


def bodies_visible_to(user: User):
    """A party committee sees its own body; Ban Dân vận (and admins) every body in their scope."""
    stmt = select(PartyBody).join(Unit, Unit.id == PartyBody.unit_id)
    if user.role in AUTHOR_ROLES:
        return stmt.where(PartyBody.unit_id == user.unit_id)
    if user.role in RECEIVER_ROLES:
        return stmt.where(in_subtree(user.unit.path))
    return stmt.where(literal(False))


def get_visible_body(session: Session, user: User, body_id: int) -> PartyBody | None:
    return session.scalar(bodies_visible_to(user).where(PartyBody.id == body_id))


def own_body(session: Session, user: User) -> PartyBody | None:
    if user.role not in AUTHOR_ROLES:
        return None
    return session.scalar(select(PartyBody).where(PartyBody.unit_id == user.unit_id))


def get_report(session: Session, campaign: Campaign, body: PartyBody) -> LevelReport | None:
    return session.scalar(
        select(LevelReport).where(LevelReport.campaign_id == campaign.id, LevelReport.party_body_id == body.id)
    )


def due_date(campaign: Campaign, body: PartyBody) -> dt.date:
    """The level's congress deadline plus the campaign's grace period."""
    return campaign.deadline_for(body.level) + dt.timedelta(days=campaign.level_report_grace_days)


# ---- the checklist -----------------------------------------------------------------------


@dataclass
class ChecklistRow:
    body: PartyBody
    report: LevelReport | None
    due: dt.date
    today: dt.date

    @property
    def status(self) -> str:
        return self.report.status if self.report else "not_started"

    @property
    def status_label(self) -> str:
        return LEVEL_REPORT_STATUS_LABELS[self.status]

    @property
    def received(self) -> bool:
        return self.status in ("submitted", "acknowledged")

    @property
    def late(self) -> bool:
        """Submitted after the due date, or still not received once it has passed."""
        if self.report and self.report.submitted_at and self.received:
            return self.report.submitted_at.date() > self.due
        return self.today > self.due


@dataclass
class ChecklistCounts:
    expected: int = 0
    not_started: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    acknowledged: int = 0

    @property
    def received(self) -> int:
        return self.submitted + self.acknowledged

    @property
    def phrase(self) -> str:
        return _("Báo cáo cấp ủy đã nhận: %(received)s/%(expected)s", received=self.received, expected=self.expected)


def checklist(session: Session, campaign: Campaign, user: User) -> list[ChecklistRow]:
    """Every expected level report in the user's view: the federation delegation first, then by name."""
    rows = session.execute(
        bodies_visible_to(user)
        .add_columns(LevelReport)
        .outerjoin(LevelReport, and_(LevelReport.party_body_id == PartyBody.id, LevelReport.campaign_id == campaign.id))
        .options(joinedload(PartyBody.unit))
        .order_by(Unit.level.desc(), Unit.path)
    ).all()
    today = clock.today()
    return [ChecklistRow(body, report, due_date(campaign, body), today) for body, report in rows]


def status_as_of(as_of: dt.date | None):
    """A level report's checklist status at the end of `as_of` (now when None), from its own dates:
    not started before it was created, a draft until it was submitted, then returned or acknowledged
    once reviewed by that day. A report sent back and submitted again after the day reads as a draft
    on that day (only the latest submission is dated)."""
    if as_of is None:
        return func.coalesce(LevelReport.status, "not_started")
    end = day_end(as_of)
    R = LevelReport
    return case(
        (or_(R.id.is_(None), R.created_at >= end), "not_started"),
        (or_(R.submitted_at.is_(None), R.submitted_at >= end), "draft"),
        (and_(R.status.in_(("acknowledged", "returned")), R.reviewed_at < end), R.status),
        else_="submitted",
    )


def checklist_counts(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date | None = None) -> ChecklistCounts:
    """'Level reports received: 11/16' for the bodies in `scope`'s subtree, now or as of a day, in one
    GROUP BY."""
    status = status_as_of(as_of)
    rows = session.execute(
        select(status, func.count(PartyBody.id))
        .select_from(PartyBody)
        .outerjoin(LevelReport, and_(LevelReport.party_body_id == PartyBody.id, LevelReport.campaign_id == campaign.id))
        # The few party bodies drive, each one's unit checked by its key: joined instead, SQLite would walk
        # every unit of the subtree (32,000 for a big province, on every coordinator's home page).
        .where(exists().where(Unit.id == PartyBody.unit_id, in_subtree(scope.path)))
        .group_by(status)
    )
    out = ChecklistCounts()
    for name, count in rows:
        setattr(out, name, getattr(out, name) + int(count))
        out.expected += int(count)
    return out


# ---- the workflow ------------------------------------------------------------------------


def _check_version(report: LevelReport, expected: int | str | None) -> None:
    expected = parse_version(expected)  # the form's hidden field: a mangled one is a stale one (409)
    if expected is not None and expected != report.version:
        raise Conflict(_("Báo cáo vừa được người khác cập nhật; hãy xem bản mới nhất rồi thao tác lại."), current=report)


def _check_author(user: User, body: PartyBody) -> None:
    if user.role not in AUTHOR_ROLES or body.unit_id != user.unit_id:
        raise NotFound(_("Không tìm thấy báo cáo."))


def _check_receiver(user: User, body: PartyBody) -> None:
    if user.role not in RECEIVER_ROLES or not is_within(body.unit, user.unit):
        raise NotFound(_("Không tìm thấy báo cáo."))


def start(session: Session, user: User, campaign: Campaign, body: PartyBody) -> LevelReport:
    _check_author(user, body)
    report = get_report(session, campaign, body)
    if report is not None:
        return report
    now = clock.now()
    report = LevelReport(campaign_id=campaign.id, party_body_id=body.id, status="draft", created_at=now, updated_at=now, updated_by_id=user.id)
    session.add(report)
    session.flush()
    audit.record(session, user, "create", "level_report", report.id, unit_id=body.unit_id)
    return report


def _editable(report: LevelReport) -> None:
    if report.status not in ("draft", "returned"):
        raise InvalidTransition(_("Báo cáo đã gửi; chỉ sửa được khi Ban Dân vận yêu cầu chỉnh sửa."))


def save_narrative(session: Session, user: User, report: LevelReport, data: dict, expected_version: int | None) -> None:
    _check_author(user, report.party_body)
    _check_version(report, expected_version)
    _editable(report)
    errors, values = {}, {}
    for name in NARRATIVE_FIELDS:
        try:
            values[name] = clean_multiline(data.get(name), 20_000) or None
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise DomainError(_("Nội dung báo cáo chưa hợp lệ."), fields=errors)
    before = {n: getattr(report, n) for n in NARRATIVE_FIELDS}
    for name, value in values.items():
        setattr(report, name, value)
    report.updated_by_id = user.id
    session.flush()
    audit.record(session, user, "update", "level_report", report.id, unit_id=report.party_body.unit_id, changes=audit.diff(before, values))


def attach_scan(session: Session, user: User, report: LevelReport, stored: StoredFile) -> None:
    _check_author(user, report.party_body)
    _editable(report)
    report.scan_file_id = stored.id
    report.updated_by_id = user.id
    session.flush()
    audit.record(session, user, "attach", "level_report", report.id, unit_id=report.party_body.unit_id, changes={"scan": [None, stored.filename]})


def submit(session: Session, user: User, report: LevelReport, expected_version: int | None) -> None:
    _check_author(user, report.party_body)
    _check_version(report, expected_version)
    _editable(report)
    missing = {}
    if not report.assessment:
        missing["assessment"] = _("Hãy viết phần đánh giá chung trước khi gửi.")
    if report.scan_file_id is None:
        missing["scan"] = _("Hãy đính kèm bản scan (PDF) có chữ ký, đóng dấu.")
    if missing:
        raise DomainError(_("Báo cáo chưa đủ để gửi Ban Dân vận."), fields=missing)
    before = report.status
    report.status = "submitted"
    report.submitted_at = clock.now()
    report.submitted_by_id = user.id
    report.updated_by_id = user.id
    session.flush()
    audit.record(session, user, "submit", "level_report", report.id, unit_id=report.party_body.unit_id, changes={"status": [before, "submitted"]})
    _notify_receivers(session, report, N_("%(body)s đã gửi báo cáo kết quả đại hội cấp mình."), body=report.party_body.name)


def acknowledge(session: Session, user: User, report: LevelReport, expected_version: int | None) -> None:
    _check_receiver(user, report.party_body)
    _check_version(report, expected_version)
    if report.status != "submitted":
        raise InvalidTransition(_("Chỉ tiếp nhận được báo cáo đã gửi."))
    report.status = "acknowledged"
    report.reviewed_at = clock.now()
    report.reviewed_by_id = user.id
    report.return_reason = None
    session.flush()
    audit.record(session, user, "acknowledge", "level_report", report.id, unit_id=report.party_body.unit_id, changes={"status": ["submitted", "acknowledged"]})
    _notify_authors(session, report, N_("Ban Dân vận đã tiếp nhận báo cáo kết quả đại hội cấp mình."))


def request_correction(session: Session, user: User, report: LevelReport, reason: str | None, expected_version: int | None) -> None:
    _check_receiver(user, report.party_body)
    _check_version(report, expected_version)
    if report.status != "submitted":
        raise InvalidTransition(_("Chỉ yêu cầu chỉnh sửa được báo cáo đã gửi."))
    try:
        reason = clean_text(reason, 2000)
    except ValueError as exc:
        raise DomainError(_("Lý do chưa hợp lệ."), fields={"reason": str(exc)}) from None
    if not reason:
        raise DomainError(_("Hãy ghi lý do yêu cầu chỉnh sửa."), fields={"reason": _("Bắt buộc.")})
    report.status = "returned"
    report.return_reason = reason
    report.reviewed_at = clock.now()
    report.reviewed_by_id = user.id
    session.flush()
    audit.record(session, user, "return", "level_report", report.id, unit_id=report.party_body.unit_id, changes={"status": ["submitted", "returned"], "reason": [None, reason]})
    _notify_authors(session, report, N_("Ban Dân vận yêu cầu chỉnh sửa báo cáo kết quả đại hội: %(reason)s"), reason=reason)


def _link(report: LevelReport) -> str:
    return f"/party/level-reports/{report.party_body_id}?campaign={report.campaign_id}"


def _notify(session: Session, report: LevelReport, users, message: str, **params: str) -> None:
    """Each recipient reads the notification in the language of their own account (not the sender's):
    the stored text is translated per recipient when it is written."""
    by_language: dict[str, list[User]] = {}
    for user in users:
        by_language.setdefault(i18n.normalise_language(user.locale), []).append(user)
    for code, group in sorted(by_language.items()):
        text = i18n.translations(code).ugettext(message)
        notifications.notify(session, group, text % params if params else text, _link(report))


def _notify_authors(session: Session, report: LevelReport, message: str, **params: str) -> None:
    users = session.scalars(select(User).where(User.unit_id == report.party_body.unit_id, User.role.in_(AUTHOR_ROLES), User.active.is_(True)))
    _notify(session, report, users, message, **params)


def _notify_receivers(session: Session, report: LevelReport, message: str, **params: str) -> None:
    """Ban Dân vận staff whose scope holds the body (their unit is one of its ancestors)."""
    ancestor_ids = [int(s) for s in report.party_body.unit.path.rstrip("/").split("/")]
    users = session.scalars(select(User).where(User.unit_id.in_(ancestor_ids), User.role == "coordinator", User.active.is_(True)))
    _notify(session, report, users, message, **params)


# ---- the pre-filled draft ---------------------------------------------------------------


@dataclass
class Prefill:
    """The live figures of one body's scope that the DOCX draft carries."""

    campaign: Campaign
    body: PartyBody
    as_of: dt.date
    levels: dict[str, Counts]
    personnel: dict[str, dict[str, int]]  # level -> field -> sum (plus "reports")
    recommendations: list[tuple[str, str, int]]  # (topic, status, count)
    late_units: list[tuple[Unit, dt.date | None, dt.date]]  # (unit, held_date or None, deadline)
    emulation: emulation.EmulationTotals  # shared.emulation's rule: the register where itemised, else the reports
    steering_warnings: list[str] = field(default_factory=list)
    steering_members: int = 0
    places: list[str] = field(default_factory=list)  # names of the scope and its ancestors, root first


def personnel_totals(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date) -> dict[str, dict[str, int]]:
    """Sums of the elected committees' structure per level, congresses held by `as_of` (one GROUP BY)."""
    R = CongressReport
    rows = session.execute(
        select(Unit.level, func.count(R.id), *[func.coalesce(func.sum(getattr(R, f)), 0) for f in PERSONNEL_FIELDS])
        .join(Unit, Unit.id == R.unit_id)
        .where(R.campaign_id == campaign.id, R.held_date.is_not(None), R.held_date <= as_of, Unit.active.is_(True), in_subtree(scope.path))
        .group_by(Unit.level)
    )
    out = {}
    for level, reports, *sums in rows:
        out[level] = {"reports": int(reports), **{f: int(v) for f, v in zip(PERSONNEL_FIELDS, sums)}}
    return out


def recommendation_totals(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date | None = None,
) -> list[tuple[str, str, int]]:
    """(topic, status, count) of the recommendations in scope, by the dashboard's as-of rule."""
    from shared.dashboard import recommendation_counts

    counts = recommendation_counts(session, campaign, scope, as_of=as_of)
    return sorted((topic, status, n) for topic, by_status in counts.items() if topic != "total"
                  for status, n in by_status.items() if status != "total" and n)


def late_or_overdue(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, limit: int = 300):
    """Units that held their congress after the deadline, or have not held it and the deadline passed."""
    R = CongressReport
    state = state_conditions(campaign, as_of, R)
    rows = session.execute(
        select(Unit, R.held_date, deadline_of(campaign).label("deadline"))
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(Unit.active.is_(True), in_subtree(scope.path), or_(state["late"], state["overdue"]))
        .order_by(Unit.path)
        .limit(limit)
    ).all()
    return [(u, h if h is not None and h <= as_of else None, d) for u, h, d in rows]


def prefill(session: Session, campaign: Campaign, body: PartyBody, as_of: dt.date | None = None) -> Prefill:
    as_of = as_of or clock.today()
    scope = body.unit
    committee = steering.get(session, campaign, scope)
    return Prefill(
        campaign=campaign, body=body, as_of=as_of,
        levels=progress_by_level(session, campaign, scope, as_of),
        personnel=personnel_totals(session, campaign, scope, as_of),
        recommendations=recommendation_totals(session, campaign, scope, as_of),
        late_units=late_or_overdue(session, campaign, scope, as_of),
        emulation=emulation.totals(session, campaign, scope, as_of).get(None) or emulation.EmulationTotals(),
        steering_warnings=steering.warnings(committee),
        steering_members=len(committee.members) if committee else 0,
        places=[u.name for u in ancestors(session, scope)] + [scope.name],
    )


PROGRESS_COLUMNS = (
    ("expected", lazy_gettext("Phải tổ chức")), ("held", lazy_gettext("Đã đại hội")), ("on_time", lazy_gettext("Đúng hạn")),
    ("late", lazy_gettext("Trễ hạn")), ("overdue", lazy_gettext("Quá hạn chưa tổ chức")),
    ("pending", lazy_gettext("Chưa đến hạn")), ("pilots_held", lazy_gettext("Đại hội điểm")),
    ("approved", lazy_gettext("Báo cáo đã duyệt")),
)


PROGRESS_WIDTHS = (2.4, *[1.45] * len(PROGRESS_COLUMNS), 2.5)  # cm: 16,5 in all (the text width)
PERSONNEL_WIDTHS = (7.5, 4.5, 4.5)
TOPIC_WIDTHS = (7.0, 5.5, 4.0)


def _issuer(body: PartyBody, province: str) -> tuple[docx_layout.Issuer, list[str]]:
    """The body's header (Party layout) and who signs: a party committee's standing committee, or the
    federation's party delegation, both collective bodies signing through their secretary."""
    if body.kind == "federation_delegation":
        superior, capacity = _("TỈNH ỦY %(place)s", place=province.upper()), [_("T/M ĐẢNG ĐOÀN"), _("BÍ THƯ")]
    else:
        superior, capacity = _("ĐẢNG BỘ TỈNH %(place)s", place=province.upper()), [_("T/M BAN THƯỜNG VỤ"), _("BÍ THƯ")]
    return docx_layout.Issuer(superior=superior, name=body.name.upper(), number=_("Số:      -BC"), party=True), capacity


def draft_docx(data: Prefill, report: LevelReport | None) -> bytes:
    """The level report as a Word draft in the user's language, in the Party layout (header with the place
    of the body's scope in the date line, signature of the body): live figures, then the narrative written
    in the portal (python-docx needs real strings: labels go through str())."""
    layout = docx_layout
    names = data.places or [data.body.unit.name]
    province, place = layout.place_of(names[:1]), layout.place_of(names)
    issuer, capacity = _issuer(data.body, province)
    doc = layout.new_document()
    layout.header(doc, issuer, place, data.as_of)
    layout.title(doc, _("BÁO CÁO"),
                 _("Kết quả lãnh đạo, chỉ đạo đại hội công đoàn các cấp nhiệm kỳ %(term)s", term=data.campaign.term))
    layout.paragraph(doc, _("Kính gửi: Ban Thường vụ Tỉnh ủy (qua Ban Dân vận Tỉnh ủy)."), indent=False)
    layout.paragraph(doc, _("Phạm vi: %(scope)s. Số liệu tính đến ngày %(date)s.", scope=data.body.unit.name,
                            date=format_date(data.as_of)), indent=False)

    layout.heading(doc, _("I. Tiến độ tổ chức đại hội"))
    rows = [c for c in (data.levels[level] for level in LEVEL_ORDER) if c.expected]
    layout.table(
        doc, [_("Cấp"), *[label for _name, label in PROGRESS_COLUMNS], _("Hạn chót")],
        [[LEVEL_LABELS[c.level], *[format_number(getattr(c, name)) for name, _label in PROGRESS_COLUMNS],
          format_date(c.deadline)] for c in rows],
        PROGRESS_WIDTHS, size=10,
    )
    for c in rows:
        layout.paragraph(doc, 
            _("%(level)s: đã tổ chức %(held)s/%(expected)s đại hội (%(held_pct)s), trong đó %(pilots)s đại hội điểm; "
              "%(late)s trễ hạn, %(overdue)s quá hạn chưa tổ chức.",
              level=LEVEL_LABELS[c.level], held=format_number(c.held), expected=format_number(c.expected),
              held_pct=format_percent(c.held, c.expected), pilots=format_number(c.pilots_held),
              late=format_number(c.late), overdue=format_number(c.overdue)),
            style="List Bullet",
        )

    layout.heading(doc, _("II. Cơ cấu nhân sự Ban Chấp hành được bầu"))
    personnel_rows = []
    for f in PERSONNEL_FIELDS:
        cells = [PERSONNEL_LABELS[f]]
        for level in ("grassroots", "district"):
            sums = data.personnel.get(level, {})
            value = sums.get(f, 0)
            share = "" if f == "executive_size" else f" ({format_percent(value, sums.get('executive_size'))})"
            cells.append(format_number(value) + share)
        personnel_rows.append(cells)
    layout.table(doc, [_("Chỉ tiêu"), *[LEVEL_LABELS[l] for l in ("grassroots", "district")]], personnel_rows,
                 PERSONNEL_WIDTHS)

    layout.heading(doc, _("III. Kiến nghị, đề xuất của đoàn viên, người lao động"))
    if data.recommendations:
        layout.table(
            doc, [_("Lĩnh vực"), _("Tình trạng"), _("Số kiến nghị")],
            [[TOPIC_LABELS.get(topic, topic), REC_STATUS_LABELS.get(status, status), format_number(count)]
             for topic, status, count in data.recommendations],
            TOPIC_WIDTHS, text_columns=2,
        )
    else:
        layout.paragraph(doc, _("Chưa có kiến nghị được ghi nhận."))

    layout.heading(doc, _("IV. Đơn vị tổ chức trễ hạn hoặc quá hạn chưa tổ chức"))
    if data.late_units:
        for unit, held, deadline in data.late_units:
            params = dict(unit=unit.name, code=unit.code, deadline=format_date(deadline))
            if held:
                line = _("%(unit)s (%(code)s): tổ chức ngày %(held)s, hạn chót %(deadline)s.", held=format_date(held), **params)
            else:
                line = _("%(unit)s (%(code)s): chưa tổ chức, hạn chót %(deadline)s.", **params)
            layout.paragraph(doc, line, style="List Bullet")
    else:
        layout.paragraph(doc, _("Không có."))

    layout.heading(doc, _("V. Phong trào thi đua chào mừng đại hội"))
    e = data.emulation
    layout.paragraph(doc, _(
        "%(works)s công trình, sản phẩm chào mừng đại hội, tổng giá trị %(value)s đồng; %(exemplary)s điển hình tiên "
        "tiến được biểu dương, khen thưởng (trong danh sách kê khai: %(individuals)s cá nhân, %(collectives)s tập thể).",
        works=format_number(e.works), value=format_number(e.works_value_vnd), exemplary=format_number(e.exemplary),
        individuals=format_number(e.individuals), collectives=format_number(e.collectives),
    ))
    layout.heading(doc, _("VI. Ban Chỉ đạo đại hội"))
    layout.paragraph(doc, _("Ban Chỉ đạo gồm %(count)s thành viên.", count=format_number(data.steering_members)))
    for w in data.steering_warnings:
        layout.paragraph(doc, w, style="List Bullet")

    for i, name in enumerate(NARRATIVE_FIELDS):
        layout.heading(doc, f"{['VII', 'VIII', 'IX', 'X'][i]}. {NARRATIVE_LABELS[name]}")
        text = getattr(report, name, None) if report else None
        for para in (text or _("(Nội dung do cấp ủy soạn thảo trên hệ thống.)")).split("\n"):
            layout.paragraph(doc, para)
    layout.signature(doc, capacity, recipients=[_("Ban Thường vụ Tỉnh ủy (báo cáo)"), _("Ban Dân vận Tỉnh ủy"),
                                                _("Lưu Văn phòng.")])
    return layout.to_bytes(doc)
