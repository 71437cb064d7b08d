"""Rules against targets: minimum, plausible ceiling, pace of the year and of the term, and
levels that miss a less-is-better or range target (read the right way round by `progress`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..catalogue import Catalogue
from ..findings import Finding
from ..numbers import format_number, format_percent
from ..periods import Period, month_key, month_period
from ..progress import PLAN_SOURCE, IndicatorProgress
from .context import CheckInput, shown


def _label(inp: CheckInput, source: str) -> str:
    return inp.cat.sources[source].phrase if source in inp.cat.sources else source


def below_minimum(inp: CheckInput) -> Iterator[Finding]:
    """A figure below the catalogue's minimum (0 unless the catalogue allows less)."""
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if ind.derived:
            continue
        minimum = ind.min_value if ind.min_value is not None else 0.0
        quantities = [("số kỳ này", row.value), ("lũy kế", row.ytd)]
        if _month_from_ytd(inp, ind):
            quantities = quantities[1:]  # a negative month from a falling ytd: `ytd_decreased` says it
        for label, value in quantities:
            if value is not None and value < minimum:
                yield inp.finding("error", "below_minimum", ind,
                                  f"{ind.name}: {label} {shown(ind, value)} nhỏ hơn mức tối thiểu "
                                  f"{shown(ind, minimum)}.", value=value, minimum=minimum)
                break


def _month_from_ytd(inp: CheckInput, ind) -> bool:
    """A flow whose month figure was not entered but derived from year-to-dates."""
    if inp.own is None or not ind.is_flow or not inp.period.is_month:
        return False
    stored = inp.own.rows.get((inp.unit, ind.code, inp.period.end_key))
    return stored is not None and stored[3] is None and stored[4] is not None


def above_ceiling(inp: CheckInput) -> Iterator[Finding]:
    """More than the plausible ceiling (150% by default) of an annual more-is-better target."""
    ceiling = inp.setting("check_ceiling_percent")
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if ind.direction != "up":
            continue
        for source, percent in row.percent_of_target.items():
            if row.is_annual(source) and not row.range_position.get(source) and percent is not None and percent > ceiling:
                yield inp.finding(
                    "warning", "above_ceiling", ind,
                    f"{ind.name}: đạt {format_percent(percent)}% {_label(inp, source)}, vượt "
                    f"{format_percent(ceiling)}% — kiểm tra lại số liệu hoặc kế hoạch.",
                    percent=percent, ceiling=ceiling, source=source)


def behind_pace(inp: CheckInput) -> Iterator[Finding]:
    """A flow whose year-to-date lags the pace m/12 of an annual target by more than the tolerance."""
    tolerance = inp.setting("check_pace_tolerance")
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        for source, behind in row.behind_pace.items():
            percent = row.percent_of_target.get(source)
            if behind and percent is not None and percent + tolerance < row.expected_pace:
                yield inp.finding(
                    "warning", "behind_pace", ind,
                    f"{ind.name}: lũy kế đạt {format_percent(percent)}% {_label(inp, source)}, chậm so với "
                    f"tiến độ {format_percent(row.expected_pace)}% ({inp.period.last}/12 tháng).",
                    percent=percent, expected_pace=row.expected_pace, tolerance=tolerance, source=source)


def term_behind_pace(inp: CheckInput) -> Iterator[Finding]:
    """A flow's term-to-date against a cumulative term target, at the pace of the months elapsed."""
    tolerance = inp.setting("check_pace_tolerance")
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if ind.direction != "up":
            continue
        for target in inp.targets.get(ind.code, []):
            percent = row.percent_of_target.get(target.source)
            if not target.cumulative or target.is_range or percent is None:
                continue
            total = (target.period.last_year - target.period.first_year + 1) * 12
            elapsed = (inp.period.year - target.period.first_year) * 12 + inp.period.last
            expected = elapsed / total * 100
            if percent + tolerance < expected:
                yield inp.finding(
                    "warning", "term_behind_pace", ind,
                    f"{ind.name}: lũy kế giai đoạn {target.period.code} "
                    f"({shown(ind, row.term_to_date.get(target.source))}) đạt {format_percent(percent)}% "
                    f"{_label(inp, target.source)} ({shown(ind, target.value)}), chậm so với tiến độ "
                    f"{format_percent(expected)}% ({elapsed}/{total} tháng của nhiệm kỳ).",
                    percent=percent, expected_pace=expected, source=target.source,
                    term_to_date=row.term_to_date.get(target.source), target=target.value)


def target_missed(inp: CheckInput) -> Iterator[Finding]:
    """Less-is-better and range targets: a flow already past its annual maximum (warning), a
    level on the wrong side of its target (note: the year is not over)."""
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        for target in inp.targets.get(ind.code, []):
            if target.cumulative:
                continue
            source, label = target.source, _label(inp, target.source)
            percent = row.percent_of_target.get(source)
            position = row.range_position.get(source)
            quantity = row.ytd
            if target.is_range and position in ("above", "below"):
                word = "cao hơn" if position == "above" else "thấp hơn"
                yield inp.finding(
                    "note", "target_missed", ind,
                    f"{ind.name}: {shown(ind, quantity)} {word} khoảng {label} "
                    f"({format_number(target.low, ind.decimals)}-{shown(ind, target.high)}).",
                    value=quantity, low=target.low, high=target.high, source=source)
            elif ind.direction == "down" and not target.is_range and percent is not None and percent < 100:
                flow = ind.kind == "flow"
                yield inp.finding(
                    "warning" if flow else "note", "target_missed", ind,
                    f"{ind.name}: {'lũy kế ' if flow else ''}{shown(ind, quantity)} đã cao hơn mức "
                    f"{label} ({shown(ind, target.value)}; chỉ tiêu càng thấp càng tốt).",
                    value=quantity, target=target.value, percent=percent, source=source)


def missing_percent_inputs(cat: Catalogue, row: IndicatorProgress, by_code: dict[str, IndicatorProgress],
                           period: Period) -> dict[str, list[str]]:
    """The report's targets of a figure whose percent cannot be computed, each with what is
    missing: an operand of the figure it is measured by (total local revenue without
    "Thu chuyển nguồn"), the plan that is itself a figure, or the figure's own year-to-date.
    Empty for an indicator without a figure. Pure."""
    if row.value is None and row.ytd is None:
        return {}
    ind = cat.indicators[row.indicator]
    missing: dict[str, list[str]] = {}
    for source, target in row.reported_targets(period).items():
        if row.percent_of_target.get(source) is not None or target == 0:
            continue
        names: list[str] = []
        if ind.measured_by and ind.measured_by in cat.formulas:
            names = [cat.indicators[code].name for code in cat.formulas[ind.measured_by].names
                     if by_code.get(code) is None or by_code[code].ytd is None]
        if not names:
            names = ["lũy kế giai đoạn" if source in row.term_to_date else "lũy kế từ đầu năm"]
        missing[source] = names
    if ind.plan_indicator and PLAN_SOURCE not in row.targets and ind.plan_indicator in cat.indicators:
        missing[PLAN_SOURCE] = [cat.indicators[ind.plan_indicator].name]
    return missing


def percent_missing_input(inp: CheckInput) -> Iterator[Finding]:
    """A percent of target that cannot be computed because an input is missing, naming the input
    (and, for a year-to-date, the months without a figure), so it is never silently left out."""
    for row in inp.rows:
        missing = missing_percent_inputs(inp.cat, row, inp.by_code, inp.period)
        if not missing:
            continue
        ind = inp.cat.indicators[row.indicator]
        names = list(dict.fromkeys(name for names in missing.values() for name in names))
        if "lũy kế từ đầu năm" in names and ind.is_flow and inp.own is not None and not row.value_from_children:
            gaps = [month_period(inp.period.year, m).label for m in range(1, inp.period.last + 1)
                    if inp.own.month_value(inp.unit, ind, month_key(inp.period.year, m), children=False) is None]
            if gaps:
                names[names.index("lũy kế từ đầu năm")] = f"lũy kế từ đầu năm (chưa có {', '.join(gaps)})"
        labels = " và ".join(_label(inp, source) for source in missing)
        yield inp.finding("warning", "percent_missing_input", ind,
                          f"{ind.name}: chưa tính được tỷ lệ so với {labels} vì thiếu số liệu {', '.join(names)}.",
                          sources=list(missing), missing=names)


RULES = [below_minimum, above_ceiling, behind_pace, term_behind_pace, target_missed, percent_missing_input]
