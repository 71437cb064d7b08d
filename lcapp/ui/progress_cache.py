"""Progress of every indicator for the unit and period on screen, computed once and shared by
the overview and the sector tabs, so switching tab costs no database reads. Dropped after a save.
"""

from __future__ import annotations

from ..models.periods import Period
from ..models.progress import IndicatorProgress, progress
from ..models.store import Store


class ProgressCache:
    def __init__(self, store: Store):
        self.store = store
        self._key: tuple[str, str] | None = None
        self._rows: dict[str, IndicatorProgress] = {}

    def rows(self, unit: str, period: Period) -> dict[str, IndicatorProgress]:
        """indicator -> progress, for every indicator the unit reports."""
        key = (unit, period.code)
        if key != self._key:
            self._rows = {row.indicator: row for row in progress(self.store, unit, period)}
            self._key = key
        return self._rows

    def invalidate(self) -> None:
        self._key, self._rows = None, {}
