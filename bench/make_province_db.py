"""Build the province benchmark database: the province, its 38 xã/phường and, before them, the
106 units they were formed from; 10 years (2017-2026) of every indicator, every month.

Usage: python bench/make_province_db.py [PATH]   (default bench/out/province.sqlite; reused if present)
Figures follow the organisation as it was: the old communes, wards and townships until
06/2025, the 38 units of 01/07/2025 from 07/2025 (the districts and the province enter none:
they are the sums of their units), shaped as bench/make_db.py makes them; the 38 units'
figures have one history row each, as a package carries them.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import unit_rows  # noqa: E402
from lcapp.models.catalogue import catalogue  # noqa: E402
from lcapp.models.organisation import organisation  # noqa: E402
from lcapp.models.periods import month_period  # noqa: E402
from lcapp.models.setup import create_database  # noqa: E402
from lcapp.models.store import Store  # noqa: E402

PROVINCE_DB = Path(__file__).resolve().parent / "out" / "province.sqlite"
PROVINCE = "lai_chau"
FIRST_YEAR, LAST_YEAR = 2017, 2026
COMMUNE_LEVEL = ("ward", "commune", "township")


def build(path: Path = PROVINCE_DB) -> Store:
    if path.exists():
        return Store(path)
    start = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = create_database(path)
    cat, org = catalogue(store), organisation(store)
    rng = random.Random(2026)
    count = 0
    with store.write() as conn:
        for unit in org.units.values():
            if unit.kind not in COMMUNE_LEVEL:
                continue
            rows = list(unit_rows(unit, cat, rng, FIRST_YEAR, LAST_YEAR, "2026-12-01T00:00:00"))
            count += len(rows)
            conn.executemany("INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if unit.parent == PROVINCE:
                conn.executemany("""INSERT INTO figure_history (unit, month, indicator, month_value, ytd_value,
                                      term_value, status, comment, entered_by, entered_at, reporter, origin, version,
                                      action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'set')""", rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {path}: {count:,} figures in {time.perf_counter() - start:.1f} s")
    return store


def new_units(store: Store) -> list[str]:
    """The 38 xã and phường of the province from 01/07/2025."""
    org = organisation(store)
    return [u.code for u in org.children(PROVINCE, month_period(LAST_YEAR, 11))]


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else PROVINCE_DB).close()
