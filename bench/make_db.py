"""Build the benchmark database: 10 years x every indicator x every unit x 12 months.

Usage: python bench/make_db.py [PATH]   (default bench/out/bench.sqlite; reused if present)
Figures are random but shaped like real ones (flows entered as the month or the
year-to-date as the catalogue says, stocks and rates as levels); each has one history row.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lcapp.models.catalogue import catalogue  # noqa: E402
from lcapp.models.organisation import organisation  # noqa: E402
from lcapp.models.periods import month_key, month_period  # noqa: E402
from lcapp.models.setup import create_database  # noqa: E402
from lcapp.models.store import Store  # noqa: E402

DEFAULT = Path(__file__).resolve().parent / "out" / "bench.sqlite"
FIRST_YEAR, LAST_YEAR = 2015, 2024


def unit_rows(unit, cat, rng: random.Random, first_year: int, last_year: int, entered_at: str):
    """Every month's figure of every non-derived indicator of `unit` while it existed: random
    but shaped like real ones (flows as the month or the year-to-date as the catalogue says,
    stocks and rates as levels)."""
    for ind in cat.indicators.values():
        if ind.derived:
            continue
        level = rng.uniform(10, 1000)
        for year in range(first_year, last_year + 1):
            ytd = 0.0
            for month in range(1, 13):
                if not unit.valid_during(month_period(year, month)):
                    continue
                value = round(level * rng.uniform(0.8, 1.2), 2)
                ytd += value
                month_value, ytd_value = value, None
                if ind.kind == "flow" and ind.entry == "ytd":
                    month_value, ytd_value = None, round(ytd, 2)
                if ind.kind == "rate":
                    month_value = round(rng.uniform(50, 100), 1)
                yield (unit.code, month_key(year, month), ind.code, month_value, ytd_value, None, "official", "",
                       "bench", entered_at, unit.code, "bench", 1)


def build(path: Path) -> Store:
    if path.exists():
        return Store(path)
    start = time.perf_counter()
    store = create_database(path)
    cat, org = catalogue(store), organisation(store)
    rng = random.Random(2024)
    # the province, the city and the city's units (the old districts and the units of
    # 07/2025 are bench/make_province_db.py's)
    units = [u for u in org.units.values() if not u.is_department
             and (u.code in ("lai_chau", "tp_lai_chau") or u.parent == "tp_lai_chau")]
    rows = [row for unit in units for row in unit_rows(unit, cat, rng, FIRST_YEAR, LAST_YEAR, "2024-12-31T00:00:00")]
    with store.write() as conn:
        conn.executemany("INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("""INSERT INTO figure_history (unit, month, indicator, month_value, ytd_value, term_value,
                              status, comment, entered_by, entered_at, reporter, origin, version, action)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'set')""", rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {path}: {len(rows):,} figures in {time.perf_counter() - start:.1f} s")
    return store


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    target.parent.mkdir(parents=True, exist_ok=True)
    build(target).close()


def prepare() -> None:
    """Build the benchmark database if needed and print what it holds (every bench starts so)."""
    DEFAULT.parent.mkdir(parents=True, exist_ok=True)
    store = build(DEFAULT)
    figures = store.conn.execute("SELECT count(*) FROM figures").fetchone()[0]
    store.close()
    print(f"database: {figures:,} figures, {DEFAULT.stat().st_size / 1e6:.0f} MB")


def time_runs(work, runs: int, path: Path = DEFAULT):
    """Milliseconds of `work(store)` in each of `runs` runs, each on a freshly opened database
    (so the catalogue and organisation are read again, as a command-line call would); and the
    last run's result."""
    times, result = [], None
    for _ in range(runs):
        store = Store(path)
        start = time.perf_counter()
        result = work(store)
        times.append((time.perf_counter() - start) * 1000)
        store.close()
    return times, result
