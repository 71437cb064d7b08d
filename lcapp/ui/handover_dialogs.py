"""USB handover in the window: Tệp → Xuất gói dữ liệu / Nhập gói dữ liệu.

Exporting and checking run off the UI thread (each on its own read connection); applying an
import runs on the one DB worker, in one transaction. The preview is a table the user can
filter and sort by kind, with a decision per conflicting row and for all of them.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QObject, QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
)

from ..models.catalogue import catalogue
from ..models.catalogue_package import CATALOGUE_KIND
from ..models.catalogue_package import describe_row as describe_catalogue_row
from ..models.catalogue_package import values_text as catalogue_values_text
from ..models.locks import month_label
from ..models.merge import CHANGED, CONFLICT, IDENTICAL, NEW, OLDER, REFUSED, SENDER_LABELS, STATUS_LABELS
from ..models.numbers import format_number
from ..models.organisation import KIND_LABELS, organisation
from ..models.periods import parse_period
from ..models.store import Store
from .jobs import call_with_own_store
from .qt_names import (
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    EDIT_ROLE,
    EDITABLE,
    HORIZONTAL,
    NO_FLAGS,
    NO_INDEX,
    SELECTABLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)

PACKAGE_SUFFIX = ".lcpkg"
OURS, THEIRS = "ours", "theirs"
DECISION_LABELS = {None: "chưa chọn", OURS: "giữ số đã có", THEIRS: "lấy số trong gói"}
KIND_ORDER = (CONFLICT, REFUSED, CHANGED, NEW, OLDER, IDENTICAL)
KIND_COLOURS = {CONFLICT: "#ffe0b2", REFUSED: "#ffcdd2", CHANGED: "#e3f2fd", NEW: "#e8f5e9"}
KIND_ROLE = USER_ROLE + 2
DESCENDING = Qt.DescendingOrder

# Columns of the preview table, by name.
UNIT, PERIOD, INDICATOR, KIND, OLD, NEW_VALUE, WHO, WHEN, DECISION = range(9)
HEADERS = ("Đơn vị", "Kỳ", "Chỉ tiêu", "Loại", "Số đã có", "Số trong gói", "Người nhập", "Lúc", "Quyết định")


# -- running core work off the UI thread ------------------------------------------------------
class CoreJob(QObject):
    """Runs `fn(store, progress)` on its own thread and connection; signals arrive on the UI thread.

    `progress(done, total, text)` is the core's callback shape (export_package, apply_package).
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)  # always a 1-tuple: see worker.DbWorker._done about a bare None
    failed = Signal(str)

    def __init__(self, db_path: str | Path, fn, parent=None):
        super().__init__(parent)
        self.db_path, self.fn = Path(db_path), fn
        self.thread: threading.Thread | None = None

    def _run(self) -> None:
        def progress(done, total, text=""):
            self.progressed.emit(int(done), int(total), text)

        result, error = call_with_own_store(self.db_path, lambda store: self.fn(store, progress))
        if error is not None:
            self.failed.emit(error)
            return
        self.succeeded.emit((result,))

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="lcapp-handover", daemon=True)
        self.thread.start()


class _Relay(QObject):
    """Carries the core's progress from the DB worker's thread to a progress dialog."""

    progressed = Signal(int, int, str)


def busy_dialog(parent, title: str, text: str) -> QProgressDialog:
    dialog = QProgressDialog(text, None, 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def show_progress(dialog: QProgressDialog, done: int, total: int, text: str) -> None:
    dialog.setMaximum(max(total, 1))
    dialog.setValue(min(done, max(total, 1)))
    if text:
        dialog.setLabelText(text)


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# -- export ------------------------------------------------------------------------------------
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


def export_package_dialog(window) -> CoreJob | None:
    """Tệp → Xuất gói dữ liệu: unit and months, where to save, then export with progress."""
    from ..models.handover import export_package

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
    progress = busy_dialog(window, title, "Đang xuất gói…")
    job = CoreJob(window.path, lambda store, report: export_package(store, unit, months, target, progress=report),
                  window)

    def done(result) -> None:
        progress.close()
        exported = result[0]
        window.say_saved(f"Đã xuất gói {exported.path.name}")
        box = QMessageBox(QMessageBox.Information, title,
                          f"Đã ghi gói dữ liệu:\n{exported.path}\n\n{_counts_text(exported.counts)}",
                          QMessageBox.NoButton, window)
        folder_button = box.addButton("Mở thư mục", QMessageBox.AcceptRole)
        box.addButton("Đóng", QMessageBox.RejectRole)
        box.finished.connect(lambda _r: box.clickedButton() is folder_button and open_folder(exported.path.parent))
        window.handover_box = box
        box.open()

    def failed(message: str) -> None:
        progress.close()
        window.say_failed(message)
        QMessageBox.warning(window, title, message)

    job.progressed.connect(lambda done_, total, text: show_progress(progress, done_, total, text))
    job.succeeded.connect(done)
    job.failed.connect(failed)
    window.handover_job = job
    job.start()
    return job


def _counts_text(counts: dict[str, int]) -> str:
    names = {"figures": "số liệu", "figure_history": "dòng lịch sử số liệu", "narratives": "nội dung",
             "targets": "kế hoạch"}
    parts = [f"{format_number(counts[t], 0)} {label}" for t, label in names.items() if counts.get(t)]
    return "Gồm " + ", ".join(parts) + "." if parts else ""


# -- the preview table -------------------------------------------------------------------------
def _when_text(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return stamp or ""


def values_text(kind: str, values: dict | None) -> str:
    """A row's content in Vietnamese number format."""
    if values is None:
        return ""
    if kind == "figure":
        parts = [f"{label} {format_number(values[c], 6)}" for c, label in
                 (("month_value", "tháng"), ("ytd_value", "lũy kế"), ("term_value", "giai đoạn"))
                 if values.get(c) is not None]
        text = ", ".join(parts) or "(trống)"
        if values.get("comment"):
            text += f"; ghi chú “{values['comment']}”"
        return text
    if kind == "narrative":
        text = " ".join(str(values.get("text") or "").split())
        return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"
    if values.get("value") is not None:
        return format_number(values["value"], 6)
    if values.get("low") is not None:
        return f"{format_number(values['low'], 6)} - {format_number(values['high'], 6)}"
    return "(trống)"


class PreviewModel(QAbstractTableModel):
    """The rows an import would write, with the user's decision on each conflicting row.

    A package of a ward's year is some 2.000 rows: every cell's text is made once, roles are
    compared with values bound once (qt_names), and sorting is a Python sort of the rows.
    """

    decisionsChanged = Signal()

    def __init__(self, store: Store, preview, parent=None):
        super().__init__(parent)
        self.preview = preview
        self.rows = list(preview.rows)
        self.decisions: dict[str, str] = {}
        cat, org = catalogue(store), organisation(store)
        self._cells = [self._row_cells(cat, org, row) for row in self.rows]

    @staticmethod
    def decision_key(row) -> str:
        return f"{row.kind}:{row.key_text}"

    @staticmethod
    def _row_cells(cat, org, row) -> tuple[str, ...]:
        """The display text of every column but the decision."""
        def unit_name(code):
            return org.units[code].name if code in org.units else code

        def indicator_name(code):
            return cat.indicators[code].name if code in cat.indicators else code

        if row.kind == CATALOGUE_KIND:
            return ("", "Danh mục", describe_catalogue_row(row), STATUS_LABELS[row.status],
                    catalogue_values_text(row.old), catalogue_values_text(row.new), row.who or "", _when_text(row.when))
        if row.kind == "figure":
            unit, month, indicator = row.key
            where = (unit_name(unit), month_label(month).capitalize(), indicator_name(indicator))
        elif row.kind == "narrative":
            unit, period, part = row.key
            part_name = cat.sectors[part].name if part in cat.sectors else part
            where = (unit_name(unit), parse_period(period).label.capitalize(), f"Nội dung: {part_name}")
        else:
            unit, period, indicator, source = row.key
            where = (unit_name(unit), f"Kế hoạch {period}", f"{indicator_name(indicator)} ({source})")
        return where + (STATUS_LABELS[row.status], values_text(row.kind, row.old), values_text(row.kind, row.new),
                        row.who or "", _when_text(row.when))

    # -- Qt's model interface
    def rowCount(self, parent=NO_INDEX):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=NO_INDEX):
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        if orientation == HORIZONTAL and role == DISPLAY_ROLE and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return NO_FLAGS
        if index.column() == DECISION and self.rows[index.row()].status == CONFLICT:
            return SELECTABLE | EDITABLE
        return SELECTABLE

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        number, column = index.row(), index.column()
        row = self.rows[number]
        if role == DISPLAY_ROLE:
            return self._display(number, row, column)
        if role == BACKGROUND_ROLE:
            if column == KIND:
                return _brush(row.status)
            if column == DECISION and row.status == CONFLICT and self.decision_key(row) not in self.decisions:
                return _brush(CONFLICT)
            return None
        if role == TOOLTIP_ROLE:
            if column == DECISION and row.status == CONFLICT:
                return "Nhấp đúp để chọn: giữ số đã có hoặc lấy số trong gói."
            if column == KIND:
                return row.reason or None
            return self._display(number, row, column) or None
        if role == EDIT_ROLE and column == DECISION:
            return self.decisions.get(self.decision_key(row))
        if role == KIND_ROLE:
            return row.status
        return None

    def _display(self, number: int, row, column: int) -> str:
        if column == DECISION:
            return DECISION_LABELS[self.decisions.get(self.decision_key(row))] if row.status == CONFLICT else ""
        return self._cells[number][column]

    def setData(self, index, value, role=EDIT_ROLE):
        if role != EDIT_ROLE or not (self.flags(index) & EDITABLE) or value not in (OURS, THEIRS):
            return False
        self.decisions[self.decision_key(self.rows[index.row()])] = value
        self.dataChanged.emit(index, index, [DISPLAY_ROLE, EDIT_ROLE, BACKGROUND_ROLE])
        self.decisionsChanged.emit()
        return True

    def _sort_key(self, number: int, column: int):
        row = self.rows[number]
        if column == KIND:
            return KIND_ORDER.index(row.status), number
        if column == PERIOD:
            return str(row.key[1]), number
        if column == WHEN:
            return row.when or "", number
        return self._display(number, row, column).casefold(), number

    def sort(self, column, order=None):
        """Sort the rows themselves (a proxy's sort would call data() some 40.000 times for 2.000 rows)."""
        if not 0 <= column < len(HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        numbers = sorted(range(len(self.rows)), key=lambda n: self._sort_key(n, column),
                         reverse=order == DESCENDING)
        where = {old: new for new, old in enumerate(numbers)}
        self.rows = [self.rows[n] for n in numbers]
        self._cells = [self._cells[n] for n in numbers]
        for index in self.persistentIndexList():
            self.changePersistentIndex(index, self.index(where[index.row()], index.column()))
        self.layoutChanged.emit()

    # -- for the dialog
    def decide_all(self, choice: str) -> None:
        """The same decision for every conflicting row."""
        for row in self.rows:
            if row.status == CONFLICT:
                self.decisions[self.decision_key(row)] = choice
        if self.rows:
            self.dataChanged.emit(self.index(0, DECISION), self.index(len(self.rows) - 1, DECISION),
                                  [DISPLAY_ROLE, EDIT_ROLE, BACKGROUND_ROLE])
        self.decisionsChanged.emit()

    def undecided(self) -> int:
        return sum(1 for row in self.rows if row.status == CONFLICT and self.decision_key(row) not in self.decisions)

    def row_of(self, kind: str, key: list) -> int:
        return next(i for i, row in enumerate(self.rows) if row.kind == kind and row.key == key)


_BRUSHES: dict[str, QBrush] = {}


def _brush(status: str) -> QBrush | None:
    if status not in KIND_COLOURS:
        return None
    if status not in _BRUSHES:
        _BRUSHES[status] = QBrush(QColor(KIND_COLOURS[status]))
    return _BRUSHES[status]


class KindFilter(QSortFilterProxyModel):
    """Shows the rows of one kind (or all); sorting is passed to the preview model itself."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind: str | None = None

    def set_kind(self, kind: str | None) -> None:
        self.beginFilterChange()
        self.kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent):
        return self.kind is None or self.sourceModel().rows[source_row].status == self.kind

    def sort(self, column, order=None):
        if self.sourceModel() is not None:  # the dialog sets its model after the view
            self.sourceModel().sort(column, order)


class DecisionDelegate(QStyledItemDelegate):
    """A list to choose between keeping ours and taking the package's figure."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for choice in (OURS, THEIRS):
            combo.addItem(DECISION_LABELS[choice], choice)
        return combo

    def setEditorData(self, editor, index):
        current = index.model().data(index, Qt.EditRole)
        editor.setCurrentIndex(max(editor.findData(current), 0))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.EditRole)


def sender_warning(store: Store, preview) -> str:
    """Why a package needs explicit acceptance, in Vietnamese (empty when it does not)."""
    if not preview.needs_sender_acceptance:
        return ""
    org = organisation(store)
    name = ", ".join(org.units[u].name if u in org.units else u for u in preview.unit.split(",") if u)
    text = (f"Cảnh báo: gói số liệu của {name} đến từ {SENDER_LABELS[preview.sender_status]} "
            f"(mã máy {preview.sender[:8]}…")
    if preview.sender_status == "different" and preview.known_sender:
        text += f"; trước nay đơn vị gửi từ máy {preview.known_sender[:8]}…"
    return text + "). Hãy hỏi lại đơn vị trước khi nhập."


class ImportDialog(QDialog):
    """The preview of an incoming file: what would change, decisions on conflicts, then "Nhập".

    For an office's whole database, a tick box per unit the file has figures of (its own
    setting's unit included) chooses what is taken; changing them checks the file again off
    the UI thread. When the preview would bring nothing, the core's reason is shown and
    "Nhập" stays disabled (unless everything is already here).
    """

    def __init__(self, store: Store, incoming, parent=None):
        super().__init__(parent)
        self.store = store
        self.recheck_job: CoreJob | None = None
        self.setWindowTitle("Nhập gói dữ liệu — xem trước")
        self.resize(1100, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.units_label = QLabel(self)
        self.units_label.setWordWrap(True)
        self.units_row = QHBoxLayout()
        self.unit_boxes: dict[str, QCheckBox] = {}
        layout.addWidget(self.units_label)
        layout.addLayout(self.units_row)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        layout.addWidget(self.reason)

        self.accept_sender = QCheckBox("Tôi đã kiểm tra với đơn vị và chấp nhận gói từ máy này", self)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px; border: 1px solid #ffcd39")
        layout.addWidget(self.warning)
        layout.addWidget(self.accept_sender)

        self.proxy = KindFilter(self)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Xem:", self))
        self.kind_box = QComboBox(self)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.proxy.set_kind(self.kind_box.currentData()))
        filters.addWidget(self.kind_box)
        filters.addStretch()
        self.keep_all = QPushButton("Giữ số đã có cho mọi xung đột", self)
        self.take_all = QPushButton("Lấy số trong gói cho mọi xung đột", self)
        self.keep_all.clicked.connect(lambda: self.model.decide_all(OURS))
        self.take_all.clicked.connect(lambda: self.model.decide_all(THEIRS))
        for button in (self.keep_all, self.take_all):
            filters.addWidget(button)
        layout.addLayout(filters)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setItemDelegateForColumn(DECISION, DecisionDelegate(self.table))
        self.table.horizontalHeader().setResizeContentsPrecision(200)  # widths from the first 200 rows
        self.table.setEditTriggers(QAbstractItemView.AllEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        layout.addWidget(self.table, 1)

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("Nhập", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.accept_sender.toggled.connect(self._update)
        self.show_incoming(incoming)

    def show_incoming(self, incoming) -> None:
        """Show (again) what importing `incoming` would do."""
        from ..models.import_outcome import nothing_brought, other_units_note

        store = self.store
        self.incoming, self.preview = incoming, incoming.preview
        self.nothing = nothing_brought(store, self.preview)
        self.summary.setText(self._summary(store))
        self._show_units(store, other_units_note(store, self.preview))
        self.reason.setText(self.nothing.message if self.nothing else "")
        self.reason.setStyleSheet("padding: 6px; border: 1px solid " +
                                  ("#9ec5fe; background: #e7f1ff" if self.nothing and self.nothing.ok
                                   else "#f1aeb5; background: #f8d7da; color: #58151c"))
        self.reason.setVisible(self.nothing is not None)
        # The sender matters once there is something to take from it.
        warning = sender_warning(store, self.preview) if self._brings() else ""
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.accept_sender.setVisible(bool(warning))

        self.model = PreviewModel(store, self.preview, self)
        self.model.decisionsChanged.connect(self._update)
        self.proxy.setSourceModel(self.model)
        counts = self.preview.counts()
        self.kind_box.blockSignals(True)
        self.kind_box.clear()
        self.kind_box.addItem(f"Tất cả ({len(self.model.rows)})", None)
        for kind in KIND_ORDER:
            if counts.get(kind):
                self.kind_box.addItem(f"{STATUS_LABELS[kind].capitalize()} ({counts[kind]})", kind)
        self.kind_box.blockSignals(False)
        self.proxy.set_kind(None)
        has_conflicts = bool(counts.get(CONFLICT))
        for button in (self.keep_all, self.take_all):
            button.setEnabled(has_conflicts)
        self.table.sortByColumn(KIND, Qt.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        self.table.resizeColumnsToContents()
        for column, widest in ((UNIT, 160), (INDICATOR, 300), (OLD, 180), (NEW_VALUE, 180), (WHO, 140)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self.table.setColumnWidth(DECISION, max(self.table.columnWidth(DECISION), 130))
        header.setStretchLastSection(True)
        # One unit's package: its name is in the summary, the column would only repeat it (a
        # catalogue row names no unit).
        self.table.setColumnHidden(UNIT, len({row.key[0] for row in self.model.rows
                                              if row.kind != CATALOGUE_KIND}) <= 1)
        self._update()

    def _show_units(self, store: Store, note: str) -> None:
        """A tick box per unit a whole database has figures of, and its setting's unit."""
        while self.units_row.count():  # the boxes and the stretch after them
            item = self.units_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.unit_boxes = {}
        preview = self.preview
        offered = list(preview.held) if preview.source == "database" else []
        if offered and preview.setting_unit and preview.setting_unit not in offered:
            offered.insert(0, preview.setting_unit)
        # Only worth asking when there is a choice: the file's figures are not all of the one unit taken.
        if len(offered) <= 1 and not note:
            self.units_label.setVisible(False)
            return
        org = organisation(store)
        taken = [u for u in preview.unit.split(",") if u]
        setting = org.units[preview.setting_unit].name if preview.setting_unit in org.units else preview.setting_unit
        self.units_label.setText(f"Cài đặt của tệp ghi đơn vị báo cáo là <b>{setting or 'không rõ'}</b>. "
                                 "Số liệu trong tệp thuộc các đơn vị dưới đây; hãy chọn đơn vị cần nhập:")
        self.units_label.setVisible(True)
        for code in offered:
            name = org.units[code].name if code in org.units else code
            box = QCheckBox(f"{name} ({format_number(preview.held.get(code, 0), 0)} số liệu)", self)
            box.setChecked(code in taken)
            box.setEnabled(code in org.units)
            box.toggled.connect(self._units_changed)
            self.units_row.addWidget(box)
            self.unit_boxes[code] = box
        self.units_row.addStretch()

    def chosen_units(self) -> list[str]:
        return [code for code, box in self.unit_boxes.items() if box.isChecked()]

    def _units_changed(self, _checked=False) -> None:
        """Check the file again with the ticked units, off the UI thread."""
        from ..intake.incoming import open_incoming

        units = self.chosen_units()
        if not units:
            self.reason.setText("Hãy chọn ít nhất một đơn vị cần nhập.")
            self.reason.setVisible(True)
            self.import_button.setEnabled(False)
            return
        for box in self.unit_boxes.values():
            box.setEnabled(False)
        self.import_button.setEnabled(False)
        path = self.incoming.path
        job = CoreJob(self.store.path, lambda store, _report: open_incoming(store, path, units), self)
        job.succeeded.connect(lambda result: self.show_incoming(result[0]))
        job.failed.connect(self._recheck_failed)
        self.recheck_job = job
        job.start()

    def _recheck_failed(self, message: str) -> None:
        self.reason.setText(message)
        self.reason.setVisible(True)
        for code, box in self.unit_boxes.items():
            box.setEnabled(code in organisation(self.store).units)

    def _summary(self, store: Store) -> str:
        org = organisation(store)
        preview = self.preview
        source = {"package": "Gói dữ liệu", "database": "Tệp dữ liệu của một văn phòng",
                  "file": "Tệp trao đổi (CSV / DHIS2)"}.get(preview.source, preview.source)
        units = [org.units[u].name if u in org.units else u for u in preview.unit.split(",") if u]
        months = ", ".join(f"{m % 100:02d}/{m // 100}" for m in preview.months)
        counts = preview.counts()
        parts = [f"{counts[k]} {STATUS_LABELS[k]}" for k in KIND_ORDER if counts.get(k)]
        carries_catalogue = any(row.kind == CATALOGUE_KIND for row in preview.rows)
        what = "danh mục chỉ tiêu" if carries_catalogue and not months else f"tháng {months or '(không có)'}"
        return (f"<b>{source}</b>: {self.incoming.path.name}<br>Đơn vị: {', '.join(units)} — {what}<br>"
                f"So với số liệu đã có: {', '.join(parts) or 'không có dòng nào'}. Chưa có gì được ghi.")

    def _brings(self) -> bool:
        return self.nothing is None or self.nothing.ok

    def _update(self) -> None:
        needs_acceptance = (self._brings() and self.preview.needs_sender_acceptance
                            and not self.accept_sender.isChecked())
        refused = self.preview.counts().get(REFUSED, 0)
        undecided = self.model.undecided()
        notes = []
        if refused:
            notes.append(f"{refused} dòng bị từ chối sẽ không nhập (lý do: di chuột vào cột Loại).")
        if undecided:
            notes.append(f"{undecided} xung đột chưa chọn sẽ giữ nguyên số đã có và được liệt kê lại.")
        if needs_acceptance:
            notes.append("Hãy xác nhận máy gửi trước khi nhập.")
        self.note.setText(" ".join(notes))
        self.import_button.setEnabled(self._brings() and not needs_acceptance)

    def decisions(self) -> dict[str, str]:
        return dict(self.model.decisions)


def _written_text(store: Store, result) -> str:
    from ..models.import_outcome import locked_note  # values of locked months, left out: named, as the CLI does

    written = result.written
    left_out = locked_note(store, result.preview)
    if "written" in written:  # a CSV / DHIS2 file
        return " ".join(filter(None, (f"Đã nhập {written['new']} số mới, {written['changed']} số thay đổi.",
                                      left_out)))
    if written.get(CATALOGUE_KIND) and not any(written.get(k) for k in (NEW, CHANGED, THEIRS, OURS)):
        return f"Đã nhận danh mục: {written[CATALOGUE_KIND]} thay đổi (xem Nhập liệu → Danh mục chỉ tiêu)."
    text = (f"Đã nhập {written.get(NEW, 0)} số mới, {written.get(CHANGED, 0)} số thay đổi, "
            f"{written.get(THEIRS, 0)} xung đột lấy số trong gói, {written.get(OURS, 0)} xung đột giữ số đã có.")
    if result.conflicts_left:
        text += f" {len(result.conflicts_left)} xung đột chưa quyết định, giữ nguyên số đã có."
    return " ".join(filter(None, (text, left_out)))


def import_package_dialog(window) -> CoreJob | None:
    """Tệp → Nhập gói dữ liệu: choose any file, check and preview it in the background, then the preview."""
    from ..intake.incoming import open_incoming

    folder = str(window.settings.value("handover/folder", "") or Path.home())
    path, _ = QFileDialog.getOpenFileName(
        window, "Nhập gói dữ liệu", folder,
        f"Mọi tệp (*);;Gói dữ liệu LCApp (*{PACKAGE_SUFFIX});;Tệp dữ liệu (*.sqlite);;CSV, DHIS2 (*.csv *.json)")
    if not path:
        return None
    path = Path(path)
    title = "Nhập gói dữ liệu"
    progress = busy_dialog(window, title, "Đang kiểm tra tệp và so sánh với số liệu đã có…")
    job = CoreJob(window.path, lambda store, _report: open_incoming(store, path), window)

    def checked(result) -> None:
        progress.close()
        dialog = ImportDialog(window.store, result[0], window)
        window.import_dialog = dialog
        dialog.accepted.connect(lambda: apply_import(window, dialog))
        dialog.open()

    def refused(message: str) -> None:
        progress.close()
        window.say_failed(message)
        QMessageBox.warning(window, title, message)

    job.succeeded.connect(checked)
    job.failed.connect(refused)
    window.handover_job = job
    job.start()
    return job


def apply_import(window, dialog: ImportDialog) -> None:
    """Write what the preview showed, in one transaction on the DB worker."""
    incoming, decisions = dialog.incoming, dialog.decisions()
    accept = dialog.accept_sender.isChecked()
    title = "Nhập gói dữ liệu"
    progress = busy_dialog(window, title, "Đang nhập…")
    relay = _Relay(window)
    relay.progressed.connect(lambda done, total, text: show_progress(progress, done, total, text))

    def write(store: Store):
        return incoming.apply(store, decisions=decisions, accept_sender=accept, progress=relay.progressed.emit)

    def done(result) -> None:
        progress.close()
        window.last_import = result
        text = _written_text(window.store, result)
        window.after_import()  # reloads the view (and its status line) first
        window.say_saved(text.rstrip("."))
        box = QMessageBox(QMessageBox.Information, title, text, QMessageBox.Ok, window)
        window.handover_box = box
        box.open()

    def failed(message: str) -> None:
        progress.close()
        window.say_failed(message)
        QMessageBox.warning(window, title, message)

    window.worker.submit(write, done, failed)


__all__ = ["CoreJob", "ExportDialog", "ImportDialog", "KindFilter", "PreviewModel", "export_package_dialog",
           "import_package_dialog", "package_name", "values_text"]
