"""Exports from the window: the file written off the UI thread (`ops.QueryOp` on its own read
connection) with a cancellable progress dialog and, at the end, the choice to open the file or
its folder.

An export is `fn(store, unit, period, path, progress_callback)` -- the signature the exports
share (`write_annex_workbook`, `write_report`, `write_figures_csv`); `progress_callback(done,
total[, label])` stops the export when the user presses "Hủy"; a label is shown in the dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from .ops import QueryOp


def open_path(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def offer_to_open(parent, title: str, path: Path) -> None:
    """"Đã ghi tệp": open the file, its folder, or close."""
    box = QMessageBox(QMessageBox.Information, title, f"Đã ghi tệp:\n{path}", QMessageBox.NoButton, parent)
    open_file = box.addButton("Mở tệp", QMessageBox.AcceptRole)
    open_folder = box.addButton("Mở thư mục", QMessageBox.ActionRole)
    box.addButton("Đóng", QMessageBox.RejectRole)
    box.exec()
    if box.clickedButton() is open_file:
        open_path(path)
    elif box.clickedButton() is open_folder:
        open_path(path.parent)


def run_export(parent, title: str, fn, unit: str | None, period, path: str | Path, *, ask_open: bool = True,
               db_path: str | Path | None = None):
    """Write `fn`'s file in the background with a progress dialog; at the end offer to open it
    (`ask_open`), or show why not. Returns the running operation."""
    path = Path(path)

    def written(result) -> None:
        if ask_open:
            offer_to_open(parent, title, Path(result) if result else path)

    def refused(message: str) -> None:
        if ask_open:
            QMessageBox.warning(parent, title, message)

    op = QueryOp(parent, lambda store, report: fn(store, unit, period, path, report), own_connection=True,
                 db_path=db_path)
    return op.with_progress(title, title, cancellable=True).success(written).failure(refused).run()


__all__ = ["offer_to_open", "open_path", "run_export"]
