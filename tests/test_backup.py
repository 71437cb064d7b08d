"""Whole-database backups, restore with a preview, automatic backups, the integrity check on start."""

import shutil

import pytest

from lcapp.models.backup import (
    auto_backup,
    backup,
    check_on_start,
    integrity_problems,
    replace_damaged,
    restore,
    restore_preview,
)
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.store import Store
from tests.conftest import file_digest, table_rows
from tests.handover_helpers import MONTH, RETAIL, WARD, figure


def test_backup_while_open_and_restore_brings_back_the_content(store, tmp_path):
    enter(store, WARD, MONTH, RETAIL, 100)
    saved = backup(store, tmp_path / "backups")
    enter(store, WARD, MONTH, RETAIL, 200)
    info = restore_preview(store, saved)
    assert info.same_installation and info.counts_backup["figures"] == 1
    assert info.counts_backup["figure_history"] == 1 and info.counts_now["figure_history"] == 2
    safety = restore(store, saved, safety_folder=tmp_path / "safety")
    assert figure(store)["month_value"] == 100
    again = Store(safety)
    assert figure(again)["month_value"] == 200
    again.close()


def test_a_bad_backup_is_refused_before_anything_changes(store, tmp_path):
    enter(store, WARD, MONTH, RETAIL, 100)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    rows, digest = table_rows(store), file_digest(store.path)
    with pytest.raises(InputError):
        restore(store, bad, safety_folder=tmp_path / "safety")
    assert table_rows(store) == rows and file_digest(store.path) == digest
    assert not (tmp_path / "safety").exists()


def test_automatic_backups_keep_the_last_n(store, tmp_path):
    folder = tmp_path / "auto"
    made = [auto_backup(store, folder, keep=3) for _ in range(5)]
    left = sorted(folder.glob("*.sqlite"))
    assert len(left) == 3 and set(left) == set(made[-3:])
    beside = auto_backup(store, keep=3)
    assert beside.parent == store.path.parent / "sao-luu" and integrity_problems(beside) == []


def spoil(path) -> None:
    """Spoil every b-tree page header but the first: the file opens, integrity_check fails."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for at in range(page_size * 2, len(data), page_size):
        data[at] = 0x55
    path.write_bytes(bytes(data))


def test_the_start_check_finds_a_damaged_file_and_offers_backups(store, tmp_path):
    enter(store, WARD, MONTH, RETAIL, 100)
    folder = tmp_path / "backups"
    backup(store, folder)
    assert check_on_start(store.path, folder).ok
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damaged = tmp_path / "damaged.sqlite"
    shutil.copyfile(store.path, damaged)
    spoil(damaged)
    result = check_on_start(damaged, folder)
    assert not result.ok and result.problems and len(result.backups) == 1
    assert "bị hỏng" in result.message and "phục hồi" in result.message


def test_a_handover_package_is_not_restored_as_a_backup(store, tmp_path):
    from lcapp.models.handover import export_package
    enter(store, WARD, MONTH, RETAIL, 100)
    package = tmp_path / "goi.lcgoi"
    export_package(store, WARD, [MONTH], package)
    rows, digest = table_rows(store), file_digest(store.path)
    with pytest.raises(InputError, match="gói dữ liệu"):
        restore_preview(store, package)
    with pytest.raises(InputError, match="gói dữ liệu"):
        restore(store, package, safety_folder=tmp_path / "safety")
    assert table_rows(store) == rows and file_digest(store.path) == digest


def test_a_damaged_file_is_replaced_by_a_backup_and_kept_aside(store, tmp_path):
    enter(store, WARD, MONTH, RETAIL, 100)
    saved = backup(store, tmp_path / "backups")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damaged = tmp_path / "damaged.sqlite"
    shutil.copyfile(store.path, damaged)
    spoil(damaged)
    spoilt = damaged.read_bytes()
    aside = replace_damaged(damaged, saved)
    assert aside.read_bytes() == spoilt and integrity_problems(damaged) == []
    again = Store(damaged)
    assert figure(again)["month_value"] == 100
    again.close()


def test_a_bad_backup_does_not_replace_a_damaged_file(tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database")
    with pytest.raises(InputError):
        replace_damaged(damaged, bad)
    assert damaged.read_bytes() == b"SQLite format 3\x00" + b"\x01" * 5000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.sqlite", "damaged.sqlite"]
