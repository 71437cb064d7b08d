"""Render the main window on the demo data at 1366x768, the catalogue dialog, and the PDF report's preview,
to PNG files in docs/.

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
        catalogue_dialog(app, window, out / "ui-danh-muc.png")
        window.close()
        preview(app, path, out / "ui-xem-truoc-bao-cao.png")
        print(f"wrote {out / 'ui-tong-quan.png'}, {out / 'ui-thuong-mai.png'}, {out / 'ui-danh-muc.png'} and "
              f"{out / 'ui-xem-truoc-bao-cao.png'}")


def preview(app, path: Path, png: Path) -> None:
    """The report preview for 06/2024 after an official rewrote the trade part: the drafted
    sentences are offered beside it."""
    from lcapp.models.drafting import report_outline
    from lcapp.models.narrative import set_narrative
    from lcapp.models.store import Store
    from lcapp.ui.report_export import ReportPreviewDialog

    store = Store(path)
    set_narrative(store, "tp_lai_chau", "202406", "thuong_mai",
                  "Hoạt động thương mại, dịch vụ trên địa bàn ổn định; hàng hóa phong phú, giá cả không biến động lớn.")
    items = report_outline(store, "tp_lai_chau", "202406")
    store.close()
    dialog = ReportPreviewDialog("Báo cáo tháng 6/2024 — Thành phố Lai Châu", items)
    dialog.show()
    bar = dialog.scroll.verticalScrollBar()
    for _ in range(20):
        app.processEvents()
    start = next(i for i, item in enumerate(items) if item.part == "thuong_mai" and item.kind == "heading")
    heading = [w for w in dialog.scroll.widget().children() if getattr(w, "text", None)
               and callable(w.text) and w.text() == items[start].label]
    if heading:
        bar.setValue(heading[0].y() - 2)
    app.processEvents()
    dialog.grab().save(str(png))
    dialog.close()


def catalogue_dialog(app, window, png: Path) -> None:
    """Nhập liệu → Danh mục chỉ tiêu on the demo data, "Tổng lượt khách du lịch" selected."""
    from PySide6.QtWidgets import QAbstractItemView

    dialog = window.show_catalogue()
    wait(app, window)
    dialog.select("indicator", "tm_khach_du_lich")
    dialog.tree.scrollTo(dialog.model.index_of("sector", "thuong_mai"), QAbstractItemView.PositionAtTop)
    app.processEvents()
    dialog.grab().save(str(png))
    dialog.close()


if __name__ == "__main__":
    main()
