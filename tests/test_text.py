"""Vietnamese text: NFC normalisation, diacritic folding (NFC and NFD input, đ), formatting."""
import datetime as dt
import unicodedata

import pytest

from shared.text import clean_text, days_phrase, fold, format_date, format_number, nfc, parse_date, parse_number


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


# ---- dates and numbers as people type them (issue 18) ------------------------------------------------------

IN_2025 = dt.date(2025, 6, 1)


@pytest.mark.parametrize("typed", [
    "15/05/2023", "15052023", "15.05.2023", "15-05-2023", "15 05 2023", "15/5/23", "15/5/2023", "2023-05-15",
    "150523", "15,05,2023", " 15 / 05 / 2023 ", "15.5.23", "15  05  2023", "１５/０５/２０２３", "2023/05/15",
])
def test_a_date_typed_any_usual_way_is_read_day_first(typed):
    assert parse_date(typed, today=IN_2025) == dt.date(2023, 5, 15)
    assert format_date(parse_date(typed, today=IN_2025)) == "15/05/2023"  # shown back in one form


@pytest.mark.parametrize("typed, year", [
    ("1/1/25", 2025), ("1/1/45", 2045), ("1/1/46", 1946), ("1/1/00", 2000), ("1/1/99", 1999), ("010185", 1985),
])
def test_a_two_digit_year_is_the_nearest_one_up_to_20_years_ahead(typed, year):
    """In 2025 "45" is 2045 (a deadline may lie ahead) and "46" is 1946 (a birth year lies behind)."""
    assert parse_date(typed, today=IN_2025).year == year


def test_the_two_digit_window_moves_with_the_years():
    assert parse_date("1/1/46", today=dt.date(2030, 1, 1)) == dt.date(2046, 1, 1)
    assert parse_date("1/1/51", today=dt.date(2030, 1, 1)) == dt.date(1951, 1, 1)


def test_the_29th_of_february_only_in_leap_years():
    assert parse_date("29/02/2024") == dt.date(2024, 2, 29)
    assert parse_date("29022000") == dt.date(2000, 2, 29)  # divisible by 400
    for typed in ("29/02/2023", "29/02/1900", "29.02.23"):  # 1900: divisible by 100, not by 400
        with pytest.raises(ValueError, match="dd/mm/yyyy"):
            parse_date(typed, today=IN_2025)


@pytest.mark.parametrize("typed", [
    "31/02/2023", "30/02/2024", "31/04/2023", "15/13/2023", "00/05/2023", "15/00/2023", "32/01/2023",
    "15/05.2023",  # two kinds of separator: a slip, not a date
    "1505202", "15052", "150520233",  # 7, 5, 9 digits
    "15/05/023", "2023-02-30", "2023-05", "15/05", "abc", "15/mai/2023", "15/05/2023 10:00", "1e5",
    "١٥/٠٥/٢٠٢٣",  # digits of another script
])
def test_what_is_not_a_date_of_the_calendar_is_refused_in_vietnamese(typed):
    with pytest.raises(ValueError, match="Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."):
        parse_date(typed, today=IN_2025)


def test_a_date_outside_the_years_anyone_means_is_refused():
    """31/12/9999 parses, but the day after it does not exist: every "days left" would fail on it."""
    with pytest.raises(ValueError, match="Ngày phải từ 01/01/1900 đến 31/12/2099."):
        parse_date("31/12/9999")
    with pytest.raises(ValueError, match="Ngày phải từ"):
        parse_date("01/01/1899")
    assert parse_date(None) is None and parse_date("  ") is None


@pytest.mark.parametrize("typed, number", [
    ("15000000", 15_000_000), ("15.000.000", 15_000_000), ("15,000,000", 15_000_000), ("15 000 000", 15_000_000),
    ("15\u00a0000\u00a0000", 15_000_000), ("15\u202f000", 15_000), ("1.500", 1_500), ("1,500", 1_500), (" 7 ", 7),
    ("0", 0), (40, 40), (40.0, 40),
])
def test_a_number_typed_with_any_thousands_separator_is_read_whole(typed, number):
    assert parse_number(typed, maximum=10**15) == number
    assert format_number(parse_number(typed, maximum=10**15)) == format_number(number)


def test_money_is_shown_back_with_dots():
    assert format_number(parse_number("15,000,000")) == "15.000.000"


@pytest.mark.parametrize("typed", [
    "1,5", "1.5", "15.00.000", "15.000,000", "15 000.000", "1.5000", "abc", "1e6", "²", "١٢", "12a", "0x10",
])
def test_what_is_not_a_whole_number_is_refused(typed):
    with pytest.raises(ValueError, match="Phải là số nguyên không âm."):
        parse_number(typed)


def test_negative_and_too_large_numbers_are_refused_unless_the_caller_takes_signs():
    with pytest.raises(ValueError, match="Không được là số âm."):
        parse_number("-5")
    with pytest.raises(ValueError, match="Không được là số âm."):
        parse_number("-15.000")
    assert parse_number("-15.000", signed=True) == -15_000  # the domain's rule then says why not
    with pytest.raises(ValueError, match="Không được lớn hơn 2.147.483.647."):
        parse_number("99999999999999999999")
    with pytest.raises(ValueError, match="Phải là số nguyên không âm."):
        parse_number(True)
    assert parse_number(None) is None and parse_number("") is None
