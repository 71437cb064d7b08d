"""What the report says, computed once for a unit and period; the PDF and Word writers only lay it out.

`report_content()` gathers the header blocks, "BÁO CÁO" and the subject line, sections
I-IV (`drafting.report_outline`) as headings and paragraphs with their footnotes split out
and numbered through the report, the body's closing "./.", "Nơi nhận", the signature and
the cells of Biểu 01 (`tables.table_01`) as the text both files print. Every string is NFC.
The issuing body, place, number, signer and recipients are read in one place,
`report_heading()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..models.documents import document_profile
from ..models.drafting import OutlineItem, report_outline, split_footnotes, subject_line
from ..models.organisation import organisation
from ..models.periods import Period, parse_period
from ..models.store import Store
from ..models.text import nfc
from .tables import AnnexTable, attached_line, figure_text, percent_text, table_01, target_text

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO"
RECIPIENTS_TITLE = "Nơi nhận:"
# A first line that only starts the issuing body's own name ("ỦY BAN NHÂN DÂN" / "THÀNH PHỐ
# LAI CHÂU") is bold like the second; a real parent body ("UBND THÀNH PHỐ LAI CHÂU" above
# "PHÒNG TÀI CHÍNH - KẾ HOẠCH") is regular, as Phụ lục I of the decree shows.
NAME_STARTS = {"ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"}
CLOSING = "./."
BLANK_NUMBER = " " * 8  # where the clerk writes the number by hand
BLANK_DAY = " " * 6  # and the day and month

ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ReportHeading:
    """Who issues and signs the report, and who receives it."""

    issuing_body_parent: str
    issuing_body: str
    place: str
    document_code: str
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    issuer: str = ""  # "Ủy ban nhân dân phường Đoàn Kết": the issuing body in a sentence


def report_heading(store: Store, unit: str, period: Period) -> ReportHeading:
    """The issuing body, place, number, signer and recipients of `unit`'s report for `period`.

    The one place the writers learn them: the unit's document profile for the period
    (`documents.document_profile`: by its kind and the report's date, and what the office changed).
    """
    profile = document_profile(store, unit, period)
    return ReportHeading(
        issuing_body_parent=profile["issuing_body_parent"], issuing_body=profile["issuing_body"],
        place=profile["place"], document_code=profile["document_code"] or "BC-UBND",
        signer_authority=profile["signer_authority"], signer_title=profile["signer_title"],
        signer_name=profile["signer_name"], recipients=tuple(profile["recipients"]), issuer=profile.issuer,
    )


@dataclass
class Piece:
    """A run of text, or footnote `footnote`'s reference (its text is in `ReportContent.footnotes`)."""

    text: str = ""
    footnote: int | None = None
    superscript: bool = False  # the comma between two references: 11,12 rather than 1112


@dataclass
class Block:
    kind: str  # "heading" or "paragraph"
    level: int = 0  # headings: 1 for I., 2 for 1., 3 for a)
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The words as printed in the body, without footnote references."""
        return "".join(p.text for p in self.pieces if p.footnote is None and not p.superscript)


@dataclass
class AnnexLine:
    kind: str  # "section", "subsection" (one cell spanning STT's right) or "indicator"
    cells: list[str]  # one text per column; "\n" separates a cell's lines
    depth: int = 0  # a "Trong đó" part's level, indented in the name column


@dataclass
class AnnexContent:
    titles: list[str]  # "Phụ lục", "Biểu 01. ..."
    note: str  # "(Kèm theo Báo cáo số .../BC-UBND của ...)"
    head: list[str]
    lines: list[AnnexLine]


@dataclass
class ReportContent:
    issuer_lines: list[tuple[str, bool]]  # the issuing body, upper case, each with whether it is bold
    number: str  # "Số:        /BC-UBND"
    date_line: str
    subject: str
    blocks: list[Block]
    footnotes: dict[int, str]  # number -> text, numbered through the report
    recipients: list[str]  # "- UBND tỉnh (B/c);" ... "- Lưu: VT, VP."
    signer_lines: list[str]  # "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    signer_name: str
    annex: AnnexContent | None
    document_title: str  # the file's properties
    author: str
    quoc_hieu: str = QUOC_HIEU
    tieu_ngu: str = TIEU_NGU
    title: str = TITLE
    recipients_title: str = RECIPIENTS_TITLE


def paragraphs(item: OutlineItem) -> list[str]:
    """An untouched draft reads as one paragraph per part (as the seeds write it); lists
    ("- ...") and an official's text keep their lines."""
    lines = [line.strip() for line in (item.text or "").splitlines() if line.strip()]
    if item.origin == "draft" and not any(line.startswith("-") for line in lines):
        return [" ".join(lines)] if lines else []
    return lines


def _pieces(line: str, footnotes: dict[int, str]) -> list[Piece]:
    """A paragraph's text and footnote references; the footnotes' texts numbered on from `footnotes`."""
    pieces: list[Piece] = []
    for text, kind in split_footnotes(nfc(line) or ""):
        if kind == "fn":
            number = len(footnotes) + 1
            footnotes[number] = text
            if pieces and pieces[-1].footnote is not None:
                pieces.append(Piece(",", superscript=True))
            pieces.append(Piece(footnote=number))
        elif text:
            pieces.append(Piece(text))
    if pieces and pieces[0].footnote is None:
        pieces[0].text = pieces[0].text.lstrip()
    if pieces and pieces[-1].footnote is None and not pieces[-1].superscript:
        pieces[-1].text = pieces[-1].text.rstrip()
    return pieces


def _close(pieces: list[Piece]) -> None:
    """End the body's last paragraph with "./." as a Vietnamese administrative document does."""
    last = pieces[-1] if pieces else None
    if last is not None and last.footnote is None and last.text.endswith(CLOSING):
        return
    if last is not None and last.footnote is None and last.text.endswith("."):
        last.text += CLOSING[1:]
    else:
        pieces.append(Piece(CLOSING))


def body_blocks(items: list[OutlineItem]) -> tuple[list[Block], dict[int, str]]:
    """Headings and paragraphs of sections I-IV, and their footnotes numbered in reading order."""
    footnotes: dict[int, str] = {}
    blocks: list[Block] = []
    for item in items:
        if item.kind == "heading":
            blocks.append(Block("heading", item.level, [Piece(nfc(item.label))]))
            continue
        blocks += [Block("paragraph", 0, _pieces(line, footnotes)) for line in paragraphs(item)]
    last = next((b for b in reversed(blocks) if b.kind == "paragraph"), None)
    if last is not None:
        _close(last.pieces)
    return blocks, footnotes


def issuer_lines(heading: ReportHeading) -> list[tuple[str, bool]]:
    """The issuing body's lines in upper case: the last bold, a parent body regular (see NAME_STARTS)."""
    lines = [line.upper() for line in (heading.issuing_body_parent, heading.issuing_body) if line]
    return [(line, index == len(lines) - 1 or line in NAME_STARTS) for index, line in enumerate(lines)]


# -- Biểu 01 ------------------------------------------------------------------------------
PRINTED_NOTE_CHARS = 600  # a row of the PDF's table cannot break across pages: a longer note would not fit


def _note_cell(note: str) -> str:
    """The Ghi chú of a row of Biểu 01 in the printed report: whole up to PRINTED_NOTE_CHARS, else its
    beginning and where the rest is (the Excel annex holds every note whole)."""
    if len(note) <= PRINTED_NOTE_CHARS:
        return note
    return note[:PRINTED_NOTE_CHARS].rsplit(" ", 1)[0] + " … (còn tiếp, xem toàn văn ở biểu phụ lục Excel)"


def annex_content(table: AnnexTable, heading: ReportHeading) -> AnnexContent:
    """Biểu 01's titles, header and cells as text: figures with their row's shared decimals
    (`tables.figure_text`), percents as the `percent_decimals` setting says, a target and its
    percent per source on its own line; the year-to-date column always headed (a January report
    prints the month's figure there too); room left for the report's number and date
    (`tables.attached_line`)."""
    period = table.period
    title = f"KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU {period.label.upper()}"
    note = attached_line(heading.document_code, heading.issuer, period)
    short = {s.code: s.short for s in table.sources}
    head = ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", f"Thực hiện {period.label}", "Lũy kế từ đầu năm",
            "% so kế hoạch", "Cùng kỳ năm trước", "% so cùng kỳ", "Ghi chú"]
    decimals = table.percent_decimals
    lines = []
    for row in table.rows:
        if row.kind in ("section", "subsection"):
            lines.append(AnnexLine(row.kind, [row.stt, row.name] + [""] * (len(head) - 2)))
            continue
        targets = "\n".join(f"{short.get(s, s)}: {target_text(row, v)}"
                            for s, v in row.targets.items() if v is not None)
        percents = "\n".join(f"{percent_text(decimals, p)}%" if p is not None else "-"
                             for s, p in row.percents.items() if row.targets.get(s) is not None)
        lines.append(AnnexLine("indicator", [
            row.stt, row.name, row.dvt, targets, figure_text(row, row.value), figure_text(row, row.ytd), percents,
            figure_text(row, row.last_year), percent_text(decimals, row.percent_vs_last_year),
            _note_cell(row.note)], row.depth))
    for line in lines:
        line.cells = [nfc(cell) or "" for cell in line.cells]
    return AnnexContent(["Phụ lục", nfc(f"Biểu 01. {title}")], nfc(note), head, lines)


# -- the whole report ---------------------------------------------------------------------
CONTENT_STEPS = 2  # the steps report_content() reports; the writers count on from here


def report_content(store: Store, unit: str, period: Period | str,
                   progress_callback: ProgressCallback | None = None, total_steps: int = CONTENT_STEPS) -> ReportContent:
    """Everything the report prints for `unit` and `period` (an unknown unit or period raises InputError).

    `progress_callback(step, total_steps, message)` hears steps 0 and 1.
    """
    if isinstance(period, str):
        period = parse_period(period)
    unit_code = organisation(store).unit(unit).code

    def say(step: int, message: str) -> None:
        if progress_callback:
            progress_callback(step, total_steps, message)

    say(0, "Đang soạn nội dung từ số liệu")
    items = report_outline(store, unit_code, period)
    say(1, "Đang lập Biểu 01")
    table = table_01(store, unit_code, period, annual_only=True)
    heading = report_heading(store, unit_code, period)
    blocks, footnotes = body_blocks(items)
    with_nq01 = any(i.kind == "heading" and i.level == 1 and i.part for i in items)
    signer = [line for line in (heading.signer_authority, heading.signer_title) if line]
    return ReportContent(
        issuer_lines=issuer_lines(heading),
        number=f"Số:{BLANK_NUMBER}/{heading.document_code}",
        date_line=f"{heading.place}, ngày{BLANK_DAY}tháng{BLANK_DAY}năm {period.year}",
        subject=nfc(subject_line(period, with_nq01)),
        blocks=blocks,
        footnotes=footnotes,
        recipients=[f"- {r}" for r in heading.recipients],
        signer_lines=signer,
        signer_name=heading.signer_name,
        annex=annex_content(table, heading) if table.rows else None,
        document_title=f"Báo cáo KT-XH {period.label}",
        author=heading.issuing_body,
    )
