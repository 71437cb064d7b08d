"""CSV and LCApp / DHIS2 JSON files in: read from outside, checked whole, turned into figure changes.

The layout is `models/file_formats.py` (what `export/interchange.py` writes): CSV columns
`indicator,unit,period,value[,comment[,basis[,status]]]`, machine numbers, month codes, the
OWASP escape of text fields taken off again. A missing basis in CSV means what the catalogue
says officials type for that indicator; a JSON file without LCApp's basis or status codes is
read as a real DHIS2 file (`dhis2_values`), whose values are months.

A file is validated whole before anything is written: one bad line refuses the file, with
every bad line named. What importing it would do (new / changed / same / a locked month left
out) is the core's `figure_import.preview_changes`; `incoming.open_figures_file` is the one
way in for the window and both commands (`import`, `handover-import`).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..models.catalogue import catalogue
from ..models.errors import InputError
from ..models.figure_import import apply_previewed, preview_changes
from ..models.figures import FigureChange, prepare_change
from ..models.file_formats import CSV_HEADER, LCAPP_JSON_FIELDS, MACHINE_NUMBER, csv_field_in
from ..models.limits import MAX_COMMENT_CHARS, MAX_IMPORT_ROWS, MAX_TEXT_FILE_BYTES, errors_summary, parse_json
from ..models.merge import ImportResult, Preview
from ..models.numbers import format_number
from ..models.organisation import organisation
from ..models.periods import parse_month
from ..models.safe_open import read_outside_file
from ..models.store import Store


def read_import_file(path: str | Path) -> str:
    """The text of a CSV / DHIS2 file from outside, read once within the bounds (UTF-8)."""
    path = Path(path)
    data = read_outside_file(path, MAX_TEXT_FILE_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"Tệp {path.name} không phải văn bản UTF-8.") from None


def parse_import(store: Store, path: str | Path) -> list[FigureChange]:
    """Read and validate a CSV or DHIS2 JSON file (known by its content); InputError lists bad lines."""
    return parse_import_text(store, read_import_file(path), Path(path).name)


def parse_import_text(store: Store, text: str, name: str) -> list[FigureChange]:
    """Validate the text of a CSV or DHIS2 JSON file named `name`; InputError lists bad lines."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        from .dhis2_values import json_records
        records = json_records(store, text, name)
    else:
        records = _csv_records(text, name)
    if len(records) > MAX_IMPORT_ROWS:
        raise InputError(f"Tệp {name} có quá nhiều dòng ({len(records)}; tối đa {MAX_IMPORT_ROWS}).")
    cat, org = catalogue(store), organisation(store)
    changes, errors = [], []
    first_seen: dict[tuple, tuple[str, FigureChange]] = {}  # (unit, month, indicator) -> where, change
    for where, record in records:
        try:
            change = _record_change(cat, org, record)
        except InputError as error:
            errors.append(f"{where}: {error}")
            continue
        duplicate = _duplicate_of(first_seen, where, change)
        if duplicate:
            errors.append(duplicate)
            continue
        changes.append(change)
    if errors:
        raise InputError(f"Tệp {name} có {len(errors)} dòng lỗi; không dòng nào được nhập. "
                         + errors_summary(errors, separator=" | "))
    if not changes:
        raise InputError(f"Tệp {name} không có số liệu nào.")
    return changes


def _duplicate_of(first_seen: dict, where: str, change: FigureChange) -> str | None:
    """Two lines for the same value of a figure (or with different comments or statuses for it) are
    refused: which one was meant cannot be known, and the last one would silently win."""
    key = (change.unit, change.month, change.indicator)
    if key not in first_seen:
        first_seen[key] = (where, change)
        return None
    earlier_where, earlier = first_seen[key]
    same_value = (set(earlier.values) & set(change.values)) - {"status", "comment"}
    disagree = [f for f in ("status", "comment") if f in earlier.values and f in change.values
                and earlier.values[f] != change.values[f]]
    if not same_value and not disagree:
        first_seen[key] = (where, FigureChange(change.unit, change.month, change.indicator, change.reporter,
                                               {**earlier.values, **change.values}))
        return None
    what = "cùng giá trị" if same_value else ("ghi chú" if "comment" in disagree else "trạng thái") + " khác"
    return (f"{where}: trùng với {earlier_where} ({change.indicator}, {change.unit}, kỳ {change.month}: {what}); "
            "mỗi số liệu chỉ ghi một dòng")


def _csv_records(text: str, name: str) -> list[tuple[str, dict]]:
    reader = csv.reader(io.StringIO(text), strict=True)  # strict: an unterminated quote is an error
    try:
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_IMPORT_ROWS + 1:
                raise InputError(f"Tệp {name} có quá nhiều dòng (tối đa {MAX_IMPORT_ROWS}).")
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise InputError(f"Tệp {name} có một ô quá dài (hơn {format_number(csv.field_size_limit(), 0)} ký tự; "
                             f"ghi chú dài tối đa {format_number(MAX_COMMENT_CHARS, 0)} ký tự).") from None
        raise InputError(f"Tệp {name} không đọc được dạng CSV (dòng {reader.line_num}: {error}).") from None
    if not rows:
        raise InputError(f"Tệp {name} rỗng.")
    start = 1 if rows[0] and rows[0][0].strip().lower() == "indicator" else 0
    records = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        if not 4 <= len(row) <= len(CSV_HEADER):
            records.append((f"dòng {number}", {"_error": f"có {len(row)} cột; cần 4 đến {len(CSV_HEADER)} cột "
                                                         f"({','.join(CSV_HEADER)})"}))
            continue
        records.append((f"dòng {number}", {column: field if column == "value" else csv_field_in(field)
                                            for column, field in zip(CSV_HEADER, row)}))
    return records


def lcapp_json_records(text: str, name: str) -> list[tuple[str, dict]]:
    """(where, record) per value of a dataValueSets-shaped file, keys as LCApp JSON names them
    (every one a string; the value may be a JSON number too)."""
    data = parse_json(text, f"Tệp {name}")
    values = data.get("dataValues") if isinstance(data, dict) else None
    if not isinstance(values, list):
        raise InputError(f"Tệp {name} không có danh sách “dataValues” của DHIS2.")
    records = []
    for number, item in enumerate(values, start=1):
        if not isinstance(item, dict):
            records.append((f"dataValues[{number}]", {"_error": "không phải đối tượng"}))
            continue
        record = {field: item.get(key) for key, field in LCAPP_JSON_FIELDS.items()}
        wrong = [key for key, field in LCAPP_JSON_FIELDS.items()
                 if record[field] is not None and not isinstance(record[field], str)
                 and not (key == "value" and type(record[field]) in (int, float))]
        if wrong:
            record = {"_error": f"“{wrong[0]}” phải là chuỗi ký tự" + (" hoặc số" if wrong[0] == "value" else "")}
        records.append((f"dataValues[{number}]", record))
    return records


def _record_change(cat, org, record: dict) -> FigureChange:
    if "_error" in record:
        raise InputError(record["_error"])
    value_text = str(record.get("value") if record.get("value") is not None else "").strip()
    if not MACHINE_NUMBER.match(value_text):
        raise InputError(f"giá trị “{value_text[:30]}” không phải số dạng máy (ví dụ 1931.5)")
    period = str(record.get("period") or "").strip()
    if not re.match(r"^\d{6}$", period):
        raise InputError(f"kỳ “{period[:20]}” phải là tháng dạng YYYYMM")
    basis = (record.get("basis") or "").strip() or None
    status = (record.get("status") or "").strip() or None
    comment = record.get("comment")
    comment = None if comment is None or str(comment).strip() == "" else str(comment)
    return prepare_change(cat, org, str(record.get("unit") or "").strip(), parse_month(period),
                          str(record.get("indicator") or "").strip(), value=float(value_text), basis=basis,
                          status=status, comment=comment)


def preview_file(store: Store, path: str | Path, *, user: str | None = None) -> tuple[Preview, list[FigureChange]]:
    """Dry run of a CSV / DHIS2 JSON import: (preview, the validated changes); InputError for a bad file."""
    changes = parse_import(store, path)
    return preview_changes(store, changes, user=user), changes


def apply_file(store: Store, path: str | Path, *, user: str | None = None) -> ImportResult:
    """Import the new and changed values of a CSV / DHIS2 file in one transaction; locked ones stay out."""
    return apply_previewed(store, parse_import(store, path), user=user)
