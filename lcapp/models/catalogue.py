"""The catalogue of sectors, indicators and target sources: data from resources/, kept in the database.

`load_catalogue()` validates a catalogue (a dict as read from TOML) and writes it in one
transaction: new entries are added, changed ones updated, and entries that are gone are
removed only when no figure or target uses them. `catalogue(store)` reads it back.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import InputError
from .formulas import Formula, parse_formula
from .limits import MAX_TEXT_FILE_BYTES
from .rules.catalogue_rules import CatalogueRule, validate_checks_off, validate_rules
from .store import Store
from .text import nfc

KINDS = ("flow", "stock", "rate")
DIRECTIONS = ("up", "down", "range")
ENTRIES = ("month", "ytd")
PARTS = ("", "complete", "partial", "none")

KIND_LABELS = {"flow": "cộng dồn", "stock": "thời điểm", "rate": "tỷ lệ"}
DIRECTION_LABELS = {"up": "càng cao càng tốt", "down": "càng thấp càng tốt", "range": "trong khoảng"}


LEVELS = ("province", "city", "ward", "commune")  # the unit kinds a source may be named for
SOURCE_WORDS = ("name", "short", "phrase")


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    short: str
    phrase: str
    position: int
    levels: tuple = ()  # (kind, (("name", ...), ("phrase", ...))): how a unit of that kind names it

    def for_level(self, kind: str | None) -> "Source":
        """The source as a unit of this kind names it ("NQ HĐND xã giao"); the catalogue's own
        wording where it has none for that kind."""
        for level, words in self.levels:
            if level == kind:
                return replace(self, **dict(words))
        return self


@dataclass(frozen=True)
class Sector:
    code: str
    name: str
    short: str
    parent: str | None
    outline: str
    narrative_only: bool
    position: int


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    sector: str
    parent: str | None
    kind: str
    direction: str
    decimals: int
    summable: bool
    entry: str
    parts: str
    formula: str
    measured_by: str
    measured_note: str
    plan_indicator: str
    min_value: float | None
    max_value: float | None
    key: bool
    position: int
    checks_off: tuple[str, ...] = ()  # built-in check rules switched off for this indicator

    @property
    def derived(self) -> bool:
        return bool(self.formula)

    @property
    def is_flow(self) -> bool:
        return self.kind == "flow"


@dataclass
class Catalogue:
    sources: dict[str, Source]
    sectors: dict[str, Sector]
    indicators: dict[str, Indicator]
    formulas: dict[str, Formula] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    derived_order: list[str] = field(default_factory=list)
    rules: list[CatalogueRule] = field(default_factory=list)

    def indicator(self, code: str) -> Indicator:
        code = nfc(code) or ""
        try:
            return self.indicators[code]
        except KeyError:
            raise InputError(f"Không có chỉ tiêu mã “{code}” trong danh mục.") from None

    def source(self, code: str) -> Source:
        code = nfc(code) or ""
        try:
            return self.sources[code]
        except KeyError:
            known = ", ".join(self.sources)
            raise InputError(f"Không có nguồn kế hoạch “{code}” (có: {known}).") from None

    def for_level(self, kind: str | None) -> "Catalogue":
        """The same catalogue with its sources named as a unit of this kind names them."""
        if not any(source.levels for source in self.sources.values()):
            return self
        return replace(self, sources={code: source.for_level(kind) for code, source in self.sources.items()})

    def in_sector(self, sector: str) -> list[Indicator]:
        return [ind for ind in self.indicators.values() if ind.sector == sector]

    def sector_children(self, sector: str | None) -> list[Sector]:
        return [s for s in self.sectors.values() if s.parent == sector]

    def depth(self, code: str) -> int:
        depth, parent = 0, self.indicators[code].parent
        while parent:
            depth, parent = depth + 1, self.indicators[parent].parent
        return depth


def _source_levels(levels, code: str) -> dict:
    """`level.commune = { name = "...", phrase = "..." }`: checked and NFC."""
    if not isinstance(levels, dict):
        raise InputError(f"Nguồn kế hoạch “{code}”: level phải là bảng theo cấp đơn vị.")
    result = {}
    for kind, words in levels.items():
        fine = isinstance(words, dict) and words and set(words) <= set(SOURCE_WORDS) \
            and all(isinstance(w, str) and w.strip() for w in words.values())
        if kind not in LEVELS or not fine:
            raise InputError(f"Nguồn kế hoạch “{code}”: level.{kind} không hợp lệ (cấp: {', '.join(LEVELS)}; "
                             f"ghi {', '.join(SOURCE_WORDS)}).")
        result[kind] = {key: nfc(value) for key, value in words.items()}
    return result


def _as_bool(value, default: bool = False) -> bool:
    return default if value is None else bool(value)


def _validate(data: dict) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Check a catalogue read from TOML and return its rows (sources, sectors, indicators, rules)."""
    sources, sectors, indicators = [], [], []
    for position, raw in enumerate(data.get("source", [])):
        code = nfc(raw.get("code", ""))
        if not code or not raw.get("name"):
            raise InputError(f"Nguồn kế hoạch thứ {position + 1} thiếu mã hoặc tên.")
        sources.append({"code": code, "name": nfc(raw["name"]), "short": nfc(raw.get("short") or raw["name"]),
                        "phrase": nfc(raw.get("phrase") or raw["name"]), "position": position,
                        "levels": json.dumps(_source_levels(raw.get("level", {}), code), ensure_ascii=False)})
    sector_codes: set[str] = set()
    for position, raw in enumerate(data.get("sector", [])):
        code = nfc(raw.get("code", ""))
        if not code or not raw.get("name"):
            raise InputError(f"Lĩnh vực thứ {position + 1} thiếu mã hoặc tên.")
        if code in sector_codes:
            raise InputError(f"Mã lĩnh vực “{code}” bị trùng.")
        parent = nfc(raw.get("parent")) or None
        if parent and parent not in sector_codes:
            raise InputError(f"Lĩnh vực “{code}”: lĩnh vực cha “{parent}” chưa được khai báo trước nó.")
        sector_codes.add(code)
        sectors.append({"code": code, "name": nfc(raw["name"]), "short": nfc(raw.get("short") or raw["name"]),
                        "parent": parent, "outline": nfc(raw.get("outline", "")),
                        "narrative_only": int(_as_bool(raw.get("narrative_only"))), "position": position})
    codes: set[str] = set()
    for position, raw in enumerate(data.get("indicator", [])):
        code = nfc(raw.get("code", ""))
        where = f"Chỉ tiêu “{code or position + 1}”"
        if not code or not raw.get("name") or not raw.get("unit"):
            raise InputError(f"{where} thiếu mã, tên hoặc đơn vị tính.")
        if code in codes:
            raise InputError(f"Mã chỉ tiêu “{code}” bị trùng.")
        if not code.isidentifier() or not code.isascii():
            raise InputError(f"{where}: mã chỉ được gồm chữ cái không dấu, chữ số và dấu gạch dưới.")
        kind = raw.get("kind", "flow")
        direction = raw.get("direction", "up")
        entry = raw.get("entry", "month")
        parts = raw.get("parts", "")
        for value, allowed, label in ((kind, KINDS, "kind"), (direction, DIRECTIONS, "direction"),
                                      (entry, ENTRIES, "entry"), (parts, PARTS, "parts")):
            if value not in allowed:
                raise InputError(f"{where}: {label} = “{value}” không hợp lệ (chọn một trong {', '.join(a for a in allowed if a)}).")
        sector = nfc(raw.get("sector", ""))
        if sector not in sector_codes:
            raise InputError(f"{where}: lĩnh vực “{sector}” không có.")
        parent = nfc(raw.get("parent")) or None
        if parent and parent not in codes:
            raise InputError(f"{where}: chỉ tiêu cha “{parent}” chưa được khai báo trước nó.")
        decimals = raw.get("decimals", 0)
        if not isinstance(decimals, int) or not 0 <= decimals <= 6:
            raise InputError(f"{where}: số chữ số thập phân phải từ 0 đến 6.")
        codes.add(code)
        indicators.append({
            "code": code, "name": nfc(raw["name"]), "unit": nfc(raw["unit"]), "sector": sector,
            "parent": parent, "kind": kind, "direction": direction, "decimals": decimals,
            "summable": int(_as_bool(raw.get("summable"), default=kind != "rate")), "entry": entry,
            "parts": parts, "formula": nfc(raw.get("formula", "")), "measured_by": nfc(raw.get("measured_by", "")),
            "measured_note": nfc(raw.get("measured_note", "")), "plan_indicator": nfc(raw.get("plan_indicator", "")),
            "min_value": raw.get("min"), "max_value": raw.get("max"), "key": int(_as_bool(raw.get("key"))),
            "position": position, "checks_off": json.dumps(validate_checks_off(raw.get("checks_off"), where)),
        })
    for row in indicators:
        where = f"Chỉ tiêu “{row['code']}”"
        if row["formula"]:
            for name in parse_formula(row["formula"]).names:
                if name not in codes:
                    raise InputError(f"{where}: công thức dùng mã “{name}” không có trong danh mục.")
        for link in ("measured_by", "plan_indicator"):
            if row[link] and row[link] not in codes:
                raise InputError(f"{where}: {link} = “{row[link]}” không có trong danh mục.")
    _derived_order({r["code"]: r["formula"] for r in indicators if r["formula"]})
    return sources, sectors, indicators, validate_rules(data.get("rule", []), codes)


def _derived_order(formulas: dict[str, str]) -> list[str]:
    """Derived indicators in an order where each comes after the derived ones it uses."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(code: str, path: tuple[str, ...]) -> None:
        if state.get(code) == "done":
            return
        if state.get(code) == "visiting":
            raise InputError("Công thức vòng quanh: " + " → ".join(path + (code,)))
        state[code] = "visiting"
        for name in parse_formula(formulas[code]).names:
            if name in formulas:
                visit(name, path + (code,))
        state[code] = "done"
        order.append(code)

    for code in formulas:
        visit(code, ())
    return order


def read_catalogue_file(path: str | Path) -> dict:
    from ..intake.safe_open import read_outside_file

    data = read_outside_file(path, MAX_TEXT_FILE_BYTES)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise InputError(f"Tệp danh mục {path} sai định dạng TOML: {error}.") from None


def load_catalogue(store: Store, data: dict) -> dict[str, int]:
    """Write a validated catalogue into the database in one transaction; return counts."""
    sources, sectors, indicators, rules = _validate(data)
    if not sources or not sectors or not indicators:
        raise InputError("Danh mục phải có ít nhất một nguồn kế hoạch, một lĩnh vực và một chỉ tiêu.")
    with store.write() as conn:
        _upsert(conn, "target_sources", sources)
        _upsert(conn, "sectors", sectors)
        _upsert(conn, "indicators", indicators)
        _remove_missing(conn, "indicators", {r["code"] for r in indicators},
                        [("figures", "indicator"), ("targets", "indicator")], "chỉ tiêu")
        _remove_missing(conn, "sectors", {r["code"] for r in sectors}, [], "lĩnh vực")
        _remove_missing(conn, "target_sources", {r["code"] for r in sources}, [("targets", "source")],
                        "nguồn kế hoạch")
        conn.execute("DELETE FROM check_rules")  # nothing refers to a rule's row: replace them all
        if rules:
            _upsert(conn, "check_rules", rules)
    return {"sources": len(sources), "sectors": len(sectors), "indicators": len(indicators)}


def _upsert(conn, table: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "code")
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
           f"ON CONFLICT (code) DO UPDATE SET {updates}")
    conn.executemany(sql, [tuple(r[c] for c in columns) for r in rows])


def _remove_missing(conn, table: str, keep: set[str], users: list[tuple[str, str]], label: str) -> None:
    gone = [row[0] for row in conn.execute(f"SELECT code FROM {table}") if row[0] not in keep]
    for code in gone:
        for user_table, column in users:
            if conn.execute(f"SELECT 1 FROM {user_table} WHERE {column} = ? LIMIT 1", (code,)).fetchone():
                raise InputError(f"Không thể bỏ {label} “{code}” khỏi danh mục: đã có số liệu dùng nó.")
        if table == "indicators":
            conn.execute("UPDATE indicators SET parent = NULL WHERE parent = ?", (code,))
        conn.execute(f"DELETE FROM {table} WHERE code = ?", (code,))


def catalogue(store: Store, level: str | None = None) -> Catalogue:
    """The catalogue as stored, cached until the next write; with `level` (a unit's kind,
    `Organisation.level()`), its sources named as a unit of that level names them."""
    cat = store.cached("catalogue", lambda: _read(store))
    return cat if level is None else store.cached(f"catalogue:{level}", lambda: cat.for_level(level))


def _read(store: Store) -> Catalogue:
    sources = {}
    for r in store.query("SELECT * FROM target_sources ORDER BY position"):
        r["levels"] = tuple((kind, tuple(words.items())) for kind, words in json.loads(r["levels"]).items())
        sources[r["code"]] = Source(**r)
    sectors = {}
    for r in store.query("SELECT * FROM sectors ORDER BY position"):
        r["narrative_only"] = bool(r["narrative_only"])
        sectors[r["code"]] = Sector(**r)
    indicators = {}
    for r in store.query("SELECT * FROM indicators ORDER BY position"):
        r["summable"], r["key"] = bool(r["summable"]), bool(r["key"])
        r["checks_off"] = tuple(json.loads(r["checks_off"]))
        indicators[r["code"]] = Indicator(**r)
    children: dict[str, list[str]] = {}
    for ind in indicators.values():
        if ind.parent:
            children.setdefault(ind.parent, []).append(ind.code)
    formulas = {code: parse_formula(ind.formula) for code, ind in indicators.items() if ind.formula}
    order = _derived_order({code: f.text for code, f in formulas.items()})
    rules = [CatalogueRule(**r) for r in store.query("SELECT * FROM check_rules ORDER BY position")]
    return Catalogue(sources, sectors, indicators, formulas, children, order, rules)
