"""The domain (shared/) in English: labels, validation and domain errors, and stored notifications shown
in each reader's language (the mail in its recipient's)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from shared import accounts, documents, i18n, messages, reminders, validation, workflow
from shared.errors import DomainError, InvalidTransition
from shared.models import LEVEL_LABELS, STATUS_LABELS, EmailOutbox, Notification, Reminder
from shared.text import days_phrase
from tests.conftest import csrf_token
from tests.review.conftest import world  # noqa: F401 (the review tests' small province, as a fixture)


def test_labels_follow_the_language_and_model_properties_give_a_real_str(world):  # noqa: F811
    assert str(LEVEL_LABELS["grassroots"]) == "Công đoàn cơ sở"
    with i18n.language("en"):
        assert str(LEVEL_LABELS["grassroots"]) == "Grassroots union"
        assert f"{STATUS_LABELS['returned']}" == "Returned"
        assert world.g12.sector_label == "Non-state sector" and type(world.g12.sector_label) is str
        assert world.federation.role_label == "Provincial Labour Federation"
        assert str(validation.FIELD_LABELS["executive_size"]) == "Executive committee members"
    assert world.g12.sector_label == "Ngoài nhà nước"


def test_report_validation_errors_and_warnings_in_english(world):  # noqa: F811
    with i18n.language("en"):
        errors, warnings = validation.validate_report(
            {"members_total": "-3", "summoned": "100", "present": "50", "form": "dai_bieu", "officers-0-vote_pct": "140"},
            world.campaign, world.g11, full=False,
        )
    assert errors["members_total"] == "Must not be negative."
    assert errors["officers-0-vote_pct"] == "The share of votes must be from 0 to 100 %."
    # A label inside a sentence is translated too (G11 has 40 members: an all-member congress).
    assert errors["form_override_reason"] == (
        "The unit has 40 union members, so the suggested type is “All-member congress”; "
        "give the reason for choosing the other type."
    )
    assert any(w.startswith("The congress is not quorate: 50/100") for w in warnings)
    # The same input still gives the Vietnamese source text by default.
    errors, _warnings = validation.validate_report({"members_total": "-3"}, world.campaign, world.g11, full=False)
    assert errors["members_total"] == "Không được là số âm."


def test_domain_errors_in_english(world, db):  # noqa: F811
    with i18n.language("en"), pytest.raises(DomainError) as caught:
        accounts.check_password("abc")
    assert caught.value.message == "The password must have at least 8 characters."
    assert caught.value.fields == {"password": caught.value.message}
    report = world.reports.approved(world.g11)
    with i18n.language("en"), pytest.raises(InvalidTransition) as refused:
        workflow.submit(db, report, world.g11_reporter)
    assert refused.value.message == "A report in the state “Approved” cannot be submitted."


@pytest.mark.parametrize("days, vi, en", [
    (1, "còn 1 ngày", "1 day left"), (5, "còn 5 ngày", "5 days left"), (0, "hạn chót hôm nay", "deadline today"),
    (-1, "quá hạn 1 ngày", "1 day overdue"), (-4, "quá hạn 4 ngày", "4 days overdue"),
])
def test_countdown_in_both_languages(days, vi, en):
    assert days_phrase(days) == vi
    with i18n.language("en"):
        assert days_phrase(days) == en


def test_a_stored_message_renders_nested_labels_in_the_asked_language():
    stored = messages.message("Nhắc: đề nghị xem %(kind)s “%(title)s”.",
                              kind=messages.label(LEVEL_LABELS["district"], lower=True), title="Kế hoạch số 5")
    assert messages.render(stored, "vi") == "Nhắc: đề nghị xem cấp huyện và tương đương “Kế hoạch số 5”."
    assert messages.render(stored, "en") == "Reminder: please read the district level and equivalent “Kế hoạch số 5”."
    assert messages.render("plain text", "en") == "plain text"


def test_a_notification_is_shown_in_the_readers_language_and_mailed_in_the_recipients(world, db):  # noqa: F811
    world.g11_reporter.locale = "en"
    db.commit()
    report = world.reports.submitted(world.g11)
    workflow.return_report(db, report, world.d1_reviewer, "Thiếu chữ ký")  # the reviewer works in Vietnamese
    db.commit()
    note = db.scalars(select(Notification).where(Notification.user_id == world.g11_reporter.id)).one()
    # Kept in Vietnamese in the row; translated when read.
    assert note.stored_text == f"Báo cáo kết quả đại hội của {world.g11.name} bị trả lại. Lý do: Thiếu chữ ký"
    assert note.text == note.stored_text
    with i18n.language("en"):
        assert note.text == f"The congress report of {world.g11.name} has been returned. Reason: Thiếu chữ ký"
    mail = db.scalars(select(EmailOutbox).where(EmailOutbox.to_addr == "vinhlac@example.vn")).one()
    assert mail.subject == "Congress report returned"
    assert mail.body.startswith("Dear ") and "Reason: Thiếu chữ ký" in mail.body and "do not reply" in mail.body
    # A Vietnamese recipient's mail of the same kind of event stays Vietnamese.
    reviewer_mail = db.scalars(select(EmailOutbox).where(EmailOutbox.to_addr == "rachgia@example.vn")).one()
    assert reviewer_mail.subject.startswith("Báo cáo chờ duyệt") and reviewer_mail.body.startswith("Kính gửi")


def test_a_plain_text_notification_stays_as_written(world, db):  # noqa: F811
    from shared import notifications

    note = notifications.notify(db, [world.g11_reporter], "Thông báo riêng", None)[0]
    db.commit()
    with i18n.language("en"):
        assert note.text == "Thông báo riêng" and note.message is None


def test_reminders_reach_each_reader_in_their_language(world, db, today):  # noqa: F811
    world.g21_reporter.locale = "en"
    db.commit()
    today(dt.date(2023, 5, 28))
    reminders.send_reminders(db, world.campaign, days=7, unit_ids=[world.g21.id])
    db.commit()
    logged = db.scalars(select(Reminder).where(Reminder.unit_id == world.g21.id)).one()
    assert "còn 3 ngày" in logged.text  # the log keeps the default language
    note = db.scalars(select(Notification).where(Notification.user_id == world.g21_reporter.id)).one()
    with i18n.language("en"):
        assert note.text.startswith(f"Dear {world.g21.name}: under the plan")
        assert "the deadline for congresses of grassroots unions is 31/05/2023 (3 days left)" in note.text
    assert "còn 3 ngày" in note.text
    with i18n.language("en"):
        assert "2 days overdue" in reminders.reminder_text(world.campaign, world.g21, dt.date(2023, 6, 2))


def test_document_reminder_names_the_kind_in_the_readers_language(world, db):  # noqa: F811
    from shared.models import StoredFile

    scan = StoredFile(filename="ke-hoach.pdf", content_type="application/pdf", size=10, sha256="0" * 64,
                      storage_key="test-i18n-plan")
    db.add(scan)
    doc = documents.publish(db, world.federation, kind="plan", title="Kế hoạch 12", body=None,
                            levels=["grassroots"], targets=[], ack_by=None, file=scan)
    db.commit()
    assert documents.remind(db, world.federation, doc, "/party/documents/1") >= 1
    db.commit()
    note = db.scalars(select(Notification).where(Notification.user_id == world.g21_reporter.id)).one()
    assert note.text == "Nhắc: đề nghị xem kế hoạch “Kế hoạch 12”."
    with i18n.language("en"):
        assert note.text == "Reminder: please read the plan “Kế hoạch 12”."


def test_notifications_page_shows_the_note_in_the_users_language(world, db, client, login_as):  # noqa: F811
    world.g11_reporter.locale = "en"
    db.commit()
    report = world.reports.submitted(world.g11)
    workflow.return_report(db, report, world.d1_reviewer, "Thiếu chữ ký")
    db.commit()
    login_as(world.g11_reporter)
    page = client.get("/notifications").get_data(as_text=True)
    assert "has been returned. Reason: Thiếu chữ ký" in page and "bị trả lại" not in page
    assert csrf_token(client, "/notifications")
