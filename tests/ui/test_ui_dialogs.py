"""Dialogs driven like a person: first start, the targets dialog, a long job's end choice."""

from datetime import date

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QPushButton

from lcapp.export.figures_file import write_figures_csv
from lcapp.models.store import Store
from lcapp.models.targets import all_targets
from lcapp.ui import jobs
from lcapp.ui.app import create_with_dialog
from lcapp.ui.jobs import BackgroundJob, run_with_progress
from lcapp.ui.main_window import MainWindow
from lcapp.ui.settings_dialog import SettingsDialog
from lcapp.ui.targets_dialog import TargetsDialog
from lcapp.ui.worker import DbWorker
from tests.conftest import table_rows
from tests.ui_helpers import when_modal


def test_first_start_asks_the_office_and_loads_demo(tmp_path, qtbot):
    path = tmp_path / "data" / "lcapp.sqlite"

    def fill(dialog: SettingsDialog):
        dialog.unit.setCurrentIndex(dialog.unit.findData("p_doan_ket"))
        dialog.fields["signer_name"].clear()
        qtbot.keyClicks(dialog.fields["signer_name"], "Tran Van B")
        dialog.fields["signer_name"].insert(" (Phó Chủ tịch)")
        dialog.demo.setChecked(True)
        dialog.accept()

    when_modal(fill)
    assert create_with_dialog(path)
    store = Store(path)
    assert store.setting("reporting_unit") == "p_doan_ket"
    assert store.setting("signer_name") == "Tran Van B (Phó Chủ tịch)"
    assert store.query("SELECT count(*) AS n FROM figures")[0]["n"] > 0
    store.close()


def test_cancelled_first_start_leaves_no_file(tmp_path, qtbot):
    path = tmp_path / "lcapp.sqlite"
    when_modal(lambda dialog: dialog.reject())
    assert not create_with_dialog(path)
    assert not path.exists()


def test_targets_dialog_saves_a_typed_target_and_imports_a_sheet(demo_path, qtbot, tmp_path):
    store = Store(demo_path)
    worker = DbWorker(demo_path)
    dialog = TargetsDialog(store, worker, 2025)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    model = dialog.model
    row, column = model.codes.index("tm_ban_le"), 2 + model.sources.index("tinh")
    dialog.view.setCurrentIndex(model.index(row, column))
    qtbot.keyClick(dialog.view, "5")
    editor = next(e for e in dialog.view.viewport().findChildren(QLineEdit) if e.isVisible())
    qtbot.keyClicks(editor, ".200")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == "Đã lưu kế hoạch.", timeout=5000)
    targets = {(t["indicator"], t["source"], t["period"]): t for t in all_targets(store)}
    assert ("tm_ban_le", "tinh", "2025") in targets, dialog.message.text()
    assert targets[("tm_ban_le", "tinh", "2025")]["value"] == 5200
    bad = tmp_path / "sai.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Mã", "KH tỉnh"])
    book.active.append(["tm_khach_du_lich", "abc"])
    book.save(bad)
    before = table_rows(store)
    dialog.import_file(str(bad))
    assert "abc" in dialog.message.text()
    assert table_rows(store) == before
    good = tmp_path / "dung.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Chỉ tiêu", "NQ HĐND"])
    book.active.append(["Tổng lượt khách du lịch", 250000])
    book.save(good)
    dialog.import_file(str(good))
    qtbot.waitUntil(lambda: worker.pending == 0)
    assert "Đã nhập 1 kế hoạch năm 2025" in dialog.message.text()
    assert model.data(model.index(model.codes.index("tm_khach_du_lich"), 2 + model.sources.index("hdnd"))) \
        == "250.000"
    worker.close()
    store.close()


def test_long_job_ends_with_open_file_or_folder(demo_path, qtbot, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(jobs, "open_path", opened.append)
    window = MainWindow(demo_path)
    qtbot.addWidget(window)
    target = tmp_path / "xuat" / "so-lieu.csv"
    target.parent.mkdir()

    def choose_folder(box):
        button = next(b for b in box.findChildren(QPushButton) if b.text() == "Mở thư mục")
        button.click()

    job = BackgroundJob(demo_path, write_figures_csv, "tp_lai_chau", "202405", target)
    when_modal_box = lambda: when_modal(lambda w: choose_folder(w) if isinstance(w, QMessageBox) else None)
    job.succeeded.connect(lambda _path: when_modal_box())
    dialog = run_with_progress(window, "Xuất số liệu", job)
    qtbot.waitUntil(lambda: opened == [target.parent], timeout=10000)
    assert target.exists() and not dialog.isVisible()
    window.close()


def test_settings_dialog_offers_every_unit(demo_path, qtbot):
    store = Store(demo_path)
    from lcapp.models.organisation import organisation
    dialog = SettingsDialog(organisation(store), store.settings())
    qtbot.addWidget(dialog)
    codes = [dialog.unit.itemData(i) for i in range(dialog.unit.count())]
    assert "p_doan_ket_2025" in codes and "tp_lai_chau" in codes
    assert dialog.values()["reporting_unit"] == store.setting("reporting_unit")
    assert isinstance(dialog, QDialog) and not dialog.demo.isVisible()
    store.close()


def test_a_new_figure_before_the_cut_off_is_an_estimate(tmp_path, qtbot):
    from lcapp.models.setup import create_database
    path = tmp_path / "new.sqlite"
    create_database(path).close()
    window = MainWindow(path)
    qtbot.addWidget(window)
    today = date.today()
    window.choose("p_doan_ket_2025", f"{today.year}{today.month:02d}")
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    model = tab.model
    assert model.setData(model.index_of("tm_ban_le", "value"), "12")
    qtbot.waitUntil(lambda: window.worker.pending == 0)
    store = Store(path)
    row = store.query("SELECT status FROM figures WHERE indicator = 'tm_ban_le'")[0]
    expected = "estimate" if today.day <= 14 else "official"
    assert row["status"] == expected
    store.close()
    window.close()
