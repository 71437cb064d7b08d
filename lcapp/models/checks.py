"""Checks of the figures: pure functions over a unit's progress that return findings.

A finding has a severity (error = lỗi, must be fixed or explained before the period is
complete; warning = cảnh báo; note = lưu ý), the rule that raised it, the indicator, unit
and period, a Vietnamese message with the numbers in it, and the numbers themselves. The UI
and the command line only show findings; nothing here writes.

The rules here are the first ones the program needs while entering figures: a negative
figure, a target already passed by far, a flow behind the pace expected by this month.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .catalogue import Catalogue, catalogue
from .numbers import format_number, format_percent, with_unit
from .periods import Period, parse_period
from .progress import PLAN_SOURCE, IndicatorProgress, progress
from .store import Store

SEVERITIES = ("error", "warning", "note")
SEVERITY_LABELS = {"error": "lỗi", "warning": "cảnh báo", "note": "lưu ý"}

CEILING_PERCENT = 150.0  # above this share of an annual target a figure is implausible
PACE_TOLERANCE = 5.0  # percentage points a flow may lag the pace m/12 before it is flagged


@dataclass
class Finding:
    severity: str
    rule: str
    indicator: str
    unit: str
    period: str
    message: str
    values: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)


def _source_label(cat: Catalogue, source: str) -> str:
    return cat.sources[source].phrase if source in cat.sources else source


def check_progress(cat: Catalogue, period: Period, rows: list[IndicatorProgress]) -> list[Finding]:
    """Findings for one unit and period from its progress rows (pure)."""
    findings: list[Finding] = []
    for row in rows:
        ind = cat.indicators[row.indicator]
        findings.extend(_negative(ind, row))
        findings.extend(_target_rules(cat, period, ind, row))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    position = {code: i for i, code in enumerate(cat.indicators)}
    findings.sort(key=lambda f: (order[f.severity], position.get(f.indicator, 0), f.rule))
    return findings


def _negative(ind, row: IndicatorProgress) -> list[Finding]:
    if ind.derived:
        return []
    minimum = ind.min_value if ind.min_value is not None else 0.0
    for label, value in (("số kỳ này", row.value), ("lũy kế", row.ytd)):
        if value is not None and value < minimum:
            shown = with_unit(format_number(value, ind.decimals), ind.unit)
            return [Finding("error", "below_minimum", ind.code, row.unit, row.period,
                            f"{ind.name}: {label} {shown} nhỏ hơn mức tối thiểu "
                            f"{with_unit(format_number(minimum, ind.decimals), ind.unit)}.",
                            {"value": value, "minimum": minimum})]
    return []


def _target_rules(cat: Catalogue, period: Period, ind, row: IndicatorProgress) -> list[Finding]:
    findings = []
    for source, percent in row.percent_of_target.items():
        if percent is None or row.range_position.get(source):
            continue
        annual = source == PLAN_SOURCE or source in row.behind_pace
        label = _source_label(cat, source)
        if annual and ind.direction == "up" and percent > CEILING_PERCENT:
            findings.append(Finding(
                "warning", "above_ceiling", ind.code, row.unit, row.period,
                f"{ind.name}: đạt {format_percent(percent)}% {label}, vượt {format_percent(CEILING_PERCENT)}%"
                f" — kiểm tra lại số liệu hoặc kế hoạch.", {"percent": percent, "ceiling": CEILING_PERCENT,
                                                            "source": source}))
        if row.behind_pace.get(source) and percent + PACE_TOLERANCE < row.expected_pace:
            findings.append(Finding(
                "warning", "behind_pace", ind.code, row.unit, row.period,
                f"{ind.name}: lũy kế đạt {format_percent(percent)}% {label}, chậm so với tiến độ "
                f"{format_percent(row.expected_pace)}% ({period.last}/12 tháng).",
                {"percent": percent, "expected_pace": row.expected_pace, "source": source}))
    return findings


def run_checks(store: Store, unit: str, period: Period | str) -> list[Finding]:
    """All findings for a unit and period."""
    if isinstance(period, str):
        period = parse_period(period)
    return check_progress(catalogue(store), period, progress(store, unit, period))
