"""Dialogs driven like a person: first start, a long job's end choice (the targets dialog: test_ui_targets.py)."""

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton

from lcapp.export.figures_file import write_figures_csv
from lcapp.models.documents import document_profile
from lcapp.models.store import Store
from lcapp.ui import jobs
from lcapp.ui.app import create_with_dialog
from lcapp.ui.jobs import run_export
from lcapp.ui.main_window import MainWindow
from lcapp.ui.settings_dialog import SettingsDialog, save_office
from tests.ui_helpers import when_modal


def test_first_start_asks_the_office_and_loads_demo(tmp_path, qtbot):
    path = tmp_path / "data" / "lcapp.sqlite"
    seen = {}

    def fill(dialog: SettingsDialog):
        seen["nothing chosen"] = dialog.unit_code() is None and not dialog.ok.isEnabled()
        seen["listed"] = dialog.visible_codes()
        qtbot.keyClicks(dialog.search, "doan ket")  # no accents: still found
        seen["found"] = dialog.visible_codes()
        seen["body"] = dialog.fields["issuing_body"].text()
        seen["place"] = dialog.fields["place"].text()
        seen["recipients"] = dialog.fields["recipients"].toPlainText()
        qtbot.keyClicks(dialog.fields["signer_name"], "Tran Van B")
        dialog.fields["signer_name"].insert(" (Phó Chủ tịch)")
        dialog.demo.setChecked(True)
        dialog.accept()

    when_modal(fill)
    assert create_with_dialog(path)
    assert seen["nothing chosen"]  # the office must say which unit it is
    assert len(seen["listed"]) == 39 and seen["listed"][0] == "lai_chau"  # the province and its 38 units
    assert seen["found"] == ["p_doan_ket_2025"]
    assert (seen["body"], seen["place"]) == ("PHƯỜNG ĐOÀN KẾT", "Đoàn Kết")
    assert "Sở Tài chính" in seen["recipients"] and "Kế hoạch và Đầu tư" not in seen["recipients"]
    store = Store(path)
    assert store.setting("reporting_unit") == "p_doan_ket_2025"
    profile = document_profile(store, "p_doan_ket_2025", date.today())
    assert profile["signer_name"] == "Tran Van B (Phó Chủ tịch)" and profile.edited
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

    def answer_the_box():  # the "Đã ghi tệp" box, once it is open
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            choose_folder(box)
        else:
            QTimer.singleShot(20, answer_the_box)

    QTimer.singleShot(20, answer_the_box)
    op = run_export(window, "Xuất số liệu", write_figures_csv, "tp_lai_chau", "202405", target)
    dialog = op.dialog
    qtbot.waitUntil(lambda: opened == [target.parent], timeout=10000)
    assert target.exists() and not dialog.isVisible()
    window.close()


def test_settings_dialog_shows_and_edits_the_units_documents(demo_path, qtbot):
    store = Store(demo_path)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    # the demo's unit is the old city: the list shows the units before 07/2025 too, the city chosen
    assert dialog.show_old.isChecked() and dialog.unit_code() == "tp_lai_chau"
    assert dialog.fields["place"].text() == "Thành phố Lai Châu" and not dialog.demo.isVisible()
    dialog.show_old.setChecked(False)
    assert "tp_lai_chau" not in dialog.visible_codes() and len(dialog.visible_codes()) == 39
    qtbot.keyClicks(dialog.search, "muong te")
    assert dialog.visible_codes() == ["x_muong_te_2025"] and dialog.fields["issuing_body"].text() == "XÃ MƯỜNG TÈ"
    dialog.fields["recipients"].setPlainText("UBND tỉnh (B/c);\nSở Tài chính (B/c);\nLưu: VT, VP.")
    values = dialog.values()
    assert values["reporting_unit"] == "x_muong_te_2025"
    assert values["documents"] == {"recipients": ["UBND tỉnh (B/c);", "Sở Tài chính (B/c);", "Lưu: VT, VP."]}
    save_office(store, values)
    assert store.setting("reporting_unit") == "x_muong_te_2025"
    assert document_profile(store, "x_muong_te_2025", date.today())["recipients"][-1] == "Lưu: VT, VP."
    assert isinstance(dialog, QDialog)
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
