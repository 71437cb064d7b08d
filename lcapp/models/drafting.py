"""Report text drafted from the figures, grouped by the report's outline, kept apart from the official's text.

Every indicator with a figure gets one Vietnamese sentence in the seed reports' own style
("Tổng mức bán lẻ ... trong tháng ước đạt 339 tỷ đồng, lũy kế 5 tháng ước đạt 1.931 tỷ
đồng, đạt 43% kế hoạch tỉnh giao."), its parts follow as "Trong đó: ...". Footnotes travel
inside the text as `^[...]` (a per-value comment, or the catalogue's note on how a percent
was measured); the PDF numbers them through the report.

A part's draft is one sentence per line. What the report prints for a part is the
official's text when an official has edited it, otherwise the current draft: a draft never
overwrites edited text. `save_part()` records the draft the official started from
(table `narrative_drafts`), and `new_sentences()` offers the sentences drafted since then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .catalogue import Catalogue, catalogue
from .narrative import REPORT_PARTS, narratives, set_narrative
from .numbers import format_number, format_percent, round_percent, with_unit
from .organisation import organisation
from .periods import Period, parse_period
from .progress import IndicatorProgress, progress
from .store import Store
from .text import nfc

FOOTNOTE = re.compile(r"\^\[([^\]]*)\]")

PLAN_PHRASE = "kế hoạch vốn giao"


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


# -- wording ------------------------------------------------------------------------------
def in_period_words(period: Period) -> str:
    """How a sentence says "in this period": trong tháng, trong quý, 6 tháng đầu năm, năm 2024."""
    if period.kind == "half":
        return "6 tháng đầu năm" if period.first == 1 else "6 tháng cuối năm"
    return {"month": "trong tháng", "quarter": "trong quý", "nine": "9 tháng"}.get(period.kind, f"năm {period.year}")


def last_year_words(period: Period) -> str:
    return f"năm {period.year - 1}" if period.kind == "year" else "cùng kỳ"


def change_words(percent: float | None, against: str) -> str | None:
    """"tăng 12,2% so với tháng 4/2024", "giảm 3% so với cùng kỳ", "bằng cùng kỳ"."""
    if percent is None:
        return None
    change = round_percent(percent - 100)
    if change == 0:
        return f"bằng {against}"
    return f"{'tăng' if change > 0 else 'giảm'} {format_percent(abs(change))}% so với {against}"


def _amount(row: IndicatorProgress, value: float) -> str:
    return with_unit(format_number(value, row.decimals), row.dvt)


def _verb(row: IndicatorProgress, has_target: bool) -> str:
    if row.status == "estimate":
        return "ước đạt"
    return "đạt" if has_target or row.kind == "rate" else "là"


def _source_phrase(cat: Catalogue, row: IndicatorProgress, source: str) -> str:
    phrase = cat.sources[source].phrase if source in cat.sources else PLAN_PHRASE
    period = row.target_periods.get(source, "")
    return f"{phrase} giai đoạn {period}" if "-" in period else phrase


def target_words(cat: Catalogue, row: IndicatorProgress, period: Period) -> str:
    """", đạt 43% kế hoạch tỉnh giao" or ", đạt 40,7% so với ... và 40,4% so với ..."."""
    items = list(row.reported_percents(period).items())
    if not items:
        return ""
    if len(items) == 1:
        source, percent = items[0]
        return f", đạt {format_percent(percent)}% {_source_phrase(cat, row, source)}"
    said = [f"{format_percent(percent)}% so với {_source_phrase(cat, row, source)}" for source, percent in items]
    return ", đạt " + ", ".join(said[:-1]) + " và " + said[-1]


def _previous_words(row: IndicatorProgress, period: Period) -> list[str]:
    if period.kind not in ("month", "quarter", "half") or not row.previous_period:
        return []
    said = change_words(row.percent_vs_previous, parse_period(row.previous_period).label)
    return [said] if said else []


def _last_year_words(row: IndicatorProgress, period: Period, *, on_ytd: bool) -> list[str]:
    said = change_words(row.ytd_percent_vs_last_year if on_ytd else row.percent_vs_last_year,
                        last_year_words(period))
    return [said] if said else []


def _ytd_words(row: IndicatorProgress, period: Period) -> str:
    """"lũy kế 5 tháng", or "từ đầu năm" when the name already says "Lũy kế"."""
    return "từ đầu năm" if row.name.lower().startswith("lũy kế") else f"lũy kế {period.last} tháng"


def _bracket(words: list[str]) -> str:
    return f" ({'; '.join(words)})" if words else ""


def figure_clause(cat: Catalogue, row: IndicatorProgress, period: Period, *, compare: bool = True) -> str:
    """The indicator's name with its figures, comparisons and targets (no full stop).

    Flows: the period's figure (compared with the period before), then the year-to-date
    (compared with the same period last year); stocks: the level with both comparisons;
    rates: the level alone (a percent change of a percent misleads).
    """
    has_target = bool(row.reported_percents(period))
    verb = _verb(row, has_target)
    show_ytd = row.kind == "flow" and row.ytd is not None and period.first > 1
    text = row.name
    if row.kind != "flow":
        text += f" {verb} {_amount(row, row.value if row.value is not None else row.ytd)}"
        if compare and row.kind == "stock":
            text += _bracket(_last_year_words(row, period, on_ytd=False) + _previous_words(row, period))
    elif row.value is not None:
        when = "" if "trong kỳ" in row.name else f" {in_period_words(period)}"
        text += f"{when} {verb} {_amount(row, row.value)}"
        if compare:
            words = _previous_words(row, period)
            if not show_ytd:
                words = _last_year_words(row, period, on_ytd=False) + words
            text += _bracket(words)
        if show_ytd:
            text += f", {_ytd_words(row, period)} {verb} {_amount(row, row.ytd)}"
            if compare:
                text += _bracket(_last_year_words(row, period, on_ytd=True))
    else:
        words = _ytd_words(row, period) if period.first > 1 else in_period_words(period)
        text += f" {words} {verb} {_amount(row, row.ytd)}"
        if compare:
            text += _bracket(_last_year_words(row, period, on_ytd=True))
    return text + target_words(cat, row, period)


def _measured_footnote(cat: Catalogue, row: IndicatorProgress, rows: dict[str, IndicatorProgress]) -> str:
    """Seed 000 footnote 4: the rule a percent follows, with the amount it leaves out."""
    ind = cat.indicators[row.indicator]
    if not ind.measured_note or not any(p is not None for p in row.percent_of_target.values()):
        return ""
    measured = rows.get(ind.measured_by)
    note = ind.measured_note
    if measured is not None and measured.ytd is not None and row.ytd is not None:
        left_out = row.ytd - measured.ytd
        if round(left_out, row.decimals) != 0:
            note += f" ({_amount(row, left_out)})"
    return footnote(note)


def _comment_footnotes(row: IndicatorProgress) -> str:
    return "".join(footnote(comment) for comment in row.comments if nfc(comment))


def _has_figure(row: IndicatorProgress) -> bool:
    return row.value is not None or row.ytd is not None


def _parts_clause(cat: Catalogue, code: str, rows: dict[str, IndicatorProgress], period: Period) -> str:
    said = []
    for child in cat.children.get(code, []):
        row = rows.get(child)
        if row is None or not _has_figure(row):
            continue
        clause = figure_clause(cat, row, period, compare=False) + _comment_footnotes(row)
        inner = _parts_clause(cat, child, rows, period)
        if inner:
            clause += f" (Trong đó: {inner})"
        said.append(clause)
    return "; ".join(said)


@dataclass
class DraftSentence:
    indicator: str
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


def draft_sentences(cat: Catalogue, period: Period, rows: list[IndicatorProgress]) -> list[DraftSentence]:
    """One sentence per indicator with a figure (its parts inside it), in catalogue order. Pure.

    The first sentence with a figure counted by the old boundaries says so in a footnote."""
    by_code = {row.indicator: row for row in rows}
    measured_only = {ind.measured_by for ind in cat.indicators.values() if ind.measured_by}
    sentences = []
    old_boundaries_said = False
    for row in rows:
        if not _has_figure(row) or row.indicator in measured_only:
            continue
        parent = by_code.get(row.parent) if row.parent else None
        if parent is not None and _has_figure(parent):
            continue  # said in its parent's "Trong đó"
        boundaries = "" if old_boundaries_said else old_boundaries_footnote(row)
        old_boundaries_said = old_boundaries_said or bool(boundaries)
        text = (figure_clause(cat, row, period) + boundaries + _measured_footnote(cat, row, by_code)
                + _comment_footnotes(row) + ".")
        parts = _parts_clause(cat, row.indicator, by_code, period)
        if parts:
            text += f" Trong đó: {parts}."
        sentences.append(DraftSentence(row.indicator, row.sector, nfc(text)))
    return sentences


def shortfall_lines(cat: Catalogue, period: Period, rows: list[IndicatorProgress]) -> list[str]:
    """Drafted "Hạn chế" lines: annual targets behind the pace expected by this month (seed 000 III.2). Pure."""
    lines = []
    for row in rows:
        behind = [source for source, late in row.behind_pace.items() if late]
        if not behind or row.expected_pace is None:
            continue
        said = " và ".join(f"{format_percent(row.percent_of_target[source])}% {_source_phrase(cat, row, source)}"
                           for source in behind)
        lines.append(f"- {row.name} mới đạt {said} (tiến độ theo thời gian {format_percent(row.expected_pace)}%).")
    return lines


def result_line(cat: Catalogue, period: Period, rows: list[IndicatorProgress]) -> str:
    """Drafted "Kết quả đạt được" (III.1): the key indicators' figures and percents in one
    paragraph, as seeds 001 and 004 open it ("Một số kết quả đã đạt được: Tổng mức bán lẻ
    hàng hóa đạt 2.850 tỷ đồng, đạt 83% kế hoạch; ..."). Pure."""
    clauses = []
    for row in rows:
        if not cat.indicators[row.indicator].key:
            continue
        # the percent of a flow is the year-to-date's, so the year-to-date is what is said
        if row.kind == "flow" and row.ytd is not None and period.last > 1:
            amount, when = row.ytd, f" {_ytd_words(row, period)}"
        elif row.kind == "flow" and row.value is not None:
            amount, when = row.value, f" {in_period_words(period)}"
        else:
            amount, when = (row.value if row.value is not None else row.ytd), ""
        if amount is None:
            continue
        clauses.append(f"{row.name}{when} {_verb(row, bool(row.reported_percents(period)))} "
                       f"{_amount(row, amount)}{target_words(cat, row, period)}")
    if not clauses:
        return ""
    return "Một số kết quả chủ yếu: " + "; ".join(clauses) + "."


def drafts(store: Store, unit: str, period: Period | str) -> dict[str, str]:
    """The drafted text of every part with figures: part code -> one sentence per line.

    Sector parts get one sentence per indicator; "ket_qua" sums up the key indicators and
    "han_che" lists the targets behind pace.
    """
    if isinstance(period, str):
        period = parse_period(period)
    cat = catalogue(store, organisation(store).level(unit))  # "NQ HĐND xã giao" for a xã
    rows = progress(store, unit, period)
    result: dict[str, list[str]] = {}
    for sentence in draft_sentences(cat, period, rows):
        result.setdefault(sentence.sector, []).append(sentence.text)
    results = result_line(cat, period, rows)
    if results:
        result["ket_qua"] = [results]
    shortfalls = shortfall_lines(cat, period, rows)
    if shortfalls:
        result["han_che"] = shortfalls
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


def part_texts(store: Store, unit: str, period: Period | str) -> dict[str, PartText]:
    """Every part with text (drafted or the official's), keyed by part code."""
    if isinstance(period, str):
        period = parse_period(period)
    unit_code = organisation(store).unit(unit).code
    drafted = drafts(store, unit_code, period)
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
    origin: str = ""
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


ROMAN = ["I", "II", "III", "IV", "V", "VI"]
ASSESSMENT = ("ket_qua", "han_che", "nguyen_nhan")


def report_outline(store: Store, unit: str, period: Period | str) -> list[OutlineItem]:
    """Sections I-IV of the report: headings and each part's text, in order.

    I is the catalogue's sector "nq01"; II.1-II.5 are the other top sectors with their
    sub-sectors a), b) ... (the catalogue's outline letters); III the assessment; IV the
    next tasks. A heading with no text under it is left out: an empty heading in a signed
    report reads as an unfinished draft.
    """
    if isinstance(period, str):
        period = parse_period(period)
    cat = catalogue(store)
    texts = {part: t for part, t in part_texts(store, unit, period).items() if t.text}
    items: list[OutlineItem] = []
    section = 0

    def text_item(part: str) -> list[OutlineItem]:
        t = texts.get(part)
        return [OutlineItem("text", 0, "", part, t.text, t.origin, t.new)] if t else []

    tops = cat.sector_children(None)
    for sector in (s for s in tops if s.outline == "I"):
        if sector.code in texts:
            section += 1
            items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. {sector.name.upper()}", sector.code))
            items += text_item(sector.code)
    body: list[OutlineItem] = []
    for top in (s for s in tops if s.outline != "I"):
        inner = text_item(top.code)
        for sector in cat.sector_children(top.code):
            if sector.code in texts:
                inner.append(OutlineItem("heading", 3, f"{sector.outline}) {sector.name}", sector.code))
                inner += text_item(sector.code)
        if inner:
            body.append(OutlineItem("heading", 2, f"{top.outline}. {top.name}", top.code))
            body += inner
    if body:
        section += 1
        items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. VỀ TÌNH HÌNH KINH TẾ - XÃ HỘI "
                                 f"{period.label.upper()}"))
        items += body
    assessment = [part for part in ASSESSMENT if part in texts]
    if assessment:
        section += 1
        items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. ĐÁNH GIÁ CHUNG"))
        for number, part in enumerate(assessment, start=1):
            items.append(OutlineItem("heading", 2, f"{number}. {REPORT_PARTS[part]}", part))
            items += text_item(part)
    if "nhiem_vu" in texts:
        section += 1
        following = next_period(period)
        items.append(OutlineItem("heading", 1, f"{ROMAN[section - 1]}. MỘT SỐ NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM "
                                 f"{following.label.upper()}", "nhiem_vu"))
        items += text_item("nhiem_vu")
    return items
