"""Explaining findings, completing a period, the summary line, and the checks on the seeds."""

import json
from datetime import date

import pytest

from lcapp.models import schema
from lcapp.models.catalogue import catalogue
from lcapp.models.check_status import acknowledge, complete_period, completion
from lcapp.models.checks import run_checks, summary_text
from lcapp.models.demo import load_demo
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.findings import Finding
from lcapp.models.store import Store
from tests.conftest import file_digest, table_rows, run_cli

CITY = "tp_lai_chau"


def went_down(store):
    enter(store, CITY, "202404", "thu_nsdp", 2010, basis="ytd", user="t")
    enter(store, CITY, "202405", "thu_nsdp", 1931, basis="ytd", user="t")


def test_an_explained_finding_stays_listed_as_explained(mini):
    went_down(mini)
    finding = acknowledge(mini, CITY, "202405", "ytd_decreased", "thu_nsdp", "Điều chỉnh giảm theo Kho bạc",
                          user="chị Lan")
    assert finding.status == "explained"
    again = next(f for f in run_checks(mini, CITY, "202405") if f.rule == "ytd_decreased")
    assert (again.status, again.explanation, again.acknowledged_by) == ("explained", "Điều chỉnh giảm theo Kho bạc",
                                                                      "chị Lan")
    assert again.acknowledged_at
    assert not again.is_open_error
    row = mini.query("SELECT * FROM check_explanations")[0]
    assert (row["unit"], row["period"], row["rule"], row["indicator"]) == (CITY, "202405", "ytd_decreased", "thu_nsdp")


@pytest.mark.parametrize("rule, indicator, reason, words", [
    ("ytd_decreased", "khach", "lý do", "Không có phát hiện"),
    ("behind_pace", "thu_nsdp", "lý do", "Không có phát hiện"),
    ("ytd_decreased", "thu_nsdp", "   ", "Hãy ghi lời giải trình"),
])
def test_explaining_what_is_not_a_finding_is_refused_and_nothing_changes(mini, rule, indicator, reason, words):
    went_down(mini)
    before = table_rows(mini)
    with pytest.raises(InputError, match=words):
        acknowledge(mini, CITY, "202405", rule, indicator, reason, user="t")
    assert table_rows(mini) == before


def test_completing_is_refused_while_an_open_error_remains(mini):
    went_down(mini)
    before = table_rows(mini)
    with pytest.raises(InputError, match="còn 1 lỗi chưa sửa hoặc giải trình .ytd_decreased / thu_nsdp"):
        complete_period(mini, CITY, "202405", user="t")
    assert table_rows(mini) == before
    assert completion(mini, CITY, "202405") is None
    acknowledge(mini, CITY, "202405", "ytd_decreased", "thu_nsdp", "Điều chỉnh giảm", user="t")
    complete_period(mini, CITY, "202405", user="anh Hùng")
    assert completion(mini, CITY, "202405")["completed_by"] == "anh Hùng"


def test_completing_after_fixing_the_figure(mini):
    went_down(mini)
    enter(mini, CITY, "202405", "thu_nsdp", 2100, basis="ytd", user="t")
    complete_period(mini, CITY, "202405", user="t")
    assert completion(mini, CITY, "202405") is not None


def finding(severity, status="open"):
    return Finding(severity, "r", "i", "u", "202405", "m", status=status)


def test_summary_text():
    findings = [finding("error")] * 3 + [finding("warning")] * 5 + [finding("note")] * 2
    assert summary_text(findings) == "3 lỗi, 5 cảnh báo, 2 lưu ý"
    assert summary_text([finding("warning"), finding("error", "explained")]) == "1 cảnh báo (và 1 đã giải trình)"
    assert summary_text([]) == "Không có lỗi, cảnh báo hay lưu ý nào"


# -- command line ------------------------------------------------------------------------------
run = run_cli


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "cli.sqlite"
    assert run(capsys, "--db", path, "init")[0] == 0
    for period, value in (("202404", "2.010"), ("202405", "1.931")):
        assert run(capsys, "--db", path, "enter", CITY, period, "tm_ban_le", value, "--ytd")[0] == 0
    return path


def test_check_exit_codes_and_json(db, capsys):
    code, out, _ = run(capsys, "--db", db, "check", CITY, "202405", "--json")
    findings = json.loads(out)
    assert code == 1
    error = next(f for f in findings if f["rule"] == "ytd_decreased")
    assert {"severity", "rule", "indicator", "unit", "period", "message", "values"} <= set(error)
    assert error["severity"] == "error" and error["status"] == "open"
    assert "lũy kế tháng 5/2024 (1.931 tỷ đồng) nhỏ hơn lũy kế tháng 4/2024 (2.010 tỷ đồng)" in error["message"]
    code, out, _ = run(capsys, "--db", db, "check", CITY, "202404")
    assert code == 0 and "Kiểm tra số liệu Thành phố Lai Châu, tháng 4/2024:" in out


@pytest.mark.parametrize("argv", [("check", CITY, "202413"), ("check", "khong_co", "202405"),
                                  ("acknowledge", CITY, "202405", "ytd_decreased", "tm_ban_le"),
                                  ("acknowledge", CITY, "202405", "behind_pace", "tm_ban_le", "--reason", "x"),
                                  ("complete", CITY, "202405")])
def test_bad_input_exits_2_and_writes_nothing(db, capsys, argv):
    before = file_digest(db)
    code, _, err = run(capsys, "--db", db, *argv)
    assert code == 2 and err.startswith("lỗi: ") and err.count("\n") == 1
    assert file_digest(db) == before


def test_acknowledge_then_complete(db, capsys):
    code, out, _ = run(capsys, "--db", db, "acknowledge", CITY, "202405", "ytd_decreased", "tm_ban_le",
                       "--reason", "Số tháng 4 là số ước, đã điều chỉnh")
    assert code == 0 and out.startswith("Đã ghi giải trình")
    code, out, _ = run(capsys, "--db", db, "check", CITY, "202405")
    assert code == 0 and "[đã giải trình: Số tháng 4 là số ước, đã điều chỉnh]" in out
    code, out, _ = run(capsys, "--db", db, "complete", CITY, "202405")
    assert code == 0 and out.startswith("Đã đánh dấu hoàn thành tháng 5/2024")


# -- the seeds ------------------------------------------------------------------------------------
@pytest.fixture
def demo(store):
    load_demo(store)
    return store


TODAY = date(2025, 1, 31)  # after every seed month's next cut-off


@pytest.mark.parametrize("period", ["202210", "202302", "202405", "202406", "202412"])
def test_the_seeds_have_no_error_they_do_not_deserve(demo, period):
    findings = run_checks(demo, CITY, period, today=TODAY)
    assert [f.message for f in findings if f.severity == "error"] == []


def test_the_seeds_real_slips_are_flagged(demo):
    budget = {f.rule: f for f in run_checks(demo, CITY, "202405", today=TODAY) if f.indicator == "ns_thu_nsdp"}
    assert budget["parts_sum"].values["gap"] == pytest.approx(-1)  # 265.771 against 265.772
    industry = {f.rule: f for f in run_checks(demo, CITY, "202210", today=TODAY) if f.indicator == "cn_gia_tri_sx"}
    assert industry["parts_sum"].values["parts_total"] == pytest.approx(53.17)
    assert industry["parts_sum"].values["total"] == pytest.approx(53.2)
    tourists = {f.rule: f for f in run_checks(demo, CITY, "202412", today=TODAY) if f.indicator == "tm_khach_du_lich"}
    assert tourists["term_behind_pace"].values["term_to_date"] == 647600


def test_the_check_settings_can_be_changed_from_the_command_line(db, capsys):
    assert run(capsys, "--db", db, "target", "tp_lai_chau", "tm_ban_le", "2024", "tinh", "6.000")[0] == 0
    assert run(capsys, "--db", db, "enter", CITY, "202405", "tm_ban_le", "2.100", "--ytd")[0] == 0
    out = run(capsys, "--db", db, "check", CITY, "202405", "--json")[1]  # 35% against 41,7%
    assert "behind_pace" in {f["rule"] for f in json.loads(out)}
    assert run(capsys, "--db", db, "settings", "check_pace_tolerance", "7,5")[0] == 0
    assert json.loads(run(capsys, "--db", db, "settings", "check_pace_tolerance")[1]) == 7.5
    out = run(capsys, "--db", db, "check", CITY, "202405", "--json")[1]
    assert "behind_pace" not in {f["rule"] for f in json.loads(out)}


def test_a_database_from_before_the_checks_is_upgraded(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    checks_migration = next(n for n, name, _ in schema.MIGRATIONS if name.startswith("figure checks"))
    with monkeypatch.context() as patch:
        patch.setattr("lcapp.models.store.MIGRATIONS", schema.MIGRATIONS[:checks_migration - 1])
        patch.setattr("lcapp.models.store.SCHEMA_VERSION", checks_migration - 1)
        old = Store(path, create=True)
        with old.write() as conn:
            conn.execute("INSERT INTO target_sources VALUES ('tinh', 'KH tỉnh', 'KH', 'kế hoạch tỉnh', 0)")
            conn.execute("INSERT INTO sectors VALUES ('y_te', 'Y tế', 'Y tế', NULL, '', 0, 0)")
            conn.execute("INSERT INTO indicators (code, name, unit, sector, kind, direction, summable, entry, position)"
                         " VALUES ('kham', 'Lượt khám', 'lượt', 'y_te', 'flow', 'up', 1, 'month', 0)")
        old.close()
    store = Store(path)
    assert catalogue(store).indicators["kham"].checks_off == ()
    assert catalogue(store).rules == []
    assert store.query("SELECT count(*) AS n FROM check_explanations")[0]["n"] == 0
    store.close()
