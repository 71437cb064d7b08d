"""Targets per unit, known terms, deleting with history, the migration of older databases."""

import json
import sqlite3

import pytest

from lcapp.models.catalogue import catalogue
from lcapp.models.checks import run_checks
from lcapp.models.drafting import drafts
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.package_check import create_schema
from lcapp.models.progress import progress
from lcapp.models.schema import SCHEMA_VERSION
from lcapp.models.store import Store
from lcapp.models.targets import (all_targets, delete_target, set_target, target_history, targets_for_year,
                                  unit_targets)
from lcapp.models.terms import known_terms, load_terms
from tests.conftest import table_rows

WARD, OTHER_WARD, PROVINCE, CITY = "p_tan_phong_2025", "p_doan_ket_2025", "lai_chau", "tp_lai_chau"
TOURISTS, RETAIL = "tm_khach_du_lich", "tm_ban_le"
SHIPPED = 4  # the schema offices have before targets belong to a unit (the handover schema)


def row_of(store, unit, period, indicator=TOURISTS):
    return next(r for r in progress(store, unit, period) if r.indicator == indicator)


# -- known terms ------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [("2026", "2026"), ("2026-2030", "2026-2030"), ("2025-2030", "2026-2030"),
                                        ("2025 – 2030", "2026-2030"), ("2020-2025", "2021-2025"),
                                        ("2021-2025", "2021-2025")])
def test_a_target_period_is_a_year_or_a_known_term(store, text, code):
    assert known_terms(store).resolve(text).code == code


@pytest.mark.parametrize("text", ["2024-2029", "2016-2020", "2026-2031"])
def test_an_unknown_term_is_refused_naming_the_known_terms(store, text):
    before = table_rows(store)
    with pytest.raises(InputError) as error:
        set_target(store, WARD, TOURISTS, text, "daihoi", 1000)
    message = str(error.value)
    assert f"“{text}” không phải nhiệm kỳ đã biết" in message
    assert "2021-2025 (nhiệm kỳ 2020-2025)" in message and "2026-2030 (nhiệm kỳ 2025-2030)" in message
    assert table_rows(store) == before


def test_a_period_that_is_neither_year_nor_term_is_refused(store):
    with pytest.raises(InputError, match="không đúng dạng"):
        known_terms(store).resolve("năm nay")


def test_terms_are_data_and_a_used_term_stays(store):
    assert [t.label for t in known_terms(store).terms.values()] == [
        "nhiệm kỳ 2020-2025 (giai đoạn 2021-2025)", "nhiệm kỳ 2025-2030 (giai đoạn 2026-2030)"]
    set_target(store, WARD, TOURISTS, "2026-2030", "daihoi", 1000)
    with pytest.raises(InputError, match="đã có kế hoạch"):
        load_terms(store, {"term": [{"code": "2021-2025", "name": "nhiệm kỳ 2020-2025", "first_year": 2021,
                                     "last_year": 2025}]})
    with pytest.raises(InputError, match="mã phải là"):
        load_terms(store, {"term": [{"code": "2025-2030", "name": "x", "first_year": 2026, "last_year": 2030}]})
    with pytest.raises(InputError, match="đã dùng"):
        load_terms(store, {"term": [
            {"code": "2026-2030", "name": "a", "first_year": 2026, "last_year": 2030, "aliases": ["2021-2025"]},
            {"code": "2021-2025", "name": "b", "first_year": 2021, "last_year": 2025}]})


# -- a target belongs to a unit ---------------------------------------------------------------
def test_two_wards_and_the_province_each_read_their_own_targets(store):
    set_target(store, WARD, RETAIL, "2026", "tinh", 1200)
    set_target(store, OTHER_WARD, RETAIL, "2026", "tinh", 2100)
    enter(store, WARD, "202603", RETAIL, 300, basis="ytd")
    enter(store, OTHER_WARD, "202603", RETAIL, 700, basis="ytd")
    assert row_of(store, WARD, "202603", RETAIL).targets == {"tinh": 1200}
    assert row_of(store, WARD, "202603", RETAIL).percent_of_target == {"tinh": 25.0}
    assert row_of(store, OTHER_WARD, "202603", RETAIL).targets == {"tinh": 2100}
    assert row_of(store, PROVINCE, "202603", RETAIL).targets == {}  # never a ward's target
    set_target(store, PROVINCE, RETAIL, "2026", "tinh", 50000)
    assert row_of(store, PROVINCE, "202603", RETAIL).targets == {"tinh": 50000}
    assert {(t["unit"], t["value"]) for t in all_targets(store)} == {(WARD, 1200), (OTHER_WARD, 2100),
                                                                     (PROVINCE, 50000)}


def test_a_department_works_on_its_units_targets(store):
    set_target(store, "tp_tckh", "ns_thu_nsdp", "2024", "tinh", 480000)
    assert unit_targets(store, CITY, "2024")[0]["unit"] == CITY
    assert targets_for_year(store, "tp_tckh", 2024)["ns_thu_nsdp"][0].value == 480000
    with pytest.raises(InputError, match="không phụ trách"):
        set_target(store, "tp_tckh", TOURISTS, "2024", "tinh", 1)


@pytest.mark.parametrize("unit, period, said", [
    (CITY, "2026", "Thành phố Lai Châu không tồn tại trong năm 2026"),
    (WARD, "2024", "Phường Tân Phong không tồn tại trong năm 2024"),
    ("p_dong_phong", "2026-2030", "Phường Đông Phong không tồn tại trong giai đoạn 2026-2030"),
])
def test_a_target_is_refused_for_a_unit_that_did_not_exist_then(store, unit, period, said):
    before = table_rows(store)
    with pytest.raises(InputError, match=said):
        set_target(store, unit, TOURISTS, period, "tinh", 1000)
    assert table_rows(store) == before


# -- 2026 and the 2025-2030 term ----------------------------------------------------------
def test_year_and_term_targets_of_a_new_ward_including_a_total_over_the_term(store):
    set_target(store, WARD, TOURISTS, "2026", "hdnd", 100000)
    set_target(store, WARD, TOURISTS, "2025-2030", "daihoi", 600000, cumulative=True)
    set_target(store, WARD, "yt_tang_dan_so", "2025-2030", "daihoi", low=9.5, high=10)
    for month in range(1, 13):
        enter(store, WARD, f"2026{month:02d}", TOURISTS, 9000)
    for month in range(1, 4):
        enter(store, WARD, f"2027{month:02d}", TOURISTS, 10000)
    row = row_of(store, WARD, "202612")
    assert row.targets == {"hdnd": 100000, "daihoi": 600000}
    assert row.target_periods == {"hdnd": "2026", "daihoi": "2026-2030"}
    assert row.percent_of_target["hdnd"] == 108.0
    assert row.term_to_date["daihoi"] == 108000 and row.percent_of_target["daihoi"] == 18.0
    later = row_of(store, WARD, "202703")
    assert "hdnd" not in later.targets  # the 2026 target is not 2027's
    assert later.term_to_date["daihoi"] == 138000 and later.percent_of_target["daihoi"] == 23.0
    # 15 of the term's 60 months: 25% expected, and 23% is within the 5 points allowed
    assert not [f for f in run_checks(store, WARD, "202703") if f.rule == "term_behind_pace"]
    assert row_of(store, WARD, "202703", "yt_tang_dan_so").targets == {"daihoi": [9.5, 10]}


def test_a_cumulative_target_needs_a_term_and_a_flow(store):
    with pytest.raises(InputError, match="nhiệm kỳ"):
        set_target(store, WARD, TOURISTS, "2026", "daihoi", 1, cumulative=True)
    with pytest.raises(InputError, match="không phải chỉ tiêu cộng dồn"):
        set_target(store, WARD, "yt_tang_dan_so", "2026-2030", "daihoi", 10, cumulative=True)


def test_sources_are_named_as_the_units_level_names_them(store):
    set_target(store, WARD, TOURISTS, "2026", "hdnd", 100000)
    for month in ("202601", "202602", "202603"):
        enter(store, WARD, month, TOURISTS, 10000)
    assert "đạt 30% Nghị quyết HĐND phường giao" in drafts(store, WARD, "202603")["thuong_mai"]
    assert catalogue(store, "commune").sources["hdnd"].name == "Nghị quyết HĐND xã giao"
    assert catalogue(store, "commune").sources["daihoi"].name == "Nghị quyết Đại hội Đảng bộ xã"
    assert catalogue(store, "city").sources["hdnd"].name == "Nghị quyết HĐND thành phố giao"
    assert catalogue(store, "ward").sources["tinh"].name == "Kế hoạch tỉnh giao"  # no level names: the same


# -- deleting, with history --------------------------------------------------------------------
def test_deleting_a_target_is_a_version_and_it_can_come_back(store):
    set_target(store, WARD, TOURISTS, "2026", "tinh", 100000, note="QĐ 1")
    assert delete_target(store, WARD, TOURISTS, "2026", "tinh", user="Lò Thị Mai") == 1
    assert targets_for_year(store, WARD, 2026) == {} and unit_targets(store, WARD) == []
    versions = target_history(store, WARD, TOURISTS, "2026", "tinh")
    assert [(v["version"], v["value"], v["entered_by"]) for v in versions][1:] == [(2, None, "Lò Thị Mai")]
    assert versions[0]["value"] == 100000 and versions[0]["note"] == "QĐ 1"
    before = table_rows(store)
    assert delete_target(store, WARD, TOURISTS, "2026", "tinh") == 0  # already deleted: nothing written
    assert delete_target(store, WARD, RETAIL, "2026", "tinh") == 0  # never there
    assert table_rows(store) == before
    set_target(store, WARD, TOURISTS, "2026", "tinh", 110000)
    assert [v["version"] for v in target_history(store, WARD, TOURISTS, "2026", "tinh")] == [1, 2, 3]
    assert targets_for_year(store, WARD, 2026)[TOURISTS][0].value == 110000


# -- the migration of a database made before targets had a unit ---------------------------
def _old_database(path, reporting_unit: str) -> None:
    """A database of the shipped schema with the city's catalogue sources, three targets and their history."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    create_schema(conn, SHIPPED)
    conn.execute("INSERT INTO meta VALUES ('installation_id', 'cu-1')")
    conn.execute("INSERT INTO settings VALUES ('reporting_unit', ?)", (json.dumps(reporting_unit),))
    conn.executemany("INSERT INTO target_sources VALUES (?, ?, ?, ?, ?)", [
        ("tinh", "Kế hoạch tỉnh giao", "KH tỉnh", "kế hoạch tỉnh giao", 0),
        ("hdnd", "Nghị quyết HĐND thành phố giao", "NQ HĐND", "Nghị quyết HĐND thành phố giao", 1),
        ("daihoi", "Nghị quyết Đại hội Đảng bộ thành phố nhiệm kỳ 2020-2025", "NQ Đại hội", "NQ Đại hội", 2)])
    conn.execute("INSERT INTO sectors (code, name, short, position) VALUES ('tm', 'Thương mại', 'TM', 0)")
    conn.execute("INSERT INTO indicators (code, name, unit, sector, kind, direction, summable, entry, position) "
                 "VALUES ('khach', 'Lượt khách', 'lượt', 'tm', 'flow', 'up', 1, 'month', 0)")
    conn.executemany("INSERT INTO units (code, name, kind, parent, reports_for, position) VALUES (?, ?, ?, ?, ?, ?)",
                     [("tp_lai_chau", "Thành phố Lai Châu", "city", None, None, 0),
                      ("p_doan_ket", "Phường Đoàn Kết", "ward", "tp_lai_chau", None, 1),
                      ("tp_tckh", "Phòng Tài chính - Kế hoạch", "department", "tp_lai_chau", "tp_lai_chau", 2)])
    targets = [("khach", "2024", "tinh", 225000, None, None, 0, "QĐ 5", 1),
               ("khach", "2021-2025", "daihoi", 915000, None, None, 1, "", 2),
               ("khach", "2016-2020", "daihoi", 500000, None, None, 1, "", 1)]
    for indicator, period, source, value, low, high, cumulative, note, version in targets:
        conn.execute("INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Mai', '2024-01-05T08:00:00', ?)",
                     (indicator, period, source, value, low, high, cumulative, note, version))
        for v in range(1, version + 1):
            conn.execute("INSERT INTO target_history (indicator, period, source, version, value, low, high, "
                         "cumulative, note, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'Mai', ?)",
                         (indicator, period, source, v, value - (version - v), low, high, cumulative, note,
                          f"2024-01-0{v}T08:00:00"))
    conn.close()


@pytest.mark.parametrize("reporting_unit, owner", [("p_doan_ket", "p_doan_ket"), ("tp_tckh", "tp_lai_chau")])
def test_the_migration_gives_existing_targets_to_the_reporting_unit(tmp_path, reporting_unit, owner):
    path = tmp_path / "cu.sqlite"
    _old_database(path, reporting_unit)
    store = Store(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert list(tmp_path.glob(f"cu.truoc-nang-cap-v{SHIPPED}-*.sqlite"))
        rows = {(r["unit"], r["period"], r["value"], r["cumulative"], r["note"], r["version"])
                for r in store.query("SELECT * FROM targets")}
        assert rows == {(owner, "2024", 225000, 0, "QĐ 5", 1), (owner, "2021-2025", 915000, 1, "", 2),
                        (owner, "2016-2020", 500000, 1, "", 1)}
        history = store.query("SELECT unit, period, version, value FROM target_history ORDER BY id")
        assert {h["unit"] for h in history} == {owner} and len(history) == 4
        terms = known_terms(store)
        assert list(terms.terms) == ["2021-2025", "2026-2030", "2016-2020"]  # the used term stays readable
        assert terms.resolve("2020-2025").code == "2021-2025"
        assert {t.value for t in targets_for_year(store, owner, 2024)["khach"]} == {225000, 915000}  # and the term
        sources = catalogue(store, "ward").sources
        assert sources["hdnd"].name == "Nghị quyết HĐND phường giao"
        assert sources["daihoi"].name == "Nghị quyết Đại hội Đảng bộ phường"
        set_target(store, owner, "khach", "2024", "tinh", 230000)
        assert [v["version"] for v in target_history(store, owner, "khach", "2024", "tinh")] == [1, 2]
    finally:
        store.close()
