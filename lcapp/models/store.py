"""The database file: opening, migrations, backups, and the one place where writes happen.

Every change to the database goes through `Store.write()`, one `BEGIN IMMEDIATE`
transaction each, so a crash or a refused input leaves the file as it was. Reads return
plain dicts; sqlite-utils (`Store.db`) is imported only when used, to keep start-up fast.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from .. import __version__
from . import signing
from .errors import DamagedDatabaseError, DatabaseError
from .schema import MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another program's write to end


def sqlite_message(error: BaseException, path: Path) -> str:
    """SQLite's complaint about the office's own database file, as one Vietnamese sentence."""
    text = str(error).lower() if not isinstance(error, UnicodeDecodeError) else "malformed"
    name = path.name
    if "locked" in text or "busy" in text:
        return (f"Tệp dữ liệu {name} đang bận: một chương trình khác (có thể là một cửa sổ LCApp khác) đang ghi vào "
                "tệp. Hãy đợi một lát rồi làm lại; chưa ghi gì.")
    if "readonly" in text or "read-only" in text:
        return (f"Tệp dữ liệu {name} chỉ đọc được (ổ đĩa, thư mục hoặc quyền không cho ghi); chưa ghi gì. "
                "Hãy chép tệp sang ổ ghi được rồi mở lại.")
    if "full" in text:
        return f"Ổ đĩa chứa {name} đã đầy: không ghi được. Hãy giải phóng chỗ trống rồi làm lại; chưa ghi gì."
    if "i/o" in text:
        return f"Lỗi đọc ghi ổ đĩa khi dùng {name} (ổ hỏng hoặc đã bị rút ra?); chưa ghi gì."
    if _damaged(error):
        return (f"Tệp dữ liệu {name} bị hỏng: hãy phục hồi từ bản sao lưu (lệnh “restore” hoặc Tệp → Phục hồi từ "
                "bản sao lưu…) và giữ lại tệp hỏng để cán bộ kỹ thuật xem.")
    return f"Lỗi tệp dữ liệu {name}: {str(error)[:200]}."


def _damaged(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, UnicodeDecodeError) or any(
        word in text for word in ("malformed", "not a database", "corrupt"))


def database_error(error: BaseException, path: Path, prefix: str = "") -> DatabaseError:
    """SQLite's complaint as our DatabaseError (DamagedDatabaseError when the file is damaged)."""
    kind = DamagedDatabaseError if _damaged(error) else DatabaseError
    return kind(prefix + sqlite_message(error, path))


def now_iso() -> str:
    """Local time, to the second, as stored in the database."""
    return datetime.now().isoformat(timespec="seconds")


class Store:
    """An open LCApp database file."""

    # Whether computations may keep their results in `figure_cache` (a write): the command line
    # and the window's background connections do; the window's own connection only reads.
    keeps_figure_cache = False

    def __init__(self, path: str | Path, *, create: bool = False):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():
            raise DatabaseError(f"{self.path} không phải tệp dữ liệu (là thư mục hoặc tệp đặc biệt).")
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and not create:
            raise DatabaseError(f"Không tìm thấy tệp dữ liệu {self.path}. "
                                "Hãy tạo tệp mới bằng lệnh “init” (hoặc mở chương trình để tạo).")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # A file on a read-only medium (a locked USB stick, a CD, a read-only share) is opened to read.
        self.read_only = exists and not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        try:
            self.conn = self._connect()
            # The header is read through SQLite, never with open(): on POSIX, closing any
            # descriptor of the file drops every lock this process holds on it, and another
            # process could then checkpoint away the WAL our other connections still use.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except (sqlite3.Error, UnicodeDecodeError) as error:
            if getattr(self, "conn", None) is not None:
                self.conn.close()
            if "not a database" in str(error):
                raise DatabaseError(f"Tệp {self.path} không phải là tệp dữ liệu LCApp (không phải SQLite).") from None
            raise database_error(error, self.path, f"Không mở được tệp dữ liệu {self.path}: ") from None
        if version > SCHEMA_VERSION:
            self.conn.close()
            raise DatabaseError(
                f"Tệp {self.path.name} do phiên bản LCApp mới hơn tạo (lược đồ {version}, chương trình này "
                f"hiểu đến lược đồ {SCHEMA_VERSION}). Hãy cập nhật LCApp; tệp không bị thay đổi.")
        self._db = None
        self._cache: dict[str, object] = {}
        # Called once, just before the first write transaction (the session's backup).
        self.before_first_write: Callable[[Store], object] | None = None
        if self.read_only and version < SCHEMA_VERSION:
            self.conn.close()
            raise DatabaseError(f"Tệp {self.path.name} cần nâng cấp lên lược đồ {SCHEMA_VERSION} nhưng nằm ở nơi chỉ "
                                "đọc được; hãy chép tệp sang ổ ghi được rồi mở lại. Tệp không bị thay đổi.")
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not self.read_only and self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            if version < SCHEMA_VERSION:
                if version > 0:
                    self.backup_before_migration(version)
                self._migrate(version)
        except (sqlite3.Error, UnicodeDecodeError) as error:
            self.conn.close()
            raise database_error(error, self.path) from None

    def _connect(self) -> sqlite3.Connection:
        if not self.read_only:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        else:
            # On a medium nobody can write, `immutable` is true and makes no file beside it; a -wal
            # left there holds recent changes, which only mode=ro reads (its -shm must be there).
            wal = Path(f"{self.path}-wal")
            uri = f"file:{quote(str(self.path))}?mode=ro" + ("" if wal.exists() and wal.stat().st_size else "&immutable=1")
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        return conn

    # -- transactions -------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is committed together or not at all.

        SQLite's own failures (another program holding the lock, a full disk, a read-only or
        damaged file) become DatabaseError with a Vietnamese message, after the rollback.
        """
        if self.conn.in_transaction:
            raise RuntimeError("nested write transaction")
        if self.read_only:
            raise DatabaseError(sqlite_message(sqlite3.OperationalError("readonly"), self.path))
        if self.before_first_write is not None:
            hook, self.before_first_write = self.before_first_write, None
            hook(self)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise DatabaseError(sqlite_message(error, self.path)) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as error:
            self._rollback()
            if isinstance(error, (sqlite3.Error, UnicodeDecodeError)):
                raise database_error(error, self.path) from None
            raise
        self._cache.clear()

    def _rollback(self) -> None:
        # SQLite may already have rolled back by itself (a full disk, an I/O error): a second
        # ROLLBACK would fail with "no transaction is active" and hide the real cause.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

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
                signing.ensure_key(conn)  # new databases and those of older versions alike
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
