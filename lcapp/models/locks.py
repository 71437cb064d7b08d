"""Locked unit-months (khóa số liệu): received and approved figures that neither typing nor packages may change.

Locking and unlocking are recorded in `lock_history`; unlocking needs a reason. `lock_rows`
is what the window's lock status table shows (the consolidating office's units in one month);
the window reads and writes locks only through this module.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .errors import InputError
from .limits import MAX_REASON_CHARS, check_length
from .organisation import organisation
from .periods import Period, month_period, parse_period, split_month_key
from .store import Store, now_iso
from .text import clean_text
from .users import current_user


def _months(store: Store, unit: str, period: Period | str) -> tuple[str, list[int]]:
    if isinstance(period, str):
        period = parse_period(period)
    found = organisation(store).unit(unit)
    code = found.reports_for if found.is_department else found.code
    return code, period.months


def month_label(month: int) -> str:
    year, number = split_month_key(month)
    return f"tháng {number:02d}/{year}"


def locked_message(unit_name: str, month: int) -> str:
    return (f"Số liệu của {unit_name} {month_label(month)} đã khóa (đã nhận và duyệt); "
            "muốn sửa phải mở khóa, có ghi lý do.")


def lock(store: Store, unit: str, period: Period | str, *, user: str | None = None) -> int:
    """Lock every month of `period` for `unit`; return how many months were newly locked."""
    code, months = _months(store, unit, period)
    user = user or current_user()
    stamp = now_iso()
    changed = 0
    with store.write() as conn:
        for month in months:
            if conn.execute("SELECT 1 FROM period_locks WHERE unit = ? AND month = ?", (code, month)).fetchone():
                continue
            conn.execute("INSERT INTO period_locks VALUES (?, ?, ?, ?)", (code, month, user, stamp))
            conn.execute("INSERT INTO lock_history (unit, month, action, reason, user, at) VALUES (?, ?, 'lock', '', ?, ?)",
                         (code, month, user, stamp))
            changed += 1
    return changed


def unlock(store: Store, unit: str, period: Period | str, reason: str, *, user: str | None = None) -> int:
    """Unlock every month of `period` for `unit`, recording why; return how many months were unlocked."""
    reason = clean_text(reason, field="lý do", multiline=False) or ""
    if not reason:
        raise InputError("Mở khóa số liệu phải ghi lý do.")
    check_length(reason, MAX_REASON_CHARS, "lý do")
    code, months = _months(store, unit, period)
    user = user or current_user()
    stamp = now_iso()
    changed = 0
    with store.write() as conn:
        for month in months:
            if conn.execute("DELETE FROM period_locks WHERE unit = ? AND month = ?", (code, month)).rowcount:
                conn.execute("INSERT INTO lock_history (unit, month, action, reason, user, at) "
                             "VALUES (?, ?, 'unlock', ?, ?, ?)", (code, month, reason, user, stamp))
                changed += 1
    return changed


def locked_months(conn: sqlite3.Connection, unit: str) -> set[int]:
    return {row[0] for row in conn.execute("SELECT month FROM period_locks WHERE unit = ?", (unit,))}


def is_locked(store: Store, unit: str, month: int) -> bool:
    return month in locked_months(store.conn, unit)


def refuse_locked(conn: sqlite3.Connection, unit: str, month: int) -> None:
    """Raise InputError when (unit, month) is locked; used inside write transactions."""
    if conn.execute("SELECT 1 FROM period_locks WHERE unit = ? AND month = ?", (unit, month)).fetchone():
        row = conn.execute("SELECT name FROM units WHERE code = ?", (unit,)).fetchone()
        raise InputError(locked_message(row[0] if row else unit, month))


def lock_history(store: Store, unit: str | None = None) -> list[dict]:
    if unit is None:
        return store.query("SELECT * FROM lock_history ORDER BY id")
    return store.query("SELECT * FROM lock_history WHERE unit = ? ORDER BY id", (unit,))


@dataclass(frozen=True)
class LockRow:
    """One unit's lock in one month, as the lock status table shows it."""

    code: str
    name: str
    kind: str
    locked_by: str | None
    locked_at: str | None
    last_action: dict | None  # the latest lock_history row of this unit-month

    @property
    def locked(self) -> bool:
        return self.locked_by is not None


def lock_rows(store: Store, unit: str, year: int, month: int) -> list[LockRow]:
    """The unit (a department: its city) and its child units valid in the month, with their locks."""
    org = organisation(store)
    head = org.unit(unit)
    if head.is_department:
        head = org.unit(head.reports_for)
    period = month_period(year, month)
    key = period.months[0]
    units = [head, *org.children(head.code, period)]
    codes = [u.code for u in units]
    marks = ",".join("?" * len(codes))
    locks = {r["unit"]: r for r in store.query(
        f"SELECT unit, locked_by, locked_at FROM period_locks WHERE month = ? AND unit IN ({marks})", (key, *codes))}
    last = {r["unit"]: r for r in store.query(
        f"SELECT * FROM lock_history WHERE month = ? AND unit IN ({marks}) ORDER BY id", (key, *codes))}
    return [LockRow(u.code, u.name, u.kind, locks[u.code]["locked_by"] if u.code in locks else None,
                    locks[u.code]["locked_at"] if u.code in locks else None, last.get(u.code)) for u in units]
