"""The catalogue travels: the province (or any office above) sends its catalogue to its units in a
handover package, checked, previewed and applied under the same rules as figures.

A catalogue package is an ordinary package (`handover.export_catalogue_package`) whose manifest
names the sending office's unit and no months, and which carries the tables `CATALOGUE_TABLES`
instead of figures. `package_check` reads and hashes those tables when they are there
(`check_catalogue_rows` checks every value and the catalogue's own rules); `merge.classify`
previews them as rows of kind "catalogue" (`classify_catalogue`) and `merge.apply_package` writes
them in its one transaction (`apply_catalogue`), with a `catalogue_history` row per change.

What is taken, per sector, source and indicator: new ones are added, changed ones take the
sender's content, identical ones write nothing. Refused, with the reason in the preview: any of
them when the sending unit is not above this office's unit; an indicator whose new validity would
hide figures entered here (a unit's catalogue never silently drops an indicator that has figures);
a new code this office once used for another indicator; a change that breaks the links of the
catalogue here (a part outside its parent, a formula over something retired). Nothing is ever
removed: an indicator only this office has stays as it is.
"""

from __future__ import annotations

import json
import sqlite3

from .catalogue import (
    FigureUse,
    figure_uses,
    hidden_figures,
    indicator_as_toml,
    indicator_of_row,
    link_problems,
    parse_indicator,
    record_history,
    snapshot,
    source_levels,
    upsert_rows,
    used_codes,
)
from .catalogue_edit import field_changes, figure_effects
from .errors import InputError
from .formulas import parse_formula
from .limits import parse_json

CATALOGUE_KIND = "catalogue"
INDICATOR_COLUMNS = ("code", "name", "unit", "sector", "parent", "kind", "direction", "decimals", "summable", "entry",
                     "parts", "formula", "measured_by", "measured_note", "plan_indicator", "min_value", "max_value",
                     "key", "position", "checks_off", "valid_from", "valid_to", "sentence", "is_count")
# table -> (columns in hash order, sort key); hashed after the figures' tables, only when present.
CATALOGUE_TABLES = {
    "target_sources": (("code", "name", "short", "phrase", "position", "levels"), ("code",)),
    "sectors": (("code", "name", "short", "parent", "outline", "narrative_only", "position", "heading"), ("code",)),
    "indicators": (INDICATOR_COLUMNS, ("code",)),
}
ENTRY_KINDS = {"target_sources": "source", "sectors": "sector", "indicators": "indicator"}
TABLE_OF_KIND = {kind: table for table, kind in ENTRY_KINDS.items()}
KIND_WORDS = {"source": "Nguồn kế hoạch", "sector": "Lĩnh vực", "indicator": "Chỉ tiêu"}
MAX_TEXT = 2000


def catalogue_rows(conn: sqlite3.Connection) -> dict[str, list[dict]]:
    """This office's whole catalogue, as a catalogue package carries it."""
    return {table: [dict(zip(columns, row)) for row in conn.execute(
        f"SELECT {', '.join(columns)} FROM {table} ORDER BY position")]
        for table, (columns, _key) in CATALOGUE_TABLES.items()}


def first_schema_with_catalogue() -> int:
    """The schema version from which packages can carry a catalogue in `CATALOGUE_TABLES`' columns: the
    later of the migrations that made them ("catalogue: validity ...", "report wording ...", merged
    into one release, so no released schema has the one without the other)."""
    from .schema import migration_number
    return max(migration_number("catalogue: validity"), migration_number("report wording"))


# -- checking an incoming catalogue -------------------------------------------------------------------------
def check_catalogue_rows(rows: dict[str, list[dict]]) -> list[str]:
    """Problems of a package's catalogue (empty when it is sound): text, types, and the rules a
    catalogue file must follow (`parse_indicator`, `check_links`)."""
    problems = []
    for table, entries in rows.items():
        for number, row in enumerate(entries, start=1):
            for column, value in row.items():
                if isinstance(value, str):
                    if len(value) > MAX_TEXT or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
                        problems.append(f"{table} dòng {number}: cột {column} có ký tự điều khiển hoặc quá dài")
                elif value is not None and type(value) not in (int, float):
                    problems.append(f"{table} dòng {number}: cột {column} không hợp lệ")
    if problems:
        return problems
    sector_codes = {row["code"] for row in rows.get("sectors", [])}
    for number, row in enumerate(rows.get("sectors", []), start=1):
        if not isinstance(row["code"], str) or not row["code"] or not isinstance(row["name"], str) or not row["name"]:
            problems.append(f"sectors dòng {number}: thiếu mã hoặc tên")
        elif row["parent"] and (row["parent"] not in sector_codes or row["parent"] == row["code"]):
            problems.append(f"sectors dòng {number}: lĩnh vực cha “{row['parent']}” không có trong gói")
    for number, row in enumerate(rows.get("target_sources", []), start=1):
        if not all(isinstance(row[c], str) and row[c] for c in ("code", "name", "short", "phrase")):
            problems.append(f"target_sources dòng {number}: thiếu mã hoặc tên")
            continue
        try:  # the names per level of unit, as a catalogue file's `level.ward = {...}` would be checked
            levels = parse_json(row["levels"], "levels")
            if source_levels(levels, row["code"]) != levels:
                raise InputError("tên theo cấp đơn vị chưa chuẩn hóa (NFC)")
        except InputError as error:
            problems.append(f"target_sources dòng {number}: {error}")
    known: set[str] = set()
    parsed = []
    for number, row in enumerate(sorted(rows.get("indicators", []), key=_parent_first(rows)), start=1):
        try:
            ind = indicator_of_row(row)
            again = parse_indicator(indicator_as_toml(ind), row["position"], sector_codes, known)
        except (InputError, TypeError, ValueError, KeyError) as error:
            problems.append(f"indicators dòng {number}: {error}")
            continue
        known.add(again["code"])
        parsed.append(again)
    if not problems:
        problems += [message for _code, message in link_problems(parsed)]
    return problems


def _parent_first(rows: dict[str, list[dict]]):
    """Sort key putting every indicator after its parent (then by position)."""
    by_code = {row["code"]: row for row in rows.get("indicators", []) if isinstance(row.get("code"), str)}

    def depth(row, seen=()):
        parent = by_code.get(row.get("parent") or "")
        return 0 if parent is None or row["code"] in seen else 1 + depth(parent, seen + (row["code"],))
    return lambda row: (depth(row), row.get("position") if isinstance(row.get("position"), int) else 0)


# -- preview ---------------------------------------------------------------------------------------------------------
def _ancestors(conn: sqlite3.Connection, unit: str | None) -> list[str]:
    parents = dict(conn.execute("SELECT code, parent FROM units").fetchall())
    chain, seen = [], set()
    while unit and unit not in seen:
        seen.add(unit)
        chain.append(unit)
        unit = parents.get(unit)
    return chain


def authority_problem(conn: sqlite3.Connection, sender_unit: str) -> str:
    """Why a catalogue from `sender_unit` may not be taken here ("" when it may): only an office above
    this one (or this office itself, a copy of its own catalogue) sends the catalogue."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'reporting_unit'").fetchone()
    own = json.loads(row[0]) if row else None
    if not own:
        return ""
    units = dict(conn.execute("SELECT code, parent FROM units").fetchall())
    if own in units and sender_unit in _ancestors(conn, own):
        return ""
    names = dict(conn.execute("SELECT code, name FROM units").fetchall())
    return (f"danh mục chỉ nhận từ cấp trên: gói của {names.get(sender_unit, sender_unit)}, "
            f"đơn vị này là {names.get(own, own)}")


def classify_catalogue(conn: sqlite3.Connection, package) -> list:
    """Preview rows (kind "catalogue", key [kind, code]) of a package's catalogue; reads only."""
    from .merge import CHANGED, IDENTICAL, NEW, REFUSED, PreviewRow

    incoming = {table: package.rows.get(table, []) for table in CATALOGUE_TABLES}
    if not any(incoming.values()):
        return []
    authority = authority_problem(conn, package.unit)
    uses = figure_uses(conn)
    used = used_codes(conn)
    local = {table: _carried(conn, table) for table in CATALOGUE_TABLES}
    result, taken = [], {}
    for table, entries in incoming.items():
        kind = ENTRY_KINDS[table]
        for theirs in entries:
            code = theirs["code"]
            mine = local[table].get(code)
            status, reason = _status(kind, theirs, mine, uses.get(code), used)
            if authority and status != IDENTICAL:
                status, reason = REFUSED, authority
            row = PreviewRow(CATALOGUE_KIND, [kind, code], status, mine, dict(theirs), "", package.created_at, reason)
            result.append(row)
            if status in (NEW, CHANGED):
                taken[(kind, code)] = row
    _refuse_broken_links(local["indicators"], taken, REFUSED)
    return result


def _status(kind: str, theirs: dict, mine: dict | None, use: FigureUse | None, used: set[str]) -> tuple[str, str]:
    from .merge import CHANGED, IDENTICAL, NEW, REFUSED

    if mine is None:
        if kind == "indicator" and theirs["code"] in used:
            return REFUSED, (f"mã “{theirs['code']}” đã từng dùng ở đây cho một chỉ tiêu đã bỏ; mã đã dùng không dùng "
                             "lại")
        return NEW, ""
    if _content(mine) == _content(theirs):
        return IDENTICAL, ""
    if kind != "indicator":
        return CHANGED, ""
    hidden = hidden_figures(theirs, use)
    if hidden:
        return REFUSED, f"giữ như cũ: {hidden}"
    effects, _confirm = figure_effects(indicator_of_row(mine), theirs, use)
    return CHANGED, " ".join(["; ".join(field_changes(mine, theirs)) + "."] + effects)


def _carried(conn: sqlite3.Connection, table: str) -> dict[str, dict]:
    """This office's entries of a catalogue table, with only the columns a package carries (a later
    migration may add others to these tables)."""
    columns = CATALOGUE_TABLES[table][0]
    return {code: {c: row[c] for c in columns} for code, row in snapshot(conn, table).items()}


def _content(row: dict) -> dict:
    """An entry without its position (the order alone is not a change)."""
    return {k: v for k, v in row.items() if k != "position"}


def _refuse_broken_links(local: dict[str, dict], taken: dict, refused: str) -> None:
    """Refuse the incoming indicators that would break the catalogue's links here, until none does."""
    for _round in range(len(taken) + 1):
        merged = dict(local)
        merged.update({code: row.new for (kind, code), row in taken.items() if kind == "indicator"})
        problems = link_problems(list(merged.values()))
        if not problems:
            return
        blamed = set()
        for code, message in problems:
            if ("indicator", code) in taken:
                blamed.add(("indicator", code))
                taken[("indicator", code)].reason = message
            elif code in local:  # a row only this office has: blame what it links to
                row = local[code]
                links = {row["parent"], row["measured_by"], row["plan_indicator"]}
                links |= set(parse_formula(row["formula"]).names) if row["formula"] else set()
                for link in links:
                    if ("indicator", link) in taken:
                        blamed.add(("indicator", link))
                        taken[("indicator", link)].reason = f"chỉ tiêu “{row['name']}” ở đây còn dùng nó: {message}"
        if not blamed:  # a cycle: refuse every incoming indicator rather than guess
            blamed = {key for key in taken if key[0] == "indicator"}
            for key in blamed:
                taken[key].reason = problems[0][1]
        for key in blamed:
            taken.pop(key).status = refused


# -- apply -----------------------------------------------------------------------------------------------------------
def apply_catalogue(conn: sqlite3.Connection, package, rows: list, user: str) -> int:
    """Write the catalogue rows taken (new and changed), inside the import's transaction; return the count."""
    from .merge import CHANGED, NEW

    taken = [row for row in rows if row.kind == CATALOGUE_KIND and row.status in (NEW, CHANGED)]
    if not taken:
        return 0
    note = f"gói danh mục của {package.unit} từ máy {package.sender[:8]}…"
    count = 0
    for table in CATALOGUE_TABLES:
        kind = ENTRY_KINDS[table]
        before = _carried(conn, table)
        chosen = {row.key[1]: row.new for row in taken if row.key[0] == kind}
        incoming = sorted(package.rows.get(table, []), key=lambda row: row["position"])
        after = _merged_order(before, incoming, chosen)
        upsert_rows(conn, table, [row for code, row in after.items() if before.get(code) != row])
        count += record_history(conn, kind, before, after, user, note=note, origin=package.sender)
    return count


def _merged_order(local: dict[str, dict], incoming: list[dict], chosen: dict[str, dict]) -> dict[str, dict]:
    """The sender's order for its entries, an entry only this office has right after the entry it
    followed here; positions renumbered. Taken entries have the sender's content, the rest ours."""
    order = [row["code"] for row in incoming if row["code"] in chosen or row["code"] in local]
    placed = set(order)
    previous = None
    for code in local:
        if code not in placed:
            at = order.index(previous) + 1 if previous in placed else len(order)
            order.insert(at, code)
            placed.add(code)
        previous = code
    return {code: dict(chosen.get(code) or local[code], position=i) for i, code in enumerate(order)}


def describe_row(row) -> str:
    """The entry a catalogue preview row is about, for the command line and the window."""
    kind, code = row.key
    values = row.new or row.old or {}
    return f"{KIND_WORDS[kind]} {code} “{values.get('name', '')}”"


def values_text(values: dict | None) -> str:
    """A catalogue entry's content in a few words (name, ĐVT, validity)."""
    if not values:
        return ""
    from .catalogue import validity_text
    text = values.get("name", "")
    if "unit" in values:
        text += f" ({values['unit']})"
    if values.get("valid_from") is not None or values.get("valid_to") is not None:
        text += f", áp dụng {validity_text(values.get('valid_from'), values.get('valid_to'))}"
    return text
