from datetime import date

import pytest

from lcapp.models.errors import InputError
from lcapp.models.periods import parse_month, parse_period, parse_target_period


@pytest.mark.parametrize("code, canonical, label, months", [
    ("202405", "202405", "tháng 5/2024", [202405]),
    ("2024-05", "202405", "tháng 5/2024", [202405]),
    ("2024Q1", "2024Q1", "quý I/2024", [202401, 202402, 202403]),
    ("2024q4", "2024Q4", "quý IV/2024", [202410, 202411, 202412]),
    ("2024S1", "2024S1", "6 tháng đầu năm 2024", [202401 + i for i in range(6)]),
    ("2024M9", "2024M9", "9 tháng năm 2024", [202401 + i for i in range(9)]),
    ("2024", "2024", "năm 2024", [202401 + i for i in range(12)]),
])
def test_period_codes(code, canonical, label, months):
    period = parse_period(code)
    assert period.code == canonical
    assert period.label == label
    assert period.months == months


@pytest.mark.parametrize("code, window", [
    ("202405", (date(2024, 4, 15), date(2024, 5, 14))),
    ("202401", (date(2023, 12, 15), date(2024, 1, 14))),
    ("2024Q2", (date(2024, 3, 15), date(2024, 6, 14))),
    ("2024S1", (date(2023, 12, 15), date(2024, 6, 14))),
    ("2024", (date(2023, 12, 15), date(2024, 12, 14))),
])
def test_cutoff_windows_follow_decree_09_2019(code, window):
    assert parse_period(code).cutoff_window() == window


def test_previous_periods():
    assert parse_period("202401").previous().code == "202312"
    assert parse_period("2024Q1").previous().code == "2023Q4"
    assert parse_period("2024S1").previous().code == "2023S2"
    assert parse_period("2024").previous().code == "2023"
    assert parse_period("202405").same_period_last_year().code == "202305"


@pytest.mark.parametrize("code", ["202413", "2024-5", "24Q1", "2024Q5", "abc", "1899", ""])
def test_bad_period_codes_are_refused(code):
    with pytest.raises(InputError):
        parse_period(code)


def test_figures_are_entered_per_month_only():
    with pytest.raises(InputError, match="theo tháng"):
        parse_month("2024Q1")


def test_target_periods():
    assert parse_target_period("2024").is_term is False
    term = parse_target_period("2021-2025")
    assert term.is_term and term.covers(2024) and not term.covers(2026)
    with pytest.raises(InputError):
        parse_target_period("2025-2021")


@pytest.mark.parametrize("text", ["11/2026", "tháng 11/2026", "Tháng 11/2026", " 11/2026 "])
def test_month_as_officials_write_it(text):
    assert parse_period(text).code == "202611"
    assert parse_month(text).code == "202611"


def test_single_digit_month_and_bad_slash_months():
    assert parse_period("5/2024").code == "202405"
    for bad in ("13/2026", "0/2026", "11/26", "11/2026/1"):
        with pytest.raises(InputError):
            parse_period(bad)
