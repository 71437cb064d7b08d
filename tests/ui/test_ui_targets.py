"""The targets dialog driven like a person: the window's unit, year and term targets, cumulative or
final-year, notes, deleting with confirmation and history, and a sheet read by the one reader."""

import shutil

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from lcapp.cli import main
from lcapp.models.organisation import organisation
from lcapp.models.setup import create_database
from lcapp.models.store import Store
from lcapp.models.targets import set_target, target_history, unit_targets
from lcapp.models.terms import known_terms
from lcapp.ui.targets_dialog import CUMULATIVE_MARK, TargetsDialog, TargetsModel, period_choices
from lcapp.ui.worker import DbWorker
from tests.conftest import table_rows
from tests.ui_helpers import idle, open_window, when_modal

WARD = "p_tan_phong_2025"
TOURISTS, RETAIL = "tm_khach_du_lich", "tm_ban_le"
NOTED_SHEET = [["Mã", "KH tỉnh", "Ghi chú"], ["tm_ban_le", "1.200", "QĐ 12/QĐ-UBND ngày 05/01/2026"]]


@pytest.fixture
def ward_path(tmp_path):
    path = tmp_path / "phuong.sqlite"
    store = create_database(path)
    set_target(store, WARD, TOURISTS, "2026-2030", "daihoi", 600000, cumulative=True, note="NQ Đại hội lần thứ I")
    store.close()
    return path


@pytest.fixture
def dialog(ward_path, qtbot):
    store, worker = Store(ward_path), DbWorker(ward_path)
    dialog = TargetsDialog(store, worker, WARD, 2026)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    worker.close()
    store.close()


def cell(dialog, code, source):
    model = dialog.model
    return model.index(model.codes.index(code), 2 + model.sources.index(source))


def type_into(qtbot, dialog, index, text):
    dialog.view.setCurrentIndex(index)
    qtbot.keyClick(dialog.view, text[0])
    editor = next(e for e in dialog.view.viewport().findChildren(QLineEdit) if e.isVisible())
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key_Return)


def saved(dialog, period):
    return {(t["indicator"], t["source"]): t for t in unit_targets(dialog.store, WARD, period)}


def test_the_targets_model_shows_a_units_term_targets(ward_path, qtmodeltester, qtbot):
    store = Store(ward_path)
    model = TargetsModel(store, WARD)
    model.load("2026-2030")
    qtmodeltester.check(model)
    index = model.index(model.codes.index(TOURISTS), 2 + model.sources.index("daihoi"))
    assert model.data(index) == "600.000" + CUMULATIVE_MARK and model.data(index, Qt.EditRole) == "600.000"
    assert model.data(index, Qt.ToolTipRole) == "Tổng cộng dồn cả giai đoạn\nNQ Đại hội lần thứ I"
    assert model.headerData(2 + model.sources.index("hdnd"), Qt.Horizontal) == "NQ HĐND"
    with qtbot.waitSignal(model.deleteRequested) as blocker:
        assert model.setData(index, "")
    assert blocker.args == [TOURISTS, "daihoi"]
    with qtbot.waitSignal(model.inputRejected):
        assert model.setData(index, "6.00.000") is False
    model.load("2026")
    assert model.values == {}
    store.close()


def test_the_dialog_offers_the_years_and_known_terms_of_its_unit(ward_path):
    store = Store(ward_path)
    org, terms = organisation(store), known_terms(store)
    assert period_choices(org, terms, WARD, 2026) == [
        ("2027", "Năm 2027"), ("2026", "Năm 2026"), ("2025", "Năm 2025"),
        ("2021-2025", "Nhiệm kỳ 2020-2025 (giai đoạn 2021-2025)"),
        ("2026-2030", "Nhiệm kỳ 2025-2030 (giai đoạn 2026-2030)")]
    city = period_choices(org, terms, "tp_tckh", 2026)  # a department of the city, which ended on 30/06/2025
    assert city[0] == ("2025", "Năm 2025") and ("2021-2025", "Nhiệm kỳ 2020-2025 (giai đoạn 2021-2025)") in city
    assert "2026-2030" not in dict(city)
    store.close()


def test_a_year_target_is_typed_for_the_windows_unit(dialog, qtbot):
    assert dialog.windowTitle() == "Kế hoạch — Phường Tân Phong" and dialog.period == "2026"
    type_into(qtbot, dialog, cell(dialog, RETAIL, "tinh"), "1.200")
    qtbot.waitUntil(lambda: dialog.message.text() == "Đã lưu kế hoạch.", timeout=5000)
    assert saved(dialog, "2026")[(RETAIL, "tinh")]["value"] == 1200
    assert unit_targets(dialog.store, "lai_chau") == []
    assert dialog.level_button.isHidden()  # a year target has no "how": it is the year's


def test_a_term_target_is_cumulative_or_final_year_with_a_note(dialog, qtbot):
    dialog.period_box.setCurrentIndex(dialog.period_box.findData("2026-2030"))
    type_into(qtbot, dialog, cell(dialog, RETAIL, "daihoi"), "6.500")
    qtbot.waitUntil(lambda: (RETAIL, "daihoi") in dialog.model.values, timeout=5000)
    dialog.view.setCurrentIndex(cell(dialog, RETAIL, "daihoi"))
    assert dialog.level_button.isChecked() and dialog.cumulative_button.isEnabled()
    dialog.cumulative_button.click()
    qtbot.waitUntil(lambda: dialog.model.values[(RETAIL, "daihoi")]["cumulative"] == 1, timeout=5000)
    dialog.note.clear()
    dialog.note.setFocus()
    dialog.note.insert("Tổng giai đoạn 2026-2030")  # QTest types ASCII only
    qtbot.keyClick(dialog.note, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == "Đã lưu ghi chú.", timeout=5000)
    target = saved(dialog, "2026-2030")[(RETAIL, "daihoi")]
    assert (target["value"], target["cumulative"], target["note"]) == (6500, 1, "Tổng giai đoạn 2026-2030")
    assert dialog.history.count() == 3
    dialog.view.setCurrentIndex(cell(dialog, "yt_tang_dan_so", "daihoi"))
    type_into(qtbot, dialog, cell(dialog, "yt_tang_dan_so", "daihoi"), "9,5-10")
    qtbot.waitUntil(lambda: ("yt_tang_dan_so", "daihoi") in dialog.model.values, timeout=5000)
    dialog.view.setCurrentIndex(cell(dialog, "yt_tang_dan_so", "daihoi"))
    assert not dialog.cumulative_button.isEnabled()  # a rate is never a total over the term


def test_deleting_asks_first_and_keeps_the_history(dialog, qtbot):
    dialog.period_box.setCurrentIndex(dialog.period_box.findData("2026-2030"))
    index = cell(dialog, TOURISTS, "daihoi")
    dialog.view.setCurrentIndex(index)
    before = table_rows(dialog.store)
    when_modal(lambda box: box.button(QMessageBox.No).click())
    qtbot.keyClick(dialog.view, Qt.Key_Delete)
    assert table_rows(dialog.store) == before and dialog.model.data(index) == "600.000" + CUMULATIVE_MARK
    when_modal(lambda box: box.button(QMessageBox.Yes).click())
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "Đã xóa kế hoạch (vẫn giữ trong lịch sử).", timeout=5000)
    assert saved(dialog, "2026-2030") == {} and dialog.model.data(index) == ""
    assert [v["value"] for v in target_history(dialog.store, WARD, TOURISTS, "2026-2030", "daihoi")] == [600000, None]
    assert [dialog.history.item(i).text().split(": ", 1)[1] for i in range(dialog.history.count())] == [
        "600.000 (cộng dồn); ghi chú: NQ Đại hội lần thứ I", "(đã xóa)"]
    assert not dialog.delete_button.isEnabled()


def _sheet(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_sheet_with_a_ghi_chu_column_imports_in_the_window_as_on_the_command_line(ward_path, dialog, qtbot,
                                                                                   tmp_path, capsys):
    """The confirmed case of issue #17: the window and `targets-import` read it the same way."""
    twin = tmp_path / "ban-sao.sqlite"
    shutil.copyfile(ward_path, twin)
    path = _sheet(tmp_path / "kh.xlsx", NOTED_SHEET)
    shown = []

    def look_then(answer):
        def act(box):
            shown.append((box.text(), box.informativeText()))
            next(b for b in box.buttons() if b.text() == answer).click()
        return act

    before = table_rows(dialog.store)
    when_modal(look_then("Hủy"))
    dialog.import_file(str(path))
    assert dialog.message.text() == "Chưa ghi gì." and table_rows(dialog.store) == before
    when_modal(look_then("Ghi"))
    dialog.import_file(str(path))
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Đã nhập kế hoạch năm 2026"), timeout=5000)
    summary, details = shown[-1]
    assert summary == "Phường Tân Phong, năm 2026: 1 kế hoạch mới, 0 thay đổi, 0 giữ nguyên."
    assert "ghi chú “QĐ 12/QĐ-UBND ngày 05/01/2026”" in details
    assert main(["--db", str(twin), "targets-import", str(path), "--unit", WARD, "--year", "2026", "--apply"]) == 0
    assert summary in capsys.readouterr().out
    by_cli = Store(twin)
    window_rows = [(t["indicator"], t["source"], t["value"], t["note"]) for t in unit_targets(dialog.store, WARD)]
    assert window_rows == [(t["indicator"], t["source"], t["value"], t["note"]) for t in unit_targets(by_cli, WARD)]
    assert (RETAIL, "tinh", 1200, "QĐ 12/QĐ-UBND ngày 05/01/2026") in window_rows
    by_cli.close()


def test_a_bad_sheet_is_refused_in_the_window_naming_the_cells(dialog, tmp_path):
    path = _sheet(tmp_path / "sai.xlsx", [["Mã", "KH tỉnh", "Thực hiện"], [RETAIL, "abc", 1]])
    before = table_rows(dialog.store)
    dialog.import_file(str(path))
    text = dialog.message.text()
    assert "Sheet!B2" in text and "abc" in text and "Sheet!C1: cột “Thực hiện” không phải nguồn kế hoạch" in text
    assert table_rows(dialog.store) == before


def test_the_main_window_opens_the_targets_of_its_own_unit(ward_path, qtbot):
    window = open_window(qtbot, ward_path, WARD, "202605")
    seen = []

    def look(dialog):
        seen.append((dialog.unit, dialog.period))
        dialog.accept()

    when_modal(look)
    window.show_targets()
    assert seen == [(WARD, "2026")]
    idle(qtbot, window)
    window.close()
