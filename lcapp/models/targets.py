"""Targets (kế hoạch, chỉ tiêu): per unit x indicator x year or term x source; a number or a range.

A target belongs to one geographic unit (a department works on its unit's targets): the
province's targets are its own, and a ward's targets imported from its package stay the
ward's. A term target (period "2026-2030", a known term: `terms.py`) is either a level to
reach (compared with the figure of the year at hand) or, when `cumulative`, a total over
the term compared with the term-to-date figure. Every change is kept in `target_history`;
deleting a target is a version too (its values empty), like clearing a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import Catalogue, catalogue
from .errors import InputError
from .users import current_user
from .limits import MAX_NOTE_CHARS, check_length, check_value
from .numbers import format_number, parse_number
from .organisation import Organisation, organisation
from .periods import Period, TargetPeriod, parse_target_period
from .store import Store, now_iso
from .terms import Terms, known_terms
from .text import clean_text, nfc

CONTENT = ("value", "low", "high", "cumulative", "note")


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


def target_value_text(value: float | None, low: float | None, high: float | None, decimals: int = 6) -> str:
    """"4.500", "9,5-10", or "(đã xóa)" for a deleted target."""
    if low is not None:
        return f"{format_number(low, decimals)}-{format_number(high, decimals)}"
    return format_number(value, decimals) if value is not None else "(đã xóa)"


@dataclass(frozen=True)
class TargetChange:
    """A validated target, ready to be written; value, low and high all None deletes it."""

    unit: str
    indicator: str
    period: str
    source: str
    value: float | None
    low: float | None
    high: float | None
    cumulative: bool
    note: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.unit, self.period, self.indicator, self.source

    @property
    def is_deletion(self) -> bool:
        return self.value is None and self.low is None

    def content(self) -> tuple:
        return self.value, self.low, self.high, int(self.cumulative), self.note


def target_owner(org: Organisation, unit: str, indicator=None, period: TargetPeriod | None = None):
    """The unit a reporting unit's targets belong to (a department's: its unit), refused when
    it did not exist in the target's years or (a department) the indicator is not its field."""
    reporter = org.unit(unit)
    owner = org.own_unit(unit)
    if indicator is not None and reporter.is_department and reporter.sectors \
            and indicator.sector not in reporter.sectors:
        raise InputError(f"{reporter.name} không phụ trách lĩnh vực của chỉ tiêu “{indicator.name}”.")
    if period is not None and not any(owner.valid_during(Period(year, 1, 12, "year"))
                                      for year in range(period.first_year, period.last_year + 1)):
        what = f"giai đoạn {period.code}" if period.is_term else f"năm {period.code}"
        raise InputError(f"{owner.name} không tồn tại trong {what} (hiệu lực {owner.validity_text()}); "
                         "kế hoạch được ghi cho đơn vị của thời kỳ đó.")
    return owner


def prepare_target(cat: Catalogue, org: Organisation, terms: Terms, unit: str, indicator: str, period: str,
                   source: str, value: float | None = None, *, low: float | None = None, high: float | None = None,
                   cumulative: bool = False, note: str = "") -> TargetChange:
    """Validate one target (pure); InputError says why not."""
    ind = cat.indicator(indicator)
    target_period = terms.resolve(period)
    owner = target_owner(org, unit, ind, target_period)
    src = cat.source(source)
    if (value is None) == (low is None or high is None):
        raise InputError("Kế hoạch phải là một số hoặc một khoảng (cận dưới - cận trên).")
    value, low, high = (None if v is None else check_value(v, "Kế hoạch") for v in (value, low, high))
    if low is not None and low > high:
        raise InputError("Cận dưới của khoảng kế hoạch lớn hơn cận trên.")
    if cumulative and not target_period.is_term:
        raise InputError(f"Chỉ tiêu cộng dồn cả giai đoạn phải ghi cho một nhiệm kỳ ({terms.known_text()}).")
    if cumulative and ind.kind != "flow":
        raise InputError(f"“{ind.name}” không phải chỉ tiêu cộng dồn: kế hoạch giai đoạn không thể là tổng.")
    note = check_length(clean_text(note, field="ghi chú") or "", MAX_NOTE_CHARS, "ghi chú")
    return TargetChange(owner.code, ind.code, target_period.code, src.code, value, low, high, cumulative, note)


def prepare_deletion(cat: Catalogue, org: Organisation, terms: Terms, unit: str, indicator: str, period: str,
                     source: str) -> TargetChange:
    """A deletion of one target (pure): a new version with no value."""
    ind = cat.indicator(indicator)
    target_period = terms.resolve(period)
    owner = target_owner(org, unit, ind)
    return TargetChange(owner.code, ind.code, target_period.code, cat.source(source).code, None, None, None,
                        False, "")


def _stored(conn, change: TargetChange):
    return conn.execute("SELECT * FROM targets WHERE unit = ? AND period = ? AND indicator = ? AND source = ?",
                        change.key).fetchone()


def apply_targets(store: Store, changes: list[TargetChange], *, user: str | None = None) -> int:
    """Write targets in one transaction (with history); return how many changed.

    A deletion of a target that does not exist (or is deleted already) changes nothing."""
    user = user or current_user()
    changed = 0
    with store.write() as conn:
        for change in changes:
            row = _stored(conn, change)
            new = change.content()
            if row is None and change.is_deletion:
                continue
            if row is not None and tuple(row[c] for c in CONTENT) == new:
                continue
            version = (row["version"] if row else 0) + 1
            record = (change.unit, change.indicator, change.period, change.source) + new + (user, now_iso(), version)
            conn.execute(
                """INSERT INTO targets (unit, indicator, period, source, value, low, high, cumulative, note,
                                        entered_by, entered_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (unit, period, indicator, source) DO UPDATE SET value = excluded.value,
                     low = excluded.low, high = excluded.high, cumulative = excluded.cumulative,
                     note = excluded.note, entered_by = excluded.entered_by, entered_at = excluded.entered_at,
                     version = excluded.version""", record)
            conn.execute(
                """INSERT INTO target_history (unit, indicator, period, source, value, low, high, cumulative, note,
                                               entered_by, entered_at, version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", record)
            changed += 1
    return changed


def _inputs(store: Store) -> tuple[Catalogue, Organisation, Terms]:
    return catalogue(store), organisation(store), known_terms(store)


def set_target(store: Store, unit: str, indicator: str, period: str, source: str, value: float | None = None, *,
               low: float | None = None, high: float | None = None, cumulative: bool = False,
               note: str = "", user: str | None = None) -> int:
    """Save a unit's target (one transaction, with history); return 1 if it changed, else 0."""
    change = prepare_target(*_inputs(store), unit, indicator, period, source, value, low=low, high=high,
                            cumulative=cumulative, note=note)
    return apply_targets(store, [change], user=user)


def delete_target(store: Store, unit: str, indicator: str, period: str, source: str, *,
                  user: str | None = None) -> int:
    """Delete a unit's target: a new version without value, the old ones kept; 1 if there was one."""
    return apply_targets(store, [prepare_deletion(*_inputs(store), unit, indicator, period, source)], user=user)


def _target(row: dict) -> Target:
    return Target(row["indicator"], parse_target_period(row["period"]), row["source"], row["value"], row["low"],
                  row["high"], bool(row["cumulative"]), row["note"])


_LIVE = "(value IS NOT NULL OR low IS NOT NULL)"


def targets_for_year(store: Store, unit: str, year: int) -> dict[str, list[Target]]:
    """A unit's own targets that apply to `year` (its own and those of terms that cover it), by
    indicator; a department reads its unit's."""
    owner = organisation(store).own_unit(unit).code
    result: dict[str, list[Target]] = {}
    rows = store.query(f"SELECT * FROM targets WHERE unit = ? AND (period = ? OR period LIKE '%-%') AND {_LIVE}",
                       (owner, str(year)))
    for row in rows:
        target = _target(row)
        if target.period.covers(year):
            result.setdefault(row["indicator"], []).append(target)
    return result


def unit_targets(store: Store, unit: str, period: str | None = None) -> list[dict]:
    """A unit's targets as stored (deleted ones left out), of one year or term when given."""
    owner = organisation(store).own_unit(unit).code
    sql = f"SELECT * FROM targets WHERE unit = ? AND {_LIVE}"
    params: tuple = (owner,)
    if period is not None:
        sql += " AND period = ?"
        params += (known_terms(store).resolve(period).code,)
    return store.query(sql + " ORDER BY period, indicator, source", params)


def all_targets(store: Store) -> list[dict]:
    """Every unit's targets (deleted ones left out)."""
    return store.query(f"SELECT * FROM targets WHERE {_LIVE} ORDER BY unit, period, indicator, source")


def target_history(store: Store, unit: str, indicator: str, period: str, source: str) -> list[dict]:
    """Every version of one target, oldest first (a deleted version has no value)."""
    cat = catalogue(store)
    owner = organisation(store).own_unit(unit).code
    key = (owner, known_terms(store).resolve(period).code, cat.indicator(indicator).code, cat.source(source).code)
    return store.query("SELECT * FROM target_history WHERE unit = ? AND period = ? AND indicator = ? AND source = ? "
                       "ORDER BY version, id", key)
