"""Several Stores on one file in one process, and another process beside them, never corrupt it.

On POSIX, closing any descriptor of a file drops every lock the process holds on it (SQLite:
"How To Corrupt An SQLite Database File", section 2.2). Opening a second Store once read the
file's header with Python's `open()`; the window's own connection then lost its locks, another
process believed it was alone, checkpointed and deleted the WAL the window was still writing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from lcapp.models.backup import integrity_problems
from lcapp.models.figures import enter
from lcapp.models.setup import create_database
from lcapp.models.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _cli(db: Path, *argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "lcapp", "--db", str(db), *argv], capture_output=True,
                          text=True, env=env, timeout=120)


def _wal_and_shm_exist(db: Path) -> bool:
    return Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()


def test_second_store_keeps_the_first_ones_locks_and_another_process_waits(tmp_path):
    db = tmp_path / "lcapp.sqlite"
    create_database(db).close()
    window = Store(db)  # the window's connection, as the main window holds it
    enter(window, "p_doan_ket", "2024-05", "tm_ban_le", 48.5)
    worker = Store(db)  # the worker, jobs and checks open more in the same process
    worker.close()
    # Another process: the command line reading settings. With the window's locks intact it
    # sees a reader and must not checkpoint away or delete the WAL.
    result = _cli(db, "settings", "reporting_unit")
    assert result.returncode == 0, result.stderr
    assert _wal_and_shm_exist(db), "the other process deleted the WAL the window still uses"
    for month in range(6, 13):  # the window goes on writing
        enter(window, "p_doan_ket", f"2024-{month:02d}", "tm_ban_le", 40.0 + month)
    window.close()
    assert integrity_problems(db) == []
    conn = sqlite3.connect(db)
    try:
        count = conn.execute("SELECT count(*) FROM figures WHERE unit = 'p_doan_ket'").fetchone()[0]
    finally:
        conn.close()
    assert count == 8


def test_window_and_command_line_write_the_same_file(tmp_path):
    db = tmp_path / "lcapp.sqlite"
    create_database(db).close()
    window = Store(db)
    for extra in range(3):
        Store(db).close()  # more Stores in the window's process, opened and closed
    enter(window, "p_doan_ket", "2024-05", "tm_ban_le", 48.5)
    result = _cli(db, "enter", "p_doan_ket", "2024-06", "tm_ban_le", "50,5")
    assert result.returncode == 0, result.stderr
    enter(window, "p_doan_ket", "2024-07", "tm_ban_le", 51.0)
    result = _cli(db, "progress", "p_doan_ket", "2024-07", "--json")
    assert result.returncode == 0, result.stderr
    window.close()
    assert integrity_problems(db) == []
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT month, month_value FROM figures WHERE unit = 'p_doan_ket' "
                            "ORDER BY month").fetchall()
    finally:
        conn.close()
    assert rows == [(202405, 48.5), (202406, 50.5), (202407, 51.0)]
