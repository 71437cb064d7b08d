"""Dialogs driven like a person: first start, a long job's end choice (the targets dialog: test_ui_targets.py)."""

from datetime import date

from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton

from lcapp.export.figures_file import write_figures_csv
from lcapp.models.store import Store
from lcapp.ui import jobs
from lcapp.ui.app import create_with_dialog
from lcapp.ui.jobs import BackgroundJob, run_with_progress
from lcapp.ui.main_window import MainWindow
from lcapp.ui.settings_dialog import SettingsDialog
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
