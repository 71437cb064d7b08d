"""Demo data: the figures and targets stated in the seed reports (resources/demo.toml).

Where a report gives only "đạt X% kế hoạch", the target is derived from the figure the
percent was computed on: the roundest number (fewest significant digits) that gives
exactly that percent at the precision printed, and the target's note says so.
"""

from __future__ import annotations

import math
import tomllib
from decimal import Decimal

from ..paths import resource
from .catalogue import Indicator, catalogue
from .errors import InputError
from .figure_data import FigureData
from .figures import FigureChange, apply_changes, prepare_change
from .numbers import PERCENT_DECIMALS, format_number, round_percent, with_unit
from .organisation import organisation
from .periods import parse_month, parse_target_period
from .progress import percent_of_target
from .store import Store
from .targets import Target, set_target

DEMO_USER = "demo"
REPORT_LABELS = {
    "000": "báo cáo tháng 5/2024",
    "001": "báo cáo tháng 10/2022",
    "004": "báo cáo tháng 02/2023",
    "002": "báo cáo giữa nhiệm kỳ 2020-2025 (tháng 7/2024)",
}
OF_LABELS = {"ytd": "lũy kế", "month": "số liệu", "term": "lũy kế giai đoạn"}


def roundest_between(low: Decimal, high: Decimal) -> Decimal:
    """The number with the fewest significant digits strictly between low and high, nearest the middle."""
    middle = (low + high) / 2
    exponent = math.floor(math.log10(float(high))) if high > 0 else 0
    for e in range(exponent, -7, -1):
        step = Decimal(1).scaleb(e)
        first = (low / step).to_integral_value(rounding="ROUND_FLOOR") + 1
        last = (high / step).to_integral_value(rounding="ROUND_CEILING") - 1
        if first <= last:
            candidates = [n * step for n in range(int(first), int(last) + 1)]
            return min(candidates, key=lambda c: (abs(c - middle), c))
    return middle


def derive_target(quantity: float, percent_text: str, direction: str) -> float:
    """The target that makes `quantity` "đạt {percent_text}%" (Vietnamese decimal comma).

    The percent is matched at the precision the program prints percents with (or finer, if
    the report printed more), so the demo shows the report's own percent: "43%" stays 43,
    not 42,9.
    """
    text = percent_text.strip().replace(",", ".")
    percent = Decimal(text)
    decimals = max(len(text.split(".")[1]) if "." in text else 0, PERCENT_DECIMALS)
    half = Decimal(5).scaleb(-(decimals + 1))
    q = Decimal(repr(quantity))
    if percent - half <= 0:
        raise InputError(f"Không suy ra được kế hoạch từ tỷ lệ {percent_text}%.")
    if direction == "down":
        low, high = q * (percent - half) / 100, q * (percent + half) / 100
    else:
        low, high = q * 100 / (percent + half), q * 100 / (percent - half)
    return float(roundest_between(low, high))


def _changes(cat, org, figures: list[dict]) -> list[FigureChange]:
    changes = []
    for number, raw in enumerate(figures, start=1):
        where = f"demo.toml, số liệu thứ {number} ({raw.get('indicator')})"
        try:
            for basis in ("month", "ytd", "term"):
                if raw.get(basis) is not None:
                    changes.append(prepare_change(cat, org, raw["unit"], raw["period"], raw["indicator"],
                                                  value=float(raw[basis]), basis=basis,
                                                  status=raw.get("status", "estimate"),
                                                  comment=raw.get("comment", "")))
        except InputError as error:
            raise InputError(f"{where}: {error}") from None
    return changes


def load_demo(store: Store) -> dict[str, int]:
    """Load the seed reports' figures and targets; loading twice changes nothing."""
    with open(resource("demo.toml"), "rb") as handle:
        data = tomllib.load(handle)
    cat, org = catalogue(store), organisation(store)
    changed = apply_changes(store, _changes(cat, org, data.get("figure", [])), user=DEMO_USER, action="demo")
    targets = 0
    for number, raw in enumerate(data.get("target", []), start=1):
        try:
            targets += _load_target(store, raw.get("unit", data["target_unit"]), raw)
        except InputError as error:
            raise InputError(f"demo.toml, kế hoạch thứ {number} ({raw.get('indicator')}): {error}") from None
    return {"figures": changed, "targets": targets, "narratives": load_demo_narratives(store)}


def load_demo_narratives(store: Store) -> int:
    """The officials' own prose of the seed reports (resources/demo_narratives.toml).

    Each part is saved the way an official would write it: the text drafted from the
    figures, then the report's own paragraphs (which leave out the sentences the draft
    states), with the report's footnotes after the first of them. The draft it started
    from is recorded, so later figures only offer new sentences beside it.
    """
    from .drafting import drafts, footnote  # drafting reads progress; keep demo import-light
    from .narrative import set_narrative

    with open(resource("demo_narratives.toml"), "rb") as handle:
        entries = tomllib.load(handle).get("narrative", [])
    drafted: dict[tuple[str, str], dict[str, str]] = {}
    changed = 0
    for entry in entries:
        key = (entry["unit"], entry["period"])
        if key not in drafted:
            drafted[key] = drafts(store, *key)
        draft = drafted[key].get(entry["part"], "")
        # A saved text has one paragraph per line; the drafted sentences read as one
        # paragraph, as the seeds write them (a list of "- ..." lines stays a list).
        draft_lines = draft.splitlines()
        if draft_lines and not any(line.startswith("-") for line in draft_lines):
            draft_lines = [" ".join(draft_lines)]
        paragraphs = [" ".join(p.split()) for p in entry["text"].strip().split("\n\n") if p.strip()]
        notes = "".join(footnote(text) for text in entry.get("footnotes", []))
        if paragraphs and notes:
            paragraphs[0] = paragraphs[0] + notes
        # the results part opens with the officials' sentence and then lists the figures
        at = 1 if entry["part"] == "ket_qua" and paragraphs else 0
        lead = "Một số kết quả chủ yếu: "
        if at and paragraphs[0].endswith(":") and draft_lines and draft_lines[0].startswith(lead):
            rest = draft_lines[0][len(lead):]  # the officials' sentence already leads in
            draft_lines = [rest[:1].upper() + rest[1:]] + draft_lines[1:]
        text = "\n".join(paragraphs[:at] + draft_lines + paragraphs[at:])
        changed += set_narrative(store, entry["unit"], entry["period"], entry["part"], text, user=DEMO_USER,
                                 draft=draft)
    return changed


def _load_target(store: Store, unit: str, raw: dict) -> int:
    cat = catalogue(store)
    ind = cat.indicator(raw["indicator"])
    note = raw.get("note", "")
    cumulative = bool(raw.get("cumulative", False))
    if raw.get("percent") is not None:
        value, derived_note = _target_from_percent(store, unit, ind, raw, cumulative)
        note = derived_note + (f" {note}" if note else "")
        return set_target(store, unit, ind.code, raw["period"], raw["source"], value, cumulative=cumulative,
                          note=note, user=DEMO_USER)
    if raw.get("low") is not None:
        return set_target(store, unit, ind.code, raw["period"], raw["source"], low=float(raw["low"]),
                          high=float(raw["high"]), cumulative=cumulative, note=note, user=DEMO_USER)
    return set_target(store, unit, ind.code, raw["period"], raw["source"], float(raw["value"]),
                      cumulative=cumulative, note=note, user=DEMO_USER)


def _target_from_percent(store: Store, unit: str, ind: Indicator, raw: dict, cumulative: bool) -> tuple[float, str]:
    cat, org = catalogue(store), organisation(store)
    measured = cat.indicators[ind.measured_by] if ind.measured_by else ind
    period = parse_month(raw["of_period"])
    of = raw.get("of", "ytd" if ind.kind == "flow" else "month")
    data = FigureData(store, cat, org, [unit])
    if of == "term":
        quantity = data.term_to_date(unit, measured, parse_target_period(raw["period"]).first_year, period)
    elif of == "ytd":
        quantity = data.period_ytd(unit, measured, period)
    else:
        quantity = data.period_value(unit, measured, period)
    if quantity is None or quantity <= 0:
        raise InputError(f"không có số liệu {OF_LABELS.get(of, of)} kỳ {raw['of_period']} để suy ra kế hoạch")
    value = derive_target(quantity, str(raw["percent"]), ind.direction)
    text = str(raw["percent"])
    check = Target(ind.code, parse_target_period(raw["period"]), raw["source"], value, None, None, cumulative, "")
    percent, _ = percent_of_target(quantity, check, ind.direction)
    if round_percent(percent) != float(Decimal(text.replace(",", "."))):
        raise InputError(f"kế hoạch suy ra {value} không cho lại đúng {text}%")
    report = REPORT_LABELS.get(str(raw.get("source_report", "")), "báo cáo")
    basis = f"{measured.name.lower()} " if ind.measured_by else ""
    note = (f"Suy ra từ “đạt {text}%” trong {report} ({OF_LABELS.get(of, of)} {basis}"
            f"{with_unit(format_number(quantity, measured.decimals), measured.unit)}): "
            "số tròn nhất cho đúng tỷ lệ đó.")
    return value, note
