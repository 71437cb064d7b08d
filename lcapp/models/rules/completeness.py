"""Completeness rules: figures the unit must report that are missing, estimates ("ước") still
not replaced by official figures after the next period's cut-off has passed, and child units
whose figures have not arrived ("đã nhận 36/38 đơn vị")."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..periods import add_months, month_key, period_of_month_key
from .context import CheckInput

STATUS_COLUMN = 6
VALUE_COLUMNS = slice(3, 6)


def _expected(inp: CheckInput, ind) -> str | None:
    """Why the unit must report `ind` (None if it need not): a key indicator of Biểu 01, or
    one it reported in the month before or the same month last year."""
    if ind.key:
        return "chỉ tiêu chủ yếu"
    end = inp.period.end_key
    for key, why in ((add_months(end, -1), "tháng trước có báo cáo"),
                     (month_key(inp.period.year - 1, inp.period.last), "cùng kỳ năm trước có báo cáo")):
        row = inp.own.rows.get((inp.unit, ind.code, key))
        if row is not None and any(v is not None for v in row[VALUE_COLUMNS]):
            return why
    return None


def missing_value(inp: CheckInput) -> Iterator[Finding]:
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if ind.derived or inp.cat.sectors[ind.sector].narrative_only:
            continue
        if row.value is not None or row.ytd is not None:
            continue
        why = _expected(inp, ind)
        if why is None:
            continue
        yield inp.finding("warning" if ind.key else "note", "missing_value", ind,
                          f"{ind.name}: chưa có số liệu {inp.period.label} ({why}).", reason=why)


def estimate_not_replaced(inp: CheckInput) -> Iterator[Finding]:
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if ind.derived:
            continue
        for key in inp.period.months:
            stored = inp.own.rows.get((inp.unit, ind.code, key))
            if stored is None or stored[STATUS_COLUMN] != "estimate" or \
                    all(v is None for v in stored[VALUE_COLUMNS]):
                continue
            following = period_of_month_key(add_months(key, 1))
            closed = following.cutoff_window()[1]
            if inp.today > closed:
                yield inp.finding(
                    "warning", "estimate_not_replaced", ind,
                    f"{ind.name}: số {period_of_month_key(key).label} vẫn là số ước, trong khi kỳ "
                    f"{following.label} đã khóa sổ ngày {closed.strftime('%d/%m/%Y')} — hãy thay bằng số chính thức.",
                    month=key, closed=closed.isoformat())
                break


def units_missing(inp: CheckInput) -> Iterator[Finding]:
    """One finding for the whole report (no indicator): the child units not received yet. A
    unit with figures of its own and none from its units (the city before 07/2025, whose wards
    did not report through LCApp) is not asked for them."""
    received = inp.completeness
    if received is None or received.complete:
        return
    own = any(key[0] == inp.unit and key[2] in inp.period.months and any(v is not None for v in row[VALUE_COLUMNS])
              for key, row in inp.own.rows.items())
    if own and not received.received:
        return
    tail = "" if own else " Tổng của đơn vị chỉ có khi nhận đủ; số cộng các đơn vị đã nhận là số tạm."
    yield Finding("warning", "units_missing", "", inp.unit, inp.period.code, received.text() + tail,
                  {"expected": len(received.expected), "received": len(received.received),
                   "missing": [u.code for u in received.missing]})


RULES = [missing_value, estimate_not_replaced, units_missing]
