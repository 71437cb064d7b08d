import pytest

from lcapp.models.errors import InputError
from lcapp.models.figures import enter, history
from tests.conftest import table_rows


def test_every_change_is_a_new_version_and_the_history_keeps_all(mini):
    enter(mini, "tp_lai_chau", "202405", "ban_le", 339, user="an")
    enter(mini, "tp_lai_chau", "202405", "ban_le", 340, status="official", comment="số chính thức", user="binh")
    assert enter(mini, "tp_lai_chau", "202405", "ban_le", 340, user="binh") == 0  # same value: nothing written
    enter(mini, "tp_lai_chau", "202405", "ban_le", clear=True, user="an")
    versions = history(mini, "tp_lai_chau", "202405", "ban_le")
    assert [(v["version"], v["month_value"], v["entered_by"], v["action"]) for v in versions] == [
        (1, 339, "an", "set"), (2, 340, "binh", "set"), (3, None, "an", "clear")]
    assert versions[1]["status"] == "official" and versions[1]["comment"] == "số chính thức"


def test_comments_are_stored_nfc(mini):
    enter(mini, "tp_lai_chau", "202405", "ban_le", 1, comment="Tie\u0302\u0301n đô\u0323", user="an")
    assert history(mini, "tp_lai_chau", "202405", "ban_le")[0]["comment"] == "Tiến độ"


def test_year_to_date_and_month_values_are_stored_side_by_side(mini):
    enter(mini, "tp_lai_chau", "202405", "ban_le", 339, user="an")
    enter(mini, "tp_lai_chau", "202405", "ban_le", 1931, basis="ytd", user="an")
    row = mini.query("SELECT month_value, ytd_value FROM figures")[0]
    assert (row["month_value"], row["ytd_value"]) == (339, 1931)


@pytest.mark.parametrize("args, message", [
    (("tp_lai_chau", "2024Q2", "ban_le", 1), "theo tháng"),
    (("tp_lai_chau", "202405", "khong_co", 1), "Không có chỉ tiêu"),
    (("khong_co", "202405", "ban_le", 1), "Không có đơn vị"),
    (("tp_lai_chau", "202405", "thu_tru_cn", 1), "công thức"),
    (("tp_lai_chau", "202508", "ban_le", 1), "không tồn tại"),  # the city ended on 30/06/2025
    (("p_tan_phong_2025", "202405", "ban_le", 1), "không tồn tại"),  # the new ward began on 01/07/2025
    (("tp_lai_chau", "202405", "ban_le", float("nan")), "hữu hạn"),
    (("tp_lai_chau", "202405", "dien_tich_che", 1, "term"), "không có lũy kế giai đoạn"),
])
def test_bad_input_is_refused_and_nothing_is_written(mini, args, message):
    before = table_rows(mini)
    with pytest.raises(InputError, match=message):
        enter(mini, *args[:4], basis=args[4] if len(args) > 4 else None, user="an")
    assert table_rows(mini) == before


def test_a_department_enters_for_the_city_only_in_its_own_sectors(mini):
    enter(mini, "tp_tckh", "202405", "thu_nsdp", 265772, user="an")
    row = mini.query("SELECT unit, reporter FROM figures")[0]
    assert (row["unit"], row["reporter"]) == ("tp_lai_chau", "tp_tckh")
    with pytest.raises(InputError, match="không phụ trách"):
        enter(mini, "tp_tckh", "202405", "ban_le", 1, user="an")


def test_new_figures_are_estimates_until_the_cutoff(mini):
    from datetime import date

    from lcapp.models.figures import default_status
    from lcapp.models.periods import parse_month
    assert default_status(parse_month("202405"), today=date(2024, 5, 14)) == "estimate"
    assert default_status(parse_month("202405"), today=date(2024, 5, 15)) == "official"
