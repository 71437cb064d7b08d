"""The bundled program: its size, and start-up to the window shown, beside the same from source.

Usage: python bench/bench_bundle.py [--runs N]   (builds dist/LCApp first if it is missing)
Start-up is the wall time from launching the process to the window shown (LCAPP_EXIT_WHEN_SHOWN
makes the program print the moment and quit), offscreen, on the demo database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_ui import time_to  # noqa: E402

EXECUTABLE = ROOT / "dist" / "LCApp" / "LCApp"


def folder_size(path: Path) -> int:
    """Bytes of the files (a symbolic link counts as itself, as an installer copies it)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    if not EXECUTABLE.exists():
        subprocess.run(["bash", "scripts/build_bundle.sh"], cwd=ROOT, check=True)
    bundle = EXECUTABLE.parent
    files = sum(1 for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle dist/LCApp: {folder_size(bundle) / 1e6:.0f} MB in {files} files")
    from lcapp.models.demo import load_demo
    from lcapp.models.setup import create_database

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.sqlite"
        store = create_database(db)
        load_demo(store)
        store.close()
        env = dict(os.environ, LCAPP_EXIT_WHEN_SHOWN="1", XDG_CONFIG_HOME=folder, XDG_DATA_HOME=folder,
                   QT_QPA_PLATFORM="offscreen")
        commands = {"bundle": [str(EXECUTABLE), "--db", str(db)],
                    "source": [sys.executable, "main.py", "--db", str(db)]}
        for command in commands.values():
            time_to(command, env)  # warm the file cache
        for name, command in commands.items():
            shown = [time_to(command, env)["shown"] for _ in range(runs)]
            print(f"start-up, {name}: window shown after {statistics.median(shown) * 1000:.0f} ms "
                  f"(median of {runs}, worst {max(shown) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
