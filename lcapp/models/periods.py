"""Reporting periods: months are entered; quarters, halves, 9 months and years are derived.

Codes follow DHIS2's ISO forms where DHIS2 has one: 202405 (also 2024-05), 2024Q1, 2024S1,
2024. DHIS2 has no 9-month period; ours is 2024M9 (months 1-9, "9 tháng"). Terms for
targets are written "2021-2025". Each period knows its data cut-off window (Nghị định
09/2019/NĐ-CP, Art. 12): from the 15th of the month before its first month to the 14th
of its last month; periods that start in January start on 15/12 of the year before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from datetime import date

from .errors import InputError
from .text import nfc

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def month_key(year: int, month: int) -> int:
    """The integer YYYYMM under which figures are stored."""
    return year * 100 + month


def split_month_key(key: int) -> tuple[int, int]:
    return divmod(int(key), 100)


def add_months(key: int, n: int) -> int:
    year, month = split_month_key(key)
    index = year * 12 + (month - 1) + n
    return month_key(index // 12, index % 12 + 1)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: `kind` is month, quarter, half, nine or year."""

    year: int
    first: int  # first month, 1-12
    last: int  # last month, 1-12
    kind: str

    @cached_property  # asked for each indicator and unit a computation keeps results for
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}{self.first:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.last // 3}"
        if self.kind == "half":
            return f"{self.year}S{self.last // 6}"
        if self.kind == "nine":
            return f"{self.year}M9"
        return str(self.year)

    @property
    def months(self) -> list[int]:
        """Month keys (YYYYMM) the period covers."""
        return [month_key(self.year, m) for m in range(self.first, self.last + 1)]

    @property
    def start_key(self) -> int:
        return month_key(self.year, self.first)

    @property
    def end_key(self) -> int:
        return month_key(self.year, self.last)

    @property
    def is_month(self) -> bool:
        return self.kind == "month"

    def same_period_last_year(self) -> "Period":
        return Period(self.year - 1, self.first, self.last, self.kind)

    def previous(self) -> "Period":
        """The period just before, of the same length ("so với tháng trước", "so với quý trước")."""
        if self.kind in ("month", "quarter", "half"):
            length = self.last - self.first + 1
            first = self.first - length
            year = self.year
            if first < 1:
                first += 12
                year -= 1
            return Period(year, first, first + length - 1, self.kind)
        return self.same_period_last_year()

    def cutoff_window(self) -> tuple[date, date]:
        """Data cut-off window of Nghị định 09/2019: 15th of the month before to the 14th."""
        start_year, start_month = (self.year - 1, 12) if self.first == 1 else (self.year, self.first - 1)
        return date(start_year, start_month, 15), date(self.year, self.last, 14)

    def first_day(self) -> date:
        return date(self.year, self.first, 1)

    def last_day(self) -> date:
        if self.last == 12:
            return date(self.year, 12, 31)
        return date.fromordinal(date(self.year, self.last + 1, 1).toordinal() - 1)

    @property
    def label(self) -> str:
        """Vietnamese label as the reports write it: tháng 5/2024, quý I/2024, 6 tháng năm 2024."""
        if self.kind == "month":
            return f"tháng {self.first}/{self.year}"
        if self.kind == "quarter":
            return f"quý {ROMAN[self.last // 3]}/{self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.first == 1 else 'cuối'} năm {self.year}"
        if self.kind == "nine":
            return f"9 tháng năm {self.year}"
        return f"năm {self.year}"

    def __str__(self) -> str:
        return self.code


def month_period(year: int, month: int) -> Period:
    return Period(year, month, month, "month")


def period_of_month_key(key: int) -> Period:
    year, month = split_month_key(key)
    return month_period(year, month)


_PATTERNS = [
    (re.compile(r"^(?P<year>\d{4})(?P<n>\d{2})$"), "month"),
    (re.compile(r"^(?P<year>\d{4})-(?P<n>\d{2})$"), "month"),
    # "11/2026" (or "tháng 11/2026"), as reports and officials write a month
    (re.compile(r"^(?:THÁNG\s*)?(?P<n>\d{1,2})/(?P<year>\d{4})$"), "month"),
    (re.compile(r"^(?P<year>\d{4})Q(?P<n>[1-4])$"), "quarter"),
    (re.compile(r"^(?P<year>\d{4})S(?P<n>[12])$"), "half"),
    (re.compile(r"^(?P<year>\d{4})M9$"), "nine"),
    (re.compile(r"^(?P<year>\d{4})$"), "year"),
]

MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_period(text: str) -> Period:
    """Parse 202405, 2024-05, 5/2024 (tháng 5/2024), 2024Q1, 2024S1, 2024M9 or 2024; InputError otherwise."""
    raw = (nfc(str(text)) or "").strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        year = int(match.group("year"))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise InputError(f"Năm {year} nằm ngoài khoảng {MIN_YEAR}-{MAX_YEAR}.")
        if kind == "month":
            month = int(match.group("n"))
            if not 1 <= month <= 12:
                raise InputError(f"Tháng {month} không có: tháng từ 01 đến 12 (kỳ “{text}”).")
            return month_period(year, month)
        if kind == "quarter":
            q = int(match.group("n"))
            return Period(year, 3 * q - 2, 3 * q, "quarter")
        if kind == "half":
            s = int(match.group("n"))
            return Period(year, 6 * s - 5, 6 * s, "half")
        if kind == "nine":
            return Period(year, 1, 9, "nine")
        return Period(year, 1, 12, "year")
    raise InputError(f"Kỳ báo cáo “{text}” không đúng dạng: dùng 202405 (hoặc 2024-05, 05/2024) cho tháng, "
                     "2024Q1 cho quý, 2024S1 cho 6 tháng, 2024M9 cho 9 tháng, 2024 cho năm.")


def parse_month(text: str) -> Period:
    """A month period; other kinds are refused (figures are entered per month)."""
    period = parse_period(text)
    if not period.is_month:
        raise InputError(f"Số liệu được nhập theo tháng: “{text}” là {period.label}; hãy ghi tháng, ví dụ 202405.")
    return period


@dataclass(frozen=True)
class TargetPeriod:
    """A target's period: one year, or a term of years (2021-2025)."""

    first_year: int
    last_year: int

    @property
    def code(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}-{self.last_year}"

    @property
    def is_term(self) -> bool:
        return self.first_year != self.last_year

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def parse_target_period(text: str) -> TargetPeriod:
    """A year "2024" or a term "2021-2025"."""
    raw = (nfc(str(text)) or "").replace("–", "-")
    match = re.match(r"^(\d{4})(?:-(\d{4}))?$", raw)
    if not match:
        raise InputError(f"Kỳ kế hoạch “{text}” không đúng dạng: ghi năm (2024) hoặc nhiệm kỳ (2021-2025).")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    for year in (first, last):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise InputError(f"Năm {year} nằm ngoài khoảng {MIN_YEAR}-{MAX_YEAR}.")
    if last < first or last - first > 10:
        raise InputError(f"Nhiệm kỳ “{text}” không hợp lệ: năm đầu phải trước năm cuối, tối đa 10 năm.")
    return TargetPeriod(first, last)
