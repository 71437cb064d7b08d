"""Backups in the window: restore with a preview first, the automatic backup on exit, and the way
out when the database file fails its integrity check on start.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..models.backup import DEFAULT_KEEP, auto_backup, backup_folder, restore, restore_preview, session_backup
from ..models.errors import DatabaseError, InputError

log = logging.getLogger("lcapp.backup")

KEEP_SETTING = "backup/keep"  # QSettings key: how many automatic backups to keep
TABLE_LABELS = {"figures": "Số liệu", "figure_history": "Lịch sử sửa số liệu", "narratives": "Nội dung báo cáo",
                "targets": "Kế hoạch", "period_locks": "Tháng đã khóa"}


def keep_count(settings) -> int:
    """N automatic backups to keep (a setting; 10 unless changed)."""
    try:
        return max(1, int(settings.value(KEEP_SETTING, DEFAULT_KEEP)))
    except (TypeError, ValueError):
        return DEFAULT_KEEP


def backup_on_exit(store, settings) -> Path | None:
    """The automatic backup on exit; a failure is logged, never stops the program from closing."""
    try:
        return auto_backup(store, keep=keep_count(settings))
    except (InputError, DatabaseError) as error:  # DatabaseError: the file fails its integrity check
        log.warning("automatic backup on exit failed: %s", error)
        return None


def backup_on_start(window, settings) -> None:
    """The session's backup, queued on the window's DB worker before any write; a failure is logged
    and shown in the status bar, and the program goes on (typing is still saved)."""
    from .ops import QueryOp

    keep = keep_count(settings)

    def failed(message: str) -> None:
        log.warning("backup at the start of the session failed: %s", message)
        window.say_failed(f"chưa sao lưu được đầu phiên làm việc ({message})")

    QueryOp(window, lambda store: session_backup(store, keep=keep)).failure(failed).run()


class RestoreDialog(QDialog):
    """What a backup holds beside what the database holds now; "Phục hồi" replaces it."""

    def __init__(self, info, parent=None):
        from ..models.numbers import format_number  # Babel: not at start, where this module is imported

        super().__init__(parent)
        self.info = info
        self.setWindowTitle("Phục hồi từ bản sao lưu")
        layout = QVBoxLayout(self)
        text = (f"<b>{info.path.name}</b><br>Tạo lúc: {info.modified_at.replace('T', ' ')}<br>"
                f"Phiên bản cấu trúc dữ liệu: {info.schema_version}")
        self.text = QLabel(text, self)
        layout.addWidget(self.text)
        if not info.same_installation:
            warning = QLabel("Cảnh báo: bản sao lưu này là của một máy khác, không phải của tệp đang dùng.", self)
            warning.setWordWrap(True)
            warning.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px")
            layout.addWidget(warning)
        self.table = QTableWidget(len(TABLE_LABELS), 3, self)
        self.table.setHorizontalHeaderLabels(["", "Hiện có", "Trong bản sao lưu"])
        self.table.verticalHeader().setVisible(False)
        for row, (table, label) in enumerate(TABLE_LABELS.items()):
            cells = (label, format_number(info.counts_now.get(table, 0), 0),
                     format_number(info.counts_backup.get(table, 0), 0))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemIsEnabled)
                if column:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        note = QLabel("Phục hồi sẽ thay toàn bộ dữ liệu hiện có bằng bản sao lưu. Dữ liệu hiện có được sao lưu "
                      "trước (tên bắt đầu bằng “truoc-khi-phuc-hoi”), nên vẫn lấy lại được.", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton("Phục hồi", QDialogButtonBox.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def restore_dialog(window):
    """Tệp → Phục hồi từ bản sao lưu: choose a backup, see what it holds, then restore on the worker.
    Returns the operation reading the backup (None when no file was chosen)."""
    from ..models.changes import EVERYTHING
    from .ops import CollectionOp, QueryOp

    if window.worker is None:
        return None
    title = "Phục hồi từ bản sao lưu"
    path, _ = QFileDialog.getOpenFileName(window, title, str(backup_folder(window.store)),
                                          "Tệp dữ liệu (*.sqlite);;Mọi tệp (*)")
    if not path:
        return None
    path = Path(path)

    def refused(message: str) -> None:
        window.say_failed(message)
        QMessageBox.warning(window, title, message)

    def restored(safety: Path) -> None:
        window.say_saved(f"Đã phục hồi từ {path.name}; bản trước khi phục hồi: {safety.name}")

    def previewed(info) -> None:
        dialog = RestoreDialog(info, window)
        dialog.accepted.connect(lambda: CollectionOp(window, lambda s: (restore(s, path), EVERYTHING))
                                .success(restored).failure(refused).run())
        dialog.open()

    return QueryOp(window, lambda s: restore_preview(s, path)).success(previewed).failure(refused).run()


class StartProblemDialog(QDialog):
    """The database file failed its check: restore one of its backups, open another file, or quit."""

    RESTORE, OPEN, QUIT = "restore", "open", "quit"

    def __init__(self, path: Path, check, parent=None):
        super().__init__(parent)
        self.choice, self.chosen = self.QUIT, None
        self.setWindowTitle("Tệp dữ liệu bị hỏng")
        layout = QVBoxLayout(self)
        text = QLabel(f"<b>Tệp dữ liệu {path} không qua được bước kiểm tra khi mở.</b><br><br>{check.message}<br><br>"
                      "Chưa có gì bị xóa: khi phục hồi, tệp hỏng được giữ lại bên cạnh (tên có “hong”).", self)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(text)
        self.backups = QListWidget(self)
        for found in check.backups:
            item = QListWidgetItem(found.name, self.backups)
            item.setData(Qt.UserRole, str(found))
        if check.backups:
            self.backups.setCurrentRow(0)
            layout.addWidget(QLabel("Các bản sao lưu (mới nhất trước):", self))
            layout.addWidget(self.backups)
        else:
            self.backups.hide()
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("Phục hồi bản đã chọn", self)
        self.restore_button.setEnabled(bool(check.backups))
        self.open_button = QPushButton("Mở tệp khác…", self)
        self.quit_button = QPushButton("Thoát", self)
        buttons.addButton(self.restore_button, QDialogButtonBox.AcceptRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.RejectRole)
        self.restore_button.clicked.connect(lambda: self._choose(self.RESTORE))
        self.open_button.clicked.connect(lambda: self._choose(self.OPEN))
        self.quit_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == self.RESTORE:
            item = self.backups.currentItem()
            self.chosen = Path(item.data(Qt.UserRole)) if item else None
        self.accept()


def check_database_on_start(path: Path, parent=None) -> Path | None:
    """The integrity check before the window opens: the file to open (this one, restored, or
    another one the user chose), or None to quit."""
    from ..models.backup import backup_folder_for, check_on_start, replace_damaged

    while True:
        check = check_on_start(path, backup_folder_for(path))
        if check.ok:
            return path
        log.error("integrity check failed on %s: %s", path, "; ".join(check.problems))
        dialog = StartProblemDialog(path, check, parent)
        if not dialog.exec() or dialog.choice == StartProblemDialog.QUIT:
            return None
        if dialog.choice == StartProblemDialog.OPEN:
            other, _ = QFileDialog.getOpenFileName(parent, "Mở tệp dữ liệu", str(path.parent),
                                                   "Tệp dữ liệu (*.sqlite);;Mọi tệp (*)")
            if other:
                path = Path(other)
            continue
        try:
            aside = replace_damaged(path, dialog.chosen)
        except InputError as error:
            QMessageBox.warning(parent, "Phục hồi", str(error))
            continue
        log.warning("replaced damaged %s by %s; damaged file kept as %s", path, dialog.chosen, aside)
        QMessageBox.information(parent, "Phục hồi", f"Đã phục hồi từ {dialog.chosen.name}.\n"
                                                     f"Tệp hỏng được giữ lại: {aside.name}")
        return path


def check_after_start(window, reopen):
    """The integrity check on start, once the window shows, off the UI thread (a 10-year file takes
    about 0,4 s to check, too long to hold the window back for). When the file fails it, the
    window closes (without its automatic backup) and the way out is offered: `reopen(path)` opens
    the restored or the chosen file. Returns the running operation."""
    from ..models.backup import integrity_problems
    from .ops import QueryOp

    path = window.path

    def done(problems) -> None:
        if not problems or window.damaged:
            return
        window.close_damaged()
        chosen = check_database_on_start(path, None)
        if chosen is not None:
            reopen(chosen)

    return QueryOp(window, lambda _none: integrity_problems(path), own_connection=True, needs_store=False,
                   db_path=path).success(done).run()
