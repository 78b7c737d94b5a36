"""One small province holding an object of every kind in two districts, for the access matrix.

In scope of the Rạch Giá accounts (district, reporter, observer, party committee): unit G11 and everything of
it; out of scope: G21 in Giồng Riềng and its objects. Province accounts see both."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from shared import attachments, documents, emulation, level_reports, notifications, steering, stored_files, tokens, workflow
from shared.models import AGENCY_KIND_LABELS, Addressee, Delegate, ElectedMember, Officer, PartyBody, Recommendation
from shared.reports import get_or_create_report, record_version
from tests.review.conftest import complete_values

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
AGENCY = next(iter(AGENCY_KIND_LABELS))
ROLES = ("admin", "coordinator", "federation", "district", "reporter", "observer", "party_committee", "addressee",
         "anonymous")


def build(db, factory, upload_dir: str | Path | None = None) -> SimpleNamespace:
    """The data set; uploaded files go to the session's file store (`upload_dir` is no longer used)."""
    t = factory.tree()
    w = SimpleNamespace(**vars(t))
    w.campaign = c = factory.campaign()
    u = factory.user
    w.users = {
        "admin": u("admin", t.province, username="m_admin"),
        "coordinator": u("coordinator", t.province, username="m_coord"),
        "federation": u("federation", t.province, username="m_fed"),
        "district": u("district", t.d1, username="m_dist1"),
        "reporter": u("reporter", t.g11, username="m_rep11"),
        "observer": u("observer", t.d1, username="m_obs1"),
        "party_committee": u("party_committee", t.d1, username="m_pc1"),
    }
    # Recommendations' addressee bodies: D1's People's Committee (its office has the `addressee` account) and D2's.
    w.addr_in = Addressee(name="Ủy ban nhân dân thành phố Rạch Giá", kind="district_committee", unit_id=t.d1.id)
    w.addr_out = Addressee(name="Ủy ban nhân dân huyện Giồng Riềng", kind="district_committee", unit_id=t.d2.id)
    db.add_all([w.addr_in, w.addr_out])
    db.flush()
    w.users["addressee"] = u("addressee", t.d1, username="m_ubnd1", addressee_id=w.addr_in.id)
    w.dist2 = u("district", t.d2, username="m_dist2")
    w.rep21 = u("reporter", t.g21, username="m_rep21")
    w.pc2 = u("party_committee", t.d2, username="m_pc2")
    bodies = {k: PartyBody(unit_id=unit.id, name=name, kind=kind) for k, unit, name, kind in (
        ("d1", t.d1, "Thành ủy Rạch Giá", "district_committee"),
        ("d2", t.d2, "Huyện ủy Giồng Riềng", "district_committee"),
        ("province", t.province, "Đảng đoàn Liên đoàn Lao động tỉnh", "federation_delegation"))}
    db.add_all(bodies.values())
    db.flush()
    w.bodies = bodies

    def report_of(unit, reporter):
        report = get_or_create_report(db, c, unit, reporter)
        for name, value in complete_values(unit, c).items():
            setattr(report, name, value)
        report.officers.append(Officer(position=0, role="chair", full_name="Nguyễn Thị Lan", gender="female", vote_pct=Decimal("92.5")))
        # Issue 19: a named chair and a delegate (personal data: its routes are in the matrix too).
        report.ballots_issued = report.ballots_valid = report.present
        report.members.append(ElectedMember(position=0, full_name="Nguyễn Thị Lan", gender="female", birth_year=1980,
                                            positions="chair", chair_elected="congress", votes=report.present))
        report.delegates.append(Delegate(position=0, full_name="Nguyễn Thị Lan", gender="female", birth_year=1980,
                                         kind="official"))
        db.flush()
        record_version(db, report, reporter)
        att = attachments.store(db, report, reporter, io.BytesIO(PDF), "bien-ban.pdf", "minutes")
        workflow.submit(db, report, reporter)
        body = w.addr_in if unit.id == t.g11.id else w.addr_out
        rec = Recommendation(report_id=report.id, campaign_id=c.id, unit_id=unit.id, topic="income", text="Tăng lương tối thiểu",
                             addressee_id=body.id, due_date=dt.date(2023, 5, 15), routed_at=dt.datetime(2023, 4, 1, 9))
        db.add(rec)
        db.flush()
        return report, att, rec

    w.report_in, w.att_in, w.rec_in = report_of(t.g11, w.users["reporter"])
    w.report_out, w.att_out, w.rec_out = report_of(t.g21, w.rep21)
    w.person_in, w.person_out = w.report_in.members[0], w.report_out.members[0]

    # notifications: one per user; the out-of-scope one belongs to another district's user
    w.notes = {role: notifications.notify(db, [user], f"Thông báo cho {role}", "/")[0] for role, user in w.users.items()}
    w.note_out = notifications.notify(db, [w.dist2], "Thông báo Giồng Riềng", "/")[0]
    # tokens
    w.tokens = {role: tokens.issue(db, user)[0] for role, user in w.users.items()}
    w.token_ids = {role: tokens.issue(db, user, name="thứ hai")[1].id for role, user in w.users.items()}
    w.token_out = tokens.issue(db, w.dist2)[1].id
    # documents: one for Rạch Giá only, one for Giồng Riềng only
    fed = w.users["federation"]
    def doc(target):
        stored = stored_files.store(db, filename="cong-van.pdf", data=PDF, allowed=(stored_files.PDF,), user=fed)
        return documents.publish(db, fed, kind="guidance", title="Công văn hướng dẫn", body="Nội dung",
                                 levels=["district", "grassroots"], targets=[target], ack_by=None, file=stored)
    w.doc_in, w.doc_out = doc(t.d1), doc(t.d2)
    # level reports with a scan
    for key, author in (("d1", w.users["party_committee"]), ("d2", w.pc2)):
        lr = level_reports.start(db, author, c, bodies[key])
        stored = stored_files.store(db, filename="scan.pdf", data=PDF, allowed=(stored_files.PDF,), user=author)
        level_reports.attach_scan(db, author, lr, stored)
    # steering committees and emulation entries
    admin = w.users["admin"]
    w.member_in = steering.add_member(db, admin, c, t.d1, full_name="Trần Văn A", title="Phó Bí thư", agency="Thành ủy", agency_kind=AGENCY, role="head")
    w.member_out = steering.add_member(db, admin, c, t.d2, full_name="Lê Văn B", title="Phó Bí thư", agency="Huyện ủy", agency_kind=AGENCY, role="head")
    w.work_in = emulation.add_work(db, admin, c, t.g11, name="Sửa nhà văn hóa", value_vnd=1000000, completed_on=dt.date(2023, 3, 1))
    w.work_out = emulation.add_work(db, admin, c, t.g21, name="Sửa cổng", value_vnd=1000000, completed_on=dt.date(2023, 3, 1))
    db.commit()
    return w
