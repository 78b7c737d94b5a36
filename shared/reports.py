"""Congress reports: lookup within scope, the save of a draft (and of a draft sent at once), snapshots of
every version."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified, set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from shared import audit, clock, people
from shared.errors import Conflict, DomainError, Forbidden
from shared.i18n import N_, _
from shared.models import (
    Campaign,
    CongressReport,
    Delegate,
    ElectedMember,
    Officer,
    Recommendation,
    ReportStatusChange,
    ReportVersion,
    Unit,
    User,
)
from shared.validation import (
    DELEGATE_KEYS,
    MEMBER_KEYS,
    OFFICER_KEYS,
    PLAN_FIELDS,
    RECOMMENDATION_KEYS,
    RESULT_FIELDS,
    SUM_FIELDS,
    check_report,
    derive_totals,
    parse_report,
    validate_report,
)

EDITABLE_FIELDS = PLAN_FIELDS + RESULT_FIELDS


def _json(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def snapshot(report: CongressReport) -> dict[str, Any]:
    """Everything a unit reported, JSON-ready: what versions store and diffs compare."""
    data = {name: _json(getattr(report, name)) for name in EDITABLE_FIELDS}
    data["status"] = report.status
    # Rows carry their id: diffs and the audit trail match rows by it, and the API hands it back to clients.
    data["officers"] = [
        {"id": o.id, "role": o.role, "full_name": o.full_name, "gender": o.gender, "vote_pct": _json(o.vote_pct)}
        for o in sorted(report.officers, key=lambda o: o.position)
    ]
    data["members"] = [
        {"id": m.id, "full_name": m.full_name, "gender": m.gender, "birth_year": m.birth_year,
         "ethnic_minority": m.ethnic_minority, "party_member": m.party_member, "reelected": m.reelected,
         "in_planning_pool": m.in_planning_pool, "positions": m.position_codes, "chair_elected": m.chair_elected,
         "votes": m.votes}
        for m in sorted(report.members, key=lambda m: m.position)
    ]
    data["delegates"] = [
        {"id": d.id, "full_name": d.full_name, "gender": d.gender, "birth_year": d.birth_year, "title": d.title,
         "kind": d.kind, "ex_officio": d.ex_officio}
        for d in sorted(report.delegates, key=lambda d: d.position)
    ]
    data["recommendations"] = [
        {
            "id": r.id,
            "topic": r.topic,
            "text": r.text,
            "addressed_to": r.addressed_to,
            "status": r.status,
            "resolution_note": r.resolution_note,
        }
        for r in sorted(report.recommendations, key=lambda r: (r.id is None, r.id or 0))
    ]
    return data


def record_version(
    session: Session, report: CongressReport, user: User | None, *, data: dict[str, Any] | None = None,
    fresh: bool = False,
) -> ReportVersion:
    """Store the report as it now stands under its current version number (flushes first).

    `data` is the report's snapshot when the caller already has it. `fresh` says the caller's own flush
    has just raised the report to this version number: that UPDATE matched the previous number and now
    holds the row, so no version row can have this number yet (a writer that stored one would have
    raised the report first, and our UPDATE would have failed) and the lookup of an existing one (and
    the flush before it) is skipped; the row is then inserted at once, on the session's connection (an
    append-only row needs none of the unit of work's bookkeeping), and the object returned is not added."""
    data = snapshot(report) if data is None else data
    if not fresh:
        session.flush()
        existing = session.scalar(
            select(ReportVersion).where(
                ReportVersion.report_id == report.id, ReportVersion.version == report.version
            )
        )
        if existing is not None:
            existing.data = data
            return existing
    version = ReportVersion(
        report_id=report.id,
        version=report.version,
        data=data,
        created_at=clock.now(),
        user_id=user.id if user else None,
    )
    if fresh:
        session.connection().execute(_INSERT_VERSION, {
            "report_id": version.report_id, "version": version.version, "data": version.data,
            "created_at": version.created_at, "user_id": version.user_id})
        return version
    session.add(version)
    return version


_INSERT_VERSION = ReportVersion.__table__.insert()


def get_report(session: Session, campaign: Campaign, unit: Unit) -> CongressReport | None:
    return session.scalar(_REPORT_OF_UNIT, {"campaign_id": campaign.id, "unit_id": unit.id})


# Statements of every save and send, built once (building one costs about as much as running it).
_REPORT_OF_UNIT = select(CongressReport).where(
    CongressReport.campaign_id == bindparam("campaign_id"), CongressReport.unit_id == bindparam("unit_id")
)


def get_or_create_report(
    session: Session, campaign: Campaign, unit: Unit, user: User | None
) -> CongressReport:
    """The unit's report for the campaign; a new draft (with its first history row) if none."""
    report = get_report(session, campaign, unit)
    if report is not None:
        return report
    return create_report(session, campaign, unit, user)


def create_report(session: Session, campaign: Campaign, unit: Unit, user: User | None) -> CongressReport:
    """A new draft of the unit's report (with its first history row), for a caller that has just looked
    and found none: a concurrent creation fails the flush on uq_report_campaign_unit (IntegrityError)."""
    report = new_report(session, campaign, unit, user)
    session.flush()
    record_creation(session, report, user)
    return report


def new_report(session: Session, campaign: Campaign, unit: Unit, user: User | None) -> CongressReport:
    """A new draft of the unit's report, added to the session but not flushed: a first save fills it in
    and inserts it whole, in one statement. record_creation writes its first history row once it is stored."""
    now = clock.now()
    report = CongressReport(
        # The keys as well as the objects: rows added before the flush copy them (a recommendation's own).
        campaign=campaign, unit=unit, campaign_id=campaign.id, unit_id=unit.id,
        status="draft", created_at=now, updated_at=now, updated_by_id=user.id if user else None,
        # The column defaults, set now: the snapshot taken before the first save (the audit trail's "before")
        # reads them as a stored new draft has them.
        is_pilot=False, meeting_mode="in_person",
    )
    # A new report has no rows yet: known empty, so reading them does not query the database. Set as loaded,
    # not as changes: the flush then has nothing to do for the relationships a save leaves empty.
    for name in ("officers", "recommendations", "attachments", "members", "delegates"):
        set_committed_value(report, name, [])
    set_committed_value(report, "decision", None)
    session.add(report)
    return report


def record_creation(session: Session, report: CongressReport, user: User | None) -> None:
    """The first history row of a report just inserted: created as a draft, at the version it was stored with."""
    record_status_change(session, ReportStatusChange(
        report_id=report.id, changed_at=report.created_at, user_id=user.id if user else None,
        from_status=None, to_status="draft", version=report.version,
    ), report.unit_id)


def record_status_change(session: Session, change: ReportStatusChange, unit_id: int) -> ReportStatusChange:
    """Write a report's status change (of a report of `unit_id` already stored) at once, on the session's
    connection: an append-only row needs none of the unit of work's bookkeeping. Its unit's data version is
    renewed at commit (shared.data_versions). The object returned is not added to the session."""
    from shared import data_versions

    session.connection().execute(_INSERT_STATUS_CHANGE, {
        "report_id": change.report_id, "changed_at": change.changed_at, "user_id": change.user_id,
        "from_status": change.from_status, "to_status": change.to_status, "reason": change.reason,
        "version": change.version})
    data_versions.note_units(session, (unit_id,))
    return change


_INSERT_STATUS_CHANGE = ReportStatusChange.__table__.insert()


def update_report(session: Session, report: CongressReport, values: dict[str, Any]) -> bool:
    """Write `values` (columns of the report's own row) and the next version number in one UPDATE on the
    session's connection, if the row still has the version this session read (the optimistic lock the
    ORM's flush applies); the object then holds them as stored. False, and nothing written, when another
    transaction has changed the report since. Changes already pending in the session are flushed first.

    For writes of the report's own columns (a workflow transition): the unit of work's flush of a report
    costs many times this statement, as it examines each of the report's relationships."""
    session.flush()  # nothing pending: no statement
    version = report.version
    values = {**values, "version": version + 1}
    stmt = _update_statement(tuple(sorted(values)))
    result = session.connection().execute(stmt, {**values, "_id": report.id, "_version": version})
    if result.rowcount != 1:
        return False
    for key, value in values.items():
        set_committed_value(report, key, value)
    return True


@lru_cache(maxsize=None)
def _update_statement(columns: tuple[str, ...]):
    table = CongressReport.__table__
    return (table.update()
            .where(table.c.id == bindparam("_id"), table.c.version == bindparam("_version"))
            .values({name: bindparam(name) for name in columns}))


def campaigns_newest_open_first(session: Session) -> list[Campaign]:
    return list(session.scalars(_NEWEST_OPEN_FIRST))


def current_campaign(session: Session) -> Campaign | None:
    """The newest open campaign (the one pages show unless another is chosen)."""
    return session.scalar(_CURRENT)


_NEWEST_OPEN_FIRST = select(Campaign).order_by(Campaign.closed, Campaign.start_date.desc(), Campaign.id.desc())
_CURRENT = _NEWEST_OPEN_FIRST.limit(1)


@dataclass
class Saved:
    """What a save did: the report as stored, the contradictions it holds (they block sending, not
    saving; keyed like the form's fields), the guidance warnings, and whether it was also sent."""

    report: CongressReport
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sent: bool = False
    # The stored id of each row given, in the order given (a form that saves as it is typed carries them
    # from then on, so that its next save updates these rows instead of adding them again).
    row_ids: dict[str, list[int]] = field(default_factory=dict)
    # The report's snapshot as this save stored it (its version row's data), for a caller that shows it.
    data: dict[str, Any] | None = None


@dataclass
class Known:
    """What a batch of saves (the results import) has read for all its units at once, so that each save
    skips its own lookups: the units' reports by unit id (a unit missing here has none; a save that
    creates one adds it) and the units that have an account of their own (shared.workflow.reports_for)."""

    reports: dict[int, CongressReport]
    with_account: set[int]


@dataclass
class Preview:
    """What a save would do, worked out without writing: why it is refused (who, when), the input that cannot
    be stored, and (when neither) the contradictions (`problems`; with `full`, what sending needs) and
    warnings of the report as it would then stand. `values`: the typed input."""

    refusal: str | None = None
    unstorable: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.refusal is None and not self.unstorable and not self.problems


_STALE = N_("Báo cáo đã được người khác thay đổi sau khi bạn mở. Hãy xem phiên bản hiện tại.")
_CREATED_MEANWHILE = N_("Báo cáo vừa được tạo ở nơi khác. Hãy xem phiên bản hiện tại.")


def save_draft(
    session: Session, campaign: Campaign, unit: Unit, user: User, data: dict[str, Any],
    expected_version: int | None, *, known: Known | None = None,
) -> Saved:
    """Save what a unit typed as its draft ("Lưu nháp", the API's PUT): only the fields given change.

    Every rule of a save, in this order:
    - who and when (shared.workflow.edit_refusal): a closed campaign, someone who does not write this
      unit's report, a report no longer editable: Forbidden, nothing changes;
    - the version: `expected_version` is the version the user's form or client saw, None when it saw no
      report (a form opened before the report existed). A report that exists with another version, or
      exists although the user saw none, is a Conflict carrying the current report; so is a first save
      that another request made between our look and our insert (the unique key on campaign and unit);
    - input that cannot be stored at all (shared.validation.parse_report), or a row id that is not a row
      of this report: DomainError with the fields, nothing changes;
    - everything else is saved, contradictions included: the returned `errors` are what must be fixed
      before sending (the submit check is the full check), `warnings` the guidance flags.

    A save by someone outside the unit (shared.workflow.reports_for: entry on the unit's behalf) marks the
    report "entered by" them; a save by the unit's own officer clears the mark. `known`: what a batch
    of saves has already read (the units' reports and accounts), instead of a lookup per save.

    A failed flush (a concurrent write) has ended the transaction: it is rolled back here, to read the
    current report for the Conflict; the caller commits on success.
    """
    from shared import workflow  # workflow imports this module (record_version, snapshot)

    report = known.reports.get(unit.id) if known is not None else get_report(session, campaign, unit)
    has_account = unit.id in known.with_account if known is not None else None
    # Guards in the workflow's order: whose report (in an open campaign), then the version, then the state.
    # A save based on a version that another client has since sent (submitted) is a stale save (409, with
    # the current report), not a refusal to edit: the client learns what happened instead of "forbidden".
    refusal = workflow.edit_refusal(user, campaign, unit, report, has_account=has_account, state=False)
    if refusal:
        raise Forbidden(refusal)
    if report is not None:
        if expected_version is None:
            raise Conflict(_(_CREATED_MEANWHILE), current=report)
        workflow.check_version(report, expected_version)
        refusal = workflow.edit_refusal(user, campaign, unit, report, has_account=has_account)
        if refusal:
            raise Forbidden(refusal)
    values, errors = _read_input(report, data)
    if errors:
        raise DomainError(_("Chưa lưu: có ô không lưu được, hãy sửa các ô được đánh dấu."), fields=errors)
    created = report is None
    if created:  # inserted by the flush below, filled in: one statement, not an empty row then an update
        report = new_report(session, campaign, unit, user)

    before = snapshot(report)
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(report, name, values[name])
    rows: dict[str, list] = {}
    if "officers" in values:
        rows["officers"] = _sync_officers(report, values["officers"])
    if "recommendations" in values:
        rows["recommendations"] = _sync_recommendations(report, values["recommendations"])
    if "members" in values:
        _sync_people(report, report.members, ElectedMember, values["members"], MEMBER_KEYS)
    if "delegates" in values:
        _sync_people(report, report.delegates, Delegate, values["delegates"], DELEGATE_KEYS)
    people.apply_counts(report)  # a list's figures replace whatever counts were typed (also when the date moved)
    now = clock.now()
    if report.planned_date is not None and report.planned_at is None:
        report.planned_at = now
    report.updated_at = now
    report.updated_by_id = user.id
    if workflow.on_behalf(user, unit.id):  # entered for the unit ("nhập thay"): said wherever the report is shown
        report.entered_by = user
    elif report.entered_by_id is not None:  # the unit's own officer has saved it: theirs again
        report.entered_by = None
        report.takeover_reason = None
    flag_modified(report, "updated_at")  # every save is a new version, also one that changed only rows
    version = report.version  # None for a new report
    try:
        session.flush()
    except StaleDataError:  # another request saved between our read and this write
        session.rollback()
        raise Conflict(_(_STALE), current=get_report(session, campaign, unit)) from None
    except IntegrityError:
        if not created:
            raise
        session.rollback()  # the failed INSERT ended the transaction
        current = get_report(session, campaign, unit)
        if current is None:  # not the unique key on (campaign, unit): not ours to explain
            raise
        raise Conflict(_(_CREATED_MEANWHILE), current=current) from None
    if created:
        record_creation(session, report, user)
        if known is not None:
            known.reports[unit.id] = report
    after = snapshot(report)
    record_version(session, report, user, data=after, fresh=report.version != version)
    changes = audit.diff(before, after)
    for key in PEOPLE_FIELDS:  # personal data: the trail names the rows that changed, the versions hold them
        if key in changes:
            changes[key] = people.row_id_changes(before.get(key), after.get(key))
    audit.record(session, user, "report.save", "congress_report", report.id, unit_id=report.unit_id,
                 changes=changes)
    session.flush()
    problems, warnings = validate_report(after, campaign, unit, full=False)
    return Saved(report, problems, warnings, row_ids={key: [row.id for row in kept] for key, kept in rows.items()},
                 data=after)


def save_and_submit(
    session: Session, campaign: Campaign, unit: Unit, user: User, data: dict[str, Any],
    expected_version: int | None, *, known: Known | None = None,
) -> Saved:
    """"Gửi báo cáo": save what was typed (save_draft, every rule of a save), then send it if the full
    check passes. The draft is saved either way; `sent` says whether it went, `errors` what stops it."""
    from shared import workflow

    saved = save_draft(session, campaign, unit, user, data, expected_version, known=known)
    errors, warnings = report_problems(saved.report, full=True)
    if errors:
        return Saved(saved.report, errors, warnings)
    workflow.submit(session, saved.report, user, expected_version=saved.report.version,
                    has_account=unit.id in known.with_account if known is not None else None)
    return Saved(saved.report, {}, warnings, sent=True)


def preview_save(
    campaign: Campaign, unit: Unit, user: User, data: dict[str, Any], report: CongressReport | None, *,
    full: bool = False, has_account: bool | None = None,
) -> Preview:
    """What save_draft (with `full`: save_and_submit) would do with `data` over `report` (None: the unit
    has none), by the same rules and without writing: the refusal of shared.workflow.edit_refusal, the
    unstorable input of parse_report (and row ids), then check_report on the report as it would stand.
    The results import checks every row with it before writing any."""
    from shared import workflow

    refusal = workflow.edit_refusal(user, campaign, unit, report, has_account=has_account)
    values, unstorable = _read_input(report, data)
    if refusal or unstorable:
        return Preview(refusal=refusal, unstorable=unstorable, values=values)
    after = {**(snapshot(report) if report is not None else {}), **values}
    problems, warnings = validate_report(after, campaign, unit, full=full)
    return Preview(problems=problems, warnings=warnings, values=values)


def _read_input(report: CongressReport | None, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The typed values a save writes from raw input, and the input that cannot be stored (by field)."""
    values, errors = parse_report(data)
    values = {k: v for k, v in values.items() if k in EDITABLE_FIELDS or k in ROW_FIELDS}
    _check_row_ids(report, values, errors)
    if not errors and any(name in values for name in SUM_FIELDS):
        values = derive_totals({name: getattr(report, name) for name in SUM_FIELDS} if report is not None else {}, values)
    return values, errors


def report_problems(report: CongressReport, *, full: bool = False) -> tuple[dict[str, str], list[str]]:
    """(errors, warnings) of a stored report: its contradictions, or with `full` the submit check (what
    must be fixed before it can be sent); row errors are keyed by the rows' stored order."""
    return validate_report(snapshot(report), report.campaign, report.unit, full=full)


ROW_FIELDS = ("officers", "recommendations", "members", "delegates")
PEOPLE_FIELDS = ("members", "delegates")


def _check_row_ids(report: CongressReport | None, values: dict[str, Any], errors: dict[str, str]) -> None:
    """A row carrying an id updates that row: it must be one of this report's rows, and named once."""
    for key in ROW_FIELDS:
        if key not in values:
            continue
        own = {row.id for row in getattr(report, key)} if report is not None else set()
        seen: set[int] = set()
        for i, row in enumerate(values[key]):
            row_id = row.get("id")
            if row_id is None:
                continue
            if row_id not in own or row_id in seen:
                errors[f"{key}-{i}-id"] = _("Dòng này không thuộc báo cáo (có thể đã bị xóa); hãy tải lại trang.")
            seen.add(row_id)


def _sync_officers(report: CongressReport, rows: list[dict[str, Any]]) -> list[Officer]:
    """Rows are matched by their id (checked: this report's): kept ones are updated, new ones added, the
    ones left out removed. The order typed is the order kept. Returns the rows in that order."""
    by_id = {officer.id: officer for officer in report.officers}
    kept = []
    for position, row in enumerate(rows):
        officer = by_id.pop(row["id"]) if row.get("id") is not None else None
        if officer is None:
            officer = Officer()
            report.officers.append(officer)
        officer.position = position
        for key in OFFICER_KEYS:
            setattr(officer, key, row.get(key))
        kept.append(officer)
    for officer in by_id.values():
        report.officers.remove(officer)
    return kept


def _sync_people(report: CongressReport, rows_now: list, model, rows: list[dict[str, Any]], keys) -> None:
    """Members or delegates, matched by id like the officers: a person keeps their id whatever rows around
    them are added or removed; the order typed is the order kept."""
    by_id = {row.id: row for row in rows_now}
    for position, row in enumerate(rows):
        person = by_id.pop(row["id"]) if row.get("id") is not None else None
        if person is None:
            person = model()
            rows_now.append(person)
        person.position = position
        for key in keys:
            value = row.get(key)
            if key == "positions":
                value = ",".join(value or [])
            elif key in BOOL_KEYS:
                value = bool(value)
            if getattr(person, key) != value:
                setattr(person, key, value)
    for person in by_id.values():
        rows_now.remove(person)


BOOL_KEYS = ("ethnic_minority", "party_member", "reelected", "in_planning_pool", "ex_officio")


def _sync_recommendations(report: CongressReport, rows: list[dict[str, Any]]) -> list[Recommendation]:
    """Matched by id like the officers. Only what the unit writes changes (topic, text, addressee): a
    row keeps its id, its follow-up status and note and their history, whatever rows around it go.
    Returns the rows in the order given."""
    by_id = {rec.id: rec for rec in report.recommendations}
    kept = []
    for row in rows:
        rec = by_id.pop(row["id"]) if row.get("id") is not None else None
        if rec is None:
            rec = Recommendation(campaign_id=report.campaign_id, unit_id=report.unit_id, status="open")
            report.recommendations.append(rec)
        for key in RECOMMENDATION_KEYS:
            if getattr(rec, key) != row.get(key):  # an unchanged row is not rewritten (nor its version)
                setattr(rec, key, row.get(key))
        kept.append(rec)
    for rec in by_id.values():
        report.recommendations.remove(rec)
    return kept


def report_warnings(report: CongressReport) -> list[str]:
    """Quorum and size-rule warnings of a stored report (what the review queue flags)."""
    values: dict[str, Any] = {name: getattr(report, name) for name in EDITABLE_FIELDS}
    _errors, warnings = check_report(values, report.campaign, report.unit, full=False)
    return warnings
