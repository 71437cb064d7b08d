"""The window's one `PeriodState` (progress rows and the checks' findings) for the unit and
period on screen, shared by the overview, the sector grids, the checks panel and the exports'
questions.

It is replaced, never changed: after a write the window builds the new state on the DB worker
(`MainWindow.refresh_state`) and hands it here; a unit or period not held yet is built at once
on the window's own connection (`period_state`, once per version of the data).
"""

from __future__ import annotations

from ..models.period_state import PeriodState, period_state
from ..models.periods import Period
from ..models.progress import IndicatorProgress
from ..models.store import Store


class ProgressCache:
    def __init__(self, store: Store):
        self.store = store
        self.state: PeriodState | None = None

    def current(self, unit: str, period: Period) -> PeriodState:
        """The state of `unit` in `period`: the one held, or built now."""
        state = self.state
        if state is None or state.unit != unit or state.period.code != period.code:
            state = self.state = period_state(self.store, unit, period)
        return state

    def held(self, unit: str, period: Period) -> PeriodState | None:
        """The state held for `unit` in `period`, if any (nothing is computed)."""
        state = self.state
        if state is not None and state.unit == unit and state.period.code == period.code:
            return state
        return None

    def rows(self, unit: str, period: Period, codes: list[str]) -> dict[str, IndicatorProgress]:
        """indicator -> progress for `codes` (those the unit reports)."""
        return self.current(unit, period).rows_of(codes)

    def keep(self, state: PeriodState) -> None:
        """Hold `state` (built on the DB worker after a write)."""
        self.state = state

    def invalidate(self) -> None:
        self.state = None
