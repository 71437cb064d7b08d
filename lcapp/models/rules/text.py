"""Checks over the report's own text: the slips real reports contain that the figures cannot show.

Pure functions over the texts the report prints (the officials' edited parts and the
drafts) and the period's progress, each finding naming the part and quoting the words:

- `other_period_date`: a year or date of another period: this year's Nghị quyết 01/NQ-CP,
  plan, budget or work programme given another year ("năm 2024" in a 2025 report), a
  "trong tháng 4" in May's report, "cùng kỳ năm 2022" in a 2024 report;
- `month_words`: "trong tháng" in a quarter, half-year, nine months or year report;
- `repeated_sentence`: a sentence repeated word for word;
- `text_figure_mismatch`: a figure or a percent typed in the text that differs from what the
  figures give, found three ways: a sentence drafted from earlier figures (its words are
  today's draft, its numbers not); a number after an indicator's name; a percent after a
  figure that is one indicator's;
- `text_rounding`: one indicator's figure or percent printed with two roundings (16,5% and 17%);
- `placeholder_left`: parts that still print the request to write them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..drafting import FOOTNOTE, PLACEHOLDER_START
from ..findings import Finding
from ..narrative import REPORT_PARTS
from ..numbers import format_figure, format_percent, round_half_up, with_unit
from ..progress import IndicatorProgress
from .context import CheckInput

MIN_REPEATED_WORDS = 6
MAX_QUOTES = 3

# A number as reports type it ("1.931", "144,86", "16,5 %"); not part of a date, a fraction,
# a document number, a range or a word ("30/4", "02/09", "01/NQ-CP", "2021-2025", "m2").
_NUMBER = re.compile(r"(?<![\w/.,\-])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d/]|-|[.,]\d)(\s?[%‰])?")
# Numbers that name a period, an order or a place rather than a quantity.
_NOT_QUANTITY_BEFORE = {"tháng", "quý", "đường", "thứ", "đợt", "tổ", "khu", "lớp", "ngày", "điều", "khoản", "mục",
                        "phần", "nhóm", "tượng", "đoạn", "kỳ"}
_NOT_QUANTITY_AFTER = {"tháng", "năm", "ngày"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s\d])")


@dataclass(frozen=True)
class Figure:
    """A number typed in the text: its value, the decimals typed, whether it is a percent, where it is."""

    value: Decimal
    decimals: int
    percent: bool
    start: int
    end: int
    text: str
    unit: str  # the words right after it, lower case ("tỷ đồng", "lượt người")

    def matches(self, number: float | None) -> bool:
        return number is not None and round_half_up(number, self.decimals) == self.value


@lru_cache(maxsize=4096)
def figures_in(text: str) -> tuple[Figure, ...]:
    """The quantities typed in `text`, dates, years, document numbers and period words left out."""
    found = []
    for match in _NUMBER.finditer(text):
        whole, fraction, sign = match.group(1), match.group(2), match.group(3)
        before = text[max(0, match.start() - 24):match.start()].split()
        after = text[match.end():match.end() + 24].split()
        if before and before[-1].lower().strip("(,:") in _NOT_QUANTITY_BEFORE:
            continue
        if not sign and after and after[0].lower().strip(".,;:)") in _NOT_QUANTITY_AFTER:
            continue
        if not sign and not fraction and "." not in whole and len(whole) == 4 and 1900 <= int(whole) <= 2100:
            continue  # a year
        value = Decimal(whole.replace(".", "") + ("." + fraction if fraction else ""))
        unit = re.split(r"[,;.()\[\]:]", text[match.end():match.end() + 40], maxsplit=1)[0].strip().lower()
        sign = (sign or "").strip()
        if sign == "‰":  # a per-mille figure is a level in its own unit, not a percent
            unit = "‰"
        found.append(Figure(value, len(fraction or ""), sign == "%", match.start(), match.end(),
                            match.group(0).strip(), unit))
    return tuple(found)


def sentences(text: str) -> list[str]:
    """The sentences of a part's text, footnotes and list marks left out."""
    result = []
    for line in FOOTNOTE.sub("", text or "").splitlines():
        line = re.sub(r"^\s*(?:[-•+]|\d+\.)\s+", "", line).strip()
        result += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return result


def skeleton(sentence: str) -> str:
    """A sentence with its figures replaced by '#': drafted sentences of new figures share it."""
    figures = figures_in(sentence)
    pieces, position = [], 0
    for figure in figures:
        pieces += [sentence[position:figure.start], "#"]
        position = figure.end
    pieces.append(sentence[position:])
    return " ".join("".join(pieces).split()).rstrip(".").casefold()


def _quote(sentence: str, start: int = 0, end: int | None = None, width: int = 110) -> str:
    """The words at [start:end] with some context, shortened with "…"."""
    end = len(sentence) if end is None else end
    if len(sentence) <= width:
        return sentence.rstrip()
    left = max(0, min(start, end - width // 2) - width // 4)
    right = min(len(sentence), left + width)
    text = sentence[left:right].strip()
    return ("…" if left > 0 else "") + text + ("…" if right < len(sentence) else "")


def _part_name(inp: CheckInput, part: str) -> str:
    if part in inp.cat.sectors:
        return inp.cat.sectors[part].name
    return REPORT_PARTS.get(part, part)


def _printed(inp: CheckInput) -> list[tuple[str, str]]:
    """(part, sentence) of every printed text, in the report's part order."""
    return [(part, s) for part, text in inp.texts.items() for s in sentences(text)
            if not s.startswith(PLACEHOLDER_START)]


def _text_finding(inp: CheckInput, rule: str, part: str, message: str, quotes: list[str], *,
                  indicator: str = "", quote: str | None = None, **values) -> Finding:
    """A warning about the report's text: the part, the words quoted (the first quote unless given)."""
    return Finding("warning", rule, indicator, inp.unit, inp.period.code, message, {"quotes": quotes, **values},
                   part=part, quote=quotes[0] if quote is None and quotes else (quote or ""))


def _listed(quotes: list[str]) -> str:
    shown = "; ".join(f"“{q}”" for q in quotes[:MAX_QUOTES])
    return shown + (f" và {len(quotes) - MAX_QUOTES} chỗ khác" if len(quotes) > MAX_QUOTES else "")


# -- dates of another period ----------------------------------------------------------------
_NQ01_DATE = re.compile(r"01/NQ-CP\s+ngày\s+\d{1,2}/\d{1,2}/(\d{4})")
_THIS_YEARS_PLAN = re.compile(
    r"(kế hoạch phát triển kinh tế\s*[-–]\s*xã hội|dự toán ngân sách(?: nhà nước)?|chương trình công tác|"
    r"kế hoạch vốn(?: đầu tư công)?(?: được)?(?: giao)?|kế hoạch đầu tư công|nhiệm vụ năm)"
    r"([^.;()\d]{0,40}?)\s+năm\s+(\d{4})", re.IGNORECASE)
_IN_MONTH = re.compile(r"(?:trong|hết|đến hết|tính đến hết)\s+tháng\s+(\d{1,2})(?:\s*/\s*(\d{4})|\s+năm\s+(\d{4}))?",
                       re.IGNORECASE)
_SAME_PERIOD = re.compile(r"cùng kỳ(?: năm)?\s+(\d{4})", re.IGNORECASE)


def _month_slips(inp: CheckInput, sentence: str, part: str) -> list[tuple[int, int]]:
    period = inp.period
    allowed = set(period.months)
    if part == "nhiem_vu":  # the next tasks speak of the next period
        allowed |= _next_months(period)
    slips = []
    for match in _IN_MONTH.finditer(sentence):
        month = int(match.group(1))
        year = int(match.group(2) or match.group(3) or period.year)
        if 1 <= month <= 12 and year * 100 + month not in allowed:
            slips.append((match.start(), match.end()))
    return slips


def _next_months(period) -> set[int]:
    last = period.year * 12 + period.last - 1
    length = max(1, period.last - period.first + 1)
    return {((last + k) // 12) * 100 + (last + k) % 12 + 1 for k in range(1, length + 1)}


def other_period_date(inp: CheckInput) -> Iterator[Finding]:
    """This year's resolution, plan, budget or work programme given another year; a month or a
    same period of last year that is not the report's."""
    year = inp.period.year
    found: dict[str, list[str]] = {}
    for part, sentence in _printed(inp):
        spans = []
        spans += [(m.start(), m.end()) for m in _NQ01_DATE.finditer(sentence) if int(m.group(1)) != year]
        spans += [(m.start(), m.end()) for m in _THIS_YEARS_PLAN.finditer(sentence) if int(m.group(3)) < year]
        spans += [(m.start(), m.end()) for m in _SAME_PERIOD.finditer(sentence) if int(m.group(1)) != year - 1]
        spans += _month_slips(inp, sentence, part)
        for start, end in sorted(spans):
            found.setdefault(part, []).append(_quote(sentence, start, end))
    for part, quotes in found.items():
        yield _text_finding(inp, "other_period_date", part,
                            f"Phần “{_part_name(inp, part)}” ghi ngày, tháng hoặc năm của kỳ khác "
                            f"(báo cáo {inp.period.label}): {_listed(quotes)}.", quotes)


# -- "trong tháng" in a longer period ------------------------------------------------------
_TRONG_THANG = re.compile(r"\btrong tháng\b(?!\s*\d)", re.IGNORECASE)


def month_words(inp: CheckInput) -> Iterator[Finding]:
    """"trong tháng" (this month) in a report of a quarter, half-year, nine months or year."""
    if inp.period.kind == "month":
        return
    found: dict[str, list[str]] = {}
    for part, sentence in _printed(inp):
        for match in _TRONG_THANG.finditer(sentence):
            found.setdefault(part, []).append(_quote(sentence, match.start(), match.end()))
    for part, quotes in found.items():
        yield _text_finding(inp, "month_words", part,
                            f"Phần “{_part_name(inp, part)}” viết “trong tháng” trong báo cáo {inp.period.label}: "
                            f"{_listed(quotes)}.", quotes)


# -- repeated sentences ---------------------------------------------------------------------
def repeated_sentence(inp: CheckInput) -> Iterator[Finding]:
    """A sentence (of six words or more) printed twice, word for word."""
    first: dict[str, str] = {}
    repeated: dict[str, list[tuple[str, str]]] = {}
    for part, sentence in _printed(inp):
        words = sentence.rstrip(".;:").split()
        if len(words) < MIN_REPEATED_WORDS:
            continue
        key = " ".join(words).casefold()
        if key in first:
            repeated.setdefault(part, []).append((_quote(sentence), first[key]))
        else:
            first[key] = part
    for part, items in repeated.items():
        quotes = [quote for quote, _where in items]
        where = ", ".join(dict.fromkeys(f"“{_part_name(inp, w)}”" for _q, w in items))
        yield _text_finding(inp, "repeated_sentence", part,
                            f"Phần “{_part_name(inp, part)}” lặp lại nguyên văn câu đã có (ở phần {where}): "
                            f"{_listed(quotes)}.", quotes)


# -- typed figures against the figures -------------------------------------------------------
@dataclass
class _Said:
    """A typed figure attributed to an indicator, and what it was compared with."""

    row: IndicatorProgress
    figure: Figure
    part: str
    sentence: str
    key: str | None  # which quantity it matches ("ytd", "percent:tinh" ...), None: it matches none
    what: str = "figure"  # "figure", "percent" (of a target) or "change" (tăng/giảm so với)


def _known_figures(row: IndicatorProgress) -> dict[str, float]:
    known = {"value": row.value, "ytd": row.ytd, "previous": row.previous_value,
             "last_year": row.same_period_last_year, "ytd_last_year": row.ytd_last_year,
             "children": row.children_value, "children_ytd": row.children_ytd}
    known.update({f"term:{s}": v for s, v in row.term_to_date.items()})
    for source, target in row.targets.items():
        if isinstance(target, list):
            known[f"target_low:{source}"], known[f"target_high:{source}"] = target
        else:
            known[f"target:{source}"] = target
    return {k: v for k, v in known.items() if isinstance(v, (int, float))}


def _known_percents(row: IndicatorProgress) -> dict[str, float]:
    return {f"percent:{s}": p for s, p in row.percent_of_target.items() if p is not None}


def _known_changes(row: IndicatorProgress) -> dict[str, float]:
    changes = {"vs_previous": row.percent_vs_previous, "vs_last_year": row.percent_vs_last_year,
               "ytd_vs_last_year": row.ytd_percent_vs_last_year}
    return {k: abs(v - 100) for k, v in changes.items() if v is not None}


def _match(figure: Figure, known: dict[str, float]) -> str | None:
    return next((key for key, number in known.items() if figure.matches(number)), None)


def _names(inp: CheckInput) -> list[tuple[str, IndicatorProgress]]:
    measured_only = {ind.measured_by for ind in inp.cat.indicators.values() if ind.measured_by}
    return [(row.name.casefold(), row) for row in inp.rows
            if (row.value is not None or row.ytd is not None) and row.indicator not in measured_only
            and len(row.name) >= 8]


def _name_spans(lowered: str, names: list[tuple[str, IndicatorProgress]]) -> list[tuple[int, int, IndicatorProgress]]:
    """Where indicators' names occur in a sentence, the longest name winning at a place."""
    spans = []
    for name, row in names:
        start = lowered.find(name)
        while start >= 0:
            spans.append((start, start + len(name), row))
            start = lowered.find(name, start + 1)
    kept: list[tuple[int, int, IndicatorProgress]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _before(sentence: str, figure: Figure, words: tuple[str, ...]) -> bool:
    return any(w in sentence[max(0, figure.start - 16):figure.start].lower() for w in words)


def _said_in(part: str, sentence: str, names, by_unit: dict[str, list[IndicatorProgress]]) -> list[_Said]:
    """Typed figures attributed to indicators: after an indicator's name (up to the next name or
    ";"), and percents after a figure that is exactly one indicator's (`by_unit`: the rows by
    their unit of measure, lower case)."""
    said: list[_Said] = []
    lowered = sentence.casefold()
    figures = figures_in(sentence)
    spans = _name_spans(lowered, names)
    claimed: set[int] = set()
    for index, (_start, end, row) in enumerate(spans):
        stop = spans[index + 1][0] if index + 1 < len(spans) else len(sentence)
        semicolon = sentence.find(";", end)
        stop = min(stop, semicolon) if semicolon >= 0 else stop
        scope = [f for f in figures if end <= f.start < stop]
        first_figure = next((f for f in scope if (f.percent and row.dvt == "%")
                             or (not f.percent and f.unit.startswith(row.dvt.casefold()))), None)
        if first_figure is not None:
            said.append(_Said(row, first_figure, part, sentence, _match(first_figure, _known_figures(row))))
            claimed.add(first_figure.start)
        said += _percents_after(row, scope, sentence, part, skip=first_figure, claimed=claimed)
    for index, figure in enumerate(figures):
        if figure.percent or figure.start in claimed:
            continue
        unit = next((u for u in by_unit if figure.unit.startswith(u)), None)
        owners = [row for row in by_unit.get(unit, []) if figure.matches(row.value) or figure.matches(row.ytd)]
        if len(owners) != 1:
            continue
        stop = next((f.start for f in figures[index + 1:] if not f.percent), len(sentence))
        semicolon = sentence.find(";", figure.end)
        stop = min(stop, semicolon) if semicolon >= 0 else stop
        scope = [f for f in figures[index + 1:] if f.start < stop and f.start not in claimed]
        said += _percents_after(owners[0], scope, sentence, part, claimed=claimed)
    return said


def _percents_after(row: IndicatorProgress, scope: list[Figure], sentence: str, part: str, *,
                    skip: Figure | None = None, claimed: set[int]) -> list[_Said]:
    """Percents after an indicator's figure: "đạt X%" against its percents of target, "tăng X%"
    against its changes; only where the figures give one (else the text cannot be wrong)."""
    said = []
    percents, changes = _known_percents(row), _known_changes(row)
    for figure in scope:
        if not figure.percent or figure is skip or figure.start in claimed:
            continue
        if percents and _before(sentence, figure, ("đạt",)):
            said.append(_Said(row, figure, part, sentence, _match(figure, percents), "percent"))
        elif changes and _before(sentence, figure, ("tăng", "giảm")):
            said.append(_Said(row, figure, part, sentence, _match(figure, changes), "change"))
        else:
            continue
        claimed.add(figure.start)
    return said


def _attributions(inp: CheckInput) -> tuple[list[_Said], list[Finding]]:
    """Every typed figure attributed to an indicator, and the stale drafted sentences."""
    names = _names(inp)
    by_unit: dict[str, list[IndicatorProgress]] = {}
    for _name, row in names:
        by_unit.setdefault(row.dvt.casefold(), []).append(row)
    drafted = {skeleton(s): s for text in inp.drafted.values() for s in sentences(text)}
    said: list[_Said] = []
    stale: dict[str, list[str]] = {}
    stale_rows: dict[str, str] = {}
    for part, sentence in _printed(inp):
        shape = skeleton(sentence)
        current = drafted.get(shape)
        if current is not None and current != sentence and figures_in(sentence):
            stale.setdefault(part, []).append(f"“{_quote(sentence)}” (nay: “{_quote(current)}”)")
            spans = _name_spans(sentence.casefold(), names)
            stale_rows.setdefault(part, spans[0][2].indicator if spans else "")
            continue
        said += _said_in(part, sentence, names, by_unit)
    findings = [_text_finding(inp, "text_figure_mismatch", part,
                              f"Phần “{_part_name(inp, part)}” còn câu soạn từ số liệu cũ, khác số liệu hiện nay: "
                              f"{'; '.join(items[:MAX_QUOTES])}.", items, indicator=stale_rows.get(part, ""))
                for part, items in stale.items()]
    return said, findings


def _expected(inp: CheckInput, said: _Said) -> str:
    """What the figures give in place of a wrong typed number, as the report prints it."""
    row, decimals = said.row, inp.percent_decimals
    if said.what == "percent":
        return "tỷ lệ " + " hoặc ".join(f"{format_percent(p, decimals)}%" for p in _known_percents(row).values())
    if said.what == "change":
        changes = _known_changes(row).values()
        return "mức tăng, giảm " + " hoặc ".join(f"{format_percent(c, decimals)}%" for c in changes)
    shown = [v for v in (row.value, row.ytd) if v is not None]
    return " hoặc ".join(dict.fromkeys(with_unit(format_figure(v, row.decimals), row.dvt) for v in shown))


def typed_figures(inp: CheckInput) -> Iterator[Finding]:
    """`text_figure_mismatch`: a figure or percent typed in the text that the figures do not
    give (at the precision typed); `text_rounding`: one indicator's figure or percent printed
    with two different roundings in the report."""
    said, stale = _attributions(inp)
    yield from stale
    wrong: dict[str, list[_Said]] = {}
    for item in said:
        if item.key is None:
            wrong.setdefault(item.row.indicator, []).append(item)
    for code, items in wrong.items():
        ind = inp.cat.indicators[code]
        quotes = [f"“{_quote(i.sentence, i.figure.start, i.figure.end)}” (phần “{_part_name(inp, i.part)}”)"
                  for i in items]
        first = items[0]
        yield _text_finding(inp, "text_figure_mismatch", first.part,
                            f"{ind.name}: văn bản ghi {', '.join(dict.fromkeys(i.figure.text for i in items))} nhưng "
                            f"số liệu cho {_expected(inp, first)}: {'; '.join(quotes[:MAX_QUOTES])}.", quotes,
                            indicator=code, quote=_quote(first.sentence, first.figure.start, first.figure.end),
                            typed=[i.figure.text for i in items])
    seen: dict[tuple[str, str], dict[int, _Said]] = {}
    for item in said:
        if item.key is not None:
            seen.setdefault((item.row.indicator, item.key), {}).setdefault(item.figure.decimals, item)
    reported: set[str] = set()
    for (code, _key), by_decimals in seen.items():
        if len(by_decimals) < 2 or code in reported:
            continue
        reported.add(code)
        items = list(by_decimals.values())
        listed = " và ".join(f"“{i.figure.text}” (phần “{_part_name(inp, i.part)}”)" for i in items)
        quotes = [_quote(i.sentence, i.figure.start, i.figure.end) for i in items]
        yield _text_finding(inp, "text_rounding", items[0].part,
                            f"{inp.cat.indicators[code].name}: cùng một số được làm tròn hai cách trong báo cáo: "
                            f"{listed}.", quotes, indicator=code, typed=[i.figure.text for i in items])


# -- parts nobody wrote ----------------------------------------------------------------------
def placeholder_left(inp: CheckInput) -> Iterator[Finding]:
    """Parts that still print the request to write them (a heading with no text of its own)."""
    parts = list(dict.fromkeys(list(inp.placeholders)
                               + [p for p, t in inp.texts.items() if PLACEHOLDER_START in (t or "")]))
    if parts:
        names = ", ".join(f"“{_part_name(inp, p)}”" for p in parts)
        yield _text_finding(inp, "placeholder_left", "", f"Còn {len(parts)} phần chưa có nội dung: {names}.",
                            [], parts=parts)


RULES = [other_period_date, month_words, repeated_sentence, typed_figures, placeholder_left]
