"""USB handover, locks, backups and unexpected errors in the window, used like a person would."""

import logging
import sys

import pytest
from PySide6.QtCore import QPersistentModelIndex, QSettings, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFileDialog, QMessageBox

from lcapp import app_log
from lcapp.models.backup import backup, integrity_problems
from lcapp.models.figures import enter, history
from lcapp.models.handover import export_package
from lcapp.models.locks import lock_history
from lcapp.models.merge import CHANGED, CONFLICT, NEW, REFUSED
from lcapp.models.store import Store
from lcapp.ui import crash, package_export
from lcapp.ui.backup_dialogs import RestoreDialog, StartProblemDialog, check_database_on_start
from lcapp.ui.grid_model import VALUE
from lcapp.ui.package_export import ExportDialog, package_name
from lcapp.ui.package_import import ImportDialog
from lcapp.ui.package_preview import DECISION, KIND, PreviewModel
from lcapp.ui.main_window import MainWindow
from tests import ui_helpers
from tests.conftest import file_digest, table_rows
from tests.handover_helpers import GOODS, MONTH, RETAIL, TOURISTS, WARD, figure, office
from tests.ui_helpers import idle, shown, when_modal


def open_window(qtbot, path, unit, month=MONTH) -> MainWindow:
    return ui_helpers.open_window(qtbot, path, unit, month)


def figure_at(path, indicator, unit=WARD, month=202405):
    store = Store(path)
    try:
        return figure(store, unit, month, indicator)
    finally:
        store.close()


@pytest.fixture
def offices(tmp_path):
    ward, city = office(tmp_path / "ward.sqlite", WARD), office(tmp_path / "city.sqlite", "tp_lai_chau")
    enter(ward, WARD, MONTH, RETAIL, 100, user="Lò Thị Mai")
    enter(ward, WARD, MONTH, TOURISTS, 10, user="Lò Thị Mai")
    yield ward, city
    ward.close()
    city.close()


def export_through_the_window(qtbot, window, target, monkeypatch):
    """Tệp → Xuất gói dữ liệu: the default unit and month, the save dialog answered with `target`."""
    suggested = []

    def save_name(parent, title, default, filters):
        suggested.append(default)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    seen = []

    def accept(dialog):
        seen.append((dialog.chosen_unit(), dialog.chosen_months()))
        dialog.accept()

    when_modal(accept)
    window.export_package()
    qtbot.waitUntil(lambda: shown(window, QMessageBox) is not None, timeout=10000)
    return suggested, seen


def import_through_the_window(qtbot, window, source, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(source), ""))
    window.import_package()
    qtbot.waitUntil(lambda: shown(window, ImportDialog) is not None, timeout=10000)
    return shown(window, ImportDialog)


def kinds_by_indicator(model: PreviewModel) -> dict[str, str]:
    return {row.key[2]: row.status for row in model.rows if row.kind == "figure"}


def test_export_a_package_and_import_it_into_another_office_through_the_preview(offices, tmp_path, qtbot,
                                                                             monkeypatch, qtmodeltester):
    ward, city = offices
    opened = []
    monkeypatch.setattr(package_export, "open_folder", opened.append)
    sender = open_window(qtbot, ward.path, WARD)
    first = tmp_path / "usb" / "goi-1.lcpkg"
    first.parent.mkdir()
    suggested, seen = export_through_the_window(qtbot, sender, first, monkeypatch)
    assert seen == [(WARD, [MONTH])]
    assert suggested[0].endswith("Gói dữ liệu tháng 5-2024 - Phường Tân Phong.lcpkg")
    box = shown(sender, QMessageBox)
    assert first.exists() and str(first) in box.text()
    box.buttons()[0].click()  # "Mở thư mục"
    assert opened == [first.parent]

    # The first package from this ward: an unknown sender needs explicit acceptance.
    receiver = open_window(qtbot, city.path, WARD)
    dialog = import_through_the_window(qtbot, receiver, first, monkeypatch)
    qtmodeltester.check(dialog.model)
    assert kinds_by_indicator(dialog.model) == {RETAIL: NEW, TOURISTS: NEW}
    assert dialog.warning.isVisible() and "máy gửi chưa biết" in dialog.warning.text()
    assert not dialog.import_button.isEnabled()
    dialog.accept_sender.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    idle(qtbot, receiver)
    assert figure_at(city.path, RETAIL)["month_value"] == 100
    assert "Đã nhập 2 số mới" in receiver.statusBar().currentMessage()

    # Changed there only, changed on both sides, and new: the three kinds, and a decision per row.
    enter(ward, WARD, MONTH, RETAIL, 120, user="Lò Thị Mai")
    enter(ward, WARD, MONTH, TOURISTS, 11, user="Lò Thị Mai")
    enter(ward, WARD, MONTH, GOODS, 50, user="Lò Thị Mai")
    enter(city, WARD, MONTH, TOURISTS, 12, user="Trần Văn Bình")
    second = tmp_path / "usb" / "goi-2.lcpkg"
    export_package(ward, WARD, [MONTH], second)
    dialog = import_through_the_window(qtbot, receiver, second, monkeypatch)
    model = dialog.model
    qtmodeltester.check(model)
    qtmodeltester.check(dialog.proxy)
    assert kinds_by_indicator(model) == {RETAIL: CHANGED, TOURISTS: CONFLICT, GOODS: NEW}
    assert not dialog.warning.isVisible() and dialog.import_button.isEnabled()
    conflict = model.row_of("figure", [WARD, 202405, TOURISTS])
    assert model.index(conflict, KIND).data() == "xung đột"
    assert model.index(conflict, 4).data() == "tháng 12" and model.index(conflict, 5).data() == "tháng 11"
    assert model.index(conflict, 6).data() == "Lò Thị Mai"
    assert model.index(conflict, DECISION).data() == "chưa chọn"
    assert "1 xung đột chưa chọn" in dialog.note.text()
    # Filter to conflicts; sort by kind puts conflicts first anyway.
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(CONFLICT))
    assert dialog.proxy.rowCount() == 1
    dialog.kind_box.setCurrentIndex(0)
    assert dialog.proxy.rowCount() == 3 and dialog.proxy.index(0, KIND).data() == "xung đột"
    # "For all" keeps ours, then this one row takes the package's figure.
    dialog.keep_all.click()
    assert model.index(conflict, DECISION).data() == "giữ số đã có" and dialog.note.text() == ""
    assert model.setData(model.index(conflict, DECISION), "theirs")
    assert model.index(conflict, DECISION).data() == "lấy số trong gói"
    assert not model.setData(model.index(model.row_of("figure", [WARD, 202405, RETAIL]), DECISION), "theirs")
    dialog.import_button.click()
    idle(qtbot, receiver)
    qtbot.waitUntil(lambda: shown(receiver, QMessageBox) is not None, timeout=10000)
    said = shown(receiver, QMessageBox).text()  # what was written, as the import says it
    assert "1 xung đột lấy số trong gói" in said and "chưa quyết định" not in said
    assert [figure_at(city.path, code)["month_value"] for code in (RETAIL, TOURISTS, GOODS)] == [120, 11, 50]
    assert {h["action"] for h in history(city, WARD, MONTH, TOURISTS)} >= {"import-theirs"}
    assert 12 in [h["month_value"] for h in history(city, WARD, MONTH, TOURISTS)]  # ours stays in history
    sender.close()
    receiver.close()


def test_a_bad_file_shows_its_message_and_changes_nothing(offices, tmp_path, qtbot, monkeypatch):
    ward, city = offices
    package = tmp_path / "goi.lcpkg"
    export_package(ward, WARD, [MONTH], package)
    truncated = tmp_path / "cut.lcpkg"
    truncated.write_bytes(package.read_bytes()[: package.stat().st_size // 2])
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    window = open_window(qtbot, city.path, WARD)
    idle(qtbot, window)
    rows, digest = table_rows(city), file_digest(city.path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(truncated), ""))
    window.import_package()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    assert "bị từ chối" in warnings[0] or "hỏng" in warnings[0]
    assert shown(window, ImportDialog) is None
    assert table_rows(city) == rows and file_digest(city.path) == digest
    window.close()


def test_a_locked_month_refuses_typing_and_unlocking_asks_the_reason(demo_path, qtbot, monkeypatch):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    assert not window.lock_label.isVisible() and window.unlock_action.isEnabled() is False
    window.lock_month()
    idle(qtbot, window)
    assert window.lock_label.isVisible() and not window.lock_action.isEnabled()
    assert tab.narrative.isReadOnly()
    grid, model = tab.grid, tab.model
    before = figure_at(demo_path, "tm_ban_le", "tp_lai_chau", 202406)
    grid.setCurrentIndex(model.index_of("tm_ban_le", VALUE))
    grid.setFocus()
    qtbot.keyClick(grid, "5")
    assert grid.state() != QAbstractItemView.EditingState
    assert "đã khóa" in window.statusBar().currentMessage()
    qtbot.keyClick(grid, Qt.Key_Delete)
    idle(qtbot, window)
    assert figure_at(demo_path, "tm_ban_le", "tp_lai_chau", 202406) == before
    # Another month is open again; back to the locked one, still locked.
    window.month_box.setValue(5)
    assert not window.lock_label.isVisible() and grid.editTriggers() != QAbstractItemView.NoEditTriggers
    window.month_box.setValue(6)
    assert window.lock_label.isVisible()

    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **kw: ("Sửa số liệu báo sai", True))
    window.unlock_month()
    idle(qtbot, window)
    assert not window.lock_label.isVisible() and not tab.narrative.isReadOnly()
    store = Store(demo_path)
    assert [(h["action"], h["reason"]) for h in lock_history(store, "tp_lai_chau")][-1] == \
        ("unlock", "Sửa số liệu báo sai")
    store.close()
    grid.setCurrentIndex(model.index_of("tm_ban_le", VALUE))
    grid.setFocus()
    qtbot.keyClick(grid, "5")
    assert grid.state() == QAbstractItemView.EditingState
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)  # the open editor: nothing saved
    assert grid.state() != QAbstractItemView.EditingState
    window.close()


def test_unlocking_without_a_reason_is_refused(demo_path, qtbot, monkeypatch):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    window.lock_month()
    idle(qtbot, window)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **kw: ("  ", True))
    window.unlock_month()
    idle(qtbot, window)
    assert warnings == ["Mở khóa số liệu phải ghi lý do."] and window.lock_label.isVisible()
    window.close()


def test_the_export_dialog_defaults_and_names(demo_path, qtbot):
    store = Store(demo_path)
    dialog = ExportDialog(store, "p_tan_phong", "202405")
    qtbot.addWidget(dialog)
    assert dialog.chosen_unit() == "p_tan_phong" and dialog.chosen_months() == ["202405"]
    dialog.set_months([1, 2, 3])
    assert dialog.chosen_months() == ["202401", "202402", "202403"]
    dialog.set_months([])
    from PySide6.QtWidgets import QDialogButtonBox
    assert not dialog.buttons.button(QDialogButtonBox.Ok).isEnabled()
    assert package_name(store, "p_tan_phong", ["202403", "202401"]) == \
        "Gói dữ liệu tháng 1-2024 đến tháng 3-2024 - Phường Tân Phong.lcpkg"
    store.close()


def test_refused_rows_are_shown_as_refused(offices, tmp_path, qtbot):
    from lcapp.intake.incoming import open_incoming
    from lcapp.models.locks import lock
    ward, city = offices
    package = tmp_path / "goi.lcpkg"
    export_package(ward, WARD, [MONTH], package)
    lock(city, WARD, MONTH)
    dialog = ImportDialog(city, open_incoming(city, package))
    qtbot.addWidget(dialog)
    assert set(kinds_by_indicator(dialog.model).values()) == {REFUSED}
    assert "bị từ chối" in dialog.note.text()
    assert dialog.model.index(0, KIND).data(Qt.ToolTipRole).endswith("đã khóa số liệu")


def test_restore_shows_what_the_backup_holds_first(demo_path, tmp_path, qtbot, monkeypatch):
    store = Store(demo_path)
    before = figure(store, "tp_lai_chau", 202406, "tm_ban_le")
    saved = backup(store, tmp_path / "backups")
    store.close()
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    enter(window.store, "tp_lai_chau", "202406", "tm_ban_le", 9999)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(saved), ""))
    window.restore_backup()
    qtbot.waitUntil(lambda: shown(window, RestoreDialog) is not None, timeout=10000)
    dialog = shown(window, RestoreDialog)
    assert dialog.info.path == saved and dialog.info.same_installation
    assert dialog.table.item(1, 1).text() != dialog.table.item(1, 2).text()  # one more history row now
    assert figure_at(demo_path, "tm_ban_le", "tp_lai_chau", 202406)["month_value"] == 9999
    dialog.restore_button.click()
    idle(qtbot, window)
    assert figure_at(demo_path, "tm_ban_le", "tp_lai_chau", 202406) == before
    assert list((demo_path.parent / "sao-luu").glob("*truoc-khi-phuc-hoi*.sqlite"))
    assert "Đã phục hồi" in window.statusBar().currentMessage()
    window.close()


def test_closing_makes_an_automatic_backup_keeping_the_last_n(demo_path, qtbot):
    QSettings().setValue("backup/keep", 2)
    for _ in range(3):
        window = MainWindow(demo_path)
        qtbot.addWidget(window)
        window.close()
    made = sorted((demo_path.parent / "sao-luu").glob("demo-tu-dong-*.sqlite"))
    assert len(made) == 2 and all(integrity_problems(p) == [] for p in made)


def damage(path, *, backed_up=True, only_last_page=False) -> None:
    """Back the file up beside it, then spoil b-tree page headers (every one but the first, or the last)."""
    store = Store(path)
    if backed_up:
        backup(store, path.parent / "sao-luu")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    pages = [len(data) - page_size] if only_last_page else range(page_size * 2, len(data), page_size)
    for at in pages:
        data[at] = 0x55
    path.write_bytes(bytes(data))


def test_a_damaged_file_on_start_offers_its_backups_and_restores_one(demo_path, qtbot, monkeypatch):
    damage(demo_path)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: told.append(text))

    def choose(dialog):
        assert isinstance(dialog, StartProblemDialog) and dialog.backups.count() == 1
        dialog.restore_button.click()

    when_modal(choose)
    assert check_database_on_start(demo_path) == demo_path
    assert integrity_problems(demo_path) == [] and "Đã phục hồi" in told[0]
    assert list(demo_path.parent.glob("demo.hong-*.sqlite"))


def test_a_damaged_file_on_start_can_be_left_with_quit(demo_path, qtbot):
    demo_path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8000)
    when_modal(lambda dialog: dialog.quit_button.click())
    assert check_database_on_start(demo_path) is None
    assert demo_path.read_bytes() == b"SQLite format 3\x00" + b"\x07" * 8000


def test_an_unexpected_error_is_logged_and_explained(tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(app_log, "data_dir", lambda: tmp_path)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown = []
    monkeypatch.setattr(crash.QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    logger = logging.getLogger("lcapp")
    old_handlers = list(logger.handlers)
    try:
        for handler in old_handlers:
            logger.removeHandler(handler)
        crash.install_excepthook()
        assert sys.excepthook is crash.report_unexpected
        path = crash.start_log()
        try:
            raise ValueError("lỗi thử nghiệm")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        text = path.read_text(encoding="utf-8")
        assert "Traceback" in text and "ValueError: lỗi thử nghiệm" in text
        assert len(shown) == 1 and str(path) in shown[0] and "Số liệu đã lưu trước đó vẫn an toàn" in shown[0]
    finally:
        for handler in list(logger.handlers):
            if handler not in old_handlers:
                handler.close()
                logger.removeHandler(handler)
        for handler in old_handlers:
            logger.addHandler(handler)



def test_a_file_too_damaged_to_open_offers_its_backups_then_opens(demo_path, qtbot, monkeypatch):
    from lcapp.ui.app import _windows, open_main_window
    damage(demo_path)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    when_modal(lambda dialog: dialog.restore_button.click())
    window = open_main_window(demo_path)
    assert window is not None and window.path == demo_path and window.store.installation_id
    qtbot.waitUntil(lambda: window.entry is not None, timeout=10000)
    window.close()
    _windows.remove(window)


def test_the_check_after_start_closes_a_window_on_a_damaged_file(demo_path, qtbot):
    from lcapp.ui.backup_dialogs import check_after_start
    damage(demo_path, only_last_page=True)
    window = MainWindow(demo_path, defer_data=True)
    qtbot.addWidget(window)
    window.show()
    reopened = []
    when_modal(lambda dialog: dialog.quit_button.click())
    check_after_start(window, reopened.append)
    qtbot.waitUntil(lambda: window.damaged and not window.isVisible(), timeout=10000)
    assert reopened == [] and not list((demo_path.parent / "sao-luu").glob("*tu-dong*"))


def test_the_check_after_start_leaves_a_healthy_file_alone(demo_path, qtbot):
    from lcapp.ui.backup_dialogs import check_after_start
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    job = check_after_start(window, lambda path: None)
    job.thread.join(10)
    qtbot.wait(50)
    assert window.isVisible() and not window.damaged
    window.close()


def test_a_csv_file_goes_through_the_same_preview(offices, tmp_path, qtbot, qtmodeltester):
    from lcapp.export.figures_file import write_figures_csv
    from lcapp.intake.incoming import open_incoming
    ward, city = offices
    csv = write_figures_csv(ward, WARD, MONTH, tmp_path / "so-lieu.csv")
    dialog = ImportDialog(city, open_incoming(city, csv))
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert kinds_by_indicator(dialog.model) == {RETAIL: NEW, TOURISTS: NEW}
    assert "Tệp trao đổi" in dialog.summary.text() and not dialog.warning.isVisible()
    assert dialog.import_button.isEnabled() and not dialog.take_all.isEnabled()
    result = dialog.incoming.apply(city)
    assert result.written["written"] == 2 and figure(city, WARD, 202405, RETAIL)["month_value"] == 100


def test_main_installs_the_hook_starts_the_log_and_checks_the_file(demo_path, tmp_path, qtbot, monkeypatch):
    from lcapp.ui import app as app_module
    monkeypatch.setattr(app_log, "data_dir", lambda: tmp_path / "data")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    started = []
    real_after_start = app_module.after_start

    def after_start(window):
        check = real_after_start(window)
        started.append(window)
        check.thread.join(10)
        QTimer.singleShot(100, window.close)
        QTimer.singleShot(150, QApplication.instance().quit)

    monkeypatch.setattr(app_module, "after_start", after_start)
    logger = logging.getLogger("lcapp")
    old_handlers = list(logger.handlers)
    try:
        assert app_module.main(["--db", str(demo_path)]) == 0
        assert sys.excepthook is crash.report_unexpected
        assert (tmp_path / "data" / "logs" / "lcapp.log").exists()
        assert started and not started[0].damaged
    finally:
        for handler in list(logger.handlers):
            if handler not in old_handlers:
                handler.close()
                logger.removeHandler(handler)
        app_module._windows.clear()


def test_the_decision_cell_is_a_list_of_the_two_choices(demo_path, qtbot):
    from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

    from lcapp.models.merge import Preview, PreviewRow
    from lcapp.ui.package_preview import DecisionDelegate
    values = {"month_value": 1.5, "ytd_value": None, "term_value": None, "status": "uoc", "comment": ""}
    rows = [PreviewRow("figure", [WARD, 202405, RETAIL], CONFLICT, dict(values, month_value=2), values, "Mai",
                       "2024-06-03T08:15:00", "cả hai nơi đều sửa"),
            PreviewRow("figure", [WARD, 202405, GOODS], NEW, None, values, "Mai", "2024-06-03T08:15:00")]
    store = Store(demo_path)
    model = PreviewModel(store, Preview("package", "abc", WARD, [202405], "known", "abc", rows))
    store.close()
    index = model.index(0, DECISION)
    assert model.index(0, 4).data() == "tháng 2" and model.index(0, 5).data() == "tháng 1,5"
    assert model.index(0, 7).data() == "03/06/2024 08:15" and model.index(0, 1).data() == "Tháng 05/2024"
    assert not model.flags(model.index(1, DECISION)) & Qt.ItemIsEditable
    delegate = DecisionDelegate()
    editor = delegate.createEditor(None, QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox) and [editor.itemText(i) for i in range(2)] == \
        ["giữ số đã có", "lấy số trong gói"]
    delegate.setEditorData(editor, index)
    editor.setCurrentIndex(1)
    delegate.setModelData(editor, model, index)
    assert model.decisions == {f"figure:{WARD}|202405|{RETAIL}": "theirs"} and model.undecided() == 0
    editor.deleteLater()
    # Sorting moves the rows, their decisions and the indexes kept on them.
    kept = QPersistentModelIndex(model.index(0, DECISION))
    names = [model.index(i, 2).data() for i in range(2)]
    model.sort(2, Qt.AscendingOrder)
    assert [model.index(i, 2).data() for i in range(2)] == sorted(names, key=str.casefold)
    model.sort(2, Qt.DescendingOrder)
    assert [model.index(i, 2).data() for i in range(2)] == sorted(names, key=str.casefold, reverse=True)
    assert model.index(kept.row(), DECISION).data() == "lấy số trong gói"
    model.sort(KIND, Qt.AscendingOrder)
    assert model.index(0, KIND).data() == "xung đột" and kept.row() == 0
