"""What a write changed, so that whoever shows the data refreshes only what it must.

Like Anki's `OpChanges`: every write the window runs returns one `Changes` with the units and
periods it touched and which kinds of data; the window refreshes its grids, overview, details
and checks from that one value. `EVERYTHING` (a restore, an import of a whole office's file)
means drop whatever was derived from the data.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    units: frozenset[str] = frozenset()
    periods: frozenset[str] = frozenset()  # period codes ("202405", "2024"); empty: any period
    figures: bool = False
    targets: bool = False
    narrative: bool = False
    catalogue: bool = False
    settings: bool = False
    locks: bool = False
    everything: bool = False

    def __or__(self, other: Changes) -> Changes:
        values = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = mine | theirs if isinstance(mine, frozenset) else mine or theirs
        return Changes(**values)

    @property
    def data(self) -> bool:
        """Whether what progress, checks or drafts read changed (not only locks or nothing)."""
        return self.figures or self.targets or self.narrative or self.catalogue or self.settings or self.everything

    @property
    def structure(self) -> bool:
        """Whether the tabs, columns or rows may differ: the catalogue, targets (their columns), settings."""
        return self.catalogue or self.targets or self.settings or self.everything


NOTHING = Changes()
EVERYTHING = Changes(figures=True, targets=True, narrative=True, catalogue=True, settings=True, locks=True,
                     everything=True)


def figures_changed(figure_changes) -> Changes:
    """The changes of `figures.apply_changes(store, figure_changes)` (core `FigureChange`s)."""
    from .periods import split_month_key

    units = {change.unit for change in figure_changes} | {change.reporter for change in figure_changes}
    periods = {"%d%02d" % split_month_key(change.month) for change in figure_changes}
    return Changes(units=frozenset(units), periods=frozenset(periods), figures=True)


def of_unit(unit: str, period: str | None = None, **kinds: bool) -> Changes:
    """`Changes(units={unit}, periods={period}, **kinds)`."""
    return Changes(units=frozenset({unit}), periods=frozenset({period} if period else ()), **kinds)


__all__ = ["EVERYTHING", "NOTHING", "Changes", "figures_changed", "of_unit"]
