from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcapp.models.errors import InputError
from lcapp.models.numbers import format_number, format_percent, parse_number, round_percent
from lcapp.models.text import clean_text, nfc


@pytest.mark.parametrize("text, value", [
    ("1.931", 1931), ("144,86", 144.86), ("1.099,7", 1099.7), ("265.772", 265772), ("12,18", 12.18),
    ("0", 0), ("-5,2", -5.2), ("1.931.000", 1931000), ("  339 ", 339), ("0,5", 0.5), ("1931", 1931),
])
def test_parses_vietnamese_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text, reason", [
    ("12.5", "dấu chấm sai chỗ"), ("1,931.5", "kiểu Anh"), ("1e5", "không phải là số"), ("1 931", "khoảng trắng"),
    ("", "Chưa nhập"), ("abc", "không phải là số"), ("5,", "không phải là số"), ("1,2,3", "nhiều dấu phẩy"),
    ("1.9310", "dấu chấm sai chỗ"), ("NaN", "không phải là số"), ("١٢", "không phải là số"),
    ("9" * 20, "quá lớn"),
])
def test_refuses_what_is_not_an_unambiguous_vietnamese_number(text, reason):
    with pytest.raises(InputError, match=reason):
        parse_number(text)


def test_formats_the_vietnamese_way_with_half_up_rounding():
    assert format_number(1931) == "1.931"
    assert format_number(144.86, 2) == "144,86"
    assert format_number(1099.7, 1) == "1.099,7"
    assert format_number(1931, 1, fixed=True) == "1.931,0"
    assert format_number(12.185, 2) == "12,19"
    assert format_number(2.5) == "3"
    assert format_number(-0.0001, 2) == "0"
    assert format_percent(42.997) == "43"
    assert format_percent(40.72) == "40,7"
    assert round_percent(16.51) == 16.5


@given(st.decimals(min_value=Decimal("-999999999999"), max_value=Decimal("999999999999"), places=3,
                   allow_nan=False, allow_infinity=False))
def test_format_then_parse_returns_the_number(value):
    assert parse_number(format_number(float(value), 3)) == float(value)


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_survive_grouping(value):
    assert parse_number(format_number(value)) == value


def test_text_is_normalised_to_nfc_and_control_characters_refused():
    decomposed = "Tie\u0302\u0301n"  # "Tiến" typed with combining accents
    assert nfc(decomposed) == "Tiến"
    assert len(nfc(decomposed)) == 4
    with pytest.raises(InputError, match="ký tự điều khiển"):
        clean_text("a\x00b")
    assert clean_text("dòng 1\ndòng 2") == "dòng 1\ndòng 2"


def test_a_figure_prints_with_the_decimals_it_was_typed_with_up_to_the_maximum():
    from lcapp.models.numbers import figure_decimals, format_figure, percent_decimals, shared_decimals
    assert format_figure(parse_number("1.099,7"), 2) == "1.099,7"  # never 1.100
    assert format_figure(339.0, 2) == "339" and format_figure(144.86, 2) == "144,86"
    assert format_figure(144.86, 1) == "144,9"  # the indicator's maximum
    assert format_figure(0.1 + 0.2, 2) == "0,3"  # a sum's float noise never shows
    assert format_figure(381.0, 2, decimals=2) == "381,00" and format_figure(5, 0, count=True) == "05"
    assert format_figure(12, 0, count=True) == "12" and format_figure(0, 0, count=True) == "0"
    assert figure_decimals(1931.5, 2) == 1 and figure_decimals(1e-7, 2) == 0
    assert shared_decimals([381.0, 144.86, None], 2) == 2
    assert percent_decimals({}) == 1 and percent_decimals({"percent_decimals": 2}) == 2
    assert percent_decimals({"percent_decimals": 9}) == 1 and percent_decimals({"percent_decimals": True}) == 1
    assert format_percent(43, 1, fixed=True) == "43,0"
