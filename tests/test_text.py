"""Vietnamese text: NFC normalisation, diacritic folding (NFC and NFD input, đ), formatting."""
import datetime as dt
import unicodedata

import pytest

from shared.text import clean_text, days_phrase, fold, format_date, format_number, nfc, parse_date


def test_fold_removes_tone_marks_and_d_stroke():
    assert fold("Công đoàn Giồng Riềng") == "cong doan giong rieng"
    assert fold("ĐẠI HỘI ĐIỂM") == "dai hoi diem"


def test_fold_treats_nfd_input_like_nfc():
    nfd = unicodedata.normalize("NFD", "Liên đoàn Lao động Hòn Đất")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert fold(nfd) == fold("Liên đoàn Lao động Hòn Đất") == "lien doan lao dong hon dat"


def test_nfc_normalises_trims_and_collapses_spaces():
    nfd = unicodedata.normalize("NFD", "  Phú   Quốc ")
    assert nfc(nfd) == "Phú Quốc"
    assert unicodedata.is_normalized("NFC", nfc(nfd))
    assert nfc(None) is None


def test_clean_text_limits_length_with_a_vietnamese_message():
    with pytest.raises(ValueError, match="Không được dài quá 5 ký tự"):
        clean_text("Kiên Giang", 5)


def test_numbers_use_vietnamese_separators():
    assert format_number(1234567) == "1.234.567"
    assert format_number(65.25, 1) == "65,2" or format_number(65.25, 1) == "65,3"
    assert format_number(0) == "0"


def test_dates_show_and_parse_as_dd_mm_yyyy():
    assert format_date(dt.date(2023, 5, 31)) == "31/05/2023"
    assert parse_date("15/04/2023") == dt.date(2023, 4, 15)
    assert parse_date("2023-04-15") == dt.date(2023, 4, 15)
    assert parse_date("") is None
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_date("31/02/2023")


def test_countdown_wording():
    assert days_phrase(12) == "còn 12 ngày"
    assert days_phrase(0) == "hạn chót hôm nay"
    assert days_phrase(-5) == "quá hạn 5 ngày"
