"""Officials' catalogue changes in the core: each change, each refusal (nothing written), the history,
and validity by month reaching the grid's rows, progress, checks, drafts, tables and templates."""

import copy

import pytest

from lcapp.models.catalogue import catalogue, catalogue_history, load_catalogue
from lcapp.models.catalogue_edit import (
    ConfirmationNeeded,
    add_indicator,
    apply_catalogue_file,
    move_indicator,
    plan_add,
    read_state,
    retire_indicator,
    suggest_code,
    update_indicator,
)
from lcapp.models.checks import run_checks
from lcapp.models.drafting import draft_sentences, wording
from lcapp.models.errors import InputError
from lcapp.models.figures import enter, history
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.targets import set_target
from tests.conftest import MINI_CATALOGUE, table_rows

CITY = "tp_lai_chau"
TOURISM = {"name": "Doanh thu du lịch cộng đồng", "unit": "tỷ đồng", "sector": "thuong_mai", "valid_from": "2024-01"}


def codes(store, unit, period):
    return [row.indicator for row in progress(store, unit, period)]


def refused(store, call, match):
    """`call()` raises InputError matching `match` and the database is unchanged."""
    before = table_rows(store)
    with pytest.raises(InputError, match=match):
        call()
    assert table_rows(store) == before


# -- adding ------------------------------------------------------------------------------------------------
def test_an_added_indicator_and_its_part_take_their_place_and_history(mini):
    plan = add_indicator(mini, dict(TOURISM, code="du_lich_cd"), user="Lò Thị Mai")
    assert plan.changed == ["du_lich_cd"]
    add_indicator(mini, {"name": "Doanh thu homestay", "unit": "tỷ đồng", "parent": "du_lich_cd", "code": "homestay"},
                  default_from=202301, user="Lò Thị Mai")
    cat = catalogue(mini)
    in_sector = [i.code for i in cat.in_sector("thuong_mai")]
    assert in_sector == ["ban_le", "ban_le_hang_hoa", "khach", "du_lich_cd", "homestay"]
    assert cat.indicators["homestay"].parent == "du_lich_cd" and cat.indicators["homestay"].sector == "thuong_mai"
    assert cat.indicators["homestay"].valid_from == 202401  # never before its parent
    rows = catalogue_history(mini, "homestay")
    assert [(r["action"], r["changed_by"]) for r in rows] == [("add", "Lò Thị Mai")]
    assert rows[0]["before"] is None and rows[0]["after"]["name"] == "Doanh thu homestay"


def test_a_new_indicator_applies_from_january_unless_told(mini):
    from lcapp.models.catalogue_edit import this_year_start

    plan = add_indicator(mini, {"name": "Số hộ dùng nước sạch", "unit": "hộ", "sector": "y_te"}, user="t")
    assert catalogue(mini).indicators[plan.code].valid_from == this_year_start()
    plan = add_indicator(mini, {"name": "Số hộ nghèo", "unit": "hộ", "sector": "y_te"}, default_from=202607, user="t")
    assert catalogue(mini).indicators[plan.code].valid_from == 202607


def test_codes_are_suggested_from_the_name_with_the_sectors_prefix(store):
    state = read_state(store)
    assert suggest_code(state, "Lượt khách lưu trú qua đêm", "thuong_mai") == "tm_luot_khach_luu_tru"
    assert suggest_code(state, "Tổng lượt khách du lịch", "thuong_mai") == "tm_luot_khach_du_lich"
    assert suggest_code(state, "Doanh thu du lịch", "thuong_mai") == "tm_doanh_thu_du_lich_2"  # taken: _2


def test_codes_are_never_reused(mini):
    # a code that was removed from the catalogue stays used (its history keeps it)
    data = copy.deepcopy(MINI_CATALOGUE)
    data["indicator"] = [i for i in data["indicator"] if i["code"] != "khach"]
    load_catalogue(mini, data, user="t")
    assert "khach" not in catalogue(mini).indicators
    assert suggest_code(read_state(mini), "Khách", "thuong_mai") != "khach"
    refused(mini, lambda: add_indicator(mini, dict(TOURISM, code="khach"), user="t"), "đã từng dùng")
    refused(mini, lambda: add_indicator(mini, dict(TOURISM, code="ban_le"), user="t"), "đã có trong danh mục")


@pytest.mark.parametrize("fields, message", [
    ({"name": "A", "unit": "x", "parent": "ban_le", "sector": "y_te"}, "cùng lĩnh vực"),
    ({"name": "A", "unit": "x", "sector": "khong_co"}, "Lĩnh vực"),
    ({"name": "A", "unit": "x", "sector": "y_te", "formula": "don_nhan + khong_co"}, "khong_co"),
    ({"name": "A", "unit": "x", "sector": "y_te", "formula": "a_moi + 1", "code": "a_moi"}, "chính nó"),
    ({"name": "A", "unit": "x", "sector": "y_te", "formula": "__import__('os')"}, "Công thức"),
    ({"name": "A", "unit": "x", "sector": "y_te", "vaild_from": "2025-07"}, "vaild_from"),
    ({"name": "A", "unit": "x", "sector": "y_te", "kind": "mass"}, "kind"),
    ({"name": "", "unit": "x", "sector": "y_te"}, "tên"),
    ({"name": "A", "unit": "x", "sector": "y_te", "code": "mã có dấu"}, "không dấu"),
    ({"name": "A", "unit": "x", "sector": "y_te", "valid_from": "2025-13"}, "Tháng 13"),
    ({"name": "A", "unit": "x", "sector": "y_te", "valid_from": "2025-07", "valid_to": "2025-01"}, "trước tháng bắt đầu"),
])
def test_a_bad_new_indicator_is_refused_and_nothing_is_written(mini, fields, message):
    refused(mini, lambda: add_indicator(mini, fields, user="t"), message)


def test_a_part_lies_within_its_parents_validity(mini):
    add_indicator(mini, dict(TOURISM, code="du_lich_cd", valid_from="2025-07"), user="t")
    refused(mini, lambda: add_indicator(mini, {"name": "B", "unit": "x", "parent": "du_lich_cd", "valid_from": "2025-01"},
                                        user="t"), "trong thời gian áp dụng của chỉ tiêu cha")


# -- changing -----------------------------------------------------------------------------------------------
def test_a_change_of_kind_of_an_indicator_with_figures_asks_first_and_says_what_it_changes(mini):
    enter(mini, CITY, "202404", "ban_le", 300, user="t")
    enter(mini, CITY, "202405", "ban_le", 1931, basis="ytd", user="t")
    before = table_rows(mini)
    with pytest.raises(ConfirmationNeeded) as asked:
        update_indicator(mini, "ban_le", {"kind": "stock"}, user="t")
    assert table_rows(mini) == before
    text = str(asked.value)
    assert "cộng dồn → thời điểm" in text and "2 số liệu đã nhập (từ 04/2024 đến 05/2024, 1 đơn vị)" in text
    assert "1 số đã nhập dưới dạng lũy kế sẽ không còn được đọc" in text and "cần xác nhận" in text
    plan = update_indicator(mini, "ban_le", {"kind": "stock"}, confirm=True, user="Hà Văn Nam")
    assert catalogue(mini).indicators["ban_le"].kind == "stock"
    last = catalogue_history(mini, "ban_le")[-1]
    assert last["action"] == "change" and last["changed_by"] == "Hà Văn Nam"
    assert last["before"]["kind"] == "flow" and last["after"]["kind"] == "stock"
    assert plan.effects and plan.needs_confirmation


def test_a_change_of_entry_asks_first_only_when_there_are_figures(mini):
    plan = update_indicator(mini, "khach", {"entry": "ytd"}, user="t")  # no figures yet: no question
    assert not plan.needs_confirmation and catalogue(mini).indicators["khach"].entry == "ytd"
    enter(mini, CITY, "202405", "ban_le", 339, user="t")
    refused(mini, lambda: update_indicator(mini, "ban_le", {"entry": "ytd"}, user="t"), "Cách nhập đổi")
    update_indicator(mini, "ban_le", {"entry": "ytd"}, confirm=True, user="t")
    assert catalogue(mini).indicators["ban_le"].entry == "ytd"
    # the figure entered as a month's value is still read
    assert progress(mini, CITY, "202405", ["ban_le"])[0].value == 339


def test_a_formula_for_an_indicator_with_figures_asks_first(mini):
    enter(mini, CITY, "202405", "khach", 1500, user="t")
    with pytest.raises(ConfirmationNeeded, match="không còn được dùng"):
        update_indicator(mini, "khach", {"formula": "ban_le * 2"}, user="t")


def test_a_formula_names_existing_indicators_without_cycles(mini):
    refused(mini, lambda: update_indicator(mini, "ty_le_don", {"formula": "don_xong / khong_co"}, user="t"), "khong_co")
    update_indicator(mini, "don_xong", {"formula": "don_nhan - 1"}, user="t")
    refused(mini, lambda: update_indicator(mini, "don_nhan", {"formula": "ty_le_don + 1"}, user="t"), "vòng quanh")


@pytest.mark.parametrize("changes, message", [
    ({"sector": "y_te"}, "Không đổi lĩnh vực"),
    ({"parent": "khach"}, "Không đổi chỉ tiêu cha"),
    ({"colour": "red"}, "colour"),
    ({"decimals": 9}, "từ 0 đến 6"),
    ({"valid_from": "2024-06"}, "nằm ngoài thời gian áp dụng"),
])
def test_a_bad_change_is_refused_and_nothing_is_written(mini, changes, message):
    enter(mini, CITY, "202405", "ban_le", 339, user="t")
    refused(mini, lambda: update_indicator(mini, "ban_le", changes, user="t"), message)


def test_a_change_that_changes_nothing_writes_nothing(mini):
    before = table_rows(mini)
    plan = update_indicator(mini, "ban_le", {"name": "Tổng mức bán lẻ"}, user="t")
    assert plan.changed == [] and table_rows(mini) == before


def test_dry_run_plans_without_writing(mini):
    before = table_rows(mini)
    plan = update_indicator(mini, "ban_le", {"name": "Tổng mức bán lẻ hàng hóa"}, dry_run=True)
    assert plan.changed == ["ban_le"] and "tên: Tổng mức bán lẻ → Tổng mức bán lẻ hàng hóa" in plan.message()
    assert table_rows(mini) == before


# -- moving ---------------------------------------------------------------------------------------------------
def test_moving_an_indicator_takes_its_parts_along_within_its_sector(mini):
    move_indicator(mini, "ban_le", 1, user="t")
    assert [i.code for i in catalogue(mini).in_sector("thuong_mai")] == ["khach", "ban_le", "ban_le_hang_hoa"]
    assert catalogue_history(mini, "ban_le")[-1]["action"] == "move"
    assert catalogue_history(mini, "khach")[-1]["action"] == "add"  # only renumbered: no history row
    move_indicator(mini, "ban_le", -1, user="t")
    assert [i.code for i in catalogue(mini).in_sector("thuong_mai")] == ["ban_le", "ban_le_hang_hoa", "khach"]
    refused(mini, lambda: move_indicator(mini, "ban_le", -1, user="t"), "đã ở đầu")
    refused(mini, lambda: move_indicator(mini, "ban_le_hang_hoa", 1, user="t"), "đã ở cuối")


# -- retiring and validity ------------------------------------------------------------------------------------
def test_a_retired_indicator_leaves_later_periods_and_stays_readable_in_its_own(mini):
    enter(mini, CITY, "202405", "ban_le", 339, user="t")
    plan = retire_indicator(mini, "ban_le", "2024-12", user="t")
    assert set(plan.changed) == {"ban_le", "ban_le_hang_hoa"}  # its part stops too
    assert "ban_le" in codes(mini, CITY, "2024") and "ban_le" not in codes(mini, CITY, "202501")
    assert "ban_le_hang_hoa" not in codes(mini, CITY, "2025Q1")
    assert progress(mini, CITY, "202405", None)[0].value == 339  # still read in its own year
    assert history(mini, CITY, "202405", "ban_le")[0]["month_value"] == 339
    cat = catalogue(mini)
    assert cat.indicators["ban_le"].validity_text() == "đến 12/2024"
    assert [r["action"] for r in catalogue_history(mini, "ban_le_hang_hoa")][-1] == "retire"


def test_a_figure_outside_its_indicators_validity_is_refused(mini):
    retire_indicator(mini, "khach", "2024-06", user="t")
    refused(mini, lambda: enter(mini, CITY, "202407", "khach", 10, user="t"),
            "Chỉ tiêu “Lượt khách du lịch” không áp dụng trong tháng 7/2024 .áp dụng đến 06/2024.")
    add_indicator(mini, dict(TOURISM, code="du_lich_cd", valid_from="2024-07"), user="t")
    refused(mini, lambda: enter(mini, CITY, "202406", "du_lich_cd", 10, user="t"), "không áp dụng trong tháng 6/2024")
    assert enter(mini, CITY, "202407", "du_lich_cd", 10, user="t") == 1


def test_an_interchange_file_with_a_figure_outside_validity_is_refused_whole(mini, tmp_path):
    from lcapp.intake.incoming import import_file

    retire_indicator(mini, "khach", "2024-06", user="t")
    path = tmp_path / "so-lieu.csv"
    path.write_text("indicator,unit,period,value\nban_le,tp_lai_chau,202407,339\nkhach,tp_lai_chau,202407,1500\n",
                    encoding="utf-8")
    refused(mini, lambda: import_file(mini, path), "không áp dụng trong tháng 7/2024")


@pytest.mark.parametrize("code, last, message", [
    ("ban_le", "2024-04", "nằm ngoài thời gian áp dụng"),  # a figure of 05/2024 would be hidden
    ("don_nhan", "2024-12", "Tỷ lệ giải quyết đơn"),  # a derived indicator still uses it
    ("thu_tru_cn", "2024-12", "tính % kế hoạch theo"),  # total budget revenue is measured by it
    ("ban_le", "2024-13", "Tháng 13"),
])
def test_a_retirement_that_would_lose_something_is_refused(mini, code, last, message):
    enter(mini, CITY, "202405", "ban_le", 339, user="t")
    refused(mini, lambda: retire_indicator(mini, code, last, user="t"), message)


def test_a_retirement_before_the_start_is_refused(mini):
    add_indicator(mini, dict(TOURISM, code="du_lich_cd", valid_from="2025-07"), user="t")
    refused(mini, lambda: retire_indicator(mini, "du_lich_cd", "2025-03", user="t"), "trước khi bắt đầu")


def test_the_bundled_catalogue_cannot_hide_entered_figures_either(mini):
    enter(mini, CITY, "202405", "ban_le", 339, user="t")
    data = copy.deepcopy(MINI_CATALOGUE)
    data["indicator"][0]["valid_to"] = "2024-03"
    data["indicator"][1]["valid_to"] = "2024-03"
    refused(mini, lambda: load_catalogue(mini, data, user="t"), "đã có 1 số liệu")


def test_a_period_shows_the_indicators_valid_in_it_everywhere(store):
    """Progress, checks, the drafted text, Biểu 01 and the entry template all follow `valid_in`."""
    from lcapp.export.tables import table_01
    from lcapp.export.templates_xlsx import entry_template

    unit = "p_tan_phong_2025"
    add_indicator(store, {"name": "Số hộ dùng nước sạch", "unit": "hộ", "sector": "nong_nghiep", "kind": "stock",
                          "code": "nn_nuoc_sach", "valid_from": "2025-07"}, user="t")
    enter(store, "tp_lai_chau", "202405", "tm_ban_le", 339, user="t")
    retire_indicator(store, "tm_khach_du_lich", "2025-06", user="t")
    enter(store, unit, "202608", "nn_nuoc_sach", 1200, user="t")
    set_target(store, "tp_lai_chau", "nn_nuoc_sach", "2024", "tinh", 1000, user="t")  # a target alone does not bring it back
    old, new = codes(store, "tp_lai_chau", "2024"), codes(store, unit, "202608")
    assert "nn_nuoc_sach" not in old and "tm_khach_du_lich" in old
    assert "nn_nuoc_sach" in new and "tm_khach_du_lich" not in new
    assert "nn_nuoc_sach" not in {r.indicator for r in table_01(store, "tp_lai_chau", "202405").rows}
    assert "nn_nuoc_sach" in {r.indicator for r in table_01(store, unit, "202608").rows}
    assert {f.indicator for f in run_checks(store, "tp_lai_chau", "202405") if f.indicator} <= set(old)  # text: none
    period = parse_period("202608")
    drafted = draft_sentences(wording(store, catalogue(store), period), progress(store, unit, period))
    assert any(s.indicator == "nn_nuoc_sach" for s in drafted)
    template_codes = {ws.cell(row=r, column=1).value for ws in entry_template(store, unit, "202608").worksheets
                      for r in range(1, ws.max_row + 1)}
    assert "nn_nuoc_sach" in template_codes and "tm_khach_du_lich" not in template_codes
    template_codes = {ws.cell(row=r, column=1).value for ws in entry_template(store, "tp_lai_chau", "202405").worksheets
                      for r in range(1, ws.max_row + 1)}
    assert "nn_nuoc_sach" not in template_codes and "tm_khach_du_lich" in template_codes


# -- files ------------------------------------------------------------------------------------------------------
def test_a_file_adds_and_updates_in_one_transaction(mini):
    data = {"sector": [{"code": "nuoc_sach", "name": "Nước sạch nông thôn", "parent": "kinh_te", "outline": "g"}],
            "indicator": [dict(TOURISM, code="du_lich_cd"),
                          {"code": "du_lich_hs", "name": "Homestay", "unit": "cơ sở", "parent": "du_lich_cd",
                           "kind": "stock"},
                          {"code": "ban_le", "name": "Tổng mức bán lẻ hàng hóa"},
                          {"code": "nuoc", "name": "Số hộ có nước sạch", "unit": "hộ", "sector": "nuoc_sach",
                           "valid_from": "2026-01"}]}
    plan = apply_catalogue_file(mini, data, user="t")
    cat = catalogue(mini)
    assert set(plan.changed) == {"du_lich_cd", "du_lich_hs", "ban_le", "nuoc"}
    assert cat.indicators["du_lich_hs"].parent == "du_lich_cd" and cat.indicators["ban_le"].name.endswith("hàng hóa")
    assert cat.sectors["nuoc_sach"].parent == "kinh_te" and cat.indicators["nuoc"].sector == "nuoc_sach"
    assert [r["action"] for r in catalogue_history(mini, "nuoc_sach")] == ["add"]


def test_a_file_with_a_bad_entry_is_refused_whole_naming_every_one(mini):
    data = {"indicator": [dict(TOURISM, code="du_lich_cd"), {"code": "khach", "kind": "mass"},
                          {"code": "moi", "name": "Mới", "unit": "x", "sector": "khong_co"}]}
    refused(mini, lambda: apply_catalogue_file(mini, data, user="t"),
            "2 mục không nhận được.*thứ 2 .khach.*kind.*thứ 3 .moi.*khong_co")
    plan = apply_catalogue_file(mini, data, skip_refused=True, user="t")
    assert plan.changed == ["du_lich_cd"] and [n for n, _ in plan.refused] == [2, 3]


def test_plan_add_is_pure(mini):
    state = read_state(mini)
    before = table_rows(mini)
    plan = plan_add(state, dict(TOURISM, code="du_lich_cd"))
    assert "du_lich_cd" in plan.after and table_rows(mini) == before


def test_a_database_from_before_validity_is_migrated_with_every_indicator_valid_always(tmp_path, monkeypatch):
    from lcapp.models import schema
    from lcapp.models.store import Store

    before = schema.migration_number("catalogue: validity") - 1
    monkeypatch.setattr("lcapp.models.store.MIGRATIONS", schema.MIGRATIONS[:before])
    monkeypatch.setattr("lcapp.models.store.SCHEMA_VERSION", before)
    old = Store(tmp_path / "cu.sqlite", create=True)
    data = copy.deepcopy(MINI_CATALOGUE)
    with old.write() as conn:  # the catalogue as the old program loaded it: no validity, no history
        for position, raw in enumerate(data["sector"]):
            conn.execute("INSERT INTO sectors (code, name, short, parent, outline, position) VALUES (?, ?, ?, ?, ?, ?)",
                         (raw["code"], raw["name"], raw["short"], raw.get("parent"), raw.get("outline", ""), position))
        conn.execute("INSERT INTO indicators (code, name, unit, sector, kind, direction, summable, entry, position) "
                     "VALUES ('ban_le', 'Tổng mức bán lẻ', 'tỷ đồng', 'thuong_mai', 'flow', 'up', 1, 'month', 0)")
    old.close()
    monkeypatch.undo()
    store = Store(tmp_path / "cu.sqlite")
    ind = catalogue(store).indicators["ban_le"]
    assert (ind.valid_from, ind.valid_to) == (None, None) and ind.validity_text() == "mọi kỳ"
    assert [i.code for i in catalogue(store).valid_in(parse_period("2018"))] == ["ban_le"]
    assert list(tmp_path.glob("cu.truoc-nang-cap-*.sqlite"))  # the file was copied aside first
    store.close()
