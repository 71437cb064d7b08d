"""The annex tables' content, shared by the Excel workbook and the PDF report.

`table_01()` gives the rows of Biểu 01 "Kết quả thực hiện một số chỉ tiêu kinh tế - xã hội
chủ yếu" for a unit and period: sector rows numbered I, II, ...; leaf-sector headings a), b);
indicators numbered 1, 2, ... within each section; "Trong đó" parts under their parent. The
figures are `progress()`'s, so every output shows the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..models.catalogue import Catalogue, Source, catalogue
from ..models.figure_data import FigureData
from ..models.figures import STATUS_LABELS
from ..models.numbers import round_percent
from ..models.organisation import organisation
from ..models.periods import Period, parse_period
from ..models.progress import PLAN_SOURCE, IndicatorProgress, progress
from ..models.store import Store
from ..models.targets import targets_for_year

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


def _has_content(row: IndicatorProgress) -> bool:
    """A figure, or a target of the year (a term target alone does not fill a monthly annex)."""
    return (row.value is not None or row.ytd is not None
            or any(row.is_annual(source) for source in row.target_periods))


def table_01(store: Store, unit: str, period: Period | str, *, include_empty: bool = False,
             annual_only: bool = False, sectors: set[str] | None = None, with_parts: bool = False,
             progress_rows: list[IndicatorProgress] | None = None) -> AnnexTable:
    """Rows of Biểu 01 for `unit` in `period` (indicators without figure or target left out).

    `annual_only` keeps only the targets of the period's year (term targets go to Biểu 04);
    `sectors` limits the rows to those sectors (and their sub-sectors); `with_parts` keeps
    every part of a kept indicator, even an empty one. `progress_rows` reuses a `progress()`
    result of the same unit and period (it is not changed).
    """
    if isinstance(period, str):
        period = parse_period(period)
    org = organisation(store)
    cat = catalogue(store, org.level(unit))  # sources as the unit names them
    reporter = org.unit(unit)
    if progress_rows is None:
        progress_rows = progress(store, unit, period)
    rows_by_code = {row.indicator: row for row in progress_rows}
    if sectors is not None:
        rows_by_code = {code: row for code, row in rows_by_code.items()
                        if _in_sectors(cat, cat.indicators[code].sector, sectors)}
    if annual_only:
        rows_by_code = {code: _without_term_targets(row) for code, row in rows_by_code.items()}
    keep = {code for code, row in rows_by_code.items() if include_empty or _has_content(row)}
    if with_parts:
        for code in list(rows_by_code):  # in catalogue order, so a part follows its parent
            if cat.indicators[code].parent in keep:
                keep.add(code)
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


def _in_sectors(cat: Catalogue, sector: str, chosen: set[str]) -> bool:
    while sector:
        if sector in chosen:
            return True
        sector = cat.sectors[sector].parent
    return False


def _without_term_targets(row: IndicatorProgress) -> IndicatorProgress:
    """A copy of a progress row with only the year's own targets."""
    term = {source for source in row.target_periods if not row.is_annual(source)}
    if not term:
        return row
    names = ("targets", "target_notes", "target_periods", "percent_of_target", "range_position", "behind_pace",
             "term_to_date")
    return replace(row, **{name: {k: v for k, v in getattr(row, name).items() if k not in term} for name in names})


def _indicator_row(ind, row: IndicatorProgress, stt: str, name: str, depth: int) -> AnnexRow:
    flow = ind.kind == "flow"
    last_year = row.ytd_last_year if flow else row.same_period_last_year
    notes = []
    if row.status == "estimate":
        notes.append(f"Số {STATUS_LABELS['estimate']}")
    notes.extend(row.comments)
    if row.value_from_children:
        notes.append("Tổng các đơn vị")
    if ind.measured_note and any(p is not None for p in row.percent_of_target.values()):
        notes.append(ind.measured_note)
    return AnnexRow(
        kind="indicator", stt=stt, name=name, depth=depth, indicator=ind.code, dvt=ind.unit,
        decimals=ind.decimals, kind_of_indicator=ind.kind, targets=dict(row.targets),
        value=row.value, ytd=row.ytd if flow else None, percents=dict(row.percent_of_target),
        last_year=last_year,
        percent_vs_last_year=row.ytd_percent_vs_last_year if flow else row.percent_vs_last_year,
        note="; ".join(notes), progress=row)


# -- Biểu 02: by unit ----------------------------------------------------------------------
@dataclass
class UnitColumn:
    code: str
    name: str


@dataclass
class UnitRow:
    row: AnnexRow  # the Biểu 01 row (section, subsection or indicator) it follows
    values: dict = field(default_factory=dict)  # child unit -> the period's figure
    summable: bool = False  # the total is the sum of the units (else: the unit's own figure)
    total: float | None = None


@dataclass
class UnitTable:
    unit: str
    unit_name: str
    period: Period
    columns: list[UnitColumn]
    rows: list[UnitRow]


def table_02(store: Store, unit: str, period: Period | str,
             progress_rows: list[IndicatorProgress] | None = None) -> UnitTable:
    """Biểu 02: each indicator's figure of the period for every child unit, and the total.

    For summable indicators the total is the sum of the units (None when one is missing,
    as `progress()` counts it); for the others it is the unit's own figure.
    """
    if isinstance(period, str):
        period = parse_period(period)
    cat, org = catalogue(store), organisation(store)
    base = table_01(store, unit, period, progress_rows=progress_rows)
    reporter = org.unit(base.unit)
    figure_unit = org.unit(reporter.reports_for) if reporter.is_department else reporter
    children = org.children(figure_unit.code, period)
    data = FigureData(store, cat, org, org.related(figure_unit.code))
    rows: list[UnitRow] = []
    for row in base.rows:
        if row.kind != "indicator":
            rows.append(UnitRow(row))
            continue
        ind = cat.indicators[row.indicator]
        values = {child.code: data.period_value(child.code, ind, period) for child in children}
        summable = ind.summable and not ind.derived and bool(children)
        total = row.progress.children_value if summable else row.value
        if total is None and all(v is None for v in values.values()):
            continue
        rows.append(UnitRow(row, values, summable, total))
    rows = _without_empty_headings(rows)
    return UnitTable(base.unit, base.unit_name, period, [UnitColumn(c.code, c.name) for c in children], rows)


def _without_empty_headings(rows: list[UnitRow]) -> list[UnitRow]:
    """Drop section and subsection rows that no indicator row follows."""
    kept: list[UnitRow] = []
    for index, item in enumerate(rows):
        if item.row.kind == "indicator":
            kept.append(item)
            continue
        rank = 0 if item.row.kind == "section" else 1
        following = rows[index + 1] if index + 1 < len(rows) else None
        if following is None:
            continue
        following_rank = {"section": 0, "subsection": 1}.get(following.row.kind, 2)
        if following_rank > rank:
            kept.append(item)
    # a section whose only content was an empty subsection
    return [item for index, item in enumerate(kept)
            if item.row.kind != "section" or (index + 1 < len(kept) and kept[index + 1].row.kind != "section")]


# -- Biểu 05: the units against their own plans -------------------------------------------------
@dataclass
class UnitPlanCell:
    figure: float | None  # the year-to-date of a flow, the level of a stock or rate
    percent: float | None  # of the unit's own first plan of the year (None: no plan or no figure)
    source: str | None = None  # that plan's source


@dataclass
class UnitPlanTable:
    unit: str
    unit_name: str
    period: Period
    indicators: list[IndicatorProgress]  # the key indicators, as the unit's own progress has them
    units: list[UnitColumn]  # the child units of the period, one row each
    cells: dict  # (child unit, indicator) -> UnitPlanCell
    total: dict  # indicator -> UnitPlanCell of the unit itself (its total: None unless every unit has it)
    received: object  # consolidation.Completeness
    partial: dict  # indicator -> (sum over the units received, units without the figure), summable only


def _plan_cell(row: IndicatorProgress, period: Period) -> UnitPlanCell:
    figure = row.ytd if row.kind == "flow" else row.value
    percents = row.reported_percents(period)
    source = next(iter(percents), None)
    return UnitPlanCell(figure, percents.get(source) if source else None, source)


def table_05(store: Store, unit: str, period: Period | str,
             progress_rows: list[IndicatorProgress] | None = None) -> UnitPlanTable:
    """Biểu 05: one row per child unit with its key indicators, each against the unit's own plan
    (its own `progress()`), the total of the unit (the sum of every unit, or nothing), and the
    sum of the units received so far, labelled as such."""
    from ..models.consolidation import completeness, partial_sum

    if isinstance(period, str):
        period = parse_period(period)
    cat, org = catalogue(store), organisation(store)
    reporter = org.unit(unit)
    figure_unit = org.unit(reporter.reports_for) if reporter.is_department else reporter
    keys = [code for code, ind in cat.indicators.items() if ind.key]
    if progress_rows is None:
        progress_rows = progress(store, unit, period)
    own = {row.indicator: row for row in progress_rows}
    indicators = [own[code] for code in keys if code in own]
    children = org.children(figure_unit.code, period)
    cells = {}
    for child in children:
        for row in progress(store, child.code, period, keys):
            cells[(child.code, row.indicator)] = _plan_cell(row, period)
    partial = {row.indicator: partial_sum({c.code: cells[(c.code, row.indicator)].figure for c in children})
               for row in indicators if cat.indicators[row.indicator].summable}
    return UnitPlanTable(reporter.code, reporter.name, period, indicators,
                         [UnitColumn(c.code, c.name) for c in children], cells,
                         {row.indicator: _plan_cell(row, period) for row in indicators},
                         completeness(store, figure_unit.code, period), partial)


# -- Biểu 03: budget -------------------------------------------------------------------------
BUDGET_SECTOR = "ngan_sach"  # the catalogue's sector of budget revenue and expenditure


def table_03(store: Store, unit: str, period: Period | str,
             progress_rows: list[IndicatorProgress] | None = None) -> AnnexTable:
    """Biểu 03: budget revenue and expenditure with all their parts, against the year's plans.

    A total measured by another indicator (total local revenue without carry-over revenue)
    has its percent computed on that indicator, as `progress()` does, and says so in the note.
    """
    table = table_01(store, unit, period, annual_only=True, sectors={BUDGET_SECTOR}, with_parts=True,
                     progress_rows=progress_rows)
    table.rows = [row for row in table.rows if row.kind == "indicator"]
    return table


# -- Biểu 04: term targets -------------------------------------------------------------------
ASSESSMENTS = ("Vượt", "Đạt", "Khó đạt")


@dataclass
class TermRow:
    stt: str
    name: str
    indicator: str
    dvt: str
    decimals: int
    direction: str
    source: Source
    term: str  # "2021-2025"
    target: float | list | None
    cumulative: bool
    quantity: float | None  # the figure compared with the target
    percent: float | None
    required: float  # percent the elapsed time asks for
    assessment: str


@dataclass
class TermTable:
    unit: str
    unit_name: str
    period: Period
    rows: list[TermRow]


def term_elapsed_percent(first_year: int, last_year: int, period: Period) -> float:
    """Share of the term gone by at the end of `period`, in percent."""
    months = (last_year - first_year + 1) * 12
    done = (period.year - first_year) * 12 + period.last
    return max(0.0, min(100.0, done / months * 100))


def term_assessment(percent: float | None, required: float) -> str:
    """"Vượt" above 100%, "Đạt" when the percent reaches what the elapsed time asks for,
    "Khó đạt" below it; blank without a percent. Compared as printed (one decimal)."""
    if percent is None:
        return ""
    shown = round_percent(percent)
    if shown > 100:
        return "Vượt"
    return "Đạt" if shown >= required else "Khó đạt"


def table_04(store: Store, unit: str, period: Period | str,
             progress_rows: list[IndicatorProgress] | None = None) -> TermTable:
    """Biểu 04: the term targets (NQ Đại hội, sector resolutions) covering the period.

    Cumulative targets are compared with the term-to-date figure and required to keep pace
    with the elapsed share of the term; level targets with the year's figure, required 100%.
    """
    if isinstance(period, str):
        period = parse_period(period)
    org = organisation(store)
    cat = catalogue(store, org.level(unit))  # sources as the unit names them
    reporter = org.unit(unit)
    targets = targets_for_year(store, unit, period.year)
    rows: list[TermRow] = []
    number = 0
    for row in progress_rows if progress_rows is not None else progress(store, unit, period):
        for target in sorted(targets.get(row.indicator, []), key=lambda t: cat.sources[t.source].position):
            if not target.period.is_term:
                continue
            number += 1
            quantity = row.term_to_date.get(target.source) if target.cumulative else row.ytd
            if row.measured_by and not target.cumulative:
                quantity = row.ytd  # shown figure; the percent below is the measured one
            # compared as printed, one decimal, like the percent
            required = (round_percent(term_elapsed_percent(target.period.first_year, target.period.last_year,
                                                           period)) if target.cumulative else 100.0)
            percent = row.percent_of_target.get(target.source)
            rows.append(TermRow(
                stt=str(number), name=row.name, indicator=row.indicator, dvt=row.dvt, decimals=row.decimals,
                direction=row.direction, source=cat.sources[target.source], term=target.period.code,
                target=target.as_json(), cumulative=target.cumulative, quantity=quantity, percent=percent,
                required=required, assessment=term_assessment(percent, required)))
    return TermTable(reporter.code, reporter.name, period, rows)
