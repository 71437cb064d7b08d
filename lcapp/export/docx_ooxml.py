"""The few pieces of WordprocessingML the report needs that python-docx has no API for.

Footnotes (the `word/footnotes.xml` part with Word's two separators, its relationship and
`w:footnotePr` in the settings, `w:footnoteReference` runs and the "footnote text" /
"footnote reference" styles), the PAGE field, explicit fonts in place of the template's
theme fonts, table rows that repeat as a header or never split, cell margins, spans,
and paragraph borders drawn as short rules. Each is written the way Word itself writes
it, and elements go where the schema's order puts them: Word refuses a file whose
elements are out of order.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {"w": W_NS, "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
              "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main"}
THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

# Successors of the elements added below, in the schema's order (ECMA-376 Part 1, §17).
_SETTINGS_AFTER_FOOTNOTE_PR = ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
                               "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                               "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
                               "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
                               "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
_TRPR_ORDER = ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
               "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_TBLPR_AFTER_CELL_MAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")
_PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                     "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                     "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                     "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                     "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def twips(points: float) -> str:
    return str(round(points * 20))


def eighths(points: float) -> str:
    """A border's width in eighths of a point."""
    return str(max(2, round(points * 8)))


def _clark(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{name}"


def _insert_before(parent, child, successors: tuple[str, ...]) -> None:
    """Put `child` before the first of `parent`'s children named in `successors` (the elements
    the schema's sequence puts after it), or last."""
    later = {_clark(tag) for tag in successors}
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return
    parent.append(child)


# -- fonts and styles ---------------------------------------------------------------------
def set_document_defaults(styles_element, font: str, size: float, language: str) -> None:
    """The document's defaults: runs in `font` for every script (not the theme's), `size` and
    `language`; paragraphs single-spaced with no space after (the styles say the rest)."""
    r_pr = styles_element.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}rPrDefault/{{{W_NS}}}rPr")
    fonts = r_pr.find(qn("w:rFonts"))
    explicit_fonts(fonts, font)
    for tag in ("w:sz", "w:szCs"):
        r_pr.find(qn(tag)).set(qn("w:val"), str(round(size * 2)))
    lang = r_pr.find(qn("w:lang"))
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    p_pr = styles_element.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}pPrDefault/{{{W_NS}}}pPr")
    spacing = p_pr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def explicit_fonts(r_fonts, font: str) -> None:
    """`w:rFonts` naming `font` for every script; theme fonts would win over it in Word."""
    for attribute in THEME_FONT_ATTRIBUTES:
        r_fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attribute), font)


def plain_style(style_element, font: str) -> None:
    """A style in `font` for every script and in black: a template's theme fonts and colour dropped."""
    r_pr = style_element.get_or_add_rPr()
    explicit_fonts(r_pr.get_or_add_rFonts(), font)
    color = r_pr.find(qn("w:color"))
    if color is not None:
        r_pr.remove(color)


FOOTNOTE_STYLES = (
    (f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
     '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr/><w:rPr/></w:style>'),
    (f'<w:style {nsdecls("w")} w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
     '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
     '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'),
)


def add_footnote_styles(styles_element) -> None:
    """Word's built-in "footnote text" and "footnote reference" styles (python-docx's template has neither)."""
    for xml in FOOTNOTE_STYLES:
        style = parse_xml(xml)
        if styles_element.find(f"{{{W_NS}}}style[@{{{W_NS}}}styleId='{style.get(qn('w:styleId'))}']") is None:
            styles_element.append(style)


# -- footnotes ----------------------------------------------------------------------------
def _separator(kind: str, number: int) -> str:
    return (f'<w:footnote w:type="{kind}" w:id="{number}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            f'w:lineRule="auto"/></w:pPr><w:r><w:{kind}/></w:r></w:p></w:footnote>')


def footnote_reference(paragraph, number: int):
    """Append footnote `number`'s reference mark to `paragraph` (a python-docx Paragraph)."""
    run = paragraph.add_run()
    r_pr = run._r.get_or_add_rPr()
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "FootnoteReference")
    r_pr.insert(0, style)
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(number))
    run._r.append(reference)
    return run


def add_footnotes(document, notes: dict[int, str]) -> None:
    """The footnotes part: Word's separators (ids -1 and 0) and one footnote per number, each
    starting with its automatic reference mark. Only called with at least one note."""
    body = [_separator("separator", -1), _separator("continuationSeparator", 0)]
    for number, note in notes.items():
        body.append(f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
                    '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                    f'<w:r><w:t xml:space="preserve"> {escape(note)}</w:t></w:r></w:p></w:footnote>')
    xml = f'<w:footnotes {nsdecls("w", "r")}>{"".join(body)}</w:footnotes>'
    blob = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + xml.encode("utf-8")
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element
    pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    _insert_before(settings, pr, _SETTINGS_AFTER_FOOTNOTE_PR)


def drop_thumbnail(document) -> None:
    """python-docx's template carries the picture of an empty page as the file's thumbnail."""
    rels = document.part.package.rels
    for key, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[key]


# -- fields, tables, rules ----------------------------------------------------------------
def add_page_field(paragraph) -> None:
    """A PAGE field (the page's number), as Word writes one: begin, instruction, separate, result, end."""
    for kind, content in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif content:
            instruction = OxmlElement("w:instrText")
            instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instruction.text = content
            run._r.append(instruction)
        else:
            run.text = "2"


def row_properties(tr, *, header: bool = False, cant_split: bool = True) -> None:
    """A table row that repeats at the top of each page (`header`) and is never split across pages."""
    tr_pr = tr.get_or_add_trPr()
    for tag, wanted in (("w:cantSplit", cant_split), ("w:tblHeader", header)):
        if wanted:
            _insert_before(tr_pr, OxmlElement(tag), _TRPR_ORDER[_TRPR_ORDER.index(tag) + 1:])


def cell_margins(table, *, top: float, left: float, bottom: float, right: float) -> None:
    """The table's cell margins in points (Word's default is 5,4 pt left and right, none above and below)."""
    margins = OxmlElement("w:tblCellMar")
    for side, points in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), twips(points))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _insert_before(table._tbl.tblPr, margins, _TBLPR_AFTER_CELL_MAR)


def span_to_end(tr, first: int) -> None:
    """Merge cell `first` of row `tr` with every cell right of it (a horizontal span, `w:gridSpan`)."""
    cells = tr.tc_lst
    for tc in cells[first + 1:]:
        tr.remove(tc)
    cells[first].grid_span = len(cells) - first


def rule_border(paragraph, width: float, side: str = "top") -> None:
    """A single line of `width` points along the paragraph's `side`: with indents, a short rule."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), eighths(width))
    line.set(qn("w:space"), "0")
    line.set(qn("w:color"), "000000")
    border.append(line)
    _insert_before(p_pr, border, _PPR_AFTER_BORDER)
