"""Render the main window on the demo data at 1366x768 to PNG files in docs/.

Usage: python scripts/screenshot_ui.py [OUT_DIR]   (runs offscreen; needs no display)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QSettings

from lcapp.models.demo import load_demo
from lcapp.models.setup import create_database


def wait(app, window) -> None:
    deadline = time.time() + 10
    while (window.worker.pending or time.time() < deadline - 9.7) and time.time() < deadline:
        app.processEvents()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, folder)
        path = Path(folder) / "demo.sqlite"
        store = create_database(path)
        load_demo(store)
        store.close()
        from lcapp.ui.app import make_application
        from lcapp.ui.main_window import MainWindow

        app = make_application()
        QCoreApplication.setOrganizationName("LCAppScreenshot")
        window = MainWindow(path)
        window.choose("tp_lai_chau", "202405")
        window.resize(1366, 768)
        window.show()
        wait(app, window)
        window.grab().save(str(out / "ui-tong-quan.png"))
        tab = window.tabs_by_sector["thuong_mai"]
        window.tabs.setCurrentWidget(tab)
        tab.grid.setCurrentIndex(tab.model.index_of("tm_ban_le", "value"))
        window.show_details()
        wait(app, window)
        window.grab().save(str(out / "ui-thuong-mai.png"))
        window.close()
        print(f"wrote {out / 'ui-tong-quan.png'} and {out / 'ui-thuong-mai.png'}")


if __name__ == "__main__":
    main()
