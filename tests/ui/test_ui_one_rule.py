"""Issue #17's three confirmed cases, each run through the window and the command line with
the same outcome (and, where refused, nothing written on either path):

1. a targets sheet with a "Ghi chú" column (its notes are the targets' notes on both paths;
   a bad note refuses the sheet on both);
2. a CSV file with one locked month (the locked value is left out and named, the rest written,
   by the window's import, `import` and `handover-import` alike; a file of locked values only
   writes nothing);
3. settings text that is not NFC or holds a control character (\\x07): NFC is stored, the
   control character refused, in Cài đặt as with `settings` / `documents --set`.
"""

from __future__ import annotations

import shutil
import unicodedata
from datetime import date

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lcapp.models.documents import document_profile
from lcapp.models.errors import InputError
from lcapp.models.locks import lock
from lcapp.models.settings import prepare_setting
from lcapp.models.store import Store
from lcapp.models.targets import unit_targets
from lcapp.ui.package_import import ImportDialog
from lcapp.ui.settings_dialog import save_office
from lcapp.ui.targets_dialog import TargetsDialog
from lcapp.ui.worker import DbWorker
from tests.conftest import file_digest, run_cli, table_rows
from tests.handover_helpers import RETAIL, TOURISTS, WARD, office
from tests.ui_helpers import idle, open_window, shown, when_modal

NEW_WARD = "p_tan_phong_2025"
FIGURE_COLUMNS = "unit, month, indicator, month_value, ytd_value, term_value, status, comment"


def copy_of(path, target):
    shutil.copyfile(path, target)
    return target


def figures(path) -> list[tuple]:
    store = Store(path)
    try:
        return [tuple(r) for r in store.conn.execute(f"SELECT {FIGURE_COLUMNS} FROM figures ORDER BY 1, 2, 3")]
    finally:
        store.close()


def rows_of(path) -> dict:
    store = Store(path)
    try:
        return table_rows(store)
    finally:
        store.close()


# -- 1. a targets sheet with a "Ghi chú" column ---------------------------------------------------
def sheet(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.fixture
def ward_targets(tmp_path, qtbot):
    path = tmp_path / "phuong.sqlite"
    office(path, NEW_WARD).close()
    twin = copy_of(path, tmp_path / "dong-lenh.sqlite")
    store, worker = Store(path), DbWorker(path)
    dialog = TargetsDialog(store, worker, NEW_WARD, 2026)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog, twin
    worker.close()
    store.close()


def test_a_bad_note_in_the_ghi_chu_column_refuses_the_sheet_on_both_paths(ward_targets, tmp_path, capsys):
    dialog, twin = ward_targets
    path = sheet(tmp_path / "kh.xlsx", [["Mã", "KH tỉnh", "Ghi chú"], [RETAIL, "1.200", "QĐ 12/QĐ-UBND"],
                                        [TOURISTS, None, "chỉ có ghi chú"]])
    reason = "Sheet!C3: có ghi chú nhưng dòng không có kế hoạch nào."
    before = table_rows(dialog.store)
    dialog.import_file(str(path))  # what "Nhập từ Excel…" calls with the chosen file
    assert reason in dialog.message.text() and "chưa ghi gì" in dialog.message.text()
    assert table_rows(dialog.store) == before
    digest = file_digest(twin)
    code, out, err = run_cli(capsys, "--db", twin, "targets-import", path, "--unit", NEW_WARD, "--year", "2026",
                             "--apply")
    assert code == 2 and reason in out and "chưa ghi gì" in err
    assert file_digest(twin) == digest


def test_notes_of_a_ghi_chu_column_are_the_targets_notes_on_both_paths(ward_targets, tmp_path, qtbot, capsys):
    dialog, twin = ward_targets
    path = sheet(tmp_path / "kh.xlsx", [["Mã", "KH tỉnh", "Ghi chú"], [RETAIL, "1.200", "QĐ 12/QĐ-UBND"],
                                        [TOURISTS, 300000, None]])
    when_modal(lambda box: next(b for b in box.buttons() if b.text() == "Ghi").click())
    dialog.import_file(str(path))
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Đã nhập kế hoạch năm 2026"), timeout=5000)
    assert run_cli(capsys, "--db", twin, "targets-import", path, "--unit", NEW_WARD, "--year", "2026",
                   "--apply")[0] == 0
    by_cli = Store(twin)
    shown = [(t["indicator"], t["source"], t["value"], t["note"]) for t in unit_targets(dialog.store, NEW_WARD)]
    assert shown == [(t["indicator"], t["source"], t["value"], t["note"]) for t in unit_targets(by_cli, NEW_WARD)]
    by_cli.close()
    assert sorted(shown) == [(RETAIL, "tinh", 1200, "QĐ 12/QĐ-UBND"), (TOURISTS, "tinh", 300000, "")]


# -- 2. a CSV file with one locked month -------------------------------------------------------------
LOCKED_NOTE = ("Không nhập 1 dòng thuộc kỳ đã khóa số liệu (muốn nhập phải mở khóa, có ghi lý do): "
               "Phường Tân Phong (p_tan_phong) tháng 05/2024: 1 số liệu.")


@pytest.fixture
def city_with_a_lock(tmp_path):
    """The city's office with May 2024 of Phường Tân Phong locked, and two copies for the commands."""
    path = tmp_path / "thanh-pho.sqlite"
    city = office(path, "tp_lai_chau")
    lock(city, WARD, "202405")
    city.close()
    return path, copy_of(path, tmp_path / "import.sqlite"), copy_of(path, tmp_path / "handover.sqlite")


def csv_file(path, *lines):
    path.write_text("indicator,unit,period,value\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def import_in_the_window(qtbot, monkeypatch, path, csv):
    """Tệp → Nhập gói dữ liệu with `csv` chosen: the preview dialog, open."""
    window = open_window(qtbot, path, WARD, "202405")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(csv), ""))
    window.import_package()
    qtbot.waitUntil(lambda: shown(window, ImportDialog) is not None, timeout=10000)
    return window, shown(window, ImportDialog)


def test_a_locked_month_of_a_csv_is_left_out_and_named_on_every_path(city_with_a_lock, tmp_path, qtbot,
                                                                      monkeypatch, capsys):
    path, by_import, by_handover = city_with_a_lock
    csv = csv_file(tmp_path / "so-lieu.csv", f"{RETAIL},{WARD},202404,90", f"{TOURISTS},{WARD},202404,9",
                   f"{RETAIL},{WARD},202405,100")
    window, dialog = import_in_the_window(qtbot, monkeypatch, path, csv)
    assert "1 dòng bị từ chối sẽ không nhập" in dialog.note.text() and dialog.import_button.isEnabled()
    dialog.import_button.click()
    idle(qtbot, window)
    qtbot.waitUntil(lambda: shown(window, QMessageBox) is not None, timeout=10000)
    assert shown(window, QMessageBox).text() == "Đã nhập 2 số mới, 0 số thay đổi. " + LOCKED_NOTE
    window.close()

    code, out, _ = run_cli(capsys, "--db", by_import, "import", csv)
    assert code == 0 and out.splitlines() == [
        "Đã nhập 2 số liệu (0 số liệu trùng với dữ liệu đã có, không đổi).", LOCKED_NOTE]
    code, out, _ = run_cli(capsys, "--db", by_handover, "handover-import", csv)
    assert code == 0 and LOCKED_NOTE in out.splitlines()

    written = figures(path)
    assert [(r[0], r[1], r[2], r[3]) for r in written] == [(WARD, 202404, RETAIL, 90), (WARD, 202404, TOURISTS, 9)]
    assert figures(by_import) == written and figures(by_handover) == written


def test_a_csv_of_locked_values_only_writes_nothing_on_any_path(city_with_a_lock, tmp_path, qtbot, monkeypatch,
                                                                 capsys):
    path, by_import, by_handover = city_with_a_lock
    csv = csv_file(tmp_path / "khoa.csv", f"{RETAIL},{WARD},202405,100")
    reason = "Không có gì được nhập: 1 dòng thuộc kỳ đã khóa số liệu (tháng 05/2024)."
    before = rows_of(path)
    window, dialog = import_in_the_window(qtbot, monkeypatch, path, csv)
    assert dialog.reason.isVisible() and dialog.reason.text().startswith(reason)
    assert not dialog.import_button.isEnabled()
    dialog.reject()
    window.close()
    assert rows_of(path) == before

    for copy, command, status in ((by_import, "import", 2), (by_handover, "handover-import", 1)):
        digest = file_digest(copy)
        code, _, err = run_cli(capsys, "--db", copy, command, csv)
        assert code == status and reason in err
        assert file_digest(copy) == digest


# -- 3. settings text: not NFC, or holding a control character ------------------------------------------
NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Hường")


@pytest.fixture
def ward_office(tmp_path):
    path = tmp_path / "phuong.sqlite"
    office(path, NEW_WARD).close()
    return path, copy_of(path, tmp_path / "dong-lenh.sqlite")


def settings_in_the_window(qtbot, path, **fields):
    """Nhập liệu → Cài đặt: type into the document fields, then "Đồng ý"; the window's status line after."""
    window = open_window(qtbot, path, NEW_WARD, "202605")

    def fill(dialog):
        for key, text in fields.items():
            dialog.fields[key].setText(text)
        dialog.ok.click()

    when_modal(fill)
    window.edit_settings()
    idle(qtbot, window)
    message = window.statusBar().currentMessage()
    window.close()
    return message


def test_text_that_is_not_nfc_is_stored_as_nfc_on_both_paths(ward_office, qtbot, capsys):
    path, twin = ward_office
    assert settings_in_the_window(qtbot, path, signer_name=NFD_NAME).startswith("Đã lưu cài đặt")
    assert run_cli(capsys, "--db", twin, "documents", NEW_WARD, "--set", "signer_name", NFD_NAME)[0] == 0
    names = []
    for copy in (path, twin):
        store = Store(copy)
        names.append(document_profile(store, NEW_WARD, date.today())["signer_name"])
        store.close()
    assert names == [unicodedata.normalize("NFC", NFD_NAME)] * 2

    # A setting's own text goes through the same rule: NFC, spaces around taken off.
    assert run_cli(capsys, "--db", twin, "settings", "dhis2_count_units", f'[" {NFD_NAME} ", "hộ"]')[0] == 0
    store = Store(twin)
    assert store.setting("dhis2_count_units") == [unicodedata.normalize("NFC", NFD_NAME), "hộ"]
    assert prepare_setting(store, "reporting_unit", f" {NEW_WARD} ") == NEW_WARD  # the window's setting
    store.close()


def test_a_control_character_is_refused_on_both_paths_and_nothing_is_written(ward_office, qtbot, capsys):
    path, twin = ward_office
    before = rows_of(path)
    message = settings_in_the_window(qtbot, path, signer_name="Nguyễn\x07 Thị Hường")
    refused = "Họ tên người ký chứa ký tự điều khiển không hợp lệ (mã 7)."
    assert message == f"Chưa lưu: {refused}"
    assert rows_of(path) == before

    digest = file_digest(twin)
    code, _, err = run_cli(capsys, "--db", twin, "documents", NEW_WARD, "--set", "signer_name", "Nguyễn\x07 Thị")
    assert code == 2 and err == f"lỗi: {refused}\n"
    # The settings themselves: the window's reporting unit and `settings KEY VALUE` share one rule.
    unit_refused = "Thiết lập “reporting_unit” chứa ký tự điều khiển không hợp lệ (mã 7)."
    store = Store(path)
    with pytest.raises(InputError) as raised:
        save_office(store, {"reporting_unit": f"{NEW_WARD}\x07", "documents": {}})  # what Cài đặt saves
    store.close()
    assert str(raised.value) == unit_refused
    code, _, err = run_cli(capsys, "--db", twin, "settings", "reporting_unit", f"{NEW_WARD}\x07")
    assert code == 2 and err == f"lỗi: {unit_refused}\n"
    code, _, err = run_cli(capsys, "--db", twin, "settings", "dhis2_count_units", '["người\\u0007"]')
    assert code == 2 and "chứa ký tự điều khiển không hợp lệ (mã 7)" in err
    assert file_digest(twin) == digest
    assert rows_of(path) == before
