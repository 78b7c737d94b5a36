"""The unit tree: materialized paths, subtree queries and the scope every query goes through."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, ColumnElement, Select, and_, any_, bindparam, column, func, literal_column, or_, select, table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.visitors import InternalTraversal

from shared.models import CongressReport, Unit, User
from shared.parsing import is_db_id
from shared.text import fold, like_escape, nfc

SEGMENT = 9  # "%08d/" per ancestor
PATH_END = "~"  # sorts after every digit and '/'


def path_segment(unit_id: int) -> str:
    return f"{unit_id:08d}/"


def child_path(parent_path: str | None, unit_id: int) -> str:
    return (parent_path or "") + path_segment(unit_id)


def in_subtree(path: str, column=Unit.path) -> ColumnElement[bool]:
    """Index-friendly prefix range: every path that starts with `path` (the unit included)."""
    return and_(column >= path, column < path + PATH_END)


def create_unit(
    session: Session,
    *,
    code: str,
    name: str,
    level: str,
    parent: Unit | None,
    sector: str = "state",
    members_count: int = 0,
    **extra,
) -> Unit:
    """Insert a unit and give it its path (needs its id, hence the flush in between)."""
    name = nfc(name) or ""
    unit = Unit(
        code=(nfc(code) or "").upper(),
        name=name,
        name_folded=fold(name),
        level=level,
        parent=parent,
        sector=sector,
        members_count=members_count,
        path="pending:" + code,
        **extra,
    )
    session.add(unit)
    session.flush()
    unit.path = child_path(parent.path if parent else None, unit.id)
    session.flush()
    return unit


def scope_filter(user: User) -> ColumnElement[bool]:
    """The units a user may see: its own unit's subtree (admins too are scoped to theirs)."""
    return in_subtree(user.unit.path)


def units_visible_to(user: User) -> Select[tuple[Unit]]:
    return select(Unit).where(scope_filter(user))


def get_visible_unit(session: Session, user: User, unit_id: int) -> Unit | None:
    """A unit by id if the user may see it; None otherwise (callers answer 404). An id no row can have (a
    form's select posted with 99999999999) is None too, before PostgreSQL refuses the comparison."""
    if not is_db_id(unit_id):
        return None
    return session.scalars(units_visible_to(user).where(Unit.id == unit_id)).first()


def is_within(unit: Unit, ancestor: Unit) -> bool:
    return unit.path.startswith(ancestor.path)


def children_of(session: Session, parent: Unit, active_only: bool = True) -> list[Unit]:
    stmt = select(Unit).where(Unit.parent_id == parent.id)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(session.scalars(stmt.order_by(Unit.name_sort, Unit.id)))


@dataclass
class ChildrenPage:
    rows: list  # (Unit, CongressReport | None), by folded name
    total: int
    has_prev: bool
    has_next: bool
    position: int  # how many siblings come before the first row
    size: int

    @property
    def number(self) -> int:
        return self.position // self.size + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_id(self) -> int | None:
        return self.rows[0][0].id if self.rows else None

    @property
    def last_id(self) -> int | None:
        return self.rows[-1][0].id if self.rows else None


def children_page(
    session: Session,
    parent: Unit,
    campaign_id: int,
    *,
    after: int | None = None,
    before: int | None = None,
    last: bool = False,
    size: int = 50,
) -> ChildrenPage:
    """A page of `parent`'s active children with their report, keyset-paged on (name_sort, id).

    `after` / `before` are the ids of the sibling the page starts after / ends before; `last` asks
    for the final page. Every page is an index range on (parent_id, name_sort, id), however deep.
    An id that is not a child of `parent` is ignored (first page), so a cursor leaks nothing.
    """
    siblings = and_(Unit.parent_id == parent.id, Unit.active.is_(True))

    def cursor(unit_id: int | None):
        if unit_id is None:
            return None
        return session.execute(select(Unit.name_sort, Unit.id).where(Unit.id == unit_id, siblings)).first()

    stmt = (
        select(Unit, CongressReport)
        .outerjoin(CongressReport, and_(CongressReport.unit_id == Unit.id, CongressReport.campaign_id == campaign_id))
        .where(siblings)
    )
    start, end = cursor(after), cursor(before)
    forward = start is not None or (end is None and not last)
    if start is not None:
        # `>=` first, so the range on name_sort reaches the index; the OR settles ties by id.
        stmt = stmt.where(Unit.name_sort >= start.name_sort,
                          or_(Unit.name_sort > start.name_sort, Unit.id > start.id))
    elif end is not None:
        stmt = stmt.where(Unit.name_sort <= end.name_sort,
                          or_(Unit.name_sort < end.name_sort, Unit.id < end.id))
    total = session.scalar(select(func.count()).select_from(Unit).where(siblings)) or 0
    limit = size
    if not forward and end is None:  # the last page holds what is left after whole pages
        limit = total - (max(1, -(-total // size)) - 1) * size
    order = (Unit.name_sort, Unit.id) if forward else (Unit.name_sort.desc(), Unit.id.desc())
    rows = [tuple(r) for r in session.execute(stmt.order_by(*order).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    position = 0
    if rows and end is None and not forward:
        position = total - len(rows)
    elif rows and (start is not None or end is not None):
        first = rows[0][0]
        position = session.scalar(
            select(func.count()).select_from(Unit).where(
                siblings, Unit.name_sort <= first.name_sort,
                or_(Unit.name_sort < first.name_sort, Unit.id < first.id),
            )
        ) or 0
    if forward:
        return ChildrenPage(rows, total, start is not None, more, position, size)
    return ChildrenPage(rows, total, more, end is not None, position, size)


class _FoldedSearch(ColumnElement):
    """`name_folded LIKE '%key%' OR lower(code) LIKE '%key%'`, answered from a trigram index: on
    PostgreSQL by the GIN index ix_units_search_trgm (code matched with ILIKE, which it can use), on
    SQLite by the FTS5 trigram table units_fts when the key has the 3 characters a trigram needs."""

    type = Boolean()
    inherit_cache = False

    def __init__(self, key: str):
        self.key = key
        pattern = f"%{like_escape(key)}%"
        # Parenthesised: the compiled OR lands inside the caller's AND.
        self.like = (Unit.name_folded.like(pattern, escape="\\") | func.lower(Unit.code).like(pattern, escape="\\")).self_group()
        self.pg = (Unit.name_folded.like(pattern, escape="\\") | Unit.code.ilike(pattern, escape="\\")).self_group()
        phrase = '"' + key.replace('"', '""') + '"'  # one FTS5 phrase: the key as a substring
        fts = table("units_fts", column("rowid"))
        self.fts_ids = select(fts.c.rowid).where(
            literal_column("units_fts").op("MATCH")(bindparam("fts_key", phrase, unique=True)))
        self.sqlite = Unit.id.in_(self.fts_ids)


@compiles(_FoldedSearch)
def _folded_search_default(element, compiler, **kw):
    return compiler.process(element.like, **kw)


@compiles(_FoldedSearch, "postgresql")
def _folded_search_pg(element, compiler, **kw):
    return compiler.process(element.pg, **kw)


@compiles(_FoldedSearch, "sqlite")
def _folded_search_sqlite(element, compiler, **kw):
    if len(element.key) < 3:  # no trigram to look up: scan
        return compiler.process(element.like, **kw)
    return compiler.process(element.sqlite, **kw)


# SQLite: a term found in fewer units than this, across the whole tree, is rare: its ids come from
# one bounded trigram look-up. A common term is matched over the caller's scope instead.
RARE_MATCHES = 1000
# SQLite, common term: reading the FTS5 trigram index costs about 4 times as much per match as the
# plain scan costs per unit of the scope (bench, 150,000 units: 20 ms for the 16,735 units named
# "truong tieu hoc" against 45 ms to scan the whole tree, 10 ms for a province of 32,525).
FTS_COST_PER_MATCH = 4


def _trigram_sample(session: Session, search: _FoldedSearch) -> list[int] | None:
    """SQLite: the ids of the first RARE_MATCHES units matching (by id), from the FTS5 trigram
    table, which streams its matches: the look-up stays cheap however common the term. None when
    the key is too short for a trigram."""
    if len(search.key) < 3:
        return None
    return list(session.scalars(search.fts_ids.order_by(literal_column("rowid")).limit(RARE_MATCHES)))


def _fts_beats_scan(session: Session, sample: list[int], scope: str) -> bool:
    """SQLite, common term: does the scope hold more than FTS_COST_PER_MATCH times as many units as
    the term has matches in the whole tree? The matches are estimated from the sample (the first
    RARE_MATCHES by id: as dense over all ids as over the ones read); the scope is counted on the
    path index up to that bound only, so the question costs about 1 ms at 150,000 units."""
    highest = session.scalar(select(func.max(Unit.id))) or 0
    matches = len(sample) * highest / max(sample[-1], 1)
    bound = int(FTS_COST_PER_MATCH * matches) + 1
    held = session.scalar(select(func.count()).select_from(
        select(Unit.id).where(in_subtree(scope)).limit(bound).subquery()))
    return held >= bound


def search_filter(q: str, session: Session | None = None, scope: str = "") -> ColumnElement[bool]:
    """Diacritic-insensitive "contains" match on the unit name or code.

    With a session, the plan follows how common the term is and how big the scope is, the result
    never does. `scope` is the path of the subtree the caller's query is restricted to (the whole
    tree by default): matches outside it are never looked at. The trap to avoid is the name index:
    under `ORDER BY name_sort LIMIT n` a planner walks it until n units match, as if matches were
    spread evenly over names; those of a common term sit together ("cong doan co so truong tieu hoc
    ...", after 109,370 of 150,000 units), so that walk read two thirds of the country.

    PostgreSQL: `ctid = ANY(ARRAY(the matching rows in the scope))`. The subquery runs once,
    planned for its own values (every plan is custom, shared.db): from the trigram index
    ix_units_search_trgm for a rare term or a common one over a country, from the path range for a
    common term in a small scope. Its array is estimated small and carries no name order, so the
    outer query fetches those rows by address and sorts them: 25 ms for the 16,735 units of
    "truong tieu hoc" in the whole country, 17 ms for its 3,584 in a province of 32,525.
    SQLite: a rare term ("chau giang": a few hundred units) becomes `id IN (its ids)` from one
    bounded FTS5 look-up; a common one `id IN (the matches over the scope's path range)`, or
    `id IN (the FTS5 table's matches)` when the scope is several times bigger than its matches (a
    whole country): either way the rows are fetched by id and sorted, never found by name order.
    Without a session the trigram-indexed condition is returned as it is.
    """
    search = _FoldedSearch(fold(q))
    if session is None:
        return search
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # By row address (ctid: a TID scan, 16,735 rows in 7 ms where as many probes of the primary
        # key took 17), both sides in the same statement, hence the same snapshot. The subquery is
        # over its own `units`, never correlated with the caller's.
        in_scope = (select(_CTID).select_from(Unit).where(in_subtree(scope), search.pg)
                    .correlate(None).scalar_subquery())
        return literal_column("units.ctid") == any_(_Array(in_scope))
    if dialect != "sqlite":
        return search.like
    sample = _trigram_sample(session, search)
    if sample is not None and len(sample) < RARE_MATCHES:
        return Unit.id.in_(bindparam("search_ids", sample, expanding=True, literal_execute=True))
    if sample is not None and _fts_beats_scan(session, sample, scope):
        return search.sqlite
    return Unit.id.in_(select(Unit.id).where(in_subtree(scope), search.like).correlate(None))


_CTID = literal_column("units.ctid")


class _Array(ColumnElement):
    """PostgreSQL's `ARRAY(subquery)`: the subquery runs once (an InitPlan) into an array."""

    inherit_cache = True
    _traverse_internals = [("subquery", InternalTraversal.dp_clauseelement)]

    def __init__(self, subquery):
        self.subquery = subquery
        self.type = subquery.type


@compiles(_Array)
def _array(element, compiler, **kw):
    return "ARRAY" + compiler.process(element.subquery, **kw)


def ancestors(session: Session, unit: Unit) -> list[Unit]:
    """Root first, the unit itself excluded: ids come straight from the path. Those the session
    already holds (the user's own unit, loaded with the user) are not read again."""
    ids = [int(seg) for seg in unit.path.rstrip("/").split("/")[:-1]]
    found = {}
    for i in ids:
        held = session.identity_map.get(identity_key(Unit, i))
        if held is not None:
            found[i] = held
    missing = [i for i in ids if i not in found]
    if missing:
        found.update((u.id, u) for u in session.scalars(select(Unit).where(Unit.id.in_(missing))))
    return [found[i] for i in ids if i in found]
