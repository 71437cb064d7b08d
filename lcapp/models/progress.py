"""Progress of every indicator for a unit and period: what the reports state.

For each indicator: the period's value, year-to-date, each target and the percent achieved
(more-is-better: value / target; less-is-better: target / value; range: 100 inside,
otherwise how far outside), the pace expected by this month for flows (m/12 of the annual
target), the same period last year and the previous period with their changes, and the
sum of the child units with the difference when the unit entered its own figure. For a
unit formed on 01/07/2025, figures of the months before are its predecessors' summed
(`figure_data`), and `old_boundaries` says which units each such figure was summed from,
or why there is none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .catalogue import Catalogue, Indicator, catalogue
from .figure_data import FigureData
from .organisation import organisation
from .periods import Period, add_months, month_key, parse_period, split_month_key
from .store import Store
from .targets import Target, targets_for_year

PLAN_SOURCE = "kh_von"  # the plan that is itself a figure (capital plan for disbursement)


@dataclass
class IndicatorProgress:
    indicator: str
    name: str
    dvt: str
    sector: str
    parent: str | None
    depth: int
    kind: str
    direction: str
    decimals: int
    unit: str
    period: str
    value: float | None
    ytd: float | None
    status: str | None
    comments: list[str]
    targets: dict = field(default_factory=dict)
    target_notes: dict = field(default_factory=dict)
    target_periods: dict = field(default_factory=dict)  # source -> "2024" or a term "2021-2025"
    percent_of_target: dict = field(default_factory=dict)
    range_position: dict = field(default_factory=dict)
    measured_by: str | None = None
    expected_pace: float | None = None
    behind_pace: dict = field(default_factory=dict)
    term_to_date: dict = field(default_factory=dict)
    same_period_last_year: float | None = None
    percent_vs_last_year: float | None = None
    change_vs_last_year: float | None = None
    ytd_last_year: float | None = None
    ytd_percent_vs_last_year: float | None = None
    previous_period: str | None = None
    previous_value: float | None = None
    percent_vs_previous: float | None = None
    change_vs_previous: float | None = None
    value_from_children: bool = False
    children_value: float | None = None
    children_ytd: float | None = None
    difference_vs_children: float | None = None
    # quantity ("same_period_last_year", "ytd_last_year", "previous_value", "value", "ytd") ->
    # {"period", "before" (the unit's first month), "summed_from", "names"} or {"period", "missing"},
    # for figures reaching back before the unit existed (counted by the old boundaries)
    old_boundaries: dict = field(default_factory=dict)

    def is_annual(self, source: str) -> bool:
        """A target of the year itself (or the capital plan), not of a term such as 2021-2025."""
        return "-" not in self.target_periods.get(source, "")

    def in_report_scope(self, source: str, period: Period) -> bool:
        """Whether a report of `period` states this target: the year's own targets (and the
        capital plan) always; a term target only in a year's report, where the term is at stake."""
        return period.kind == "year" or self.is_annual(source)

    def reported_targets(self, period: Period) -> dict:
        return {source: value for source, value in self.targets.items() if self.in_report_scope(source, period)}

    def reported_percents(self, period: Period) -> dict:
        return {source: percent for source, percent in self.percent_of_target.items()
                if percent is not None and self.in_report_scope(source, period)}

    def as_json(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 6)
            elif isinstance(value, dict):
                data[key] = {k: _rounded(k, v, key) for k, v in value.items()}
        for key in ("percent_vs_last_year", "change_vs_last_year", "ytd_percent_vs_last_year",
                    "percent_vs_previous", "change_vs_previous", "expected_pace"):
            if data[key] is not None:
                data[key] = round(data[key], 2)
        return data


def _rounded(_key, value, container: str):
    if isinstance(value, float):
        return round(value, 2 if container == "percent_of_target" else 6)
    return value


def ratio_percent(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def percent_of_target(quantity: float | None, target: Target, direction: str) -> tuple[float | None, str | None]:
    """Percent achieved and, for ranges, where the figure lies (inside / above / below)."""
    if quantity is None:
        return None, None
    if target.is_range:
        if target.low <= quantity <= target.high:
            return 100.0, "inside"
        if quantity > target.high:
            return ratio_percent(target.high, quantity), "above"
        return ratio_percent(quantity, target.low), "below"
    if direction == "down":
        return ratio_percent(target.value, quantity), None
    return ratio_percent(quantity, target.value), None


def progress(store: Store, unit: str, period: Period | str, indicators: list[str] | None = None) -> list[IndicatorProgress]:
    """Progress of the indicators valid in `period` (or those given) for `unit` in `period`."""
    if isinstance(period, str):
        period = parse_period(period)
    cat, org = catalogue(store), organisation(store)
    reporter = org.unit(unit)
    figure_unit = org.unit(reporter.reports_for) if reporter.is_department else reporter
    data = FigureData(store, cat, org, org.related(figure_unit.code))
    previous = period.previous()
    last_year = period.same_period_last_year()
    targets = targets_for_year(store, figure_unit.code, period.year)
    chosen = _chosen_indicators(cat, reporter, period, indicators)
    children_now = [u.code for u in org.children(figure_unit.code, period)]
    rows = [_one(data, cat, figure_unit.code, children_now, cat.indicators[code], period, previous, last_year,
                 targets) for code in chosen]
    data.remember()
    return rows


def _chosen_indicators(cat: Catalogue, reporter, period: Period, indicators: list[str] | None) -> list[str]:
    if indicators is not None:
        return [cat.indicator(code).code for code in indicators]
    valid = cat.valid_in(period)
    if reporter.is_department and reporter.sectors:
        return [ind.code for ind in valid if ind.sector in reporter.sectors]
    return [ind.code for ind in valid]


def _one(data: FigureData, cat: Catalogue, unit: str, children: list[str], ind: Indicator, period: Period,
         previous: Period, last_year: Period, targets: dict[str, list[Target]]) -> IndicatorProgress:
    own_value = data.period_value(unit, ind, period, children=False)
    value = data.period_value(unit, ind, period)
    ytd = data.period_ytd(unit, ind, period)
    result = IndicatorProgress(
        indicator=ind.code, name=ind.name, dvt=ind.unit, sector=ind.sector, parent=ind.parent,
        depth=cat.depth(ind.code), kind=ind.kind, direction=ind.direction, decimals=ind.decimals,
        unit=unit, period=period.code, value=value, ytd=ytd,
        status=data.status(unit, ind.code, period, with_children=own_value is None),
        comments=data.period_comments(unit, ind.code, period),
        measured_by=ind.measured_by or None,
        value_from_children=own_value is None and value is not None and not ind.derived,
    )
    measured = cat.indicators[ind.measured_by] if ind.measured_by else ind
    measured_ytd = data.period_ytd(unit, measured, period) if ind.measured_by else ytd
    for target in sorted(targets.get(ind.code, []), key=lambda t: cat.sources[t.source].position):
        if target.cumulative:
            quantity = data.term_to_date(unit, measured, target.period.first_year, period)
            result.term_to_date[target.source] = data.term_to_date(unit, ind, target.period.first_year, period)
        else:
            quantity = measured_ytd
        result.targets[target.source] = target.as_json()
        result.target_notes[target.source] = target.note
        result.target_periods[target.source] = target.period.code
        percent, position = percent_of_target(quantity, target, ind.direction)
        result.percent_of_target[target.source] = percent
        if position:
            result.range_position[target.source] = position
    if ind.plan_indicator:
        plan = data.period_ytd(unit, cat.indicators[ind.plan_indicator], period)
        if plan is not None:
            result.targets[PLAN_SOURCE] = plan
            result.target_periods[PLAN_SOURCE] = str(period.year)
            result.percent_of_target[PLAN_SOURCE] = ratio_percent(ytd, plan)
    if ind.kind == "flow" and ind.direction == "up" and not ind.derived:
        result.expected_pace = period.last / 12 * 100
        for source, percent in result.percent_of_target.items():
            if result.is_annual(source) and percent is not None:
                result.behind_pace[source] = percent < result.expected_pace
    result.same_period_last_year = data.period_value(unit, ind, last_year)
    result.percent_vs_last_year = ratio_percent(value, result.same_period_last_year)
    result.change_vs_last_year = None if result.percent_vs_last_year is None else result.percent_vs_last_year - 100
    result.ytd_last_year = data.period_ytd(unit, ind, last_year)
    result.ytd_percent_vs_last_year = ratio_percent(ytd, result.ytd_last_year)
    result.previous_period = previous.code
    result.previous_value = data.period_value(unit, ind, previous)
    result.percent_vs_previous = ratio_percent(value, result.previous_value)
    result.change_vs_previous = None if result.percent_vs_previous is None else result.percent_vs_previous - 100
    if children and ind.summable and not ind.derived:
        result.children_value = data.children_total(unit, children, ind, period)
        result.children_ytd = data.children_total(unit, children, ind, period, ytd=True)
        if own_value is not None and result.children_value is not None:
            result.difference_vs_children = own_value - result.children_value
    if unit in data.formed:
        result.old_boundaries = old_boundaries(data, unit, ind, result, period, previous, last_year)
    return result


def old_boundaries(data: FigureData, unit: str, ind: Indicator, row: IndicatorProgress, period: Period,
                   previous: Period, last_year: Period) -> dict:
    """For each figure of `row` reaching back before `unit` existed: the predecessors it was
    summed from, or why there is none (a predecessor only partly in the unit, an indicator
    that does not add up across units, a predecessor without the figure)."""
    first, predecessors = data.formed[unit]
    names = {p.unit: data.org.units[p.unit].name for p in predecessors}
    result = {}
    for name, over, ytd, value in (("value", period, False, row.value), ("ytd", period, True, row.ytd),
                                   ("same_period_last_year", last_year, False, row.same_period_last_year),
                                   ("ytd_last_year", last_year, True, row.ytd_last_year),
                                   ("previous_value", previous, False, row.previous_value)):
        start = month_key(over.year, 1) if ytd else over.start_key
        if start >= first:
            continue
        before = min(over.end_key, add_months(first, -1))  # the last month counted by the old boundaries
        if value is not None:
            result[name] = {"period": over.code, "before": str(first), "summed_from": list(names),
                            "names": list(names.values())}
            continue
        if not all(p.whole for p in predecessors):
            parts = ", ".join(names[p.unit] for p in predecessors if not p.whole)
            why = f"{parts} chỉ có một phần trong đơn vị mới: không so sánh được theo địa giới cũ"
        elif len(predecessors) > 1 and not ind.summable:
            why = "chỉ tiêu không cộng được giữa các đơn vị cũ"
        else:
            clipped = Period(over.year, month_of(start), month_of(before), over.kind)
            lacking = [names[p.unit] for p in predecessors
                       if (data.period_ytd(p.unit, ind, clipped) if ytd else data.period_value(p.unit, ind, clipped))
                       is None]
            if not lacking:
                continue  # the unit's own months are what is missing: nothing about the old boundaries
            months = f"{month_of(start)}-{month_of(before)}" if start != before else f"{month_of(before)}"
            upto = f"đến tháng {month_of(before)}/{over.year}" if ytd else f"tháng {months}/{over.year}"
            why = f"chưa có số liệu {upto} của {', '.join(lacking)}"
        result[name] = {"period": over.code, "missing": why}
    return result


def month_of(key: int) -> int:
    return split_month_key(key)[1]

