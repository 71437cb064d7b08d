import copy
import tomllib

import pytest

from lcapp.models.catalogue import catalogue, load_catalogue
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.paths import resource
from tests.conftest import MINI_CATALOGUE, table_rows


def bundled():
    with open(resource("catalogue.toml"), "rb") as handle:
        return tomllib.load(handle)


def test_the_bundled_catalogue_covers_the_seed_reports(store):
    cat = catalogue(store)
    assert len(cat.indicators) > 100
    # the report outline: I. NQ01; II.1 economy a)-g); II.2 culture a)-đ); II.3; II.4; II.5
    economy = [s.outline for s in cat.sector_children("kinh_te")]
    assert economy == ["a", "b", "c", "d", "đ", "e", "f", "g"]
    assert [s.outline for s in cat.sector_children("van_hoa_xa_hoi")] == ["a", "b", "c", "d", "đ"]
    assert cat.sectors["dan_toc_ton_giao"].narrative_only
    for code in ["tm_ban_le", "ns_thu_nsdp", "ns_thu_chuyen_nguon", "ns_thu_nsdp_tru_cn", "ns_chi_nsdp",
                 "dtc_giai_ngan", "dtc_ke_hoach_von", "mtqg_giai_ngan", "yt_suy_dinh_duong", "yt_tang_dan_so",
                 "don_tiep_nhan", "don_da_giai_quyet", "don_ty_le_giai_quyet", "nq01_cong_viec",
                 "kt_thu_nhap_binh_quan", "mt_thu_gom_rac", "qp_nhap_ngu", "as_viec_lam", "yt_kham_benh"]:
        assert code in cat.indicators, code
    assert len(cat.children["tm_ban_le"]) == 2  # bán lẻ hàng hóa; doanh thu dịch vụ tiêu dùng
    assert cat.indicators["ns_thu_nsdp"].measured_by == "ns_thu_nsdp_tru_cn"
    assert cat.formulas["ns_thu_nsdp_tru_cn"].names == ("ns_thu_nsdp", "ns_thu_chuyen_nguon")
    assert cat.indicators["yt_suy_dinh_duong"].direction == "down"
    assert cat.indicators["yt_tang_dan_so"].direction == "range"
    assert cat.indicators["ns_thu_nsdp"].entry == "ytd"
    assert not cat.indicators["mt_thu_gom_rac"].summable
    kinds = {i.kind for i in cat.indicators.values()}
    assert kinds == {"flow", "stock", "rate"}
    for ind in cat.indicators.values():
        assert ind.name == ind.name.strip() and ind.unit


def broken(change):
    data = copy.deepcopy(MINI_CATALOGUE)
    change(data)
    return data


@pytest.mark.parametrize("change, message", [
    (lambda d: d["indicator"][0].update(kind="mass"), "kind"),
    (lambda d: d["indicator"][1].update(parent="nowhere"), "chỉ tiêu cha"),
    (lambda d: d["indicator"][0].update(sector="nowhere"), "lĩnh vực"),
    (lambda d: d["indicator"][5].update(formula="thu_nsdp - khong_co"), "khong_co"),
    (lambda d: d["indicator"][5].update(formula="__import__('os')"), "Công thức"),
    (lambda d: d["indicator"].append(dict(d["indicator"][0])), "trùng"),
    (lambda d: d["indicator"].extend([
        {"code": "a1", "name": "A", "unit": "x", "sector": "y_te", "formula": "a2 + 1"},
        {"code": "a2", "name": "B", "unit": "x", "sector": "y_te", "formula": "a1 + 1"}]), "vòng quanh"),
    (lambda d: d["indicator"][0].update(code="bán_lẻ"), "không dấu"),
])
def test_a_bad_catalogue_is_refused_whole(mini, change, message):
    before = table_rows(mini)
    with pytest.raises(InputError, match=message):
        load_catalogue(mini, broken(change))
    assert table_rows(mini) == before


def test_the_catalogue_can_be_edited_later(mini):
    enter(mini, "tp_lai_chau", "202405", "ban_le", 339, user="t")
    load_catalogue(mini, broken(lambda d: d["indicator"][0].update(name="Tổng mức bán lẻ hàng hóa")))
    assert catalogue(mini).indicators["ban_le"].name == "Tổng mức bán lẻ hàng hóa"
    # an indicator without figures can go; one with figures cannot
    load_catalogue(mini, broken(lambda d: d["indicator"].pop(2)))
    assert "khach" not in catalogue(mini).indicators
    with pytest.raises(InputError, match="đã có số liệu"):
        load_catalogue(mini, broken(lambda d: (d["indicator"].pop(1), d["indicator"].pop(0))))
