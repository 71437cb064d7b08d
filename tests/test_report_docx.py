"""The report as a Word document: read back with python-docx and as OOXML, beside the PDF of the same
report, and converted by LibreOffice."""

import re
import unicodedata
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Pt
from lxml import etree
from pypdf import PdfReader

from lcapp.cli import main
from lcapp.export import report_layout as L
from lcapp.export.report_content import report_content
from lcapp.export.report_docx import write_report_docx
from lcapp.export.report_pdf import write_report_pdf
from lcapp.models.demo import load_demo
from lcapp.models.documents import set_document_profile
from lcapp.models.drafting import FOOTNOTE, report_outline
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.narrative import set_narrative
from lcapp.models.setup import create_database
from tests.conftest import file_digest
from tests.office import convert, needs_writer

UNIT, PERIOD = "tp_lai_chau", "202405"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
TWIP = 1 / 20  # a point in twentieths, Word's unit for page sizes and margins


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    store = create_database(folder / "demo.sqlite")
    load_demo(store)
    calls = []
    path = write_report_docx(store, UNIT, PERIOD, folder / "bao-cao.docx",
                             progress_callback=lambda step, total, message: calls.append((step, total, message)))
    pdf = write_report_pdf(store, UNIT, PERIOD, folder / "bao-cao.pdf")
    yield {"store": store, "path": path, "doc": Document(str(path)), "pdf": PdfReader(pdf), "calls": calls,
           "folder": folder}
    store.close()


def part(path, name: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def compact(text: str) -> str:
    return "".join(text.split())


def pdf_body_text(pdf) -> str:
    """The text the PDF sets in the body's 14 pt, page after page: no footnotes (10 pt), no footnote
    markers (12 pt) and no page numbers (13 pt), so a paragraph running over a page reads whole."""
    found = []

    def visit(text, _cm, _tm, _font, size):
        if text.strip() and round(size, 1) == L.BODY_SIZE:
            found.append(text)

    for page in pdf.pages:
        page.extract_text(visitor_text=visit)
    return compact("".join(found))


def body_paragraphs(doc):
    """The paragraphs from "BÁO CÁO" on (the header blocks and signature are tables)."""
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "BÁO CÁO")
    return [p for p in paragraphs[start:] if p.text.strip()]


def words_without_footnotes(paragraph) -> str:
    """A paragraph's words as printed, without footnote references or the superscript comma between two."""
    return "".join(run.text for run in paragraph.runs if not run.font.superscript)


def test_its_paragraphs_hold_the_same_drafted_sentences_as_the_pdf(demo):
    doc, pdf = demo["doc"], demo["pdf"]
    pdf_text = pdf_body_text(pdf)
    paragraphs = [words_without_footnotes(p) for p in doc.paragraphs
                  if p.style.name == "Normal" or p.style.name.startswith("Heading")]
    content = report_content(demo["store"], UNIT, PERIOD)
    assert [compact(b.text) for b in content.blocks] == [compact(p) for p in paragraphs]
    assert len(paragraphs) > 60
    for text in paragraphs + [content.title, content.subject]:
        assert compact(text) in pdf_text, text
    joined = " ".join(paragraphs)
    assert ("Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng trong tháng ước đạt 339 tỷ đồng, "
            "lũy kế 5 tháng ước đạt 1.931 tỷ đồng, đạt 43%") in joined
    assert unicodedata.is_normalized("NFC", joined)


def test_footnotes_are_real_word_footnotes_numbered_through_the_report(demo):
    path, store = demo["path"], demo["store"]
    expected = sum(len(FOOTNOTE.findall(item.text)) for item in report_outline(store, UNIT, PERIOD))
    notes = part(path, "word/footnotes.xml")
    ids = [int(n.get(f"{W}id")) for n in notes.findall("w:footnote", NS) if n.get(f"{W}type") is None]
    separators = [n.get(f"{W}type") for n in notes.findall("w:footnote", NS) if n.get(f"{W}type")]
    assert expected > 20 and ids == list(range(1, expected + 1))
    assert separators == ["separator", "continuationSeparator"]
    for note in notes.findall("w:footnote", NS)[2:]:
        assert note.find(".//w:footnoteRef", NS) is not None  # Word's automatic number
        assert note.find(".//w:pStyle", NS).get(f"{W}val") == "FootnoteText"
    document = part(path, "word/document.xml")
    references = [int(r.get(f"{W}id")) for r in document.iter(f"{W}footnoteReference")]
    assert references == ids
    assert list(document.iter(f"{W}endnoteReference")) == []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert "word/endnotes.xml" not in names
    assert 'PartName="/word/footnotes.xml"' in types and "wordprocessingml.footnotes+xml" in types
    assert "relationships/footnotes" in rels
    settings = part(path, "word/settings.xml")
    pr = settings.find("w:footnotePr", NS)
    assert [n.get(f"{W}id") for n in pr] == ["-1", "0"]
    tags = [child.tag for child in settings]
    assert tags.index(pr.tag) < tags.index(f"{W}compat")  # the schema's order, which Word insists on
    # the same number as the PDF prints at its pages' feet
    pdf_numbers = []
    for page in demo["pdf"].pages:
        for line in page.extract_text().splitlines():
            if line.startswith(f"{len(pdf_numbers) + 1} "):
                pdf_numbers.append(len(pdf_numbers) + 1)
    assert len(pdf_numbers) == len(ids)


def test_a_footnote_sits_where_its_marker_was_in_the_text(demo):
    path, doc = demo["path"], demo["doc"]
    notes = {n.get(f"{W}id"): "".join(t.text for t in n.iter(f"{W}t")).strip()
             for n in part(path, "word/footnotes.xml").findall("w:footnote", NS)}
    number = next(k for k, v in notes.items()
                  if v == "Tỷ lệ phần trăm đã loại trừ phần thu chuyển nguồn năm trước sang (71.283 triệu đồng)")
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("Tổng thu ngân sách địa phương lũy kế"))
    runs = paragraph._p.findall("w:r", NS)
    at = next(i for i, r in enumerate(runs) if r.find("w:footnoteReference", NS) is not None
              and r.find("w:footnoteReference", NS).get(f"{W}id") == number)
    before = "".join(t.text for r in runs[:at] for t in r.iter(f"{W}t"))
    assert before.endswith("so với Nghị quyết HĐND thành phố giao")
    assert runs[at].find("w:rPr/w:rStyle", NS).get(f"{W}val") == "FootnoteReference"
    assert notes["1"] == "Kế hoạch số 548/KH-UBND ngày 29/02/2024"


def test_styles_carry_the_decrees_type(demo):
    doc = demo["doc"]
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fmt = normal.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(fmt.first_line_indent.cm - 1.27) < 0.01
    assert fmt.line_spacing_rule == WD_LINE_SPACING.AT_LEAST and abs(fmt.line_spacing.pt - 14 * L.LEADING) < 0.1
    assert fmt.space_after == Pt(L.SPACE_AFTER)
    defaults = part(demo["path"], "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    fonts = defaults.find("w:rFonts", NS)
    assert {k.split("}")[1]: v for k, v in fonts.attrib.items()} == {
        "ascii": "Times New Roman", "hAnsi": "Times New Roman", "eastAsia": "Times New Roman", "cs": "Times New Roman"}
    assert defaults.find("w:lang", NS).get(f"{W}val") == "vi-VN"
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        fonts = style.element.find("w:rPr/w:rFonts", NS)
        assert not any("Theme" in k or "theme" in k for k in fonts.attrib)  # no theme font: Word would use it
        assert style.font.name == "Times New Roman" and style.element.find("w:rPr/w:color", NS) is None
        assert style.font.bold and style.font.size == Pt(14) and style.font.italic == (level == 3)
        assert style.element.find("w:pPr/w:outlineLvl", NS).get(f"{W}val") == str(level - 1)  # navigation pane
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    outline = [(f"Heading {i.level}", i.label) for i in report_outline(demo["store"], UNIT, PERIOD)
               if i.kind == "heading"]
    assert headings == outline and len(headings) > 10
    note = doc.styles["footnote text"]
    assert note.font.size == Pt(L.NOTE_SIZE) and note.paragraph_format.first_line_indent == 0


def test_a4_portrait_with_the_pdfs_margins_and_page_numbers_from_page_two(demo):
    doc = demo["doc"]
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    page = part(demo["path"], "word/document.xml").findall(".//w:sectPr", NS)[0]
    size, margins = page.find("w:pgSz", NS), page.find("w:pgMar", NS)
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4, as Word writes it
    twips = {side: int(margins.get(f"{W}{side}")) * TWIP for side in ("top", "bottom", "left", "right")}
    assert twips == pytest.approx({"top": L.MARGIN_TOP, "bottom": L.MARGIN_BOTTOM, "left": L.MARGIN_LEFT,
                                   "right": L.MARGIN_RIGHT}, abs=TWIP)
    assert section.different_first_page_header_footer
    assert section.first_page_header.is_linked_to_previous is False
    assert "".join(p.text for p in section.first_page_header.paragraphs).strip() == ""
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER or number.style.paragraph_format.alignment == \
        WD_ALIGN_PARAGRAPH.CENTER
    instructions = [t.text.strip() for t in number._p.iter(f"{W}instrText")]
    kinds = [c.get(f"{W}fldCharType") for c in number._p.iter(f"{W}fldChar")]
    assert instructions == ["PAGE"] and kinds == ["begin", "separate", "end"]


def test_header_blocks_title_and_signature_as_the_seeds_have_them(demo):
    doc = demo["doc"]
    header = doc.tables[0]
    assert header._tbl.tblPr.find("w:tblStyle", NS) is None  # "Normal Table": no borders
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ LAI CHÂU"]
    assert [p.text for p in right.paragraphs if p.text] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                            "Độc lập - Tự do - Hạnh phúc"]
    assert all(r.bold for p in left.paragraphs + right.paragraphs for r in p.runs)
    rules = [p for p in left.paragraphs + right.paragraphs if p._p.find("w:pPr/w:pBdr/w:top", NS) is not None]
    assert len(rules) == 2  # under the issuing body and under the tiêu ngữ
    number, date = header.rows[1].cells
    assert re.fullmatch(r"Số:\s+/BC-UBND", number.text)
    assert re.fullmatch(r"Thành phố Lai Châu, ngày\s+tháng\s+năm 2024", date.text)
    assert all(r.italic for r in date.paragraphs[0].runs)
    paragraphs = body_paragraphs(doc)
    assert paragraphs[0].text == "BÁO CÁO" and paragraphs[0].runs[0].bold
    assert paragraphs[1].text.startswith("Tình hình thực hiện Nghị quyết 01/NQ-CP; tình hình thực hiện Kế hoạch")
    last = [p for p in paragraphs if p.style.name == "Normal"][-1]
    assert last.text.endswith("./.") and last.paragraph_format.keep_with_next
    signature = doc.tables[1]
    assert signature._tbl.tr_lst[0].find("w:trPr/w:cantSplit", NS) is not None
    recipients, signer = signature.rows[0].cells
    lines = [p for p in recipients.paragraphs if p.text]
    assert lines[0].text == "Nơi nhận:" and lines[0].runs[0].bold and lines[0].runs[0].italic
    assert lines[0].runs[0].font.size == Pt(12) and lines[1].runs[0].font.size == Pt(11)
    assert lines[-1].text == "- Lưu: VT, VP." and all(p.text.startswith("- ") for p in lines[1:])
    assert [p.text for p in signer.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Nghiệp"]


def test_bieu_01_in_a_landscape_section_with_a_repeating_header_row_and_numbers_as_text(demo):
    doc = demo["doc"]
    assert len(doc.sections) == 2
    annex = doc.sections[1]
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert annex.page_width > annex.page_height
    top, bottom, left, right = L.ANNEX_MARGINS
    assert [m.pt for m in (annex.top_margin, annex.bottom_margin, annex.left_margin, annex.right_margin)] == \
        pytest.approx([top, bottom, left, right], abs=0.05)
    assert not annex.different_first_page_header_footer  # numbered on every annex page
    assert annex.header.is_linked_to_previous
    table = doc.tables[-1]
    rows = table._tbl.tr_lst
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(tr.find("w:trPr/w:tblHeader", NS) is None for tr in rows[1:])
    content = report_content(demo["store"], UNIT, PERIOD).annex
    assert [c.text for c in table.rows[0].cells] == content.head
    texts = [["".join(t.text for t in tc.iter(f"{W}t")) for tc in tr.tc_lst] for tr in rows[1:]]
    for line, cells in zip(content.lines, texts):
        wanted = [c.replace("\n", "") for c in line.cells]
        assert cells == (wanted if line.kind == "indicator" else wanted[:2])
    retail = next(cells for cells in texts if cells[1] == "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng")
    assert retail[4:6] == ["339", "1.931"] and retail[6] == "43,0%"  # a table's percents: fixed decimals
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Biểu 01. KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU THÁNG 5/2024" in paragraphs
    assert ("(Kèm theo Báo cáo số ........./BC-UBND ngày ....... tháng ....... năm 2024 của Ủy ban nhân dân "
            "thành phố Lai Châu)") in paragraphs  # room for the number and the date, as in the PDF


def test_bieu_01_heads_every_column_in_january_too(tmp_path):
    """The Word report's Biểu 01 comes from the same content as the PDF's: "Lũy kế từ đầu năm" is
    headed in a January report as well."""
    store = create_database(tmp_path / "jan.sqlite")
    enter(store, UNIT, "202401", "tm_ban_le", 400, user="t", status="estimate")
    doc = Document(str(write_report_docx(store, UNIT, "202401", tmp_path / "jan.docx")))
    assert [c.text for c in doc.tables[-1].rows[0].cells] == [
        "STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", "Thực hiện tháng 1/2024", "Lũy kế từ đầu năm", "% so kế hoạch",
        "Cùng kỳ năm trước", "% so cùng kỳ", "Ghi chú"]
    store.close()


def test_progress_is_reported_to_the_end(demo):
    steps = [step for step, _total, _message in demo["calls"]]
    assert steps == sorted(steps) and steps[-1] == demo["calls"][-1][1]
    assert demo["calls"][-1][2] == "Đã lập xong báo cáo"


def test_the_file_parts_are_those_word_writes(demo):
    with zipfile.ZipFile(demo["path"]) as archive:
        names = set(archive.namelist())
        assert archive.testzip() is None
        for name in names:
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))  # well-formed
    assert {"word/document.xml", "word/styles.xml", "word/settings.xml", "word/footnotes.xml",
            "word/header1.xml", "word/header2.xml", "docProps/core.xml"} <= names
    assert "docProps/thumbnail.jpeg" not in names  # python-docx's picture of an empty page
    assert demo["doc"].core_properties.title == "Báo cáo KT-XH tháng 5/2024"


@needs_writer
def test_libreoffice_converts_it_without_complaint_as_the_pdf_lays_it_out(demo):
    converted = PdfReader(convert(demo["path"], "pdf", demo["folder"] / "lo", module="--writer"))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in converted.pages]
    assert sizes[0] == (595, 842) and sizes[-1] == (842, 595)
    first_annex = sizes.index((842, 595))
    assert all(s == (595, 842) for s in sizes[:first_annex]) and all(s == (842, 595) for s in sizes[first_annex:])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in converted.pages[0].extract_text()
    # footnote 1 at the foot of page 1, in the footnotes' 10 pt
    assert "Kế hoạch số 548/KH-UBND ngày 29/02/2024" in sized_text(converted.pages[0], L.NOTE_SIZE)
    assert top_text(converted.pages[0]) == "" and top_text(converted.pages[1]) == "2"
    assert top_text(converted.pages[first_annex]) == str(first_annex + 1)
    assert "Phụ lục" in converted.pages[first_annex].extract_text()
    # the body's left edge and the top of its text where reportlab's PDF has them
    assert left_edge(converted.pages[1]) == pytest.approx(left_edge(demo["pdf"].pages[1]), abs=1.5)
    assert left_edge(converted.pages[1]) == pytest.approx(L.MARGIN_LEFT, abs=1.5)


def top_text(page) -> str:
    """What is set above the body's top margin (where the page number goes)."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.strip() and tm[5] * cm[3] + cm[5] > height - L.MARGIN_TOP:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(found)


def sized_text(page, size: float) -> str:
    found = []

    def visit(text, _cm, _tm, _font, font_size):
        if text.strip() and round(font_size, 1) == size:
            found.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(found)


def left_edge(page) -> float:
    xs = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            xs.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    return min(xs)


def test_cli_writes_the_format_its_file_name_asks_for(tmp_path, capsys):
    db = tmp_path / "db.sqlite"
    main(["--db", str(db), "init"])
    main(["--db", str(db), "demo"])
    assert main(["--db", str(db), "report", UNIT, PERIOD, "--out", str(tmp_path / "r.DOCX")]) == 0
    assert "Đã ghi báo cáo" in capsys.readouterr().out
    assert Document(str(tmp_path / "r.DOCX")).paragraphs
    assert main(["--db", str(db), "report", UNIT, PERIOD, "--out", str(tmp_path / "r.pdf")]) == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    before = file_digest(db)  # (a report that succeeds may keep the sums it computed: figure_cache)
    assert main(["--db", str(db), "report", "khong_co", PERIOD, "--out", str(tmp_path / "x.docx")]) == 2
    assert not (tmp_path / "x.docx").exists() and file_digest(db) == before


def test_write_report_docx_refuses_a_bad_name_or_unit_before_writing(store, tmp_path):
    with pytest.raises(InputError, match="đuôi .docx"):
        write_report_docx(store, UNIT, PERIOD, tmp_path / "x.doc")
    with pytest.raises(InputError):
        write_report_docx(store, "khong_co", PERIOD, tmp_path / "x.docx")
    with pytest.raises(InputError, match="Không có thư mục"):
        write_report_docx(store, UNIT, PERIOD, tmp_path / "no" / "x.docx")
    assert list(tmp_path.glob("*.doc*")) == [] and list(tmp_path.glob(".lcapp-*")) == []


def test_official_text_and_a_wards_own_header_are_written_as_typed(tmp_path):
    store = create_database(tmp_path / "ward.sqlite")
    set_document_profile(store, "p_tan_phong_2025", {"signer_name": unicodedata.normalize("NFD", "Lò Văn Thắng")},
                         date(2025, 8, 14))
    set_narrative(store, "p_tan_phong_2025", "202508", "quoc_phong_an_ninh",
                  "Tỷ lệ < 5% & ổn định^[Chú thích <b> & ý]", user="t")
    path = write_report_docx(store, "p_tan_phong_2025", "202508", tmp_path / "p.docx")
    doc = Document(str(path))
    header = doc.tables[0]
    assert "PHƯỜNG TÂN PHONG" in header.rows[0].cells[0].text
    assert re.fullmatch(r"Tân Phong, ngày\s+tháng\s+năm 2025", header.rows[1].cells[1].text)
    assert "Lò Văn Thắng" in doc.tables[1].rows[0].cells[1].text
    assert any(p.text == "Tỷ lệ < 5% & ổn định" for p in doc.paragraphs)
    # the body ends with the drafted closing sentence, which names the ward's committee
    assert any(p.text.startswith("Trên đây là báo cáo") and p.text.endswith("của Ủy ban nhân dân phường Tân Phong./.")
               for p in doc.paragraphs)
    notes = part(path, "word/footnotes.xml")
    assert "".join(t.text for t in notes.iter(f"{W}t")).strip() == "Chú thích <b> & ý"
    assert unicodedata.is_normalized("NFC", header.rows[0].cells[0].text)
    store.close()


def test_a_report_without_footnotes_has_no_footnotes_part(tmp_path):
    store = create_database(tmp_path / "plain.sqlite")
    set_narrative(store, UNIT, PERIOD, "quoc_phong_an_ninh", "Ổn định.", user="t")
    path = write_report_docx(store, UNIT, PERIOD, tmp_path / "plain.docx")
    with zipfile.ZipFile(path) as archive:
        assert "word/footnotes.xml" not in archive.namelist()
    assert Document(str(path)).paragraphs[-1] is not None
    store.close()

