"""Long jobs (exports) in the background with a progress dialog and, at the end, the choice to
open the file or its folder.

A job is `fn(store, unit, period, path, progress_callback)` -- the signature the exports share
(`write_annex_workbook`, `write_report_pdf`, `write_figures_csv`). It runs on its own thread
with its own read connection, so entering figures goes on meanwhile; `progress_callback(done,
total[, label])` raises to cancel when the user presses "Hủy"; a label is shown in the dialog.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from ..models.errors import DatabaseError, InputError
from ..models.figure_data import keep_figure_results
from ..models.store import Store


class JobCancelled(Exception):
    pass


def call_with_own_store(db_path: str | Path, call):
    """Run `call(store)` on this thread with its own connection, closed afterwards.

    Returns (result, None), or (None, a Vietnamese message) when it failed; JobCancelled passes
    through for the caller to report.
    """
    store = None
    try:
        store = Store(db_path)
        store.keeps_figure_cache = True  # off the UI thread: may keep computed sums
        result = call(store)
        keep_figure_results(store)
        return result, None
    except JobCancelled:
        raise
    except (InputError, DatabaseError, OSError) as error:
        return None, str(error)
    except Exception as error:  # noqa: BLE001 - shown to the user instead of a silent thread death
        return None, f"Lỗi chương trình: {error!r}"
    finally:
        if store is not None:
            store.close()


class BackgroundJob(QObject):
    """Runs one job on a thread; signals come back on the UI thread."""

    progressed = Signal(int, int)
    said = Signal(str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, db_path: str | Path, fn, unit: str | None, period, path: str | Path, parent=None):
        super().__init__(parent)
        self.db_path, self.fn, self.unit, self.period, self.path = Path(db_path), fn, unit, period, Path(path)
        self.cancelled = threading.Event()
        self.thread: threading.Thread | None = None

    def _callback(self, done: int, total: int, label: str | None = None) -> None:
        if self.cancelled.is_set():
            raise JobCancelled()
        if label:
            self.said.emit(str(label))
        self.progressed.emit(int(done), int(total))

    def _run(self) -> None:
        try:
            result, error = call_with_own_store(
                self.db_path, lambda store: self.fn(store, self.unit, self.period, self.path, self._callback))
        except JobCancelled:
            self.failed.emit("Đã hủy; không có tệp nào được ghi.")
            return
        if error is not None:
            self.failed.emit(error)
            return
        self.succeeded.emit(Path(result) if result else self.path)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="lcapp-job", daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        self.cancelled.set()


def open_path(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def run_with_progress(parent, title: str, job: BackgroundJob, *, ask_open: bool = True) -> QProgressDialog:
    """Show a progress dialog for `job`, start it, and at the end offer to open the file or folder."""
    dialog = QProgressDialog(title, "Hủy", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))

    def finished_ok(path: Path) -> None:
        dialog.close()
        if not ask_open:
            return
        box = QMessageBox(QMessageBox.Information, title, f"Đã ghi tệp:\n{path}", QMessageBox.NoButton, parent)
        open_file = box.addButton("Mở tệp", QMessageBox.AcceptRole)
        open_folder = box.addButton("Mở thư mục", QMessageBox.ActionRole)
        box.addButton("Đóng", QMessageBox.RejectRole)
        box.exec()
        if box.clickedButton() is open_file:
            open_path(path)
        elif box.clickedButton() is open_folder:
            open_path(path.parent)

    def finished_bad(message: str) -> None:
        dialog.close()
        if ask_open:
            QMessageBox.warning(parent, title, message)

    job.progressed.connect(progressed)
    job.said.connect(dialog.setLabelText)
    job.succeeded.connect(finished_ok)
    job.failed.connect(finished_bad)
    dialog.canceled.connect(job.cancel)
    job.start()
    return dialog
