"""Opening a file from outside safely: a regular file only (after following links), and never more
bytes than a bound, whatever size the file system reports.

A link to /dev/zero reports a size of 0 and never ends; a FIFO blocks the reader until someone
writes; a folder cannot be read at all. Every reader of outside files (packages, backups, CSV,
DHIS2 JSON, Excel templates and target sheets) goes through `read_outside_file` or
`copy_outside_file`, which refuse all of these with one Vietnamese message.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError

CHUNK = 1024 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} byte"


def too_large(path: Path, limit: int) -> InputError:
    return InputError(f"Tệp {path.name} quá lớn (tối đa {_megabytes(limit)}); không đọc.")


def open_regular(path: str | Path) -> int:
    """A descriptor of `path` opened for reading, refused unless it is a regular file.

    Opened without blocking (a FIFO opens at once and is then refused) and checked on the
    descriptor itself, so the file cannot be swapped between the check and the read.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path} là một thư mục, không phải tệp; hãy chọn một tệp.")
        handle = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp {path}.") from None
    except IsADirectoryError:
        raise InputError(f"{path} là một thư mục, không phải tệp; hãy chọn một tệp.") from None
    except OSError as error:
        raise InputError(f"Không mở được tệp {path.name}: {error.strerror or error}.") from None
    try:
        mode = os.fstat(handle).st_mode
    except OSError as error:
        os.close(handle)
        raise InputError(f"Không đọc được tệp {path.name}: {error.strerror or error}.") from None
    if not stat.S_ISREG(mode):
        os.close(handle)
        what = "một thư mục" if stat.S_ISDIR(mode) else "thiết bị, ống dẫn hoặc tệp đặc biệt"
        raise InputError(f"{path.name} là {what}, không phải tệp dữ liệu thông thường; không đọc.")
    return handle


def _chunks(handle: int, path: Path, limit: int):
    """The file's bytes in chunks; InputError as soon as more than `limit` bytes came."""
    total = 0
    while True:
        try:
            chunk = os.read(handle, CHUNK)
        except OSError as error:
            raise InputError(f"Không đọc được tệp {path.name}: {error.strerror or error}.") from None
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise too_large(path, limit)
        yield chunk


def read_outside_file(path: str | Path, limit: int) -> bytes:
    """All the bytes of a regular file of at most `limit` bytes; InputError otherwise."""
    path = Path(path)
    handle = open_regular(path)
    try:
        if os.fstat(handle).st_size > limit:
            raise too_large(path, limit)
        return b"".join(_chunks(handle, path, limit))
    finally:
        os.close(handle)


def copy_outside_file(path: str | Path, target: str | Path, limit: int) -> int:
    """Copy a regular file of at most `limit` bytes to `target` (a private file); return its size."""
    path = Path(path)
    handle = open_regular(path)
    size = 0
    try:
        if os.fstat(handle).st_size > limit:
            raise too_large(path, limit)
        with open(target, "wb") as out:
            for chunk in _chunks(handle, path, limit):
                out.write(chunk)
                size += len(chunk)
    except OSError as error:
        raise InputError(f"Không chép được tệp {path.name}: {error.strerror or error}.") from None
    finally:
        os.close(handle)
    return size


def is_regular_file(path: str | Path) -> bool:
    """True for a regular file (after links); False for anything else or nothing."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
