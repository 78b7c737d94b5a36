"""SQLAlchemy 2.0 models of the campaign: units, campaigns, users, congress reports and their trail."""
from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    event,
    inspect,
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared import clock, messages
from shared.text import fold, sort_key
from shared.vocabulary import (  # noqa: F401 (the label tables, re-exported: many modules read them from here)
    ADDRESSEE_KIND_LABELS,
    AGENCY_KIND_LABELS,
    DOCUMENT_KIND_LABELS,
    EXEMPLARY_KIND_LABELS,
    FORM_LABELS,
    LEVEL_LABELS,
    LEVEL_REPORT_STATUS_LABELS,
    PARTY_BODY_KIND_LABELS,
    ROLE_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    STEERING_ROLE_LABELS,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The materialized path is compared byte-wise (prefix ranges); PostgreSQL must not apply a
# locale collation to it, SQLite's default BINARY collation already is byte-wise.
PathString = String(255).with_variant(postgresql.VARCHAR(255, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Level(str, enum.Enum):
    PROVINCE = "province"
    DISTRICT = "district"
    GRASSROOTS = "grassroots"


LEVEL_ORDER = ("grassroots", "district", "province")


def _now() -> dt.datetime:
    return clock.now()


class Unit(Base):
    """Any node of the union tree. `path` is 'id/' segments from the root, fixed width."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("level IN ('province','district','grassroots')", name="level"),
        CheckConstraint("sector IN ('state','non_state','fdi','public_service')", name="sector"),
        CheckConstraint("members_count >= 0", name="members_nonneg"),
        Index("ix_units_parent_name", "parent_id", "name_sort", "id"),
        # Covering the progress scan: by path range (PostgreSQL), or per level by skip-scan (SQLite).
        Index("ix_units_scope", "path", "level", "active", "id"),
        Index("ix_units_level_scope", "level", "path", "active", "id"),
        # Search by folded name or code, "contains" (LIKE '%...%'): trigram GIN on PostgreSQL. SQLite
        # answers the same search from the FTS5 trigram table `units_fts` (migration 0003s, not a model).
        Index(
            "ix_units_search_trgm", "name_folded", "code",
            postgresql_using="gin", postgresql_ops={"name_folded": "gin_trgm_ops", "code": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_folded: Mapped[str] = mapped_column(String(255))  # search (trigram / FTS): shared.text.fold
    # Lists order by this: shared.text.sort_key (numbers as people count them); set with name_folded.
    name_sort: Mapped[str] = mapped_column(String(320), index=True, server_default="")
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(PathString, unique=True)
    sector: Mapped[str] = mapped_column(String(20), default="state")
    members_count: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_email: Mapped[str | None] = mapped_column(String(255))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def sector_label(self) -> str:
        return str(SECTOR_LABELS.get(self.sector, self.sector))

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name!r}>"


@event.listens_for(Unit, "before_insert")
@event.listens_for(Unit, "before_update")
def _name_keys(_mapper, _connection, unit: Unit) -> None:
    """The search and sort keys follow the name, whoever sets it (bulk inserts set them: shared.units.name_keys)."""
    unit.name_folded = fold(unit.name)
    unit.name_sort = sort_key(unit.name)


class DataVersion(Base):
    """A random token per part of the data that progress figures are computed from, renewed in the
    same transaction as any write to that part (shared.data_versions): `*` for everything, else the
    path of a district-level unit (or of a province for its own row). Caches key on these tokens."""

    __tablename__ = "data_versions"

    key: Mapped[str] = mapped_column(PathString, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class ProgressSnapshot(Base):
    """A stored copy of the progress figures of a wide scope (a province, the country), so that a new
    process, or another worker, starts from it instead of scanning the whole subtree (shared.progress).
    It carries the data versions it was computed under: only buckets whose token changed since are
    recomputed. A cache, not data: deleting every row is always safe."""

    __tablename__ = "progress_snapshots"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # digest of campaign, scope, date, filters
    token: Mapped[int] = mapped_column(BigInteger)  # the `*` data version it was computed under
    figures: Mapped[str] = mapped_column(Text)  # JSON: {"versions": {...}, "buckets": {...}}
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # wall clock (UTC), for pruning


class Campaign(Base):
    """A congress term (đợt đại hội) with its deadline per level."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("members_threshold > 0", name="threshold_pos"),
        CheckConstraint(
            "deadline_grassroots <= deadline_district AND deadline_district <= deadline_province",
            name="deadline_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    term: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[dt.date] = mapped_column(Date)
    deadline_grassroots: Mapped[dt.date] = mapped_column(Date)
    deadline_district: Mapped[dt.date] = mapped_column(Date)
    deadline_province: Mapped[dt.date] = mapped_column(Date)
    # Pilot congresses (đại hội điểm) come first: each level's pilots are held by its window's end. The
    # pilots are named by the campaign (coordinators, the federation) and, where the campaign lets them,
    # grassroots pilots by their district-level union (shared.pilots).
    pilot_until_district: Mapped[dt.date | None] = mapped_column(Date)
    pilot_until_grassroots: Mapped[dt.date | None] = mapped_column(Date)
    pilots_by_level_above: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    members_threshold: Mapped[int] = mapped_column(Integer, default=150)
    youth_age: Mapped[int] = mapped_column(Integer, default=35)
    target_women_pct: Mapped[int] = mapped_column(Integer, default=30)
    target_young_pct: Mapped[int] = mapped_column(Integer, default=15)
    target_party_pct: Mapped[int] = mapped_column(Integer, default=50)
    # Only where the province sets one (areas with Khmer and other ethnic minority workers).
    target_ethnic_pct: Mapped[int | None] = mapped_column(Integer)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Party bodies' level reports are due this many days after their level's deadline.
    level_report_grace_days: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    def deadline_for(self, level: str) -> dt.date:
        return getattr(self, f"deadline_{level}")

    def pilot_until_for(self, level: str) -> dt.date | None:
        """The end of a level's pilot window (None: not set, or a level without pilots)."""
        return getattr(self, f"pilot_until_{level}", None)

    @property
    def end_date(self) -> dt.date:
        return self.deadline_province


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','coordinator','federation','district','reporter','observer','party_committee','addressee')",
            name="role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    # search (shared.text.fold of full_name; set by the listener below, and by bulk inserts)
    full_name_folded: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on password change / forced logout: sessions and tokens carry it and die with it.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Role `addressee` only: the body (a People's Committee office...) whose recommendations it answers.
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("addressees.id"), index=True)

    unit: Mapped[Unit] = relationship()
    addressee: Mapped[Addressee | None] = relationship()

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _full_name_key(_mapper, _connection, user: User) -> None:
    """The search key follows the name, whoever sets it (bulk inserts set it themselves)."""
    if _unsaved_or_changed(user, "full_name"):
        user.full_name_folded = fold(user.full_name)


def _unsaved_or_changed(obj: Base, name: str) -> bool:
    state = inspect(obj)
    return state.key is None or state.attrs[name].history.has_changes()


class CongressReport(Base):
    """One per campaign x unit: the congress plan, then its results, under review."""

    __tablename__ = "congress_reports"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", name="uq_report_campaign_unit"),
        CheckConstraint("status IN ('draft','submitted','returned','approved')", name="status"),
        CheckConstraint("form IS NULL OR form IN ('toan_the','dai_bieu')", name="form"),
        Index("ix_reports_campaign_status", "campaign_id", "status"),
        Index("ix_reports_campaign_held", "campaign_id", "held_date"),
        Index("ix_reports_campaign_planned", "campaign_id", "planned_date"),  # the calendar's day ranges
        Index(
            "ix_reports_progress",
            "campaign_id", "unit_id", "status", "held_date", "planned_date", "planned_at", "is_pilot",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # Plan
    planned_date: Mapped[dt.date | None] = mapped_column(Date)
    planned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    form: Mapped[str | None] = mapped_column(String(10))
    form_override_reason: Mapped[str | None] = mapped_column(String(500))
    is_pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    meeting_mode: Mapped[str] = mapped_column(String(12), default="in_person")
    planned_summoned: Mapped[int | None] = mapped_column(Integer)
    planned_executive_size: Mapped[int | None] = mapped_column(Integer)
    # Results
    held_date: Mapped[dt.date | None] = mapped_column(Date)
    members_total: Mapped[int | None] = mapped_column(Integer)
    summoned: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)
    # Ballots of the election (issue 19): each elected person needs more than half of the valid ones.
    ballots_issued: Mapped[int | None] = mapped_column(Integer)
    ballots_valid: Mapped[int | None] = mapped_column(Integer)
    # A congress below the quorum (two thirds of those summoned) is sent with the unit's reason and is
    # approved only once its reviewer has recorded how it was resolved (shared.people.approval_refusal).
    quorum_reason: Mapped[str | None] = mapped_column(Text)
    quorum_resolution: Mapped[str | None] = mapped_column(Text)
    quorum_resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    executive_size: Mapped[int | None] = mapped_column(Integer)
    executive_women: Mapped[int | None] = mapped_column(Integer)
    executive_young: Mapped[int | None] = mapped_column(Integer)
    executive_party: Mapped[int | None] = mapped_column(Integer)
    executive_ethnic_minority: Mapped[int | None] = mapped_column(Integer)
    executive_reelected: Mapped[int | None] = mapped_column(Integer)
    executive_new: Mapped[int | None] = mapped_column(Integer)
    executive_from_plan: Mapped[int | None] = mapped_column(Integer)
    fulltime_not_reelected_age: Mapped[int | None] = mapped_column(Integer)
    standing_size: Mapped[int | None] = mapped_column(Integer)
    inspection_size: Mapped[int | None] = mapped_column(Integer)
    delegates_official: Mapped[int | None] = mapped_column(Integer)
    delegates_alternate: Mapped[int | None] = mapped_column(Integer)
    works_count: Mapped[int | None] = mapped_column(Integer)
    works_value_vnd: Mapped[int | None] = mapped_column(BigInteger)
    exemplary_count: Mapped[int | None] = mapped_column(Integer)
    funding_vnd: Mapped[int | None] = mapped_column(BigInteger)
    # The funding by source (shared.validation.FUNDING_PARTS): the People's Committees of the province, the
    # district and the commune, the union's own funds, other sources. Their sum is funding_vnd when given.
    funding_pc_province_vnd: Mapped[int | None] = mapped_column(BigInteger)
    funding_pc_district_vnd: Mapped[int | None] = mapped_column(BigInteger)
    funding_pc_commune_vnd: Mapped[int | None] = mapped_column(BigInteger)
    funding_union_vnd: Mapped[int | None] = mapped_column(BigInteger)
    funding_other_vnd: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str | None] = mapped_column(Text)
    # Workflow
    status: Mapped[str] = mapped_column(String(12), default="draft")
    return_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Entry on behalf of the unit ("nhập thay", shared.workflow.reports_for): the account outside the unit
    # that last wrote the report (None once the unit's own officer saves it); why a district took over the
    # report of a unit that has an account of its own, and since when (None again once it is sent).
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    takeover_reason: Mapped[str | None] = mapped_column(Text)
    taken_over_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    # Optimistic locking: SQLAlchemy adds "AND version = :old" to every UPDATE.
    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    officers: Mapped[list[Officer]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Officer.position"
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Recommendation.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    members: Mapped[list[ElectedMember]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ElectedMember.position"
    )
    delegates: Mapped[list[Delegate]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Delegate.position"
    )
    decision: Mapped[RecognitionDecision | None] = relationship(
        back_populates="report", cascade="all, delete-orphan", uselist=False
    )

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def entered_on_behalf(self) -> bool:
        return self.entered_by_id is not None


class Officer(Base):
    """An elected chair, vice-chair or inspection head, with their vote share."""

    __tablename__ = "officers"
    __table_args__ = (
        CheckConstraint("role IN ('chair','vice_chair','inspection_head')", name="role"),
        CheckConstraint("vote_pct IS NULL OR (vote_pct >= 0 AND vote_pct <= 100)", name="vote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(10))
    vote_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    report: Mapped[CongressReport] = relationship(back_populates="officers")


class ElectedMember(Base):
    """A person elected to the BCH, its BTV or the UBKT (issue 19), one row per person with a stable id.
    `positions` holds the codes of shared.vocabulary.POSITION_LABELS, comma-separated."""

    __tablename__ = "elected_members"
    __table_args__ = (
        CheckConstraint("gender IN ('male','female')", name="gender"),
        CheckConstraint("votes IS NULL OR votes >= 0", name="votes_nonneg"),
        CheckConstraint("chair_elected IS NULL OR chair_elected IN ('congress','first_meeting')",
                        name="chair_elected"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(10))
    birth_year: Mapped[int] = mapped_column(Integer)
    ethnic_minority: Mapped[bool] = mapped_column(Boolean, default=False)
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    reelected: Mapped[bool] = mapped_column(Boolean, default=False)
    in_planning_pool: Mapped[bool] = mapped_column(Boolean, default=False)
    positions: Mapped[str] = mapped_column(String(200), default="executive")
    chair_elected: Mapped[str | None] = mapped_column(String(20))
    votes: Mapped[int | None] = mapped_column(Integer)

    report: Mapped[CongressReport] = relationship(back_populates="members")

    @property
    def position_codes(self) -> list[str]:
        return [p for p in (self.positions or "").split(",") if p]


class Delegate(Base):
    """A delegate the congress elected to the higher congress (official or alternate; ex officio or elected)."""

    __tablename__ = "congress_delegates"
    __table_args__ = (
        CheckConstraint("gender IN ('male','female')", name="gender"),
        CheckConstraint("kind IN ('official','alternate')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    full_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(10))
    birth_year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="official")
    ex_officio: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[CongressReport] = relationship(back_populates="delegates")


class DelegateAllocation(Base):
    """How many delegates (official, alternate) a unit sends to its superior's congress: set by the superior."""

    __tablename__ = "delegate_allocations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", name="uq_delegate_allocations_campaign_unit"),
        CheckConstraint("official >= 0 AND alternate >= 0", name="nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    official: Mapped[int] = mapped_column(Integer, default=0)
    alternate: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RecognitionDecision(Base):
    """The superior's decision recognising the elected committee (quyết định công nhận) of an approved report."""

    __tablename__ = "recognition_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str] = mapped_column(String(60))
    signed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    scan_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    report: Mapped[CongressReport] = relationship(back_populates="decision")
    scan: Mapped[StoredFile | None] = relationship()


class Recommendation(Base):
    """A kiến nghị raised at a congress, followed until resolved."""

    __tablename__ = "recommendations"
    __table_args__ = (
        CheckConstraint(
            "topic IN ('jobs','income','housing','facilities','culture','policy','other')", name="topic"
        ),
        CheckConstraint("status IN ('open','in_progress','resolved')", name="status"),
        Index("ix_recommendations_campaign_topic", "campaign_id", "topic", "status"),
        Index("ix_recommendations_addressee", "addressee_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    topic: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    # search (shared.text.fold of text; set by the listener below, and by bulk inserts)
    text_folded: Mapped[str] = mapped_column(Text, default="", server_default="")
    addressed_to: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="open")
    resolution_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # When the follow-up side last recorded its status: set by shared.dashboard.update_recommendation, never
    # by the unit's own saves (which may correct the text of a row being followed up).
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    # Routing and answer (shared.answers): the body that must answer, by when, and what it answered.
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("addressees.id"))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    routed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answer_number: Mapped[str | None] = mapped_column(String(60))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": version}

    report: Mapped[CongressReport] = relationship(back_populates="recommendations")
    addressee: Mapped[Addressee | None] = relationship()


@event.listens_for(Recommendation, "before_insert")
@event.listens_for(Recommendation, "before_update")
def _text_key(_mapper, _connection, rec: Recommendation) -> None:
    """The search key follows the text, whoever sets it (bulk inserts set it themselves)."""
    if _unsaved_or_changed(rec, "text"):
        rec.text_folded = fold(rec.text)


class Addressee(Base):
    """A body recommendations are addressed to (a People's Committee, a department, an employer, the union).
    It sits at a unit of the tree (the province, or a district-level unit): who may route to it and see it."""

    __tablename__ = "addressees"
    __table_args__ = (
        CheckConstraint("kind IN ('province_committee','district_committee','department','employer','union')",
                        name="kind"),
        UniqueConstraint("unit_id", "name", name="uq_addressees_unit_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    unit: Mapped[Unit] = relationship()

    @property
    def kind_label(self) -> str:
        return str(ADDRESSEE_KIND_LABELS[self.kind])


class RecommendationChange(Base):
    """One step of a recommendation's follow-up (routed, answered, status recorded), shown on its page."""

    __tablename__ = "recommendation_changes"
    __table_args__ = (
        CheckConstraint("action IN ('route','answer','update')", name="action"),
        Index("ix_recommendation_changes_rec", "recommendation_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(10))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()


class Attachment(Base):
    """A file attached to a report; its bytes are in the file store (shared.storage) under `storage_key`."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    report: Mapped[CongressReport] = relationship(back_populates="attachments")


class ReportStatusChange(Base):
    """Every workflow transition of a report: the source of as-of replay and of the history tab."""

    __tablename__ = "report_status_changes"
    __table_args__ = (Index("ix_status_changes_replay", "report_id", "changed_at", "id", "to_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User | None] = relationship()


class ReportVersion(Base):
    """A full snapshot of a report after each save, for field-by-field diffs."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version", name="uq_report_versions_report_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AuditLog(Base):
    """Who did what, when, to which object; what changed."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))


class Notification(Base):
    """A note to one user. `message` (shared.messages) is shown in the reader's language; the column
    `text` keeps it in Vietnamese (and is all there is for notes written as plain text)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stored_text: Mapped[str] = mapped_column("text", Text)
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    @property
    def text(self) -> str:
        """The note in the language in force."""
        return messages.render(self.message) if self.message else self.stored_text

    @text.setter
    def text(self, value: str) -> None:
        self.stored_text = value


class EmailOutbox(Base):
    """Mail waiting for the SMTP drain; written in the same transaction as its cause."""

    __tablename__ = "email_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_addr: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", "sent_on", name="uq_reminders_once_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    sent_on: Mapped[dt.date] = mapped_column(Date)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=1)


class CalendarFeed(Base):
    """A user's secret iCalendar address (only its digest is kept); revoking it ends the subscription."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PilotUnit(Base):
    """A unit named a pilot congress (đại hội điểm) of its level for a campaign, by whom and when."""

    __tablename__ = "pilot_units"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    designated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    designated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    unit: Mapped[Unit] = relationship()
    designated_by: Mapped[User | None] = relationship()


class PilotLesson(Base):
    """The lessons drawn from a pilot congress (rút kinh nghiệm), recorded by its report's reviewer."""

    __tablename__ = "pilot_lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("congress_reports.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    recorded_by: Mapped[User | None] = relationship()


# ---- Party bodies: level reports, steering committees, guidance, emulation -------------------


class StoredFile(Base):
    """An uploaded file (signed scan, guidance document); its bytes are in the file store under `storage_key`."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class FileChunk(Base):
    """The bytes of an uploaded file (an attachment or a stored file, by its `storage_key`), in chunks of at
    most `shared.storage.CHUNK_SIZE`: every app server reaches them, and a download streams them a few at a
    time, with bounded memory, on SQLite and PostgreSQL alike (no large objects)."""

    __tablename__ = "file_chunks"

    storage_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PartyBody(Base):
    """A district/city party committee or the federation's party delegation, attached to the
    union unit whose subtree its level report covers."""

    __tablename__ = "party_bodies"
    __table_args__ = (
        CheckConstraint("kind IN ('district_committee','federation_delegation')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))

    unit: Mapped[Unit] = relationship()

    @property
    def kind_label(self) -> str:
        return str(PARTY_BODY_KIND_LABELS[self.kind])

    @property
    def level(self) -> str:
        return "province" if self.kind == "federation_delegation" else "district"


class LevelReport(Base):
    """A party body's report on its level's congresses to Ban Dân vận (one per campaign)."""

    __tablename__ = "level_reports"
    __table_args__ = (
        UniqueConstraint("campaign_id", "party_body_id", name="uq_level_report_campaign_body"),
        CheckConstraint("status IN ('draft','submitted','returned','acknowledged')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    party_body_id: Mapped[int] = mapped_column(ForeignKey("party_bodies.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    assessment: Mapped[str | None] = mapped_column(Text)
    shortcomings: Mapped[str | None] = mapped_column(Text)
    lessons: Mapped[str | None] = mapped_column(Text)
    proposals: Mapped[str | None] = mapped_column(Text)
    scan_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship()
    party_body: Mapped[PartyBody] = relationship()
    scan: Mapped[StoredFile | None] = relationship()

    @property
    def status_label(self) -> str:
        return str(LEVEL_REPORT_STATUS_LABELS[self.status])


class SteeringCommittee(Base):
    """Ban chỉ đạo đại hội of a district-level unit or of the province, for one campaign."""

    __tablename__ = "steering_committees"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", name="uq_steering_campaign_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    decision_number: Mapped[str | None] = mapped_column(String(60))
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    # Optimistic locking of the decision (shared.steering.save_decision). Members are rows of their own, added
    # and removed by id: they leave the committee's row, and so its version, alone.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship()
    members: Mapped[list[SteeringMember]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="SteeringMember.position"
    )


class SteeringMember(Base):
    __tablename__ = "steering_members"
    __table_args__ = (
        CheckConstraint("role IN ('head','standing_deputy','deputy','member')", name="role"),
        CheckConstraint(
            "agency_kind IN ('mass_mobilization','organisation','propaganda','federation','sector','other')",
            name="agency_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("steering_committees.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    agency_kind: Mapped[str] = mapped_column(String(20), default="other")
    role: Mapped[str] = mapped_column(String(20), default="member")

    committee: Mapped[SteeringCommittee] = relationship(back_populates="members")

    @property
    def role_label(self) -> str:
        return str(STEERING_ROLE_LABELS[self.role])

    @property
    def agency_kind_label(self) -> str:
        return str(AGENCY_KIND_LABELS[self.agency_kind])


class Document(Base):
    """A guidance document, plan, form template or short announcement, published to an audience:
    the units of the targeted subtrees whose level is listed (all levels when `target_levels` is empty)."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("kind IN ('guidance','plan','form','announcement')", name="kind"),
        Index("ix_documents_published", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    target_levels: Mapped[str] = mapped_column(String(60), default="")
    ack_by: Mapped[dt.date | None] = mapped_column(Date)
    publisher_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    file: Mapped[StoredFile | None] = relationship()
    publisher_unit: Mapped[Unit] = relationship()
    targets: Mapped[list[DocumentTarget]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return str(DOCUMENT_KIND_LABELS[self.kind])

    @property
    def levels(self) -> list[str]:
        return [x for x in self.target_levels.split(",") if x]


class DocumentTarget(Base):
    """One targeted subtree (its root unit) of a document."""

    __tablename__ = "document_targets"
    __table_args__ = (UniqueConstraint("document_id", "unit_id", name="uq_document_targets_document_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    document: Mapped[Document] = relationship(back_populates="targets")
    unit: Mapped[Unit] = relationship()


class DocumentReceipt(Base):
    """When a user of the audience first opened, and acknowledged, a document."""

    __tablename__ = "document_receipts"
    __table_args__ = (
        UniqueConstraint("document_id", "user_id", name="uq_document_receipts_document_user"),
        Index("ix_document_receipts_document_unit", "document_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class CongressWork(Base):
    """A work or product greeting the congress (công trình, sản phẩm chào mừng)."""

    __tablename__ = "congress_works"
    __table_args__ = (
        CheckConstraint("value_vnd IS NULL OR value_vnd >= 0", name="value_nonneg"),
        Index("ix_congress_works_campaign_unit", "campaign_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(255))
    value_vnd: Mapped[int | None] = mapped_column(BigInteger)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ExemplaryEntry(Base):
    """An exemplary individual or collective commended during the congress movement."""

    __tablename__ = "exemplary_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('individual','collective')", name="kind"),
        Index("ix_exemplary_entries_campaign_unit", "campaign_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(255))
    achievement: Mapped[str | None] = mapped_column(Text)
    commendation: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def kind_label(self) -> str:
        return str(EXEMPLARY_KIND_LABELS[self.kind])


# Every process that writes through these models must renew the data versions its writes touch:
# the Session events live in shared.data_versions, registered on import (it imports the models above).
import shared.data_versions  # noqa: E402, F401
