"""How long `progress` takes for one unit and month on the 10-year benchmark database.

Usage: python bench/bench_progress.py   (builds bench/out/bench.sqlite first if needed)
Prints the median and worst of repeated runs, each on a freshly opened database (so the
catalogue and organisation are read again, as a command-line call would).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_db import prepare, time_runs  # noqa: E402
from lcapp.models.progress import progress  # noqa: E402

RUNS = 15


def timed(unit: str, period: str) -> list[float]:
    times, rows = time_runs(lambda store: progress(store, unit, period), RUNS)
    assert rows
    return times


def main() -> None:
    prepare()
    for unit, period, what in [("p_doan_ket", "202406", "a ward, one month"),
                               ("tp_lai_chau", "202406", "the city (7 child units), one month"),
                               ("tp_lai_chau", "2024", "the city, the year")]:
        times = timed(unit, period)
        print(f"progress {unit} {period} ({what}): median {statistics.median(times):.1f} ms, "
              f"worst {max(times):.1f} ms over {RUNS} runs")


if __name__ == "__main__":
    main()
