"""Vietnamese numbers: "1.931" is 1931, "144,86" is 144.86; parsed and formatted with Babel.

One rounding rule for everything the program prints: half away from zero (12,185 -> 12,19),
the way officials round by hand. Nothing is guessed: text that is not an unambiguous
Vietnamese number is refused with a message saying why.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from .errors import InputError
from .limits import MAX_ABS_VALUE
from .text import nfc

LOCALE = "vi"

# Digits, Vietnamese separators and a sign only: Babel alone would also take "1e5" and
# other scripts' digits, which no official types on purpose.
_NUMBER_SHAPE = re.compile(r"^[+-]?[0-9][0-9.,]*$")
_ROUNDING_DIGITS = 330


def parse_number(text: str) -> float:
    """Parse a number typed the Vietnamese way; raise InputError with the reason otherwise."""
    if text is None:
        raise InputError("Chưa nhập số.")
    raw = nfc(str(text)).replace("\u00a0", " ").replace("\u2212", "-")
    if raw == "":
        raise InputError("Chưa nhập số.")
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    if " " in raw:
        raise InputError(f"“{shown}” có khoảng trắng: viết số liền, dấu chấm ngăn cách hàng nghìn (1.931).")
    if not _NUMBER_SHAPE.match(raw) or raw.endswith((".", ",")):
        raise InputError(f"“{shown}” không phải là số: chỉ dùng chữ số, dấu chấm ngăn cách hàng nghìn "
                         "và dấu phẩy thập phân (ví dụ 1.931 hoặc 144,86).")
    if raw.count(",") > 1:
        raise InputError(f"“{shown}” có nhiều dấu phẩy: dấu phẩy chỉ dùng một lần, cho phần thập phân.")
    if "," in raw and "." in raw.split(",", 1)[1]:
        raise InputError(f"“{shown}” có dấu chấm sau dấu phẩy: có thể là cách viết kiểu Anh; "
                         "số Việt Nam viết 1.931,5.")
    try:
        value = parse_decimal(raw, locale=LOCALE, strict=True)
    except NumberFormatError:
        raise InputError(f"“{shown}” đặt dấu chấm sai chỗ: dấu chấm ngăn cách từng nhóm 3 chữ số "
                         "(1.931), phần thập phân sau dấu phẩy (12,5).") from None
    except (InvalidOperation, ValueError):
        raise InputError(f"“{shown}” không phải là số.") from None
    result = float(value)
    if not math.isfinite(result) or abs(result) >= MAX_ABS_VALUE:
        raise InputError(f"“{shown}” quá lớn.")
    return result


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round to `decimals` places, halves away from zero, working on the shortest decimal repr."""
    quantum = Decimal(1).scaleb(-decimals)
    # Enough digits for any finite float (10^308 and its decimals): the default 28 raised
    # InvalidOperation above 10^22 for figures stored before the limits held everywhere.
    with localcontext(prec=_ROUNDING_DIGITS + decimals):
        return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value: float | None, decimals: int = 0, *, fixed: bool = False) -> str:
    """Format for a Vietnamese reader: 1.931; 144,86. Trailing zeros dropped unless `fixed`."""
    if value is None:
        return ""
    if not math.isfinite(value):  # only sums of values stored before the limits can get here
        return "không xác định"
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0"
    fraction = ("0" if fixed else "#") * decimals
    pattern = "#,##0" + ("." + fraction if decimals else "")
    with localcontext(prec=_ROUNDING_DIGITS + decimals):  # Babel quantizes in the current context too
        return format_decimal(rounded, format=pattern, locale=LOCALE, decimal_quantization=False)


PERCENT_DECIMALS = 1


def format_percent(value: float | None, decimals: int = PERCENT_DECIMALS) -> str:
    """A percent as the reports print it: 43; 40,7 (no sign). The one rule for every percent."""
    return format_number(value, decimals)


def round_percent(value: float | None, decimals: int = PERCENT_DECIMALS) -> float | None:
    """The percent a reader sees, as a number (so checks compare what is printed)."""
    if value is None or not math.isfinite(value):
        return None
    return float(round_half_up(value, decimals))


def with_unit(number_text: str, unit: str) -> str:
    """"1.931 tỷ đồng", but "98,4%" and "10,04‰" (no space before a percent or per-mille sign)."""
    return f"{number_text}{unit}" if unit in ("%", "‰") else f"{number_text} {unit}"
