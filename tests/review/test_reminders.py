"""Reminders to laggard units: who is reminded, the text, never twice a day (portal rules and CLI)."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from portal.cli import main
from shared import reminders
from shared.errors import Forbidden
from shared.models import EmailOutbox, Notification, Reminder


def _count(db, model, *where):
    return db.scalar(select(func.count(model.id)).where(*where))


def test_laggards_are_units_without_a_report_in_near_or_past_their_deadline(world, db, today):
    world.reports.submitted(world.g11)  # done
    world.reports.returned(world.g12)  # sent back: still owes a report
    today(dt.date(2023, 5, 28))  # grassroots deadline 31/05 in 3 days; district 31/07
    found = reminders.laggards(db, world.campaign, days=7)
    assert sorted(lag.unit.code for lag in found) == ["G12", "G21"]
    assert {lag.days_left for lag in found} == {3}
    wider = reminders.laggards(db, world.campaign, days=70)
    assert sorted(lag.unit.code for lag in wider) == ["D1", "D2", "G12", "G21"]
    in_d1 = reminders.laggards(db, world.campaign, days=70, scope=world.d1)
    assert [lag.unit.code for lag in in_d1] == ["G12"]  # the scope unit itself is not listed
    assert reminders.count_laggards(db, world.campaign, days=70) == 4


def test_the_reminder_text_names_the_deadline_and_days_left(world):
    text = reminders.reminder_text(world.campaign, world.g21, dt.date(2023, 5, 24))
    assert text.startswith("Kính gửi Công đoàn cơ sở Ủy ban nhân dân xã Ngọc Chúc:")
    assert "31/05/2023" in text and "còn 7 ngày" in text
    late = reminders.reminder_text(world.campaign, world.g21, dt.date(2023, 6, 3))
    assert "quá hạn 3 ngày" in late and "chậm trễ" in late


def test_a_unit_is_not_reminded_twice_the_same_day(world, db, today):
    today(dt.date(2023, 6, 2))
    world.g21.contact_email = "ngocchuc@example.vn"
    db.commit()
    first = reminders.send_reminders(db, world.campaign, days=7, user=world.d2_reviewer, unit_ids=[world.g21.id])
    db.commit()
    assert [u.code for u, _t in first.sent] == ["G21"]
    assert _count(db, Reminder) == 1
    note = db.scalars(select(Notification).where(Notification.user_id == world.g21_reporter.id)).one()
    assert "quá hạn 2 ngày" in note.text
    assert _count(db, EmailOutbox, EmailOutbox.to_addr == "ngocchuc@example.vn") == 1

    second = reminders.send_reminders(db, world.campaign, days=7, user=world.coordinator, unit_ids=[world.g21.id])
    db.commit()
    assert second.sent == [] and [u.code for u in second.already_today] == ["G21"]
    assert _count(db, Reminder) == 1 and _count(db, Notification, Notification.user_id == world.g21_reporter.id) == 1

    today(dt.date(2023, 6, 3))  # a new day: allowed again
    third = reminders.send_reminders(db, world.campaign, days=7, user=world.d2_reviewer, unit_ids=[world.g21.id])
    db.commit()
    assert len(third.sent) == 1 and _count(db, Reminder) == 2


def test_reminders_stay_in_scope(world, db, today):
    today(dt.date(2023, 6, 2))
    result = reminders.send_reminders(db, world.campaign, days=7, user=world.d1_reviewer, unit_ids=[world.g21.id, world.g11.id])
    db.commit()
    assert [u.code for u, _t in result.sent] == ["G11"]
    assert result.not_laggard == [world.g21.id]  # another district's union: not theirs to remind
    for user in (world.observer, world.g11_reporter):
        with pytest.raises(Forbidden):
            reminders.send_reminders(db, world.campaign, days=7, user=user, unit_ids=[world.g11.id])


def test_cli_remind_dry_run_then_for_real_then_not_again(world, db, database_url, monkeypatch, today):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    today(dt.date(2023, 5, 28))
    world.reports.submitted(world.g11)
    runner = CliRunner()

    dry = runner.invoke(main, ["remind", "--days", "7", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "G12" in dry.output and "G21" in dry.output and "Sẽ nhắc 2 đơn vị" in dry.output
    assert _count(db, Reminder) == 0 and _count(db, Notification) == 1  # only g11's submission

    real = runner.invoke(main, ["remind", "--days", "7"])
    assert real.exit_code == 0, real.output
    assert "Đã nhắc 2 đơn vị" in real.output
    db.expire_all()
    assert sorted(db.scalars(select(Reminder.unit_id))) == sorted([world.g12.id, world.g21.id])
    assert set(db.scalars(select(Reminder.sent_on))) == {dt.date(2023, 5, 28)}

    again = runner.invoke(main, ["remind", "--days", "7"])
    assert again.exit_code == 0, again.output
    assert "Đã nhắc 0 đơn vị; 2 đơn vị đã được nhắc hôm nay" in again.output
    assert _count(db, Reminder) == 2


def test_cli_mail_drain_is_off_by_default(world, db, database_url, monkeypatch):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    monkeypatch.delenv("DAIHOI_SMTP_HOST", raising=False)
    world.reports.submitted(world.g11)
    result = CliRunner().invoke(main, ["mail", "drain"])
    assert result.exit_code == 0, result.output
    assert "Chưa cấu hình máy chủ SMTP" in result.output and "1 thư vẫn chờ" in result.output
    assert _count(db, EmailOutbox, EmailOutbox.sent_at.is_(None)) == 1


def test_cli_help(world):
    for args in (["remind", "--help"], ["mail", "--help"], ["mail", "drain", "--help"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and "Usage" in result.output
