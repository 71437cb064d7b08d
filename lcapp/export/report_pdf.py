"""The PDF report laid out as Nghị định 30/2020/NĐ-CP (Phụ lục I) requires, with Biểu 01 as its annex.

A4 portrait, margins 20/20/30/15 mm, body 14 pt justified with a 1,27 cm first-line
indent, page numbers centred in the top margin from page 2; the header (issuing body,
quốc hiệu and tiêu ngữ, number, place and date), "BÁO CÁO" and the subject line; sections
I-IV (`drafting.report_outline`); footnotes at the foot of their page, numbered through the
report; "Nơi nhận" and the signature side by side; Biểu 01 on landscape pages. Issuing
body, place, number and signer come from the database's settings. Every string is NFC
and XML-escaped before reportlab sees it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (CondPageBreak, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

from ..models.documents import document_profile
from ..models.drafting import OutlineItem, report_outline, split_footnotes, subject_line
from ..models.errors import InputError
from ..models.numbers import format_number, format_percent
from ..models.organisation import organisation
from ..models.periods import Period, parse_period
from ..models.store import Store
from ..models.text import nfc
from .pdf_fonts import FontFamily, register_family
from .pdf_footnotes import FootnotedDocTemplate, build_until_stable, marker
from .tables import AnnexTable, table_01

MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * mm, 20 * mm, 30 * mm, 15 * mm
ANNEX_MARGINS = (20 * mm, 15 * mm, 20 * mm, 15 * mm)  # top, bottom, left, right
BODY_SIZE = 14
HEADING_KEEP_LINES = 4
INDENT = 1.27 * cm
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
# A first line that only starts the issuing body's own name ("ỦY BAN NHÂN DÂN" / "THÀNH PHỐ
# LAI CHÂU") is bold like the second; a real parent body ("UBND THÀNH PHỐ LAI CHÂU" above
# "PHÒNG TÀI CHÍNH - KẾ HOẠCH") is regular, as Phụ lục I of the decree shows.
NAME_STARTS = {"ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"}
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

ProgressCallback = Callable[[int, int, str], None]


def text(value) -> str:
    """NFC and XML-escaped, ready for a reportlab Paragraph."""
    return escape(nfc(str(value)) or "")


class Styles:
    def __init__(self, family: FontFamily):
        regular, bold = family.name("regular"), family.name("bold")
        italic, bold_italic = family.name("italic"), family.name("bold_italic")
        self.fonts = {"regular": regular, "bold": bold, "italic": italic, "bold_italic": bold_italic}
        base = dict(fontName=regular, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3)
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY, firstLineIndent=INDENT, spaceAfter=6, **base)
        self.heading = {
            # headings are not justified: a stretched two-line heading reads badly
            1: ParagraphStyle("h1", parent=self.body, fontName=bold, spaceBefore=3, alignment=TA_LEFT),
            2: ParagraphStyle("h2", parent=self.body, fontName=bold, alignment=TA_LEFT),
            3: ParagraphStyle("h3", parent=self.body, fontName=bold_italic, alignment=TA_LEFT),
        }
        self.title = ParagraphStyle("title", alignment=TA_CENTER, fontName=bold, fontSize=BODY_SIZE,
                                    leading=BODY_SIZE * 1.25)
        self.note = ParagraphStyle("note", fontName=regular, fontSize=10, leading=11.5, alignment=TA_JUSTIFY,
                                   spaceAfter=1)
        self.recipients_title = ParagraphStyle("nn", fontName=bold_italic, fontSize=12, leading=14)
        self.recipient = ParagraphStyle("nn1", fontName=regular, fontSize=11, leading=13)
        self.signer = ParagraphStyle("sign", fontName=bold, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.2,
                                     alignment=TA_CENTER)
        self.annex_title = ParagraphStyle("at", parent=self.title, fontSize=13, leading=16)
        self.annex_note = ParagraphStyle("an", fontName=italic, fontSize=12, leading=14, alignment=TA_CENTER)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=10.5)
        self.cell_right = ParagraphStyle("cellr", parent=self.cell, alignment=TA_RIGHT)
        self.cell_center = ParagraphStyle("cellc", parent=self.cell, alignment=TA_CENTER)
        self.cell_head = ParagraphStyle("cellh", parent=self.cell, fontName=bold, alignment=TA_CENTER)
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=bold)
        self.cell_bold_italic = ParagraphStyle("cellbi", parent=self.cell, fontName=bold_italic)


# -- the header ---------------------------------------------------------------------------
class DocumentHeader(Flowable):
    """Issuing body and number (left), quốc hiệu, tiêu ngữ and the date line (right), drawn directly."""

    LEFT_WIDTH = 72 * mm

    def __init__(self, styles: Styles, settings: dict, year: int):
        super().__init__()
        self.fonts = styles.fonts
        self.parent_body = nfc(settings.get("issuing_body_parent", "")).upper()
        self.body = nfc(settings.get("issuing_body", "")).upper()
        self.number = f"Số:{' ' * 8}/{nfc(settings.get('document_code', 'BC-UBND'))}"
        self.date_line = f"{nfc(settings.get('place', ''))}, ngày{' ' * 6}tháng{' ' * 6}năm {year}"
        self.height = 74

    def wrap(self, available_width, _available_height):
        self.width = available_width
        return available_width, self.height

    def _centred(self, canvas, font: str, size: float, value: str, centre: float, y: float, room: float) -> float:
        while size > 10 and stringWidth(value, font, size) > room:
            size -= 0.5
        canvas.setFont(font, size)
        canvas.drawCentredString(centre, y, value)
        return stringWidth(value, font, size)

    def draw(self):
        canvas = self.canv
        left_centre = self.LEFT_WIDTH / 2
        right_room = self.width - self.LEFT_WIDTH
        right_centre = self.LEFT_WIDTH + right_room / 2
        bold, regular, italic = self.fonts["bold"], self.fonts["regular"], self.fonts["italic"]
        top = self.height - 13
        lines = [line for line in (self.parent_body, self.body) if line]
        y = top
        for index, line in enumerate(lines):
            font = bold if index == len(lines) - 1 or line in NAME_STARTS else regular
            self._centred(canvas, font, 13, line, left_centre, y, self.LEFT_WIDTH - 4)
            y -= 15
        body_width = stringWidth(lines[-1], bold, 13) if lines else 0
        rule = max(min(body_width, self.LEFT_WIDTH) / 3, 20 * mm)
        canvas.setLineWidth(0.6)
        canvas.line(left_centre - rule / 2, y + 9, left_centre + rule / 2, y + 9)
        self._centred(canvas, regular, 13, self.number, left_centre, y - 12, self.LEFT_WIDTH - 4)
        self._centred(canvas, bold, 12.5, QUOC_HIEU, right_centre, top, right_room)
        width = self._centred(canvas, bold, 13.5, TIEU_NGU, right_centre, top - 15, right_room)
        canvas.line(right_centre - width / 2, top - 18, right_centre + width / 2, top - 18)
        self._centred(canvas, italic, 13.5, self.date_line, right_centre, y - 12, right_room)


class ShortRule(Flowable):
    def __init__(self, length: float, space: float = 4):
        super().__init__()
        self.length, self.space = length, space

    def wrap(self, available_width, _available_height):
        self.width = available_width
        return available_width, self.space * 2

    def draw(self):
        self.canv.setLineWidth(0.6)
        centre = self.width / 2
        self.canv.line(centre - self.length / 2, self.space, centre + self.length / 2, self.space)


# -- body ---------------------------------------------------------------------------------
class FootnoteCounter:
    """Numbers footnotes through the report, in reading order."""

    def __init__(self):
        self.notes: dict[int, str] = {}

    def paragraph_markup(self, value: str) -> str:
        pieces = []
        previous = None
        for piece, kind in split_footnotes(nfc(value) or ""):
            if kind == "fn":
                number = len(self.notes) + 1
                self.notes[number] = text(piece)
                if previous == "fn":
                    pieces.append("<super>,</super>")  # 11,12 rather than 1112
                pieces.append(marker(number))
            else:
                pieces.append(text(piece))
            previous = kind
        return "".join(pieces).strip()


def paragraphs(item: OutlineItem) -> list[str]:
    """An untouched draft reads as one paragraph per part (as the seeds write it); lists
    ("- ...") and an official's text keep their lines."""
    lines = [line.strip() for line in (item.text or "").splitlines() if line.strip()]
    if item.origin == "draft" and not any(line.startswith("-") for line in lines):
        return [" ".join(lines)] if lines else []
    return lines


def body_flowables(items: list[OutlineItem], styles: Styles, counter: FootnoteCounter, *, close: bool = False) -> list:
    """Headings and paragraphs; with `close`, the last paragraph ends with "./." as the body of a
    Vietnamese administrative document does."""
    texts = [i for i, item in enumerate(items) if item.kind == "text" and paragraphs(item)]
    closing = texts[-1] if close and texts else -1
    story = []
    for index, item in enumerate(items):
        if item.kind == "heading":
            # a heading keeps a few lines of its text on its page, yet long text still splits
            story.append(CondPageBreak(HEADING_KEEP_LINES * styles.body.leading))
            story.append(Paragraph(text(item.label), styles.heading[item.level]))
            continue
        lines = paragraphs(item)
        for number, line in enumerate(lines):
            markup = counter.paragraph_markup(line)
            if index == closing and number == len(lines) - 1 and not markup.endswith("./."):
                markup += "/." if markup.endswith(".") else "./."
            story.append(Paragraph(markup, styles.body))
    return story


def signature_block(styles: Styles, settings: dict, width: float, last: list | None = None) -> Flowable:
    """"Nơi nhận" (left) and the signer (right), kept on one page with the body's last paragraph."""
    recipients = [Paragraph("Nơi nhận:", styles.recipients_title)]
    recipients += [Paragraph(text(f"- {r}"), styles.recipient) for r in settings.get("recipients", [])]
    signer = [Paragraph(text(line), styles.signer) for line in
              (settings.get("signer_authority", ""), settings.get("signer_title", "")) if nfc(line)]
    signer += [Spacer(1, 26 * mm), Paragraph(text(settings.get("signer_name", "")), styles.signer)]
    table = Table([[recipients, signer]], colWidths=[width * 0.5, width * 0.5])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.fonts["regular"]),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0),
                               ("RIGHTPADDING", (-1, 0), (-1, 0), 0)]))
    return KeepTogether((last or []) + [Spacer(1, 6), table])


# -- annex --------------------------------------------------------------------------------
def _target_text(value, decimals: int) -> str:
    if isinstance(value, list):
        return f"{format_number(value[0], decimals)}-{format_number(value[1], decimals)}"
    return format_number(value, decimals)


def issuer_phrase(settings: dict) -> str:
    """"Ủy ban nhân dân thành phố Lai Châu": the parent body in sentence case and the place name."""
    if settings.get("issuer"):
        return nfc(settings["issuer"])
    parent = nfc(settings.get("issuing_body_parent", "")).capitalize()
    place = nfc(settings.get("place", ""))
    return f"{parent} {place[:1].lower()}{place[1:]}".strip()


def annex_flowables(table: AnnexTable, styles: Styles, settings: dict, width: float) -> list:
    period = table.period
    title = f"KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU {period.label.upper()}"
    story = [Paragraph("Phụ lục", styles.annex_title),
             Paragraph(text(f"Biểu 01. {title}"), styles.annex_title),
             Paragraph(text(f"(Kèm theo Báo cáo số{' ' * 6}/{settings.get('document_code', 'BC-UBND')} "
                            f"của {issuer_phrase(settings)})"), styles.annex_note),
             Spacer(1, 6)]
    short = {s.code: s.short for s in table.sources}
    flows_only = period.first > 1
    head = ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", f"Thực hiện {period.label}",
            "Lũy kế từ đầu năm" if flows_only else "", "% so kế hoạch", "Cùng kỳ năm trước", "% so cùng kỳ",
            "Ghi chú"]
    data = [[Paragraph(text(h), styles.cell_head) for h in head]]
    spans, shading = [], []
    for row in table.rows:
        r = len(data)
        if row.kind in ("section", "subsection"):
            style = styles.cell_bold if row.kind == "section" else styles.cell_bold_italic
            data.append([Paragraph(text(row.stt), styles.cell_head), Paragraph(text(row.name), style)]
                        + [""] * (len(head) - 2))
            spans.append(("SPAN", (1, r), (-1, r)))
            shading.append(r)
            continue
        decimals = row.decimals
        targets = "<br/>".join(text(f"{short.get(s, s)}: {_target_text(v, decimals)}")
                               for s, v in row.targets.items() if v is not None)
        percents = "<br/>".join(text(f"{format_percent(p)}%") if p is not None else "-"
                                for s, p in row.percents.items() if row.targets.get(s) is not None)
        name = ("&nbsp;" * 4 * row.depth) + text(row.name)
        right = [format_number(row.value, decimals), format_number(row.ytd, decimals)]
        data.append([
            Paragraph(text(row.stt), styles.cell_center), Paragraph(name, styles.cell),
            Paragraph(text(row.dvt), styles.cell_center), Paragraph(targets, styles.cell_right)]
            + [Paragraph(text(value), styles.cell_right) for value in right]
            + [Paragraph(percents, styles.cell_right),
               Paragraph(text(format_number(row.last_year, decimals)), styles.cell_right),
               Paragraph(text(format_percent(row.percent_vs_last_year)), styles.cell_right),
               Paragraph(text(row.note), styles.cell)])
    widths = [10 * mm, None, 18 * mm, 40 * mm, 20 * mm, 20 * mm, 16 * mm, 20 * mm, 15 * mm, 42 * mm]
    fixed = sum(w for w in widths if w)
    widths[1] = width - fixed
    grid = Table(data, colWidths=widths, repeatRows=1)
    commands = [("FONTNAME", (0, 0), (-1, -1), styles.fonts["regular"]), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)] + spans
    grid.setStyle(TableStyle(commands))
    story.append(grid)
    return story


# -- the document -------------------------------------------------------------------------
class ReportDocument(FootnotedDocTemplate):
    """Portrait report pages ("body") and landscape annex pages ("annex"), numbered from page 2."""

    def __init__(self, filename, *, styles: Styles, **kwargs):
        super().__init__(filename, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                         topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, note_style=styles.note,
                         initialFontName=styles.fonts["regular"], **kwargs)
        self.styles = styles
        width, height = A4
        body = Frame(MARGIN_LEFT, MARGIN_BOTTOM, width - MARGIN_LEFT - MARGIN_RIGHT,
                     height - MARGIN_TOP - MARGIN_BOTTOM, id="body", leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)
        lw, lh = landscape(A4)
        top, bottom, left, right = ANNEX_MARGINS
        annex = Frame(left, bottom, lw - left - right, lh - top - bottom, id="annex", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("body", [body], onPage=self._decorate, pagesize=A4),
                               PageTemplate("annex", [annex], onPage=self._decorate, pagesize=landscape(A4))])

    def _decorate(self, canvas, doc):
        width, height = canvas._pagesize
        if self.page > 1:
            canvas.setFont(self.styles.fonts["regular"], 13)
            canvas.drawCentredString(width / 2, height - 12 * mm, str(self.page))
        self.draw_notes(canvas, self.pageTemplate.frames[0])


def report_story(store: Store, unit: str, period: Period, styles: Styles, counter: FootnoteCounter,
                 items: list[OutlineItem], annex: AnnexTable | None) -> list:
    settings = document_profile(store, unit, period).as_settings()
    width = A4[0] - MARGIN_LEFT - MARGIN_RIGHT
    subject = subject_line(period, any(i.kind == "heading" and i.level == 1 and i.part for i in items))
    story: list = [DocumentHeader(styles, settings, _issue_year(period)), Spacer(1, 14),
                   Paragraph("BÁO CÁO", styles.title), Paragraph(text(subject), styles.title),
                   ShortRule(min(stringWidth(subject, styles.fonts["bold"], BODY_SIZE), width) / 3, 5),
                   Spacer(1, 8)]
    body = body_flowables(items, styles, counter, close=True)
    last = body[-1:] if body and isinstance(body[-1], Paragraph) else []
    story += body[:len(body) - len(last)]
    story.append(signature_block(styles, settings, width, last))
    if annex is not None and annex.rows:
        top, bottom, left, right = ANNEX_MARGINS
        story += [NextPageTemplate("annex"), PageBreak()]
        story += annex_flowables(annex, styles, settings, landscape(A4)[0] - left - right)
    return story


def _issue_year(period: Period) -> int:
    return period.year


def report_pdf_bytes(store: Store, unit: str, period: Period | str, *,
                     progress_callback: ProgressCallback | None = None, prefer_times: bool = True) -> bytes:
    """The report for `unit` and `period` as PDF bytes."""
    if isinstance(period, str):
        period = parse_period(period)
    unit_code = organisation(store).unit(unit).code
    steps = 4 + 2

    def say(step: int, message: str) -> None:
        if progress_callback:
            progress_callback(step, steps, message)

    say(0, "Đang soạn nội dung từ số liệu")
    items = report_outline(store, unit_code, period)
    say(1, "Đang lập Biểu 01")
    annex = table_01(store, unit_code, period, annual_only=True)
    styles = Styles(register_family(prefer_times))
    counters: list[FootnoteCounter] = []

    def make_story(final: bool = True):
        counter = FootnoteCounter()
        counters.append(counter)
        return report_story(store, unit_code, period, styles, counter, items, annex if final else None)

    make_story(False)  # numbers the footnotes once, so the first build knows their texts
    notes = counters[0].notes

    def make_doc(buffer, placement, reserved):
        return ReportDocument(buffer, styles=styles, footnotes=notes, placement=placement, reserved=reserved,
                              title=f"Báo cáo KT-XH {period.label}", creator="LCApp",
                              author=nfc(store.settings().get("issuing_body", "")))

    data, _doc = build_until_stable(make_doc, make_story,
                                    lambda n: say(min(1 + n, steps - 1), f"Đang dàn trang (lần {n})"))
    say(steps, "Đã lập xong báo cáo")
    return data


def write_report_pdf(store: Store, unit: str, period: Period | str, path: str | Path,
                     progress_callback: ProgressCallback | None = None) -> Path:
    """Write the report to `path` (atomically: a failed export leaves no half-written file).

    `progress_callback(step, total, message)` is called as the work advances (for the UI).
    """
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise InputError(f"Tệp báo cáo phải có đuôi .pdf (đã cho “{path.name}”).")
    if not path.parent.exists():
        raise InputError(f"Không có thư mục {path.parent}.")
    data = report_pdf_bytes(store, unit, period, progress_callback=progress_callback)
    handle, temporary = tempfile.mkstemp(prefix=".lcapp-", suffix=".pdf", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"Không ghi được tệp {path}: {error.strerror}.") from None
    return path
