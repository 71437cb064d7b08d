"""The main window's tabs: one per sector with its grid and, under it, the sector's narrative,
and the periods a month can be viewed in.

The core and the grid are imported when a tab is first shown, not at start (see main_window).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


def summary_periods(year: int, month: int) -> list[tuple[str, str]]:
    """(code, label) of the month and the summaries that contain it: quarter, 6 months, 9 months, year."""
    from ..models.periods import parse_period

    codes = [f"{year}{month:02d}", f"{year}Q{(month - 1) // 3 + 1}", f"{year}S{1 if month <= 6 else 2}"]
    if month <= 9:
        codes.append(f"{year}M9")
    codes.append(str(year))
    return [(code, parse_period(code).label) for code in codes]


class SectorTab(QWidget):
    """One sector: the grid and, under it, the sector's narrative for the period."""

    def __init__(self, window, sector: str):
        super().__init__(window)
        self.window_, self.sector = window, sector
        self.model = None  # a SectorGridModel, built when first shown: a fast start
        self.grid = None
        self.narrative = None
        self.loaded_for: tuple[str, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> None:
        if self.model is not None:
            return
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QSplitter

        from ..models.catalogue import catalogue
        from .grid_model import SectorGridModel
        from .grid_view import FigureGrid
        from .narrative_editor import NarrativeEditor

        window = self.window_
        self.model = SectorGridModel(window.store, self.sector, window.entry, self, cache=window.progress_cache)
        self.grid = FigureGrid(self)
        self.grid.undo_stack = window.entry.undo_stack
        self.grid.setModel(self.model)
        self.narrative = NarrativeEditor(window, self, placeholder="Nội dung báo cáo của lĩnh vực trong kỳ (tự lưu).")
        splitter = QSplitter(Qt.Vertical, self)
        splitter.addWidget(self.grid)
        box = QWidget(splitter)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 2, 0, 0)
        box_layout.addWidget(QLabel(f"Nội dung: {catalogue(window.store).sectors[self.sector].name}"))
        box_layout.addWidget(self.narrative)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 80])
        self.layout().addWidget(splitter)
        splitter.show()  # added to a tab that may already be on screen
        window._wire_tab(self)

    def load(self, unit: str, period) -> None:
        from ..models.narrative import narratives

        self.ensure_built()
        self.save_narrative()
        self.model.load(unit, period)
        self.model.set_findings(self.window_.findings_for(unit, period))
        self.loaded_for = (unit, period.code)
        text = narratives(self.window_.store, unit, period).get(self.sector, "")
        self.narrative.show_part(unit, period.code, self.sector, text)

    def save_narrative(self) -> None:
        if self.narrative is not None:
            self.narrative.save()


__all__ = ["SectorTab", "summary_periods"]
