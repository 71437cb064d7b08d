"""The annex tables' content, shared by the Excel workbook and the PDF report.

`table_01()` gives the rows of Biểu 01 "Kết quả thực hiện một số chỉ tiêu kinh tế - xã hội
chủ yếu" for a unit and period: sector rows numbered I, II, ...; leaf-sector headings a), b);
indicators numbered 1, 2, ... within each section; "Trong đó" parts under their parent; a
parent without its own figure whose parts (all of them, `parts = "complete"`) are filled shows
their sum. The figures are `progress()`'s, so every output shows the same numbers. A row's
figures share one number of decimals (the most any was typed with, up to the indicator's
maximum) and percents the `percent_decimals` setting, so each column lines up; `figure_text`
and `percent_text` print them so for every writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..models.catalogue import Catalogue, Source, catalogue
from ..models.drafting import sector_heading
from ..models.figure_data import FigureData
from ..models.figures import STATUS_LABELS
from ..models.numbers import format_figure, format_percent, percent_decimals, round_percent, shared_decimals
from ..models.organisation import organisation
from ..models.periods import Period, parse_period
from ..models.period_state import period_state
from ..models.progress import PLAN_SOURCE, IndicatorProgress, percent_of_target, progress
from ..models.store import Store
from ..models.targets import Target, targets_for_year

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@dataclass
class AnnexRow:
    kind: str  # "section" (I, II), "subsection" (a, b) or "indicator"
    stt: str
    name: str
    depth: int = 0  # 0 for an indicator, 1 for its "Trong đó" parts, ...
    indicator: str | None = None
    dvt: str = ""
    decimals: int = 0  # what the row's figures are printed with (shared, `shared_decimals`)
    kind_of_indicator: str = ""
    targets: dict = field(default_factory=dict)  # source -> number or [low, high]
    value: float | None = None
    ytd: float | None = None  # flows only; stocks and rates show their level as `value`
    percents: dict = field(default_factory=dict)  # source -> percent
    last_year: float | None = None  # the figure compared with: ytd for flows, the level otherwise
    percent_vs_last_year: float | None = None
    note: str = ""
    progress: IndicatorProgress | None = None
    max_decimals: int = 0  # the indicator's maximum
    sum_of_parts: bool = False  # value and ytd are the sum of its parts (it has no figure of its own)


@dataclass
class AnnexTable:
    unit: str
    unit_name: str
    period: Period
    sources: list[Source]
    rows: list[AnnexRow]
    percent_decimals: int = 1


def figure_text(row: AnnexRow, value: float | None) -> str:
    """A figure of a table row, with the row's shared decimals: 381,00 beside 144,86."""
    return format_figure(value, row.max_decimals or row.decimals, decimals=row.decimals)


def target_text(row: AnnexRow, target) -> str:
    """A target as a table prints it: a number, or a range "9,5-10"."""
    if isinstance(target, list):
        return f"{figure_text(row, target[0])}-{figure_text(row, target[1])}"
    return figure_text(row, target)


def percent_text(decimals: int, percent: float | None) -> str:
    """A percent of a table's column: fixed decimals (43,0 beside 40,7), as the setting says."""
    return format_percent(percent, decimals, fixed=True)


def attached_line(document_code: str, issuer: str, period: Period) -> str:
    """"(Kèm theo Báo cáo số ....../BC-UBND ngày ..... tháng ..... năm 2024 của Ủy ban nhân dân ...)":
    room left for the number and the date, which are written when the report is signed. The code
    and the issuer (in a sentence) are the unit's document profile's for the period."""
    return (f"(Kèm theo Báo cáo số ........./{document_code or 'BC-UBND'} ngày ....... tháng ....... năm "
            f"{period.year}{f' của {issuer}' if issuer else ''})")


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
             progress_rows: list[IndicatorProgress] | None = None, keep: set[str] | None = None) -> AnnexTable:
    """Rows of Biểu 01 for `unit` in `period` (indicators without figure or target left out).

    `annual_only` keeps only the targets of the period's year (term targets go to Biểu 04);
    `sectors` limits the rows to those sectors (and their sub-sectors); `with_parts` keeps
    every part of a kept indicator, even an empty one; `keep` keeps those indicators even
    when empty. `progress_rows` reuses a `progress()` result of the same unit and period
    (it is not changed).
    """
    if isinstance(period, str):
        period = parse_period(period)
    org = organisation(store)
    cat = catalogue(store, org.level(unit))  # sources as the unit names them
    reporter = org.unit(unit)
    if progress_rows is None:
        progress_rows = list(period_state(store, unit, period).rows)
    rows_by_code = {row.indicator: row for row in progress_rows}
    if sectors is not None:
        rows_by_code = {code: row for code, row in rows_by_code.items()
                        if _in_sectors(cat, cat.indicators[code].sector, sectors)}
    if annual_only:
        rows_by_code = {code: _without_term_targets(row) for code, row in rows_by_code.items()}
    wanted = keep or set()
    keep = {code for code, row in rows_by_code.items() if include_empty or code in wanted or _has_content(row)}
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
        rows.append(AnnexRow("section", ROMAN[section_number - 1], sector_heading(top, period).upper()))
        number = 0
        for sector in sectors:
            indicators = [i for i in cat.in_sector(sector.code) if i.code in keep]
            if not indicators:
                continue
            if sector is not top:
                rows.append(AnnexRow("subsection", f"{sector.outline}", sector_heading(sector, period)))
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
                summed = _sum_of_parts(cat, row, rows_by_code)
                rows.append(_indicator_row(ind, summed or row, stt, name, depth, summed=summed is not None))
    sources = [s for s in cat.sources.values() if s.code in used_sources]
    if PLAN_SOURCE in used_sources and PLAN_SOURCE not in cat.sources:
        sources.append(_plan_source(cat))
    return AnnexTable(reporter.code, reporter.name, period, sources, rows, percent_decimals(store.settings()))


def _sum_of_parts(cat: Catalogue, row: IndicatorProgress,
                  rows_by_code: dict[str, IndicatorProgress]) -> IndicatorProgress | None:
    """A parent without its own figure whose parts make it up whole (`parts = "complete"`) and are
    all filled: a copy with their sum as its figure and its percents of target computed on it."""
    ind = cat.indicators[row.indicator]
    parts = [rows_by_code.get(code) for code in cat.children.get(ind.code, [])]
    if ind.parts != "complete" or not parts or row.value is not None or row.ytd is not None or None in parts:
        return None
    value = _total(p.value for p in parts)
    ytd = _total(p.ytd for p in parts)
    if value is None and ytd is None:
        return None
    quantity = ytd if ind.kind == "flow" else value
    percents = dict(row.percent_of_target)
    for source, target in row.targets.items():
        if source in row.term_to_date:
            continue  # a term-to-date is not the sum of this period's parts
        plan = (Target(ind.code, None, source, None, target[0], target[1], False, "") if isinstance(target, list)
                else Target(ind.code, None, source, target, None, None, False, ""))
        percents[source] = percent_of_target(quantity, plan, ind.direction)[0]
    return replace(row, value=value, ytd=ytd, percent_of_target=percents)


def _total(values) -> float | None:
    values = list(values)
    return None if not values or any(v is None for v in values) else sum(values)


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


def _indicator_row(ind, row: IndicatorProgress, stt: str, name: str, depth: int, *, summed: bool = False) -> AnnexRow:
    flow = ind.kind == "flow"
    last_year = row.ytd_last_year if flow else row.same_period_last_year
    notes = []
    if row.status == "estimate":
        notes.append(f"Số {STATUS_LABELS['estimate']}")
    notes.extend(row.comments)
    if row.value_from_children:
        notes.append("Tổng các đơn vị")
    if summed:
        notes.append("Tổng các phần")
    if ind.measured_note and any(p is not None for p in row.percent_of_target.values()):
        notes.append(ind.measured_note)
    ytd = row.ytd if flow else None
    targets = [v for t in row.targets.values() for v in (t if isinstance(t, list) else [t])]
    decimals = shared_decimals([row.value, ytd, last_year, *targets], ind.decimals)
    return AnnexRow(
        kind="indicator", stt=stt, name=name, depth=depth, indicator=ind.code, dvt=ind.unit,
        decimals=decimals, kind_of_indicator=ind.kind, targets=dict(row.targets),
        value=row.value, ytd=ytd, percents=dict(row.percent_of_target),
        last_year=last_year,
        percent_vs_last_year=row.ytd_percent_vs_last_year if flow else row.percent_vs_last_year,
        note="; ".join(notes), progress=row, max_decimals=ind.decimals, sum_of_parts=summed)


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
    decimals: int = 0  # what the row's figures are printed with (shared by the units and the total)


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

    Every summable key indicator has its row, filled or not (the units' figures are what the
    sheet asks for); other indicators appear when a unit or the total has a figure. For
    summable indicators the total is the sum of the units (None when one is missing, as
    `progress()` counts it); for the others it is the unit's own figure.
    """
    if isinstance(period, str):
        period = parse_period(period)
    cat, org = catalogue(store), organisation(store)
    key = {code for code, ind in cat.indicators.items() if ind.key and ind.summable and not ind.derived}
    base = table_01(store, unit, period, progress_rows=progress_rows, keep=key)
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
        if total is None and all(v is None for v in values.values()) and ind.code not in key:
            continue
        decimals = shared_decimals([*values.values(), total], ind.decimals)
        rows.append(UnitRow(row, values, summable, total, decimals))
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
    decimals: dict = field(default_factory=dict)  # indicator -> its column's shared decimals
    percent_decimals: int = 1


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
    keys = [ind.code for ind in cat.valid_in(period) if ind.key]
    if progress_rows is None:
        progress_rows = list(period_state(store, unit, period).rows)
    own = {row.indicator: row for row in progress_rows}
    indicators = [own[code] for code in keys if code in own]
    children = org.children(figure_unit.code, period)
    cells = {}
    for child in children:
        for row in progress(store, child.code, period, keys):
            cells[(child.code, row.indicator)] = _plan_cell(row, period)
    partial = {row.indicator: partial_sum({c.code: cells[(c.code, row.indicator)].figure for c in children})
               for row in indicators if cat.indicators[row.indicator].summable}
    total = {row.indicator: _plan_cell(row, period) for row in indicators}
    decimals = {row.indicator: shared_decimals([cells[(c.code, row.indicator)].figure for c in children]
                                               + [total[row.indicator].figure, partial.get(row.indicator, (None,))[0]],
                                               row.decimals)
                for row in indicators}
    return UnitPlanTable(reporter.code, reporter.name, period, indicators,
                         [UnitColumn(c.code, c.name) for c in children], cells, total,
                         completeness(store, figure_unit.code, period), partial, decimals,
                         percent_decimals(store.settings()))


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
    max_decimals: int = 0  # the indicator's maximum (`decimals` is the row's shared one)


@dataclass
class TermTable:
    unit: str
    unit_name: str
    period: Period
    rows: list[TermRow]
    percent_decimals: int = 1

    @property
    def empty_text(self) -> str:
        """What the sheet says when no term target covers the period."""
        return f"Không có chỉ tiêu nghị quyết nhiệm kỳ nào áp dụng cho {self.period.label}."


def term_elapsed_percent(first_year: int, last_year: int, period: Period) -> float:
    """Share of the term gone by at the end of `period`, in percent."""
    months = (last_year - first_year + 1) * 12
    done = (period.year - first_year) * 12 + period.last
    return max(0.0, min(100.0, done / months * 100))


def term_assessment(percent: float | None, required: float, decimals: int = 1) -> str:
    """"Vượt" above 100%, "Đạt" when the percent reaches what the elapsed time asks for,
    "Khó đạt" below it; blank without a percent. Compared as printed (`decimals`)."""
    if percent is None:
        return ""
    shown = round_percent(percent, decimals)
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
    decimals = percent_decimals(store.settings())
    rows: list[TermRow] = []
    number = 0
    for row in progress_rows if progress_rows is not None else period_state(store, unit, period).rows:
        for target in sorted(targets.get(row.indicator, []), key=lambda t: cat.sources[t.source].position):
            if not target.period.is_term:
                continue
            number += 1
            quantity = row.term_to_date.get(target.source) if target.cumulative else row.ytd
            if row.measured_by and not target.cumulative:
                quantity = row.ytd  # shown figure; the percent below is the measured one
            # compared as printed, like the percent
            required = (round_percent(term_elapsed_percent(target.period.first_year, target.period.last_year,
                                                           period), decimals) if target.cumulative else 100.0)
            percent = row.percent_of_target.get(target.source)
            bounds = target.as_json() if isinstance(target.as_json(), list) else [target.as_json()]
            rows.append(TermRow(
                stt=str(number), name=row.name, indicator=row.indicator, dvt=row.dvt,
                decimals=shared_decimals([quantity, *bounds], row.decimals),
                direction=row.direction, source=cat.sources[target.source], term=target.period.code,
                target=target.as_json(), cumulative=target.cumulative, quantity=quantity, percent=percent,
                required=required, assessment=term_assessment(percent, required, decimals), max_decimals=row.decimals))
    return TermTable(reporter.code, reporter.name, period, rows, decimals)
