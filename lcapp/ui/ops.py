"""The one way the window runs work off the UI thread, after Anki's CollectionOp and QueryOp.

    CollectionOp(parent, lambda store: lock(store, ...) and of_unit(...)).success(...).run()
    QueryOp(parent, lambda store: run_checks(store, ...)).success(show).run()

- `CollectionOp`: a write, on the window's one DB worker. Its function returns what changed (a
  core `Changes`, or `(result, Changes)`); after it the window's `operation_executed(changes,
  initiator)` signal fires once, and the window refreshes its grids, overview, details and
  checks from it. Then `success(result)` runs.
- `QueryOp`: a read. By default on the DB worker too, so it sees every write queued before it;
  `own_connection=True` runs it on a thread with its own read connection (exports, checking a
  file from outside), so typing and saving go on meanwhile.
- Failure: the core's refusal (`InputError`, `DatabaseError`, a file that cannot be read) goes
  to `failure(message)` with its Vietnamese message; without one it is shown in a warning box
  titled like the operation, or in the window's status line. Anything else is a bug: it goes
  to the crash handler (`sys.excepthook`, `crash.report_unexpected` in the program).
- Progress: `with_progress(title, text)` shows a QProgressDialog (after 300 ms) and passes
  `report(done, total, text=None)` to the function as its second argument; with
  `cancellable=True` its "Hủy" makes the next `report` stop the work.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog
from shiboken6 import isValid

from ..models.changes import NOTHING, Changes
from ..models.errors import DatabaseError, InputError

CANCELLED = "Đã hủy; không có tệp nào được ghi."
_running: set[Op] = set()  # alive until they finish (nothing else may hold them)


class Cancelled(Exception):
    """Raised by `report` once the user pressed "Hủy"."""


def host_of(widget):
    """The main window `widget` belongs to (the first ancestor with a DB worker), or None."""
    current = widget
    while current is not None:
        if hasattr(current, "operation_executed") and getattr(current, "worker", None) is not None:
            return current
        current = current.parent() if hasattr(current, "parent") else None
    return None


def refusal(error: BaseException) -> str | None:
    """The Vietnamese message of an error the core raises on purpose; None for a bug."""
    if isinstance(error, (InputError, DatabaseError)):
        return str(error)
    if isinstance(error, OSError):
        return f"Không đọc hoặc ghi được tệp: {error.strerror or error}."
    return None


def running() -> list[Op]:
    """The operations not finished yet (for the tests and the bench)."""
    return list(_running)


class Op(QObject):
    """One operation; build it, chain `success`/`failure`/`with_progress`, then `run()`."""

    _finished = Signal(object)  # (result, error): always a tuple, see worker.DbWorker._done
    progressed = Signal(int, int, str)  # done, total, text: from the core's progress callback
    finished = Signal()  # after the callbacks, success or not

    def __init__(self, parent, fn, *, write: bool, own_connection: bool = False, worker=None,
                 db_path: str | Path | None = None, needs_store: bool = True):
        host = host_of(parent)
        # Owned by the window: a dialog closed (and deleted) meanwhile must not take the answer with it.
        super().__init__(host if host is not None else parent)
        self._parent_widget, self.fn, self.write = parent, fn, write
        self.host = host
        self.worker = worker if worker is not None else getattr(self.host, "worker", None)
        self.db_path = Path(db_path) if db_path else (self.worker.path if self.worker is not None else None)
        self.own_connection = own_connection and not write
        self.needs_store = needs_store  # False: `fn(None)` on its thread, no connection opened (a file check)
        self._success = None
        self._failure = None
        self.title: str | None = None
        self._progress_text: str | None = None
        self._cancellable = False
        self.dialog: QProgressDialog | None = None
        self.thread: threading.Thread | None = None
        self.cancelled = threading.Event()
        self.result = None
        self.changes: Changes = NOTHING
        self._finished.connect(self._finish)
        self.progressed.connect(self._show_progress)

    @property
    def parent_widget(self):
        """Where boxes are shown: the widget that ran it, or its window once that widget is gone."""
        widget = self._parent_widget
        return widget if widget is None or isValid(widget) else self.host

    # -- building -------------------------------------------------------------------------------
    def success(self, callback) -> Op:
        self._success = callback
        return self

    def failure(self, callback) -> Op:
        self._failure = callback
        return self

    def titled(self, title: str) -> Op:
        """Refusals are shown in a warning box with this title (unless `failure` is given)."""
        self.title = title
        return self

    def with_progress(self, title: str, text: str = "", *, cancellable: bool = False) -> Op:
        self.title, self._progress_text, self._cancellable = title, text or title, cancellable
        return self

    # -- running --------------------------------------------------------------------------------
    def run(self) -> Op:
        if self._progress_text is not None:
            self.dialog = self._make_dialog()
        _running.add(self)
        if self.own_connection:
            self.thread = threading.Thread(target=self._run_on_own_connection, name="lcapp-read", daemon=True)
            self.thread.start()
        else:
            if self.worker is None:
                raise RuntimeError("no database worker to run the operation on")
            self.worker.submit(self._call, lambda outcome: self._finish(outcome))
        return self

    def cancel(self) -> None:
        self.cancelled.set()

    def report(self, done: int, total: int, text: str | None = None) -> None:
        """The core's progress callback (any thread): moves the dialog; stops the work once cancelled."""
        if self.cancelled.is_set():
            raise Cancelled()
        self.progressed.emit(int(done), int(total), str(text or ""))

    def _call(self, store):
        return self.fn(store, self.report) if self._progress_text is not None else self.fn(store)

    def _run_on_own_connection(self) -> None:
        from ..models.figure_data import keep_figure_results
        from ..models.store import Store

        store = None
        try:
            if self.needs_store:
                store = Store(self.db_path)
                store.keeps_figure_cache = True  # off the UI thread: may keep computed sums
            result = self._call(store)
            if store is not None:
                keep_figure_results(store)
            outcome = (result, None)
        except BaseException as error:  # noqa: BLE001 - handed to the UI thread, never a silent death
            outcome = (None, error)
        finally:
            if store is not None:
                store.close()
        self._finished.emit(outcome)

    def _finish(self, outcome) -> None:
        result, error = outcome
        _running.discard(self)
        if self.dialog is not None:
            self.dialog.close()
        try:
            if error is None:
                self._succeeded(result)
            else:
                self._failed(error)
        finally:
            self.finished.emit()
            self.deleteLater()

    def _succeeded(self, value) -> None:
        if self.write:
            if isinstance(value, Changes):
                self.result, self.changes = value, value
            else:
                self.result, self.changes = value
        else:
            self.result = value
        if self.write and self.host is not None:
            self.host.operation_executed.emit(self.changes, self._parent_widget)
        if self._success is not None:
            self._success(self.result)

    def _failed(self, error: BaseException) -> None:
        message = CANCELLED if isinstance(error, Cancelled) else refusal(error)
        if message is None:
            sys.excepthook(type(error), error, error.__traceback__)
            return
        if self._failure is not None:
            self._failure(message)
        elif self.title is not None:
            QMessageBox.warning(self.parent_widget, self.title, message)
        elif self.host is not None:
            self.host.say_failed(message)

    # -- the progress dialog --------------------------------------------------------------------
    def _make_dialog(self) -> QProgressDialog:
        dialog = QProgressDialog(self._progress_text, "Hủy" if self._cancellable else None, 0, 0, self.parent_widget)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if self._cancellable:
            dialog.canceled.connect(self.cancel)
        return dialog

    def _show_progress(self, done: int, total: int, text: str) -> None:
        if self.dialog is None:
            return
        # The label first: once a modal QProgressDialog is shown, setValue runs the event loop, and
        # the steps queued behind this one (even the end) are handled inside it. Set after, this
        # step's older text would overwrite the last one.
        if text:
            self.dialog.setLabelText(text)
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))


def CollectionOp(parent, fn, **where) -> Op:  # noqa: N802 - named as Anki names it
    """A write on the DB worker; `fn(store)` returns `Changes` or `(result, Changes)`."""
    return Op(parent, fn, write=True, **where)


def QueryOp(parent, fn, *, own_connection: bool = False, **where) -> Op:  # noqa: N802
    """A read: on the DB worker (after every queued write), or on its own read connection
    (`needs_store=False`: on its own thread without one)."""
    return Op(parent, fn, write=False, own_connection=own_connection, **where)


__all__ = ["CANCELLED", "Cancelled", "CollectionOp", "Op", "QueryOp", "host_of", "refusal", "running"]
