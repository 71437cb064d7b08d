"""The "Kế hoạch" dialog: the window's unit's targets of a year or a known term, by source.

Cells are typed like the main grid ("4.500", "9,5-10") and saved at once on the DB worker.
The panel beside the grid shows the selected target: for a term, whether it is the level to
reach in the term's last year or a total added up over the term; its note; its history; and
"Xóa kế hoạch…" (also Delete, or emptying the cell), which asks first and keeps the history.
"Nhập từ Excel…" reads a sheet with the core's one targets reader, shows its preview and
writes it only when the user says so.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
)

from ..models.catalogue import catalogue
from ..models.errors import InputError
from ..models.organisation import Organisation, organisation
from ..models.periods import Period
from ..models.progress import PLAN_SOURCE
from ..models.store import Store
from ..models.targets import (delete_target, parse_target_value, set_target, target_history, target_value_text,
                              unit_targets)
from ..models.terms import Terms, known_terms
from .qt_names import (
    ALIGN_RIGHT,
    ALIGNMENT_ROLE,
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    EDIT_ROLE,
    EDITABLE,
    HORIZONTAL,
    NO_FLAGS,
    SELECTABLE,
    TOOLTIP_ROLE,
)

ERROR_BRUSH = QBrush(QColor("#f8d0d0"))
CUMULATIVE_MARK = " (cộng dồn)"
LEVEL_TEXT = "Mức phải đạt đến năm cuối nhiệm kỳ"
CUMULATIVE_TEXT = "Tổng cộng dồn cả giai đoạn"
PREVIEW_LINES_SHOWN = 12


def period_choices(org: Organisation, terms: Terms, unit: str, year: int) -> list[tuple[str, str]]:
    """(code, label) of the years around `year` and the known terms in which the unit existed."""
    owner = org.own_unit(unit)

    def existed(first: int, last: int) -> bool:
        return any(owner.valid_during(Period(y, 1, 12, "year")) for y in range(first, last + 1))

    years = [(str(y), f"Năm {y}") for y in range(year + 1, year - 6, -1) if existed(y, y)]
    if owner.valid_to and not years:  # a unit that has ended: its last years
        last = owner.valid_to.year
        years = [(str(y), f"Năm {y}") for y in range(last, last - 6, -1) if existed(y, y)]
    term_items = [(t.code, t.label[:1].upper() + t.label[1:]) for t in terms.terms.values()
                  if existed(t.first_year, t.last_year)]
    return years + term_items


class TargetsModel(QAbstractTableModel):
    """Rows: every indicator the unit types; columns: name, ĐVT, one per target source."""

    editRequested = Signal(str, str, object)  # indicator, source, (value, low, high)
    deleteRequested = Signal(str, str)  # indicator, source
    inputRejected = Signal(str)

    def __init__(self, store: Store, unit: str, parent=None):
        super().__init__(parent)
        self.store, self.unit = store, unit
        org = organisation(store)
        self.reporter = org.unit(unit)
        self.cat = catalogue(store, org.level(unit))
        self.codes: list[str] = []  # the indicators reported in the year or term, set by load()
        self.sources = [code for code in self.cat.sources if code != PLAN_SOURCE]
        self.period = ""
        self.values: dict[tuple[str, str], dict] = {}
        self.errors: dict[tuple[str, str], tuple[str, str]] = {}

    def load(self, period: str) -> None:
        self.beginResetModel()
        self.period = period
        years = known_terms(self.store).resolve(period)
        first, last = years.first_year * 100 + 1, years.last_year * 100 + 12
        reporter = self.reporter
        self.codes = [code for code, ind in self.cat.indicators.items() if not ind.derived
                      and ind.valid_between(first, last)  # reported in some month of the year or term
                      and not (reporter.is_department and reporter.sectors and ind.sector not in reporter.sectors)]
        self.values = {(t["indicator"], t["source"]): t for t in unit_targets(self.store, self.unit, period)}
        self.errors.clear()
        self.endResetModel()

    def key_at(self, index) -> tuple[str, str] | None:
        if not index.isValid() or index.column() < 2:
            return None
        return self.codes[index.row()], self.sources[index.column() - 2]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.codes)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 2 + len(self.sources)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        if role != DISPLAY_ROLE or orientation != HORIZONTAL:
            return None
        if section == 0:
            return "Chỉ tiêu"
        if section == 1:
            return "ĐVT"
        if 2 <= section < 2 + len(self.sources):
            return self.cat.sources[self.sources[section - 2]].short
        return None

    def flags(self, index):
        if not index.isValid():
            return NO_FLAGS
        return SELECTABLE | EDITABLE if index.column() >= 2 else SELECTABLE

    def text(self, code: str, source: str) -> str:
        target = self.values.get((code, source))
        if target is None:
            return ""
        decimals = max(self.cat.indicators[code].decimals, 2)
        return target_value_text(target["value"], target["low"], target["high"], decimals)

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        code = self.codes[index.row()]
        if index.column() < 2:
            if role == DISPLAY_ROLE:
                ind = self.cat.indicators[code]
                return ind.name if index.column() == 0 else ind.unit
            return None
        source = self.sources[index.column() - 2]
        error = self.errors.get((code, source))
        target = self.values.get((code, source))
        if role == EDIT_ROLE:
            return error[0] if error else self.text(code, source)
        if role == DISPLAY_ROLE:
            if error:
                return error[0]
            return self.text(code, source) + (CUMULATIVE_MARK if target and target["cumulative"] else "")
        if role == TOOLTIP_ROLE:
            if error:
                return error[1]
            if target is None:
                return None
            how = CUMULATIVE_TEXT if target["cumulative"] else (LEVEL_TEXT if "-" in self.period else "")
            return "\n".join(t for t in (how, target["note"]) if t) or None
        if role == BACKGROUND_ROLE and error:
            return ERROR_BRUSH
        if role == ALIGNMENT_ROLE:
            return ALIGN_RIGHT
        return None

    def setData(self, index, value, role=EDIT_ROLE):
        key = self.key_at(index)
        if role != EDIT_ROLE or key is None:
            return False
        text = str(value).strip()
        if text == self.text(*key) and key not in self.errors:
            return True
        if not text:
            self.errors.pop(key, None)
            self.dataChanged.emit(index, index)
            if key in self.values:
                self.deleteRequested.emit(*key)  # the dialog asks before deleting
            return True
        try:
            parsed = parse_target_value(text)
        except InputError as error:
            self.errors[key] = (text, str(error))
            self.dataChanged.emit(index, index)
            self.inputRejected.emit(str(error))
            return False
        self.errors.pop(key, None)
        self.dataChanged.emit(index, index)
        self.editRequested.emit(key[0], key[1], parsed)
        return True


class TargetsView(QTableView):
    """The grid; Delete (or Backspace) on a cell that is not being edited asks to delete its target."""

    deletePressed = Signal()

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and self.state() != QTableView.EditingState:
            self.deletePressed.emit()
            return
        super().keyPressEvent(event)


class TargetsDialog(QDialog):
    """The unit's targets of a year or term; every change is saved at once on the DB worker."""

    def __init__(self, store: Store, worker, unit: str, year: int | None = None, parent=None):
        super().__init__(parent)
        self.store, self.worker, self.unit = store, worker, unit
        org = organisation(store)
        self.terms = known_terms(store)
        self.setWindowTitle(f"Kế hoạch — {org.unit(unit).name}")
        self.resize(1340, 700)
        self.model = TargetsModel(store, unit, self)
        self.view = TargetsView(self)
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setEditTriggers(QTableView.AnyKeyPressed | QTableView.DoubleClicked | QTableView.EditKeyPressed)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.period_box = QComboBox(self)
        for code, label in period_choices(org, self.terms, unit, year or date.today().year):
            self.period_box.addItem(label, code)
        start = self.period_box.findData(str(year)) if year else -1
        self.period_box.setCurrentIndex(max(start, 0))
        self.message = QLabel("Gõ số kiểu Việt Nam (4.500; 9,5-10 cho một khoảng); Enter để lưu. "
                              "Xóa một kế hoạch: phím Delete hoặc nút “Xóa kế hoạch…”.")
        self.message.setWordWrap(True)
        import_button = QPushButton("Nhập từ Excel…")
        close_button = QPushButton("Đóng")
        top = QHBoxLayout()
        top.addWidget(QLabel("Kỳ kế hoạch:"))
        top.addWidget(self.period_box)
        top.addStretch()
        top.addWidget(import_button)
        top.addWidget(close_button)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 4)
        middle.addWidget(self._panel(), 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle)
        layout.addWidget(self.message)
        self.period_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.model.editRequested.connect(self.save_one)
        self.model.deleteRequested.connect(self.confirm_delete)
        self.model.inputRejected.connect(self.message.setText)
        self.view.selectionModel().currentChanged.connect(lambda _now, _before: self.show_current())
        self.view.deletePressed.connect(self.delete_current)
        import_button.clicked.connect(self.choose_import)
        close_button.clicked.connect(self.accept)
        for button in (import_button, close_button, self.delete_button):
            button.setAutoDefault(False)  # Enter in the note saves it, never closes the dialog
        self.reload()
        self.view.setColumnWidth(1, 90)
        for column in range(2, self.model.columnCount()):
            self.view.setColumnWidth(column, 135)

    def _panel(self) -> QGroupBox:
        box = QGroupBox("Kế hoạch đang chọn", self)
        form = QFormLayout(box)
        self.current_label = QLabel("Chọn một ô kế hoạch.")
        self.current_label.setWordWrap(True)
        form.addRow(self.current_label)
        self.level_button = QRadioButton(LEVEL_TEXT)
        self.cumulative_button = QRadioButton(CUMULATIVE_TEXT)
        self.how = QButtonGroup(box)
        self.how.addButton(self.level_button)
        self.how.addButton(self.cumulative_button)
        self.how_label = QLabel("Cách tính:")
        form.addRow(self.how_label, self.level_button)
        form.addRow("", self.cumulative_button)
        self.note = QLineEdit(box)
        self.note.setPlaceholderText("ví dụ: theo Quyết định số .../QĐ-UBND")
        form.addRow("Ghi chú:", self.note)
        self.delete_button = QPushButton("Xóa kế hoạch…")
        form.addRow(self.delete_button)
        self.history = QListWidget(box)
        self.history.setWordWrap(True)
        form.addRow(QLabel("Lịch sử:"))
        form.addRow(self.history)
        self.cumulative_button.toggled.connect(self._how_chosen)
        self.note.editingFinished.connect(self.save_note)
        self.delete_button.clicked.connect(self.delete_current)
        return box

    # -- what is shown
    @property
    def period(self) -> str:
        return self.period_box.currentData()

    def reload(self) -> None:
        """Read the targets again, staying on the same cell."""
        at = self.view.currentIndex()
        self.model.load(self.period)
        if at.isValid():
            self.view.setCurrentIndex(self.model.index(at.row(), at.column()))
        self.show_current()

    def current(self) -> tuple[str, str] | None:
        return self.model.key_at(self.view.currentIndex())

    def show_current(self) -> None:
        key = self.current()
        target = self.model.values.get(key) if key else None
        is_term = "-" in self.period
        for widget in (self.level_button, self.cumulative_button, self.how_label):
            widget.setVisible(is_term)
        self.history.clear()
        if key is None:
            self.current_label.setText("Chọn một ô kế hoạch.")
        else:
            ind, source = self.model.cat.indicators[key[0]], self.model.cat.sources[key[1]]
            value = f": {self.model.text(*key)} {ind.unit}" if target else ": chưa có"
            self.current_label.setText(f"{ind.name} — {source.name}, {self.terms.label(self.period)}{value}")
            for version in target_history(self.store, self.unit, key[0], self.period, key[1]):
                how = CUMULATIVE_MARK if version["cumulative"] else ""
                note = f"; ghi chú: {version['note']}" if version["note"] else ""
                value = target_value_text(version["value"], version["low"], version["high"])
                self.history.addItem(f"v{version['version']} {version['entered_at'].replace('T', ' ')} "
                                     f"{version['entered_by']}: {value}{how}{note}")
        self.level_button.blockSignals(True)
        self.cumulative_button.blockSignals(True)
        (self.cumulative_button if target and target["cumulative"] else self.level_button).setChecked(True)
        self.level_button.blockSignals(False)
        self.cumulative_button.blockSignals(False)
        flow = key is not None and self.model.cat.indicators[key[0]].kind == "flow"
        self.level_button.setEnabled(target is not None)
        self.cumulative_button.setEnabled(target is not None and flow)
        self.cumulative_button.setToolTip("" if flow else "Chỉ chỉ tiêu cộng dồn theo tháng mới có tổng cả giai đoạn.")
        self.note.setEnabled(target is not None)
        self.note.setText(target["note"] if target else "")
        self.delete_button.setEnabled(target is not None)

    # -- changes, each one on the worker
    def _submit(self, job, done_text: str) -> None:
        """A write (ops.CollectionOp): the window behind follows from its changes, then the dialog."""
        from ..models.changes import of_unit
        from .ops import CollectionOp

        def done(changed) -> None:
            self.reload()
            self.message.setText(done_text if changed else "Không thay đổi.")

        changes = of_unit(self.unit, str(self.period), targets=True)
        CollectionOp(self, lambda s: (job(s), changes), worker=self.worker).success(done).failure(self._failed).run()

    def _failed(self, message: str) -> None:
        self.message.setText(message)
        self.reload()

    def _save(self, code: str, source: str, value, low, high, cumulative: bool, note: str, done_text: str) -> None:
        unit, period = self.unit, self.period
        self._submit(lambda s: set_target(s, unit, code, period, source, value, low=low, high=high,
                                          cumulative=cumulative, note=note), done_text)

    def save_one(self, code: str, source: str, parsed) -> None:
        old = self.model.values.get((code, source)) or {}
        value, low, high = parsed
        self._save(code, source, value, low, high, bool(old.get("cumulative")), old.get("note", ""),
                   "Đã lưu kế hoạch.")

    def _how_chosen(self, cumulative: bool) -> None:
        key = self.current()
        target = self.model.values.get(key) if key else None
        if target is None or bool(target["cumulative"]) == cumulative:
            return
        self._save(key[0], key[1], target["value"], target["low"], target["high"], cumulative, target["note"],
                   "Đã lưu: " + (CUMULATIVE_TEXT if cumulative else LEVEL_TEXT).lower() + ".")

    def save_note(self) -> None:
        key = self.current()
        target = self.model.values.get(key) if key else None
        if target is None or self.note.text().strip() == target["note"]:
            return
        self._save(key[0], key[1], target["value"], target["low"], target["high"], bool(target["cumulative"]),
                   self.note.text(), "Đã lưu ghi chú.")

    def delete_current(self) -> None:
        key = self.current()
        if key and key in self.model.values:
            self.confirm_delete(*key)

    def confirm_delete(self, code: str, source: str) -> None:
        """Ask, then delete on the worker (a new version without value; the history keeps the old)."""
        ind, src = self.model.cat.indicators[code], self.model.cat.sources[source]
        answer = QMessageBox.question(
            self, "Xóa kế hoạch",
            f"Xóa kế hoạch “{ind.name}” ({src.short}, {self.terms.label(self.period)}): "
            f"{self.model.text(code, source)} {ind.unit}?\n\nViệc xóa được ghi vào lịch sử của kế hoạch.",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            self.reload()
            return
        unit, period = self.unit, self.period
        self._submit(lambda s: delete_target(s, unit, code, period, source), "Đã xóa kế hoạch (vẫn giữ trong lịch sử).")

    # -- a sheet from Excel
    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nhập kế hoạch từ Excel", "", "Excel (*.xlsx)")
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        """Read the sheet for this unit and period, show what it changes, write it when accepted."""
        from ..models.sheet_preview import apply_preview, preview_lines, refusal, summary_line
        from ..intake.targets_sheet import read_targets_sheet

        try:
            preview = read_targets_sheet(self.store, path, unit=self.unit, period=self.period)
        except InputError as error:
            self.message.setText(str(error))
            return
        lines = preview_lines(self.store, preview)[1:]
        if preview.errors:
            self.message.setText(f"{refusal(preview)} " + " ".join(preview.errors))
            return
        changes = preview.count("new") + preview.count("changed")
        if not changes:
            self.message.setText(summary_line(self.store, preview) + " Không có gì để ghi.")
            return
        box = QMessageBox(QMessageBox.Question, "Nhập kế hoạch từ Excel", summary_line(self.store, preview),
                          parent=self)
        shown = lines[:PREVIEW_LINES_SHOWN] + (["  …"] if len(lines) > PREVIEW_LINES_SHOWN else [])
        box.setInformativeText("\n".join(shown) + "\n\nGhi các kế hoạch này vào tệp dữ liệu?")
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 620px; }")  # a preview line per line
        if len(lines) > PREVIEW_LINES_SHOWN:
            box.setDetailedText("\n".join(lines))
        write = box.addButton("Ghi", QMessageBox.AcceptRole)
        box.addButton("Hủy", QMessageBox.RejectRole)
        box.exec()
        if box.clickedButton() is not write:
            self.message.setText("Chưa ghi gì.")
            return
        label = self.terms.label(preview.period)
        self._submit(lambda s: apply_preview(s, preview),
                     f"Đã nhập kế hoạch {label}: {preview.count('new')} mới, {preview.count('changed')} thay đổi.")
