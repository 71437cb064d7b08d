"""The sector grid model without widgets: structure, computed cells, parsing, saving through the worker."""

import pytest
from PySide6.QtCore import Qt

from lcapp.models.figures import history
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.store import Store
from lcapp.ui.entry import FigureEntry
from lcapp.ui.grid_model import COMMENT, PERCENT, STATUS, VALUE, YTD, SectorGridModel
from lcapp.ui.worker import DbWorker
from tests.conftest import table_rows


@pytest.fixture
def setup(demo_path, qtbot):
    store = Store(demo_path)
    worker = DbWorker(demo_path)
    entry = FigureEntry(store, worker)
    yield store, worker, entry
    worker.close()
    store.close()


def saved(qtbot, worker):
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=5000)


def test_model_passes_qtmodeltester_for_every_sector(setup, qtmodeltester):
    store, _worker, entry = setup
    from lcapp.models.catalogue import catalogue
    for sector in catalogue(store).sectors:
        model = SectorGridModel(store, sector, entry)
        model.load("tp_lai_chau", parse_period("202405"))
        qtmodeltester.check(model)


def test_children_are_rows_under_their_parent(setup):
    store, _worker, entry = setup
    model = SectorGridModel(store, "thuong_mai", entry)
    model.load("tp_lai_chau", parse_period("202405"))
    parent = model.index_of("tm_ban_le", "name")
    assert model.rowCount(parent) >= 1
    child = model.index(0, 0, parent)
    from lcapp.models.catalogue import catalogue
    assert catalogue(store).indicators[model.code_at(child)].parent == "tm_ban_le"


def test_cells_show_progress_figures_in_vietnamese(setup):
    store, _worker, entry = setup
    model = SectorGridModel(store, "thuong_mai", entry)
    period = parse_period("202405")
    model.load("tp_lai_chau", period)
    row = {r.indicator: r for r in progress(store, "tp_lai_chau", period)}["tm_ban_le"]
    from lcapp.models.numbers import format_number, format_percent
    assert model.index_of("tm_ban_le", YTD).data() == format_number(row.ytd, row.decimals)
    _source, percent = model.first_percent(row)
    assert model.index_of("tm_ban_le", PERCENT).data() == format_percent(percent)
    assert "," in model.index_of("tm_ban_le", YTD).data() or "." in model.index_of("tm_ban_le", YTD).data()


def test_only_entered_cells_are_editable_and_only_for_a_month(setup):
    store, _worker, entry = setup
    model = SectorGridModel(store, "ngan_sach", entry)
    model.load("tp_lai_chau", parse_period("202405"))
    ytd_entry = "ns_thu_nsdp"
    assert model.entry_column(ytd_entry) == YTD
    assert model.flags(model.index_of(ytd_entry, YTD)) & Qt.ItemIsEditable
    assert not model.flags(model.index_of(ytd_entry, VALUE)) & Qt.ItemIsEditable
    assert not model.flags(model.index_of(ytd_entry, PERCENT)) & Qt.ItemIsEditable
    model.load("tp_lai_chau", parse_period("2024Q2"))
    assert not model.flags(model.index_of(ytd_entry, YTD)) & Qt.ItemIsEditable


def test_a_bad_number_is_refused_with_its_reason_and_nothing_is_written(setup, qtbot):
    store, worker, entry = setup
    model = SectorGridModel(store, "thuong_mai", entry)
    model.load("p_doan_ket", parse_period("202406"))
    before = table_rows(store)
    index = model.index_of("tm_ban_le", VALUE)
    with qtbot.waitSignal(model.inputRejected) as blocker:
        assert model.setData(index, "12.5") is False
    assert "12.5" in blocker.args[1]
    assert index.data(Qt.ToolTipRole) == blocker.args[1]
    assert index.data() == "12.5"
    assert model.input_error_list()[0][:3] == ("tm_ban_le", VALUE, "12.5")
    saved(qtbot, worker)
    assert table_rows(store) == before


def test_a_committed_value_is_saved_and_computed_cells_follow(setup, qtbot):
    store, worker, entry = setup
    model = SectorGridModel(store, "thuong_mai", entry)
    entry.saved.connect(lambda *args: model.refresh())
    period = parse_period("202406")
    model.load("p_doan_ket", period)
    assert model.setData(model.index_of("tm_ban_le", VALUE), "1.234,5")
    saved(qtbot, worker)
    assert [h["month_value"] for h in history(store, "p_doan_ket", "202406", "tm_ban_le")][-1] == 1234.5
    row = {r.indicator: r for r in progress(store, "p_doan_ket", period)}["tm_ban_le"]
    from lcapp.models.numbers import format_number
    assert model.index_of("tm_ban_le", VALUE).data() == format_number(1234.5, row.decimals)
    assert model.index_of("tm_ban_le", VALUE).data(Qt.EditRole) == "1.234,5"
    assert model.index_of("tm_ban_le", YTD).data() == format_number(row.ytd, row.decimals)
    assert model.index_of("tm_ban_le", STATUS).data() in ("ước", "chính thức")


def test_status_and_comment_are_saved(setup, qtbot):
    store, worker, entry = setup
    model = SectorGridModel(store, "thuong_mai", entry)
    model.load("tp_lai_chau", parse_period("202405"))
    assert model.setData(model.index_of("tm_ban_le", STATUS), "chính thức")
    assert model.setData(model.index_of("tm_ban_le", COMMENT), "số của Chi cục Thống kê")
    saved(qtbot, worker)
    last = history(store, "tp_lai_chau", "202405", "tm_ban_le")[-1]
    assert last["status"] == "official" and last["comment"] == "số của Chi cục Thống kê"
    assert model.setData(model.index_of("tm_ban_le", STATUS), "tạm") is False


def test_paste_block_saves_all_or_nothing(setup, qtbot):
    store, worker, entry = setup
    model = SectorGridModel(store, "thuong_mai", entry)
    model.load("p_doan_ket", parse_period("202406"))
    start = model.index_of(model.order[0], VALUE)
    before = table_rows(store)
    problem = model.paste_block(start, "10\n2x0\n")
    assert problem and "2x0" in problem
    saved(qtbot, worker)
    assert table_rows(store) == before
    editable = [c for c in model.order[:2] if model.entry_column(c) == VALUE]
    assert len(editable) == 2
    assert model.paste_block(start, "10\r\n20,5\r\n") is None
    saved(qtbot, worker)
    assert history(store, "p_doan_ket", "202406", model.order[1])[-1]["month_value"] == 20.5


def test_a_months_grid_shows_the_years_plans_not_the_terms(demo_path):
    """4.832 tỷ đồng by 2025 (NQ 01-NQ/ThU) is no plan of the year; it shows in the year's view."""
    from lcapp.models.periods import parse_period
    from lcapp.models.store import Store
    from lcapp.ui.grid_model import SectorGridModel
    store = Store(demo_path)
    try:
        model = SectorGridModel(store, "thuong_mai")
        model.load("tp_lai_chau", parse_period("202405"))
        assert model.sources == ["tinh"]
        model.load("tp_lai_chau", parse_period("2024"))
        assert "nq_thu" in model.sources
    finally:
        store.close()
