"""Dialogs driven like a person: first start, the targets dialog, a long job's end choice."""

from datetime import date

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QPushButton

from lcapp.export.figures_file import write_figures_csv
from lcapp.models.documents import document_profile
from lcapp.models.store import Store
from lcapp.models.targets import all_targets
from lcapp.ui import jobs
from lcapp.ui.app import create_with_dialog
from lcapp.ui.jobs import BackgroundJob, run_with_progress
from lcapp.ui.main_window import MainWindow
from lcapp.ui.settings_dialog import SettingsDialog, save_office
from lcapp.ui.targets_dialog import TargetsDialog
from lcapp.ui.worker import DbWorker
from tests.conftest import table_rows
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
