"""Why an import would bring nothing, said in Vietnamese, so that no import is an empty success.

A whole database copied from a ward whose `reporting_unit` setting was never changed names
the city, while its figures are the ward's: taking the setting's unit brings nothing. A
package can also bring nothing because its months are locked here, its rows are refused for
another reason (an indicator not valid in that month here, a catalogue not from above), or
everything in it is already here or older. `nothing_brought()` tells those cases apart from a preview (it reads
nothing else); the window shows its message, the command line prints it on stderr and
exits 1. Only "everything is already here" is a success.
"""

from __future__ import annotations

from dataclasses import dataclass

from .locks import month_label
from .merge import CHANGED, CONFLICT, IDENTICAL, LOCKED_WORDS, NEW, OLDER, REFUSED, Preview
from .numbers import format_number
from .organisation import organisation
from .store import Store

WRONG_UNIT, LOCKED, OLDER_ONLY, LOCKED_OR_OLDER, REFUSED_ROWS, ALL_IDENTICAL, EMPTY = (
    "wrong_unit", "locked", "older", "locked_or_older", "refused", "identical", "empty")


@dataclass(frozen=True)
class NothingBrought:
    reason: str  # one of WRONG_UNIT, LOCKED, OLDER_ONLY, LOCKED_OR_OLDER, REFUSED_ROWS, ALL_IDENTICAL, EMPTY
    message: str

    @property
    def ok(self) -> bool:
        """Everything in the file is already here: a success, nothing to do."""
        return self.reason == ALL_IDENTICAL

    def as_json(self) -> dict:
        return {"reason": self.reason, "message": self.message, "ok": self.ok}


def _count(n: int) -> str:
    return format_number(n, 0)


def _names(store: Store, codes) -> str:
    org = organisation(store)
    return ", ".join(f"{org.units[c].name} ({c})" if c in org.units else c for c in codes)


def taken_units(preview: Preview) -> list[str]:
    return [u for u in preview.unit.split(",") if u]


def nothing_brought(store: Store, preview: Preview) -> NothingBrought | None:
    """Why importing `preview` would write no figure, text or target; None when it brings something.

    A whole database whose chosen units hold none of its figures is `WRONG_UNIT` even when
    targets would come in: the office expects the unit's figures.
    """
    taken = taken_units(preview)
    if preview.source == "database" and any(preview.held.values()) \
            and not any(preview.held.get(u) for u in taken):
        others = {u: n for u, n in preview.held.items() if n}
        which = _names(store, taken)
        if preview.setting_unit and taken == [preview.setting_unit]:
            which += " (đơn vị ghi trong cài đặt của tệp)"
        listed = "; ".join(f"{_names(store, [u])}: {_count(n)} số liệu" for u, n in others.items())
        return NothingBrought(WRONG_UNIT, f"Tệp không có số liệu nào của {which}. Số liệu trong tệp là của {listed}. "
                                          "Hãy chọn đơn vị cần nhập (trong chương trình: đánh dấu đơn vị ở trên; "
                                          f"dòng lệnh: --unit {next(iter(others))}). Chưa có gì được ghi.")
    counts = preview.counts()
    if counts[NEW] or counts[CHANGED] or counts[CONFLICT]:
        return None
    if not preview.rows:
        return NothingBrought(EMPTY, "Tệp không có số liệu, nội dung hay kế hoạch nào để nhập. Chưa có gì được ghi.")
    if counts[IDENTICAL] == len(preview.rows):
        return NothingBrought(ALL_IDENTICAL, f"Cả {_count(len(preview.rows))} dòng trong tệp đều trùng với số liệu "
                                             "đã có: không có gì thay đổi.")
    refused = [row for row in preview.rows if row.status == REFUSED]
    locked = [row for row in refused if row.reason.endswith(LOCKED_WORDS)]
    others = [row for row in refused if not row.reason.endswith(LOCKED_WORDS)]
    months = sorted({row.key[1] for row in locked if row.kind == "figure"})
    parts = []
    if locked:
        where = f" ({', '.join(month_label(m) for m in months)})" if months else ""
        parts.append(f"{_count(len(locked))} dòng thuộc kỳ đã khóa số liệu{where}")
    if others:
        parts.append(f"{_count(len(others))} dòng bị từ chối (ví dụ: {others[0].reason})")
    if counts[OLDER]:
        parts.append(f"{_count(counts[OLDER])} dòng cũ hơn số đã có (tệp đã nhận trước đây, hoặc số ở đây mới hơn)")
    if counts[IDENTICAL]:
        parts.append(f"{_count(counts[IDENTICAL])} dòng trùng với số đã có")
    if locked:
        reason = LOCKED_OR_OLDER if counts[OLDER] else LOCKED
    else:
        reason = REFUSED_ROWS if others else OLDER_ONLY
    advice = {LOCKED: " Nếu cần nhập, hãy mở khóa các kỳ đó (có ghi lý do) rồi nhập lại.",
              OLDER_ONLY: " Tệp này không mới hơn số liệu đã có.",
              REFUSED_ROWS: " Lý do của từng dòng có trong bản xem trước.",
              LOCKED_OR_OLDER: ""}[reason]
    return NothingBrought(reason, "Không có gì được nhập: " + "; ".join(parts) + "." + advice)


def other_units_note(store: Store, preview: Preview) -> str:
    """For a whole database: its own setting's unit and the units it also has figures of, not taken."""
    if preview.source != "database":
        return ""
    taken = taken_units(preview)
    others = [u for u, n in preview.held.items() if n and u not in taken]
    notes = []
    if preview.setting_unit and preview.setting_unit not in taken:
        notes.append(f"Cài đặt của tệp ghi đơn vị báo cáo là {_names(store, [preview.setting_unit])}.")
    if others:
        listed = "; ".join(f"{_names(store, [u])}: {_count(preview.held[u])} số liệu" for u in others)
        notes.append(f"Tệp còn có số liệu của {listed}, chưa chọn nhập (dòng lệnh: thêm --unit MÃ).")
    return " ".join(notes)


def locked_note(store: Store, preview: Preview) -> str:
    """The values left out because their unit-month is locked here, named by unit and month with
    their count ("" when there are none): said after every import, by the window and both commands.

    "Không nhập 2 dòng thuộc kỳ đã khóa số liệu (muốn nhập phải mở khóa, có ghi lý do): Phường Tân
    Phong (p_tan_phong) tháng 05/2024: 2 số liệu."
    """
    locked: dict[tuple[str, int], int] = {}
    others = 0
    for row in preview.rows:
        if row.status == REFUSED and row.reason.endswith(LOCKED_WORDS):
            if row.kind == "figure":
                locked[row.key[0], row.key[1]] = locked.get((row.key[0], row.key[1]), 0) + 1
            else:
                others += 1
    if not locked and not others:
        return ""
    org = organisation(store)
    parts = [f"{org.units[unit].name if unit in org.units else unit} ({unit}) {month_label(month)}: "
             f"{_count(n)} số liệu" for (unit, month), n in sorted(locked.items())]
    if others:
        parts.append(f"{_count(others)} nội dung, kế hoạch")
    total = sum(locked.values()) + others
    return (f"Không nhập {_count(total)} dòng thuộc kỳ đã khóa số liệu (muốn nhập phải mở khóa, có ghi lý do): "
            + "; ".join(parts) + ".")
