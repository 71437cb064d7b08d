"""Starting the program: Qt application, fonts, first start, the main window."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox

from ..models.errors import DamagedDatabaseError, DatabaseError, InputError

APP_NAME = "LCApp"  # as lcapp.paths.APP_NAME (not imported here: platformdirs costs start-up time)

# Fonts that carry every Vietnamese letter: Windows first, then common Linux ones.
UI_FONTS = ["Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial"]


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        # Fractional scaling (125%, 150%) as Windows sets it; via the environment so that the
        # Qt namespace's enums (0,04 s to create) are not needed before the window shows.
        os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")
        app = QApplication(argv or sys.argv[:1])
    if getattr(app, "lcapp_translator", None) is None:
        from .qt_vietnamese import install
        app.lcapp_translator = install(app)  # Qt's own buttons and edit menus in Vietnamese
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    font = QFont()
    font.setFamilies(UI_FONTS)
    font.setPointSize(10)
    app.setFont(font)
    return app


def create_with_dialog(path: Path, parent=None) -> bool:
    """First start: create the database, ask for the office's settings, offer the demo figures."""
    from ..models.setup import create_database
    from .settings_dialog import SettingsDialog, configure_new_database, discard_new_database

    try:
        store = create_database(path)
    except (InputError, DatabaseError, OSError) as error:
        QMessageBox.critical(parent, APP_NAME, str(error))
        return False
    dialog = SettingsDialog(store, first=True, parent=parent)
    if not dialog.exec():
        discard_new_database(store)
        return False
    try:
        configure_new_database(store, dialog.values(), dialog.demo.isChecked())
    except InputError as error:
        QMessageBox.warning(parent, APP_NAME, str(error))
    store.close()
    return True


_windows = []


def open_main_window(path: Path, parent=None, *, on_ready=None, _checked: bool = False):
    """Open the window on `path`; its figures are loaded right after it is on screen."""
    from .main_window import MainWindow

    try:
        window = MainWindow(path, defer_data=True)
    except (sqlite3.DatabaseError, DamagedDatabaseError) as error:
        if _checked:  # it passed the check and still does not open: say so, once
            QMessageBox.critical(parent, APP_NAME, f"Không mở được tệp dữ liệu {path}: {error}.")
            return None
        # A damaged file: offer its backups or another file instead of a crash.
        from .backup_dialogs import check_database_on_start

        checked = check_database_on_start(path, parent)
        if checked is None:
            return None
        return open_main_window(checked, parent, on_ready=on_ready, _checked=True)
    except (InputError, DatabaseError) as error:
        QMessageBox.critical(parent, APP_NAME, str(error))
        return None
    _windows.append(window)
    window.show()

    def load() -> None:
        window.load_initial()
        if on_ready:
            on_ready()

    QTimer.singleShot(0, load)
    return window


def after_start(window):
    """Once the figures show: the log file (platformdirs costs 0,05 s to import) and the integrity
    check on a thread (its dialogs' module as much)."""
    from .backup_dialogs import check_after_start
    from .crash import start_log

    start_log()
    return check_after_start(window, open_main_window)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description="LCApp — nhập số liệu và báo cáo")
    parser.add_argument("--db", help="tệp dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    args = parser.parse_args(argv)
    app = make_application()
    from .crash import install_excepthook

    install_excepthook()
    if args.db:
        path = Path(args.db)
    else:
        from ..paths import default_database

        path = default_database()
    if not (path.exists() and path.stat().st_size > 0) and not create_with_dialog(path):
        return 0
    bench = bool(os.environ.get("LCAPP_EXIT_WHEN_SHOWN"))  # bench/: times to shown and to figures on screen

    def ready() -> None:
        if bench:
            QApplication.processEvents()
            print(f"ready {time.time():.6f}", flush=True)
            app.quit()

    if bench:
        QTimer.singleShot(0, lambda: print(f"shown {time.time():.6f}", flush=True))
    window = open_main_window(path, on_ready=ready)
    if window is None:
        return 2
    QTimer.singleShot(0, lambda: after_start(window))
    return app.exec()
