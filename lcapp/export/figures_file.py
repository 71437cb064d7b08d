"""Write the interchange CSV of every stored figure to a file, reporting progress as it goes.

The same lines as `interchange.export_csv`; written in chunks through a temporary file
that replaces the target only when complete, so a cancelled or failed export never leaves
half a file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..models.file_formats import CSV_HEADER
from ..models.store import Store
from .interchange import csv_row, csv_writer, figure_records

CHUNK = 500


def write_figures_csv(store: Store, unit: str | None, period: str | None, path: str | Path,
                      progress_callback=None) -> Path:
    """Write the CSV to `path`; `progress_callback(done, total)` may raise to cancel.

    `unit` and `period` are accepted for the exports' common signature; the interchange file
    always carries every figure, as the command line's `export` does.
    """
    path = Path(path)
    records = figure_records(store)
    total = len(records)
    partial = path.with_name(path.name + ".dang-ghi")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            writer = csv_writer(handle)
            writer.writerow(CSV_HEADER)
            for start in range(0, total, CHUNK):
                for record in records[start:start + CHUNK]:
                    writer.writerow(csv_row(record))
                if progress_callback:
                    progress_callback(min(start + CHUNK, total), total)
        if progress_callback and total == 0:
            progress_callback(0, 0)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
