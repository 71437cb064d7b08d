"""Report text drafted from the figures, in the seed reports' own manner, kept apart from the official's text.

The related figures of a sector go into one sentence, as the seeds write them: the
catalogue's sentence groups (`sentence`) join their indicators with ";", each indicator
says its period's figure, its year-to-date where that differs ("lũy kế 5 tháng"), its
comparisons ("tăng 12,2% so với tháng 4/2024", "so với cùng kỳ năm 2023") and its percent
of each target of the period ("đạt 40,7% so với kế hoạch tỉnh và 40,4% so với Nghị quyết
HĐND thành phố giao"; one percent for both when they agree), its parts in brackets
"(trong đó: ...)". Figures print with the decimals they were typed with (`format_figure`),
counts under ten as 01-09, percents with the `percent_decimals` setting. A percent that
cannot be computed says what is missing. Footnotes travel inside the text as `^[...]`
(a per-value comment, or the catalogue's note on how a percent was measured); the PDF
numbers them through the report.

A part's draft is one sentence per line. What the report prints for a part is the
official's text when an official has edited it, otherwise the current draft: a draft never
overwrites edited text. `save_part()` records the draft the official started from
(table `narrative_drafts`), and `new_sentences()` offers the sentences drafted since then.
`report_outline()` lays the parts out as the seeds do: every sector heading in the
catalogue's order and letters (a placeholder where nothing is written yet), the
assessment's three parts, the next period's tasks and the closing sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .catalogue import AREA_WORD, Catalogue, Sector, catalogue
from .documents import document_profile
from .narrative import REPORT_PARTS, narratives, set_narrative
from .numbers import PERCENT_DECIMALS, format_figure, format_percent, percent_decimals, round_percent, with_unit
from .organisation import Unit, organisation
from .periods import Period, parse_period
from .period_state import period_state
from .progress import IndicatorProgress
from .rules.context import DEFAULT_SETTINGS
from .rules.targets import missing_percent_inputs
from .store import Store
from .text import nfc

FOOTNOTE = re.compile(r"\^\[([^\]]*)\]")
PLACEHOLDER_START = "[Cán bộ viết"  # a part nobody has written yet; the text checks find it left in
PLAN_PHRASE = "kế hoạch vốn giao"
CLOSING_PART = "ket_luan"


def footnote(text: str) -> str:
    """Inline footnote markup for `text` (brackets inside become parentheses)."""
    text = nfc(text) or ""
    return "^[" + text.replace("[", "(").replace("]", ")") + "]"


def split_footnotes(text: str) -> list[tuple[str, str | None]]:
    """Split text into (plain text, None) and (footnote text, "fn") pieces, in order."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in FOOTNOTE.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()], None))
        pieces.append((match.group(1).strip(), "fn"))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def without_footnotes(text: str) -> str:
    return FOOTNOTE.sub("", text)


# -- wording ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Wording:
    """What every sentence of one report is worded by: catalogue, period, percent precision, pace tolerance."""

    cat: Catalogue
    period: Period
    percent_decimals: int = PERCENT_DECIMALS
    pace_tolerance: float = DEFAULT_SETTINGS["check_pace_tolerance"]

    def percent(self, value: float) -> str:
        return format_percent(value, self.percent_decimals)

    def amount(self, row: IndicatorProgress, value: float) -> str:
        ind = self.cat.indicators.get(row.indicator)
        return with_unit(format_figure(value, row.decimals, count=bool(ind and ind.is_count)), row.dvt)


def wording(store: Store, cat: Catalogue, period: Period) -> Wording:
    """The wording settings of `store` (percent precision, the checks' pace tolerance)."""
    settings = store.settings()
    tolerance = settings.get("check_pace_tolerance", DEFAULT_SETTINGS["check_pace_tolerance"])
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
        tolerance = DEFAULT_SETTINGS["check_pace_tolerance"]
    return Wording(cat, period, percent_decimals(settings), float(tolerance))


def in_period_words(period: Period) -> str:
    """How a sentence says "in this period": trong tháng, trong quý, 6 tháng đầu năm, năm 2024."""
    if period.kind == "half":
        return "6 tháng đầu năm" if period.first == 1 else "6 tháng cuối năm"
    return {"month": "trong tháng", "quarter": "trong quý", "nine": "9 tháng"}.get(period.kind, f"năm {period.year}")


def last_year_words(period: Period) -> str:
    """"cùng kỳ năm 2023" (a year's report: "năm 2023"): the year is always named."""
    return f"năm {period.year - 1}" if period.kind == "year" else f"cùng kỳ năm {period.year - 1}"


def change_words(percent: float | None, against: str, decimals: int = PERCENT_DECIMALS) -> str | None:
    """"tăng 12,2% so với tháng 4/2024", "giảm 3% so với cùng kỳ năm 2023", "bằng cùng kỳ năm 2023"."""
    if percent is None:
        return None
    change = round_percent(percent - 100, decimals)
    if change == 0:
        return f"bằng {against}"
    return f"{'tăng' if change > 0 else 'giảm'} {format_percent(abs(change), decimals)}% so với {against}"


def lower_first(text: str) -> str:
    """A name inside a sentence: "doanh thu du lịch", but "HTX ..." and "OCOP ..." keep their capitals."""
    word = text.split(" ", 1)[0]
    if len(word) > 1 and (word.isupper() or word[1:2].isupper()):
        return text
    return text[:1].lower() + text[1:]


def _verb(row: IndicatorProgress, percent_follows: bool) -> str:
    """"ước đạt" for an estimate; "là" before a percent of target (the seeds' "là 54.401 triệu
    đồng, đạt 30,4% ..."), so "đạt" is never said twice in a row; "đạt" for a rate alone."""
    if row.status == "estimate":
        return "ước đạt"
    if percent_follows:
        return "là"
    return "đạt" if row.kind == "rate" else "là"


def _source_phrase(cat: Catalogue, row: IndicatorProgress, source: str) -> str:
    phrase = cat.sources[source].phrase if source in cat.sources else PLAN_PHRASE
    period = row.target_periods.get(source, "")
    return f"{phrase} giai đoạn {period}" if "-" in period else phrase


def _joined_phrases(phrases: list[str]) -> list[str]:
    """"kế hoạch tỉnh" ... "Nghị quyết HĐND thành phố giao": one "giao" at the end, as the seeds write it."""
    if len(phrases) > 1 and all(p.endswith(" giao") for p in phrases):
        return [p[: -len(" giao")] for p in phrases[:-1]] + phrases[-1:]
    return phrases


def _percent_groups(w: Wording, row: IndicatorProgress) -> list[tuple[str, list[str]]]:
    """The reported percents as printed, each with the sources that give it, in source order."""
    groups: dict[str, list[str]] = {}
    for source, percent in row.reported_percents(w.period).items():
        groups.setdefault(w.percent(percent), []).append(source)
    return list(groups.items())


def percents_words(w: Wording, row: IndicatorProgress, lead: str = "đạt") -> str:
    """"đạt 43% kế hoạch tỉnh giao"; "đạt 9% so với kế hoạch tỉnh và Nghị quyết HĐND thành phố
    giao" when both give the same percent; "đạt 40,7% so với kế hoạch tỉnh và 40,4% so với
    Nghị quyết HĐND thành phố giao" when they differ. A level that meets its target exactly
    "đạt kế hoạch tỉnh giao" (never "đạt 100%, đạt 100% kế hoạch"). "" without a percent."""
    groups = _percent_groups(w, row)
    if not groups:
        return ""
    sources = [s for _text, group in groups for s in group]
    phrases = dict(zip(sources, _joined_phrases([_source_phrase(w.cat, row, s) for s in sources])))
    if len(groups) == 1:
        text, group = groups[0]
        said = " và ".join(phrases[s] for s in group)
        if row.kind != "flow" and text == "100":
            return f"{lead} {said}"
        return f"{lead} {text}% {'so với ' if len(group) > 1 else ''}{said}"
    said = (f"{text}% so với {' và '.join(phrases[s] for s in group)}" for text, group in groups)
    return f"{lead} " + " và ".join(said)


def target_words(w: Wording, row: IndicatorProgress, by_code: dict[str, IndicatorProgress] | None = None) -> str:
    """", đạt 43% kế hoạch tỉnh giao", and for a target whose percent cannot be computed
    ", chưa tính được tỷ lệ so với kế hoạch tỉnh giao (thiếu số liệu thu chuyển nguồn)"."""
    text = percents_words(w, row)
    said = [text] if text else []
    missing = missing_percent_inputs(w.cat, row, by_code or {}, w.period)
    if missing:
        phrases = _joined_phrases([_source_phrase(w.cat, row, s) for s in missing])
        names = sorted({lower_first(name) for names in missing.values() for name in names})
        said.append(f"chưa tính được tỷ lệ so với {' và '.join(phrases)} (thiếu số liệu {', '.join(names)})")
    return "".join(f", {s}" for s in said)


def _previous_words(w: Wording, row: IndicatorProgress) -> list[str]:
    if w.period.kind not in ("month", "quarter", "half") or not row.previous_period:
        return []
    said = change_words(row.percent_vs_previous, parse_period(row.previous_period).label, w.percent_decimals)
    return [said] if said else []


def _last_year_words(w: Wording, row: IndicatorProgress, *, on_ytd: bool) -> list[str]:
    said = change_words(row.ytd_percent_vs_last_year if on_ytd else row.percent_vs_last_year,
                        last_year_words(w.period), w.percent_decimals)
    return [said] if said else []


def _ytd_words(row: IndicatorProgress, period: Period) -> str:
    """"lũy kế 5 tháng", or "từ đầu năm" when the name already says "Lũy kế"."""
    return "từ đầu năm" if row.name.lower().startswith("lũy kế") else f"lũy kế {period.last} tháng"


def shows_ytd(row: IndicatorProgress, period: Period) -> bool:
    """"lũy kế" is said only where the year-to-date differs from the period's own figure."""
    return (row.kind == "flow" and row.ytd is not None and period.first > 1
            and (row.value is None or round(row.ytd, 6) != round(row.value, 6)))


def _bracket(words: list[str]) -> str:
    return f" ({'; '.join(words)})" if words else ""


def figure_clause(w: Wording, row: IndicatorProgress, by_code: dict[str, IndicatorProgress] | None = None, *,
                  lead: bool = True, compare: bool = True, ytd_only: bool = False) -> str:
    """The indicator's name with its figures, comparisons and targets (no full stop).

    Flows: the period's figure (compared with the period before), then the year-to-date
    where it differs (compared with the same period last year); stocks: the level with both
    comparisons; rates: the level alone (a percent change of a percent misleads). With
    `ytd_only` a flow says only what its percent is computed on (the results part).
    """
    period = w.period
    targets = target_words(w, row, by_code)
    percent_follows = bool(row.reported_percents(period))
    verb = _verb(row, percent_follows)
    name = row.name if lead else lower_first(row.name)
    ytd_shown = shows_ytd(row, period)
    if row.kind != "flow":
        text = f"{name} {verb} {w.amount(row, row.value if row.value is not None else row.ytd)}"
        if compare and row.kind == "stock":
            text += _bracket(_last_year_words(w, row, on_ytd=False) + _previous_words(w, row))
    elif (ytd_only and ytd_shown) or row.value is None:
        words = _ytd_words(row, period) if period.first > 1 else in_period_words(period)
        text = f"{name} {words} {verb} {w.amount(row, row.ytd)}"
        if compare:
            text += _bracket(_last_year_words(w, row, on_ytd=True))
    else:
        when = "" if "trong kỳ" in row.name else f" {in_period_words(period)}"
        text = f"{name}{when} {verb} {w.amount(row, row.value)}"
        if compare:
            words = _previous_words(w, row)
            if not ytd_shown:
                words = _last_year_words(w, row, on_ytd=False) + words
            text += _bracket(words)
        if ytd_shown:
            text += f", {_ytd_words(row, period)} {verb} {w.amount(row, row.ytd)}"
            if compare:
                text += _bracket(_last_year_words(w, row, on_ytd=True))
    return text + targets


def _measured_footnote(w: Wording, row: IndicatorProgress, rows: dict[str, IndicatorProgress]) -> str:
    """Seed 000 footnote 4: the rule a percent follows, with the amount it leaves out."""
    ind = w.cat.indicators[row.indicator]
    if not ind.measured_note or not any(p is not None for p in row.percent_of_target.values()):
        return ""
    measured = rows.get(ind.measured_by)
    note = ind.measured_note
    if measured is not None and measured.ytd is not None and row.ytd is not None:
        left_out = row.ytd - measured.ytd
        if round(left_out, row.decimals) != 0:
            note += f" ({w.amount(row, left_out)})"
    return footnote(note)


def _comment_footnotes(row: IndicatorProgress) -> str:
    return "".join(footnote(comment) for comment in row.comments if nfc(comment))


def _has_figure(row: IndicatorProgress | None) -> bool:
    return row is not None and (row.value is not None or row.ytd is not None)


def _part_clause(w: Wording, row: IndicatorProgress, by_code: dict[str, IndicatorProgress], parent_ytd: bool) -> str:
    """A "trong đó" part: its name and the figure the parent's sentence ends on (the
    year-to-date after a year-to-date, else the period's figure), "là" and its percents."""
    targets = target_words(w, row, by_code)
    name = lower_first(row.name)
    if row.kind == "flow" and parent_ytd and row.ytd is not None:
        text = f"{name} là {w.amount(row, row.ytd)}"
    elif row.kind == "flow" and row.value is None:
        words = _ytd_words(row, w.period) if w.period.first > 1 else in_period_words(w.period)
        text = f"{name} {words} là {w.amount(row, row.ytd)}"
    elif row.kind == "flow" and parent_ytd:
        text = f"{name} {in_period_words(w.period)} là {w.amount(row, row.value)}"
    else:
        text = f"{name} là {w.amount(row, row.value if row.value is not None else row.ytd)}"
    return text + targets


def _stated_parts(w: Wording, code: str, by_code: dict[str, IndicatorProgress]) -> list[IndicatorProgress]:
    """The parts said in the text: those with a figure, a zero left out ("thu chuyển nguồn là 0")."""
    parts = [by_code.get(child) for child in w.cat.children.get(code, [])]
    return [row for row in parts if _has_figure(row) and (row.value or row.ytd)]


def parts_list(w: Wording, code: str, by_code: dict[str, IndicatorProgress], parent_ytd: bool) -> str:
    """"chi thường xuyên là 117.443 triệu đồng; chi đầu tư là 18.003 triệu đồng", a part's own
    parts in brackets after it."""
    said = []
    for row in _stated_parts(w, code, by_code):
        child_ytd = parent_ytd and row.kind == "flow" and row.ytd is not None
        said.append(_part_clause(w, row, by_code, parent_ytd) + _comment_footnotes(row)
                    + parts_bracket(w, row.indicator, by_code, child_ytd))
    return "; ".join(said)


def parts_bracket(w: Wording, code: str, by_code: dict[str, IndicatorProgress], parent_ytd: bool) -> str:
    """" (trong đó: chi thường xuyên là 117.443 triệu đồng; chi đầu tư là 18.003 triệu đồng)", nested."""
    said = parts_list(w, code, by_code, parent_ytd)
    return f" (trong đó: {said})" if said else ""


def _parts_follow(w: Wording, row: IndicatorProgress, by_code: dict[str, IndicatorProgress]) -> bool:
    """Parts follow as their own "Trong đó: ..." sentence after a figure with percents of target
    whose parts have parts of their own, as seeds 000 and 001 write total local revenue; else
    they go in brackets, as seed 000 writes spending and the target programmes' funds."""
    return bool(row.reported_percents(w.period)) and any(
        _stated_parts(w, part.indicator, by_code) for part in _stated_parts(w, row.indicator, by_code))


def indicator_clause(w: Wording, row: IndicatorProgress, by_code: dict[str, IndicatorProgress], *,
                     lead: bool = True, boundaries: str = "") -> str:
    """One indicator as said in its sector's sentence: figures, targets, footnotes (`boundaries`:
    the old boundaries' one, first), parts (in brackets, or as a following "Trong đó: ..."
    sentence, `_parts_follow`)."""
    ends_on_ytd = shows_ytd(row, w.period) or (row.kind == "flow" and row.value is None)
    text = (figure_clause(w, row, by_code, lead=lead) + boundaries + _measured_footnote(w, row, by_code)
            + _comment_footnotes(row))
    if _parts_follow(w, row, by_code):
        parts = parts_list(w, row.indicator, by_code, ends_on_ytd)
        return f"{text}. Trong đó: {parts[:1].upper()}{parts[1:]}"
    return text + parts_bracket(w, row.indicator, by_code, ends_on_ytd)


@dataclass
class DraftSentence:
    indicator: str  # the first indicator of the sentence
    sector: str
    text: str


def old_boundaries_footnote(row: IndicatorProgress) -> str:
    """The footnote a figure counted by the old boundaries carries (a unit formed on 01/07/2025
    compared with the months before): which units it adds up, and up to when."""
    summed = [entry for entry in row.old_boundaries.values() if entry.get("summed_from")]
    if not summed:
        return ""
    year, month = divmod(int(summed[0]["before"]), 100)
    names = summed[0]["names"]
    units = f"là số liệu của {names[0]}" if len(names) == 1 else \
        "cộng số liệu của " + ", ".join(names[:-1]) + " và " + names[-1]
    return footnote(f"Số liệu của các tháng trước tháng {month}/{year} (trước khi sắp xếp đơn vị hành chính) "
                    f"được tính theo địa giới cũ: {units}.")


def draft_sentences(w: Wording, rows: list[IndicatorProgress]) -> list[DraftSentence]:
    """The sectors' sentences: one per sentence group (or lone indicator) with a figure, its
    indicators joined by ";", in catalogue order. Parts are said inside their parent. Pure.

    The first indicator with a figure counted by the old boundaries says so in a footnote."""
    cat = w.cat
    by_code = {row.indicator: row for row in rows}
    measured_only = {ind.measured_by for ind in cat.indicators.values() if ind.measured_by}
    groups: dict[tuple[str, str], list[IndicatorProgress]] = {}
    for row in rows:
        if not _has_figure(row) or row.indicator in measured_only:
            continue
        if row.parent and _has_figure(by_code.get(row.parent)):
            continue  # said in its parent's "trong đó"
        group = cat.indicators[row.indicator].sentence or row.indicator
        groups.setdefault((row.sector, group), []).append(row)
    sentences = []
    old_boundaries_said = False
    for (sector, _group), members in groups.items():
        clauses = []
        for index, row in enumerate(members):
            boundaries = "" if old_boundaries_said else old_boundaries_footnote(row)
            old_boundaries_said = old_boundaries_said or bool(boundaries)
            clauses.append(indicator_clause(w, row, by_code, lead=index == 0, boundaries=boundaries))
        sentences.append(DraftSentence(members[0].indicator, sector, nfc("; ".join(clauses) + ".")))
    return sentences


# -- the assessment: key indicators against pace ------------------------------------------
def _standing(w: Wording, row: IndicatorProgress) -> str | None:
    """"ahead" or "behind" for a key indicator with a target in the report, else None: a flow
    against the pace m/12 of its year's targets (within the checks' tolerance), a level
    against 100% of its target, judged in a year's report only."""
    percents = row.reported_percents(w.period)
    if not percents:
        return None
    if row.kind == "flow" and row.direction == "up" and row.expected_pace is not None and w.period.kind != "year":
        annual = [p for source, p in percents.items() if row.is_annual(source)]
        if not annual:
            return None
        return "behind" if any(p + w.pace_tolerance < row.expected_pace for p in annual) else "ahead"
    lowest = min(round_percent(p, w.percent_decimals) for p in percents.values())
    if lowest >= 100:
        return "ahead"
    return "behind" if w.period.kind == "year" else None


def _key_rows(w: Wording, rows: list[IndicatorProgress]) -> list[IndicatorProgress]:
    return [row for row in rows if w.cat.indicators[row.indicator].key and _has_figure(row)]


def result_line(w: Wording, rows: list[IndicatorProgress]) -> str:
    """Drafted "Kết quả đạt được" (III.1): the key indicators on pace with their year-to-date
    and percents in one sentence, as seeds 001 and 004 open it ("Một số kết quả đã đạt được:
    Tổng mức bán lẻ hàng hóa đạt 2.850 tỷ đồng, đạt 83% kế hoạch; ..."). Pure."""
    by_code = {row.indicator: row for row in rows}
    clauses = [figure_clause(w, row, by_code, compare=False, ytd_only=True)
               for row in _key_rows(w, rows) if _standing(w, row) == "ahead"]
    return "Một số kết quả chủ yếu: " + "; ".join(clauses) + "." if clauses else ""


def _topic(name: str) -> str:
    """"Giải ngân vốn đầu tư công" from "Lũy kế giải ngân vốn đầu tư công"."""
    if name.lower().startswith("lũy kế "):
        name = name[len("lũy kế "):]
        return name[:1].upper() + name[1:]
    return name


def shortfall_lines(w: Wording, rows: list[IndicatorProgress]) -> list[str]:
    """Drafted "Hạn chế" lines: the key indicators behind the pace expected by now, worded as
    seed 000 III.2 does: "Tiến độ giải ngân vốn đầu tư công còn chậm (đạt 17,9% kế hoạch vốn
    giao)"; in a year's report, the targets missed. Pure."""
    lines = []
    for row in _key_rows(w, rows):
        if _standing(w, row) != "behind":
            continue
        said = percents_words(w, row)
        if row.expected_pace is not None and w.period.kind != "year":
            lines.append(f"- Tiến độ {lower_first(_topic(row.name))} còn chậm ({said}).")
        else:
            lines.append(f"- {_topic(row.name)} chưa đạt kế hoạch ({said}).")
    return lines


# -- the closing sentence -----------------------------------------------------------------
def closing_sentence(period: Period, with_nq01: bool, issuer: str) -> str:
    """"Trên đây là báo cáo tình hình ... của Ủy ban nhân dân thành phố Lai Châu." (seeds 001, 004).

    `issuer` is the issuing body in a sentence, from the unit's document profile for the period
    (`documents.document_profile(...).issuer`: "Ủy ban nhân dân phường Đoàn Kết" after 07/2025)."""
    subject = subject_line(period, with_nq01)
    return f"Trên đây là báo cáo {subject[:1].lower()}{subject[1:]}{f' của {issuer}' if issuer else ''}."


# -- drafts of a unit and period ----------------------------------------------------------
def _outline_sectors(cat: Catalogue, reporter: Unit) -> set[str]:
    """The sectors a unit's report covers: a department its own (and their parents), others all."""
    if not (reporter.is_department and reporter.sectors):
        return set(cat.sectors)
    chosen: set[str] = set()
    for code in reporter.sectors:
        while code:
            chosen.add(code)
            code = cat.sectors[code].parent
    return chosen


def drafts(store: Store, unit: str, period: Period | str,
           rows: list[IndicatorProgress] | None = None) -> dict[str, str]:
    """The drafted text of every part with figures: part code -> one sentence per line.

    Sector parts get their sentences; "ket_qua" the key indicators on pace, "han_che" those
    behind it, and "ket_luan" the closing sentence. `rows` reuses a `progress()` result of
    the same unit and period.
    """
    if isinstance(period, str):
        period = parse_period(period)
    org = organisation(store)
    cat = catalogue(store, org.level(unit))  # "NQ HĐND xã giao" for a xã
    reporter = org.unit(unit)
    if rows is None:
        rows = list(period_state(store, reporter.code, period).rows)
    w = wording(store, cat, period)
    result: dict[str, list[str]] = {}
    for sentence in draft_sentences(w, rows):
        result.setdefault(sentence.sector, []).append(sentence.text)
    results = result_line(w, rows)
    if results:
        result["ket_qua"] = [results]
    shortfalls = shortfall_lines(w, rows)
    if shortfalls:
        result["han_che"] = shortfalls
    sectors = _outline_sectors(cat, reporter)
    issuer = document_profile(store, reporter.code, period).issuer
    result[CLOSING_PART] = [closing_sentence(period, _nq01_sector(cat, sectors) is not None, issuer)]
    return {part: "\n".join(lines) for part, lines in result.items()}


# -- drafts beside the official's text ----------------------------------------------------
@dataclass
class PartText:
    part: str
    text: str  # what the report prints
    origin: str  # "official" (edited by an official), "draft" (drafted from figures) or "empty"
    draft: str = ""
    new: list[str] = field(default_factory=list)  # drafted sentences the official has not seen


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _saved_drafts(store: Store, unit: str, period: Period) -> dict[str, str]:
    rows = store.query("SELECT part, text FROM narrative_drafts WHERE unit = ? AND period = ?", (unit, period.code))
    return {row["part"]: row["text"] for row in rows}


def resolve_part(part: str, draft: str, official: str | None, base: str | None) -> PartText:
    """Choose what a part prints: an untouched draft follows the figures, edited text stays. Pure."""
    if official is None or (base is not None and official == base):
        return PartText(part, draft, "draft" if draft else "empty", draft)
    seen = set(_lines(base))
    new = [line for line in _lines(draft) if line not in seen and line not in official]
    return PartText(part, official, "official", draft, new)


def part_texts(store: Store, unit: str, period: Period | str,
               rows: list[IndicatorProgress] | None = None) -> dict[str, PartText]:
    """Every part with text (drafted or the official's), keyed by part code."""
    if isinstance(period, str):
        period = parse_period(period)
    unit_code = organisation(store).unit(unit).code
    drafted = drafts(store, unit_code, period, rows)
    official = narratives(store, unit_code, period)
    bases = _saved_drafts(store, unit_code, period)
    parts = list(dict.fromkeys(list(drafted) + list(official)))
    return {part: resolve_part(part, drafted.get(part, ""), official.get(part), bases.get(part)) for part in parts}


def new_sentences(store: Store, unit: str, period: Period | str, part: str) -> list[str]:
    """Sentences drafted from the figures that are not yet in the official's edited text."""
    text = part_texts(store, unit, period).get(part)
    return text.new if text else []


def save_part(store: Store, unit: str, period: Period | str, part: str, text: str, *, user: str | None = None) -> int:
    """Save an official's text for a part, recording the draft it was written from."""
    if isinstance(period, str):
        period = parse_period(period)
    draft = drafts(store, organisation(store).unit(unit).code, period).get(part, "")
    return set_narrative(store, unit, period, part, text, user=user, draft=draft)


# -- the outline ---------------------------------------------------------------------------
@dataclass
class OutlineItem:
    kind: str  # "heading" or "text"
    level: int  # 1: I, II ...; 2: 1., 2. ...; 3: a), b) ...
    label: str  # heading text as printed ("II. VỀ TÌNH HÌNH ...") or "" for text
    part: str = ""
    text: str = ""
    origin: str = ""  # "official", "draft", or "placeholder" (nothing written yet: a bracketed request)
    new: list[str] = field(default_factory=list)


def next_period(period: Period) -> Period:
    if period.kind == "month":
        return Period(period.year + period.last // 12, period.last % 12 + 1, period.last % 12 + 1, "month")
    if period.kind in ("quarter", "half"):
        length = period.last - period.first + 1
        first = period.last % 12 + 1
        return Period(period.year + period.last // 12, first, first + length - 1, period.kind)
    if period.kind == "nine":
        return Period(period.year, 10, 12, "quarter")
    return Period(period.year + 1, 1, 12, "year")


def subject_line(period: Period, with_nq01: bool) -> str:
    """The report's subject (trích yếu), as seed 000 words it."""
    following = next_period(period)
    if period.kind == "month":
        this = f"tháng {period.first}"
        nxt = f"tháng {following.first}"
        if following.year != period.year:
            this += f" năm {period.year}"
        nxt += f" năm {following.year}"
    else:
        this, nxt = period.label, following.label
    head = "Tình hình thực hiện Nghị quyết 01/NQ-CP; tình hình" if with_nq01 else "Tình hình"
    return f"{head} thực hiện Kế hoạch phát triển kinh tế - xã hội {this}; nhiệm vụ trọng tâm {nxt}"


def sector_heading(sector: Sector, period: Period) -> str:
    """A sector's heading in the report: its `heading` (the year in place of {năm}; {cấp} is
    filled by the catalogue of the reporting unit's level, `Catalogue.for_level`) or its name."""
    heading = sector.heading if AREA_WORD not in sector.heading else ""  # a catalogue of no level
    return (heading or sector.name).replace("{năm}", str(period.year))


def _about(text: str) -> str:
    """"tình hình triển khai thực hiện ..." from "Về triển khai thực hiện ..."."""
    if text.lower().startswith("về "):
        text = text[3:]
    return lower_first(text)


def placeholder(part: str, period: Period, cat: Catalogue | None = None) -> str:
    """The bracketed request printed where nobody has written a part yet."""
    if cat is not None and part in cat.sectors:
        return f"{PLACEHOLDER_START} tình hình {_about(sector_heading(cat.sectors[part], period))} {period.label}.]"
    return {
        "ket_qua": f"{PLACEHOLDER_START} những kết quả đạt được {period.label}.]",
        "han_che": f"{PLACEHOLDER_START} những hạn chế, vướng mắc {period.label}.]",
        "nguyen_nhan": f"{PLACEHOLDER_START} nguyên nhân của những hạn chế, vướng mắc.]",
        "nhiem_vu": (f"{PLACEHOLDER_START} các nhiệm vụ, giải pháp trọng tâm {next_period(period).label}, "
                     "mỗi nhiệm vụ một đoạn.]"),
    }.get(part, f"{PLACEHOLDER_START} nội dung phần này.]")


def numbered(text: str) -> str:
    """The next tasks numbered 1., 2., ... as the seeds print them (lines already numbered stay)."""
    lines = _lines(text)
    if any(re.match(r"\d+\.\s", line) for line in lines):
        return "\n".join(lines)
    return "\n".join(f"{number}. {line.lstrip('-• ').strip()}" for number, line in enumerate(lines, start=1))


ROMAN = ["I", "II", "III", "IV", "V", "VI"]
ASSESSMENT = ("ket_qua", "han_che", "nguyen_nhan")


def _nq01_sector(cat: Catalogue, shown: set[str]) -> Sector | None:
    return next((s for s in cat.sector_children(None) if s.outline == "I" and s.code in shown), None)


def _relabelled(siblings: list[Sector], shown: set[str]) -> list[tuple[str, Sector]]:
    """The shown sectors among `siblings`, each with the outline mark of its place among them,
    so a department's a), b) follow on without gaps; all shown: the catalogue's own marks."""
    marks = [s.outline for s in siblings]
    return [(marks[index], sector) for index, sector in enumerate(s for s in siblings if s.code in shown)]


def report_outline(store: Store, unit: str, period: Period | str,
                   rows: list[IndicatorProgress] | None = None) -> list[OutlineItem]:
    """Sections I-IV of the report, as the seeds lay them out, and the closing sentence.

    I is the catalogue's sector "nq01" (its heading names the year); II.1-II.5 the other top
    sectors with their sub-sectors a), b) ... in the catalogue's order and letters; III the
    assessment (Kết quả đạt được, Hạn chế, Nguyên nhân); IV the next period's key tasks
    (quý II after quý I, 6 tháng cuối năm after 6 tháng đầu năm, năm sau after the year),
    numbered; then "Trên đây là báo cáo ...". Every heading stays: a part nobody has written
    yet prints a bracketed request (`PLACEHOLDER_START`), which the text checks report.
    `rows` reuses a `progress()` result of the same unit and period.
    """
    if isinstance(period, str):
        period = parse_period(period)
    org = organisation(store)
    reporter = org.unit(unit)
    return outline_items(catalogue(store, org.level(reporter.code)), reporter, period,
                         part_texts(store, reporter.code, period, rows))


def outline_items(cat: Catalogue, reporter: Unit, period: Period, part_text: dict[str, PartText]) -> list[OutlineItem]:
    """The outline of `report_outline` from the parts' texts (pure)."""
    shown = _outline_sectors(cat, reporter)
    texts = {part: t for part, t in part_text.items() if t.text}
    items: list[OutlineItem] = []
    section = 0

    def body(part: str, *, required: bool = True) -> list[OutlineItem]:
        t = texts.get(part)
        if t is not None:
            text = numbered(t.text) if part == "nhiem_vu" else t.text
            return [OutlineItem("text", 0, "", part, text, t.origin, t.new)]
        return [OutlineItem("text", 0, "", part, placeholder(part, period, cat), "placeholder")] if required else []

    nq01 = _nq01_sector(cat, shown)
    if nq01 is not None:
        section += 1
        items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. {sector_heading(nq01, period).upper()}",
                                 nq01.code))
        items += body(nq01.code)
    section += 1
    items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. VỀ TÌNH HÌNH KINH TẾ - XÃ HỘI "
                             f"{period.label.upper()}"))
    tops = [s for s in cat.sector_children(None) if s.outline != "I"]
    for mark, top in _relabelled(tops, shown):
        children = cat.sector_children(top.code)
        items.append(OutlineItem("heading", 2, f"{mark}. {sector_heading(top, period)}", top.code))
        items += body(top.code, required=not children)
        for letter, sector in _relabelled(children, shown):
            items.append(OutlineItem("heading", 3, f"{letter}) {sector_heading(sector, period)}", sector.code))
            items += body(sector.code)
    section += 1
    items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. ĐÁNH GIÁ CHUNG"))
    for number, part in enumerate(ASSESSMENT, start=1):
        items.append(OutlineItem("heading", 2, f"{number}. {REPORT_PARTS[part]}", part))
        items += body(part)
    section += 1
    # no part on this heading: a level-1 heading with a part is section I (the subject line names it)
    items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. MỘT SỐ NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM "
                             f"{next_period(period).label.upper()}"))
    items += body("nhiem_vu")
    items += body(CLOSING_PART, required=False)
    return items


@dataclass
class ReportTexts:
    """The report's text as the checks read it."""

    printed: dict[str, str]  # part -> what the report prints (placeholders left out), in report order
    drafted: dict[str, str]  # part -> today's draft from the figures
    placeholders: list[str]  # parts that print only the request to write them


def report_texts(store: Store, unit: str, period: Period | str,
                 rows: list[IndicatorProgress] | None = None) -> ReportTexts:
    """What the report of `unit` and `period` prints, part by part, for the text checks."""
    if isinstance(period, str):
        period = parse_period(period)
    reporter = organisation(store).unit(unit)
    texts = part_texts(store, reporter.code, period, rows)
    items = [i for i in outline_items(catalogue(store), reporter, period, texts) if i.kind == "text"]
    return ReportTexts({i.part: i.text for i in items if i.origin != "placeholder"},
                       {part: t.draft for part, t in texts.items() if t.draft},
                       [i.part for i in items if i.origin == "placeholder"])


__all__ = ["CLOSING_PART", "FOOTNOTE", "PLACEHOLDER_START", "DraftSentence", "OutlineItem", "PartText", "ReportTexts",
           "Wording", "outline_items", "report_texts",
           "change_words", "closing_sentence", "draft_sentences", "drafts", "figure_clause", "footnote",
           "in_period_words", "new_sentences", "next_period", "old_boundaries_footnote", "part_texts", "percents_words",
           "placeholder", "report_outline", "resolve_part", "result_line", "save_part", "sector_heading",
           "shortfall_lines", "split_footnotes", "subject_line", "target_words", "without_footnotes", "wording"]
