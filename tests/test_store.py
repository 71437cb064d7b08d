import sqlite3

import pytest

from lcapp.models import schema
from lcapp.models.errors import DatabaseError
from lcapp.models.store import Store
from tests.conftest import file_digest


def test_new_database_records_its_migrations_and_uses_wal_and_foreign_keys(store):
    assert [m["version"] for m in store.applied_migrations()] == list(range(1, schema.SCHEMA_VERSION + 1))
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert len(store.installation_id) == 36


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(store, db_path):
    store.conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    store.close()
    before = file_digest(db_path)
    with pytest.raises(DatabaseError, match="phiên bản LCApp mới hơn"):
        Store(db_path)
    assert file_digest(db_path) == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "not.sqlite"
    path.write_bytes(b"PK\x03\x04 this is a zip file")
    with pytest.raises(DatabaseError, match="không phải là tệp dữ liệu LCApp"):
        Store(path)
    assert path.read_bytes() == b"PK\x03\x04 this is a zip file"


def test_a_missing_file_is_not_created_silently(tmp_path):
    with pytest.raises(DatabaseError, match="init"):
        Store(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_migration_takes_a_backup_first(store, db_path, monkeypatch):
    store.close()
    current = schema.SCHEMA_VERSION
    extra = (current + 1, "add a column", ["ALTER TABLE meta ADD COLUMN extra TEXT"])
    monkeypatch.setattr("lcapp.models.store.MIGRATIONS", schema.MIGRATIONS + [extra])
    monkeypatch.setattr("lcapp.models.store.SCHEMA_VERSION", current + 1)
    migrated = Store(db_path)
    assert [m["version"] for m in migrated.applied_migrations()] == list(range(1, current + 2))
    backups = list(db_path.parent.glob(f"lcapp.truoc-nang-cap-v{current}-*.sqlite"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == current
    assert old.execute("SELECT count(*) FROM indicators").fetchone()[0] > 100
    old.close()
    migrated.close()


def test_a_failed_write_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            conn.execute("INSERT INTO settings VALUES ('x', '1')")
            raise RuntimeError("boom")
    assert store.setting("x") is None
