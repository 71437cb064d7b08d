"""Helpers for the window tests (tests/ui): opening a window, waiting, answering dialogs."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from lcapp.ui.main_window import MainWindow


def when_modal(act):
    """Run `act(dialog)` on the next modal dialog once it is open."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poll)
        else:
            act(dialog)
    QTimer.singleShot(20, poll)


def open_window(qtbot, path, unit, month) -> MainWindow:
    """The main window on `path`, showing `unit` in `month`, on screen."""
    window = MainWindow(path)
    qtbot.addWidget(window)
    window.choose(unit, month)
    window.show()
    qtbot.waitExposed(window)
    return window


def idle(qtbot, window):
    """Wait until the window's database worker has written everything queued."""
    qtbot.waitUntil(lambda: window.worker.pending == 0, timeout=10000)


def editor_of(grid):
    editors = [e for e in grid.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert editors, "no editor open"
    return editors[0]


def type_in(qtbot, grid, text, end=Qt.Key_Return):
    """Type into the current cell like a person: the first key opens the editor."""
    qtbot.keyClick(grid, text[0])
    assert grid.state() == QAbstractItemView.EditingState
    editor = editor_of(grid)
    qtbot.keyClicks(editor, text[1:])
    if end is not None:
        qtbot.keyClick(editor, end)
    return editor


def shown(window, kind):
    """The last child of `window` of type `kind` that is on screen (a dialog or box it opened), or None."""
    found = [w for w in window.findChildren(kind) if w.isVisible()]
    return found[-1] if found else None
