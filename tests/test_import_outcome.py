"""A file that brings nothing says so (issue 18): whole databases by the units of their figures,
the reason an import would bring nothing, and handover-export's own units."""

import json
import shutil

import pytest

from lcapp.intake.incoming import open_incoming
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.handover import export_package, outside_reporting_scope
from lcapp.models.import_outcome import ALL_IDENTICAL, LOCKED, LOCKED_OR_OLDER, WRONG_UNIT, nothing_brought
from lcapp.models.locks import lock
from lcapp.models.merge import known_senders
from lcapp.models.store import Store
from tests.conftest import file_digest, run_cli
from tests.handover_helpers import MONTH, RETAIL, TOURISTS, WARD, figure, office

DOAN_KET = "p_doan_ket"
CITY = "tp_lai_chau"


@pytest.fixture
def forgotten_setting(tmp_path):
    """A ward office that never changed its setting (it still names the city) and entered Đoàn Kết's figures."""
    ward = office(tmp_path / "ward.sqlite", CITY)
    enter(ward, DOAN_KET, MONTH, RETAIL, 41)
    enter(ward, DOAN_KET, "202406", RETAIL, 43)
    enter(ward, DOAN_KET, MONTH, TOURISTS, 2100)
    ward.close()
    city = office(tmp_path / "city.sqlite", CITY)
    city.close()
    copy = tmp_path / "usb" / "doan-ket.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(tmp_path / "ward.sqlite", copy)
    return copy, tmp_path / "city.sqlite"


def test_a_whole_database_under_the_wrong_unit_says_so_and_writes_nothing(forgotten_setting, capsys):
    copy, city = forgotten_setting
    digest = file_digest(city)
    code, out, err = run_cli(capsys, "--db", city, "handover-import", copy)
    assert code == 1 and file_digest(city) == digest
    assert "Tệp không có số liệu nào của Thành phố Lai Châu (tp_lai_chau) (đơn vị ghi trong cài đặt của tệp)" in err
    assert "Phường Đoàn Kết (p_doan_ket): 3 số liệu" in err and "--unit p_doan_ket" in err
    assert "Xem trước (chưa ghi gì)" in out
    code, out, err = run_cli(capsys, "--db", city, "handover-import", copy, "--json", "--accept-sender")
    data = json.loads(out)
    assert code == 1 and data["nothing"]["reason"] == WRONG_UNIT and not data["nothing"]["ok"]
    assert data["held"] == {DOAN_KET: 3} and data["setting_unit"] == CITY and data["written"] == {}
    assert file_digest(city) == digest


def test_choosing_the_unit_takes_its_figures(forgotten_setting, capsys):
    copy, city = forgotten_setting
    code, out, _ = run_cli(capsys, "--db", city, "handover-import", copy, "--unit", DOAN_KET, "--accept-sender")
    assert code == 0 and "mới 3" in out
    assert "Cài đặt của tệp ghi đơn vị báo cáo là Thành phố Lai Châu (tp_lai_chau)." in out
    store = Store(city)
    assert figure(store, DOAN_KET, 202406)["month_value"] == 43
    assert [s["unit"] for s in known_senders(store)] == [DOAN_KET]
    store.close()
    # the same file again: everything is already here, which is a success and says so
    digest = file_digest(city)
    code, out, _ = run_cli(capsys, "--db", city, "handover-import", copy, "--unit", DOAN_KET)
    assert code == 0 and "Cả 3 dòng trong tệp đều trùng với số liệu đã có: không có gì thay đổi." in out
    assert file_digest(city) == digest


def test_several_units_come_in_one_import_and_the_ones_left_are_named(tmp_path, capsys):
    source = office(tmp_path / "source.sqlite", CITY)
    enter(source, CITY, MONTH, RETAIL, 300)
    enter(source, DOAN_KET, MONTH, RETAIL, 41)
    enter(source, WARD, MONTH, RETAIL, 52)
    source.close()
    city = office(tmp_path / "city.sqlite", "tp_lai_chau")
    city.close()
    path = tmp_path / "city.sqlite"
    code, out, _ = run_cli(capsys, "--db", path, "handover-import", tmp_path / "source.sqlite", "--dry-run")
    assert code == 0 and "mới 1" in out
    assert "Tệp còn có số liệu của Phường Đoàn Kết (p_doan_ket): 1 số liệu; Phường Tân Phong (p_tan_phong): " \
           "1 số liệu, chưa chọn nhập (dòng lệnh: thêm --unit MÃ)." in out
    code, out, _ = run_cli(capsys, "--db", path, "handover-import", tmp_path / "source.sqlite", "--unit", DOAN_KET,
                           "--unit", WARD, "--accept-sender")
    assert code == 0 and "mới 2" in out and "Phường Đoàn Kết (p_doan_ket), Phường Tân Phong (p_tan_phong)" in out
    store = Store(path)
    assert figure(store, DOAN_KET)["month_value"] == 41 and figure(store, WARD)["month_value"] == 52
    assert figure(store, CITY) is None
    assert sorted(s["unit"] for s in known_senders(store)) == [DOAN_KET, WARD]
    store.close()


def test_a_unit_the_file_has_nothing_of_is_refused_naming_what_it_has(forgotten_setting, capsys):
    copy, city = forgotten_setting
    digest = file_digest(city)
    code, _, err = run_cli(capsys, "--db", city, "handover-import", copy, "--unit", WARD)
    assert code == 2 and "không có số liệu của Phường Tân Phong (p_tan_phong)" in err
    assert "tệp có số liệu của: Phường Đoàn Kết (p_doan_ket)" in err
    code, _, err = run_cli(capsys, "--db", city, "handover-import", copy, "--unit", "khong_co")
    assert code == 2 and "Không có đơn vị mã “khong_co”" in err
    csv = copy.parent / "so-lieu.csv"
    csv.write_text(f"{RETAIL},{WARD},{MONTH},5\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "--db", city, "handover-import", csv, "--unit", WARD)
    assert code == 2 and "không chọn đơn vị (--unit) được" in err
    assert file_digest(city) == digest


@pytest.fixture
def ward_and_city(tmp_path):
    ward, city = office(tmp_path / "ward.sqlite", WARD), office(tmp_path / "city.sqlite", CITY)
    enter(ward, WARD, MONTH, RETAIL, 100)
    enter(ward, WARD, MONTH, TOURISTS, 10)
    yield ward, city
    ward.close()
    city.close()


def test_a_package_into_locked_months_says_which_and_writes_nothing(ward_and_city, tmp_path, capsys):
    ward, city = ward_and_city
    export_package(ward, WARD, [MONTH], tmp_path / "goi.lcpkg")
    lock(city, WARD, MONTH)
    city.close()
    digest = file_digest(tmp_path / "city.sqlite")
    code, _, err = run_cli(capsys, "--db", tmp_path / "city.sqlite", "handover-import", tmp_path / "goi.lcpkg",
                           "--accept-sender")
    assert code == 1 and err.strip() == ("Không có gì được nhập: 2 dòng thuộc kỳ đã khóa số liệu (tháng 05/2024). "
                                         "Nếu cần nhập, hãy mở khóa các kỳ đó (có ghi lý do) rồi nhập lại.")
    assert file_digest(tmp_path / "city.sqlite") == digest


def test_an_older_package_says_it_is_older_and_writes_nothing(ward_and_city, tmp_path, capsys):
    ward, city = ward_and_city
    first = tmp_path / "goi-1.lcpkg"
    export_package(ward, WARD, [MONTH], first)
    enter(ward, WARD, MONTH, RETAIL, 120)
    enter(ward, WARD, MONTH, TOURISTS, 12)
    second = tmp_path / "goi-2.lcpkg"
    export_package(ward, WARD, [MONTH], second)
    city.close()
    path = tmp_path / "city.sqlite"
    assert run_cli(capsys, "--db", path, "handover-import", second, "--accept-sender")[0] == 0
    digest = file_digest(path)
    code, out, err = run_cli(capsys, "--db", path, "handover-import", first)
    assert code == 1 and "Không có gì được nhập: 2 dòng cũ hơn số đã có" in err
    assert "Tệp này không mới hơn số liệu đã có." in err and "[cũ hơn, giữ số đã có]" in out
    assert file_digest(path) == digest


def test_locked_and_older_together_name_both(ward_and_city, tmp_path):
    ward, city = ward_and_city
    export_package(ward, WARD, [MONTH], tmp_path / "goi-1.lcpkg")
    open_incoming(city, tmp_path / "goi-1.lcpkg").apply(city, accept_sender=True)
    enter(city, WARD, MONTH, RETAIL, 105)  # corrected here since: the ward's May is older
    enter(ward, WARD, "202406", RETAIL, 130)
    export_package(ward, WARD, [MONTH, "202406"], tmp_path / "goi-2.lcpkg")
    lock(city, WARD, "202406")
    nothing = nothing_brought(city, open_incoming(city, tmp_path / "goi-2.lcpkg").preview)
    assert nothing.reason == LOCKED_OR_OLDER and not nothing.ok
    assert nothing.message == ("Không có gì được nhập: 1 dòng thuộc kỳ đã khóa số liệu (tháng 06/2024); 1 dòng cũ "
                               "hơn số đã có (tệp đã nhận trước đây, hoặc số ở đây mới hơn); 1 dòng trùng với số đã có.")


def test_an_office_file_with_nothing_in_it_is_not_a_success(tmp_path, capsys):
    office(tmp_path / "empty.sqlite", WARD).close()
    office(tmp_path / "city.sqlite", CITY).close()
    digest = file_digest(tmp_path / "city.sqlite")
    code, _, err = run_cli(capsys, "--db", tmp_path / "city.sqlite", "handover-import", tmp_path / "empty.sqlite")
    assert code == 1 and "Tệp không có số liệu, nội dung hay kế hoạch nào để nhập." in err
    assert file_digest(tmp_path / "city.sqlite") == digest


def test_a_csv_whose_months_are_locked_says_so(store, tmp_path):
    enter(store, WARD, MONTH, RETAIL, 5)
    path = tmp_path / "in.csv"
    path.write_text(f"{RETAIL},{WARD},{MONTH},6\n", encoding="utf-8")
    lock(store, WARD, MONTH)
    assert nothing_brought(store, open_incoming(store, path).preview).reason == LOCKED
    path.write_text(f"{RETAIL},{WARD},{MONTH},5\n", encoding="utf-8")
    nothing = nothing_brought(store, open_incoming(store, path).preview)
    assert nothing.reason == ALL_IDENTICAL and nothing.ok


def test_an_import_that_brings_something_has_no_reason(ward_and_city, tmp_path):
    ward, city = ward_and_city
    export_package(ward, WARD, [MONTH], tmp_path / "goi.lcpkg")
    assert nothing_brought(city, open_incoming(city, tmp_path / "goi.lcpkg").preview) is None


# -- handover-export ------------------------------------------------------------------------------
def test_export_refuses_a_unit_outside_the_office_unless_named(tmp_path, capsys):
    ward = office(tmp_path / "ward.sqlite", DOAN_KET)
    enter(ward, CITY, MONTH, RETAIL, 300)
    enter(ward, DOAN_KET, MONTH, RETAIL, 41)
    assert outside_reporting_scope(ward, DOAN_KET) is None
    assert "không phải đơn vị báo cáo của máy này (Phường Đoàn Kết)" in outside_reporting_scope(ward, CITY)
    ward.close()
    db, out = tmp_path / "ward.sqlite", tmp_path / "goi.lcpkg"
    code, _, err = run_cli(capsys, "--db", db, "handover-export", CITY, MONTH, "--out", out)
    assert code == 2 and "Thành phố Lai Châu (tp_lai_chau) không phải đơn vị báo cáo của máy này" in err
    assert "ghi thêm --unit tp_lai_chau" in err and not out.exists()
    code, _, err = run_cli(capsys, "--db", db, "handover-export", CITY, MONTH, "--out", out, "--unit", DOAN_KET)
    assert code == 2 and "--unit chỉ để xác nhận" in err and not out.exists()
    code, stdout, _ = run_cli(capsys, "--db", db, "handover-export", CITY, MONTH, "--out", out, "--unit", CITY)
    assert code == 0 and "đơn vị Thành phố Lai Châu (tp_lai_chau); tháng 05/2024." in stdout and out.exists()


def test_export_of_the_office_or_a_child_unit_says_which_unit_and_months(tmp_path, capsys):
    city = office(tmp_path / "city.sqlite", "tp_tckh")  # a department of the city
    enter(city, DOAN_KET, MONTH, RETAIL, 41)
    enter(city, DOAN_KET, "202406", RETAIL, 43)
    city.close()
    code, out, _ = run_cli(capsys, "--db", tmp_path / "city.sqlite", "handover-export", DOAN_KET, "2024Q2",
                           "--out", tmp_path / "goi.lcpkg")
    assert code == 0
    assert "đơn vị Phường Đoàn Kết (p_doan_ket); tháng 04/2024, tháng 05/2024, tháng 06/2024." in out
    assert "Gồm 2 số liệu" in out


def test_the_units_of_a_package_cannot_be_chosen_otherwise(ward_and_city, tmp_path):
    ward, city = ward_and_city
    export_package(ward, WARD, [MONTH], tmp_path / "goi.lcpkg")
    assert open_incoming(city, tmp_path / "goi.lcpkg", [WARD]).preview.unit == WARD
    with pytest.raises(InputError, match="không có số liệu của Phường Đoàn Kết"):
        open_incoming(city, tmp_path / "goi.lcpkg", [DOAN_KET])


def test_a_departments_whole_database_brings_its_citys_figures(tmp_path, capsys):
    department = office(tmp_path / "tckh.sqlite", "tp_tckh")  # Phòng Tài chính - Kế hoạch
    enter(department, "tp_tckh", MONTH, "ns_thu_nsdp", 265772)
    department.close()
    office(tmp_path / "city.sqlite", CITY).close()
    code, out, _ = run_cli(capsys, "--db", tmp_path / "city.sqlite", "handover-import", tmp_path / "tckh.sqlite",
                           "--accept-sender")
    assert code == 0 and "đơn vị Thành phố Lai Châu (tp_lai_chau)" in out and "mới 1" in out
    assert "Cài đặt của tệp ghi đơn vị báo cáo là" in out  # the setting names the department
