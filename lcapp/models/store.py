"""The database file: opening, migrations, backups, and the one place where writes happen.

Every change to the database goes through `Store.write()`, one `BEGIN IMMEDIATE`
transaction each, so a crash or a refused input leaves the file as it was. Reads return
plain dicts; sqlite-utils (`Store.db`) is imported only when used, to keep start-up fast.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .. import __version__
from .errors import DatabaseError
from .schema import MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"


def now_iso() -> str:
    """Local time, to the second, as stored in the database."""
    return datetime.now().isoformat(timespec="seconds")


def _looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(16) == SQLITE_HEADER


class Store:
    """An open LCApp database file."""

    # Whether computations may keep their results in `figure_cache` (a write): the command line
    # and the window's background connections do; the window's own connection only reads.
    keeps_figure_cache = False

    def __init__(self, path: str | Path, *, create: bool = False):
        self.path = Path(path)
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and not create:
            raise DatabaseError(f"Không tìm thấy tệp dữ liệu {self.path}. "
                                "Hãy tạo tệp mới bằng lệnh “init” (hoặc mở chương trình để tạo).")
        if exists and not _looks_like_sqlite(self.path):
            raise DatabaseError(f"Tệp {self.path} không phải là tệp dữ liệu LCApp (không phải SQLite).")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout = 5000")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise DatabaseError(f"Không mở được tệp dữ liệu {self.path}: {error}.") from None
        if version > SCHEMA_VERSION:
            self.conn.close()
            raise DatabaseError(
                f"Tệp {self.path.name} do phiên bản LCApp mới hơn tạo (lược đồ {version}, chương trình này "
                f"hiểu đến lược đồ {SCHEMA_VERSION}). Hãy cập nhật LCApp; tệp không bị thay đổi.")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self._db = None
        self._cache: dict[str, object] = {}
        if version < SCHEMA_VERSION:
            if version > 0:
                self.backup_before_migration(version)
            self._migrate(version)

    # -- transactions -------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is committed together or not at all."""
        if self.conn.in_transaction:
            raise RuntimeError("nested write transaction")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise DatabaseError(f"Không ghi được vào tệp dữ liệu: {error}. Số liệu chưa được lưu.") from None
        self._cache.clear()

    @property
    def db(self):
        """sqlite-utils over the same connection, imported on first use (keeps the program's start fast)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        return [dict(row) for row in self.conn.execute(sql, params)]

    def close(self) -> None:
        self.conn.close()

    def cached(self, key: str, build):
        """Per-store cache of derived read-only data, dropped after every write."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # -- migrations ------------------------------------------------------------------
    def _migrate(self, current: int) -> None:
        # Foreign keys off while migrating (a migration may rebuild a table others refer to, as
        # SQLite's ALTER TABLE page describes); they are checked before the commit instead.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.write() as conn:
                conn.execute(SCHEMA_MIGRATIONS_TABLE)
                for number, name, statements in MIGRATIONS[current:]:
                    run_statements(conn, statements)
                    conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, ?)",
                                 (number, name, now_iso(), __version__))
                if current == 0:
                    conn.execute("INSERT INTO meta VALUES ('installation_id', ?)", (str(uuid.uuid4()),))
                    conn.execute("INSERT INTO meta VALUES ('created_at', ?)", (now_iso(),))
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise DatabaseError(f"Nâng cấp tệp {self.path.name} làm hỏng liên kết dữ liệu; "
                                        "tệp không bị thay đổi.")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def backup_before_migration(self, version: int) -> Path:
        """Copy the file aside (SQLite backup API) before a migration changes it."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.truoc-nang-cap-v{version}-{stamp}{self.path.suffix}")
        self.backup_to(target)
        return target

    def backup_to(self, target: Path) -> None:
        destination = sqlite3.connect(str(target))
        try:
            self.conn.backup(destination)
        finally:
            destination.close()

    # -- small key/value tables ------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def installation_id(self) -> str:
        return self.meta("installation_id") or ""

    def applied_migrations(self) -> list[dict]:
        return self.query("SELECT version, name, applied_at, app_version FROM schema_migrations ORDER BY version")

    def setting(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def settings(self) -> dict:
        return {row["key"]: json.loads(row["value"]) for row in self.query("SELECT key, value FROM settings")}


# As it has always been written: sqlite_master keeps the text, and packages are compared with it.
SCHEMA_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL,
                app_version TEXT NOT NULL)"""


def run_statements(conn: sqlite3.Connection, statements) -> None:
    """Run one migration's steps: SQL statements, or functions of the connection."""
    for statement in statements:
        if callable(statement):
            statement(conn)
        else:
            conn.execute(statement)


def set_settings(conn: sqlite3.Connection, values: dict) -> None:
    """Store settings inside an open write transaction."""
    for key, value in values.items():
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     (key, json.dumps(value, ensure_ascii=False)))
