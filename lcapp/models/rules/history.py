"""History rules (month periods): a value far from the indicator's own history, a probable
unit slip (×10, ×1000 or their inverse: triệu typed for tỷ), a flow copied from last month.

The outlier test is the modified z-score of Iglewicz and Hoaglin, 0,6745·(x − median)/MAD,
flagged above 3,5: on the last months (24 by default, at least 6 needed) and, where there
are at least 3 of them, on the same month of earlier years (4 by default), so a seasonal month (Tết) is
not flagged for being seasonal.
"""

from __future__ import annotations

from collections.abc import Iterator
from statistics import median

from ..findings import Finding
from ..numbers import format_number
from ..periods import add_months, month_key, period_of_month_key
from .context import CheckInput, shown

Z_LIMIT = 3.5
MIN_RECENT, MIN_SEASONAL = 6, 3
SLIP_FACTORS = (10.0, 1000.0)  # a decimal place slipped; triệu typed for tỷ (or back)
SLIP_BAND = 1.4
SMALL_COUNT = 10  # counts this small swing tenfold without any slip  # how far from the exact factor a ratio may be and still look like a slip


def modified_z(value: float, sample: list[float]) -> float | None:
    """Modified z-score of `value` against `sample` (None when the sample has no spread)."""
    centre = median(sample)
    mad = median(abs(v - centre) for v in sample)
    if mad > 0:
        return 0.6745 * (value - centre) / mad
    mean_ad = sum(abs(v - centre) for v in sample) / len(sample)
    if mean_ad > 0:  # more than half the sample equal: IBM's fallback on the mean deviation
        return (value - centre) / (1.253314 * mean_ad)
    return None


def slip_factor(value: float, reference: float) -> float | None:
    """10, 1000, 1/10 or 1/1000 when value/reference is near one of them, else None."""
    if value <= 0 or reference <= 0:
        return None
    ratio = value / reference
    for factor in SLIP_FACTORS:
        for target in (factor, 1 / factor):
            if target / SLIP_BAND <= ratio <= target * SLIP_BAND:
                return target
    return None


def _series(inp: CheckInput, ind) -> tuple[float | None, list[float], list[float]]:
    key = inp.period.end_key

    def value_of(k: int) -> float | None:
        return inp.own.month_value(inp.unit, ind, k, children=False)

    months = int(inp.setting("check_history_months"))
    years = int(inp.setting("check_history_years"))
    recent = [v for k in (add_months(key, -n) for n in range(1, months + 1)) if (v := value_of(k)) is not None]
    seasonal = [v for y in range(1, years + 1)
                if (v := value_of(month_key(inp.period.year - y, inp.period.last))) is not None]
    return value_of(key), recent, seasonal


def history_rules(inp: CheckInput) -> Iterator[Finding]:
    """`unit_slip` and, when there is no slip, `history_outlier`, per indicator."""
    if not inp.period.is_month:
        return
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if ind.derived:
            continue
        value, recent, seasonal = _series(inp, ind)
        if value is None or not (recent or seasonal):
            continue
        if len(recent) >= MIN_SEASONAL:
            sample = recent[:12]
        elif len(seasonal) >= MIN_SEASONAL:
            sample = seasonal
        else:  # little history: last month, or else the same month last year
            sample = (recent or seasonal)[:1]
        reference = median(sample)
        factor = slip_factor(value, reference)
        if factor is not None and ind.decimals == 0 and min(value, reference) < SMALL_COUNT:
            factor = None  # 3 prizes one month and 27 the next is no slip of unit
        if factor is not None:
            times = f"gấp {format_number(factor)} lần" if factor > 1 else f"bằng 1/{format_number(1 / factor)}"
            yield inp.finding(
                "warning", "unit_slip", ind,
                f"{ind.name}: {shown(ind, value)} {times} mức thường thấy ({shown(ind, reference)}) — nhầm đơn vị?",
                value=value, reference=reference, factor=factor)
            continue
        if len(recent) < MIN_RECENT:
            continue
        z = modified_z(value, recent)
        if z is None or abs(z) <= Z_LIMIT:
            continue
        z_same_month = modified_z(value, seasonal) if len(seasonal) >= MIN_SEASONAL else None
        if len(seasonal) >= MIN_SEASONAL and (z_same_month is None or abs(z_same_month) <= Z_LIMIT):
            continue  # usual for this month of the year
        yield inp.finding(
            "warning", "history_outlier", ind,
            f"{ind.name}: {shown(ind, value)} {'cao' if z > 0 else 'thấp'} bất thường so với "
            f"{len(recent)} tháng trước (trung vị {shown(ind, median(recent))}).",
            value=value, median=median(recent), z_score=z, z_same_month=z_same_month)


def copied_value(inp: CheckInput) -> Iterator[Finding]:
    """A flow entered with exactly last month's figure (or a year-to-date that did not move)."""
    if not inp.period.is_month:
        return
    key = inp.period.end_key
    before = add_months(key, -1)
    for row in inp.rows:
        ind = inp.cat.indicators[row.indicator]
        if not ind.is_flow or ind.derived:
            continue
        now, then = inp.own.rows.get((inp.unit, ind.code, key)), inp.own.rows.get((inp.unit, ind.code, before))
        if now is None or then is None:
            continue
        if now[3] is not None and now[3] == then[3] and now[3] != 0:
            yield inp.finding(
                "warning", "copied_value", ind,
                f"{ind.name}: số {inp.period.label} ({shown(ind, now[3])}) giống hệt "
                f"{period_of_month_key(before).label} — có phải chép lại số tháng trước?", value=now[3])
        elif now[4] is not None and now[4] == then[4] and now[4] != 0 and inp.period.last > 1:
            yield inp.finding(
                "note", "copied_value", ind,
                f"{ind.name}: lũy kế {inp.period.label} ({shown(ind, now[4])}) không đổi so với "
                f"{period_of_month_key(before).label}: số tháng này bằng 0?", ytd=now[4])


RULES = [history_rules, copied_value]
