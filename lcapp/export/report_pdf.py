"""The PDF report laid out as Nghị định 30/2020/NĐ-CP (Phụ lục I) requires, with Biểu 01 as its annex.

Lays out `report_content()` with reportlab on the page and type of `report_layout`: the
header blocks drawn directly, sections I-IV, footnotes at the foot of their page
(`pdf_footnotes`), "Nơi nhận" and the signature side by side, Biểu 01 on landscape pages.
Every string is XML-escaped before reportlab sees it.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..models.periods import Period
from ..models.store import Store
from . import report_layout as L
from .pdf_fonts import FontFamily, register_family
from .pdf_footnotes import FootnotedDocTemplate, build_until_stable, marker
from .report_content import AnnexContent, Block, ProgressCallback, ReportContent, report_content
from .report_file import write_atomically

PAGE = (L.PAGE_WIDTH, L.PAGE_HEIGHT)
ANNEX_PAGE = (L.PAGE_HEIGHT, L.PAGE_WIDTH)
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


def text(value) -> str:
    """XML-escaped, line breaks kept, ready for a reportlab Paragraph."""
    return escape(str(value)).replace("\n", "<br/>")


class Styles:
    def __init__(self, family: FontFamily):
        self.fonts = {style: family.name(style) for style in ("regular", "bold", "italic", "bold_italic")}
        regular, bold = self.fonts["regular"], self.fonts["bold"]
        base = dict(fontName=regular, fontSize=L.BODY_SIZE, leading=L.BODY_SIZE * L.LEADING)
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY, firstLineIndent=L.INDENT, spaceAfter=L.SPACE_AFTER,
                                   **base)
        # headings are not justified: a stretched two-line heading reads badly
        self.heading = {level: ParagraphStyle(f"h{level}", parent=self.body, fontName=self.fonts[style],
                                              spaceBefore=L.HEADING_SPACE_BEFORE[level], alignment=TA_LEFT)
                        for level, style in L.HEADING_STYLE.items()}
        self.title = ParagraphStyle("title", alignment=TA_CENTER, fontName=bold, fontSize=L.BODY_SIZE,
                                    leading=L.BODY_SIZE * L.TITLE_LEADING)
        self.note = ParagraphStyle("note", fontName=regular, fontSize=L.NOTE_SIZE, leading=L.NOTE_LEADING,
                                   alignment=TA_JUSTIFY, spaceAfter=L.NOTE_SPACE_AFTER)
        self.recipients_title = ParagraphStyle("nn", fontName=self.fonts["bold_italic"],
                                               fontSize=L.RECIPIENTS_TITLE_SIZE, leading=L.RECIPIENTS_TITLE_LEADING)
        self.recipient = ParagraphStyle("nn1", fontName=regular, fontSize=L.RECIPIENT_SIZE,
                                        leading=L.RECIPIENT_LEADING)
        self.signer = ParagraphStyle("sign", fontName=bold, fontSize=L.SIGNER_SIZE, leading=L.SIGNER_LEADING,
                                     alignment=TA_CENTER)
        self.annex_title = ParagraphStyle("at", parent=self.title, fontSize=L.ANNEX_TITLE_SIZE,
                                          leading=L.ANNEX_TITLE_LEADING)
        self.annex_note = ParagraphStyle("an", fontName=self.fonts["italic"], fontSize=L.ANNEX_NOTE_SIZE,
                                         leading=L.ANNEX_NOTE_LEADING, alignment=TA_CENTER)
        self._cells: dict[tuple, ParagraphStyle] = {}

    def cell(self, style: str, align: str, depth: int = 0) -> ParagraphStyle:
        """A Biểu 01 cell's paragraph style (made once per combination)."""
        key = (style, align, depth)
        if key not in self._cells:
            self._cells[key] = ParagraphStyle(f"cell{len(self._cells)}", fontName=self.fonts[style],
                                              fontSize=L.CELL_SIZE, leading=L.CELL_LEADING, alignment=ALIGN[align],
                                              leftIndent=depth * L.DEPTH_INDENT)
        return self._cells[key]


# -- the header ---------------------------------------------------------------------------
class DocumentHeader(Flowable):
    """Issuing body and number (left), quốc hiệu, tiêu ngữ and the date line (right), drawn directly."""

    def __init__(self, styles: Styles, content: ReportContent):
        super().__init__()
        self.fonts = styles.fonts
        self.content = content
        self.height = 74

    def wrap(self, available_width, _available_height):
        self.width = available_width
        return available_width, self.height

    def _centred(self, style: str, size: float, value: str, centre: float, y: float, room: float) -> None:
        size = L.fitted_size(value, style, size, room)
        self.canv.setFont(self.fonts[style], size)
        self.canv.drawCentredString(centre, y, value)

    def draw(self):
        content, canvas, step = self.content, self.canv, L.HEADER_LINE_STEP
        left_room = L.HEADER_LEFT_WIDTH
        left_centre = left_room / 2
        right_room = self.width - left_room
        right_centre = left_room + right_room / 2
        top = self.height - 13
        y = top
        for line, bold in content.issuer_lines:
            self._centred("bold" if bold else "regular", L.ISSUER_SIZE, line, left_centre, y, left_room - 4)
            y -= step
        rule = L.issuer_rule(content.issuer_lines)
        canvas.setLineWidth(L.RULE_WIDTH)
        canvas.line(left_centre - rule / 2, y + 9, left_centre + rule / 2, y + 9)
        self._centred("regular", L.ISSUER_SIZE, content.number, left_centre, y - 12, left_room - 4)
        self._centred("bold", L.QUOC_HIEU_SIZE, content.quoc_hieu, right_centre, top, right_room)
        self._centred("bold", L.TIEU_NGU_SIZE, content.tieu_ngu, right_centre, top - step, right_room)
        width = L.tieu_ngu_rule(content.tieu_ngu, right_room)
        canvas.line(right_centre - width / 2, top - 18, right_centre + width / 2, top - 18)
        self._centred("italic", L.DATE_SIZE, content.date_line, right_centre, y - 12, right_room)


class ShortRule(Flowable):
    def __init__(self, length: float, space: float = 4):
        super().__init__()
        self.length, self.space = length, space

    def wrap(self, available_width, _available_height):
        self.width = available_width
        return available_width, self.space * 2

    def draw(self):
        self.canv.setLineWidth(L.RULE_WIDTH)
        centre = self.width / 2
        self.canv.line(centre - self.length / 2, self.space, centre + self.length / 2, self.space)


# -- body ---------------------------------------------------------------------------------
def markup(block: Block) -> str:
    """A block's pieces as Paragraph markup, footnote references as markers."""
    pieces = []
    for piece in block.pieces:
        if piece.footnote is not None:
            pieces.append(marker(piece.footnote))
        elif piece.superscript:
            pieces.append(f"<super>{text(piece.text)}</super>")
        else:
            pieces.append(text(piece.text))
    return "".join(pieces)


def body_flowables(blocks: list[Block], styles: Styles) -> list:
    story = []
    for block in blocks:
        if block.kind == "heading":
            # a heading keeps a few lines of its text on its page, yet long text still splits
            story.append(CondPageBreak(L.HEADING_KEEP_LINES * styles.body.leading))
            story.append(Paragraph(markup(block), styles.heading[block.level]))
        else:
            story.append(Paragraph(markup(block), styles.body))
    return story


def signature_block(styles: Styles, content: ReportContent, last: list | None = None) -> Flowable:
    """"Nơi nhận" (left) and the signer (right), kept on one page with the body's last paragraph."""
    recipients = [Paragraph(text(content.recipients_title), styles.recipients_title)]
    recipients += [Paragraph(text(r), styles.recipient) for r in content.recipients]
    signer = [Paragraph(text(line), styles.signer) for line in content.signer_lines]
    signer += [Spacer(1, L.SIGNATURE_GAP), Paragraph(text(content.signer_name), styles.signer)]
    width = L.TEXT_WIDTH
    table = Table([[recipients, signer]], colWidths=[width * 0.5, width * 0.5])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.fonts["regular"]),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0),
                               ("RIGHTPADDING", (-1, 0), (-1, 0), 0)]))
    return KeepTogether((last or []) + [Spacer(1, L.SIGNATURE_SPACE_BEFORE), table])


# -- annex --------------------------------------------------------------------------------
def annex_flowables(annex: AnnexContent, styles: Styles) -> list:
    story = [Paragraph(text(title), styles.annex_title) for title in annex.titles]
    story += [Paragraph(text(annex.note), styles.annex_note), Spacer(1, L.ANNEX_SPACE_BEFORE_TABLE)]
    data = [[Paragraph(text(h), styles.cell("bold", "center")) for h in annex.head]]
    spans = []
    for line in annex.lines:
        style = L.ANNEX_ROW_STYLE[line.kind]
        if line.kind != "indicator":
            spans.append(("SPAN", (1, len(data)), (-1, len(data))))
            data.append([Paragraph(text(line.cells[0]), styles.cell("bold", "center")),
                         Paragraph(text(line.cells[1]), styles.cell(style, "left"))] + [""] * (len(line.cells) - 2))
            continue
        data.append([Paragraph(text(cell), styles.cell(style, align, line.depth if column == 1 else 0))
                     for column, (cell, align) in enumerate(zip(line.cells, L.ANNEX_ALIGN))])
    grid = Table(data, colWidths=L.annex_column_widths(), repeatRows=1, splitInRow=1)  # a long note may run on
    padding = L.CELL_PADDING
    grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.fonts["regular"]),
                              ("GRID", (0, 0), (-1, -1), L.GRID_WIDTH, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding),
                              ("TOPPADDING", (0, 0), (-1, -1), padding),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), padding)] + spans))
    story.append(grid)
    return story


# -- the document -------------------------------------------------------------------------
class ReportDocument(FootnotedDocTemplate):
    """Portrait report pages ("body") and landscape annex pages ("annex"), numbered from page 2."""

    def __init__(self, filename, *, styles: Styles, **kwargs):
        super().__init__(filename, pagesize=PAGE, leftMargin=L.MARGIN_LEFT, rightMargin=L.MARGIN_RIGHT,
                         topMargin=L.MARGIN_TOP, bottomMargin=L.MARGIN_BOTTOM, note_style=styles.note,
                         initialFontName=styles.fonts["regular"], **kwargs)
        self.styles = styles
        body = Frame(L.MARGIN_LEFT, L.MARGIN_BOTTOM, L.TEXT_WIDTH, L.PAGE_HEIGHT - L.MARGIN_TOP - L.MARGIN_BOTTOM,
                     id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        top, bottom, left, _right = L.ANNEX_MARGINS
        annex = Frame(left, bottom, L.ANNEX_TEXT_WIDTH, L.PAGE_WIDTH - top - bottom, id="annex", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("body", [body], onPage=self._decorate, pagesize=PAGE),
                               PageTemplate("annex", [annex], onPage=self._decorate, pagesize=ANNEX_PAGE)])

    def _decorate(self, canvas, doc):
        width, height = canvas._pagesize
        if self.page > 1:
            canvas.setFont(self.styles.fonts["regular"], L.PAGE_NUMBER_SIZE)
            canvas.drawCentredString(width / 2, height - L.PAGE_NUMBER_BASELINE, str(self.page))
        self.draw_notes(canvas, self.pageTemplate.frames[0])


def report_story(content: ReportContent, styles: Styles, *, with_annex: bool = True) -> list:
    story: list = [DocumentHeader(styles, content), Spacer(1, L.TITLE_SPACE_BEFORE),
                   Paragraph(text(content.title), styles.title), Paragraph(text(content.subject), styles.title),
                   ShortRule(L.subject_rule(content.subject), 5), Spacer(1, L.SUBJECT_SPACE_AFTER)]
    body = body_flowables(content.blocks, styles)
    last = body[-1:] if content.blocks and content.blocks[-1].kind == "paragraph" else []
    story += body[:len(body) - len(last)]
    story.append(signature_block(styles, content, last))
    if with_annex and content.annex is not None:
        story += [NextPageTemplate("annex"), PageBreak()]
        story += annex_flowables(content.annex, styles)
    return story


def report_pdf_bytes(store: Store, unit: str, period: Period | str, *,
                     progress_callback: ProgressCallback | None = None, prefer_times: bool = True) -> bytes:
    """The report for `unit` and `period` as PDF bytes."""
    steps = 4 + 2

    def say(step: int, message: str) -> None:
        if progress_callback:
            progress_callback(step, steps, message)

    content = report_content(store, unit, period, progress_callback, steps)
    styles = Styles(register_family(prefer_times))

    def make_doc(buffer, placement, reserved):
        notes = {number: text(note) for number, note in content.footnotes.items()}
        return ReportDocument(buffer, styles=styles, footnotes=notes, placement=placement, reserved=reserved,
                              title=content.document_title, creator="LCApp", author=content.author)

    # trial builds leave out the annex, which cannot move a footnote
    data, _doc = build_until_stable(make_doc, lambda final: report_story(content, styles, with_annex=final),
                                    lambda n: say(min(1 + n, steps - 1), f"Đang dàn trang (lần {n})"))
    say(steps, "Đã lập xong báo cáo")
    return data


def write_report_pdf(store: Store, unit: str, period: Period | str, path: str | Path,
                     progress_callback: ProgressCallback | None = None) -> Path:
    """Write the report to `path` (atomically: a failed export leaves no half-written file).

    `progress_callback(step, total, message)` is called as the work advances (for the UI).
    """
    return write_atomically(path, ".pdf",
                            lambda: report_pdf_bytes(store, unit, period, progress_callback=progress_callback))
