"""Officials' changes to the catalogue: add an indicator or a "trong đó" part, change it, move it
within its sector, retire it from a month on, or add and update many at once from a file.

Each change has one pure validator (`plan_add`, `plan_update`, `plan_move`, `plan_retire`,
`plan_file`): it takes the catalogue as it is, the figures already entered (`FigureUse`) and the
codes ever used, refuses with a Vietnamese `InputError`, and returns a `CataloguePlan` — the
indicators after the change, what it does to the figures already entered (`effects`) and
whether that needs the official's confirmation. Each has one writer (`add_indicator`,
`update_indicator`, `move_indicator`, `retire_indicator`, `apply_catalogue_file`) that plans
again inside one transaction, refuses an unconfirmed plan (`ConfirmationNeeded`, nothing
written), writes the rows and one `catalogue_history` row per indicator changed. With
`dry_run=True` a writer only returns the plan, so the window can show it and ask first.

Rules: a code once used is never used again (retired indicators keep theirs; the history
keeps every code); a change of kind, of entry or a new formula for an indicator with figures
needs confirmation; a formula names existing indicators without cycles; validity never hides
a figure already entered; a "trong đó" part stays within its parent's sector and validity.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .catalogue import (
    DIRECTION_LABELS,
    ENTRY_LABELS,
    KIND_LABELS,
    Catalogue,
    FigureUse,
    Indicator,
    build_catalogue,
    check_links,
    figure_uses,
    hidden_figures,
    indicator_as_toml,
    month_text,
    parse_indicator,
    parse_validity_month,
    read_catalogue,
    record_history,
    row_of_indicator,
    upsert_rows,
    used_codes,
    validity_text,
)
from .errors import InputError
from .periods import add_months, month_key
from .store import Store
from .text import nfc

FIELD_LABELS = {"name": "tên", "unit": "ĐVT", "kind": "loại", "direction": "hướng", "decimals": "số chữ số thập phân tối đa",
                "summable": "cộng từ đơn vị cấp dưới", "entry": "cách nhập", "parts": "các phần “trong đó”",
                "formula": "công thức", "measured_by": "tính % kế hoạch theo", "measured_note": "ghi chú cách tính",
                "plan_indicator": "kế hoạch lấy từ", "min_value": "giá trị nhỏ nhất", "max_value": "giá trị lớn nhất",
                "key": "chỉ tiêu chủ yếu", "checks_off": "quy tắc kiểm tra tắt", "valid_from": "áp dụng từ",
                "valid_to": "áp dụng đến", "position": "vị trí", "sentence": "nhóm câu",
                "is_count": "đếm (dưới 10 viết 01-09)"}
# Keys of an `[[indicator]]` entry an update may change (the code, sector and parent stay).
UPDATABLE = ("name", "unit", "kind", "direction", "decimals", "summable", "entry", "parts", "formula", "measured_by",
             "measured_note", "plan_indicator", "min", "max", "key", "checks_off", "valid_from", "valid_to",
             "sentence", "count")
SECTOR_KEYS = ("code", "name", "short", "parent", "outline", "narrative_only", "heading")
MAX_CODE_CHARS = 40
IN_WHICH = re.compile(r"^trong\s+đó\s*[:,-]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class CatalogueState:
    """What every validator reads: the catalogue, the figures entered per indicator, the codes ever used."""

    cat: Catalogue
    uses: dict[str, FigureUse]
    used: frozenset[str]


def read_state(store: Store) -> CatalogueState:
    """The catalogue and its figures read afresh (inside a write, what the transaction sees)."""
    return CatalogueState(read_catalogue(store), figure_uses(store.conn), frozenset(used_codes(store.conn)))


@dataclass
class CataloguePlan:
    """A validated change, not yet written: the rows before and after, and what it does."""

    action: str  # add, change, move, retire (the history's action), or "file" for several
    code: str  # the indicator chosen ("" for a file)
    before: dict[str, dict]  # indicator rows by code, catalogue order
    after: dict[str, dict]  # the same after the change, new order, positions renumbered
    summary: list[str]  # one Vietnamese line per indicator (or sector) changed
    effects: list[str] = field(default_factory=list)  # what happens to figures already entered
    needs_confirmation: bool = False
    moved: set[str] = field(default_factory=set)  # indicators whose place the official changed
    sectors_before: dict[str, dict] = field(default_factory=dict)
    sectors_after: dict[str, dict] = field(default_factory=dict)
    refused: list[tuple[int, str]] = field(default_factory=list)  # a file's entries not taken: (number, why)

    @property
    def changed(self) -> list[str]:
        """Codes added or changed (a position renumbered by an insertion does not count)."""
        return [code for code, row in self.after.items() if code not in self.before
                or code in self.moved or _without_position(row) != _without_position(self.before[code])]

    @property
    def changed_sectors(self) -> list[str]:
        """Sectors added or changed (not only renumbered)."""
        return [code for code, row in self.sectors_after.items() if code not in self.sectors_before
                or _without_position(row) != _without_position(self.sectors_before[code])]

    def message(self) -> str:
        """The plan in Vietnamese, for the question before writing and the command line."""
        return " ".join(self.summary + self.effects) or "Không có gì thay đổi."


class ConfirmationNeeded(InputError):
    """A change that needs the official's explicit yes (kind or entry of an indicator with figures)."""

    def __init__(self, plan: CataloguePlan):
        self.plan = plan
        super().__init__(f"{plan.message()} Thay đổi này cần xác nhận; chưa ghi gì.")


def _without_position(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "position"}


def _rows(cat: Catalogue) -> dict[str, dict]:
    return {code: row_of_indicator(ind) for code, ind in cat.indicators.items()}


def _renumbered(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: dict(row, position=i) for i, row in enumerate(rows)}


def _sector_rows(cat: Catalogue) -> dict[str, dict]:
    return {code: {"code": s.code, "name": s.name, "short": s.short, "parent": s.parent, "outline": s.outline,
                   "narrative_only": int(s.narrative_only), "position": s.position, "heading": s.heading}
            for code, s in cat.sectors.items()}


def _rebuilt(state: CatalogueState, plan: CataloguePlan) -> CatalogueState:
    """The state as it will be once `plan` is written (to plan the next change of a file on it)."""
    cat = state.cat
    sources = [vars(s) for s in cat.sources.values()]
    rules = [vars(r) for r in cat.rules]
    sectors = list((plan.sectors_after or _sector_rows(cat)).values())
    return CatalogueState(build_catalogue(sources, sectors, list(plan.after.values()), rules), state.uses,
                          state.used | set(plan.after))


def _descendants(cat: Catalogue, code: str) -> list[str]:
    result = []
    for child in cat.children.get(code, []):
        result.append(child)
        result.extend(_descendants(cat, child))
    return result


def _shown(column: str, value) -> str:
    if value is None or value == "":
        return "(trống)" if column not in ("valid_from", "valid_to") else "không giới hạn"
    if column == "kind":
        return KIND_LABELS.get(value, value)
    if column == "direction":
        return DIRECTION_LABELS.get(value, value)
    if column == "entry":
        return ENTRY_LABELS.get(value, value)
    if column in ("summable", "key", "is_count"):
        return "có" if value else "không"
    if column in ("valid_from", "valid_to"):
        return month_text(value)
    return str(value)


def field_changes(before: dict, after: dict) -> list[str]:
    """"tên: A → B" for each field that differs between two indicator rows."""
    return [f"{FIELD_LABELS.get(column, column)}: {_shown(column, before[column])} → {_shown(column, after[column])}"
            for column in after if column not in ("code", "position") and before.get(column) != after[column]]


def _span(use: FigureUse) -> str:
    first, last = month_text(use.first), month_text(use.last)
    months = f"tháng {first}" if first == last else f"từ {first} đến {last}"
    return f"{use.count} số liệu đã nhập ({months}, {use.units} đơn vị)"


def figure_effects(old: Indicator, new: dict, use: FigureUse | None) -> tuple[list[str], bool]:
    """What a change does to the figures already entered, and whether it needs confirmation."""
    effects: list[str] = []
    if old.kind != new["kind"]:
        text = f"Loại đổi từ {KIND_LABELS[old.kind]} sang {KIND_LABELS[new['kind']]}"
        if old.kind == "flow":
            text += ": lũy kế và số quý, năm sẽ là mức của tháng gần nhất, không còn là tổng các tháng"
        elif new["kind"] == "flow":
            text += ": lũy kế và số quý, năm sẽ là tổng các tháng, không còn là mức của tháng gần nhất"
        if use:
            text += f"; {_span(use)} được tính lại theo loại mới"
            if old.kind == "flow" and (use.ytd_count or use.term_count):
                text += (f"; {use.ytd_count + use.term_count} số đã nhập dưới dạng lũy kế sẽ không còn được đọc "
                         "(vẫn giữ trong tệp và lịch sử: đổi lại loại cũ thì đọc lại được)")
        effects.append(text + ".")
    if old.entry != new["entry"]:
        text = (f"Cách nhập đổi từ {ENTRY_LABELS[old.entry]} sang {ENTRY_LABELS[new['entry']]}: từ nay ô nhập là cột "
                f"“{'Lũy kế' if new['entry'] == 'ytd' else 'Thực hiện kỳ này'}”")
        if use:
            text += f"; {_span(use)} giữ nguyên như đã nhập và vẫn được tính"
        effects.append(text + ".")
    if new["formula"] != old.formula:
        if not old.formula:
            text = f"“{new['name']}” sẽ được tính theo công thức {new['formula']}, không nhập trực tiếp nữa"
            if use:
                text += f"; {_span(use)} sẽ không còn được dùng (vẫn giữ trong tệp và lịch sử)"
        elif not new["formula"]:
            text = f"“{new['name']}” không còn tính theo công thức ({old.formula}): cán bộ nhập trực tiếp"
        else:
            text = f"Công thức đổi từ {old.formula} thành {new['formula']}: số liệu được tính lại"
        effects.append(text + ".")
    if bool(old.summable) != bool(new["summable"]):
        effects.append("Số của đơn vị chưa nhập sẽ " + ("được cộng từ các đơn vị cấp dưới." if new["summable"]
                                                      else "không còn được cộng từ các đơn vị cấp dưới."))
    if old.direction != new["direction"]:
        effects.append(f"Hướng đổi từ “{DIRECTION_LABELS[old.direction]}” sang “{DIRECTION_LABELS[new['direction']]}”: "
                       "% đạt kế hoạch được tính lại.")
    confirm = bool(use) and (old.kind != new["kind"] or old.entry != new["entry"]
                             or (bool(new["formula"]) and not old.formula))
    return effects, confirm


# -- codes --------------------------------------------------------------------------------------------------
def _ascii_words(text: str) -> list[str]:
    text = (nfc(text) or "").replace("đ", "d").replace("Đ", "D")
    plain = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    word, words = "", []
    for ch in plain.lower():
        if ch.isascii() and ch.isalnum():
            word += ch
        elif word:
            words.append(word)
            word = ""
    return words + ([word] if word else [])


def suggest_code(state: CatalogueState, name: str, sector: str, taken: set[str] = frozenset()) -> str:
    """A code for a new indicator: its sector's usual prefix and the name's first words without
    accents ("tm_doanh_thu_du_lich"), made unique against every code ever used."""
    name = IN_WHICH.sub("", nfc(name) or "")
    prefixes = Counter(ind.code.split("_")[0] for ind in state.cat.in_sector(sector) if "_" in ind.code)
    prefix = prefixes.most_common(1)[0][0] if prefixes else "ct"
    words = [w for w in _ascii_words(name) if w not in ("va", "cua", "cac", "so", "tong")][:4] \
        or _ascii_words(name)[:4] or ["chi_tieu"]
    base = "_".join([prefix] + words)[:MAX_CODE_CHARS].rstrip("_")
    code, number = base, 2
    while code in state.used or code in taken:
        suffix = f"_{number}"
        code, number = base[:MAX_CODE_CHARS - len(suffix)] + suffix, number + 1
    return code


def _refuse_used(state: CatalogueState, code: str) -> None:
    if code in state.cat.indicators:
        raise InputError(f"Mã “{code}” đã có trong danh mục (chỉ tiêu “{state.cat.indicators[code].name}”). "
                         "Mỗi chỉ tiêu một mã riêng; hãy chọn mã khác.")
    if code in state.used:
        raise InputError(f"Mã “{code}” đã từng dùng cho một chỉ tiêu trước đây (xem lịch sử danh mục); mã đã dùng "
                         "không được dùng lại cho chỉ tiêu khác. Hãy chọn mã khác.")


# -- the validators (pure) -------------------------------------------------------------------------------------
def _clean(fields: dict) -> dict:
    return {k: (nfc(v) if isinstance(v, str) else v) for k, v in fields.items() if v is not None}


def this_year_start(today: date | None = None) -> int:
    """January of the current year: when a new indicator applies unless told otherwise."""
    return month_key((today or date.today()).year, 1)


def plan_add(state: CatalogueState, fields: dict, *, default_from: int | None = None) -> CataloguePlan:
    """A new indicator (an `[[indicator]]` entry; `parent` makes it a "trong đó" part).

    Without `code` one is suggested from the name; without `valid_from` it applies from
    `default_from` (January of this year when not given), never before its parent.
    """
    cat = state.cat
    raw = _clean(fields)
    unknown = [key for key in raw if key not in UPDATABLE + ("code", "sector", "parent")]
    if unknown:
        raise InputError(f"Chỉ tiêu mới: không có khóa “{unknown[0]}” (có: code, sector, parent, "
                         f"{', '.join(UPDATABLE)}).")
    parent = cat.indicator(raw["parent"]) if raw.get("parent") else None
    if parent is not None:
        sector = raw.setdefault("sector", parent.sector)
        if sector != parent.sector:
            raise InputError(f"Phần “trong đó” phải cùng lĩnh vực với chỉ tiêu cha “{parent.name}”.")
    if parent is not None and raw.get("name"):  # the annex writes "Trong đó:" itself
        raw["name"] = IN_WHICH.sub("", raw["name"]).strip() or raw["name"]
    if not raw.get("name"):
        raise InputError("Chỉ tiêu mới cần có tên.")
    if raw.get("sector") not in cat.sectors:
        raise InputError(f"Lĩnh vực “{raw.get('sector', '')}” không có trong danh mục.")
    raw["code"] = raw.get("code") or suggest_code(state, raw["name"], raw["sector"])
    _refuse_used(state, raw["code"])
    if "valid_from" not in raw:
        start = default_from if default_from is not None else this_year_start()
        if parent is not None and parent.valid_from is not None:
            start = max(start, parent.valid_from)
        raw["valid_from"] = str(start)
    if parent is not None and "valid_to" not in raw and parent.valid_to is not None:
        raw["valid_to"] = str(parent.valid_to)
    row = parse_indicator(raw, 0, set(cat.sectors), set(cat.indicators))
    order = list(_rows(cat).values())
    order.insert(_insert_at(cat, row, order), row)
    after = _renumbered(order)
    check_links(list(after.values()))
    part = f"; phần “trong đó” của “{parent.name}”" if parent else ""
    summary = [(f"Thêm chỉ tiêu “{row['name']}” (mã {row['code']}; ĐVT {row['unit']}; {KIND_LABELS[row['kind']]}; "
                f"lĩnh vực {cat.sectors[row['sector']].short}{part}; áp dụng "
                f"{validity_text(row['valid_from'], row['valid_to'])}).")]
    return CataloguePlan("add", row["code"], _rows(cat), after, summary)


def _insert_at(cat: Catalogue, row: dict, order: list[dict]) -> int:
    """Where a new indicator goes: after its parent's last part, else after its sector's last
    indicator, else after the indicators of the sectors before its own."""
    codes = [r["code"] for r in order]
    if row["parent"]:
        block = [row["parent"]] + _descendants(cat, row["parent"])
        return max(codes.index(c) for c in block) + 1
    same = [i for i, r in enumerate(order) if r["sector"] == row["sector"]]
    if same:
        return same[-1] + 1
    sector_position = {code: s.position for code, s in cat.sectors.items()}
    mine = sector_position[row["sector"]]
    before = [i for i, r in enumerate(order) if sector_position[r["sector"]] < mine]
    return before[-1] + 1 if before else 0


def plan_update(state: CatalogueState, code: str, changes: dict) -> CataloguePlan:
    """Change some fields of an indicator (`UPDATABLE` keys of an `[[indicator]]` entry)."""
    cat = state.cat
    ind = cat.indicator(code)
    changes = dict(changes)
    changes.pop("code", None)
    for key, label in (("sector", "lĩnh vực"), ("parent", "chỉ tiêu cha")):
        if key in changes:
            value = nfc(changes.pop(key)) or None
            if value != (getattr(ind, key) or None):
                raise InputError(f"Không đổi {label} của chỉ tiêu “{ind.name}”: hãy thêm chỉ tiêu mới ở chỗ mới và "
                                 "ngừng theo dõi chỉ tiêu này (số liệu cũ vẫn giữ).")
    unknown = [key for key in changes if key not in UPDATABLE]
    if unknown:
        raise InputError(f"Chỉ tiêu “{ind.code}”: không sửa được “{unknown[0]}” (sửa được: {', '.join(UPDATABLE)}).")
    raw = dict(indicator_as_toml(ind), **{k: ("" if v is None else v) for k, v in changes.items()})
    raw = {k: v for k, v in raw.items() if v != "" or k in ("valid_from", "valid_to", "formula")}
    old_row = row_of_indicator(ind)
    new_row = parse_indicator(raw, ind.position, set(cat.sectors), set(cat.indicators) - {ind.code})
    use = state.uses.get(ind.code)
    reason = hidden_figures(new_row, use)
    if reason:
        raise InputError(reason)
    rows = _rows(cat)
    rows[ind.code] = new_row
    check_links(list(rows.values()))
    changed = field_changes(old_row, new_row)
    if not changed:
        return CataloguePlan("change", ind.code, _rows(cat), _rows(cat), [])
    effects, confirm = figure_effects(ind, new_row, use)
    summary = [f"Sửa chỉ tiêu “{ind.name}” ({ind.code}): " + "; ".join(changed) + "."]
    return CataloguePlan("change", ind.code, _rows(cat), rows, summary, effects, confirm)


def plan_move(state: CatalogueState, code: str, steps: int) -> CataloguePlan:
    """Move an indicator (with its parts) up (`steps` < 0) or down among the indicators of the
    same level in its sector."""
    cat = state.cat
    ind = cat.indicator(code)
    siblings = [i.code for i in cat.in_sector(ind.sector) if i.parent == ind.parent]
    here = siblings.index(ind.code)
    target = here + steps
    if steps == 0 or not 0 <= target < len(siblings):
        where = "đầu" if steps < 0 else "cuối"
        raise InputError(f"“{ind.name}” đã ở {where} danh sách trong lĩnh vực {cat.sectors[ind.sector].short}.")
    block = [ind.code] + _descendants(cat, ind.code)
    rows = _rows(cat)
    order = [c for c in rows if c not in block]
    anchor = siblings[target]
    if steps < 0:
        at = order.index(anchor)
    else:
        at = max(order.index(c) for c in [anchor] + _descendants(cat, anchor)) + 1
    order[at:at] = block
    after = _renumbered([rows[c] for c in order])
    where = f"lên trước “{cat.indicators[anchor].name}”" if steps < 0 else f"xuống sau “{cat.indicators[anchor].name}”"
    summary = [f"Chuyển “{ind.name}” {where}."]
    return CataloguePlan("move", ind.code, rows, after, summary, moved={ind.code})


def plan_retire(state: CatalogueState, code: str, last_month: int) -> CataloguePlan:
    """Stop an indicator (and its "trong đó" parts) after `last_month`: its figures up to then
    stay and are read in their own periods; later periods no longer show it."""
    cat = state.cat
    ind = cat.indicator(code)
    rows = _rows(cat)
    if ind.valid_from is not None and last_month < ind.valid_from:
        raise InputError(f"“{ind.name}” chỉ áp dụng từ tháng {month_text(ind.valid_from)}: không thể ngừng sau "
                         f"tháng {month_text(last_month)}, trước khi bắt đầu.")
    stopped = []
    for member in [ind.code] + _descendants(cat, ind.code):
        row = rows[member]
        if row["valid_to"] is None or row["valid_to"] > last_month:
            row = rows[member] = dict(row, valid_to=last_month)
            reason = hidden_figures(row, state.uses.get(member))
            if reason:
                raise InputError(reason)
            stopped.append(member)
    if not stopped:
        return CataloguePlan("retire", ind.code, _rows(cat), _rows(cat), [])
    check_links(list(rows.values()))
    first_gone = month_text(add_months(last_month, 1))
    summary = [(f"Ngừng theo dõi “{ind.name}” từ tháng {first_gone}: các kỳ từ đó không còn chỉ tiêu này trong "
                f"lưới nhập, kiểm tra, báo cáo và biểu; số liệu đến tháng {month_text(last_month)} vẫn giữ và xem được "
                "trong các kỳ của nó.")]
    parts = [cat.indicators[c].name for c in stopped if c != ind.code]
    if parts:
        summary.append("Các phần “trong đó” cũng ngừng: " + "; ".join(f"“{p}”" for p in parts) + ".")
    return CataloguePlan("retire", ind.code, _rows(cat), rows, summary)


def plan_file(state: CatalogueState, data: dict, *, default_from: int | None = None) -> CataloguePlan:
    """Add or update the `[[sector]]` and `[[indicator]]` entries of a file (the catalogue file's
    form): an entry whose code exists updates it (only the keys given), one with a new code is
    added. Planned one after another, so a part may follow its new parent in the same file. An
    entry that cannot be taken is listed in `refused` (number from 1, reason) and left out; the
    writer refuses the whole file when there is any, unless told to skip them."""
    if not isinstance(data.get("indicator", []), list) or not isinstance(data.get("sector", []), list):
        raise InputError("Tệp danh mục phải có các mục [[indicator]] (và có thể [[sector]]).")
    if not data.get("indicator") and not data.get("sector"):
        raise InputError("Tệp không có chỉ tiêu ([[indicator]]) hay lĩnh vực ([[sector]]) nào.")
    sectors, summary = _plan_sectors(state.cat, data.get("sector", []))
    plan = CataloguePlan("file", "", _rows(state.cat), _rows(state.cat), summary,
                         sectors_before=_sector_rows(state.cat), sectors_after=sectors)
    state = _rebuilt(state, plan)
    for number, raw in enumerate(data.get("indicator", []), start=1):
        code = nfc(raw.get("code")) or "" if isinstance(raw, dict) else ""
        try:
            if not isinstance(raw, dict):
                raise InputError("mục không hợp lệ")
            step = (plan_update(state, code, {k: v for k, v in raw.items() if k != "code"})
                    if code in state.cat.indicators else plan_add(state, raw, default_from=default_from))
        except InputError as error:
            plan.refused.append((number, str(error)))
            continue
        plan.after = step.after
        plan.summary += step.summary
        plan.effects += step.effects
        plan.needs_confirmation |= step.needs_confirmation
        state = _rebuilt(state, plan)
    return plan


def refused_text(data: dict, refused: list[tuple[int, str]]) -> str:
    """Every entry of a file that cannot be taken, one clause each."""
    entries = data.get("indicator", [])
    parts = []
    for number, reason in refused:
        raw = entries[number - 1] if 0 < number <= len(entries) and isinstance(entries[number - 1], dict) else {}
        label = nfc(raw.get("code")) or nfc(raw.get("name")) or ""
        parts.append(f"mục chỉ tiêu thứ {number}{f' ({label})' if label else ''}: {reason}")
    return "; ".join(parts)


def _plan_sectors(cat: Catalogue, entries: list) -> tuple[dict[str, dict], list[str]]:
    """The sector rows after adding or updating `entries`, and their summary lines."""
    rows = _sector_rows(cat)
    summary = []
    for number, raw in enumerate(entries, start=1):
        if not isinstance(raw, dict):
            raise InputError(f"Mục lĩnh vực thứ {number} không hợp lệ.")
        unknown = [k for k in raw if k not in SECTOR_KEYS]
        if unknown:
            raise InputError(f"Lĩnh vực thứ {number}: khóa “{unknown[0]}” không có ({', '.join(SECTOR_KEYS)}).")
        code = nfc(raw.get("code")) or ""
        if not code or not code.isidentifier() or not code.isascii():
            raise InputError(f"Lĩnh vực thứ {number}: mã phải gồm chữ cái không dấu, chữ số và dấu gạch dưới.")
        parent = nfc(raw.get("parent")) or None
        if code in rows:
            old = rows[code]
            if "parent" in raw and parent != old["parent"]:
                raise InputError(f"Lĩnh vực “{code}”: không đổi lĩnh vực cha của một lĩnh vực đã có.")
            new = dict(old, **{k: nfc(raw[k]) for k in ("name", "short", "outline", "heading") if k in raw})
            if "narrative_only" in raw:
                new["narrative_only"] = int(bool(raw["narrative_only"]))
            if new != old:
                summary.append(f"Sửa lĩnh vực “{old['name']}”: " + "; ".join(
                    f"{k}: {old[k]} → {new[k]}" for k in new if old[k] != new[k]) + ".")
            rows[code] = new
            continue
        if not nfc(raw.get("name")):
            raise InputError(f"Lĩnh vực “{code}” thiếu tên.")
        if parent and parent not in rows:
            raise InputError(f"Lĩnh vực “{code}”: lĩnh vực cha “{parent}” không có.")
        new = {"code": code, "name": nfc(raw["name"]), "short": nfc(raw.get("short") or raw["name"]),
               "parent": parent, "outline": nfc(raw.get("outline", "")),
               "narrative_only": int(bool(raw.get("narrative_only"))), "position": 0,
               "heading": nfc(raw.get("heading", "")) or ""}
        order = list(rows.values())
        family = [i for i, r in enumerate(order) if r["code"] == parent or (parent and r["parent"] == parent)]
        order.insert(family[-1] + 1 if family else len(order), new)
        rows = {r["code"]: dict(r, position=i) for i, r in enumerate(order)}
        under = f", thuộc “{rows[parent]['name']}”" if parent else ""
        summary.append(f"Thêm lĩnh vực “{new['name']}” (mã {code}{under}).")
    return rows, summary


# -- the writers (one transaction each) ---------------------------------------------------------------------
def _commit(store: Store, make_plan: Callable[[CatalogueState], CataloguePlan], *, confirm: bool, dry_run: bool,
            user: str | None, note: str = "") -> CataloguePlan:
    plan = make_plan(read_state(store))
    if dry_run:
        return plan
    # Planned once before the write too: a refused or unconfirmed change, or a file SQLite cannot
    # read, stops here, before the session's first backup and before any transaction.
    if plan.needs_confirmation and not confirm:
        raise ConfirmationNeeded(plan)
    from .users import current_user

    user, origin = user or current_user(), store.installation_id
    with store.write() as conn:  # planned again on what the transaction sees
        plan = make_plan(read_state(store))
        if plan.needs_confirmation and not confirm:
            raise ConfirmationNeeded(plan)
        write_plan(conn, plan, user, note=note, origin=origin)
    return plan


def write_plan(conn, plan: CataloguePlan, user: str, *, note: str = "", origin: str | None = None) -> int:
    """Write a plan's sectors and indicators and their history, inside an open write transaction."""
    if plan.sectors_after:  # a file may add or change sectors
        upsert_rows(conn, "sectors", [row for code, row in plan.sectors_after.items()
                                      if plan.sectors_before.get(code) != row])
        record_history(conn, "sector", plan.sectors_before, plan.sectors_after, user, note=note, origin=origin)
    rows = [row for code, row in plan.after.items() if plan.before.get(code) != row]
    upsert_rows(conn, "indicators", rows)
    action = plan.action if plan.action != "file" else "change"
    return record_history(conn, "indicator", plan.before, plan.after, user, action=action, note=note,
                          moved=plan.moved, origin=origin)


def add_indicator(store: Store, fields: dict, *, default_from: int | None = None, dry_run: bool = False,
                  user: str | None = None) -> CataloguePlan:
    """Add an indicator (or a "trong đó" part); see `plan_add`."""
    return _commit(store, lambda s: plan_add(s, fields, default_from=default_from), confirm=True, dry_run=dry_run,
                   user=user)


def update_indicator(store: Store, code: str, changes: dict, *, confirm: bool = False, dry_run: bool = False,
                     user: str | None = None) -> CataloguePlan:
    """Change an indicator; a change of kind or entry of one with figures needs `confirm`."""
    return _commit(store, lambda s: plan_update(s, code, changes), confirm=confirm, dry_run=dry_run, user=user)


def move_indicator(store: Store, code: str, steps: int, *, dry_run: bool = False,
                   user: str | None = None) -> CataloguePlan:
    """Move an indicator up or down among its siblings in its sector."""
    return _commit(store, lambda s: plan_move(s, code, steps), confirm=True, dry_run=dry_run, user=user)


def retire_indicator(store: Store, code: str, last_month: int | str, *, dry_run: bool = False,
                     user: str | None = None) -> CataloguePlan:
    """Stop an indicator after `last_month` (a month key or "2025-06")."""
    month = parse_validity_month(last_month, f"Chỉ tiêu “{code}”", "tháng cuối cùng")
    if month is None:
        raise InputError("Hãy ghi tháng cuối cùng còn theo dõi chỉ tiêu, ví dụ 2025-06.")
    return _commit(store, lambda s: plan_retire(s, code, month), confirm=True, dry_run=dry_run, user=user)


def apply_catalogue_file(store: Store, data: dict, *, confirm: bool = False, dry_run: bool = False,
                         skip_refused: bool = False, default_from: int | None = None, user: str | None = None,
                         note: str = "") -> CataloguePlan:
    """Add and update the entries of a catalogue file in one transaction; see `plan_file`.

    An entry that cannot be taken refuses the whole file (every one named), unless
    `skip_refused`: then the others are written and the plan lists the ones left out.
    """
    def make(state: CatalogueState) -> CataloguePlan:
        plan = plan_file(state, data, default_from=default_from)
        if plan.refused and not skip_refused and not dry_run:
            raise InputError(f"Tệp có {len(plan.refused)} mục không nhận được; chưa ghi gì: "
                             f"{refused_text(data, plan.refused)}.")
        return plan

    return _commit(store, make, confirm=confirm, dry_run=dry_run, user=user, note=note)


__all__ = ["CataloguePlan", "CatalogueState", "ConfirmationNeeded", "add_indicator", "apply_catalogue_file",
           "field_changes", "figure_effects", "move_indicator", "plan_add", "plan_file", "plan_move", "plan_retire",
           "plan_update", "read_state", "retire_indicator", "suggest_code", "update_indicator", "write_plan"]
