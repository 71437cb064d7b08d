"""Nhập liệu → Tình trạng khóa số liệu các đơn vị…: the consolidating office's lock column per unit.

One month, the window's unit (a department: its city) and every geographic child unit valid in
that month, each locked or open, with who locked it and when. "Khóa" and "Mở khóa…" call the
core's `locks.lock` / `locks.unlock` on the one DB worker, one transaction per unit; unlocking
asks the reason, and the core refuses an empty one.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from shiboken6 import isValid
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ..models.locks import LockRow, lock_rows, month_label
from ..models.organisation import KIND_LABELS, organisation
from ..models.periods import month_period
from ..models.store import Store

COLUMNS = ("Đơn vị", "Trạng thái", "Người khóa", "Lúc")
UNIT, STATE, LOCKED_BY, LOCKED_AT = range(len(COLUMNS))
LOCKED_TEXT, OPEN_TEXT = "Đã khóa", "Chưa khóa"
LOCKED_BRUSH = QBrush(QColor("#b71c1c"))
OPEN_BRUSH = QBrush(QColor("#2e7d32"))
ACTION_LABELS = {"lock": "khóa", "unlock": "mở khóa"}


def time_text(stamp: str | None) -> str:
    """A stored local time (ISO, to the second) as the user reads it: 05/06/2024 14:03."""
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return stamp


class LockStatusModel(QAbstractTableModel):
    """One row per unit: name, locked or not, who locked it, when."""

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.rows: list[LockRow] = []
        self.unit, self.year, self.month = "", 0, 0
        self._bold = QFont()
        self._bold.setBold(True)

    def load(self, unit: str, year: int, month: int) -> None:
        self.unit, self.year, self.month = unit, year, month
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.rows = lock_rows(self.store, self.unit, self.year, self.month) if self.unit else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.DisplayRole:
            if column == UNIT:
                return row.name if index.row() == 0 else f"    {row.name}"
            if column == STATE:
                return LOCKED_TEXT if row.locked else OPEN_TEXT
            if column == LOCKED_BY:
                return row.locked_by or ""
            if column == LOCKED_AT:
                return time_text(row.locked_at)
            return None
        if role == Qt.ToolTipRole:
            if column == UNIT:
                return f"{row.name} ({KIND_LABELS.get(row.kind, row.kind)}, mã {row.code})"
            if column == STATE and row.last_action:
                last = row.last_action
                text = (f"Lần cuối {ACTION_LABELS[last['action']]}: {last['user']}, "
                        f"{time_text(last['at'])}")
                return f"{text}\nLý do: {last['reason']}" if last["reason"] else text
            return None
        if role == Qt.ForegroundRole and column == STATE:
            return LOCKED_BRUSH if row.locked else OPEN_BRUSH
        if role == Qt.FontRole and (column == STATE and row.locked or column == UNIT and index.row() == 0):
            return self._bold
        if role == Qt.TextAlignmentRole and column in (STATE, LOCKED_AT):
            return int(Qt.AlignCenter)
        return None


class LockStatusDialog(QDialog):
    """The table and its buttons; writes go to `worker` (the window's DbWorker), then the table is read again.

    Each write is an `ops.CollectionOp`: the window refreshes from its changes. `on_changed(codes,
    text)`, when given, runs after a write with the units whose lock may have changed and what was
    done (None when the core refused it); without it the window's status line says what was done.
    """

    def __init__(self, store: Store, worker, unit: str, year: int, month: int, parent=None, on_changed=None):
        super().__init__(parent)
        from .ops import host_of

        self.worker = worker
        self.on_changed = on_changed
        self.host = host_of(parent)  # the window: its status line says what was done
        self.year, self.month = year, month
        self.month_key = month_period(year, month).months[0]
        self.setWindowTitle("Tình trạng khóa số liệu")
        self.model = LockStatusModel(store, self)
        self.model.load(unit, year, month)
        head = self.model.rows[0]

        layout = QVBoxLayout(self)
        title = QLabel(f"<b>Khóa số liệu {month_label(self.month_key)}</b> — {head.name} "
                       "và các đơn vị trực thuộc", self)
        layout.addWidget(title)
        hint = QLabel("Đã khóa: đã nhận và duyệt, không nhập tay hay nhận gói dữ liệu được nữa. "
                      "Mở khóa phải ghi lý do.", self)
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(UNIT, QHeaderView.Stretch)
        header.setMinimumSectionSize(90)
        for column in (STATE, LOCKED_BY, LOCKED_AT):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        layout.addWidget(self.table)

        buttons = QHBoxLayout()
        self.lock_button = QPushButton("Khóa", self)
        self.lock_button.setToolTip("Khóa số liệu tháng này của các đơn vị đã chọn")
        self.lock_button.clicked.connect(self.lock_selected)
        self.unlock_button = QPushButton("Mở khóa…", self)
        self.unlock_button.setToolTip("Mở khóa số liệu tháng này của các đơn vị đã chọn (phải ghi lý do)")
        self.unlock_button.clicked.connect(self.unlock_selected)
        buttons.addWidget(self.lock_button)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.button(QDialogButtonBox.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.table.resizeColumnsToContents()
        self.resize(700, 100 + self.table.verticalHeader().defaultSectionSize() * (len(self.model.rows) + 1))
        self._update_buttons()

    # -- selection ---------------------------------------------------------------------------
    def select_units(self, codes) -> None:
        """Select the rows of these units (as a click or Ctrl+click would)."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel
        selection = QItemSelection()
        for number, row in enumerate(self.model.rows):
            if row.code in codes:
                selection.select(self.model.index(number, 0), self.model.index(number, len(COLUMNS) - 1))
        model = self.table.selectionModel()
        model.select(selection, QItemSelectionModel.ClearAndSelect)
        if not selection.isEmpty():
            model.setCurrentIndex(selection.indexes()[0], QItemSelectionModel.NoUpdate)

    def selected_rows(self) -> list[LockRow]:
        numbers = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.rows[n] for n in numbers if n < len(self.model.rows)]

    def _update_buttons(self, *_args) -> None:
        rows = self.selected_rows()
        self.lock_button.setEnabled(self.worker is not None and any(not r.locked for r in rows))
        self.unlock_button.setEnabled(self.worker is not None and any(r.locked for r in rows))

    # -- writes ------------------------------------------------------------------------------
    def lock_selected(self) -> None:
        from ..models.locks import lock
        codes = [r.code for r in self.selected_rows() if not r.locked]
        if not codes:
            return
        key = str(self.month_key)
        self._submit(lambda s: sum(lock(s, code, key) for code in codes), codes,
                     f"Đã khóa số liệu {month_label(self.month_key)}")

    def unlock_selected(self) -> None:
        from ..models.locks import unlock
        rows = [r for r in self.selected_rows() if r.locked]
        if not rows:
            return
        names = ", ".join(r.name for r in rows)
        reason, ok = QInputDialog.getText(self, "Mở khóa số liệu",
                                          f"Mở khóa số liệu {names} {month_label(self.month_key)}.\n"
                                          "Lý do mở khóa (ghi vào lịch sử):")
        if not ok:
            return
        codes, key = [r.code for r in rows], str(self.month_key)
        self._submit(lambda s: sum(unlock(s, code, key, reason) for code in codes), codes,
                     f"Đã mở khóa số liệu {month_label(self.month_key)}")

    def _submit(self, task, codes: list[str], done_text: str) -> None:
        self.lock_button.setEnabled(False)
        self.unlock_button.setEnabled(False)

        def finished(_count) -> None:
            self._after(codes, done_text)

        def refused(message: str) -> None:
            self._after(codes, None)
            QMessageBox.warning(self if isValid(self) else None, "Khóa số liệu", message)

        from ..models.changes import Changes
        from .ops import CollectionOp

        changes = Changes(units=frozenset(codes), periods=frozenset({str(self.month_key)}), locks=True)
        CollectionOp(self, lambda s: (task(s), changes), worker=self.worker).success(finished).failure(refused).run()

    def _after(self, codes: list[str], done_text: str | None) -> None:
        """The table follows the write; the window's lock label follows its changes (ops.py)."""
        on_changed = self.on_changed
        if isValid(self) and isValid(self.model):  # closed (and deleted) while the worker wrote: only the window
            selected = [r.code for r in self.selected_rows()]
            self.model.refresh()
            self.select_units(selected)
            self._update_buttons()
        if on_changed is not None:
            on_changed(codes, done_text)
        elif done_text and self.host is not None:
            self.host.say_saved(done_text)
