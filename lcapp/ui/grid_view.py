"""The keyboard-first grid: typing edits, Enter commits and moves down, Tab right, Esc cancels,
Delete clears, Ctrl+V pastes a block from Excel or Word, Ctrl+Z / Ctrl+Y undo and redo.

A refused entry keeps its editor open with the reason shown; nothing is saved.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLineEdit, QStyledItemDelegate, QTreeView

from ..models.figures import STATUS_LABELS
from .grid_model import COMMENT, NAME, STATUS

_COMMIT_KEYS = {Qt.Key_Return: "down", Qt.Key_Enter: "down", Qt.Key_Tab: "right", Qt.Key_Backtab: "left"}


class CellDelegate(QStyledItemDelegate):
    """Line editors (a list for the status); commits on Enter / Tab only when the model accepts."""

    def __init__(self, view: FigureGrid):
        super().__init__(view)
        self.view = view
        self.last_ok = True

    def createEditor(self, parent, option, index):
        if index.model().column_key(index) == STATUS:
            combo = QComboBox(parent)
            combo.addItems(list(STATUS_LABELS.values()))
            return combo
        editor = QLineEdit(parent)
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor, index):
        text = index.model().data(index, Qt.EditRole) or ""  # not index.data(): see overview.BarDelegate
        if isinstance(editor, QComboBox):
            position = editor.findText(text)
            editor.setCurrentIndex(max(position, 0))
        else:
            editor.setText(text)

    def setModelData(self, editor, model, index):
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        if text == (model.data(index, Qt.EditRole) or "") and not model.errors.get((model.code_at(index),
                                                                              model.column_key(index))):
            self.last_ok = True
            return
        self.last_ok = model.setData(index, text, Qt.EditRole)

    def eventFilter(self, editor, event):
        if event.type() == QEvent.KeyPress and event.key() in _COMMIT_KEYS \
                and not event.modifiers() & Qt.ControlModifier:
            self.commitData.emit(editor)
            if not self.last_ok:
                editor.setFocus()
                return True
            self.closeEditor.emit(editor, QStyledItemDelegate.NoHint)
            self.view.move_cursor(_COMMIT_KEYS[event.key()])
            return True
        return super().eventFilter(editor, event)


class FigureGrid(QTreeView):
    """A tree of indicators that behaves like a well-made spreadsheet."""

    message = Signal(str)
    detailsRequested = Signal(QModelIndex)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.delegate = CellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.AnyKeyPressed | QAbstractItemView.DoubleClicked
                             | QAbstractItemView.EditKeyPressed)
        self.setTabKeyNavigation(True)
        self.setAllColumnsShowFocus(False)
        self.setIndentation(14)
        self.undo_stack = None

    def setModel(self, model):
        super().setModel(model)
        model.modelReset.connect(self._after_reset)
        model.inputRejected.connect(lambda index, reason: self.message.emit(reason))
        self._after_reset()

    def _after_reset(self) -> None:
        self.expandAll()
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.Interactive)
        model = self.model()
        for column, key in enumerate(model.columns):
            width = {NAME: 250, COMMENT: 100, STATUS: 86}.get(key, 64 if key == "dvt" else 78)
            self.setColumnWidth(column, width)
        header.setDefaultAlignment(Qt.AlignCenter | Qt.TextWordWrap)
        header.setMinimumHeight(2 * self.fontMetrics().height() + 10)

    def move_cursor(self, direction: str) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        if direction == "down":
            below = self.indexBelow(current)
            target = below.siblingAtColumn(current.column()) if below.isValid() else current
        elif direction == "right":
            target = current.siblingAtColumn(min(current.column() + 1, self.model().columnCount() - 1))
        else:
            target = current.siblingAtColumn(max(current.column() - 1, 0))
        self.setCurrentIndex(target)

    def keyPressEvent(self, event):
        editing = self.state() == QAbstractItemView.EditingState
        if not editing:
            if event.key() in (Qt.Key_Return, Qt.Key_Enter):
                if event.modifiers() & Qt.ControlModifier:
                    self.detailsRequested.emit(self.currentIndex())
                else:
                    self.move_cursor("down")
                return
            if event.key() in (Qt.Key_Delete, Qt.Key_Backspace):
                self.model().clear_cells(self.selectedIndexes() or [self.currentIndex()])
                self.message.emit("Đã xóa ô (Ctrl+Z để hoàn tác).")
                return
            if event.matches(QKeySequence.Paste):
                self.paste()
                return
            if event.matches(QKeySequence.Undo) and self.undo_stack is not None:
                self.undo_stack.undo()
                return
            redo = event.matches(QKeySequence.Redo) or (
                event.key() == Qt.Key_Y and event.modifiers() == Qt.ControlModifier)
            if redo and self.undo_stack is not None:
                self.undo_stack.redo()
                return
        super().keyPressEvent(event)

    def paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        problem = self.model().paste_block(self.currentIndex(), text)
        self.message.emit(problem or "Đã dán; đang lưu…")

    def select_cell(self, index: QModelIndex) -> None:
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)
            self.setFocus()
