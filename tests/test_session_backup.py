"""A file that has been used always has a backup: one is taken at the start of each session, before
its first write (the window: first in the worker's queue; the command line: before its first write
unless the file has a backup from the last hour)."""

from __future__ import annotations

import os
import sqlite3
import time

from lcapp.models.backup import (COMMAND_LINE_BACKUP_INTERVAL, SESSION_PREFIX, backup_folder, backups,
                                 check_on_start, session_backup)
from lcapp.models.figures import enter
from lcapp.models.setup import create_database
from tests.conftest import run_cli


def _figures(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM figures").fetchone()[0]
    finally:
        conn.close()


def test_session_backup_copies_the_file_and_keeps_the_newest(store):
    made = [session_backup(store, keep=2) for _ in range(3)]
    kept = backups(backup_folder(store))
    assert set(kept) == set(made[1:])
    assert all(SESSION_PREFIX in p.name for p in kept)


def test_session_backup_is_skipped_when_a_recent_backup_exists(store):
    first = session_backup(store, unless_newer_than=3600)
    assert first is not None
    assert session_backup(store, unless_newer_than=3600) is None
    old = time.time() - 2 * 3600
    os.utime(first, (old, old))
    assert session_backup(store, unless_newer_than=3600) is not None


def test_command_line_backs_up_before_its_first_write(db_path, capsys):
    create_database(db_path).close()
    assert backups(db_path.parent / "sao-luu") == []
    code, _out, err = run_cli(capsys, "--db", db_path, "enter", "p_doan_ket", "2024-05", "tm_ban_le", "48,5")
    assert code == 0, err
    found = backups(db_path.parent / "sao-luu")
    assert len(found) == 1
    assert _figures(found[0]) == 0  # taken before the write
    assert _figures(db_path) == 1
    # within the hour the next command does not copy the file again
    assert COMMAND_LINE_BACKUP_INTERVAL == 3600
    run_cli(capsys, "--db", db_path, "enter", "p_doan_ket", "2024-06", "tm_ban_le", "50")
    assert len(backups(db_path.parent / "sao-luu")) == 1


def test_reading_commands_take_no_backup(db_path, capsys):
    create_database(db_path).close()
    run_cli(capsys, "--db", db_path, "progress", "p_doan_ket", "2024-05", "--json")
    run_cli(capsys, "--db", db_path, "settings")
    assert backups(db_path.parent / "sao-luu") == []


def test_a_used_file_that_is_damaged_has_a_backup_to_offer(db_path, capsys):
    create_database(db_path).close()
    run_cli(capsys, "--db", db_path, "enter", "p_doan_ket", "2024-05", "tm_ban_le", "48,5")
    data = bytearray(db_path.read_bytes())  # spoil the b-tree page headers of the closed file
    page_size = int.from_bytes(data[16:18], "big")
    for at in range(page_size * 2, len(data), page_size):
        data[at] = 0x55
    db_path.write_bytes(bytes(data))
    found = check_on_start(db_path, db_path.parent / "sao-luu")
    assert not found.ok
    assert found.backups and "Không có bản sao lưu" not in found.message


def test_a_failed_session_backup_warns_and_the_figure_is_still_saved(db_path, capsys):
    create_database(db_path).close()
    (db_path.parent / "sao-luu").write_text("not a folder")  # the backup folder cannot be made
    code, _out, err = run_cli(capsys, "--db", db_path, "enter", "p_doan_ket", "2024-05", "tm_ban_le", "48,5")
    assert code == 0
    assert "cảnh báo: chưa sao lưu được" in err
    assert _figures(db_path) == 1


def test_the_store_hook_runs_once_before_the_first_write(store):
    calls = []
    store.before_first_write = lambda s: calls.append(_figures(s.path))
    enter(store, "p_doan_ket", "2024-05", "tm_ban_le", 48.5)
    enter(store, "p_doan_ket", "2024-06", "tm_ban_le", 50.0)
    assert calls == [0]
