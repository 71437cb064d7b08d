"""CSV and DHIS2 dataValueSets imports through the same preview as handover packages.

A file of this kind carries no versions, so each value is new, changed, identical or
refused (a locked unit-month); applying writes the new and changed ones in one
transaction through `apply_changes`, with history.
"""

from __future__ import annotations

from pathlib import Path

from ..models.figures import FIELDS, VALUE_FIELDS, FigureChange, apply_changes, current_user
from ..models.locks import locked_months, month_label
from ..models.merge import CHANGED, IDENTICAL, NEW, REFUSED, ImportResult, Preview, PreviewRow
from ..models.store import Store, now_iso
from .interchange import parse_import


def preview_file(store: Store, path: str | Path, *, user: str | None = None) -> tuple[Preview, list]:
    """Dry run of a CSV / DHIS2 JSON import: (preview, the validated changes); InputError for a bad file."""
    changes = parse_import(store, path)
    return preview_changes(store, changes, user=user), changes


def preview_changes(store: Store, changes: list[FigureChange], *, user: str | None = None) -> Preview:
    """What writing these validated changes would do, row by row (reads only)."""
    user = user or current_user()
    stamp = now_iso()
    rows, locked_cache = [], {}
    for change in changes:
        mine = store.conn.execute("SELECT * FROM figures WHERE unit = ? AND month = ? AND indicator = ?",
                                  (change.unit, change.month, change.indicator)).fetchone()
        old = None if mine is None else {f: mine[f] for f in FIELDS}
        base = old or {**{f: None for f in VALUE_FIELDS}, "comment": "", "status": None}
        new = dict(base, **change.values)
        if change.unit not in locked_cache:
            locked_cache[change.unit] = locked_months(store.conn, change.unit)
        if old is None:
            status, reason = NEW, ""
        elif all(new[f] == old[f] for f in change.values):
            status, reason = IDENTICAL, ""
        else:
            status, reason = CHANGED, ""
        if status != IDENTICAL and change.month in locked_cache[change.unit]:
            status, reason = REFUSED, f"{month_label(change.month)} đã khóa số liệu"
        rows.append(PreviewRow("figure", [change.unit, change.month, change.indicator], status, old, new, user,
                               stamp, reason))
    units = sorted({c.unit for c in changes})
    months = sorted({c.month for c in changes})
    return Preview("file", "", ",".join(units), months, "known", None, rows)


def apply_file(store: Store, path: str | Path, *, user: str | None = None) -> ImportResult:
    """Import the new and changed values of a CSV / DHIS2 file in one transaction; locked ones stay out."""
    return apply_previewed(store, parse_import(store, path), user=user)


def apply_previewed(store: Store, changes: list[FigureChange], *, user: str | None = None) -> ImportResult:
    """Write the new and changed values among `changes` (the ones a preview showed) in one transaction."""
    preview = preview_changes(store, changes, user=user)
    chosen = [c for c, row in zip(changes, preview.rows) if row.status in (NEW, CHANGED)]
    written = apply_changes(store, chosen, user=user, action="import") if chosen else 0
    return ImportResult({"new": preview.counts()[NEW], "changed": preview.counts()[CHANGED], "written": written},
                        [], preview)
