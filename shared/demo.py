"""The demo province: a Kiên Giang-like union tree with a seeded, realistic campaign history."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from shared import clock, people
from shared.models import (
    Campaign,
    CongressReport,
    Delegate,
    DelegateAllocation,
    ElectedMember,
    Officer,
    RecognitionDecision,
    PartyBody,
    PilotLesson,
    PilotUnit,
    Recommendation,
    ReportStatusChange,
    ReportVersion,
    Unit,
    User,
)
from shared.reports import snapshot
from shared.security import hash_password
from shared.text import fold
from shared.units import child_path
from shared.validation import suggested_form

DEMO_PASSWORD = "demo1234"
# The accounts load_demo creates; production refuses to start while any still has DEMO_PASSWORD.
DEMO_USERNAMES = ("admin", "dieuphoi", "liendoan", "rachgia", "coso", "quansat")

DISTRICTS = [
    # (code, name, weight for the number of grassroots unions)
    ("RG", "Liên đoàn Lao động thành phố Rạch Giá", 150),
    ("HT", "Liên đoàn Lao động thành phố Hà Tiên", 55),
    ("PQ", "Liên đoàn Lao động thành phố Phú Quốc", 110),
    ("KL", "Liên đoàn Lao động huyện Kiên Lương", 60),
    ("HD", "Liên đoàn Lao động huyện Hòn Đất", 70),
    ("TH", "Liên đoàn Lao động huyện Tân Hiệp", 60),
    ("CT", "Liên đoàn Lao động huyện Châu Thành", 70),
    ("GR", "Liên đoàn Lao động huyện Giồng Riềng", 70),
    ("GQ", "Liên đoàn Lao động huyện Gò Quao", 60),
    ("AB", "Liên đoàn Lao động huyện An Biên", 55),
    ("AM", "Liên đoàn Lao động huyện An Minh", 50),
    ("VT", "Liên đoàn Lao động huyện Vĩnh Thuận", 45),
    ("UMT", "Liên đoàn Lao động huyện U Minh Thượng", 35),
    ("GT", "Liên đoàn Lao động huyện Giang Thành", 30),
    ("KH", "Liên đoàn Lao động huyện Kiên Hải", 25),
    ("VC", "Công đoàn Viên chức tỉnh", 95),
    ("GD", "Công đoàn ngành Giáo dục", 210),
    ("YT", "Công đoàn ngành Y tế", 90),
    ("KKT", "Công đoàn Khu kinh tế", 60),
]

PLACES = {
    "RG": ["Vĩnh Thanh Vân", "Vĩnh Lạc", "An Hòa", "Rạch Sỏi", "Vĩnh Hiệp", "Phi Thông", "Vĩnh Quang", "Vĩnh Thông"],
    "HT": ["Đông Hồ", "Bình San", "Pháo Đài", "Tô Châu", "Mỹ Đức", "Tiên Hải"],
    "PQ": ["Dương Đông", "An Thới", "Cửa Cạn", "Gành Dầu", "Bãi Thơm", "Hàm Ninh", "Dương Tơ", "Cửa Dương"],
    "KL": ["Kiên Lương", "Bình An", "Bình Trị", "Hòa Điền", "Dương Hòa", "Hòn Nghệ"],
    "HD": ["Hòn Đất", "Sóc Sơn", "Bình Sơn", "Mỹ Lâm", "Thổ Sơn", "Nam Thái Sơn"],
    "TH": ["Tân Hiệp", "Thạnh Đông", "Tân Hội", "Tân An", "Thạnh Trị", "Tân Thành"],
    "CT": ["Minh Lương", "Mong Thọ", "Giục Tượng", "Vĩnh Hòa Hiệp", "Bình An", "Thạnh Lộc"],
    "GR": ["Giồng Riềng", "Thạnh Hòa", "Bàn Tân Định", "Ngọc Chúc", "Hòa Hưng", "Long Thạnh"],
    "GQ": ["Gò Quao", "Vĩnh Hòa Hưng Bắc", "Định Hòa", "Thới Quản", "Vĩnh Phước A", "Định An"],
    "AB": ["Thứ Ba", "Đông Thái", "Nam Yên", "Tây Yên", "Hưng Yên", "Nam Thái"],
    "AM": ["Thứ Mười Một", "Đông Hưng", "Vân Khánh", "Thuận Hòa", "Tân Thạnh", "Đông Hòa"],
    "VT": ["Vĩnh Thuận", "Vĩnh Bình Bắc", "Tân Thuận", "Phong Đông", "Vĩnh Phong"],
    "UMT": ["An Minh Bắc", "Minh Thuận", "Thạnh Yên", "Vĩnh Hòa", "Hòa Chánh"],
    "GT": ["Tân Khánh Hòa", "Phú Mỹ", "Phú Lợi", "Vĩnh Điều", "Vĩnh Phú"],
    "KH": ["Hòn Tre", "Lại Sơn", "An Sơn", "Nam Du"],
}

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lâm", "Danh", "Thạch"]
MIDDLE_M = ["Văn", "Minh", "Hoàng", "Quốc", "Thanh", "Hữu", "Công"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thanh"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Phúc", "Khải", "Nam", "Sơn", "Tài", "Trung", "Hải", "Lợi", "Quang"]
GIVEN_F = ["Lan", "Hoa", "Hạnh", "Thảo", "Trang", "Nhung", "Mai", "Phượng", "Diễm", "Yến", "Hằng", "Xuân"]
COMPANIES = [
    "Công ty TNHH Thủy sản {p}", "Công ty Cổ phần Xây dựng {p}", "Công ty TNHH Chế biến Nông sản {p}",
    "Công ty Cổ phần Du lịch {p}", "Doanh nghiệp tư nhân Vận tải {p}", "Công ty TNHH Nước mắm {p}",
    "Hợp tác xã Dịch vụ Nông nghiệp {p}", "Công ty Cổ phần Cấp thoát nước {p}",
]
FDI = ["Công ty TNHH Giày da {p} Việt Nam", "Công ty TNHH May mặc Sunrise {p}", "Công ty TNHH Thực phẩm Hải Long {p}"]
TOPICS = ["jobs", "income", "housing", "facilities", "culture", "policy", "other"]
REC_TEXTS = {
    "jobs": "Đề nghị hỗ trợ đào tạo nghề, giới thiệu việc làm cho đoàn viên bị giảm giờ làm.",
    "income": "Đề nghị điều chỉnh tiền lương, phụ cấp phù hợp với mức tăng giá sinh hoạt.",
    "housing": "Đề nghị có chính sách nhà ở xã hội cho công nhân lao động thu nhập thấp.",
    "facilities": "Đề nghị bố trí phòng làm việc và kinh phí cho hoạt động công đoàn.",
    "culture": "Đề nghị xây dựng thiết chế văn hóa, sân chơi cho công nhân tại khu nhà trọ.",
    "policy": "Đề nghị hướng dẫn cụ thể chế độ cho cán bộ công đoàn không chuyên trách.",
    "other": "Đề nghị tăng cường kiểm tra việc thực hiện chính sách bảo hiểm xã hội.",
}
RETURN_REASONS = [
    "Số ủy viên Ban Chấp hành tái cử và mới không khớp với tổng số; đề nghị kiểm tra lại.",
    "Thiếu biên bản kiểm phiếu bầu Ban Chấp hành; đề nghị bổ sung.",
    "Số đại biểu có mặt ghi chưa đúng với biên bản đại hội.",
]


@dataclass
class DemoResult:
    units: int
    grassroots: int
    members: int
    reports: int
    accounts: list[tuple[str, str, str]]


def _person(rng: random.Random, female: bool) -> str:
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return f"{rng.choice(SURNAMES)} {middle} {given}"


def _grassroots_names(rng: random.Random, code: str, count: int) -> list[tuple[str, str, int]]:
    """(name, sector, members) for the grassroots unions under one district-level unit."""
    out: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    places = PLACES.get(code, ["Rạch Giá", "Châu Thành", "Phú Quốc", "Hà Tiên", "Kiên Lương", "Hòn Đất"])

    def add(name: str, sector: str, members: int) -> None:
        base, n = name, 2
        while name in seen:
            name = f"{base} {n}"
            n += 1
        seen.add(name)
        out.append((name, sector, members))

    i = 0
    while len(out) < count:
        p = places[i % len(places)]
        round_ = i // len(places)
        i += 1
        if code == "GD":
            kind = rng.choice(["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường THPT"])
            add(f"Công đoàn cơ sở {kind} {p} {round_ + 1 if round_ else ''}".strip(), "public_service", rng.randint(15, 60))
        elif code == "YT":
            kind = rng.choice(["Trung tâm Y tế", "Bệnh viện Đa khoa", "Trạm Y tế xã", "Phòng khám Đa khoa khu vực"])
            add(f"Công đoàn cơ sở {kind} {p}", "public_service", rng.randint(12, 110))
        elif code == "VC":
            kind = rng.choice(["Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng", "Sở Công Thương", "Văn phòng Đăng ký đất đai", "Trung tâm Khuyến nông", "Chi cục Thủy sản", "Ban Quản lý dự án"])
            add(f"Công đoàn cơ sở {kind} chi nhánh {p}", "state", rng.randint(12, 70))
        elif code == "KKT":
            if rng.random() < 0.4:
                add("Công đoàn cơ sở " + rng.choice(FDI).format(p=p), "fdi", rng.randint(120, 420))
            else:
                add("Công đoàn cơ sở " + rng.choice(COMPANIES).format(p=p), "non_state", rng.randint(15, 160))
        else:
            r = rng.random()
            if r < 0.30:
                add(f"Công đoàn cơ sở Ủy ban nhân dân xã {p}" if round_ == 0 else f"Công đoàn cơ sở Cơ quan Đảng - Đoàn thể xã {p} {round_}", "state", rng.randint(18, 45))
            elif r < 0.55:
                kind = rng.choice(["Trường Tiểu học", "Trường THCS", "Trường Mầm non"])
                add(f"Công đoàn cơ sở {kind} {p} {round_ + 1}", "public_service", rng.randint(15, 60))
            elif r < 0.92:
                add("Công đoàn cơ sở " + rng.choice(COMPANIES).format(p=p), "non_state", rng.randint(10, 60))
            else:
                add("Công đoàn cơ sở " + rng.choice(FDI).format(p=p), "fdi", rng.randint(100, 300))
    return out


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


def _fill_results(rng: random.Random, report: CongressReport, unit: Unit, campaign: Campaign) -> None:
    members = unit.members_count
    report.members_total = members
    if report.form == "dai_bieu":
        report.summoned = min(members, max(60, members // 6))
    else:
        report.summoned = members
    ratio = rng.uniform(0.8, 0.99) if rng.random() > 0.03 else rng.uniform(0.5, 0.65)
    report.present = max(1, round(report.summoned * ratio))
    size = 3 if members < 30 else 5 if members < 70 else 7 if members < 150 else rng.choice([9, 11, 13, 15])
    if unit.level != "grassroots":
        size = rng.choice([19, 21, 23, 25]) if unit.level == "district" else 35
    report.executive_size = size
    report.executive_women = rng.randint(size // 5, size // 2 + 1)
    report.executive_young = rng.randint(0, max(1, size // 3))
    report.executive_party = rng.randint(size // 3, size)
    report.executive_ethnic_minority = rng.randint(0, max(0, size // 6))
    report.executive_reelected = rng.randint(size // 3, size - 1)
    report.executive_new = size - report.executive_reelected
    report.executive_from_plan = rng.randint(size * 2 // 3, size)
    report.fulltime_not_reelected_age = 0 if unit.level == "grassroots" else rng.randint(0, 2)
    report.standing_size = (size // 3) if size >= 9 else 0
    report.inspection_size = 3 if size >= 5 else 0
    report.delegates_official = max(1, members // 50)
    report.delegates_alternate = rng.randint(0, 1)
    report.works_count = rng.randint(0, 4)
    report.works_value_vnd = report.works_count * rng.randint(2, 60) * 1_000_000
    report.exemplary_count = rng.randint(0, 6)
    report.funding_vnd = rng.choice([0, 1_000_000, 2_000_000, 3_000_000, 5_000_000])
    female_chair = rng.random() < 0.35
    report.officers = [
        Officer(position=0, role="chair", full_name=_person(rng, female_chair), gender="female" if female_chair else "male", vote_pct=round(rng.uniform(75, 100), 2)),
        Officer(position=1, role="vice_chair", full_name=_person(rng, not female_chair), gender="male" if female_chair else "female", vote_pct=round(rng.uniform(60, 100), 2)),
    ]
    if report.inspection_size:
        report.officers.append(Officer(position=2, role="inspection_head", full_name=_person(rng, False), gender="male", vote_pct=round(rng.uniform(60, 100), 2)))
    recs = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        topic = rng.choice(TOPICS)
        status = rng.choices(["open", "in_progress", "resolved"], [5, 3, 2])[0]
        recs.append(
            Recommendation(
                campaign_id=campaign.id, unit_id=unit.id, topic=topic, text=REC_TEXTS[topic],
                addressed_to=rng.choice(["UBND tỉnh", "LĐLĐ tỉnh", "UBND huyện", "Chủ doanh nghiệp"]),
                status=status, resolution_note="Đã giải quyết theo thẩm quyền." if status == "resolved" else None,
            )
        )
    report.recommendations = recs


def _split_funding(rng: random.Random, report: CongressReport, unit: Unit) -> None:
    """The funding reported, by source (People's Committees, the union's own funds, other). One report in
    seven keeps a total only, as reports did before the split (the dashboard shows it as "chưa rõ nguồn")."""
    total = report.funding_vnd or 0
    if not total or rng.random() < 1 / 7:
        return
    step = 100_000

    def share(low: float, high: float, left: int) -> int:
        return min(left, round(total * rng.uniform(low, high) / step) * step)

    left = total
    province = share(0.3, 0.6, left) if unit.level != "grassroots" else 0
    left -= province
    district = share(0.1, 0.4, left) if unit.level == "grassroots" and rng.random() < 0.6 else 0
    left -= district
    commune = share(0.1, 0.3, left) if unit.level == "grassroots" and rng.random() < 0.4 else 0
    left -= commune
    other = share(0.0, 0.2, left) if rng.random() < 0.3 else 0
    report.funding_pc_province_vnd, report.funding_pc_district_vnd = province or None, district or None
    report.funding_pc_commune_vnd, report.funding_other_vnd = commune or None, other or None
    report.funding_union_vnd = left - other


PILOT_LESSONS = (
    "Chuẩn bị nhân sự sớm, lấy ý kiến đoàn viên trước đại hội nên bầu cử thuận lợi.",
    "Cần tập dượt kịch bản và thống nhất thể lệ bầu cử trước; một số đơn vị lúng túng khi kiểm phiếu.",
    "Báo cáo chính trị nên ngắn gọn, dành thời gian cho thảo luận kiến nghị của người lao động.",
    "Tổ chức vào ngày nghỉ để đoàn viên dự đủ; mời đại diện chủ doanh nghiệp dự phiên khai mạc.",
    "Phân công rõ người ghi biên bản và hoàn thiện hồ sơ gửi cấp trên ngay sau đại hội.",
)


def _pilots(session: Session, rng: random.Random, campaign: Campaign, users: list[User], reviewer_of: dict,
            today: dt.date) -> None:
    """The pilots of each level named by the campaign (LĐLĐ tỉnh for the district level and outside Rạch Giá,
    LĐLĐ Rạch Giá for its own grassroots unions), and the lessons their reviewers drew a week after each
    (four in five of them)."""
    federation, rach_gia_user = users[2], users[3]
    rows = session.execute(
        select(CongressReport.id, CongressReport.unit_id, CongressReport.held_date, Unit.parent_id)
        .join(Unit, Unit.id == CongressReport.unit_id)
        .where(CongressReport.campaign_id == campaign.id, CongressReport.is_pilot.is_(True))
        .order_by(CongressReport.id)
    ).all()
    for r in rows:
        by = rach_gia_user if r.parent_id == rach_gia_user.unit_id else federation
        session.add(PilotUnit(campaign_id=campaign.id, unit_id=r.unit_id, designated_by_id=by.id,
                              designated_at=_at(dt.date(2023, 1, 9), 10)))
        recorded = r.held_date and r.held_date + dt.timedelta(days=7)
        if recorded and recorded <= today and rng.random() < 0.8:
            session.add(PilotLesson(report_id=r.id, text=rng.choice(PILOT_LESSONS),
                                    recorded_by_id=reviewer_of.get(r.parent_id, users[0].id),
                                    recorded_at=_at(recorded, 16)))
# Khmer names for the ethnic minority members (Kiên Giang's largest minority).
KHMER_SURNAMES = ["Thạch", "Danh", "Kim", "Sơn", "Lâm", "Chau"]
KHMER_GIVEN_M = ["Sóc", "Sa Rát", "Phol", "Sang", "Chanh Đa", "Hênh"]
KHMER_GIVEN_F = ["Sa Rươne", "Sô Phia", "Sà Ry", "Kim Thoa", "Sa Vên", "Mẹt"]
DELEGATE_TITLES = ["Ủy viên Ban Chấp hành", "Tổ trưởng công đoàn", "Đoàn viên", "Công nhân", "Giáo viên", "Nhân viên"]


def _khmer(rng: random.Random, female: bool) -> str:
    given = rng.choice(KHMER_GIVEN_F if female else KHMER_GIVEN_M)
    return f"{rng.choice(KHMER_SURNAMES)} {'Thị ' if female else ''}{given}"


def _fill_people(rng: random.Random, report: CongressReport, held: dt.date) -> None:
    """Named people consistent with the report's counts (issue 19): exactly `executive_women` women,
    `executive_young` under 35 in the congress year, and so on; the chair and vice-chair carry the officers'
    names where their gender fits; the UBKT head sits on the BCH, the other UBKT members do not; the delegates
    match `delegates_official`/`delegates_alternate`. A congress below the quorum has its reason and resolution."""
    size = report.executive_size or 0
    pick = lambda count: set(rng.sample(range(size), count))  # noqa: E731
    women, young, party = pick(report.executive_women), pick(report.executive_young), pick(report.executive_party)
    ethnic, reelected = pick(report.executive_ethnic_minority), pick(report.executive_reelected)
    planned = pick(report.executive_from_plan)
    report.ballots_issued = report.present
    report.ballots_valid = max(1, report.present - rng.randint(0, max(0, report.present // 40)))
    valid = report.ballots_valid
    officers = {o.role: o for o in report.officers}
    standing = report.standing_size or 0
    rows = []
    for i in range(size):
        female = i in women
        officer = officers.get("chair" if i == 0 else "vice_chair" if i == 1 else "")
        if officer is not None and (officer.gender == "female") == female and i not in ethnic:
            name = officer.full_name
        else:
            name = _khmer(rng, female) if i in ethnic else _person(rng, female)
        positions = ["chair"] if i == 0 else ["vice_chair"] if i == 1 else []
        if i < standing:
            positions.append("standing")
        if not positions:
            positions = ["executive"]
        if i == size - 1 and report.inspection_size:
            positions.append("inspection_head")
        born = held.year - (rng.randint(23, 34) if i in young else rng.randint(35, 58))
        rows.append(ElectedMember(
            position=i, full_name=name, gender="female" if female else "male", birth_year=born,
            ethnic_minority=i in ethnic, party_member=i in party, reelected=i in reelected,
            in_planning_pool=i in planned, positions=",".join(positions),
            chair_elected=("congress" if rng.random() < 0.7 else "first_meeting") if i == 0 else None,
            votes=rng.randint(valid // 2 + 1, valid),
        ))
    for j in range(max(0, (report.inspection_size or 0) - (1 if size else 0))):
        female = rng.random() < 0.4
        rows.append(ElectedMember(
            position=len(rows), full_name=_person(rng, female), gender="female" if female else "male",
            birth_year=held.year - rng.randint(25, 55), ethnic_minority=False, party_member=rng.random() < 0.5,
            reelected=rng.random() < 0.5, in_planning_pool=False,
            positions="inspection_deputy" if j == 0 else "inspection", votes=rng.randint(valid // 2 + 1, valid),
        ))
    report.members = rows
    delegates = []
    chair = rows[0] if rows else None
    for k in range((report.delegates_official or 0) + (report.delegates_alternate or 0)):
        official = k < (report.delegates_official or 0)
        if k == 0 and chair is not None:
            name, female, born, title = chair.full_name, chair.gender == "female", chair.birth_year, "Chủ tịch công đoàn"
        else:
            female = rng.random() < 0.45
            name, born, title = _person(rng, female), held.year - rng.randint(24, 56), rng.choice(DELEGATE_TITLES)
        delegates.append(Delegate(position=k, full_name=name, gender="female" if female else "male", birth_year=born,
                                  title=title, kind="official" if official else "alternate", ex_officio=False))
    report.delegates = delegates
    if people.quorum_short(report.summoned, report.present):
        report.quorum_reason = "Thời tiết xấu, nhiều đoàn viên ở xa không về dự được."
        report.quorum_resolution = "Cấp trên đã kiểm tra biên bản; đại hội bầu bổ sung theo hướng dẫn."


def _allocations(session: Session, rng: random.Random, campaign: Campaign, units: list[Unit],
                 reports: dict[int, CongressReport]) -> None:
    """Each unit's delegate allocation to its superior's congress: what it elected, or a little more."""
    for u in units:
        report = reports.get(u.id)
        official = report.delegates_official if report is not None and report.delegates_official is not None \
            else max(1, u.members_count // 50)
        alternate = report.delegates_alternate if report is not None and report.delegates_alternate is not None else 1
        session.add(DelegateAllocation(campaign_id=campaign.id, unit_id=u.id, official=official + rng.choice([0, 0, 1]),
                                       alternate=alternate + rng.choice([0, 1]), updated_at=_at(campaign.start_date, 8)))


def _decisions(session: Session, rng: random.Random, reports: list[CongressReport], parents: dict[int, int | None],
               today: dt.date) -> None:
    """Recognition decisions for most approved congresses, a few days after the approval, numbered per issuer."""
    numbers: dict[int, int] = {}
    for report in reports:
        if report.status != "approved" or not report.members or report.reviewed_at is None or rng.random() > 0.8:
            continue
        day = report.reviewed_at.date() + dt.timedelta(days=rng.randint(2, 12))
        if day > today:
            continue
        issuer = parents.get(report.unit_id) or report.unit_id
        numbers[issuer] = numbers.get(issuer, 0) + 1
        session.add(RecognitionDecision(report_id=report.id, number=f"{numbers[issuer]}/QĐ-CĐ", signed_on=day,
                                        recorded_at=_at(day, 16)))


# The 15 district-level units that are a town or district have a party committee (huyện ủy,
# thành ủy); the sector unions (VC, GD, YT, KKT) report through the federation's party delegation.
PARTY_DISTRICTS = ("RG", "HT", "PQ", "KL", "HD", "TH", "CT", "GR", "GQ", "AB", "AM", "VT", "UMT", "GT", "KH")


def _party_bodies(session: Session, province: Unit, districts: list[Unit], password_hash: str) -> list[User]:
    """A PartyBody and a `party_committee` account for each party committee and for the delegation."""
    users = []
    for d in districts:
        if d.code not in PARTY_DISTRICTS:
            continue
        city = "thành phố " in d.name
        place = d.name.split("thành phố " if city else "huyện ", 1)[1]
        name = ("Thành ủy " if city else "Huyện ủy ") + place
        session.add(PartyBody(unit_id=d.id, name=name, kind="district_committee"))
        username = ("thanhuy_" if city else "huyenuy_") + fold(place).replace(" ", "")
        users.append(User(username=username, full_name=name, password_hash=password_hash, role="party_committee", unit_id=d.id))
    session.add(PartyBody(unit_id=province.id, name="Đảng đoàn Liên đoàn Lao động tỉnh", kind="federation_delegation"))
    users.append(User(username="dangdoan", full_name="Đảng đoàn Liên đoàn Lao động tỉnh", password_hash=password_hash, role="party_committee", unit_id=province.id))
    session.add_all(users)
    session.flush()
    return users


WORKS = [
    "Sửa chữa, nâng cấp nhà văn hóa công nhân", "Tặng nhà Mái ấm Công đoàn cho đoàn viên khó khăn",
    "Trao học bổng cho con đoàn viên vượt khó", "Xây dựng phòng truyền thống công đoàn",
    "Làm đường giao thông nông thôn", "Sáng kiến cải tiến kỹ thuật trong sản xuất",
]


def _party_history(session: Session, rng: random.Random, campaign: Campaign, province: Unit, districts: list[Unit], users: list[User], today: dt.date) -> None:
    """Steering committees, level reports, announcements and named works, from their own random
    sequence (the union history above does not move when this changes)."""
    from shared.models import (
        CongressWork, Document, DocumentTarget, ExemplaryEntry, LevelReport, SteeringCommittee, SteeringMember,
    )

    by_name = {u.username: u for u in users}
    decided = dt.date(2022, 12, 15)
    if decided <= today:
        for i, unit in enumerate([province, *districts]):
            number = None if i == 7 else f"{rng.randint(10, 99)}-QĐ/{'TU' if unit is province else 'BCĐ'}"
            c = SteeringCommittee(campaign_id=campaign.id, unit_id=unit.id, decision_number=number,
                                  decision_date=decided + dt.timedelta(days=rng.randint(0, 10)) if number else None,
                                  updated_at=_at(decided, 10))
            kinds = [("mass_mobilization", "head", "Trưởng Ban Dân vận"), ("federation", "standing_deputy", "Chủ tịch Liên đoàn Lao động"),
                     ("organisation", "member", "Phó Trưởng Ban Tổ chức"), ("propaganda", "member", "Phó Trưởng Ban Tuyên giáo"),
                     ("federation", "member", "Phó Chủ tịch Liên đoàn Lao động"), ("sector", "member", "Phó Giám đốc Sở Lao động - Thương binh và Xã hội")]
            if i == 4:  # a committee without the propaganda commission: the page warns
                kinds = [k for k in kinds if k[0] != "propaganda"]
            if i == 11:  # the head is not from Mass Mobilization
                kinds[0] = ("organisation", "head", "Trưởng Ban Tổ chức")
            c.members = [
                SteeringMember(position=n, full_name=_person(rng, rng.random() < 0.3), title=title, agency=unit.name if kind == "federation" else "Cấp ủy",
                               agency_kind=kind, role=role)
                for n, (kind, role, title) in enumerate(kinds)
            ]
            session.add(c)
            for _ in range(rng.randint(1, 3)):
                done = dt.date(2023, 3, 1) + dt.timedelta(days=rng.randint(0, 120))
                if done <= today:
                    session.add(CongressWork(campaign_id=campaign.id, unit_id=unit.id, name=rng.choice(WORKS),
                                             value_vnd=rng.randint(5, 400) * 1_000_000, completed_on=done, created_at=_at(done, 16)))
            for _ in range(rng.randint(1, 4)):
                collective = rng.random() < 0.4
                session.add(ExemplaryEntry(campaign_id=campaign.id, unit_id=unit.id, kind="collective" if collective else "individual",
                                           name=rng.choice(COMPANIES).format(p="Kiên Giang") if collective else _person(rng, rng.random() < 0.5),
                                           achievement="Tiêu biểu trong phong trào thi đua chào mừng đại hội.",
                                           commendation="Bằng khen của LĐLĐ tỉnh", created_at=_at(dt.date(2023, 6, 1), 9)))
    bodies = session.scalars(select(PartyBody).order_by(PartyBody.id)).all()
    plan = ["acknowledged"] * 7 + ["submitted"] * 3 + ["returned", "draft", "draft", None, None]
    for body, status in zip([b for b in bodies if b.kind == "district_committee"], plan):
        due = campaign.deadline_district + dt.timedelta(days=campaign.level_report_grace_days)
        sent = _at(due - dt.timedelta(days=rng.randint(-4, 12)), 10)
        if status is None or sent.date() > today:
            continue
        session.add(LevelReport(
            campaign_id=campaign.id, party_body_id=body.id, status=status, created_at=sent - dt.timedelta(days=5), updated_at=sent,
            assessment="Cấp ủy đã lãnh đạo, chỉ đạo tổ chức thành công đại hội công đoàn cơ sở và đại hội cấp mình đúng tiến độ.",
            submitted_at=sent if status != "draft" else None,
            reviewed_at=sent + dt.timedelta(days=3) if status in ("acknowledged", "returned") else None,
            reviewed_by_id=by_name["dieuphoi"].id if status in ("acknowledged", "returned") else None,
            return_reason="Đề nghị bổ sung đánh giá về nhân sự trong quy hoạch." if status == "returned" else None,
        ))
    delegation = next(b for b in bodies if b.kind == "federation_delegation")
    sent = _at(campaign.deadline_province + dt.timedelta(days=9), 10)
    if sent.date() <= today:
        session.add(LevelReport(campaign_id=campaign.id, party_body_id=delegation.id, status="acknowledged", created_at=sent, updated_at=sent,
                                assessment="Đại hội Công đoàn tỉnh thành công tốt đẹp.", submitted_at=sent, reviewed_at=sent + dt.timedelta(days=2),
                                reviewed_by_id=by_name["dieuphoi"].id))
    notices = [
        (dt.date(2023, 1, 5), "announcement", "Triển khai đại hội công đoàn các cấp nhiệm kỳ 2023-2028", "Các đơn vị xây dựng kế hoạch đại hội và gửi về cấp trên trực tiếp trước ngày 31/01/2023.", "", dt.date(2023, 1, 20)),
        (dt.date(2023, 2, 1), "announcement", "Lưu ý khi tổ chức đại hội điểm", "Đại hội điểm hoàn thành trước ngày 15/03/2023 để rút kinh nghiệm.", "district", None),
    ]
    for day, kind, title, body_text, levels, ack_by in notices:
        if day <= today:
            d = Document(kind=kind, title=title, body=body_text, target_levels=levels, ack_by=ack_by, publisher_unit_id=province.id,
                         published_by_id=by_name["liendoan"].id, published_at=_at(day, 8))
            d.targets = [DocumentTarget(unit_id=province.id)]
            session.add(d)
    session.flush()


# The share of Rạch Giá's grassroots unions that have an account of their own (a reporter who logs in); the
# others have no one to log in, and `rachgia` has entered their plans and reports on their behalf.
RG_ACCOUNT_SHARE = 0.6
REPORTER_PREFIX = "cs_"  # the usernames of those reporter accounts: cs_rg0001, ...


def _accounts_and_entry_on_behalf(session: Session, rng: random.Random, district: Unit, district_user: User,
                                  coso_unit: Unit) -> None:
    """Rạch Giá as it really is: some of its grassroots unions have a reporter account (no one logs in with
    them: their password is random and thrown away), the others none, and every report of those was
    entered on their behalf by the district (`rachgia`), who appears as its author in the history. Runs
    last, from its own random sequence: the campaign's history and every count stay as they were."""
    from shared.security import hash_password as _hash
    import secrets

    unusable = _hash(secrets.token_urlsafe(24))
    units = session.scalars(
        select(Unit).where(Unit.parent_id == district.id, Unit.id != coso_unit.id).order_by(Unit.id)
    ).all()
    own = [u for u in units if rng.random() < RG_ACCOUNT_SHARE]
    accounts = {u.id: User(username=REPORTER_PREFIX + u.code.lower().replace("-", ""), full_name="Chủ tịch " + u.name,
                           password_hash=unusable, role="reporter", unit_id=u.id, created_at=dt.datetime(2022, 12, 20, 8, 0))
                for u in own}
    session.add_all(accounts.values())
    session.flush()
    # Plain UPDATEs of the tables: the reports keep their version numbers (an ORM update would raise them).
    reports, changes, versions = (t.__table__ for t in (CongressReport, ReportStatusChange, ReportVersion))
    for report_id, unit_id in session.execute(
        select(reports.c.id, reports.c.unit_id).where(reports.c.unit_id.in_([u.id for u in units]))
    ).all():
        author = accounts[unit_id].id if unit_id in accounts else district_user.id
        if unit_id not in accounts:
            session.execute(reports.update().where(reports.c.id == report_id).values(entered_by_id=author))
        session.execute(changes.update().where(changes.c.report_id == report_id,
                                               changes.c.to_status.in_(("draft", "submitted"))).values(user_id=author))
        session.execute(versions.update().where(versions.c.report_id == report_id).values(user_id=author))


# Addressee accounts (People's Committee offices that answer the recommendations routed to them).
ADDRESSEE_ACCOUNTS = (("ubnd_tinh", "province"), ("ubnd_rachgia", "RG"))
# The free-text "addressed to" of a recommendation -> the body of the register it is routed to.
ROUTES = {"UBND tỉnh": "province", "UBND huyện": "district", "LĐLĐ tỉnh": "union", "Chủ doanh nghiệp": "department"}


def _addressees_and_answers(session: Session, rng: random.Random, campaign: Campaign, province: Unit,
                            districts: list[Unit], password_hash: str, coordinator: User, today: dt.date) -> list[User]:
    """The register of addressee bodies, two addressee accounts, and the recommendations routed by Ban Dân vận
    a few days after their report was sent, due 30 days later; about 60 % answered (some late), the others
    overdue or, for the last few in Rạch Giá, still within their due date. Runs last, from its own random
    sequence: the campaign's history and every earlier figure stay as they were."""
    from shared.models import Addressee, AuditLog, RecommendationChange

    def body(name: str, kind: str, unit: Unit) -> Addressee:
        b = Addressee(name=name, kind=kind, unit_id=unit.id, active=True, created_at=dt.datetime(2023, 1, 5, 8, 0))
        session.add(b)
        return b

    bodies = {
        "province": body("Ủy ban nhân dân tỉnh Kiên Giang", "province_committee", province),
        "department": body("Sở Lao động - Thương binh và Xã hội tỉnh Kiên Giang", "department", province),
        "union": body("Liên đoàn Lao động tỉnh Kiên Giang", "union", province),
    }
    body("Sở Xây dựng tỉnh Kiên Giang", "department", province)
    district_bodies = {}
    for d in districts:
        if d.code in PARTY_DISTRICTS:
            district_bodies[d.id] = body(d.name.replace("Liên đoàn Lao động", "Ủy ban nhân dân"), "district_committee", d)
    rach_gia = districts[0]
    body("Công ty Cổ phần Thủy sản Rạch Giá", "employer", rach_gia)
    session.flush()
    users = [
        User(username="ubnd_tinh", full_name="Văn phòng UBND tỉnh Kiên Giang", password_hash=password_hash,
             role="addressee", unit_id=province.id, addressee_id=bodies["province"].id),
        User(username="ubnd_rachgia", full_name="Văn phòng UBND thành phố Rạch Giá", password_hash=password_hash,
             role="addressee", unit_id=rach_gia.id, addressee_id=district_bodies[rach_gia.id].id),
    ]
    session.add_all(users)
    session.flush()

    recs = Recommendation.__table__
    rows = session.execute(
        select(recs.c.id, recs.c.unit_id, recs.c.addressed_to, recs.c.status, CongressReport.submitted_at, Unit.parent_id)
        .join(CongressReport, CongressReport.id == recs.c.report_id).join(Unit, Unit.id == recs.c.unit_id)
        .where(CongressReport.submitted_at.is_not(None)).order_by(recs.c.id)
    ).all()
    parent_of = {d.id: d for d in districts}
    recent = [r for r in rows if r.parent_id == rach_gia.id and r.addressed_to == "UBND huyện"][-3:]
    recent_ids = {r.id for r in recent}
    for r in rows:
        if rng.random() < 0.15:  # not routed yet
            continue
        where = ROUTES.get(r.addressed_to, "province")
        if where == "district":
            target = district_bodies.get(r.parent_id) or bodies["province"]  # the sector unions: the province
        else:
            target = bodies[where]
        if r.id in recent_ids:
            routed = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9, 0))
        else:
            routed = r.submitted_at + dt.timedelta(days=rng.randint(3, 10), hours=1)
        if routed.date() > today:
            continue
        due = routed.date() + dt.timedelta(days=30)
        values = dict(addressee_id=target.id, due_date=due, routed_at=routed, updated_at=routed)
        session.add(RecommendationChange(recommendation_id=r.id, changed_at=routed, user_id=coordinator.id, action="route",
                                         from_status=r.status, to_status=r.status,
                                         details={"addressee": target.name, "addressee_id": target.id,
                                                  "due_date": due.isoformat()}))
        session.add(AuditLog(at=routed, user_id=coordinator.id, unit_id=r.unit_id, action="recommendation.route",
                             object_type="recommendation", object_id=r.id,
                             changes={"addressee": [None, target.name], "due_date": [None, due.isoformat()]}))
        answered = routed.date() + dt.timedelta(days=rng.randint(7, 45))
        if r.id not in recent_ids and rng.random() < 0.6 and answered <= today:
            status = r.status if r.status != "open" else rng.choice(["in_progress", "resolved"])
            number = f"{rng.randint(100, 2999)}/UBND-VP"
            text_ = ("Đã giao các sở, ngành liên quan nghiên cứu, giải quyết theo thẩm quyền; kết quả sẽ thông báo "
                     "đến công đoàn." if status == "in_progress" else "Đã xem xét và giải quyết theo đề nghị.")
            account = next((u for u in users if u.addressee_id == target.id), None)
            at = dt.datetime.combine(answered, dt.time(14, 0))
            values.update(status=status, answer_text=text_, answered_on=answered, answer_number=number,
                          answered_by_id=(account or coordinator).id, updated_at=at)
            session.add(RecommendationChange(recommendation_id=r.id, changed_at=at, user_id=(account or coordinator).id,
                                             action="answer", from_status=r.status, to_status=status,
                                             details={"answered_on": answered.isoformat(), "answer_number": number,
                                                      "addressee": target.name}))
            changes = {"answer_text": [None, text_], "answered_on": [None, answered.isoformat()],
                       "answer_number": [None, number]}
            if status != r.status:
                changes["status"] = [r.status, status]
            session.add(AuditLog(at=at, user_id=(account or coordinator).id, unit_id=r.unit_id,
                                 action="recommendation.answer", object_type="recommendation", object_id=r.id,
                                 changes=changes))
        session.execute(recs.update().where(recs.c.id == r.id).values(**values))
    return users


def load_demo(session: Session, seed: int = 2023, today: dt.date | None = None) -> DemoResult:
    """Create the demo province (in an empty database). History stops at `today`."""
    if session.scalar(select(func.count(Unit.id))):
        raise RuntimeError("Cơ sở dữ liệu đã có dữ liệu; chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu trống.")
    rng = random.Random(seed)
    today = today or clock.today()
    password_hash = hash_password(DEMO_PASSWORD)

    next_id = 1

    def unit(code: str, name: str, level: str, parent: Unit | None, sector: str, members: int) -> Unit:
        nonlocal next_id
        u = Unit(
            id=next_id, code=code, name=name, name_folded=fold(name), level=level,
            parent_id=parent.id if parent else None, path=child_path(parent.path if parent else None, next_id),
            sector=sector, members_count=members, active=True, created_at=dt.datetime(2022, 12, 1, 8, 0),
        )
        next_id += 1
        session.add(u)
        return u

    province = unit("KG", "Liên đoàn Lao động tỉnh Kiên Giang", "province", None, "state", 0)
    campaign = Campaign(
        name="Đại hội công đoàn các cấp nhiệm kỳ 2023-2028", term="2023-2028",
        start_date=dt.date(2023, 1, 1), deadline_grassroots=dt.date(2023, 5, 31),
        deadline_district=dt.date(2023, 7, 31), deadline_province=dt.date(2023, 10, 31),
        pilot_until_grassroots=dt.date(2023, 3, 15), pilot_until_district=dt.date(2023, 6, 15), members_threshold=150, youth_age=35,
        created_at=dt.datetime(2022, 12, 1, 8, 0),
    )
    session.add(campaign)

    scale = 1450 / sum(w for _, _, w in DISTRICTS)
    districts: list[Unit] = []
    grassroots: list[Unit] = []
    total_members = 0
    for code, name, weight in DISTRICTS:
        sector = "public_service" if code in ("GD", "YT") else "state"
        d = unit(code, name, "district", province, sector, 0)
        districts.append(d)
        rows = _grassroots_names(rng, code, max(1, round(weight * scale)))
        members_sum = 0
        for i, (gname, gsector, members) in enumerate(rows, start=1):
            g = unit(f"{code}-{i:04d}", gname, "grassroots", d, gsector, members)
            grassroots.append(g)
            members_sum += members
        d.members_count = members_sum
        total_members += members_sum
    province.members_count = total_members
    session.flush()

    admin = User(username="admin", full_name="Quản trị hệ thống", password_hash=password_hash, role="admin", unit_id=province.id)
    users = [
        admin,
        User(username="dieuphoi", full_name="Ban Dân vận Tỉnh ủy", password_hash=password_hash, role="coordinator", unit_id=province.id),
        User(username="liendoan", full_name="Ban Tổ chức LĐLĐ tỉnh", password_hash=password_hash, role="federation", unit_id=province.id),
    ]
    rach_gia = districts[0]
    users += [
        User(username="rachgia", full_name="LĐLĐ thành phố Rạch Giá", password_hash=password_hash, role="district", unit_id=rach_gia.id),
        User(username="quansat", full_name="Thành ủy Rạch Giá", password_hash=password_hash, role="observer", unit_id=rach_gia.id),
    ]
    # The reporter's union has not reported yet, so a newcomer can try the whole flow.
    coso_unit = next(g for g in grassroots if g.parent_id == rach_gia.id and g.members_count < campaign.members_threshold)
    users.append(User(username="coso", full_name="Chủ tịch công đoàn cơ sở", password_hash=password_hash, role="reporter", unit_id=coso_unit.id))
    session.add_all(users)
    session.flush()

    # Who reviewed, by the unit under review's parent: the demo has accounts for some units only.
    reviewer_of = {None: admin.id, province.id: users[2].id, rach_gia.id: users[3].id}

    reports = 0
    funding_rng = random.Random(seed + 31)  # apart from `rng`, so that the history stays as it was
    pilots_left: dict[int, int] = {d.id: 2 for d in districts}

    def schedule(u: Unit) -> tuple[dt.date | None, dt.date | None, bool]:
        """(planned_date, held_date, is_pilot) for one unit."""
        if u.level == "province":
            return dt.date(2023, 10, 10), dt.date(2023, 10, 12), False
        if u.level == "district":
            if u.code in ("RG", "GD"):
                day = dt.date(2023, 6, rng.randint(5, 12))
                return day, day, True
            if u.code == "KH":  # the one district-level congress that slipped
                return dt.date(2023, 7, 28), dt.date(2023, 8, 9), False
            day = dt.date(2023, 6, 15) + dt.timedelta(days=rng.randint(0, 44))
            return day, day, False
        if u.id == coso_unit.id:
            return None, None, False
        if pilots_left[u.parent_id] > 0:
            pilots_left[u.parent_id] -= 1
            day = dt.date(2023, 2, 6) + dt.timedelta(days=rng.randint(0, 30))
            return day - dt.timedelta(days=0), day, True
        x = rng.random()
        if x < 0.02:  # never held
            return (dt.date(2023, 5, rng.randint(10, 30)) if rng.random() < 0.5 else None), None, False
        if x < 0.05:  # late
            planned = dt.date(2023, 5, rng.randint(15, 31))
            return planned, dt.date(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 50)), False
        q = (x - 0.05) / 0.95
        if q < 0.684:
            day = dt.date(2023, 3, 1) + dt.timedelta(days=int(q / 0.684 * 45))
        else:
            day = dt.date(2023, 4, 16) + dt.timedelta(days=int((q - 0.684) / 0.316 * 45))
        return day, day, False

    people_rng = random.Random(seed + 31)  # its own generator: the history above stays exactly as it was
    by_unit: dict[int, CongressReport] = {}
    for u in [*grassroots, *districts, province]:
        planned, held, pilot = schedule(u)
        if planned is None:
            continue
        planned_at = _at(planned - dt.timedelta(days=rng.randint(20, 45)), 9)
        if planned_at.date() > today:
            continue
        form = suggested_form(campaign, u)
        report = CongressReport(
            campaign_id=campaign.id, unit_id=u.id, planned_date=planned, planned_at=planned_at, form=form,
            is_pilot=pilot, planned_summoned=u.members_count if form == "toan_the" else min(u.members_count, max(60, u.members_count // 6)),
            planned_executive_size=None, status="draft", created_at=planned_at, updated_at=planned_at,
        )
        owner = None
        events: list[tuple[dt.datetime, str | None, str, str | None, int | None]] = [
            (planned_at, None, "draft", None, None)
        ]
        if held is not None and held <= today:
            report.held_date = held
            _fill_results(rng, report, u, campaign)
            _split_funding(funding_rng, report, u)
            _fill_people(people_rng, report, held)
            submitted = _at(held + dt.timedelta(days=rng.randint(1, 6)), 15)
            reviewer = reviewer_of.get(u.parent_id)
            events.append((submitted, "draft", "submitted", None, owner))
            t = submitted
            if rng.random() < 0.12:
                t = t + dt.timedelta(days=rng.randint(1, 3))
                events.append((t, "submitted", "returned", rng.choice(RETURN_REASONS), reviewer))
                t = t + dt.timedelta(days=rng.randint(1, 3))
                events.append((t, "returned", "submitted", None, owner))
            t = t + dt.timedelta(days=rng.randint(1, 6))
            events.append((t, "submitted", "approved", None, reviewer))
        events = [e for e in events if e[0].date() <= today]
        last = events[-1]
        report.status = last[2]
        report.updated_at = last[0]
        for when, _frm, to, reason, _who in events:
            if to == "submitted":
                report.submitted_at = when
            if to in ("returned", "approved"):
                report.reviewed_at = when
            if to == "returned":
                report.return_reason = reason
        session.add(report)
        session.flush()
        for when, frm, to, reason, who in events:
            session.add(ReportStatusChange(report_id=report.id, changed_at=when, user_id=who, from_status=frm, to_status=to, reason=reason, version=report.version))
        session.add(ReportVersion(report_id=report.id, version=report.version, data=snapshot(report), created_at=last[0]))
        reports += 1
        by_unit[u.id] = report
    session.flush()
    _allocations(session, people_rng, campaign, [*grassroots, *districts], by_unit)
    _decisions(session, people_rng, list(by_unit.values()),
               {u.id: u.parent_id for u in [*grassroots, *districts, province]}, today)
    session.flush()

    # Party bodies come last so that the random history above stays exactly as it was.
    party_users = _party_bodies(session, province, districts, password_hash)
    users += party_users
    _party_history(session, random.Random(seed + 11), campaign, province, districts, users, today)
    _accounts_and_entry_on_behalf(session, random.Random(seed + 23), rach_gia, users[3], coso_unit)
    users += _addressees_and_answers(session, random.Random(seed + 31), campaign, province, districts, password_hash,
                                     users[1], today)
    _pilots(session, random.Random(seed + 37), campaign, users, reviewer_of, today)
    session.flush()
    # Fresh planner statistics: without them PostgreSQL plans the progress queries for empty
    # tables (nested loops) and a replay takes seconds instead of milliseconds.
    session.execute(text("ANALYZE"))

    accounts = [(u.username, u.role, next(x.name for x in [province, *districts, coso_unit] if x.id == u.unit_id)) for u in users]
    return DemoResult(
        units=1 + len(districts) + len(grassroots), grassroots=len(grassroots), members=total_members,
        reports=reports, accounts=accounts,
    )
