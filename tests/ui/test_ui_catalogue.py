"""Nhập liệu → Danh mục chỉ tiêu, used like a person would: select, edit, add, move, retire, import the
province's list; every change is in the database file and the window's grids follow."""

import sqlite3

from openpyxl import Workbook
from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from lcapp.intake.catalogue_form import read_catalogue_form
from lcapp.models.catalogue_edit import read_state
from lcapp.models.store import Store
from lcapp.ui.catalogue_dialog import (
    NAME,
    VALIDITY,
    AddIndicatorDialog,
    CatalogueTreeModel,
    FormPreviewDialog,
    FormPreviewModel,
    RetireDialog,
)
from lcapp.ui.qt_names import DISPLAY_ROLE, FOREGROUND_ROLE
from tests.conftest import table_rows
from tests.ui_helpers import idle, open_window


def indicator_row(path, code):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM indicators WHERE code = ?", (code,)).fetchone()
        return dict(row) if row else None
    finally:
        conn.close()


def short_form(path):
    """A province's list of three rows: a sector, a new indicator, one without ĐVT."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(["STT", "Chỉ tiêu", "ĐVT"])
    ws.append(["I", "Phát triển thương mại, dịch vụ và du lịch"])
    ws.append([1, "Doanh thu lưu trú", "tỷ đồng"])
    ws.append([2, "Thiếu đơn vị", None])
    workbook.save(path)
    return path


def open_catalogue(qtbot, window):
    dialog = window.show_catalogue()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10000)
    return dialog


def when_open(kind, act):
    """Run `act(dialog)` once a modal dialog of class `kind` is open (the catalogue dialog is modal too)."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(20, poll)


def type_text(widget, text):
    """Type Vietnamese text as a keyboard's input method sends it (QTest types ASCII keys only)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answer(monkeypatch, reply, asked=None):
    def question(parent, title, text, *args, **kwargs):
        if asked is not None:
            asked.append(text)
        return reply
    monkeypatch.setattr(QMessageBox, "question", question)


def test_the_tree_model_passes_the_model_tester(demo_path, qtmodeltester):
    store = Store(demo_path)
    model = CatalogueTreeModel()
    model.load(read_state(store), 202405)
    qtmodeltester.check(model)
    top = [model.index(r, NAME).data() for r in range(model.rowCount())]
    assert top[0].startswith("I. ") and any("Về phát triển kinh tế" in t for t in top)
    trade = model.index_of("sector", "thuong_mai")
    retail = model.index_of("indicator", "tm_ban_le")
    assert retail.parent() == trade
    assert model.index(0, 0, retail).data(DISPLAY_ROLE) == "Bán lẻ hàng hóa"  # its "trong đó" part under it
    store.close()


def test_the_form_preview_model_passes_the_model_tester(demo_path, tmp_path, qtmodeltester):
    store = Store(demo_path)
    model = FormPreviewModel(read_catalogue_form(store, short_form(tmp_path / "f.xlsx")))
    qtmodeltester.check(model)
    assert [model.index(r, 4).data() for r in range(model.rowCount())] == ["lĩnh vực", "mới", "không nhận"]
    store.close()


def test_editing_an_indicator_in_the_dialog_writes_it_and_the_grid_follows(demo_path, qtbot, monkeypatch):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = open_catalogue(qtbot, window)
    dialog.select("indicator", "tm_ban_le")
    assert dialog.fields.name.text() == "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng"
    assert not dialog.save_button.isEnabled()
    dialog.fields.name.selectAll()
    type_text(dialog.fields.name, "Tổng mức bán lẻ hàng hóa, dịch vụ")
    assert dialog.save_button.isEnabled()
    asked = []
    answer(monkeypatch, QMessageBox.Yes, asked)
    dialog.save_button.click()
    idle(qtbot, window)
    assert asked == []  # a new name touches no figure: nothing to ask
    assert indicator_row(demo_path, "tm_ban_le")["name"] == "Tổng mức bán lẻ hàng hóa, dịch vụ"
    qtbot.waitUntil(lambda: "Đã ghi" in dialog.status.text())
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.index_of("tm_ban_le", "name").data() == "Tổng mức bán lẻ hàng hóa, dịch vụ")
    window.close()


def test_a_change_of_kind_with_figures_is_asked_and_no_writes_nothing(demo_path, qtbot, monkeypatch):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = open_catalogue(qtbot, window)
    dialog.select("indicator", "tm_ban_le")
    dialog.fields.kind.setCurrentIndex(dialog.fields.kind.findData("stock"))
    before = indicator_row(demo_path, "tm_ban_le")
    asked = []
    answer(monkeypatch, QMessageBox.No, asked)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    idle(qtbot, window)
    assert "cộng dồn → thời điểm" in asked[0] and "số liệu đã nhập" in asked[0]
    assert indicator_row(demo_path, "tm_ban_le") == before and dialog.status.text() == "Chưa ghi gì."
    answer(monkeypatch, QMessageBox.Yes)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: indicator_row(demo_path, "tm_ban_le")["kind"] == "stock", timeout=10000)
    idle(qtbot, window)
    window.close()


def test_adding_an_indicator_and_a_part_from_the_dialog(demo_path, qtbot):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = open_catalogue(qtbot, window)
    dialog.select("sector", "thuong_mai")
    assert dialog.add_button.isEnabled() and not dialog.add_part_button.isEnabled()
    proposed = []

    def fill(add_dialog):
        type_text(add_dialog.fields.name, "Doanh thu du lịch cộng đồng")
        type_text(add_dialog.fields.unit, "tỷ đồng")
        proposed.append(add_dialog.code.text())
        add_dialog.start.set_key(202406)
        add_dialog.accept()
    when_open(AddIndicatorDialog, fill)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: bool(proposed), timeout=10000)
    code = proposed[0]
    assert code.startswith("tm_doanh_thu_du_lich") and code != "tm_doanh_thu_du_lich"  # that one is taken
    qtbot.waitUntil(lambda: indicator_row(demo_path, code) is not None, timeout=10000)
    added = indicator_row(demo_path, code)
    assert added["sector"] == "thuong_mai" and added["valid_from"] == 202406 and added["unit"] == "tỷ đồng"
    assert added["name"] == "Doanh thu du lịch cộng đồng"
    qtbot.waitUntil(lambda: dialog.selected_indicator() is not None and dialog.selected_indicator().code == code,
                    timeout=10000)
    # valid from 06/2024: grey in the dialog's month (05/2024), absent from May's grid, present in June's
    index = dialog.model.index_of("indicator", code)
    assert dialog.model.data(index, FOREGROUND_ROLE) is not None
    assert dialog.model.index(index.row(), VALIDITY, index.parent()).data() == "từ 06/2024"
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded_for == ("tp_lai_chau", "202405"))
    assert code not in tab.model.codes
    window.choose("tp_lai_chau", "202406")
    qtbot.waitUntil(lambda: code in tab.model.codes)

    units = []

    def fill_part(add_dialog):
        units.append(add_dialog.fields.unit.text())  # from its parent
        type_text(add_dialog.fields.name, "Trong đó: homestay")
        add_dialog.accept()
    when_open(AddIndicatorDialog, fill_part)
    dialog.add_part_button.click()
    qtbot.waitUntil(lambda: indicator_row(demo_path, "tm_homestay") is not None, timeout=10000)
    part = indicator_row(demo_path, "tm_homestay")
    assert units == ["tỷ đồng"] and part["parent"] == code and part["name"] == "homestay"
    assert part["valid_from"] == 202406  # never before its parent
    idle(qtbot, window)
    window.close()


def test_moving_and_retiring_from_the_dialog(demo_path, qtbot, monkeypatch):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = open_catalogue(qtbot, window)
    before = indicator_row(demo_path, "tm_khach_du_lich")["position"]
    dialog.select("indicator", "tm_khach_du_lich")
    dialog.up_button.click()
    qtbot.waitUntil(lambda: indicator_row(demo_path, "tm_khach_du_lich")["position"] < before, timeout=10000)
    qtbot.waitUntil(lambda: dialog.selected_indicator() is not None and dialog.up_button.isEnabled())
    assert dialog.selected_indicator().code == "tm_khach_du_lich"

    # Retiring before figures already entered is refused by the core: a warning, nothing written.
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    answer(monkeypatch, QMessageBox.Yes)
    store_rows = table_rows(Store(demo_path))

    def retire_in(month):
        def act(retire_dialog):
            retire_dialog.first.set_key(month)
            retire_dialog.accept()
        return act
    when_open(RetireDialog, retire_in(202401))
    dialog.retire_button.click()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    idle(qtbot, window)
    assert "nằm ngoài thời gian áp dụng" in warnings[0]
    after = Store(demo_path)
    assert table_rows(after) == store_rows
    after.close()

    asked = []
    answer(monkeypatch, QMessageBox.Yes, asked)
    when_open(RetireDialog, retire_in(202501))
    dialog.retire_button.click()
    qtbot.waitUntil(lambda: indicator_row(demo_path, "tm_khach_du_lich")["valid_to"] == 202412, timeout=10000)
    assert "Ngừng theo dõi “Tổng lượt khách du lịch” từ tháng 01/2025" in asked[0]
    idle(qtbot, window)
    window.close()


def test_the_province_form_comes_in_through_its_preview(demo_path, qtbot, tmp_path, monkeypatch):
    path = short_form(tmp_path / "bieu.xlsx")
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = open_catalogue(qtbot, window)
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = []

    def accept(preview_dialog):
        seen.append((preview_dialog.import_button.text(), preview_dialog.model.rowCount()))
        preview_dialog.accept()
    when_open(FormPreviewDialog, accept)
    dialog.import_form()
    qtbot.waitUntil(lambda: indicator_row(demo_path, "tm_doanh_thu_luu_tru") is not None, timeout=10000)
    assert seen == [("Nhập 1 dòng", 3)]
    assert indicator_row(demo_path, "tm_doanh_thu_luu_tru")["valid_from"] == 202401
    idle(qtbot, window)
    window.close()


def test_writing_the_catalogue_out_and_a_package_for_the_units_below(demo_path, qtbot, tmp_path, monkeypatch):
    from lcapp.models.package_check import check_package

    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = open_catalogue(qtbot, window)
    for name, export in (("danh-muc.xlsx", dialog.export_file), ("danh-muc.toml", dialog.export_file),
                         ("danh-muc.lcpkg", dialog.export_package)):
        target = tmp_path / name
        monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        export()
        qtbot.waitUntil(lambda t=target: t.exists() and t.name in dialog.status.text(), timeout=10000)
    assert "Đã xuất gói danh mục danh-muc.lcpkg" in dialog.status.text()
    store = Store(demo_path)
    package = check_package(store, tmp_path / "danh-muc.lcpkg")
    assert package.unit == "tp_lai_chau" and package.counts()["indicators"] == 174
    store.close()
    idle(qtbot, window)
    window.close()
