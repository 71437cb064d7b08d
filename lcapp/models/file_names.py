"""Names the program suggests for the files it writes, in Vietnamese words an official recognises
("Báo cáo tháng 5-2024 - Phường Đoàn Kết.pdf"), never codes, and safe as Windows file names."""

from __future__ import annotations

import re
from datetime import datetime

from .periods import Period, parse_period
from .text import nfc

# Not allowed in Windows file names (and "/" nowhere): replaced by "-", as "tháng 5/2024" becomes "tháng 5-2024".
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
MAX_STEM = 150


def file_name(*parts: str, suffix: str) -> str:
    """The parts joined by " - ", cleaned for Windows, with `suffix` (".pdf")."""
    text = " - ".join(nfc(part).strip() for part in parts if part and part.strip())
    text = _FORBIDDEN.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip(" .")[:MAX_STEM].rstrip(" .")
    return f"{text or 'LCApp'}{suffix}"


def _period_words(period: Period | str) -> str:
    period = parse_period(period) if isinstance(period, str) else period
    return period.label


def report_file_name(unit_name: str, period: Period | str, suffix: str = ".pdf") -> str:
    return file_name(f"Báo cáo {_period_words(period)}", unit_name, suffix=suffix)


def annex_file_name(unit_name: str, period: Period | str) -> str:
    return file_name(f"Biểu phụ lục {_period_words(period)}", unit_name, suffix=".xlsx")


def package_file_name(unit_name: str, months: list[str], suffix: str) -> str:
    """One month, or the first and last of several: "Gói dữ liệu tháng 1-2024 đến tháng 3-2024 - ..."."""
    months = sorted(months)
    words = _period_words(months[0])
    if len(months) > 1:
        words = f"{words} đến {_period_words(months[-1])}"
    return file_name(f"Gói dữ liệu {words}", unit_name, suffix=suffix)


def dated_file_name(what: str, suffix: str, when: datetime | None = None, *, with_time: bool = False) -> str:
    """ "Số liệu trao đổi ngày 02-12-2026.csv", "Sao lưu lcapp ngày 02-12-2026 lúc 14 giờ 30.sqlite"."""
    when = when or datetime.now()
    stamp = f"ngày {when:%d-%m-%Y}" + (f" lúc {when:%H} giờ {when:%M}" if with_time else "")
    return file_name(f"{what} {stamp}", suffix=suffix)
