import json

import pytest

from tests.conftest import file_digest, run_cli


run = run_cli


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "cli.sqlite"
    assert run(capsys, "--db", path, "init")[0] == 0
    return path


def test_init_catalog_and_units(db, capsys):
    code, out, _ = run(capsys, "--db", db, "catalog", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) > 100
    retail = next(i for i in items if i["code"] == "tm_ban_le")
    assert retail["parent"] is None and retail["kind"] == "flow" and retail["unit"] == "tỷ đồng"
    child = next(i for i in items if i["parent"] == "tm_ban_le")
    assert child["sector"] == "thuong_mai"
    code, out, _ = run(capsys, "--db", db, "units", "--json")
    units = {u["code"]: u for u in json.loads(out)}
    assert units["lai_chau"]["parent"] is None
    assert units["p_tan_phong"]["parent"] == "tp_lai_chau" and units["p_tan_phong"]["valid_to"] == "2025-06-30"
    assert units["p_tan_phong_2025"]["parent"] == "lai_chau" and units["p_tan_phong_2025"]["valid_from"] == "2025-07-01"


def test_init_refuses_an_existing_file(db, capsys):
    before = file_digest(db)
    code, _, err = run(capsys, "--db", db, "init")
    assert code == 2 and err.startswith("lỗi: ") and err.count("\n") == 1
    assert file_digest(db) == before


def test_enter_target_progress_history(db, capsys):
    assert run(capsys, "--db", db, "enter", "tp_lai_chau", "2024-05", "tm_ban_le", "339")[0] == 0
    assert run(capsys, "--db", db, "enter", "tp_lai_chau", "202405", "tm_ban_le", "1.931", "--ytd",
               "--comment", "ước tính")[0] == 0
    assert run(capsys, "--db", db, "target", "tp_lai_chau", "tm_ban_le", "2024", "tinh", "4.490")[0] == 0
    assert run(capsys, "--db", db, "target", "tp_lai_chau", "yt_tang_dan_so", "2021-2025", "daihoi", "9,5-10")[0] == 0
    code, out, _ = run(capsys, "--db", db, "progress", "tp_lai_chau", "202405", "--json")
    rows = {r["indicator"]: r for r in json.loads(out)}
    retail = rows["tm_ban_le"]
    assert code == 0
    assert retail["value"] == 339 and retail["ytd"] == 1931
    assert retail["targets"] == {"tinh": 4490}
    assert retail["percent_of_target"] == {"tinh": 43.01}
    assert retail["expected_pace"] == 41.67
    assert set(retail) >= {"indicator", "value", "ytd", "targets", "percent_of_target", "expected_pace",
                           "same_period_last_year", "percent_vs_last_year"}
    assert rows["yt_tang_dan_so"]["targets"] == {"daihoi": [9.5, 10]}
    code, out, _ = run(capsys, "--db", db, "progress", "tp_lai_chau", "202405")
    assert "1.931" in out and "43% KH tỉnh" in out
    code, out, _ = run(capsys, "--db", db, "history", "tp_lai_chau", "202405", "tm_ban_le", "--json")
    versions = json.loads(out)
    assert [(v["version"], v["month_value"], v["ytd_value"]) for v in versions] == [(1, 339, None), (2, 339, 1931)]


def test_quarter_progress_uses_the_periods_own_figure(db, capsys):
    for month, value in ((1, "100"), (2, "110"), (3, "120,5")):
        run(capsys, "--db", db, "enter", "tp_lai_chau", f"20240{month}", "tm_ban_le", value)
    rows = {r["indicator"]: r for r in json.loads(run(capsys, "--db", db, "progress", "tp_lai_chau", "2024Q1",
                                                       "--json")[1])}
    assert rows["tm_ban_le"]["value"] == 330.5


@pytest.mark.parametrize("argv, message", [
    (["enter", "tp_lai_chau", "202405", "tm_ban_le", "12.5"], "dấu chấm"),
    (["enter", "tp_lai_chau", "202413", "tm_ban_le", "1"], "Tháng 13"),
    (["enter", "xa_khong_co", "202405", "tm_ban_le", "1"], "Không có đơn vị"),
    (["enter", "tp_lai_chau", "202405"], "thiếu tham số"),
    (["target", "tp_lai_chau", "tm_ban_le", "2024", "khong_co", "1"], "nguồn kế hoạch"),
    (["target", "tp_lai_chau", "tm_ban_le", "2024", "tinh", "10-9"], "cận dưới"),
    (["progress", "tp_lai_chau", "2024Q7"], "Kỳ báo cáo"),
    (["history", "tp_lai_chau", "202405", "khong_co"], "Không có chỉ tiêu"),
    (["settings", "reporting_unit", "khong_co"], "Không có đơn vị"),
    (["settings", "percent_decimals", "1,5"], "số nguyên từ 0 đến 3"),
    (["settings", "percent_decimals", "7"], "số nguyên từ 0 đến 3"),
    (["nonsense"], "lựa chọn 'nonsense' không hợp lệ"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(db, capsys, argv, message):
    before = file_digest(db)
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 2
    assert err.startswith("lỗi: ") and message in err and err.count("\n") == 1
    assert file_digest(db) == before


def test_a_missing_database_is_reported(tmp_path, capsys):
    code, _, err = run(capsys, "--db", tmp_path / "none.sqlite", "progress", "tp_lai_chau", "202405")
    assert code == 2 and "init" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_settings_documents_and_narrative(db, capsys):
    assert run(capsys, "--db", db, "settings", "percent_decimals", "2")[0] == 0
    assert json.loads(run(capsys, "--db", db, "settings", "percent_decimals")[1]) == 2
    assert run(capsys, "--db", db, "settings", "check_pace_tolerance", "7,5")[0] == 0
    assert json.loads(run(capsys, "--db", db, "settings", "check_pace_tolerance")[1]) == 7.5
    assert run(capsys, "--db", db, "documents", "p_doan_ket_2025", "--set", "signer_name", "Trần Văn A")[0] == 0
    profile = json.loads(run(capsys, "--db", db, "documents", "p_doan_ket_2025", "--json")[1])
    assert profile["signer_name"] == "Trần Văn A" and profile["edited"]
    code, _, err = run(capsys, "--db", db, "settings", "signer_name", "B")
    assert code == 2 and "documents" in err
    assert run(capsys, "--db", db, "narrative", "tp_lai_chau", "202405", "thuong_mai", "--set",
               "Hoạt động thương mại ổn định.")[0] == 0
    assert run(capsys, "--db", db, "narrative", "tp_lai_chau", "202405", "thuong_mai")[1].strip() == \
        "Hoạt động thương mại ổn định."


def test_demo_command(db, capsys):
    code, out, _ = run(capsys, "--db", db, "demo")
    assert code == 0 and "kế hoạch" in out


def test_narrative_without_a_part_lists_every_part_with_its_code(db, capsys):
    run(capsys, "--db", db, "narrative", "tp_lai_chau", "202405", "nguyen_nhan", "--set", "Do thời tiết.")
    code, out, _ = run(capsys, "--db", db, "narrative", "tp_lai_chau", "202405")
    assert code == 0
    assert "== thuong_mai: Phát triển thương mại, dịch vụ và du lịch\n(chưa viết)" in out
    assert "== nguyen_nhan: Nguyên nhân\nDo thời tiết." in out
    assert out.index("== thuong_mai") < out.index("== nhiem_vu")  # the report's order
    code, _, err = run(capsys, "--db", db, "narrative", "tp_lai_chau", "202405", "khong_co")
    assert code == 2 and "Không có phần báo cáo “khong_co”" in err
