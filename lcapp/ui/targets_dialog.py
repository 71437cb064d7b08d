"""The "Kế hoạch" dialog: the targets of a year by source in a grid, editable, and importable
from an Excel sheet (indicator code or name, one column per source).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from ..models.catalogue import catalogue
from ..models.errors import InputError
from ..models.numbers import format_number
from ..models.periods import Period
from ..models.progress import PLAN_SOURCE
from ..models.store import Store
from ..models.targets import all_targets, parse_target_value, set_target
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


def save_targets(store: Store, year: int, rows) -> int:
    """Write validated targets of `year` (keeping each one's note); return how many changed."""
    notes = {(t["indicator"], t["source"]): t["note"] for t in all_targets(store) if t["period"] == str(year)}
    changed = 0
    for row in rows:
        changed += set_target(store, row.indicator, str(year), row.source, row.value, low=row.low, high=row.high,
                              note=notes.get((row.indicator, row.source), ""))
    return changed


class TargetsModel(QAbstractTableModel):
    """Rows: every indicator typed by officials; columns: name, ĐVT, one per target source."""

    editRequested = Signal(str, str, object)  # indicator, source, (value, low, high)
    inputRejected = Signal(str)

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        cat = catalogue(store)
        self.codes: list[str] = []  # the year's indicators, set by load()
        self.sources = [code for code in cat.sources if code != PLAN_SOURCE]
        self.year = 0
        self.values: dict[tuple[str, str], dict] = {}
        self.errors: dict[tuple[str, str], tuple[str, str]] = {}

    def load(self, year: int) -> None:
        self.beginResetModel()
        self.year = year
        self.codes = [ind.code for ind in catalogue(self.store).valid_in(Period(year, 1, 12, "year")) if not ind.derived]
        self.values = {(t["indicator"], t["source"]): t for t in all_targets(self.store) if t["period"] == str(year)}
        self.errors.clear()
        self.endResetModel()

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
            return catalogue(self.store).sources[self.sources[section - 2]].short
        return None

    def flags(self, index):
        if not index.isValid():
            return NO_FLAGS
        flags = SELECTABLE
        return flags | EDITABLE if index.column() >= 2 else flags

    def text(self, code: str, source: str) -> str:
        target = self.values.get((code, source))
        if target is None:
            return ""
        decimals = max(catalogue(self.store).indicators[code].decimals, 2)
        if target["low"] is not None:
            return f"{format_number(target['low'], decimals)}-{format_number(target['high'], decimals)}"
        return format_number(target["value"], decimals)

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        code = self.codes[index.row()]
        ind = catalogue(self.store).indicators[code]
        if index.column() < 2:
            if role == DISPLAY_ROLE:
                return ind.name if index.column() == 0 else ind.unit
            return None
        source = self.sources[index.column() - 2]
        error = self.errors.get((code, source))
        if role in (DISPLAY_ROLE, EDIT_ROLE):
            return error[0] if error else self.text(code, source)
        if role == TOOLTIP_ROLE:
            if error:
                return error[1]
            target = self.values.get((code, source))
            return target["note"] or None if target else None
        if role == BACKGROUND_ROLE and error:
            return ERROR_BRUSH
        if role == ALIGNMENT_ROLE:
            return ALIGN_RIGHT
        return None

    def setData(self, index, value, role=EDIT_ROLE):
        if role != EDIT_ROLE or not index.isValid() or index.column() < 2:
            return False
        code, source = self.codes[index.row()], self.sources[index.column() - 2]
        text = str(value).strip()
        if text == self.text(code, source) and (code, source) not in self.errors:
            return True
        try:
            if not text:
                raise InputError("Nhập một số (4.500) hoặc một khoảng (9,5-10); kế hoạch đã có không xóa ở đây.")
            parsed = parse_target_value(text)
        except InputError as error:
            self.errors[(code, source)] = (text, str(error))
            self.dataChanged.emit(index, index)
            self.inputRejected.emit(str(error))
            return False
        self.errors.pop((code, source), None)
        value_, low, high = parsed
        self.values[(code, source)] = {"indicator": code, "source": source, "value": value_, "low": low,
                                       "high": high, "note": (self.values.get((code, source)) or {}).get("note", "")}
        self.dataChanged.emit(index, index)
        self.editRequested.emit(code, source, parsed)
        return True


class TargetsDialog(QDialog):
    """Targets of a year; every accepted cell is saved at once on the DB worker."""

    def __init__(self, store: Store, worker, year: int, parent=None):
        super().__init__(parent)
        self.store, self.worker = store, worker
        self.setWindowTitle("Kế hoạch năm")
        self.resize(1100, 640)
        self.model = TargetsModel(store, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setEditTriggers(QTableView.AnyKeyPressed | QTableView.DoubleClicked | QTableView.EditKeyPressed)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.setPrefix("Năm ")
        self.message = QLabel("Gõ số kiểu Việt Nam (4.500; 9,5-10 cho một khoảng); Enter để lưu.")
        self.message.setWordWrap(True)
        import_button = QPushButton("Nhập từ Excel…")
        close_button = QPushButton("Đóng")
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addStretch()
        top.addWidget(import_button)
        top.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        self.year.valueChanged.connect(self.model.load)
        self.model.editRequested.connect(self.save_one)
        self.model.inputRejected.connect(self.message.setText)
        import_button.clicked.connect(self.choose_import)
        close_button.clicked.connect(self.accept)
        self.model.load(year)
        self.view.setColumnWidth(1, 90)

    def save_one(self, code: str, source: str, parsed) -> None:
        value, low, high = parsed
        year = self.model.year
        note = (self.model.values.get((code, source)) or {}).get("note", "")
        self.worker.submit(lambda s: set_target(s, code, str(year), source, value, low=low, high=high, note=note),
                           lambda _n: self.message.setText("Đã lưu kế hoạch."), self._failed)

    def _failed(self, message: str) -> None:
        self.message.setText(message)
        self.model.load(self.model.year)

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nhập kế hoạch từ Excel", "", "Excel (*.xlsx)")
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        """Check the whole sheet first; save only when every cell is right."""
        from ..models.target_import import read_target_sheet

        try:
            rows = read_target_sheet(catalogue(self.store), path)
        except InputError as error:
            self.message.setText(str(error))
            return
        year = self.model.year

        def done(changed: int) -> None:
            self.model.load(year)
            self.message.setText(f"Đã nhập {len(rows)} kế hoạch năm {year} ({changed} thay đổi).")

        self.worker.submit(lambda s: save_targets(s, year, rows), done, self._failed)
