"""The catalogue of sectors, indicators and target sources: data from resources/, kept in the database.

`load_catalogue()` validates a catalogue (a dict as read from TOML) and writes it in one
transaction: new entries are added, changed ones updated, and entries that are gone are
removed only when no figure or target uses them; every change goes into `catalogue_history`.
`catalogue(store)` reads it back. Indicators are valid from / until a month (`valid_from`,
`valid_to`, inclusive, empty = open): `Catalogue.valid_in(period)` is the one place that says
which indicators a period shows. Officials' own changes go through `catalogue_edit`.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import InputError
from .formulas import Formula, parse_formula
from .limits import MAX_TEXT_FILE_BYTES
from .organisation import KIND_LABELS as UNIT_KIND_LABELS
from .periods import Period, parse_month, split_month_key
from .rules.catalogue_rules import CatalogueRule, validate_checks_off, validate_rules
from .store import Store
from .text import nfc

KINDS = ("flow", "stock", "rate")
DIRECTIONS = ("up", "down", "range")
ENTRIES = ("month", "ytd")
PARTS = ("", "complete", "partial", "none")

KIND_LABELS = {"flow": "cộng dồn", "stock": "thời điểm", "rate": "tỷ lệ"}
DIRECTION_LABELS = {"up": "càng cao càng tốt", "down": "càng thấp càng tốt", "range": "trong khoảng"}
ENTRY_LABELS = {"month": "số tháng", "ytd": "lũy kế từ đầu năm"}


LEVELS = ("province", "city", "ward", "commune")  # the unit kinds a source may be named for
AREA_WORD = "{cấp}"  # in a sector's heading: the reporting unit's kind ("trên địa bàn {cấp}")
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
    # the report's heading when it differs from the name; "{năm}" is the period's year, "{cấp}" the
    # reporting unit's kind ("trên địa bàn {cấp}": thành phố, phường, xã), filled by `Catalogue.for_level`
    heading: str = ""


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
    valid_from: int | None = None  # first month (YYYYMM) it is reported; None: from the start
    valid_to: int | None = None  # last month; None: still reported
    sentence: str = ""  # sentence group: a sector's indicators of one group are said in one sentence
    is_count: bool = False  # counts things (vụ, hồ sơ, người): under ten written 01-09

    @property
    def derived(self) -> bool:
        return bool(self.formula)

    @property
    def is_flow(self) -> bool:
        return self.kind == "flow"

    def valid_in_month(self, key: int) -> bool:
        return (self.valid_from is None or self.valid_from <= key) and (self.valid_to is None or key <= self.valid_to)

    def valid_during(self, period: Period) -> bool:
        """True when the indicator is reported in at least one month of `period`."""
        return self.valid_between(period.start_key, period.end_key)

    def valid_between(self, first: int, last: int) -> bool:
        """True when it is reported in at least one month from `first` to `last` (month keys)."""
        return (self.valid_from is None or self.valid_from <= last) and (self.valid_to is None or first <= self.valid_to)

    def validity_text(self) -> str:
        """"từ 01/2026", "đến 06/2025", "01/2024 - 06/2025", "mọi kỳ": as the window and the messages say it."""
        return validity_text(self.valid_from, self.valid_to)


def month_text(key: int | None) -> str:
    """A month key as officials write it: 07/2025."""
    if key is None:
        return ""
    year, month = split_month_key(key)
    return f"{month:02d}/{year}"


def validity_text(valid_from: int | None, valid_to: int | None) -> str:
    if valid_from is None and valid_to is None:
        return "mọi kỳ"
    if valid_to is None:
        return f"từ {month_text(valid_from)}"
    if valid_from is None:
        return f"đến {month_text(valid_to)}"
    return f"{month_text(valid_from)} - {month_text(valid_to)}"


def parse_validity_month(value, where: str, label: str) -> int | None:
    """`valid_from` / `valid_to` as written in a file or typed: "2025-07", "202507", 202507, a
    date; empty means open. Returns the month key (YYYYMM)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if hasattr(value, "year") and hasattr(value, "month"):  # a TOML date
        value = f"{value.year:04d}{value.month:02d}"
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"{where}: {label} “{value}” phải là tháng, ví dụ 2025-07.")
    try:
        return parse_month(str(value)).start_key
    except InputError as error:
        raise InputError(f"{where}: {label}: {error}") from None


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
        """The same catalogue with its sources named as a unit of this kind names them, and its
        sectors' headings saying the unit's kind where they name the area ("{cấp}")."""
        sources, sectors = self.sources, self.sectors
        if any(source.levels for source in sources.values()):
            sources = {code: source.for_level(kind) for code, source in sources.items()}
        word = UNIT_KIND_LABELS.get(kind or "")
        if word and any(AREA_WORD in sector.heading for sector in sectors.values()):
            sectors = {code: replace(sector, heading=sector.heading.replace(AREA_WORD, word))
                       for code, sector in sectors.items()}
        if sources is self.sources and sectors is self.sectors:
            return self
        return replace(self, sources=sources, sectors=sectors)

    def valid_in(self, period: Period) -> list[Indicator]:
        """The indicators reported in `period` (valid in at least one of its months), in catalogue
        order: what the period's grid, checks, report and annex show."""
        return [ind for ind in self.indicators.values() if ind.valid_during(period)]

    def in_sector(self, sector: str, period: Period | None = None) -> list[Indicator]:
        """A sector's indicators; only those valid in `period` when it is given."""
        chosen = self.indicators.values() if period is None else self.valid_in(period)
        return [ind for ind in chosen if ind.sector == sector]

    def sector_children(self, sector: str | None) -> list[Sector]:
        return [s for s in self.sectors.values() if s.parent == sector]

    def depth(self, code: str) -> int:
        depth, parent = 0, self.indicators[code].parent
        while parent:
            depth, parent = depth + 1, self.indicators[parent].parent
        return depth


def source_levels(levels, code: str) -> dict:
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
                        "levels": json.dumps(source_levels(raw.get("level", {}), code), ensure_ascii=False)})
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
                        "narrative_only": int(_as_bool(raw.get("narrative_only"))), "position": position,
                        "heading": nfc(raw.get("heading", ""))})
    codes: set[str] = set()
    for position, raw in enumerate(data.get("indicator", [])):
        row = parse_indicator(raw, position, sector_codes, codes)
        codes.add(row["code"])
        indicators.append(row)
    check_links(indicators)
    return sources, sectors, indicators, validate_rules(data.get("rule", []), codes)


def parse_indicator(raw: dict, position: int, sector_codes: set[str], known: set[str]) -> dict:
    """One `[[indicator]]` entry (as in the TOML file) checked and turned into its database row.

    `known` are the codes that may be named as its parent (declared before it). The links
    between indicators (formulas, parents' validity, ...) are `check_links`' business.
    """
    code = nfc(raw.get("code", ""))
    where = f"Chỉ tiêu “{code or position + 1}”"
    if not code or not nfc(raw.get("name")) or not nfc(raw.get("unit")):
        raise InputError(f"{where} thiếu mã, tên hoặc đơn vị tính.")
    if code in known:
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
    if parent and parent not in known:
        raise InputError(f"{where}: chỉ tiêu cha “{parent}” chưa được khai báo trước nó.")
    decimals = raw.get("decimals", 0)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise InputError(f"{where}: số chữ số thập phân phải từ 0 đến 6.")
    sentence = nfc(raw.get("sentence", "")) or ""
    if sentence and not (sentence.isidentifier() and sentence.isascii()):
        raise InputError(f"{where}: nhóm câu (sentence) chỉ được gồm chữ cái không dấu, chữ số và dấu gạch dưới.")
    bounds = {}
    for key in ("min", "max"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise InputError(f"{where}: {key} phải là một số.")
        bounds[key] = value
    return {
        "code": code, "name": nfc(raw["name"]), "unit": nfc(raw["unit"]), "sector": sector,
        "parent": parent, "kind": kind, "direction": direction, "decimals": decimals,
        "summable": int(_as_bool(raw.get("summable"), default=kind != "rate")), "entry": entry,
        "parts": parts, "formula": nfc(raw.get("formula", "")), "measured_by": nfc(raw.get("measured_by", "")),
        "measured_note": nfc(raw.get("measured_note", "")), "plan_indicator": nfc(raw.get("plan_indicator", "")),
        "min_value": bounds["min"], "max_value": bounds["max"], "key": int(_as_bool(raw.get("key"))),
        "position": position, "checks_off": json.dumps(validate_checks_off(raw.get("checks_off"), where)),
        "valid_from": parse_validity_month(raw.get("valid_from"), where, "áp dụng từ tháng (valid_from)"),
        "valid_to": parse_validity_month(raw.get("valid_to"), where, "áp dụng đến tháng (valid_to)"),
        "sentence": sentence, "is_count": int(_as_bool(raw.get("count"))),
    }


def _covers(outer: dict, inner: dict) -> bool:
    """Whether `outer`'s validity contains `inner`'s (None is open on that side)."""
    starts_in_time = outer["valid_from"] is None or (inner["valid_from"] is not None
                                                     and outer["valid_from"] <= inner["valid_from"])
    ends_in_time = outer["valid_to"] is None or (inner["valid_to"] is not None
                                                 and inner["valid_to"] <= outer["valid_to"])
    return starts_in_time and ends_in_time


def check_links(rows: list[dict]) -> None:
    """What ties indicators together, over a whole catalogue's rows: formulas name existing
    indicators without cycles, `measured_by` and `plan_indicator` exist, validity dates are in
    order, a "trong đó" part lies within its parent's validity, and what an indicator is computed
    or measured from is valid whenever it is. InputError names the first problem."""
    problems = link_problems(rows)
    if problems:
        raise InputError(problems[0][1])


def link_problems(rows: list[dict]) -> list[tuple[str, str]]:
    """Every problem `check_links` looks for, as (indicator code, Vietnamese message)."""
    by_code = {row["code"]: row for row in rows}
    problems = []
    for row in rows:
        where = f"Chỉ tiêu “{row['code']}”"
        problem = _row_link_problem(row, by_code, where)
        if problem:
            problems.append((row["code"], problem))
    if not problems:
        try:
            _derived_order({r["code"]: r["formula"] for r in rows if r["formula"]})
        except InputError as error:
            problems.append(("", str(error)))
    return problems


def _row_link_problem(row: dict, by_code: dict[str, dict], where: str) -> str | None:
    if row["valid_from"] is not None and row["valid_to"] is not None and row["valid_to"] < row["valid_from"]:
        return (f"{where}: tháng ngừng áp dụng ({month_text(row['valid_to'])}) trước tháng bắt đầu "
                f"({month_text(row['valid_from'])}).")
    parent = by_code.get(row["parent"]) if row["parent"] else None
    if row["parent"] and parent is None:
        return f"{where}: chỉ tiêu cha “{row['parent']}” không có trong danh mục."
    if parent is not None and not _covers(parent, row):
        return (f"{where} (áp dụng {validity_text(row['valid_from'], row['valid_to'])}) là phần “trong đó” của "
                f"“{parent['name']}” (áp dụng {validity_text(parent['valid_from'], parent['valid_to'])}): phần phải "
                "nằm trong thời gian áp dụng của chỉ tiêu cha.")
    used = []
    if row["formula"]:
        for name in parse_formula(row["formula"]).names:
            if name not in by_code:
                return f"{where}: công thức dùng mã “{name}” không có trong danh mục."
            if name == row["code"]:
                return f"{where}: công thức không được dùng chính nó."
            used.append(("tính theo công thức từ", name))
    for link, label in (("measured_by", "tính % kế hoạch theo"), ("plan_indicator", "lấy kế hoạch từ")):
        if row[link]:
            if row[link] not in by_code:
                return f"{where}: {link} = “{row[link]}” không có trong danh mục."
            used.append((label, row[link]))
    for label, name in used:
        other = by_code[name]
        if not _covers(other, row):
            return (f"{where} (áp dụng {validity_text(row['valid_from'], row['valid_to'])}) {label} "
                    f"“{other['name']}”, chỉ áp dụng {validity_text(other['valid_from'], other['valid_to'])}: hãy "
                    f"ngừng theo dõi “{row['name']}” cùng lúc, hoặc sửa công thức.")
    return None


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
    from .safe_open import read_outside_file

    data = read_outside_file(path, MAX_TEXT_FILE_BYTES)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise InputError(f"Tệp danh mục {path} sai định dạng TOML: {error}.") from None


def load_catalogue(store: Store, data: dict, *, user: str | None = None) -> dict[str, int]:
    """Write a validated catalogue into the database in one transaction; return counts.

    The file is the whole catalogue: entries missing from it are removed (when nothing uses
    them) and every change is recorded in `catalogue_history`. Validity that would hide
    figures already entered is refused.
    """
    from .users import current_user

    sources, sectors, indicators, rules = _validate(data)
    if not sources or not sectors or not indicators:
        raise InputError("Danh mục phải có ít nhất một nguồn kế hoạch, một lĩnh vực và một chỉ tiêu.")
    user, origin = user or current_user(), store.installation_id
    with store.write() as conn:
        uses = figure_uses(conn)
        for row in indicators:
            refuse_hidden_figures(row, uses.get(row["code"]))
        before = {table: snapshot(conn, table) for table in HISTORY_KINDS.values()}
        upsert_rows(conn, "target_sources", sources)
        upsert_rows(conn, "sectors", sectors)
        upsert_rows(conn, "indicators", indicators)
        _remove_missing(conn, "indicators", {r["code"] for r in indicators},
                        [("figures", "indicator"), ("targets", "indicator")], "chỉ tiêu")
        _remove_missing(conn, "sectors", {r["code"] for r in sectors}, [], "lĩnh vực")
        _remove_missing(conn, "target_sources", {r["code"] for r in sources}, [("targets", "source")],
                        "nguồn kế hoạch")
        conn.execute("DELETE FROM check_rules")  # nothing refers to a rule's row: replace them all
        if rules:
            upsert_rows(conn, "check_rules", rules)
        for kind, table in HISTORY_KINDS.items():
            record_history(conn, kind, before[table], snapshot(conn, table), user, note="nạp tệp danh mục",
                           origin=origin)
    return {"sources": len(sources), "sectors": len(sectors), "indicators": len(indicators)}


# -- what the figures already entered say about a catalogue change ------------------------------
@dataclass(frozen=True)
class FigureUse:
    """The figures entered for one indicator (cleared ones not counted)."""

    count: int
    first: int  # first month with a figure
    last: int  # last month with a figure
    month_count: int  # figures holding a month's value
    ytd_count: int  # ... a year-to-date
    term_count: int  # ... a term-to-date
    units: int


def figure_uses(conn) -> dict[str, FigureUse]:
    """Per indicator, what figures there are (one grouped read)."""
    rows = conn.execute(
        """SELECT indicator, count(*), min(month), max(month), count(month_value), count(ytd_value),
                  count(term_value), count(DISTINCT unit)
           FROM figures WHERE month_value IS NOT NULL OR ytd_value IS NOT NULL OR term_value IS NOT NULL
           GROUP BY indicator""").fetchall()
    return {row[0]: FigureUse(*row[1:]) for row in rows}


def hidden_figures(row: dict, use: FigureUse | None) -> str | None:
    """Why `row`'s validity would hide figures already entered (None when it hides none)."""
    if use is None:
        return None
    before = row["valid_from"] is not None and use.first < row["valid_from"]
    after = row["valid_to"] is not None and use.last > row["valid_to"]
    if not before and not after:
        return None
    which = (f"từ tháng {month_text(use.first)}" if before else "") + (" và " if before and after else "") + \
        (f"đến tháng {month_text(use.last)}" if after else "")
    return (f"“{row['name']}” đã có {use.count} số liệu ({which}) nằm ngoài thời gian áp dụng "
            f"({validity_text(row['valid_from'], row['valid_to'])}); số liệu đã nhập không được để ẩn đi: hãy chọn "
            "thời gian bao gồm các tháng đó, hoặc xóa các số liệu ấy trước.")


def refuse_hidden_figures(row: dict, use: FigureUse | None) -> None:
    reason = hidden_figures(row, use)
    if reason:
        raise InputError(reason)


# -- history of catalogue changes ---------------------------------------------------------------
HISTORY_KINDS = {"indicator": "indicators", "sector": "sectors", "source": "target_sources"}


def snapshot(conn, table: str) -> dict[str, dict]:
    """A catalogue table's rows by code, in the catalogue's order."""
    cursor = conn.execute(f"SELECT * FROM {table} ORDER BY position")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row)) for row in cursor}


def record_history(conn, kind: str, before: dict[str, dict], after: dict[str, dict], user: str, *,
                   action: str = "change", note: str = "", moved: set[str] = frozenset(),
                   origin: str | None = None) -> int:
    """One `catalogue_history` row per entry added, changed (as `action`) or removed between two
    snapshots; a change of position alone is recorded only for the entries in `moved`."""
    from .store import now_iso

    if origin is None:
        found = conn.execute("SELECT value FROM meta WHERE key = 'installation_id'").fetchone()
        origin = found[0] if found else ""
    stamp = now_iso()
    records = []
    for code in list(before) + [c for c in after if c not in before]:
        old, new = before.get(code), after.get(code)
        if old is None:
            what = "add"
        elif new is None:
            what = "remove"
        else:
            same = {k: v for k, v in old.items() if k != "position"} == {k: v for k, v in new.items() if k != "position"}
            if old == new or (same and code not in moved):
                continue
            what = action
        records.append((kind, code, what, _json_row(old), _json_row(new), user, stamp, origin, note))
    conn.executemany("INSERT INTO catalogue_history (kind, code, action, before, after, changed_by, changed_at, "
                     "origin, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", records)
    return len(records)


def _json_row(row: dict | None) -> str | None:
    return None if row is None else json.dumps(row, ensure_ascii=False)


def catalogue_history(store: Store, code: str | None = None) -> list[dict]:
    """Every recorded change of the catalogue (or of one entry), oldest first; before/after as dicts."""
    where, params = ("WHERE code = ?", (code,)) if code else ("", ())
    rows = store.query(f"SELECT * FROM catalogue_history {where} ORDER BY id", params)
    for row in rows:
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
    return rows


def used_codes(conn) -> set[str]:
    """Every indicator code in the catalogue or ever recorded in its history: none is reused."""
    return {row[0] for row in conn.execute(
        "SELECT code FROM indicators UNION SELECT code FROM catalogue_history WHERE kind = 'indicator'")}


def upsert_rows(conn, table: str, rows: list[dict]) -> None:
    """Insert or update catalogue rows by code (inside an open write transaction)."""
    if not rows:
        return
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
    return read_catalogue(store)


def read_catalogue(store: Store) -> Catalogue:
    """The catalogue read afresh (not the cached one): for checks inside a write transaction."""
    return build_catalogue(store.query("SELECT * FROM target_sources ORDER BY position"),
                           store.query("SELECT * FROM sectors ORDER BY position"),
                           store.query("SELECT * FROM indicators ORDER BY position"),
                           store.query("SELECT * FROM check_rules ORDER BY position"))


def source_of_row(row: dict) -> Source:
    """A target source from its database row (`levels` as JSON text) or from a Source's fields."""
    r = dict(row)
    levels = r.get("levels") or ()
    if isinstance(levels, str):
        levels = tuple((kind, tuple(words.items())) for kind, words in json.loads(levels).items())
    r["levels"] = levels
    return Source(**r)


def indicator_of_row(row: dict) -> Indicator:
    r = dict(row)
    r["summable"], r["key"], r["is_count"] = bool(r["summable"]), bool(r["key"]), bool(r["is_count"])
    r["checks_off"] = tuple(json.loads(r["checks_off"]))
    return Indicator(**r)


def row_of_indicator(ind: Indicator) -> dict:
    """The database row of an indicator (the inverse of `indicator_of_row`)."""
    row = {f.name: getattr(ind, f.name) for f in fields(Indicator)}
    row["summable"], row["key"], row["is_count"] = int(ind.summable), int(ind.key), int(ind.is_count)
    row["checks_off"] = json.dumps(list(ind.checks_off))
    return row


def build_catalogue(source_rows: list[dict], sector_rows: list[dict], indicator_rows: list[dict],
                    rule_rows: list[dict]) -> Catalogue:
    """A catalogue from its rows, in the rows' order."""
    sources = {r["code"]: source_of_row(r) for r in source_rows}
    sectors = {r["code"]: Sector(**dict(r, narrative_only=bool(r["narrative_only"]))) for r in sector_rows}
    indicators = {r["code"]: indicator_of_row(r) for r in indicator_rows}
    children: dict[str, list[str]] = {}
    for ind in indicators.values():
        if ind.parent:
            children.setdefault(ind.parent, []).append(ind.code)
    formulas = {code: parse_formula(ind.formula) for code, ind in indicators.items() if ind.formula}
    order = _derived_order({code: f.text for code, f in formulas.items()})
    rules = [CatalogueRule(**r) for r in rule_rows]
    return Catalogue(sources, sectors, indicators, formulas, children, order, rules)


def indicator_as_toml(ind: Indicator) -> dict:
    """An indicator as an `[[indicator]]` entry of the catalogue file (what `parse_indicator` reads);
    keys left at their defaults are left out."""
    entry = {"code": ind.code, "name": ind.name, "unit": ind.unit, "sector": ind.sector}
    optional = {"parent": ind.parent or "", "kind": ind.kind, "direction": ind.direction, "decimals": ind.decimals,
                "summable": ind.summable, "entry": ind.entry, "parts": ind.parts, "formula": ind.formula,
                "measured_by": ind.measured_by, "measured_note": ind.measured_note,
                "plan_indicator": ind.plan_indicator, "min": ind.min_value, "max": ind.max_value, "key": ind.key,
                "checks_off": list(ind.checks_off),
                "valid_from": _month_code(ind.valid_from), "valid_to": _month_code(ind.valid_to),
                "sentence": ind.sentence, "count": ind.is_count}
    defaults = {"parent": "", "kind": "flow", "direction": "up", "decimals": 0, "summable": ind.kind != "rate",
                "entry": "month", "parts": "", "formula": "", "measured_by": "", "measured_note": "",
                "plan_indicator": "", "min": None, "max": None, "key": False, "checks_off": [],
                "valid_from": "", "valid_to": "", "sentence": "", "count": False}
    entry.update({k: v for k, v in optional.items() if v != defaults[k]})
    return entry


def _month_code(key: int | None) -> str:
    """202507 -> "2025-07", the form the catalogue file uses."""
    if key is None:
        return ""
    year, month = split_month_key(key)
    return f"{year:04d}-{month:02d}"
