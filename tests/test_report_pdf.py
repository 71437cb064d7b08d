import io
import re
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from lcapp.cli import main
from lcapp.export.pdf_fonts import STYLES, find_family
from lcapp.export.report_layout import MARGIN_TOP
from lcapp.export.report_pdf import report_pdf_bytes, write_report_pdf
from lcapp.models.demo import load_demo
from lcapp.models.documents import set_document_profile
from lcapp.models.drafting import FOOTNOTE, report_outline
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.narrative import set_narrative
from lcapp.models.setup import create_database
from tests.conftest import file_digest

UNIT, PERIOD = "tp_lai_chau", "202405"
BASE_14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
           "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
           "Times-BoldItalic", "Symbol", "ZapfDingbats"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    store = create_database(folder / "demo.sqlite")
    load_demo(store)
    calls = []
    path = write_report_pdf(store, UNIT, PERIOD, folder / "bao-cao.pdf",
                            progress_callback=lambda step, total, message: calls.append((step, total, message)))
    yield store, PdfReader(path), calls
    store.close()


def flat(text: str) -> str:
    return " ".join(text.split())


def compact(text: str) -> str:
    return "".join(text.split())


def top_margin_text(page) -> str:
    """Text drawn above the body frame (where the page number goes)."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, _font, _size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and y > height - MARGIN_TOP:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(found)


def test_header_lines_come_from_the_settings(demo):
    _store, pdf, _calls = demo
    first = pdf.pages[0].extract_text()
    for line in ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ LAI CHÂU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO"):
        assert line in first.splitlines() or line in flat(first)
    assert re.search(r"Số:\s+/BC-UBND", first)
    fonts = header_fonts(pdf.pages[0])
    assert fonts["ỦY BAN NHÂN DÂN"].endswith("-Bold") and fonts["THÀNH PHỐ LAI CHÂU"].endswith("-Bold")
    assert fonts["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].endswith("-Bold")
    assert fonts["BÁO CÁO"].endswith("-Bold")
    assert re.search(r"Thành phố Lai Châu, ngày\s+tháng\s+năm 2024", first)
    assert ("Tình hình thực hiện Nghị quyết 01/NQ-CP; tình hình thực hiện Kế hoạch phát triển kinh tế - xã hội "
            "tháng 5; nhiệm vụ trọng tâm tháng 6 năm 2024") in flat(first)


def test_drafted_sentences_with_vietnamese_numbers_and_letters(demo):
    _store, pdf, _calls = demo
    text = flat(" ".join(page.extract_text() for page in pdf.pages))
    assert ("Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng trong tháng ước đạt 339 tỷ đồng, "
            "lũy kế 5 tháng ước đạt 1.931 tỷ đồng, đạt 43%") in text
    assert "Tổng thu ngân sách địa phương lũy kế 5 tháng ước đạt 265.772 triệu đồng, đạt 40,7%" in text
    assert "I. VỀ TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT 01/NQ-CP NĂM 2024 CỦA CHÍNH PHỦ" in text
    assert "II. VỀ TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 5/2024" in text
    for letter in ("ố", "ỷ", "đ", "ạ", "ệ", "ử", "Ủ"):
        assert letter in text
    assert unicodedata.is_normalized("NFC", text)


def test_the_report_closes_before_noi_nhan_and_the_annex_leaves_room_for_number_and_date(demo):
    _store, pdf, _calls = demo
    text = flat(" ".join(page.extract_text() for page in pdf.pages))
    closing = text.index("Trên đây là báo cáo tình hình thực hiện Nghị quyết 01/NQ-CP")
    assert text.index("IV. MỘT SỐ NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM THÁNG 6/2024") < closing < text.index("Nơi nhận:")
    assert "của Ủy ban nhân dân thành phố Lai Châu./." in text
    assert ("(Kèm theo Báo cáo số ........./BC-UBND ngày ....... tháng ....... năm 2024 của Ủy ban nhân dân "
            "thành phố Lai Châu)") in text


def test_every_column_of_biểu_01_has_its_header_in_january_too(store):
    enter(store, UNIT, "202401", "tm_ban_le", 400, user="t", status="estimate")
    annex = flat(PdfReader(io.BytesIO(report_pdf_bytes(store, UNIT, "202401"))).pages[-1].extract_text())
    for head in ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", "Thực hiện tháng 1/2024", "Lũy kế từ đầu năm",
                 "% so kế hoạch", "Cùng kỳ năm trước", "% so cùng kỳ", "Ghi chú"):
        assert head in annex, head


def test_footnotes_are_numbered_through_the_report_on_the_page_of_their_marker(demo):
    store, pdf, _calls = demo
    expected = sum(len(FOOTNOTE.findall(item.text)) for item in report_outline(store, UNIT, PERIOD))
    numbers, pages_of = [], {}
    for index, page in enumerate(pdf.pages):
        for line in page.extract_text().splitlines():
            if line.startswith(f"{len(numbers) + 1} "):
                numbers.append(len(numbers) + 1)
                pages_of[numbers[-1]] = index
    assert expected > 20 and numbers == list(range(1, expected + 1))
    page_text = next(p.extract_text() for p in pdf.pages if "Tỷ lệ phần trăm đã loại trừ" in p.extract_text())
    number = re.search(r"(\d+) Tỷ lệ phần trăm đã loại trừ phần thu chuyển nguồn năm trước sang "
                       r"\(71\.283 triệu đồng\)", page_text).group(1)
    assert f"thànhphốgiao{number}" in compact(page_text)
    assert "1 Kế hoạch số 548/KH-UBND ngày 29/02/2024" in pdf.pages[0].extract_text()


def test_page_numbers_from_page_two_in_the_top_margin(demo):
    _store, pdf, _calls = demo
    assert top_margin_text(pdf.pages[0]) == ""
    for number, page in enumerate(pdf.pages[1:], start=2):
        assert top_margin_text(page) == str(number)


def test_a4_portrait_body_and_landscape_annex(demo):
    _store, pdf, _calls = demo
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages]
    assert sizes[0] == (595, 842)
    assert sizes[-1] == (842, 595)
    first_annex = sizes.index((842, 595))
    assert all(s == (595, 842) for s in sizes[:first_annex]) and all(s == (842, 595) for s in sizes[first_annex:])
    annex = flat(pdf.pages[first_annex].extract_text())
    assert "Phụ lục" in annex
    assert "Biểu 01. KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU THÁNG 5/2024" in annex
    signature = flat(pdf.pages[first_annex - 1].extract_text())
    assert re.search(r"\./\. Nơi nhận:", signature)  # the body's last paragraph closes with "./."
    for words in ("Nơi nhận:", "- Lưu: VT, VP.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Nghiệp"):
        assert words in signature


def test_every_font_is_embedded_truetype_and_none_is_base_14(demo):
    _store, pdf, _calls = demo
    fonts = {}
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert len(fonts) >= 3
    for name, font in fonts.items():
        assert name.split("+")[-1].lstrip("/") not in BASE_14
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_progress_is_reported_to_the_end(demo):
    _store, _pdf, calls = demo
    steps = [step for step, _total, _message in calls]
    assert steps == sorted(steps) and steps[-1] == calls[-1][1]
    assert calls[-1][2] == "Đã lập xong báo cáo"


def test_a_ward_after_july_2025_gets_its_own_header(tmp_path):
    store = create_database(tmp_path / "ward.sqlite")
    set_document_profile(store, "p_tan_phong_2025", {"signer_name": unicodedata.normalize("NFD", "Lò Văn Thắng")},
                         date(2025, 8, 14))
    path = write_report_pdf(store, "p_tan_phong_2025", "202508", tmp_path / "p.pdf")
    pages = [page.extract_text() for page in PdfReader(path).pages]
    text = pages[0]
    assert "PHƯỜNG TÂN PHONG" in text and re.search(r"Tân Phong, ngày\s+tháng\s+năm 2025", text)
    assert "Lò Văn Thắng" in pages[-1] and unicodedata.is_normalized("NFC", " ".join(pages))
    assert "của Ủy ban nhân dân phường Tân Phong" in flat(pages[-1])
    whole = " ".join(pages)
    assert "THÀNH PHỐ" not in whole.upper() and "Kế hoạch và Đầu tư" not in whole and "Sở Tài chính" in whole
    store.close()


def header_fonts(page) -> dict[str, str]:
    fonts = {}

    def visit(text, _cm, _tm, font, _size):
        if text.strip() and font:
            fonts[text.strip()] = font["/BaseFont"]

    page.extract_text(visitor_text=visit)
    return fonts


def test_a_department_has_its_parent_body_in_regular_type_above_its_bold_name(store, tmp_path):
    fonts = header_fonts(PdfReader(write_report_pdf(store, "tp_tckh", PERIOD, tmp_path / "d.pdf")).pages[0])
    assert not fonts["UBND THÀNH PHỐ LAI CHÂU"].endswith("-Bold")
    assert fonts["PHÒNG TÀI CHÍNH - KẾ HOẠCH"].endswith("-Bold")


def test_bad_requests_write_nothing(tmp_path, capsys):
    db = tmp_path / "db.sqlite"
    assert main(["--db", str(db), "init"]) == 0
    before = file_digest(db)
    assert main(["--db", str(db), "report", "khong_co", PERIOD, "--out", str(tmp_path / "a.pdf")]) == 2
    assert main(["--db", str(db), "report", UNIT, "2024-13", "--out", str(tmp_path / "a.pdf")]) == 2
    assert main(["--db", str(db), "report", UNIT, PERIOD, "--out", str(tmp_path / "a.odt")]) == 2
    assert main(["--db", str(db), "report", UNIT, PERIOD, "--out", str(tmp_path / "no" / "a.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("lỗi: ") == 4 and "đuôi .pdf hoặc .docx" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".odt")) == []
    assert file_digest(db) == before


def test_cli_report_and_draft(tmp_path, capsys):
    db = tmp_path / "db.sqlite"
    main(["--db", str(db), "init"])
    main(["--db", str(db), "demo"])
    capsys.readouterr()
    assert main(["--db", str(db), "draft", UNIT, PERIOD]) == 0
    out = capsys.readouterr().out
    assert "II. VỀ TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 5/2024" in out and "ước đạt 1.931 tỷ đồng" in out
    assert main(["--db", str(db), "report", UNIT, PERIOD, "--out", str(tmp_path / "r.pdf")]) == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_write_report_pdf_refuses_a_bad_unit_before_writing(store, tmp_path):
    with pytest.raises(InputError):
        write_report_pdf(store, "khong_co", PERIOD, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
              "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴ‰–")


def test_the_bundled_font_has_every_vietnamese_letter_in_four_styles():
    from reportlab.pdfbase.ttfonts import TTFontFile

    family = find_family(prefer_times=False)
    assert family.label == "Liberation Serif"
    assert (family.files["regular"].parent / "LICENSE-LiberationSerif.txt").is_file()
    for style in STYLES:
        cmap = TTFontFile(str(family.files[style])).charToGlyph
        assert [ch for ch in VIETNAMESE if ord(ch) not in cmap] == []


def test_times_new_roman_is_preferred_when_windows_has_it(tmp_path, monkeypatch):
    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    for name in ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"):
        (fonts / name).write_bytes(b"")
    monkeypatch.setattr("lcapp.export.pdf_fonts.sys.platform", "win32")
    monkeypatch.setenv("WINDIR", str(tmp_path))
    family = find_family()
    assert family.label == "Times New Roman" and family.files["bold"] == fonts / "timesbd.ttf"
    (fonts / "timesbi.ttf").unlink()  # one style missing: the bundled family, never a mix
    assert find_family().label == "Liberation Serif"


def test_official_text_is_printed_as_typed_with_markup_characters_escaped(store, tmp_path):
    set_narrative(store, UNIT, PERIOD, "quoc_phong_an_ninh", "Tỷ lệ < 5% & ổn định^[Chú thích <b>]", user="t")
    reader = PdfReader(write_report_pdf(store, UNIT, PERIOD, tmp_path / "q.pdf"))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert "4. Quốc phòng - An ninh; công tác đối ngoại" in text
    assert "Tỷ lệ < 5% & ổn định1" in text and "1 Chú thích <b>" in text


def test_a_departments_report_names_no_resolution_01_it_does_not_report_on(store, tmp_path):
    enter(store, "tp_kthtdt", "202503", "dt_giay_phep_xd", 12, user="t", status="official")
    pages = [page.extract_text() for page in PdfReader(write_report_pdf(store, "tp_kthtdt", "202503",
                                                                        tmp_path / "d.pdf")).pages]
    assert "Nghị quyết 01/NQ-CP" not in flat(" ".join(pages))
    assert "Trên đây là báo cáo tình hình thực hiện Kế hoạch phát triển kinh tế - xã hội tháng 3" in flat(
        " ".join(pages))
