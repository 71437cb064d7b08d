"""The province's catalogue form: an Excel list of indicators (STT, Chỉ tiêu, ĐVT, and the parent
of a "trong đó" part) read into a preview that names every row it cannot take.

The header row is found by its labels (`COLUMNS`: STT, Chỉ tiêu, ĐVT are needed; Chỉ tiêu cha,
Mã, Lĩnh vực, Loại, Cách nhập, Áp dụng từ / đến are read when present, as `catalog-export`
writes them). A row without ĐVT whose STT is a Roman numeral, a letter or empty is a sector
heading: it must name a sector of the catalogue (by name, short name or code). An indicator row
belongs to the last heading (or to its Lĩnh vực column); its parent is its "Chỉ tiêu cha" cell
(STT, code or name of an earlier row), or, for a row numbered "-", "+" or "1.2" or named "Trong
đó: ...", the indicator above it. It is matched with the catalogue by code, else by name in its
sector, else by name anywhere: a match is changed (name, ĐVT, ... differ) or unchanged;
otherwise it is new, with a code made from its name and a kind guessed from its ĐVT (%, ‰: rate;
else flow; the preview says so).

Values only: the workbook is opened through `intake.workbook.open_workbook` (bounded on its raw
bytes before openpyxl parses it; formulas come as formulas), and a row with a formula cell in a
column read here is refused, naming the cell (`models.sheet_cells`), as every other reader does:
the value Excel stored beside a formula is not what anyone typed. At most `MAX_ROWS` indicators
a sheet. Nothing is written here: `apply_form` writes the rows it can take through
`catalogue_edit`, one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..models.catalogue import (
    ENTRY_LABELS,
    KIND_LABELS,
    Catalogue,
    month_text,
    parse_validity_month,
    row_of_indicator,
)
from ..models.catalogue_edit import (
    IN_WHICH,
    CataloguePlan,
    CatalogueState,
    apply_catalogue_file,
    field_changes,
    plan_file,
    read_state,
    suggest_code,
    this_year_start,
)
from ..models.errors import InputError
from ..models.limits import MAX_XLSX_BYTES
from ..models.sheet_cells import formula_refusal, is_formula
from ..models.store import Store
from ..models.text import nfc
from .workbook import open_workbook

MAX_FILE_BYTES = MAX_XLSX_BYTES  # the bounds of every workbook from outside (intake.workbook)
MAX_ROWS = 5000
MAX_TEXT_CHARS = 500
HEADER_SEARCH_ROWS = 30

COLUMNS = {
    "stt": ("stt", "tt", "số tt", "số thứ tự"),
    "name": ("chỉ tiêu", "tên chỉ tiêu", "nội dung", "nội dung chỉ tiêu", "chỉ tiêu chủ yếu"),
    "unit": ("đvt", "đơn vị tính", "đơn vị"),
    "parent": ("chỉ tiêu cha", "thuộc chỉ tiêu", "thuộc", "cha", "parent"),
    "code": ("mã", "mã chỉ tiêu", "code"),
    "sector": ("lĩnh vực", "mã lĩnh vực", "sector"),
    "kind": ("loại", "loại chỉ tiêu", "kind"),
    "entry": ("cách nhập", "entry"),
    "valid_from": ("áp dụng từ", "từ tháng", "valid_from"),
    "valid_to": ("áp dụng đến", "đến tháng", "valid_to"),
}
REQUIRED = ("stt", "name", "unit")
PART_MARKS = ("-", "+", "*", "•", "–")
ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
LETTER = re.compile(r"^[a-zđ]$")
NUMBERED = re.compile(r"^\d+(\.\d+)*$")
KIND_WORDS = {**{label: kind for kind, label in KIND_LABELS.items()}, **{k: k for k in KIND_LABELS}}
ENTRY_WORDS = {**{label: entry for entry, label in ENTRY_LABELS.items()}, "lũy kế": "ytd",
               **{k: k for k in ENTRY_LABELS}}
NEW, CHANGED, SAME, SECTOR, REFUSED = "new", "changed", "same", "sector", "refused"
STATUS_LABELS = {NEW: "mới", CHANGED: "thay đổi", SAME: "giữ nguyên", SECTOR: "lĩnh vực", REFUSED: "không nhận"}


@dataclass
class FormRow:
    """One row of the form and what would happen to it."""

    where: str  # "Danh mục!B12"
    stt: str
    name: str
    unit: str
    status: str
    code: str = ""  # the indicator it matches or the code it would get; a heading's sector
    parent: str = ""
    reason: str = ""  # why it is refused, what changes, or what was guessed
    entry: dict | None = None  # the [[indicator]] entry planned for it (new and changed rows)


@dataclass
class FormPreview:
    path: Path
    rows: list[FormRow]
    plan: CataloguePlan | None = None
    data: dict = field(default_factory=dict)  # {"indicator": [entries]}: the rows it can take

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def refused(self) -> list[FormRow]:
        return [row for row in self.rows if row.status == REFUSED]

    def as_json(self) -> dict:
        return {"file": self.path.name, "counts": {s: self.count(s) for s in STATUS_LABELS},
                "needs_confirmation": bool(self.plan and self.plan.needs_confirmation),
                "effects": list(self.plan.effects) if self.plan else [],
                "rows": [{"where": r.where, "stt": r.stt, "name": r.name, "unit": r.unit, "status": r.status,
                          "code": r.code, "parent": r.parent, "reason": r.reason} for r in self.rows]}


def _key(text) -> str:
    """A label or name compared loosely: NFC, lower case, single spaces, no trailing colon or dot."""
    text = nfc(str(text or "")) or ""
    return re.sub(r"\s+", " ", text).strip(" :.").lower()


def _plain(text: str) -> str:
    """Without accents, for the loosest comparison of names."""
    text = _key(text).replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def _header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    wanted = {label: column for column, labels in COLUMNS.items() for label in labels}
    for number, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            column = wanted.get(_key(value)) if isinstance(value, str) else None
            if column and column not in found:
                found[column] = index
        if all(c in found for c in REQUIRED):
            return number, found
    return None


def _text(value, where: str) -> str:
    if value is None:
        return ""
    if hasattr(value, "year") and hasattr(value, "month"):  # Excel turned "07/2025" into a date
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value)) or ""
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InputError(f"{where}: có ký tự điều khiển")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{where}: dài quá {MAX_TEXT_CHARS} ký tự")
    return text


def _sector_of(cat: Catalogue, text: str) -> str | None:
    text = re.sub(r"^([ivxlc]+|[a-zđ]|\d+)[.)]\s*", "", _key(text))
    for code, sector in cat.sectors.items():
        if text in (_key(code), _key(sector.name), _key(sector.short)):
            return code
    loose = _plain(text)
    for code, sector in cat.sectors.items():
        if loose in (_plain(sector.name), _plain(sector.short)):
            return code
    return None


class _Reader:
    """Walks the rows of a sheet, keeping the current sector and the rows seen (for parents)."""

    def __init__(self, cat: Catalogue, state: CatalogueState, sheet: str, columns: dict[str, int]):
        self.cat, self.state, self.sheet, self.columns = cat, state, sheet, columns
        self.sector: str | None = None
        self.heading_row: FormRow | None = None
        self.last_top: FormRow | None = None
        self.by_stt: dict[tuple[str | None, str], FormRow] = {}
        self.by_name: dict[str, FormRow] = {}
        self.by_code: dict[str, FormRow] = {}

    def parent_of(self, text: str, stt: str, name: str) -> tuple[str | None, FormRow | None, str]:
        """(parent code, its row in the form, why not found) for an indicator row."""
        if text:
            row = self.by_stt.get((self.sector, text)) or self.by_code.get(text) or self.by_name.get(_key(text))
            if row is not None:
                return row.code, row, ""
            if text in self.cat.indicators:
                return text, None, ""
            matches = [c for c, i in self.cat.indicators.items() if _key(i.name) == _key(text)]
            if len(matches) == 1:
                return matches[0], None, ""
            return None, None, f"không tìm thấy chỉ tiêu cha “{text}” (ghi STT, mã hoặc tên của một dòng phía trên)"
        if NUMBERED.match(stt) and "." in stt:
            row = self.by_stt.get((self.sector, stt.rsplit(".", 1)[0]))
            if row is not None:
                return row.code, row, ""
        if stt in PART_MARKS or IN_WHICH.match(name):
            if self.last_top is None:
                return None, None, "phần “trong đó” không có chỉ tiêu nào phía trên"
            return self.last_top.code, self.last_top, ""
        return None, None, ""

    def match(self, code: str, name: str, sector: str) -> str | None:
        if code:
            return code if code in self.cat.indicators else None
        same = [c for c, i in self.cat.indicators.items() if i.sector == sector and _key(i.name) == _key(name)]
        if len(same) == 1:
            return same[0]
        anywhere = [c for c, i in self.cat.indicators.items() if _key(i.name) == _key(name)]
        return anywhere[0] if len(anywhere) == 1 else None


def read_catalogue_form(store: Store, path: str | Path, *, default_from: int | None = None) -> FormPreview:
    """Read the form and plan the rows it can take; nothing is written."""
    path = Path(path)
    book = open_workbook(path, read_only=True)
    state = read_state(store)
    cat = state.cat
    rows: list[FormRow] = []
    entries: list[tuple[FormRow, dict]] = []
    taken: set[str] = set()
    try:
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                continue
            cells = [tuple(row) for row in ws.iter_rows(max_row=MAX_ROWS + HEADER_SEARCH_ROWS + 1)]
            if len(cells) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise InputError(f"Trang {ws.title} có quá nhiều dòng (tối đa {MAX_ROWS} chỉ tiêu).")
            # a formula is never a label either: the header is looked for among typed values only
            found = _header([tuple(None if is_formula(c) else c.value for c in row) for row in cells])
            if found is None:
                continue
            top, columns = found
            reader = _Reader(cat, state, ws.title, columns)
            for number in range(top + 1, len(cells)):
                row = _read_row(reader, cells[number], number + 1, columns, taken, default_from)
                if row is None:
                    continue
                rows.append(row)
                if row.entry is not None:
                    entries.append((row, row.entry))
    finally:
        book.close()
    if not rows:
        raise InputError(f"Tệp {path.name} không có trang nào có dòng tiêu đề STT, Chỉ tiêu, ĐVT.")
    preview = FormPreview(path, rows)
    _plan(preview, state, entries, default_from)
    return preview


def _cell(cells: tuple, columns: dict[str, int], column: str, row_number: int, sheet: str):
    index = columns.get(column)
    if index is None or index >= len(cells):
        return None
    cell = cells[index]
    if is_formula(cell):
        from openpyxl.utils import get_column_letter
        raise InputError(formula_refusal(cell, f"{sheet}!{get_column_letter(index + 1)}{row_number}"))
    return _text(cell.value, f"{sheet}!{column}{row_number}")


def _read_row(reader: _Reader, row_cells: tuple, row_number: int, columns: dict[str, int],
              taken: set[str], default_from: int | None) -> FormRow | None:
    from openpyxl.utils import get_column_letter

    where = f"{reader.sheet}!{get_column_letter(columns['name'] + 1)}{row_number}"
    try:
        cells = {c: _cell(row_cells, columns, c, row_number, reader.sheet) for c in COLUMNS}
    except InputError as error:
        return FormRow(where, "", "", "", REFUSED, reason=str(error))
    stt, name, unit = cells["stt"] or "", cells["name"] or "", cells["unit"] or ""
    if not any(cells.values()):
        return None
    if not name:
        return FormRow(where, stt, name, unit, REFUSED, reason="thiếu tên chỉ tiêu")
    stt_key = _key(stt)
    if not unit and (not stt_key or ROMAN.match(stt_key) or LETTER.match(stt_key)):
        return _heading(reader, where, stt, name, cells["sector"])
    if not unit:
        return FormRow(where, stt, name, unit, REFUSED, reason="thiếu ĐVT (đơn vị tính)")
    return _indicator_row(reader, where, stt, name, unit, cells, taken, default_from)


def _heading(reader: _Reader, where: str, stt: str, name: str, sector_cell: str) -> FormRow:
    code = sector_cell if sector_cell in reader.cat.sectors else _sector_of(reader.cat, name)
    reader.last_top = None
    if code is None:
        reader.sector, reader.heading_row = None, FormRow(where, stt, name, "", REFUSED, reason=(
            f"không có lĩnh vực “{name}” trong danh mục: sửa tên cho đúng, ghi mã lĩnh vực ở cột Lĩnh vực, "
            "hoặc thêm lĩnh vực trước (catalog-add với [[sector]])"))
        return reader.heading_row
    reader.sector = code
    reader.heading_row = FormRow(where, stt, name, "", SECTOR, code=code, reason=reader.cat.sectors[code].name)
    return reader.heading_row


def _indicator_row(reader: _Reader, where: str, stt: str, name: str, unit: str, cells: dict, taken: set[str],
                   default_from: int | None) -> FormRow:
    cat = reader.cat
    name = IN_WHICH.sub("", name).strip() or name
    row = FormRow(where, stt, name, unit, REFUSED)
    sector = cells["sector"] if cells["sector"] in cat.sectors else reader.sector
    if cells["sector"] and cells["sector"] not in cat.sectors:
        row.reason = f"lĩnh vực “{cells['sector']}” không có trong danh mục"
        return row
    if sector is None:
        heading = reader.heading_row
        row.reason = (f"thuộc lĩnh vực chưa nhận được ({heading.where}: {heading.name})" if heading is not None
                      else "chưa rõ lĩnh vực: thêm dòng tên lĩnh vực phía trên, hoặc cột Lĩnh vực")
        return row
    parent, parent_row, why = reader.parent_of(cells["parent"] or "", _key(stt), cells["name"] or "")
    parent_said = "parent" in reader.columns or parent is not None
    if why:
        row.reason = why
        return row
    if parent_row is not None and parent_row.status == REFUSED:
        row.reason = f"chỉ tiêu cha ({parent_row.where}) không nhận được"
        return row
    code = cells["code"] or ""
    matched = reader.match(code, name, sector)
    entry = {"name": name, "unit": unit}
    guessed = []
    for column, words in (("kind", KIND_WORDS), ("entry", ENTRY_WORDS)):
        if cells[column]:
            value = words.get(_key(cells[column]))
            if value is None:
                row.reason = f"{column} “{cells[column]}” không hợp lệ (ghi {', '.join(sorted(set(words)))})"
                return row
            entry[column] = value
    for column in ("valid_from", "valid_to"):
        if cells[column]:
            text = cells[column]
            if re.match(r"^\d{1,2}/\d{4}$", text):  # 07/2025, as officials write it
                text = "-".join(reversed(text.split("/")))
            try:
                entry[column] = parse_validity_month(text, where, COLUMNS[column][0])
            except InputError as error:
                row.reason = str(error)
                return row
    if matched is not None:
        ind = cat.indicators[matched]
        changes = {k: v for k, v in entry.items() if getattr(ind, k) != v}
        if parent_said and (parent or None) != ind.parent:
            changes["parent"] = parent or ""
        elif not parent_said:
            parent = ind.parent
        row.code = matched
        row.status = CHANGED if changes else SAME
        if changes:
            row.entry = dict(changes, code=matched)
            row.reason = "; ".join(field_changes(row_of_indicator(ind), dict(row_of_indicator(ind), **changes)))
        if ind.sector != sector:
            row.reason = "; ".join(filter(None, [row.reason, f"trong danh mục ở lĩnh vực {cat.sectors[ind.sector].short}"]))
    else:
        if code and code in reader.state.used:
            row.reason = f"mã “{code}” đã từng dùng cho một chỉ tiêu đã bỏ; không dùng lại mã cũ"
            return row
        if "kind" not in entry:
            entry["kind"] = "rate" if unit.strip() in ("%", "‰") else "flow"
            guessed.append(f"loại {KIND_LABELS[entry['kind']]} (đoán theo ĐVT)")
            if entry["kind"] == "rate":
                entry["decimals"] = 1
        row.code = code or suggest_code(reader.state, name, sector, taken)
        taken.add(row.code)
        row.status = NEW
        row.entry = dict(entry, code=row.code, sector=sector, **({"parent": parent} if parent else {}))
        if "valid_from" not in entry:
            guessed.append(f"áp dụng từ {month_text(default_from or this_year_start())}")
        row.reason = "; ".join(guessed)
    row.parent = parent or ""
    reader.by_code[row.code] = row
    reader.by_name.setdefault(_key(name), row)
    if stt:
        reader.by_stt[(sector, _key(stt))] = row
    if not parent:
        reader.last_top = row
    return row


def _plan(preview: FormPreview, state: CatalogueState, entries: list[tuple[FormRow, dict]],
          default_from: int | None) -> None:
    """Plan the rows the form can take; a row the catalogue's rules refuse becomes refused, with why."""
    preview.data = {"indicator": [entry for _row, entry in entries]}
    if not entries:
        return
    plan = plan_file(state, preview.data, default_from=default_from)
    refused_codes = set()
    for number, reason in plan.refused:
        row = entries[number - 1][0]
        row.status, row.reason, row.entry = REFUSED, reason, None
        refused_codes.add(row.code)
    for row, _entry in entries:  # the parts of a refused new row cannot come either
        if row.status != REFUSED and row.parent in refused_codes:
            row.status, row.reason, row.entry = REFUSED, "chỉ tiêu cha không nhận được", None
    preview.data = {"indicator": [entry for row, entry in entries if row.status != REFUSED]}
    preview.plan = plan_file(state, preview.data, default_from=default_from) if preview.data["indicator"] else None
    if preview.plan is not None and preview.plan.refused:  # a part whose parent left above: say so, not more
        for number, reason in preview.plan.refused:
            row = next(r for r, e in entries if e is preview.data["indicator"][number - 1])
            row.status, row.reason, row.entry = REFUSED, reason, None
        preview.data = {"indicator": [entry for row, entry in entries if row.status != REFUSED]}
        preview.plan = plan_file(state, preview.data, default_from=default_from) if preview.data["indicator"] else None


def apply_form(store: Store, preview: FormPreview, *, confirm: bool = False, default_from: int | None = None,
               user: str | None = None) -> CataloguePlan:
    """Write the rows the preview can take, in one transaction (the refused ones are left out)."""
    if not preview.data.get("indicator"):
        raise InputError("Không có dòng nào nhận được; chưa ghi gì.")
    return apply_catalogue_file(store, preview.data, confirm=confirm, skip_refused=True, default_from=default_from,
                                user=user, note=f"biểu danh mục {preview.path.name}")
