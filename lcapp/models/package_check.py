"""Opening an untrusted handover file (a package or an office's whole database) and refusing anything odd.

Follows sqlite.org/security.html for database files from outside: the file is first
copied to a private temporary file (so it cannot change or vanish while we read it),
opened read-only and immutable with `trusted_schema` off and tight length limits, its
schema must be exactly ours (no extra tables, triggers or views), `quick_check` must pass,
and every row is validated against the office's catalogue and organisation before
anything reads it further. Nothing here writes to the office's database and nothing is
ever ATTACHed to it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import operator
import os
import re
import shutil
import sqlite3
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .safe_open import copy_outside_file, open_regular
from . import signing
from .catalogue import catalogue
from .catalogue_package import CATALOGUE_TABLES, check_catalogue_rows, first_schema_with_catalogue
from .errors import InputError
from .limits import (MAX_COMMENT_CHARS, MAX_NAME_CHARS, MAX_NARRATIVE_CHARS, MAX_NOTE_CHARS, MAX_PACKAGE_BYTES,
                     MAX_PACKAGE_ROWS, parse_json, value_error)
from .narrative import REPORT_PARTS
from .organisation import organisation
from .periods import MAX_YEAR, MIN_YEAR, parse_period, parse_target_period, period_of_month_key
from .schema import MIGRATIONS, SCHEMA_VERSION, migration_number
from .store import SCHEMA_MIGRATIONS_TABLE, SQLITE_HEADER, Store, run_statements
from .terms import known_terms

MAX_FILE_BYTES = MAX_PACKAGE_BYTES
MAX_ROWS = MAX_PACKAGE_ROWS
MAX_VALUE_BYTES = 1_000_000
MAX_REPORTED = 10
COPY_PREFIX = "lcapp-goi-"
_UNIT_CODE = re.compile(r"[A-Za-z0-9_]{1,64}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")  # Unicode category Cc, and what XML cannot carry
_CONTROL_OR_NEWLINE = {True: re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"), False: _CONTROL}

# What a package carries, in canonical order: table -> columns (hash order) and sort key.
PACKAGE_TABLES = {
    "figures": (("unit", "month", "indicator", "month_value", "ytd_value", "term_value", "status", "comment",
                 "entered_by", "entered_at", "reporter", "origin", "version"), ("unit", "month", "indicator")),
    "figure_history": (("id", "unit", "month", "indicator", "version", "action", "month_value", "ytd_value",
                        "term_value", "status", "comment", "entered_by", "entered_at", "reporter", "origin"),
                       ("id",)),
    "narratives": (("unit", "period", "part", "text", "edited_by", "edited_at", "version"),
                   ("unit", "period", "part")),
    "narrative_history": (("id", "unit", "period", "part", "version", "text", "edited_by", "edited_at"), ("id",)),
    "targets": (("unit", "indicator", "period", "source", "value", "low", "high", "cumulative", "note", "entered_by",
                 "entered_at", "version"), ("unit", "period", "indicator", "source")),
    "target_history": (("id", "unit", "indicator", "period", "source", "version", "value", "low", "high",
                        "cumulative", "note", "entered_by", "entered_at"), ("id",)),
}
MANIFEST_COLUMNS = ("package_id", "unit", "periods", "sender", "app_version", "schema_version", "row_counts",
                    "created_at")
SIGNATURE_COLUMNS = ("public_key", "signature")  # outside the SHA-256: the signature is over it

# Files from before targets belonged to a unit carry them without one, in this layout; they
# are read as the targets of the file's own unit (what the migration does to a database).
TARGET_UNITS_VERSION = migration_number("targets per unit")
_WITHOUT_UNIT = {
    "targets": (PACKAGE_TABLES["targets"][0][1:], ("indicator", "period", "source")),
    "target_history": (("id",) + PACKAGE_TABLES["target_history"][0][2:], ("id",)),
}


def package_tables(version: int) -> dict:
    """PACKAGE_TABLES as a file of schema `version` has them."""
    return PACKAGE_TABLES if version >= TARGET_UNITS_VERSION else {**PACKAGE_TABLES, **_WITHOUT_UNIT}


def _with_unit(tuples: dict[str, list[tuple]], unit: str, version: int) -> dict[str, list[tuple]]:
    """Rows of an older file in today's layout: its targets become those of its unit."""
    if version >= TARGET_UNITS_VERSION:
        return tuples
    at = {table: PACKAGE_TABLES[table][0].index("unit") for table in _WITHOUT_UNIT}
    return {table: [row[:at[table]] + (unit,) + row[at[table]:] for row in rows] if table in at else rows
            for table, rows in tuples.items()}


@dataclass
class Package:
    """A handover file that passed every check, its rows read into memory."""

    path: Path
    kind: str  # "package" (made by handover-export) or "database" (an office's whole file)
    sender: str  # installation id of the office that made the file
    unit: str  # the units taken, comma-separated (one for a package)
    months: list[int]
    created_at: str
    app_version: str
    schema_version: int
    sha256: str
    public_key: str = ""  # the sender's Ed25519 key (hex); "" for a package of an older version
    rows: dict[str, list[dict]] = field(default_factory=dict)  # filled from `tuples` once checked
    tuples: dict[str, list[tuple]] = field(default_factory=dict, repr=False)  # PACKAGE_TABLES column order
    units: list[str] = field(default_factory=list)  # the units taken (default: [unit])
    held: dict[str, int] = field(default_factory=dict)  # every unit the file has figures or texts of -> figures
    setting_unit: str = ""  # a whole database: the unit its `reporting_unit` setting names

    def __post_init__(self):
        self.units = self.units or [self.unit]

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tuples.items()}


def create_schema(conn: sqlite3.Connection, version: int = SCHEMA_VERSION) -> None:
    """Create our schema up to `version` on an empty connection, as Store does."""
    conn.execute(SCHEMA_MIGRATIONS_TABLE)
    for _number, _name, statements in MIGRATIONS[:version]:
        run_statements(conn, statements)
    conn.execute(f"PRAGMA user_version = {int(version)}")


_SQLITE_STATISTICS = {
    ("table", "sqlite_stat1", "sqlite_stat1", "CREATE TABLE sqlite_stat1(tbl,idx,stat)"),
    ("table", "sqlite_stat4", "sqlite_stat4", "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)"),
}


@functools.lru_cache(maxsize=4)
def expected_schema(version: int) -> frozenset[tuple]:
    conn = sqlite3.connect(":memory:")
    try:
        create_schema(conn, version)
        return frozenset(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


def canonical_sha256(manifest: dict | None, rows: dict[str, list[dict]]) -> str:
    """SHA-256 over the manifest's fields and every row, tables and rows in canonical order."""
    return _sha256_of_tuples(manifest, {table: [tuple(row[c] for c in columns) for row in rows.get(table, [])]
                                        for table, (columns, _key) in {**PACKAGE_TABLES, **CATALOGUE_TABLES}.items()})


def _sha256_of_tuples(manifest: dict | None, tuples: dict[str, list[tuple]], tables: dict = PACKAGE_TABLES) -> str:
    """The same digest from rows as tuples in PACKAGE_TABLES column order (TypeError on mixed key types)."""
    digest = hashlib.sha256()
    if manifest is not None:
        digest.update(json.dumps([manifest[c] for c in MANIFEST_COLUMNS], ensure_ascii=False).encode())
        digest.update(b"\n")
    for table, (columns, key) in tables.items():
        ordered = sorted(tuples.get(table, []), key=operator.itemgetter(*(columns.index(k) for k in key)))
        digest.update(json.dumps([table, ordered], ensure_ascii=False).encode())
        digest.update(b"\n")
    _catalogue_digest(digest, tuples)
    return digest.hexdigest()


def _catalogue_digest(digest, tuples: dict[str, list[tuple]]) -> None:
    """A catalogue package's tables, after the others and only when there: other packages keep their digest."""
    for table, (columns, key) in CATALOGUE_TABLES.items():
        if tuples.get(table):
            ordered = sorted(tuples[table], key=operator.itemgetter(*(columns.index(k) for k in key)))
            digest.update(json.dumps([table, ordered], ensure_ascii=False).encode())
            digest.update(b"\n")


def _refuse(name: str, reason: str) -> InputError:
    return InputError(f"Tệp {name} bị từ chối: {reason}. Dữ liệu của cơ quan không thay đổi.")


def _check_header(path: Path, name: str | None = None, *, exact: bool = True) -> None:
    """The SQLite header of a private copy, and its size against the page count it states
    (`exact`: no more pages either; a file whose recent changes are in its -wal may have more)."""
    name = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise _refuse(name, "tệp rỗng (0 byte), có thể do rút USB khi đang chép")
    if size > MAX_FILE_BYTES:
        raise _refuse(name, f"tệp quá lớn ({size // (1024 * 1024)} MB; tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    with open(path, "rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or header[:16] != SQLITE_HEADER:
        raise _refuse(name, "không phải tệp dữ liệu SQLite của LCApp")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _refuse(name, "phần đầu tệp hỏng (cỡ trang không hợp lệ)")
    pages = int.from_bytes(header[28:32], "big")
    header_valid = pages > 0 and header[24:28] == header[92:96]
    if header_valid and size < pages * page_size or not header_valid and size % page_size:
        raise _refuse(name, "tệp bị cắt cụt (chép chưa xong hoặc hỏng)")
    if exact and header_valid and size > pages * page_size or size % page_size:
        raise _refuse(name, f"tệp có thêm {size - pages * page_size if header_valid else size % page_size} byte lạ "
                            "ở cuối (không phải do LCApp ghi)")


def _open_copy(copy: Path, *, with_wal: bool = False) -> sqlite3.Connection:
    # A private copy with its -wal beside it is opened read-only so SQLite reads the WAL
    # (its shared-memory file is made in our own temporary folder); otherwise immutable,
    # which never creates or reads any file beside it.
    uri = f"file:{quote(str(copy))}?mode=ro" + ("" if with_wal else "&immutable=1")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, 100)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.execute("PRAGMA mmap_size = 0")
    return conn


def _check_structure(conn: sqlite3.Connection, name: str, *, full_check: bool = False) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _refuse(name, f"tệp do phiên bản LCApp mới hơn tạo (lược đồ {version}; chương trình này hiểu đến "
                            f"lược đồ {SCHEMA_VERSION}); hãy cập nhật LCApp")
    if version < 1:
        raise _refuse(name, "không phải tệp dữ liệu LCApp")
    # Statistics SQLite itself keeps after ANALYZE / PRAGMA optimize are tolerated, in their own form only.
    actual = {tuple(row) for row in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")} \
        - _SQLITE_STATISTICS
    expected = expected_schema(version)
    if actual != expected:
        extra = sorted(f"{t} {n}" for t, n, _tbl, _sql in actual - expected)
        missing = sorted(f"{t} {n}" for t, n, _tbl, _sql in expected - actual)
        what = []
        if extra:
            what.append("có thêm hoặc đã sửa " + ", ".join(extra[:MAX_REPORTED]))
        if missing:
            what.append("thiếu " + ", ".join(missing[:MAX_REPORTED]))
        raise _refuse(name, "cấu trúc khác cấu trúc của LCApp (" + "; ".join(what) + ")")
    # quick_check for packages (their every row is checked after); integrity_check, which also
    # compares every index with its table, for backups that are restored as they are.
    result = [row[0] for row in conn.execute("PRAGMA integrity_check(10)" if full_check else "PRAGMA quick_check(10)")]
    if result != ["ok"]:
        raise _refuse(name, "tệp hỏng (kiểm tra toàn vẹn: " + "; ".join(result[:3]) + ")")
    return version


def _read_table(conn: sqlite3.Connection, table: str, name: str, where: str = "", params: tuple = (),
                tables: dict = PACKAGE_TABLES) -> list[tuple]:
    columns, key = tables[table]
    count = conn.execute(f"SELECT count(*) FROM {table} {where}", params).fetchone()[0]
    if count > MAX_ROWS:
        raise _refuse(name, f"bảng {table} có quá nhiều dòng ({count})")
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(f"SELECT {', '.join(columns)} FROM {table} {where} ORDER BY {', '.join(key)}",
                          params).fetchall()


def _as_dicts(tuples: dict[str, list[tuple]]) -> dict[str, list[dict]]:
    tables = {**PACKAGE_TABLES, **CATALOGUE_TABLES}
    return {table: [dict(zip(tables[table][0], row)) for row in rows] for table, rows in tuples.items()}


def _digest(name: str, manifest: dict | None, tuples: dict[str, list[tuple]], tables: dict = PACKAGE_TABLES) -> str:
    try:
        return _sha256_of_tuples(manifest, tuples, tables)
    except TypeError:
        raise _refuse(name, "dữ liệu không hợp lệ (một cột khóa lẫn số với chữ)") from None


def _text_error(value, label: str, *, multiline: bool = False, limit: int = MAX_NAME_CHARS) -> str | None:
    if not isinstance(value, str):
        return f"{label} không phải văn bản"
    bad = _CONTROL_OR_NEWLINE[multiline].search(value)
    if bad:
        return f"{label} chứa ký tự điều khiển (mã {ord(bad.group())})"
    if len(value) > limit:
        return f"{label} dài bất thường ({len(value)} ký tự)"
    return None


def _number_error(value) -> str | None:
    if value is None:
        return None
    if type(value) not in (int, float) or value_error(value):  # the limits of every other way in
        return "giá trị không phải số hợp lệ (" + (value_error(value) or "kiểu dữ liệu sai") + ")"
    return None


def _numbers_fine(values: tuple) -> bool:
    """Fast path for a whole column of figures (each value differs, so per-value checks cost)."""
    if not set(map(type, values)) <= {float, int, type(None)}:
        return False
    present = [v for v in values if v is not None]
    if not present:
        return True
    try:
        total = math.fsum(present)  # NaN or infinity anywhere makes the sum NaN or raises
    except (OverflowError, ValueError):
        return False
    return math.isfinite(total) and value_error(min(present)) is None and value_error(max(present)) is None


def _integer_error(value, label: str) -> str | None:
    if type(value) is not int or not 1 <= value <= 2**53:
        return f"{label} không hợp lệ"
    return None


def _period_error(value, parse, label: str) -> str | None:
    error = _text_error(value, label)
    if error:
        return error
    try:
        parse(value)
    except InputError:
        return f"{label} “{value}” không hợp lệ"
    return None


def _checks(store: Store) -> dict[str, Callable]:
    """One check per kind of column: value -> Vietnamese problem or None."""
    cat, org, terms = catalogue(store), organisation(store), known_terms(store)

    def unit(value):
        return _text_error(value, "mã đơn vị") or (
            None if value in org.units else f"đơn vị “{value}” không có trong danh mục của cơ quan")

    def indicator(value):
        error = _text_error(value, "mã chỉ tiêu")
        if error:
            return error
        found = cat.indicators.get(value)
        if found is None:
            return f"chỉ tiêu “{value}” không có trong danh mục của cơ quan"
        return f"chỉ tiêu “{value}” được tính theo công thức, không nhận số nhập" if found.derived else None

    def target_indicator(value):  # targets may be set on derived indicators too
        return _text_error(value, "mã chỉ tiêu") or (
            None if value in cat.indicators else f"chỉ tiêu “{value}” không có trong danh mục của cơ quan")

    def month(value):
        return None if _is_month(value) else f"tháng “{value}” không hợp lệ"

    def part(value):
        return _text_error(value, "phần báo cáo") or (
            None if value in cat.sectors or value in REPORT_PARTS else f"phần báo cáo “{value}” không có")

    def source(value):
        return _text_error(value, "nguồn kế hoạch") or (
            None if value in cat.sources else f"nguồn kế hoạch “{value}” không có trong danh mục")

    def target_period(value):
        error = _period_error(value, parse_target_period, "kỳ kế hoạch")
        if error is None and parse_target_period(value).is_term and terms.of_period(value) is None:
            return f"“{value}” không phải nhiệm kỳ đã biết của cơ quan ({terms.known_text()})"
        return error

    return {
        "unit": unit, "indicator": indicator, "target_indicator": target_indicator, "month": month, "part": part,
        "source": source,
        "reporter": lambda v: unit(v) and f"đơn vị báo cáo: {unit(v)}",
        "number": _number_error,
        "status": lambda v: None if v in ("estimate", "official") else "trạng thái không hợp lệ",
        "flag": lambda v: None if type(v) is int and v in (0, 1) else "cột cộng dồn không hợp lệ",
        "name": lambda v: _text_error(v, "tên, thời điểm hoặc mã"),
        "text": lambda v: _text_error(v, "nội dung", multiline=True, limit=MAX_NARRATIVE_CHARS),
        "comment": lambda v: _text_error(v, "ghi chú", multiline=True, limit=MAX_COMMENT_CHARS),
        "note": lambda v: _text_error(v, "ghi chú kế hoạch", multiline=True, limit=MAX_NOTE_CHARS),
        "version": lambda v: _integer_error(v, "phiên bản"),
        "id": lambda v: _integer_error(v, "mã lịch sử"),
        "period": lambda v: _period_error(v, parse_period, "kỳ"),
        "target_period": target_period,
    }


_FIGURE_COLUMNS = {"unit": "unit", "month": "month", "indicator": "indicator", "month_value": "number",
                   "ytd_value": "number", "term_value": "number", "status": "status", "comment": "comment",
                   "entered_by": "name", "entered_at": "name", "reporter": "reporter", "origin": "name",
                   "version": "version"}
_NARRATIVE_COLUMNS = {"unit": "unit", "period": "period", "part": "part", "text": "text", "edited_by": "name",
                      "edited_at": "name", "version": "version"}
_TARGET_COLUMNS = {"indicator": "target_indicator", "period": "target_period", "source": "source", "value": "number",
                   "low": "number", "high": "number", "cumulative": "flag", "note": "note",
                   "entered_by": "name", "entered_at": "name", "version": "version"}
_HISTORY = {"id": "id", "action": "name"}
COLUMN_CHECKS = {
    "figures": _FIGURE_COLUMNS, "figure_history": {**_FIGURE_COLUMNS, **_HISTORY},
    "narratives": _NARRATIVE_COLUMNS, "narrative_history": {**_NARRATIVE_COLUMNS, "id": "id"},
    "targets": _TARGET_COLUMNS, "target_history": {**_TARGET_COLUMNS, "id": "id"},
}


def _validate(store: Store, package: Package, name: str) -> None:
    """Check every value of every row, each distinct value once (packages repeat values a lot)."""
    checks = _checks(store)
    problems: list[str] = _catalogue_problems(package)
    for table, rows in package.tuples.items():
        if not rows or table in CATALOGUE_TABLES:
            continue
        names = PACKAGE_TABLES[table][0]
        columns = dict(zip(names, zip(*rows)))
        for column, check_name in COLUMN_CHECKS[table].items():
            check = checks[check_name]
            values = columns[column]
            if check_name == "number" and _numbers_fine(values):
                continue
            for _type, value in set(zip(map(type, values), values)):
                error = check(value)
                if error:
                    number = next(i for i, v in enumerate(values, 1) if type(v) is _type and v == value)
                    problems.append(f"{table} dòng {number}: {error}")
        if "unit" in columns:
            for unit in set(columns["unit"]) - set(package.units):
                problems.append(f"{table}: số liệu của đơn vị “{unit}” không thuộc gói của “{package.unit}”")
        if "month" in columns:
            for month in sorted(set(columns["month"]) - set(package.months), key=repr)[:1]:
                problems.append(f"{table}: tháng {month} không thuộc các kỳ ghi trong gói")
        if table == "figures":
            problems += _outside_validity(store, set(zip(columns["unit"], columns["month"])))
        if table.startswith("narrative") and package.kind == "package":
            outside = sorted(p for p in set(columns["period"]) if isinstance(p, str) and not _period_error(
                p, parse_period, "kỳ") and not set(parse_period(p).months) <= set(package.months))
            for period in outside[:1]:
                problems.append(f"{table}: nội dung kỳ {period} không thuộc các kỳ ghi trong gói")
    for unit in package.units:  # a targets-only package too must name a unit this office knows
        unit_problem = checks["unit"](unit)
        if unit_problem:
            problems.append(f"đơn vị của gói: {unit_problem}")
    if problems:
        tail = " (và còn lỗi khác)" if len(problems) > MAX_REPORTED else ""
        raise _refuse(name, "dữ liệu không hợp lệ: " + "; ".join(sorted(problems)[:MAX_REPORTED]) + tail)


def _catalogue_problems(package: Package) -> list[str]:
    """A catalogue package's catalogue checked as a catalogue file would be."""
    rows = {table: [dict(zip(CATALOGUE_TABLES[table][0], row)) for row in package.tuples[table]]
            for table in CATALOGUE_TABLES if package.tuples.get(table)}
    return check_catalogue_rows(rows) if rows else []


def _outside_validity(store: Store, unit_months: set) -> list[str]:
    """Figures of a unit in a month it did not exist (an old unit after 30/06/2025, a new one
    before 01/07/2025), one problem per unit, naming the units that did exist."""
    org, problems = organisation(store), {}
    for unit, month in sorted(unit_months, key=repr):
        found = org.units.get(unit)
        if found is None or type(month) is not int or not 1 <= month % 100 <= 12 or unit in problems:
            continue  # reported by the column checks
        problem = org.validity_problem(found, period_of_month_key(month))
        if problem:
            problems[unit] = f"figures: {problem}"
    return list(problems.values())


def _read_package(conn: sqlite3.Connection, path: Path, name: str, version: int,
                  units: list[str] | None = None, figure_unit: Callable[[str], str] = str) -> Package:
    manifest_rows = []
    if any(t == "handover_manifest" for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")):
        columns = {row[1] for row in conn.execute("PRAGMA table_info(handover_manifest)")}
        signed = [c for c in SIGNATURE_COLUMNS if c in columns]  # none in packages of older versions
        manifest_rows = [dict(row) for row in conn.execute(
            f"SELECT {', '.join(MANIFEST_COLUMNS + tuple(signed))}, sha256 FROM handover_manifest LIMIT 2")]
    if len(manifest_rows) > 1:
        raise _refuse(name, "gói có nhiều hơn một bản kê (manifest)")
    if manifest_rows:
        return _read_manifest_package(conn, path, name, manifest_rows[0], version)
    return _read_whole_database(conn, path, name, version, units, figure_unit)


def _json_field(value, name: str, label: str):
    if not isinstance(value, str) or len(value) >= MAX_VALUE_BYTES:
        raise _refuse(name, f"bản kê hỏng ({label})")
    try:
        return parse_json(value, label)
    except InputError:
        raise _refuse(name, f"bản kê hỏng ({label})") from None


def _is_month(value) -> bool:
    return type(value) is int and MIN_YEAR <= value // 100 <= MAX_YEAR and 1 <= value % 100 <= 12


def _read_catalogue_tables(conn, name: str, version: int) -> dict[str, list[tuple]]:
    """The catalogue tables a package carries (none before the schema that has them)."""
    if version < first_schema_with_catalogue():
        return {}
    found = {}
    for table, (columns, key) in CATALOGUE_TABLES.items():
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if count > MAX_ROWS:
            raise _refuse(name, f"bảng {table} có quá nhiều dòng ({count})")
        if count:
            cursor = conn.cursor()
            cursor.row_factory = None
            found[table] = cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(key)}").fetchall()
    return found


def _read_manifest_package(conn, path: Path, name: str, manifest: dict, version: int) -> Package:
    periods = _json_field(manifest["periods"], name, "kỳ")
    counts = _json_field(manifest["row_counts"], name, "số dòng")
    carries_catalogue = isinstance(counts, dict) and any(counts.get(t) for t in CATALOGUE_TABLES)
    if not (isinstance(periods, list) and (periods or carries_catalogue) and all(_is_month(m) for m in periods)):
        raise _refuse(name, "bản kê hỏng (danh sách tháng)")
    if not isinstance(counts, dict):
        raise _refuse(name, "bản kê hỏng (số dòng)")
    if type(manifest["schema_version"]) is not int or manifest["schema_version"] != version:
        raise _refuse(name, f"bản kê ghi lược đồ “{manifest['schema_version']}”, tệp có lược đồ {version}")
    for key in ("unit", "sender", "app_version", "created_at", "package_id", "sha256"):
        value = manifest[key]
        if not isinstance(value, str) or not value or len(value) > MAX_NAME_CHARS \
                or any(unicodedata.category(ch) == "Cc" for ch in value):
            raise _refuse(name, f"bản kê hỏng ({key})")
    tables = package_tables(version)
    tuples = {table: _read_table(conn, table, name, tables=tables) for table in PACKAGE_TABLES}
    tuples.update(_read_catalogue_tables(conn, name, version))
    actual_counts = {table: len(r) for table, r in tuples.items()}
    if counts != actual_counts:
        raise _refuse(name, "số dòng không khớp với bản kê (tệp đã bị sửa hoặc chép thiếu)")
    if _digest(name, manifest, tuples, tables) != manifest["sha256"]:
        raise _refuse(name, "mã kiểm tra SHA-256 không khớp (nội dung đã bị sửa sau khi xuất)")
    public_key, signature = manifest.get("public_key", ""), manifest.get("signature", "")
    if (public_key or signature) and not signing.verify(public_key, manifest["sha256"], signature):
        raise _refuse(name, "chữ ký của máy gửi không đúng (gói đã bị sửa sau khi xuất, hoặc không do máy đó ký)")
    return Package(path, "package", manifest["sender"], manifest["unit"], sorted(set(periods)),
                   manifest["created_at"], manifest["app_version"], manifest["schema_version"],
                   manifest["sha256"], public_key, tuples=_with_unit(tuples, manifest["unit"], version),
                   held={manifest["unit"]: len(tuples["figures"])})


def units_held(conn) -> dict[str, int]:
    """The units a whole database has figures or narratives of, with how many figures each.

    Values that could not be a unit code are left out (they are refused if ever taken).
    """
    held: dict[str, int] = {}
    for table in ("figures", "narratives"):
        for unit, count in conn.execute(f"SELECT unit, count(*) FROM {table} GROUP BY unit"):
            if isinstance(unit, str) and _UNIT_CODE.fullmatch(unit):
                held[unit] = held.get(unit, 0) + (count if table == "figures" else 0)
    return held


def _read_whole_database(conn, path: Path, name: str, version: int, units: list[str] | None = None,
                         figure_unit: Callable[[str], str] = str) -> Package:
    """An office's whole file: the figures and texts of `units` (default: the unit its setting names,
    or for a department the unit it enters figures for, `figure_unit(code)`)."""
    meta = {row[0]: row[1] for row in conn.execute("SELECT key, value FROM meta")}
    settings = {row[0]: row[1] for row in conn.execute("SELECT key, value FROM settings")}
    sender = meta.get("installation_id")
    if not isinstance(sender, str) or not sender or len(sender) > MAX_NAME_CHARS:
        raise _refuse(name, "tệp dữ liệu không có mã cài đặt")
    setting_unit = _json_field(settings.get("reporting_unit", "null"), name, "đơn vị báo cáo")
    setting_unit = setting_unit if isinstance(setting_unit, str) and _UNIT_CODE.fullmatch(setting_unit) else ""
    if not units and not setting_unit:
        raise _refuse(name, "tệp dữ liệu không ghi đơn vị báo cáo; hãy chọn đơn vị cần nhập")
    units = list(units or [figure_unit(setting_unit)])
    # A whole file holds its office's own key: having it is what proves where the file comes from.
    public_key = ""
    if signing.KEY_META in meta:
        try:
            public_key = signing.public_key_of(meta[signing.KEY_META])
        except ValueError:
            raise _refuse(name, "khóa ký của tệp dữ liệu hỏng") from None
    where = f"WHERE unit IN ({', '.join('?' * len(units))})"
    tables = package_tables(version)
    # A file from before targets had a unit holds only its own office's targets: those of its setting's unit.
    own_targets = (where, tuple(units)) if tables is PACKAGE_TABLES else ("", ())
    tuples = _with_unit({
        "figures": _read_table(conn, "figures", name, where, tuple(units)),
        "figure_history": _read_table(conn, "figure_history", name, where, tuple(units)),
        "narratives": _read_table(conn, "narratives", name, where, tuple(units)),
        "narrative_history": _read_table(conn, "narrative_history", name, where, tuple(units)),
        "targets": _read_table(conn, "targets", name, *own_targets, tables=tables),
        "target_history": _read_table(conn, "target_history", name, *own_targets, tables=tables),
    }, figure_unit(setting_unit) if setting_unit else units[0], version)
    months = sorted({r[1] for r in tuples["figures"]}, key=lambda m: (type(m).__name__, m))
    return Package(path, "database", sender, ",".join(units), months, meta.get("created_at", ""), "", version,
                   _digest(name, None, tuples), public_key, tuples=tuples, units=units, held=units_held(conn),
                   setting_unit=setting_unit)

def sqlite_error_text(error: BaseException) -> str:
    """SQLite's complaint about a file from outside, safe to show: short, no control characters."""
    return _CONTROL.sub("?", str(error))[:200]


@contextmanager
def private_copy(path: str | Path) -> Iterator[tuple[Path, bool]]:
    """Copy an outside SQLite file (and a -wal beside it) once into a private temporary folder and
    yield (copy, with_wal); every later check and read uses that copy only, never the original."""
    path = Path(path)
    _sweep_stale_copies()
    folder = Path(tempfile.mkdtemp(prefix=COPY_PREFIX))
    try:
        copy = folder / "package.sqlite"
        copy_outside_file(path, copy, MAX_FILE_BYTES)
        # An office's database copied while the program ran has recent changes in its -wal file.
        wal, wal_copy = Path(f"{path}-wal"), Path(f"{copy}-wal")
        with_wal = wal.exists() and copy_outside_file(wal, wal_copy, MAX_FILE_BYTES) > 0
        if not with_wal:
            wal_copy.unlink(missing_ok=True)
        _check_header(copy, path.name, exact=not with_wal)
        yield copy, with_wal
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_checked(copy: Path, name: str, *, with_wal: bool, full_check: bool = False) -> tuple[sqlite3.Connection, int]:
    """Open a private copy and check its structure (and `integrity_check` when `full_check`);
    return the connection and the schema version, or raise InputError (the connection closed)."""
    try:
        conn = _open_copy(copy, with_wal=with_wal)
    except (sqlite3.Error, UnicodeDecodeError) as error:
        raise _refuse(name, f"không mở được ({sqlite_error_text(error)})") from None
    try:
        return conn, _check_structure(conn, name, full_check=full_check)
    except (sqlite3.Error, UnicodeDecodeError) as error:
        conn.close()
        raise _refuse(name, f"tệp hỏng ({sqlite_error_text(error)})") from None
    except BaseException:
        conn.close()
        raise


def check_package(store: Store, path: str | Path, units: list[str] | None = None) -> Package:
    """Check an untrusted handover file against `store`'s catalogue; return its rows or raise InputError.

    `units` chooses the units taken from a whole database (default: the unit its setting
    names); a package holds one unit. Reads only: `store` is used for its catalogue and
    organisation, never written.
    """
    path = Path(path)
    name = path.name
    org = organisation(store)
    if units:
        units = list(dict.fromkeys(org.unit(u).code for u in units))

    def figure_unit(code: str) -> str:
        unit = org.units.get(code)
        return unit.reports_for if unit is not None and unit.is_department else code
    with private_copy(path) as (copy, with_wal):
        conn, version = open_checked(copy, name, with_wal=with_wal)
        try:
            package = _read_package(conn, path, name, version, units, figure_unit)
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise _refuse(name, f"tệp hỏng hoặc có giá trị quá lớn ({sqlite_error_text(error)})") from None
        finally:
            conn.close()
    if units:
        _refuse_units_not_held(store, package, units)
    _validate(store, package, name)
    package.rows = _as_dicts(package.tuples)
    return package


def _refuse_units_not_held(store: Store, package: Package, units: list[str]) -> None:
    org = organisation(store)
    missing = [u for u in units if u not in package.held]
    if missing:
        def named(code):
            return f"{org.units[code].name} ({code})" if code in org.units else code
        held = ", ".join(named(u) for u in package.held) or "không đơn vị nào"
        raise InputError(f"Tệp {package.path.name} không có số liệu của {', '.join(named(u) for u in missing)}; "
                         f"tệp có số liệu của: {held}. Dữ liệu của cơ quan không thay đổi.")


def _sweep_stale_copies(max_age_seconds: float = 24 * 3600) -> None:
    """Remove private copies a crashed or killed import left in the temporary folder."""
    limit = time.time() - max_age_seconds
    for stale in Path(tempfile.gettempdir()).glob(COPY_PREFIX + "*"):
        try:
            if stale.is_dir() and stale.stat().st_mtime < limit:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass


def looks_like_sqlite(path: str | Path) -> bool:
    """True when the file starts with SQLite's header (files are known by content, not name).

    InputError for anything that is not a regular file (a folder, a device, a FIFO)."""
    handle = open_regular(path)
    try:
        return os.read(handle, 16) == SQLITE_HEADER
    except OSError:
        return False
    finally:
        os.close(handle)


def fsync_path(path: Path) -> None:
    """Flush a file (or, where the system allows, a folder) to the disk."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return  # folders cannot be opened on Windows; the rename is durable there anyway
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
