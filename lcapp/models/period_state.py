"""One unit in one period at one version of the data: its progress rows and, once checked, its
findings, computed once and shared by everything that shows or prints them.

The grid, the overview, the checks, the drafted text, the PDF, the Word file and the annex all
read the same `PeriodState`. A state is never changed after it is built: a new version of the
data (any committed write, by this connection or another) builds a new one. What is being typed
and not yet saved stays in the window's grid, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .periods import Period, parse_period
from .progress import IndicatorProgress, progress
from .store import Store


@dataclass(frozen=True)
class PeriodState:
    unit: str  # the unit asked for (a department stays itself: its sectors are its own)
    period: Period
    rows: tuple[IndicatorProgress, ...]
    by_code: dict[str, IndicatorProgress] = field(repr=False, compare=False)
    findings: tuple | None = None  # the checks' findings, when they were run on this state

    def rows_of(self, codes) -> dict[str, IndicatorProgress]:
        """indicator -> progress for those of `codes` the unit reports."""
        return {code: self.by_code[code] for code in codes if code in self.by_code}


def data_version(store: Store) -> int:
    """Changes whenever another connection commits (SQLite's `data_version`); this connection's
    own writes clear its cache instead (`Store.write`)."""
    return store.conn.execute("PRAGMA data_version").fetchone()[0]


def build_state(store: Store, unit: str, period: Period | str) -> PeriodState:
    """A new state from the database (one `progress()` computation)."""
    if isinstance(period, str):
        period = parse_period(period)
    rows = tuple(progress(store, unit, period))
    return PeriodState(unit, period, rows, {row.indicator: row for row in rows})


def period_state(store: Store, unit: str, period: Period | str) -> PeriodState:
    """The state of `unit` in `period` at the data's current version: built on the first call,
    the same object afterwards until the data changes."""
    if isinstance(period, str):
        period = parse_period(period)
    states: dict = store.cached("period_states", dict)
    key, version = (unit, period.code), data_version(store)
    kept = states.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    state = build_state(store, unit, period)
    states[key] = (version, state)
    return state


def keep_state(store: Store, state: PeriodState) -> PeriodState:
    """Hand `state` (built on another connection at the version this one sees) to this connection,
    so its exports and checks read it instead of computing it again."""
    store.cached("period_states", dict)[(state.unit, state.period.code)] = (data_version(store), state)
    return state


def with_findings(state: PeriodState, findings) -> PeriodState:
    return PeriodState(state.unit, state.period, state.rows, state.by_code, tuple(findings))


__all__ = ["PeriodState", "build_state", "data_version", "keep_state", "period_state", "with_findings"]
