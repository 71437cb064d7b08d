"""Results kept in figure_cache (by unit and month) give exactly what computing afresh gives, and a
changed figure drops what it could have changed: its year's rows from its month on."""

import random
import sqlite3
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcapp.models import schema
from lcapp.models.figure_data import FigureData, keep_figure_results
from lcapp.models.figures import enter
from lcapp.models.organisation import organisation
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.store import Store

# entered as the month (flow), as the year-to-date (flows), levels (stocks), a rate that does not
# add up across units; the derived ones are computed from these
ENTERED = {"tm_ban_le": "month", "ns_thu_nsdp": "ytd", "ns_thu_chuyen_nguon": "ytd", "nq01_cong_viec": "month",
           "nq01_hoan_thanh": "month", "kt_thu_nhap_binh_quan": "month"}
CODES = [*ENTERED, "nq01_ty_le", "ns_thu_nsdp_tru_cn"]
MONTHS = [202500 + m for m in range(7, 13)] + [202600 + m for m in range(1, 13)]  # the 38 units' months
PERIODS = ([str(m) for m in MONTHS if m > 202600] + ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026S1", "2026S2",
                                                    "2026M9", "2026", "2025Q3", "2025Q4", "2025S2", "2025"])


@pytest.fixture
def province(store):
    return store, [u.code for u in organisation(store).children("lai_chau", parse_period("202611"))]


def figure_row(unit, month, indicator, month_value, ytd_value):
    return (unit, month, indicator, month_value, ytd_value, None, "official", "", "t", "2026-12-01T00:00:00", unit,
            "test", 1)


def fill(store, units, rng, holes):
    """Every unit's figures of 07/2025-11/2026, each missing with probability `holes`."""
    rows = []
    for unit in units:
        for code, entry in ENTERED.items():
            level, ytd = rng.uniform(10, 1000), 0.0
            for month in MONTHS[:-1]:
                if month % 100 == 1:
                    ytd = 0.0
                value = round(level * rng.uniform(0.8, 1.2), 2)
                ytd += value
                if rng.random() < holes:
                    continue
                shape = entry if rng.random() < 0.9 else "both"
                rows.append(figure_row(unit, month, code, None if shape == "ytd" else value,
                                       None if shape == "month" else round(ytd, 2)))
    with store.write() as conn:
        conn.execute("DELETE FROM figures")
        conn.execute("DELETE FROM figure_cache")
        conn.executemany("INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def change(store, unit, month, indicator, how, value):
    with store.write() as conn:
        if how == "clear":
            conn.execute("DELETE FROM figures WHERE unit = ? AND month = ? AND indicator = ?", (unit, month, indicator))
        else:
            conn.execute("INSERT OR REPLACE INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         figure_row(unit, month, indicator, value if how == "month" else None,
                                    value if how == "ytd" else None))


def computed_afresh(path, unit, period):
    """progress() with nothing kept read or written: the plain computation over the figures."""
    plain = Store(path)
    try:
        with patch.object(FigureData, "_kept_results", lambda self, unit, year, month: {}):
            return progress(plain, unit, period, CODES)
    finally:
        plain.close()


def kept_months(store, unit="lai_chau"):
    rows = store.query("SELECT year, month FROM figure_cache WHERE unit = ?", (unit,))
    return {(r["year"], r["month"]) for r in rows}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), holes=st.sampled_from([0.0, 0.001, 0.02]),
       before=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=3), after=st.sampled_from(PERIODS),
       changes=st.lists(st.tuples(st.integers(0, 37), st.sampled_from(MONTHS), st.sampled_from(list(ENTERED)),
                                  st.sampled_from(["month", "ytd", "clear"]),
                                  st.floats(0, 5000, allow_nan=False).map(lambda v: round(v, 2))), max_size=4),
       unit=st.integers(0, 37))
def test_kept_results_equal_the_plain_computation_after_any_change(province, seed, holes, before, after, changes,
                                                                   unit):
    store, units = province
    fill(store, units, random.Random(seed), holes)
    keeping = Store(store.path)
    keeping.keeps_figure_cache = True
    try:
        for period in before:  # what the office looked at before the figures changed
            progress(keeping, "lai_chau", period, CODES)
            keep_figure_results(keeping)
        for number, month, indicator, how, value in changes:
            change(store, units[number], month, indicator, how, value)
        expected = computed_afresh(store.path, "lai_chau", after)
        assert progress(keeping, "lai_chau", after, CODES) == expected  # from what was kept, where still valid
        keep_figure_results(keeping)
        again = Store(store.path)
        assert progress(again, "lai_chau", after, CODES) == expected  # from what that computation kept
        assert progress(again, units[unit], after, CODES) == computed_afresh(store.path, units[unit], after)
        again.close()
    finally:
        keeping.close()


def test_a_figure_drops_its_years_kept_results_from_its_month_on(province):
    store, units = province
    fill(store, units, random.Random(1), 0.0)
    store.keeps_figure_cache = True
    for period in ("202511", "202610", "202611"):
        progress(store, "lai_chau", period, CODES)
    keep_figure_results(store)
    assert {(2025, 11), (2026, 10), (2026, 11)} <= kept_months(store)
    total = progress(store, "lai_chau", "202611", ["tm_ban_le"])[0]
    enter(store, units[0], "202610", "tm_ban_le", 1234.5, user="t")  # October changes: so do October's sums on
    months = kept_months(store)
    assert (2026, 10) not in months and (2026, 11) not in months
    assert {(2025, 11), (2026, 9)} <= months  # the months before it and last year stay kept
    assert all(m < 10 for y, m in kept_months(store, units[0]) if y == 2026)
    after = progress(store, "lai_chau", "202611", CODES)
    assert after == computed_afresh(store.path, "lai_chau", "202611")
    assert after[0].ytd != total.ytd and after[0].value == total.value  # October is in the year-to-date only
    keep_figure_results(store)
    enter(store, units[0], "202612", "tm_ban_le", 1, user="t")  # December: November's results stay kept
    assert (2026, 11) in kept_months(store) and (2026, 12) not in kept_months(store)


def test_a_figure_moved_to_another_month_drops_both_months_results(province):
    store, units = province
    fill(store, units, random.Random(2), 0.0)
    store.keeps_figure_cache = True

    def move(where, to):
        with store.write() as conn:
            conn.execute("UPDATE figures SET unit = ?, month = ? WHERE unit = ? AND month = ? "
                         "AND indicator = 'tm_ban_le'", (*to, *where))

    for period in ("202602", "202511"):
        progress(store, "lai_chau", period, CODES)
    keep_figure_results(store)
    move((units[0], 202510), (units[0], 202612))  # from October 2025: its sums from then on go
    assert (2025, 11) not in kept_months(store) and (2026, 2) in kept_months(store)
    with store.write() as conn:
        conn.execute("DELETE FROM figures WHERE unit = ? AND month = 202601 AND indicator = 'tm_ban_le'", (units[1],))
    progress(store, "lai_chau", "202602", CODES)
    keep_figure_results(store)
    assert (2026, 2) in kept_months(store)
    move((units[0], 202612), (units[1], 202601))  # into January 2026: the year's sums go
    assert not {(y, m) for y, m in kept_months(store) if y == 2026}
    assert progress(store, "lai_chau", "202602", CODES) == computed_afresh(store.path, "lai_chau", "202602")


def test_an_older_database_keeps_its_results_by_month_after_the_upgrade(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    before = schema.migration_number("figure_cache by month") - 1
    with monkeypatch.context() as patched:
        patched.setattr("lcapp.models.store.MIGRATIONS", schema.MIGRATIONS[:before])
        patched.setattr("lcapp.models.store.SCHEMA_VERSION", before)
        old = Store(path, create=True)
        with old.write() as conn:
            conn.execute("INSERT INTO figure_cache (unit, year, model, entries) VALUES ('lai_chau', 2026, 'm', '{}')")
        old.close()
    store = Store(path)
    columns = [row[1] for row in store.conn.execute("PRAGMA table_info(figure_cache)")]
    assert columns == ["year", "month", "unit", "model", "entries"]
    assert store.query("SELECT * FROM figure_cache") == []  # results of the old layout are computed again
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
