"""The report as a Word document (.docx) that officials finish, number and sign, laid out as the PDF is.

Lays out `report_content()` with python-docx on the page and type of `report_layout`: A4
portrait with the PDF's margins; Times New Roman in the styles (Normal 14 pt justified,
first-line indent 1,27 cm, the seeds' line spacing; Heading 1-3 for the outline, so Word's
navigation pane shows it); the header blocks as a borderless two-column table; real Word
footnotes numbered through the report; the page number centred in the header from page 2;
"Nơi nhận" and the signature side by side; Biểu 01 in its own landscape section with a
header row repeated on each page. What python-docx cannot say is in `docx_ooxml`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Emu, Pt
from docx.table import _Cell

from ..models.periods import Period
from ..models.store import Store
from . import docx_ooxml as ox
from . import report_layout as L
from .report_content import AnnexContent, Block, ProgressCallback, ReportContent, report_content
from .report_file import write_atomically

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
# Custom paragraph styles, named for the officials who will see them in Word's style list.
BLOCK_STYLE = "Thể thức văn bản"  # header blocks, title, "Nơi nhận", signature: no indent, no spacing
CELL_STYLE = "Ô bảng biểu"  # Biểu 01's cells
STYLE_IDS = {BLOCK_STYLE: "TheThucVanBan", CELL_STYLE: "OBangBieu"}  # Word's own ids are ASCII
FONT_ASCENT = 0.891  # Times New Roman's ascent per point of size: where Word puts the header's baseline


def length(points: float) -> Emu:
    return Emu(round(points * 12700))


def styled(paragraph, style_id: str):
    """Give `paragraph` the style `style_id` (python-docx's lookup by name scans every style: too slow
    for a thousand cells)."""
    paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


# -- styles -------------------------------------------------------------------------------
def _paragraph_format(style, *, size: float, leading: float | None, align: str | None = None,
                      indent: float = 0, before: float = 0, after: float = 0) -> None:
    style.font.size = Pt(size)
    fmt = style.paragraph_format
    if align:
        fmt.alignment = ALIGN[align]
    fmt.first_line_indent = length(indent)
    fmt.left_indent = fmt.right_indent = Emu(0)
    fmt.space_before, fmt.space_after = length(before), length(after)
    if leading is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing, fmt.line_spacing_rule = length(leading), WD_LINE_SPACING.AT_LEAST


def set_up_styles(document) -> None:
    """Normal as the decree's body text, Heading 1-3 as the outline's headings, the footnote styles,
    and the two layout styles; every one in Times New Roman, none in the theme's fonts or colours."""
    styles = document.styles
    ox.set_document_defaults(styles.element, L.FONT_NAME, L.BODY_SIZE, L.LANGUAGE)
    ox.add_footnote_styles(styles.element)
    normal = styles["Normal"]
    ox.plain_style(normal.element, L.FONT_NAME)
    _paragraph_format(normal, size=L.BODY_SIZE, leading=L.BODY_SIZE * L.LEADING, align="justify", indent=L.INDENT,
                      after=L.SPACE_AFTER)
    normal.paragraph_format.widow_control = True
    for level, look in L.HEADING_STYLE.items():
        heading = styles[f"Heading {level}"]
        for element in (heading.element, styles[f"Heading {level} Char"].element):
            ox.plain_style(element, L.FONT_NAME)
        _paragraph_format(heading, size=L.BODY_SIZE, leading=L.BODY_SIZE * L.LEADING, align="left", indent=L.INDENT,
                          before=L.HEADING_SPACE_BEFORE[level], after=L.SPACE_AFTER)
        heading.font.bold, heading.font.italic = True, look == "bold_italic"
        heading.paragraph_format.keep_with_next = True
    note = styles["footnote text"]
    _paragraph_format(note, size=L.NOTE_SIZE, leading=L.NOTE_LEADING, align="justify", after=L.NOTE_SPACE_AFTER)
    for name, size in ((BLOCK_STYLE, L.BODY_SIZE), (CELL_STYLE, L.CELL_SIZE)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = STYLE_IDS[name]
        style.base_style = normal
        _paragraph_format(style, size=size, leading=L.CELL_LEADING if name == CELL_STYLE else None, align="left")
    header = styles["Header"]
    _paragraph_format(header, size=L.PAGE_NUMBER_SIZE, leading=None, align="center")


def _block(container, text: str = "", *, size: float = L.BODY_SIZE, style: str = "regular", align: str = "center",
           leading: float | None = None, before: float = 0, after: float = 0, keep: bool = False):
    """One paragraph in BLOCK_STYLE with its text set in `style` ("bold", "italic", ...)."""
    paragraph = styled(container.add_paragraph(), STYLE_IDS[BLOCK_STYLE])
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN[align]
    if leading is not None:
        fmt.line_spacing, fmt.line_spacing_rule = length(leading), WD_LINE_SPACING.AT_LEAST
    if before:
        fmt.space_before = length(before)
    if after:
        fmt.space_after = length(after)
    if keep:
        fmt.keep_with_next = True
    if text:
        _run(paragraph, text, style, size)
    return paragraph


def _run(paragraph, text: str, style: str, size: float | None = None):
    run = paragraph.add_run(text)
    if "bold" in style:
        run.bold = True
    if "italic" in style:
        run.italic = True
    if size is not None:
        run.font.size = Pt(size)
    return run


def _rule(container, rule: float, room: float, *, before: float = 0, after: float = 0):
    """A short centred rule of `rule` points in a column `room` points wide (a bordered empty paragraph)."""
    paragraph = _block(container, before=before, after=after)
    paragraph.paragraph_format.line_spacing = length(1)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    side = length(max(room - rule, 0) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    ox.rule_border(paragraph, L.RULE_WIDTH)
    return paragraph


def _table(document, rows: int, widths: list[float], *, style: str | None = None, padding: tuple = (0, 0, 0, 0)):
    table = document.add_table(rows=rows, cols=len(widths), style=style)
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = length(width)
    top, left, bottom, right = padding
    ox.cell_margins(table, top=top, left=left, bottom=bottom, right=right)
    return table


def _cells(table, tr) -> list[_Cell]:
    return [_Cell(tc, table) for tc in tr.tc_lst]


def _fill(cell: _Cell, width: float):
    """The cell's width, and its one empty paragraph removed (so the writer adds its own)."""
    cell.width = length(width)
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


# -- the parts of the report --------------------------------------------------------------
def header_blocks(document, content: ReportContent) -> None:
    """Issuing body, rule and number (left); quốc hiệu, tiêu ngữ and its rule, the date line (right)."""
    left, right = L.HEADER_LEFT_WIDTH, L.TEXT_WIDTH - L.HEADER_LEFT_WIDTH
    table = _table(document, 2, [left, right])
    (top_left, top_right), (bottom_left, bottom_right) = (_cells(table, tr) for tr in table._tbl.tr_lst)
    step = L.HEADER_LINE_STEP
    cell = _fill(top_left, left)
    for line, bold in content.issuer_lines:
        style = "bold" if bold else "regular"
        _block(cell, line, size=L.fitted_size(line, style, L.ISSUER_SIZE, left - 4), style=style, leading=step)
    _rule(cell, L.issuer_rule(content.issuer_lines), left, before=3)
    cell = _fill(top_right, right)
    _block(cell, content.quoc_hieu, size=L.fitted_size(content.quoc_hieu, "bold", L.QUOC_HIEU_SIZE, right),
           style="bold", leading=step)
    _block(cell, content.tieu_ngu, size=L.fitted_size(content.tieu_ngu, "bold", L.TIEU_NGU_SIZE, right),
           style="bold", leading=step)
    _rule(cell, L.tieu_ngu_rule(content.tieu_ngu, right), right)
    _block(_fill(bottom_left, left), content.number,
           size=L.fitted_size(content.number, "regular", L.ISSUER_SIZE, left - 4), leading=step, before=6)
    _block(_fill(bottom_right, right), content.date_line,
           size=L.fitted_size(content.date_line, "italic", L.DATE_SIZE, right), style="italic", leading=step, before=6)


def title_blocks(document, content: ReportContent) -> None:
    leading = L.BODY_SIZE * L.TITLE_LEADING
    _block(document, content.title, style="bold", leading=leading, before=L.TITLE_SPACE_BEFORE, keep=True)
    _block(document, content.subject, style="bold", leading=leading, keep=True)
    _rule(document, L.subject_rule(content.subject), L.TEXT_WIDTH, before=4, after=4 + L.SUBJECT_SPACE_AFTER)


def body(document, blocks: list[Block]):
    """Headings in Heading 1-3, paragraphs in Normal with their footnote references; returns the last paragraph."""
    paragraph = None
    for block in blocks:
        if block.kind == "heading":
            paragraph = styled(document.add_paragraph(block.text), f"Heading{block.level}")
            continue
        paragraph = document.add_paragraph()
        for piece in block.pieces:
            if piece.footnote is not None:
                ox.footnote_reference(paragraph, piece.footnote)
            elif piece.superscript:
                paragraph.add_run(piece.text).font.superscript = True
            else:
                paragraph.add_run(piece.text)
    return paragraph


def signature_blocks(document, content: ReportContent) -> None:
    """"Nơi nhận" (left) and the signer (right) in one row that never splits."""
    half = L.TEXT_WIDTH / 2
    table = _table(document, 1, [half, half])
    tr = table._tbl.tr_lst[0]
    ox.row_properties(tr)
    left, right = (_fill(cell, half) for cell in _cells(table, tr))
    _block(left, content.recipients_title, size=L.RECIPIENTS_TITLE_SIZE, style="bold_italic", align="left",
           leading=L.RECIPIENTS_TITLE_LEADING, before=L.SIGNATURE_SPACE_BEFORE, keep=True)
    for line in content.recipients:
        _block(left, line, size=L.RECIPIENT_SIZE, align="left", leading=L.RECIPIENT_LEADING, keep=True)
    for number, line in enumerate(content.signer_lines):
        _block(right, line, size=L.SIGNER_SIZE, style="bold", leading=L.SIGNER_LEADING, keep=True,
               before=L.SIGNATURE_SPACE_BEFORE if number == 0 else 0)
    _block(right, content.signer_name, size=L.SIGNER_SIZE, style="bold", leading=L.SIGNER_LEADING,
           before=L.SIGNATURE_GAP)


def page_setup(section, *, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = length(L.PAGE_HEIGHT), length(L.PAGE_WIDTH)
        top, bottom, left, right = L.ANNEX_MARGINS
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = length(L.PAGE_WIDTH), length(L.PAGE_HEIGHT)
        top, bottom, left, right = L.MARGIN_TOP, L.MARGIN_BOTTOM, L.MARGIN_LEFT, L.MARGIN_RIGHT
    section.top_margin, section.bottom_margin = length(top), length(bottom)
    section.left_margin, section.right_margin = length(left), length(right)
    section.header_distance = length(L.PAGE_NUMBER_BASELINE - FONT_ASCENT * L.PAGE_NUMBER_SIZE)


def page_numbers(section) -> None:
    """No number on page 1 (an empty first-page header), the PAGE field centred on every other page."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    ox.add_page_field(paragraph)


def annex_section(document, annex: AnnexContent) -> None:
    """Biểu 01 in a landscape section of its own; page numbers go on from the report's."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    # the paragraph python-docx ends the portrait section with stays one point high: it must not
    # push the signature onto a page of its own
    end_of_portrait = document.paragraphs[-1]
    styled(end_of_portrait, STYLE_IDS[BLOCK_STYLE])
    end_of_portrait.paragraph_format.line_spacing = length(1)
    end_of_portrait.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    end_of_portrait.paragraph_format.space_before = end_of_portrait.paragraph_format.space_after = Emu(0)
    page_setup(section, landscape=True)
    section.different_first_page_header_footer = False
    leading = L.ANNEX_TITLE_LEADING
    for title in annex.titles:
        _block(document, title, size=L.ANNEX_TITLE_SIZE, style="bold", leading=leading, keep=True)
    _block(document, annex.note, size=L.ANNEX_NOTE_SIZE, style="italic", leading=L.ANNEX_NOTE_LEADING,
           after=L.ANNEX_SPACE_BEFORE_TABLE, keep=True)
    widths = L.annex_column_widths()
    padding = L.CELL_PADDING
    table = _table(document, 1 + len(annex.lines), widths, style="Table Grid", padding=(padding,) * 4)
    rows = table._tbl.tr_lst
    ox.row_properties(rows[0], header=True)
    for cell, text, width in zip(_cells(table, rows[0]), annex.head, widths):
        _cell_text(_fill(cell, width), text, "bold", "center")
    for tr, line in zip(rows[1:], annex.lines):
        ox.row_properties(tr)
        style = L.ANNEX_ROW_STYLE[line.kind]
        if line.kind != "indicator":
            ox.span_to_end(tr, 1)
            stt, name = _cells(table, tr)
            _cell_text(_fill(stt, widths[0]), line.cells[0], "bold", "center")
            _cell_text(_fill(name, sum(widths[1:])), line.cells[1], style, "left")
            continue
        for column, (cell, text, width, align) in enumerate(zip(_cells(table, tr), line.cells, widths, L.ANNEX_ALIGN)):
            paragraph = _cell_text(_fill(cell, width), text, style, align)
            if column == 1 and line.depth:
                paragraph.paragraph_format.left_indent = length(line.depth * L.DEPTH_INDENT)


def _cell_text(cell: _Cell, text: str, style: str, align: str):
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    paragraph = styled(cell.add_paragraph(), STYLE_IDS[CELL_STYLE])
    if align != "left":
        paragraph.paragraph_format.alignment = ALIGN[align]
    if text:
        _run(paragraph, text, style)  # "\n" becomes a line break
    return paragraph


# -- the document -------------------------------------------------------------------------
def report_document(content: ReportContent):
    """The python-docx Document of the report."""
    document = Document()
    ox.drop_thumbnail(document)
    set_up_styles(document)
    section = document.sections[0]
    page_setup(section, landscape=False)
    page_numbers(section)
    header_blocks(document, content)
    title_blocks(document, content)
    last = body(document, content.blocks)
    if last is not None:
        last.paragraph_format.keep_with_next = True  # the last paragraph stays with the signature
    signature_blocks(document, content)
    if content.annex is not None:
        annex_section(document, content.annex)
    if content.footnotes:
        ox.add_footnotes(document, content.footnotes)
    properties = document.core_properties
    now = datetime.now(UTC).replace(microsecond=0)
    properties.title, properties.author, properties.last_modified_by = content.document_title, content.author, "LCApp"
    properties.subject, properties.comments, properties.keywords = content.subject, "", ""
    properties.language, properties.created, properties.modified, properties.revision = L.LANGUAGE, now, now, 1
    return document


def report_docx_bytes(store: Store, unit: str, period: Period | str, *,
                      progress_callback: ProgressCallback | None = None) -> bytes:
    """The report for `unit` and `period` as .docx bytes."""
    steps = 4

    def say(step: int, message: str) -> None:
        if progress_callback:
            progress_callback(step, steps, message)

    content = report_content(store, unit, period, progress_callback, steps)
    say(2, "Đang trình bày văn bản Word")
    document = report_document(content)
    buffer = BytesIO()
    say(3, "Đang ghi tệp")
    document.save(buffer)
    say(steps, "Đã lập xong báo cáo")
    return buffer.getvalue()


def write_report_docx(store: Store, unit: str, period: Period | str, path: str | Path,
                      progress_callback: ProgressCallback | None = None) -> Path:
    """Write the report to `path` as a Word document (atomically: a failed export leaves no file).

    `progress_callback(step, total, message)` is called as the work advances (for the UI).
    """
    return write_atomically(path, ".docx",
                            lambda: report_docx_bytes(store, unit, period, progress_callback=progress_callback))
