"""The one database worker: every write (and the slower reads) run here, off the UI thread.

Like Anki's taskman: a single-thread executor owns its own connection to the file; results
come back to the UI thread through a queued signal, where the caller's callbacks run.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..models.figure_data import keep_figure_results
from ..models.store import Store


class DbWorker(QObject):
    """Runs `fn(store)` on the worker thread and hands `(result, error)` to `deliver` on the UI thread.

    Only `ops.py` calls it: the window's operations go through `ops.CollectionOp` / `ops.QueryOp`.
    """

    # One tuple (deliver, result, error): PySide6 on Python 3.11 miscounts references of a bare
    # None sent through a queued `object` argument and may crash.
    _done = Signal(object)
    idle = Signal()

    def __init__(self, path: str | Path, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lcapp-db")
        self._store: Store | None = None
        self.pending = 0
        self.closed = False
        self._done.connect(self._deliver)

    def _worker_store(self) -> Store:
        if self._store is None:
            self._store = Store(self.path)
            self._store.keeps_figure_cache = True  # off the UI thread: may keep computed sums
        return self._store

    def submit(self, fn, deliver) -> None:
        """Queue `fn(store)`; `deliver((result, None))` or `deliver((None, exception))` follows on the UI thread."""
        if self.closed:
            raise RuntimeError("the database worker is closed")
        self.pending += 1

        def task():
            store = self._worker_store()
            try:
                result = fn(store)
            except BaseException as error:  # noqa: BLE001 - handed to the operation, never kills the thread
                keep_figure_results(store, succeeded=False)
                self._done.emit((deliver, None, error))
                return
            keep_figure_results(store)
            self._done.emit((deliver, result, None))

        self._executor.submit(task)

    def _deliver(self, payload) -> None:
        deliver, result, error = payload
        self.pending -= 1
        try:
            deliver((result, error))
        finally:
            if self.pending == 0:
                self.idle.emit()

    def close(self) -> None:
        """Finish every queued write, then close the worker's connection (once)."""
        if self.closed:
            return
        self.closed = True
        def shut():
            if self._store is not None:
                self._store.close()
                self._store = None
        self._executor.submit(shut)
        self._executor.shutdown(wait=True)
