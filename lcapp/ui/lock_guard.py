"""Locked unit-months in the window: the grids stop taking input and say why, with the core's message.

The core refuses any write to a locked month (`locks.refuse_locked`); this only spares the user
typing into a grid that will not save, and explains it where they look.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView

from ..models.locks import is_locked, locked_message
from ..models.organisation import organisation
from ..models.periods import month_period
from ..models.store import Store

_EDIT_KEYS = {Qt.Key_Delete, Qt.Key_Backspace, Qt.Key_F2}


def month_lock_message(store: Store, unit: str, year: int, month: int) -> str | None:
    """The core's refusal for `unit` (a department: its city) in that month, or None when it is open."""
    found = organisation(store).unit(unit)
    if found.is_department:
        found = organisation(store).unit(found.reports_for)
    key = month_period(year, month).months[0]
    return locked_message(found.name, key) if is_locked(store, found.code, key) else None


class LockGuard(QObject):
    """Watches the figure grids: while `message` is set they open no editor, and typing shows the message."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.message: str | None = None
        self._grids: list = []
        self._triggers: dict[int, object] = {}

    def watch(self, grid) -> None:
        self._grids.append(grid)
        self._triggers[id(grid)] = grid.editTriggers()
        grid.installEventFilter(self)
        grid.viewport().installEventFilter(self)
        grid.destroyed.connect(lambda _o=None, g=grid: self._forget(g))
        self._apply(grid)

    def _forget(self, grid) -> None:
        self._grids = [g for g in self._grids if g is not grid]

    def set_message(self, message: str | None) -> None:
        self.message = message
        for grid in self._grids:
            self._apply(grid)

    def _apply(self, grid) -> None:
        if self.message:
            grid.setEditTriggers(QAbstractItemView.NoEditTriggers)
            grid.setToolTip(self.message)
        else:
            grid.setEditTriggers(self._triggers.get(id(grid), grid.editTriggers()))
            grid.setToolTip("")

    def _would_edit(self, event) -> bool:
        if event.type() == QEvent.MouseButtonDblClick:
            return True
        if event.type() != QEvent.KeyPress:
            return False
        if event.matches(QKeySequence.Paste) or event.key() in _EDIT_KEYS:
            return True
        text = event.text()
        return bool(text) and text.isprintable() and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier)

    def eventFilter(self, watched, event):
        if self.message and self._would_edit(event):
            grid = watched if watched in self._grids else watched.parent()
            if grid in self._grids:
                grid.message.emit(self.message)
                return True
        return super().eventFilter(watched, event)
