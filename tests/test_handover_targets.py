"""Targets in USB packages: a package carries its unit's own targets, and importing never makes
them the importing office's own."""

import json
import sqlite3

import pytest

from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.handover import export_package
from lcapp.models.merge import CHANGED, CONFLICT, NEW, apply_package
from lcapp.models.organisation import organisation
from lcapp.models.package_check import (MANIFEST_COLUMNS, PACKAGE_TABLES, TARGET_UNITS_VERSION, _sha256_of_tuples,
                                        check_package, create_schema, package_tables)
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.targets import delete_target, set_target, target_history
from tests.conftest import table_rows
from tests.handover_helpers import edit_package, office

WARD, OTHER_WARD, PROVINCE = "p_tan_phong_2025", "p_doan_ket_2025", "lai_chau"
RETAIL = "tm_ban_le"
MONTH = "202603"


def ward_office(tmp_path, unit, value):
    store = office(tmp_path / f"{unit}.sqlite", unit)
    enter(store, unit, MONTH, RETAIL, value / 4, basis="ytd", user="Lò Thị Mai")
    set_target(store, unit, RETAIL, "2026", "tinh", value, user="Lò Thị Mai")
    return store


@pytest.fixture
def province(tmp_path):
    store = office(tmp_path / "tinh.sqlite", PROVINCE)
    yield store
    store.close()


def send(sender, unit, receiver, path):
    export_package(sender, unit, [MONTH], path)
    return apply_package(receiver, check_package(receiver, path), accept_sender=True)


def targets_of(store, unit):
    return {r.indicator: r.targets for r in progress(store, unit, MONTH) if r.targets}


def test_a_package_carries_only_its_units_own_targets(tmp_path, province):
    ward = ward_office(tmp_path, WARD, 1200)
    set_target(ward, PROVINCE, RETAIL, "2026", "tinh", 99999)  # typed there for the province: not the ward's
    export_package(ward, WARD, [MONTH], tmp_path / "goi.lcgoi")
    package = check_package(province, tmp_path / "goi.lcgoi")
    assert [(r["unit"], r["value"]) for r in package.rows["targets"]] == [(WARD, 1200)]
    assert {r["unit"] for r in package.rows["target_history"]} == {WARD}
    apply_package(province, package, accept_sender=True)
    assert targets_of(province, WARD) == {RETAIL: {"tinh": 1200}}
    assert targets_of(province, PROVINCE) == {}  # the province's targets are its own
    ward.close()


def test_two_wards_targets_never_conflict(tmp_path, province):
    first, second = ward_office(tmp_path, WARD, 1200), ward_office(tmp_path, OTHER_WARD, 2100)
    set_target(province, PROVINCE, RETAIL, "2026", "tinh", 50000)
    others = [u.code for u in organisation(province).children(PROVINCE, parse_period(MONTH))
              if u.code not in (WARD, OTHER_WARD)]
    for unit in others:  # the province's total is the sum of all its 38 units
        enter(province, unit, MONTH, RETAIL, 0, basis="ytd", user="t")
    for store, unit in ((first, WARD), (second, OTHER_WARD)):
        result = send(store, unit, province, tmp_path / f"{unit}.lcgoi")
        rows = [row for row in result.preview.rows if row.kind == "target"]
        assert [(row.key, row.status) for row in rows] == [([unit, "2026", RETAIL, "tinh"], NEW)]
        assert not result.conflicts_left
    assert targets_of(province, WARD) == {RETAIL: {"tinh": 1200}}
    assert targets_of(province, OTHER_WARD) == {RETAIL: {"tinh": 2100}}
    assert targets_of(province, PROVINCE) == {RETAIL: {"tinh": 50000}}
    percents = {r.indicator: r.percent_of_target for r in progress(province, PROVINCE, MONTH)}
    assert percents[RETAIL]["tinh"] == pytest.approx((300 + 525) / 50000 * 100)  # no "566,7% KH tỉnh"
    first.close()
    second.close()


def test_a_deleted_target_travels_as_a_version(tmp_path, province):
    ward = ward_office(tmp_path, WARD, 1200)
    send(ward, WARD, province, tmp_path / "1.lcgoi")
    delete_target(ward, WARD, RETAIL, "2026", "tinh")
    result = send(ward, WARD, province, tmp_path / "2.lcgoi")
    assert [row.status for row in result.preview.rows if row.kind == "target"] == [CHANGED]
    assert targets_of(province, WARD) == {}
    assert [v["value"] for v in target_history(province, WARD, RETAIL, "2026", "tinh")] == [1200, None]
    ward.close()


def test_the_same_target_changed_on_both_sides_is_a_conflict_of_that_unit_only(tmp_path, province):
    ward = ward_office(tmp_path, WARD, 1200)
    send(ward, WARD, province, tmp_path / "1.lcgoi")
    set_target(ward, WARD, RETAIL, "2026", "tinh", 1300)
    set_target(province, WARD, RETAIL, "2026", "tinh", 1250)
    result = send(ward, WARD, province, tmp_path / "2.lcgoi")
    assert [(row.key[0], row.status) for row in result.conflicts_left] == [(WARD, CONFLICT)]
    ward.close()


def test_a_package_with_a_term_the_office_does_not_know_is_refused(tmp_path, province):
    ward = ward_office(tmp_path, WARD, 1200)
    set_target(ward, WARD, RETAIL, "2026-2030", "daihoi", 7000)
    path = tmp_path / "goi.lcgoi"
    export_package(ward, WARD, [MONTH], path)
    for table in ("targets", "target_history"):
        edit_package(path, f"UPDATE {table} SET period = '2027-2031' WHERE period = '2026-2030'")
    before = table_rows(province)
    with pytest.raises(InputError, match="“2027-2031” không phải nhiệm kỳ đã biết"):
        check_package(province, path)
    assert table_rows(province) == before
    ward.close()


def test_a_package_with_another_units_targets_is_refused(tmp_path, province):
    ward = ward_office(tmp_path, WARD, 1200)
    path = tmp_path / "goi.lcgoi"
    export_package(ward, WARD, [MONTH], path)
    edit_package(path, f"UPDATE targets SET unit = '{OTHER_WARD}'")
    with pytest.raises(InputError, match="không thuộc gói"):
        check_package(province, path)
    ward.close()


def test_a_package_made_before_targets_had_a_unit_brings_them_as_its_units(tmp_path, province):
    """A schema-4 package (an office not yet updated): its targets are its unit's."""
    version = TARGET_UNITS_VERSION - 1
    tables = package_tables(version)
    rows = {table: [] for table in PACKAGE_TABLES}
    rows["figures"] = [(WARD, 202603, RETAIL, None, 300.0, None, "official", "", "Mai", "2026-03-20T08:00:00",
                        WARD, "cu-phuong", 1)]
    rows["targets"] = [(RETAIL, "2026", "tinh", 1200.0, None, None, 0, "QĐ 7", "Mai", "2026-01-10T08:00:00", 1)]
    rows["target_history"] = [(1, RETAIL, "2026", "tinh", 1, 1200.0, None, None, 0, "QĐ 7", "Mai",
                               "2026-01-10T08:00:00")]
    manifest = {"package_id": "p-1", "unit": WARD, "periods": json.dumps([202603]), "sender": "cu-phuong",
                "app_version": "0.1.0", "schema_version": version,
                "row_counts": json.dumps({t: len(r) for t, r in rows.items()}), "created_at": "2026-03-20T09:00:00"}
    manifest["sha256"] = _sha256_of_tuples(manifest, rows, tables)
    path = tmp_path / "cu.lcgoi"
    conn = sqlite3.connect(str(path))
    create_schema(conn, version)
    for table, items in rows.items():
        columns = tables[table][0]
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         items)
    conn.execute(f"INSERT INTO handover_manifest ({', '.join(MANIFEST_COLUMNS)}, sha256) "
                 f"VALUES ({', '.join('?' * (len(MANIFEST_COLUMNS) + 1))})",
                 [manifest[c] for c in MANIFEST_COLUMNS] + [manifest["sha256"]])
    conn.commit()
    conn.close()
    package = check_package(province, path)
    assert [(r["unit"], r["value"], r["note"]) for r in package.rows["targets"]] == [(WARD, 1200, "QĐ 7")]
    apply_package(province, package, accept_sender=True)
    assert targets_of(province, WARD) == {RETAIL: {"tinh": 1200}}
    assert targets_of(province, PROVINCE) == {}
