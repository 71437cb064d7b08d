"""What every rule reads: the data of one unit and period, read once before any rule runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..catalogue import Catalogue, Indicator
from ..figure_data import FigureData
from ..findings import Finding
from ..numbers import figure_decimals, format_number, with_unit
from ..organisation import Organisation
from ..periods import Period
from ..progress import IndicatorProgress
from ..targets import Target

# Defaults of the settings the checks read (a database may override them in `settings`).
DEFAULT_SETTINGS = {
    "check_pace_tolerance": 5.0,  # percentage points a flow may lag the pace m/12 before it is flagged
    "check_ceiling_percent": 150.0,  # above this share of an annual target a figure is implausible
    "check_history_months": 24,  # months of history the outlier test looks at
    "check_history_years": 4,  # earlier years whose same month the outlier test looks at
}


@dataclass
class CheckInput:
    """Everything the rules need, loaded once; rules only read it."""

    cat: Catalogue
    org: Organisation
    period: Period
    unit: str  # the unit whose figures are checked (a department's checks look at its unit)
    reporter: str  # the unit that asked (a department, or the unit itself)
    rows: list[IndicatorProgress]
    own: FigureData  # the unit's own figures (no child units), every year the rules look at
    targets: dict[str, list[Target]]
    settings: dict
    today: date
    by_code: dict[str, IndicatorProgress] = field(default_factory=dict)
    # the report's text (for the text rules): what each part prints, today's drafts, the parts
    # that print only the request to write them, and the percent precision of the setting
    texts: dict[str, str] = field(default_factory=dict)
    drafted: dict[str, str] = field(default_factory=dict)
    placeholders: list[str] = field(default_factory=list)
    percent_decimals: int = 1
    completeness: object = None  # consolidation.Completeness of the child units, or None

    def __post_init__(self):
        self.by_code = {row.indicator: row for row in self.rows}

    def setting(self, key: str) -> float:
        return self.settings.get(key, DEFAULT_SETTINGS[key])

    def finding(self, severity: str, rule: str, ind: Indicator, message: str, **values) -> Finding:
        return Finding(severity, rule, ind.code, self.unit, self.period.code, message, values)


def shown(ind: Indicator, value: float | None, decimals: int | None = None) -> str:
    """A figure as the user reads it: "1.931 tỷ đồng", "98,4%"."""
    return with_unit(format_number(value, ind.decimals if decimals is None else decimals), ind.unit)


def rounding_step(ind: Indicator, *values: float | None) -> float:
    """Half a unit of the last decimal shown: differences below it are invisible. With `values`,
    of the coarsest of them as printed (with the decimals typed, up to the indicator's maximum)."""
    shown_decimals = [figure_decimals(v, ind.decimals) for v in values if v is not None]
    return 0.5 * 10 ** -(min(shown_decimals) if shown_decimals else ind.decimals)
