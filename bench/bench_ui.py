"""Desktop window speed: start-up against a bare PySide6 window, and switching sector tabs.

Usage: python bench/bench_ui.py [--runs N]
- start-up: wall time from launching the process to the window shown (both print the moment
  they are shown), `main.py --db` on the demo database vs bench/bare_window.py, offscreen;
- tab switch: the 10-year benchmark database (bench/make_db.py), the city (sums 7 units),
  December 2024: time from selecting each sector tab to its grid loaded and painted.
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    startup(args.runs)
    tab_switch(3)
