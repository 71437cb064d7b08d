"""The two-tier government of 01/07/2025: the 38 units and their predecessors, comparisons across
the arrangement, figures refused for a unit that did not exist, the province's consolidation."""

import json
import sqlite3
import unicodedata
from datetime import date

import openpyxl
import pytest

from lcapp.export.annex_xlsx import write_annex_workbook
from lcapp.models.catalogue import catalogue
from lcapp.models.checks import run_checks
from lcapp.models.consolidation import completeness, partial_sum
from lcapp.models.drafting import drafts
from lcapp.models.errors import InputError
from lcapp.models.figure_data import FigureData, keep_figure_results
from lcapp.models.figures import enter
from lcapp.models.organisation import load_organisation, organisation, read_organisation_file
from lcapp.models.package_check import check_package, create_schema
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.schema import SCHEMA_VERSION
from lcapp.models.setup import create_database
from lcapp.models.store import Store
from lcapp.models.targets import set_target
from lcapp.paths import resource
from tests.conftest import file_digest, run_cli, table_rows

NEW_DOAN_KET = ["p_doan_ket", "p_quyet_tien", "p_quyet_thang", "x_lan_nhi_thang", "x_sung_phai"]


def rows_of(store, unit, period, codes=None):
    return {row.indicator: row for row in progress(store, unit, period, codes)}


# -- the organisation ------------------------------------------------------------------------
def test_the_38_units_of_resolution_1670_under_the_province(store):
    org = organisation(store)
    units = org.children("lai_chau", parse_period("202607"))
    assert len(units) == 38
    assert sorted(u.kind for u in units).count("ward") == 2 and sum(u.kind == "commune" for u in units) == 36
    assert {u.name for u in units if u.kind == "ward"} == {"Phường Tân Phong", "Phường Đoàn Kết"}
    assert all(u.valid_from == date(2025, 7, 1) and u.valid_to is None and u.predecessors for u in units)
    assert all(unicodedata.is_normalized("NFC", u.name) for u in org.units.values())
    names = {u.name for u in units}
    assert {"Xã Tủa Sín Chải", "Xã Sì Lở Lầu", "Xã Nậm Cuổi", "Xã Pa Ủ", "Xã Mù Cả", "Xã Tà Tổng", "Xã Dào San",
            "Xã Khổng Lào", "Xã Pu Sam Cáp", "Xã Thu Lũm"} <= names
    # Điều 1, khoản 35-36: the wards take communes of the old districts too, every one whole
    assert [(p.unit, p.share) for p in org.units["p_doan_ket_2025"].predecessors] == \
        [(code, "whole") for code in NEW_DOAN_KET]
    assert [p.unit for p in org.units["p_tan_phong_2025"].predecessors] == \
        ["p_tan_phong", "p_dong_phong", "x_san_thang", "x_nung_nang", "x_ban_giang"]
    assert org.units["x_nung_nang"].parent == "h_tam_duong"
    assert [p.unit for p in org.units["x_mu_ca_2025"].predecessors] == ["x_mu_ca"]  # not rearranged
    old = org.children("lai_chau", parse_period("202506"))
    assert sorted(u.kind for u in old) == ["city"] + ["district"] * 7
    assert all(u.valid_to == date(2025, 6, 30) for u in old)
    before = [u for u in org.units.values() if u.kind in ("ward", "commune", "township") and u.valid_to]
    assert len(before) == 106 and sum(u.kind == "township" for u in before) == 7
    assert sorted(p.unit for u in units for p in u.predecessors) == sorted(u.code for u in before)


def test_units_json_lists_predecessors(tmp_path, capsys):
    db = tmp_path / "u.sqlite"
    run_cli(capsys, "--db", db, "init")
    code, out, _ = run_cli(capsys, "--db", db, "units", "--json")
    units = {u["code"]: u for u in json.loads(out)}
    assert code == 0 and len([u for u in units.values() if u["valid_from"] == "2025-07-01"]) == 38
    assert units["x_mu_ca_2025"]["predecessors"] == [{"unit": "x_mu_ca", "share": "whole"}]
    assert units["h_muong_te"]["kind"] == "district" and units["tt_muong_te"]["kind"] == "township"


@pytest.mark.parametrize("change, message", [
    (lambda u: u.update(predecessors=[{"unit": "p_doan_ket", "share": "half"}]), "whole"),
    (lambda u: u.update(predecessors=["p_doan_ket"]), "tiền thân"),
    (lambda u: u.update(predecessors=[{"unit": "khong_co", "share": "whole"}]), "khong_co"),
    (lambda u: u.update(kind="thi_tran"), "loại"),
])
def test_a_wrong_organisation_file_is_refused_whole(store, change, message):
    data = read_organisation_file(resource("organisation.toml"))
    change(next(u for u in data["unit"] if u["code"] == "p_doan_ket_2025"))
    before = table_rows(store)
    with pytest.raises(InputError, match=message):
        load_organisation(store, data, {s["code"] for s in store.query("SELECT code FROM sectors")})
    assert table_rows(store) == before


# -- comparisons across the arrangement -------------------------------------------------------
def test_same_period_last_year_is_the_sum_of_the_whole_predecessors(store):
    for number, code in enumerate(NEW_DOAN_KET, start=1):
        enter(store, code, "202503", "tm_ban_le", 10 * number, user="t")
    enter(store, "p_doan_ket_2025", "202603", "tm_ban_le", 180, user="t")
    row = rows_of(store, "p_doan_ket_2025", "202603", ["tm_ban_le"])["tm_ban_le"]
    assert row.same_period_last_year == 150 and row.percent_vs_last_year == pytest.approx(120)
    entry = row.old_boundaries["same_period_last_year"]
    assert entry["summed_from"] == NEW_DOAN_KET and entry["period"] == "202503" and entry["before"] == "202507"
    assert "Xã Lản Nhì Thàng" in entry["names"]
    # the draft says it, once, in a footnote
    text = drafts(store, "p_doan_ket_2025", "202603")["thuong_mai"]
    assert "tăng 20% so với cùng kỳ" in text
    assert text.count("^[") == 1 and "địa giới cũ" in text and "Xã Lản Nhì Thàng" in text


def test_a_predecessor_without_the_figure_means_no_comparison_and_says_which(store):
    for code in NEW_DOAN_KET[:-1]:
        enter(store, code, "202503", "tm_ban_le", 10, user="t")
    enter(store, "p_doan_ket_2025", "202603", "tm_ban_le", 60, user="t")
    row = rows_of(store, "p_doan_ket_2025", "202603", ["tm_ban_le"])["tm_ban_le"]
    assert row.same_period_last_year is None and row.percent_vs_last_year is None  # never a partial sum
    assert row.old_boundaries["same_period_last_year"] == {
        "period": "202503", "missing": "chưa có số liệu tháng 3/2025 của Xã Sùng Phài"}
    assert "cùng kỳ" not in drafts(store, "p_doan_ket_2025", "202603")["thuong_mai"]


def test_a_rate_is_not_summed_across_old_units_but_one_whole_predecessor_carries_it(store):
    for code in NEW_DOAN_KET:
        enter(store, code, "202503", "mt_thu_gom_rac", 90, user="t")
    enter(store, "x_mu_ca", "202503", "mt_thu_gom_rac", 80, user="t")
    doan_ket = rows_of(store, "p_doan_ket_2025", "202603", ["mt_thu_gom_rac"])["mt_thu_gom_rac"]
    assert doan_ket.same_period_last_year is None
    assert doan_ket.old_boundaries["same_period_last_year"]["missing"] == "chỉ tiêu không cộng được giữa các đơn vị cũ"
    mu_ca = rows_of(store, "x_mu_ca_2025", "202603", ["mt_thu_gom_rac"])["mt_thu_gom_rac"]
    assert mu_ca.same_period_last_year == 80
    assert mu_ca.old_boundaries["same_period_last_year"]["summed_from"] == ["x_mu_ca"]


def test_a_predecessor_in_part_gives_no_comparison(tmp_path):
    data = read_organisation_file(resource("organisation.toml"))
    unit = next(u for u in data["unit"] if u["code"] == "p_doan_ket_2025")
    unit["predecessors"][3]["share"] = "part"
    store = create_database(tmp_path / "part.sqlite")
    load_organisation(store, data, {s["code"] for s in store.query("SELECT code FROM sectors")})
    for code in NEW_DOAN_KET:
        enter(store, code, "202503", "tm_ban_le", 10, user="t")
    row = rows_of(store, "p_doan_ket_2025", "202603", ["tm_ban_le"])["tm_ban_le"]
    assert row.same_period_last_year is None
    assert row.old_boundaries["same_period_last_year"]["missing"].startswith("Xã Lản Nhì Thàng chỉ có một phần")
    store.close()


def test_previous_period_and_the_year_to_date_across_the_arrangement(store):
    for month in range(1, 7):
        enter(store, "x_mu_ca", f"2025{month:02d}", "tm_ban_le", 10, user="t")
    enter(store, "x_mu_ca_2025", "202507", "tm_ban_le", 12, user="t")
    row = rows_of(store, "x_mu_ca_2025", "202507", ["tm_ban_le"])["tm_ban_le"]
    assert row.previous_value == 10 and row.ytd == 72  # June by the old unit; Jan-Jul counted across
    assert row.old_boundaries["previous_value"]["summed_from"] == ["x_mu_ca"]
    assert row.old_boundaries["ytd"]["summed_from"] == ["x_mu_ca"]
    assert row.old_boundaries["same_period_last_year"]["missing"] == "chưa có số liệu tháng 7/2024 của Xã Mù Cả"
    assert "value" not in row.old_boundaries  # July is the new unit's own


def test_progress_json_says_where_a_comparison_came_from(tmp_path, capsys):
    db = tmp_path / "c.sqlite"
    run_cli(capsys, "--db", db, "init")
    run_cli(capsys, "--db", db, "enter", "x_mu_ca", "202503", "tm_ban_le", "40")
    run_cli(capsys, "--db", db, "enter", "x_mu_ca_2025", "202603", "tm_ban_le", "50")
    code, out, _ = run_cli(capsys, "--db", db, "progress", "x_mu_ca_2025", "202603", "--json")
    row = next(r for r in json.loads(out) if r["indicator"] == "tm_ban_le")
    assert code == 0 and row["same_period_last_year"] == 40
    assert row["old_boundaries"]["same_period_last_year"]["summed_from"] == ["x_mu_ca"]


# -- figures for a unit that did not exist --------------------------------------------------------
@pytest.mark.parametrize("argv, names", [
    (["enter", "p_doan_ket", "202608", "tm_ban_le", "1"], ["[p_doan_ket]", "từ 01/07/2025", "[p_doan_ket_2025]"]),
    (["enter", "p_doan_ket_2025", "202505", "tm_ban_le", "1"], ["[p_doan_ket_2025]", "[x_lan_nhi_thang]",
                                                                 "trước 01/07/2025"]),
    (["enter", "h_tam_duong", "202601", "tm_ban_le", "1"], ["Huyện Tam Đường", "30/06/2025"]),
])
def test_a_figure_outside_the_units_dates_names_the_right_unit_and_writes_nothing(tmp_path, capsys, argv, names):
    db = tmp_path / "v.sqlite"
    run_cli(capsys, "--db", db, "init")
    before = file_digest(db)
    code, _, err = run_cli(capsys, "--db", db, *argv)
    assert code == 2 and err.count("\n") == 1 and all(name in err for name in names), err
    assert file_digest(db) == before


def test_a_file_with_an_old_units_figure_after_the_arrangement_is_refused(store, tmp_path):
    path = tmp_path / "phuong-cu.sqlite"
    conn = sqlite3.connect(path)
    create_schema(conn, SCHEMA_VERSION)
    conn.execute("INSERT INTO meta VALUES ('installation_id', 'old-ward')")
    conn.execute("INSERT INTO settings VALUES ('reporting_unit', '\"p_doan_ket\"')")
    conn.execute("INSERT INTO figures VALUES ('p_doan_ket', 202607, 'tm_ban_le', 5, NULL, NULL, 'official', '', "
                 "'Mai', '2026-08-01T08:00:00', 'p_doan_ket', 'old-ward', 1)")
    conn.commit()
    conn.close()
    before = table_rows(store)
    with pytest.raises(InputError) as refused:
        check_package(store, path)
    assert "tháng 7/2026" in str(refused.value) and "[p_doan_ket_2025]" in str(refused.value)
    assert table_rows(store) == before


# -- the province consolidates its 38 units ---------------------------------------------------
@pytest.fixture
def province(store):
    units = [u.code for u in organisation(store).children("lai_chau", parse_period("202611"))]
    for number, code in enumerate(units[:-2]):
        for month in range(1, 12):
            enter(store, code, f"2026{month:02d}", "tm_ban_le", 10 + number, user="t")
    return store, units


def test_completeness_counts_and_names_the_missing_units(province):
    store, units = province
    received = completeness(store, "lai_chau", "202611")
    assert (len(received.expected), len(received.received)) == (38, 36)
    assert [u.code for u in received.missing] == units[-2:]
    assert received.text() == "Đã nhận 36/38 đơn vị tháng 11/2026; chưa nhận: Xã Mù Cả, Xã Tà Tổng."
    assert completeness(store, "x_mu_ca_2025", "202611") is None  # no child units
    assert rows_of(store, "lai_chau", "202611", ["tm_ban_le"])["tm_ban_le"].value is None  # 36 of 38: no total
    for code in units[-2:]:
        enter(store, code, "202611", "tm_ban_le", 1, user="t")
    assert completeness(store, "lai_chau", "202611").complete
    assert rows_of(store, "lai_chau", "202611", ["tm_ban_le"])["tm_ban_le"].value == sum(range(10, 46)) + 2


def test_check_says_how_many_units_arrived(province, capsys):
    store, _units = province
    finding = next(f for f in run_checks(store, "lai_chau", "202611") if f.rule == "units_missing")
    assert finding.severity == "warning" and finding.indicator == ""
    assert finding.message.startswith("Đã nhận 36/38 đơn vị tháng 11/2026; chưa nhận: Xã Mù Cả, Xã Tà Tổng.")
    assert finding.values["missing"] == ["x_mu_ca_2025", "x_ta_tong_2025"]
    code, out, _ = run_cli(capsys, "--db", store.path, "check", "lai_chau", "202611")
    assert "(units_missing): Đã nhận 36/38 đơn vị" in out


def test_the_units_sheet_shows_each_unit_and_a_partial_sum_never_as_the_total(province, tmp_path):
    store, _units = province
    set_target(store, "x_muong_kim_2025", "tm_ban_le", "2026", "tinh", 1100)  # its own plan
    set_target(store, "lai_chau", "tm_ban_le", "2026", "tinh", 50000)  # the province's own
    path = write_annex_workbook(store, "lai_chau", "202611", tmp_path / "bieu.xlsx")
    ws = openpyxl.load_workbook(path)["Biểu 05"]
    rows = [row for row in ws.iter_rows(values_only=True)]
    names = [row[1] for row in rows]
    column = next(i for i, row in enumerate(rows) if row[2:] and "Tổng mức bán lẻ" in str(row))  # header row
    retail = next(i for i, v in enumerate(rows[column]) if v and "Tổng mức bán lẻ" in v)
    first = names.index("Xã Mường Kim")
    assert rows[first][0] == 1 and rows[first][retail] == 110  # its year-to-date
    assert rows[first][retail + 1] == 10  # % of its own plan
    assert rows[first + 1][retail + 1] is None  # Khoen On has no plan of its own
    total = next(i for i, n in enumerate(names) if n and n.startswith("Toàn tỉnh"))
    assert "chưa có tổng" in names[total] and rows[total][retail] is None
    partial = rows[total + 1]
    assert "số tạm, không phải tổng" in partial[1] and "36/38" in partial[1]
    assert partial[retail] == sum(11 * (10 + n) for n in range(36))
    assert "chưa nhận: Xã Mù Cả, Xã Tà Tổng" in rows[total + 2][1]
    assert len([n for n in names if n and (n.startswith("Xã ") or n.startswith("Phường "))]) == 38


def test_partial_sum_names_what_it_leaves_out():
    assert partial_sum({"a": 1.0, "b": None, "c": 2.5}) == (3.5, ["b"])
    assert partial_sum({"a": None}) == (None, ["a"])


# -- results kept for the consolidating units (figure_cache) ---------------------------------------
def kept_rows(store):
    return store.query("SELECT unit, year, month FROM figure_cache ORDER BY unit, year, month")


def test_kept_results_give_the_same_progress_and_follow_every_change(province):
    store, units = province
    fresh = [r.as_json() for r in progress(store, "lai_chau", "202611")]
    assert kept_rows(store) == []  # this store does not keep (the window's own connection)
    store.keeps_figure_cache = True
    assert [r.as_json() for r in progress(store, "lai_chau", "202611")] == fresh
    keep_figure_results(store)
    assert {(r["unit"], r["year"]) for r in kept_rows(store)} >= {("lai_chau", 2026), ("lai_chau", 2025)}
    again = Store(store.path)
    assert [r.as_json() for r in progress(again, "lai_chau", "202611")] == fresh
    kept_months = {(r["year"], r["month"]) for r in kept_rows(store) if r["unit"] == "lai_chau"}
    assert {(2026, 10), (2026, 11)} <= kept_months
    for code in units[-2:]:
        enter(store, code, "202611", "tm_ban_le", 1, user="t")  # drops what was kept for 11-12/2026
    kept_months = {(r["year"], r["month"]) for r in kept_rows(store) if r["unit"] == "lai_chau"}
    assert (2026, 11) not in kept_months and (2026, 10) in kept_months and (2025, 11) in kept_months
    assert rows_of(again, "lai_chau", "202611", ["tm_ban_le"])["tm_ban_le"].value == sum(range(10, 46)) + 2
    again.close()


def test_results_are_not_kept_after_another_connection_wrote(province):
    store, units = province
    store.keeps_figure_cache = True
    progress(store, "lai_chau", "202611")
    other = Store(store.path)
    enter(other, units[-1], "202611", "tm_ban_le", 3, user="t")
    other.close()
    keep_figure_results(store)
    assert kept_rows(store) == []


def test_results_kept_under_another_catalogue_are_ignored(province):
    store, _units = province
    store.keeps_figure_cache = True
    progress(store, "lai_chau", "202611", ["tm_ban_le"])
    keep_figure_results(store)
    with store.write() as conn:
        conn.execute("UPDATE figure_cache SET entries = replace(entries, '\"v1|tm_ban_le|202611\": null', "
                     "'\"v1|tm_ban_le|202611\": 999')")
    assert rows_of(store, "lai_chau", "202611", ["tm_ban_le"])["tm_ban_le"].value == 999  # read back as kept
    with store.write() as conn:
        conn.execute("UPDATE indicators SET decimals = decimals + 1 WHERE code = 'tm_ban_le'")
    assert rows_of(store, "lai_chau", "202611", ["tm_ban_le"])["tm_ban_le"].value is None


def test_a_refused_command_keeps_nothing(province, capsys):
    store, _units = province
    before = file_digest(store.path)
    code, _, _ = run_cli(capsys, "--db", store.path, "acknowledge", "lai_chau", "202611", "behind_pace", "tm_ban_le",
                         "--reason", "x")
    assert code == 2 and file_digest(store.path) == before


def test_results_are_kept_only_where_every_unit_read_is_loaded(province):
    store, _units = province
    store.keeps_figure_cache = True
    progress(store, "lai_chau", "202611", ["tm_ban_le"])
    keep_figure_results(store)
    own = FigureData(store, catalogue(store), organisation(store), ["lai_chau"])  # its own figures only
    assert own.consolidated == set()
    assert own.period_value("lai_chau", own.cat.indicators["tm_ban_le"], parse_period("202610")) is None
    full = FigureData(store, catalogue(store), organisation(store), organisation(store).related("lai_chau"))
    assert "lai_chau" in full.consolidated


def test_figure_data_only_reads_the_units_it_was_given(store):
    enter(store, "p_doan_ket", "202405", "tm_ban_le", 7, user="t")
    data = FigureData(store, catalogue(store), organisation(store), ["tp_lai_chau"])
    retail = data.cat.indicators["tm_ban_le"]
    assert data.period_value("p_doan_ket", retail, parse_period("202405")) is None
    data = FigureData(store, catalogue(store), organisation(store), ["p_doan_ket"])
    assert data.period_value("p_doan_ket", retail, parse_period("202405")) == 7
