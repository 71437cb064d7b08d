"""Known terms (nhiệm kỳ) for term targets: data from resources/terms.toml, kept in the database.

A target's period is a year ("2026") or one of these terms. A term is written with the years
its targets cover ("2026-2030" for nhiệm kỳ 2025-2030) or by one of its aliases ("2025-2030"),
which is read as the term's code; anything else is refused, naming the known terms.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .periods import MAX_YEAR, MIN_YEAR, TargetPeriod, parse_target_period
from .store import Store
from .text import nfc

_YEAR = re.compile(r"^\d{4}$")
_TERM = re.compile(r"^(\d{4})-(\d{4})$")


@dataclass(frozen=True)
class Term:
    code: str  # the years its targets cover: "2026-2030"
    name: str  # as documents say it: "nhiệm kỳ 2025-2030"
    first_year: int
    last_year: int
    aliases: tuple[str, ...]
    position: int

    @property
    def period(self) -> TargetPeriod:
        return TargetPeriod(self.first_year, self.last_year)

    @property
    def label(self) -> str:
        """"nhiệm kỳ 2025-2030 (giai đoạn 2026-2030)"; just the name when it says the same years."""
        if self.code in self.name:
            return self.name
        return f"{self.name} (giai đoạn {self.code})"


class Terms:
    """The known terms of a database, and the one rule that reads a target's period."""

    def __init__(self, terms: list[Term]):
        self.terms = {t.code: t for t in terms}
        self._by_text = {t.code: t for t in terms}
        for term in terms:
            for alias in term.aliases:
                self._by_text[alias] = term

    def known_text(self) -> str:
        return "; ".join(f"{t.code} ({t.name})" for t in self.terms.values()) or "chưa có nhiệm kỳ nào"

    def resolve(self, text) -> TargetPeriod:
        """A year ("2026") or a known term (its code or an alias); InputError otherwise."""
        raw = (nfc(str(text)) or "").replace("–", "-").replace("—", "-").replace(" ", "")
        if _YEAR.match(raw):
            return parse_target_period(raw)
        term = self._by_text.get(raw)
        if term is not None:
            return term.period
        if _TERM.match(raw):
            raise InputError(f"“{text}” không phải nhiệm kỳ đã biết; các nhiệm kỳ: {self.known_text()}. "
                             "Kế hoạch của một năm thì ghi năm, ví dụ 2026.")
        raise InputError(f"Kỳ kế hoạch “{text}” không đúng dạng: ghi năm (ví dụ 2026) hoặc một nhiệm kỳ "
                         f"đã biết ({self.known_text()}).")

    def of_period(self, code: str) -> Term | None:
        return self.terms.get(code)

    def label(self, code: str) -> str:
        """How a target period reads: "năm 2026" or the term's label."""
        term = self.terms.get(code)
        if term is not None:
            return term.label
        return f"năm {code}" if _YEAR.match(code) else f"giai đoạn {code}"


def read_terms_file(path: str | Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp nhiệm kỳ {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"Tệp nhiệm kỳ {path} sai định dạng TOML: {error}.") from None


def _validate(data: dict) -> list[tuple]:
    rows, texts = [], set()
    for position, raw in enumerate(data.get("term", [])):
        code = nfc(raw.get("code", "")) or ""
        where = f"Nhiệm kỳ “{code or position + 1}”"
        name = nfc(raw.get("name", "")) or ""
        first, last = raw.get("first_year"), raw.get("last_year")
        if not name or not isinstance(first, int) or not isinstance(last, int):
            raise InputError(f"{where} thiếu tên, năm đầu hoặc năm cuối.")
        if not (MIN_YEAR <= first < last <= MAX_YEAR) or last - first > 10:
            raise InputError(f"{where}: năm đầu phải trước năm cuối, tối đa 10 năm.")
        if code != f"{first}-{last}":
            raise InputError(f"{where}: mã phải là “{first}-{last}” (năm đầu - năm cuối của các chỉ tiêu).")
        aliases = [nfc(a) or "" for a in raw.get("aliases", [])]
        for text in [code] + aliases:
            if not _TERM.match(text):
                raise InputError(f"{where}: “{text}” không có dạng năm-năm (ví dụ 2025-2030).")
            if text in texts:
                raise InputError(f"{where}: “{text}” đã dùng cho một nhiệm kỳ khác.")
            texts.add(text)
        rows.append((code, name, first, last, json.dumps(aliases), position))
    return rows


def load_terms(store: Store, data: dict) -> int:
    """Write the known terms in one transaction; a term still used by a target is never removed."""
    rows = _validate(data)
    if not rows:
        raise InputError("Tệp nhiệm kỳ không có nhiệm kỳ nào.")
    codes = {row[0] for row in rows}
    with store.write() as conn:
        conn.executemany(
            """INSERT INTO terms (code, name, first_year, last_year, aliases, position) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (code) DO UPDATE SET name = excluded.name, first_year = excluded.first_year,
                 last_year = excluded.last_year, aliases = excluded.aliases, position = excluded.position""", rows)
        for (code,) in conn.execute("SELECT code FROM terms").fetchall():
            if code in codes:
                continue
            if conn.execute("SELECT 1 FROM targets WHERE period = ? LIMIT 1", (code,)).fetchone():
                raise InputError(f"Không thể bỏ nhiệm kỳ “{code}”: đã có kế hoạch của nhiệm kỳ này.")
            conn.execute("DELETE FROM terms WHERE code = ?", (code,))
    return len(rows)


def known_terms(store: Store) -> Terms:
    """The database's known terms, cached until the next write."""
    return store.cached("terms", lambda: Terms([
        Term(r["code"], r["name"], r["first_year"], r["last_year"], tuple(json.loads(r["aliases"])), r["position"])
        for r in store.query("SELECT * FROM terms ORDER BY position, code")]))
