"""Desktop window speed: start-up against a bare PySide6 window, and switching sector tabs.

Usage: python bench/bench_ui.py [--runs N]
- start-up: wall time from launching the process to the window shown (both print the moment
  they are shown), `main.py --db` on the demo database vs bench/bare_window.py, offscreen;
- tab switch: the 10-year benchmark database (bench/make_db.py), the city (sums 7 units),
  December 2024: time from selecting each sector tab to its grid loaded and painted;
- edit to refresh: one cell typed in a commune's grid (10-year database, December 2024), until
  the grid, the details, the checks and the "Tổng quan" tab show what was saved;
- exports from the window (Báo cáo menu, the city, December 2024): from the menu until the file
  is written, every question answered at once (annex, PDF, Word).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def time_to(command: list[str], env: dict) -> dict[str, float]:
    """Seconds from launching `command` to each moment it prints ("shown", "ready")."""
    start = time.time()
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {line.split()[0]: float(line.split()[1]) - start for line in out.splitlines()
            if line.startswith(("shown ", "ready "))}


def startup(runs: int) -> None:
    from lcapp.models.demo import load_demo
    from lcapp.models.setup import create_database

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.sqlite"
        store = create_database(db)
        load_demo(store)
        store.close()
        env = dict(os.environ, LCAPP_EXIT_WHEN_SHOWN="1", XDG_CONFIG_HOME=folder, QT_QPA_PLATFORM="offscreen")
        ours = [sys.executable, "main.py", "--db", str(db)]
        bare = [sys.executable, "bench/bare_window.py"]
        time_to(ours, env), time_to(bare, env)  # warm the file cache
        shown, ready, floor = [], [], []
        for _ in range(runs):
            floor.append(time_to(bare, env)["shown"])
            moments = time_to(ours, env)
            shown.append(moments["shown"])
            ready.append(moments["ready"])
    m_shown, m_ready, m_bare = (statistics.median(x) for x in (shown, ready, floor))
    print(f"start-up (median of {runs}): bare PySide6 window shown {m_bare * 1000:.0f} ms; LCApp window shown "
          f"{m_shown * 1000:.0f} ms (ratio {m_shown / m_bare:.2f}), figures on screen {m_ready * 1000:.0f} ms "
          f"(ratio {m_ready / m_bare:.2f})")


def tab_switch(rounds: int) -> None:
    from PySide6.QtCore import QCoreApplication, QSettings

    from bench.make_db import DEFAULT, build

    DEFAULT.parent.mkdir(parents=True, exist_ok=True)
    build(DEFAULT).close()
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, folder)
        from lcapp.ui.app import make_application
        from lcapp.ui.main_window import MainWindow

        app = make_application()
        QCoreApplication.setOrganizationName("LCAppBench")
        window = MainWindow(DEFAULT)
        window.resize(1366, 768)
        window.show()
        warm, cold = [], []
        for round_ in range(rounds):
            for times, prefetched in ((warm, True), (cold, False)):
                window.choose("tp_lai_chau", f"2024{12 - round_:02d}")
                deadline = time.perf_counter() + 0.3
                while window.worker.pending or time.perf_counter() < deadline:  # the background prefetch
                    app.processEvents()
                for index in range(1, window.tabs.count()):
                    if not prefetched:
                        window.progress_cache.invalidate()
                    start = time.perf_counter()
                    window.tabs.setCurrentIndex(index)
                    window.tabs.currentWidget().grid.viewport().repaint()
                    app.processEvents()
                    times.append(time.perf_counter() - start)
                window.tabs.setCurrentIndex(0)
        window.close()
    for label, times in (("after the background prefetch", warm), ("cold, nothing cached", cold)):
        times.sort()
        print(f"sector tab switch, 10-year database, the city, {label}, {len(times)} switches: "
              f"median {statistics.median(times) * 1000:.1f} ms, worst {times[-1] * 1000:.1f} ms")


def _bench_window(folder: str):
    """The main window on the 10-year database, offscreen, with its own settings folder."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from bench.make_db import DEFAULT, build

    DEFAULT.parent.mkdir(parents=True, exist_ok=True)
    build(DEFAULT).close()
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, folder)
    from lcapp.ui.app import make_application
    from lcapp.ui.main_window import MainWindow

    app = make_application()
    QCoreApplication.setOrganizationName("LCAppBench")
    window = MainWindow(DEFAULT)
    window.resize(1366, 768)
    window.show()
    return app, window


def _settle(app, window) -> None:
    """Process events until the worker has nothing queued and the checks' timer has fired."""
    while window.worker.pending or window._checks_timer.isActive():
        app.processEvents()
    app.processEvents()


def edit_refresh(rounds: int) -> None:
    from lcapp.models.organisation import organisation
    from lcapp.ui.grid_model import VALUE

    with tempfile.TemporaryDirectory() as folder:
        app, window = _bench_window(folder)
        org = organisation(window.store)
        commune = next(u.code for u in org.children("tp_lai_chau") if not u.is_department)
        window.choose(commune, "202412")
        _settle(app, window)
        tab = next(iter(window.tabs_by_sector.values()))
        window.tabs.setCurrentWidget(tab)
        window.show_details()
        model = tab.model
        code = next(c for c in model.order if model.is_editable(c, VALUE))
        index = model.index_of(code, VALUE)
        tab.grid.setCurrentIndex(index)
        _settle(app, window)
        times, overview_times = [], []
        for round_ in range(rounds):
            typed = f"{123 + round_}"
            start = time.perf_counter()
            model.setData(index, typed)
            _settle(app, window)
            tab.grid.viewport().repaint()
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            window.tabs.setCurrentWidget(window.overview)  # the overview shows what was saved
            window.overview.viewport().repaint()
            app.processEvents()
            window.tabs.setCurrentWidget(tab)
            app.processEvents()
            overview_times.append(time.perf_counter() - start)
            assert model.data(index) == typed, (model.data(index), typed)
        window.entry.undo_stack.clear()
        window.close()
    total = [a + b for a, b in zip(times, overview_times)]
    print(f"edit to refresh, 10-year database, a commune, {rounds} edits: grid, details and checks refreshed "
          f"median {statistics.median(times) * 1000:.0f} ms; then showing Tổng quan median "
          f"{statistics.median(overview_times) * 1000:.0f} ms; total median {statistics.median(total) * 1000:.0f} ms")


def exports(rounds: int) -> None:
    from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

    from lcapp.ui import jobs
    from lcapp.ui.report_export import ReportPreviewDialog

    written = []

    class Answered(QMessageBox):
        """The end-of-export box, answered "Mở tệp" at once (the opening is recorded, not done)."""

        def exec(self):
            next(b for b in self.buttons() if b.text() == "Mở tệp").click()
            return 0

    jobs.QMessageBox = Answered
    jobs.open_path = written.append
    QMessageBox.question = staticmethod(lambda *args: QMessageBox.Yes)
    QMessageBox.warning = staticmethod(lambda _parent, title, message, *args: print("warning:", title, message))
    ReportPreviewDialog.exec = lambda self: QDialog.Accepted
    with tempfile.TemporaryDirectory() as folder:
        app, window = _bench_window(folder)
        window.choose("tp_lai_chau", "202412")
        _settle(app, window)
        results = {}
        for label, suffix, act in (("annex (Excel)", ".xlsx", lambda: window.report_exports().export_annex()),
                                   ("PDF", ".pdf", lambda: window.report_exports().export_report()),
                                   ("Word", ".docx", lambda: window.report_exports().export_report("docx"))):
            times = []
            for round_ in range(rounds):
                target = Path(folder) / f"out{round_}{suffix}"
                QFileDialog.getSaveFileName = staticmethod(lambda *args, t=target: (str(t), ""))
                start = time.perf_counter()
                act()
                while not written or written[-1] != target:
                    app.processEvents()
                    time.sleep(0.001)
                times.append(time.perf_counter() - start)
            results[label] = statistics.median(times)
        window.close()
    print(f"exports from the window, 10-year database, the city, December 2024 (median of {rounds}): "
          + ", ".join(f"{label} {seconds * 1000:.0f} ms" for label, seconds in results.items()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=("startup", "tabs", "edit", "exports"))
    args = parser.parse_args()
    if args.only in (None, "startup"):
        startup(args.runs)
    if args.only in (None, "tabs"):
        tab_switch(3)
    if args.only in (None, "edit"):
        edit_refresh(args.runs)
    if args.only in (None, "exports"):
        exports(5)
