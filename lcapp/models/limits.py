"""The one set of limits every way into the database obeys: typing, CSV and DHIS2 files, Excel
templates and target sheets, and handover packages.

A value that passes here can be stored, summed, formatted, printed in the PDF report and in
the Excel annex, and carried in a package, forever: the limits are set so that no later step
can overflow or refuse what was once accepted. Each check returns a Vietnamese reason (or
None), or raises InputError, and never writes anything.
"""

from __future__ import annotations

import json
import math

from .errors import InputError

# Figures and targets: |value| < 10^15 (a billion billion đồng is no local figure; a float holds
# every integer up to 2^53 exactly, so 15 digits stay exact after sums of thousands of them).
MAX_ABS_VALUE = 10.0 ** 15
# A comment travels as a footnote of the PDF report and into a cell of the Excel annex (32.767
# characters at most, and several comments may share a cell). The PDF cannot carry a footnote
# over to the next page, so a dozen long ones under one short paragraph would not fit: 1.000 is
# far above the seeds' longest footnote (about 150) and keeps them on the page.
MAX_COMMENT_CHARS = 1000
# A part of the report's text (it flows over pages; its footnotes `^[...]` obey MAX_COMMENT_CHARS).
MAX_NARRATIVE_CHARS = 200_000
MAX_NOTE_CHARS = 2000  # a target's note
MAX_REASON_CHARS = 2000  # an unlock reason, an explanation of a finding
MAX_NAME_CHARS = 200  # codes, names, user names, time stamps
# Files from outside.
MAX_PACKAGE_BYTES = 1024 * 1024 * 1024  # a handover package or an office's whole database
MAX_TEXT_FILE_BYTES = 50 * 1024 * 1024  # CSV or DHIS2 JSON
MAX_XLSX_BYTES = 20 * 1024 * 1024  # an .xlsx as stored (zipped)
MAX_XLSX_PART_BYTES = 32 * 1024 * 1024  # one part of it, unzipped
MAX_XLSX_TOTAL_BYTES = 64 * 1024 * 1024  # all its parts, unzipped
MAX_XLSX_PARTS = 1000
MAX_XLSX_SHEETS = 200
MAX_XLSX_ROWS = 20_000  # per sheet
MAX_XLSX_CELLS = 500_000  # in the whole workbook
MAX_IMPORT_ROWS = 1_000_000  # lines of a CSV, values of a DHIS2 file
MAX_PACKAGE_ROWS = 5_000_000  # per table of a package
MAX_ERRORS_SHOWN = 100  # bad lines or cells named in a refusal; the rest are counted


def value_error(value) -> str | None:
    """Why `value` cannot be a figure or a target (not a finite number within ±10^15), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "không phải là số"
    if not math.isfinite(value):
        return "không phải là số hữu hạn"
    if abs(value) >= MAX_ABS_VALUE:
        return "quá lớn (giá trị tuyệt đối phải nhỏ hơn 10^15)"
    return None


def check_value(value, label: str) -> float:
    """`value` as a float, or InputError naming `label` and the reason."""
    error = value_error(value)
    if error:
        raise InputError(f"{label} {error}.")
    return float(value)


def check_length(text: str, limit: int, label: str) -> str:
    """`text` unchanged, or InputError when it is longer than `limit` characters."""
    if len(text) > limit:
        raise InputError(f"{label.capitalize()} quá dài ({len(text)} ký tự; tối đa {limit}).")
    return text


def errors_summary(errors: list[str], total: int | None = None, *, separator: str = "; ") -> str:
    """The first MAX_ERRORS_SHOWN errors, and how many there were in all when more were found."""
    total = len(errors) if total is None else total
    shown = separator.join(errors[:MAX_ERRORS_SHOWN])
    if total > MAX_ERRORS_SHOWN:
        shown += f"{separator}… (và {total - MAX_ERRORS_SHOWN} lỗi khác, tổng cộng {total} lỗi)"
    return shown


def parse_json(text, what: str):
    """Parse JSON from outside: InputError (never RecursionError or ValueError) when it is not
    JSON, nests too deep for the parser, or holds a number too long to read."""
    if not isinstance(text, (str, bytes)):
        raise InputError(f"{what} không phải JSON hợp lệ.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{what} không phải JSON hợp lệ: {error.msg} (dòng {error.lineno}).") from None
    except RecursionError:
        raise InputError(f"{what} lồng nhau quá sâu.") from None
    except (ValueError, UnicodeDecodeError):  # e.g. an integer of 5.000 digits
        raise InputError(f"{what} có số quá dài hoặc không đọc được.") from None
