"""Figures from a file (CSV, LCApp or DHIS2 JSON, a DHIS2 server) through the same preview as
handover packages: the one rule for what such an import writes.

A file of this kind carries no versions, so each value is new, changed, identical or
refused (a locked unit-month). The decision on locked months, the same for the window's
import, `handover-import` and `import`: a value of a locked unit-month is left out (shown as
refused in the preview, named with its unit and month in the result's message by
`import_outcome.locked_note`), and every other new or changed value is written, in one
transaction through `apply_changes`, with history. A file whose values are all locked or
already here writes nothing and says why (`import_outcome.nothing_brought`).
"""

from __future__ import annotations

from .figures import FIELDS, VALUE_FIELDS, FigureChange, apply_changes
from .locks import locked_months
from .merge import CHANGED, IDENTICAL, NEW, REFUSED, ImportResult, Preview, PreviewRow, locked_reason
from .store import Store, now_iso
from .users import current_user


def preview_changes(store: Store, changes: list[FigureChange], *, user: str | None = None) -> Preview:
    """What writing these validated changes would do, row by row (reads only)."""
    user = user or current_user()
    stamp = now_iso()
    rows, locked_cache, stored = [], {}, {}
    columns = ", ".join(("indicator",) + FIELDS)
    for change in changes:
        # The office's figures of one unit-month in one query: a file holds many of each.
        month_key = (change.unit, change.month)
        if month_key not in stored:
            stored[month_key] = {r["indicator"]: r for r in store.conn.execute(
                f"SELECT {columns} FROM figures WHERE unit = ? AND month = ?", month_key)}
        mine = stored[month_key].get(change.indicator)
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
            status, reason = REFUSED, locked_reason(change.month)
        rows.append(PreviewRow("figure", [change.unit, change.month, change.indicator], status, old, new, user,
                               stamp, reason))
    units = sorted({c.unit for c in changes})
    months = sorted({c.month for c in changes})
    return Preview("file", "", ",".join(units), months, "known", None, rows)


def data_stamp(store: Store) -> tuple:
    """What the database looked like to this connection: equal stamps mean no write in between,
    by this connection (`total_changes`) or another (`PRAGMA data_version`)."""
    conn = store.conn
    return id(conn), conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]


def apply_previewed(store: Store, changes: list[FigureChange], *, user: str | None = None,
                    previewed: Preview | None = None) -> ImportResult:
    """Write the new and changed values among `changes` (the ones a preview showed) in one transaction.

    The statuses are those of a fresh preview, unless `previewed` is given: a preview of these
    very changes that the caller knows is still true (`data_stamp` unchanged since)."""
    preview = previewed or preview_changes(store, changes, user=user)
    chosen = [c for c, row in zip(changes, preview.rows) if row.status in (NEW, CHANGED)]
    written = apply_changes(store, chosen, user=user, action="import") if chosen else 0
    return ImportResult({"new": preview.counts()[NEW], "changed": preview.counts()[CHANGED], "written": written},
                        [], preview)
