"""Tệp → Xuất gói dữ liệu: the unit and months of a USB package, where to save it, and the
export off the UI thread (an ops.QueryOp on its own read connection) with its progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
)

from ..models.numbers import format_number
from ..models.organisation import KIND_LABELS, organisation
from ..models.periods import parse_period
from ..models.store import Store

PACKAGE_SUFFIX = ".lcpkg"


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def reporting_unit(store: Store, code: str) -> str:
    """A department's figures travel in its city's package."""
    unit = organisation(store).unit(code)
    return unit.reports_for if unit.is_department else unit.code


def package_name(store: Store, unit: str, months: list[str]) -> str:
    """ "Gói dữ liệu tháng 5-2024 - Phường Đoàn Kết.lcpkg": one month, or the first and last of several."""
    from ..models.file_names import package_file_name
    from ..models.organisation import organisation

    return package_file_name(organisation(store).unit(unit).name, months, PACKAGE_SUFFIX)


class ExportDialog(QDialog):
    """Choose the unit and the months of a package (default: the current unit and month)."""

    def __init__(self, store: Store, unit: str | None, month: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Xuất gói dữ liệu")
        self.store = store
        current = parse_period(month)
        form = QFormLayout()
        self.unit = QComboBox(self)
        org = organisation(store)
        for found in org.units.values():
            if not found.is_department and found.valid_during(current):
                self.unit.addItem(f"{found.name} ({KIND_LABELS.get(found.kind, found.kind)})", found.code)
        wanted = reporting_unit(store, unit) if unit else None
        self.unit.setCurrentIndex(max(self.unit.findData(wanted), 0))
        form.addRow("Đơn vị:", self.unit)
        self.year = QSpinBox(self)
        self.year.setRange(2015, 2100)
        self.year.setPrefix("Năm ")
        self.year.setValue(current.year)
        form.addRow("Năm:", self.year)
        self.months = QListWidget(self)
        for number in range(1, 13):
            item = QListWidgetItem(f"Tháng {number:02d}", self.months)
            item.setData(Qt.UserRole, number)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if number == current.first else Qt.Unchecked)
        self.months.setMaximumHeight(8 * self.fontMetrics().height() + 20)
        form.addRow("Các tháng:", self.months)
        self.hint = QLabel("Gói chứa số liệu, nội dung, kế hoạch và lịch sử sửa của đơn vị trong các tháng đã chọn.",
                           self)
        self.hint.setWordWrap(True)
        self.scope = QLabel(self)  # a unit that is not this office's own, nor one of its child units
        self.scope.setWordWrap(True)
        self.scope.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px; border: 1px solid #ffcd39")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.scope)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText("Xuất…")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.months.itemChanged.connect(self._enable)
        self.unit.currentIndexChanged.connect(self._show_scope)
        layout.addWidget(self.buttons)
        self._show_scope()

    def _show_scope(self, _index=0) -> None:
        from ..models.handover import outside_reporting_scope
        problem = outside_reporting_scope(self.store, self.chosen_unit()) if self.chosen_unit() else None
        self.scope.setText(f"Lưu ý: {problem} Hãy chắc chắn đây là số liệu cần gửi." if problem else "")
        self.scope.setVisible(bool(problem))

    def _enable(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.chosen_months()))

    def set_months(self, numbers) -> None:
        for row in range(self.months.count()):
            item = self.months.item(row)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in set(numbers) else Qt.Unchecked)

    def chosen_unit(self) -> str:
        return self.unit.currentData()

    def chosen_months(self) -> list[str]:
        """Month codes ("202405") of the ticked months."""
        year = self.year.value()
        return [f"{year}{self.months.item(row).data(Qt.UserRole):02d}" for row in range(self.months.count())
                if self.months.item(row).checkState() == Qt.Checked]


def export_package_dialog(window):
    """Tệp → Xuất gói dữ liệu: unit and months, where to save, then export with progress.
    Returns the running operation (None when the user stopped before)."""
    from ..models.handover import export_package
    from .ops import QueryOp

    month = f"{window.year_box.value()}{window.month_box.value():02d}"
    dialog = ExportDialog(window.store, window.unit, month, window)
    if not dialog.exec():
        return None
    unit, months = dialog.chosen_unit(), dialog.chosen_months()
    folder = Path(str(window.settings.value("handover/folder", "") or Path.home()))
    target, _ = QFileDialog.getSaveFileName(window, "Xuất gói dữ liệu", str(folder / package_name(window.store, unit, months)),
                                            f"Gói dữ liệu LCApp (*{PACKAGE_SUFFIX})")
    if not target:
        return None
    target = Path(target)
    if not target.suffix:
        target = target.with_suffix(PACKAGE_SUFFIX)
    window.settings.setValue("handover/folder", str(target.parent))
    title = "Xuất gói dữ liệu"

    def done(exported) -> None:
        window.say_saved(f"Đã xuất gói {exported.path.name}")
        box = QMessageBox(QMessageBox.Information, title,
                          f"Đã ghi gói dữ liệu:\n{exported.path}\n\n{_counts_text(exported.counts)}",
                          QMessageBox.NoButton, window)
        box.setAttribute(Qt.WA_DeleteOnClose)
        folder_button = box.addButton("Mở thư mục", QMessageBox.AcceptRole)
        box.addButton("Đóng", QMessageBox.RejectRole)
        box.finished.connect(lambda _r: box.clickedButton() is folder_button and open_folder(exported.path.parent))
        box.open()

    def failed(message: str) -> None:
        window.say_failed(message)
        QMessageBox.warning(window, title, message)

    op = QueryOp(window, lambda store, report: export_package(store, unit, months, target, progress=report),
                 own_connection=True)
    return op.with_progress(title, "Đang xuất gói…").success(done).failure(failed).run()


def _counts_text(counts: dict[str, int]) -> str:
    names = {"figures": "số liệu", "figure_history": "dòng lịch sử số liệu", "narratives": "nội dung",
             "targets": "kế hoạch"}
    parts = [f"{format_number(counts[t], 0)} {label}" for t, label in names.items() if counts.get(t)]
    return "Gồm " + ", ".join(parts) + "." if parts else ""


__all__ = ["PACKAGE_SUFFIX", "ExportDialog", "export_package_dialog", "package_name", "reporting_unit"]
