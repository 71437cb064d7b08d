"""Footnotes at the bottom of the page where they are referenced, which reportlab lacks.

A marker in a paragraph is `<onDraw name="fn" label="N"/>`: when reportlab draws it, the
document records on which page footnote N landed. The first build reserves nothing; each
next build shortens every page's frame by the height of the footnotes recorded for that
page in the build before and draws them under a short rule, until two builds agree. After
the first builds a page's reserved space never shrinks, so the builds converge (a page may
then keep some white space above its footnotes).
"""

from __future__ import annotations

from io import BytesIO
from typing import Callable

from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Paragraph
from reportlab.lib.styles import ParagraphStyle

MARKER_CALLBACK = "fn"
RULE_WIDTH = 50 * mm
GAP = 4.0  # points between the body and the rule, and between the rule and the first note
MAX_BUILDS = 6
STICKY_AFTER = 2  # builds that reserve exactly; later ones never shrink a page's reservation


def marker(number: int) -> str:
    """Paragraph markup for footnote `number`: the superscript and the page recorder."""
    return f'<super>{number}</super><onDraw name="{MARKER_CALLBACK}" label="{number}"/>'


class FootnotedDocTemplate(BaseDocTemplate):
    """A document whose pages carry the footnotes their paragraphs reference.

    `footnotes` maps a number to its (already escaped) paragraph markup; `placement` is the
    page -> numbers found by the previous build (empty on the first).
    """

    def __init__(self, filename, *, footnotes: dict[int, str], placement: dict[int, list[int]],
                 note_style: ParagraphStyle, reserved: dict[int, float] | None = None, **kwargs):
        super().__init__(filename, **kwargs)
        self.footnotes = footnotes
        self.placement = placement
        self.note_style = note_style
        self.seen: dict[int, list[int]] = {}
        self.reserved: dict[int, float] = dict(reserved or {})
        self._geometry: dict[int, tuple] = {}
        self._heights: dict[tuple[int, float], float] = {}

    # -- recording ------------------------------------------------------------------------
    def beforeDocument(self):
        self.canv.setNamedCB(MARKER_CALLBACK, self._record)

    def _record(self, canvas, _kind, label):
        number = int(label)
        page = canvas.getPageNumber()
        numbers = self.seen.setdefault(page, [])
        if number not in numbers:
            numbers.append(number)

    # -- reserving and drawing --------------------------------------------------------------
    def _note(self, number: int) -> Paragraph:
        return Paragraph(f"<super>{number}</super> {self.footnotes[number]}", self.note_style)

    def notes_height(self, page: int, width: float) -> float:
        numbers = self.placement.get(page, [])
        if not numbers:
            return 0.0
        total = 2 * GAP
        for number in numbers:
            _w, h = self._note(number).wrap(width, 10_000)
            total += h + self.note_style.spaceAfter
        return total

    def handle_pageBegin(self):
        super().handle_pageBegin()
        frame = self.frame
        key = id(frame)
        if key not in self._geometry:
            self._geometry[key] = (frame._y1, frame._height)
        y1, height = self._geometry[key]
        reserve = max(self.reserved.get(self.page, 0.0),
                      self.notes_height(self.page, frame._width - frame._leftPadding - frame._rightPadding))
        self.reserved[self.page] = reserve
        frame._y1, frame._height = y1 + reserve, height - reserve
        frame._geom()
        frame._y = frame._y2 - frame._topPadding

    def draw_notes(self, canvas, frame) -> None:
        """Draw this page's footnotes from the frame's original bottom upwards (called from onPage)."""
        numbers = self.placement.get(self.page, [])
        if not numbers:
            return
        x = frame._x1 + frame._leftPadding
        width = frame._width - frame._leftPadding - frame._rightPadding
        key = id(frame)
        bottom = self._geometry.get(key, (frame._y1, frame._height))[0]
        notes = [self._note(number) for number in numbers]
        heights = [note.wrap(width, 10_000)[1] for note in notes]
        y = bottom + sum(h + self.note_style.spaceAfter for h in heights)
        canvas.saveState()
        canvas.setLineWidth(0.5)
        canvas.line(x, y + GAP, x + RULE_WIDTH, y + GAP)
        canvas.restoreState()
        for note, h in zip(notes, heights):
            y -= h
            note.drawOn(canvas, x, y)
            y -= self.note_style.spaceAfter


def build_until_stable(make_doc: Callable[[BytesIO, dict, dict], FootnotedDocTemplate],
                       make_story: Callable[[bool], list],
                       on_build: Callable[[int], None] | None = None) -> tuple[bytes, FootnotedDocTemplate]:
    """Build until every footnote is drawn on the page its marker landed on; return the PDF bytes.

    `make_story(final)` gives the flowables; pages that follow the last footnote and never
    change the ones before them (the annex) may be left out of the trial builds (`final`
    False), which only place footnotes, to save time. The last build is always complete.
    """
    placement: dict[int, list[int]] = {}
    reserved: dict[int, float] = {}
    final = False
    for attempt in range(1, 2 * MAX_BUILDS + 1):
        if on_build:
            on_build(attempt)
        buffer = BytesIO()
        doc = make_doc(buffer, placement, reserved if attempt > STICKY_AFTER else {})
        doc.build(make_story(final))
        stable = doc.seen == placement
        placement, reserved = doc.seen, doc.reserved
        if final and (stable or attempt >= 2 * MAX_BUILDS - 1):
            return buffer.getvalue(), doc
        final = stable or attempt >= MAX_BUILDS
    return buffer.getvalue(), doc
