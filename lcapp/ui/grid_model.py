"""The figures of one sector for a unit and period as a tree model: what the grid shows.

Rows are the sector's indicators valid in the period shown, "trong đó" parts under their
parent. Columns are named below; only the period's own figure (for indicators reported by
month), a flow's year-to-date, the status and the comment are editable, and only for a month.
Typed text is parsed here with the core's `parse_number`; a refused entry is kept on the cell
with its reason (never saved) until it is corrected or cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ..models.catalogue import catalogue
from ..models.errors import InputError
from ..models.figure_data import FigureData
from ..models.figures import STATUS_LABELS
from ..models.numbers import format_figure, format_number, format_percent, parse_number, percent_decimals
from ..models.organisation import organisation
from ..models.periods import Period
from ..models.progress import PLAN_SOURCE, IndicatorProgress, progress
from ..models.store import Store
from ..models.text import nfc
from .entry import CellEdit
from .qt_names import (
    ALIGN_CENTER,
    ALIGN_LEFT,
    ALIGN_RIGHT,
    ALIGNMENT_ROLE,
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    EDIT_ROLE,
    EDITABLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    HORIZONTAL,
    NO_FLAGS,
    SELECTABLE,
    TOOLTIP_ROLE,
)

NAME, DVT, VALUE, YTD, PERCENT, LAST_YEAR, VS_LAST_YEAR, STATUS, COMMENT = (
    "name", "dvt", "value", "ytd", "percent", "last_year", "vs_last_year", "status", "comment")
HEADERS = {NAME: "Chỉ tiêu", DVT: "ĐVT", VALUE: "Thực hiện kỳ này", YTD: "Lũy kế", PERCENT: "% KH",
           LAST_YEAR: "Cùng kỳ năm trước", VS_LAST_YEAR: "% so cùng kỳ", STATUS: "Trạng thái",
           COMMENT: "Ghi chú"}
NUMERIC = {VALUE, YTD, PERCENT, LAST_YEAR, VS_LAST_YEAR}
STATUS_BY_LABEL = {label: code for code, label in STATUS_LABELS.items()}
FIELD_OF_COLUMN = {VALUE: "value", YTD: "ytd", STATUS: "status", COMMENT: "comment"}

EDITABLE_BRUSH = QBrush(QColor("#fffbe6"))
ERROR_BRUSH = QBrush(QColor("#f8d0d0"))
DERIVED_BRUSH = QBrush(QColor("#6b6b6b"))
# The checks' findings on the indicator's entry cell: open ones by severity, explained ones grey.
FINDING_BRUSHES = {"error": QBrush(QColor("#f4b6b0")), "warning": QBrush(QColor("#fbd98a")),
                   "note": QBrush(QColor("#cfe3f7")), "explained": QBrush(QColor("#dcdcdc"))}
FINDING_ORDER = ("error", "warning", "note", "explained")
FINDING_LABELS = {"error": "Lỗi", "warning": "Cảnh báo", "note": "Lưu ý"}
FINDING_ROLES = [BACKGROUND_ROLE, TOOLTIP_ROLE]


@dataclass
class _Node:
    code: str
    parent: int  # node id of the parent row, 0 for top level
    row: int
    children: list[int] = field(default_factory=list)


def target_column(source: str) -> str:
    return f"target:{source}"


class SectorGridModel(QAbstractItemModel):
    """One sector's grid; `entry` (a FigureEntry) saves what is typed."""

    inputRejected = Signal(QPersistentModelIndex, str)
    errorsChanged = Signal()

    def __init__(self, store: Store, sector: str, entry=None, parent=None, cache=None):
        super().__init__(parent)
        self.store, self.sector, self.entry, self.cache = store, sector, entry, cache
        cat = self.cat = catalogue(store)
        self.codes = [ind.code for ind in cat.in_sector(sector)]
        self.unit: str | None = None
        self.period: Period | None = None
        self.figure_unit: str | None = None
        self.rows: dict[str, IndicatorProgress] = {}
        self.own: dict[str, tuple] = {}
        self.errors: dict[tuple[str, str], tuple[str, str]] = {}  # (code, column) -> (typed text, reason)
        self.findings: dict[str, tuple[str, str]] = {}  # indicator -> (colour key, tooltip lines)
        self.columns: list[str] = [NAME, DVT, VALUE, YTD, PERCENT, LAST_YEAR, VS_LAST_YEAR, STATUS, COMMENT]
        self.sources: list[str] = []
        self._text: dict[tuple[str, str], str] = {}  # display text, computed once per read
        self.pending: dict[tuple[str, str], object] = {}  # (code, VALUE or YTD) -> typed, not saved yet
        self.percent_places = percent_decimals(store.settings())
        self.locked = False  # a locked month: editable cells lose their colour (the LockGuard stops typing)
        self._build_tree()

    # -- structure ----------------------------------------------------------------------
    def _build_tree(self) -> None:
        cat = self.cat
        in_sector = set(self.codes)
        self.nodes: dict[int, _Node] = {}
        self.node_of: dict[str, int] = {}
        self.top: list[int] = []
        for number, code in enumerate(self.codes, start=1):
            parent_code = cat.indicators[code].parent
            parent_id = self.node_of.get(parent_code, 0) if parent_code in in_sector else 0
            siblings = self.nodes[parent_id].children if parent_id else self.top
            self.nodes[number] = _Node(code, parent_id, len(siblings))
            siblings.append(number)
            self.node_of[code] = number
        self.order = []  # display order (depth first), for moving down and pasting

        def walk(ids):
            for node_id in ids:
                self.order.append(self.nodes[node_id].code)
                walk(self.nodes[node_id].children)
        walk(self.top)

    def load(self, unit: str, period: Period) -> None:
        """Show `unit` in `period` (columns may change: one per target source in use)."""
        self.beginResetModel()
        self.unit, self.period = unit, period
        self.cat = catalogue(self.store)  # the catalogue may have changed since (Danh mục chỉ tiêu)
        codes = [ind.code for ind in self.cat.in_sector(self.sector, period)]
        if codes != self.codes:  # the indicators valid in this period
            self.codes = codes
            self._build_tree()
        org = organisation(self.store)
        reporter = org.unit(unit)
        self.figure_unit = reporter.reports_for if reporter.is_department else reporter.code
        self.errors.clear()
        self.findings = {}  # they were about the previous unit or period
        self._read()
        self.endResetModel()
        self.errorsChanged.emit()

    def refresh(self, codes=None) -> None:
        """Re-read after a save; computed cells of every row may depend on the changed ones."""
        if self.unit is None:
            return
        before = list(self.columns)
        self._read()
        if self.columns != before:
            self.beginResetModel()
            self.endResetModel()
            return
        if self.order:
            self._changed_everywhere()

    def set_locked(self, locked: bool) -> None:
        """Paint a locked month's editable cells like read-only ones; the window calls this with its LockGuard."""
        if locked == self.locked:
            return
        self.locked = locked
        if self.order:
            self._changed_everywhere([BACKGROUND_ROLE])

    def _changed_everywhere(self, roles=()) -> None:
        last = len(self.columns) - 1
        roles = list(roles)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.top) - 1, last), roles)
        for node_id, node in self.nodes.items():
            if node.children:
                parent = self.createIndex(node.row, 0, node_id)
                self.dataChanged.emit(self.index(0, 0, parent), self.index(len(node.children) - 1, last, parent),
                                      roles)

    def _read(self) -> None:
        cat, org = self.cat, organisation(self.store)
        self._text.clear()
        self.percent_places = percent_decimals(self.store.settings())  # as the reports print percents
        if self.cache is not None:
            every = self.cache.rows(self.unit, self.period, self.codes)
            rows = [every[code] for code in self.codes if code in every]
        else:
            rows = progress(self.store, self.unit, self.period, self.codes) if self.codes else []
        self.rows = {r.indicator: r for r in rows}
        self.pending = {}  # what was typed and is being saved: shown until the new state comes
        self.own = {}
        if self.period.is_month:
            data = FigureData(self.store, cat, org, [self.figure_unit])
            data.load_until(self.period.end_key)
            for code in self.codes:
                row = data.rows.get((self.figure_unit, code, self.period.end_key))
                if row is not None:
                    self.own[code] = row
        # "Kế hoạch năm": the year's own targets; term targets only in a year's view
        in_use = {s for r in rows for s in r.reported_targets(self.period)}
        self.sources = [s for s in list(cat.sources) if s in in_use]
        if PLAN_SOURCE in in_use and PLAN_SOURCE not in self.sources:
            self.sources.append(PLAN_SOURCE)
        self.columns = [NAME, DVT] + [target_column(s) for s in self.sources] + [
            VALUE, YTD, PERCENT, LAST_YEAR, VS_LAST_YEAR, STATUS, COMMENT]

    # -- Qt model interface -------------------------------------------------------------------
    def index(self, row, column, parent=QModelIndex()):
        if column < 0 or column >= len(self.columns) or row < 0:
            return QModelIndex()
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            ids = self.nodes[parent.internalId()].children
        else:
            ids = self.top
        if row >= len(ids):
            return QModelIndex()
        return self.createIndex(row, column, ids[row])

    def parent(self, index=QModelIndex()):
        if not index.isValid():
            return QModelIndex()
        parent_id = self.nodes[index.internalId()].parent
        if not parent_id:
            return QModelIndex()
        return self.createIndex(self.nodes[parent_id].row, 0, parent_id)

    def rowCount(self, parent=QModelIndex()):
        if not parent.isValid():
            return len(self.top)
        if parent.column() != 0:
            return 0
        return len(self.nodes[parent.internalId()].children)

    def columnCount(self, parent=QModelIndex()):
        return len(self.columns)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        if orientation != HORIZONTAL or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == DISPLAY_ROLE:
            if column.startswith("target:"):
                return self._source_short(column[7:])
            return HEADERS[column]
        if role == TOOLTIP_ROLE and column.startswith("target:"):
            source = column[7:]
            cat = self.cat
            name = cat.sources[source].name if source in cat.sources else source
            return f"Kế hoạch năm {self.period.year if self.period else ''} — {name}"
        return None

    def _source_short(self, source: str) -> str:
        cat = self.cat
        return cat.sources[source].short if source in cat.sources else source

    def code_at(self, index) -> str:
        return self.nodes[index.internalId()].code

    def column_key(self, index) -> str:
        return self.columns[index.column()]

    def index_of(self, code: str, column: str) -> QModelIndex:
        node_id = self.node_of.get(code)
        if node_id is None or column not in self.columns:
            return QModelIndex()
        return self.createIndex(self.nodes[node_id].row, self.columns.index(column), node_id)

    def entry_column(self, code: str) -> str:
        """The column officials type this indicator in: the month's value or the year-to-date."""
        ind = self.cat.indicators[code]
        return YTD if ind.kind == "flow" and ind.entry == "ytd" else VALUE

    def is_editable(self, code: str, column: str) -> bool:
        if self.period is None or not self.period.is_month:
            return False
        ind = self.cat.indicators[code]
        if ind.derived:
            return False
        # A flow's year-to-date is typed too, whichever way it is usually entered: a unit that
        # starts mid-year types its lũy kế once, then the months (as `enter --ytd` allows).
        return column in (STATUS, COMMENT) or column == self.entry_column(code) or (column == YTD and ind.is_flow)

    def flags(self, index):
        if not index.isValid():
            return NO_FLAGS
        base = SELECTABLE
        if self.is_editable(self.code_at(index), self.column_key(index)):
            base |= EDITABLE
        return base

    def own_content(self, code: str, column: str):
        """What the unit itself entered in an editable cell (None when nothing)."""
        row = self.own.get(code)
        if row is None:
            return "" if column == COMMENT else None
        if column == VALUE:
            return row[3]
        if column == YTD:
            return row[4] if self.cat.indicators[code].kind == "flow" else row[3]
        if column == STATUS:
            return row[6]
        if column == COMMENT:
            return row[7] or ""
        return None

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        code, column = self.code_at(index), self.column_key(index)
        row = self.rows.get(code)
        error = self.errors.get((code, column))
        editable = self.is_editable(code, column)
        if role == DISPLAY_ROLE:
            if error:
                return error[0]
            text = self._text.get((code, column))
            if text is None:
                text = self._text[(code, column)] = self._display(code, column, row)
            return text
        if role == EDIT_ROLE:
            if error:
                return error[0]
            if not editable:
                return self._display(code, column, row)
            content = self.own_content(code, column)
            if column in (VALUE, YTD):
                return format_number(content, 6) if content is not None else ""
            if column == STATUS:
                return STATUS_LABELS.get(content, "") if content else ""
            return content or ""
        if role == TOOLTIP_ROLE:
            if error:
                return error[1]
            tooltip = self._tooltip(code, column, row)
            finding = self.findings.get(code)
            if finding is not None and column == self.entry_column(code):
                return f"{tooltip}\n{finding[1]}" if tooltip else finding[1]
            return tooltip
        if role == BACKGROUND_ROLE:
            if error:
                return ERROR_BRUSH
            finding = self.findings.get(code)
            if finding is not None and column == self.entry_column(code):
                return FINDING_BRUSHES[finding[0]]
            return EDITABLE_BRUSH if editable and not self.locked else None
        from_children = row is not None and row.value_from_children and (code, column) not in self.pending
        if role == FOREGROUND_ROLE:
            if from_children and column in (VALUE, YTD):
                return DERIVED_BRUSH
            if column not in (NAME, DVT) and self.cat.indicators[code].derived:
                return DERIVED_BRUSH
            return None
        if role == FONT_ROLE:
            if column == NAME and not self.nodes[index.internalId()].parent and self.nodes[index.internalId()].children:
                return self._font("bold")
            if from_children and column in (VALUE, YTD):
                return self._font("italic")
            return None
        if role == ALIGNMENT_ROLE:
            if column in NUMERIC or column.startswith("target:"):
                return ALIGN_RIGHT
            if column in (DVT, STATUS):
                return ALIGN_CENTER
            return ALIGN_LEFT
        return None

    def set_findings(self, findings) -> None:
        """Show the checks' findings (core `Finding`s, as the "Kiểm tra" panel lists them) on the
        entry cells of their indicators: colour by the most severe open one, messages as tooltip."""
        grouped: dict[str, list] = {}
        for finding in findings:
            if finding.indicator in self.node_of:
                grouped.setdefault(finding.indicator, []).append(finding)
        new: dict[str, tuple[str, str]] = {}
        for code, items in grouped.items():
            keys = [f.severity if f.status == "open" else "explained" for f in items]
            lines = [f"{FINDING_LABELS.get(f.severity, f.severity)}: {f.message}"
                     + ("" if f.status == "open" else " (đã giải trình)") for f in items]
            new[code] = (min(keys, key=FINDING_ORDER.index), "\n".join(lines))
        changed = [code for code in set(new) | set(self.findings) if new.get(code) != self.findings.get(code)]
        self.findings = new
        for code in changed:
            index = self.index_of(code, self.entry_column(code))
            if index.isValid():
                self.dataChanged.emit(index, index, FINDING_ROLES)

    def _font(self, kind: str) -> QFont:
        fonts = self.__dict__.setdefault("_fonts", {})
        if kind not in fonts:
            font = QFont()
            font.setBold(kind == "bold")
            font.setItalic(kind == "italic")
            fonts[kind] = font
        return fonts[kind]

    def _display(self, code: str, column: str, row: IndicatorProgress | None) -> str:
        ind = self.cat.indicators[code]
        if column == NAME:
            return ind.name
        if column == DVT:
            return ind.unit
        if row is None:
            return ""
        if column.startswith("target:"):
            target = row.targets.get(column[7:])
            if isinstance(target, list):
                return f"{format_figure(target[0], ind.decimals)}-{format_figure(target[1], ind.decimals)}"
            return format_figure(target, ind.decimals)
        if (code, column) in self.pending:
            return format_figure(self.pending[(code, column)], ind.decimals)
        if column == VALUE:
            return format_figure(row.value, ind.decimals)
        if column == YTD:
            return format_figure(row.ytd, ind.decimals)
        if column == PERCENT:
            _source, percent = self.first_percent(row)
            return format_percent(percent, self.percent_places) if percent is not None else ""
        if column == LAST_YEAR:
            return format_figure(row.same_period_last_year, ind.decimals)
        if column == VS_LAST_YEAR:
            return format_percent(row.percent_vs_last_year, self.percent_places)
        if column == STATUS:
            return STATUS_LABELS.get(row.status, "") if row.status else ""
        if column == COMMENT:
            return " · ".join(row.comments)
        return ""

    def first_percent(self, row: IndicatorProgress) -> tuple[str | None, float | None]:
        """The percent of the first target source (in catalogue order) that gives one."""
        for source in self.sources:
            percent = row.percent_of_target.get(source)
            if percent is not None:
                return source, percent
        return None, None

    def _tooltip(self, code: str, column: str, row: IndicatorProgress | None) -> str | None:
        cat = self.cat
        if row is None:
            return cat.indicators[code].name if column == NAME else None
        if column == PERCENT and row.percent_of_target:
            lines = []
            for source in self.sources:
                percent = row.percent_of_target.get(source)
                if percent is not None:
                    name = cat.sources[source].short if source in cat.sources else source
                    lines.append(f"{name}: {format_percent(percent, self.percent_places)}%")
            if row.expected_pace is not None:
                lines.append(f"Tiến độ yêu cầu: {format_percent(row.expected_pace, self.percent_places)}%")
            return "\n".join(lines)
        if column.startswith("target:"):
            note = row.target_notes.get(column[7:])
            return note or None
        if column in (VALUE, YTD) and row.value_from_children:
            return "Tổng các đơn vị cấp dưới (đơn vị chưa nhập số của mình)."
        if column == NAME:
            ind = cat.indicators[code]
            return f"{ind.name}\nTính theo công thức: {ind.formula}" if ind.derived else ind.name
        return None

    # -- editing --------------------------------------------------------------------------------
    def parse_cell(self, code: str, column: str, text: str):
        """The content a typed text means for a cell; InputError says why not (pure)."""
        text = (nfc(str(text)) or "").strip()
        if column in (VALUE, YTD):
            return None if text == "" else parse_number(text)
        if column == STATUS:
            if text == "":
                return self.own_content(code, column)
            status = STATUS_BY_LABEL.get(text.lower()) or (text if text in STATUS_LABELS else None)
            if status is None:
                raise InputError(f"Trạng thái “{text}” không hợp lệ: chọn “ước” hoặc “chính thức”.")
            return status
        return text

    def setData(self, index, value, role=EDIT_ROLE):
        if role != EDIT_ROLE or not index.isValid() or not (self.flags(index) & EDITABLE):
            return False
        code, column = self.code_at(index), self.column_key(index)
        try:
            content = self.parse_cell(code, column, value)
            edit = CellEdit(code, FIELD_OF_COLUMN[column], self.own_content(code, column), content)
            if self.entry is not None:
                self.entry.submit(self.unit, self.period, [edit], f"Nhập {HEADERS[column].lower()}")
        except InputError as error:
            self.errors[(code, column)] = (str(value), str(error))
            self.dataChanged.emit(index, index)
            self.errorsChanged.emit()
            self.inputRejected.emit(QPersistentModelIndex(index), str(error))
            return False
        self._clear_error(code, column)
        self._show_pending(code, column, content)
        self.dataChanged.emit(index, index)
        return True

    def _clear_error(self, code: str, column: str) -> None:
        if self.errors.pop((code, column), None) is not None:
            self.errorsChanged.emit()

    def _show_pending(self, code: str, column: str, content) -> None:
        """Show the typed content at once; the save's refresh replaces it with what was stored."""
        row = list(self.own.get(code) or (self.figure_unit, code, self.period.end_key, None, None, None, None, ""))
        slot = {VALUE: 3, YTD: 4, STATUS: 6, COMMENT: 7}[column]
        if column == YTD and self.cat.indicators[code].kind != "flow":
            slot = 3
        row[slot] = content
        self.own[code] = tuple(row)
        self._text.clear()
        if column in (VALUE, YTD):  # the model's own buffer: the shared progress rows stay as computed
            self.pending[(code, column)] = content

    def clear_cells(self, indexes) -> None:
        """Clear the editable cells among `indexes` as one undoable step (Delete key)."""
        edits = []
        for index in indexes:
            if not (self.flags(index) & EDITABLE):
                continue
            code, column = self.code_at(index), self.column_key(index)
            self._clear_error(code, column)
            if column == STATUS:
                continue
            old = self.own_content(code, column)
            new = "" if column == COMMENT else None
            if old != new:
                edits.append(CellEdit(code, FIELD_OF_COLUMN[column], old, new))
        if edits and self.entry is not None:
            self.entry.submit(self.unit, self.period, edits, "Xóa ô")
            for edit in edits:
                self._show_pending(edit.indicator, {"value": VALUE, "ytd": YTD, "comment": COMMENT}[edit.field], edit.new)
        self._changed_everywhere()

    def paste_block(self, start: QModelIndex, text: str) -> str | None:
        """Paste tab-separated lines from `start` down and right; return why not, or None when saved."""
        if not start.isValid():
            return "Chọn ô bắt đầu dán trước."
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            return "Không có gì để dán."
        first_row = self.order.index(self.code_at(start))
        first_col = start.column()
        edits = []
        for r, line in enumerate(lines):
            if first_row + r >= len(self.order):
                return f"Khối dán có {len(lines)} dòng, vượt quá cuối bảng; không dán gì."
            code = self.order[first_row + r]
            name = self.cat.indicators[code].name
            for c, cell in enumerate(line.split("\t")):
                if first_col + c >= len(self.columns):
                    return "Khối dán rộng hơn bảng; không dán gì."
                column = self.columns[first_col + c]
                if not self.is_editable(code, column):
                    if cell.strip():
                        return (f"Ô “{self.headerData(first_col + c, HORIZONTAL)}” của “{name}” không nhập được "
                                f"(giá trị “{cell}”); không dán gì.")
                    continue
                try:
                    content = self.parse_cell(code, column, cell)
                except InputError as error:
                    return f"“{name}”, cột “{HEADERS[column]}”: {error} Không dán gì."
                edits.append(CellEdit(code, FIELD_OF_COLUMN[column], self.own_content(code, column), content))
        if self.entry is not None:
            try:
                self.entry.submit(self.unit, self.period, edits, "Dán khối số liệu")
            except InputError as error:
                return f"{error} Không dán gì."
        for edit in edits:
            column = {"value": VALUE, "ytd": YTD, "status": STATUS, "comment": COMMENT}[edit.field]
            self._clear_error(edit.indicator, column)
            self._show_pending(edit.indicator, column, edit.new)
        self._changed_everywhere()
        return None

    def input_error_list(self) -> list[tuple[str, str, str, str]]:
        """(indicator, column, typed text, reason) of every refused entry still on the grid."""
        return [(code, column, text, reason) for (code, column), (text, reason) in self.errors.items()]
