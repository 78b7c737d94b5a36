"""Recommendations routed to the bodies that must answer them, and their answers: the register of addressee
bodies, routing (one or many at once, with a due date), answers (status, text, date, document number), the
follow-up history of each recommendation, the per-addressee counts of the dashboard and the consolidated list
forwarded to each addressee. The portal, the API and the exports call these; every query is scoped here.

Who does what:
- the register is kept by the administrators and the coordinators (Ban Dân vận);
- ROUTERS route the recommendations of their subtree to a body on their own line of the tree (a district
  federation: its district's People's Committee or a provincial body, never another district's), and record
  answers that arrive on paper;
- an `addressee` account (a People's Committee office...) reads and answers only the recommendations routed to
  its own body, whatever unit raised them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from shared import audit, clock, messages, notifications
from shared.errors import Conflict, DomainError, Forbidden, NotFound
from shared.i18n import N_, _
from shared.models import Addressee, Campaign, Recommendation, RecommendationChange, Unit, User
from shared.parsing import is_db_id, parse_date, parse_id, parse_version
from shared.progress import day_end
from shared.security import hash_password
from shared.text import clean_text, format_date, sort_key
from shared.units import in_subtree, is_within
from shared.vocabulary import (ADDRESSEE_KIND_LABELS, ANSWER_STATE_LABELS, REC_CHANGE_LABELS,  # noqa: F401
                               REC_STATUS_LABELS, TOPIC_LABELS)

ROUTERS = ("admin", "coordinator", "federation", "district")
REGISTER_MANAGERS = ("admin", "coordinator")
ACCOUNT_MAKERS = ("admin",)
ADDRESSEE_ROLE = "addressee"
# An answer says where the matter stands: being resolved, or resolved ("open" is what nobody answered yet).
ANSWER_STATUSES = ("in_progress", "resolved")
NAME_MAX, ANSWER_MAX, NUMBER_MAX = 200, 4000, 60
DEFAULT_DUE_DAYS = 30


def is_addressee(user: User) -> bool:
    return user.role == ADDRESSEE_ROLE


def can_route(user: User) -> bool:
    return user.role in ROUTERS


def can_manage_register(user: User) -> bool:
    return user.role in REGISTER_MANAGERS


def can_use(user: User) -> bool:
    """Who has the recommendations pages at all."""
    return can_route(user) or is_addressee(user)


# ---- scope ------------------------------------------------------------------------------------------


def _line_of(unit: Unit):
    """The unit and its ancestors: their paths are the prefixes of its own."""
    segments = unit.path.rstrip("/").split("/")
    return ["/".join(segments[:i]) + "/" for i in range(1, len(segments) + 1)]


def addressees_visible_to(user: User, *, active_only: bool = False) -> Select:
    """The bodies a user may route to, see and list: an addressee account only its own; the others the
    bodies sitting on their own line of the tree (a provincial body, their district's) or below it."""
    stmt = select(Addressee).join(Unit, Unit.id == Addressee.unit_id)
    if is_addressee(user):
        stmt = stmt.where(Addressee.id == (user.addressee_id or 0))
    else:
        stmt = stmt.where(or_(Unit.path.in_(_line_of(user.unit)), in_subtree(user.unit.path)))
    if active_only:
        stmt = stmt.where(Addressee.active.is_(True))
    return stmt.order_by(Addressee.kind, Addressee.name, Addressee.id)


def as_id(value) -> int | None:
    """An id from a form, a URL or JSON: an int a row can have, or digits; anything else None."""
    if isinstance(value, str):
        return parse_id(value)
    return value if is_db_id(value) else None


def get_visible_addressee(session: Session, user: User, addressee_id, *, active_only: bool = False) -> Addressee | None:
    addressee_id = as_id(addressee_id)
    if addressee_id is None:
        return None
    return session.scalars(addressees_visible_to(user, active_only=active_only).where(Addressee.id == addressee_id)).first()


def recommendations_visible_to(user: User, *columns) -> Select:
    """Recommendations (joined with their unit) a user may read here: an addressee account those routed to
    its body; a router those raised in its subtree; nobody else any."""
    stmt = select(*(columns or (Recommendation,))).select_from(Recommendation).join(Unit, Unit.id == Recommendation.unit_id)
    if is_addressee(user):
        return stmt.where(Recommendation.addressee_id == (user.addressee_id or 0))
    if can_route(user):
        return stmt.where(in_subtree(user.unit.path))
    return stmt.where(Recommendation.id.is_(None))


def get_visible_recommendation(session: Session, user: User, rec_id) -> Recommendation | None:
    rec_id = as_id(rec_id)
    if rec_id is None:
        return None
    return session.scalars(recommendations_visible_to(user).where(Recommendation.id == rec_id)).first()


# ---- the register -----------------------------------------------------------------------------------


def _register_fields(name, kind) -> tuple[str, str]:
    errors = {}
    try:
        name = clean_text(name, NAME_MAX)
    except ValueError as exc:
        errors["name"] = str(exc)
    else:
        if not name:
            errors["name"] = _("Hãy nhập tên cơ quan.")
    if kind not in ADDRESSEE_KIND_LABELS:
        errors["kind"] = _("Hãy chọn loại cơ quan.")
    if errors:
        raise DomainError(_("Chưa lưu được cơ quan; hãy xem các lỗi bên dưới."), fields=errors)
    return name, kind


def _name_taken(session: Session, unit_id: int, name: str, exclude: int | None = None) -> bool:
    stmt = select(Addressee.id).where(Addressee.unit_id == unit_id, Addressee.name == name)
    if exclude is not None:
        stmt = stmt.where(Addressee.id != exclude)
    return session.scalar(stmt) is not None


def create_addressee(session: Session, actor: User, *, name, kind, unit: Unit | None) -> Addressee:
    """A body of the register, sitting at `unit` (the province for provincial bodies, a district-level
    unit for its district's People's Committee and employers)."""
    if not can_manage_register(actor):
        raise Forbidden(_("Chỉ quản trị viên và Ban Dân vận quản lý danh mục cơ quan nhận kiến nghị."))
    if unit is None or not is_within(unit, actor.unit) or unit.level == "grassroots":
        raise DomainError(_("Chưa lưu được cơ quan; hãy xem các lỗi bên dưới."),
                          fields={"unit": _("Hãy chọn cấp tỉnh hoặc một đơn vị cấp huyện.")})
    name, kind = _register_fields(name, kind)
    if _name_taken(session, unit.id, name):
        raise DomainError(_("Chưa lưu được cơ quan; hãy xem các lỗi bên dưới."),
                          fields={"name": _("Đã có cơ quan tên này.")})
    body = Addressee(name=name, kind=kind, unit_id=unit.id, unit=unit, active=True, created_at=clock.now())
    session.add(body)
    session.flush()
    audit.record(session, actor, "addressee.create", "addressee", body.id, unit_id=unit.id,
                 changes={"name": [None, name], "kind": [None, kind]})
    session.flush()
    return body


def update_addressee(session: Session, actor: User, body: Addressee, *, name, kind, active: bool) -> Addressee:
    if not can_manage_register(actor):
        raise Forbidden(_("Chỉ quản trị viên và Ban Dân vận quản lý danh mục cơ quan nhận kiến nghị."))
    if get_visible_addressee(session, actor, body.id) is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    name, kind = _register_fields(name, kind)
    if _name_taken(session, body.unit_id, name, exclude=body.id):
        raise DomainError(_("Chưa lưu được cơ quan; hãy xem các lỗi bên dưới."),
                          fields={"name": _("Đã có cơ quan tên này.")})
    before = {"name": body.name, "kind": body.kind, "active": body.active}
    body.name, body.kind, body.active = name, kind, bool(active)
    changes = audit.diff(before, {"name": body.name, "kind": body.kind, "active": body.active})
    if changes:
        audit.record(session, actor, "addressee.update", "addressee", body.id, unit_id=body.unit_id, changes=changes)
    session.flush()
    return body


def register(session: Session, user: User) -> list[tuple[Addressee, int, int]]:
    """(body, accounts, recommendations routed to it) for the register page; one query."""
    accounts = (select(func.count(User.id)).where(User.addressee_id == Addressee.id, User.active.is_(True))
                .correlate(Addressee).scalar_subquery())
    routed = (select(func.count(Recommendation.id)).where(Recommendation.addressee_id == Addressee.id)
              .correlate(Addressee).scalar_subquery())
    stmt = addressees_visible_to(user).add_columns(accounts, routed).options(joinedload(Addressee.unit))
    return [tuple(r) for r in session.execute(stmt)]


def accounts_of(session: Session, body: Addressee) -> list[User]:
    return list(session.scalars(select(User).where(User.addressee_id == body.id).order_by(User.username)))


def create_addressee_account(
    session: Session, actor: User, body: Addressee, *, username, full_name: str = "", email: str | None = None,
    ip: str | None = None,
) -> tuple[User, str]:
    """An account of role `addressee` for a body's office, with a one-time password (returned once).
    The same username, profile and password rules as every account (shared.accounts)."""
    from shared import accounts

    if actor.role not in ACCOUNT_MAKERS:
        raise Forbidden(_("Chỉ quản trị viên tạo tài khoản cho cơ quan nhận kiến nghị."))
    if get_visible_addressee(session, actor, body.id) is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    if not body.active:
        raise DomainError(_("Cơ quan này đã ngừng theo dõi; không tạo tài khoản mới."))
    username = accounts._new_username(session, username)
    full_name, email = accounts._profile(full_name, email)
    password = accounts.one_time_password()
    user = User(username=username, role=ADDRESSEE_ROLE, unit_id=body.unit_id, addressee_id=body.id, full_name=full_name,
                email=email, password_hash=hash_password(password), must_change_password=True)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, unit_id=body.unit_id,
                 changes={**accounts._state(user), "addressee": body.name}, ip=ip)
    session.flush()
    return user, password


# ---- history ----------------------------------------------------------------------------------------


def record_change(
    session: Session, rec: Recommendation, user: User | None, action: str, *, from_status: str | None,
    to_status: str | None, details: dict | None = None, merge_within: dt.timedelta | None = None,
) -> RecommendationChange:
    """One line of the recommendation's history (every follow-up use case writes one). `merge_within`: when
    the history's last line is the same person's same action, that recent, it is brought up to date instead
    (its first status stays; new details replace its own): a step saved as it is typed is one line."""
    now = clock.now()
    if merge_within is not None and user is not None:
        last = session.scalar(select(RecommendationChange).where(RecommendationChange.recommendation_id == rec.id)
                              .order_by(RecommendationChange.changed_at.desc(), RecommendationChange.id.desc()).limit(1))
        if last is not None and last.action == action and last.user_id == user.id and now - last.changed_at <= merge_within:
            last.changed_at, last.to_status = now, to_status
            if details:
                last.details = {**(last.details or {}), **details}
            return last
    change = RecommendationChange(recommendation_id=rec.id, changed_at=now, user_id=user.id if user else None,
                                  action=action, from_status=from_status, to_status=to_status, details=details or None)
    session.add(change)
    return change


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    who: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str | None
    addressee: str | None = None
    due_date: dt.date | None = None
    answered_on: dt.date | None = None
    answer_number: str | None = None
    note: str | None = None


def _iso(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def history(session: Session, rec: Recommendation) -> list[HistoryLine]:
    """The follow-up of one recommendation, oldest first (one query)."""
    stmt = (select(RecommendationChange).options(joinedload(RecommendationChange.user))
            .where(RecommendationChange.recommendation_id == rec.id)
            .order_by(RecommendationChange.changed_at, RecommendationChange.id))
    out = []
    for c in session.scalars(stmt):
        who = (c.user.full_name or c.user.username) if c.user else ""
        d = c.details or {}
        out.append(HistoryLine(at=c.changed_at, who=who, action=c.action, action_label=str(REC_CHANGE_LABELS[c.action]),
                               from_status=c.from_status, to_status=c.to_status, addressee=d.get("addressee"),
                               due_date=_iso(d.get("due_date")), answered_on=_iso(d.get("answered_on")),
                               answer_number=d.get("answer_number"), note=d.get("resolution_note")))
    return out


# ---- routing ----------------------------------------------------------------------------------------


def parse_due_date(raw, field: str = "due_date") -> dt.date:
    try:
        due = raw if isinstance(raw, dt.date) else parse_date(raw)
    except ValueError as exc:
        raise DomainError(_("Chưa chuyển được kiến nghị; hãy xem các lỗi bên dưới."), fields={field: str(exc)}) from None
    if due is None:
        raise DomainError(_("Chưa chuyển được kiến nghị; hãy xem các lỗi bên dưới."),
                          fields={field: _("Hãy nhập hạn trả lời.")})
    if due < clock.today():
        raise DomainError(_("Chưa chuyển được kiến nghị; hãy xem các lỗi bên dưới."),
                          fields={field: _("Hạn trả lời không được trước hôm nay.")})
    return due


def route(
    session: Session, user: User, rec_ids, *, addressee_id, due_date, expected_version=None,
) -> list[Recommendation]:
    """Assign recommendations to a body with a due date (one, or many at once: all or none). Guards in order:
    role, scope of every recommendation and of the body (404), version (one recommendation's form), fields."""
    if not can_route(user):
        raise Forbidden(_("Bạn không được chuyển kiến nghị."))
    ids = [as_id(i) for i in rec_ids]
    if not ids:
        raise DomainError(_("Hãy chọn ít nhất một kiến nghị."), fields={"ids": _("Hãy chọn ít nhất một kiến nghị.")})
    if None in ids:  # a mangled id matches no recommendation the user may see
        raise NotFound(_("Không tìm thấy kiến nghị."))
    ids = sorted(set(ids))
    recs = list(session.scalars(recommendations_visible_to(user).where(Recommendation.id.in_(ids))))
    if len(recs) != len(ids):
        raise NotFound(_("Không tìm thấy kiến nghị."))
    body = get_visible_addressee(session, user, addressee_id, active_only=True)
    if body is None:
        if addressee_id in (None, ""):
            raise DomainError(_("Chưa chuyển được kiến nghị; hãy xem các lỗi bên dưới."),
                              fields={"addressee_id": _("Hãy chọn cơ quan trả lời.")})
        raise NotFound(_("Không tìm thấy cơ quan."))
    expected = parse_version(expected_version)
    if expected is not None and (len(recs) != 1 or recs[0].version != expected):
        raise Conflict(_("Kiến nghị đã được người khác cập nhật sau khi bạn mở. Hãy xem nội dung hiện tại."),
                       current=recs[0])
    due = parse_due_date(due_date)
    now = clock.now()
    routed = 0
    for rec in recs:
        if rec.addressee_id == body.id and rec.due_date == due:
            continue
        before = {"addressee": rec.addressee.name if rec.addressee else None,
                  "due_date": rec.due_date.isoformat() if rec.due_date else None}
        if rec.addressee_id != body.id:
            rec.routed_at = now
        rec.addressee_id, rec.addressee, rec.due_date = body.id, body, due
        rec.updated_at = now
        after = {"addressee": body.name, "due_date": due.isoformat()}
        record_change(session, rec, user, "route", from_status=rec.status, to_status=rec.status,
                      details={"addressee": body.name, "addressee_id": body.id, "due_date": due.isoformat()})
        audit.record(session, user, "recommendation.route", "recommendation", rec.id, unit_id=rec.unit_id,
                     changes=audit.diff(before, after))
        routed += 1
    offices = session.scalars(select(User).where(User.addressee_id == body.id, User.active.is_(True))).all()
    if routed and offices:  # the body's office hears of it (in its own language, and by mail when it has one)
        notifications.notify(session, offices, messages.message(
            N_("%(n)s kiến nghị mới được chuyển đến %(body)s, hạn trả lời %(date)s."), n=routed, body=body.name,
            date=format_date(due)), "/recommendations?state=waiting")
    session.flush()
    return recs


# ---- answers ----------------------------------------------------------------------------------------


def can_answer(user: User, rec: Recommendation) -> bool:
    if is_addressee(user):
        return rec.addressee_id is not None and rec.addressee_id == user.addressee_id
    return can_route(user)


def answer(
    session: Session, user: User, rec: Recommendation, *, status, text, answered_on, number=None,
    expected_version=None,
) -> Recommendation:
    """Record the addressee's answer: where the matter stands, what was answered, on which day, under which
    document number. Guards in order: scope (404), role, version (409), state (routed), fields (422)."""
    if get_visible_recommendation(session, user, rec.id) is None:
        raise NotFound(_("Không tìm thấy kiến nghị."))
    if not can_answer(user, rec):
        raise Forbidden(_("Bạn không được ghi trả lời cho kiến nghị này."))
    expected = parse_version(expected_version)
    if expected_version not in (None, "") and expected != rec.version:
        raise Conflict(_("Kiến nghị đã được người khác cập nhật sau khi bạn mở. Hãy xem nội dung hiện tại."), current=rec)
    if rec.addressee_id is None:
        raise DomainError(_("Kiến nghị chưa được chuyển đến cơ quan nào; hãy chuyển trước khi ghi trả lời."))
    errors = {}
    if status not in ANSWER_STATUSES:
        errors["status"] = _("Hãy chọn tình trạng giải quyết.")
    try:
        body = clean_text(text, ANSWER_MAX)
        if not body:
            errors["answer_text"] = _("Hãy nhập nội dung trả lời.")
    except ValueError as exc:
        errors["answer_text"], body = str(exc), ""
    try:
        day = answered_on if isinstance(answered_on, dt.date) else parse_date(answered_on)
        if day is None:
            errors["answered_on"] = _("Hãy nhập ngày trả lời.")
        elif day > clock.today():
            errors["answered_on"] = _("Ngày trả lời không được sau hôm nay.")
    except ValueError as exc:
        errors["answered_on"], day = str(exc), None
    try:
        doc_number = clean_text(number, NUMBER_MAX) or None
    except ValueError as exc:
        errors["answer_number"], doc_number = str(exc), None
    if errors:
        raise DomainError(_("Chưa ghi được trả lời; hãy xem các lỗi bên dưới."), fields=errors)
    before = {"status": rec.status, "answer_text": rec.answer_text,
              "answered_on": rec.answered_on.isoformat() if rec.answered_on else None, "answer_number": rec.answer_number}
    old_status = rec.status
    rec.status, rec.answer_text, rec.answered_on, rec.answer_number = status, body, day, doc_number
    rec.answered_by_id = user.id
    rec.updated_at = clock.now()
    after = {"status": rec.status, "answer_text": rec.answer_text, "answered_on": day.isoformat(),
             "answer_number": rec.answer_number}
    record_change(session, rec, user, "answer", from_status=old_status, to_status=status,
                  details={"answered_on": day.isoformat(), "answer_number": doc_number,
                           "addressee": rec.addressee.name if rec.addressee else None})
    # "status" in the audit changes: the dashboard replays a recommendation's status as of a past day from it.
    audit.record(session, user, "recommendation.answer", "recommendation", rec.id, unit_id=rec.unit_id,
                 changes=audit.diff(before, after))
    session.flush()
    return rec


# ---- lists, counts, the forwarded list -----------------------------------------------------------------


def answer_state(rec: Recommendation, as_of: dt.date | None = None) -> str:
    """unrouted / waiting / overdue / answered, as of a day (default today)."""
    day = as_of or clock.today()
    if rec.addressee_id is None:
        return "unrouted"
    if rec.answered_on is not None and rec.answered_on <= day:
        return "answered"
    if rec.due_date is not None and rec.due_date < day:
        return "overdue"
    return "waiting"


@dataclass(frozen=True)
class ListFilters:
    campaign_id: int | None = None
    addressee_id: int | None = None
    state: str | None = None  # ANSWER_STATE_LABELS
    topic: str | None = None
    q: str = ""


def _state_condition(state: str, day: dt.date):
    answered = and_(Recommendation.answered_on.is_not(None), Recommendation.answered_on <= day)
    return {
        "unrouted": Recommendation.addressee_id.is_(None),
        "answered": and_(Recommendation.addressee_id.is_not(None), answered),
        "overdue": and_(Recommendation.addressee_id.is_not(None), ~answered, Recommendation.due_date < day),
        "waiting": and_(Recommendation.addressee_id.is_not(None), ~answered,
                        or_(Recommendation.due_date.is_(None), Recommendation.due_date >= day)),
    }[state]


def recommendation_page(
    session: Session, user: User, filters: ListFilters, page: int = 1, size: int = 50,
) -> tuple[list[tuple[Recommendation, Unit]], int]:
    """A page of the recommendations a user may see, newest first, with their unit and addressee."""
    stmt = recommendations_visible_to(user, Recommendation, Unit).options(joinedload(Recommendation.addressee))
    if filters.campaign_id is not None:
        stmt = stmt.where(Recommendation.campaign_id == filters.campaign_id)
    if filters.addressee_id is not None:
        stmt = stmt.where(Recommendation.addressee_id == filters.addressee_id)
    if filters.state in ANSWER_STATE_LABELS:
        stmt = stmt.where(_state_condition(filters.state, clock.today()))
    if filters.topic in TOPIC_LABELS:
        stmt = stmt.where(Recommendation.topic == filters.topic)
    if filters.q:
        from shared.text import folded_like

        stmt = stmt.where(Recommendation.text_folded.like(folded_like(filters.q), escape="\\"))
    total = session.scalar(select(func.count()).select_from(stmt.with_only_columns(Recommendation.id).subquery()))
    rows = session.execute(stmt.order_by(Recommendation.id.desc()).limit(size).offset((page - 1) * size)).unique().all()
    return [tuple(r) for r in rows], int(total or 0)


@dataclass
class AddresseeCounts:
    addressee: Addressee
    received: int = 0
    answered: int = 0
    overdue: int = 0

    @property
    def waiting(self) -> int:
        return self.received - self.answered


def addressee_counts(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date | None = None,
                     user: User | None = None) -> list[AddresseeCounts]:
    """Per addressee, the recommendations of `scope`'s subtree routed to it by the end of `as_of` (received),
    those answered by then and those whose due date had passed by then unanswered (overdue); one GROUP BY.
    The addressee and due date are today's (a re-routing is not replayed); dates of routing and answer are
    the day's. With `user` an addressee account, only its own body."""
    day = as_of or clock.today()
    end = day_end(day)
    received = Recommendation.routed_at < end
    answered = and_(received, Recommendation.answered_on.is_not(None), Recommendation.answered_on <= day)
    overdue = and_(received, Recommendation.due_date < day,
                   or_(Recommendation.answered_on.is_(None), Recommendation.answered_on > day))
    n = lambda cond: func.coalesce(func.sum(case((cond, 1), else_=0)), 0)  # noqa: E731
    stmt = (
        select(Recommendation.addressee_id, n(received), n(answered), n(overdue))
        .join(Unit, Unit.id == Recommendation.unit_id)
        .where(Recommendation.campaign_id == campaign.id, Recommendation.addressee_id.is_not(None),
               in_subtree(scope.path))
        .group_by(Recommendation.addressee_id)
    )
    if user is not None and is_addressee(user):
        stmt = stmt.where(Recommendation.addressee_id == (user.addressee_id or 0))
    figures = {aid: (int(r), int(a), int(o)) for aid, r, a, o in session.execute(stmt)}
    if not figures:
        return []
    bodies = session.scalars(select(Addressee).where(Addressee.id.in_(figures))).all()
    out = [AddresseeCounts(b, *figures[b.id]) for b in bodies if figures[b.id][0]]
    return sorted(out, key=lambda c: (-c.overdue, sort_key(c.addressee.name)))


def forward_list(session: Session, user: User, campaign: Campaign, body: Addressee) -> list[tuple[Recommendation, Unit]]:
    """The recommendations of the user's scope routed to `body`, in the order of the unit tree."""
    stmt = (recommendations_visible_to(user, Recommendation, Unit)
            .where(Recommendation.campaign_id == campaign.id, Recommendation.addressee_id == body.id)
            .order_by(Unit.path, Recommendation.id))
    return [tuple(r) for r in session.execute(stmt)]


def due_date_default() -> dt.date:
    return clock.today() + dt.timedelta(days=DEFAULT_DUE_DAYS)



# ---- the API's shape ----------------------------------------------------------------------------------


def recommendation_dict(rec: Recommendation, unit: Unit, history_lines: list[HistoryLine] | None = None) -> dict:
    """A recommendation as the API returns it (labels in the reader's language)."""
    state = answer_state(rec)
    out = {
        "id": rec.id, "campaign_id": rec.campaign_id, "version": rec.version,
        "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "topic": rec.topic, "topic_label": str(TOPIC_LABELS[rec.topic]), "text": rec.text,
        "addressed_to": rec.addressed_to,
        "addressee": ({"id": rec.addressee.id, "name": rec.addressee.name, "kind": rec.addressee.kind}
                      if rec.addressee is not None else None),
        "due_date": rec.due_date.isoformat() if rec.due_date else None,
        "state": state, "state_label": str(ANSWER_STATE_LABELS[state]),
        "status": rec.status, "status_label": str(REC_STATUS_LABELS[rec.status]),
        "answer_text": rec.answer_text,
        "answered_on": rec.answered_on.isoformat() if rec.answered_on else None,
        "answer_number": rec.answer_number,
    }
    if history_lines is not None:
        out["history"] = [{"at": h.at.isoformat(), "who": h.who, "action": h.action, "action_label": h.action_label,
                           "from_status": h.from_status, "to_status": h.to_status} for h in history_lines]
    return out
