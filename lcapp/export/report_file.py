"""The report as a file: PDF or Word as the file's name asks, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..models.errors import InputError
from ..models.periods import Period
from ..models.store import Store
from .report_content import ProgressCallback

FORMATS = (".pdf", ".docx")


def _refuse_suffix(path: Path, suffixes: tuple[str, ...]) -> None:
    if path.suffix.lower() not in suffixes:
        wanted = " hoặc ".join(suffixes)
        raise InputError(f"Tệp báo cáo phải có đuôi {wanted} (đã cho “{path.name}”).")


def write_atomically(path: str | Path, suffix: str, make: Callable[[], bytes]) -> Path:
    """Check `path` (its suffix, its folder), then write `make()`'s bytes through a temporary file:
    a failed export leaves no half-written file and nothing is made before the checks pass."""
    path = Path(path)
    _refuse_suffix(path, (suffix,))
    if not path.parent.exists():
        raise InputError(f"Không có thư mục {path.parent}.")
    data = make()
    handle, temporary = tempfile.mkstemp(prefix=".lcapp-", suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"Không ghi được tệp {path}: {error.strerror}.") from None
    return path


def write_report(store: Store, unit: str, period: Period | str, path: str | Path,
                 progress_callback: ProgressCallback | None = None) -> Path:
    """Write the report to `path`: a PDF for `.pdf`, a Word document for `.docx`."""
    path = Path(path)
    _refuse_suffix(path, FORMATS)
    if path.suffix.lower() == ".docx":
        from .report_docx import write_report_docx
        return write_report_docx(store, unit, period, path, progress_callback)
    from .report_pdf import write_report_pdf
    return write_report_pdf(store, unit, period, path, progress_callback)
