"""Vietnamese numbers: "1.931" is 1931, "144,86" is 144.86; parsed and formatted with Babel.

One rounding rule for everything the program prints: half away from zero (12,185 -> 12,19),
the way officials round by hand. Nothing is guessed: text that is not an unambiguous
Vietnamese number is refused with a message saying why.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberFormatError, parse_decimal, parse_pattern

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
    with localcontext(prec=_ROUNDING_DIGITS + decimals):  # Babel quantizes in the current context too
        return _pattern(decimals, fixed).apply(rounded, _locale(), decimal_quantization=False)


@lru_cache(maxsize=None)
def _locale() -> Locale:
    return Locale.parse(LOCALE)


@lru_cache(maxsize=64)
def _pattern(decimals: int, fixed: bool):
    """Babel's parsed number pattern, made once per precision (parsing it is most of the cost)."""
    fraction = ("0" if fixed else "#") * decimals
    return parse_pattern("#,##0" + ("." + fraction if decimals else ""))


def figure_decimals(value: float | None, maximum: int) -> int:
    """How many decimals a figure was typed with, up to the indicator's `maximum`.

    A typed figure is stored as the float nearest to it, whose shortest repr gives back
    what was typed (1099.7 for "1.099,7"); a computed one (a sum of months, a formula)
    is taken at the maximum, so float noise never shows. Trailing zeros typed
    ("1.099,70") are not kept by a float and count as not typed.
    """
    if value is None or not math.isfinite(value):
        return 0
    exponent = round_half_up(value, maximum).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_figure(value: float | None, maximum: int, *, decimals: int | None = None, count: bool = False) -> str:
    """A figure as the report prints it: with the decimals it was typed with, up to the
    indicator's `maximum` ("1.099,7 tỷ đồng" stays 1.099,7; a typed 339 stays 339).

    `decimals` prints it with exactly that many instead (a table row whose figures
    share one number of decimals, `shared_decimals`); it never exceeds `maximum`.
    `count`: a count under ten is written 01-09, as the reports write "05 vụ", "01 HTX".
    """
    if value is None:
        return ""
    places = figure_decimals(value, maximum) if decimals is None else min(decimals, maximum)
    text = format_number(value, places, fixed=True)
    if count and places == 0 and len(text) == 1 and text != "0":
        return "0" + text
    return text


def shared_decimals(values, maximum: int) -> int:
    """The decimals a row of figures is printed with so that they line up: the most any of
    them was typed with, up to `maximum` (a table prints 381,00 beside 144,86)."""
    return max((figure_decimals(v, maximum) for v in values if isinstance(v, (int, float))), default=0)


PERCENT_DECIMALS = 1  # the default of the `percent_decimals` setting
MAX_PERCENT_DECIMALS = 3


def percent_decimals(settings: dict | None) -> int:
    """The decimals percents are printed with: the `percent_decimals` setting (1 unless a
    unit's reports use 2), read here and only here. A bad stored value gives the default."""
    value = (settings or {}).get("percent_decimals", PERCENT_DECIMALS)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        return PERCENT_DECIMALS
    return int(value) if 0 <= value <= MAX_PERCENT_DECIMALS else PERCENT_DECIMALS


def parse_percent_decimals(text) -> int:
    """Validate a typed `percent_decimals` setting: a whole number from 0 to 3."""
    value = parse_number(str(text))
    if value != int(value) or not 0 <= value <= MAX_PERCENT_DECIMALS:
        raise InputError(f"Số chữ số thập phân của tỷ lệ phần trăm phải là số nguyên từ 0 đến "
                         f"{MAX_PERCENT_DECIMALS} (đã nhập “{text}”).")
    return int(value)


def format_percent(value: float | None, decimals: int = PERCENT_DECIMALS, *, fixed: bool = False) -> str:
    """A percent as the reports print it: 43; 40,7 (no sign); `fixed` keeps a table's
    column even (43,0 beside 40,7). The one rule for every percent."""
    return format_number(value, decimals, fixed=fixed)


def round_percent(value: float | None, decimals: int = PERCENT_DECIMALS) -> float | None:
    """The percent a reader sees, as a number (so checks compare what is printed)."""
    if value is None or not math.isfinite(value):
        return None
    return float(round_half_up(value, decimals))


def with_unit(number_text: str, unit: str) -> str:
    """"1.931 tỷ đồng", but "98,4%" and "10,04‰" (no space before a percent or per-mille sign)."""
    return f"{number_text}{unit}" if unit in ("%", "‰") else f"{number_text} {unit}"
