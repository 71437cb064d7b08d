"""Arithmetic rules: what must follow from the figures themselves, whatever the targets."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import SEVERITIES, Finding
from ..numbers import figure_decimals, format_number
from ..periods import add_months, period_of_month_key
from .context import CheckInput, rounding_step, shown

TERM_COLUMN = 5  # position of term_value in a FigureData row


def ytd_decreased(inp: CheckInput) -> Iterator[Finding]:
    """A flow's year-to-date never goes down from one month to the next."""
    end = inp.period.end_key
    if inp.period.last == 1:
        return
    before = add_months(end, -1)
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if not ind.is_flow or ind.derived or (ind.min_value is not None and ind.min_value < 0):
            continue
        now, previous = inp.own.ytd(inp.unit, ind, end), inp.own.ytd(inp.unit, ind, before)
        if now is not None and previous is not None and now < previous - rounding_step(ind):
            yield inp.finding(
                "error", "ytd_decreased", ind,
                f"{ind.name}: lũy kế {period_of_month_key(end).label} ({shown(ind, now)}) nhỏ hơn lũy kế "
                f"{period_of_month_key(before).label} ({shown(ind, previous)}).", ytd=now, previous_ytd=previous)


def ytd_below_month(inp: CheckInput) -> Iterator[Finding]:
    """A flow's year-to-date includes its month, so it is never smaller (both as stored or derived)."""
    end = inp.period.end_key
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if not ind.is_flow or ind.derived or (ind.min_value is not None and ind.min_value < 0):
            continue
        month, ytd = inp.own.month_value(inp.unit, ind, end, False), inp.own.ytd(inp.unit, ind, end, False)
        if month is not None and ytd is not None and ytd < month - rounding_step(ind):
            label = period_of_month_key(end).label
            yield inp.finding(
                "error", "ytd_below_month", ind,
                f"{ind.name}: lũy kế đến {label} ({shown(ind, ytd)}) nhỏ hơn số của {label} ({shown(ind, month)}) "
                "— lũy kế phải gồm cả tháng này.", ytd=ytd, month=month)


def term_below_ytd(inp: CheckInput) -> Iterator[Finding]:
    """A term-to-date entered for a flow includes this year, so it is at least the year-to-date."""
    end = inp.period.end_key
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        stored = inp.own.rows.get((inp.unit, ind.code, end))
        if not ind.is_flow or ind.derived or stored is None or stored[TERM_COLUMN] is None:
            continue
        term, ytd = stored[TERM_COLUMN], inp.own.ytd(inp.unit, ind, end)
        if ytd is not None and term < ytd - rounding_step(ind):
            yield inp.finding(
                "error", "term_below_ytd", ind,
                f"{ind.name}: lũy kế giai đoạn ({shown(ind, term)}) nhỏ hơn lũy kế năm {inp.period.year} "
                f"({shown(ind, ytd)}) — lũy kế giai đoạn phải gồm cả năm nay.", term=term, ytd=ytd)


def _worst(findings: list[Finding]) -> Iterator[Finding]:
    """One finding per rule and indicator (the explanation is keyed so): the most severe."""
    if findings:
        yield min(findings, key=lambda f: SEVERITIES.index(f.severity))


def _quantity(inp: CheckInput, code: str, attribute: str) -> float | None:
    """The period's value or year-to-date (from progress), or the term-to-date as entered."""
    if attribute == "term":
        stored = inp.own.rows.get((inp.unit, code, inp.period.end_key))
        return None if stored is None else stored[TERM_COLUMN]
    row = inp.by_code.get(code)
    return None if row is None else getattr(row, attribute)


def parts_sum(inp: CheckInput) -> Iterator[Finding]:
    """A parent is at least the sum of its "trong đó" parts, and equal to it when the catalogue
    says the parts are complete. A gap no larger than the rounding of the figures shown (or
    0,1% of the total) is a warning ("có thể do làm tròn"), beyond it an error."""
    for parent_code, part_codes in inp.cat.children.items():
        parent = inp.cat.indicators[parent_code]
        row = inp.by_code.get(parent_code)
        if parent.parts == "none" or row is None:
            continue
        complete = parent.parts == "complete"
        quantities = [("value", "số kỳ này")] + ([("ytd", "lũy kế"), ("term", "lũy kế giai đoạn")]
                                                 if parent.is_flow else [])
        candidates = []
        for attribute, label in quantities:
            total = _quantity(inp, parent_code, attribute)
            values = [_quantity(inp, c, attribute) for c in part_codes]
            present = [v for v in values if v is not None]
            if total is None or not present:
                continue
            parts_total = sum(present)
            gap = parts_total - total
            step = rounding_step(parent, total, *present)
            if complete and len(present) == len(values):
                if abs(gap) <= step:
                    continue
                relation = "khác"
            elif gap > step:
                relation = "lớn hơn"
            else:
                continue
            tolerance = max(step * (len(present) + 1), 0.001 * abs(total))
            rounding = abs(gap) <= tolerance
            candidates.append(inp.finding(
                "warning" if rounding else "error", "parts_sum", parent,
                f"{parent.name}: {label}, tổng các phần “trong đó” ({shown(parent, parts_total)}) {relation} "
                f"tổng ({shown(parent, total)}), lệch {shown(parent, abs(gap))}"
                f"{' — có thể do làm tròn' if rounding else ''}.",
                quantity=attribute, total=total, parts_total=parts_total, gap=gap, complete=complete))
        yield from _worst(candidates)


def formula_mismatch(inp: CheckInput) -> Iterator[Finding]:
    """A derived indicator whose figure was also entered (imported, or entered before the
    catalogue gave it a formula) agrees with its formula over the figures entered."""
    end = inp.period.end_key
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        stored = inp.own.rows.get((inp.unit, ind.code, end))
        if not ind.derived or stored is None:
            continue
        candidates = []
        for column, label, computed in ((3, "số kỳ này", inp.own.month_value(inp.unit, ind, end)),
                                        (4, "lũy kế", inp.own.ytd(inp.unit, ind, end))):
            entered = stored[column]
            if entered is None or computed is None or abs(entered - computed) <= rounding_step(ind):
                continue
            candidates.append(inp.finding(
                "error", "formula_mismatch", ind,
                f"{ind.name}: {label} đã nhập {shown(ind, entered)} khác số tính theo công thức "
                f"{ind.formula} ({shown(ind, computed)}).", entered=entered, computed=computed))
        yield from _worst(candidates)


def rate_bounds(inp: CheckInput) -> Iterator[Finding]:
    """A figure above its catalogue maximum (a percent rate: 100 unless the catalogue allows
    more); a derived rate below its minimum (entered figures: `below_minimum`)."""
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        maximum = ind.max_value
        if maximum is None and ind.kind == "rate" and ind.unit == "%":
            maximum = 100.0
        minimum = ind.min_value if ind.min_value is not None else 0.0
        value = row.value
        if value is None:
            continue
        if maximum is not None and value > maximum + rounding_step(ind):
            yield inp.finding("error", "rate_bounds", ind,
                              f"{ind.name}: {shown(ind, value)} vượt giới hạn tối đa {shown(ind, maximum)}.",
                              value=value, maximum=maximum)
        elif ind.derived and value < minimum - rounding_step(ind):
            yield inp.finding("error", "rate_bounds", ind,
                              f"{ind.name}: {shown(ind, value)} nhỏ hơn giới hạn tối thiểu {shown(ind, minimum)}.",
                              value=value, minimum=minimum)


def children_sum(inp: CheckInput) -> Iterator[Finding]:
    """A unit's own figure against the sum of its child units (summable indicators)."""
    name = inp.org.unit(inp.unit).name
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        gap = row.difference_vs_children
        if gap is None or abs(gap) <= rounding_step(ind):
            continue
        yield inp.finding(
            "warning", "children_sum", ind,
            f"{ind.name}: số của {name} ({shown(ind, row.value)}) "
            f"{'lớn hơn' if gap > 0 else 'nhỏ hơn'} tổng các đơn vị trực thuộc ({shown(ind, row.children_value)}), "
            f"lệch {format_number(abs(gap), ind.decimals)}.",
            value=row.value, children_value=row.children_value, gap=gap)


VALUE_COLUMNS = (3, 4, TERM_COLUMN)  # month_value, ytd_value, term_value in a FigureData row
TYPED_DECIMALS = 6  # the most decimals a typed figure can carry (parse_number keeps them)


def decimals_beyond_maximum(inp: CheckInput) -> Iterator[Finding]:
    """A figure typed with more decimals than the indicator's maximum would print rounded in the
    report, grid and annex (144,86 as 145): the official raises the maximum or retypes the figure.
    One finding per indicator (explanations are kept per rule and indicator): its first such figure."""
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        typed = [(month, value) for month in inp.period.months
                 for value in _stored_values(inp.own.rows.get((inp.unit, ind.code, month)))
                 if figure_decimals(value, TYPED_DECIMALS) > ind.decimals]
        if not typed:
            continue
        month, value = typed[0]
        places = figure_decimals(value, TYPED_DECIMALS)
        yield inp.finding(
            "note", "decimals_beyond_maximum", ind,
            f"{ind.name}: {period_of_month_key(month).label} ghi {format_number(value, places)} ({places} chữ số "
            f"thập phân) nhưng chỉ tiêu chỉ in {ind.decimals} chữ số thập phân ({format_number(value, ind.decimals)}). "
            "Hãy tăng số chữ số thập phân trong Danh mục chỉ tiêu hoặc ghi lại số.",
            value=value, decimals=places, maximum=ind.decimals)


def _stored_values(stored) -> list[float]:
    return [stored[c] for c in VALUE_COLUMNS if stored[c] is not None] if stored is not None else []


RULES = [ytd_decreased, ytd_below_month, term_below_ytd, parts_sum, formula_mismatch, rate_bounds, children_sum,
         decimals_beyond_maximum]
