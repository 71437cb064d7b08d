"""Entering figures: validate edits with the core, save them on the worker, undo and redo them.

An edit names one cell of one figure (its value, year-to-date, status or comment) with the
old and the new content; a paste or a clearing of several cells is one undoable step. The
unit and period are those of the moment of the edit, so undo after switching month still
reaches the right figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..models.catalogue import catalogue
from ..models.changes import figures_changed
from ..models.errors import InputError
from ..models.figures import FigureChange, apply_changes, prepare_change
from ..models.organisation import organisation
from ..models.periods import Period
from ..models.store import Store
from .ops import CollectionOp

FIELDS = ("value", "ytd", "status", "comment")
BASIS = {"value": "month", "ytd": "ytd"}


@dataclass(frozen=True)
class CellEdit:
    indicator: str
    field: str  # one of FIELDS
    old: object
    new: object


class _EditCommand(QUndoCommand):
    def __init__(self, entry: FigureEntry, unit: str, period: Period, edits: list[CellEdit], text: str):
        super().__init__(text)
        self.entry, self.unit, self.period, self.edits = entry, unit, period, edits

    def redo(self):
        self.entry._send(self.unit, self.period, [(e, e.new) for e in self.edits])

    def undo(self):
        self.entry._send(self.unit, self.period, [(e, e.old) for e in self.edits])


class FigureEntry(QObject):
    """Validates and saves edits (each an `ops.CollectionOp`); `saved(unit, period_code, codes, count)` after each write."""

    saved = Signal(str, str, object, int)
    failed = Signal(str)

    def __init__(self, store: Store, worker, parent=None):
        super().__init__(parent)
        self.store, self.worker = store, worker
        self.undo_stack = QUndoStack(self)

    def change_for(self, unit: str, period: Period, indicator: str, field: str, content) -> FigureChange:
        """The core's validated change for one cell (pure); InputError says why not."""
        cat, org = catalogue(self.store), organisation(self.store)
        if field in BASIS:
            if content is None:
                return prepare_change(cat, org, unit, period, indicator, basis=BASIS[field], clear=True)
            return prepare_change(cat, org, unit, period, indicator, value=content, basis=BASIS[field])
        if field == "status":
            return prepare_change(cat, org, unit, period, indicator, status=content)
        if field == "comment":
            return prepare_change(cat, org, unit, period, indicator, comment=content or "")
        raise ValueError(field)

    def submit(self, unit: str, period: Period, edits: list[CellEdit], text: str) -> None:
        """Validate every edit, then save them as one undoable step; InputError refuses them all."""
        edits = [e for e in edits if e.old != e.new]
        if not edits:
            return
        for edit in edits:
            self.change_for(unit, period, edit.indicator, edit.field, edit.new)
        self.undo_stack.push(_EditCommand(self, unit, period, edits, text))

    def _send(self, unit: str, period: Period, contents: list[tuple[CellEdit, object]]) -> None:
        changes = [self.change_for(unit, period, e.indicator, e.field, content) for e, content in contents]
        codes = {e.indicator for e, _ in contents}

        def write(store: Store):
            return apply_changes(store, changes), figures_changed(changes)

        CollectionOp(self, write, worker=self.worker).success(
            lambda count: self.saved.emit(unit, period.code, codes, count)).failure(self.failed.emit).run()


def check_edits(entry: FigureEntry, unit: str, period: Period, edits: list[CellEdit]) -> str | None:
    """The first reason the core refuses one of the edits, or None."""
    for edit in edits:
        try:
            entry.change_for(unit, period, edit.indicator, edit.field, edit.new)
        except InputError as error:
            return str(error)
    return None
