"""Text normalisation: every string entering the core is NFC (Windows IMEs send decomposed accents)."""

import unicodedata

from .errors import InputError


def nfc(text: str | None) -> str | None:
    """Return `text` in Unicode NFC with surrounding whitespace removed; None stays None."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", str(text)).strip()


def clean_text(text: str | None, *, field: str = "văn bản", multiline: bool = True) -> str | None:
    """NFC-normalise `text` and refuse control characters (tab and newlines allowed where multiline).

    Line breaks become "\\n" (Windows sends "\\r\\n"; Excel and XML keep only "\\n"). Surrogates and
    the non-characters U+FFFE / U+FFFF, which no file format we write can carry, are refused too.
    """
    text = nfc(text)
    if text is None:
        return None
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    allowed = {"\n", "\t"} if multiline else set()
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in allowed:
            raise InputError(f"{field.capitalize()} chứa ký tự điều khiển không hợp lệ (mã {ord(ch)}).")
        if category == "Cs" or ch in "\ufffe\uffff":
            raise InputError(f"{field.capitalize()} chứa ký tự không hợp lệ (mã {ord(ch)}).")
    return text


def folded(text: str | None) -> str:
    """`text` lower case without diacritics ("Phường Đoàn Kết" -> "phuong doan ket"): what a search
    compares, so that typing without accents finds the name."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()
