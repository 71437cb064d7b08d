"""Text from anyone is never a formula (issue 16): hostile texts through every way in and every export.

Each hostile text is typed as a figure's comment (and in a narrative), carried in a handover
package, a CSV file and an entry template; every export is read back: the workbook's XML
holds it as a string, never a formula, and it reads back exactly as the core kept it
(the core trims surrounding blanks and refuses control characters and over-long text).
"""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from office import needs_office, recalculated
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paraparser import ParaParser

from lcapp.export.annex_xlsx import annex_workbook, write_annex_workbook
from lcapp.intake.incoming import open_incoming
from lcapp.export.interchange import export_csv, export_lcapp_json
from lcapp.export.report_content import body_blocks, paragraphs
from lcapp.export.report_pdf import markup, report_pdf_bytes
from lcapp.export.spreadsheet_text import set_cell
from lcapp.export.templates_xlsx import entry_template, targets_template
from lcapp.intake.entry_template import read_entry_template
from lcapp.intake.incoming import import_file
from lcapp.models.file_formats import FORMULA_TRIGGERS, csv_field_in, csv_field_out
from lcapp.models.sheet_preview import apply_preview
from lcapp.models.catalogue import catalogue, load_catalogue
from lcapp.models.documents import set_document_profile
from lcapp.models.drafting import OutlineItem
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.handover import export_package
from lcapp.models.narrative import set_narrative
from lcapp.models.setup import create_database
from lcapp.models.store import set_settings
from lcapp.intake.targets_sheet import read_targets_sheet
from tests.conftest import MINI_CATALOGUE, table_rows

WARD, MONTH = "p_tan_phong", "202405"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# (what is typed, what the core keeps)
HOSTILE = [
    ('=HYPERLINK("http://x.example","bam")', None),
    ("=cmd|' /C calc'!A0", None),  # DDE
    ('=DDE("cmd";"/C calc";"!A0")', None),
    ("-2+3+cmd|' /C calc'!A0", None),
    ("@SUM(1+9)*cmd|' /C calc'!A0", None),
    ("@SUM(1)", None),
    ("+1+1", None),
    ("-1+1", None),
    ('=1+2";=1+2', None),  # OWASP's two examples
    ("=1+2'\" ;,=1+2", None),
    ("\t=1+1", "=1+1"),  # a leading tab (the core trims surrounding blanks)
    ("\r\n+1+1", "+1+1"),
    ("Số ước\n=1+1", None),  # a formula at the start of a second line
    ("Ghi chú\r\n-1+1", "Ghi chú\n-1+1"),  # Windows line breaks become "\n"
    ("'=1+1", None),  # starts with the CSV escape character itself
    ("'bình thường", None),
    ("\u202e=1+1 \u200f", None),  # right-to-left override and mark
    ("\u200f-1+1", None),
    ("-5", None),  # a text that looks like a number stays text
    ("=", None),
]
KEPT = [kept if kept is not None else typed for typed, kept in HOSTILE]
REFUSED = [
    ("x" * 1_048_576, "quá dài"),  # 1 MB
    ("a\x00b", "ký tự điều khiển"),
    ("a\x07b", "ký tự điều khiển"),
    ("=1\x1b+1", "ký tự điều khiển"),
    ("a\x85b", "ký tự điều khiển"),
    ("a\ufffeb", "ký tự không hợp lệ"),
]


def codes(store) -> list[str]:
    """One enterable indicator per hostile text."""
    found = [i.code for i in catalogue(store).indicators.values() if not i.derived]
    return found[:len(HOSTILE)]


def type_comments(store, texts=None) -> None:
    for number, (code, text) in enumerate(zip(codes(store), texts or [t for t, _ in HOSTILE]), start=1):
        enter(store, WARD, MONTH, code, number, comment=text, status="official")


def comments(store) -> list[str]:
    by_code = {r["indicator"]: r["comment"] for r in store.query(
        "SELECT indicator, comment FROM figures WHERE unit = ? AND month = ?", (WARD, int(MONTH)))}
    return [by_code.get(code) for code in codes(store)]


@pytest.fixture
def typed(store):
    type_comments(store)
    return store


def xml_cells(path: Path) -> dict[tuple[int, str], tuple[str | None, bool]]:
    """(sheet number, cell) -> (the cell's type attribute, whether it holds a formula), from the file's XML."""
    found = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            match = re.fullmatch(r"xl/worksheets/sheet([0-9]+)\.xml", name)
            if match:
                for cell in ET.fromstring(archive.read(name)).iter(f"{MAIN}c"):
                    found[int(match.group(1)), cell.get("r")] = (cell.get("t"), cell.find(f"{MAIN}f") is not None)
    return found


def assert_texts_are_strings(path: Path, texts: list[str]) -> openpyxl.Workbook:
    """Each text is in some cell of the saved workbook, and every cell holding it is a string in the XML."""
    workbook = openpyxl.load_workbook(path)
    xml = xml_cells(path)
    for text in texts:
        holding = [(number, cell) for number, ws in enumerate(workbook.worksheets, start=1)
                   for row in ws.iter_rows() for cell in row if cell.value == text]
        assert holding, f"{text!r} is not in {path.name}"
        for number, cell in holding:
            assert cell.data_type == "s" and xml[number, cell.coordinate] == ("inlineStr", False), (text, cell)
    return workbook


def formulas(workbook) -> set[tuple[str, str, str]]:
    return {(ws.title, c.coordinate, c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"}


# -- the ways in ---------------------------------------------------------------------------------
def test_typed_comments_and_narratives_are_kept_as_typed(typed):
    assert comments(typed) == KEPT
    for number, (text, _kept) in enumerate(HOSTILE):
        set_narrative(typed, WARD, MONTH, "nhiem_vu", f"Dòng {number}\n{text}")
        assert typed.query("SELECT text FROM narratives")[0]["text"].endswith(KEPT[number])


@pytest.mark.parametrize("text, message", REFUSED, ids=["1 MB", "NUL", "BEL", "ESC", "NEL", "U+FFFE"])
def test_what_the_core_refuses_is_refused_with_its_reason_and_nothing_is_written(store, tmp_path, text, message):
    before = table_rows(store)
    code = codes(store)[0]
    with pytest.raises(InputError, match=message):
        enter(store, WARD, MONTH, code, 1, comment=text)
    with pytest.raises(InputError, match=message if message != "quá dài" else "Nội dung quá dài"):
        set_narrative(store, WARD, MONTH, "nhiem_vu", text)
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["indicator", "unit", "period", "value", "comment"],
                                      [code, WARD, MONTH, "1", text]])
    with pytest.raises(InputError, match=message):
        import_file(store, path)
    assert table_rows(store) == before


def test_a_handover_package_carries_them_unchanged(tmp_path):
    ward = create_database(tmp_path / "ward.sqlite")
    with ward.write() as conn:
        set_settings(conn, {"reporting_unit": WARD})
    type_comments(ward)
    set_narrative(ward, WARD, MONTH, "nhiem_vu", "\n".join(t for t, _ in HOSTILE))
    package = export_package(ward, WARD, [MONTH], tmp_path / "goi.lcgoi").path
    city = create_database(tmp_path / "city.sqlite")
    open_incoming(city, package).apply(city, accept_sender=True)
    assert comments(city) == KEPT
    assert city.query("SELECT text FROM narratives")[0]["text"] == ward.query("SELECT text FROM narratives")[0]["text"]
    ward.close()
    city.close()


def test_a_hand_made_csv_brings_them_as_text(store, tmp_path):
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:  # as another program writes it: nothing escaped
        writer = csv.writer(handle)
        writer.writerow(["indicator", "unit", "period", "value", "comment", "basis", "status"])
        for number, (code, (text, _kept)) in enumerate(zip(codes(store), HOSTILE), start=1):
            writer.writerow([code, WARD, MONTH, str(number), text, "", "official"])
    import_file(store, path)
    # a field written "'=1+1" reads as the text "=1+1": that quote is the escape CSV exports add
    assert comments(store) == [csv_field_in(kept) for kept in KEPT]
    assert comments(store)[KEPT.index("'=1+1")] == "=1+1" and "'bình thường" in comments(store)


def test_an_entry_template_brings_them_as_text(store, tmp_path):
    enter(store, WARD, MONTH, codes(store)[0], 1)
    workbook = entry_template(store, WARD, MONTH)
    wanted = dict(zip(codes(store), (t for t, _ in HOSTILE)))
    for ws in workbook.worksheets[:-1]:
        head = {ws.cell(row=4, column=c).value: c for c in range(1, ws.max_column + 1)}
        for r in range(5, ws.max_row + 1):
            code = ws.cell(row=r, column=head["Mã"]).value
            if code in wanted:
                set_cell(ws.cell(row=r, column=head["Ghi chú"]), wanted.pop(code))
    assert not wanted
    workbook.save(tmp_path / "mau.xlsx")
    preview = read_entry_template(store, tmp_path / "mau.xlsx")
    assert preview.errors == []
    apply_preview(store, preview)
    assert comments(store) == KEPT


# -- formulas in what comes back ---------------------------------------------------------------------
def _template_with_formulas(store, tmp_path) -> tuple[Path, list[str]]:
    workbook = entry_template(store, WARD, MONTH)
    ws = workbook.worksheets[0]
    head = {ws.cell(row=4, column=c).value: c for c in range(1, ws.max_column + 1)}
    comment, value = ws.cell(row=5, column=head["Ghi chú"]), ws.cell(row=6, column=head["Số liệu"])
    comment.value = '=HYPERLINK("http://x.example","bam")'
    value.value = "=100+20"
    assert comment.data_type == value.data_type == "f"
    path = tmp_path / "mau.xlsx"
    workbook.save(path)
    return path, [f"{ws.title}!{comment.coordinate}", f"{ws.title}!{value.coordinate}"]


def test_an_entry_template_with_formulas_is_refused_naming_each_cell(store, tmp_path):
    path, where = _template_with_formulas(store, tmp_path)
    before = table_rows(store)
    preview = read_entry_template(store, path)
    assert [e.split(":")[0] for e in preview.errors] == where
    assert "ô chứa công thức “=HYPERLINK(" in preview.errors[0] and "“=100+20”" in preview.errors[1]
    with pytest.raises(InputError, match="2 ô sai"):
        apply_preview(store, preview)
    assert table_rows(store) == before


def test_a_targets_sheet_with_a_formula_is_refused_naming_the_cell(store, tmp_path):
    workbook = targets_template(store, WARD, "2024")
    ws = workbook.worksheets[0]
    ws.cell(row=5, column=4).value = "=4000+490"
    workbook.save(tmp_path / "kh.xlsx")
    before = table_rows(store)
    with pytest.raises(InputError, match=f"{re.escape(ws.title)}!D5: ô chứa công thức “=4000\\+490”"):
        read_targets_sheet(store, tmp_path / "kh.xlsx")
    # a sheet made by hand (codes or names), read by the same reader for the window's targets dialog
    sheet = openpyxl.Workbook()
    sheet.active.append(["Mã", "KH tỉnh"])
    sheet.active.append(["tm_ban_le", "=4000+490"])
    sheet.save(tmp_path / "tay.xlsx")
    with pytest.raises(InputError, match="B2: ô chứa công thức “=4000\\+490”"):
        read_targets_sheet(store, tmp_path / "tay.xlsx", unit=WARD, period="2024")
    assert table_rows(store) == before


def test_our_templates_hold_no_formula(typed):
    """So there is no formula of ours an import would have to let through."""
    for workbook in (entry_template(typed, WARD, MONTH), targets_template(typed, WARD, "2024")):
        assert formulas(workbook) == set()


# -- every export read back ----------------------------------------------------------------------------
def test_the_annex_holds_them_as_strings_and_only_our_own_formulas(typed, tmp_path):
    # the issuing body and the signer come from the unit's document profile (typed by an office)
    set_document_profile(typed, WARD, {"issuing_body": "=cmd|' /C notepad'!A0", "signer_name": "@SUM(2)"},
                         date(2024, 5, 14))
    with typed.write() as conn:
        conn.execute("UPDATE units SET name = ? WHERE code = ?", ("+Phường Tân Phong", WARD))
    path = write_annex_workbook(typed, WARD, MONTH, tmp_path / "bieu.xlsx")
    workbook = assert_texts_are_strings(path, KEPT + ["=cmd|' /C notepad'!A0", "@SUM(2)"])
    assert any("+Phường Tân Phong" in str(c.value) for row in workbook["Biểu 01"].iter_rows() for c in row)
    # Biểu 05 of the city: a row per unit, the unit's name as typed, a string
    city = assert_texts_are_strings(write_annex_workbook(typed, "tp_lai_chau", MONTH, tmp_path / "city.xlsx"),
                                    ["+Phường Tân Phong"])
    assert any(c.value == "+Phường Tân Phong" for row in city["Biểu 05"].iter_rows() for c in row)
    # the same figures with harmless comments give exactly the same formulas, cell for cell
    type_comments(typed, [f"ghi chú {n}" for n in range(len(HOSTILE))])
    benign = write_annex_workbook(typed, WARD, MONTH, tmp_path / "benign.xlsx")
    ours = formulas(workbook)
    assert ours and ours == formulas(openpyxl.load_workbook(benign))
    assert all(value.startswith(("=IFERROR(", "=IF(")) for _sheet, _cell, value in ours)


@needs_office
def test_libreoffice_recalculates_the_annex_and_no_text_changes(typed, tmp_path):
    path = tmp_path / "bieu.xlsx"
    annex_workbook(typed, WARD, MONTH).save(path)
    ours = openpyxl.load_workbook(path)
    again = recalculated(path, tmp_path / "lo")
    texts = 0
    for ws in ours.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "s" and cell.value:
                    texts += 1
                    assert again[ws.title][cell.coordinate].value == cell.value, (ws.title, cell.coordinate)
    assert texts > len(KEPT)
    got = {c.value for ws in again.worksheets for row in ws.iter_rows() for c in row}
    assert set(KEPT) <= got


def test_the_entry_template_prefills_them_as_strings(typed, tmp_path):
    path = tmp_path / "mau.xlsx"
    entry_template(typed, WARD, MONTH).save(path)
    assert_texts_are_strings(path, KEPT)


def test_the_csv_neutralises_them_and_reads_them_back_unchanged(typed, tmp_path):
    text = export_csv(typed)
    assert text.startswith('"indicator","unit","period","value"')
    for kept in KEPT:
        field = csv_field_out(kept)
        assert not field.startswith(FORMULA_TRIGGERS)
        assert '"' + field.replace('"', '""') + '"' in text
    assert csv_field_out("'=1+1") == "''=1+1" and csv_field_out("=1+1") == "'=1+1"
    path = tmp_path / "so-lieu.csv"
    path.write_text(text, encoding="utf-8")
    other = create_database(tmp_path / "other.sqlite")
    import_file(other, path)
    assert comments(other) == KEPT
    other.close()


def test_the_dhis2_file_carries_them_unchanged(typed):
    by_element = {v["dataElement"]: v["comment"] for v in json.loads(export_lcapp_json(typed))["dataValues"]}
    assert [by_element[code] for code in codes(typed)] == KEPT


def _visible(text: str) -> str:
    """What a PDF's text layer can show: no format marks (RLM, RLO), blanks collapsed."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


def test_the_pdf_prints_them_as_text(typed):
    set_narrative(typed, WARD, MONTH, "nhiem_vu", "\n".join(t for t, _ in HOSTILE))
    pdf = PdfReader(io.BytesIO(report_pdf_bytes(typed, WARD, MONTH)))
    printed = _visible(" ".join(page.extract_text() for page in pdf.pages))
    for kept in KEPT:
        assert _visible(kept) in printed, kept


def test_the_word_report_holds_them_as_text(typed, tmp_path):
    """Word keeps every hostile text as the runs of a paragraph or a footnote: no field, no formula."""
    import zipfile

    import docx

    from lcapp.export.report_docx import write_report_docx

    set_narrative(typed, WARD, MONTH, "nhiem_vu", "\n".join(t for t, _ in HOSTILE))
    path = write_report_docx(typed, WARD, MONTH, tmp_path / "bao-cao.docx")
    document = docx.Document(str(path))
    body = "\n".join(p.text for p in document.paragraphs)
    footnotes = zipfile.ZipFile(path).read("word/footnotes.xml").decode("utf-8")
    for kept in KEPT:
        assert _visible(kept) in _visible(body) or escape(kept) in footnotes, kept
    # the only field in the whole file is our page number: typed text never became a field
    archive = zipfile.ZipFile(path)
    parts = [archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")]
    instructions = [i for xml in parts for i in re.findall(r'w:instr="([^"]*)"', xml)
                    + re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)]
    assert instructions and all(i.split()[0] == "PAGE" for i in instructions), instructions


# -- any text at all -------------------------------------------------------------------------------------
@given(st.text())
def test_a_csv_field_always_comes_back_as_it_went(text):
    field = csv_field_out(text)
    assert csv_field_in(field) == text and not field.startswith(FORMULA_TRIGGERS)


def comments_of(store) -> str:
    return store.query("SELECT comment FROM figures WHERE unit = ? AND indicator = 'ban_le'", (WARD,))[0]["comment"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from lcapp.models.documents import load_documents, read_documents_file
    from lcapp.models.organisation import load_organisation, read_organisation_file
    from lcapp.models.store import Store
    from lcapp.paths import resource
    store = Store(tmp_path_factory.mktemp("any") / "mini.sqlite", create=True)
    load_catalogue(store, MINI_CATALOGUE)
    data = read_organisation_file(resource("organisation.toml"))
    for unit in data["unit"]:
        unit["sectors"] = []
    load_organisation(store, data, {row["code"] for row in MINI_CATALOGUE["sector"]})
    load_documents(store, read_documents_file(resource("documents.toml")))
    yield store
    store.close()


@settings(max_examples=60, deadline=None)
@given(st.builds(str.__add__, st.sampled_from(["", "=", "+", "-", "@", "'", "'="]), st.text(min_size=1, max_size=300)))
def test_any_comment_is_a_string_in_the_annex_and_survives_the_csv(small, text):
    try:
        enter(small, WARD, MONTH, "ban_le", 5, comment=text, status="official")
    except InputError:
        assume(False)
    kept = comments_of(small)
    assume(kept)
    buffer = io.BytesIO()
    annex_workbook(small, WARD, MONTH).save(buffer)
    cells = [c for ws in openpyxl.load_workbook(buffer).worksheets for row in ws.iter_rows() for c in row
             if c.value == kept]
    assert cells and all(c.data_type == "s" for c in cells)
    rows = list(csv.reader(io.StringIO(export_csv(small))))
    assert [csv_field_in(r[4]) for r in rows[1:]] == [kept]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300).filter(lambda t: "^[" not in t))
def test_any_narrative_line_prints_as_the_text_itself(text):
    """The markup a narrative becomes reads back, through reportlab's own parser, as the same text."""
    style = ParagraphStyle("body")
    item = OutlineItem("text", 2, "", text=text, origin="edited")
    lines = [unicodedata.normalize("NFC", line).strip() for line in paragraphs(item)]
    blocks, _footnotes = body_blocks([item])
    assert len(blocks) == len(lines)
    for number, (block, line) in enumerate(zip(blocks, lines), start=1):
        fragments = ParaParser().parse(markup(block), style)[1]
        printed = "".join(f.text for f in fragments)
        assert printed == block.text
        # the report's last paragraph is closed with its full stop (or "./."), the others are as typed
        assert printed == line if number < len(lines) else printed.startswith(line.rstrip("."))


def test_the_longest_comments_of_a_quarter_print_in_full(store):
    """Three months of the longest comment on one figure: the annex row runs onto the next page."""
    from lcapp.models.limits import MAX_COMMENT_CHARS
    code = codes(store)[0]
    for month in ("202404", "202405", "202406"):
        note = (f"Tháng {month[-1]}: " + "số liệu ước tính theo báo cáo nhanh của các tổ dân phố " * 30)
        enter(store, WARD, month, code, 1, comment=note[:MAX_COMMENT_CHARS], status="official")
    pdf = PdfReader(io.BytesIO(report_pdf_bytes(store, WARD, "2024Q2")))
    printed = _visible(" ".join(page.extract_text() for page in pdf.pages))
    assert all(f"Tháng {m}: số liệu ước tính" in printed for m in "456")


def test_text_older_than_the_checks_still_makes_a_workbook_excel_opens():
    """Characters XML cannot carry become U+FFFD; text over Excel's cell limit is cut with "…"."""
    from lcapp.export.spreadsheet_text import EXCEL_MAX_CHARS
    ws = openpyxl.Workbook().active
    assert set_cell(ws["A1"], "a\x07b\ufffe").value == "a\ufffdb\ufffd"
    long = set_cell(ws["A2"], "=" + "x" * 40_000)
    assert len(long.value) == EXCEL_MAX_CHARS and long.value.endswith("…") and long.data_type == "s"
    assert long.quotePrefix and not set_cell(ws["A3"], "bình thường").quotePrefix
