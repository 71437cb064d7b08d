"""The annex tables' content, shared by the Excel workbook and the PDF report.

`table_01()` gives the rows of Biểu 01 "Kết quả thực hiện một số chỉ tiêu kinh tế - xã hội
chủ yếu" for a unit and period: sector rows numbered I, II, ...; leaf-sector headings a), b);
indicators numbered 1, 2, ... within each section; "Trong đó" parts under their parent. The
figures are `progress()`'s, so every output shows the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models.catalogue import Catalogue, Source, catalogue
from ..models.figures import STATUS_LABELS
from ..models.organisation import organisation
from ..models.periods import Period, parse_period
from ..models.progress import PLAN_SOURCE, IndicatorProgress, progress
from ..models.store import Store

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@dataclass
class AnnexRow:
    kind: str  # "section" (I, II), "subsection" (a, b) or "indicator"
    stt: str
    name: str
    depth: int = 0  # 0 for an indicator, 1 for its "Trong đó" parts, ...
    indicator: str | None = None
    dvt: str = ""
    decimals: int = 0
    kind_of_indicator: str = ""
    targets: dict = field(default_factory=dict)  # source -> number or [low, high]
    value: float | None = None
    ytd: float | None = None  # flows only; stocks and rates show their level as `value`
    percents: dict = field(default_factory=dict)  # source -> percent
    last_year: float | None = None  # the figure compared with: ytd for flows, the level otherwise
    percent_vs_last_year: float | None = None
    note: str = ""
    progress: IndicatorProgress | None = None


@dataclass
class AnnexTable:
    unit: str
    unit_name: str
    period: Period
    sources: list[Source]
    rows: list[AnnexRow]


def _plan_source(cat: Catalogue) -> Source:
    if PLAN_SOURCE in cat.sources:
        return cat.sources[PLAN_SOURCE]
    return Source(PLAN_SOURCE, "Kế hoạch vốn giao", "KH vốn giao", "kế hoạch vốn giao", 999)


def _has_content(row: IndicatorProgress, year: int) -> bool:
    """A figure, or a target of the year (a term target alone does not fill a monthly annex)."""
    return (row.value is not None or row.ytd is not None
            or any(code == str(year) for code in row.target_periods.values()))


def table_01(store: Store, unit: str, period: Period | str, *, include_empty: bool = False) -> AnnexTable:
    """Rows of Biểu 01 for `unit` in `period` (indicators without figure or target left out)."""
    if isinstance(period, str):
        period = parse_period(period)
    cat, org = catalogue(store), organisation(store)
    reporter = org.unit(unit)
    rows_by_code = {row.indicator: row for row in progress(store, unit, period)}
    keep = {code for code, row in rows_by_code.items() if include_empty or _has_content(row, period.year)}
    for code in list(keep):  # a kept part keeps its parent, so "Trong đó" always has its total
        parent = cat.indicators[code].parent
        while parent and parent in rows_by_code:
            keep.add(parent)
            parent = cat.indicators[parent].parent
    used_sources: set[str] = set()
    rows: list[AnnexRow] = []
    section_number = 0
    for top in cat.sector_children(None):
        sectors = [top] + cat.sector_children(top.code)
        if not any(code in keep and cat.indicators[code].sector in {s.code for s in sectors}
                   for code in rows_by_code):
            continue
        section_number += 1
        rows.append(AnnexRow("section", ROMAN[section_number - 1], top.name.upper()))
        number = 0
        for sector in sectors:
            indicators = [i for i in cat.in_sector(sector.code) if i.code in keep]
            if not indicators:
                continue
            if sector is not top:
                rows.append(AnnexRow("subsection", f"{sector.outline}", sector.name))
            first_child_seen: set[str] = set()
            for ind in indicators:
                row = rows_by_code[ind.code]
                depth = cat.depth(ind.code)
                if depth == 0:
                    number += 1
                    stt = str(number)
                else:
                    stt = "-"
                name = ind.name
                if depth > 0 and ind.parent not in first_child_seen:
                    first_child_seen.add(ind.parent)
                    name = f"Trong đó: {name}"
                used_sources.update(row.targets)
                rows.append(_indicator_row(ind, row, stt, name, depth))
    sources = [s for s in cat.sources.values() if s.code in used_sources]
    if PLAN_SOURCE in used_sources and PLAN_SOURCE not in cat.sources:
        sources.append(_plan_source(cat))
    return AnnexTable(reporter.code, reporter.name, period, sources, rows)


def _indicator_row(ind, row: IndicatorProgress, stt: str, name: str, depth: int) -> AnnexRow:
    flow = ind.kind == "flow"
    last_year = row.ytd_last_year if flow else row.same_period_last_year
    notes = []
    if row.status == "estimate":
        notes.append(f"Số {STATUS_LABELS['estimate']}")
    notes.extend(row.comments)
    if row.value_from_children:
        notes.append("Tổng các đơn vị")
    return AnnexRow(
        kind="indicator", stt=stt, name=name, depth=depth, indicator=ind.code, dvt=ind.unit,
        decimals=ind.decimals, kind_of_indicator=ind.kind, targets=dict(row.targets),
        value=row.value, ytd=row.ytd if flow else None, percents=dict(row.percent_of_target),
        last_year=last_year,
        percent_vs_last_year=row.ytd_percent_vs_last_year if flow else row.percent_vs_last_year,
        note="; ".join(notes), progress=row)
