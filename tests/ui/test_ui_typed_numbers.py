"""Numbers show as typed in the window: 144,86 never shows as 145, in the grid, the overview or the
details panel (the catalogue's decimals are the most shown, never a rounding of what was entered)."""

from lcapp.models.figures import enter
from lcapp.models.numbers import format_figure
from lcapp.models.periods import parse_period
from lcapp.models.setup import create_database
from lcapp.models.store import set_settings
from lcapp.models.targets import set_target
from lcapp.ui.details import DetailsPanel
from lcapp.ui.grid_model import LAST_YEAR, PERCENT, VALUE, YTD, SectorGridModel

WARD = "p_doan_ket_2025"


def _store(tmp_path):
    store = create_database(tmp_path / "lcapp.sqlite")
    enter(store, WARD, "2025-11", "tm_ban_le", 130.5)
    enter(store, WARD, "2026-10", "tm_ban_le", 1099.7, basis="ytd")
    enter(store, WARD, "2026-11", "tm_ban_le", 144.86)
    set_target(store, WARD, "tm_ban_le", "2026", "tinh", 3000)
    return store


def test_the_grid_shows_each_figure_with_the_decimals_typed(tmp_path, qtbot):
    store = _store(tmp_path)
    model = SectorGridModel(store, "thuong_mai")
    model.load(WARD, parse_period("202611"))
    assert model.index_of("tm_ban_le", VALUE).data() == "144,86"
    assert model.index_of("tm_ban_le", YTD).data() == "1.244,56"
    assert model.index_of("tm_ban_le", LAST_YEAR).data() == "130,5"
    model.load(WARD, parse_period("202610"))
    assert model.index_of("tm_ban_le", YTD).data() == "1.099,7"  # never "1.100"
    store.close()


def test_the_percent_column_follows_the_percent_decimals_setting(tmp_path, qtbot):
    store = _store(tmp_path)
    model = SectorGridModel(store, "thuong_mai")
    model.load(WARD, parse_period("202611"))
    assert model.index_of("tm_ban_le", PERCENT).data() == "41,5"  # 1.244,56 / 3.000, one decimal
    with store.write() as conn:
        set_settings(conn, {"percent_decimals": 2})
    model.load(WARD, parse_period("202611"))
    assert model.index_of("tm_ban_le", PERCENT).data() == "41,49"
    store.close()


def test_the_details_panel_shows_the_months_as_typed(tmp_path, qtbot):
    store = _store(tmp_path)
    panel = DetailsPanel(store)
    qtbot.addWidget(panel)
    panel.show_cell(WARD, parse_period("202611"), "tm_ban_le")
    shown = {panel.months.item(r, 0).text(): panel.months.item(r, 1).text() for r in range(panel.months.rowCount())}
    assert shown["11/2026"] == "144,86"
    assert shown["11/2026"] == format_figure(144.86, 2)
    store.close()
