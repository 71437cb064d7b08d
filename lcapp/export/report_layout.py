"""The report's page and type per Nghị định 30/2020/NĐ-CP (Phụ lục I), shared by the PDF and Word writers.

Every length is in points (1/72 inch), the unit both reportlab and Word measure in; every
size is a font size in points. Text widths come from the report font's own metrics
(Liberation Serif is metric-compatible with Times New Roman), so a rule drawn under a line
has the same length in both files.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from .pdf_fonts import register_family

MM = 72 / 25.4
CM = 10 * MM

PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4 portrait; the annex turns it
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * MM, 20 * MM, 30 * MM, 15 * MM
ANNEX_MARGINS = (20 * MM, 15 * MM, 20 * MM, 15 * MM)  # top, bottom, left, right
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
ANNEX_TEXT_WIDTH = PAGE_HEIGHT - ANNEX_MARGINS[2] - ANNEX_MARGINS[3]

FONT_NAME = "Times New Roman"  # what Word is told; the PDF embeds it or its metric twin
LANGUAGE = "vi-VN"

BODY_SIZE = 14
LEADING = 1.3  # the seeds' line spacing: line height as a multiple of the font size
SPACE_AFTER = 6  # after each body paragraph
INDENT = 1.27 * CM  # first-line indent of body paragraphs and headings
HEADING_SPACE_BEFORE = {1: 3, 2: 0, 3: 0}
HEADING_KEEP_LINES = 4  # a heading keeps this many lines of its text on its page (PDF)
HEADING_STYLE = {1: "bold", 2: "bold", 3: "bold_italic"}  # I. / 1. / a)
TITLE_LEADING = 1.25  # "BÁO CÁO" and the subject line
TITLE_SPACE_BEFORE = 14  # between the header blocks and "BÁO CÁO"
SUBJECT_SPACE_AFTER = 8  # between the subject's rule and section I

NOTE_SIZE, NOTE_LEADING, NOTE_SPACE_AFTER = 10, 11.5, 1  # footnotes

# The header blocks: the issuing body's column and the quốc hiệu's beside it.
HEADER_LEFT_WIDTH = 72 * MM
ISSUER_SIZE = 13  # issuing body and "Số: .../BC-UBND"
QUOC_HIEU_SIZE = 12.5
TIEU_NGU_SIZE = 13.5
DATE_SIZE = 13.5  # the italic place-and-date line
HEADER_LINE_STEP = 15  # baseline to baseline in the header blocks
MIN_HEADER_SIZE = 10  # a long line is set smaller down to this before it would overflow its column
ISSUER_RULE_MIN = 20 * MM
RULE_WIDTH = 0.6  # the short rules' thickness

PAGE_NUMBER_SIZE = 13
PAGE_NUMBER_BASELINE = 12 * MM  # from the top edge; page 1 has none

RECIPIENTS_TITLE_SIZE, RECIPIENTS_TITLE_LEADING = 12, 14  # "Nơi nhận:" bold italic
RECIPIENT_SIZE, RECIPIENT_LEADING = 11, 13
SIGNER_SIZE, SIGNER_LEADING = 14, 14 * 1.2
SIGNATURE_SPACE_BEFORE = 6  # between the body's last paragraph and "Nơi nhận"
SIGNATURE_GAP = 26 * MM  # room to sign between the title and the name

# Biểu 01: column widths (None: what the page leaves), alignment and type of its cells.
ANNEX_TITLE_SIZE, ANNEX_TITLE_LEADING = 13, 16
ANNEX_NOTE_SIZE, ANNEX_NOTE_LEADING = 12, 14
ANNEX_SPACE_BEFORE_TABLE = 6
CELL_SIZE, CELL_LEADING = 9, 10.5
CELL_PADDING = 3
GRID_WIDTH = 0.5
DEPTH_INDENT = 3.2 * MM  # a "Trong đó" part's name, per level
ANNEX_COLUMNS = [10 * MM, None, 18 * MM, 40 * MM, 20 * MM, 20 * MM, 16 * MM, 20 * MM, 15 * MM, 42 * MM]
ANNEX_ALIGN = ["center", "left", "center", "right", "right", "right", "right", "right", "right", "left"]
ANNEX_ROW_STYLE = {"section": "bold", "subsection": "bold_italic", "indicator": "regular"}


def annex_column_widths(width: float = ANNEX_TEXT_WIDTH) -> list[float]:
    """Biểu 01's columns; the indicator's name takes what the fixed ones leave."""
    fixed = sum(w for w in ANNEX_COLUMNS if w)
    return [w if w else width - fixed for w in ANNEX_COLUMNS]


def text_width(text: str, style: str, size: float) -> float:
    """Width of `text` set in the report font's `style` ("regular", "bold", ...) at `size`."""
    return stringWidth(text, register_family().name(style), size)


def fitted_size(text: str, style: str, size: float, room: float) -> float:
    """`size`, or smaller by half points (not below MIN_HEADER_SIZE) until `text` fits in `room`."""
    while size > MIN_HEADER_SIZE and text_width(text, style, size) > room:
        size -= 0.5
    return size


def issuer_rule(issuer_lines: list[tuple[str, bool]]) -> float:
    """The short rule under the issuing body: a third of its last line, at least 2 cm."""
    width = text_width(issuer_lines[-1][0], "bold", ISSUER_SIZE) if issuer_lines else 0
    return max(min(width, HEADER_LEFT_WIDTH) / 3, ISSUER_RULE_MIN)


def tieu_ngu_rule(tieu_ngu: str, room: float) -> float:
    """The rule under "Độc lập - Tự do - Hạnh phúc": as long as the line itself."""
    return text_width(tieu_ngu, "bold", fitted_size(tieu_ngu, "bold", TIEU_NGU_SIZE, room))


def subject_rule(subject: str) -> float:
    """The short rule under the subject line: a third of the line's width."""
    return min(text_width(subject, "bold", BODY_SIZE), TEXT_WIDTH) / 3
