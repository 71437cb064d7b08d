"""What an Excel sheet coming back would change, before anything is written: one preview for
the window and the command line (figures from an entry template, targets from a targets sheet).

`Preview` lists every value read (new / changed / same, with its sheet and cell) and every bad
cell; `preview_lines()` says it in Vietnamese; `apply_preview()` writes it in one transaction,
and nothing at all while one cell is bad.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import catalogue
from .errors import InputError
from .figures import apply_changes
from .limits import MAX_ERRORS_SHOWN
from .numbers import format_number
from .organisation import organisation
from .store import Store
from .targets import apply_targets
from .terms import known_terms

STATUS_WORDS = {"new": "mới", "changed": "đổi"}


@dataclass
class PreviewItem:
    sheet: str
    cell: str
    key: str  # indicator code (and "/source" for targets)
    name: str
    old: object
    new: object
    status: str  # "new", "changed" or "same"
    change: object = None
    remark: str = ""  # said after the change: a target's new note

    def as_json(self) -> dict:
        data = {"sheet": self.sheet, "cell": self.cell, "key": self.key, "name": self.name, "old": self.old,
                "new": self.new, "status": self.status}
        if self.remark:
            data["remark"] = self.remark
        return data


@dataclass
class Preview:
    kind: str  # "figures" or "targets"
    unit: str | None
    period: str
    items: list[PreviewItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def what(self) -> str:
        return "số liệu" if self.kind == "figures" else "kế hoạch"

    def as_json(self) -> dict:
        return {"kind": self.kind, "unit": self.unit, "period": self.period,
                "new": self.count("new"), "changed": self.count("changed"), "same": self.count("same"),
                "items": [i.as_json() for i in self.items], "errors": self.errors[:MAX_ERRORS_SHOWN],
                "error_count": len(self.errors)}


def _shown(value, decimals: int) -> str:
    if isinstance(value, list):
        return f"{format_number(value[0], 6)}-{format_number(value[1], 6)}"
    return format_number(value, max(decimals, 6)) if value is not None else "(trống)"


def summary_line(store: Store, preview: Preview) -> str:
    """"Phường Tân Phong, năm 2026: 2 kế hoạch mới, 1 thay đổi, 5 giữ nguyên."""
    owner = f"{organisation(store).unit(preview.unit).name}, " if preview.unit else ""
    period = known_terms(store).label(preview.period) if preview.kind == "targets" else f"kỳ {preview.period}"
    return (f"{owner}{period}: {preview.count('new')} {preview.what} mới, {preview.count('changed')} thay đổi, "
            f"{preview.count('same')} giữ nguyên.")


def preview_lines(store: Store, preview: Preview) -> list[str]:
    """The summary, each new or changed value with its cell, then every bad cell."""
    cat = catalogue(store)
    lines = [summary_line(store, preview)]
    for item in preview.items:
        if item.status == "same":
            continue
        decimals = cat.indicators[item.key.split("/")[0]].decimals
        new = _shown(item.new, decimals)
        change = new if item.old is None else f"{_shown(item.old, decimals)} → {new}"
        remark = f"; {item.remark}" if item.remark else ""
        lines.append(f"  [{STATUS_WORDS[item.status]}] {item.sheet}!{item.cell} {item.name}: {change}{remark}")
    if preview.errors:
        lines.append(f"Ô sai ({len(preview.errors)}):")
        lines.extend(f"  {error}" for error in preview.errors[:MAX_ERRORS_SHOWN])
        if len(preview.errors) > MAX_ERRORS_SHOWN:
            lines.append(f"  … và {len(preview.errors) - MAX_ERRORS_SHOWN} ô sai khác.")
    return lines


def refusal(preview: Preview) -> InputError:
    return InputError(f"Tệp có {len(preview.errors)} ô sai; chưa ghi gì. Sửa các ô đã nêu rồi nhập lại.")


def apply_preview(store: Store, preview: Preview) -> int:
    """Write what a preview found, in one transaction; refused while it names bad cells."""
    if preview.errors:
        raise refusal(preview)
    changes = [item.change for item in preview.items if item.status != "same"]
    if preview.kind == "figures":
        return apply_changes(store, changes, action="template") if changes else 0
    return apply_targets(store, changes) if changes else 0
