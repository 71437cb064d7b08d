"""The text box of one part of the report (a sector's text, the assessment, the next tasks...) for a
unit and period, saved on the DB worker a moment after typing stops."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPlainTextEdit

SAVE_DELAY_MS = 1200


class NarrativeEditor(QPlainTextEdit):
    def __init__(self, window, parent=None, *, placeholder: str = ""):
        super().__init__(parent)
        self.window_ = window
        self.setPlaceholderText(placeholder)
        self.shown_for: tuple[str, str, str] | None = None  # unit, period code, part
        self._saved = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.textChanged.connect(self._timer.start)

    def show_part(self, unit: str, period_code: str, part: str, text: str) -> None:
        """Show the saved text of a part (what was being typed before is saved first)."""
        self.save()
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)
        self.shown_for, self._saved = (unit, period_code, part), text

    def save(self) -> None:
        """Save what is typed, if it changed (on the worker; the status bar says when it is saved)."""
        from ..models.changes import of_unit
        from ..models.narrative import set_narrative
        from .ops import CollectionOp

        self._timer.stop()
        if self.shown_for is None:
            return
        text = self.toPlainText()
        if text == self._saved:
            return
        unit, period, part = self.shown_for
        self._saved = text
        window = self.window_
        CollectionOp(self, lambda s: (set_narrative(s, unit, period, part, text),
                                      of_unit(unit, period, narrative=True))).success(
            lambda _n: window.say_saved("Đã lưu nội dung")).run()
