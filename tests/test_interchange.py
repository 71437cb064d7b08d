import json

import pytest

from lcapp.export.interchange import export_csv, export_lcapp_json, figure_records
from lcapp.intake.incoming import import_file
from lcapp.models.demo import load_demo
from lcapp.models.errors import InputError
from lcapp.models.setup import create_database
from tests.conftest import table_rows


def values(store):
    return store.query("SELECT unit, month, indicator, month_value, ytd_value, term_value, status, comment "
                       "FROM figures ORDER BY unit, month, indicator")


@pytest.mark.parametrize("exporter, name", [(export_csv, "data.csv"), (export_lcapp_json, "data.json")])
def test_round_trip_between_two_databases(store, tmp_path, exporter, name):
    load_demo(store)
    path = tmp_path / name
    path.write_text(exporter(store), encoding="utf-8")
    other = create_database(tmp_path / "other.sqlite")
    changed, unchanged = import_file(other, path, user="nhap")
    assert changed == len(figure_records(store)) and unchanged == 0
    assert values(other) == values(store)
    assert import_file(other, path) == (0, changed)  # importing again changes nothing
    other.close()


def test_dhis2_shape(store):
    load_demo(store)
    data = json.loads(export_lcapp_json(store))
    value = next(v for v in data["dataValues"] if v["dataElement"] == "tm_ban_le" and v["period"] == "202405"
                 and v["categoryOptionCombo"] == "ytd")
    assert value == {**value, "orgUnit": "tp_lai_chau", "value": "1931", "attributeOptionCombo": "estimate"}


def test_csv_with_four_columns_and_vietnamese_text(store, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("indicator,unit,period,value,comment\n"
                    "tm_ban_le,tp_lai_chau,202405,339,Số ước tính\n"
                    "tm_khach_du_lich,tp_lai_chau,202405,21930\n", encoding="utf-8")
    assert import_file(store, path) == (2, 0)
    assert values(store)[0]["comment"] == "Số ước tính"


@pytest.mark.parametrize("content, message", [
    ('tm_ban_le,tp_lai_chau,202405,"1.931,5"\n', "dòng 3"),  # a Vietnamese number is not a machine number
    ("tm_ban_le,tp_lai_chau,202405,abc\n", "không phải số"),
    ("tm_ban_le,tp_lai_chau,2024Q1,1\n", "YYYYMM"),
    ("khong_co,tp_lai_chau,202405,1\n", "Không có chỉ tiêu"),
    ("tm_ban_le,khong_co,202405,1\n", "Không có đơn vị"),
    ("tm_ban_le,tp_lai_chau\n", "cột"),
    ('{"dataValues": 3}', "dataValues"),
    ('{"dataValues": [{"dataElement": "tm_ban_le"', "JSON"),
])
def test_one_bad_line_refuses_the_whole_file(store, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    good = "indicator,unit,period,value\ntm_ban_le,tp_lai_chau,202404,300\n"
    path.write_text(content if content.startswith("{") else good + content, encoding="utf-8")
    before = table_rows(store)
    with pytest.raises(InputError, match=message):
        import_file(store, path)
    assert table_rows(store) == before
