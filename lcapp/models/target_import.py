"""The one rule for targets sheets (Excel), for the window's targets dialog and `targets-import`.

`intake/targets_sheet.read_targets_sheet` reads the file (bounded, formulas refused) and gives
its sheets' cell values to `preview_targets` here, the one decision on what a sheet means.

Every sheet of the workbook may hold targets. Its header row (within the first 15 rows) has
a "Mã" column (indicator code) and/or a "Chỉ tiêu" column (indicator name, used when the
code cell is empty), one column per target source headed by the source's code, short name
or name ("tinh", "KH tỉnh", "Kế hoạch tỉnh giao", also "KH tỉnh 2026" and the names a unit
of its level uses, such as "NQ HĐND xã giao"), and optionally:

- "Ghi chú": the note of every target given on that row (an empty cell keeps each
  target's note; a note on a row without any target is an error);
- "STT", "ĐVT" / "Đơn vị tính": read by people, ignored here.

Any other header is refused, naming the sources (a mistyped source is never skipped in
silence). Values are Excel numbers or Vietnamese text ("4.500", "9,5-10" for a range); an
empty cell changes nothing; a row with nothing in it is skipped. An existing target keeps
its "cumulative" flag; a new one is a level (`target ... --cumulative` or the window marks
a term target cumulative). The unit and the year or term come from the template's own
information or from the caller, and must agree when both are given. Nothing is written
here: the preview lists new / changed / same and every bad cell as "Sheet!C5: reason".
"""

from __future__ import annotations

from .catalogue import catalogue
from .errors import InputError
from .organisation import organisation
from .file_formats import CODE, COMMENT, DVT, HEADER_SEARCH_ROWS, NAME
from .progress import PLAN_SOURCE
from .sheet_preview import Preview, PreviewItem
from .store import Store
from .targets import CONTENT, parse_target_value, prepare_target, target_owner
from .terms import known_terms
from .text import clean_text, nfc


def _key(text) -> str:
    return " ".join((nfc(str(text)) or "").split()).casefold()


# The columns of LCApp's own targets template (`file_formats`), and the other names people use.
CODE_HEADERS = (_key(CODE), "mã chỉ tiêu", "code")
NAME_HEADERS = (_key(NAME), "tên chỉ tiêu", "indicator")
NOTE_HEADERS = (_key(COMMENT),)
IGNORED_HEADERS = ("stt", "tt", _key(DVT), "đơn vị tính")


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _column(index: int) -> str:
    """Excel's letters of a 0-based column index: 0 -> A, 27 -> AB."""
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(row: list, col: int | None):
    return row[col] if col is not None and col < len(row) else None


def _agreed(from_file: str | None, given: str | None, same, label) -> str | None:
    """The file's value or the caller's; refused when both are given and differ."""
    if from_file and given and not same(from_file, given):
        raise InputError(f"Biểu mẫu này là kế hoạch {label(from_file)}, không phải {label(given)}: "
                         "hãy chọn đúng đơn vị và kỳ, hoặc xuất lại biểu mẫu.")
    return given or from_file


def preview_targets(store: Store, sheets: list[tuple[str, list[list]]], *, meta: dict | None = None,
                    unit: str | None = None, period: str | None = None) -> Preview:
    """Preview of targets read from sheets given as (title, rows of cell values); writes nothing.

    InputError when the sheet as a whole cannot be read (no unit, no year or term, not a
    targets sheet); bad cells are listed in the preview's errors.
    """
    meta = meta or {}
    if meta.get("kind") == "figures":
        raise InputError("Tệp này là biểu nhập số liệu (cột “Ghi chú” là ghi chú của số liệu), không phải biểu "
                         "kế hoạch: dùng lệnh “template-import”.")
    cat, org, terms = catalogue(store), organisation(store), known_terms(store)
    unit_code = _agreed(meta.get("unit"), unit, lambda a, b: org.own_unit(a).code == org.own_unit(b).code,
                        lambda code: f"của {org.unit(code).name}")
    if not unit_code:
        raise InputError("Chưa rõ kế hoạch của đơn vị nào: ghi --unit (ví dụ p_tan_phong_2025).")
    period_code = _agreed(meta.get("period"), period, lambda a, b: terms.resolve(a) == terms.resolve(b),
                          lambda text: terms.label(terms.resolve(text).code))
    if not period_code:
        raise InputError("Chưa rõ kế hoạch của năm hay nhiệm kỳ nào: ghi --year (ví dụ 2026 hoặc 2026-2030).")
    target_period = terms.resolve(period_code)
    owner = target_owner(org, unit_code, None, target_period)
    level_cat = cat.for_level(owner.kind)
    sources: dict[str, str] = {}
    for source in list(cat.sources.values()) + list(level_cat.sources.values()):
        if source.code == PLAN_SOURCE:
            continue
        for label in (source.code, source.name, source.short, f"{source.short} {target_period.code}"):
            sources[_key(label)] = source.code
    source_list = ", ".join(s.short for s in level_cat.sources.values() if s.code != PLAN_SOURCE)
    by_name: dict[str, list[str]] = {}
    for ind in cat.indicators.values():
        by_name.setdefault(_key(ind.name), []).append(ind.code)
    existing = {(r["indicator"], r["source"]): r for r in store.query(
        "SELECT * FROM targets WHERE unit = ? AND period = ?", (owner.code, target_period.code))}
    preview = Preview("targets", owner.code, target_period.code)
    errors = preview.errors
    seen: dict[tuple[str, str], str] = {}
    headers_found = False
    for title, rows in sheets:
        top = next((i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS])
                    if any(_key(c) in CODE_HEADERS + NAME_HEADERS for c in row if isinstance(c, str))), None)
        if top is None:
            continue
        headers_found = True
        header_row = top + 1
        code_col = name_col = note_col = None
        source_cols: dict[int, str] = {}
        for col, text in enumerate(rows[top]):
            label = _key(text) if text is not None else ""
            where = f"{title}!{_column(col)}{header_row}"
            if not label or label in IGNORED_HEADERS:
                continue
            if label in CODE_HEADERS and code_col is None:
                code_col = col
            elif label in NAME_HEADERS and name_col is None:
                name_col = col
            elif label in NOTE_HEADERS and note_col is None:
                note_col = col
            elif label in sources and sources[label] not in source_cols.values():
                source_cols[col] = sources[label]
            elif label in sources:
                errors.append(f"{where}: nguồn “{text}” đã có ở một cột khác.")
            else:
                errors.append(f"{where}: cột “{text}” không phải nguồn kế hoạch (các nguồn: {source_list}; "
                              "ngoài ra chỉ nhận Mã, Chỉ tiêu, ĐVT, STT, Ghi chú).")
        if not source_cols:
            errors.append(f"{title}: không có cột nguồn kế hoạch nào (ví dụ {source_list}).")
            continue
        for number, row in enumerate(rows[top + 1:], start=header_row + 1):
            values = {col: _cell(row, col) for col in source_cols if not _empty(_cell(row, col))}
            raw_note = _cell(row, note_col)
            if not values and _empty(raw_note):
                continue
            code, name = _cell(row, code_col), _cell(row, name_col)
            if not _empty(code):
                indicator = nfc(str(code))
                if indicator not in cat.indicators:
                    errors.append(f"{title}!{_column(code_col)}{number}: không có chỉ tiêu mã “{indicator}”.")
                    continue
            else:
                matches = by_name.get(_key(name), []) if not _empty(name) else []
                if len(matches) != 1:
                    at = f"{title}!{_column(name_col if name_col is not None else code_col)}{number}"
                    errors.append(f"{at}: " + ("thiếu mã và tên chỉ tiêu." if _empty(name) else
                                               f"không có chỉ tiêu tên “{name}”." if not matches else
                                               f"nhiều chỉ tiêu cùng tên “{name}”: ghi mã ở cột “Mã”."))
                    continue
                indicator = matches[0]
            try:
                note = None if _empty(raw_note) else clean_text(str(raw_note), field="ghi chú")
            except InputError as error:
                errors.append(f"{title}!{_column(note_col)}{number}: {error}")
                continue
            if not values:
                errors.append(f"{title}!{_column(note_col)}{number}: có ghi chú nhưng dòng không có kế hoạch nào.")
                continue
            for col, raw in values.items():
                address = f"{_column(col)}{number}"
                item = _item(cat, org, terms, unit_code, target_period.code, indicator, source_cols[col], raw, note,
                             existing.get((indicator, source_cols[col])), level_cat, f"{title}!{address}", errors)
                if item is None:
                    continue
                if (indicator, item.change.source) in seen:
                    errors.append(f"{title}!{address}: kế hoạch “{indicator}” ({item.change.source}) đã có ở "
                                  f"{seen[indicator, item.change.source]}; mỗi kế hoạch chỉ ghi một lần.")
                    continue
                seen[indicator, item.change.source] = f"{title}!{address}"
                item.sheet, item.cell = title, address
                preview.items.append(item)
    if not headers_found:
        raise InputError("Không thấy kế hoạch nào trong tệp: cần dòng tiêu đề có cột “Mã” (hoặc “Chỉ tiêu”) "
                         f"và các cột mang tên nguồn kế hoạch ({source_list}).")
    if not preview.items and not errors:
        raise InputError("Tệp không có giá trị kế hoạch nào.")
    return preview


def _item(cat, org, terms, unit: str, period: str, indicator: str, source: str, raw, note: str | None, old_row,
          level_cat, where: str, errors: list[str]) -> PreviewItem | None:
    """One target cell as a preview item (its sheet and cell set by the caller), or its error."""
    try:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise InputError(f"“{raw}” không phải là số.")
        value, low, high = (float(raw), None, None) if not isinstance(raw, str) else parse_target_value(raw.strip())
        live = old_row is not None and (old_row["value"] is not None or old_row["low"] is not None)
        kept = old_row["note"] if live else ""
        change = prepare_target(cat, org, terms, unit, indicator, period, source, value, low=low, high=high,
                                cumulative=bool(live and old_row["cumulative"]), note=kept if note is None else note)
    except InputError as error:
        errors.append(f"{where}: {error}")
        return None
    old = None
    if live:
        old = [old_row["low"], old_row["high"]] if old_row["low"] is not None else old_row["value"]
    status = "new" if not live else "same" if tuple(old_row[c] for c in CONTENT) == change.content() else "changed"
    remark = f"ghi chú “{change.note}”" if change.note and change.note != kept else ""
    return PreviewItem("", "", f"{indicator}/{source}", f"{cat.indicators[indicator].name} "
                       f"({level_cat.sources[source].short})", old, [low, high] if low is not None else value,
                       status, change, remark)
