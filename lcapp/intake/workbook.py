"""Opening an .xlsx from outside within bounds: its size on disk, each part and all parts unzipped,
the number of sheets, rows and cells, all checked on the raw bytes before openpyxl parses
anything; DTDs and entities refused (an .xlsx has no use for them); an old .xls, a broken zip
or broken XML refused with one Vietnamese message.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from xml.parsers import expat
from pathlib import Path

from ..models.errors import InputError
from ..models.limits import (MAX_XLSX_BYTES, MAX_XLSX_CELLS, MAX_XLSX_PART_BYTES, MAX_XLSX_PARTS, MAX_XLSX_ROWS,
                             MAX_XLSX_SHEETS, MAX_XLSX_TOTAL_BYTES)
from ..models.safe_open import open_regular, read_outside_file

OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other old Office files
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHEET_PART = re.compile(r"^xl/(?:worksheets|chartsheets|dialogsheets)/[^/]+\.xml$", re.IGNORECASE)


def _refuse(path: Path, reason: str) -> InputError:
    return InputError(f"Tệp {path.name} bị từ chối: {reason}. Chưa ghi gì.")


def _part_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """One part unzipped, reading no more than its bound (the size the zip declares may lie)."""
    chunks, total = [], 0
    with archive.open(info) as part:
        while chunk := part.read(1024 * 1024):
            total += len(chunk)
            if total > MAX_XLSX_PART_BYTES:
                raise _refuse(path, f"phần {info.filename} giải nén ra quá lớn")
            chunks.append(chunk)
    return b"".join(chunks)


def _well_formed(part: bytes, name: str, path: Path) -> None:
    """Broken XML is refused here: openpyxl would read a cut sheet up to the cut and say nothing."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(part, True)
    except expat.ExpatError:
        raise _refuse(path, f"phần {name} hỏng (XML không hợp lệ)") from None


def checked_xlsx_bytes(path: str | Path) -> bytes:
    """The bytes of an .xlsx that passed every bound; InputError otherwise."""
    path = Path(path)
    data = read_outside_file(path, MAX_XLSX_BYTES)
    if data.startswith(OLE2_HEADER):
        raise _refuse(path, "đây là tệp Excel cũ (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx")
    if not data.startswith(b"PK"):
        raise _refuse(path, "không phải tệp Excel (.xlsx)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        if len(infos) > MAX_XLSX_PARTS:
            raise _refuse(path, f"có quá nhiều phần ({len(infos)})")
        if sum(i.file_size for i in infos) > MAX_XLSX_TOTAL_BYTES or any(
                i.file_size > MAX_XLSX_PART_BYTES for i in infos):
            raise _refuse(path, "giải nén ra quá lớn")
        sheets = [i for i in infos if _SHEET_PART.match(i.filename)]
        if len(sheets) > MAX_XLSX_SHEETS:
            raise _refuse(path, f"có quá nhiều trang tính ({len(sheets)}; tối đa {MAX_XLSX_SHEETS})")
        unzipped = cells = 0
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            part = _part_bytes(archive, info, path)
            unzipped += len(part)
            if unzipped > MAX_XLSX_TOTAL_BYTES:
                raise _refuse(path, "giải nén ra quá lớn")
            if _DECLARATION.search(part):
                raise _refuse(path, f"phần {info.filename} có khai báo DTD hoặc thực thể XML")
            _well_formed(part, info.filename, path)
            if info in sheets:
                rows = len(_ROW.findall(part))
                if rows > MAX_XLSX_ROWS:
                    raise _refuse(path, f"trang tính {info.filename} có quá nhiều dòng ({rows}; tối đa {MAX_XLSX_ROWS})")
                cells += len(_CELL.findall(part))
                if cells > MAX_XLSX_CELLS:
                    raise _refuse(path, f"có quá nhiều ô (hơn {MAX_XLSX_CELLS})")
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError):
        raise _refuse(path, "tệp nén .xlsx hỏng") from None
    return data


def looks_like_workbook(path: str | Path) -> bool:
    """True when the file starts as an .xlsx (a zip) or an old .xls does: files are known by their
    content, not their name. InputError for anything that is not a regular file."""
    handle = open_regular(path)
    try:
        head = os.read(handle, len(OLE2_HEADER))
    except OSError:
        return False
    finally:
        os.close(handle)
    return head.startswith(b"PK") or head == OLE2_HEADER


def open_workbook(path: str | Path, *, read_only: bool = False):
    """An openpyxl workbook from an outside .xlsx; InputError when refused. Formulas come as formulas
    (never the results that Excel stored beside them): readers refuse them (`models.sheet_cells`)."""
    from openpyxl import load_workbook  # only when reading a workbook: keeps the program's start fast

    path = Path(path)
    data = checked_xlsx_bytes(path)
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds for a broken part
        raise _refuse(path, "nội dung Excel hỏng, không đọc được") from None
