"""Suggested file names read as Vietnamese and are safe on Windows."""

from datetime import datetime

import pytest

from lcapp.models.file_names import (annex_file_name, dated_file_name, file_name, package_file_name,
                                     report_file_name)


def test_report_annex_and_package_names():
    assert report_file_name("Phường Đoàn Kết", "202611") == "Báo cáo tháng 11-2026 - Phường Đoàn Kết.pdf"
    assert report_file_name("Phường Đoàn Kết", "2026", ".docx") == "Báo cáo năm 2026 - Phường Đoàn Kết.docx"
    assert annex_file_name("Xã Sìn Hồ", "2026S1") == "Biểu phụ lục 6 tháng đầu năm 2026 - Xã Sìn Hồ.xlsx"
    assert package_file_name("Phường Tân Phong", ["202611"], ".lcpkg") == \
        "Gói dữ liệu tháng 11-2026 - Phường Tân Phong.lcpkg"


def test_dated_names():
    when = datetime(2026, 12, 2, 14, 30)
    assert dated_file_name("Số liệu trao đổi", ".csv", when) == "Số liệu trao đổi ngày 02-12-2026.csv"
    assert dated_file_name("Sao lưu lcapp", ".sqlite", when, with_time=True) == \
        "Sao lưu lcapp ngày 02-12-2026 lúc 14 giờ 30.sqlite"


@pytest.mark.parametrize("part", ['a/b', 'a\\b', 'a:b', 'a*b', 'a?b', 'a"b', 'a<b>', 'a|b', "a\tb"])
def test_windows_forbidden_characters_never_reach_a_name(part):
    name = file_name(part, suffix=".pdf")
    assert not set(name) & set('\\/:*?"<>|\t')
    assert name.endswith(".pdf")


def test_decomposed_text_is_nfc_and_trailing_dots_go():
    assert file_name("Phu\u031bo\u031b\u0300ng Đoàn Kết.", suffix=".pdf") == "Phường Đoàn Kết.pdf"
