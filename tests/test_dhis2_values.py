"""DHIS2 dataValueSets out (`export --format dhis2`) and back in (by uid or by code).

Field names from DHIS2's documentation (tests/dhis2_docs.py): DATA "Sending data values" and
"Sending bulks of data values" (dataValues with dataElement, period, orgUnit, value,
comment; categoryOptionCombo / attributeOptionCombo optional, the defaults apply when left
out), "Data value follow-up" (followup), INTRO "Date and period format" (Month yyyyMM), and
dhis2-core's DataValue.java for storedBy."""

import json

import pytest

from lcapp.cli import main
from lcapp.export.dhis2_metadata import dhis2_uid
from lcapp.export.dhis2_values import data_values
from lcapp.intake.incoming import import_file
from lcapp.models.check_status import acknowledge
from lcapp.models.demo import load_demo
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.setup import create_database
from tests import dhis2_docs as docs
from tests.conftest import table_rows

WARD = "p_doan_ket"
REVENUE = "ns_thu_nsdp"  # entered as a year-to-date (entry = "ytd")


def values_of(store, **kwargs):
    return {(v["orgUnit"], v["period"], v["dataElement"]): v["value"] for v in data_values(store, **kwargs).values}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_ytd_only_indicator_exports_its_months(store, tmp_path, capsys):
    enter(store, WARD, "202401", REVENUE, 100, basis="ytd")
    enter(store, WARD, "202402", REVENUE, 250, basis="ytd")
    enter(store, WARD, "202404", REVENUE, 600, basis="ytd")  # March is missing
    out = tmp_path / "dhis2.json"
    assert main(["--db", str(store.path), "export", "--format", "dhis2", "--out", str(out)]) == 0
    element, unit = dhis2_uid("dataElement", REVENUE), dhis2_uid("organisationUnit", WARD)
    values = {v["period"]: v["value"] for v in json.loads(out.read_text(encoding="utf-8"))["dataValues"]}
    assert values == {"202401": "100", "202402": "150"}  # months, never the year-to-date
    err = capsys.readouterr().err
    assert "tháng 04/2024" in err and "Tổng thu ngân sách địa phương" in err and "thiếu lũy kế tháng trước" in err
    enter(store, WARD, "202403", REVENUE, 400, basis="ytd")
    months = values_of(store)
    four = [months[(unit, p, element)] for p in ("202401", "202402", "202403", "202404")]
    assert four == ["100", "150", "150", "200"]
    assert sum(float(v) for v in months.values()) == 600  # DHIS2 adds months up to the year-to-date
    assert values_of(store, months={202404}) == {(unit, "202404", element): "200"}  # one month still derives


def test_values_have_only_documented_fields_and_no_option_combos(store):
    enter(store, WARD, "202404", "tm_ban_le", 100)
    enter(store, WARD, "202405", "tm_ban_le", 100, comment="Số ước tính")  # same as April: copied_value
    acknowledge(store, WARD, "202405", "copied_value", "tm_ban_le", "Đúng là bằng tháng trước", user="chuyenvien")
    values = {v["period"]: v for v in data_values(store).values}
    for value in values.values():
        assert set(value) <= docs.DATA_VALUE_FIELDS
        assert "categoryOptionCombo" not in value and "attributeOptionCombo" not in value
        assert docs.ISO_MONTH.match(value["period"]) and docs.UID.match(value["dataElement"])
        assert docs.UID.match(value["orgUnit"]) and isinstance(value["value"], str)
    may = values["202405"]
    assert may["comment"] == "Số ước tính" and may["followup"] is True and may["storedBy"]
    assert values["202404"]["followup"] is False and "comment" not in values["202404"]


@pytest.mark.parametrize("scheme", ["uid", "code"])
def test_round_trip_into_a_fresh_database_gives_the_same_figures(store, tmp_path, scheme):
    load_demo(store)
    exported = data_values(store)
    payload = json.loads(exported.text())
    if scheme == "code":  # DATA "Identifier schemes": the same file with our codes
        codes = store.conn.execute("SELECT code FROM indicators").fetchall()
        elements = {dhis2_uid("dataElement", code): code for (code,) in codes}
        units = {dhis2_uid("organisationUnit", code): code for (code,) in store.conn.execute("SELECT code FROM units")}
        for value in payload["dataValues"]:
            value["dataElement"], value["orgUnit"] = elements[value["dataElement"]], units[value["orgUnit"]]
    path = write(tmp_path, "dhis2.json", payload)
    other = create_database(tmp_path / "other.sqlite")
    changed, unchanged = import_file(other, path, user="nhap")
    assert changed == len(exported.values) and unchanged == 0
    assert values_of(other) == values_of(store)
    def comments(s):
        return {(v["orgUnit"], v["period"], v["dataElement"]): v.get("comment") for v in data_values(s).values}
    assert comments(other) == comments(store)
    assert import_file(other, path) == (0, changed)  # a second import changes nothing
    other.close()


def test_a_dhis2_file_with_the_unit_and_period_on_top_and_default_option_combos(store, tmp_path):
    """DATA "Sending data values": period and orgUnit given once for the set; the instance's
    default category option combo uid (bRowv6yZOF2 on the demo) in the values."""
    path = write(tmp_path, "set.json", {
        "dataSet": "pBOMPrpg1QX", "period": "202405", "orgUnit": dhis2_uid("organisationUnit", WARD),
        "dataValues": [{"dataElement": dhis2_uid("dataElement", "tm_ban_le"), "categoryOptionCombo": "bRowv6yZOF2",
                        "attributeOptionCombo": "bRowv6yZOF2", "value": "339", "comment": "ước"},
                       {"dataElement": "tm_khach_du_lich", "value": "21930"}]})
    assert import_file(store, path) == (2, 0)
    rows = store.query("SELECT indicator, month, month_value, comment FROM figures ORDER BY indicator")
    assert [(r["indicator"], r["month"], r["month_value"], r["comment"]) for r in rows] == [
        ("tm_ban_le", 202405, 339.0, "ước"), ("tm_khach_du_lich", 202405, 21930.0, "")]


@pytest.mark.parametrize("value, message", [
    ({"dataElement": "XXXXXXXXXXX", "period": "202405", "value": "1"}, "Không có chỉ tiêu mã “XXXXXXXXXXX”"),
    ({"dataElement": "tm_ban_le", "period": "2024", "value": "1"}, "YYYYMM"),
    ({"dataElement": "tm_ban_le", "period": "202405", "value": "1,5"}, "không phải số"),
    ({"dataElement": "tm_ban_le", "period": "202405", "value": "1", "deleted": True}, "đã bị xóa"),
])
def test_one_bad_dhis2_value_refuses_the_file(store, tmp_path, value, message):
    good = {"dataElement": "tm_ban_le", "orgUnit": WARD, "period": "202404", "value": "300"}
    path = write(tmp_path, "bad.json", {"dataValues": [good, dict({"orgUnit": WARD}, **value)]})
    before = table_rows(store)
    with pytest.raises(InputError, match=message):
        import_file(store, path)
    assert table_rows(store) == before


def test_lcapp_json_keeps_its_own_name_and_meaning(store, tmp_path):
    enter(store, WARD, "202402", REVENUE, 250, basis="ytd")
    out = tmp_path / "lcapp.json"
    assert main(["--db", str(store.path), "export", "--format", "lcapp-json", "--out", str(out)]) == 0
    value = json.loads(out.read_text(encoding="utf-8"))["dataValues"][0]
    assert (value["dataElement"], value["categoryOptionCombo"], value["value"]) == (REVENUE, "ytd", "250")
    other = create_database(tmp_path / "other.sqlite")
    assert import_file(other, out) == (1, 0)
    assert other.query("SELECT ytd_value, month_value FROM figures") == [{"ytd_value": 250.0, "month_value": None}]
    other.close()
