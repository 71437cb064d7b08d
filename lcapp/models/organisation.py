"""The organisation tree with validity dates: provinces, cities, wards, communes, departments.

Data from resources/organisation.toml, kept in the database. A department reports for a
geographic unit (its `reports_for`) on its own sectors; figures are stored under the
geographic unit, so wards' and the city's numbers never mix with departments'.
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

UNIT_KINDS = ("province", "city", "ward", "commune", "department")
KIND_LABELS = {"province": "tỉnh", "city": "thành phố", "ward": "phường", "commune": "xã",
               "department": "phòng, ban"}


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
    predecessors: tuple[str, ...]
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
        of their time.
        """
        reporter = self.unit(code)
        if not reporter.valid_during(period):
            raise InputError(f"{reporter.name} không tồn tại trong {period.label} "
                             f"(hiệu lực {reporter.validity_text()}).")
        if reporter.is_department:
            return self.unit(reporter.reports_for), reporter
        return reporter, reporter


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


def load_organisation(store: Store, data: dict, sector_codes: set[str]) -> int:
    """Validate and write the organisation tree in one transaction; return the number of units."""
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
        predecessors = [nfc(p) for p in raw.get("predecessors", [])]
        for predecessor in predecessors:
            if predecessor not in codes:
                raise InputError(f"{where}: đơn vị tiền thân “{predecessor}” chưa được khai báo trước nó.")
        valid_from = _parse_date(raw.get("valid_from"), where)
        valid_to = _parse_date(raw.get("valid_to"), where)
        if valid_from and valid_to and valid_to < valid_from:
            raise InputError(f"{where}: ngày hết hiệu lực trước ngày bắt đầu.")
        codes.add(code)
        rows.append((code, nfc(raw["name"]), kind, parent, valid_from and valid_from.isoformat(),
                     valid_to and valid_to.isoformat(), reports_for, json.dumps(sectors, ensure_ascii=False),
                     json.dumps(predecessors), position))
    if not rows:
        raise InputError("Tệp tổ chức không có đơn vị nào.")
    with store.write() as conn:
        conn.executemany(
            """INSERT INTO units (code, name, kind, parent, valid_from, valid_to, reports_for, sectors,
                                  predecessors, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                 parent = excluded.parent, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
                 reports_for = excluded.reports_for, sectors = excluded.sectors,
                 predecessors = excluded.predecessors, position = excluded.position""", rows)
        for (code,) in conn.execute("SELECT code FROM units").fetchall():
            if code in codes:
                continue
            if conn.execute("SELECT 1 FROM figures WHERE unit = ? OR reporter = ? LIMIT 1", (code, code)).fetchone():
                raise InputError(f"Không thể bỏ đơn vị “{code}”: đã có số liệu của đơn vị này.")
            conn.execute("DELETE FROM units WHERE code = ?", (code,))
    return len(rows)


def organisation(store: Store) -> Organisation:
    """The organisation as stored, cached until the next write."""
    return store.cached("organisation", lambda: _read(store))


def _read(store: Store) -> Organisation:
    units = []
    for r in store.query("SELECT * FROM units ORDER BY position"):
        units.append(Unit(
            code=r["code"], name=r["name"], kind=r["kind"], parent=r["parent"],
            valid_from=date.fromisoformat(r["valid_from"]) if r["valid_from"] else None,
            valid_to=date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            reports_for=r["reports_for"], sectors=tuple(json.loads(r["sectors"])),
            predecessors=tuple(json.loads(r["predecessors"])), position=r["position"]))
    return Organisation(units)
