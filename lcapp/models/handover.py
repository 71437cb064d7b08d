"""Exporting a handover package: one unit's figures, comments, narratives and own targets for some months.

The package is itself a SQLite file with our schema, holding only those rows, the history
since the last package of the same months, and a manifest (unit, months, sending
installation, app and schema version, row counts, created time, SHA-256 over the rows in
canonical order, and the sending installation's Ed25519 public key and signature of that SHA-256:
see signing.py). It is written under a temporary name, flushed and synced, renamed, then
read back and verified, so a stick pulled out mid-write leaves no file that looks whole.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from .catalogue_package import CATALOGUE_TABLES, catalogue_rows
from .errors import InputError
from .users import current_user
from .organisation import organisation
from . import signing
from .package_check import (MANIFEST_COLUMNS, PACKAGE_TABLES, SIGNATURE_COLUMNS, Package, canonical_sha256,
                            check_package, create_schema, fsync_path)
from .periods import Period, parse_period
from .schema import SCHEMA_VERSION
from .store import Store, now_iso

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    unit: str
    months: list[int]
    counts: dict[str, int]
    sha256: str


def _periods(periods) -> list[Period]:
    if not periods:
        raise InputError("Hãy ghi ít nhất một kỳ cần xuất (ví dụ 202405).")
    return [p if isinstance(p, Period) else parse_period(p) for p in periods]


def _history_since(store: Store, unit: str, months: list[int]) -> tuple[list[dict], int]:
    """History rows of these months newer than the last package that carried each month."""
    done: dict[int, int] = {}
    for row in store.query("SELECT periods, history_upto FROM handover_log WHERE direction = 'export' AND unit = ?",
                           (unit,)):
        for month in json.loads(row["periods"]):
            done[month] = max(done.get(month, 0), row["history_upto"])
    columns = PACKAGE_TABLES["figure_history"][0]
    upto = store.conn.execute("SELECT coalesce(max(id), 0) FROM figure_history").fetchone()[0]
    marks = ",".join("?" * len(months))
    rows = store.query(f"SELECT {', '.join(columns)} FROM figure_history WHERE unit = ? AND month IN ({marks}) "
                       "AND id <= ? ORDER BY id", (unit, *months, upto))
    return [r for r in rows if r["id"] > done.get(r["month"], 0)], upto


def collect_rows(store: Store, unit: str, months: list[int]) -> tuple[dict[str, list[dict]], int]:
    """The rows a package for `unit` and `months` carries, and the last history id it covers."""
    marks = ",".join("?" * len(months))
    cols = {table: ", ".join(columns) for table, (columns, _key) in PACKAGE_TABLES.items()}
    month_set = set(months)
    years = sorted({m // 100 for m in months})
    rows: dict[str, list[dict]] = {}
    rows["figures"] = store.query(f"SELECT {cols['figures']} FROM figures WHERE unit = ? AND month IN ({marks})",
                                  (unit, *months))
    rows["figure_history"], upto = _history_since(store, unit, months)

    def inside(code: str) -> bool:
        return set(parse_period(code).months) <= month_set

    rows["narratives"] = [r for r in store.query(f"SELECT {cols['narratives']} FROM narratives WHERE unit = ?",
                                                 (unit,)) if inside(r["period"])]
    rows["narrative_history"] = [r for r in store.query(
        f"SELECT {cols['narrative_history']} FROM narrative_history WHERE unit = ?", (unit,)) if inside(r["period"])]

    def covers(code: str) -> bool:
        first, _, last = code.partition("-")
        return any(int(first) <= year <= int(last or first) for year in years)

    rows["targets"] = [r for r in store.query(f"SELECT {cols['targets']} FROM targets WHERE unit = ?", (unit,))
                       if covers(r["period"])]  # the unit's own targets only
    rows["target_history"] = [r for r in store.query(
        f"SELECT {cols['target_history']} FROM target_history WHERE unit = ?", (unit,)) if covers(r["period"])]
    return rows, upto


def handed_over_unit(store: Store, code: str):
    """The unit whose package `code` makes: itself, or for a department its city."""
    org = organisation(store)
    unit = org.unit(code)
    return org.unit(unit.reports_for) if unit.is_department else unit


def outside_reporting_scope(store: Store, unit: str) -> str | None:
    """Why `unit` is not one this office hands over as a matter of course: neither the unit its
    `reporting_unit` setting names (a department: its city) nor one of that unit's child units.
    None when it is one of them, or when the setting names no known unit.
    """
    org = organisation(store)
    found = handed_over_unit(store, unit)
    own_code = store.setting("reporting_unit")
    if not isinstance(own_code, str) or own_code not in org.units:
        return None
    own = handed_over_unit(store, own_code)
    if found.code == own.code or found.code in {u.code for u in org.descendants(own.code)}:
        return None
    return (f"{found.name} ({found.code}) không phải đơn vị báo cáo của máy này ({own.name}) "
            "hay đơn vị cấp dưới của đơn vị đó.")


def export_package(store: Store, unit: str, periods, out: str | Path, *, progress: Progress | None = None,
                   user: str | None = None) -> ExportResult:
    """Write a verified package for `unit` and `periods` to `out`; InputError if it cannot."""
    report = progress or (lambda done, total, text: None)
    out = Path(out)
    found = handed_over_unit(store, unit)
    months = sorted({m for p in _periods(periods) for m in p.months})
    report(0, 4, "Đang đọc số liệu")
    rows, upto = collect_rows(store, found.code, months)
    if not rows["figures"] and not rows["narratives"]:
        raise InputError(f"{found.name} chưa có số liệu hay nội dung nào trong các kỳ đã chọn; không tạo gói.")
    manifest = {"package_id": str(uuid.uuid4()), "unit": found.code, "periods": json.dumps(months),
                "sender": store.installation_id, "app_version": __version__, "schema_version": SCHEMA_VERSION,
                "row_counts": json.dumps({t: len(rows[t]) for t in PACKAGE_TABLES}), "created_at": now_iso()}
    manifest["sha256"] = canonical_sha256(manifest, rows)
    package = _write_verified(store, out, manifest, rows, report)
    with store.write() as conn:
        conn.execute("""INSERT OR IGNORE INTO handover_log (direction, sha256, sender, unit, periods, history_upto,
                            user, at, summary) VALUES ('export', ?, ?, ?, ?, ?, ?, ?, ?)""",
                     (manifest["sha256"], manifest["sender"], found.code, manifest["periods"], upto,
                      user or current_user(), manifest["created_at"], manifest["row_counts"]))
    report(4, 4, "Xong")
    return ExportResult(out, found.code, months, package.counts(), manifest["sha256"])


def _write_verified(store: Store, out: Path, manifest: dict, rows: dict[str, list[dict]],
                    report: Progress) -> Package:
    """Write the package under a temporary name, sync, rename, then read it back through the checks
    an incoming file gets; a package that does not read back is deleted. The manifest is signed
    here (this installation's Ed25519 key over its SHA-256), catalogue packages as the others."""
    private_key = signing.own_key(store)
    manifest["public_key"] = signing.public_key_of(private_key)
    manifest["signature"] = signing.sign(private_key, manifest["sha256"])
    if out.is_dir():
        raise InputError(f"{out} là một thư mục; hãy ghi tên tệp gói, ví dụ {out / 'goi.lcgoi'}.")
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    report(1, 4, "Đang ghi gói")
    try:
        _write_package(temporary, manifest, rows)
        fsync_path(temporary)
        os.replace(temporary, out)
        fsync_path(out.parent)
    except (OSError, sqlite3.Error) as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"Không ghi được gói {out}: {getattr(error, 'strerror', None) or error}.") from None
    report(2, 4, "Đang đọc lại để kiểm tra")
    try:
        package = check_package(store, out)
    except InputError as error:
        out.unlink(missing_ok=True)
        raise InputError(f"Gói vừa ghi không đọc lại được, đã xóa ({error}). Hãy thử lại hoặc dùng USB khác.") from None
    if package.sha256 != manifest["sha256"]:
        out.unlink(missing_ok=True)
        raise InputError("Gói vừa ghi đọc lại không khớp, đã xóa. Hãy thử lại hoặc dùng USB khác.")
    return package


def export_catalogue_package(store: Store, out: str | Path, *, progress: Progress | None = None,
                             user: str | None = None) -> ExportResult:
    """Write this office's catalogue (sources, sectors, every indicator with its validity) as a package for
    the units below it; they import it like any package (`merge`), previewed first."""
    report = progress or (lambda done, total, text: None)
    out = Path(out)
    unit = store.setting("reporting_unit")
    if not unit:
        raise InputError("Chưa chọn đơn vị báo cáo của cơ quan (Cài đặt): gói danh mục cần ghi đơn vị gửi.")
    found = organisation(store).unit(unit)
    report(0, 4, "Đang đọc danh mục")
    rows: dict[str, list[dict]] = {table: [] for table in PACKAGE_TABLES}
    rows.update(catalogue_rows(store.conn))
    counts = {t: len(rows[t]) for t in PACKAGE_TABLES} | {t: len(rows[t]) for t in CATALOGUE_TABLES if rows[t]}
    manifest = {"package_id": str(uuid.uuid4()), "unit": found.code, "periods": "[]",
                "sender": store.installation_id, "app_version": __version__, "schema_version": SCHEMA_VERSION,
                "row_counts": json.dumps(counts), "created_at": now_iso()}
    manifest["sha256"] = canonical_sha256(manifest, rows)
    _write_verified(store, out, manifest, rows, report)
    with store.write() as conn:
        conn.execute("""INSERT OR IGNORE INTO handover_log (direction, sha256, sender, unit, periods, history_upto,
                            user, at, summary) VALUES ('export', ?, ?, ?, '[]', 0, ?, ?, ?)""",
                     (manifest["sha256"], manifest["sender"], found.code, user or current_user(),
                      manifest["created_at"], manifest["row_counts"]))
    report(4, 4, "Xong")
    return ExportResult(out, found.code, [], counts, manifest["sha256"])


def _write_package(path: Path, manifest: dict, rows: dict[str, list[dict]]) -> None:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("BEGIN")
        create_schema(conn)
        for table, (columns, _key) in {**PACKAGE_TABLES, **CATALOGUE_TABLES}.items():
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            conn.executemany(sql, ([r[c] for c in columns] for r in rows.get(table, [])))
        columns = MANIFEST_COLUMNS + SIGNATURE_COLUMNS + ("sha256",)
        conn.execute(f"INSERT INTO handover_manifest ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [manifest[c] for c in columns])
        conn.execute("COMMIT")
    finally:
        conn.close()
