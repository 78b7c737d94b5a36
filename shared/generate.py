"""A national-scale data set (63 provinces, ~700 district-level units, the rest grassroots) for benchmarks.

Rows go in with bulk inserts, never through the ORM: SQLAlchemy Core `insert()` with executemany in
batches on SQLite, `COPY ... FROM STDIN` on PostgreSQL. Ids are assigned here, so paths can be built
without a round trip, and PostgreSQL's sequences are moved past them at the end.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, insert, select, text

from shared import clock, data_versions
from shared.demo import COMPANIES, FDI, REC_TEXTS, RETURN_REASONS, TOPICS, _person
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
from shared.reports import EDITABLE_FIELDS
from shared.security import hash_password
from shared.text import fold, sort_key
from shared.units import child_path
from shared.validation import congress_form

GENERATED_PASSWORD = "demo1234"
BATCH = 5_000

# The 63 provinces and centrally-run cities (before the 2025 merger), with a rough size weight.
PROVINCES = [
    ("HNI", "Hà Nội", 9), ("HCM", "Thành phố Hồ Chí Minh", 10), ("HPG", "Hải Phòng", 3), ("DNG", "Đà Nẵng", 2),
    ("CTO", "Cần Thơ", 2), ("AGG", "An Giang", 2), ("BRV", "Bà Rịa - Vũng Tàu", 2), ("BGG", "Bắc Giang", 2),
    ("BKN", "Bắc Kạn", 1), ("BLU", "Bạc Liêu", 1), ("BNH", "Bắc Ninh", 3), ("BTE", "Bến Tre", 1),
    ("BDH", "Bình Định", 2), ("BDG", "Bình Dương", 5), ("BPC", "Bình Phước", 1), ("BTN", "Bình Thuận", 1),
    ("CMU", "Cà Mau", 1), ("CBG", "Cao Bằng", 1), ("DLK", "Đắk Lắk", 2), ("DKN", "Đắk Nông", 1),
    ("DBN", "Điện Biên", 1), ("DNI", "Đồng Nai", 5), ("DTP", "Đồng Tháp", 2), ("GLI", "Gia Lai", 2),
    ("HGG", "Hà Giang", 1), ("HNM", "Hà Nam", 1), ("HTH", "Hà Tĩnh", 2), ("HDG", "Hải Dương", 2),
    ("HUG", "Hậu Giang", 1), ("HBH", "Hòa Bình", 1), ("HYN", "Hưng Yên", 2), ("KHA", "Khánh Hòa", 2),
    ("KGG", "Kiên Giang", 2), ("KTM", "Kon Tum", 1), ("LCU", "Lai Châu", 1), ("LDG", "Lâm Đồng", 2),
    ("LSN", "Lạng Sơn", 1), ("LCI", "Lào Cai", 1), ("LAN", "Long An", 2), ("NDH", "Nam Định", 2),
    ("NAN", "Nghệ An", 3), ("NBH", "Ninh Bình", 1), ("NTN", "Ninh Thuận", 1), ("PTO", "Phú Thọ", 2),
    ("PYN", "Phú Yên", 1), ("QBH", "Quảng Bình", 1), ("QNM", "Quảng Nam", 2), ("QNI", "Quảng Ngãi", 2),
    ("QNH", "Quảng Ninh", 2), ("QTI", "Quảng Trị", 1), ("STG", "Sóc Trăng", 1), ("SLA", "Sơn La", 1),
    ("TNH", "Tây Ninh", 2), ("TBH", "Thái Bình", 2), ("TNN", "Thái Nguyên", 2), ("THA", "Thanh Hóa", 3),
    ("TTH", "Thừa Thiên Huế", 2), ("TGG", "Tiền Giang", 2), ("TVH", "Trà Vinh", 1), ("TQG", "Tuyên Quang", 1),
    ("VLG", "Vĩnh Long", 1), ("VPC", "Vĩnh Phúc", 2), ("YBI", "Yên Bái", 1),
]
SECTOR_UNIONS = [  # the district-level equivalents every province has, before its districts
    ("VC", "Công đoàn Viên chức tỉnh", "state"),
    ("GD", "Công đoàn ngành Giáo dục", "public_service"),
    ("YT", "Công đoàn ngành Y tế", "public_service"),
    ("KCN", "Công đoàn các Khu công nghiệp", "non_state"),
]
PLACE_A = ["An", "Bình", "Châu", "Đông", "Hòa", "Long", "Phú", "Tân", "Thạnh", "Vĩnh", "Hưng", "Mỹ",
           "Phước", "Thái", "Quảng", "Cẩm", "Đức", "Gia", "Hải", "Kim", "Lạc", "Ninh", "Sơn", "Thuận", "Yên"]
PLACE_B = ["Thành", "Lợi", "Hòa", "Điền", "Khánh", "Sơn", "Hải", "Lộc", "Yên", "Phong", "Trung", "Bắc",
           "Nam", "Tây", "Đông", "Xuyên", "Giang", "Thủy", "Mỹ", "Định", "Hiệp", "Tiến", "Quý", "Phú", "Xuân"]
UNIT_KINDS = [
    # (name template, sector, members low, members high, weight)
    ("Công đoàn cơ sở Ủy ban nhân dân xã {p}", "state", 15, 45, 20),
    ("Công đoàn cơ sở Trường Tiểu học {p}", "public_service", 15, 60, 12),
    ("Công đoàn cơ sở Trường THCS {p}", "public_service", 20, 70, 8),
    ("Công đoàn cơ sở Trường Mầm non {p}", "public_service", 12, 40, 8),
    ("Công đoàn cơ sở Trạm Y tế xã {p}", "public_service", 8, 20, 5),
    ("COMPANY", "non_state", 10, 250, 42),
    ("FDI", "fdi", 100, 1500, 5),
]
KIND_WEIGHTS = [k[4] for k in UNIT_KINDS]


@dataclass
class GenerateResult:
    provinces: int = 0
    districts: int = 0
    grassroots: int = 0
    members: int = 0
    reports: int = 0
    status_changes: int = 0
    officers: int = 0
    recommendations: int = 0
    users: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def units(self) -> int:
        return self.provinces + self.districts + self.grassroots


def shape(units: int) -> tuple[int, int, int]:
    """(provinces, districts, grassroots) for a total: 63 provinces and ~700 district-level units at 150,000."""
    if units < 3:
        raise ValueError("Cần ít nhất 3 đơn vị.")
    provinces = max(1, min(len(PROVINCES), units // 100))
    districts = max(provinces, min(units - provinces - 1, round(units * 700 / 150_000)))
    return provinces, districts, units - provinces - districts


def _split(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """`total` shared out in proportion to `weights` (largest remainder), each at least `minimum`."""
    rest = total - minimum * len(weights)
    scale = rest / sum(weights)
    raw = [w * scale for w in weights]
    out = [minimum + int(r) for r in raw]
    by_remainder = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_A)} {rng.choice(PLACE_B)}"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


class _Sink:
    """Buffers rows per table and writes them parents-first, so foreign keys hold at every batch."""

    ORDER = ("units", "campaigns", "users", "congress_reports", "officers", "elected_members", "congress_delegates",
             "recommendations", "report_status_changes", "report_versions")

    def __init__(self, conn, on_rows: Callable[[str, int], None]):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.buffers: dict[str, list[dict]] = {name: [] for name in self.ORDER}
        self.pending = 0
        self.on_rows = on_rows
        self.tables = {
            "units": Unit.__table__, "campaigns": Campaign.__table__, "users": User.__table__,
            "congress_reports": CongressReport.__table__, "officers": Officer.__table__,
            "elected_members": ElectedMember.__table__, "congress_delegates": Delegate.__table__,
            "recommendations": Recommendation.__table__, "report_status_changes": ReportStatusChange.__table__,
            "report_versions": ReportVersion.__table__,
        }

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        for name in self.ORDER:
            rows = self.buffers[name]
            if not rows:
                continue
            if self.postgres:
                self._copy(name, rows)
            else:
                self.conn.execute(insert(self.tables[name]), rows)
            self.on_rows(name, len(rows))
            self.buffers[name] = []
        self.pending = 0

    def _copy(self, name: str, rows: list[dict]) -> None:
        columns = list(rows[0])
        json_cols = {c.name for c in self.tables[name].columns if c.type.__class__.__name__ == "JSON"}
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f'COPY "{name}" ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(
                        [json.dumps(row[c], ensure_ascii=False) if c in json_cols else row[c] for c in columns]
                    )


def _campaign_row() -> dict:
    return dict(
        id=1, name="Đại hội công đoàn các cấp nhiệm kỳ 2023-2028", term="2023-2028",
        start_date=dt.date(2023, 1, 1), deadline_grassroots=dt.date(2023, 5, 31),
        deadline_district=dt.date(2023, 7, 31), deadline_province=dt.date(2023, 10, 31),
        pilot_until_grassroots=dt.date(2023, 3, 15), pilot_until_district=dt.date(2023, 6, 15), members_threshold=150, youth_age=35, target_women_pct=30,
        target_young_pct=15, target_party_pct=50, closed=False, created_at=dt.datetime(2022, 12, 1, 8, 0),
    )


def _tree(rng: random.Random, units: int) -> Iterator[dict]:
    """Unit rows, parents before children: province, its district-level units, their grassroots."""
    n_prov, n_dist, n_grass = shape(units)
    provinces = PROVINCES[:n_prov]
    dist_per_prov = _split(n_dist, [w for _, _, w in provinces], minimum=1)
    # District sizes are skewed like the real tree: a big city's education union dwarfs a mountain district.
    dist_weights = [[w * rng.lognormvariate(0, 0.6) for _ in range(k)] for (_, _, w), k in zip(provinces, dist_per_prov)]
    grass_per_dist = _split(n_grass, [x for ws in dist_weights for x in ws])
    created = dt.datetime(2022, 12, 1, 8, 0)
    next_id = 1
    flat = 0

    def row(code: str, name: str, level: str, parent: dict | None, sector: str, members: int) -> dict:
        nonlocal next_id
        r = dict(
            id=next_id, code=code, name=name, name_folded=fold(name), name_sort=sort_key(name), level=level,
            parent_id=parent["id"] if parent else None, path=child_path(parent["path"] if parent else None, next_id),
            sector=sector, members_count=members, active=True, contact_email=None, contact_phone=None,
            created_at=created,
        )
        next_id += 1
        return r

    for (pcode, pname, _w), k in zip(provinces, dist_per_prov):
        province = row(pcode, f"Liên đoàn Lao động tỉnh {pname}" if not pname.startswith("Thành phố") and pname not in ("Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ") else f"Liên đoàn Lao động thành phố {pname.removeprefix('Thành phố ')}", "province", None, "state", 0)
        yield province
        seen_places: set[str] = set()
        for j in range(k):
            if j < len(SECTOR_UNIONS):
                scode, sname, ssector = SECTOR_UNIONS[j]
                dcode, dname = f"{pcode}-{scode}", sname
            else:
                place = _place(rng)
                while place in seen_places:
                    place = _place(rng)
                seen_places.add(place)
                dcode = f"{pcode}-D{j:02d}"
                dname = f"Liên đoàn Lao động {rng.choice(['huyện', 'huyện', 'huyện', 'thị xã', 'thành phố'])} {place}"
                ssector = "state"
            district = row(dcode, dname, "district", province, ssector, 0)
            yield district
            count = grass_per_dist[flat]
            flat += 1
            names: dict[str, int] = {}
            for i in range(1, count + 1):
                if j < len(SECTOR_UNIONS):
                    kind = _sector_kind(rng, SECTOR_UNIONS[j][0])
                else:
                    kind = rng.choices(UNIT_KINDS, KIND_WEIGHTS)[0]
                template, sector, low, high, _ = kind
                p = _place(rng)
                if template == "COMPANY":
                    name = "Công đoàn cơ sở " + rng.choice(COMPANIES).format(p=p)
                elif template == "FDI":
                    name = "Công đoàn cơ sở " + rng.choice(FDI).format(p=p)
                else:
                    name = template.format(p=p)
                n = names.get(name, 0) + 1
                names[name] = n
                if n > 1:
                    name = f"{name} {n}"
                members = int(low + (high - low) * rng.random() ** 2.2)
                yield row(f"{dcode}-{i:05d}", name, "grassroots", district, sector, members)


def _sector_kind(rng: random.Random, sector_code: str):
    """The grassroots kind under a sector union (education: schools, industrial zones: companies...)."""
    if sector_code == "GD":
        return rng.choice((UNIT_KINDS[1], UNIT_KINDS[2], UNIT_KINDS[3]))
    if sector_code == "YT":
        return ("Công đoàn cơ sở Bệnh viện Đa khoa {p}", "public_service", 40, 600, 0)
    if sector_code == "KCN":
        return UNIT_KINDS[6] if rng.random() < 0.3 else UNIT_KINDS[5]
    return ("Công đoàn cơ sở Sở, ngành {p}", "state", 12, 80, 0)


def _schedule(rng: random.Random, level: str, pilot: bool) -> tuple[dt.date | None, dt.date | None]:
    """(planned_date, held_date) for one unit, shaped like the demo province's history."""
    if level == "province":
        day = dt.date(2023, 9, 15) + dt.timedelta(days=rng.randint(0, 40))
        return day, day
    if level == "district":
        x = rng.random()
        if x < 0.04:
            return dt.date(2023, 7, 20), dt.date(2023, 8, 1) + dt.timedelta(days=rng.randint(0, 30))
        day = dt.date(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 58))
        return day, day
    if pilot:
        day = dt.date(2023, 2, 6) + dt.timedelta(days=rng.randint(0, 30))
        return day, day
    x = rng.random()
    if x < 0.03:  # no plan at all
        return None, None
    if x < 0.05:  # planned, never held
        return dt.date(2023, 5, rng.randint(10, 30)), None
    if x < 0.08:  # late
        return dt.date(2023, 5, rng.randint(15, 31)), dt.date(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 50))
    q = (x - 0.08) / 0.92
    if q < 0.684:
        day = dt.date(2023, 3, 1) + dt.timedelta(days=int(q / 0.684 * 45))
    else:
        day = dt.date(2023, 4, 16) + dt.timedelta(days=int((q - 0.684) / 0.316 * 45))
    return day, day


def _planned_size(level: str, members: int) -> int:
    """The executive committee size a unit plans for (the guidance by level and membership)."""
    if level == "province":
        return 35
    if level == "district":
        return 21
    return 3 if members < 30 else 5 if members < 70 else 7 if members < 150 else 9


def _results(rng: random.Random, unit: dict, form: str) -> dict:
    members = unit["members_count"]
    summoned = min(members, max(60, members // 6)) if form == "dai_bieu" else members
    ratio = rng.uniform(0.8, 0.99) if rng.random() > 0.03 else rng.uniform(0.5, 0.65)
    if unit["level"] == "grassroots":
        size = 3 if members < 30 else 5 if members < 70 else 7 if members < 150 else rng.choice([9, 11, 13, 15])
    else:
        size = rng.choice([19, 21, 23, 25]) if unit["level"] == "district" else 35
    reelected = rng.randint(size // 3, size - 1)
    works = rng.randint(0, 4)
    return dict(
        members_total=members, summoned=summoned, present=max(1, round(summoned * ratio)),
        executive_size=size, executive_women=rng.randint(size // 5, size // 2 + 1),
        executive_young=rng.randint(0, max(1, size // 3)), executive_party=rng.randint(size // 3, size),
        executive_ethnic_minority=rng.randint(0, max(0, size // 6)), executive_reelected=reelected,
        executive_new=size - reelected, executive_from_plan=rng.randint(size * 2 // 3, size),
        fulltime_not_reelected_age=0 if unit["level"] == "grassroots" else rng.randint(0, 2),
        standing_size=(size // 3) if size >= 9 else 0, inspection_size=3 if size >= 5 else 0,
        delegates_official=max(1, members // 50), delegates_alternate=rng.randint(0, 1),
        works_count=works, works_value_vnd=works * rng.randint(2, 60) * 1_000_000,
        exemplary_count=rng.randint(0, 6), funding_vnd=rng.choice([0, 1_000_000, 2_000_000, 3_000_000, 5_000_000]),
    )


EMPTY_RESULTS = {name: None for name in (
    "members_total", "summoned", "present", "executive_size", "executive_women", "executive_young",
    "executive_party", "executive_ethnic_minority", "executive_reelected", "executive_new",
    "executive_from_plan", "fulltime_not_reelected_age", "standing_size", "inspection_size",
    "delegates_official", "delegates_alternate", "works_count", "works_value_vnd", "exemplary_count", "funding_vnd",
)}


def generate(
    engine: Engine,
    units: int = 150_000,
    seed: int = 2023,
    today: dt.date | None = None,
    on_rows: Callable[[str, int], None] | None = None,
    analyze: bool = True,
) -> GenerateResult:
    """Fill an empty, migrated database with a national tree and a campaign history up to `today`."""
    rng = random.Random(seed)
    today = today or clock.today()
    on_rows = on_rows or (lambda _table, _n: None)
    result = GenerateResult()
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Unit.__table__)):
            raise RuntimeError("Cơ sở dữ liệu đã có dữ liệu; chỉ sinh dữ liệu vào cơ sở dữ liệu trống.")
        if conn.dialect.name == "sqlite":
            # A throw-away bulk load: a crash means regenerating, so skip the fsyncs.
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        sink = _Sink(conn, on_rows)
        sink.add("campaigns", _campaign_row())
        campaign = _campaign_row()
        deadlines = {"grassroots": campaign["deadline_grassroots"], "district": campaign["deadline_district"],
                     "province": campaign["deadline_province"]}

        tree = list(_tree(rng, units))
        by_id = {u["id"]: u for u in tree}
        # Members roll up: a district's and a province's count is their subtree's.
        for u in reversed(tree):
            if u["parent_id"]:
                by_id[u["parent_id"]]["members_count"] += u["members_count"]
        for u in tree:
            sink.add("units", u)
            result.provinces += u["level"] == "province"
            result.districts += u["level"] == "district"
            result.grassroots += u["level"] == "grassroots"
            result.members += u["members_count"] if u["level"] == "grassroots" else 0
        sink.flush()

        # Accounts: a few per province and district, one reporter per district; one shared hash.
        password_hash = hash_password(GENERATED_PASSWORD)
        user_id = 0
        reviewer_of: dict[int | None, int] = {}
        first_grassroots: dict[int, dict] = {}
        for u in tree:
            if u["level"] == "grassroots":
                first_grassroots.setdefault(u["parent_id"], u)

        def account(username: str, role: str, unit: dict, full_name: str) -> int:
            nonlocal user_id
            user_id += 1
            sink.add("users", dict(
                id=user_id, username=username, full_name=full_name, full_name_folded=fold(full_name), email=None,
                password_hash=password_hash,
                role=role, unit_id=unit["id"], active=True, must_change_password=False, session_version=1,
                locale="vi", created_at=dt.datetime(2022, 12, 1, 8, 0), last_login_at=None,
            ))
            result.accounts.append((username, role, unit["code"]))
            return user_id

        for u in tree:
            code = u["code"].lower()
            if u["level"] == "province":
                if u["id"] == 1:
                    account("admin", "admin", u, "Quản trị hệ thống")
                account(f"{code}.dieuphoi", "coordinator", u, f"Ban Dân vận - {u['name']}")
                fed = account(f"{code}.liendoan", "federation", u, f"Ban Tổ chức - {u['name']}")
                reviewer_of[u["id"]] = fed
            elif u["level"] == "district":
                reviewer_of[u["id"]] = account(f"{code}", "district", u, u["name"])
                account(f"{code}.quansat", "observer", u, f"Cấp ủy - {u['name']}")
                g = first_grassroots.get(u["id"])
                if g is not None:
                    account(f"{code}.coso", "reporter", g, f"Chủ tịch - {g['name']}")
        result.users = user_id
        sink.flush()

        report_id = change_id = officer_id = rec_id = 0
        ids = {"member": 0, "delegate": 0}
        pilots_left: dict[int | None, int] = {}
        for u in tree:
            pilot = False
            if u["level"] == "grassroots" and pilots_left.setdefault(u["parent_id"], 2) > 0 and rng.random() < 0.05:
                pilots_left[u["parent_id"]] -= 1
                pilot = True
            planned, held = _schedule(rng, u["level"], pilot)
            if planned is None:
                continue
            planned_at = _at(planned - dt.timedelta(days=rng.randint(20, 45)), 8 + rng.randint(0, 9), rng.randint(0, 59))
            if planned_at.date() > today:
                continue
            members = u["members_count"]
            form = congress_form(u["level"], members, campaign["members_threshold"])
            report_id += 1
            reviewer = reviewer_of.get(u["parent_id"])
            events: list[tuple[dt.datetime, str | None, str, str | None, int | None]] = [
                (planned_at, None, "draft", None, None)
            ]
            report = dict(
                id=report_id, campaign_id=1, unit_id=u["id"], planned_date=planned, planned_at=planned_at,
                form=form, form_override_reason=None, is_pilot=pilot, meeting_mode="in_person",
                planned_summoned=members if form == "toan_the" else min(members, max(60, members // 6)),
                planned_executive_size=_planned_size(u["level"], members), held_date=None, **EMPTY_RESULTS, notes=None,
                status="draft", return_reason=None, submitted_at=None, reviewed_at=None, reviewed_by_id=None,
                version=1, created_at=planned_at, updated_at=planned_at, updated_by_id=None,
                ballots_issued=None, ballots_valid=None, quorum_reason=None, quorum_resolution=None,
                quorum_resolved_at=None,
            )
            officers: list[dict] = []
            members: list[dict] = []
            delegates: list[dict] = []
            recs: list[dict] = []
            if held is not None and held <= today:
                report["held_date"] = held
                report.update(_results(rng, u, form))
                submitted = _at(held + dt.timedelta(days=rng.randint(1, 6)), 8 + rng.randint(0, 9), rng.randint(0, 59))
                events.append((submitted, "draft", "submitted", None, None))
                t = submitted
                if rng.random() < 0.12:
                    t += dt.timedelta(days=rng.randint(1, 3))
                    events.append((t, "submitted", "returned", rng.choice(RETURN_REASONS), reviewer))
                    t += dt.timedelta(days=rng.randint(1, 3))
                    events.append((t, "returned", "submitted", None, None))
                if rng.random() < 0.97 or held > deadlines[u["level"]]:
                    t += dt.timedelta(days=rng.randint(1, 6))
                    events.append((t, "submitted", "approved", None, reviewer))
                female_chair = rng.random() < 0.35
                people = [("chair", female_chair), ("vice_chair", not female_chair)]
                if report["inspection_size"]:
                    people.append(("inspection_head", rng.random() < 0.4))
                for position, (role, female) in enumerate(people):
                    officer_id += 1
                    officers.append(dict(
                        id=officer_id, report_id=report_id, position=position, role=role,
                        full_name=_person(rng, female), gender="female" if female else "male",
                        vote_pct=round(rng.uniform(60 if position else 75, 100), 2),
                    ))
                if rng.random() < LISTED_SHARE:
                    members, delegates = _people(rng, report, officers, ids)
                for _ in range(rng.choice((0, 0, 1, 1, 2))):
                    topic = rng.choice(TOPICS)
                    status = rng.choices(("open", "in_progress", "resolved"), (5, 3, 2))[0]
                    rec_id += 1
                    recs.append(dict(
                        id=rec_id, report_id=report_id, campaign_id=1, unit_id=u["id"], topic=topic,
                        text=REC_TEXTS[topic], text_folded=fold(REC_TEXTS[topic]),
                        addressed_to=rng.choice(("UBND tỉnh", "LĐLĐ tỉnh", "UBND huyện", "Chủ doanh nghiệp")),
                        status=status, resolution_note="Đã giải quyết theo thẩm quyền." if status == "resolved" else None,
                        version=1, updated_at=_at(held + dt.timedelta(days=30), 9),
                    ))
            events = [e for e in events if e[0].date() <= today]
            last = events[-1]
            report["status"] = last[2]
            report["updated_at"] = last[0]
            for when, _frm, to, reason, who in events:
                if to == "submitted":
                    report["submitted_at"] = when
                if to in ("returned", "approved"):
                    report["reviewed_at"] = when
                    report["reviewed_by_id"] = who
                if to == "returned":
                    report["return_reason"] = reason
            sink.add("congress_reports", report)
            for o in officers:
                sink.add("officers", o)
            for m in members:
                sink.add("elected_members", m)
            for d in delegates:
                sink.add("congress_delegates", d)
            for r in recs:
                sink.add("recommendations", r)
            for when, frm, to, reason, who in events:
                change_id += 1
                sink.add("report_status_changes", dict(
                    id=change_id, report_id=report_id, changed_at=when, user_id=who, from_status=frm,
                    to_status=to, reason=reason, version=1,
                ))
            sink.add("report_versions", dict(
                id=report_id, report_id=report_id, version=1, data=_snapshot(report, officers, recs, members, delegates),
                created_at=last[0], user_id=None,
            ))
        sink.flush()
        result.reports, result.status_changes = report_id, change_id
        result.officers, result.recommendations = officer_id, rec_id

        if conn.dialect.name == "postgresql":
            from shared.models import Base

            for table in _Sink.ORDER:
                top = conn.scalar(select(func.max(Base.metadata.tables[table].c.id))) or 0
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next, false)"),
                    {"table": table, "next": top + 1},
                )
        data_versions.renew(conn, [data_versions.ALL])  # rows written without the ORM: every cache is stale
        conn.commit()
    if analyze:
        refresh_statistics(engine)
    return result


def refresh_statistics(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load (sqlite_stat1 / pg_statistic); on PostgreSQL also
    VACUUM, so the visibility map lets covering indexes answer without visiting the table."""
    if engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{name}"' for name in _Sink.ORDER)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {tables}"))
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def _snapshot(report: dict, officers: list[dict], recs: list[dict], members: list[dict] = (),
              delegates: list[dict] = ()) -> dict:
    """The same JSON as shared.reports.snapshot, from plain rows."""
    data = {name: (v.isoformat() if isinstance(v, dt.date) else v) for name in EDITABLE_FIELDS
            for v in (report.get(name),)}
    data["status"] = report["status"]
    data["officers"] = [{"role": o["role"], "full_name": o["full_name"], "gender": o["gender"],
                         "vote_pct": o["vote_pct"]} for o in officers]
    data["members"] = [{**{k: m[k] for k in _MEMBER_KEYS}, "positions": m["positions"].split(",")} for m in members]
    data["delegates"] = [{k: d[k] for k in _DELEGATE_KEYS} for d in delegates]
    data["recommendations"] = [{"topic": r["topic"], "text": r["text"], "addressed_to": r["addressed_to"],
                                "status": r["status"], "resolution_note": r["resolution_note"]} for r in recs]
    return data


# Issue 19: about half of the held congresses give their committee and delegates by name (the others keep typed
# counts, as imports and old data do, labelled so). The names match the counts exactly.
LISTED_SHARE = 0.5
_MEMBER_KEYS = ("id", "full_name", "gender", "birth_year", "ethnic_minority", "party_member", "reelected",
                "in_planning_pool", "chair_elected", "votes")
_DELEGATE_KEYS = ("id", "full_name", "gender", "birth_year", "title", "kind", "ex_officio")


def _people(rng: random.Random, report: dict, officers: list[dict], ids: dict[str, int]) -> tuple[list[dict], list[dict]]:
    """Member and delegate rows consistent with the report's counts (women, young at the congress year, party,
    ethnic, re-elected, planning pool, BTV and UBKT sizes, delegates), with ballots; the chair and vice-chair
    are the officers' rows where their gender fits."""
    size, held = report["executive_size"], report["held_date"]
    pick = lambda count: set(rng.sample(range(size), count))  # noqa: E731
    women, young, party = pick(report["executive_women"]), pick(report["executive_young"]), pick(report["executive_party"])
    ethnic, reelected = pick(report["executive_ethnic_minority"]), pick(report["executive_reelected"])
    planned = pick(report["executive_from_plan"])
    valid = max(1, report["present"] - rng.randint(0, max(0, report["present"] // 40)))
    report["ballots_issued"], report["ballots_valid"] = report["present"], valid
    if report["summoned"] and report["present"] * 3 < report["summoned"] * 2:
        report["quorum_reason"] = "Thời tiết xấu, nhiều đoàn viên ở xa không về dự được."
        report["quorum_resolution"] = "Cấp trên đã kiểm tra biên bản; đại hội bầu bổ sung theo hướng dẫn."
    named = {o["role"]: o for o in officers}
    members = []
    for i in range(size):
        female = i in women
        officer = named.get("chair" if i == 0 else "vice_chair" if i == 1 else "")
        name = officer["full_name"] if officer and (officer["gender"] == "female") == female else _person(rng, female)
        positions = ["chair"] if i == 0 else ["vice_chair"] if i == 1 else []
        if i < report["standing_size"]:
            positions.append("standing")
        positions = positions or ["executive"]
        if i == size - 1 and report["inspection_size"]:
            positions.append("inspection_head")
        ids["member"] += 1
        members.append(dict(
            id=ids["member"], report_id=report["id"], position=i, full_name=name, gender="female" if female else "male",
            birth_year=held.year - (rng.randint(23, 34) if i in young else rng.randint(35, 58)),
            ethnic_minority=i in ethnic, party_member=i in party, reelected=i in reelected, in_planning_pool=i in planned,
            positions=",".join(positions), chair_elected="congress" if i == 0 else None,
            votes=rng.randint(valid // 2 + 1, valid),
        ))
    for j in range(max(0, report["inspection_size"] - 1)):
        female = rng.random() < 0.4
        ids["member"] += 1
        members.append(dict(
            id=ids["member"], report_id=report["id"], position=len(members), full_name=_person(rng, female),
            gender="female" if female else "male", birth_year=held.year - rng.randint(25, 55), ethnic_minority=False,
            party_member=rng.random() < 0.5, reelected=False, in_planning_pool=False,
            positions="inspection_deputy" if j == 0 else "inspection", chair_elected=None,
            votes=rng.randint(valid // 2 + 1, valid),
        ))
    delegates = []
    for k in range(report["delegates_official"] + report["delegates_alternate"]):
        female = rng.random() < 0.45
        ids["delegate"] += 1
        delegates.append(dict(
            id=ids["delegate"], report_id=report["id"], position=k, full_name=_person(rng, female),
            gender="female" if female else "male", birth_year=held.year - rng.randint(24, 56), title=None,
            kind="official" if k < report["delegates_official"] else "alternate", ex_officio=False,
        ))
    return members, delegates
