"""How long all the checks take for one unit and month on the 10-year benchmark database.

Usage: python bench/bench_checks.py   (builds bench/out/bench.sqlite first if needed)
Prints the median and worst of repeated runs, each on a freshly opened database (catalogue,
organisation, figures and explanations read again, as a command-line call would). Target:
under 200 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import DEFAULT, build  # noqa: E402
from lcapp.models.checks import run_checks, summary_text  # noqa: E402
from lcapp.models.store import Store  # noqa: E402

RUNS = 15


def timed(unit: str, period: str) -> tuple[list[float], str]:
    times = []
    for _ in range(RUNS):
        store = Store(DEFAULT)
        start = time.perf_counter()
        findings = run_checks(store, unit, period)
        times.append((time.perf_counter() - start) * 1000)
        store.close()
    return times, summary_text(findings)


def main() -> None:
    DEFAULT.parent.mkdir(parents=True, exist_ok=True)
    store = build(DEFAULT)
    figures = store.conn.execute("SELECT count(*) FROM figures").fetchone()[0]
    store.close()
    print(f"database: {figures:,} figures, {DEFAULT.stat().st_size / 1e6:.0f} MB")
    for unit, period, what in [("p_doan_ket", "202406", "a ward, one month"),
                               ("tp_lai_chau", "202406", "the city (7 child units), one month"),
                               ("tp_lai_chau", "202401", "the city, January")]:
        times, summary = timed(unit, period)
        print(f"checks {unit} {period} ({what}): median {statistics.median(times):.1f} ms, "
              f"worst {max(times):.1f} ms over {RUNS} runs [{summary}]")


if __name__ == "__main__":
    main()
