"""The "Nội dung báo cáo" tab: every part of the report that is text alone (the sectors without
figures, the assessment, the causes, the next period's tasks), each written and saved here."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..models.narrative import narratives, text_only_parts
from .narrative_editor import NarrativeEditor

TAB_TITLE = "Nội dung báo cáo"
PART_ROLE = 256  # Qt.UserRole, without Qt's namespace enums at import


class ReportTextTab(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.loaded_for: tuple[str, str] | None = None
        self._texts: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self.parts = QListWidget(self)
        self.parts.setMaximumWidth(340)
        self.parts.setWordWrap(True)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-weight: bold")
        self.narrative = NarrativeEditor(window, self, placeholder="Nội dung của phần này trong kỳ (tự lưu).")
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.narrative, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.parts)
        layout.addLayout(right, 1)
        self.parts.currentItemChanged.connect(self._part_chosen)

    def load(self, unit: str, period) -> None:
        """The parts of `unit`'s report for `period`, with the chosen one (or the first) open."""
        store = self.window_.store
        self.save_narrative()
        chosen = self.current_part()
        self._texts = narratives(store, unit, period)
        self.loaded_for = (unit, period.code)
        self._labels = dict(text_only_parts(store, unit))
        self.parts.blockSignals(True)
        self.parts.clear()
        for part in self._labels:
            QListWidgetItem(self.parts).setData(PART_ROLE, part)
            self._show_label(self.parts.item(self.parts.count() - 1))
        self.parts.blockSignals(False)
        rows = list(self._labels)
        self.parts.setCurrentRow(rows.index(chosen) if chosen in rows else 0)
        self._part_chosen(self.parts.currentItem(), None)

    def _show_label(self, item) -> None:
        part = item.data(PART_ROLE)
        written = bool(self._texts.get(part, "").strip())
        item.setText(self._labels[part] + ("" if written else " (chưa viết)"))

    def current_part(self) -> str | None:
        item = self.parts.currentItem()
        return item.data(PART_ROLE) if item is not None else None

    def choose_part(self, part: str) -> None:
        for i in range(self.parts.count()):
            if self.parts.item(i).data(PART_ROLE) == part:
                self.parts.setCurrentRow(i)
                return

    def _part_chosen(self, item, previous) -> None:
        if item is None or self.loaded_for is None:
            return
        self.save_narrative()
        if previous is not None and self.narrative.shown_for is not None:
            # what was typed in the part just left is what the list now knows of it
            self._texts[previous.data(PART_ROLE)] = self.narrative.toPlainText()
            self._show_label(previous)
        part = item.data(PART_ROLE)
        self.title.setText(self._labels[part])
        unit, period_code = self.loaded_for
        self.narrative.show_part(unit, period_code, part, self._texts.get(part, ""))

    def save_narrative(self) -> None:
        self.narrative.save()
