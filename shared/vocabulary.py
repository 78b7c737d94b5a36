"""The domain's words: one table per concept from stored code to the label people read.

Every page, export, API `*_label` field and the TUI prints these tables (imported from here, or through
the modules that re-export them: `shared.models`, `shared.validation`); a second table for the same
codes drifts into a second wording, and `tests/test_vocabulary.py` fails on one.
"""
from __future__ import annotations

from shared.i18n import lazy_gettext, lazy_pgettext

# ---- the unit tree and accounts ----------------------------------------------------------------

LEVEL_LABELS = {
    "province": lazy_gettext("Cấp tỉnh"),
    "district": lazy_gettext("Cấp huyện và tương đương"),
    "grassroots": lazy_gettext("Công đoàn cơ sở"),
}
SECTOR_LABELS = {
    "state": lazy_gettext("Khu vực nhà nước"),
    "non_state": lazy_gettext("Ngoài nhà nước"),
    "fdi": lazy_gettext("Doanh nghiệp FDI"),
    "public_service": lazy_gettext("Đơn vị sự nghiệp"),
}
ROLE_LABELS = {
    "admin": lazy_gettext("Quản trị hệ thống"),
    "coordinator": lazy_gettext("Ban Dân vận (điều phối)"),
    "federation": lazy_gettext("LĐLĐ tỉnh"),
    "district": lazy_gettext("Công đoàn cấp trên cơ sở"),
    "reporter": lazy_gettext("Công đoàn cơ sở"),
    "observer": lazy_gettext("Theo dõi"),
    "party_committee": lazy_gettext("Cấp ủy (huyện ủy, thành ủy, Đảng đoàn)"),
    "addressee": lazy_gettext("Cơ quan trả lời kiến nghị"),
}
# The bodies recommendations are addressed to (shared.answers).
ADDRESSEE_KIND_LABELS = {
    "province_committee": lazy_gettext("UBND tỉnh"),
    "district_committee": lazy_gettext("UBND cấp huyện"),
    "department": lazy_gettext("Sở, ban, ngành"),
    "employer": lazy_gettext("Người sử dụng lao động"),
    "union": lazy_gettext("Tổ chức công đoàn"),
}

# ---- congress reports ---------------------------------------------------------------------------

# The report's workflow status, as the unit, its reviewer, the dashboard and the API all say it.
STATUS_LABELS = {
    "draft": lazy_gettext("Bản nháp"),
    "submitted": lazy_gettext("Đã gửi"),
    "returned": lazy_gettext("Bị trả lại"),
    "approved": lazy_gettext("Đã phê duyệt"),
}
FORM_LABELS = {"toan_the": lazy_gettext("Đại hội toàn thể"), "dai_bieu": lazy_gettext("Đại hội đại biểu")}
MEETING_MODE_LABELS = {
    "in_person": lazy_gettext("Trực tiếp"),
    "online": lazy_gettext("Trực tuyến"),
    "hybrid": lazy_gettext("Trực tiếp kết hợp trực tuyến"),
}
OFFICER_ROLE_LABELS = {
    "chair": lazy_gettext("Chủ tịch"),
    "vice_chair": lazy_gettext("Phó Chủ tịch"),
    "inspection_head": lazy_gettext("Chủ nhiệm UBKT"),
}
GENDER_LABELS = {"male": lazy_gettext("Nam"), "female": lazy_gettext("Nữ")}

# Every field a unit fills in, for the form, messages, the print view, diffs and the audit trail.
FIELD_LABELS = {
    "planned_date": lazy_gettext("Ngày dự kiến đại hội"),
    "form": lazy_gettext("Hình thức đại hội"),
    "form_override_reason": lazy_gettext("Lý do chọn hình thức khác"),
    "is_pilot": lazy_gettext("Đại hội điểm"),
    "meeting_mode": lazy_gettext("Cách thức tổ chức"),
    "planned_summoned": lazy_gettext("Số đại biểu (đoàn viên) dự kiến triệu tập"),
    "planned_executive_size": lazy_gettext("Số ủy viên BCH dự kiến"),
    "held_date": lazy_gettext("Ngày tổ chức đại hội"),
    "members_total": lazy_gettext("Tổng số đoàn viên"),
    "summoned": lazy_gettext("Số được triệu tập"),
    "present": lazy_gettext("Số có mặt"),
    "ballots_issued": lazy_gettext("Số phiếu phát ra"),
    "ballots_valid": lazy_gettext("Số phiếu hợp lệ"),
    "quorum_reason": lazy_gettext("Lý do đại hội không đủ hai phần ba"),
    "executive_size": lazy_gettext("Số ủy viên BCH"),
    "executive_women": lazy_gettext("Trong đó nữ"),
    "executive_young": lazy_gettext("Trong đó trẻ"),
    "executive_party": lazy_gettext("Trong đó đảng viên"),
    "executive_ethnic_minority": lazy_gettext("Trong đó dân tộc thiểu số"),
    "executive_reelected": lazy_gettext("Tái cử"),
    "executive_new": lazy_gettext("Tham gia lần đầu"),
    "executive_from_plan": lazy_gettext("Trong quy hoạch"),
    "fulltime_not_reelected_age": lazy_gettext("Chuyên trách không tái cử do tuổi"),
    "standing_size": lazy_gettext("Số ủy viên BTV"),
    "inspection_size": lazy_gettext("Số ủy viên UBKT"),
    "delegates_official": lazy_gettext("Đại biểu chính thức dự đại hội cấp trên"),
    "delegates_alternate": lazy_gettext("Đại biểu dự khuyết"),
    "works_count": lazy_gettext("Số công trình, sản phẩm chào mừng"),
    "works_value_vnd": lazy_gettext("Giá trị công trình, sản phẩm (đồng)"),
    "exemplary_count": lazy_gettext("Số điển hình tiên tiến được biểu dương"),
    "funding_vnd": lazy_gettext("Kinh phí hỗ trợ (đồng)"),
    "funding_pc_province_vnd": lazy_gettext("Nguồn: UBND tỉnh hỗ trợ (đồng)"),
    "funding_pc_district_vnd": lazy_gettext("Nguồn: UBND huyện hỗ trợ (đồng)"),
    "funding_pc_commune_vnd": lazy_gettext("Nguồn: UBND xã hỗ trợ (đồng)"),
    "funding_union_vnd": lazy_gettext("Nguồn: kinh phí công đoàn (đồng)"),
    "funding_other_vnd": lazy_gettext("Nguồn khác (đồng)"),
    "notes": lazy_gettext("Ghi chú"),
    "status": lazy_gettext("Trạng thái"),
    "officers": lazy_gettext("Chủ tịch, Phó Chủ tịch, Chủ nhiệm UBKT"),
    "recommendations": lazy_gettext("Kiến nghị, đề xuất"),
    "members": lazy_gettext("Ban Chấp hành, Ban Thường vụ, UBKT (danh sách)"),
    "delegates": lazy_gettext("Đại biểu dự đại hội cấp trên (danh sách)"),
}
OFFICER_COLUMN_LABELS = {
    "role": lazy_gettext("Chức danh"),
    "full_name": lazy_gettext("Họ và tên"),
    "gender": lazy_gettext("Giới tính"),
    "vote_pct": lazy_gettext("Tỷ lệ phiếu"),
}
RECOMMENDATION_COLUMN_LABELS = {
    "topic": lazy_gettext("Lĩnh vực"),
    "text": lazy_gettext("Nội dung"),
    "addressed_to": lazy_gettext("Gửi đến"),
    "status": lazy_gettext("Tình trạng"),
    "resolution_note": lazy_gettext("Kết quả giải quyết"),
}

# ---- people (issue 19): the elected bodies and the delegates, one row per person ------------------

# What a person was elected to. BCH membership: any of the first four; BTV: "standing"; UBKT: the last three.
POSITION_LABELS = {
    "chair": lazy_gettext("Chủ tịch"),
    "vice_chair": lazy_gettext("Phó Chủ tịch"),
    "standing": lazy_gettext("Ủy viên Ban Thường vụ"),
    "executive": lazy_gettext("Ủy viên Ban Chấp hành"),
    "inspection_head": lazy_gettext("Chủ nhiệm UBKT"),
    "inspection_deputy": lazy_gettext("Phó Chủ nhiệm UBKT"),
    "inspection": lazy_gettext("Ủy viên UBKT"),
}
CHAIR_ELECTED_LABELS = {
    "congress": lazy_gettext("Bầu trực tiếp tại đại hội"),
    "first_meeting": lazy_gettext("Bầu tại hội nghị BCH lần thứ nhất"),
}
PERSONNEL_SOURCE_LABELS = {
    "list": lazy_gettext("Tính từ danh sách"),
    "typed": lazy_gettext("Số liệu nhập tay (chưa có danh sách)"),
}
DELEGATE_KIND_LABELS = {"official": lazy_gettext("Chính thức"), "alternate": lazy_gettext("Dự khuyết")}
BODY_LABELS = {
    "executive": lazy_gettext("Ban Chấp hành"),
    "standing": lazy_gettext("Ban Thường vụ"),
    "inspection": lazy_gettext("Ủy ban Kiểm tra"),
}
MEMBER_COLUMN_LABELS = {
    "full_name": lazy_gettext("Họ và tên"),
    "gender": lazy_gettext("Giới tính"),
    "birth_year": lazy_gettext("Năm sinh"),
    "ethnic_minority": lazy_gettext("Dân tộc thiểu số"),
    "party_member": lazy_gettext("Đảng viên"),
    "reelected": lazy_gettext("Tái cử"),
    "in_planning_pool": lazy_gettext("Trong quy hoạch"),
    "positions": lazy_gettext("Chức danh được bầu"),
    "chair_elected": lazy_gettext("Cách bầu Chủ tịch"),
    "votes": lazy_gettext("Số phiếu"),
}
DELEGATE_COLUMN_LABELS = {
    "full_name": lazy_gettext("Họ và tên"),
    "gender": lazy_gettext("Giới tính"),
    "birth_year": lazy_gettext("Năm sinh"),
    "title": lazy_gettext("Chức vụ"),
    "kind": lazy_gettext("Loại đại biểu"),
    "ex_officio": lazy_gettext("Đại biểu đương nhiên"),
}

# ---- recommendations (kiến nghị): the unit writes topic and text, the follow-up side the status ----

TOPIC_LABELS = {
    "jobs": lazy_gettext("Việc làm"),
    "income": lazy_gettext("Thu nhập, tiền lương"),
    "housing": lazy_gettext("Nhà ở"),
    "facilities": lazy_gettext("Thiết chế công đoàn"),
    "culture": lazy_gettext("Đời sống văn hóa, tinh thần"),
    "policy": lazy_gettext("Chế độ, chính sách"),
    "other": lazy_gettext("Khác"),
}
REC_STATUS_LABELS = {
    "open": lazy_gettext("Chưa giải quyết"),
    "in_progress": lazy_gettext("Đang giải quyết"),
    "resolved": lazy_gettext("Đã giải quyết"),
}
# A step of a recommendation's follow-up, as its history lists it (shared.answers).
REC_CHANGE_LABELS = {
    "route": lazy_gettext("Chuyển đến cơ quan trả lời"),
    "answer": lazy_gettext("Trả lời"),
    "update": lazy_gettext("Cập nhật tình trạng"),
}
# Where a routed recommendation stands with its addressee, as of a day.
ANSWER_STATE_LABELS = {
    "unrouted": lazy_gettext("Chưa chuyển"),
    "waiting": lazy_gettext("Chờ trả lời"),
    "overdue": lazy_gettext("Quá hạn trả lời"),
    "answered": lazy_gettext("Đã trả lời"),
}

# ---- party bodies: level reports, steering committees, guidance, emulation ---------------------

LEVEL_REPORT_STATUS_LABELS = {
    "not_started": lazy_gettext("Chưa bắt đầu"),
    "draft": lazy_gettext("Đang soạn"),
    "submitted": lazy_gettext("Đã gửi"),
    "returned": lazy_gettext("Yêu cầu chỉnh sửa"),
    "acknowledged": lazy_gettext("Đã tiếp nhận"),
}
PARTY_BODY_KIND_LABELS = {
    "district_committee": lazy_gettext("Huyện ủy, thành ủy"),
    "federation_delegation": lazy_gettext("Đảng đoàn LĐLĐ tỉnh"),
}
STEERING_ROLE_LABELS = {
    "head": lazy_gettext("Trưởng ban"),
    "standing_deputy": lazy_gettext("Phó Trưởng ban thường trực"),
    "deputy": lazy_gettext("Phó Trưởng ban"),
    "member": lazy_gettext("Thành viên"),
}
AGENCY_KIND_LABELS = {
    "mass_mobilization": lazy_gettext("Ban Dân vận"),
    "organisation": lazy_gettext("Ban Tổ chức"),
    "propaganda": lazy_gettext("Ban Tuyên giáo"),
    "federation": lazy_gettext("Liên đoàn Lao động"),
    "sector": lazy_gettext("Sở, ngành"),
    "other": lazy_gettext("Khác"),
}
DOCUMENT_KIND_LABELS = {
    "guidance": lazy_gettext("Hướng dẫn"),
    "plan": lazy_gettext("Kế hoạch"),
    "form": lazy_gettext("Biểu mẫu"),
    "announcement": lazy_pgettext("loại văn bản", "Thông báo"),
}
EXEMPLARY_KIND_LABELS = {"individual": lazy_gettext("Cá nhân"), "collective": lazy_gettext("Tập thể")}

# Where a congress stands on the calendar (shared.calendar).
CALENDAR_KIND_LABELS = {
    "held": lazy_gettext("Đã tổ chức"),
    "planned": lazy_gettext("Dự kiến"),
    "missed": lazy_gettext("Quá ngày dự kiến, chưa có kết quả"),
}

# ---- the audit trail: what was done, to what, which fields ---------------------------------------

# Every `action` that shared.audit.record writes. The party modules write a bare verb ("create",
# "submit") next to their object type; the object's label says what it was done to.
ACTION_LABELS = {
    "auth.login": lazy_gettext("Đăng nhập"),
    "auth.logout": lazy_gettext("Đăng xuất"),
    "units.import": lazy_gettext("Nhập đơn vị từ tệp"),
    "unit.create": lazy_gettext("Tạo đơn vị"),
    "unit.update": lazy_gettext("Sửa đơn vị"),
    "unit.move": lazy_gettext("Chuyển đơn vị"),
    "unit.deactivate": lazy_gettext("Ngừng hoạt động đơn vị"),
    "unit.activate": lazy_gettext("Kích hoạt lại đơn vị"),
    "user.create": lazy_gettext("Tạo tài khoản"),
    "user.update": lazy_gettext("Sửa tài khoản"),
    "user.deactivate": lazy_gettext("Khóa tài khoản"),
    "user.activate": lazy_gettext("Mở khóa tài khoản"),
    "user.reset_password": lazy_gettext("Đặt lại mật khẩu"),
    "user.force_password_change": lazy_gettext("Buộc đổi mật khẩu"),
    "user.password_change": lazy_gettext("Tự đổi mật khẩu"),
    "token.issue": lazy_gettext("Cấp mã truy cập API"),
    "token.revoke": lazy_gettext("Thu hồi mã truy cập API"),
    "campaign.create": lazy_gettext("Tạo đợt đại hội"),
    "campaign.update": lazy_gettext("Sửa đợt đại hội"),
    "campaign.close": lazy_gettext("Đóng đợt đại hội"),
    "campaign.reopen": lazy_gettext("Mở lại đợt đại hội"),
    "report.save": lazy_gettext("Lưu báo cáo"),
    "report.submit": lazy_gettext("Gửi báo cáo"),
    "report.return": lazy_gettext("Trả lại"),
    "report.approve": lazy_gettext("Phê duyệt"),
    "report.reopen": lazy_gettext("Mở lại"),
    "report.take_over": lazy_gettext("Tiếp nhận nhập thay"),
    "report.quorum_resolution": lazy_gettext("Ghi cách xử lý đại hội không đủ số lượng"),
    "report.decision": lazy_gettext("Ghi quyết định công nhận"),
    "delegates.allocation": lazy_gettext("Phân bổ đại biểu dự đại hội cấp trên"),
    "results.import": lazy_gettext("Nhập kết quả đại hội từ tệp"),
    "attachment.add": lazy_gettext("Thêm tài liệu"),
    "attachment.delete": lazy_gettext("Xóa tài liệu"),
    "recommendation.update": lazy_gettext("Cập nhật kết quả giải quyết kiến nghị"),
    "recommendation.route": lazy_gettext("Chuyển kiến nghị đến cơ quan trả lời"),
    "recommendation.answer": lazy_gettext("Ghi nhận trả lời kiến nghị"),
    "addressee.create": lazy_gettext("Thêm cơ quan nhận kiến nghị"),
    "addressee.update": lazy_gettext("Sửa cơ quan nhận kiến nghị"),
    "calendar.feed_new": lazy_gettext("Tạo địa chỉ lịch đại hội"),
    "calendar.feed_revoke": lazy_gettext("Thu hồi địa chỉ lịch đại hội"),
    "pilot.designate": lazy_gettext("Chọn đại hội điểm"),
    "pilot.withdraw": lazy_gettext("Bỏ chọn đại hội điểm"),
    "pilot.lesson": lazy_gettext("Ghi bài học rút kinh nghiệm đại hội điểm"),
    "create": lazy_gettext("Tạo mới"),
    "update": lazy_gettext("Cập nhật"),
    "delete": lazy_gettext("Xóa"),
    "attach": lazy_gettext("Đính kèm tệp"),
    "submit": lazy_gettext("Gửi"),
    "acknowledge": lazy_gettext("Xác nhận đã nhận"),
    "return": lazy_gettext("Yêu cầu chỉnh sửa"),
    "publish": lazy_gettext("Ban hành"),
    "remind": lazy_gettext("Nhắc nhở"),
}
OBJECT_LABELS = {
    "congress_report": lazy_gettext("Báo cáo đại hội"),
    "delegate_allocation": lazy_gettext("Phân bổ đại biểu"),
    "recommendation": lazy_gettext("Kiến nghị"),
    "addressee": lazy_gettext("Cơ quan nhận kiến nghị"),
    "unit": lazy_gettext("Đơn vị"),
    "user": lazy_gettext("Tài khoản"),
    "campaign": lazy_gettext("Đợt đại hội"),
    "import": lazy_gettext("Nhập từ tệp"),
    "api_token": lazy_gettext("Mã truy cập API"),
    "level_report": lazy_gettext("Báo cáo của cấp ủy"),
    "steering_committee": lazy_gettext("Ban chỉ đạo"),
    "steering_member": lazy_gettext("Thành viên ban chỉ đạo"),
    "document": lazy_gettext("Văn bản, thông báo"),
    "congress_work": lazy_gettext("Công trình, sản phẩm chào mừng"),
    "exemplary_entry": lazy_gettext("Điển hình tiên tiến"),
}
# Fields of audit entries about anything but a report's own fields (those are
# shared.validation.FIELD_LABELS): accounts, units, campaigns, imports, follow-up, party pages.
AUDIT_FIELD_LABELS = {
    "reason": lazy_gettext("Lý do"),
    "attachment": lazy_gettext("Tài liệu"),
    "attachments": lazy_gettext("Tài liệu đính kèm"),
    "username": lazy_gettext("Tên đăng nhập"),
    "full_name": lazy_gettext("Họ và tên"),
    "email": "Email",
    "role": lazy_gettext("Vai trò"),
    "unit_id": lazy_gettext("Đơn vị"),
    "active": lazy_gettext("Đang hoạt động"),
    "must_change_password": lazy_gettext("Phải đổi mật khẩu"),
    "code": lazy_gettext("Mã đơn vị"),
    "name": lazy_gettext("Tên"),
    "level": lazy_gettext("Cấp"),
    "sector": lazy_gettext("Khu vực"),
    "members_count": lazy_gettext("Số đoàn viên"),
    "contact_email": lazy_gettext("Email người liên hệ"),
    "contact_phone": lazy_gettext("Điện thoại người liên hệ"),
    "parent": lazy_gettext("Đơn vị cấp trên"),
    "subtree": lazy_gettext("Số đơn vị chuyển theo"),
    "units": lazy_gettext("Số đơn vị"),
    "term": lazy_gettext("Nhiệm kỳ"),
    "start_date": lazy_gettext("Ngày bắt đầu"),
    "pilot_until_grassroots": lazy_gettext("Đại hội điểm cấp cơ sở đến ngày"),
    "pilot_until_district": lazy_gettext("Đại hội điểm cấp huyện đến ngày"),
    "pilots_by_level_above": lazy_gettext("Cấp trên trực tiếp chọn đại hội điểm cấp cơ sở"),
    "deadline_grassroots": lazy_gettext("Hạn chót cấp cơ sở"),
    "deadline_district": lazy_gettext("Hạn chót cấp huyện và tương đương"),
    "deadline_province": lazy_gettext("Hạn chót cấp tỉnh"),
    "members_threshold": lazy_gettext("Ngưỡng đoàn viên tổ chức đại hội đại biểu"),
    "youth_age": lazy_gettext("Tuổi trẻ (dưới)"),
    "target_women_pct": lazy_gettext("Chỉ tiêu nữ trong BCH (%)"),
    "target_young_pct": lazy_gettext("Chỉ tiêu trẻ trong BCH (%)"),
    "target_party_pct": lazy_gettext("Chỉ tiêu đảng viên trong BCH (%)"),
    "closed": lazy_gettext("Đã kết thúc"),
    "filename": lazy_gettext("Tệp"),
    "rows": lazy_gettext("Số dòng"),
    "created": lazy_gettext("Đã tạo"),
    "updated": lazy_gettext("Đã cập nhật"),
    "unchanged": lazy_gettext("Không đổi"),
    "deactivated": lazy_gettext("Đã ngừng hoạt động"),
    "skipped": lazy_gettext("Số dòng bỏ qua"),
    "error_count": lazy_gettext("Số lỗi"),
    "dry_run": lazy_gettext("Chỉ kiểm tra"),
    "valid_only": lazy_gettext("Chỉ nhập các dòng hợp lệ"),
    "applied": lazy_gettext("Đã ghi"),
    "expected_change": lazy_gettext("Thay đổi số đơn vị phải tổ chức đại hội"),
    "kept_active": lazy_gettext("Giữ hoạt động"),
    "title": lazy_gettext("Tiêu đề"),
    "scan": lazy_gettext("Bản quét có chữ ký"),
    "reminded": lazy_gettext("Số người được nhắc"),
    # Recommendations routed and answered
    "addressee": lazy_gettext("Cơ quan trả lời"),
    "kind": lazy_gettext("Loại cơ quan"),
    "due_date": lazy_gettext("Hạn trả lời"),
    "answer_text": lazy_gettext("Nội dung trả lời"),
    "answered_on": lazy_gettext("Ngày trả lời"),
    "answer_number": lazy_gettext("Số văn bản trả lời"),
    # Entry on behalf of a unit, and the results import
    "entered_by": lazy_gettext("Nhập thay bởi"),
    "takeover_reason": lazy_gettext("Lý do nhập thay"),
    "approved_own_entry": lazy_gettext("Duyệt báo cáo do chính đơn vị mình nhập thay"),
    "saved": lazy_gettext("Số báo cáo đã ghi"),
    "sent": lazy_gettext("Số báo cáo đã gửi"),
    "not_overwritten": lazy_gettext("Đã gửi hoặc đã duyệt, không ghi đè"),
    "send": lazy_gettext("Gửi luôn báo cáo"),
    # People (issue 19): a list's change is recorded by row ids, never whole rows
    "added": lazy_gettext("Thêm (mã dòng)"),
    "removed": lazy_gettext("Xóa (mã dòng)"),
    "changed": lazy_gettext("Sửa (mã dòng)"),
    "quorum_resolution": lazy_gettext("Cách xử lý đại hội không đủ số lượng"),
    "decision_number": lazy_gettext("Số quyết định"),
    "decision_date": lazy_gettext("Ngày quyết định"),
    "official": lazy_gettext("Đại biểu chính thức"),
    "alternate": lazy_gettext("Đại biểu dự khuyết"),
}
