"""The one database worker: every write (and the slower reads) run here, off the UI thread.

Like Anki's taskman: a single-thread executor owns its own connection to the file; results
come back to the UI thread through a queued signal, where the caller's callbacks run.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..models.errors import DatabaseError, InputError
from ..models.figure_data import keep_figure_results
from ..models.store import Store


class DbWorker(QObject):
    """Runs `fn(store)` on the worker thread; `on_success(result)` / `on_failure(message)` on the UI thread."""

    # One tuple (on_success, on_failure, result, error): PySide6 on Python 3.11 miscounts
    # references of a bare None sent through a queued `object` argument and may crash.
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

    def submit(self, fn, on_success=None, on_failure=None) -> None:
        if self.closed:
            raise RuntimeError("the database worker is closed")
        self.pending += 1

        def task():
            store = self._worker_store()
            try:
                result = fn(store)
            except (InputError, DatabaseError) as error:
                keep_figure_results(store, succeeded=False)
                self._done.emit((on_success, on_failure, None, str(error)))
                return
            except Exception as error:  # noqa: BLE001 - a bug must reach the user, not kill the thread
                keep_figure_results(store, succeeded=False)
                self._done.emit((on_success, on_failure, None, f"Lỗi chương trình: {error!r}"))
                return
            keep_figure_results(store)
            self._done.emit((on_success, on_failure, result, None))

        self._executor.submit(task)

    def _deliver(self, payload) -> None:
        on_success, on_failure, result, error = payload
        self.pending -= 1
        try:
            if error is None:
                if on_success:
                    on_success(result)
            elif on_failure:
                on_failure(error)
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
