"""The preview of an incoming package or file: a table of the rows an import would write, that
the user filters and sorts by kind, with a decision per conflicting row and for all of them."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from ..models.catalogue import catalogue
from ..models.catalogue_package import CATALOGUE_KIND
from ..models.catalogue_package import describe_row as describe_catalogue_row
from ..models.catalogue_package import values_text as catalogue_values_text
from ..models.locks import month_label
from ..models.merge import CHANGED, CONFLICT, IDENTICAL, NEW, OLDER, REFUSED, STATUS_LABELS
from ..models.numbers import format_number
from ..models.organisation import organisation
from ..models.periods import parse_period
from ..models.store import Store
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

OURS, THEIRS = "ours", "theirs"
DECISION_LABELS = {None: "chưa chọn", OURS: "giữ số đã có", THEIRS: "lấy số trong gói"}
KIND_ORDER = (CONFLICT, REFUSED, CHANGED, NEW, OLDER, IDENTICAL)
KIND_COLOURS = {CONFLICT: "#ffe0b2", REFUSED: "#ffcdd2", CHANGED: "#e3f2fd", NEW: "#e8f5e9"}
KIND_ROLE = USER_ROLE + 2
DESCENDING = Qt.DescendingOrder

# Columns of the preview table, by name.
UNIT, PERIOD, INDICATOR, KIND, OLD, NEW_VALUE, WHO, WHEN, DECISION = range(9)
HEADERS = ("Đơn vị", "Kỳ", "Chỉ tiêu", "Loại", "Số đã có", "Số trong gói", "Người nhập", "Lúc", "Quyết định")


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


__all__ = ["DECISION", "DECISION_LABELS", "KIND", "KIND_ORDER", "OURS", "THEIRS", "DecisionDelegate", "KindFilter",
           "PreviewModel", "values_text"]
