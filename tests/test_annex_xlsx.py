import subprocess
from datetime import date

import openpyxl
import pytest
from office import needs_office, recalculated

from lcapp.cli import main
from lcapp.export.annex_xlsx import annex_workbook, write_annex_workbook
from lcapp.export.tables import table_01, table_02, table_03, table_04
from lcapp.models.demo import load_demo
from lcapp.models.documents import set_document_profile
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.organisation import organisation
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.store import set_settings
from lcapp.models.targets import set_target

CHILDREN = ["p_doan_ket", "p_quyet_thang", "p_tan_phong", "p_dong_phong", "p_quyet_tien", "x_san_thang",
            "x_sung_phai"]


def header(ws):
    """(first data row, {label: column}) of an annex sheet; group labels map to their first column."""
    top = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "STT")
    labels = {}
    for r in (top, top + 1):
        for c in range(1, ws.max_column + 1):
            value = ws.cell(row=r, column=c).value
            if value and value not in labels:
                labels[value] = c
    two = any(top + 1 == rng.min_row for rng in ws.merged_cells.ranges if rng.min_row == rng.max_row) or \
        ws.cell(row=top + 1, column=1).value is None
    return (top + 2 if two else top + 1), labels


@pytest.fixture
def demo(store):
    load_demo(store)
    return store


@pytest.fixture
def with_children(demo):
    """Retail sales of May 2024 entered by the city's seven wards and communes (and a rate by two)."""
    for i, unit in enumerate(CHILDREN):
        enter(demo, unit, "202405", "tm_ban_le", 40 + i * 1.5)
    enter(demo, "p_doan_ket", "202405", "mt_thu_gom_rac", 97.5)
    # a total without its own figure whose parts are all filled: the annex shows their sum
    enter(demo, "tp_lai_chau", "202405", "yt_dan_so_thanh_thi", 38000)
    enter(demo, "tp_lai_chau", "202405", "yt_dan_so_nong_thon", 9766)
    return demo


def test_annex_workbook_structure_and_print_settings(with_children, tmp_path):
    set_document_profile(with_children, "tp_lai_chau", {"signer_name": "Lò Văn Thử"}, date(2024, 5, 14))
    path = write_annex_workbook(with_children, "tp_lai_chau", "202405", tmp_path / "bieu.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Biểu 01", "Biểu 02", "Biểu 03", "Biểu 04", "Biểu 05"]
    assert wb.calculation.fullCalcOnLoad is True
    ws = wb["Biểu 01"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "THÀNH PHỐ LAI CHÂU" in texts and "Biểu số 01" in texts and "Lò Văn Thử" in texts
    assert "KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU" in texts
    assert any("tháng 5/2024" in t and "Thành phố Lai Châu" in t for t in texts)
    first, cols = header(ws)
    # two-level header: "Kế hoạch năm" merged over one column per source, single columns merged down
    merged = {str(r) for r in ws.merged_cells.ranges}
    plan = cols["Kế hoạch năm"]
    assert ws.cell(row=first - 1, column=plan).value == "KH tỉnh"
    assert any(r.startswith(f"{ws.cell(row=first - 2, column=plan).coordinate}:") for r in merged)
    assert f"A{first - 2}:A{first - 1}" in merged
    # fonts, borders, wrapping
    rows = table_01(with_children, "tp_lai_chau", "202405", annual_only=True).rows
    retail_row = first + next(i for i, r in enumerate(rows) if r.indicator == "tm_ban_le")
    name = ws.cell(row=retail_row, column=2)
    assert name.font.name == "Times New Roman" and name.alignment.wrap_text and name.border.left.style == "thin"
    assert ws.row_dimensions[retail_row].height > 0
    # numbers: thousands grouping and each indicator's decimals; percents as formulas
    assert ws.cell(row=retail_row, column=cols["Lũy kế từ đầu năm"]).number_format == "#,##0"
    tea = first + next(i for i, r in enumerate(rows) if r.indicator == "nn_dt_che")
    assert ws.cell(row=tea, column=cols["Thực hiện kỳ báo cáo"]).number_format == "#,##0.00"
    percent = ws.cell(row=retail_row, column=cols["So KH tỉnh"])
    assert percent.value.startswith("=IFERROR(") and percent.number_format == "#,##0.0"
    assert ws.cell(row=retail_row, column=cols["% so cùng kỳ"]).value.startswith("=IFERROR(")
    # print: A4 landscape, one page wide, header rows repeated, frozen header, page numbers
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${first - 2}:${first - 1}"
    assert ws.freeze_panes == f"C{first}"
    assert "&P" in ws.oddFooter.center.text
    for sheet in wb.worksheets:
        assert sheet.print_title_rows and sheet.sheet_properties.pageSetUpPr.fitToPage
    # Biểu 02: children as columns, the total a SUM formula for summable indicators
    ws2 = wb["Biểu 02"]
    first2, cols2 = header(ws2)
    assert ws2.cell(row=first2 - 1, column=cols2["Thực hiện kỳ báo cáo của các đơn vị"]).value == "Phường Đoàn Kết"
    totals = [ws2.cell(row=r, column=cols2["Tổng cộng"]).value for r in range(first2, ws2.max_row + 1)]
    assert any(isinstance(t, str) and "SUM(" in t for t in totals)
    # Biểu 03: one unit for the sheet, the carry-over rule in the note and the derived row a formula
    ws3 = wb["Biểu 03"]
    assert "Đơn vị tính: triệu đồng" in [c.value for row in ws3.iter_rows(max_row=8) for c in row]
    first3, cols3 = header(ws3)
    budget = table_03(with_children, "tp_lai_chau", "202405").rows
    derived = first3 + next(i for i, r in enumerate(budget) if r.indicator == "ns_thu_nsdp_tru_cn")
    assert ws3.cell(row=derived, column=cols3["Lũy kế từ đầu năm"]).value.startswith("=IFERROR(IF(COUNT(")
    total = first3 + next(i for i, r in enumerate(budget) if r.indicator == "ns_thu_nsdp")
    assert "chuyển nguồn" in ws3.cell(row=total, column=cols3["Ghi chú"]).value
    assert f"{openpyxl.utils.get_column_letter(cols3['Lũy kế từ đầu năm'])}{derived}" in \
        ws3.cell(row=total, column=cols3["So KH tỉnh"]).value
    # Biểu 04: assessment is a formula over the percent
    ws4 = wb["Biểu 04"]
    first4, cols4 = header(ws4)
    assert ws4.cell(row=first4, column=cols4["Đánh giá"]).value.startswith("=IF(")


def _cells(ws, first, count, column):
    return [ws.cell(row=first + i, column=column).value for i in range(count)]


def _close(a, b):
    if a in (None, "") or b is None:
        return a in (None, "") and b is None
    return abs(a - b) < 1e-6


def assert_values_are_the_cores(store, wb):
    """Every percent, total, derived figure and assessment in `wb` (as computed) equals the core's."""
    errors = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("#")]
    assert errors == []
    checked = 0
    for number, table in (("01", table_01(store, "tp_lai_chau", "202405", annual_only=True)),
                          ("03", table_03(store, "tp_lai_chau", "202405"))):
        ws = wb[f"Biểu {number}"]
        first, cols = header(ws)
        for i, row in enumerate(table.rows):
            if row.kind != "indicator":
                continue
            r = first + i
            assert ws.cell(row=r, column=2).value == row.name
            for source in table.sources:
                label = "KH vốn giao" if source.code == "kh_von" else source.short
                got = ws.cell(row=r, column=cols[f"So {label}"]).value
                assert _close(got, row.percents.get(source.code)), (number, row.indicator, source.code, got)
                checked += 1
            assert _close(ws.cell(row=r, column=cols["% so cùng kỳ"]).value, row.percent_vs_last_year)
            quantity = ws.cell(row=r, column=cols["Lũy kế từ đầu năm" if row.kind_of_indicator == "flow"
                                                  else "Thực hiện kỳ báo cáo"]).value
            assert _close(quantity, row.ytd if row.kind_of_indicator == "flow" else row.value), row.indicator
    assert checked > 50
    visitors = next(r for r in table_01(store, "tp_lai_chau", "202405", annual_only=True).rows
                    if r.indicator == "tm_khach_du_lich")
    assert visitors.percents["hdnd"] is None
    # Biểu 02: totals are the sum of the units, as progress counts it
    ws2 = wb["Biểu 02"]
    first2, cols2 = header(ws2)
    units = table_02(store, "tp_lai_chau", "202405")
    by_code = {p.indicator: p for p in progress(store, "tp_lai_chau", "202405")}
    for i, item in enumerate(units.rows):
        if item.row.kind == "indicator":
            got = ws2.cell(row=first2 + i, column=cols2["Tổng cộng"]).value
            expected = by_code[item.row.indicator].children_value if item.summable else item.row.value
            assert _close(got, expected), item.row.indicator
    retail = next(i for i, item in enumerate(units.rows) if item.row.indicator == "tm_ban_le")
    assert _close(ws2.cell(row=first2 + retail, column=cols2["Tổng cộng"]).value, sum(40 + i * 1.5 for i in range(7)))
    # Biểu 04: percent and assessment
    ws4 = wb["Biểu 04"]
    first4, cols4 = header(ws4)
    for i, item in enumerate(table_04(store, "tp_lai_chau", "202405").rows):
        assert _close(ws4.cell(row=first4 + i, column=cols4["% thực hiện"]).value, item.percent), item.indicator
        assert (ws4.cell(row=first4 + i, column=cols4["Đánh giá"]).value or "") == item.assessment


@needs_office
def test_libreoffice_recalculates_every_percent_and_total_as_progress_does(with_children, tmp_path):
    store = with_children
    set_target(store, "tp_lai_chau", "tm_khach_du_lich", "2024", "hdnd", 0)  # a zero plan shows blank, not #DIV/0!
    # saved without the stored results, so that every value read back is LibreOffice's own
    path = tmp_path / "bieu.xlsx"
    annex_workbook(store, "tp_lai_chau", "202405").save(path)
    plain, formulas = (openpyxl.load_workbook(path, data_only=True)["Biểu 02"], openpyxl.load_workbook(path)["Biểu 02"])
    first2, cols2 = header(plain)
    totals = [r for r in range(first2, plain.max_row + 1)
              if str(formulas.cell(row=r, column=cols2["Tổng cộng"]).value).startswith("=")]
    assert totals and all(plain.cell(row=r, column=cols2["Tổng cộng"]).value is None for r in totals)
    wb = recalculated(path, tmp_path / "lo")
    assert_values_are_the_cores(store, wb)


def test_formulas_carry_their_values_for_viewers_that_do_not_recalculate(with_children, tmp_path):
    set_target(with_children, "tp_lai_chau", "tm_khach_du_lich", "2024", "hdnd", 0)
    path = write_annex_workbook(with_children, "tp_lai_chau", "202405", tmp_path / "bieu.xlsx")
    assert_values_are_the_cores(with_children, openpyxl.load_workbook(path, data_only=True))
    formulas = openpyxl.load_workbook(path)
    assert formulas["Biểu 02"].cell(row=header(formulas["Biểu 02"])[0], column=1).value  # formulas still there


@needs_office
def test_a_figure_corrected_in_the_workbook_moves_its_percent(demo, tmp_path):
    path = write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "bieu.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Biểu 01"]
    first, cols = header(ws)
    rows = table_01(demo, "tp_lai_chau", "202405", annual_only=True).rows
    r = first + next(i for i, row in enumerate(rows) if row.indicator == "tm_ban_le")
    ws.cell(row=r, column=cols["Lũy kế từ đầu năm"]).value = 2245  # plan 4.490 -> 50%
    wb.save(tmp_path / "corrected.xlsx")
    again = recalculated(tmp_path / "corrected.xlsx", tmp_path / "lo")
    assert again["Biểu 01"].cell(row=r, column=cols["So KH tỉnh"]).value == pytest.approx(50.0)


def test_an_unwritable_path_is_refused_and_leaves_no_file(demo, tmp_path):
    with pytest.raises(InputError, match="Không ghi được"):
        write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "missing" / "bieu.xlsx")
    with pytest.raises(InputError, match=".xlsx"):
        write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "bieu.pdf")
    assert list(tmp_path.glob("**/*.xlsx")) == [] and list(tmp_path.glob("**/*.tmp*")) == []


def test_progress_callback_reports_every_sheet(demo, tmp_path):
    seen = []
    write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "b.xlsx",
                         progress_callback=lambda step, total, label: seen.append((step, total, label)))
    assert [s[0] for s in seen] == [0, 1, 2, 3, 4, 5] and seen[-1][1] == 5


def test_annex_command(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "init"]) == 0
    assert main(["--db", str(db_path), "demo"]) == 0
    out = tmp_path / "bieu.xlsx"
    assert main(["--db", str(db_path), "annex", "tp_lai_chau", "202405", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Biểu 01"
    capsys.readouterr()
    bad = tmp_path / "bad.xlsx"
    assert main(["--db", str(db_path), "annex", "khong_co", "202405", "--out", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lỗi: Không có đơn vị") and err.count("\n") == 1 and not bad.exists()


def test_term_assessment_rule():
    from lcapp.export.tables import term_assessment, term_elapsed_percent
    assert term_assessment(100.04, 100) == "Đạt" and term_assessment(100.06, 100) == "Vượt"
    assert term_assessment(70, 68.3) == "Đạt" and term_assessment(60, 68.3) == "Khó đạt"
    assert term_assessment(None, 50) == ""
    assert term_elapsed_percent(2021, 2025, parse_period("202405")) == pytest.approx(41 / 60 * 100)


def test_table_02_columns_are_the_units_of_the_period(with_children):
    units = table_02(with_children, "tp_lai_chau", "202405")
    org = organisation(with_children)
    assert [c.code for c in units.columns] == [u.code for u in org.children("tp_lai_chau", parse_period("202405"))]
    retail = next(item for item in units.rows if item.row.indicator == "tm_ban_le")
    assert retail.summable and retail.values["x_sung_phai"] == 49


@needs_office
@pytest.mark.skipif(__import__("shutil").which("pdftotext") is None, reason="poppler-utils is not installed")
def test_printed_biểu_01_is_a4_landscape_one_page_wide_with_page_numbers(demo, tmp_path):
    from office import convert
    path = write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "bieu.xlsx")
    pdf = convert(path, "pdf", tmp_path / "lo")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape, in points
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    texts = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout for i in range(1, pages + 1)]
    first = texts[0]
    # every column of Biểu 01 on the first page (fit to one page wide), the title block and page number
    for text in ("Biểu số 01", "ỦY BAN NHÂN DÂN", "STT", "Kế hoạch năm", "% so cùng", "Ghi chú", "Trang 1"):
        assert text in first, text
    # the header repeats on every page of a sheet, and each sheet's signer block is printed
    assert all("STT" in t for t in texts)
    assert sum("Nguyễn Văn Nghiệp" in t for t in texts) == 5  # Biểu 01-05
    # page numbers restart for each sheet: every sheet's first page is "Trang 1"
    starts = [i for i, t in enumerate(texts) if "Biểu số 0" in t]
    assert len(starts) == 5 and all("Trang 1\n" in texts[i] or texts[i].rstrip().endswith("Trang 1")
                                    for i in starts)
    assert "Trang 2" in texts[starts[0] + 1]


def test_parent_rows_whose_parts_are_all_filled_show_their_sum(with_children, tmp_path):
    rows = {r.indicator: r for r in table_01(with_children, "tp_lai_chau", "202405").rows if r.indicator}
    population = rows["yt_dan_so_tb"]
    assert population.value == 47766 and population.sum_of_parts and "Tổng các phần" in population.note
    assert not rows["tm_ban_le"].sum_of_parts  # it has its own figure
    path = write_annex_workbook(with_children, "tp_lai_chau", "202405", tmp_path / "bieu.xlsx")
    ws = openpyxl.load_workbook(path)["Biểu 01"]
    first, cols = header(ws)
    order = [r.indicator for r in table_01(with_children, "tp_lai_chau", "202405", annual_only=True).rows]
    cell = ws.cell(row=first + order.index("yt_dan_so_tb"), column=cols["Thực hiện kỳ báo cáo"])
    assert cell.value.startswith("=IF(COUNT(") and "SUM(" in cell.value
    values = openpyxl.load_workbook(path, data_only=True)["Biểu 01"]
    assert values.cell(row=cell.row, column=cell.column).value == 47766


def test_the_decimals_of_a_row_are_even_and_percents_follow_the_setting(demo, tmp_path):
    from lcapp.export.tables import figure_text, percent_text, target_text
    table = table_01(demo, "tp_lai_chau", "202405", annual_only=True)
    revenue = next(r for r in table.rows if r.indicator == "tm_doanh_thu_du_lich")
    assert (target_text(revenue, revenue.targets["tinh"]), figure_text(revenue, revenue.ytd)) == ("381,00", "144,86")
    retail = next(r for r in table.rows if r.indicator == "tm_ban_le")
    assert [figure_text(retail, v) for v in (retail.value, retail.ytd)] == ["339", "1.931"]
    assert percent_text(table.percent_decimals, retail.percents["tinh"]) == "43,0"
    ws = openpyxl.load_workbook(write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "a.xlsx"))["Biểu 01"]
    first, cols = header(ws)
    r = first + [row.indicator for row in table.rows].index("tm_doanh_thu_du_lich")
    assert {ws.cell(row=r, column=cols[k]).number_format for k in ("Kế hoạch năm", "Lũy kế từ đầu năm")} == {
        "#,##0.00"}
    with demo.write() as conn:
        set_settings(conn, {"percent_decimals": 2})
    assert table_01(demo, "tp_lai_chau", "202405").percent_decimals == 2
    ws = openpyxl.load_workbook(write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "b.xlsx"))["Biểu 01"]
    assert ws.cell(row=r, column=cols["So KH tỉnh"]).number_format == "#,##0.00"


def test_the_attached_line_leaves_room_for_the_number_and_the_date(demo, tmp_path):
    wb = openpyxl.load_workbook(write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "a.xlsx"))
    for ws in wb.worksheets:
        assert ws.cell(row=6, column=1).value == (
            "(Kèm theo Báo cáo số ........./BC-UBND ngày ....... tháng ....... năm 2024 của Ủy ban nhân dân "
            "thành phố Lai Châu)")


def test_biểu_02_holds_every_summable_key_indicator(demo):
    from lcapp.models.catalogue import catalogue
    cat = catalogue(demo)
    rows = {item.row.indicator: item for item in table_02(demo, "tp_lai_chau", "202405").rows if item.row.indicator}
    key = {c for c, ind in cat.indicators.items() if ind.key and ind.summable and not ind.derived}
    assert key <= set(rows) and {"tm_khach_du_lich", "ns_thu_nsdp", "yt_kham_benh"} <= key
    assert rows["tm_khach_du_lich"].summable and rows["tm_khach_du_lich"].total is None  # the wards have not sent it


def test_biểu_04_is_filled_whenever_term_targets_exist_and_says_so_when_none_do(store, tmp_path):
    set_target(store, "tp_lai_chau", "as_viec_lam", "2021-2025", "daihoi", 600)
    table = table_04(store, "tp_lai_chau", "202405")
    assert [r.indicator for r in table.rows] == ["as_viec_lam"] and table.rows[0].quantity is None
    assert table_04(store, "p_tan_phong_2025", "202605").rows == []  # the 2021-2025 term is over
    ws = openpyxl.load_workbook(write_annex_workbook(store, "p_tan_phong_2025", "202605", tmp_path / "a.xlsx"))[
        "Biểu 04"]
    top = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "STT")
    assert ws.cell(row=top + 1, column=2).value == "Không có chỉ tiêu nghị quyết nhiệm kỳ nào áp dụng cho tháng 5/2026."


def test_a_ward_without_child_units_gets_no_biểu_02(demo, tmp_path):
    enter(demo, "p_doan_ket", "202405", "tm_ban_le", 41)
    path = write_annex_workbook(demo, "p_doan_ket", "202405", tmp_path / "phuong.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Biểu 01", "Biểu 03", "Biểu 04"]
    texts = [c.value for row in wb["Biểu 01"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Phường Đoàn Kết" in t for t in texts)


def test_a_unit_that_did_not_exist_in_the_period_is_refused(demo, tmp_path):
    with pytest.raises(InputError, match="không tồn tại"):
        write_annex_workbook(demo, "p_tan_phong_2025", "202405", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("empty", ["<v/>", "<v />", "<v></v>"])
def test_cached_values_fill_both_ways_openpyxl_writes_an_empty_value(empty):
    """The standard library's XML writer gives `<v />`, lxml's `<v></v>`: both get the value."""
    import io
    import zipfile

    from lcapp.export.annex_xlsx import with_cached_values

    sheet = f'<sheetData><row r="1"><c r="B1" s="3"><f>A1*2</f>{empty}</c></row></sheetData>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    filled = with_cached_values(buffer.getvalue(), {1: {"B1": 42.5}})
    text = zipfile.ZipFile(io.BytesIO(filled)).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="B1" s="3"><f>A1*2</f><v>42.5</v></c>' in text
