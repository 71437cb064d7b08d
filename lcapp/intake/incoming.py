"""One entry point for any incoming file, known by its content: a handover package, an office's
whole database, a CSV or a DHIS2 dataValueSets file. Preview first; apply only when asked.

Meant to be run off the UI thread: nothing here touches a screen, and `apply` reports
progress through a callback. The window's import, `handover-import` and `import` all come in
here (`import` through `open_figures_file`: CSV / JSON only), so a file is checked, previewed
and written by one rule whichever way it comes; what is written is the core's
(`merge.apply_package`, `figure_import.apply_previewed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models.errors import InputError
from ..models.figure_import import apply_previewed, data_stamp, preview_changes
from ..models.figures import FigureChange
from ..models.merge import IDENTICAL, ImportResult, Preview, Progress, apply_package, preview
from ..models.package_check import Package, check_package, looks_like_sqlite
from ..models.store import Store
from .interchange import parse_import_text, read_import_file


@dataclass
class Incoming:
    """A checked incoming file and what importing it would do."""

    path: Path
    preview: Preview
    package: Package | None  # None for CSV / DHIS2 files
    changes: list[FigureChange] | None = None  # a CSV / DHIS2 file's values, read once, as previewed
    accept_new_key: bool = False  # a sender's changed key was accepted when opening (see merge.preview)
    previewed_at: tuple | None = None  # `data_stamp` of the connection the file's preview was read on

    def apply(self, store: Store, *, take: str | None = None, decisions: dict[str, str] | None = None,
              accept_sender: bool = False, progress: Progress | None = None) -> ImportResult:
        """Write it in one transaction (conflicts left undecided stay as they are and are returned)."""
        if self.package is None:  # previewed again unless nothing was written since, on this connection
            fresh = self.previewed_at is not None and self.previewed_at == data_stamp(store)
            return apply_previewed(store, self.changes or [], previewed=self.preview if fresh else None)
        return apply_package(store, self.package, take=take, decisions=decisions, accept_sender=accept_sender,
                             progress=progress, accept_new_key=self.accept_new_key)


def open_incoming(store: Store, path: str | Path, units: list[str] | None = None, *,
                  accept_new_key: bool = False) -> Incoming:
    """Check a file and preview its import (reads only); InputError with a Vietnamese message if refused.

    `units` chooses which units of an office's whole database are taken (default: the one
    its own setting names). `accept_new_key`: a sender whose key changed (reinstalled, as its
    office confirmed) is previewed instead of refused, and its new key replaces the pinned one
    when the import is applied."""
    path = Path(path)
    if looks_like_sqlite(path):
        package = check_package(store, path, units)
        return Incoming(path, preview(store, package, accept_new_key=accept_new_key), package,
                        accept_new_key=accept_new_key)
    if units:
        raise InputError(f"Tệp {path.name} là tệp CSV / DHIS2: mỗi dòng đã ghi đơn vị của nó, không chọn đơn vị "
                         "(--unit) được.")
    return open_figures_file(store, path)


def open_figures_file(store: Store, path: str | Path) -> Incoming:
    """Check a CSV / LCApp JSON / DHIS2 JSON file and preview its import (reads only).

    Read once: the preview and the apply use these changes, never the file again (it may be
    rewritten in between)."""
    path = Path(path)
    changes = parse_import_text(store, read_import_file(path), path.name)
    stamp = data_stamp(store)
    return Incoming(path, preview_changes(store, changes), None, changes, previewed_at=stamp)


def import_file(store: Store, path: str | Path, *, user: str | None = None) -> tuple[int, int]:
    """Import a CSV / DHIS2 file as `import` does; (values written, values already here).

    Values of a locked unit-month are left out (see `figure_import`)."""
    changes = parse_import_text(store, read_import_file(path), Path(path).name)
    result = apply_previewed(store, changes, user=user)
    return result.written["written"], result.preview.counts()[IDENTICAL]
