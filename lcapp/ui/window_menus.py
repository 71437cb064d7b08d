"""The main window's menus and what their actions open: files and backups, targets, the
catalogue, settings, the exchange file and the reports (`MenuActions`, mixed into MainWindow).

Writes go through `ops.CollectionOp`, so the window refreshes from their changes alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .. import __version__


class MenuActions:
    """Tệp, Nhập liệu, Báo cáo and Trợ giúp (the lock actions are in window_locks.py)."""

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Tệp")
        self._action(file_menu, "Mở tệp dữ liệu…", self.open_database, QKeySequence.Open)
        self._action(file_menu, "Tạo tệp dữ liệu mới…", self.new_database, QKeySequence.New)
        self._action(file_menu, "Sao lưu tệp dữ liệu…", self.backup_database, "Ctrl+B")
        self._action(file_menu, "Phục hồi từ bản sao lưu…", self.restore_backup)
        file_menu.addSeparator()
        self._action(file_menu, "Xuất gói dữ liệu…", self.export_package)
        self._action(file_menu, "Nhập gói dữ liệu…", self.import_package)
        file_menu.addSeparator()
        self._action(file_menu, "Thoát", self.close, QKeySequence.Quit)

        entry_menu = bar.addMenu("&Nhập liệu")
        self.undo_action = self._action(entry_menu, "Hoàn tác", lambda: self.entry and self.entry.undo_stack.undo(),
                                        QKeySequence.Undo)
        self.redo_action = self._action(entry_menu, "Làm lại", lambda: self.entry and self.entry.undo_stack.redo())
        self._shortcuts.append((self.redo_action, [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]))
        for action in (self.undo_action, self.redo_action):
            action.setEnabled(False)
        entry_menu.addSeparator()
        self._action(entry_menu, "Kế hoạch…", self.show_targets, "Ctrl+K")
        self._action(entry_menu, "Danh mục chỉ tiêu…", self.show_catalogue)
        self._action(entry_menu, "Chi tiết ô", self.show_details, "Ctrl+Return")
        self._action(entry_menu, "Kiểm tra lại", self.run_checks, "F9")
        entry_menu.addSeparator()
        self.lock_action = self._action(entry_menu, "Khóa số liệu kỳ này", self.lock_month)
        self.unlock_action = self._action(entry_menu, "Mở khóa…", self.unlock_month)
        self.unlock_action.setEnabled(False)
        self._action(entry_menu, "Tình trạng khóa số liệu các đơn vị…", self.show_lock_status)
        entry_menu.addSeparator()
        self._action(entry_menu, "Cài đặt…", self.edit_settings)

        self.report_menu = bar.addMenu("&Báo cáo")
        self._action(self.report_menu, "Xuất số liệu trao đổi (CSV)…", self.export_csv)
        self.report_menu.addSeparator()
        self._action(self.report_menu, "Xuất biểu phụ lục (Excel)…", lambda: self.report_exports().export_annex())
        self._action(self.report_menu, "Xuất báo cáo PDF…", lambda: self.report_exports().export_report())
        self._action(self.report_menu, "Xuất báo cáo Word…", lambda: self.report_exports().export_report("docx"))

        help_menu = bar.addMenu("Trợ &giúp")
        self._action(help_menu, "Nơi lưu dữ liệu", self.show_data_location)
        self._action(help_menu, "Giới thiệu LCApp", self.show_about)

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            # Set when the panels are attached: a shortcut needs Qt's namespace enums (slow to create).
            self._shortcuts.append((action, [QKeySequence(shortcut)]))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- Nhập liệu ---------------------------------------------------------------------------------
    def show_targets(self) -> None:
        """Nhập liệu → Kế hoạch: each change is an operation, so the window follows as it is made."""
        if self.entry is None or self.unit is None:
            return
        from .targets_dialog import TargetsDialog

        year = self.period.year if self.period else date.today().year
        TargetsDialog(self.store, self.worker, self.unit, year, self).exec()

    def show_catalogue(self):
        """Nhập liệu → Danh mục chỉ tiêu (the dialog is returned, for the tests)."""
        if self.entry is None:
            return None
        from PySide6.QtCore import Qt

        from .catalogue_dialog import CatalogueDialog

        dialog = CatalogueDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def edit_settings(self) -> None:
        if self.entry is None:
            return
        from ..models.changes import Changes
        from .ops import CollectionOp
        from .settings_dialog import SettingsDialog, save_office

        dialog = SettingsDialog(self.store, parent=self)
        if dialog.exec():
            values = dialog.values()
            CollectionOp(self, lambda s: (save_office(s, values), Changes(settings=True))).success(
                lambda _r: self.say_saved("Đã lưu cài đặt")).run()

    # -- Tệp ----------------------------------------------------------------------------------------
    def backup_database(self) -> None:
        from ..models.file_names import dated_file_name

        suggested = str(self.path.with_name(dated_file_name(f"Sao lưu {self.path.stem}", ".sqlite", with_time=True)))
        target, _ = QFileDialog.getSaveFileName(self, "Sao lưu tệp dữ liệu", suggested, "Tệp dữ liệu (*.sqlite)")
        if target:
            self.backup_to(Path(target))

    def backup_to(self, target: Path) -> None:
        """Copy the database with SQLite's backup API, on the worker after every queued write."""
        if self.worker is None:
            return
        if target.resolve() == self.path.resolve():
            self.say_failed("Không sao lưu đè lên chính tệp đang dùng.")
            return
        from .ops import QueryOp

        QueryOp(self, lambda s: s.backup_to(target)).success(
            lambda _r: self.say_saved(f"Đã sao lưu vào {target}")).run()

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Mở tệp dữ liệu", str(self.path.parent),
                                              "Tệp dữ liệu (*.sqlite);;Mọi tệp (*)")
        if path:
            from .app import open_main_window
            if open_main_window(Path(path), self):
                self.close()

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Tạo tệp dữ liệu mới", str(self.path.parent / "Tệp dữ liệu mới.sqlite"),
                                              "Tệp dữ liệu (*.sqlite)")
        if path:
            from .app import create_with_dialog, open_main_window
            if Path(path).exists():
                QMessageBox.warning(self, "Tạo tệp dữ liệu mới", f"Tệp {path} đã có; hãy chọn tên khác.")
                return
            if create_with_dialog(Path(path), self) and open_main_window(Path(path), self):
                self.close()

    def export_package(self):
        if self.entry is None:
            return None
        from .package_export import export_package_dialog

        return export_package_dialog(self)

    def import_package(self):
        if self.entry is None:
            return None
        from .package_import import import_package_dialog

        return import_package_dialog(self)

    def restore_backup(self) -> None:
        if self.entry is None:
            return
        from .backup_dialogs import restore_dialog

        restore_dialog(self)

    # -- Báo cáo ----------------------------------------------------------------------------------
    def export_csv(self):
        if self.entry is None:
            return None
        from ..export.figures_file import write_figures_csv
        from ..models.file_names import dated_file_name
        from .jobs import run_export

        suggested = str(Path.home() / dated_file_name("Số liệu trao đổi", ".csv"))
        target, _ = QFileDialog.getSaveFileName(self, "Xuất số liệu trao đổi", suggested, "CSV (*.csv)")
        if not target:
            return None
        return run_export(self, "Xuất số liệu trao đổi (CSV)", write_figures_csv, self.unit, self.period, target)

    def report_exports(self):
        """Báo cáo → Excel annex and the report as PDF or Word (lcapp/ui/report_export.py)."""
        if self._report_exports is None:
            from .report_export import ReportExports

            self._report_exports = ReportExports(self)
        return self._report_exports

    # -- Trợ giúp ---------------------------------------------------------------------------------
    def show_data_location(self) -> None:
        from ..paths import data_dir

        QMessageBox.information(self, "Nơi lưu dữ liệu",
                                f"Tệp dữ liệu đang dùng:\n{self.path}\n\nThư mục dữ liệu của chương trình:\n"
                                f"{data_dir()}\n\nHãy sao lưu tệp dữ liệu thường xuyên (Tệp → Sao lưu).")

    def show_about(self) -> None:
        QMessageBox.about(self, "Giới thiệu LCApp",
                          f"<b>LCApp {__version__}</b><br>Số liệu và báo cáo kinh tế - xã hội hằng tháng "
                          "của chính quyền địa phương tỉnh Lai Châu.<br><br>"
                          f"Tệp dữ liệu: {self.path}")
