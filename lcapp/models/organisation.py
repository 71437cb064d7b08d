"""The organisation tree with validity dates: the province, cities and districts, wards,
communes and townships, departments.

Data from resources/organisation.toml, kept in the database. A department reports for a
geographic unit (its `reports_for`) on its own sectors; figures are stored under the
geographic unit, so wards' and the city's numbers never mix with departments'. A unit formed
from others (the arrangement of 01/07/2025) lists them as predecessors, each whole or in part.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import InputError
from .periods import Period
from .store import Store
from .text import nfc

UNIT_KINDS = ("province", "city", "district", "ward", "commune", "township", "department")
KIND_LABELS = {"province": "tỉnh", "city": "thành phố", "district": "huyện", "ward": "phường", "commune": "xã",
               "township": "thị trấn", "department": "phòng, ban"}
SHARES = {"whole": "toàn bộ", "part": "một phần"}  # how much of a predecessor went into a new unit


@dataclass(frozen=True)
class Predecessor:
    unit: str
    share: str  # "whole" or "part"

    @property
    def whole(self) -> bool:
        return self.share == "whole"

    def as_json(self) -> dict:
        return {"unit": self.unit, "share": self.share}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    reports_for: str | None
    sectors: tuple[str, ...]
    predecessors: tuple[Predecessor, ...]
    position: int

    @property
    def is_department(self) -> bool:
        return self.kind == "department"

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def valid_during(self, period: Period) -> bool:
        """True when the unit existed on at least one day of the period."""
        return ((self.valid_from is None or self.valid_from <= period.last_day())
                and (self.valid_to is None or period.first_day() <= self.valid_to))

    def validity_text(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "nay"
        return f"{start} - {end}"

    @property
    def label(self) -> str:
        """The name with its dates where it has any: old and new units share names
        ("Phường Đoàn Kết (đến 30/06/2025)", "Phường Đoàn Kết (từ 01/07/2025)")."""
        if self.valid_to:
            return f"{self.name} (đến {self.valid_to:%d/%m/%Y})"
        if self.valid_from:
            return f"{self.name} (từ {self.valid_from:%d/%m/%Y})"
        return self.name


class Organisation:
    def __init__(self, units: list[Unit]):
        self.units = {u.code: u for u in units}
        self._children: dict[str, list[Unit]] = {}
        for unit in units:
            if unit.parent:
                self._children.setdefault(unit.parent, []).append(unit)

    def unit(self, code: str) -> Unit:
        code = nfc(code) or ""
        try:
            return self.units[code]
        except KeyError:
            raise InputError(f"Không có đơn vị mã “{code}” (xem danh sách bằng lệnh “units”).") from None

    def children(self, code: str, period: Period | None = None) -> list[Unit]:
        """Geographic child units (not departments), those valid in `period` when given."""
        return [u for u in self._children.get(code, [])
                if not u.is_department and (period is None or u.valid_during(period))]

    def departments(self, code: str) -> list[Unit]:
        return [u for u in self._children.get(code, []) if u.is_department]

    def descendants(self, code: str) -> list[Unit]:
        result = []
        for child in self.children(code):
            result.append(child)
            result.extend(self.descendants(child.code))
        return result

    def successors(self, code: str) -> list[Unit]:
        """Units formed (wholly or partly) from `code`."""
        return [u for u in self.units.values() if any(p.unit == code for p in u.predecessors)]

    def related(self, code: str) -> list[str]:
        """`code`, the units under it and the units it was formed from, and theirs in turn:
        every unit whose figures a computation for `code` may read."""
        seen: dict[str, None] = {}
        waiting = [code]
        while waiting:
            current = waiting.pop()
            if current in seen:
                continue
            seen[current] = None
            waiting.extend(u.code for u in self.children(current))
            waiting.extend(p.unit for p in self.units[current].predecessors)
        return list(seen)

    def own_unit(self, code: str) -> Unit:
        """The geographic unit whose figures and targets a reporting unit works on (a department's
        is the unit it reports for)."""
        unit = self.unit(code)
        return self.unit(unit.reports_for) if unit.is_department else unit

    def level(self, code: str) -> str:
        """The kind of unit that names the targets' sources (a department: its unit's kind)."""
        return self.own_unit(code).kind

    def figure_unit(self, code: str, period: Period) -> tuple[Unit, Unit]:
        """(unit whose figures are entered, reporting unit) for a reporting unit in a period.

        Refuses units that did not exist in the period, so figures stay under the structure
        of their time; the refusal names the units that did (successors or predecessors).
        """
        reporter = self.unit(code)
        problem = self.validity_problem(reporter, period)
        if problem:
            raise InputError(problem)
        if reporter.is_department:
            return self.unit(reporter.reports_for), reporter
        return reporter, reporter

    def validity_problem(self, unit: Unit, period: Period) -> str | None:
        """Why `unit` cannot have figures in `period` (it did not exist then), naming the units
        that did; None when it can."""
        if unit.valid_during(period):
            return None
        message = f"{unit.name} [{unit.code}] không tồn tại trong {period.label} (hiệu lực {unit.validity_text()})"
        if unit.valid_to and unit.valid_to < period.first_day():
            instead = self.successors(unit.code)
            if instead:
                names = ", ".join(f"{u.name} [{u.code}]" for u in instead)
                following = date.fromordinal(unit.valid_to.toordinal() + 1)
                return f"{message}: từ {following:%d/%m/%Y} số liệu thuộc {names}."
        if unit.valid_from and period.last_day() < unit.valid_from and unit.predecessors:
            names = ", ".join(f"{self.units[p.unit].name} [{p.unit}]" for p in unit.predecessors)
            return f"{message}: số liệu trước {unit.valid_from:%d/%m/%Y} nhập cho các đơn vị cũ: {names}."
        return message + "."


def _parse_date(value, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{where}: ngày “{value}” không đúng dạng YYYY-MM-DD.") from None


def read_organisation_file(path: str | Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp tổ chức {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"Tệp tổ chức {path} sai định dạng TOML: {error}.") from None


def organisation_rows(data: dict, sector_codes: set[str]) -> list[tuple]:
    """Validate an organisation file's units (pure); the rows of the `units` table, in order."""
    rows, codes = [], set()
    for position, raw in enumerate(data.get("unit", [])):
        code = nfc(raw.get("code", ""))
        where = f"Đơn vị “{code or position + 1}”"
        if not code or not raw.get("name"):
            raise InputError(f"{where} thiếu mã hoặc tên.")
        if code in codes:
            raise InputError(f"Mã đơn vị “{code}” bị trùng.")
        kind = raw.get("kind")
        if kind not in UNIT_KINDS:
            raise InputError(f"{where}: loại “{kind}” không hợp lệ.")
        parent = nfc(raw.get("parent")) or None
        reports_for = nfc(raw.get("reports_for")) or None
        for link, label in ((parent, "đơn vị cấp trên"), (reports_for, "đơn vị báo cáo thay")):
            if link and link not in codes:
                raise InputError(f"{where}: {label} “{link}” chưa được khai báo trước nó.")
        if kind == "department" and not reports_for:
            raise InputError(f"{where}: phòng, ban phải có reports_for (đơn vị mà nó nhập số liệu).")
        sectors = [nfc(s) for s in raw.get("sectors", [])]
        for sector in sectors:
            if sector not in sector_codes:
                raise InputError(f"{where}: lĩnh vực “{sector}” không có trong danh mục.")
        predecessors = [_predecessor(item, codes, where) for item in raw.get("predecessors", [])]
        valid_from = _parse_date(raw.get("valid_from"), where)
        valid_to = _parse_date(raw.get("valid_to"), where)
        if valid_from and valid_to and valid_to < valid_from:
            raise InputError(f"{where}: ngày hết hiệu lực trước ngày bắt đầu.")
        if predecessors and not valid_from:
            raise InputError(f"{where}: đơn vị hình thành từ đơn vị khác phải có ngày bắt đầu (valid_from).")
        codes.add(code)
        rows.append((code, nfc(raw["name"]), kind, parent, valid_from and valid_from.isoformat(),
                     valid_to and valid_to.isoformat(), reports_for, json.dumps(sectors, ensure_ascii=False),
                     json.dumps([p.as_json() for p in predecessors]), position))
    if not rows:
        raise InputError("Tệp tổ chức không có đơn vị nào.")
    return rows


def _predecessor(item, declared: set[str], where: str) -> Predecessor:
    """`{unit = "p_doan_ket", share = "whole"}` of the file, checked."""
    if not isinstance(item, dict):
        raise InputError(f"{where}: đơn vị tiền thân ghi dạng {{ unit = \"mã\", share = \"whole\" hoặc \"part\" }}.")
    code, share = nfc(item.get("unit", "")), item.get("share")
    if code not in declared:
        raise InputError(f"{where}: đơn vị tiền thân “{code}” chưa được khai báo trước nó.")
    if share not in SHARES:
        raise InputError(f"{where}: đơn vị tiền thân “{code}”: share phải là “whole” (toàn bộ) "
                         f"hoặc “part” (một phần), không phải “{share}”.")
    return Predecessor(code, share)


def write_units(conn, rows: list[tuple], *, remove_others: bool = True) -> None:
    """Insert or update units inside an open write transaction; with `remove_others`, drop
    the units not among `rows` (refused for a unit that has figures)."""
    conn.executemany(
        """INSERT INTO units (code, name, kind, parent, valid_from, valid_to, reports_for, sectors,
                              predecessors, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             parent = excluded.parent, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
             reports_for = excluded.reports_for, sectors = excluded.sectors,
             predecessors = excluded.predecessors, position = excluded.position""", rows)
    if not remove_others:
        return
    codes = {row[0] for row in rows}
    for (code,) in conn.execute("SELECT code FROM units").fetchall():
        if code in codes:
            continue
        if conn.execute("SELECT 1 FROM figures WHERE unit = ? OR reporter = ? LIMIT 1", (code, code)).fetchone():
            raise InputError(f"Không thể bỏ đơn vị “{code}”: đã có số liệu của đơn vị này.")
        conn.execute("DELETE FROM units WHERE code = ?", (code,))


def load_organisation(store: Store, data: dict, sector_codes: set[str]) -> int:
    """Validate and write the organisation tree in one transaction; return the number of units."""
    rows = organisation_rows(data, sector_codes)
    with store.write() as conn:
        write_units(conn, rows)
    return len(rows)


def organisation(store: Store) -> Organisation:
    """The organisation as stored, cached until the next write."""
    return store.cached("organisation", lambda: read_units(store.conn))


def read_units(conn) -> Organisation:
    """The organisation stored in the database `conn` is connected to."""
    cursor = conn.execute("SELECT code, name, kind, parent, valid_from, valid_to, reports_for, sectors, predecessors, "
                          "position FROM units ORDER BY position")
    units = []
    for (code, name, kind, parent, valid_from, valid_to, reports_for, sectors, predecessors, position) in cursor:
        units.append(Unit(
            code=code, name=name, kind=kind, parent=parent,
            valid_from=date.fromisoformat(valid_from) if valid_from else None,
            valid_to=date.fromisoformat(valid_to) if valid_to else None,
            reports_for=reports_for, sectors=tuple(json.loads(sectors)),
            predecessors=tuple(Predecessor(p["unit"], p["share"]) for p in json.loads(predecessors)),
            position=position))
    return Organisation(units)
