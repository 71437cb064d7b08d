"""Progress of the indicators for the unit and period on screen, shared by the overview and the
sector tabs and dropped after every save.

What a tab needs and the cache lacks is computed at once; the rest is computed on the DB worker
(its own connection) right after the window shows, so switching tab later reads nothing.
"""

from __future__ import annotations

from ..models.periods import Period
from ..models.progress import IndicatorProgress, progress
from ..models.store import Store


class ProgressCache:
    def __init__(self, store: Store):
        self.store = store
        self.generation = 0  # bumped by every invalidation: late background results are dropped
        self._key: tuple[str, str] | None = None
        self._rows: dict[str, IndicatorProgress] = {}
        self.complete = False

    def _select(self, unit: str, period: Period) -> None:
        key = (unit, period.code)
        if key != self._key:
            self._key, self._rows, self.complete = key, {}, False

    def rows(self, unit: str, period: Period, codes: list[str]) -> dict[str, IndicatorProgress]:
        """indicator -> progress for `codes` (those the unit reports)."""
        self._select(unit, period)
        missing = [code for code in codes if code not in self._rows]
        if missing and not self.complete:
            for row in progress(self.store, unit, period, missing):
                self._rows[row.indicator] = row
        return {code: self._rows[code] for code in codes if code in self._rows}

    def prefetch(self, worker, unit: str, period: Period) -> None:
        """Compute every indicator's progress on the worker; keep it if nothing changed meanwhile."""
        generation, key = self.generation, (unit, period.code)

        def keep(rows: list[IndicatorProgress]) -> None:
            if generation == self.generation and key == self._key:
                for row in rows:
                    self._rows.setdefault(row.indicator, row)
                self.complete = True

        worker.submit(lambda store: progress(store, unit, period), keep)

    def invalidate(self) -> None:
        self.generation += 1
        self._key, self._rows, self.complete = None, {}, False
