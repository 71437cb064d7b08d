"""Targets (kế hoạch, chỉ tiêu): per indicator x year or term x source; a number or a range.

A term target (period "2021-2025", e.g. NQ Đại hội) is either a level to reach (compared
with the figure of the year at hand) or, when `cumulative`, a total over the term compared
with the term-to-date figure. Every change is kept in `target_history`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import catalogue
from .errors import InputError
from .figures import current_user
from .limits import MAX_NOTE_CHARS, check_length, check_value
from .numbers import format_number, parse_number
from .periods import TargetPeriod, parse_target_period
from .store import Store, now_iso
from .text import clean_text, nfc


@dataclass(frozen=True)
class Target:
    indicator: str
    period: TargetPeriod
    source: str
    value: float | None
    low: float | None
    high: float | None
    cumulative: bool
    note: str

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def as_json(self):
        """A number, or [low, high] for a range."""
        return [self.low, self.high] if self.is_range else self.value

    def text(self, decimals: int) -> str:
        if self.is_range:
            return f"{format_number(self.low, decimals)}-{format_number(self.high, decimals)}"
        return format_number(self.value, decimals)


def parse_target_value(text: str) -> tuple[float | None, float | None, float | None]:
    """"4.500" -> (4500, None, None); "9,5-10" -> (None, 9.5, 10). InputError otherwise."""
    raw = (nfc(str(text)) or "").replace("–", "-").replace(" ", "")
    match = re.match(r"^([^-]+)-([^-]+)$", raw)
    if match:
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        if low > high:
            raise InputError(f"Khoảng “{text}”: cận dưới lớn hơn cận trên.")
        return None, low, high
    return parse_number(raw), None, None


@dataclass(frozen=True)
class TargetChange:
    """A validated target, ready to be written."""

    indicator: str
    period: str
    source: str
    value: float | None
    low: float | None
    high: float | None
    cumulative: bool
    note: str


def prepare_target(cat, indicator: str, period: str, source: str, value: float | None = None, *,
                   low: float | None = None, high: float | None = None, cumulative: bool = False,
                   note: str = "") -> TargetChange:
    """Validate one target (pure); InputError says why not."""
    ind = cat.indicator(indicator)
    target_period = parse_target_period(period)
    src = cat.source(source)
    if (value is None) == (low is None or high is None):
        raise InputError("Kế hoạch phải là một số hoặc một khoảng (cận dưới - cận trên).")
    value, low, high = (None if v is None else check_value(v, "Kế hoạch") for v in (value, low, high))
    if low is not None and low > high:
        raise InputError("Cận dưới của khoảng kế hoạch lớn hơn cận trên.")
    if cumulative and not target_period.is_term:
        raise InputError("Chỉ tiêu cộng dồn cả giai đoạn phải ghi cho một nhiệm kỳ (ví dụ 2021-2025).")
    if cumulative and ind.kind != "flow":
        raise InputError(f"“{ind.name}” không phải chỉ tiêu cộng dồn: kế hoạch giai đoạn không thể là tổng.")
    note = check_length(clean_text(note, field="ghi chú") or "", MAX_NOTE_CHARS, "ghi chú")
    return TargetChange(ind.code, target_period.code, src.code, value, low, high, cumulative, note)


def apply_targets(store: Store, changes: list[TargetChange], *, user: str | None = None) -> int:
    """Write targets in one transaction (with history); return how many changed."""
    user = user or current_user()
    changed = 0
    with store.write() as conn:
        for change in changes:
            key = (change.indicator, change.period, change.source)
            row = conn.execute("SELECT * FROM targets WHERE indicator = ? AND period = ? AND source = ?",
                               key).fetchone()
            new = (change.value, change.low, change.high, int(change.cumulative), change.note)
            if row is not None and (row["value"], row["low"], row["high"], row["cumulative"], row["note"]) == new:
                continue
            version = (row["version"] if row else 0) + 1
            record = key + new + (user, now_iso(), version)
            conn.execute(
                """INSERT INTO targets (indicator, period, source, value, low, high, cumulative, note,
                                        entered_by, entered_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (indicator, period, source) DO UPDATE SET value = excluded.value,
                     low = excluded.low, high = excluded.high, cumulative = excluded.cumulative,
                     note = excluded.note, entered_by = excluded.entered_by, entered_at = excluded.entered_at,
                     version = excluded.version""", record)
            conn.execute(
                """INSERT INTO target_history (indicator, period, source, value, low, high, cumulative, note,
                                               entered_by, entered_at, version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", record)
            changed += 1
    return changed


def set_target(store: Store, indicator: str, period: str, source: str, value: float | None = None, *,
               low: float | None = None, high: float | None = None, cumulative: bool = False,
               note: str = "", user: str | None = None) -> int:
    """Save a target (one transaction, with history); return 1 if it changed, else 0."""
    change = prepare_target(catalogue(store), indicator, period, source, value, low=low, high=high,
                            cumulative=cumulative, note=note)
    return apply_targets(store, [change], user=user)


def targets_for_year(store: Store, year: int) -> dict[str, list[Target]]:
    """Targets that apply to `year`: its own and those of terms that cover it, by indicator."""
    result: dict[str, list[Target]] = {}
    rows = store.query("SELECT * FROM targets WHERE period = ? OR period LIKE '%-%'", (str(year),))
    for row in rows:
        period = parse_target_period(row["period"])
        if not period.covers(year):
            continue
        result.setdefault(row["indicator"], []).append(Target(
            row["indicator"], period, row["source"], row["value"], row["low"], row["high"],
            bool(row["cumulative"]), row["note"]))
    return result


def all_targets(store: Store) -> list[dict]:
    return store.query("SELECT * FROM targets ORDER BY period, indicator, source")
