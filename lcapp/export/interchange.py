"""Data interchange: CSV and DHIS2 dataValueSets JSON, out and in.

Both carry machine numbers (dot decimal, no grouping: 1931.5), periods as DHIS2 ISO month
codes (202405), org units and data elements by code. CSV columns are
`indicator,unit,period,value[,comment[,basis[,status]]]`; every CSV field is quoted and a
text starting with = + - @, a tab, CR or LF gets a leading quote (OWASP, CSV Injection:
`spreadsheet_text`), which the import takes off again. In DHIS2 JSON the basis
(month / ytd / term: what the value is) travels as `categoryOptionCombo` and the status
(estimate / official) as `attributeOptionCombo`. A missing basis means what the catalogue
says officials type for that indicator.

An import is validated whole before anything is written, then applied in one transaction:
one bad line refuses the file, with every bad line named.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from ..models.catalogue import catalogue
from ..models.errors import InputError
from ..models.figures import BASIS_COLUMNS, MAX_COMMENT_CHARS, FigureChange, apply_changes, prepare_change
from ..models.numbers import format_number
from ..models.organisation import organisation
from ..models.periods import parse_month
from ..models.store import Store
from .spreadsheet_text import csv_field_in, csv_field_out

CSV_HEADER = ["indicator", "unit", "period", "value", "comment", "basis", "status"]
MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_REPORTED_ERRORS = 20
_MACHINE_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _machine_number(value: float) -> str:
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text


def figure_records(store: Store) -> list[dict]:
    """Every stored value as one record per (figure, basis), in a stable order."""
    records = []
    rows = store.query("""SELECT unit, month, indicator, month_value, ytd_value, term_value, status, comment,
                                 entered_by, entered_at FROM figures ORDER BY unit, month, indicator""")
    for row in rows:
        for basis, column in BASIS_COLUMNS.items():
            if row[column] is None:
                continue
            records.append({"indicator": row["indicator"], "unit": row["unit"], "period": str(row["month"]),
                            "value": _machine_number(row[column]), "comment": row["comment"], "basis": basis,
                            "status": row["status"], "entered_by": row["entered_by"],
                            "entered_at": row["entered_at"]})
    return records


def csv_writer(handle):
    """A CSV writer that quotes every field (with `csv_row()`, nothing in the file can run as a formula)."""
    return csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)


def csv_row(record: dict) -> list[str]:
    """One line's fields in CSV_HEADER order, each text neutralised; the value is a machine number."""
    return [record[c] if c == "value" else csv_field_out("" if record[c] is None else str(record[c]))
            for c in CSV_HEADER]


def export_csv(store: Store) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_HEADER)
    for record in figure_records(store):
        writer.writerow(csv_row(record))
    return out.getvalue()


def export_dhis2(store: Store) -> str:
    values = [{
        "dataElement": r["indicator"], "period": r["period"], "orgUnit": r["unit"], "value": r["value"],
        "categoryOptionCombo": r["basis"], "attributeOptionCombo": r["status"], "comment": r["comment"],
        "storedBy": r["entered_by"], "lastUpdated": r["entered_at"], "followup": False,
    } for r in figure_records(store)]
    return json.dumps({"dataValues": values}, ensure_ascii=False, indent=1) + "\n"


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp {path}.") from None
    if size > MAX_IMPORT_BYTES:
        raise InputError(f"Tệp {path.name} quá lớn ({size // (1024 * 1024)} MB).")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"Tệp {path.name} không phải văn bản UTF-8.") from None


def parse_import(store: Store, path: str | Path) -> list[FigureChange]:
    """Read and validate a CSV or DHIS2 JSON file (known by its content); InputError lists bad lines."""
    path = Path(path)
    text = _read_text(path)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        records = _dhis2_records(text, path.name)
    else:
        records = _csv_records(text, path.name)
    cat, org = catalogue(store), organisation(store)
    changes, errors = [], []
    for where, record in records:
        try:
            changes.append(_record_change(cat, org, record))
        except InputError as error:
            errors.append(f"{where}: {error}")
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        more = f" (và {len(errors) - len(shown)} lỗi khác)" if len(errors) > len(shown) else ""
        raise InputError(f"Tệp {path.name} có {len(errors)} dòng lỗi{more}; không dòng nào được nhập. "
                         + " | ".join(shown))
    if not changes:
        raise InputError(f"Tệp {path.name} không có số liệu nào.")
    return changes


def import_file(store: Store, path: str | Path, *, user: str | None = None) -> tuple[int, int]:
    """Import a file in one transaction; return (changed, unchanged)."""
    changes = parse_import(store, path)
    changed = apply_changes(store, changes, user=user, action="import")
    return changed, len(changes) - changed


def _csv_records(text: str, name: str) -> list[tuple[str, dict]]:
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise InputError(f"Tệp {name} có một ô quá dài (hơn {format_number(csv.field_size_limit(), 0)} ký tự; "
                             f"ghi chú dài tối đa {format_number(MAX_COMMENT_CHARS, 0)} ký tự).") from None
        raise InputError(f"Tệp {name} không đọc được dạng CSV: {error}.") from None
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


def _dhis2_records(text: str, name: str) -> list[tuple[str, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"Tệp {name} không phải JSON hợp lệ: {error.msg} (dòng {error.lineno}).") from None
    values = data.get("dataValues") if isinstance(data, dict) else None
    if not isinstance(values, list):
        raise InputError(f"Tệp {name} không có danh sách “dataValues” của DHIS2.")
    records = []
    for number, item in enumerate(values, start=1):
        if not isinstance(item, dict):
            records.append((f"dataValues[{number}]", {"_error": "không phải đối tượng"}))
            continue
        records.append((f"dataValues[{number}]", {
            "indicator": item.get("dataElement"), "unit": item.get("orgUnit"), "period": item.get("period"),
            "value": item.get("value"), "comment": item.get("comment"),
            "basis": item.get("categoryOptionCombo"), "status": item.get("attributeOptionCombo")}))
    return records


def _record_change(cat, org, record: dict) -> FigureChange:
    if "_error" in record:
        raise InputError(record["_error"])
    value_text = str(record.get("value") if record.get("value") is not None else "").strip()
    if not _MACHINE_NUMBER.match(value_text):
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
