"""Whole-database backups (SQLite backup API, consistent while the program runs), restore with a preview,
automatic backups on exit keeping the last N, and the integrity check on start.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from . import signing
from .errors import DatabaseError, InputError
from .schema import SCHEMA_VERSION
from .store import Store

# package_check (and the catalogue it imports) is imported where used: the start check
# (`check_on_start`) runs before the window shows and needs none of it.

AUTO_PREFIX = "tu-dong"
SESSION_PREFIX = "dau-phien"
DEFAULT_KEEP = 10
# The command line runs one short session per command: it takes its session backup before its
# first write only when the file's newest backup is older than this (seconds), so a script of
# many `enter` commands does not copy the whole file each time.
COMMAND_LINE_BACKUP_INTERVAL = 3600
COUNTED_TABLES = ("figures", "figure_history", "narratives", "targets", "period_locks")


def backup(store: Store, folder: str | Path, *, prefix: str = "sao-luu", verify: bool = True) -> Path:
    """Copy the whole database into `folder` (a new file named by date and time); return its path.

    The copy must pass `integrity_check` (a broken index too), else DatabaseError and no file;
    `verify=False` keeps any copy (the safety copy taken before a restore, which may be of a
    damaged file)."""
    from .package_check import fsync_path

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"Không tạo được thư mục {folder}: {error.strerror}.") from None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    # A counter within the second keeps names in the order they were made.
    same_second = [p.stem.rsplit("-", 1)[-1] for p in folder.glob(f"{store.path.stem}-{prefix}-{stamp}-*.sqlite")]
    number = max([int(n) for n in same_second if n.isdigit()], default=0) + 1
    target = folder / f"{store.path.stem}-{prefix}-{stamp}-{number:03d}.sqlite"
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        destination = sqlite3.connect(str(temporary))
        try:
            store.conn.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in destination.execute("PRAGMA integrity_check(5)")] if verify else ["ok"]
        finally:
            destination.close()
        if verify and problems != ["ok"]:
            temporary.unlink(missing_ok=True)
            raise DatabaseError(f"Không sao lưu được: tệp dữ liệu {store.path.name} không toàn vẹn ({problems[0]}); "
                                "hãy phục hồi từ một bản sao lưu cũ hơn.")
        fsync_path(temporary)
        os.replace(temporary, target)
        fsync_path(folder)
    except (OSError, sqlite3.Error) as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"Không sao lưu được vào {folder}: {getattr(error, 'strerror', None) or error}.") from None
    return target


def backup_folder(store: Store) -> Path:
    """Where backups go unless the user chooses: a "sao-luu" folder beside the database."""
    return backup_folder_for(store.path)


def backup_folder_for(path: str | Path) -> Path:
    """The default backup folder of a database file, known without opening it (it may be damaged)."""
    return Path(path).parent / "sao-luu"


def auto_backup(store: Store, folder: str | Path | None = None, *, keep: int = DEFAULT_KEEP,
                prefix: str = AUTO_PREFIX) -> Path:
    """An automatic backup (on exit, or at the start of a session with `SESSION_PREFIX`); keeps only
    the newest `keep` automatic backups of that kind."""
    folder = Path(folder) if folder is not None else backup_folder(store)
    made = backup(store, folder, prefix=prefix)
    autos = sorted(Path(folder).glob(f"{store.path.stem}-{prefix}-*.sqlite"), key=lambda p: p.name)
    for old in autos[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return made


def session_backup(store: Store, *, keep: int = DEFAULT_KEEP, unless_newer_than: float | None = None) -> Path | None:
    """The copy taken at the start of a session, before its first write, so that a file which has been
    used always has a backup to go back to. With `unless_newer_than` (seconds), nothing is copied
    when the file already has a backup that recent; returns the new backup or None."""
    if unless_newer_than is not None:
        own = [p for p in backups(backup_folder(store)) if p.name.startswith(f"{store.path.stem}-")]
        if own and time.time() - own[0].stat().st_mtime < unless_newer_than:
            return None
    return auto_backup(store, keep=keep, prefix=SESSION_PREFIX)


def backups(folder: str | Path) -> list[Path]:
    """Backup files in `folder`, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)


@dataclass
class RestorePreview:
    """What restoring a backup would bring back, beside what the database holds now."""

    path: Path
    schema_version: int
    installation_id: str
    same_installation: bool
    modified_at: str
    counts_now: dict[str, int]
    counts_backup: dict[str, int]


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES if t in tables}


@contextmanager
def _checked_backup(path: Path) -> Iterator[tuple[sqlite3.Connection, int]]:
    """A backup file copied once (with its -wal) into a private folder, checked there (exactly our
    schema, `integrity_check`, a whole database and not a package); yields the connection to that
    copy, so what is restored is exactly what was checked."""
    from .package_check import open_checked, private_copy, sqlite_error_text

    with private_copy(path) as (copy, with_wal):
        conn, version = open_checked(copy, path.name, with_wal=with_wal, full_check=True)
        try:
            try:
                tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                is_package = "handover_manifest" in tables and conn.execute(
                    "SELECT count(*) FROM handover_manifest").fetchone()[0] > 0
                has_units = conn.execute("SELECT count(*) FROM units").fetchone()[0] > 0
                has_id = conn.execute("SELECT count(*) FROM meta WHERE key = 'installation_id'").fetchone()[0] > 0
            except (sqlite3.Error, UnicodeDecodeError) as error:
                raise InputError(f"Tệp {path.name} bị từ chối: hỏng ({sqlite_error_text(error)}). "
                                 "Dữ liệu không thay đổi.") from None
            if is_package:
                raise InputError(f"Tệp {path.name} là gói dữ liệu của một đơn vị, không phải bản sao lưu toàn bộ dữ "
                                 "liệu; hãy dùng Nhập gói dữ liệu. Dữ liệu không thay đổi.")
            if not (has_units and has_id):
                raise InputError(f"Tệp {path.name} không phải bản sao lưu của LCApp (thiếu danh mục đơn vị hoặc mã cài "
                                 "đặt). Dữ liệu không thay đổi.")
            yield conn, version
        finally:
            conn.close()


def restore_preview(store: Store, path: str | Path) -> RestorePreview:
    """Check a backup file and say what it holds (reads only)."""
    path = Path(path)
    with _checked_backup(path) as (conn, version):
        row = conn.execute("SELECT value FROM meta WHERE key = 'installation_id'").fetchone()
        installation = row[0] if row else ""
        counts = _counts(conn)
    modified = datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
    return RestorePreview(path, version, installation, installation == store.installation_id, modified,
                          _counts(store.conn), counts)


def restore(store: Store, path: str | Path, *, safety_folder: str | Path | None = None) -> Path:
    """Replace the database's content with a checked backup; the current content is backed up first.

    Returns the path of that safety backup. The backup is copied once into a private file,
    checked there, and that same copy goes through the backup API into the open connection,
    so it is all or nothing and nothing unchecked gets in.
    """
    path = Path(path)
    installation, key = store.installation_id, store.meta(signing.KEY_META)
    with _checked_backup(path) as (source, version):
        safety = backup(store, safety_folder or backup_folder(store), prefix="truoc-khi-phuc-hoi", verify=False)
        try:
            source.backup(store.conn)
        except sqlite3.Error as error:
            raise DatabaseError(f"Không phục hồi được từ {path.name}: {error}. "
                                f"Bản trước khi phục hồi: {safety}.") from None
    store.conn.execute("PRAGMA journal_mode = WAL")
    store._cache.clear()
    if key and store.installation_id == installation and store.meta(signing.KEY_META) is None:
        # A backup of this installation taken before packages were signed: keep the key other
        # offices already pinned, rather than let the migration make a new one.
        with store.write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (signing.KEY_META, key))
    if version < SCHEMA_VERSION:
        store._migrate(version)
    return safety


def integrity_problems(path: str | Path) -> list[str]:
    """`PRAGMA integrity_check` of a database file (opened read-only); an empty list means healthy."""
    path = Path(path)
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
        finally:
            conn.close()
    except sqlite3.Error as error:
        return [str(error)]
    return [] if result == ["ok"] else result


@dataclass
class StartCheck:
    """The integrity check on start and, if it fails, the way out: the backups to restore from."""

    ok: bool
    problems: list[str]
    backups: list[Path]
    message: str


def check_on_start(path: str | Path, backup_folder: str | Path) -> StartCheck:
    problems = integrity_problems(path)
    if not problems:
        return StartCheck(True, [], [], "")
    found = backups(backup_folder)
    way_out = (f"Có {len(found)} bản sao lưu; hãy chọn một bản để phục hồi (bản mới nhất: {found[0].name})."
               if found else "Không có bản sao lưu nào; hãy chép tệp này gửi cán bộ kỹ thuật và không nhập thêm.")
    return StartCheck(False, problems, found,
                      f"Tệp dữ liệu {Path(path).name} bị hỏng ({problems[0]}). {way_out}")


def replace_damaged(path: str | Path, backup_path: str | Path) -> Path:
    """Put a checked backup in place of a damaged database file that cannot be opened to restore into.

    The damaged file (and its WAL) is kept beside it under a new name, returned, never deleted;
    the backup is copied once into a private file and checked there, and that same copy goes
    with SQLite's backup API into a temporary name beside the database, checked again, then renamed.
    """
    from .package_check import fsync_path

    path, backup_path = Path(path), Path(backup_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.hong-{stamp}{path.suffix}")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with _checked_backup(backup_path) as (source, _version):
        try:
            destination = sqlite3.connect(str(temporary))
            try:
                source.backup(destination)
                destination.execute("PRAGMA journal_mode = DELETE")
                problems = [row[0] for row in destination.execute("PRAGMA integrity_check(5)")]
            finally:
                destination.close()
            if problems != ["ok"]:
                raise InputError(f"Bản sao lưu {backup_path.name} chép ra không toàn vẹn; hãy chọn bản khác.")
            fsync_path(temporary)
            if path.exists():
                os.replace(path, aside)
            for suffix in ("-wal", "-shm"):  # a damaged file's journal must not be replayed into the backup
                part = Path(f"{path}{suffix}")
                if part.exists():
                    os.replace(part, Path(f"{aside}{suffix}"))
            os.replace(temporary, path)
            fsync_path(path.parent)
        except (OSError, sqlite3.Error) as error:
            temporary.unlink(missing_ok=True)
            raise InputError(f"Không phục hồi được từ {backup_path.name}: "
                             f"{getattr(error, 'strerror', None) or error}.") from None
        except InputError:
            temporary.unlink(missing_ok=True)
            raise
    return aside
