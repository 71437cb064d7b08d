"""Nhập liệu → Danh mục chỉ tiêu: the catalogue as a tree by sector, kept by the officials themselves.

Add an indicator or a "trong đó" part; change its name, ĐVT, kind, direction, decimals, whether it
adds up and how it is entered; move it within its sector; retire it from a month on; bring in the
province's Excel list (with its preview), write the catalogue out, or send it to the units below as
a package. Every change goes through the core (`catalogue_edit`) on the window's DB worker: first a
dry run gives the plan, which is asked about when it touches figures already entered (or retires an
indicator), then the write, one transaction with its history. Reading a file and writing one run
on their own read connection (`ops.QueryOp`). The tree is read on the worker too (with the figures' counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..models.catalogue import (
    DIRECTION_LABELS,
    DIRECTIONS,
    ENTRIES,
    ENTRY_LABELS,
    KIND_LABELS,
    KINDS,
    Catalogue,
    Indicator,
    month_text,
)
from ..models.catalogue_edit import (
    CatalogueState,
    add_indicator,
    move_indicator,
    read_state,
    retire_indicator,
    suggest_code,
    update_indicator,
)
from ..models.changes import Changes
from ..models.periods import add_months, month_key
from .ops import CollectionOp, QueryOp
from .qt_names import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    ALIGNMENT_ROLE,
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    HORIZONTAL,
    NO_FLAGS,
    NO_INDEX,
    SELECTABLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)

TITLE = "Danh mục chỉ tiêu"
CATALOGUE_CHANGED = Changes(catalogue=True)
NAME, CODE, DVT, KIND, ENTRY, VALIDITY, FIGURES = range(7)
HEADERS = ("Chỉ tiêu", "Mã", "ĐVT", "Loại", "Cách nhập", "Áp dụng", "Số liệu")
NOT_VALID_BRUSH = QBrush(QColor("#8a8a8a"))
SECTOR_BRUSH = QBrush(QColor("#eef2f8"))


@dataclass
class _Node:
    kind: str  # "sector" or "indicator"
    code: str
    parent: int  # node id, 0 at the top
    row: int
    children: list[int] = field(default_factory=list)


class CatalogueTreeModel(QAbstractItemModel):
    """Sectors (sub-sectors under their sector), their indicators, "trong đó" parts under their parent.

    Indicators not valid in the reference month (the window's) are grey, with their dates.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cat: Catalogue | None = None
        self.uses: dict = {}
        self.month = 0
        self.nodes: dict[int, _Node] = {}
        self.top: list[int] = []
        self.node_of: dict[tuple[str, str], int] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def load(self, state: CatalogueState, month: int) -> None:
        self.beginResetModel()
        self.cat, self.uses, self.month = state.cat, state.uses, month
        self.nodes, self.top, self.node_of = {}, [], {}
        cat = self.cat

        def add(kind: str, code: str, parent: int) -> int:
            node_id = len(self.nodes) + 1
            siblings = self.nodes[parent].children if parent else self.top
            self.nodes[node_id] = _Node(kind, code, parent, len(siblings))
            siblings.append(node_id)
            self.node_of[(kind, code)] = node_id
            return node_id

        def add_indicators(sector: str, parent: int) -> None:
            for ind in cat.in_sector(sector):
                owner = self.node_of.get(("indicator", ind.parent)) if ind.parent else None
                add("indicator", ind.code, owner or parent)

        def add_sector(sector, parent: int) -> None:
            node = add("sector", sector.code, parent)
            add_indicators(sector.code, node)
            for child in cat.sector_children(sector.code):
                add_sector(child, node)

        for sector in cat.sector_children(None):
            add_sector(sector, 0)
        self.endResetModel()

    # -- helpers for the dialog
    def entry_at(self, index) -> tuple[str, str] | None:
        if not index.isValid():
            return None
        node = self.nodes[index.internalId()]
        return node.kind, node.code

    def index_of(self, kind: str, code: str) -> QModelIndex:
        node_id = self.node_of.get((kind, code))
        if node_id is None:
            return QModelIndex()
        return self.createIndex(self.nodes[node_id].row, 0, node_id)

    def indicator(self, index) -> Indicator | None:
        entry = self.entry_at(index)
        return self.cat.indicators[entry[1]] if entry and entry[0] == "indicator" else None

    def sector_of(self, index) -> str | None:
        entry = self.entry_at(index)
        if entry is None:
            return None
        return entry[1] if entry[0] == "sector" else self.cat.indicators[entry[1]].sector

    # -- Qt's model interface
    def index(self, row, column, parent=NO_INDEX):
        if row < 0 or not 0 <= column < len(HEADERS):
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

    def parent(self, index=NO_INDEX):
        if not index.isValid():
            return QModelIndex()
        parent_id = self.nodes[index.internalId()].parent
        if not parent_id:
            return QModelIndex()
        return self.createIndex(self.nodes[parent_id].row, 0, parent_id)

    def rowCount(self, parent=NO_INDEX):
        if not parent.isValid():
            return len(self.top)
        if parent.column() != 0:
            return 0
        return len(self.nodes[parent.internalId()].children)

    def columnCount(self, parent=NO_INDEX):
        return len(HEADERS)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        if orientation == HORIZONTAL and role == DISPLAY_ROLE and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index):
        return SELECTABLE if index.isValid() else NO_FLAGS

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        node, column = self.nodes[index.internalId()], index.column()
        if node.kind == "sector":
            sector = self.cat.sectors[node.code]
            if role == DISPLAY_ROLE:
                return (f"{sector.outline}. {sector.name}" if sector.outline else sector.name) if column == NAME \
                    else (sector.code if column == CODE else None)
            if role == FONT_ROLE:
                return self._bold
            if role == BACKGROUND_ROLE:
                return SECTOR_BRUSH
            if role == TOOLTIP_ROLE and column == NAME:
                return f"Lĩnh vực {sector.name} (mã {sector.code})"
            return None
        ind = self.cat.indicators[node.code]
        if role == DISPLAY_ROLE:
            return self._text(ind, column)
        if role == FOREGROUND_ROLE and not ind.valid_in_month(self.month):
            return NOT_VALID_BRUSH
        if role == TOOLTIP_ROLE:
            lines = [f"{ind.name} — mã {ind.code}", f"Áp dụng: {ind.validity_text()}"]
            if not ind.valid_in_month(self.month):
                lines.append(f"Không áp dụng trong tháng {month_text(self.month)}.")
            if ind.formula:
                lines.append(f"Công thức: {ind.formula}")
            return "\n".join(lines)
        if role == ALIGNMENT_ROLE and column in (FIGURES, VALIDITY, KIND, ENTRY):
            return ALIGN_RIGHT if column == FIGURES else ALIGN_CENTER
        if role == USER_ROLE:
            return ind.code
        return None

    def _text(self, ind: Indicator, column: int):
        if column == NAME:
            return ind.name
        if column == CODE:
            return ind.code
        if column == DVT:
            return ind.unit
        if column == KIND:
            return KIND_LABELS[ind.kind]
        if column == ENTRY:
            return "công thức" if ind.formula else ENTRY_LABELS[ind.entry].replace(" từ đầu năm", "")
        if column == VALIDITY:
            return "" if ind.valid_from is None and ind.valid_to is None else ind.validity_text()
        use = self.uses.get(ind.code)
        return str(use.count) if use else ""


class IndicatorFields(QWidget):
    """The fields officials change: name, ĐVT, kind, direction, decimals, adds up, entry."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit(self)
        self.name.setMinimumWidth(280)
        self.unit = QLineEdit(self)
        self.kind = _combo(self, KINDS, KIND_LABELS)
        self.direction = _combo(self, DIRECTIONS, DIRECTION_LABELS)
        self.decimals = QSpinBox(self)
        self.decimals.setRange(0, 6)
        self.summable = QCheckBox("Cộng số của các đơn vị cấp dưới", self)
        self.entry = _combo(self, ENTRIES, {"month": "số tháng", "ytd": "lũy kế từ đầu năm"})
        form.addRow("Tên chỉ tiêu:", self.name)
        form.addRow("ĐVT:", self.unit)
        form.addRow("Loại:", self.kind)
        form.addRow("Hướng:", self.direction)
        form.addRow("Số chữ số thập phân tối đa:", self.decimals)
        form.addRow("", self.summable)
        form.addRow("Cán bộ nhập:", self.entry)
        for edit in (self.name, self.unit):
            edit.textEdited.connect(lambda _t: self.changed.emit())
        for box in (self.kind, self.direction, self.entry):
            box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.decimals.valueChanged.connect(lambda _v: self.changed.emit())
        self.summable.toggled.connect(lambda _v: self.changed.emit())

    def show_indicator(self, ind: Indicator | None) -> None:
        widgets = (self.name, self.unit, self.kind, self.direction, self.decimals, self.summable, self.entry)
        for widget in widgets:
            widget.blockSignals(True)
        if ind is None:
            self.name.clear()
            self.unit.clear()
        else:
            self.name.setText(ind.name)
            self.unit.setText(ind.unit)
            self.kind.setCurrentIndex(self.kind.findData(ind.kind))
            self.direction.setCurrentIndex(self.direction.findData(ind.direction))
            self.decimals.setValue(ind.decimals)
            self.summable.setChecked(ind.summable)
            self.entry.setCurrentIndex(self.entry.findData(ind.entry))
        for widget in widgets:
            widget.blockSignals(False)
            widget.setEnabled(ind is not None)

    def values(self) -> dict:
        """The fields as an `[[indicator]]` entry's keys (what `update_indicator` and `add_indicator` take)."""
        return {"name": self.name.text(), "unit": self.unit.text(), "kind": self.kind.currentData(),
                "direction": self.direction.currentData(), "decimals": self.decimals.value(),
                "summable": self.summable.isChecked(), "entry": self.entry.currentData()}


def _combo(parent, values, labels) -> QComboBox:
    box = QComboBox(parent)
    for value in values:
        box.addItem(labels[value], value)
    return box


class MonthField(QWidget):
    """A month as "tháng [MM] năm [YYYY]"."""

    def __init__(self, key: int, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.month = QSpinBox(self)
        self.month.setRange(1, 12)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        layout.addWidget(QLabel("tháng", self))
        layout.addWidget(self.month)
        layout.addWidget(QLabel("năm", self))
        layout.addWidget(self.year)
        layout.addStretch(1)
        self.set_key(key)

    def set_key(self, key: int) -> None:
        self.year.setValue(key // 100)
        self.month.setValue(key % 100)

    def key(self) -> int:
        return month_key(self.year.value(), self.month.value())


class AddIndicatorDialog(QDialog):
    """A new indicator in a sector, or a "trong đó" part of an indicator; the code is proposed from the name."""

    def __init__(self, state: CatalogueState, sector: str, parent_indicator: Indicator | None, start: int,
                 parent=None):
        super().__init__(parent)
        self.state, self.sector, self.parent_indicator = state, sector, parent_indicator
        self.setWindowTitle("Thêm phần “trong đó”" if parent_indicator else "Thêm chỉ tiêu")
        layout = QVBoxLayout(self)
        where = (f"Phần “trong đó” của <b>{parent_indicator.name}</b>" if parent_indicator
                 else f"Lĩnh vực <b>{state.cat.sectors[sector].name}</b>")
        layout.addWidget(QLabel(where, self))
        self.fields = IndicatorFields(self)
        if parent_indicator is not None:
            for box, value in ((self.fields.kind, parent_indicator.kind), (self.fields.entry, parent_indicator.entry)):
                box.setCurrentIndex(box.findData(value))
            self.fields.unit.setText(parent_indicator.unit)
            self.fields.decimals.setValue(parent_indicator.decimals)
        self.fields.summable.setChecked(self.fields.kind.currentData() != "rate")
        layout.addWidget(self.fields)
        form = QFormLayout()
        self.code = QLineEdit(self)
        self.code.setPlaceholderText("đặt theo tên")
        self._code_typed = False
        self.code.textEdited.connect(lambda _t: setattr(self, "_code_typed", True))
        self.fields.name.textEdited.connect(self._propose_code)
        self.start = MonthField(max(start, parent_indicator.valid_from or start) if parent_indicator else start, self)
        form.addRow("Mã (không dấu):", self.code)
        form.addRow("Áp dụng từ:", self.start)
        layout.addLayout(form)
        hint = QLabel("Mã chỉ tiêu không đổi được về sau và không dùng lại cho chỉ tiêu khác.", self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText("Thêm")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _propose_code(self, name: str) -> None:
        if not self._code_typed:
            self.code.setText(suggest_code(self.state, name, self.sector) if name.strip() else "")

    def values(self) -> dict:
        values = dict(self.fields.values(), code=self.code.text().strip(), valid_from=str(self.start.key()))
        if self.parent_indicator is not None:
            values["parent"] = self.parent_indicator.code
        else:
            values["sector"] = self.sector
        return values


class RetireDialog(QDialog):
    """"Ngừng theo dõi từ tháng ...": the first month without the indicator."""

    def __init__(self, ind: Indicator, month: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Ngừng theo dõi chỉ tiêu")
        layout = QVBoxLayout(self)
        text = QLabel(f"Ngừng theo dõi <b>{ind.name}</b> (và các phần “trong đó”). Số liệu đã nhập vẫn giữ và "
                      "xem được trong các kỳ trước đó.", self)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.first = MonthField(month, self)
        form.addRow("Ngừng từ:", self.first)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Tiếp tục…")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def last_month(self) -> int:
        """The last month still reported."""
        return add_months(self.first.key(), -1)


class CatalogueDialog(QDialog):
    """The tree, the selected indicator's fields, and the buttons; `window` gives the DB worker."""

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window_ = window
        self.worker = window.worker
        self.month = month_key(window.year_box.value(), window.month_box.value())
        self.state: CatalogueState | None = None
        self.jobs: list = []
        self.setWindowTitle(TITLE)
        self.resize(1320, 720)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Các chỉ tiêu theo lĩnh vực. Chữ xám: không áp dụng trong tháng {month_text(self.month)}. "
                       "Mọi thay đổi đều được ghi vào lịch sử danh mục.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        splitter = QSplitter(Qt.Horizontal, self)
        self.model = CatalogueTreeModel(self)
        self.tree = QTreeView(splitter)
        self.tree.setModel(self.model)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.Stretch)
        for column, width in ((CODE, 150), (DVT, 80), (KIND, 72), (ENTRY, 72), (VALIDITY, 118), (FIGURES, 52)):
            self.tree.setColumnWidth(column, width)
        self.tree.selectionModel().currentChanged.connect(lambda _now, _old: self._selection_changed())

        side = QWidget(splitter)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        box = QGroupBox("Chỉ tiêu đang chọn", side)
        box_layout = QVBoxLayout(box)
        self.selected_label = QLabel("Chọn một chỉ tiêu trong danh mục.", box)
        self.selected_label.setWordWrap(True)
        box_layout.addWidget(self.selected_label)
        self.fields = IndicatorFields(box)
        self.fields.changed.connect(self._update_buttons)
        box_layout.addWidget(self.fields)
        self.save_button = QPushButton("Lưu thay đổi", box)
        self.save_button.clicked.connect(self.save_changes)
        box_layout.addWidget(self.save_button)
        side_layout.addWidget(box)

        actions = QGroupBox("Thêm, sắp xếp, ngừng theo dõi", side)
        grid = QVBoxLayout(actions)
        self.add_button = QPushButton("Thêm chỉ tiêu…", actions)
        self.add_part_button = QPushButton("Thêm phần “trong đó”…", actions)
        self.up_button = QPushButton("Chuyển lên", actions)
        self.down_button = QPushButton("Chuyển xuống", actions)
        self.retire_button = QPushButton("Ngừng theo dõi từ tháng…", actions)
        self.add_button.clicked.connect(lambda: self.add(part=False))
        self.add_part_button.clicked.connect(lambda: self.add(part=True))
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.retire_button.clicked.connect(self.retire)
        row = QHBoxLayout()
        row.addWidget(self.up_button)
        row.addWidget(self.down_button)
        for widget in (self.add_button, self.add_part_button):
            grid.addWidget(widget)
        grid.addLayout(row)
        grid.addWidget(self.retire_button)
        side_layout.addWidget(actions)
        side_layout.addStretch(1)
        self.status = QLabel("", side)
        self.status.setWordWrap(True)
        side_layout.addWidget(self.status)
        splitter.addWidget(self.tree)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([980, 340])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.files_button = QToolButton(self)
        self.files_button.setText("Tệp danh mục")
        self.files_button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.files_button)
        menu.addAction("Nhập biểu danh mục của tỉnh (Excel)…", self.import_form)
        menu.addAction("Xuất danh mục ra tệp (Excel hoặc TOML)…", self.export_file)
        menu.addAction("Xuất gói danh mục gửi các đơn vị cấp dưới…", self.export_package)
        self.files_button.setMenu(menu)
        bottom.addWidget(self.files_button)
        bottom.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.button(QDialogButtonBox.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self._update_buttons()
        self.reload()

    # -- reading ---------------------------------------------------------------------------------------
    def reload(self, select: tuple[str, str] | None = None) -> None:
        """Read the catalogue and the figures' counts on the worker, then show them."""
        if self.worker.closed:  # the window closed while a write was on its way
            return
        wanted = select or (self.model.entry_at(self.tree.currentIndex()) if self.state else None)

        def show(state: CatalogueState) -> None:
            if not isValid(self):
                return
            self.state = state
            self.model.load(state, self.month)
            for kind, code in self.model.node_of:  # a sector's name across the row
                if kind == "sector":
                    index = self.model.index_of(kind, code)
                    self.tree.setFirstColumnSpanned(index.row(), index.parent(), True)
            self.tree.expandAll()
            if wanted:
                self.select(*wanted)
            self._selection_changed()

        QueryOp(self, read_state, worker=self.worker).success(show).failure(self._failed).run()

    def select(self, kind: str, code: str) -> None:
        index = self.model.index_of(kind, code)
        if index.isValid():
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
            self.tree.scrollTo(index)

    def selected_indicator(self) -> Indicator | None:
        return self.model.indicator(self.tree.currentIndex()) if self.state else None

    def _selection_changed(self) -> None:
        ind = self.selected_indicator()
        self.fields.show_indicator(ind)
        if ind is None:
            self.selected_label.setText("Chọn một chỉ tiêu trong danh mục." if self.state else "Đang đọc danh mục…")
        else:
            use = self.state.uses.get(ind.code)
            figures = f"{use.count} số liệu đã nhập" if use else "chưa có số liệu"
            self.selected_label.setText(f"<b>{ind.code}</b> — áp dụng: {ind.validity_text()}; {figures}."
                                        + (f"<br>Công thức: {ind.formula}" if ind.formula else ""))
        self._update_buttons()

    def _update_buttons(self) -> None:
        ind = self.selected_indicator()
        sector = self.model.sector_of(self.tree.currentIndex()) if self.state else None
        edited = ind is not None and any(
            self.fields.values()[k] != getattr(ind, k) for k in ("name", "unit", "kind", "direction", "decimals",
                                                               "summable", "entry"))
        self.save_button.setEnabled(edited)
        self.add_button.setEnabled(sector is not None)
        for button in (self.add_part_button, self.up_button, self.down_button, self.retire_button):
            button.setEnabled(ind is not None)

    # -- changes -----------------------------------------------------------------------------------------
    def save_changes(self) -> None:
        ind = self.selected_indicator()
        if ind is None:
            return
        values = {k: v for k, v in self.fields.values().items() if v != getattr(ind, k)}
        code = ind.code
        self.change(lambda s, dry, yes: update_indicator(s, code, values, confirm=yes, dry_run=dry),
                    ("indicator", code), "Sửa chỉ tiêu")

    def add(self, *, part: bool) -> None:
        index = self.tree.currentIndex()
        sector = self.model.sector_of(index)
        if sector is None or self.state is None:
            return
        parent_indicator = self.selected_indicator() if part else None
        start = month_key(self.month // 100, 1)
        dialog = AddIndicatorDialog(self.state, sector, parent_indicator, start, self)
        self.add_dialog = dialog
        if not dialog.exec():
            return
        values = dialog.values()
        if not values["code"]:
            values.pop("code")

        def make(s, dry, _yes):
            return add_indicator(s, values, dry_run=dry)
        self.change(make, None, "Thêm chỉ tiêu", ask=False)

    def move(self, steps: int) -> None:
        ind = self.selected_indicator()
        if ind is None:
            return
        code = ind.code
        self.change(lambda s, dry, _yes: move_indicator(s, code, steps, dry_run=dry), ("indicator", code),
                    "Chuyển chỉ tiêu", ask=False)

    def retire(self) -> None:
        ind = self.selected_indicator()
        if ind is None:
            return
        dialog = RetireDialog(ind, add_months(self.month, 1), self)
        self.retire_dialog = dialog
        if not dialog.exec():
            return
        code, last = ind.code, dialog.last_month()
        self.change(lambda s, dry, _yes: retire_indicator(s, code, last, dry_run=dry), ("indicator", code),
                    "Ngừng theo dõi chỉ tiêu", ask=True)

    def change(self, make, select: tuple[str, str] | None, title: str, *, ask: bool = False) -> None:
        """Plan on the worker (`make(store, dry_run=True, confirmed=False)`), ask when the plan touches
        figures already entered (or when `ask`), then write on the worker and read the tree again."""
        self._busy(True)

        def planned(plan) -> None:
            if not isValid(self):
                return
            if not plan.changed and not plan.changed_sectors:
                self._busy(False)
                self.say("Không có gì thay đổi.")
                return
            confirmed = False
            if ask or plan.needs_confirmation:
                answer = QMessageBox.question(self, title, f"{plan.message()}\n\nGhi thay đổi này?")
                if answer != QMessageBox.Yes:
                    self._busy(False)
                    self.say("Chưa ghi gì.")
                    return
                confirmed = True
            CollectionOp(self, lambda s: (make(s, False, confirmed), CATALOGUE_CHANGED), worker=self.worker).success(
                written).failure(self._failed).run()

        def written(plan) -> None:
            target = select or (("indicator", plan.code) if plan.code else None)
            self.after_write(" ".join(plan.summary), target)

        QueryOp(self, lambda s: make(s, True, False), worker=self.worker).success(planned).failure(self._failed).run()

    def after_write(self, text: str, select: tuple[str, str] | None = None) -> None:
        if isValid(self):
            self._busy(False)
            self.say(f"Đã ghi. {text}")
            self.reload(select)
        self.window_.say_saved("Đã ghi danh mục")  # the window reloaded from the operation's changes

    def _busy(self, busy: bool) -> None:
        for button in (self.save_button, self.add_button, self.add_part_button, self.up_button, self.down_button,
                       self.retire_button, self.files_button):
            button.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    def _failed(self, message: str) -> None:
        if not isValid(self):
            return
        self._busy(False)
        self.say(message, error=True)
        QMessageBox.warning(self, TITLE, message)

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b71c1c" if error else "color: #1b5e20")
        self.status.setText(text)

    # -- files ----------------------------------------------------------------------------------------------
    def _job(self, fn, done, busy_text: str) -> None:
        """`fn(store, report)` on its own read connection, with a progress dialog."""
        from .ops import QueryOp

        op = QueryOp(self, fn, own_connection=True).with_progress(TITLE, busy_text).success(done).failure(self._failed)
        self.jobs.append(op.run())

    def import_form(self) -> None:
        from ..intake.catalogue_form import read_catalogue_form

        path, _ = QFileDialog.getOpenFileName(self, "Nhập biểu danh mục của tỉnh", str(Path.home()),
                                              "Excel (*.xlsx);;Mọi tệp (*)")
        if not path:
            return
        start = month_key(self.month // 100, 1)
        self._job(lambda store, _report: read_catalogue_form(store, path, default_from=start),
                  lambda preview: self._show_form(preview, start), "Đang đọc biểu danh mục…")

    def _show_form(self, preview, start: int) -> None:
        from ..intake.catalogue_form import apply_form

        dialog = FormPreviewDialog(preview, self)
        self.form_dialog = dialog
        if not dialog.exec():
            return
        confirmed = False
        if preview.plan is not None and preview.plan.needs_confirmation:
            text = "\n".join(preview.plan.effects)
            if QMessageBox.question(self, TITLE, f"{text}\n\nGhi các thay đổi này?") != QMessageBox.Yes:
                return
            confirmed = True
        self._busy(True)
        CollectionOp(self, lambda s: (apply_form(s, preview, confirm=confirmed, default_from=start), CATALOGUE_CHANGED),
                     worker=self.worker).success(
            lambda plan: self.after_write(f"{len(plan.changed)} chỉ tiêu từ biểu {preview.path.name}.")).failure(
            self._failed).run()

    def export_file(self) -> None:
        from ..export.catalogue_file import write_catalogue

        target, _ = QFileDialog.getSaveFileName(self, "Xuất danh mục", str(Path.home() / "danh-muc-chi-tieu.xlsx"),
                                                "Excel (*.xlsx);;TOML (*.toml)")
        if not target:
            return
        path = Path(target) if Path(target).suffix else Path(target).with_suffix(".xlsx")
        self._job(lambda store, _report: write_catalogue(store, path),
                  lambda written: self.say(f"Đã xuất danh mục ra {written}."), "Đang xuất danh mục…")

    def export_package(self) -> None:
        from ..models.handover import export_catalogue_package
        from .package_export import PACKAGE_SUFFIX

        target, _ = QFileDialog.getSaveFileName(self, "Xuất gói danh mục", str(Path.home() / f"danh-muc{PACKAGE_SUFFIX}"),
                                                f"Gói dữ liệu LCApp (*{PACKAGE_SUFFIX})")
        if not target:
            return
        path = Path(target) if Path(target).suffix else Path(target).with_suffix(PACKAGE_SUFFIX)
        self._job(lambda store, report: export_catalogue_package(store, path, progress=report),
                  lambda result: self.say(f"Đã xuất gói danh mục {result.path.name} ({result.counts['indicators']} "
                                          "chỉ tiêu). Các đơn vị nhập bằng Tệp → Nhập gói dữ liệu."),
                  "Đang xuất gói danh mục…")


# -- the preview of the province's form ----------------------------------------------------------------------
FORM_HEADERS = ("Ô", "STT", "Chỉ tiêu", "ĐVT", "Kết quả", "Mã", "Ghi chú")
FORM_BRUSHES = {"refused": QBrush(QColor("#ffcdd2")), "new": QBrush(QColor("#e8f5e9")),
                "changed": QBrush(QColor("#e3f2fd"))}


class FormPreviewModel(QAbstractTableModel):
    def __init__(self, preview, parent=None):
        super().__init__(parent)
        from ..intake.catalogue_form import STATUS_LABELS

        self.rows = preview.rows
        self._cells = [(r.where, r.stt, r.name, r.unit, STATUS_LABELS[r.status], r.code, r.reason) for r in self.rows]

    def rowCount(self, parent=NO_INDEX):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=NO_INDEX):
        return 0 if parent.isValid() else len(FORM_HEADERS)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        if orientation == HORIZONTAL and role == DISPLAY_ROLE and 0 <= section < len(FORM_HEADERS):
            return FORM_HEADERS[section]
        return None

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        cells = self._cells[index.row()]
        if role in (DISPLAY_ROLE, TOOLTIP_ROLE):
            return cells[index.column()] or None
        if role == BACKGROUND_ROLE:
            return FORM_BRUSHES.get(self.rows[index.row()].status)
        return None


class FormPreviewDialog(QDialog):
    """What the province's list would change, row by row; "Nhập" writes the rows it can take."""

    def __init__(self, preview, parent=None):
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle("Nhập biểu danh mục — xem trước")
        self.resize(1100, 560)
        layout = QVBoxLayout(self)
        counts = {s: preview.count(s) for s in ("new", "changed", "same", "refused")}
        summary = QLabel(f"<b>{preview.path.name}</b>: {counts['new']} chỉ tiêu mới, {counts['changed']} thay đổi, "
                         f"{counts['same']} giữ nguyên, <b>{counts['refused']} dòng không nhận</b> (tô đỏ, có lý do). "
                         "Chưa có gì được ghi.", self)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        if preview.plan is not None and preview.plan.effects:
            effects = QLabel("Ảnh hưởng đến số liệu đã nhập: " + " ".join(preview.plan.effects), self)
            effects.setWordWrap(True)
            effects.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px")
            layout.addWidget(effects)
        self.model = FormPreviewModel(preview, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setWordWrap(False)
        self.table.resizeColumnsToContents()
        for column, widest in ((2, 360), (5, 200), (6, 420)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(self)
        taken = len(preview.data.get("indicator", []))
        self.import_button = buttons.addButton(f"Nhập {taken} dòng", QDialogButtonBox.AcceptRole)
        self.import_button.setEnabled(taken > 0)
        buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


__all__ = ["AddIndicatorDialog", "CatalogueDialog", "CatalogueTreeModel", "FormPreviewDialog", "FormPreviewModel",
           "RetireDialog"]
