"""The import preview says why a file would bring nothing, and lets the user choose the units of a
whole database (issue 18), used as a person would."""

import shutil

import pytest
from PySide6.QtWidgets import QFileDialog

from lcapp.intake.incoming import open_incoming
from lcapp.models.figures import enter
from lcapp.models.handover import export_package
from lcapp.models.locks import lock
from lcapp.models.merge import NEW
from lcapp.ui.package_import import ImportDialog
from tests.conftest import file_digest, table_rows
from tests.handover_helpers import MONTH, RETAIL, TOURISTS, WARD, figure, office
from tests.ui_helpers import idle, open_window, shown

DOAN_KET, CITY = "p_doan_ket", "tp_lai_chau"


@pytest.fixture
def copied_database(tmp_path):
    """A ward's whole file whose setting still names the city, and the city's own database."""
    ward = office(tmp_path / "ward.sqlite", CITY)
    enter(ward, DOAN_KET, MONTH, RETAIL, 41, user="Lò Thị Mai")
    enter(ward, DOAN_KET, MONTH, TOURISTS, 2100, user="Lò Thị Mai")
    ward.close()
    copy = tmp_path / "usb" / "doan-ket.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(tmp_path / "ward.sqlite", copy)
    city = office(tmp_path / "city.sqlite", CITY)
    yield copy, city
    city.close()


def test_the_window_names_the_wrong_unit_and_takes_the_ticked_one(copied_database, qtbot, monkeypatch, tmp_path):
    copy, city = copied_database
    window = open_window(qtbot, city.path, CITY, MONTH)
    idle(qtbot, window)
    rows, digest = table_rows(city), file_digest(city.path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(copy), ""))
    window.import_package()
    qtbot.waitUntil(lambda: shown(window, ImportDialog) is not None, timeout=10000)
    dialog = shown(window, ImportDialog)
    assert dialog.reason.isVisible() and not dialog.import_button.isEnabled()
    assert dialog.reason.text().startswith("Tệp không có số liệu nào của Thành phố Lai Châu (tp_lai_chau)")
    assert "Phường Đoàn Kết (p_doan_ket): 2 số liệu" in dialog.reason.text()
    assert "Cài đặt của tệp ghi đơn vị báo cáo là <b>Thành phố Lai Châu</b>" in dialog.units_label.text()
    assert list(dialog.unit_boxes) == [CITY, DOAN_KET]
    assert dialog.unit_boxes[CITY].isChecked() and not dialog.unit_boxes[DOAN_KET].isChecked()
    assert dialog.unit_boxes[DOAN_KET].text() == "Phường Đoàn Kết (2 số liệu)"
    dialog.grab().save(str(tmp_path / "wrong-unit.png"))

    dialog.unit_boxes[CITY].setChecked(False)  # nothing ticked: nothing to import
    assert "Hãy chọn ít nhất một đơn vị" in dialog.reason.text() and not dialog.import_button.isEnabled()
    dialog.unit_boxes[DOAN_KET].setChecked(True)
    qtbot.waitUntil(lambda: dialog.preview.unit == DOAN_KET, timeout=10000)
    assert {row.status for row in dialog.model.rows} == {NEW} and len(dialog.model.rows) == 2
    assert not dialog.reason.isVisible()
    assert dialog.unit_boxes[DOAN_KET].isChecked() and not dialog.unit_boxes[CITY].isChecked()
    assert table_rows(city) == rows and file_digest(city.path) == digest  # still nothing written
    assert dialog.warning.isVisible() and not dialog.import_button.isEnabled()
    dialog.accept_sender.setChecked(True)
    dialog.import_button.click()
    idle(qtbot, window)
    assert figure(city, DOAN_KET)["month_value"] == 41
    assert "Đã nhập 2 số mới" in window.statusBar().currentMessage()
    window.close()


def test_everything_already_here_is_said_and_may_still_be_imported(copied_database, qtbot):
    copy, city = copied_database
    open_incoming(city, copy, [DOAN_KET]).apply(city, accept_sender=True)
    dialog = ImportDialog(city, open_incoming(city, copy, [DOAN_KET]))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reason.isVisible() and "đều trùng với số liệu đã có" in dialog.reason.text()
    assert dialog.import_button.isEnabled()


def test_a_package_into_locked_months_says_so_and_cannot_be_imported(tmp_path, qtbot):
    ward, city = office(tmp_path / "ward.sqlite", WARD), office(tmp_path / "city.sqlite", CITY)
    enter(ward, WARD, MONTH, RETAIL, 100)
    export_package(ward, WARD, [MONTH], tmp_path / "goi.lcpkg")
    lock(city, WARD, MONTH)
    dialog = ImportDialog(city, open_incoming(city, tmp_path / "goi.lcpkg"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "thuộc kỳ đã khóa số liệu (tháng 05/2024)" in dialog.reason.text()
    dialog.accept_sender.setChecked(True)
    assert not dialog.import_button.isEnabled() and not dialog.units_label.isVisible()
    ward.close()
    city.close()


def test_the_export_dialog_warns_about_a_unit_outside_the_office(tmp_path, qtbot):
    from lcapp.ui.package_export import ExportDialog
    ward = office(tmp_path / "ward.sqlite", DOAN_KET)
    dialog = ExportDialog(ward, DOAN_KET, MONTH)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.scope.isVisible()
    dialog.unit.setCurrentIndex(dialog.unit.findData(CITY))
    assert dialog.scope.isVisible() and "không phải đơn vị báo cáo của máy này (Phường Đoàn Kết)" in dialog.scope.text()
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # choosing it is the confirmation
    ward.close()
